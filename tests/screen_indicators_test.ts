/**
 * The indicator registry, checked as a whole (issue #16 acceptance 1):
 *
 * - shape: ≥ 200 indicators, unique ids, every field filled, every family of the issue present;
 * - a table-driven test over **every** registry id: each has a reference here — trading-signals
 *   8.3.0 fed the same series (technical indicators), or an independent plain computation
 *   written in this file (returns, windows, flows, fundamentals from the raw filings). The
 *   table must list exactly the registry's ids, and every indicator must produce finite values
 *   somewhere, so no entry passes by being always null;
 * - short histories: each price indicator is null on bar `lookback − 1` and has a value on bar
 *   `lookback`; filing-based indicators are null without filings.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as TS from "trading-signals";
import { MarketComputer } from "../lib/screen/compute.ts";
import { column, type DayMatrix, rowOf } from "../lib/screen/matrix.ts";
import { familyCounts, INDICATOR_IDS, INDICATORS } from "../lib/screen/registry.ts";
import {
  FAMILIES,
  type Filing,
  INVESTOR_KEYS,
  type InvestorKey,
  type MarketInput,
  type Series,
} from "../lib/screen/types.ts";
import { syntheticMarket } from "./helpers/synthetic_market.ts";

// ---------------------------------------------------------------------------------------
// registry shape

Deno.test("registry: ≥ 200 indicators with unique ids, every field, every family of the issue", () => {
  assert.ok(INDICATORS.length >= 200, `only ${INDICATORS.length}`);
  assert.equal(new Set(INDICATOR_IDS).size, INDICATORS.length);
  for (const d of INDICATORS) {
    assert.match(d.id, /^[a-z][a-z0-9_]*$/);
    assert.ok(d.name_ko && /[가-힣A-Z]/.test(d.name_ko), `${d.id} name_ko`);
    assert.ok(d.name_en, `${d.id} name_en`);
    assert.ok(d.formula.length > 5, `${d.id} formula`);
    assert.ok(d.inputs.length > 0, `${d.id} inputs`);
    assert.ok(["higher", "lower", "neutral"].includes(d.direction), `${d.id} direction`);
    assert.equal(typeof d.compute, "function");
  }
  const counts = familyCounts();
  for (const f of FAMILIES) assert.ok(counts[f] >= 5, `family ${f}: ${counts[f]}`);
  for (
    const id of [
      "ret_1d",
      "ret_1w",
      "ret_1m",
      "ret_3m",
      "ret_6m",
      "ret_1y",
      "ret_ytd",
      "ret_since_listing",
      "sma_200",
      "ema_120",
      "dist_sma_20",
      "rsi_14",
      "stoch_k_14",
      "stoch_d_14",
      "macd_line",
      "macd_signal",
      "macd_hist",
      "cci_20",
      "willr_14",
      "vol_20",
      "vol_60",
      "vol_250",
      "atr_14",
      "atr_pct_14",
      "bb_pctb_20",
      "bb_width_20",
      "beta_60",
      "beta_250",
      "mdd_1y",
      "volume_avg_20",
      "value_avg_60",
      "volume_ratio_1d_20",
      "turnover_1d",
      "dist_high_52w",
      "dist_low_52w",
      "per",
      "pbr",
      "psr",
      "pcr",
      "ev_ebitda",
      "earnings_yield",
      "dividend_yield",
      "roe",
      "roa",
      "roic",
      "gross_margin",
      "op_margin",
      "net_margin",
      "rev_yoy",
      "rev_qoq",
      "op_yoy",
      "ni_yoy",
      "eps_yoy",
      "rev_cagr_3y",
      "debt_ratio",
      "current_ratio",
      "interest_coverage",
      "net_foreign_5",
      "net_institution_20",
      "net_individual_60",
      "mcap",
      "float_mcap",
      "days_since_listing",
      "ret_since_offer",
    ]
  ) assert.ok(INDICATOR_IDS.includes(id), `the issue asks for ${id}`);
});

// ---------------------------------------------------------------------------------------
// references

/** One instrument on one day, with cached reference series. */
interface Ref {
  m: MarketInput;
  i: number;
  t: number;
  start: number;
  c: Series;
  o: Series;
  h: Float64Array;
  l: Float64Array;
  v: Series;
  val: Series;
  mcap: Series;
  shr: Series;
  bench: Series;
  series: (key: string, make: () => Float64Array) => Float64Array;
}

const CACHE = new Map<string, Float64Array>();

function refOf(m: MarketInput, i: number, t: number): Ref {
  const c = m.bars.close[i];
  let start = 0;
  while (c[start] !== c[start]) start++;
  const fill = (x: Series) => Float64Array.from(x, (v, j) => (v === v ? v : c[j]));
  return {
    m,
    i,
    t,
    start,
    c,
    o: m.bars.open[i],
    get h() {
      return cached(`h${i}`, () => fill(m.bars.high[i]));
    },
    get l() {
      return cached(`l${i}`, () => fill(m.bars.low[i]));
    },
    v: m.bars.volume[i],
    val: m.bars.value[i],
    mcap: m.bars.mcap[i],
    shr: m.bars.shares[i],
    bench: m.index[m.instruments[i].benchmark],
    series: (key, make) => cached(`${i}|${key}`, make),
  };
}

function cached(key: string, make: () => Float64Array): Float64Array {
  let s = CACHE.get(key);
  if (!s) CACHE.set(key, s = make());
  return s;
}

interface Streaming {
  add(input: unknown): unknown;
  getResult(): unknown;
}

/** A trading-signals indicator fed bar by bar from the first bar; `pick` maps its result. */
function ts(
  r: Ref,
  key: string,
  make: () => unknown,
  input: (j: number) => unknown,
  pick: (res: unknown, ind: Streaming, j: number) => number | null = (x) => x as number | null,
): number {
  const s = r.series(key, () => {
    const ind = make() as Streaming;
    const out = new Float64Array(r.c.length).fill(NaN);
    for (let j = r.start; j < r.c.length && r.c[j] === r.c[j]; j++) {
      ind.add(input(j));
      const res = ind.getResult();
      const v = res === null || res === undefined ? null : pick(res, ind, j);
      out[j] = v === null || !Number.isFinite(v) ? NaN : v;
    }
    return out;
  });
  return s[r.t];
}

const close = (r: Ref) => (j: number) => r.c[j];
const hlc = (r: Ref) => (j: number) => ({ high: r.h[j], low: r.l[j], close: r.c[j] });
const hlcv = (r: Ref) => (j: number) => ({ ...hlc(r)(j), volume: r.v[j] });
const ohlc = (r: Ref) => (j: number) => ({
  ...hlc(r)(j),
  open: r.o[j] === r.o[j] ? r.o[j] : r.c[j],
});
const bars = (r: Ref) => r.t - r.start + 1;
const NaNunless = (ok: boolean, v: number) => (ok ? v : NaN);

const tsSma = (r: Ref, p: number) =>
  ts(r, `sma${p}`, () => new TS.SMA(p), close(r), (x) => x as number);
const tsSmaAt = (r: Ref, p: number, t: number) =>
  ts({ ...r, t }, `sma${p}`, () => new TS.SMA(p), close(r));
const tsEma = (r: Ref, p: number) => ts(r, `ema${p}`, () => new TS.EMA(p), close(r));
const tsSmaOf = (r: Ref, x: Series, tag: string, p: number) =>
  ts(r, `sma${tag}${p}`, () => new TS.SMA(p), (j) => x[j]);
const macd = (r: Ref, k: "macd" | "signal" | "histogram") =>
  ts(
    r,
    `macd_${k}`,
    () => new TS.MACD(new TS.EMA(12), new TS.EMA(26), new TS.EMA(9)),
    close(r),
    (x) => (x as Record<string, number>)[k],
  );
const stochTs = (r: Ref, k: number, s: number, d: number, f: "stochK" | "stochD") =>
  ts(
    r,
    `stoch${k}${s}${d}${f}`,
    () => new TS.StochasticOscillator({ kPeriod: k, kSlowingPeriod: s, dPeriod: d }),
    hlc(r),
    (x) => (x as Record<string, number>)[f],
  );
const adx = (r: Ref, f: "adx" | "pdi" | "mdi") =>
  f === "adx"
    ? ts(r, "adx", () => new TS.ADX(14), hlc(r))
    : ts(r, `dx_${f}`, () => new TS.DX(14), hlc(r), (_x, ind) => {
      const a = ind as unknown as { pdi: number; mdi: number };
      return (f === "pdi" ? a.pdi : a.mdi) * 100;
    });
const aroon = (r: Ref, f: "aroonUp" | "aroonDown") =>
  ts(r, `aroon${f}`, () => new TS.Aroon(25), hlc(r), (x) => (x as Record<string, number>)[f]);

// plain computations ---------------------------------------------------------------

const retN = (r: Ref, p: number) =>
  NaNunless(r.t - p >= r.start, (r.c[r.t] / r.c[r.t - p] - 1) * 100);
const dailyReturns = (x: Series, from: number, to: number) => {
  const out: number[] = [];
  for (let j = from; j <= to; j++) out.push(x[j] / x[j - 1] - 1);
  return out;
};
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const sampleSd = (a: number[]) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
};
const win = (x: ArrayLike<number>, r: Ref, p: number) =>
  Array.from({ length: p }, (_, k) => x[r.t - p + 1 + k]);
const enough = (r: Ref, p: number) => r.t - p + 1 >= r.start;
const volPct = (r: Ref, p: number) =>
  NaNunless(
    r.t - p >= r.start,
    sampleSd(dailyReturns(r.c, r.t - p + 1, r.t)) * Math.sqrt(250) * 100,
  );
function betaCorrRef(r: Ref, p: number): [number, number] {
  if (r.t - p < r.start) return [NaN, NaN];
  const a = dailyReturns(r.c, r.t - p + 1, r.t), b = dailyReturns(r.bench, r.t - p + 1, r.t);
  const ma = mean(a), mb = mean(b);
  let cov = 0, va = 0, vb = 0;
  for (let k = 0; k < p; k++) {
    cov += (a[k] - ma) * (b[k] - mb);
    va += (a[k] - ma) ** 2;
    vb += (b[k] - mb) ** 2;
  }
  return [cov / vb, cov / Math.sqrt(va * vb)];
}
function mdd(r: Ref, p: number): number {
  if (!enough(r, p)) return NaN;
  let worst = 0;
  for (let j = r.t - p + 1; j <= r.t; j++) {
    let peak = 0;
    for (let k = r.t - p + 1; k <= j; k++) peak = Math.max(peak, r.c[k]);
    worst = Math.min(worst, r.c[j] / peak - 1);
  }
  return worst * 100;
}
const availN = (r: Ref, p: number) => Math.min(p, bars(r));
const hi = (r: Ref, p: number) => Math.max(...win(r.h, r, availN(r, p)));
const lo = (r: Ref, p: number) => Math.min(...win(r.l, r, availN(r, p)));
function lastIndexOf(r: Ref, x: ArrayLike<number>, p: number, v: number): number {
  let at = -1;
  for (let j = r.t - availN(r, p) + 1; j <= r.t; j++) if (x[j] === v) at = j;
  return at;
}
const flowSum = (r: Ref, k: InvestorKey, p: number) => {
  const s = r.m.flows![k]![r.i];
  return enough(r, p) ? (win(s, r, p).reduce((a, b) => a + b, 0) / r.mcap[r.t]) * 100 : NaN;
};
function streakRef(r: Ref, k: InvestorKey): number {
  const s = r.m.flows![k]![r.i];
  const v = s[r.t];
  if (v === 0) return 0;
  let n = 0;
  for (let j = r.t; j >= r.start && s[j] !== 0 && Math.sign(s[j]) === Math.sign(v); j--) n++;
  return Math.sign(v) * n;
}
function listingIdx(r: Ref): number {
  const d = r.m.instruments[r.i].listing_date!;
  if (d < r.m.dates[0]) return -1;
  const j = r.m.dates.findIndex((x) => x >= d);
  return j <= r.t ? j : -1;
}

// fundamentals, computed from the raw filings in the plainest way ----------------------

/** The latest public version of each report on the day. */
function publicReports(r: Ref): Map<string, Filing> {
  const day = r.m.dates[r.t];
  const out = new Map<string, Filing>();
  const list = r.m.filings[r.i].filter((f) => f.rcept_dt <= day)
    .sort((a, b) => a.rcept_dt.localeCompare(b.rcept_dt));
  for (const f of list) out.set(`${f.fiscal_year}-${f.quarter}`, f);
  return out;
}
function latestReport(r: Ref): { y: number; q: number } | null {
  let best: { y: number; q: number } | null = null;
  for (const f of publicReports(r).values()) {
    if (!best || f.fiscal_year * 4 + f.quarter > best.y * 4 + best.q) {
      best = { y: f.fiscal_year, q: f.quarter };
    }
  }
  if (best) {
    const end = publicReports(r).get(`${best.y}-${best.q}`)!.period_end;
    const age = (Date.parse(r.m.dates[r.t]) - Date.parse(end)) / 86_400_000;
    if (age > 500) return null;
  }
  return best;
}
type Flow =
  | "revenue"
  | "gross_profit"
  | "operating_income"
  | "net_income"
  | "cfo"
  | "capex"
  | "depreciation"
  | "interest_expense";
type Bal =
  | "total_assets"
  | "total_liabilities"
  | "total_equity"
  | "current_assets"
  | "current_liabilities"
  | "cash"
  | "debt"
  | "capital_stock"
  | "retained_earnings"
  | "shares";
const back = (y: number, q: number, k: number) => {
  let n = y * 4 + q - 1 - k;
  const yy = Math.floor(n / 4);
  n -= yy * 4;
  return { y: yy, q: n + 1 };
};
function ytd(r: Ref, y: number, q: number, f: Flow | Bal): number {
  const v = publicReports(r).get(`${y}-${q}`)?.[f];
  return v === null || v === undefined ? NaN : v;
}
function quarterly(r: Ref, y: number, q: number, f: Flow): number {
  return q === 1 ? ytd(r, y, 1, f) : ytd(r, y, q, f) - ytd(r, y, q - 1, f);
}
/** Sum of the four quarters ending `yearsBack` years before the latest report. */
function ttmRef(r: Ref, f: Flow, yearsBack = 0): number {
  const L = latestReport(r);
  if (!L) return NaN;
  const e = back(L.y, L.q, 4 * yearsBack);
  if (e.q === 4) return ytd(r, e.y, 4, f); // four quarters ending at a fiscal year end
  let s = 0;
  for (let k = 0; k < 4; k++) {
    const p = back(e.y, e.q, k);
    s += quarterly(r, p.y, p.q, f);
  }
  return s;
}
function qRef(r: Ref, f: Flow, lag: number): number {
  const L = latestReport(r);
  if (!L) return NaN;
  const p = back(L.y, L.q, lag);
  return quarterly(r, p.y, p.q, f);
}
function balRef(r: Ref, f: Bal, yearsBack = 0): number {
  const L = latestReport(r);
  return L ? ytd(r, L.y - yearsBack, L.q, f) : NaN;
}
function annualRef(r: Ref, yearsBack = 0): Filing | undefined {
  const L = latestReport(r);
  if (!L) return undefined;
  const y = (L.q === 4 ? L.y : L.y - 1) - yearsBack;
  return publicReports(r).get(`${y}-4`);
}
const sharesRef = (r: Ref, yearsBack = 0) => {
  const s = balRef(r, "shares", yearsBack);
  return s > 0 ? s : r.shr[r.t];
};
const div = (a: number, b: number) => (b > 0 ? a / b : NaN);
const pctDiv = (a: number, b: number) => (b > 0 ? (a / b) * 100 : NaN);
const gr = (a: number, b: number) => (b > 0 ? (a / b - 1) * 100 : NaN);
const cagr3 = (a: number, b: number) => (a > 0 && b > 0 ? (Math.pow(a / b, 1 / 3) - 1) * 100 : NaN);
const evRef = (r: Ref) => r.mcap[r.t] + balRef(r, "debt") - balRef(r, "cash");
const ebitdaRef = (r: Ref, y = 0) =>
  ttmRef(r, "operating_income", y) + ttmRef(r, "depreciation", y);
const epsRef = (r: Ref, y = 0) => ttmRef(r, "net_income", y) / sharesRef(r, y);
const dpsRef = (r: Ref, y = 0) => annualRef(r, y)?.dps ?? NaN;

function piotroskiRef(r: Ref): number {
  const ni = ttmRef(r, "net_income"), ni1 = ttmRef(r, "net_income", 1), cfo = ttmRef(r, "cfo");
  const ta = balRef(r, "total_assets"), ta1 = balRef(r, "total_assets", 1);
  const ltl = (y: number) =>
    (balRef(r, "total_liabilities", y) - balRef(r, "current_liabilities", y)) /
    balRef(r, "total_assets", y);
  const cr = (y: number) => balRef(r, "current_assets", y) / balRef(r, "current_liabilities", y);
  const rev = ttmRef(r, "revenue"), rev1 = ttmRef(r, "revenue", 1);
  const gp = ttmRef(r, "gross_profit"), gp1 = ttmRef(r, "gross_profit", 1);
  const cap = balRef(r, "capital_stock"), cap1 = balRef(r, "capital_stock", 1);
  const all = [ni, ni1, cfo, ta, ta1, ltl(0), ltl(1), cr(0), cr(1), rev, rev1, gp, gp1, cap, cap1];
  if (all.some(Number.isNaN)) return NaN;
  return [
    ni / ta > 0,
    cfo > 0,
    ni / ta > ni1 / ta1,
    cfo > ni,
    ltl(0) < ltl(1),
    cr(0) > cr(1),
    cap <= cap1,
    gp / rev > gp1 / rev1,
    rev / ta > rev1 / ta1,
  ].filter((b) => b).length;
}

type RefFn = (r: Ref) => number;

const REF: Record<string, RefFn> = {
  // returns
  ...Object.fromEntries(
    ([["1d", 1], ["1w", 5], ["2w", 10], ["1m", 20], ["3m", 60], ["6m", 120], ["1y", 250], [
      "2y",
      500,
    ], ["3y", 750]] as const).map(([id, p]) => [`ret_${id}`, (r: Ref) => retN(r, p)]),
  ),
  ret_ytd: (r) => {
    const year = r.m.dates[r.t].slice(0, 4);
    let j = r.t;
    while (j >= 0 && r.m.dates[j].slice(0, 4) === year) j--;
    return j < r.start ? NaN : (r.c[r.t] / r.c[j] - 1) * 100;
  },
  ret_since_listing: (r) => (r.c[r.t] / r.c[r.start] - 1) * 100,
  mom_12_1: (r) => NaNunless(r.t - 250 >= r.start, (r.c[r.t - 20] / r.c[r.t - 250] - 1) * 100),
  ...Object.fromEntries(
    ([["1m", 20], ["3m", 60], ["6m", 120], ["1y", 250]] as const).map((
      [id, p],
    ) => [
      `xret_${id}`,
      (r: Ref) =>
        NaNunless(
          r.t - p >= r.start,
          retN(r, p) - (r.bench[r.t] / r.bench[r.t - p] - 1) * 100,
        ),
    ]),
  ),
  gap_open: (r) => NaNunless(r.t > r.start, (r.o[r.t] / r.c[r.t - 1] - 1) * 100),
  // moving averages
  ...Object.fromEntries([5, 10, 20, 60, 120, 200].flatMap((p) => [
    [`sma_${p}`, (r: Ref) => tsSma(r, p)],
    [`ema_${p}`, (r: Ref) => tsEma(r, p)],
    [`dist_sma_${p}`, (r: Ref) => (r.c[r.t] / tsSma(r, p) - 1) * 100],
    [`dist_ema_${p}`, (r: Ref) => (r.c[r.t] / tsEma(r, p) - 1) * 100],
  ])),
  wma_20: (r) => ts(r, "wma20", () => new TS.WMA(20), close(r)),
  dema_20: (r) => ts(r, "dema20", () => new TS.DEMA(20), close(r)),
  tema_20: (r) => ts(r, "tema20", () => new TS.TEMA(20), close(r)),
  hma_20: (r) => ts(r, "hma20", () => new TS.HMA(20), close(r)),
  vwma_20: (r) => ts(r, "vwma20", () => new TS.VWMA(20), hlcv(r)),
  ...Object.fromEntries(
    ([[5, 20], [20, 60], [60, 120], [120, 200]] as const).map((
      [a, b],
    ) => [`ma_gap_${a}_${b}`, (r: Ref) => (tsSma(r, a) / tsSma(r, b) - 1) * 100]),
  ),
  sma_20_slope: (r) => (tsSma(r, 20) / tsSmaAt(r, 20, r.t - 5) - 1) * 100,
  sma_60_slope: (r) => (tsSma(r, 60) / tsSmaAt(r, 60, r.t - 20) - 1) * 100,
  ma_aligned: (r) => {
    const [a, b, c, d] = [5, 20, 60, 120].map((p) => tsSma(r, p));
    return Number.isNaN(d) ? NaN : a > b && b > c && c > d ? 1 : 0;
  },
  ma_reversed: (r) => {
    const [a, b, c, d] = [5, 20, 60, 120].map((p) => tsSma(r, p));
    return Number.isNaN(d) ? NaN : a < b && b < c && c < d ? 1 : 0;
  },
  linreg_slope_20: (r) =>
    ts(
      r,
      "linreg20",
      () => new TS.LinearRegression(20),
      close(r),
      (x, _i, j) => ((x as { slope: number }).slope / r.c[j]) * 100,
    ),
  // oscillators
  ...Object.fromEntries(
    [6, 9, 14, 25].map((
      p,
    ) => [`rsi_${p}`, (r: Ref) => ts(r, `rsi${p}`, () => new TS.RSI(p), close(r))]),
  ),
  stoch_k_14: (r) => stochTs(r, 14, 3, 1, "stochK"),
  stoch_d_14: (r) => stochTs(r, 14, 3, 3, "stochD"),
  stoch_k_5: (r) => stochTs(r, 5, 3, 1, "stochK"),
  stoch_d_5: (r) => stochTs(r, 5, 3, 3, "stochD"),
  stoch_fast_k_14: (r) => stochTs(r, 14, 1, 1, "stochK"),
  macd_line: (r) => macd(r, "macd"),
  macd_signal: (r) => NaNunless(bars(r) >= 34, macd(r, "signal")),
  macd_hist: (r) => NaNunless(bars(r) >= 34, macd(r, "histogram")),
  macd_hist_pct: (r) => NaNunless(bars(r) >= 34, (macd(r, "histogram") / r.c[r.t]) * 100),
  ppo: (r) => ts(r, "ppo", () => new TS.PPO({ fastPeriod: 12, slowPeriod: 26 }), close(r)),
  cci_14: (r) => ts(r, "cci14", () => new TS.CCI(14), hlc(r)),
  cci_20: (r) => ts(r, "cci20", () => new TS.CCI(20), hlc(r)),
  willr_14: (r) => ts(r, "willr14", () => new TS.WilliamsR(14), hlc(r)),
  roc_10: (r) => ts(r, "roc10", () => new TS.ROC(10), close(r), (x) => (x as number) * 100),
  roc_20: (r) => ts(r, "roc20", () => new TS.ROC(20), close(r), (x) => (x as number) * 100),
  cmo_14: (r) => ts(r, "cmo14", () => new TS.CMO(14), close(r)),
  trix_15: (r) => ts(r, "trix15", () => new TS.TRIX(15), close(r)),
  stochrsi_14: (r) =>
    ts(r, "stochrsi14", () => new TS.StochasticRSI(14), close(r), (x) => {
      const v = x as number;
      return v === 100 ? null : v * 100; // trading-signals answers 100 for a flat RSI window
    }),
  ultosc: (r) => ts(r, "ultosc", () => new TS.UltimateOscillator(), hlc(r)),
  tsi: (r) => ts(r, "tsi", () => new TS.TSI(), close(r)),
  mfi_14: (r) => ts(r, "mfi14", () => new TS.MFI(14), hlcv(r)),
  adx_14: (r) => adx(r, "adx"),
  pdi_14: (r) => adx(r, "pdi"),
  mdi_14: (r) => adx(r, "mdi"),
  aroon_up_25: (r) => aroon(r, "aroonUp"),
  aroon_down_25: (r) => aroon(r, "aroonDown"),
  aroon_osc_25: (r) => aroon(r, "aroonUp") - aroon(r, "aroonDown"),
  psl_12: (r) => ts(r, "psl12", () => new TS.PSL({ interval: 12 }), close(r)),
  ibs: (r) => ts(r, "ibs", () => new TS.IBS(), hlc(r)),
  bop: (r) => ts(r, "bop", () => new TS.BOP(), ohlc(r)),
  er_10: (r) => ts(r, "er10", () => new TS.ER(10), hlc(r)),
  // volatility
  vol_20: (r) => volPct(r, 20),
  vol_60: (r) => volPct(r, 60),
  vol_120: (r) => volPct(r, 120),
  vol_250: (r) => volPct(r, 250),
  downside_vol_60: (r) => {
    if (r.t - 60 < r.start) return NaN;
    const d = dailyReturns(r.c, r.t - 59, r.t).map((x) => Math.min(x, 0) ** 2);
    return Math.sqrt(mean(d)) * Math.sqrt(250) * 100;
  },
  atr_14: (r) => ts(r, "atr14", () => new TS.ATR(14), hlc(r)),
  atr_20: (r) => ts(r, "atr20", () => new TS.ATR(20), hlc(r)),
  atr_pct_14: (r) => ts(r, "natr14", () => new TS.NATR(14), hlc(r)),
  atr_pct_20: (r) => ts(r, "natr20", () => new TS.NATR(20), hlc(r)),
  bb_pctb_20: (r) =>
    ts(r, "pctb", () => new TS.PercentB({ interval: 20, deviationMultiplier: 2 }), close(r)),
  bb_width_20: (r) =>
    ts(
      r,
      "bbw",
      () => new TS.BollingerBandsWidth(new TS.BollingerBands(20, 2)),
      close(r),
      (x) => (x as number) * 100,
    ),
  beta_60: (r) => betaCorrRef(r, 60)[0],
  beta_250: (r) => betaCorrRef(r, 250)[0],
  corr_60: (r) => betaCorrRef(r, 60)[1],
  corr_250: (r) => betaCorrRef(r, 250)[1],
  mdd_1y: (r) => mdd(r, 250),
  mdd_3m: (r) => mdd(r, 60),
  ulcer_14: (r) => ts(r, "ui14", () => new TS.UlcerIndex(14), close(r)),
  chop_14: (r) => ts(r, "chop14", () => new TS.CHOP(14), hlc(r)),
  parkinson_20: (r) => {
    if (!enough(r, 20)) return NaN;
    const s = win(r.h, r, 20).map((h, k) => Math.log(h / win(r.l, r, 20)[k]) ** 2);
    return Math.sqrt(s.reduce((a, b) => a + b, 0) / (4 * Math.LN2 * 20)) * Math.sqrt(250) * 100;
  },
  range_pct_20: (r) =>
    enough(r, 20)
      ? mean(win(r.h, r, 20).map((h, k) => (h - win(r.l, r, 20)[k]) / win(r.c, r, 20)[k])) * 100
      : NaN,
  dc_width_20: (r) =>
    ts(r, "dc20", () => new TS.DonchianChannels(20), hlc(r), (x, _i, j) => {
      const d = x as { upper: number; lower: number };
      return ((d.upper - d.lower) / r.c[j]) * 100;
    }),
  // liquidity
  volume_avg_5: (r) => tsSmaOf(r, r.v, "v", 5),
  volume_avg_20: (r) => tsSmaOf(r, r.v, "v", 20),
  volume_avg_60: (r) => tsSmaOf(r, r.v, "v", 60),
  value_avg_5: (r) => tsSmaOf(r, r.val, "a", 5),
  value_avg_20: (r) => tsSmaOf(r, r.val, "a", 20),
  value_avg_60: (r) => tsSmaOf(r, r.val, "a", 60),
  volume_1d: (r) => r.v[r.t],
  value_1d: (r) => r.val[r.t],
  volume_ratio_1d_20: (r) => ts(r, "rvol20", () => new TS.RVOL(20), (j) => r.v[j]),
  volume_ratio_5_20: (r) => div(tsSmaOf(r, r.v, "v", 5), tsSmaOf(r, r.v, "v", 20)),
  volume_ratio_5_60: (r) => div(tsSmaOf(r, r.v, "v", 5), tsSmaOf(r, r.v, "v", 60)),
  turnover_1d: (r) => (r.v[r.t] / r.shr[r.t]) * 100,
  turnover_20: (r) =>
    enough(r, 20) ? mean(win(r.v, r, 20).map((v, k) => v / win(r.shr, r, 20)[k])) * 100 : NaN,
  amihud_20: (r) => {
    if (r.t - 20 < r.start) return NaN;
    const xs: number[] = [];
    for (let j = r.t - 19; j <= r.t; j++) {
      if (r.val[j] > 0) xs.push(Math.abs((r.c[j] / r.c[j - 1] - 1) * 100) / (r.val[j] / 1e8));
    }
    return xs.length ? mean(xs) : NaN;
  },
  zero_volume_days_60: (r) => (enough(r, 60) ? win(r.v, r, 60).filter((v) => v === 0).length : NaN),
  cmf_20: (r) => ts(r, "cmf20", () => new TS.CMF(20), hlcv(r)),
  pvo: (r) => ts(r, "pvo", () => new TS.PVO({ fastPeriod: 12, slowPeriod: 26 }), (j) => r.v[j]),
  vwap_dist_20: (r) => {
    if (!enough(r, 20)) return NaN;
    const v = win(r.v, r, 20).reduce((a, b) => a + b, 0);
    const a = win(r.val, r, 20).reduce((s, b) => s + b, 0);
    return v > 0 ? (r.c[r.t] / (a / v) - 1) * 100 : NaN;
  },
  vroc_14: (r) => ts(r, "vroc14", () => new TS.VROC(14), (j) => r.v[j]),
  // 52 weeks
  high_52w: (r) => hi(r, 250),
  low_52w: (r) => lo(r, 250),
  dist_high_52w: (r) => (r.c[r.t] / hi(r, 250) - 1) * 100,
  dist_low_52w: (r) => (r.c[r.t] / lo(r, 250) - 1) * 100,
  dist_high_26w: (r) => (r.c[r.t] / hi(r, 125) - 1) * 100,
  dist_low_26w: (r) => (r.c[r.t] / lo(r, 125) - 1) * 100,
  dist_high_13w: (r) => (r.c[r.t] / hi(r, 65) - 1) * 100,
  dist_low_13w: (r) => (r.c[r.t] / lo(r, 65) - 1) * 100,
  pos_52w: (r) => {
    const h = hi(r, 250), l = lo(r, 250);
    return h > l ? ((r.c[r.t] - l) / (h - l)) * 100 : NaN;
  },
  days_since_high_52w: (r) => r.t - lastIndexOf(r, r.h, 250, hi(r, 250)),
  days_since_low_52w: (r) => r.t - lastIndexOf(r, r.l, 250, lo(r, 250)),
  dist_ath: (r) => (r.c[r.t] / hi(r, 1e9) - 1) * 100,
  new_high_52w: (r) => (r.h[r.t] >= hi(r, 250) ? 1 : 0),
  // valuation
  per: (r) => div(r.mcap[r.t], ttmRef(r, "net_income")),
  pbr: (r) => div(r.mcap[r.t], balRef(r, "total_equity")),
  psr: (r) => div(r.mcap[r.t], ttmRef(r, "revenue")),
  pcr: (r) => div(r.mcap[r.t], ttmRef(r, "cfo")),
  pfcr: (r) => div(r.mcap[r.t], ttmRef(r, "cfo") - ttmRef(r, "capex")),
  ev: (r) => evRef(r),
  ev_ebitda: (r) => div(evRef(r), ebitdaRef(r)),
  ev_ebit: (r) => div(evRef(r), ttmRef(r, "operating_income")),
  ev_sales: (r) => div(evRef(r), ttmRef(r, "revenue")),
  earnings_yield: (r) => pctDiv(ttmRef(r, "net_income"), r.mcap[r.t]),
  book_yield: (r) => pctDiv(balRef(r, "total_equity"), r.mcap[r.t]),
  sales_yield: (r) => pctDiv(ttmRef(r, "revenue"), r.mcap[r.t]),
  cf_yield: (r) => pctDiv(ttmRef(r, "cfo"), r.mcap[r.t]),
  fcf_yield: (r) => pctDiv(ttmRef(r, "cfo") - ttmRef(r, "capex"), r.mcap[r.t]),
  dividend_yield: (r) => pctDiv(dpsRef(r), r.c[r.t]),
  eps: (r) => epsRef(r),
  bps: (r) => balRef(r, "total_equity") / sharesRef(r),
  sps: (r) => ttmRef(r, "revenue") / sharesRef(r),
  cfps: (r) => ttmRef(r, "cfo") / sharesRef(r),
  dps: (r) => dpsRef(r),
  payout_ratio: (r) => annualRef(r)?.payout_ratio ?? NaN,
  peg: (r) => {
    const g = gr(epsRef(r), epsRef(r, 1));
    return g > 0 ? div(r.mcap[r.t], ttmRef(r, "net_income")) / g : NaN;
  },
  net_cash_to_mcap: (r) => pctDiv(balRef(r, "cash") - balRef(r, "debt"), r.mcap[r.t]),
  // profitability
  roe: (r) => pctDiv(ttmRef(r, "net_income"), balRef(r, "total_equity")),
  roa: (r) => pctDiv(ttmRef(r, "net_income"), balRef(r, "total_assets")),
  roic: (r) =>
    pctDiv(
      ttmRef(r, "operating_income") * 0.78,
      balRef(r, "total_equity") + balRef(r, "debt") - balRef(r, "cash"),
    ),
  gross_margin: (r) => pctDiv(ttmRef(r, "gross_profit"), ttmRef(r, "revenue")),
  op_margin: (r) => pctDiv(ttmRef(r, "operating_income"), ttmRef(r, "revenue")),
  net_margin: (r) => pctDiv(ttmRef(r, "net_income"), ttmRef(r, "revenue")),
  ebitda_margin: (r) => pctDiv(ebitdaRef(r), ttmRef(r, "revenue")),
  cfo_margin: (r) => pctDiv(ttmRef(r, "cfo"), ttmRef(r, "revenue")),
  cfo_to_ni: (r) => div(ttmRef(r, "cfo"), ttmRef(r, "net_income")),
  asset_turnover: (r) => div(ttmRef(r, "revenue"), balRef(r, "total_assets")),
  gp_to_assets: (r) => pctDiv(ttmRef(r, "gross_profit"), balRef(r, "total_assets")),
  accruals: (r) => pctDiv(ttmRef(r, "net_income") - ttmRef(r, "cfo"), balRef(r, "total_assets")),
  op_margin_q: (r) => pctDiv(qRef(r, "operating_income", 0), qRef(r, "revenue", 0)),
  roe_annual: (r) => {
    const a = annualRef(r);
    return a ? pctDiv(a.net_income ?? NaN, a.total_equity ?? NaN) : NaN;
  },
  // growth
  ...Object.fromEntries(
    ([["rev", "revenue"], ["op", "operating_income"], ["ni", "net_income"]] as const).flatMap((
      [id, f],
    ) => [
      [`${id}_yoy`, (r: Ref) => gr(qRef(r, f, 0), qRef(r, f, 4))],
      [`${id}_qoq`, (r: Ref) => gr(qRef(r, f, 0), qRef(r, f, 1))],
      [`${id}_ttm_yoy`, (r: Ref) => gr(ttmRef(r, f), ttmRef(r, f, 1))],
      [`${id}_cagr_3y`, (r: Ref) => cagr3(ttmRef(r, f), ttmRef(r, f, 3))],
    ]),
  ),
  eps_yoy: (r) =>
    gr(qRef(r, "net_income", 0) / sharesRef(r), qRef(r, "net_income", 4) / sharesRef(r, 1)),
  eps_qoq: (r) =>
    gr(qRef(r, "net_income", 0) / sharesRef(r), qRef(r, "net_income", 1) / sharesRef(r)),
  eps_ttm_yoy: (r) => gr(epsRef(r), epsRef(r, 1)),
  eps_cagr_3y: (r) => cagr3(epsRef(r), epsRef(r, 3)),
  equity_yoy: (r) => gr(balRef(r, "total_equity"), balRef(r, "total_equity", 1)),
  assets_yoy: (r) => gr(balRef(r, "total_assets"), balRef(r, "total_assets", 1)),
  dps_yoy: (r) => gr(dpsRef(r), dpsRef(r, 1)),
  op_margin_chg: (r) =>
    pctDiv(ttmRef(r, "operating_income"), ttmRef(r, "revenue")) -
    pctDiv(ttmRef(r, "operating_income", 1), ttmRef(r, "revenue", 1)),
  cfo_ttm_yoy: (r) => gr(ttmRef(r, "cfo"), ttmRef(r, "cfo", 1)),
  gp_ttm_yoy: (r) => gr(ttmRef(r, "gross_profit"), ttmRef(r, "gross_profit", 1)),
  // stability
  debt_ratio: (r) => pctDiv(balRef(r, "total_liabilities"), balRef(r, "total_equity")),
  current_ratio: (r) => pctDiv(balRef(r, "current_assets"), balRef(r, "current_liabilities")),
  interest_coverage: (r) => div(ttmRef(r, "operating_income"), ttmRef(r, "interest_expense")),
  equity_ratio: (r) => pctDiv(balRef(r, "total_equity"), balRef(r, "total_assets")),
  net_debt_to_equity: (r) =>
    pctDiv(balRef(r, "debt") - balRef(r, "cash"), balRef(r, "total_equity")),
  debt_to_assets: (r) => pctDiv(balRef(r, "debt"), balRef(r, "total_assets")),
  net_debt_to_ebitda: (r) => div(balRef(r, "debt") - balRef(r, "cash"), ebitdaRef(r)),
  cash_ratio: (r) => pctDiv(balRef(r, "cash"), balRef(r, "current_liabilities")),
  retained_to_capital: (r) => pctDiv(balRef(r, "retained_earnings"), balRef(r, "capital_stock")),
  altman_z: (r) => {
    const ta = balRef(r, "total_assets"), tl = balRef(r, "total_liabilities");
    if (!(ta > 0 && tl > 0)) return NaN;
    return 1.2 * (balRef(r, "current_assets") - balRef(r, "current_liabilities")) / ta +
      1.4 * balRef(r, "retained_earnings") / ta + 3.3 * ttmRef(r, "operating_income") / ta +
      0.6 * r.mcap[r.t] / tl + ttmRef(r, "revenue") / ta;
  },
  piotroski_f: piotroskiRef,
  wc_to_assets: (r) =>
    pctDiv(
      balRef(r, "current_assets") - balRef(r, "current_liabilities"),
      balRef(r, "total_assets"),
    ),
  // flows
  ...Object.fromEntries(
    INVESTOR_KEYS.flatMap((k) =>
      [5, 20, 60].map((p) => [`net_${k}_${p}`, (r: Ref) => flowSum(r, k, p)])
    ),
  ),
  foreign_pct: (r) => r.m.foreign_pct![r.i][r.t],
  foreign_pct_chg_20: (r) =>
    NaNunless(r.t - 20 >= r.start, r.m.foreign_pct![r.i][r.t] - r.m.foreign_pct![r.i][r.t - 20]),
  foreign_limit_pct: (r) => r.m.foreign_limit_pct![r.i][r.t],
  foreign_streak: (r) => streakRef(r, "foreign"),
  institution_streak: (r) => streakRef(r, "institution"),
  // size
  mcap: (r) => r.mcap[r.t],
  price: (r) => r.c[r.t],
  shares: (r) => r.shr[r.t],
  float_ratio: (r) => (r.m.instruments[r.i].float_ratio ?? NaN) * 100,
  float_shares: (r) => r.shr[r.t] * (r.m.instruments[r.i].float_ratio ?? NaN),
  float_mcap: (r) => r.mcap[r.t] * (r.m.instruments[r.i].float_ratio ?? NaN),
  // ipo
  days_since_listing: (r) =>
    (Date.parse(r.m.dates[r.t]) - Date.parse(r.m.instruments[r.i].listing_date!)) / 86_400_000,
  tdays_since_listing: (r) => {
    const j = listingIdx(r);
    return j < 0 ? NaN : r.t - j;
  },
  ret_since_offer: (r) => (r.c[r.t] / (r.m.instruments[r.i].offer_price ?? NaN) - 1) * 100,
  ret_since_first_open: (r) => {
    const j = listingIdx(r);
    return j < 0 ? NaN : (r.c[r.t] / r.o[j] - 1) * 100;
  },
  ret_since_first_close: (r) => {
    const j = listingIdx(r);
    return j < 0 ? NaN : (r.c[r.t] / r.c[j] - 1) * 100;
  },
  first_day_return: (r) => {
    const j = listingIdx(r);
    return j < 0 ? NaN : (r.c[j] / (r.m.instruments[r.i].offer_price ?? NaN) - 1) * 100;
  },
};

function same(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

Deno.test("registry × references: every indicator equals trading-signals or a plain computation, on every sampled day", async () => {
  assert.deepEqual(
    Object.keys(REF).sort(),
    [...INDICATOR_IDS].sort(),
    "one reference per indicator",
  );
  const m = syntheticMarket({ instruments: 48, days: 820, seed: 5 });
  const ipos = m.instruments.filter((x) => x.offer_price !== null).length;
  assert.ok(ipos >= 2, `the test market needs IPOs (has ${ipos})`);
  assert.ok(
    m.bars.open.some((o, i) =>
      o.some((v, j) => v !== v && m.bars.close[i][j] === m.bars.close[i][j])
    ),
    "and halted days",
  );
  // every day computed in order (the kernels advance one bar per day), a sample kept
  const sample = new Set([
    0,
    1,
    2,
    4,
    5,
    13,
    14,
    15,
    17,
    19,
    20,
    22,
    25,
    26,
    27,
    28,
    33,
    34,
    37,
    38,
    43,
    44,
    58,
    60,
    61,
    80,
    119,
    120,
    121,
    199,
    200,
    250,
    251,
    260,
    330,
    400,
    470,
    500,
    501,
    560,
    640,
    700,
    750,
    751,
    780,
    819,
  ]);
  const mc = new MarketComputer(m);
  const mats = new Map<number, DayMatrix>();
  for (let t = 0; t < m.dates.length; t++) {
    const mat = mc.computeDay(t);
    if (sample.has(t)) mats.set(t, mat);
  }
  const finite = new Map<string, number>();
  const failures: string[] = [];
  for (const [t, mat] of mats) {
    for (let i = 0; i < m.instruments.length; i++) {
      const row = rowOf(mat, m.instruments[i].code);
      if (row < 0) continue;
      const r = refOf(m, i, t);
      for (const id of INDICATOR_IDS) {
        const got = column(mat, id)![row];
        const want = REF[id](r);
        if (!same(got, want)) {
          if (failures.filter((f) => f.startsWith(id + " ")).length < 2) {
            failures.push(
              `${id} ${m.instruments[i].code} t=${t} (bar ${
                t - r.start + 1
              }): got ${got}, want ${want}`,
            );
          }
        } else if (Number.isFinite(got)) finite.set(id, (finite.get(id) ?? 0) + 1);
      }
    }
  }
  assert.deepEqual(failures, [], failures.join("\n"));
  const never = INDICATOR_IDS.filter((id) => !finite.get(id));
  assert.deepEqual(never, [], "indicators that never had a value in the test market");
  await Promise.resolve();
});

// ---------------------------------------------------------------------------------------
// short histories

Deno.test("short histories: a price indicator is null on bar lookback − 1 and has a value on bar lookback", () => {
  const m = syntheticMarket({ instruments: 12, days: 800, seed: 9 });
  const i = m.instruments.findIndex((x, k) =>
    x.offer_price === null && !m.bars.close[k].some((v) => v !== v) &&
    !m.bars.volume[k].some((v) => v === 0)
  );
  assert.ok(i >= 0);
  const withLookback = INDICATORS.filter((d) => d.lookback !== undefined);
  assert.ok(withLookback.length >= 150);
  const fails: string[] = [];
  for (const d of withLookback) {
    const L = d.lookback!;
    // cut the history so that day t = 799 is bar L (and bar L − 1 on the previous day)
    const cut = cutHistory(m, i, 800 - L);
    const mc = new MarketComputer(cut, [d]);
    if (L > 1) {
      const before = mc.computeDay(798);
      const v = before.cols[0][rowOf(before, cut.instruments[i].code)];
      if (!Number.isNaN(v)) fails.push(`${d.id}: bar ${L - 1} has ${v}`);
    }
    const at = mc.computeDay(799);
    const w = at.cols[0][rowOf(at, cut.instruments[i].code)];
    if (!Number.isFinite(w)) fails.push(`${d.id}: bar ${L} has no value`);
  }
  assert.deepEqual(fails, []);
});

/** The market with instrument `i` starting (first close) at day `from`. */
function cutHistory(m: MarketInput, i: number, from: number): MarketInput {
  const bars = Object.fromEntries(
    Object.entries(m.bars).map(([k, list]) => [
      k,
      list.map((s, j) => {
        if (j !== i) return s;
        const c = s.slice();
        c.fill(NaN, 0, from);
        return c;
      }),
    ]),
  ) as MarketInput["bars"];
  return { ...m, bars };
}

Deno.test("no filings, no flows, no listing data: those indicators are null, price ones still compute", () => {
  const m = syntheticMarket({ instruments: 4, days: 300, seed: 3 });
  const bare: MarketInput = {
    ...m,
    filings: m.filings.map(() => []),
    flows: undefined,
    foreign_pct: undefined,
    foreign_limit_pct: undefined,
    instruments: m.instruments.map((x) => ({
      ...x,
      listing_date: null,
      offer_price: null,
      float_ratio: null,
    })),
  };
  const mat = new MarketComputer(bare).computeDay(299);
  for (const d of INDICATORS) {
    const col = column(mat, d.id)!;
    const needs = d.inputs.some((k) =>
      k === "filings" || k === "flows" || k === "foreign" || k === "listing"
    ) ||
      d.id.startsWith("float_");
    if (needs) {
      assert.ok(col.every(Number.isNaN), `${d.id} should be null without its inputs`);
    }
  }
  assert.ok(column(mat, "rsi_14")!.every(Number.isFinite));
});
