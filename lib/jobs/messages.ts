/**
 * Queue messages: each is one unit of work. `key` is the message's natural key plus a
 * content version (e.g. `refresh:00126380:<hash of the filings that caused it>`); a message
 * whose key is already marked done changes nothing.
 *
 * @module
 */

interface Base {
  /** Unique per enqueue (names the dead-letter key). */
  id: string;
  /** Idempotency key: natural key + content version. */
  key: string;
  /** The run that enqueued it (its counts and issues are updated by the handler). */
  run_id: string | null;
  enqueued_at: string;
  /** Failed tries so far (the runtime puts a failed message back with `attempt + 1`). */
  attempt?: number;
  /** Times the message was put back without a try (write contention, a busy worker). */
  deferrals?: number;
}

/** Refetch one company from DART and rebuild its snapshot. */
export interface RefreshCompanyMsg extends Base {
  kind: "refresh_company";
  corp_code: string;
  /** Why: "poll", "weekly", "manual". */
  reason: string;
}

/** Rebuild one company's snapshot from stored data (no source calls). */
export interface RebuildSnapshotMsg extends Base {
  kind: "rebuild_snapshot";
  corp_code: string;
}

/** Collect one DART list.json window (≤ 3 months), page by page, resumable. */
export interface BackfillWindowMsg extends Base {
  kind: "backfill_window";
  source: "dart";
  bgn_de: string;
  end_de: string;
}

/** Rebuild the IPO pipeline (KIND + DART) after new securities filings; its own run. */
export interface RefreshIpoMsg extends Base {
  kind: "refresh_ipo";
  /** Why: "poll", "manual". */
  reason: string;
}

/** Collect one KRX trading day (prices, base info, indices, flows); backfill sends one per day. */
export interface KrxDayMsg extends Base {
  kind: "krx_day";
  /** YYYY-MM-DD (KST). */
  date: string;
}

/** Build the files of one backtest export job. */
export interface BacktestExportMsg extends Base {
  kind: "backtest_export";
  job_id: string;
}

export type JobMessage =
  | RefreshCompanyMsg
  | RebuildSnapshotMsg
  | BackfillWindowMsg
  | RefreshIpoMsg
  | KrxDayMsg
  | BacktestExportMsg;

const KINDS: ReadonlySet<string> = new Set<JobMessage["kind"]>([
  "refresh_company",
  "rebuild_snapshot",
  "backfill_window",
  "refresh_ipo",
  "krx_day",
  "backtest_export",
]);

/** The body of a message before `id` and `enqueued_at` are stamped. */
export type NewJob = JobMessage extends infer M
  ? M extends JobMessage ? Omit<M, "id" | "enqueued_at"> : never
  : never;

/** True for a value that looks like one of our messages (the queue may carry others). */
export function isJobMessage(v: unknown): v is JobMessage {
  if (!v || typeof v !== "object") return false;
  const m = v as Record<string, unknown>;
  return typeof m.id === "string" && typeof m.key === "string" && KINDS.has(String(m.kind));
}

/** A short stable hash (FNV-1a, 32-bit hex) for message versions. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
