/**
 * Fundamental indicators: valuation, profitability, growth and stability, from the filings
 * public on the day (`ctx.fund`, point in time) and the day's market cap and shares.
 *
 * TTM = trailing twelve months (`FundamentalView.ttm`); balance figures are those of the latest
 * public report; "1년 전" is the same quarter one year earlier. Ratios over a non-positive
 * denominator (a loss, negative equity) have no value rather than a misleading sign.
 *
 * @module
 */
import type { InstrumentCtx } from "../context.ts";
import type { BalanceField, FlowField, InputKind } from "../types.ts";
import { cagr, growth, type Indicator, pctOfPositive, perPositive } from "./def.ts";

type X = InstrumentCtx;
const F: InputKind[] = ["filings"];
const FM: InputKind[] = ["filings", "mcap"];

/** Tax rate for NOPAT in ROIC (Korean statutory top rate incl. local tax, rounded). */
export const ROIC_TAX_RATE = 0.22;

const ttm = (x: X, f: FlowField, years = 0) => x.fund.ttm(f, years);
const bal = (x: X, f: BalanceField, years = 0) => x.fund.balance(f, years);
const mcap = (x: X) => x.mcap[x.t];

/** Shares for per-share figures: the report's own count, else the day's listed shares. */
function sharesAt(x: X, years = 0): number {
  const s = bal(x, "shares", years);
  return s > 0 ? s : x.shares[x.t];
}

const ebitda = (x: X, years = 0) =>
  ttm(x, "operating_income", years) + ttm(x, "depreciation", years);
const ev = (x: X) => mcap(x) + bal(x, "debt") - bal(x, "cash");
const epsTtm = (x: X, years = 0) => ttm(x, "net_income", years) / sharesAt(x, years);
const latestAnnual = (x: X, years = 0) => x.fund.annual(years);
const dps = (x: X, years = 0) => {
  const a = latestAnnual(x, years);
  return a && a.dps !== null ? a.dps : NaN;
};

// ---------------------------------------------------------------------------------------
// valuation

const valuation: Indicator[] = [
  {
    id: "per",
    name_ko: "PER",
    name_en: "Price / earnings (TTM)",
    family: "valuation",
    unit: "배",
    direction: "lower",
    formula: "시가총액 / 최근 4분기 당기순이익; 순손실이면 값 없음",
    inputs: FM,
    compute: (x) => perPositive(mcap(x), ttm(x, "net_income")),
  },
  {
    id: "pbr",
    name_ko: "PBR",
    name_en: "Price / book",
    family: "valuation",
    unit: "배",
    direction: "lower",
    formula: "시가총액 / 최근 분기말 자본총계; 자본잠식이면 값 없음",
    inputs: FM,
    compute: (x) => perPositive(mcap(x), bal(x, "total_equity")),
  },
  {
    id: "psr",
    name_ko: "PSR",
    name_en: "Price / sales (TTM)",
    family: "valuation",
    unit: "배",
    direction: "lower",
    formula: "시가총액 / 최근 4분기 매출액",
    inputs: FM,
    compute: (x) => perPositive(mcap(x), ttm(x, "revenue")),
  },
  {
    id: "pcr",
    name_ko: "PCR",
    name_en: "Price / operating cash flow (TTM)",
    family: "valuation",
    unit: "배",
    direction: "lower",
    formula: "시가총액 / 최근 4분기 영업활동현금흐름; 음수면 값 없음",
    inputs: FM,
    compute: (x) => perPositive(mcap(x), ttm(x, "cfo")),
  },
  {
    id: "pfcr",
    name_ko: "PFCR",
    name_en: "Price / free cash flow (TTM)",
    family: "valuation",
    unit: "배",
    direction: "lower",
    formula: "시가총액 / (영업활동현금흐름 − 유형자산 취득), 최근 4분기",
    inputs: FM,
    compute: (x) => perPositive(mcap(x), ttm(x, "cfo") - ttm(x, "capex")),
  },
  {
    id: "ev",
    name_ko: "기업가치 (EV)",
    name_en: "Enterprise value",
    family: "valuation",
    unit: "원",
    direction: "neutral",
    formula: "시가총액 + 이자부부채 − 현금",
    inputs: FM,
    compute: (x) => ev(x),
  },
  {
    id: "ev_ebitda",
    name_ko: "EV/EBITDA",
    name_en: "EV / EBITDA (TTM)",
    family: "valuation",
    unit: "배",
    direction: "lower",
    formula: "EV / (영업이익 + 감가상각비), 최근 4분기; EBITDA ≤ 0 이면 값 없음",
    inputs: FM,
    compute: (x) => perPositive(ev(x), ebitda(x)),
  },
  {
    id: "ev_ebit",
    name_ko: "EV/EBIT",
    name_en: "EV / EBIT (TTM)",
    family: "valuation",
    unit: "배",
    direction: "lower",
    formula: "EV / 최근 4분기 영업이익",
    inputs: FM,
    compute: (x) => perPositive(ev(x), ttm(x, "operating_income")),
  },
  {
    id: "ev_sales",
    name_ko: "EV/매출액",
    name_en: "EV / sales (TTM)",
    family: "valuation",
    unit: "배",
    direction: "lower",
    formula: "EV / 최근 4분기 매출액",
    inputs: FM,
    compute: (x) => perPositive(ev(x), ttm(x, "revenue")),
  },
  {
    id: "earnings_yield",
    name_ko: "이익수익률",
    name_en: "Earnings yield (TTM)",
    family: "valuation",
    unit: "%",
    direction: "higher",
    formula: "최근 4분기 당기순이익 / 시가총액 × 100 (손실이면 음수)",
    inputs: FM,
    compute: (x) => pctOfPositive(ttm(x, "net_income"), mcap(x)),
  },
  {
    id: "book_yield",
    name_ko: "장부가/시가",
    name_en: "Book to price",
    family: "valuation",
    unit: "%",
    direction: "higher",
    formula: "자본총계 / 시가총액 × 100 (1/PBR)",
    inputs: FM,
    compute: (x) => pctOfPositive(bal(x, "total_equity"), mcap(x)),
  },
  {
    id: "sales_yield",
    name_ko: "매출액/시가",
    name_en: "Sales to price",
    family: "valuation",
    unit: "%",
    direction: "higher",
    formula: "최근 4분기 매출액 / 시가총액 × 100",
    inputs: FM,
    compute: (x) => pctOfPositive(ttm(x, "revenue"), mcap(x)),
  },
  {
    id: "cf_yield",
    name_ko: "현금흐름수익률",
    name_en: "Operating cash-flow yield",
    family: "valuation",
    unit: "%",
    direction: "higher",
    formula: "최근 4분기 영업활동현금흐름 / 시가총액 × 100",
    inputs: FM,
    compute: (x) => pctOfPositive(ttm(x, "cfo"), mcap(x)),
  },
  {
    id: "fcf_yield",
    name_ko: "잉여현금흐름수익률",
    name_en: "Free cash-flow yield",
    family: "valuation",
    unit: "%",
    direction: "higher",
    formula: "(영업활동현금흐름 − 유형자산 취득) / 시가총액 × 100, 최근 4분기",
    inputs: FM,
    compute: (x) => pctOfPositive(ttm(x, "cfo") - ttm(x, "capex"), mcap(x)),
  },
  {
    id: "dividend_yield",
    name_ko: "배당수익률",
    name_en: "Dividend yield",
    family: "valuation",
    unit: "%",
    direction: "higher",
    formula: "최근 사업보고서의 보통주 주당 현금배당금 / 종가 × 100",
    inputs: ["filings", "close"],
    compute: (x) => pctOfPositive(dps(x), x.close[x.t]),
  },
  {
    id: "eps",
    name_ko: "EPS",
    name_en: "Earnings per share (TTM)",
    family: "valuation",
    unit: "원",
    direction: "higher",
    formula: "최근 4분기 당기순이익 / 주식수 (보고서 주식수, 없으면 상장주식수)",
    inputs: ["filings", "shares"],
    compute: (x) => epsTtm(x),
  },
  {
    id: "bps",
    name_ko: "BPS",
    name_en: "Book value per share",
    family: "valuation",
    unit: "원",
    direction: "higher",
    formula: "자본총계 / 주식수",
    inputs: ["filings", "shares"],
    compute: (x) => bal(x, "total_equity") / sharesAt(x),
  },
  {
    id: "sps",
    name_ko: "SPS",
    name_en: "Sales per share (TTM)",
    family: "valuation",
    unit: "원",
    direction: "higher",
    formula: "최근 4분기 매출액 / 주식수",
    inputs: ["filings", "shares"],
    compute: (x) => ttm(x, "revenue") / sharesAt(x),
  },
  {
    id: "cfps",
    name_ko: "CFPS",
    name_en: "Operating cash flow per share (TTM)",
    family: "valuation",
    unit: "원",
    direction: "higher",
    formula: "최근 4분기 영업활동현금흐름 / 주식수",
    inputs: ["filings", "shares"],
    compute: (x) => ttm(x, "cfo") / sharesAt(x),
  },
  {
    id: "dps",
    name_ko: "주당배당금",
    name_en: "Dividend per share",
    family: "valuation",
    unit: "원",
    direction: "higher",
    formula: "최근 사업보고서 배당에 관한 사항의 보통주 주당 현금배당금",
    inputs: F,
    compute: (x) => dps(x),
  },
  {
    id: "payout_ratio",
    name_ko: "배당성향",
    name_en: "Payout ratio",
    family: "valuation",
    unit: "%",
    direction: "neutral",
    formula: "최근 사업보고서의 (연결)현금배당성향 (공시값)",
    inputs: F,
    compute: (x) => {
      const a = latestAnnual(x);
      return a && a.payout_ratio !== null ? a.payout_ratio : NaN;
    },
  },
  {
    id: "peg",
    name_ko: "PEG",
    name_en: "PER / EPS growth",
    family: "valuation",
    unit: "배",
    direction: "lower",
    formula: "PER / EPS(TTM) 전년 대비 증가율(%); 증가율 ≤ 0 이면 값 없음",
    inputs: FM,
    compute: (x) => {
      const per = perPositive(mcap(x), ttm(x, "net_income"));
      const g = growth(epsTtm(x), epsTtm(x, 1));
      return g > 0 ? per / g : NaN;
    },
  },
  {
    id: "net_cash_to_mcap",
    name_ko: "순현금/시가총액",
    name_en: "Net cash to market cap",
    family: "valuation",
    unit: "%",
    direction: "higher",
    formula: "(현금 − 이자부부채) / 시가총액 × 100",
    inputs: FM,
    compute: (x) => pctOfPositive(bal(x, "cash") - bal(x, "debt"), mcap(x)),
  },
];

// ---------------------------------------------------------------------------------------
// profitability

const margin = (x: X, f: FlowField) => pctOfPositive(ttm(x, f), ttm(x, "revenue"));

const profitability: Indicator[] = [
  {
    id: "roe",
    name_ko: "ROE",
    name_en: "Return on equity (TTM)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "최근 4분기 당기순이익 / 자본총계 × 100",
    inputs: F,
    compute: (x) => pctOfPositive(ttm(x, "net_income"), bal(x, "total_equity")),
  },
  {
    id: "roa",
    name_ko: "ROA",
    name_en: "Return on assets (TTM)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "최근 4분기 당기순이익 / 자산총계 × 100",
    inputs: F,
    compute: (x) => pctOfPositive(ttm(x, "net_income"), bal(x, "total_assets")),
  },
  {
    id: "roic",
    name_ko: "ROIC",
    name_en: "Return on invested capital (TTM)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: `영업이익 × (1 − ${ROIC_TAX_RATE}) / (자본총계 + 이자부부채 − 현금) × 100`,
    inputs: F,
    compute: (x) =>
      pctOfPositive(
        ttm(x, "operating_income") * (1 - ROIC_TAX_RATE),
        bal(x, "total_equity") + bal(x, "debt") - bal(x, "cash"),
      ),
  },
  {
    id: "gross_margin",
    name_ko: "매출총이익률",
    name_en: "Gross margin (TTM)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "매출총이익 / 매출액 × 100, 최근 4분기",
    inputs: F,
    compute: (x) => margin(x, "gross_profit"),
  },
  {
    id: "op_margin",
    name_ko: "영업이익률",
    name_en: "Operating margin (TTM)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "영업이익 / 매출액 × 100, 최근 4분기",
    inputs: F,
    compute: (x) => margin(x, "operating_income"),
  },
  {
    id: "net_margin",
    name_ko: "순이익률",
    name_en: "Net margin (TTM)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "당기순이익 / 매출액 × 100, 최근 4분기",
    inputs: F,
    compute: (x) => margin(x, "net_income"),
  },
  {
    id: "ebitda_margin",
    name_ko: "EBITDA 마진",
    name_en: "EBITDA margin (TTM)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "(영업이익 + 감가상각비) / 매출액 × 100, 최근 4분기",
    inputs: F,
    compute: (x) => pctOfPositive(ebitda(x), ttm(x, "revenue")),
  },
  {
    id: "cfo_margin",
    name_ko: "영업현금흐름 마진",
    name_en: "Operating cash-flow margin (TTM)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "영업활동현금흐름 / 매출액 × 100, 최근 4분기",
    inputs: F,
    compute: (x) => margin(x, "cfo"),
  },
  {
    id: "cfo_to_ni",
    name_ko: "이익의 현금 전환율",
    name_en: "Operating cash flow / net income (TTM)",
    family: "profitability",
    unit: "배",
    direction: "higher",
    formula: "영업활동현금흐름 / 당기순이익; 순손실이면 값 없음",
    inputs: F,
    compute: (x) => perPositive(ttm(x, "cfo"), ttm(x, "net_income")),
  },
  {
    id: "asset_turnover",
    name_ko: "총자산회전율",
    name_en: "Asset turnover (TTM)",
    family: "profitability",
    unit: "배",
    direction: "higher",
    formula: "최근 4분기 매출액 / 자산총계",
    inputs: F,
    compute: (x) => perPositive(ttm(x, "revenue"), bal(x, "total_assets")),
  },
  {
    id: "gp_to_assets",
    name_ko: "매출총이익/자산",
    name_en: "Gross profitability",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "최근 4분기 매출총이익 / 자산총계 × 100",
    inputs: F,
    compute: (x) => pctOfPositive(ttm(x, "gross_profit"), bal(x, "total_assets")),
  },
  {
    id: "accruals",
    name_ko: "발생액 비율",
    name_en: "Accruals to assets",
    family: "profitability",
    unit: "%",
    direction: "lower",
    formula: "(당기순이익 − 영업활동현금흐름) / 자산총계 × 100, 최근 4분기",
    inputs: F,
    compute: (x) => pctOfPositive(ttm(x, "net_income") - ttm(x, "cfo"), bal(x, "total_assets")),
  },
  {
    id: "op_margin_q",
    name_ko: "분기 영업이익률",
    name_en: "Operating margin (latest quarter)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "최근 분기 영업이익 / 최근 분기 매출액 × 100",
    inputs: F,
    compute: (x) => pctOfPositive(x.fund.quarter("operating_income"), x.fund.quarter("revenue")),
  },
  {
    id: "roe_annual",
    name_ko: "ROE (최근 사업연도)",
    name_en: "Return on equity (latest fiscal year)",
    family: "profitability",
    unit: "%",
    direction: "higher",
    formula: "최근 사업보고서 당기순이익 / 같은 보고서 자본총계 × 100",
    inputs: F,
    compute: (x) => {
      const a = latestAnnual(x);
      return a ? pctOfPositive(a.net_income ?? NaN, a.total_equity ?? NaN) : NaN;
    },
  },
];

// ---------------------------------------------------------------------------------------
// growth

const GROWTH_FIELDS: [FlowField, string, string, string][] = [
  ["revenue", "rev", "매출액", "Revenue"],
  ["operating_income", "op", "영업이익", "Operating income"],
  ["net_income", "ni", "순이익", "Net income"],
];

function growthSet(
  id: string,
  ko: string,
  en: string,
  q: (x: X, lag: number) => number,
  t: (x: X, years: number) => number,
): Indicator[] {
  return [
    {
      id: `${id}_yoy`,
      name_ko: `${ko} 증가율 (분기 YoY)`,
      name_en: `${en} growth, quarter YoY`,
      family: "growth",
      unit: "%",
      direction: "higher",
      formula: `(최근 분기 ${ko} / 1년 전 같은 분기 − 1) × 100; 기준이 0 이하면 값 없음`,
      inputs: F,
      compute: (x) => growth(q(x, 0), q(x, 4)),
    },
    {
      id: `${id}_qoq`,
      name_ko: `${ko} 증가율 (QoQ)`,
      name_en: `${en} growth, quarter on quarter`,
      family: "growth",
      unit: "%",
      direction: "higher",
      formula: `(최근 분기 ${ko} / 직전 분기 − 1) × 100`,
      inputs: F,
      compute: (x) => growth(q(x, 0), q(x, 1)),
    },
    {
      id: `${id}_ttm_yoy`,
      name_ko: `${ko} 증가율 (TTM YoY)`,
      name_en: `${en} growth, TTM YoY`,
      family: "growth",
      unit: "%",
      direction: "higher",
      formula: `(최근 4분기 ${ko} / 1년 전 최근 4분기 − 1) × 100`,
      inputs: F,
      compute: (x) => growth(t(x, 0), t(x, 1)),
    },
    {
      id: `${id}_cagr_3y`,
      name_ko: `${ko} 3년 연평균 성장률`,
      name_en: `${en} 3-year CAGR`,
      family: "growth",
      unit: "%",
      direction: "higher",
      formula: `((최근 4분기 ${ko} / 3년 전 최근 4분기)^(1/3) − 1) × 100; 양 끝이 양수일 때만`,
      inputs: F,
      compute: (x) => cagr(t(x, 0), t(x, 3), 3),
    },
  ];
}

const growthIndicators: Indicator[] = [
  ...GROWTH_FIELDS.flatMap(([f, id, ko, en]) =>
    growthSet(id, ko, en, (x, lag) => x.fund.quarter(f, lag), (x, y) => ttm(x, f, y))
  ),
  ...growthSet(
    "eps",
    "EPS",
    "EPS",
    (x, lag) => x.fund.quarter("net_income", lag) / sharesAt(x, Math.floor(lag / 4)),
    (x, y) => epsTtm(x, y),
  ),
  {
    id: "equity_yoy",
    name_ko: "자본총계 증가율",
    name_en: "Equity growth YoY",
    family: "growth",
    unit: "%",
    direction: "higher",
    formula: "(자본총계 / 1년 전 같은 분기말 자본총계 − 1) × 100",
    inputs: F,
    compute: (x) => growth(bal(x, "total_equity"), bal(x, "total_equity", 1)),
  },
  {
    id: "assets_yoy",
    name_ko: "자산총계 증가율",
    name_en: "Asset growth YoY",
    family: "growth",
    unit: "%",
    direction: "neutral",
    formula: "(자산총계 / 1년 전 같은 분기말 자산총계 − 1) × 100",
    inputs: F,
    compute: (x) => growth(bal(x, "total_assets"), bal(x, "total_assets", 1)),
  },
  {
    id: "dps_yoy",
    name_ko: "주당배당금 증가율",
    name_en: "Dividend per share growth",
    family: "growth",
    unit: "%",
    direction: "higher",
    formula: "(최근 사업연도 주당배당금 / 전 사업연도 − 1) × 100",
    inputs: F,
    compute: (x) => growth(dps(x), dps(x, 1)),
  },
  {
    id: "op_margin_chg",
    name_ko: "영업이익률 변화",
    name_en: "Operating margin change YoY",
    family: "growth",
    unit: "%p",
    direction: "higher",
    formula: "최근 4분기 영업이익률 − 1년 전 최근 4분기 영업이익률",
    inputs: F,
    compute: (x) =>
      pctOfPositive(ttm(x, "operating_income"), ttm(x, "revenue")) -
      pctOfPositive(ttm(x, "operating_income", 1), ttm(x, "revenue", 1)),
  },
  {
    id: "cfo_ttm_yoy",
    name_ko: "영업현금흐름 증가율 (TTM)",
    name_en: "Operating cash-flow growth, TTM YoY",
    family: "growth",
    unit: "%",
    direction: "higher",
    formula: "(최근 4분기 영업활동현금흐름 / 1년 전 − 1) × 100",
    inputs: F,
    compute: (x) => growth(ttm(x, "cfo"), ttm(x, "cfo", 1)),
  },
  {
    id: "gp_ttm_yoy",
    name_ko: "매출총이익 증가율 (TTM)",
    name_en: "Gross profit growth, TTM YoY",
    family: "growth",
    unit: "%",
    direction: "higher",
    formula: "(최근 4분기 매출총이익 / 1년 전 − 1) × 100",
    inputs: F,
    compute: (x) => growth(ttm(x, "gross_profit"), ttm(x, "gross_profit", 1)),
  },
];

// ---------------------------------------------------------------------------------------
// stability

/** Piotroski F-score (0–9); NaN unless all nine signals can be evaluated. */
function piotroski(x: X): number {
  const ni = ttm(x, "net_income"), ni1 = ttm(x, "net_income", 1);
  const cfo = ttm(x, "cfo");
  const ta = bal(x, "total_assets"), ta1 = bal(x, "total_assets", 1);
  const ltl = (y: number) =>
    (bal(x, "total_liabilities", y) - bal(x, "current_liabilities", y)) /
    bal(x, "total_assets", y);
  const cr = (y: number) => bal(x, "current_assets", y) / bal(x, "current_liabilities", y);
  const rev = ttm(x, "revenue"), rev1 = ttm(x, "revenue", 1);
  // gross margin, or the operating margin when gross profit is not reported
  let gp = ttm(x, "gross_profit"), gp1 = ttm(x, "gross_profit", 1);
  if (gp !== gp || gp1 !== gp1) {
    (gp = ttm(x, "operating_income"), gp1 = ttm(x, "operating_income", 1));
  }
  const signals = [
    ni / ta > 0,
    cfo > 0,
    ni / ta > ni1 / ta1,
    cfo > ni,
    ltl(0) < ltl(1),
    cr(0) > cr(1),
    bal(x, "capital_stock") <= bal(x, "capital_stock", 1),
    gp / rev > gp1 / rev1,
    rev / ta > rev1 / ta1,
  ];
  const inputs = [ni, ni1, cfo, ta, ta1, ltl(0), ltl(1), cr(0), cr(1), rev, rev1, gp, gp1];
  if (inputs.some((v) => v !== v)) return NaN;
  if (
    bal(x, "capital_stock") !== bal(x, "capital_stock") ||
    bal(x, "capital_stock", 1) !== bal(x, "capital_stock", 1)
  ) {
    return NaN;
  }
  return signals.filter(Boolean).length;
}

const stability: Indicator[] = [
  {
    id: "debt_ratio",
    name_ko: "부채비율",
    name_en: "Liabilities to equity",
    family: "stability",
    unit: "%",
    direction: "lower",
    formula: "부채총계 / 자본총계 × 100; 자본잠식이면 값 없음",
    inputs: F,
    compute: (x) => pctOfPositive(bal(x, "total_liabilities"), bal(x, "total_equity")),
  },
  {
    id: "current_ratio",
    name_ko: "유동비율",
    name_en: "Current ratio",
    family: "stability",
    unit: "%",
    direction: "higher",
    formula: "유동자산 / 유동부채 × 100",
    inputs: F,
    compute: (x) => pctOfPositive(bal(x, "current_assets"), bal(x, "current_liabilities")),
  },
  {
    id: "interest_coverage",
    name_ko: "이자보상배율",
    name_en: "Interest coverage (TTM)",
    family: "stability",
    unit: "배",
    direction: "higher",
    formula: "최근 4분기 영업이익 / 이자비용; 이자비용이 없으면 값 없음",
    inputs: F,
    compute: (x) => perPositive(ttm(x, "operating_income"), ttm(x, "interest_expense")),
  },
  {
    id: "equity_ratio",
    name_ko: "자기자본비율",
    name_en: "Equity to assets",
    family: "stability",
    unit: "%",
    direction: "higher",
    formula: "자본총계 / 자산총계 × 100",
    inputs: F,
    compute: (x) => pctOfPositive(bal(x, "total_equity"), bal(x, "total_assets")),
  },
  {
    id: "net_debt_to_equity",
    name_ko: "순차입금비율",
    name_en: "Net debt to equity",
    family: "stability",
    unit: "%",
    direction: "lower",
    formula: "(이자부부채 − 현금) / 자본총계 × 100",
    inputs: F,
    compute: (x) => pctOfPositive(bal(x, "debt") - bal(x, "cash"), bal(x, "total_equity")),
  },
  {
    id: "debt_to_assets",
    name_ko: "차입금의존도",
    name_en: "Debt to assets",
    family: "stability",
    unit: "%",
    direction: "lower",
    formula: "이자부부채 / 자산총계 × 100",
    inputs: F,
    compute: (x) => pctOfPositive(bal(x, "debt"), bal(x, "total_assets")),
  },
  {
    id: "net_debt_to_ebitda",
    name_ko: "순차입금/EBITDA",
    name_en: "Net debt to EBITDA (TTM)",
    family: "stability",
    unit: "배",
    direction: "lower",
    formula: "(이자부부채 − 현금) / (영업이익 + 감가상각비), 최근 4분기",
    inputs: F,
    compute: (x) => perPositive(bal(x, "debt") - bal(x, "cash"), ebitda(x)),
  },
  {
    id: "cash_ratio",
    name_ko: "현금비율",
    name_en: "Cash ratio",
    family: "stability",
    unit: "%",
    direction: "higher",
    formula: "현금 / 유동부채 × 100",
    inputs: F,
    compute: (x) => pctOfPositive(bal(x, "cash"), bal(x, "current_liabilities")),
  },
  {
    id: "retained_to_capital",
    name_ko: "유보율 (이익잉여금 기준)",
    name_en: "Retained earnings to paid-in capital",
    family: "stability",
    unit: "%",
    direction: "higher",
    formula: "이익잉여금 / 자본금 × 100 (자본잉여금 미포함 근사)",
    inputs: F,
    compute: (x) => pctOfPositive(bal(x, "retained_earnings"), bal(x, "capital_stock")),
  },
  {
    id: "altman_z",
    name_ko: "알트만 Z",
    name_en: "Altman Z-score",
    family: "stability",
    unit: "score",
    direction: "higher",
    formula:
      "1.2·운전자본/자산 + 1.4·이익잉여금/자산 + 3.3·영업이익(TTM)/자산 + 0.6·시가총액/부채 + 1.0·매출액(TTM)/자산",
    inputs: FM,
    compute: (x) => {
      const ta = bal(x, "total_assets");
      const tl = bal(x, "total_liabilities");
      if (!(ta > 0) || !(tl > 0)) return NaN;
      return 1.2 * ((bal(x, "current_assets") - bal(x, "current_liabilities")) / ta) +
        1.4 * (bal(x, "retained_earnings") / ta) +
        3.3 * (ttm(x, "operating_income") / ta) +
        0.6 * (mcap(x) / tl) +
        1.0 * (ttm(x, "revenue") / ta);
    },
  },
  {
    id: "piotroski_f",
    name_ko: "피오트로스키 F-스코어",
    name_en: "Piotroski F-score",
    family: "stability",
    unit: "score",
    direction: "higher",
    formula:
      "9개 신호의 합: ROA>0, 영업CF>0, ΔROA>0, 영업CF>순이익, Δ비유동부채/자산<0, Δ유동비율>0, 자본금 불변, Δ매출총이익률>0(없으면 영업이익률), Δ자산회전율>0",
    inputs: F,
    compute: piotroski,
  },
  {
    id: "wc_to_assets",
    name_ko: "운전자본/자산",
    name_en: "Working capital to assets",
    family: "stability",
    unit: "%",
    direction: "higher",
    formula: "(유동자산 − 유동부채) / 자산총계 × 100",
    inputs: F,
    compute: (x) =>
      pctOfPositive(
        bal(x, "current_assets") - bal(x, "current_liabilities"),
        bal(x, "total_assets"),
      ),
  },
];

/** Every filing-based indicator. */
export const FUNDAMENTAL: readonly Indicator[] = [
  ...valuation,
  ...profitability,
  ...growthIndicators,
  ...stability,
];
