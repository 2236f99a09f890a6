/**
 * Adapters from the source parsers' records to the screening inputs of `types.ts`:
 *
 * - DART fnlttMultiAcnt figures (+ alotMatter dividends) → {@linkcode Filing}. The multi-company
 *   endpoint has only the headline accounts: gross profit, cash flows, depreciation, interest,
 *   cash and debt stay null (indicators that need them have no value until a source such as
 *   fnlttSinglAcntAll fills them);
 * - data.krx MDCSTAT02001 status flags → the {@linkcode FLAG_BITS} mask;
 * - data.krx MDCSTAT02401 / MDCSTAT03701 daily answers → one day of the flow and foreign
 *   ownership series.
 *
 * @module
 */
import type { DividendFigures, MultiAcntFigures } from "../sources/dart/multi_types.ts";
import type {
  ForeignHolding,
  NetPurchaseAnswer,
  StatusFlag,
} from "../sources/krx/datakrx_screens_types.ts";
import { type Filing, FLAG_BITS, type Series } from "./types.ts";

/**
 * A {@linkcode Filing} from one company's report figures. With `dividends` (the same report's
 * alotMatter answer), `dps` is the common-share DPS, 0 when the answer says `-` (no dividend);
 * without, `dps` is null (unknown).
 */
export function filingFromFigures(
  f: MultiAcntFigures,
  dividends?: DividendFigures | null,
): Filing {
  if (f.period_end === null) {
    throw new RangeError(`${f.key} ${f.bsns_year}/${f.reprt_code}: no period end in thstrm_dt`);
  }
  return {
    rcept_dt: f.rcept_dt,
    fiscal_year: f.bsns_year,
    quarter: f.quarter,
    period_end: f.period_end,
    consolidated: f.fs_div === "CFS",
    revenue: f.revenue,
    gross_profit: null,
    operating_income: f.operating_income,
    pretax_income: f.pretax_income,
    net_income: f.net_income,
    cfo: null,
    capex: null,
    depreciation: null,
    interest_expense: null,
    total_assets: f.total_assets,
    total_liabilities: f.total_liabilities,
    total_equity: f.total_equity,
    current_assets: f.current_assets,
    current_liabilities: f.current_liabilities,
    cash: null,
    debt: null,
    capital_stock: f.capital_stock,
    retained_earnings: f.retained_earnings,
    shares: null,
    dps: dividends ? dividends.dps_common ?? 0 : null,
    payout_ratio: dividends ? dividends.payout_ratio : null,
  };
}

const FLAG_OF: Record<StatusFlag, keyof typeof FLAG_BITS> = {
  halted: "halted",
  liquidation_trading: "liquidation_trading",
  administrative: "administrative",
  caution_reminder: "caution_reminder",
  unfaithful_disclosure: "unfaithful_disclosure",
  low_liquidity: "low_liquidity",
  insufficient_shares: "insufficient_shares",
  short_term_overheat: "short_term_overheat",
  investment_caution: "investment_caution",
  investment_warning: "investment_warning",
  investment_risk: "investment_risk",
};

/** The bitmask of the designated (true) flags; unknown (null) flags set no bit. */
export function flagBits(flags: Partial<Record<StatusFlag, boolean | null>>): number {
  let bits = 0;
  for (const [k, v] of Object.entries(flags) as [StatusFlag, boolean | null][]) {
    if (v === true) bits |= FLAG_BITS[FLAG_OF[k]];
  }
  return bits;
}

/**
 * Writes one collected day of one investor type into per-instrument series: every instrument
 * of `codes` gets 0 (collected, not traded by that type), then the answer's net values.
 * The answer must cover exactly that day (`from === to`).
 */
export function putFlowDay(
  series: Series[],
  codeIndex: ReadonlyMap<string, number>,
  t: number,
  answer: NetPurchaseAnswer,
): void {
  if (answer.from !== answer.to) {
    throw new RangeError(`a flow day needs a one-day answer, got ${answer.from}..${answer.to}`);
  }
  for (const i of codeIndex.values()) series[i][t] = 0;
  for (const r of answer.rows) {
    const i = codeIndex.get(r.code);
    if (i !== undefined) series[i][t] = r.net_value;
  }
}

/** Writes one day of foreign ownership (지분율, 한도소진율) into per-instrument series. */
export function putForeignDay(
  pct: Series[],
  limitPct: Series[],
  codeIndex: ReadonlyMap<string, number>,
  t: number,
  rows: readonly ForeignHolding[],
): void {
  for (const r of rows) {
    const i = codeIndex.get(r.code);
    if (i === undefined) continue;
    pct[i][t] = r.foreign_pct ?? NaN;
    limitPct[i][t] = r.foreign_limit_exhaustion_pct ?? NaN;
  }
}
