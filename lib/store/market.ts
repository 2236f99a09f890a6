/**
 * KRX market data in KV, laid out for 2,700 stocks × 10 years:
 *
 * - **Series**: one KV value per (instrument, calendar year) — the year's bars as packed
 *   columns (dates as `Int32` `yyyymmdd`, the {@linkcode BAR_FIELDS} as `Float64`, `NaN` =
 *   null). About 21 KB for 250 days, under KV's 64 KiB value limit. A 10-year series is one
 *   `getMany` of 10 keys.
 * - **Cross-section**: one packed blob per (day, market) — codes plus the same columns — so a
 *   whole market on one day is one blob read.
 * - Index bars are packed per (index, year) the same way; instruments, investor flows and day
 *   statuses are small JSON records.
 *
 * Writes merge by date (a re-collected day replaces its bars) and report what changed, so a
 * re-run of a day writes nothing new. Every write bumps the market epoch.
 *
 * Keys shared by many days (an instrument's or index's year, an instrument) are merged with
 * checked atomics of at most 10 keys, re-read and retried when another writer got there
 * first: days collected at the same time never lose each other's rows. When a `runId` is
 * given, what a commit adds or changes is summed into that run's counters in the same commit,
 * so a crash can neither lose a count nor let the retry count it again.
 *
 * @module
 */
import {
  BAR_FIELDS,
  type DailyBar,
  INDEX_FIELDS,
  type IndexBar,
  type IndexSeries,
  type Instrument,
  type InvestorFlow,
  type KrxMarket,
} from "../market/model.ts";
import { addDays } from "../market/range.ts";
import type { PriceSummary } from "../market/summary.ts";
import { getBlob, putBlob } from "./blobs.ts";
import { keys } from "./keys.ts";
import {
  assertCommitted,
  AtomicBatcher,
  contentionPause,
  KvContentionError,
  listAll,
} from "./kv.ts";
import { addRunCounts } from "./runs.ts";

// ---------------------------------------------------------------------------------------
// Packed columns
// ---------------------------------------------------------------------------------------

/** Decoded packed columns: `dates` (yyyymmdd ints) and/or `labels`, and numeric columns. */
export interface Packed {
  dates: Int32Array;
  labels: string[];
  cols: Float64Array[];
}

const MAGIC = 0x4b42_5031; // "KBP1"
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Packs columns into bytes (header, dates, labels, padding, Float64 columns). */
export function pack(
  p: { dates?: ArrayLike<number>; labels?: string[]; cols: ArrayLike<number>[] },
): Uint8Array {
  const n = p.cols[0]?.length ?? p.dates?.length ?? p.labels?.length ?? 0;
  const dates = p.dates ?? [];
  const labelBytes = p.labels ? enc.encode(p.labels.join("\n")) : new Uint8Array(0);
  const head = 20;
  const datesOff = head;
  const labelsOff = datesOff + dates.length * 4;
  const colsOff = Math.ceil((labelsOff + labelBytes.length) / 8) * 8;
  const total = colsOff + p.cols.length * n * 8;
  const buf = new ArrayBuffer(total);
  const dv = new DataView(buf);
  dv.setUint32(0, MAGIC);
  dv.setUint32(4, n);
  dv.setUint32(8, dates.length);
  dv.setUint32(12, labelBytes.length);
  dv.setUint32(16, p.cols.length);
  new Int32Array(buf, datesOff, dates.length).set(dates);
  new Uint8Array(buf, labelsOff, labelBytes.length).set(labelBytes);
  for (let c = 0; c < p.cols.length; c++) {
    const col = p.cols[c];
    if (col.length !== n) throw new RangeError(`column ${c} has ${col.length} rows, not ${n}`);
    new Float64Array(buf, colsOff + c * n * 8, n).set(col);
  }
  return new Uint8Array(buf);
}

/** Reverses {@linkcode pack}. Throws on bytes that are not a pack. */
export function unpack(bytes: Uint8Array): Packed {
  // Typed-array views need aligned offsets: copy when the input is not 8-aligned.
  const b = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.byteLength < 20 || dv.getUint32(0) !== MAGIC) throw new Error("not a packed column set");
  const n = dv.getUint32(4);
  const nd = dv.getUint32(8);
  const nl = dv.getUint32(12);
  const nc = dv.getUint32(16);
  const datesOff = 20;
  const labelsOff = datesOff + nd * 4;
  const colsOff = Math.ceil((labelsOff + nl) / 8) * 8;
  if (colsOff + nc * n * 8 > b.byteLength) throw new Error("packed column set is truncated");
  const dates = new Int32Array(b.buffer, b.byteOffset + datesOff, nd);
  const labels = nl ? dec.decode(b.subarray(labelsOff, labelsOff + nl)).split("\n") : [];
  const cols: Float64Array[] = [];
  for (let c = 0; c < nc; c++) {
    cols.push(new Float64Array(b.buffer, b.byteOffset + colsOff + c * n * 8, n));
  }
  return { dates, labels, cols };
}

/** `YYYY-MM-DD` → 20240104. */
export const ymdInt = (date: string) =>
  Number(date.slice(0, 4)) * 10000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
/** 20240104 → `YYYY-MM-DD`. */
export function intYmd(n: number): string {
  const s = String(n);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}
const nz = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v);
const nn = (v: number) => (Number.isNaN(v) ? null : v);
const sameNum = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

// ---------------------------------------------------------------------------------------
// Series (per instrument or index, per year)
// ---------------------------------------------------------------------------------------

/** A time series in columns: `dates` ascending (yyyymmdd) and one array per field. */
export interface Columns<F extends string> {
  dates: Int32Array;
  cols: Record<F, Float64Array>;
}

function packSeries<F extends string>(
  fields: readonly F[],
  rows: Map<number, Float64Array>,
): Uint8Array {
  const dates = [...rows.keys()].sort((a, b) => a - b);
  const cols = fields.map((_, f) => Float64Array.from(dates, (d) => rows.get(d)![f]));
  return pack({ dates, cols });
}

function seriesRows(p: Packed): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  for (let i = 0; i < p.dates.length; i++) {
    out.set(p.dates[i], Float64Array.from(p.cols, (c) => c[i]));
  }
  return out;
}

/** Counts of a merge: rows added, rows whose values changed, rows already identical. */
export interface MergeCounts {
  new: number;
  changed: number;
  unchanged: number;
}

/** Keys merged per checked commit (Deno KV allows 10 checks per atomic). */
const GROUP = 10;

const zero = (): MergeCounts => ({ new: 0, changed: 0, unchanged: 0 });

/**
 * Merges `items` into their keys 10 at a time: one read of the 10 keys, `step` adds each
 * item's writes to one atomic (checking the entry it read) and says what it adds or changes,
 * one commit — with those counts summed into the run's counters when `runId` is given. A
 * commit that lost a race to another writer is re-read and re-run, so every change is
 * written, and counted, once.
 */
async function checkedMerge<T, V>(
  kv: Deno.Kv,
  items: T[],
  keyOf: (item: T) => Deno.KvKey,
  step: (item: T, cur: Deno.KvEntryMaybe<V>, op: Deno.AtomicOperation) => MergeCounts,
  runId: string | null,
): Promise<MergeCounts> {
  const counts = zero();
  for (let i = 0; i < items.length; i += GROUP) {
    const slice = items.slice(i, i + GROUP);
    const slotKeys = slice.map(keyOf);
    for (let attempt = 0;; attempt++) {
      const got = await kv.getMany<V[]>(slotKeys);
      const c = zero();
      const op = kv.atomic();
      slice.forEach((item, j) => {
        const r = step(item, got[j], op);
        c.new += r.new;
        c.changed += r.changed;
        c.unchanged += r.unchanged;
      });
      const writes = c.new + c.changed;
      if (writes && runId) addRunCounts(op, runId, { new: c.new, changed: c.changed });
      if (!writes || (await op.commit()).ok) {
        counts.new += c.new;
        counts.changed += c.changed;
        counts.unchanged += c.unchanged;
        break;
      }
      if (attempt >= 200) throw new KvContentionError(`merge of ${String(slotKeys[0])}`);
      await contentionPause(attempt);
    }
  }
  return counts;
}

/**
 * Merges rows (by series id and date) into the per-year packs (see
 * {@linkcode checkedMerge}: one read and one checked commit per 10 (series, year) keys).
 * Returns what changed; with `runId`, adds it to the run's counters in the same commits.
 */
function mergeSeries(
  kv: Deno.Kv,
  keyOf: (id: string, year: number) => Deno.KvKey,
  fields: readonly string[],
  rows: Map<string, Map<number, Float64Array>>,
  runId: string | null = null,
): Promise<MergeCounts> {
  const groups: { id: string; year: number; rows: [number, Float64Array][] }[] = [];
  for (const [id, byDate] of rows) {
    const byYear = new Map<number, [number, Float64Array][]>();
    for (const e of byDate) {
      const y = Math.floor(e[0] / 10000);
      let g = byYear.get(y);
      if (!g) byYear.set(y, g = []);
      g.push(e);
    }
    for (const [year, r] of byYear) groups.push({ id, year, rows: r });
  }
  return checkedMerge<typeof groups[number], Uint8Array>(
    kv,
    groups,
    (g) => keyOf(g.id, g.year),
    (g, cur, op) => {
      const c = zero();
      const existing = cur.value ? seriesRows(unpack(cur.value)) : new Map();
      for (const [d, vals] of g.rows) {
        const old = existing.get(d);
        if (!old) c.new++;
        else if (old.every((v: number, f: number) => sameNum(v, vals[f]))) {
          c.unchanged++;
          continue;
        } else c.changed++;
        existing.set(d, vals);
      }
      if (c.new + c.changed) op.check(cur).set(keyOf(g.id, g.year), packSeries(fields, existing));
      return c;
    },
    runId,
  );
}

/** Reads a series between two dates (inclusive) from its year packs. */
async function readSeries<F extends string>(
  kv: Deno.Kv,
  keyOf: (year: number) => Deno.KvKey,
  fields: readonly F[],
  from: string,
  to: string,
): Promise<Columns<F>> {
  const lo = ymdInt(from);
  const hi = ymdInt(to);
  const years: number[] = [];
  for (let y = Math.floor(lo / 10000); y <= Math.floor(hi / 10000); y++) years.push(y);
  const packs: Packed[] = [];
  for (let i = 0; i < years.length; i += 10) {
    const got = await kv.getMany<Uint8Array[]>(years.slice(i, i + 10).map(keyOf));
    for (const g of got) if (g.value) packs.push(unpack(g.value));
  }
  let n = 0;
  for (const p of packs) for (const d of p.dates) if (d >= lo && d <= hi) n++;
  const dates = new Int32Array(n);
  const cols = Object.fromEntries(fields.map((f) => [f, new Float64Array(n)])) as Record<
    F,
    Float64Array
  >;
  let k = 0;
  for (const p of packs) {
    for (let i = 0; i < p.dates.length; i++) {
      const d = p.dates[i];
      if (d < lo || d > hi) continue;
      dates[k] = d;
      for (let f = 0; f < fields.length; f++) cols[fields[f]][k] = p.cols[f]?.[i] ?? NaN;
      k++;
    }
  }
  return { dates, cols };
}

// ---------------------------------------------------------------------------------------
// Daily bars
// ---------------------------------------------------------------------------------------

const barVals = (b: DailyBar) => Float64Array.from(BAR_FIELDS, (f) => nz(b[f]));

/** Metadata of one (day, market) cross-section. */
export interface DayMeta {
  date: string;
  market: KrxMarket;
  count: number;
  /** Blob holding the packed cross-section (large days), or null when inline. */
  hash: string | null;
  /** The packed cross-section itself when it is small (under {@linkcode INLINE_DAY_BYTES}). */
  packed?: Uint8Array;
  stored_at: string;
}

/**
 * Cross-sections up to this size live inside their meta value (one KV write, batched);
 * larger ones (a 950-stock KOSPI day is about 80 KB) go to the chunked blob store.
 */
export const INLINE_DAY_BYTES = 48 * 1024;

/** What {@linkcode putBars} wrote. */
export interface PutBarsResult extends MergeCounts {
  days: number;
}

/**
 * Stores the bars of one market for one or more days: the bars are merged into the
 * per-(instrument, year) series, then each day's cross-section replaces the stored one. The
 * cross-section is written last, so a stored cross-section means its series are complete (a
 * crash in between leaves no cross-section, and the day is written again). With `runId`, the
 * rows added or changed are counted into that run in the commits that write them.
 */
export async function putBars(
  kv: Deno.Kv,
  market: KrxMarket,
  bars: Iterable<DailyBar>,
  runId: string | null = null,
): Promise<PutBarsResult> {
  const byDay = new Map<string, DailyBar[]>();
  const byCode = new Map<string, Map<number, Float64Array>>();
  for (const b of bars) {
    let d = byDay.get(b.date);
    if (!d) byDay.set(b.date, d = []);
    d.push(b);
    let s = byCode.get(b.code);
    if (!s) byCode.set(b.code, s = new Map());
    s.set(ymdInt(b.date), barVals(b));
  }
  const counts = await mergeSeries(kv, keys.barYear, BAR_FIELDS, byCode, runId);
  const at = new Date().toISOString();
  const days = new AtomicBatcher(kv, 900, 640 * 1024);
  for (const [date, rows] of byDay) {
    rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const bytes = pack({
      labels: rows.map((r) => r.code),
      cols: BAR_FIELDS.map((f) => Float64Array.from(rows, (r) => nz(r[f]))),
    });
    const base = { date, market, count: rows.length, stored_at: at };
    if (bytes.length <= INLINE_DAY_BYTES) {
      const meta: DayMeta = { ...base, hash: null, packed: bytes };
      await days.set(keys.barDay(date, market), meta, bytes.length + 256);
    } else {
      const blob = await putBlob(kv, bytes, "application/x-kdesk-packed");
      await days.set(keys.barDay(date, market), { ...base, hash: blob.hash } as DayMeta, 256);
    }
  }
  await days.flush();
  await bumpMarketEpoch(kv);
  return { ...counts, days: byDay.size };
}

/** One instrument's bars in columns (dates ascending) between two dates, inclusive. */
export function getBarColumns(
  kv: Deno.Kv,
  code: string,
  from: string,
  to: string,
): Promise<Columns<typeof BAR_FIELDS[number]>> {
  return readSeries(kv, (y) => keys.barYear(code, y), BAR_FIELDS, from, to);
}

/** One instrument's bars between two dates, inclusive, oldest first. */
export async function getBars(
  kv: Deno.Kv,
  code: string,
  from: string,
  to: string,
): Promise<DailyBar[]> {
  const c = await getBarColumns(kv, code, from, to);
  const out: DailyBar[] = new Array(c.dates.length);
  for (let i = 0; i < c.dates.length; i++) {
    const bar = { date: intYmd(c.dates[i]), code } as DailyBar;
    for (const f of BAR_FIELDS) bar[f] = nn(c.cols[f][i]);
    out[i] = bar;
  }
  return out;
}

/** The stored cross-section meta of a (day, market), or null. */
export async function getDayMeta(
  kv: Deno.Kv,
  date: string,
  market: KrxMarket,
): Promise<DayMeta | null> {
  return (await kv.get<DayMeta>(keys.barDay(date, market))).value;
}

/** A whole market on one day (codes ascending); [] when not stored. */
export async function getDay(kv: Deno.Kv, date: string, market: KrxMarket): Promise<DailyBar[]> {
  const meta = await getDayMeta(kv, date, market);
  if (!meta) return [];
  const bytes = meta.packed ?? (meta.hash ? await getBlob(kv, meta.hash) : null);
  if (!bytes) throw new Error(`cross-section ${date} ${market} is missing its blob ${meta.hash}`);
  const p = unpack(bytes);
  return p.labels.map((code, i) => {
    const bar = { date, code } as DailyBar;
    BAR_FIELDS.forEach((f, c) => (bar[f] = nn(p.cols[c][i])));
    return bar;
  });
}

/** Days with a stored cross-section between two dates (inclusive), ascending, per market. */
export async function listBarDays(
  kv: Deno.Kv,
  from: string,
  to: string,
  market?: KrxMarket,
): Promise<DayMeta[]> {
  const out: DayMeta[] = [];
  for await (
    const e of kv.list<DayMeta>({
      start: [...keys.barDayPrefix(), from],
      end: [...keys.barDayPrefix(), `${to}\uffff`],
    })
  ) if (!market || e.value.market === market) out.push(e.value);
  return out;
}

/** The latest stored trading day on or before `asOf` (any market), or null. */
export async function latestBarDay(kv: Deno.Kv, asOf = "9999-12-31"): Promise<string | null> {
  for await (
    const e of kv.list<DayMeta>({
      start: keys.barDayPrefix(),
      end: [...keys.barDayPrefix(), `${asOf}\uffff`],
    }, { reverse: true, limit: 1 })
  ) return e.value.date;
  return null;
}

// ---------------------------------------------------------------------------------------
// Price summary (company page, snapshot, IPO returns)
// ---------------------------------------------------------------------------------------

/** The figures a company page shows next to its chart (schema: `lib/market/summary.ts`). */
export type { PriceSummary };

/** Latest bar, 52-week range and market cap of an instrument as of a date; null if none. */
export async function priceSummary(
  kv: Deno.Kv,
  code: string,
  asOf = "9999-12-31",
): Promise<PriceSummary | null> {
  const to = asOf === "9999-12-31" ? new Date().toISOString().slice(0, 10) : asOf;
  // Read back two years so the 52-week window is complete at any point of a year.
  const c = await getBarColumns(kv, code, `${Number(to.slice(0, 4)) - 1}-01-01`, to);
  const n = c.dates.length;
  if (!n) return null;
  const last = n - 1;
  const from52 = ymdInt(addDays(intYmd(c.dates[last]), -365));
  let hi = -Infinity, lo = Infinity, hiD = 0, loD = 0;
  for (let i = 0; i < n; i++) {
    if (c.dates[i] <= from52) continue;
    const close = c.cols.close[i];
    const h = Number.isNaN(c.cols.high[i]) ? close : c.cols.high[i];
    const l = Number.isNaN(c.cols.low[i]) ? close : c.cols.low[i];
    if (h > hi) [hi, hiD] = [h, c.dates[i]];
    if (l < lo) [lo, loD] = [l, c.dates[i]];
  }
  const first = await kv.list<Uint8Array>({ prefix: keys.barYearPrefix(code) }, { limit: 1 });
  let firstDate: string | null = null;
  for await (const e of first) {
    const p = unpack(e.value);
    if (p.dates.length) firstDate = intYmd(p.dates[0]);
  }
  return {
    code,
    date: intYmd(c.dates[last]),
    close: nn(c.cols.close[last]),
    change: nn(c.cols.change[last]),
    change_pct: nn(c.cols.change_pct[last]),
    volume: nn(c.cols.volume[last]),
    market_cap: nn(c.cols.market_cap[last]),
    shares: nn(c.cols.shares[last]),
    high_52w: Number.isFinite(hi) ? hi : null,
    high_52w_date: hiD ? intYmd(hiD) : null,
    low_52w: Number.isFinite(lo) ? lo : null,
    low_52w_date: loD ? intYmd(loD) : null,
    first_date: firstDate,
  };
}

// ---------------------------------------------------------------------------------------
// Indices
// ---------------------------------------------------------------------------------------

/** The identity of an index series. */
export interface IndexMeta {
  index_code: string;
  series: IndexSeries;
  name: string;
}

/**
 * Stores index bars (merged per index and year) and their identities; with `runId`, counted
 * into that run as they are written.
 */
export async function putIndexBars(
  kv: Deno.Kv,
  bars: Iterable<IndexBar>,
  runId: string | null = null,
): Promise<MergeCounts> {
  const byCode = new Map<string, Map<number, Float64Array>>();
  const metas = new Map<string, IndexMeta>();
  for (const b of bars) {
    let s = byCode.get(b.index_code);
    if (!s) byCode.set(b.index_code, s = new Map());
    s.set(ymdInt(b.date), Float64Array.from(INDEX_FIELDS, (f) => nz(b[f])));
    metas.set(b.index_code, { index_code: b.index_code, series: b.series, name: b.name });
  }
  const batch = new AtomicBatcher(kv);
  const existing = new Set((await listIndices(kv)).map((m) => m.index_code));
  for (const m of metas.values()) {
    if (!existing.has(m.index_code)) await batch.set(keys.indexMeta(m.index_code), m);
  }
  await batch.flush();
  const counts = await mergeSeries(kv, keys.indexYear, INDEX_FIELDS, byCode, runId);
  await bumpMarketEpoch(kv);
  return counts;
}

/** Every known index, by code. */
export function listIndices(kv: Deno.Kv): Promise<IndexMeta[]> {
  return listAll<IndexMeta>(kv, { prefix: keys.indexMetaPrefix() });
}

/** One index's bars between two dates (inclusive), oldest first. */
export async function getIndexBars(
  kv: Deno.Kv,
  indexCode: string,
  from: string,
  to: string,
): Promise<IndexBar[]> {
  const meta = (await kv.get<IndexMeta>(keys.indexMeta(indexCode))).value;
  if (!meta) return [];
  const c = await readSeries(kv, (y) => keys.indexYear(indexCode, y), INDEX_FIELDS, from, to);
  const out: IndexBar[] = new Array(c.dates.length);
  for (let i = 0; i < c.dates.length; i++) {
    const bar = {
      date: intYmd(c.dates[i]),
      index_code: indexCode,
      series: meta.series,
      name: meta.name,
    } as IndexBar;
    for (const f of INDEX_FIELDS) bar[f] = nn(c.cols[f][i]);
    out[i] = bar;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Instruments
// ---------------------------------------------------------------------------------------

/** An instrument as stored: the normalized record plus when it last changed. */
export interface StoredInstrument extends Instrument {
  updated_at: string;
}

const sameInstrument = (a: Instrument, b: Instrument) =>
  (Object.keys(b) as (keyof Instrument)[]).every((k) => a[k] === b[k]);

/**
 * Writes instruments that are new or changed (with their ISIN index), 10 per checked commit
 * (re-read and retried when another writer changed one first, so each change is counted
 * once); with `runId`, counted into that run in the same commits.
 */
export async function putInstruments(
  kv: Deno.Kv,
  list: Instrument[],
  runId: string | null = null,
): Promise<{ new: number; changed: number; unchanged: number }> {
  const at = new Date().toISOString();
  const counts = await checkedMerge<Instrument, StoredInstrument>(
    kv,
    list,
    (x) => keys.instrument(x.code),
    (cur, old, op) => {
      if (old.value && sameInstrument(old.value, cur)) return { ...zero(), unchanged: 1 };
      op.check(old).set(keys.instrument(cur.code), { ...cur, updated_at: at });
      const was = old.value?.isin;
      if (was && was !== cur.isin) op.delete(keys.instrumentByIsin(was));
      if (cur.isin) op.set(keys.instrumentByIsin(cur.isin), cur.code);
      return old.value ? { ...zero(), changed: 1 } : { ...zero(), new: 1 };
    },
    runId,
  );
  if (counts.new || counts.changed) await bumpMarketEpoch(kv);
  return counts;
}

/** One instrument by short code (or ISIN), or null. */
export async function getInstrument(
  kv: Deno.Kv,
  codeOrIsin: string,
): Promise<StoredInstrument | null> {
  let code = codeOrIsin;
  if (codeOrIsin.length === 12) {
    const byIsin = await kv.get<string>(keys.instrumentByIsin(codeOrIsin));
    if (!byIsin.value) return null;
    code = byIsin.value;
  }
  return (await kv.get<StoredInstrument>(keys.instrument(code))).value;
}

/** Every instrument (optionally of one market), by code. */
export async function listInstruments(
  kv: Deno.Kv,
  filter: { market?: KrxMarket } = {},
): Promise<StoredInstrument[]> {
  const all = await listAll<StoredInstrument>(kv, { prefix: keys.instrumentPrefix() });
  return filter.market ? all.filter((i) => i.market === filter.market) : all;
}

// ---------------------------------------------------------------------------------------
// Investor flows, day statuses, epoch
// ---------------------------------------------------------------------------------------

/** Stores investor flows (one record per market-day). */
export async function putFlows(kv: Deno.Kv, flows: InvestorFlow[]): Promise<void> {
  const batch = new AtomicBatcher(kv);
  for (const f of flows) await batch.set(keys.investorFlow(f.market, f.date), f, 512);
  await batch.flush();
  if (flows.length) await bumpMarketEpoch(kv);
}

const sameFlow = (a: InvestorFlow, b: InvestorFlow) =>
  a.measure === b.measure && a.institutions === b.institutions &&
  JSON.stringify(Object.entries(a.net).sort()) === JSON.stringify(Object.entries(b.net).sort());

/**
 * Stores investor flows that are new or changed, 10 market-days per checked commit (each
 * change counted once); with `runId`, counted into that run in the same commits.
 */
export async function mergeFlows(
  kv: Deno.Kv,
  flows: InvestorFlow[],
  runId: string | null = null,
): Promise<MergeCounts> {
  const keyOf = (f: InvestorFlow) => keys.investorFlow(f.market, f.date);
  const counts = await checkedMerge<InvestorFlow, InvestorFlow>(
    kv,
    flows,
    keyOf,
    (f, old, op) => {
      if (old.value && sameFlow(old.value, f)) return { ...zero(), unchanged: 1 };
      op.check(old).set(keyOf(f), f);
      return old.value ? { ...zero(), changed: 1 } : { ...zero(), new: 1 };
    },
    runId,
  );
  if (counts.new || counts.changed) await bumpMarketEpoch(kv);
  return counts;
}

/** A market's investor flows between two dates (inclusive), oldest first. */
export async function getFlows(
  kv: Deno.Kv,
  market: KrxMarket,
  from: string,
  to: string,
): Promise<InvestorFlow[]> {
  return await listAll<InvestorFlow>(kv, {
    start: keys.investorFlow(market, from),
    end: keys.investorFlow(market, `${to}\uffff`),
  });
}

/** What the collector saw for one day. */
export interface KrxDayStatus {
  date: string;
  /**
   * True for a day the calendar says KRX does not trade (weekend, KRX_HOLIDAYS) whose answer
   * was empty. Emptiness alone never makes a holiday: see `pending`.
   */
  holiday: boolean;
  /**
   * KRX answered no rows for a day the calendar says trades: not published yet (KRX publishes
   * after the close, sometimes only the next morning). Collected again by later runs and the
   * morning catch-up; never a closed day.
   */
  pending?: boolean;
  /** Bars stored per market. */
  bars: Partial<Record<KrxMarket, number>>;
  indices: number;
  run_id: string | null;
  collected_at: string;
}

/** Records a collected day. */
export async function putDayStatus(kv: Deno.Kv, s: KrxDayStatus): Promise<void> {
  assertCommitted(await kv.atomic().set(keys.krxDayStatus(s.date), s).commit(), "day status");
}

/** The collector's record of a day, or null when it was never collected. */
export async function getDayStatus(kv: Deno.Kv, date: string): Promise<KrxDayStatus | null> {
  return (await kv.get<KrxDayStatus>(keys.krxDayStatus(date))).value;
}

/** The collector's records of the days between two dates (inclusive), oldest first. */
export function listDayStatuses(kv: Deno.Kv, from: string, to: string): Promise<KrxDayStatus[]> {
  return listAll<KrxDayStatus>(kv, {
    start: keys.krxDayStatus(from),
    end: keys.krxDayStatus(`${to}\uffff`),
  });
}

/** Bumps the market epoch (readers drop their caches when it moves). */
export async function bumpMarketEpoch(kv: Deno.Kv): Promise<void> {
  await kv.set(keys.marketEpoch(), Date.now());
}
