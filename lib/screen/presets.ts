/**
 * Preset screens (가치, 성장, 모멘텀, 배당, 퀄리티, 저변동성, 신규상장): ordinary queries, validated
 * at load, so a preset is also a shareable starting point a user can edit.
 *
 * Every preset leaves out stocks that are halted, administrative (관리종목), under investment
 * warning/risk or in liquidation trading. The fundamental presets use only figures the DART
 * multi-company endpoint provides (revenue, operating and net income, balance sheet, dividends),
 * so they work for every listed company.
 *
 * @module
 */
import { parseScreenQuery, type ScreenQuery } from "./query.ts";
import type { FlagName } from "./types.ts";

/** One preset. */
export interface Preset {
  id: string;
  name_ko: string;
  name_en: string;
  description: string;
  query: ScreenQuery;
}

const EXCLUDE: FlagName[] = [
  "halted",
  "administrative",
  "investment_warning",
  "investment_risk",
  "liquidation_trading",
];

const LIQUID = { op: "gte", ind: "value_avg_20", value: 300_000_000 } as const;

const RAW: Preset[] = [
  {
    id: "value",
    name_ko: "가치",
    name_en: "Value",
    description: "이익 대비 싸고(PER 0–10배) 자산 대비 싸며(PBR < 1) 수익을 내는(ROE > 5%) 종목",
    query: {
      exclude_flags: EXCLUDE,
      where: {
        op: "and",
        of: [
          { op: "between", ind: "per", min: 0, max: 10 },
          { op: "lt", ind: "pbr", value: 1 },
          { op: "gt", ind: "roe", value: 5 },
          LIQUID,
        ],
      },
      sort: [{ by: "per", dir: "asc" }],
      columns: ["price", "mcap", "per", "pbr", "roe", "dividend_yield"],
    },
  },
  {
    id: "growth",
    name_ko: "성장",
    name_en: "Growth",
    description: "최근 4분기 매출·영업이익·EPS가 1년 전보다 15% 이상 늘어난 종목",
    query: {
      exclude_flags: EXCLUDE,
      where: {
        op: "and",
        of: [
          { op: "gt", ind: "rev_ttm_yoy", value: 15 },
          { op: "gt", ind: "op_ttm_yoy", value: 15 },
          { op: "gt", ind: "eps_ttm_yoy", value: 15 },
          LIQUID,
        ],
      },
      sort: [{ by: "rev_ttm_yoy", dir: "desc" }],
      columns: ["price", "mcap", "rev_ttm_yoy", "op_ttm_yoy", "eps_ttm_yoy", "rev_yoy", "per"],
    },
  },
  {
    id: "momentum",
    name_ko: "모멘텀",
    name_en: "Momentum",
    description: "3개월 수익률이 시장 상위 20%이고 60일선 위, 20일선이 60일선 위에 있는 종목",
    query: {
      exclude_flags: EXCLUDE,
      where: {
        op: "and",
        of: [
          { op: "gte", ind: "ret_3m", pct: "market", value: 80 },
          { op: "gt", ind: "price", ref: "sma_60" },
          { op: "gt", ind: "sma_20", ref: "sma_60" },
          LIQUID,
        ],
      },
      sort: [{ by: "ret_3m", dir: "desc" }],
      columns: ["price", "mcap", "ret_1m", "ret_3m", "ret_6m", "dist_sma_60", "rsi_14"],
    },
  },
  {
    id: "dividend",
    name_ko: "배당",
    name_en: "Dividend",
    description: "배당수익률 3% 이상, 배당성향 10–70%, 주당배당금을 줄이지 않은 종목",
    query: {
      exclude_flags: EXCLUDE,
      where: {
        op: "and",
        of: [
          { op: "gte", ind: "dividend_yield", value: 3 },
          { op: "between", ind: "payout_ratio", min: 10, max: 70 },
          { op: "gte", ind: "dps_yoy", value: 0 },
        ],
      },
      sort: [{ by: "dividend_yield", dir: "desc" }],
      columns: ["price", "mcap", "dividend_yield", "dps", "payout_ratio", "dps_yoy"],
    },
  },
  {
    id: "quality",
    name_ko: "퀄리티",
    name_en: "Quality",
    description:
      "ROE 12% 이상(최근 4분기와 최근 사업연도 모두), 영업이익률 8% 이상, 부채비율 100% 미만",
    query: {
      exclude_flags: EXCLUDE,
      where: {
        op: "and",
        of: [
          { op: "gt", ind: "roe", value: 12 },
          { op: "gt", ind: "roe_annual", value: 12 },
          { op: "gt", ind: "op_margin", value: 8 },
          { op: "lt", ind: "debt_ratio", value: 100 },
        ],
      },
      sort: [{ by: "roe", dir: "desc" }],
      columns: ["price", "mcap", "roe", "op_margin", "debt_ratio", "current_ratio"],
    },
  },
  {
    id: "low_volatility",
    name_ko: "저변동성",
    name_en: "Low volatility",
    description: "60일 변동성이 시장 하위 20%이고 베타(250일) 0.8 미만인, 거래가 충분한 종목",
    query: {
      exclude_flags: EXCLUDE,
      where: {
        op: "and",
        of: [
          { op: "lte", ind: "vol_60", pct: "market", value: 20 },
          { op: "lt", ind: "beta_250", value: 0.8 },
          { op: "gte", ind: "value_avg_20", value: 1_000_000_000 },
        ],
      },
      sort: [{ by: "vol_60", dir: "asc" }],
      columns: ["price", "mcap", "vol_60", "beta_250", "mdd_1y", "ret_1y"],
    },
  },
  {
    id: "new_listing",
    name_ko: "신규상장",
    name_en: "New listings",
    description: "상장 1년 이내 종목, 최근 상장 순",
    query: {
      exclude_flags: ["halted", "liquidation_trading"],
      where: { op: "lte", ind: "days_since_listing", value: 365 },
      sort: [{ by: "days_since_listing", dir: "asc" }],
      columns: [
        "price",
        "mcap",
        "days_since_listing",
        "ret_since_offer",
        "first_day_return",
        "ret_1m",
      ],
    },
  },
];

/** The presets, each query validated. */
export const PRESETS: readonly Preset[] = Object.freeze(
  RAW.map((p) => ({ ...p, query: parseScreenQuery(p.query) })),
);

/** The preset with this id, or undefined. */
export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
