/**
 * IPO table mappers: each finds its table by section heading and header signature (never by
 * position), reads it whatever the column order, merged cells and units, and writes facts with
 * provenance into a {@linkcode MapContext}. A table under a mapper's heading that looks like
 * its kind but does not fit its signature, or fails a consistency check, becomes a
 * data-quality issue and gives no number.
 *
 * Shapes (`research/dart_documents.md` §2):
 * - 공모개요 (증권의 종류 · 증권수량 · 액면가액 · 모집(매출)가액 · 모집(매출)총액): the LAST such
 *   table counts (a `[발행조건확정]` repeats it, band-low draft first, final last).
 * - 공모방법: 신주모집 / 구주매출 rows (or columns) with 공모주식수.
 * - 배정: 우리사주조합 / 기관투자자 / 일반청약자 (균등·비례 sub-rows, 우선배정) × 주식수, 비율;
 *   ranges (`1,410,750 ~ 1,539,000`) before pricing.
 * - 인수인: 인수인 구분/명칭 × 인수수량, 인수금액, 인수대가(수수료), 인수방법.
 * - 매출인: 보유자 × 매출 전/매출/매출 후 주식수.
 * - key-value rows anywhere: 희망공모가액 (range), 확정공모가액, 청약증거금률, 일정 (dates only),
 *   환매청구권 and 초과배정옵션 rows; prose patterns when no table states them.
 * - 수요예측 (under a `수요예측` heading): (가) 참여내역 — measures (건수, 수량, 경쟁률) as rows
 *   and investor classes as columns, or transposed, or the one-row SPAC form; (나) 신청가격 분포
 *   — price buckets × 건수/수량 and their 비율; (다) 의무보유확약 — period rows, possibly split
 *   over two tables (the 합계 column group in either; a second table without a 구분 column
 *   continues the first's row order). Checks: Σ periods = 합계 and 합계 = (가) 신청수량.
 * - 증권발행실적보고서 청약 및 배정현황 (`DST_CD`, by `TE ACODE` when present, else by headers)
 *   and 기관 의무보유확약기간별 배정현황 (`INS_ASS`).
 * - 유통가능물량 / 보호예수: 유통제한·유통가능 groups with 소계/합계 rows, (주식수, 비율) pairs
 *   (the 공모후 pair when both are printed), a 매각제한기간 column; prose fallback for the totals.
 *
 * @module
 */
import type {
  AllocatedLockup,
  AllocationGroup,
  AllocationRow,
  DemandClass,
  LockupPeriod,
  LockupRow,
  LockupScheduleRow,
  PriceBucket,
  PriceRow,
  Provenance,
  SourcedNumber,
  SubscriptionGroup,
  Underwriter,
} from "./facts.ts";
import type { MapContext, NumKind } from "./context.ts";
import { type DartBlock, type DartGrid, dataRows, rowLabel } from "./tree.ts";
import { clean, isDataLike, normLabel, parseKoDate, parseKoRange } from "./values.ts";

// ---------------------------------------------------------------------------------------
// helpers

const colKey = (g: DartGrid, c: number) =>
  normLabel((g.columnLabels[c] ?? "").replace(/ > /g, ">"));
const rowKey = (g: DartGrid, r: number) => normLabel(rowLabel(g, r).replace(/ > /g, ">"));

/** First column (left to right) whose label matches and that is not excluded. */
function col(g: DartGrid, re: RegExp, not?: RegExp, skip: number[] = []): number {
  for (let c = 0; c < g.width; c++) {
    if (skip.includes(c)) continue;
    const k = colKey(g, c);
    if (re.test(k) && !(not && not.test(k))) return c;
  }
  return -1;
}

/** Distinct columns (a merged header spanning columns counts once per distinct data cell). */
function cols(g: DartGrid, re: RegExp, not?: RegExp): number[] {
  const out: number[] = [];
  for (let c = 0; c < g.width; c++) {
    const k = colKey(g, c);
    if (re.test(k) && !(not && not.test(k))) out.push(c);
  }
  return out;
}

const TOTAL_RE = /^(?:합계|총계|계|소계|합\s*계|총\s*계)$/;
const isTotalLabel = (label: string) => {
  const parts = label.split(">");
  return TOTAL_RE.test(parts[parts.length - 1]) || TOTAL_RE.test(parts[0]);
};

/** The first value cell of a row (after its label cells). */
function valueCol(g: DartGrid, r: number): number {
  const row = g.rows[r];
  const label = new Set<unknown>();
  for (let c = 0; c < row.length; c++) {
    const cell = row[c];
    if (isDataLike(cell.value) || cell.value.empty) return c;
    if (label.size >= 1 && !label.has(cell) && c > 0) return c;
    label.add(cell);
  }
  return -1;
}

interface KeyValue {
  key: string;
  grid: DartGrid;
  r: number;
  c: number;
}

/** Label → value pairs of a table, vertical (row label, first value cell) and horizontal. */
function keyValues(g: DartGrid): KeyValue[] {
  const out: KeyValue[] = [];
  for (let r = 0; r < g.rows.length; r++) {
    const c = valueCol(g, r);
    if (c < 0) continue;
    const key = normLabel(g.rows[r][0].text);
    if (key) out.push({ key, grid: g, r, c });
    // Key-value pairs laid out in pairs of columns: [k1 v1 k2 v2].
    for (let k = c + 1; k + 1 < g.width; k++) {
      const kc = g.rows[r][k], vc = g.rows[r][k + 1];
      if (kc === vc || kc === g.rows[r][k - 1]) continue;
      if (!isDataLike(kc.value) && !kc.value.empty && (isDataLike(vc.value) || vc.value.empty)) {
        out.push({ key: normLabel(kc.text), grid: g, r, c: k + 1 });
      }
    }
  }
  if (g.headerRows > 0 && g.rows.length > g.headerRows) {
    const r = g.headerRows;
    for (let c = 0; c < g.width; c++) {
      const key = colKey(g, c);
      if (key && isDataLike(g.rows[r][c].value)) out.push({ key, grid: g, r, c });
    }
  }
  return out;
}

function allKeyValues(ctx: MapContext): KeyValue[] {
  return ctx.doc.tables.flatMap(keyValues);
}

/** Text blocks with their section path. */
function texts(ctx: MapContext): Extract<DartBlock, { kind: "text" }>[] {
  return ctx.doc.blocks.filter((b): b is Extract<DartBlock, { kind: "text" }> => b.kind === "text");
}

const toNum = (s: string) => Number(s.replace(/[,\s]/g, ""));

/** Sets a scalar fact only when nothing was read for it yet in this document. */
function setOnce<T extends Record<string, unknown>, K extends keyof T>(
  obj: T,
  key: K,
  value: T[K] | null,
) {
  if (value !== null && value !== undefined && (obj[key] === null || obj[key] === undefined)) {
    obj[key] = value;
  }
}

// ---------------------------------------------------------------------------------------
// 공모개요, 공모방법, 매출인

export function mapOverview(ctx: MapContext): void {
  const candidates = ctx.tables(null).filter((g) =>
    col(g, /증권의?종류|주식의?종류/) >= 0 && col(g, /증권수량|주식수|수량/, /비율/) >= 0 &&
    col(g, /모집\(매출\)가액|모집가액|매출가액|공모가액|발행가액/) >= 0
  );
  const g = candidates[candidates.length - 1];
  if (!g) return;
  ctx.used.add(g.index);
  const qty = col(g, /증권수량|주식수|수량/, /비율/);
  const par = col(g, /액면가/);
  const price = col(g, /모집\(매출\)가액|모집가액|매출가액|공모가액|발행가액/, /총액/);
  const total = col(g, /총액|모집\(매출\)총액|공모금액/);
  const rows = dataRows(g).filter((r) => g.rows[r][qty].value.num !== null);
  const totalRow = rows.find((r) => isTotalLabel(rowKey(g, r)));
  const use = totalRow !== undefined ? [totalRow] : rows.filter((r) => !isTotalLabel(rowKey(g, r)));
  if (use.length === 0) return;
  const sumOf = (c: number, kind: NumKind): SourcedNumber | null => {
    const vals = use.map((r) => ctx.num(g, r, c, kind));
    if (vals.some((v) => v === null)) return null;
    const vs = vals as SourcedNumber[];
    return vs.length === 1 ? vs[0] : {
      value: vs.reduce((a, v) => a + v.value, 0),
      src: ctx.derived("행 합계", vs.map((v) => v.src)),
    };
  };
  const o = ctx.facts.offering;
  setOnce(o, "shares_total", sumOf(qty, "shares"));
  if (par >= 0) setOnce(o, "par_value", ctx.num(g, use[0], par, "money"));
  if (total >= 0) {
    const amt = sumOf(total, "money");
    if (ctx.prePricing) setOnce(o, "offer_amount_planned", amt);
    else setOnce(o, "offer_amount", amt);
  }
  if (price >= 0 && !ctx.prePricing) {
    const p = ctx.num(g, use[0], price, "money");
    if (p) setOnce(o, "final_price", p);
  }
}

/** 신주모집 / 구주매출 split (rows or columns). */
export function mapOfferSplit(ctx: MapContext): void {
  for (const g of ctx.tables(null)) {
    const o = ctx.facts.offering;
    // rows: 신주모집 | 구주매출 | 합계 × 공모주식수
    const qty = col(g, /공모주식수|주식수|수량/, /비율|보유/);
    const rNew = dataRows(g).find((r) => /^신주모집|^모집$|신주/.test(rowKey(g, r)));
    const rOld = dataRows(g).find((r) => /^구주매출|^매출$|구주/.test(rowKey(g, r)));
    if (qty >= 0 && rNew !== undefined && rOld !== undefined) {
      ctx.used.add(g.index);
      const n = ctx.num(g, rNew, qty, "shares");
      const s = ctx.num(g, rOld, qty, "shares");
      setOnce(o, "shares_new", n);
      if (s) setOnce(o, "shares_secondary", s);
      else if (g.rows[rOld][qty].value.empty) {
        setOnce(o, "shares_secondary", { value: 0, src: ctx.cellSrc(g, rOld, qty) });
      }
      const rTot = dataRows(g).find((r) => isTotalLabel(rowKey(g, r)));
      if (rTot !== undefined) setOnce(o, "shares_total", ctx.num(g, rTot, qty, "shares"));
      return;
    }
    // columns: 신주모집 | 구주매출 | 합계, one 주식수 row
    const cNew = col(g, /^신주모집|>신주모집|신주/);
    const cOld = col(g, /^구주매출|>구주매출|구주/);
    if (cNew >= 0 && cOld >= 0) {
      const r = dataRows(g).find((r) =>
        /주식수|수량/.test(rowKey(g, r)) || g.rows[r][cNew].value.num !== null
      );
      if (r === undefined) continue;
      ctx.used.add(g.index);
      setOnce(o, "shares_new", ctx.num(g, r, cNew, "shares"));
      const s = ctx.num(g, r, cOld, "shares");
      if (s) setOnce(o, "shares_secondary", s);
      else if (g.rows[r][cOld].value.empty) {
        setOnce(o, "shares_secondary", { value: 0, src: ctx.cellSrc(g, r, cOld) });
      }
      return;
    }
  }
}

export function mapSellingHolders(ctx: MapContext): void {
  for (const g of ctx.tables(null)) {
    const name = col(g, /보유자|매출인|성명|주주명/);
    const sold = col(g, /매출(증권|주식)수|매출수량|매출주식/, /전|후/);
    if (name < 0 || sold < 0) continue;
    const before = col(g, /매출전|매출\s*전/);
    const after = col(g, /매출후|매출\s*후/);
    const rel = col(g, /관계/);
    ctx.used.add(g.index);
    const out = dataRows(g).flatMap((r) => {
      const n = clean(g.rows[r][name].text);
      if (!n || g.rows[r][name].value.empty || isTotalLabel(normLabel(n))) return [];
      return [{
        name: n,
        relation: rel >= 0 ? clean(g.rows[r][rel].text) || null : null,
        shares_before: before >= 0 ? ctx.num(g, r, before, "shares") : null,
        shares_sold: ctx.num(g, r, sold, "shares"),
        shares_after: after >= 0 ? ctx.num(g, r, after, "shares") : null,
      }];
    });
    if (out.length && ctx.facts.offering.selling_holders.length === 0) {
      ctx.facts.offering.selling_holders = out;
    }
    return;
  }
}

// ---------------------------------------------------------------------------------------
// key-value facts: band, final price, terms, schedule

const BAND_KEY =
  /^(?:희망공모가(?:액|격)?(?:밴드|범위)?|공모희망가(?:액|격)?|희망가액|모집\(매출\)가액\(예정\)밴드)$/;
const FINAL_KEY =
  /^(?:확정공모가(?:액|격)?|공모가(?:액)?확정|확정발행가(?:액)?|모집\(매출\)가액\(확정\))$/;

export function mapPrices(ctx: MapContext): void {
  const o = ctx.facts.offering;
  for (const kv of allKeyValues(ctx)) {
    const cell = kv.grid.rows[kv.r][kv.c];
    if (BAND_KEY.test(kv.key) && cell.value.range && o.price_band_low === null) {
      const s = ctx.span(kv.grid, kv.r, kv.c, "money")!;
      o.price_band_low = { value: s.value.min, src: s.src };
      o.price_band_high = { value: s.value.max, src: s.src };
    } else if (BAND_KEY.test(kv.key) && cell.value.num !== null && o.price_band_low === null) {
      // A SPAC's fixed price printed as one number.
      const n = ctx.num(kv.grid, kv.r, kv.c, "money")!;
      o.price_band_low = n;
      o.price_band_high = n;
    }
    if (FINAL_KEY.test(kv.key) && cell.value.num !== null) {
      setOnce(o, "final_price", ctx.num(kv.grid, kv.r, kv.c, "money"));
    }
  }
  // Prose: "희망공모가액은 16,500원 ~ 19,500원", "확정공모가액은 21,500원".
  for (const b of texts(ctx)) {
    if (o.price_band_low === null) {
      const m =
        /희망\s*공모\s*가\s*(?:액|격)?[^\d]{0,30}?([\d,]{3,})\s*원?\s*[~～∼]\s*([\d,]{3,})\s*원/
          .exec(b.text);
      if (m && toNum(m[1]) <= toNum(m[2])) {
        const src = ctx.textSrc(b.path, b.text, "원");
        o.price_band_low = { value: toNum(m[1]), src };
        o.price_band_high = { value: toNum(m[2]), src };
      }
    }
    if (o.final_price === null && !ctx.prePricing) {
      const m = /확정\s*공모\s*가\s*(?:액|격)?\s*(?:은|는|:)?\s*(?:금\s*)?([\d,]{3,})\s*원/.exec(
        b.text,
      );
      if (m) o.final_price = { value: toNum(m[1]), src: ctx.textSrc(b.path, b.text, "원") };
    }
  }
}

const SCHEDULE_KEYS: [keyof MapContext["facts"]["schedule"], RegExp][] = [
  ["bookbuilding", /^(?:기관투자자)?수요예측(?:일|기간|일정|기일)?$/],
  ["subscription", /^(?:공모|일반)?청약(?:기일|일|기간|일정)?$|^청약기일/],
  ["allotment_notice", /^(?:배정)?공고(?:일)?$|^배정공고(?:일)?/],
  ["refund", /^환불(?:일|기일)?$/],
  ["payment", /^납입(?:일|기일)$|^납\s*입\s*기\s*일$/],
  ["listing", /^(?:신규)?상장(?:예정)?일$|^매매개시(?:예정)?일$/],
];

export function mapSchedule(ctx: MapContext): void {
  const s = ctx.facts.schedule;
  for (const kv of allKeyValues(ctx)) {
    const cell = kv.grid.rows[kv.r][kv.c];
    if (!cell.value.date) continue;
    for (const [field, re] of SCHEDULE_KEYS) {
      if (!re.test(kv.key) || s[field] !== null) continue;
      const src = ctx.cellSrc(kv.grid, kv.r, kv.c, null);
      if (field === "bookbuilding" || field === "subscription") {
        const range = parseKoRange(cell.text);
        if (range) s[field] = { value: range, src };
      } else {
        const d = parseKoDate(cell.text);
        if (d) s[field] = { value: d, src };
      }
    }
  }
}

export function mapTerms(ctx: MapContext): void {
  const t = ctx.facts.subscription_terms;
  for (const kv of allKeyValues(ctx)) {
    const cell = kv.grid.rows[kv.r][kv.c];
    if (/^청약증거금(?:률|율)?$/.test(kv.key) && cell.value.num !== null) {
      setOnce(t, "deposit_rate", ctx.num(kv.grid, kv.r, kv.c, "pct"));
    }
    if (/^(?:최저|최소)청약(?:주식수|수량|단위)?$/.test(kv.key) && cell.value.num !== null) {
      setOnce(t, "min_shares", ctx.num(kv.grid, kv.r, kv.c, "shares"));
    }
  }
  // 청약한도: underwriters × 일반/우대.
  for (const g of ctx.tables(null)) {
    const gen = col(g, /일반.*한도|한도.*일반|^일반(청약자)?$|>일반/);
    const pref = col(g, /우대.*한도|한도.*우대|^우대(청약자)?$|>우대/);
    if (gen < 0 || pref < 0) continue;
    if (!/한도/.test(normLabel([g.title ?? "", ...g.path, ...g.columnLabels].join("|")))) continue;
    ctx.used.add(g.index);
    if (t.limits.length) continue;
    for (const r of dataRows(g)) {
      const who = clean(rowLabel(g, r)) || null;
      if (who && isTotalLabel(normLabel(who))) continue;
      const a = ctx.num(g, r, gen, "shares");
      const b = ctx.num(g, r, pref, "shares");
      if (a) t.limits.push({ underwriter: who, tier: "general", max_shares: a });
      if (b) t.limits.push({ underwriter: who, tier: "preferred", max_shares: b });
    }
  }
  for (const b of texts(ctx)) {
    if (t.deposit_rate === null) {
      const m = /청약\s*증거금(?:률|율)?[^\d%]{0,40}?(\d{1,3}(?:\.\d+)?)\s*%/.exec(b.text);
      if (m) t.deposit_rate = { value: Number(m[1]), src: ctx.textSrc(b.path, b.text, "%") };
    }
    if (t.min_shares === null) {
      const m = /(?:최저|최소)\s*청약\s*(?:주식수|수량|단위)?[^\d]{0,20}?([\d,]+)\s*주/.exec(
        b.text,
      );
      if (m) t.min_shares = { value: toNum(m[1]), src: ctx.textSrc(b.path, b.text, "주") };
    }
  }
  mapOption(ctx, "putback", /환매청구권/);
  mapOption(ctx, "overallotment", /초과배정/);
}

const NOT_GRANTED =
  /해당\s*사항\s*(?:이\s*)?없|부여하지\s*않|부여\s*(?:여부\s*)?[:：]?\s*(?:미부여|없음|무)|적용하지\s*않/;

/** 환매청구권 / 초과배정옵션: granted or not, and the price/quantity rows. */
function mapOption(ctx: MapContext, which: "putback" | "overallotment", heading: RegExp): void {
  const t = ctx.facts.subscription_terms;
  const grantedKey = which === "putback" ? "putback_granted" : "overallotment_granted";
  const inCtx = (path: string[], title: string | null = null) =>
    heading.test(normLabel([...path, title ?? ""].join("|")));
  for (const g of ctx.doc.tables) {
    if (!inCtx(g.path, g.title) && !keyValues(g).some((kv) => heading.test(kv.key))) continue;
    for (const kv of keyValues(g)) {
      const cell = g.rows[kv.r][kv.c];
      if (which === "putback" && /행사가격/.test(kv.key) && cell.value.num !== null) {
        ctx.used.add(g.index);
        setOnce(t, "putback_price", ctx.num(g, kv.r, kv.c, "money"));
        setOnce(t, grantedKey, { value: true, src: ctx.cellSrc(g, kv.r, kv.c) });
      }
      if (which === "putback" && /행사기간/.test(kv.key) && cell.text && !cell.value.empty) {
        setOnce(t, "putback_period", { value: cell.text, src: ctx.cellSrc(g, kv.r, kv.c) });
      }
      if (
        which === "overallotment" && /초과배정(?:수량|주식수)|(?:부여|배정)수량/.test(kv.key) &&
        cell.value.num !== null
      ) {
        ctx.used.add(g.index);
        setOnce(t, "overallotment_shares", ctx.num(g, kv.r, kv.c, "shares"));
        setOnce(t, grantedKey, { value: true, src: ctx.cellSrc(g, kv.r, kv.c) });
      }
      if (heading.test(kv.key) || /부여(?:여부|사유)?$/.test(kv.key)) {
        if (NOT_GRANTED.test(cell.text) || cell.value.empty) {
          setOnce(t, grantedKey, { value: false, src: ctx.cellSrc(g, kv.r, kv.c) });
        }
      }
    }
  }
  if (t[grantedKey] !== null) return;
  for (const b of texts(ctx)) {
    if (!heading.test(normLabel(b.text)) && !inCtx(b.path)) continue;
    if (heading.test(normLabel(b.text)) && NOT_GRANTED.test(b.text)) {
      t[grantedKey] = { value: false, src: ctx.textSrc(b.path, b.text) };
      return;
    }
    if (inCtx(b.path) && NOT_GRANTED.test(b.text) && b.text.length < 40) {
      t[grantedKey] = { value: false, src: ctx.textSrc(b.path, b.text) };
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------
// 배정 (allocation plan) and 인수인

function groupOf(label: string): AllocationGroup | "total" {
  const l = normLabel(label);
  if (/우리사주/.test(l)) return "employees";
  if (/균등/.test(l)) return "retail_equal";
  if (/비례/.test(l)) return "retail_proportional";
  if (/벤처|하이일드|고위험|우선배정|코넥스|소득공제/.test(l)) return "priority";
  if (/일반(청약자|투자자)?|개인/.test(l)) return "retail";
  if (/기관/.test(l)) return "institutions";
  if (isTotalLabel(l)) return "total";
  return "other";
}

export function mapAllocation(ctx: MapContext): void {
  for (const g of ctx.tables(null)) {
    if (ctx.used.has(g.index) || g.group === "DST_CD" || g.group === "INS_ASS") continue;
    if (
      /유통|보호예수|매각제한|수요예측|확약/.test(normLabel([...g.path, g.title ?? ""].join("|")))
    ) {
      continue;
    }
    const groups = dataRows(g).map((r) => groupOf(rowLabel(g, r)));
    const has = (x: AllocationGroup) => groups.includes(x);
    if (!(has("institutions") && (has("retail") || has("retail_equal")))) continue;
    if (cols(g, /청약/).length > 0) continue; // 청약 및 배정현황 is the result table
    const qty = col(g, /배정주식수|배정수량|주식수|수량|공모주식/, /비율|비중|금액|가액/);
    const pct = col(g, /배정비율|비율|비중/);
    if (qty < 0 && pct < 0) {
      ctx.issue(
        "table_unmapped",
        "warning",
        "배정 표에 주식수/비율 열이 없습니다",
        "allocation",
        g,
      );
      ctx.used.add(g.index);
      continue;
    }
    ctx.used.add(g.index);
    if (ctx.facts.allocation.length) continue;
    const rows: AllocationRow[] = [];
    for (const r of dataRows(g)) {
      const label = rowLabel(g, r);
      const group = groupOf(label);
      if (group === "total" || !label) continue;
      const shares = qty >= 0 ? ctx.num(g, r, qty, "shares") : null;
      const sharesRange = qty >= 0 ? ctx.span(g, r, qty, "shares") : null;
      const p = pct >= 0 ? ctx.num(g, r, pct, "pct") : null;
      const pRange = pct >= 0 ? ctx.span(g, r, pct, "pct") : null;
      if (!shares && !sharesRange && !p && !pRange) continue;
      rows.push({
        group,
        label,
        shares,
        shares_range: sharesRange,
        pct: p,
        pct_range: pRange,
      });
    }
    ctx.facts.allocation = rows;
  }
}

function roleOf(text: string): Underwriter["role"] {
  const t = normLabel(text);
  if (/공동대표|공동주관/.test(t)) return "co_lead";
  if (/대표/.test(t)) return "lead";
  if (/인수/.test(t)) return "underwriter";
  return null;
}

export function mapUnderwriters(ctx: MapContext): void {
  for (const g of ctx.tables(null)) {
    const shares = col(g, /인수수량|인수주식수|인수주식의종류및수|인수.*수량/, /금액|비율/);
    if (shares < 0) continue;
    let name = col(g, /명칭|인수인명|인수기관|인수회사명?$|회사명|증권회사/);
    const role = col(g, /구분|역할|^인수인$|주관|비고/, undefined, [name, shares]);
    if (name < 0) name = col(g, /^인수인$|인수인/, undefined, [shares, role]);
    if (name < 0) {
      ctx.issue(
        "table_unmapped",
        "warning",
        "인수인 표에서 인수인 명칭 열을 찾지 못했습니다",
        "underwriters",
        g,
      );
      ctx.used.add(g.index);
      continue;
    }
    const amount = col(g, /인수금액/);
    const fee = col(g, /인수대가|수수료/);
    const method = col(g, /인수방법/);
    ctx.used.add(g.index);
    if (ctx.facts.underwriters.length) continue;
    const out: Underwriter[] = [];
    for (const r of dataRows(g)) {
      const n = clean(g.rows[r][name].text);
      if (!n || isTotalLabel(normLabel(n)) || g.rows[r][name].value.empty) continue;
      const roleText = role >= 0 ? clean(g.rows[r][role].text) || null : null;
      out.push({
        name: n,
        role: roleOf(roleText ?? ""),
        role_text: roleText,
        shares: ctx.num(g, r, shares, "shares"),
        amount: amount >= 0 ? ctx.num(g, r, amount, "money") : null,
        fee: fee >= 0 ? ctx.num(g, r, fee, "money") : null,
        method: method >= 0 ? clean(g.rows[r][method].text) || null : null,
        src: ctx.cellSrc(g, r, name, null),
      });
    }
    ctx.facts.underwriters = out;
  }
}

// ---------------------------------------------------------------------------------------
// 수요예측

const DEMAND_CTX = /수요예측/;
/** The 정정신고 part of an amendment (its tables compare old and new values). */
const CORRECTION_RE = /^정정신고/;
const PERIOD_RE = /(\d+)\s*(개월|일|주)\s*확약|미확약|확약\s*없/;
const BUCKET_RE = /미제시|상단|하단|초과|미만/;

function periodOf(label: string): LockupPeriod | null {
  const l = normLabel(label);
  if (/미확약|확약없/.test(l)) return "미확약";
  const m = /(\d+)(개월|일)/.exec(l);
  if (!m) return null;
  const key = `${m[1]}${m[2]}`;
  return (["15일", "1개월", "3개월", "6개월"] as const).find((p) => p === key) ?? null;
}

function isLockupTable(g: DartGrid): boolean {
  return dataRows(g).filter((r) => PERIOD_RE.test(normLabel(rowLabel(g, r)))).length >= 2;
}
function isPriceTable(g: DartGrid): boolean {
  return dataRows(g).filter((r) => BUCKET_RE.test(normLabel(rowLabel(g, r)))).length >= 2;
}

/** (가) 수요예측 참여내역. True when the table was mapped. */
function mapParticipation(ctx: MapContext, g: DartGrid): boolean {
  const d = ctx.facts.demand;
  const rows = dataRows(g);
  const rCount = rows.find((r) => /^(?:참여)?건수/.test(rowKey(g, r)));
  const rShares = rows.find((r) => /^(?:신청|참여)?수량|^신청주식수|^주식수/.test(rowKey(g, r)));
  const rComp = rows.find((r) => /경쟁률/.test(rowKey(g, r)));
  const classes: DemandClass[] = [];
  let total: {
    count: SourcedNumber | null;
    shares: SourcedNumber | null;
    comp: SourcedNumber | null;
  } | null = null;
  if (rCount !== undefined && rShares !== undefined) {
    // Measures as rows, investor classes as columns.
    const seen = new Set<unknown>();
    for (let c = 0; c < g.width; c++) {
      const cell = g.rows[rShares][c];
      if (seen.has(cell)) continue;
      seen.add(cell);
      if (!isDataLike(cell.value) && !cell.value.empty) continue;
      const label = g.columnLabels[c] ?? "";
      const row = {
        count: ctx.num(g, rCount, c, "count"),
        shares: ctx.num(g, rShares, c, "shares"),
        comp: rComp !== undefined ? ctx.num(g, rComp, c, "ratio") : null,
      };
      if (isTotalLabel(normLabel(label.split(" > ").pop() ?? "")) || /^합계|^합\s*계/.test(label)) {
        total = row;
      } else {
        classes.push({ label, count: row.count, shares: row.shares, competition: row.comp });
      }
    }
  } else {
    // Measures as columns (incl. the one-row form).
    const cCount = col(g, /건수/, /비율|비중/);
    const cShares = col(g, /신청수량|신청주식수|참여수량|수량|주식수/, /비율|비중|건수/);
    const cComp = col(g, /경쟁률|경쟁/);
    if (cCount < 0 || cShares < 0) return false;
    if (isLockupTable(g) || isPriceTable(g)) return false;
    for (const r of rows) {
      const label = rowLabel(g, r);
      const row = {
        count: ctx.num(g, r, cCount, "count"),
        shares: ctx.num(g, r, cShares, "shares"),
        comp: cComp >= 0 ? ctx.num(g, r, cComp, "ratio") : null,
      };
      if (!row.count && !row.shares) continue;
      if (!label || isTotalLabel(normLabel(label))) total = row;
      else classes.push({ label, count: row.count, shares: row.shares, competition: row.comp });
    }
  }
  if (!total && classes.length === 0) return false;
  if (!total && classes.length > 0) {
    const sum = (pick: (c: DemandClass) => SourcedNumber | null) => {
      const v = classes.map(pick);
      if (v.some((x) => x === null)) return null;
      const xs = v as SourcedNumber[];
      return {
        value: xs.reduce((a, x) => a + x.value, 0),
        src: ctx.derived("투자자 구분별 합", xs.map((x) => x.src)),
      };
    };
    total = { count: sum((c) => c.count), shares: sum((c) => c.shares), comp: null };
  }
  d.by_class = classes;
  d.participants = total!.count;
  d.shares = total!.shares;
  d.competition = total!.comp;
  return true;
}

function bucketOf(
  label: string,
  band: [number, number] | null,
): { bucket: PriceBucket; price: number | null } {
  const l = normLabel(label);
  const prices = [...l.matchAll(/(\d{1,3}(?:,\d{3})+|\d{3,})원?/g)].map((m) => toNum(m[1]));
  const price = prices.length === 1 ? prices[0] : null;
  if (/미제시/.test(l)) return { bucket: "no_price", price: null };
  if (/초과/.test(l) && /미만/.test(l)) return { bucket: "inside", price: null };
  if (/상단/.test(l) && /초과/.test(l)) return { bucket: "above", price };
  if (/하단/.test(l) && /미만/.test(l)) return { bucket: "below", price };
  if (/상단/.test(l)) return { bucket: "top", price };
  if (/하단/.test(l)) return { bucket: "bottom", price };
  if (price !== null && band) {
    if (/초과/.test(l)) return { bucket: price >= band[1] ? "above" : "inside", price };
    if (/미만/.test(l)) return { bucket: price <= band[0] ? "below" : "inside", price };
    if (price > band[1]) return { bucket: "above", price };
    if (price === band[1]) return { bucket: "top", price };
    if (price === band[0]) return { bucket: "bottom", price };
    if (price < band[0]) return { bucket: "below", price };
    return { bucket: "inside", price };
  }
  if (/초과/.test(l)) return { bucket: "above", price };
  if (/미만/.test(l)) return { bucket: "below", price };
  return { bucket: "inside", price };
}

/** (나) 수요예측 신청가격 분포. */
function mapPriceDistribution(ctx: MapContext, g: DartGrid): boolean {
  if (!isPriceTable(g)) return false;
  const cCount = col(g, /건수/, /비율|비중/);
  const cShares = col(g, /수량|주식수/, /비율|비중|건수/);
  if (cCount < 0 && cShares < 0) return false;
  const pctCols = cols(g, /비율|비중/);
  // A 비율 column belongs to the measure group it sits under (참여건수 기준 > 비율) or follows.
  const pctFor = (measure: number, re: RegExp) =>
    pctCols.find((c) => re.test(colKey(g, c))) ??
      pctCols.find((c) => c === measure + 1) ?? -1;
  const cCountPct = cCount >= 0 ? pctFor(cCount, /건수.*(비율|비중)/) : -1;
  let cSharesPct = cShares >= 0 ? pctFor(cShares, /수량.*(비율|비중)|주식수.*(비율|비중)/) : -1;
  if (cSharesPct === cCountPct) cSharesPct = pctCols.length === 1 && cCount < 0 ? pctCols[0] : -1;
  if (cCountPct < 0 && cSharesPct < 0 && pctCols.length === 1) cSharesPct = pctCols[0];
  const o = ctx.facts.offering;
  const band: [number, number] | null = o.price_band_low && o.price_band_high
    ? [o.price_band_low.value, o.price_band_high.value]
    : null;
  const rows: PriceRow[] = [];
  for (const r of dataRows(g)) {
    const label = rowLabel(g, r);
    if (!label || isTotalLabel(normLabel(label))) continue;
    const { bucket, price } = bucketOf(label, band);
    rows.push({
      bucket,
      label,
      price,
      count: cCount >= 0 ? ctx.num(g, r, cCount, "count") : null,
      count_pct: cCountPct >= 0 ? ctx.num(g, r, cCountPct, "pct") : null,
      shares: cShares >= 0 ? ctx.num(g, r, cShares, "shares") : null,
      shares_pct: cSharesPct >= 0 ? ctx.num(g, r, cSharesPct, "pct") : null,
    });
  }
  if (rows.length === 0) return false;
  ctx.facts.demand.price_distribution = rows;
  return true;
}

/** (다) 의무보유확약 (one or two consecutive tables). */
function mapLockup(ctx: MapContext, group: DartGrid[]): boolean {
  const first = group[0];
  const firstLabels = dataRows(first).map((r) => rowLabel(first, r));
  const perRow = new Map<
    string,
    { count: SourcedNumber[]; shares: SourcedNumber[]; summed: boolean }
  >();
  let anyTotalCols = false;
  for (const g of group) {
    const labels = dataRows(g).map((r, k) => rowLabel(g, r) || firstLabels[k] || "");
    const sumCols = (re: RegExp) =>
      cols(g, re).filter((c) => /^(?:합계|합\s*계|계|총계)(?:>|$)/.test(colKey(g, c)));
    let cCount = sumCols(/건수/);
    let cShares = sumCols(/수량/);
    const totals = cShares.length > 0;
    if (totals) anyTotalCols = true;
    const allCount = cols(g, /건수/, /비율|비중/);
    const allShares = cols(g, /수량|주식수/, /비율|비중|건수/);
    if (!totals) {
      cCount = allCount;
      cShares = allShares;
    }
    if (cShares.length === 0) continue;
    dataRows(g).forEach((r, k) => {
      const key = labels[k];
      if (!key) return;
      const e = perRow.get(key) ?? { count: [], shares: [], summed: false };
      if (totals) {
        e.count = [];
        e.shares = [];
      }
      for (const c of cCount) {
        const v = ctx.num(g, r, c, "count");
        if (v) e.count.push(v);
      }
      for (const c of cShares) {
        const v = ctx.num(g, r, c, "shares");
        if (v) e.shares.push(v);
        else if (!g.rows[r][c].value.empty) return;
      }
      e.summed = !totals && (cShares.length > 1 || e.summed);
      perRow.set(key, e);
    });
    if (totals) break;
  }
  if (perRow.size === 0) return false;
  const value = (xs: SourcedNumber[], summed: boolean, what: string): SourcedNumber | null => {
    if (xs.length === 0) return null;
    if (xs.length === 1 && !summed) return xs[0];
    return {
      value: xs.reduce((a, x) => a + x.value, 0),
      src: ctx.derived(`${what}: 투자자 구분별 합`, xs.map((x) => x.src)),
    };
  };
  const rows: LockupRow[] = [];
  let total: SourcedNumber | null = null;
  let totalCount: SourcedNumber | null = null;
  for (const [label, e] of perRow) {
    const shares = value(e.shares, !anyTotalCols, "신청수량");
    const count = value(e.count, !anyTotalCols, "건수");
    if (isTotalLabel(normLabel(label))) {
      total = shares;
      totalCount = count;
      continue;
    }
    const period = periodOf(label);
    if (!period) {
      ctx.issue(
        "table_unmapped",
        "info",
        `확약 기간 "${label}" 은 알려진 기간이 아닙니다`,
        "demand.lockup",
        first,
      );
      continue;
    }
    rows.push({ period, count, shares, pct: null });
  }
  const sum = rows.reduce((a, r) => a + (r.shares?.value ?? 0), 0);
  const demandTotal = ctx.facts.demand.shares;
  if (total && Math.abs(sum - total.value) > 0.5) {
    ctx.issue(
      "check_failed",
      "error",
      `의무보유확약 기간별 수량의 합(${sum})이 합계(${total.value})와 다릅니다`,
      "demand.lockup",
      first,
    );
    return true;
  }
  if (total && demandTotal && Math.abs(total.value - demandTotal.value) > 0.5) {
    ctx.issue(
      "check_failed",
      "error",
      `의무보유확약 표의 합계(${total.value})가 수요예측 참여내역 신청수량(${demandTotal.value})과 다릅니다`,
      "demand.lockup",
      first,
    );
    return true;
  }
  const base = total ?? demandTotal;
  for (const r of rows) {
    if (r.shares && base && base.value > 0) {
      r.pct = {
        value: Math.round((r.shares.value / base.value) * 1e6) / 1e4,
        src: ctx.derived("기간별 신청수량 ÷ 신청수량 합계 × 100", [r.shares.src, base.src]),
      };
    }
  }
  const d = ctx.facts.demand;
  d.lockup = rows;
  const committed = rows.filter((r) => r.period !== "미확약" && r.shares);
  if (base && base.value > 0 && committed.length) {
    const c = committed.reduce((a, r) => a + r.shares!.value, 0);
    d.lockup_ratio = {
      value: Math.round((c / base.value) * 1e6) / 1e4,
      src: ctx.derived("확약 신청수량 합 ÷ 신청수량 합계 × 100", [
        ...committed.map((r) => r.shares!.src),
        base.src,
      ]),
    };
  }
  if (!d.participants && totalCount) d.participants = totalCount;
  return true;
}

export function mapDemand(ctx: MapContext): void {
  const tables = ctx.doc.tables.filter((g) =>
    !ctx.used.has(g.index) && DEMAND_CTX.test(normLabel(g.path.join("|"))) &&
    !CORRECTION_RE.test(normLabel(g.path[0] ?? ""))
  );
  // Only tables after a 결과/참여/분포/확약 heading, or that look like one of the three.
  const candidates = tables.filter((g) =>
    /결과|참여|분포|확약|경쟁률/.test(normLabel([...g.path, g.title ?? ""].join("|"))) ||
    isLockupTable(g) || isPriceTable(g)
  );
  const mapped = new Set<number>();
  for (const g of candidates) {
    if (isLockupTable(g) || isPriceTable(g)) continue;
    if (ctx.facts.demand.shares === null && mapParticipation(ctx, g)) mapped.add(g.index);
  }
  for (const g of candidates) {
    if (!isPriceTable(g) || mapped.has(g.index)) continue;
    if (mapPriceDistribution(ctx, g)) mapped.add(g.index);
  }
  // 확약 tables: consecutive ones form one group (the split 22+10 / 16+16 column forms).
  const lock = candidates.filter((g) => !mapped.has(g.index) && isLockupLike(g, candidates));
  let i = 0;
  while (i < lock.length) {
    const grp = [lock[i]];
    while (i + 1 < lock.length && lock[i + 1].index === grp[grp.length - 1].index + 1) {
      grp.push(lock[++i]);
    }
    i++;
    if (ctx.facts.demand.lockup.length === 0 && mapLockup(ctx, grp)) {
      for (const g of grp) mapped.add(g.index);
    }
  }
  for (const g of candidates) {
    ctx.used.add(g.index);
    if (mapped.has(g.index)) continue;
    if (!/결과|참여|분포|확약/.test(normLabel([...g.path, g.title ?? ""].join("|")))) continue;
    ctx.issue(
      "table_unmapped",
      "warning",
      "수요예측 결과 표의 형식을 알아볼 수 없어 읽지 않았습니다",
      "demand",
      g,
    );
  }
}

/** A lockup table, or a continuation table right after one (no 구분 column). */
function isLockupLike(g: DartGrid, all: DartGrid[]): boolean {
  if (isLockupTable(g)) return true;
  const prev = all.find((p) => p.index === g.index - 1);
  return !!prev && isLockupTable(prev) &&
    /확약/.test(normLabel([...g.path, g.title ?? ""].join("|"))) &&
    cols(g, /수량/).length > 0;
}

// ---------------------------------------------------------------------------------------
// 증권발행실적보고서

const DST_FIELDS: [
  keyof Omit<SubscriptionGroup, "group" | "label">,
  string,
  RegExp,
  RegExp | null,
  NumKind,
][] = [
  ["initial_shares", "FST_DV_CNT", /최초.*(수량|주식수)/, null, "shares"],
  ["initial_pct", "FST_DV_RT", /최초.*(비율|비중)/, null, "pct"],
  ["applications", "SB_CNT", /청약.*건수/, null, "count"],
  ["applied_shares", "SB_ST_CNT", /청약.*(수량|주식수)/, null, "shares"],
  ["applied_amount", "SB_AMT", /청약.*금액/, null, "money"],
  ["final_count", "DV_CNT", /(최종|배정현황).*건수/, /최초|청약/, "count"],
  ["final_shares", "DV_ST_CNT", /(최종|배정현황).*(수량|주식수)/, /최초|청약/, "shares"],
  ["final_amount", "DV_AMT", /(최종|배정현황).*금액/, /최초|청약/, "money"],
  ["final_pct", "DV_RT", /(최종|배정현황).*(비율|비중)/, /최초|청약/, "pct"],
];

export function mapSubscriptionResult(ctx: MapContext): void {
  for (const g of ctx.tables(null)) {
    const isForm = g.group === "DST_CD";
    const labelled = cols(g, /청약/).length > 0 && cols(g, /최종|배정현황/).length > 0;
    if (!isForm && !labelled) continue;
    if (!isForm && !/청약|배정/.test(normLabel([...g.path, g.title ?? ""].join("|")))) continue;
    ctx.used.add(g.index);
    // Columns by ACODE (form tables), else by header text.
    const byCode = new Map<string, number>();
    for (const r of dataRows(g)) {
      g.rows[r].forEach((cell, c) => {
        if (cell.acode && !byCode.has(cell.acode.replace(/_TOT$/, ""))) {
          byCode.set(cell.acode.replace(/_TOT$/, ""), c);
        }
      });
    }
    const colOf = new Map<string, number>();
    for (const [field, code, re, not] of DST_FIELDS) {
      const c = byCode.get(code) ?? col(g, re, not ?? undefined);
      if (c >= 0) colOf.set(field, c);
    }
    if (!colOf.has("applied_shares") || !colOf.has("final_shares")) {
      ctx.issue(
        "table_unmapped",
        "warning",
        "청약 및 배정현황 표에서 청약/배정 수량 열을 찾지 못했습니다",
        "subscription",
        g,
      );
      continue;
    }
    if (ctx.facts.subscription.groups.length) continue;
    const groups: SubscriptionGroup[] = [];
    for (const r of dataRows(g)) {
      const label = rowLabel(g, r) || clean(g.rows[r][0].text);
      const group = groupOf(label);
      if (group === "total" || !label) continue;
      const row = { group, label } as SubscriptionGroup;
      for (const [field, , , , kind] of DST_FIELDS) {
        const c = colOf.get(field);
        (row as Record<string, unknown>)[field] = c === undefined ? null : ctx.num(g, r, c, kind);
      }
      groups.push(row);
    }
    const s = ctx.facts.subscription;
    s.groups = groups;
    const retail = groups.find((x) => x.group === "retail");
    if (retail?.applied_shares && retail.final_shares && retail.final_shares.value > 0) {
      s.competition = {
        value: Math.round((retail.applied_shares.value / retail.final_shares.value) * 100) / 100,
        src: ctx.derived("일반 청약주식수 ÷ 일반 최종 배정주식수", [
          retail.applied_shares.src,
          retail.final_shares.src,
        ]),
      };
    }
  }
}

export function mapAllocatedLockup(ctx: MapContext): void {
  for (const g of ctx.tables(null)) {
    const isForm = g.group === "INS_ASS";
    if (
      !isForm &&
      !(/확약기간별배정|의무보유확약기간별배정/.test(
        normLabel([...g.path, g.title ?? ""].join("|")),
      ))
    ) {
      continue;
    }
    if (!isLockupTable(g)) continue;
    ctx.used.add(g.index);
    const total = cols(g, /수량|배정수량/).filter((c) => /^(?:합계|계)(?:>|$)/.test(colKey(g, c)));
    const totalPct = cols(g, /비중|비율/).filter((c) => /^(?:합계|계)(?:>|$)/.test(colKey(g, c)));
    const cShares = total[0] ?? col(g, /배정수량|수량/);
    const cPct = totalPct[0] ?? col(g, /비중|비율/);
    if (cShares < 0) {
      ctx.issue(
        "table_unmapped",
        "warning",
        "확약기간별 배정현황 표에서 수량 열을 찾지 못했습니다",
        "subscription.lockup_allocated",
        g,
      );
      continue;
    }
    const rows: AllocatedLockup[] = [];
    for (const r of dataRows(g)) {
      const period = periodOf(rowLabel(g, r));
      if (!period) continue;
      rows.push({
        period,
        shares: ctx.num(g, r, cShares, "shares"),
        pct: cPct >= 0 ? ctx.num(g, r, cPct, "pct") : null,
      });
    }
    if (!ctx.facts.subscription.lockup_allocated.length) {
      ctx.facts.subscription.lockup_allocated = rows;
    }
  }
}

// ---------------------------------------------------------------------------------------
// 유통가능물량, 보호예수

const FLOAT_CTX = /유통가능|유통제한|보호예수|매각제한|의무보유|유통주식/;

function periodLength(text: string): { months: number | null; days: number | null } {
  const t = normLabel(text);
  const y = /(\d+)년/.exec(t);
  const m = /(\d+)개월/.exec(t);
  const d = /(\d+)일/.exec(t);
  if (y) return { months: Number(y[1]) * 12 + (m ? Number(m[1]) : 0), days: null };
  if (m) return { months: Number(m[1]), days: null };
  if (d) return { months: null, days: Number(d[1]) };
  return { months: null, days: null };
}

export function mapFloat(ctx: MapContext): void {
  const f = ctx.facts.float;
  for (const g of ctx.tables(null)) {
    if (ctx.used.has(g.index)) continue;
    const rows = dataRows(g);
    const labels = rows.map((r) => rowKey(g, r));
    const hasTradable = labels.some((l) => /유통가능/.test(l));
    const hasRestricted = labels.some((l) => /유통제한|매각제한|보호예수|의무보유/.test(l));
    if (!hasTradable || !hasRestricted) continue;
    if (!FLOAT_CTX.test(normLabel([...g.path, g.title ?? "", ...labels].join("|")))) continue;
    ctx.used.add(g.index);
    // Prefer the 공모후/상장후 (주식수, 비율) pair when 공모전 and 공모후 are both printed.
    const after = /공모후|상장후|희석후|상장시/;
    const qtyCols = cols(g, /주식수|수량/, /비율|지분율|비중/);
    const pctCols = cols(g, /비율|지분율|비중/);
    const cQty = qtyCols.find((c) => after.test(colKey(g, c))) ?? qtyCols[0] ?? -1;
    const cPct = pctCols.find((c) => after.test(colKey(g, c))) ?? pctCols[0] ?? -1;
    const cPeriod = col(g, /기간|매각제한|보호예수|해제/, /주식수|비율/);
    if (cQty < 0) {
      ctx.issue(
        "table_unmapped",
        "warning",
        "유통가능물량 표에서 주식수 열을 찾지 못했습니다",
        "float",
        g,
      );
      continue;
    }
    const schedule: LockupScheduleRow[] = [];
    rows.forEach((r, k) => {
      const l = labels[k];
      const shares = ctx.num(g, r, cQty, "shares");
      const pct = cPct >= 0 ? ctx.num(g, r, cPct, "pct") : null;
      const total = isTotalLabel(l) || /소계|합계/.test(l);
      if (/유통가능/.test(l)) {
        if (total || !l.includes(">") || f.tradable_shares === null) {
          if (total || f.tradable_shares === null) {
            f.tradable_shares = shares;
            f.tradable_pct = pct;
          }
        }
      } else if (/유통제한|매각제한|보호예수|의무보유/.test(l)) {
        if (total) {
          f.restricted_shares = shares;
          f.restricted_pct = pct;
        } else if (shares) {
          const leaf = rowLabel(g, r).split(" > ").pop() ?? l;
          const periodText = cPeriod >= 0 ? clean(g.rows[r][cPeriod].text) || null : null;
          const len = periodLength(periodText ?? leaf);
          schedule.push({
            holder: leaf,
            period: periodText,
            months: len.months,
            days: len.days,
            shares,
            pct,
            release_date: null,
          });
        }
      } else if (isTotalLabel(l) || /상장예정주식수|총발행주식|발행주식총수/.test(l)) {
        f.listed_shares = shares;
      }
    });
    if (schedule.length && ctx.facts.lockup_schedule.length === 0) {
      ctx.facts.lockup_schedule = schedule;
    }
    if (f.restricted_shares === null && schedule.length) {
      const xs = schedule.map((s) => s.shares!);
      f.restricted_shares = {
        value: xs.reduce((a, x) => a + x.value, 0),
        src: ctx.derived("유통제한 행의 합", xs.map((x) => x.src)),
      };
    }
  }
  // Prose: "상장예정주식수 11,363,649주 중 26.42%에 해당하는 3,002,063주는 상장 직후 유통가능".
  for (const b of texts(ctx)) {
    if (f.tradable_shares !== null) break;
    const m1 =
      /상장예정주식수[^\d]{0,30}?([\d,]+)\s*주\s*중\s*([\d.]+)\s*%에\s*해당하는\s*([\d,]+)\s*주[^.]{0,30}유통\s*가능/
        .exec(b.text);
    if (m1) {
      const src = ctx.textSrc(b.path, b.text);
      f.listed_shares = { value: toNum(m1[1]), src };
      f.tradable_pct = { value: Number(m1[2]), src };
      f.tradable_shares = { value: toNum(m1[3]), src };
      continue;
    }
    const m2 =
      /([\d,]{5,})\s*주\s*\(\s*([\d.]+)\s*%\s*\)\s*(?:는|은)?\s*상장\s*(?:직후|후|일)[^.]{0,20}유통\s*가능/
        .exec(b.text);
    if (m2) {
      const src = ctx.textSrc(b.path, b.text);
      f.tradable_shares = { value: toNum(m2[1]), src };
      f.tradable_pct = { value: Number(m2[2]), src };
    }
  }
  if (ctx.facts.offering.listed_shares_after === null && f.listed_shares) {
    ctx.facts.offering.listed_shares_after = f.listed_shares;
  }
  for (const b of texts(ctx)) {
    if (ctx.facts.offering.listed_shares_after !== null) break;
    const m = /상장\s*예정\s*주식\s*수[^\d]{0,20}?([\d,]{4,})\s*주/.exec(b.text);
    if (m) {
      ctx.facts.offering.listed_shares_after = {
        value: toNum(m[1]),
        src: ctx.textSrc(b.path, b.text, "주"),
      };
    }
  }
}

/** Every mapper, in dependency order (band before price buckets, 참여내역 before 확약). */
export const MAPPERS: ((ctx: MapContext) => void)[] = [
  mapOverview,
  mapOfferSplit,
  mapSellingHolders,
  mapPrices,
  mapSchedule,
  mapSubscriptionResult,
  mapAllocatedLockup,
  mapDemand,
  mapUnderwriters,
  mapAllocation,
  mapTerms,
  mapFloat,
];

export type { Provenance };
