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
  blobPrefix: () => ["blob"] as const,
  blobChunk: (hash: string, i: number) => ["blob_chunk", hash, i] as const,
  /** A chunk of a streamed blob, stored under its upload id (the hash comes at the end). */
  blobPart: (upload: string, i: number) => ["blob_part", upload, i] as const,
  blobPartPrefix: (upload?: string) =>
    (upload ? ["blob_part", upload] : ["blob_part"]) as Deno.KvKey,
  /** An unfinished streamed upload (BlobUpload); gone once its blob's meta is written. */
  blobUpload: (upload: string) => ["blob_upload", upload] as const,
  blobUploadPrefix: () => ["blob_upload"] as const,
  /** An owner's reference to a ref-counted blob, and the same by owner. */
  blobRef: (hash: string, owner: string) => ["blob_ref", hash, owner] as const,
  blobRefPrefix: (hash: string) => ["blob_ref", hash] as const,
  blobRefByOwner: (owner: string, hash: string) => ["blob_ref_by_owner", owner, hash] as const,
  blobRefByOwnerPrefix: (owner: string) => ["blob_ref_by_owner", owner] as const,
  blobRefByOwnerAll: () => ["blob_ref_by_owner"] as const,

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

  // --- live prices (lib/store/ticks.ts) ---
  /** Latest tick of a code (StoredTick). */
  tickLatest: (code: string) => ["tick_latest", code] as const,
  tickLatestPrefix: () => ["tick_latest"] as const,
  /** Short per-code history: slot = per-code count modulo the history length. */
  tickHistory: (code: string, slot: number) => ["tick_history", code, slot] as const,
  tickHistoryPrefix: (code: string) => ["tick_history", code] as const,
  /** Latest order book of a code (StoredBook). */
  bookLatest: (code: string) => ["book_latest", code] as const,
  /** Feed head {seq, writer}: its versionstamp changes on every ingest (poll fallback). */
  tickFeedHead: () => ["tick_feed_head"] as const,
  /** A code viewed recently (live page or stream), value = epoch ms; expires. */
  liveView: (code: string) => ["live_view", code] as const,
  liveViewPrefix: () => ["live_view"] as const,
  /** A bridge batch id already stored (retries of it are duplicates); expires. */
  ingestBatch: (batchId: string) => ["ingest_batch", batchId] as const,

  // --- IPO pipeline (lib/store/ipo.ts) ---
  /** One reconciled deal (StoredJson). */
  ipoItem: (pipelineId: string) => ["ipo_item", pipelineId] as const,
  ipoItemPrefix: () => ["ipo_item"] as const,
  /** Input fingerprint of a deal: a deal is rebuilt only when it changes. */
  ipoItemHash: (pipelineId: string) => ["ipo_item_hash", pipelineId] as const,
  ipoItemHashPrefix: () => ["ipo_item_hash"] as const,
  /** Deals of a company, for the company export. */
  ipoByCorp: (corpCode: string, pipelineId: string) =>
    ["ipo_by_corp", corpCode, pipelineId] as const,
  ipoByCorpPrefix: (corpCode: string) => ["ipo_by_corp", corpCode] as const,
  /** A pipeline id a refresh replaced (D… → K… once KIND lists the deal) → the current id. */
  ipoAlias: (oldId: string) => ["ipo_alias", oldId] as const,
  ipoAliasPrefix: () => ["ipo_alias"] as const,
  /** One deal snapshot (StoredJson). */
  ipoDealSnapshot: (pipelineId: string) => ["snapshot", "ipo_deal", pipelineId] as const,
  /** The pipeline snapshot: its header (status) and a pointer to the rows blob. */
  ipoPipelineSnapshot: () => ["snapshot", "ipo_pipeline"] as const,
  /** Bumped on every IPO snapshot write; readers poll it to drop caches. */
  ipoEpoch: () => ["ipo_epoch"] as const,
  /** DART facts of one filing (estkRs or [발행조건확정] document), fetched once. */
  ipoDartFacts: (kind: "estk" | "doc", rceptNo: string) =>
    ["ipo_dart_facts", kind, rceptNo] as const,
  /** Last KIND rows read, kept so a later KIND failure can still rebuild from them. */
  ipoKindState: () => ["ipo_kind_state"] as const,

  // --- KRX market data (lib/store/market.ts) ---
  /** One instrument (StoredInstrument), by short code. */
  instrument: (code: string) => ["krx_instrument", code] as const,
  instrumentPrefix: () => ["krx_instrument"] as const,
  /** ISIN → short code. */
  instrumentByIsin: (isin: string) => ["krx_instrument_by_isin", isin] as const,
  /** One instrument's daily bars of one calendar year, packed columns (Uint8Array). */
  barYear: (code: string, year: number) => ["krx_bars", code, year] as const,
  barYearPrefix: (code: string) => ["krx_bars", code] as const,
  /** One market's cross-section of one day: DayMeta pointing at a packed blob. */
  barDay: (date: string, market: string) => ["krx_day", date, market] as const,
  barDayPrefix: () => ["krx_day"] as const,
  /** Index identity (IndexMeta), by index code. */
  indexMeta: (indexCode: string) => ["krx_index", indexCode] as const,
  indexMetaPrefix: () => ["krx_index"] as const,
  /** One index's bars of one calendar year, packed columns. */
  indexYear: (indexCode: string, year: number) => ["krx_index_bars", indexCode, year] as const,
  /** Investor flows of one market-day. */
  investorFlow: (market: string, date: string) => ["krx_flow", market, date] as const,
  investorFlowPrefix: (market: string) => ["krx_flow", market] as const,
  /** What the collector saw for a day (holiday, counts, run). */
  krxDayStatus: (date: string) => ["krx_day_status", date] as const,
  krxDayStatusPrefix: () => ["krx_day_status"] as const,
  /** Bumped on every market-data write; readers poll it to drop caches. */
  marketEpoch: () => ["market_epoch"] as const,

  // --- backtest exports (lib/export/backtest.ts) ---
  exportJob: (id: string) => ["export_job", id] as const,
  exportJobPrefix: () => ["export_job"] as const,

  // --- operations ---
  rateWindow: (bucket: string, window: string) => ["rate", bucket, window] as const,
  sourceHealth: (source: string) => ["source_health", source] as const,
  syncState: (source: string, job: string) => ["sync_state", source, job] as const,

  // --- jobs: queue bookkeeping, runs, data quality (issue #5) ---
  /** Marker of a processed queue message, by its natural key + content version. */
  jobDone: (key: string) => ["job_done", key] as const,
  /** Where KV writes an undeliverable message (`keysIfUndelivered`), by message id. */
  deadLetter: (id: string) => ["dead_letter", id] as const,
  deadLetterPrefix: () => ["dead_letter"] as const,
  /** KvU64 counters: "enqueued", "processed", "dropped". */
  jobCounter: (name: string) => ["job_counter", name] as const,
  /**
   * A message enqueued and not yet processed or dropped, by message id (set in the enqueue's
   * atomic, deleted in the one that counts it processed: a redelivery cannot count twice).
   */
  jobPending: (id: string) => ["job_pending", id] as const,
  collectionRun: (id: string) => ["collection_run", id] as const,
  collectionRunPrefix: () => ["collection_run"] as const,
  /**
   * KvU64 counters of a run that its queue messages and writers add to (`sum`, so concurrent
   * writers never conflict): fetched, new, changed, failed, api_calls, issues, units.
   */
  runCounter: (runId: string, name: string) => ["run_counter", runId, name] as const,
  runCounterPrefix: (runId: string) => ["run_counter", runId] as const,
  runCounterRoot: () => ["run_counter"] as const,
  /** A finished unit of a run's queued work (one KRX day of a backfill): done or failed. */
  runUnit: (runId: string, unit: string) => ["run_unit", runId, unit] as const,
  qualityIssue: (id: string) => ["quality_issue", id] as const,
  qualityIssuePrefix: () => ["quality_issue"] as const,
  qualityIssueByRun: (runId: string, id: string) => ["quality_issue_by_run", runId, id] as const,
  qualityIssueByRunPrefix: (runId: string) => ["quality_issue_by_run", runId] as const,
  /** The field-set hash of a source dataset's responses (schema-change detection). */
  datasetSchema: (source: string, dataset: string) => ["dataset_schema", source, dataset] as const,
  datasetSchemaPrefix: () => ["dataset_schema"] as const,
};
