/**
 * The shape of one registry entry, and small helpers the family modules share.
 *
 * @module
 */
import type { InstrumentCtx } from "../context.ts";
import type { Direction, Family, InputKind, Unit } from "../types.ts";

/** One indicator of the registry. `compute` returns `NaN` for "no value". */
export interface Indicator {
  /** Stable ASCII id (`rsi_14`), used in queries, matrices and URLs. */
  id: string;
  name_ko: string;
  name_en: string;
  family: Family;
  unit: Unit;
  direction: Direction;
  /** The formula in words and symbols, shown next to the value. */
  formula: string;
  inputs: InputKind[];
  /**
   * Bars of history the value needs (first defined on the `lookback`-th bar), for price
   * indicators; absent when the value depends on filings, flows or the calendar instead.
   */
  lookback?: number;
  /** The value for the context's instrument on its day `ctx.t`. */
  compute: (ctx: InstrumentCtx) => number;
}

/** Percent of a fraction. */
export const pct = (f: number) => f * 100;

/** `a / b`, NaN unless `b > 0`. */
export const perPositive = (a: number, b: number) => (b > 0 ? a / b : NaN);

/** `a / b` × 100, NaN unless `b > 0`. */
export const pctOfPositive = (a: number, b: number) => (b > 0 ? (a / b) * 100 : NaN);

/** Growth `cur / base − 1` in %, NaN unless `base > 0` (no growth from a loss). */
export const growth = (cur: number, base: number) => (base > 0 ? (cur / base - 1) * 100 : NaN);

/** Compound annual growth over `years` in %, NaN unless both ends are positive. */
export const cagr = (cur: number, base: number, years: number) =>
  cur > 0 && base > 0 ? (Math.pow(cur / base, 1 / years) - 1) * 100 : NaN;

/** Annualisation factor for daily volatility (250 trading days). */
export const ANNUAL = Math.sqrt(250);
