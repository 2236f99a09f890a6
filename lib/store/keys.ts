/**
 * Every Deno KV key used by kdesk, in one place. No other module builds keys.
 *
 * Naming follows `[<things>, id]` for primary records and `[<things>_by_<field>, value, id]`
 * for secondary indexes (written in the same atomic as the record).
 *
 * @module
 */

export const keys = {
  // --- blobs (content-addressed, gzip, chunked) ---
  blob: (hash: string) => ["blob", hash] as const,
  blobChunk: (hash: string, i: number) => ["blob_chunk", hash, i] as const,

  // --- raw payloads as received ---
  raw: (id: string) => ["raw", id] as const,
  rawPrefix: () => ["raw"] as const,
  rawBySource: (source: string, dataset: string, id: string) =>
    ["raw_by_source", source, dataset, id] as const,
  rawBySourcePrefix: (source: string, dataset?: string) =>
    (dataset ? ["raw_by_source", source, dataset] : ["raw_by_source", source]) as Deno.KvKey,

  // --- corp master (corpCode.xml) ---
  corp: (corpCode: string) => ["corp", corpCode] as const,
  corpPrefix: () => ["corp"] as const,
  corpByStock: (stockCode: string) => ["corp_by_stock", stockCode] as const,
  corpMasterMeta: () => ["corp_master_meta"] as const,

  // --- company data (normalized) ---
  profile: (corpCode: string) => ["company_profile", corpCode] as const,
  disclosure: (rceptNo: string) => ["disclosure", rceptNo] as const,
  disclosureByCorp: (corpCode: string, rceptNo: string) =>
    ["disclosure_by_corp", corpCode, rceptNo] as const,
  disclosureByCorpPrefix: (corpCode: string) => ["disclosure_by_corp", corpCode] as const,
  disclosureByDate: (rceptDt: string, rceptNo: string) =>
    ["disclosure_by_date", rceptDt, rceptNo] as const,
  disclosureByDatePrefix: () => ["disclosure_by_date"] as const,
  /** One statement set; `scope` is "key" (fnlttSinglAcnt) or "full" (fnlttSinglAcntAll). */
  financials: (corpCode: string, year: string, reprt: string, fsDiv: string, scope: string) =>
    ["financials", corpCode, year, reprt, fsDiv, scope] as const,
  /** Prefix of a corp's statements, narrowed by year, then report, then fs_div. */
  financialsPrefix: (corpCode: string, year?: string, reprt?: string, fsDiv?: string) => {
    const k: Deno.KvKeyPart[] = ["financials", corpCode];
    for (const part of [year, reprt, fsDiv]) {
      if (!part) break;
      k.push(part);
    }
    return k as Deno.KvKey;
  },
  indicators: (corpCode: string, year: string, reprt: string) =>
    ["indicators", corpCode, year, reprt] as const,
  indicatorsPrefix: (corpCode: string) => ["indicators", corpCode] as const,

  // --- snapshots (response-shaped documents) ---
  companySnapshot: (corpCode: string) => ["snapshot", "company", corpCode] as const,
  companySnapshotPrefix: () => ["snapshot", "company"] as const,
  snapshotIndex: (corpCode: string) => ["snapshot_index", corpCode] as const,
  snapshotIndexPrefix: () => ["snapshot_index"] as const,
  snapshotEpoch: () => ["snapshot_epoch"] as const,
  corpSearchIndex: () => ["corp_search_index"] as const,
  largeValue: (hash: string) => ["large_value", hash] as const,
  homeSnapshot: () => ["snapshot", "home"] as const,

  // --- operations ---
  rateWindow: (bucket: string, window: string) => ["rate", bucket, window] as const,
  sourceHealth: (source: string) => ["source_health", source] as const,
  syncState: (source: string, job: string) => ["sync_state", source, job] as const,
};
