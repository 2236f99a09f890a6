/**
 * Date windows of the market-data API and the price chart: named ranges (`1M` … `MAX`)
 * ending at a day, and calendar arithmetic on `YYYY-MM-DD` strings.
 *
 * Plain TypeScript with no imports, so the PriceChart island bundles it too.
 *
 * @module
 */

/** Named windows, shortest first. `MAX` is everything stored. */
export const RANGES = ["1M", "3M", "6M", "1Y", "5Y", "10Y", "MAX"] as const;
export type RangeKey = typeof RANGES[number];

/** The ranges the company-page chart offers. */
export const CHART_RANGES = ["1M", "3M", "1Y", "5Y"] as const satisfies readonly RangeKey[];
export type ChartRange = typeof CHART_RANGES[number];

/** Korean labels of the ranges. */
export const RANGE_LABEL: Record<RangeKey, string> = {
  "1M": "1개월",
  "3M": "3개월",
  "6M": "6개월",
  "1Y": "1년",
  "5Y": "5년",
  "10Y": "10년",
  MAX: "전체",
};

const MONTHS: Record<Exclude<RangeKey, "MAX">, number> = {
  "1M": 1,
  "3M": 3,
  "6M": 6,
  "1Y": 12,
  "5Y": 60,
  "10Y": 120,
};

/** The earliest date any KRX series can have (the exchange opened in 1956). */
export const EPOCH_DATE = "1956-01-01";

/**
 * Adds days to a `YYYY-MM-DD` date (negative to subtract).
 *
 * @example
 * addDays("2026-03-01", -1); // "2026-02-28"
 */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}

/**
 * Subtracts calendar months, clamping to the month's last day.
 *
 * @example
 * minusMonths("2026-03-31", 1); // "2026-02-28"
 */
export function minusMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 - months;
  const d = Number(date.slice(8, 10));
  const first = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/**
 * The first day of the window `range` ending at `to` (inclusive): the N months ending at
 * `to`, so `1Y` ending 2026-11-20 starts 2025-11-21. `MAX` starts at {@linkcode EPOCH_DATE}.
 *
 * @example
 * rangeStart("2026-11-20", "1M"); // "2026-10-21"
 */
export function rangeStart(to: string, range: RangeKey): string {
  if (range === "MAX") return EPOCH_DATE;
  return addDays(minusMonths(to, MONTHS[range]), 1);
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.toISOString().slice(0, 10) === s;
}
