/**
 * Deal facts read from DART: the estkRs groups (증권신고서 주요정보) and the key-value tables
 * of a `[발행조건확정]` 증권신고서 document (희망/확정공모가, 수요예측 경쟁률, 의무보유확약 …),
 * which estkRs does not carry (dart.md §10). Pure functions.
 *
 * @module
 */
import type { EstkRs } from "../sources/dart/types.ts";
import type { IpoFacts } from "./model.ts";

/** Facts one DART source gives; absent keys are unknown. */
export type PartialFacts = Partial<IpoFacts>;

/** `"2023년 06월 01일"`, `"2023.06.01"`, `"2023-06-01"` -> `2023-06-01`; else null. */
export function koDate(s: string | undefined): string | null {
  const m = /(\d{4})\s*(?:년|[.\-/])\s*(\d{1,2})\s*(?:월|[.\-/])\s*(\d{1,2})/.exec(s ?? "");
  if (!m) return null;
  return `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;
}

/** `"A ~ B"` with Korean or ISO dates -> range; a single date -> a one-day range. */
export function koRange(s: string | undefined): { from: string; to: string } | null {
  const parts = (s ?? "").split("~").map((p) => koDate(p));
  if (!parts[0]) return null;
  return { from: parts[0], to: parts[1] ?? parts[0] };
}

/** The first number of a text: `"21,000원"` -> 21000, `"1,021.37 : 1"` -> 1021.37, `"-"` -> null. */
export function firstNumber(s: string | undefined): number | null {
  const m = /-?\d[\d,]*(?:\.\d+)?/.exec(s ?? "");
  if (!m) return null;
  const n = Number(m[0].replace(/,/g, ""));
  return Number.isFinite(n) ? n : null;
}

/** Every number of a text, in order. */
function numbers(s: string): number[] {
  return [...s.matchAll(/\d[\d,]*(?:\.\d+)?/g)].map((m) => Number(m[0].replace(/,/g, "")));
}

const val = (v: string | undefined) => {
  const s = (v ?? "").trim();
  return s === "" || s === "-" ? undefined : s;
};

/**
 * Facts of an estkRs answer. Only offering-wide fields are taken: `slprc` of a registration
 * is the band's lower bound or an estimate, so it is not read as the final price.
 */
export function factsFromEstk(e: EstkRs): PartialFacts & { rcept_no: string | null } {
  const general = e.groups["일반사항"]?.[0] ?? {};
  const kinds = e.groups["증권의종류"] ?? [];
  const uw = e.groups["인수인정보"] ?? [];
  const out: PartialFacts & { rcept_no: string | null } = {
    rcept_no: general.rcept_no ?? kinds[0]?.rcept_no ?? null,
  };
  const sbd = koRange(val(general.sbd));
  if (sbd) out.subscription = sbd;
  const pymd = koDate(val(general.pymd));
  if (pymd) out.payment_date = pymd;
  const shares = kinds.reduce((a, k) => a + (firstNumber(val(k.stkcnt)) ?? 0), 0);
  if (shares > 0) out.offer_shares = shares;
  const method = val(kinds[0]?.slmthn);
  if (method) out.offering_method = method;
  const lead = uw.filter((u) => /대표/.test(u.actsen ?? ""));
  const names = [...lead, ...uw.filter((u) => !lead.includes(u))]
    .map((u) => val(u.actnmn))
    .filter((n): n is string => !!n);
  if (names.length) out.underwriters = [...new Set(names)];
  return out;
}

/** True when an estkRs offering is a rights offering (주주배정/주주우선), not an IPO. */
export function isRightsOffering(method: string | null | undefined): boolean {
  return /주주배정|주주우선/.test(method ?? "");
}

const decode = (s: string) =>
  s.replace(/<[^>]+>/g, " ").replace(/&nbsp;/g, " ").replace(/&amp;/g, "&").replace(/\s+/g, " ")
    .trim();

/** Key-value rows of every two-cell table row (`<TR><TD>key</TD><TD>value</TD></TR>`). */
export function documentRows(xml: string): [string, string][] {
  const out: [string, string][] = [];
  for (const tr of xml.matchAll(/<TR\b[^>]*>([\s\S]*?)<\/TR>/gi)) {
    const cells = [...tr[1].matchAll(/<T[DH]\b[^>]*>([\s\S]*?)<\/T[DH]>/gi)].map((c) =>
      decode(c[1])
    );
    if (cells.length >= 2) out.push([cells[0].replace(/\s/g, ""), cells[1]]);
  }
  return out;
}

/** Facts of a `[발행조건확정]` (or any 증권신고서) document's summary table. */
export function factsFromDocument(xml: string): PartialFacts {
  const out: PartialFacts = {};
  for (const [k, v] of documentRows(xml)) {
    if (/^희망공모가/.test(k)) {
      const [lo, hi] = numbers(v);
      if (lo !== undefined) {
        out.price_band_low = lo;
        out.price_band_high = hi ?? lo;
      }
    } else if (/^확정공모가/.test(k)) out.final_price = firstNumber(v);
    else if (/^공모주식수/.test(k)) out.offer_shares = firstNumber(v);
    else if (/^공모금액/.test(k)) out.offer_amount = firstNumber(v);
    else if (/^수요예측(일|기간|일정)$/.test(k)) out.bookbuilding = koRange(v);
    else if (/^수요예측경쟁률/.test(k)) out.demand_competition = firstNumber(v);
    else if (/^의무보유확약/.test(k)) out.lockup_ratio = firstNumber(v);
    else if (/^청약경쟁률/.test(k)) out.subscription_competition = firstNumber(v);
    else if (/^청약(일|기일|기간)$/.test(k)) out.subscription = koRange(v);
    else if (/^납입(일|기일)$/.test(k)) out.payment_date = koDate(v);
    else if (/^상장(예정)?일$/.test(k)) out.listing_date = koDate(v);
    else if (/^대표주관/.test(k)) {
      out.underwriters = v.split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
    }
  }
  for (const k of Object.keys(out) as (keyof PartialFacts)[]) {
    if (out[k] === null || out[k] === undefined) delete out[k];
  }
  return out;
}
