/**
 * The indicator registry: every indicator once, in a fixed order (the column order of the
 * day matrices). Ids are unique ASCII (`[a-z0-9_]`), checked at load.
 *
 * @module
 */
import { FUNDAMENTAL } from "./indicators/fundamental.ts";
import { MARKET } from "./indicators/market.ts";
import { TECHNICAL } from "./indicators/technical.ts";
import type { Indicator } from "./indicators/def.ts";
import { FAMILIES, type Family } from "./types.ts";

export type { Indicator } from "./indicators/def.ts";

/** Every indicator, in matrix column order. */
export const INDICATORS: readonly Indicator[] = Object.freeze([
  ...TECHNICAL,
  ...FUNDAMENTAL,
  ...MARKET,
]);

/** Every indicator id, in matrix column order. */
export const INDICATOR_IDS: readonly string[] = Object.freeze(INDICATORS.map((d) => d.id));

const BY_ID = new Map<string, Indicator>();
for (const d of INDICATORS) {
  if (!/^[a-z][a-z0-9_]*$/.test(d.id)) throw new Error(`indicator id ${d.id} is not [a-z0-9_]`);
  if (BY_ID.has(d.id)) throw new Error(`indicator id ${d.id} is defined twice`);
  if (!FAMILIES.includes(d.family)) throw new Error(`indicator ${d.id}: unknown family`);
  BY_ID.set(d.id, d);
}

/** The indicator with this id, or undefined. */
export function indicatorById(id: string): Indicator | undefined {
  return BY_ID.get(id);
}

/** How many indicators each family has. */
export function familyCounts(list: readonly Indicator[] = INDICATORS): Record<Family, number> {
  const out = Object.fromEntries(FAMILIES.map((f) => [f, 0])) as Record<Family, number>;
  for (const d of list) out[d.family]++;
  return out;
}
