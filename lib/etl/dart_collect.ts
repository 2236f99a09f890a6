/**
 * Market-wide DART collection: the corp master and the disclosure feed.
 *
 * @module
 */
import { log } from "../log.ts";
import { type CorpMasterResult, upsertCorpMaster } from "../store/corps.ts";
import { type DartApi, mergeDisclosures } from "./company.ts";
import { normalizeCorp, normalizeListItem } from "./normalize.ts";
import type { Corp, Disclosure } from "./schemas.ts";

type Row = Record<string, string | undefined>;

/** The corp-master call (implemented by `DartClient`). */
export interface CorpCodeApi {
  corpCodes(): Promise<{ data: unknown[] }>;
}

/**
 * Downloads corpCode.xml and stores what changed. Rows that fail validation are skipped and
 * counted, not fatal: one bad row must not block 100,000 good ones.
 */
export async function syncCorpMaster(
  kv: Deno.Kv,
  dart: CorpCodeApi,
): Promise<CorpMasterResult & { invalid: number }> {
  const r = await dart.corpCodes();
  const corps: Corp[] = [];
  let invalid = 0;
  for (const row of r.data as Row[]) {
    try {
      corps.push(normalizeCorp(row));
    } catch {
      invalid++;
    }
  }
  if (invalid) log.warn("corp master rows skipped", { invalid });
  return { ...(await upsertCorpMaster(kv, corps)), invalid };
}

/**
 * Collects all disclosures filed in a date range (all versions, so chains can be built),
 * merges them into the store and returns the new or changed ones.
 */
export async function collectDisclosures(
  kv: Deno.Kv,
  dart: Pick<DartApi, "listAll">,
  range: { bgn_de: string; end_de: string },
): Promise<{ fetched: number; touched: Disclosure[]; calls: number }> {
  const { items, calls } = await dart.listAll({ ...range, last_reprt_at: "N" });
  const normalized: Disclosure[] = [];
  for (const row of items as Row[]) {
    try {
      normalized.push(normalizeListItem(row));
    } catch (e) {
      log.warn("disclosure row skipped", { rcept_no: row.rcept_no, error: e as Error });
    }
  }
  const touched = await mergeDisclosures(kv, normalized);
  return { fetched: items.length, touched, calls };
}
