/**
 * From filing documents to {@linkcode IpoDocumentFacts}: read one `document.xml` ZIP, map its
 * body with every mapper, then merge the filings of one offering (oldest first, a later filing
 * restating a fact replaces the earlier value) and derive what the documents imply but do not
 * print (시가총액, 비례 경쟁률, 증거금, 보호예수 해제일).
 *
 * @module
 */
import { DartApiError } from "../errors.ts";
import { type FilingRef, isoDate, MapContext } from "./context.ts";
import {
  type DocumentRef,
  emptyDocumentFacts,
  type IpoDocumentFacts,
  type Provenance,
  type QualityIssue,
  type SourcedNumber,
} from "./facts.ts";
import { MAPPERS } from "./mappers.ts";
import { repairTotal } from "./repair.ts";
import { type DartDocument, parseDartDocument } from "./tree.ts";
import { readDocumentZip } from "./zip.ts";

export type { FilingRef };

/** Maps one parsed document. */
export function mapIpoDocument(doc: DartDocument, filing: FilingRef): IpoDocumentFacts {
  const ctx = new MapContext(doc, filing);
  ctx.facts.documents = [ctx.filing];
  for (const map of MAPPERS) map(ctx);
  const n = repairTotal(doc.repairs);
  if (n > 0) {
    const r = doc.repairs;
    ctx.issue(
      "markup_repaired",
      "info",
      `표기 수리 ${n}건 (&cr; ${r.cr_entity}, & ${r.bare_amp}, < ${r.bare_lt}, 속성 따옴표 ${r.attr_quote})`,
      null,
    );
  }
  if (!doc.wellFormed) {
    ctx.issue("markup_repaired", "warning", "태그 짝이 맞지 않아 파서가 구조를 고쳤습니다", null);
  }
  return ctx.facts;
}

function docIssue(
  filing: DocumentRef,
  code: QualityIssue["code"],
  severity: QualityIssue["severity"],
  message: string,
): QualityIssue {
  return {
    code,
    severity,
    message,
    field: null,
    rcept_no: filing.rcept_no,
    section: [],
    table: null,
    values: null,
  };
}

/**
 * Reads one filing's `document.xml` answer: the body member, decoded, repaired, parsed and
 * mapped. A ZIP that cannot be read (DART status body, corrupt ZIP, no body member) gives an
 * empty record with a `document_unreadable` issue rather than throwing.
 */
export async function readIpoFiling(
  bytes: Uint8Array,
  filing: FilingRef,
): Promise<{ facts: IpoDocumentFacts; doc: DartDocument | null }> {
  const ref = new MapContext(parseDartDocument(""), filing).filing;
  let zip;
  try {
    zip = await readDocumentZip(bytes, filing.rcept_no);
  } catch (e) {
    if (!(e instanceof DartApiError)) throw e;
    const facts = mapIpoDocument(parseDartDocument(""), filing);
    facts.issues = [docIssue(ref, "document_unreadable", "error", e.message)];
    return { facts, doc: null };
  }
  if (!zip.main) {
    const facts = mapIpoDocument(parseDartDocument(""), filing);
    facts.issues = [
      docIssue(ref, "document_unreadable", "error", `본문 파일(${filing.rcept_no}.xml)이 없습니다`),
    ];
    return { facts, doc: null };
  }
  const doc = parseDartDocument(zip.main.text);
  const facts = mapIpoDocument(doc, filing);
  if (zip.main.lossy) {
    facts.issues.unshift(
      docIssue(
        ref,
        "encoding_lossy",
        "warning",
        "UTF-8/CP949 어느 쪽으로도 깨끗하게 읽히지 않는 바이트가 있습니다",
      ),
    );
  }
  return { facts, doc };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !("src" in v && "value" in v);

function overlay(base: Record<string, unknown>, next: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(next)) {
    const cur = base[k];
    if (Array.isArray(v)) {
      if (v.length) base[k] = v;
    } else if (isObj(v) && isObj(cur)) {
      overlay(cur, v);
    } else if (v !== null && v !== undefined) {
      base[k] = v;
    }
  }
}

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, last))).toISOString().slice(0, 10);
}
function addDays(iso: string, days: number): string {
  const t = new Date(`${iso}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

function derive(
  formula: string,
  value: number,
  inputs: (Provenance | null | undefined)[],
): SourcedNumber {
  const from = inputs.filter((p): p is Provenance => !!p).map(({ derived: _d, ...ref }) => ref);
  return { value, src: { ...from[0], text: null, unit: null, derived: { formula, from } } };
}

/**
 * Merges the records of one offering's filings (any order; sorted by rcept_no) and adds the
 * derived facts.
 */
export function mergeIpoDocumentFacts(parts: IpoDocumentFacts[]): IpoDocumentFacts {
  const sorted = parts.slice().sort((a, b) =>
    (a.documents[0]?.rcept_no ?? "").localeCompare(b.documents[0]?.rcept_no ?? "")
  );
  const out = sorted.length ? structuredClone(sorted[0]) : emptyDocumentFacts();
  for (const p of sorted.slice(1)) {
    const { documents, issues, ...rest } = structuredClone(p);
    overlay(out as unknown as Record<string, unknown>, rest as unknown as Record<string, unknown>);
    out.documents.push(...documents);
    out.issues.push(...issues);
  }
  const o = out.offering;
  const listed = o.listed_shares_after ?? out.float.listed_shares;
  const cap = (price: SourcedNumber | null, what: string) =>
    listed && price
      ? derive(`상장예정주식수 × ${what}`, Math.round(listed.value * price.value), [
        listed.src,
        price.src,
      ])
      : null;
  o.market_cap_band_low = cap(o.price_band_low, "희망공모가 하단");
  o.market_cap_band_high = cap(o.price_band_high, "희망공모가 상단");
  o.market_cap_final = cap(o.final_price, "확정공모가");

  const s = out.subscription;
  const retail = s.groups.find((g) => g.group === "retail");
  const prop = out.allocation.find((a) => a.group === "retail_proportional");
  if (retail?.applied_shares && prop?.shares && prop.shares.value > 0) {
    s.competition_proportional = derive(
      "일반 청약주식수 ÷ 비례 배정주식수",
      Math.round((retail.applied_shares.value / prop.shares.value) * 100) / 100,
      [retail.applied_shares.src, prop.shares.src],
    );
  }
  const rate = out.subscription_terms.deposit_rate;
  if (retail?.applied_amount && rate) {
    s.deposit_total = derive(
      "일반 청약금액 × 청약증거금률 ÷ 100",
      Math.round((retail.applied_amount.value * rate.value) / 100),
      [retail.applied_amount.src, rate.src],
    );
  }
  const listing = out.schedule.listing;
  if (listing) {
    for (const row of out.lockup_schedule) {
      const date = row.months !== null
        ? addMonths(listing.value, row.months)
        : row.days !== null
        ? addDays(listing.value, row.days)
        : null;
      if (!date) continue;
      const d = derive("상장일 + 매각제한기간", 0, [listing.src, row.shares?.src]);
      row.release_date = { value: date, src: d.src };
    }
  }
  return out;
}

/** Reads and merges the documents of one offering's filings. */
export async function ipoFactsFromFilings(
  filings: { filing: FilingRef; bytes: Uint8Array }[],
): Promise<IpoDocumentFacts> {
  const parts = [];
  for (const f of filings) parts.push((await readIpoFiling(f.bytes, f.filing)).facts);
  return mergeIpoDocumentFacts(parts);
}

export { isoDate };
