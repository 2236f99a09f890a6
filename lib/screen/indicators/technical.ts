/**
 * Price and volume indicators: returns, moving averages, oscillators, volatility, liquidity and
 * 52-week ranges. Periods are trading days (1W = 5, 1M = 20, 3M = 60, 6M = 120, 1Y = 250).
 *
 * @module
 */
import type { InstrumentCtx } from "../context.ts";
import {
  AdxKernel,
  argmax,
  argmin,
  AtrKernel,
  betaCorr,
  change,
  DemaKernel,
  downsideDev,
  EmaKernel,
  highLow,
  MacdKernel,
  max,
  maxDrawdown,
  min,
  PpoKernel,
  pstdev,
  returnStdev,
  RsiKernel,
  RunningMaxKernel,
  slope,
  sma,
  StochRsiKernel,
  sum,
  TripleEmaKernel,
  trueRange,
  TsiKernel,
  wma,
} from "../series.ts";
import type { InputKind } from "../types.ts";
import { ANNUAL, type Indicator, pct } from "./def.ts";

type X = InstrumentCtx;
const C: InputKind[] = ["close"];
const HLC: InputKind[] = ["high", "low", "close"];

// ---------------------------------------------------------------------------------------
// shared computations (memoized per instrument and day)

const smaC = (x: X, p: number) => x.memo(`sma${p}`, () => sma(x.close, x.start, x.t, p));
const emaC = (x: X, p: number) => x.kernel(`ema${p}`, () => new EmaKernel(p))[0];
const rsi = (x: X, p: number) => x.kernel(`rsi${p}`, () => new RsiKernel(p))[0];
const atr = (x: X, p: number) => x.kernel(`atr${p}`, () => new AtrKernel(p))[0];
const macd = (x: X) => x.kernel("macd", () => new MacdKernel(12, 26, 9));
const adx = (x: X) => x.kernel("adx14", () => new AdxKernel(14));
const triple = (x: X, p: number) => x.kernel(`tema${p}`, () => new TripleEmaKernel(p));

function ret(x: X, p: number): number {
  return pct(change(x.close, x.start, x.t, p));
}

function benchRet(x: X, p: number): number {
  const b = x.bench;
  if (!b || x.t - p < x.start) return NaN;
  return pct(b[x.t] / b[x.t - p] - 1);
}

/** Fast %K at `j` over `k` bars (trading-signals: a flat window divides by 1). */
function fastK(x: X, j: number, k: number): number {
  const hh = max(x.high, x.start, j, k);
  const ll = min(x.low, x.start, j, k);
  const d = hh - ll;
  return ((x.close[j] - ll) * 100) / (d === 0 ? 1 : d);
}

/** Slow %K (`k`, slowing `s`) and %D (`d`) at `t` (fast %K computed once per bar). */
function stoch(x: X, k: number, s: number, d: number): [number, number] {
  return x.memo(`stoch${k}_${s}_${d}`, () => {
    const span = s + d - 1; // fast %K values needed, ending at t
    const fk = new Float64Array(span);
    for (let q = 0; q < span; q++) {
      const j = x.t - span + 1 + q;
      fk[q] = j - k + 1 < x.start ? NaN : fastK(x, j, k);
    }
    const slowK = (end: number) => {
      let acc = 0;
      for (let q = end - s + 1; q <= end; q++) acc += fk[q];
      return acc / s;
    };
    const kk = slowK(span - 1);
    let dd = 0;
    for (let q = span - d; q < span; q++) dd += slowK(q);
    return [kk, dd / d];
  });
}

function cci(x: X, p: number): number {
  const from = x.t - p + 1;
  if (from < x.start) return NaN;
  const tp = (j: number) => (x.high[j] + x.low[j] + x.close[j]) / 3;
  let m = 0;
  for (let j = from; j <= x.t; j++) m += tp(j);
  m /= p;
  let mad = 0;
  for (let j = from; j <= x.t; j++) mad += Math.abs(tp(j) - m);
  mad /= p;
  return (tp(x.t) - m) / (0.015 * mad);
}

function willr(x: X, p: number): number {
  const hh = max(x.high, x.start, x.t, p);
  const ll = min(x.low, x.start, x.t, p);
  if (hh !== hh || ll !== ll) return NaN;
  return hh === ll ? -100 : ((hh - x.close[x.t]) / (hh - ll)) * -100;
}

function aroon(x: X, p: number): [number, number] {
  const n = p + 1;
  const hi = argmax(x.high, x.start, x.t, n);
  const lo = argmin(x.low, x.start, x.t, n);
  if (hi < 0 || lo < 0) return [NaN, NaN];
  return [(100 * (p - (x.t - hi))) / p, (100 * (p - (x.t - lo))) / p];
}

function bollinger(x: X, p: number, k: number): [number, number, number] {
  return x.memo(`bb${p}`, () => {
    const m = smaC(x, p);
    const sd = pstdev(x.close, x.start, x.t, p);
    return [m - k * sd, m, m + k * sd];
  });
}

/** Window length over the available history (52-week style figures). */
const avail = (x: X, p: number) => Math.min(p, x.bars);

// ---------------------------------------------------------------------------------------
// returns

const RET_PERIODS: [string, number, string, string][] = [
  ["1d", 1, "1일", "1 day"],
  ["1w", 5, "1주", "1 week"],
  ["2w", 10, "2주", "2 weeks"],
  ["1m", 20, "1개월", "1 month"],
  ["3m", 60, "3개월", "3 months"],
  ["6m", 120, "6개월", "6 months"],
  ["1y", 250, "1년", "1 year"],
  ["2y", 500, "2년", "2 years"],
  ["3y", 750, "3년", "3 years"],
];

const returns: Indicator[] = [
  ...RET_PERIODS.map(([id, p, ko, en]): Indicator => ({
    id: `ret_${id}`,
    name_ko: `${ko} 수익률`,
    name_en: `${en} return`,
    family: "returns",
    unit: "%",
    direction: "higher",
    formula: `(종가 / ${p}거래일 전 종가 − 1) × 100`,
    inputs: C,
    lookback: p + 1,
    compute: (x) => ret(x, p),
  })),
  {
    id: "ret_ytd",
    name_ko: "연초 대비 수익률",
    name_en: "Year-to-date return",
    family: "returns",
    unit: "%",
    direction: "higher",
    formula: "(종가 / 전년 마지막 거래일 종가 − 1) × 100; 올해 상장 종목은 값 없음",
    inputs: C,
    compute: (x) => {
      const j = x.axis.prevYearEnd[x.t];
      return j < x.start ? NaN : pct(x.close[x.t] / x.close[j] - 1);
    },
  },
  {
    id: "ret_since_listing",
    name_ko: "상장 이후 수익률",
    name_en: "Return since the first close",
    family: "returns",
    unit: "%",
    direction: "higher",
    formula: "(종가 / 자료 첫 거래일 종가 − 1) × 100",
    inputs: C,
    lookback: 1,
    compute: (x) => (x.bars < 1 ? NaN : pct(x.close[x.t] / x.close[x.start] - 1)),
  },
  {
    id: "mom_12_1",
    name_ko: "12-1개월 모멘텀",
    name_en: "12-1 month momentum",
    family: "returns",
    unit: "%",
    direction: "higher",
    formula: "(20거래일 전 종가 / 250거래일 전 종가 − 1) × 100 (최근 1개월 제외)",
    inputs: C,
    lookback: 251,
    compute: (x) => x.t - 250 < x.start ? NaN : pct(x.close[x.t - 20] / x.close[x.t - 250] - 1),
  },
  ...RET_PERIODS.filter(([id]) => ["1m", "3m", "6m", "1y"].includes(id)).map((
    [id, p, ko, en],
  ): Indicator => ({
    id: `xret_${id}`,
    name_ko: `${ko} 시장 대비 초과수익률`,
    name_en: `${en} return in excess of the market index`,
    family: "returns",
    unit: "%p",
    direction: "higher",
    formula: `${p}거래일 수익률 − 같은 기간 소속 시장 지수 수익률`,
    inputs: ["close", "index"],
    lookback: p + 1,
    compute: (x) => ret(x, p) - benchRet(x, p),
  })),
  {
    id: "gap_open",
    name_ko: "시가 갭",
    name_en: "Opening gap",
    family: "returns",
    unit: "%",
    direction: "neutral",
    formula: "(시가 / 전일 종가 − 1) × 100; 시가 없는 날(거래정지)은 값 없음",
    inputs: ["open", "close"],
    lookback: 2,
    compute: (x) => (x.t - 1 < x.start ? NaN : pct(x.open[x.t] / x.close[x.t - 1] - 1)),
  },
];

// ---------------------------------------------------------------------------------------
// moving averages

const MA_PERIODS = [5, 10, 20, 60, 120, 200];

const movingAverages: Indicator[] = [
  ...MA_PERIODS.map((p): Indicator => ({
    id: `sma_${p}`,
    name_ko: `${p}일 단순이동평균`,
    name_en: `${p}-day simple moving average`,
    family: "moving_average",
    unit: "원",
    direction: "neutral",
    formula: `최근 ${p}거래일 종가의 평균`,
    inputs: C,
    lookback: p,
    compute: (x) => smaC(x, p),
  })),
  ...MA_PERIODS.map((p): Indicator => ({
    id: `ema_${p}`,
    name_ko: `${p}일 지수이동평균`,
    name_en: `${p}-day exponential moving average`,
    family: "moving_average",
    unit: "원",
    direction: "neutral",
    formula:
      `EMA_t = 종가 × k + EMA_(t−1) × (1 − k), k = 2/(${p}+1), 첫 종가로 시작, ${p}개 이후 표시`,
    inputs: C,
    lookback: p,
    compute: (x) => emaC(x, p),
  })),
  ...MA_PERIODS.map((p): Indicator => ({
    id: `dist_sma_${p}`,
    name_ko: `${p}일 이동평균 이격률`,
    name_en: `Distance from the ${p}-day SMA`,
    family: "moving_average",
    unit: "%",
    direction: "neutral",
    formula: `(종가 / SMA${p} − 1) × 100 (이격도 − 100)`,
    inputs: C,
    lookback: p,
    compute: (x) => pct(x.close[x.t] / smaC(x, p) - 1),
  })),
  ...MA_PERIODS.map((p): Indicator => ({
    id: `dist_ema_${p}`,
    name_ko: `${p}일 지수이동평균 이격률`,
    name_en: `Distance from the ${p}-day EMA`,
    family: "moving_average",
    unit: "%",
    direction: "neutral",
    formula: `(종가 / EMA${p} − 1) × 100`,
    inputs: C,
    lookback: p,
    compute: (x) => pct(x.close[x.t] / emaC(x, p) - 1),
  })),
  {
    id: "wma_20",
    name_ko: "20일 가중이동평균",
    name_en: "20-day weighted moving average",
    family: "moving_average",
    unit: "원",
    direction: "neutral",
    formula: "Σ 종가_i × i / (20·21/2), i = 1(가장 오래된 날) … 20(당일)",
    inputs: C,
    lookback: 20,
    compute: (x) => wma(x.close, x.start, x.t, 20),
  },
  {
    id: "dema_20",
    name_ko: "20일 이중지수이동평균",
    name_en: "20-day double EMA",
    family: "moving_average",
    unit: "원",
    direction: "neutral",
    formula: "2 × EMA20 − EMA20(EMA20)",
    inputs: C,
    lookback: 20,
    compute: (x) => x.kernel("dema20", () => new DemaKernel(20))[0],
  },
  {
    id: "tema_20",
    name_ko: "20일 삼중지수이동평균",
    name_en: "20-day triple EMA",
    family: "moving_average",
    unit: "원",
    direction: "neutral",
    formula: "3·e1 − 3·e2 + e3 (e1 = EMA20(종가), e2 = EMA20(e1), e3 = EMA20(e2))",
    inputs: C,
    lookback: 58,
    compute: (x) => triple(x, 20)[0],
  },
  {
    id: "hma_20",
    name_ko: "20일 헐 이동평균",
    name_en: "20-day Hull moving average",
    family: "moving_average",
    unit: "원",
    direction: "neutral",
    formula: "WMA4(2 × WMA10 − WMA20)",
    inputs: C,
    lookback: 23,
    compute: (x) => {
      if (x.t - 3 - 19 < x.start) return NaN;
      let s = 0;
      for (let k = 0; k < 4; k++) {
        const j = x.t - 3 + k;
        s += (2 * wma(x.close, x.start, j, 10) - wma(x.close, x.start, j, 20)) * (k + 1);
      }
      return s / 10;
    },
  },
  {
    id: "vwma_20",
    name_ko: "20일 거래량가중이동평균",
    name_en: "20-day volume-weighted moving average",
    family: "moving_average",
    unit: "원",
    direction: "neutral",
    formula: "Σ(종가 × 거래량) / Σ 거래량 (20거래일); 거래량 합이 0이면 값 없음",
    inputs: ["close", "volume"],
    lookback: 20,
    compute: (x) => {
      if (x.t - 19 < x.start) return NaN;
      let pv = 0, v = 0;
      for (let j = x.t - 19; j <= x.t; j++) (pv += x.close[j] * x.volume[j], v += x.volume[j]);
      return v === 0 ? NaN : pv / v;
    },
  },
  ...([[5, 20], [20, 60], [60, 120], [120, 200]] as const).map(([a, b]): Indicator => ({
    id: `ma_gap_${a}_${b}`,
    name_ko: `${a}일·${b}일 이동평균 괴리`,
    name_en: `SMA${a} vs SMA${b}`,
    family: "moving_average",
    unit: "%",
    direction: "neutral",
    formula: `(SMA${a} / SMA${b} − 1) × 100; 양수 = 단기선이 위 (골든크로스 쪽)`,
    inputs: C,
    lookback: b,
    compute: (x) => pct(smaC(x, a) / smaC(x, b) - 1),
  })),
  {
    id: "sma_20_slope",
    name_ko: "20일선 기울기 (5일)",
    name_en: "SMA20 change over 5 days",
    family: "moving_average",
    unit: "%",
    direction: "higher",
    formula: "(SMA20_t / SMA20_(t−5) − 1) × 100",
    inputs: C,
    lookback: 25,
    compute: (x) => pct(smaC(x, 20) / sma(x.close, x.start, x.t - 5, 20) - 1),
  },
  {
    id: "sma_60_slope",
    name_ko: "60일선 기울기 (20일)",
    name_en: "SMA60 change over 20 days",
    family: "moving_average",
    unit: "%",
    direction: "higher",
    formula: "(SMA60_t / SMA60_(t−20) − 1) × 100",
    inputs: C,
    lookback: 80,
    compute: (x) => pct(smaC(x, 60) / sma(x.close, x.start, x.t - 20, 60) - 1),
  },
  {
    id: "ma_aligned",
    name_ko: "이동평균 정배열",
    name_en: "Moving averages in bullish order",
    family: "moving_average",
    unit: "flag",
    direction: "higher",
    formula: "SMA5 > SMA20 > SMA60 > SMA120 이면 1, 아니면 0",
    inputs: C,
    lookback: 120,
    compute: (x) => {
      const a = smaC(x, 5), b = smaC(x, 20), c = smaC(x, 60), d = smaC(x, 120);
      return d !== d ? NaN : a > b && b > c && c > d ? 1 : 0;
    },
  },
  {
    id: "ma_reversed",
    name_ko: "이동평균 역배열",
    name_en: "Moving averages in bearish order",
    family: "moving_average",
    unit: "flag",
    direction: "lower",
    formula: "SMA5 < SMA20 < SMA60 < SMA120 이면 1, 아니면 0",
    inputs: C,
    lookback: 120,
    compute: (x) => {
      const a = smaC(x, 5), b = smaC(x, 20), c = smaC(x, 60), d = smaC(x, 120);
      return d !== d ? NaN : a < b && b < c && c < d ? 1 : 0;
    },
  },
  {
    id: "linreg_slope_20",
    name_ko: "20일 회귀 기울기",
    name_en: "20-day regression slope",
    family: "moving_average",
    unit: "%",
    direction: "higher",
    formula: "최근 20거래일 종가의 최소제곱 기울기 / 종가 × 100 (하루당 %)",
    inputs: C,
    lookback: 20,
    compute: (x) => pct(slope(x.close, x.start, x.t, 20) / x.close[x.t]),
  },
];

// ---------------------------------------------------------------------------------------
// oscillators

const oscillators: Indicator[] = [
  ...[6, 9, 14, 25].map((p): Indicator => ({
    id: `rsi_${p}`,
    name_ko: `RSI ${p}`,
    name_en: `Relative strength index (${p})`,
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: `100 − 100 / (1 + 평균상승폭/평균하락폭), Wilder 평활 ${p}일; 하락이 없으면 100`,
    inputs: C,
    lookback: p + 1,
    compute: (x) => rsi(x, p),
  })),
  ...([[14, 3, 3], [5, 3, 3]] as const).flatMap(([k, s, d]): Indicator[] => [
    {
      id: `stoch_k_${k}`,
      name_ko: `스토캐스틱 슬로우 %K (${k},${s})`,
      name_en: `Slow stochastic %K (${k},${s})`,
      family: "oscillator",
      unit: "score",
      direction: "neutral",
      formula:
        `Fast %K = (종가 − ${k}일 최저) / (${k}일 최고 − 최저) × 100; Slow %K = Fast %K의 ${s}일 평균`,
      inputs: HLC,
      lookback: k + s - 1,
      compute: (x) => stoch(x, k, s, d)[0],
    },
    {
      id: `stoch_d_${k}`,
      name_ko: `스토캐스틱 슬로우 %D (${k},${s},${d})`,
      name_en: `Slow stochastic %D (${k},${s},${d})`,
      family: "oscillator",
      unit: "score",
      direction: "neutral",
      formula: `Slow %K의 ${d}일 평균`,
      inputs: HLC,
      lookback: k + s + d - 2,
      compute: (x) => stoch(x, k, s, d)[1],
    },
  ]),
  {
    id: "stoch_fast_k_14",
    name_ko: "스토캐스틱 패스트 %K (14)",
    name_en: "Fast stochastic %K (14)",
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: "(종가 − 14일 최저) / (14일 최고 − 14일 최저) × 100",
    inputs: HLC,
    lookback: 14,
    compute: (x) => (x.t - 13 < x.start ? NaN : fastK(x, x.t, 14)),
  },
  {
    id: "macd_line",
    name_ko: "MACD",
    name_en: "MACD line (12,26)",
    family: "oscillator",
    unit: "원",
    direction: "neutral",
    formula: "EMA12(종가) − EMA26(종가)",
    inputs: C,
    lookback: 26,
    compute: (x) => macd(x)[0],
  },
  {
    id: "macd_signal",
    name_ko: "MACD 시그널",
    name_en: "MACD signal (9)",
    family: "oscillator",
    unit: "원",
    direction: "neutral",
    formula: "EMA9(MACD)",
    inputs: C,
    lookback: 34,
    compute: (x) => macd(x)[1],
  },
  {
    id: "macd_hist",
    name_ko: "MACD 오실레이터",
    name_en: "MACD histogram",
    family: "oscillator",
    unit: "원",
    direction: "higher",
    formula: "MACD − 시그널",
    inputs: C,
    lookback: 34,
    compute: (x) => macd(x)[2],
  },
  {
    id: "macd_hist_pct",
    name_ko: "MACD 오실레이터 (% 종가)",
    name_en: "MACD histogram as % of price",
    family: "oscillator",
    unit: "%",
    direction: "higher",
    formula: "(MACD − 시그널) / 종가 × 100 (종목 간 비교용)",
    inputs: C,
    lookback: 34,
    compute: (x) => pct(macd(x)[2] / x.close[x.t]),
  },
  {
    id: "ppo",
    name_ko: "PPO (12,26)",
    name_en: "Percentage price oscillator (12,26)",
    family: "oscillator",
    unit: "%",
    direction: "higher",
    formula: "(EMA12 − EMA26) / EMA26 × 100",
    inputs: C,
    lookback: 26,
    compute: (x) => x.kernel("ppo", () => new PpoKernel(12, 26, "c"))[0],
  },
  ...[14, 20].map((p): Indicator => ({
    id: `cci_${p}`,
    name_ko: `CCI ${p}`,
    name_en: `Commodity channel index (${p})`,
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: `(TP − SMA${p}(TP)) / (0.015 × 평균절대편차), TP = (고가+저가+종가)/3`,
    inputs: HLC,
    lookback: p,
    compute: (x) => cci(x, p),
  })),
  {
    id: "willr_14",
    name_ko: "윌리엄스 %R (14)",
    name_en: "Williams %R (14)",
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: "(14일 최고 − 종가) / (14일 최고 − 최저) × −100; 고저가 같으면 −100",
    inputs: HLC,
    lookback: 14,
    compute: (x) => willr(x, 14),
  },
  ...[10, 20].map((p): Indicator => ({
    id: `roc_${p}`,
    name_ko: `ROC ${p}`,
    name_en: `Rate of change (${p})`,
    family: "oscillator",
    unit: "%",
    direction: "higher",
    formula: `(종가 − ${p}일 전 종가) / ${p}일 전 종가 × 100`,
    inputs: C,
    lookback: p + 1,
    compute: (x) => ret(x, p),
  })),
  {
    id: "cmo_14",
    name_ko: "CMO 14",
    name_en: "Chande momentum oscillator (14)",
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: "100 × (Σ상승폭 − Σ하락폭) / (Σ상승폭 + Σ하락폭), 14일",
    inputs: C,
    lookback: 15,
    compute: (x) => {
      if (x.t - 14 < x.start) return NaN;
      let g = 0, l = 0;
      for (let j = x.t - 13; j <= x.t; j++) {
        const d = x.close[j] - x.close[j - 1];
        if (d > 0) g += d;
        else l -= d;
      }
      return g + l === 0 ? 0 : (100 * (g - l)) / (g + l);
    },
  },
  {
    id: "trix_15",
    name_ko: "TRIX 15",
    name_en: "TRIX (15)",
    family: "oscillator",
    unit: "%",
    direction: "higher",
    formula: "삼중 EMA15의 하루 변화율 × 100",
    inputs: C,
    lookback: 44,
    compute: (x) => triple(x, 15)[1],
  },
  {
    id: "stochrsi_14",
    name_ko: "스토캐스틱 RSI (14)",
    name_en: "Stochastic RSI (14)",
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: "(RSI14 − 14개 RSI 최저) / (최고 − 최저) × 100; RSI가 변하지 않으면 값 없음",
    inputs: C,
    lookback: 28,
    compute: (x) => x.kernel("stochrsi14", () => new StochRsiKernel(14))[0],
  },
  {
    id: "ultosc",
    name_ko: "얼티미트 오실레이터",
    name_en: "Ultimate oscillator (7,14,28)",
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: "100 × (4·A7 + 2·A14 + A28) / 7, A_n = Σ(종가 − min(저가, 전일종가)) / Σ TR",
    inputs: HLC,
    lookback: 29,
    compute: (x) => {
      if (x.t - 28 < x.start) return NaN;
      const avg = (n: number) => {
        let bp = 0, tr = 0;
        for (let j = x.t - n + 1; j <= x.t; j++) {
          bp += x.close[j] - Math.min(x.low[j], x.close[j - 1]);
          tr += trueRange(x, j);
        }
        return [bp, tr];
      };
      const [b7, t7] = avg(7);
      if (t7 === 0) return 50;
      const [b14, t14] = avg(14);
      const [b28, t28] = avg(28);
      return (100 * (4 * (b7 / t7) + 2 * (b14 / t14) + b28 / t28)) / 7;
    },
  },
  {
    id: "tsi",
    name_ko: "TSI (25,13)",
    name_en: "True strength index (25,13)",
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: "100 × EMA13(EMA25(Δ종가)) / EMA13(EMA25(|Δ종가|))",
    inputs: C,
    lookback: 38,
    compute: (x) => x.kernel("tsi", () => new TsiKernel(25, 13))[0],
  },
  {
    id: "mfi_14",
    name_ko: "MFI 14",
    name_en: "Money flow index (14)",
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: "100 × 양(+)의 자금흐름 / 전체 자금흐름, 자금흐름 = TP × 거래량, 14일",
    inputs: ["high", "low", "close", "volume"],
    lookback: 15,
    compute: (x) => {
      if (x.t - 14 < x.start) return NaN;
      const tp = (j: number) => (x.high[j] + x.low[j] + x.close[j]) / 3;
      let pos = 0, neg = 0;
      for (let j = x.t - 13; j <= x.t; j++) {
        const a = tp(j), b = tp(j - 1);
        if (a > b) pos += a * x.volume[j];
        else if (a < b) neg += a * x.volume[j];
      }
      return pos + neg === 0 ? 50 : (100 * pos) / (pos + neg);
    },
  },
  {
    id: "adx_14",
    name_ko: "ADX 14",
    name_en: "Average directional index (14)",
    family: "oscillator",
    unit: "score",
    direction: "neutral",
    formula: "Wilder 평활 DX, DX = |+DI − −DI| / (+DI + −DI) × 100",
    inputs: HLC,
    lookback: 27,
    compute: (x) => adx(x)[0],
  },
  {
    id: "pdi_14",
    name_ko: "+DI 14",
    name_en: "Plus directional indicator (14)",
    family: "oscillator",
    unit: "score",
    direction: "higher",
    formula: "Wilder 평활(+DM) / ATR14 × 100",
    inputs: HLC,
    lookback: 14,
    compute: (x) => adx(x)[1],
  },
  {
    id: "mdi_14",
    name_ko: "−DI 14",
    name_en: "Minus directional indicator (14)",
    family: "oscillator",
    unit: "score",
    direction: "lower",
    formula: "Wilder 평활(−DM) / ATR14 × 100",
    inputs: HLC,
    lookback: 14,
    compute: (x) => adx(x)[2],
  },
  {
    id: "aroon_up_25",
    name_ko: "아룬 업 (25)",
    name_en: "Aroon up (25)",
    family: "oscillator",
    unit: "score",
    direction: "higher",
    formula: "100 × (25 − 최고가 이후 경과일) / 25 (최근 26봉)",
    inputs: ["high", "low"],
    lookback: 26,
    compute: (x) => aroon(x, 25)[0],
  },
  {
    id: "aroon_down_25",
    name_ko: "아룬 다운 (25)",
    name_en: "Aroon down (25)",
    family: "oscillator",
    unit: "score",
    direction: "lower",
    formula: "100 × (25 − 최저가 이후 경과일) / 25 (최근 26봉)",
    inputs: ["high", "low"],
    lookback: 26,
    compute: (x) => aroon(x, 25)[1],
  },
  {
    id: "aroon_osc_25",
    name_ko: "아룬 오실레이터 (25)",
    name_en: "Aroon oscillator (25)",
    family: "oscillator",
    unit: "score",
    direction: "higher",
    formula: "아룬 업 − 아룬 다운",
    inputs: ["high", "low"],
    lookback: 26,
    compute: (x) => {
      const [u, d] = aroon(x, 25);
      return u - d;
    },
  },
  {
    id: "psl_12",
    name_ko: "투자심리선 (12)",
    name_en: "Psychological line (12)",
    family: "oscillator",
    unit: "%",
    direction: "neutral",
    formula: "최근 12일 중 상승한 날의 비율 × 100",
    inputs: C,
    lookback: 13,
    compute: (x) => {
      if (x.t - 12 < x.start) return NaN;
      let up = 0;
      for (let j = x.t - 11; j <= x.t; j++) if (x.close[j] > x.close[j - 1]) up++;
      return (100 * up) / 12;
    },
  },
  {
    id: "ibs",
    name_ko: "내부 봉 강도 (IBS)",
    name_en: "Internal bar strength",
    family: "oscillator",
    unit: "ratio",
    direction: "neutral",
    formula: "(종가 − 저가) / (고가 − 저가); 고저가 같으면 0.5",
    inputs: HLC,
    lookback: 1,
    compute: (x) => {
      if (x.bars < 1) return NaN;
      const r = x.high[x.t] - x.low[x.t];
      return r <= 0 ? 0.5 : (x.close[x.t] - x.low[x.t]) / r;
    },
  },
  {
    id: "bop",
    name_ko: "세력 균형 (BOP)",
    name_en: "Balance of power",
    family: "oscillator",
    unit: "ratio",
    direction: "higher",
    formula: "(종가 − 시가) / (고가 − 저가); 고저가 같으면 0",
    inputs: ["open", "high", "low", "close"],
    lookback: 1,
    compute: (x) => {
      if (x.bars < 1) return NaN;
      const r = x.high[x.t] - x.low[x.t];
      return r <= 0 ? 0 : (x.close[x.t] - x.openF[x.t]) / r;
    },
  },
  {
    id: "er_10",
    name_ko: "효율성 비율 (10)",
    name_en: "Efficiency ratio (10)",
    family: "oscillator",
    unit: "ratio",
    direction: "neutral",
    formula: "|종가 − 9일 전 종가| / (10일 최고 − 10일 최저); 고저가 같으면 0",
    inputs: HLC,
    lookback: 10,
    compute: (x) => {
      if (x.t - 9 < x.start) return NaN;
      const r = max(x.high, x.start, x.t, 10) - min(x.low, x.start, x.t, 10);
      return r === 0 ? 0 : Math.abs(x.close[x.t] - x.close[x.t - 9]) / r;
    },
  },
];

// ---------------------------------------------------------------------------------------
// volatility

const volatility: Indicator[] = [
  ...[20, 60, 120, 250].map((p): Indicator => ({
    id: `vol_${p}`,
    name_ko: `${p}일 변동성`,
    name_en: `${p}-day volatility (annualised)`,
    family: "volatility",
    unit: "%",
    direction: "lower",
    formula: `일간 수익률 ${p}개의 표본표준편차 × √250 × 100`,
    inputs: C,
    lookback: p + 1,
    compute: (x) => pct(returnStdev(x.returns, x.start + 1, x.t, p) * ANNUAL),
  })),
  {
    id: "downside_vol_60",
    name_ko: "60일 하방 변동성",
    name_en: "60-day downside deviation (annualised)",
    family: "volatility",
    unit: "%",
    direction: "lower",
    formula: "√(Σ min(일간수익률, 0)² / 60) × √250 × 100",
    inputs: C,
    lookback: 61,
    compute: (x) => pct(downsideDev(x.returns, x.start + 1, x.t, 60) * ANNUAL),
  },
  ...[14, 20].flatMap((p): Indicator[] => [
    {
      id: `atr_${p}`,
      name_ko: `ATR ${p}`,
      name_en: `Average true range (${p})`,
      family: "volatility",
      unit: "원",
      direction: "neutral",
      formula:
        `True range의 Wilder 평활 ${p}일, TR = max(고가−저가, |고가−전일종가|, |저가−전일종가|)`,
      inputs: HLC,
      lookback: p,
      compute: (x) => atr(x, p),
    },
    {
      id: `atr_pct_${p}`,
      name_ko: `ATR ${p} (% 종가)`,
      name_en: `Normalised ATR (${p})`,
      family: "volatility",
      unit: "%",
      direction: "lower",
      formula: `ATR${p} / 종가 × 100`,
      inputs: HLC,
      lookback: p,
      compute: (x) => pct(atr(x, p) / x.close[x.t]),
    },
  ]),
  {
    id: "bb_pctb_20",
    name_ko: "볼린저 %b (20,2)",
    name_en: "Bollinger %b (20,2)",
    family: "volatility",
    unit: "ratio",
    direction: "neutral",
    formula: "(종가 − 하단) / (상단 − 하단), 밴드 = SMA20 ± 2σ(모표준편차); 폭이 0이면 0.5",
    inputs: C,
    lookback: 20,
    compute: (x) => {
      const [lo, , hi] = bollinger(x, 20, 2);
      if (hi !== hi) return NaN;
      return hi === lo ? 0.5 : (x.close[x.t] - lo) / (hi - lo);
    },
  },
  {
    id: "bb_width_20",
    name_ko: "볼린저 밴드폭 (20,2)",
    name_en: "Bollinger band width (20,2)",
    family: "volatility",
    unit: "%",
    direction: "neutral",
    formula: "(상단 − 하단) / SMA20 × 100",
    inputs: C,
    lookback: 20,
    compute: (x) => {
      const [lo, mid, hi] = bollinger(x, 20, 2);
      return pct((hi - lo) / mid);
    },
  },
  ...[60, 250].flatMap((p): Indicator[] => [
    {
      id: `beta_${p}`,
      name_ko: `베타 (${p}일)`,
      name_en: `Beta vs the market index (${p} days)`,
      family: "volatility",
      unit: "ratio",
      direction: "neutral",
      formula: `Cov(종목 일간수익률, 지수 일간수익률) / Var(지수 일간수익률), ${p}일`,
      inputs: ["close", "index"],
      lookback: p + 1,
      compute: (x) =>
        x.bench
          ? x.memo(`bc${p}`, () => betaCorr(x.returns, x.benchReturns!, x.start + 1, x.t, p))[0]
          : NaN,
    },
    {
      id: `corr_${p}`,
      name_ko: `지수 상관계수 (${p}일)`,
      name_en: `Correlation with the market index (${p} days)`,
      family: "volatility",
      unit: "ratio",
      direction: "neutral",
      formula: `종목과 지수 일간수익률의 상관계수, ${p}일`,
      inputs: ["close", "index"],
      lookback: p + 1,
      compute: (x) =>
        x.bench
          ? x.memo(`bc${p}`, () => betaCorr(x.returns, x.benchReturns!, x.start + 1, x.t, p))[1]
          : NaN,
    },
  ]),
  ...([[250, "1y", "1년"], [60, "3m", "3개월"]] as const).map(([p, id, ko]): Indicator => ({
    id: `mdd_${id}`,
    name_ko: `최대낙폭 (${ko})`,
    name_en: `Maximum drawdown (${p} days)`,
    family: "volatility",
    unit: "%",
    direction: "higher",
    formula: `최근 ${p}거래일 종가의 (고점 대비 최대 하락률) × 100 (0 이하)`,
    inputs: C,
    lookback: p,
    compute: (x) => pct(maxDrawdown(x.close, x.start, x.t, p)),
  })),
  {
    id: "ulcer_14",
    name_ko: "얼서 지수 (14)",
    name_en: "Ulcer index (14)",
    family: "volatility",
    unit: "%",
    direction: "lower",
    formula: "√(Σ(고점 대비 하락률 %)² / 14), 창 안의 누적 고점 기준",
    inputs: C,
    lookback: 14,
    compute: (x) => {
      if (x.t - 13 < x.start) return NaN;
      let hi = -Infinity, s = 0;
      for (let j = x.t - 13; j <= x.t; j++) {
        const c = x.close[j];
        if (c > hi) hi = c;
        const dd = hi === 0 ? 0 : (100 * (c - hi)) / hi;
        s += dd * dd;
      }
      return Math.sqrt(s / 14);
    },
  },
  {
    id: "chop_14",
    name_ko: "초피니스 지수 (14)",
    name_en: "Choppiness index (14)",
    family: "volatility",
    unit: "score",
    direction: "neutral",
    formula: "100 × log10(Σ(진고가 − 진저가) / (최고 진고가 − 최저 진저가)) / log10(14)",
    inputs: HLC,
    lookback: 15,
    compute: (x) => {
      if (x.t - 14 < x.start) return NaN;
      let s = 0, hi = -Infinity, lo = Infinity;
      for (let j = x.t - 13; j <= x.t; j++) {
        const th = Math.max(x.high[j], x.close[j - 1]);
        const tl = Math.min(x.low[j], x.close[j - 1]);
        s += th - tl;
        if (th > hi) hi = th;
        if (tl < lo) lo = tl;
      }
      return hi === lo ? 100 : (100 * Math.log10(s / (hi - lo))) / Math.log10(14);
    },
  },
  {
    id: "parkinson_20",
    name_ko: "파킨슨 변동성 (20일)",
    name_en: "Parkinson volatility (20 days, annualised)",
    family: "volatility",
    unit: "%",
    direction: "lower",
    formula: "√(Σ ln(고가/저가)² / (4 ln2 × 20)) × √250 × 100",
    inputs: ["high", "low"],
    lookback: 20,
    compute: (x) => {
      if (x.t - 19 < x.start) return NaN;
      let s = 0;
      for (let j = x.t - 19; j <= x.t; j++) {
        const r = Math.log(x.high[j] / x.low[j]);
        s += r * r;
      }
      return pct(Math.sqrt(s / (4 * Math.LN2 * 20)) * ANNUAL);
    },
  },
  {
    id: "range_pct_20",
    name_ko: "20일 평균 일중 변동폭",
    name_en: "Average daily range (20 days)",
    family: "volatility",
    unit: "%",
    direction: "lower",
    formula: "(고가 − 저가) / 종가 × 100 의 20일 평균",
    inputs: HLC,
    lookback: 20,
    compute: (x) => {
      if (x.t - 19 < x.start) return NaN;
      let s = 0;
      for (let j = x.t - 19; j <= x.t; j++) s += (x.high[j] - x.low[j]) / x.close[j];
      return pct(s / 20);
    },
  },
  {
    id: "dc_width_20",
    name_ko: "돈치안 채널 폭 (20)",
    name_en: "Donchian channel width (20)",
    family: "volatility",
    unit: "%",
    direction: "neutral",
    formula: "(20일 최고가 − 20일 최저가) / 종가 × 100",
    inputs: HLC,
    lookback: 20,
    compute: (x) =>
      pct(
        (max(x.high, x.start, x.t, 20) - min(x.low, x.start, x.t, 20)) / x.close[x.t],
      ),
  },
];

// ---------------------------------------------------------------------------------------
// volume and liquidity

const liquidity: Indicator[] = [
  ...[5, 20, 60].map((p): Indicator => ({
    id: `volume_avg_${p}`,
    name_ko: `${p}일 평균 거래량`,
    name_en: `${p}-day average volume`,
    family: "liquidity",
    unit: "주",
    direction: "higher",
    formula: `최근 ${p}거래일 거래량의 평균`,
    inputs: ["volume"],
    lookback: p,
    compute: (x) => sma(x.volume, x.start, x.t, p),
  })),
  ...[5, 20, 60].map((p): Indicator => ({
    id: `value_avg_${p}`,
    name_ko: `${p}일 평균 거래대금`,
    name_en: `${p}-day average traded value`,
    family: "liquidity",
    unit: "원",
    direction: "higher",
    formula: `최근 ${p}거래일 거래대금의 평균`,
    inputs: ["value"],
    lookback: p,
    compute: (x) => sma(x.value, x.start, x.t, p),
  })),
  {
    id: "volume_1d",
    name_ko: "거래량",
    name_en: "Volume",
    family: "liquidity",
    unit: "주",
    direction: "higher",
    formula: "당일 거래량",
    inputs: ["volume"],
    lookback: 1,
    compute: (x) => (x.bars < 1 ? NaN : x.volume[x.t]),
  },
  {
    id: "value_1d",
    name_ko: "거래대금",
    name_en: "Traded value",
    family: "liquidity",
    unit: "원",
    direction: "higher",
    formula: "당일 거래대금",
    inputs: ["value"],
    lookback: 1,
    compute: (x) => (x.bars < 1 ? NaN : x.value[x.t]),
  },
  {
    id: "volume_ratio_1d_20",
    name_ko: "거래량 비율 (당일/20일)",
    name_en: "Relative volume (today vs the previous 20 days)",
    family: "liquidity",
    unit: "배",
    direction: "higher",
    formula: "당일 거래량 / 직전 20거래일 평균 거래량; 평균이 0이면 값 없음",
    inputs: ["volume"],
    lookback: 21,
    compute: (x) => {
      const base = sma(x.volume, x.start, x.t - 1, 20);
      return base > 0 ? x.volume[x.t] / base : NaN;
    },
  },
  ...([[5, 20], [5, 60]] as const).map(([a, b]): Indicator => ({
    id: `volume_ratio_${a}_${b}`,
    name_ko: `거래량 비율 (${a}일/${b}일)`,
    name_en: `Volume ratio (${a}-day vs ${b}-day average)`,
    family: "liquidity",
    unit: "배",
    direction: "higher",
    formula: `${a}일 평균 거래량 / ${b}일 평균 거래량`,
    inputs: ["volume"],
    lookback: b,
    compute: (x) => {
      const d = sma(x.volume, x.start, x.t, b);
      return d > 0 ? sma(x.volume, x.start, x.t, a) / d : NaN;
    },
  })),
  {
    id: "turnover_1d",
    name_ko: "회전율",
    name_en: "Turnover",
    family: "liquidity",
    unit: "%",
    direction: "higher",
    formula: "거래량 / 상장주식수 × 100",
    inputs: ["volume", "shares"],
    lookback: 1,
    compute: (x) => (x.bars < 1 ? NaN : pct(x.volume[x.t] / x.shares[x.t])),
  },
  {
    id: "turnover_20",
    name_ko: "20일 평균 회전율",
    name_en: "20-day average turnover",
    family: "liquidity",
    unit: "%",
    direction: "higher",
    formula: "(거래량 / 상장주식수 × 100)의 20일 평균",
    inputs: ["volume", "shares"],
    lookback: 20,
    compute: (x) => {
      if (x.t - 19 < x.start) return NaN;
      let s = 0;
      for (let j = x.t - 19; j <= x.t; j++) s += x.volume[j] / x.shares[j];
      return pct(s / 20);
    },
  },
  {
    id: "amihud_20",
    name_ko: "비유동성 (Amihud, 20일)",
    name_en: "Amihud illiquidity (20 days)",
    family: "liquidity",
    unit: "ratio",
    direction: "lower",
    formula: "|일간수익률 %| / (거래대금 억원)의 20일 평균 (거래대금 0인 날 제외)",
    inputs: ["close", "value"],
    lookback: 21,
    compute: (x) => {
      if (x.t - 20 < x.start) return NaN;
      let s = 0, k = 0;
      for (let j = x.t - 19; j <= x.t; j++) {
        if (!(x.value[j] > 0)) continue;
        s += Math.abs(pct(x.returns[j])) / (x.value[j] / 1e8);
        k++;
      }
      return k === 0 ? NaN : s / k;
    },
  },
  {
    id: "zero_volume_days_60",
    name_ko: "60일 중 거래 없는 날",
    name_en: "Days without trades (60 days)",
    family: "liquidity",
    unit: "days",
    direction: "lower",
    formula: "최근 60거래일 중 거래량 0인 날의 수",
    inputs: ["volume"],
    lookback: 60,
    compute: (x) => {
      if (x.t - 59 < x.start) return NaN;
      let k = 0;
      for (let j = x.t - 59; j <= x.t; j++) if (x.volume[j] === 0) k++;
      return k;
    },
  },
  {
    id: "cmf_20",
    name_ko: "차이킨 자금흐름 (20)",
    name_en: "Chaikin money flow (20)",
    family: "liquidity",
    unit: "ratio",
    direction: "higher",
    formula: "Σ(((종가−저가) − (고가−종가)) / (고가−저가) × 거래량) / Σ 거래량, 20일",
    inputs: ["high", "low", "close", "volume"],
    lookback: 20,
    compute: (x) => {
      if (x.t - 19 < x.start) return NaN;
      let mf = 0, v = 0;
      for (let j = x.t - 19; j <= x.t; j++) {
        const r = x.high[j] - x.low[j];
        const m = r === 0 ? 0 : (x.close[j] - x.low[j] - (x.high[j] - x.close[j])) / r;
        mf += m * x.volume[j];
        v += x.volume[j];
      }
      return v === 0 ? 0 : mf / v;
    },
  },
  {
    id: "pvo",
    name_ko: "거래량 오실레이터 (PVO)",
    name_en: "Percentage volume oscillator (12,26)",
    family: "liquidity",
    unit: "%",
    direction: "higher",
    formula: "(EMA12(거래량) − EMA26(거래량)) / EMA26(거래량) × 100",
    inputs: ["volume"],
    lookback: 26,
    compute: (x) => x.kernel("pvo", () => new PpoKernel(12, 26, "v"))[0],
  },
  {
    id: "vwap_dist_20",
    name_ko: "20일 VWAP 이격률",
    name_en: "Distance from the 20-day VWAP",
    family: "liquidity",
    unit: "%",
    direction: "neutral",
    formula: "(종가 / (Σ거래대금 / Σ거래량) − 1) × 100, 20일",
    inputs: ["close", "volume", "value"],
    lookback: 20,
    compute: (x) => {
      const v = sum(x.volume, x.start, x.t, 20);
      return v > 0 ? pct(x.close[x.t] / (sum(x.value, x.start, x.t, 20) / v) - 1) : NaN;
    },
  },
  {
    id: "vroc_14",
    name_ko: "거래량 변화율 (14)",
    name_en: "Volume rate of change (14)",
    family: "liquidity",
    unit: "%",
    direction: "higher",
    formula: "(거래량 − 14일 전 거래량) / 14일 전 거래량 × 100; 기준이 0이면 0",
    inputs: ["volume"],
    lookback: 15,
    compute: (x) => {
      if (x.t - 14 < x.start) return NaN;
      const b = x.volume[x.t - 14];
      return b === 0 ? 0 : ((x.volume[x.t] - b) / b) * 100;
    },
  },
];

// ---------------------------------------------------------------------------------------
// 52-week range

/** `[max high, min low, index of the last max, index of the last min]` over the available window. */
const hiLo = (x: X, p: number): [number, number, number, number] =>
  x.memo(`hl${p}`, () => highLow(x.high, x.low, x.start, x.t, avail(x, p)));

const range52: Indicator[] = [
  {
    id: "high_52w",
    name_ko: "52주 최고가",
    name_en: "52-week high",
    family: "range_52w",
    unit: "원",
    direction: "neutral",
    formula: "최근 250거래일(상장 이후가 짧으면 그 기간) 고가의 최댓값",
    inputs: ["high", "close"],
    lookback: 1,
    compute: (x) => hiLo(x, 250)[0],
  },
  {
    id: "low_52w",
    name_ko: "52주 최저가",
    name_en: "52-week low",
    family: "range_52w",
    unit: "원",
    direction: "neutral",
    formula: "최근 250거래일(상장 이후가 짧으면 그 기간) 저가의 최솟값",
    inputs: ["low", "close"],
    lookback: 1,
    compute: (x) => hiLo(x, 250)[1],
  },
  ...([[250, "52w", "52주"], [125, "26w", "26주"], [65, "13w", "13주"]] as const).flatMap((
    [p, id, ko],
  ): Indicator[] => [
    {
      id: `dist_high_${id}`,
      name_ko: `${ko} 최고가 대비`,
      name_en: `Distance from the ${id} high`,
      family: "range_52w",
      unit: "%",
      direction: "higher",
      formula: `(종가 / ${ko} 최고가 − 1) × 100 (0 이하)`,
      inputs: HLC,
      lookback: 1,
      compute: (x) => pct(x.close[x.t] / hiLo(x, p)[0] - 1),
    },
    {
      id: `dist_low_${id}`,
      name_ko: `${ko} 최저가 대비`,
      name_en: `Distance from the ${id} low`,
      family: "range_52w",
      unit: "%",
      direction: "neutral",
      formula: `(종가 / ${ko} 최저가 − 1) × 100 (0 이상)`,
      inputs: HLC,
      lookback: 1,
      compute: (x) => pct(x.close[x.t] / hiLo(x, p)[1] - 1),
    },
  ]),
  {
    id: "pos_52w",
    name_ko: "52주 범위 내 위치",
    name_en: "Position in the 52-week range",
    family: "range_52w",
    unit: "%",
    direction: "neutral",
    formula: "(종가 − 52주 최저) / (52주 최고 − 52주 최저) × 100; 범위가 0이면 값 없음",
    inputs: HLC,
    lookback: 1,
    compute: (x) => {
      const [hi, lo] = hiLo(x, 250);
      return hi > lo ? pct((x.close[x.t] - lo) / (hi - lo)) : NaN;
    },
  },
  {
    id: "days_since_high_52w",
    name_ko: "52주 최고가 이후 경과일",
    name_en: "Trading days since the 52-week high",
    family: "range_52w",
    unit: "days",
    direction: "lower",
    formula: "당일 − 52주 최고가를 기록한 마지막 날 (거래일)",
    inputs: ["high", "close"],
    lookback: 1,
    compute: (x) => {
      const j = hiLo(x, 250)[2];
      return j < 0 ? NaN : x.t - j;
    },
  },
  {
    id: "days_since_low_52w",
    name_ko: "52주 최저가 이후 경과일",
    name_en: "Trading days since the 52-week low",
    family: "range_52w",
    unit: "days",
    direction: "higher",
    formula: "당일 − 52주 최저가를 기록한 마지막 날 (거래일)",
    inputs: ["low", "close"],
    lookback: 1,
    compute: (x) => {
      const j = hiLo(x, 250)[3];
      return j < 0 ? NaN : x.t - j;
    },
  },
  {
    id: "dist_ath",
    name_ko: "상장 후 최고가 대비",
    name_en: "Distance from the all-time high",
    family: "range_52w",
    unit: "%",
    direction: "higher",
    formula: "(종가 / 자료 전체 기간 최고가 − 1) × 100",
    inputs: ["high", "close"],
    lookback: 1,
    compute: (x) =>
      x.bars < 1 ? NaN : pct(x.close[x.t] / x.kernel("ath", () => new RunningMaxKernel())[0] - 1),
  },
  {
    id: "new_high_52w",
    name_ko: "52주 신고가",
    name_en: "New 52-week high today",
    family: "range_52w",
    unit: "flag",
    direction: "higher",
    formula: "당일 고가가 52주 최고가와 같으면 1, 아니면 0",
    inputs: ["high", "close"],
    lookback: 1,
    compute: (x) => {
      const hi = hiLo(x, 250)[0];
      return hi !== hi ? NaN : x.high[x.t] >= hi ? 1 : 0;
    },
  },
];

/** Every price and volume indicator. */
export const TECHNICAL: readonly Indicator[] = [
  ...returns,
  ...movingAverages,
  ...oscillators,
  ...volatility,
  ...liquidity,
  ...range52,
];
