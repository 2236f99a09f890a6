/**
 * Test helpers shared by the bridge's tests (Node) and kdesk's simulator tests (Deno): a
 * seeded random source and the number of KRX grid steps between two prices.
 */
import assert from "node:assert/strict";
import { tickUp } from "../../lib/market/tick_size.ts";

/** A seeded linear congruential generator in [0, 1). */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Grid steps between two grid prices (stepping with tickUp across band edges). */
export function ticksBetween(a: number, b: number): number {
  let [lo, hi] = a < b ? [a, b] : [b, a];
  let n = 0;
  for (; lo < hi; n++) lo = tickUp(lo);
  assert.equal(lo, hi, `${a} and ${b} on one grid`);
  return n;
}
