/**
 * Reconciliation: KIND (상장예비심사, 공모기업현황, 신규상장기업현황) and DART (the
 * 증권신고서(지분증권) family) become one list of IPO deals. Pure: no I/O.
 *
 * Matching runs in three stages and every match records the stage that made it:
 *
 * 1. `name_date`: normalized company name + key dates (KIND 신고서제출일 vs the DART original
 *    증권신고서 접수일 within {@link FILING_DAYS} days; 청구일 before 신고서; 상장일 equal). Among
 *    same-name candidates the closest date wins, so two companies with one name stay apart.
 * 2. `report_class`: for what stage 1 left, the DART report class and schedule: a deal whose
 *    증권신고서 was filed on the KIND 신고서제출일 (±{@link CLASS_DAYS}) and whose
 *    `[발행조건확정]` version falls between 수요예측 end and 청약 start (or whose 철회신고서
 *    meets a KIND withdrawal), when exactly one candidate fits, whatever its name.
 * 3. `stock_code`: after listing, the KIND 종목코드 (letters allowed, ^[0-9A-Z]{6}$) against
 *    the DART corp master's stock code of the deal's corp_code.
 *
 * What stays unmatched stays in the list, flagged.
 *
 * @module
 */
import type { Disclosure } from "../etl/schemas.ts";
import { normalizeName } from "../store/corps.ts";
import { isRightsOffering, type PartialFacts } from "./facts.ts";
import type { KindData, KindListing, KindOffering, KindReview } from "./kind_rows.ts";
import {
  emptyFacts,
  FORWARD_STAGES,
  type IpoFacts,
  type IpoFiling,
  type IpoFlag,
  type IpoItem,
  type IpoMatch,
  type Market,
  type MatchStage,
  type Stage,
  type StageEvent,
} from "./model.ts";

/** The DART report classes of the securities-filing family (base names). */
export const IPO_REPORT_CLASSES = [
  "증권신고서(지분증권)",
  "투자설명서",
  "증권발행실적보고서",
  "철회신고서",
] as const;
const REGISTRATION = "증권신고서(지분증권)";

/** Days between KIND 신고서제출일 and the DART 접수일 accepted by stage 1. */
export const FILING_DAYS = 7;
/** Days accepted by stage 2. */
export const CLASS_DAYS = 3;
/** Longest 청구 → 신고서 gap matched (KRX approvals are valid six months; with slack). */
const REVIEW_TO_FILING_DAYS = 400;

/** True when a disclosure belongs to the IPO filing family. */
export function isIpoFiling(d: Pick<Disclosure, "base_name">): boolean {
  return (IPO_REPORT_CLASSES as readonly string[]).some((c) =>
    d.base_name === c || d.base_name.startsWith(`${c} `)
  );
}

const CLS_MARKET: Record<string, Market> = { Y: "유가증권", K: "코스닥", N: "코넥스" };
const day = (s: string) => Date.parse(`${s}T00:00:00Z`) / 86400_000;
const gap = (a: string, b: string) => Math.abs(day(a) - day(b));

/** A DART deal: one 증권신고서 chain and the family filings that follow it. */
export interface DartDeal {
  corp_code: string;
  corp_name: string;
  stock_code: string | null;
  /** Market from DART's corp_cls of the newest filing (Y/K/N), when listed. */
  market: Market | null;
  root: string;
  root_date: string;
  chains: Disclosure[][];
  withdrawn: boolean;
  /** rcept_dt of the [발행조건확정] version, when filed. */
  fixed_date: string | null;
}

/** Groups IPO-family disclosures (chains built) into DART deals per company. */
export function dartDeals(disclosures: Disclosure[]): DartDeal[] {
  const family = disclosures.filter(isIpoFiling);
  const chains = new Map<string, Disclosure[]>();
  for (const d of family) {
    if (!chains.has(d.chain_root)) chains.set(d.chain_root, []);
    chains.get(d.chain_root)!.push(d);
  }
  const byCorp = new Map<string, Disclosure[][]>();
  for (const c of chains.values()) {
    c.sort((a, b) => a.rcept_no.localeCompare(b.rcept_no));
    const corp = c[0].corp_code;
    if (!byCorp.has(corp)) byCorp.set(corp, []);
    byCorp.get(corp)!.push(c);
  }
  const out: DartDeal[] = [];
  for (const list of byCorp.values()) {
    list.sort((a, b) => a[0].rcept_no.localeCompare(b[0].rcept_no));
    let open: DartDeal | null = null;
    for (const c of list) {
      const first = c[0];
      if (!open || first.base_name === REGISTRATION) {
        const latest = c.at(-1)!;
        open = {
          corp_code: first.corp_code,
          corp_name: latest.corp_name,
          stock_code: latest.stock_code,
          market: CLS_MARKET[latest.corp_cls] ?? null,
          root: first.rcept_no,
          root_date: first.rcept_dt,
          chains: [],
          withdrawn: false,
          fixed_date: null,
        };
        out.push(open);
      }
      open.chains.push(c);
      if (first.base_name.startsWith("철회신고서")) open.withdrawn = true;
      const fixed = c.find((d) => d.prefixes.includes("발행조건확정"));
      if (fixed) open.fixed_date = fixed.rcept_dt;
    }
  }
  return out;
}

/** Inputs of {@link reconcile}. */
export interface ReconcileInput {
  /** "Today" (KST), `YYYY-MM-DD`: stages up to it are done, later ones scheduled. */
  asOf: string;
  /** KIND rows; null when KIND was not read (its data is then missing). */
  kind: KindData | null;
  /** DART disclosures with chains built (any report; the family is picked out). */
  disclosures: Disclosure[];
  /** estkRs facts per DART deal root rcept_no (or per registration version rcept_no). */
  estk?: Map<string, PartialFacts>;
  /** Document facts per rcept_no (the [발행조건확정] version). */
  documents?: Map<string, PartialFacts>;
  /** corp_code -> stock_code from the corp master (known after listing). */
  stockByCorp?: Map<string, string>;
}

interface Deal {
  id: string;
  name: string;
  review?: KindReview;
  offering?: KindOffering;
  listing?: KindListing;
  dart?: DartDeal;
  matches: IpoMatch[];
  ambiguous: boolean;
}

const WITHDRAWN = new Set(["withdrawn", "listing_withdrawn", "offering_withdrawn"]);

/** Picks the candidate closest by `dist`; ties make the match ambiguous. */
function closest<T>(cands: T[], dist: (c: T) => number): { best: T | null; tie: boolean } {
  let best: T | null = null, bd = Infinity, tie = false;
  for (const c of cands) {
    const d = dist(c);
    if (d < bd) [best, bd, tie] = [c, d, false];
    else if (d === bd) tie = true;
  }
  return { best, tie };
}

/** Reconciles KIND and DART into IPO items, sorted by their most recent date, newest first. */
export function reconcile(input: ReconcileInput): IpoItem[] {
  const kind = input.kind ?? { offerings: [], listings: [], reviews: [] };
  const deals: Deal[] = [];

  // KIND reviews start deals.
  for (const r of [...kind.reviews].sort((a, b) => a.filed_date.localeCompare(b.filed_date))) {
    deals.push({
      id: `K${r.biz_proc_no}`,
      name: r.corp_name,
      review: r,
      matches: [{ source: "kind_review", ref: r.biz_proc_no, matched_by: "key" }],
      ambiguous: false,
    });
  }

  // Offerings join the closest earlier review of the same name, else start a deal.
  const offerings = [...kind.offerings].sort((a, b) =>
    (a.filing_date ?? "").localeCompare(b.filing_date ?? "")
  );
  const reviewsByName = new Map<string, Deal[]>();
  for (const d of deals) {
    const n = normalizeName(d.review!.corp_name);
    if (!reviewsByName.has(n)) reviewsByName.set(n, []);
    reviewsByName.get(n)!.push(d);
  }
  for (const o of offerings) {
    const n = normalizeName(o.corp_name);
    const cands = (reviewsByName.get(n) ?? []).filter((d) =>
      d.review && !d.offering &&
      d.review.result !== "rejected" && d.review.result !== "withdrawn" &&
      (!o.filing_date ||
        (d.review.filed_date <= o.filing_date &&
          day(o.filing_date) - day(d.review.filed_date) <= REVIEW_TO_FILING_DAYS))
    );
    const { best, tie } = closest(
      cands,
      (d) => o.filing_date ? day(o.filing_date) - day(d.review!.filed_date) : 0,
    );
    if (best) {
      best.offering = o;
      best.ambiguous ||= tie || cands.length > 1;
      best.matches.push({ source: "kind_offering", ref: o.biz_proc_no, matched_by: "name_date" });
    } else {
      deals.push({
        id: `K${o.biz_proc_no}`,
        name: o.corp_name,
        offering: o,
        matches: [{ source: "kind_offering", ref: o.biz_proc_no, matched_by: "key" }],
        ambiguous: false,
      });
    }
  }

  // DART deals (rights offerings are not IPOs and are left out).
  const estkOf = (dd: DartDeal): PartialFacts | undefined => {
    for (const c of dd.chains) {
      for (const d of [...c].reverse()) {
        const f = input.estk?.get(d.rcept_no);
        if (f) return f;
      }
    }
    return undefined;
  };
  const dart = dartDeals(input.disclosures).filter((dd) =>
    !isRightsOffering(estkOf(dd)?.offering_method)
  );
  const unmatchedDart = new Set(dart);
  const attach = (d: Deal, dd: DartDeal, by: MatchStage, ambiguous: boolean) => {
    d.dart = dd;
    d.ambiguous ||= ambiguous;
    d.matches.push({ source: "dart", ref: dd.root, matched_by: by });
    unmatchedDart.delete(dd);
  };
  const kindDate = (d: Deal) => d.offering?.filing_date ?? null;

  // Stage 1: name + dates.
  const kindByName = new Map<string, Deal[]>();
  for (const d of deals) {
    for (const name of new Set([d.offering?.corp_name, d.review?.corp_name])) {
      if (!name) continue;
      const n = normalizeName(name);
      if (!kindByName.has(n)) kindByName.set(n, []);
      if (!kindByName.get(n)!.includes(d)) kindByName.get(n)!.push(d);
    }
  }
  for (const dd of [...dart].sort((a, b) => a.root.localeCompare(b.root))) {
    const n = normalizeName(dd.corp_name);
    const cands = (kindByName.get(n) ?? []).filter((d) => {
      if (d.dart || normalizeName(d.offering?.corp_name ?? d.review?.corp_name ?? "") !== n) {
        return false;
      }
      const fd = kindDate(d);
      if (fd) return gap(fd, dd.root_date) <= FILING_DAYS;
      // a review-only deal: the 신고서 follows an approval
      const r = d.review!;
      return r.filed_date <= dd.root_date &&
        day(dd.root_date) - day(r.filed_date) <= REVIEW_TO_FILING_DAYS &&
        (r.result === "approved" || r.result === "listing_approved" ||
          (dd.withdrawn && WITHDRAWN.has(r.result)));
    });
    const { best, tie } = closest(cands, (d) => {
      const fd = kindDate(d);
      return fd ? gap(fd, dd.root_date) : day(dd.root_date) - day(d.review!.filed_date);
    });
    if (best && !tie) attach(best, dd, "name_date", cands.length > 1);
  }

  // Stage 2: report class and schedule, unique candidates only.
  for (const d of deals) {
    if (d.dart || !d.offering?.filing_date) continue;
    const o = d.offering;
    const fits = [...unmatchedDart].filter((dd) => {
      if (gap(o.filing_date!, dd.root_date) > CLASS_DAYS) return false;
      if (dd.withdrawn && d.review && WITHDRAWN.has(d.review.result)) return true;
      const f = dd.fixed_date;
      return !!f && !!o.bookbuilding && !!o.subscription &&
        f >= o.bookbuilding.to && f <= o.subscription.from;
    });
    if (fits.length === 1) attach(d, fits[0], "report_class", false);
  }

  // DART deals KIND does not show become their own deals.
  for (const dd of unmatchedDart) {
    deals.push({
      id: `D${dd.root}`,
      name: dd.corp_name,
      dart: dd,
      matches: [{ source: "dart", ref: dd.root, matched_by: "key" }],
      ambiguous: false,
    });
  }

  // Listings. Stage 3 first (stock code via the deal's corp), then name + listing date.
  const listings = [...kind.listings].sort((a, b) => a.listing_date.localeCompare(b.listing_date));
  const stockOf = (d: Deal) =>
    d.dart ? input.stockByCorp?.get(d.dart.corp_code) ?? d.dart.stock_code : null;
  const leftover: KindListing[] = [];
  const dealsByStock = new Map<string, Deal[]>();
  for (const d of deals) {
    const code = stockOf(d);
    if (!code) continue;
    if (!dealsByStock.has(code)) dealsByStock.set(code, []);
    dealsByStock.get(code)!.push(d);
  }
  for (const l of listings) {
    const byCode = (dealsByStock.get(l.stock_code) ?? []).filter((d) => !d.listing);
    const pick = closest(
      byCode,
      (d) => gap(d.offering?.listing_date ?? d.dart!.root_date, l.listing_date),
    );
    if (pick.best) {
      pick.best.listing = l;
      pick.best.matches.push({
        source: "kind_listing",
        ref: l.stock_code,
        matched_by: "stock_code",
      });
    } else leftover.push(l);
  }
  for (const l of leftover) {
    const n = normalizeName(l.corp_name);
    const cands = (kindByName.get(n) ?? []).filter((d) =>
      !d.listing && d.offering?.listing_date &&
      normalizeName(d.offering.corp_name) === n &&
      gap(d.offering.listing_date, l.listing_date) <= 14
    );
    const { best, tie } = closest(cands, (d) => gap(d.offering!.listing_date!, l.listing_date));
    if (best && !tie) {
      best.listing = l;
      best.matches.push({ source: "kind_listing", ref: l.stock_code, matched_by: "name_date" });
    } else {
      // a listing nothing else explains (이전상장, 재상장, or a deal outside the window)
      deals.push({
        id: `L${l.stock_code}`,
        name: l.corp_name,
        listing: l,
        matches: [{ source: "kind_listing", ref: l.stock_code, matched_by: "key" }],
        ambiguous: false,
      });
    }
  }

  // Same-name pairs: deals sharing a normalized name that are not provably one company.
  const corpOf = (d: Deal) => d.dart?.corp_code ?? d.listing?.stock_code ?? d.id;
  const byName = new Map<string, Set<string>>();
  for (const d of deals) {
    const n = normalizeName(d.name);
    if (!byName.has(n)) byName.set(n, new Set());
    byName.get(n)!.add(corpOf(d));
  }
  const items = deals.map((d) =>
    buildItem(d, input, (byName.get(normalizeName(d.name))?.size ?? 0) > 1 || d.ambiguous)
  );
  const key = (i: IpoItem) => i.history.at(-1)?.date ?? "";
  return items.sort((a, b) =>
    key(b).localeCompare(key(a)) || a.pipeline_id.localeCompare(b.pipeline_id)
  );
}

function marketOf(d: Deal): Market | null {
  return d.listing?.market ?? d.offering?.market ?? d.review?.market ?? d.dart?.market ?? null;
}

function filingsOf(dd: DartDeal | undefined): IpoFiling[] {
  if (!dd) return [];
  return dd.chains.map((c) => {
    const versions = c.map((d) => ({
      rcept_no: d.rcept_no,
      report_nm: d.report_nm,
      rcept_dt: d.rcept_dt,
      viewer_url: d.viewer_url,
    }));
    return { root: c[0].rcept_no, base_name: c[0].base_name, latest: versions.at(-1)!, versions };
  });
}

/** Merges facts: later sources in `layers` fill only what earlier ones left unknown. */
function merge(layers: PartialFacts[]): IpoFacts {
  const f = emptyFacts();
  const rec = f as Record<string, unknown>;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (!(k in f) || v === null || v === undefined) continue;
      const cur = rec[k];
      if (cur === null || (Array.isArray(cur) && cur.length === 0)) rec[k] = v;
    }
  }
  return f;
}

function buildItem(d: Deal, input: ReconcileInput, sameName: boolean): IpoItem {
  const { review: r, offering: o, listing: l, dart: dd } = d;
  const docFacts: PartialFacts[] = [];
  let estk: PartialFacts | undefined;
  for (const c of dd?.chains ?? []) {
    for (const v of [...c].reverse()) {
      const doc = input.documents?.get(v.rcept_no);
      if (doc) docFacts.push(doc);
      estk ??= input.estk?.get(v.rcept_no);
    }
  }
  const kindFacts: PartialFacts = {
    market: marketOf(d),
    review_filed_date: r?.filed_date ?? null,
    review_decided_date: r?.decided_date ?? null,
    filing_date: o?.filing_date ?? null,
    final_price: o?.final_price ?? l?.offer_price ?? null,
    bookbuilding: o?.bookbuilding ?? null,
    subscription: o?.subscription ?? null,
    payment_date: o?.payment_date ?? null,
    listing_date: l?.listing_date ?? o?.listing_date ?? null,
    underwriters: o?.underwriters.length
      ? o.underwriters
      : l?.underwriters.length
      ? l.underwriters
      : r?.underwriters ?? [],
  };
  const exactAmount: PartialFacts = {};
  const docAmount = docFacts.find((f) => f.offer_amount != null)?.offer_amount;
  if (docAmount != null) exactAmount.offer_amount = docAmount;
  const kindAmount = o?.offer_amount_mkrw ?? l?.offer_amount_mkrw ?? null;
  const facts = merge([
    kindFacts,
    exactAmount,
    ...docFacts,
    estk ?? {},
    { filing_date: dd?.root_date ?? null },
    { offer_amount: kindAmount === null ? null : kindAmount * 1_000_000 },
  ]);
  if (facts.offer_amount === null && facts.final_price !== null && facts.offer_shares !== null) {
    facts.offer_amount = facts.final_price * facts.offer_shares;
  }

  const withdrawn = (r && WITHDRAWN.has(r.result)) || !!dd?.withdrawn;
  const rejected = r?.result === "rejected";
  const events: StageEvent[] = [];
  const ev = (stage: Stage, date: string | null | undefined, source: "kind" | "dart") => {
    if (!date) return;
    events.push({ stage, date, source, status: date <= input.asOf ? "done" : "scheduled" });
  };
  ev("예비심사청구", r?.filed_date, "kind");
  if (
    r && r.result !== "filed" && r.result !== "unknown" && r.result !== "rejected" &&
    !(r.result === "withdrawn")
  ) {
    ev("심사승인", r.decided_date, "kind");
  }
  ev("증권신고서", o?.filing_date ?? dd?.root_date, o?.filing_date ? "kind" : "dart");
  ev("수요예측", facts.bookbuilding?.from, o?.bookbuilding ? "kind" : "dart");
  ev("청약", facts.subscription?.from, o?.subscription ? "kind" : "dart");
  ev("납입", facts.payment_date, o?.payment_date ? "kind" : "dart");
  ev("상장", facts.listing_date, l || o?.listing_date ? "kind" : "dart");
  if (rejected) ev("미승인", r!.decided_date ?? r!.filed_date, "kind");
  if (withdrawn) {
    const wd = dd?.chains.find((c) => c[0].base_name.startsWith("철회신고서"))?.[0].rcept_dt;
    const end = (r && WITHDRAWN.has(r.result) ? r.decided_date : null) ?? wd ?? input.asOf;
    // stages announced after a withdrawal did not happen
    for (let i = events.length - 1; i >= 0; i--) {
      if (events[i].status === "scheduled" || events[i].date > end) events.splice(i, 1);
    }
    ev("철회", end, r && WITHDRAWN.has(r.result) ? "kind" : "dart");
  }
  events.sort((a, b) =>
    a.date.localeCompare(b.date) ||
    STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage)
  );

  let stage: Stage;
  if (rejected) stage = "미승인";
  else if (withdrawn) stage = "철회";
  else {
    const done = events.filter((e) => e.status === "done").map((e) => e.stage);
    stage = [...FORWARD_STAGES].reverse().find((s) => done.includes(s)) ??
      (events[0]?.stage ?? "예비심사청구");
  }

  const flags: IpoFlag[] = [];
  if (
    !dd && (o || (r && (r.result === "approved" || r.result === "listing_approved")) &&
        STAGE_ORDER.indexOf(stage) >= STAGE_ORDER.indexOf("증권신고서"))
  ) flags.push("dart_unmatched");
  if (!r && !o && !l) flags.push("kind_unmatched");
  if (l && !r && !o && !dd) flags.push("listing_only");
  if (stage === "상장" && !l) flags.push("listing_unmatched");
  if (sameName) flags.push("ambiguous_name");

  const stock = l?.stock_code ??
    (dd && stage === "상장" ? input.stockByCorp?.get(dd.corp_code) ?? dd.stock_code : null) ??
    null;
  return {
    pipeline_id: d.id,
    corp_name: dd?.corp_name ?? o?.corp_name ?? r?.corp_name ?? d.name,
    corp_code: dd?.corp_code ?? null,
    stock_code: stock,
    stage,
    facts,
    history: events,
    filings: filingsOf(dd),
    matches: d.matches,
    flags: flags.filter((f) => f !== "dart_unmatched" || !flags.includes("kind_unmatched")),
  };
}

const STAGE_ORDER: string[] = [...FORWARD_STAGES, "미승인", "철회"];

/**
 * The records that make two deals of different refreshes one offering, strongest first: the
 * DART original 증권신고서 rcept_no (a `D` id is `D` + it), the KIND 공모 and 예비심사
 * 업무처리번호, the listing's 종목코드. {@link reconcile} attaches each record to at most one
 * deal and records it in `matches`, whatever id the deal ends up with.
 */
const IDENTITY: IpoMatch["source"][] = ["dart", "kind_offering", "kind_review", "kind_listing"];

/**
 * For deals a refresh dropped, the current deal that carries on the same offering (e.g. a
 * DART-only `D…` deal that KIND now lists under a `K…` id): old id → new id. The first
 * identity record (in {@link IDENTITY} order) of the old deal found in a current deal wins;
 * a dropped deal none of whose records survives has no successor.
 */
export function successorIds(
  dropped: Pick<IpoItem, "pipeline_id" | "matches">[],
  current: Pick<IpoItem, "pipeline_id" | "matches">[],
): Map<string, string> {
  const holder = new Map<string, string>();
  for (const i of current) {
    for (const m of i.matches) holder.set(`${m.source}:${m.ref}`, i.pipeline_id);
  }
  const out = new Map<string, string>();
  for (const old of dropped) {
    const refs = [...old.matches];
    if (old.pipeline_id.startsWith("D")) {
      refs.push({ source: "dart", ref: old.pipeline_id.slice(1), matched_by: "key" });
    }
    for (const source of IDENTITY) {
      const next = refs.filter((m) => m.source === source)
        .map((m) => holder.get(`${m.source}:${m.ref}`))
        .find((id) => id && id !== old.pipeline_id);
      if (next) {
        out.set(old.pipeline_id, next);
        break;
      }
    }
  }
  return out;
}
