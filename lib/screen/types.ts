/**
 * The screening domain's input and registry types (issue #16). Self-contained: the indicator
 * engine reads only these records, so it does not depend on how bars, filings or flows are
 * stored (adapters from the source parsers are in `adapters.ts`).
 *
 * **Columnar input** ({@linkcode MarketInput}): one trading-day axis (`dates`, ascending) shared
 * by every instrument; per instrument one typed array per field, `NaN` where the field has no
 * value (before listing, after delisting, a halted day's open/high/low). A listed instrument
 * has a close on every trading day from its first to its last (KRX carries a halted stock's
 * close), so its history is the contiguous run of finite closes.
 *
 * **Fundamentals** are point-in-time filings ({@linkcode Filing}), each with the day it became
 * public (`rcept_dt`): the engine uses a filing only on days on or after it (no look-ahead).
 *
 * @module
 */

/** A numeric series over the trading-day axis (`NaN` = no value). */
export type Series = Float64Array | Float32Array;

/** Markets an instrument can belong to (index into {@linkcode MARKETS} in matrices). */
export const MARKETS = ["KOSPI", "KOSDAQ", "KONEX"] as const;
/** A KRX stock market. */
export type Market = typeof MARKETS[number];

/**
 * Status flags as a bitmask (matrix `flags` column and {@linkcode MarketInput.flags}). Sources:
 * data.krx MDCSTAT02001 (`flagBits` in `adapters.ts`).
 */
export const FLAG_BITS = {
  halted: 1 << 0,
  administrative: 1 << 1,
  investment_caution: 1 << 2,
  investment_warning: 1 << 3,
  investment_risk: 1 << 4,
  caution_reminder: 1 << 5,
  unfaithful_disclosure: 1 << 6,
  liquidation_trading: 1 << 7,
  short_term_overheat: 1 << 8,
  low_liquidity: 1 << 9,
  insufficient_shares: 1 << 10,
} as const;
/** A status flag name. */
export type FlagName = keyof typeof FLAG_BITS;
/** Every flag name, in bit order. */
export const FLAG_NAMES = Object.keys(FLAG_BITS) as FlagName[];

/** Static facts of one instrument. */
export interface InstrumentInfo {
  code: string;
  name: string;
  market: Market;
  /** 업종 / 소속부; null when unknown. */
  sector: string | null;
  /** 상장일 `YYYY-MM-DD`; null when unknown (IPO indicators are then null). */
  listing_date: string | null;
  /** 공모가 (원) for IPOs; null otherwise. */
  offer_price: number | null;
  /** 유동주식비율 (0..1); null when unknown. */
  float_ratio: number | null;
  /** Index code of the benchmark (a key of {@linkcode MarketInput.index}), e.g. `KOSPI`. */
  benchmark: string;
}

/** The investor types of the flow indicators (data.krx MDCSTAT02401 `invstTpCd`). */
export const INVESTORS = {
  foreign: { code: "9000", ko: "외국인", en: "foreigners" },
  institution: { code: "7050", ko: "기관합계", en: "institutions" },
  individual: { code: "8000", ko: "개인", en: "individuals" },
  pension: { code: "6000", ko: "연기금", en: "pension funds" },
  financial_investment: { code: "1000", ko: "금융투자", en: "financial investment" },
  investment_trust: { code: "3000", ko: "투신", en: "investment trusts" },
  private_fund: { code: "3100", ko: "사모", en: "private funds" },
  other_corporation: { code: "7100", ko: "기타법인", en: "other corporations" },
} as const;
/** A flow investor key. */
export type InvestorKey = keyof typeof INVESTORS;
/** Every flow investor key. */
export const INVESTOR_KEYS = Object.keys(INVESTORS) as InvestorKey[];

/**
 * One company report as it became public (DART 정기보고서; 1분기 = 1 … 사업보고서 = 4). Flow
 * figures are **year to date** of the fiscal year (as DART's `thstrm_add_amount`); balance
 * figures are at `period_end`. `null` = not reported. An amended report is another Filing for
 * the same `fiscal_year`/`quarter` with a later `rcept_dt`; on any day the latest public
 * version counts.
 */
export interface Filing {
  /** Public day `YYYY-MM-DD` (DART 접수일). */
  rcept_dt: string;
  fiscal_year: number;
  quarter: 1 | 2 | 3 | 4;
  /** `YYYY-MM-DD`. */
  period_end: string;
  consolidated: boolean;
  // year-to-date flows (원)
  revenue: number | null;
  gross_profit: number | null;
  operating_income: number | null;
  pretax_income: number | null;
  net_income: number | null;
  /** 영업활동현금흐름. */
  cfo: number | null;
  /** 유형자산 취득 (a positive amount). */
  capex: number | null;
  /** 감가상각비 + 무형자산상각비. */
  depreciation: number | null;
  interest_expense: number | null;
  // balances at period end (원)
  total_assets: number | null;
  total_liabilities: number | null;
  total_equity: number | null;
  current_assets: number | null;
  current_liabilities: number | null;
  cash: number | null;
  /** Interest-bearing debt (차입금 + 사채 + 리스부채). */
  debt: number | null;
  capital_stock: number | null;
  retained_earnings: number | null;
  /** Shares outstanding at period end (for per-share figures); null → the day's listed shares. */
  shares: number | null;
  /** Annual cash dividend per common share (원), from 배당에 관한 사항; annual reports only. */
  dps: number | null;
  /** 현금배당성향 (%) as reported. */
  payout_ratio: number | null;
}

/** The numeric fields of a {@linkcode Filing}. */
export type FilingField = Exclude<
  keyof Filing,
  "rcept_dt" | "fiscal_year" | "quarter" | "period_end" | "consolidated"
>;

/** Year-to-date flow fields (summed into TTM values). */
export const FLOW_FIELDS = [
  "revenue",
  "gross_profit",
  "operating_income",
  "pretax_income",
  "net_income",
  "cfo",
  "capex",
  "depreciation",
  "interest_expense",
] as const satisfies readonly FilingField[];
/** A year-to-date flow field. */
export type FlowField = typeof FLOW_FIELDS[number];

/** Balance-sheet fields (taken at the latest period end). */
export const BALANCE_FIELDS = [
  "total_assets",
  "total_liabilities",
  "total_equity",
  "current_assets",
  "current_liabilities",
  "cash",
  "debt",
  "capital_stock",
  "retained_earnings",
  "shares",
] as const satisfies readonly FilingField[];
/** A balance field. */
export type BalanceField = typeof BALANCE_FIELDS[number];

/** Daily bar fields of {@linkcode MarketInput.bars}. */
export const BAR_KEYS = [
  "open",
  "high",
  "low",
  "close",
  "volume",
  "value",
  "mcap",
  "shares",
] as const;
/** A bar field. */
export type BarKey = typeof BAR_KEYS[number];

/** Everything the indicators read, columnar over one trading-day axis. */
export interface MarketInput {
  /** Trading days `YYYY-MM-DD`, ascending (the axis of every series). */
  dates: string[];
  instruments: InstrumentInfo[];
  /** Per field, one series per instrument (same order as `instruments`). */
  bars: Record<BarKey, Series[]>;
  /** Index closes by index code (the benchmarks). */
  index: Record<string, Series>;
  /** Per instrument, its filings in any order. */
  filings: Filing[][];
  /** Per investor type, per instrument, 순매수 거래대금 (원) per day; NaN = day not collected. */
  flows?: Partial<Record<InvestorKey, Series[]>>;
  /** Per instrument, 외국인 지분율 (%) per day. */
  foreign_pct?: Series[];
  /** Per instrument, 외국인 한도소진율 (%) per day. */
  foreign_limit_pct?: Series[];
  /** Per instrument, the status-flag bitmask per day ({@linkcode FLAG_BITS}). */
  flags?: Uint16Array[];
}

/** Indicator families. */
export const FAMILIES = [
  "returns",
  "moving_average",
  "oscillator",
  "volatility",
  "liquidity",
  "range_52w",
  "valuation",
  "profitability",
  "growth",
  "stability",
  "flows",
  "size",
  "ipo",
] as const;
/** An indicator family. */
export type Family = typeof FAMILIES[number];

/** Korean names of the families. */
export const FAMILY_KO: Record<Family, string> = {
  returns: "수익률",
  moving_average: "이동평균",
  oscillator: "오실레이터",
  volatility: "변동성",
  liquidity: "거래량·유동성",
  range_52w: "52주 고저",
  valuation: "가치",
  profitability: "수익성",
  growth: "성장성",
  stability: "안정성",
  flows: "수급",
  size: "규모",
  ipo: "신규상장",
};

/** Units of indicator values. */
export type Unit =
  | "%"
  | "%p"
  | "원"
  | "주"
  | "배"
  | "days"
  | "score"
  | "ratio"
  | "flag";

/** Whether a higher value is better, worse, or neither. */
export type Direction = "higher" | "lower" | "neutral";

/** What an indicator reads. */
export type InputKind =
  | "close"
  | "open"
  | "high"
  | "low"
  | "volume"
  | "value"
  | "mcap"
  | "shares"
  | "index"
  | "filings"
  | "flows"
  | "foreign"
  | "listing";
