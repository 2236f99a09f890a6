/**
 * KRX price grid (호가가격단위, unified for KOSPI/KOSDAQ/KONEX since 2023-01-25) and the daily
 * ±30 % price limits. Pure TypeScript (no Deno APIs): the Node bridge imports it too.
 *
 * Sources: /work/shared/sources/kiwoom.md §5.3–5.4. The limit rounding
 * `width = floor(base × 0.30 / tick(base)) × tick(base)` fits both known samples
 * (252,500 → 328,000 / 177,000; 60,300 → 78,300 / 42,300) but is inferred, not KRX text.
 *
 * @module
 */

/** [lower bound, tick] bands, highest first. */
const BANDS: ReadonlyArray<readonly [number, number]> = [
  [500_000, 1_000],
  [200_000, 500],
  [50_000, 100],
  [20_000, 50],
  [5_000, 10],
  [2_000, 5],
  [0, 1],
];

/** The tick size for a stock price (KRW). */
export function tickSize(price: number): number {
  for (const [lo, tick] of BANDS) if (price >= lo) return tick;
  return 1;
}

/** Rounds a price down to its tick grid (the band is chosen by the rounded-down price). */
export function floorToTick(price: number): number {
  const t = tickSize(price);
  let p = Math.floor(price / t) * t;
  // Crossing a band edge downwards can leave p off the lower band's grid only if the
  // lower band is finer, which keeps p valid; nothing more to do.
  if (tickSize(p) !== t) p = Math.floor(p / tickSize(p)) * tickSize(p);
  return p;
}

/** True when `price` is a valid KRX order price (on the grid of its own band). */
export function onGrid(price: number): boolean {
  return Number.isInteger(price) && price > 0 && price % tickSize(price) === 0;
}

/** One tick up from a grid price. */
export function tickUp(price: number): number {
  return price + tickSize(price);
}

/** One tick down from a grid price (the tick of the band just below when on an edge). */
export function tickDown(price: number): number {
  const below = price - 1;
  return price - tickSize(below);
}

/** Daily price limits (상한가 / 하한가) from the base price (기준가, normally the previous close). */
export function priceLimits(base: number): { upper: number; lower: number } {
  const t = tickSize(base);
  const width = Math.floor((base * 0.3) / t) * t;
  return { upper: base + width, lower: Math.max(1, base - width) };
}
