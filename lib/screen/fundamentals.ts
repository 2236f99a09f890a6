/**
 * Point-in-time fundamentals: what was public on a given day, and the trailing (TTM) figures
 * built from it. Only filings with `rcept_dt ≤ day` count, and of several versions of one report
 * (amendments) the latest public one — so a screen on a past day sees exactly what an investor
 * could see that day.
 *
 * Reports are indexed by `key = fiscal_year × 4 + quarter − 1`. Flow figures are year to date:
 * - one quarter: `ytd(q) − ytd(q−1)` (1분기: `ytd(1)`);
 * - TTM at quarter q: `ytd(q) + annual(year − 1) − ytd(q of year − 1)`; at q = 4 the annual figure.
 * A figure that needs a missing report or a null value is `NaN`.
 *
 * A company whose latest public report ended more than {@linkcode STALE_DAYS} days before the
 * day has no fundamentals that day (it stopped filing; old figures would mislead a screen).
 *
 * @module
 */
import {
  BALANCE_FIELDS,
  type BalanceField,
  type Filing,
  FLOW_FIELDS,
  type FlowField,
} from "./types.ts";

/** Reports whose period ended longer ago than this are not used (an annual-only filer waits up to ~456 days for its next report). */
export const STALE_DAYS = 500;

const DAY_MS = 86_400_000;
const dayNumber = (ymd: string) => Date.parse(`${ymd}T00:00:00Z`) / DAY_MS;

const FLOW_INDEX = Object.fromEntries(FLOW_FIELDS.map((f, i) => [f, i])) as Record<
  FlowField,
  number
>;
const BALANCE_INDEX = Object.fromEntries(BALANCE_FIELDS.map((f, i) => [f, i])) as Record<
  BalanceField,
  number
>;

const keyOf = (f: Filing) => f.fiscal_year * 4 + f.quarter - 1;
const n = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v);

/** A company's filings sorted by public day, for repeated point-in-time views. */
export class FilingHistory {
  readonly filings: readonly Filing[];
  #views = new Map<number, FundamentalView>();

  constructor(filings: readonly Filing[]) {
    this.filings = [...filings].sort((a, b) =>
      a.rcept_dt < b.rcept_dt ? -1 : a.rcept_dt > b.rcept_dt ? 1 : 0
    );
  }

  /** How many filings were public on `day` (`YYYY-MM-DD`). */
  publicCount(day: string): number {
    const f = this.filings;
    let lo = 0, hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f[mid].rcept_dt <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The view of `day` (cached per set of public filings). */
  at(day: string): FundamentalView {
    const count = this.publicCount(day);
    let v = this.#views.get(count);
    if (!v) {
      v = new FundamentalView(this.filings.slice(0, count));
      this.#views.set(count, v);
    }
    return v.latestKey >= 0 && dayNumber(day) - v.latestEnd > STALE_DAYS ? EMPTY_VIEW : v;
  }
}

/** The fundamentals public on one day. */
export class FundamentalView {
  /** Latest report version per key. */
  readonly #byKey = new Map<number, Filing>();
  /** Key of the latest report (-1: none). */
  readonly latestKey: number = -1;
  /** Day number of the latest report's period end. */
  readonly latestEnd: number = NaN;
  /** Computed figures (a view is shared by every day with the same public filings). */
  readonly #memo = new Map<number, number>();

  constructor(publicFilings: readonly Filing[]) {
    // sorted by rcept_dt: a later version of the same report replaces the earlier one
    for (const f of publicFilings) {
      const k = keyOf(f);
      this.#byKey.set(k, f);
      if (k > this.latestKey) this.latestKey = k;
    }
    if (this.latestKey >= 0) {
      this.latestEnd = dayNumber(this.#byKey.get(this.latestKey)!.period_end);
    }
  }

  /** The latest report (null: none public). */
  get latest(): Filing | null {
    return this.latestKey < 0 ? null : this.#byKey.get(this.latestKey) ?? null;
  }

  /** The report version for `key`, if public. */
  report(key: number): Filing | undefined {
    return this.#byKey.get(key);
  }

  /** Year-to-date value of a flow field in report `key`. */
  ytd(field: FlowField, key: number): number {
    return n(this.#byKey.get(key)?.[field]);
  }

  #cached(key: number, f: () => number): number {
    let v = this.#memo.get(key);
    if (v === undefined) this.#memo.set(key, v = f());
    return v;
  }

  /** One quarter's value: the latest quarter, or `lag` quarters before it. */
  quarter(field: FlowField, lag = 0): number {
    return this.#cached(1_000 + FLOW_INDEX[field] * 64 + lag, () => this.#quarter(field, lag));
  }

  #quarter(field: FlowField, lag: number): number {
    if (this.latestKey < 0) return NaN;
    const k = this.latestKey - lag;
    const q = (k % 4) + 1;
    return q === 1 ? this.ytd(field, k) : this.ytd(field, k) - this.ytd(field, k - 1);
  }

  /** Trailing twelve months at the latest report, or at the same quarter `years` earlier. */
  ttm(field: FlowField, years = 0): number {
    return this.#cached(2_000 + FLOW_INDEX[field] * 64 + years, () => this.#ttm(field, years));
  }

  #ttm(field: FlowField, years: number): number {
    if (this.latestKey < 0) return NaN;
    const k = this.latestKey - 4 * years;
    const q = (k % 4) + 1;
    if (q === 4) return this.ytd(field, k);
    const fy = Math.floor(k / 4);
    return this.ytd(field, k) + this.ytd(field, (fy - 1) * 4 + 3) - this.ytd(field, k - 4);
  }

  /** A balance figure at the latest report, or at the same quarter `years` earlier. */
  balance(field: BalanceField, years = 0): number {
    if (this.latestKey < 0) return NaN;
    return this.#cached(
      3_000 + BALANCE_INDEX[field] * 64 + years,
      () => n(this.#byKey.get(this.latestKey - 4 * years)?.[field]),
    );
  }

  /** The latest annual report (q = 4) public on the day, `years` before the newest one. */
  annual(years = 0): Filing | undefined {
    if (this.latestKey < 0) return undefined;
    const fy = Math.floor((this.latestKey + 1) / 4) - 1; // newest fiscal year with an annual ≤ latest
    return this.#byKey.get((fy - years) * 4 + 3);
  }
}

const EMPTY_VIEW = new FundamentalView([]);
