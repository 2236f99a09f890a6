/**
 * Cross-checks 38커뮤니케이션's figures against the facts read from the DART filings. DART
 * wins: a DART value is never replaced. A disagreement becomes a `source_conflict`
 * data-quality record carrying both values; a value only 38 has is returned separately (with
 * 38 as its source) for the caller to show as secondary. Comparisons allow for 38's rounding
 * (공모금액 in 백만원, ratios to 2 decimals, the 비례 ratio to whole numbers).
 *
 * @module
 */
import type { IpoDocumentFacts, QualityIssue, SourcedNumber } from "../dart/documents/facts.ts";
import type { X38DemandRow, X38Detail, X38ListRow } from "./types.ts";

/** What 38 said about one offering (any of its pages). */
export interface X38Facts {
  detail?: X38Detail | null;
  list?: X38ListRow | null;
  demand?: X38DemandRow | null;
}

/** A value only 38 has. */
export interface X38OnlyValue {
  field: string;
  value: unknown;
  /** The 38 page it came from. */
  page: "o=v" | "o=k" | "o=r1";
}

export interface CrossCheckResult {
  /** Fields both sources state. */
  compared: number;
  /** Fields that agree. */
  agreed: number;
  issues: QualityIssue[];
  only_x38: X38OnlyValue[];
}

const normUw = (s: string) =>
  s.replace(/주식회사|\(주\)|㈜|\s+/g, "").replace(/^엔에이치/, "NH").replace(/^케이비/, "KB")
    .replace(/^아이비케이/, "IBK").replace(/^디비/, "DB").replace(/^에스케이/, "SK");

/** Compares the sources; see the module doc. */
export function crossCheckX38(dart: IpoDocumentFacts, x38: X38Facts): CrossCheckResult {
  const out: CrossCheckResult = { compared: 0, agreed: 0, issues: [], only_x38: [] };
  const d = x38.detail ?? null;
  const l = x38.list ?? null;
  const r = x38.demand ?? null;

  const check = (
    field: string,
    dv: SourcedNumber | { value: unknown; src: { rcept_no: string; section: string[] } } | null,
    xv: unknown,
    page: X38OnlyValue["page"],
    same: (a: never, b: never) => boolean = (a, b) => a === b,
  ) => {
    if (xv === null || xv === undefined) return;
    if (!dv) {
      out.only_x38.push({ field, value: xv, page });
      return;
    }
    out.compared++;
    if ((same as (a: unknown, b: unknown) => boolean)(dv.value, xv)) {
      out.agreed++;
      return;
    }
    out.issues.push({
      code: "source_conflict",
      severity: "warning",
      message: `${field}: DART ${JSON.stringify(dv.value)} ≠ 38 ${
        JSON.stringify(xv)
      } (DART 값을 씁니다)`,
      field,
      rcept_no: dv.src.rcept_no,
      section: dv.src.section,
      table: null,
      values: { dart: dv.value, x38: xv },
    });
  };
  const near = (tol: number) => (a: number, b: number) => Math.abs(a - b) <= tol + 1e-9;
  const round2 = (a: number, b: number) => Math.abs(Math.round(a * 100) - Math.round(b * 100)) <= 1;
  const range = (a: { from: string; to: string }, b: { from: string; to: string }) =>
    a.from === b.from && a.to === b.to;

  const o = dart.offering;
  const bandLow = d?.band?.low ?? l?.band?.low ?? r?.band?.low ?? null;
  const bandHigh = d?.band?.high ?? l?.band?.high ?? r?.band?.high ?? null;
  const page = (v: unknown, p: X38OnlyValue["page"]) => (v === null || v === undefined ? "o=v" : p);
  check("offering.price_band_low", o.price_band_low, bandLow, page(d?.band, "o=k"));
  check("offering.price_band_high", o.price_band_high, bandHigh, page(d?.band, "o=k"));
  check(
    "offering.final_price",
    o.final_price,
    d?.final_price ?? l?.final_price ?? r?.final_price ?? null,
    d?.final_price != null ? "o=v" : "o=k",
  );
  if (d) {
    check("offering.shares_total", o.shares_total, d.shares_total, "o=v");
    check("offering.shares_new", o.shares_new, d.shares_new, "o=v");
    check("offering.shares_secondary", o.shares_secondary, d.shares_secondary, "o=v");
    check("offering.par_value", o.par_value, d.par_value, "o=v");
  }
  // 38 prints 공모금액 in 백만원 (rounded).
  check(
    "offering.offer_amount",
    o.offer_amount,
    d?.offer_amount ?? r?.offer_amount ?? null,
    "o=v",
    near(1e6),
  );
  check(
    "subscription.competition",
    dart.subscription.competition,
    d?.competition ?? l?.competition ?? null,
    d?.competition != null ? "o=v" : "o=k",
    round2,
  );
  check(
    "subscription.competition_proportional",
    dart.subscription.competition_proportional,
    d?.competition_proportional ?? null,
    "o=v",
    near(1),
  );
  check(
    "demand.competition",
    dart.demand.competition,
    d?.inst_competition ?? r?.inst_competition ?? null,
    d?.inst_competition != null ? "o=v" : "o=r1",
    round2,
  );
  check(
    "demand.lockup_ratio",
    dart.demand.lockup_ratio,
    d?.lockup_ratio ?? r?.lockup_ratio ?? null,
    d?.lockup_ratio != null ? "o=v" : "o=r1",
    round2,
  );
  if (d) {
    check(
      "subscription_terms.deposit_rate",
      dart.subscription_terms.deposit_rate,
      d.deposit_rate,
      "o=v",
    );
    const s = dart.schedule;
    check("schedule.bookbuilding", s.bookbuilding, d.schedule.bookbuilding, "o=v", range);
    check("schedule.subscription", s.subscription, d.schedule.subscription, "o=v", range);
    check("schedule.allotment_notice", s.allotment_notice, d.schedule.allotment_notice, "o=v");
    check("schedule.payment", s.payment, d.schedule.payment, "o=v");
    check("schedule.refund", s.refund, d.schedule.refund, "o=v");
    check("schedule.listing", s.listing, d.schedule.listing, "o=v");
    const alloc = (g: "institutions" | "retail" | "employees") =>
      dart.allocation.find((a) => a.group === g)?.shares ?? null;
    check(
      "allocation.institutions",
      alloc("institutions"),
      d.allocation.institutions.shares,
      "o=v",
    );
    check("allocation.retail", alloc("retail"), d.allocation.retail.shares, "o=v");
    if (d.allocation.employees.shares) {
      check("allocation.employees", alloc("employees"), d.allocation.employees.shares, "o=v");
    }
  } else if (l) {
    check("schedule.subscription", dart.schedule.subscription, l.subscription, "o=k", range);
  }
  const xUw = d?.lead_underwriters.length
    ? d.lead_underwriters
    : l?.underwriters.length
    ? l.underwriters
    : r?.underwriters ?? [];
  if (xUw.length) {
    const dUw = dart.underwriters;
    if (!dUw.length) {
      out.only_x38.push({ field: "underwriters", value: xUw, page: d ? "o=v" : "o=k" });
    } else {
      out.compared++;
      const a = new Set(dUw.map((u) => normUw(u.name)));
      const b = new Set(xUw.map(normUw));
      if ([...b].every((x) => a.has(x)) && [...a].every((x) => b.has(x))) out.agreed++;
      else {
        out.issues.push({
          code: "source_conflict",
          severity: "warning",
          message: `underwriters: DART ${[...a].join(",")} ≠ 38 ${
            [...b].join(",")
          } (DART 값을 씁니다)`,
          field: "underwriters",
          rcept_no: dUw[0].src.rcept_no,
          section: dUw[0].src.section,
          table: dUw[0].src.table,
          values: { dart: dUw.map((u) => u.name), x38: xUw },
        });
      }
    }
  }
  return out;
}
