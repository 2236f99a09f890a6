/**
 * Investor flows (data.krx per-stock net buying, foreign ownership), size and IPO indicators.
 *
 * Flows: the input holds per investor type, per instrument, the day's 순매수 거래대금 (원),
 * with 0 for a collected day the type did not trade the stock and NaN for a day not collected;
 * a window with an uncollected day has no value.
 *
 * @module
 */
import type { InstrumentCtx } from "../context.ts";
import { INVESTOR_KEYS, type InvestorKey, INVESTORS, type Series } from "../types.ts";
import { type Indicator, pct } from "./def.ts";

type X = InstrumentCtx;

function windowSum(s: Series | undefined, lo: number, t: number, p: number): number {
  if (!s || t - p + 1 < lo) return NaN;
  let acc = 0;
  for (let j = t - p + 1; j <= t; j++) acc += s[j];
  return acc;
}

function streak(s: Series | undefined, lo: number, t: number): number {
  if (!s || t < lo) return NaN;
  const v = s[t];
  if (v !== v) return NaN;
  if (v === 0) return 0;
  const sign = v > 0 ? 1 : -1;
  let n = 0;
  for (let j = t; j >= lo; j--) {
    const w = s[j];
    if (w !== w || Math.sign(w) !== sign) break;
    n++;
  }
  return sign * n;
}

const foreignPct = (x: X) => x.input.foreign_pct?.[x.i];

const flows: Indicator[] = [
  ...INVESTOR_KEYS.flatMap((inv: InvestorKey) =>
    [5, 20, 60].map((p): Indicator => ({
      id: `net_${inv}_${p}`,
      name_ko: `${INVESTORS[inv].ko} 순매수 ${p}일 (% 시가총액)`,
      name_en: `Net buying by ${INVESTORS[inv].en}, ${p} days (% of market cap)`,
      family: "flows",
      unit: "%",
      direction: "higher",
      formula: `${INVESTORS[inv].ko} 순매수 거래대금의 최근 ${p}거래일 합 / 시가총액 × 100`,
      inputs: ["flows", "mcap"],
      lookback: p,
      compute: (x) => pct(windowSum(x.flow(inv), x.start, x.t, p) / x.mcap[x.t]),
    }))
  ),
  {
    id: "foreign_pct",
    name_ko: "외국인 지분율",
    name_en: "Foreign ownership",
    family: "flows",
    unit: "%",
    direction: "neutral",
    formula: "외국인 보유수량 / 상장주식수 × 100 (KRX 외국인보유량)",
    inputs: ["foreign"],
    lookback: 1,
    compute: (x) => {
      const s = foreignPct(x);
      return s && x.bars >= 1 ? s[x.t] : NaN;
    },
  },
  {
    id: "foreign_pct_chg_20",
    name_ko: "외국인 지분율 변화 (20일)",
    name_en: "Foreign ownership change over 20 days",
    family: "flows",
    unit: "%p",
    direction: "higher",
    formula: "외국인 지분율 − 20거래일 전 외국인 지분율",
    inputs: ["foreign"],
    lookback: 21,
    compute: (x) => {
      const s = foreignPct(x);
      return s && x.t - 20 >= x.start ? s[x.t] - s[x.t - 20] : NaN;
    },
  },
  {
    id: "foreign_limit_pct",
    name_ko: "외국인 한도소진율",
    name_en: "Foreign limit exhaustion",
    family: "flows",
    unit: "%",
    direction: "neutral",
    formula: "외국인 보유수량 / 외국인 한도수량 × 100",
    inputs: ["foreign"],
    lookback: 1,
    compute: (x) => {
      const s = x.input.foreign_limit_pct?.[x.i];
      return s && x.bars >= 1 ? s[x.t] : NaN;
    },
  },
  ...(["foreign", "institution"] as const).map((inv): Indicator => ({
    id: `${inv}_streak`,
    name_ko: `${INVESTORS[inv].ko} 연속 순매수일`,
    name_en: `Consecutive days of net buying by ${INVESTORS[inv].en}`,
    family: "flows",
    unit: "days",
    direction: "higher",
    formula: "당일까지 연속 순매수한 거래일 수 (연속 순매도는 음수, 당일 0이면 0)",
    inputs: ["flows"],
    lookback: 1,
    compute: (x) => streak(x.flow(inv), x.start, x.t),
  })),
];

const size: Indicator[] = [
  {
    id: "mcap",
    name_ko: "시가총액",
    name_en: "Market capitalisation",
    family: "size",
    unit: "원",
    direction: "neutral",
    formula: "종가 × 상장주식수 (KRX 시가총액)",
    inputs: ["mcap"],
    lookback: 1,
    compute: (x) => (x.bars < 1 ? NaN : x.mcap[x.t]),
  },
  {
    id: "price",
    name_ko: "종가",
    name_en: "Close",
    family: "size",
    unit: "원",
    direction: "neutral",
    formula: "당일 종가 (KRX 일별매매정보)",
    inputs: ["close"],
    lookback: 1,
    compute: (x) => (x.bars < 1 ? NaN : x.close[x.t]),
  },
  {
    id: "shares",
    name_ko: "상장주식수",
    name_en: "Listed shares",
    family: "size",
    unit: "주",
    direction: "neutral",
    formula: "KRX 상장주식수",
    inputs: ["shares"],
    lookback: 1,
    compute: (x) => (x.bars < 1 ? NaN : x.shares[x.t]),
  },
  {
    id: "float_ratio",
    name_ko: "유동주식비율",
    name_en: "Free-float ratio",
    family: "size",
    unit: "%",
    direction: "neutral",
    formula: "유동주식수 / 상장주식수 × 100",
    inputs: ["shares"],
    compute: (x) => (x.info.float_ratio === null ? NaN : pct(x.info.float_ratio)),
  },
  {
    id: "float_shares",
    name_ko: "유동주식수",
    name_en: "Free-float shares",
    family: "size",
    unit: "주",
    direction: "neutral",
    formula: "상장주식수 × 유동주식비율",
    inputs: ["shares"],
    compute: (x) =>
      x.info.float_ratio === null || x.bars < 1 ? NaN : x.shares[x.t] * x.info.float_ratio,
  },
  {
    id: "float_mcap",
    name_ko: "유동시가총액",
    name_en: "Free-float market cap",
    family: "size",
    unit: "원",
    direction: "neutral",
    formula: "시가총액 × 유동주식비율",
    inputs: ["mcap"],
    compute: (x) =>
      x.info.float_ratio === null || x.bars < 1 ? NaN : x.mcap[x.t] * x.info.float_ratio,
  },
];

/** Index of the listing day in the axis, or -1 when the listing precedes the data. */
function listingIndex(x: X): number {
  const d = x.info.listing_date;
  if (d === null || d < x.input.dates[0]) return -1;
  return x.memo("listIdx", () => {
    const dates = x.input.dates;
    let lo = 0, hi = dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dates[mid] < d) lo = mid + 1;
      else hi = mid;
    }
    return lo <= x.t ? lo : -1;
  });
}

const offer = (x: X) => x.info.offer_price ?? NaN;

const ipo: Indicator[] = [
  {
    id: "days_since_listing",
    name_ko: "상장 후 경과일",
    name_en: "Calendar days since listing",
    family: "ipo",
    unit: "days",
    direction: "neutral",
    formula: "당일 − 상장일 (달력일)",
    inputs: ["listing"],
    compute: (x) => {
      const d = x.info.listing_date;
      if (d === null || d > x.date) return NaN;
      return x.axis.dayNumber[x.t] - Date.parse(`${d}T00:00:00Z`) / 86_400_000;
    },
  },
  {
    id: "tdays_since_listing",
    name_ko: "상장 후 거래일",
    name_en: "Trading days since listing",
    family: "ipo",
    unit: "days",
    direction: "neutral",
    formula: "상장일부터 당일까지의 거래일 수 − 1 (상장일이 자료 시작 전이면 값 없음)",
    inputs: ["listing"],
    compute: (x) => {
      const j = listingIndex(x);
      return j < 0 ? NaN : x.t - j;
    },
  },
  {
    id: "ret_since_offer",
    name_ko: "공모가 대비 수익률",
    name_en: "Return since the offer price",
    family: "ipo",
    unit: "%",
    direction: "higher",
    formula: "(종가 / 공모가 − 1) × 100",
    inputs: ["listing", "close"],
    compute: (x) => pct(x.close[x.t] / offer(x) - 1),
  },
  {
    id: "ret_since_first_open",
    name_ko: "시초가 대비 수익률",
    name_en: "Return since the first open",
    family: "ipo",
    unit: "%",
    direction: "higher",
    formula: "(종가 / 상장일 시가 − 1) × 100",
    inputs: ["listing", "open", "close"],
    compute: (x) => {
      const j = listingIndex(x);
      return j < 0 ? NaN : pct(x.close[x.t] / x.open[j] - 1);
    },
  },
  {
    id: "ret_since_first_close",
    name_ko: "상장일 종가 대비 수익률",
    name_en: "Return since the first close",
    family: "ipo",
    unit: "%",
    direction: "higher",
    formula: "(종가 / 상장일 종가 − 1) × 100",
    inputs: ["listing", "close"],
    compute: (x) => {
      const j = listingIndex(x);
      return j < 0 ? NaN : pct(x.close[x.t] / x.close[j] - 1);
    },
  },
  {
    id: "first_day_return",
    name_ko: "상장일 수익률",
    name_en: "First-day return vs the offer price",
    family: "ipo",
    unit: "%",
    direction: "neutral",
    formula: "(상장일 종가 / 공모가 − 1) × 100",
    inputs: ["listing", "close"],
    compute: (x) => {
      const j = listingIndex(x);
      return j < 0 ? NaN : pct(x.close[j] / offer(x) - 1);
    },
  },
];

/** Flow, size and IPO indicators. */
export const MARKET: readonly Indicator[] = [...flows, ...size, ...ipo];
