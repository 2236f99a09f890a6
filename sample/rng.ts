/**
 * Deterministic randomness for the sample generators: string-seeded mulberry32 streams and
 * a few draws on them. No clock, no `Math.random`: the same label always gives the same
 * sequence.
 *
 * @module
 */

/** A stream of uniform numbers in [0, 1). */
export type Rng = () => number;

/** FNV-1a over UTF-16 code units. */
function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32 seeded from a string. */
export function rngFor(label: string): Rng {
  let a = hashSeed(label);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform draw in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** A uniform integer in [lo, hi]. */
export function intIn(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** 1 ± up to `spread`. */
export function jitter(rng: Rng, spread: number): number {
  return 1 + uniform(rng, -spread, spread);
}

/** One item, uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}
