/**
 * Backtest export jobs in KV: one record per job under `["export_job", id]`, ids time-ordered
 * so the newest list first.
 *
 * Life cycle: PENDING (created by the API) → RUNNING (claimed by a queue worker, with a
 * progress 0–100 and a lease) → SUCCEEDED (with its files) or FAILED (with a masked error).
 * Every write by a worker is an atomic check on the versionstamp it last wrote, so a worker
 * that lost its lease (a redelivered message took over after its process died) can neither
 * report progress nor finish the job: there is never a half-written SUCCEEDED.
 *
 * Files live in the blob store, ref-counted per attempt (owner
 * {@linkcode exportBlobOwner}): a job's files are the blobs its SUCCEEDED attempt
 * references; {@linkcode discardExportAttempt} lets an attempt's go.
 *
 * Deleting a job first marks its record (`deleting_at`, one atomic checked on the record, so
 * a worker holding a lease loses it and no worker claims it again), then lets its blobs go,
 * and deletes the record last: a crash midway leaves a marked record that reads as gone and
 * that a retried delete (or the sweeper) finishes.
 *
 * @module
 */
import type { BacktestExportRequest } from "../export/backtest.ts";
import { maskSecrets } from "../log.ts";
import { abortBlobUploads, releaseBlobs } from "./blobs.ts";
import { keys } from "./keys.ts";
import { timeId } from "./raw.ts";

export type ExportStatus = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED";

/** One stored file of a finished export. */
export interface ExportFileRecord {
  /** File name, e.g. `instrument_daily.parquet`. */
  name: string;
  rows: number;
  bytes: number;
  /** Hex SHA-256 of the file's bytes (also its ETag). */
  sha256: string;
  /** Blob store hash holding the bytes (the same SHA-256: blobs are content-addressed). */
  blob: string;
  content_type: string;
}

/** A backtest export job. */
export interface ExportJob {
  job_id: string;
  status: ExportStatus;
  /** 0–100; 100 only when SUCCEEDED. */
  progress: number;
  /** What the worker is doing ("instrument_daily", "store", …); null when not running. */
  stage: string | null;
  request: BacktestExportRequest;
  /** Directory the files are also written to (`EXPORT_DIR` at creation), or null. */
  export_dir: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Last write by the worker (the lease's heartbeat). */
  updated_at: string;
  /** Workers that claimed the job (more than 1 after a redelivery). */
  attempts: number;
  files: ExportFileRecord[];
  /** Error of a FAILED job, secrets masked. */
  error: string | null;
  /** Set when a delete started: the job reads as gone and is never claimed again. */
  deleting_at?: string;
}

/** A worker's hold on a RUNNING job: the record as it last wrote it and its versionstamp. */
export interface ExportLease {
  job: ExportJob;
  versionstamp: string;
}

/** A RUNNING job whose record was not written for this long is taken over by a redelivery. */
export const EXPORT_LEASE_MS = 60_000;

/** Thrown when a worker's write finds the record changed by another worker. */
export class ExportLeaseLostError extends Error {
  override name = "ExportLeaseLostError";
}

/** Job ids: {@linkcode timeId} (13-digit ms, 4-digit sequence, 6 hex). */
export const EXPORT_JOB_ID_RE = /^\d{17}[0-9a-f]{6}$/;

/** Creates a PENDING job. */
export async function createExportJob(
  kv: Deno.Kv,
  request: BacktestExportRequest,
  opts: { exportDir?: string | null; now?: Date } = {},
): Promise<ExportJob> {
  const now = opts.now ?? new Date();
  const job: ExportJob = {
    job_id: timeId(now.getTime()),
    status: "PENDING",
    progress: 0,
    stage: null,
    request,
    export_dir: opts.exportDir ?? null,
    created_at: now.toISOString(),
    started_at: null,
    finished_at: null,
    updated_at: now.toISOString(),
    attempts: 0,
    files: [],
    error: null,
  };
  const res = await kv.atomic().check({ key: keys.exportJob(job.job_id), versionstamp: null })
    .set(keys.exportJob(job.job_id), job).commit();
  if (!res.ok) throw new Error(`export job ${job.job_id} already exists`);
  return job;
}

/** One job, or null. */
export async function getExportJob(kv: Deno.Kv, jobId: string): Promise<ExportJob | null> {
  return (await kv.get<ExportJob>(keys.exportJob(jobId))).value;
}

/** Jobs, newest first (jobs being deleted left out). */
export async function listExportJobs(
  kv: Deno.Kv,
  opts: { limit?: number } = {},
): Promise<ExportJob[]> {
  const limit = opts.limit ?? 50;
  const out: ExportJob[] = [];
  const iter = kv.list<ExportJob>({ prefix: keys.exportJobPrefix() }, { reverse: true });
  for await (const e of iter) {
    if (e.value.deleting_at) continue;
    out.push(e.value);
    if (out.length >= limit) break;
  }
  return out;
}

/** Every job record with its versionstamp, deleting ones included (for the sweeper). */
export async function listExportJobEntries(kv: Deno.Kv): Promise<Deno.KvEntry<ExportJob>[]> {
  const out: Deno.KvEntry<ExportJob>[] = [];
  for await (const e of kv.list<ExportJob>({ prefix: keys.exportJobPrefix() })) out.push(e);
  return out;
}

/** True while a worker holds a fresh lease on the job (PENDING counts from its creation). */
export function hasFreshLease(job: ExportJob, now = new Date()): boolean {
  return (job.status === "PENDING" || job.status === "RUNNING") &&
    now.getTime() - Date.parse(job.updated_at) < EXPORT_LEASE_MS;
}

/** What {@linkcode claimExportJob} found. */
export type ClaimResult =
  | { claimed: true; lease: ExportLease }
  | { claimed: false; reason: "missing" | "finished" | "running"; job: ExportJob | null };

/**
 * Claims a job for a worker: a PENDING job, or a RUNNING one whose lease expired (its worker
 * died), becomes RUNNING at progress 0 with `attempts + 1`. A finished job, or one another
 * worker is running, is not claimed.
 */
export async function claimExportJob(
  kv: Deno.Kv,
  jobId: string,
  now = new Date(),
): Promise<ClaimResult> {
  const entry = await kv.get<ExportJob>(keys.exportJob(jobId));
  const job = entry.value;
  if (!job) return { claimed: false, reason: "missing", job: null };
  if (job.deleting_at) return { claimed: false, reason: "missing", job };
  if (job.status === "SUCCEEDED" || job.status === "FAILED") {
    return { claimed: false, reason: "finished", job };
  }
  if (
    job.status === "RUNNING" && now.getTime() - Date.parse(job.updated_at) < EXPORT_LEASE_MS
  ) return { claimed: false, reason: "running", job };
  const next: ExportJob = {
    ...job,
    status: "RUNNING",
    progress: 0,
    stage: "start",
    started_at: now.toISOString(),
    updated_at: now.toISOString(),
    attempts: job.attempts + 1,
    files: [],
    error: null,
  };
  const res = await kv.atomic().check(entry).set(keys.exportJob(jobId), next).commit();
  if (!res.ok) return { claimed: false, reason: "running", job };
  return { claimed: true, lease: { job: next, versionstamp: res.versionstamp } };
}

async function write(kv: Deno.Kv, lease: ExportLease, next: ExportJob): Promise<void> {
  const res = await kv.atomic()
    .check({ key: keys.exportJob(next.job_id), versionstamp: lease.versionstamp })
    .set(keys.exportJob(next.job_id), next)
    .commit();
  if (!res.ok) {
    throw new ExportLeaseLostError(`export job ${next.job_id} was taken over by another worker`);
  }
  lease.job = next;
  lease.versionstamp = res.versionstamp;
}

/** Records progress (0–99) and the current stage; also renews the lease. */
export function setExportProgress(
  kv: Deno.Kv,
  lease: ExportLease,
  progress: number,
  stage: string,
  now = new Date(),
): Promise<void> {
  const p = Math.max(0, Math.min(99, Math.floor(progress)));
  return write(kv, lease, { ...lease.job, progress: p, stage, updated_at: now.toISOString() });
}

/** Finishes a job as SUCCEEDED with its files (one atomic write). */
export function succeedExportJob(
  kv: Deno.Kv,
  lease: ExportLease,
  files: ExportFileRecord[],
  now = new Date(),
): Promise<void> {
  const at = now.toISOString();
  return write(kv, lease, {
    ...lease.job,
    status: "SUCCEEDED",
    progress: 100,
    stage: null,
    files,
    finished_at: at,
    updated_at: at,
    error: null,
  });
}

/** Finishes a job as FAILED with a (masked) error; its files are dropped. */
export function failExportJob(
  kv: Deno.Kv,
  lease: ExportLease,
  error: string,
  now = new Date(),
): Promise<void> {
  const at = now.toISOString();
  return write(kv, lease, {
    ...lease.job,
    status: "FAILED",
    stage: null,
    files: [],
    finished_at: at,
    updated_at: at,
    error: maskSecrets(error).slice(0, 2000),
  });
}

/** Marks a job that never started FAILED (e.g. its queue message could not be sent). */
export async function failPendingExportJob(
  kv: Deno.Kv,
  jobId: string,
  error: string,
  now = new Date(),
): Promise<boolean> {
  const entry = await kv.get<ExportJob>(keys.exportJob(jobId));
  if (!entry.value || entry.value.status !== "PENDING") return false;
  const at = now.toISOString();
  const res = await kv.atomic().check(entry).set(
    keys.exportJob(jobId),
    {
      ...entry.value,
      status: "FAILED",
      finished_at: at,
      updated_at: at,
      error: maskSecrets(error).slice(0, 2000),
    } satisfies ExportJob,
  ).commit();
  return res.ok;
}

/** Blob owner of one attempt of a job: what its stored files are referenced as. */
export const exportBlobOwner = (jobId: string, attempt: number) => `export_job:${jobId}:${attempt}`;

/**
 * Lets the blobs of one attempt of a job go: deletes its unfinished uploads and drops its
 * refs, deleting each blob no other owner references (the same bytes in another export stay).
 */
export async function discardExportAttempt(
  kv: Deno.Kv,
  jobId: string,
  attempt: number,
): Promise<{ aborted: number; released: number; deleted: number }> {
  const owner = exportBlobOwner(jobId, attempt);
  const aborted = await abortBlobUploads(kv, owner);
  const r = await releaseBlobs(kv, owner);
  return { aborted, released: r.released, deleted: r.deleted.length };
}

/** What {@linkcode markExportDeleting} found. */
export type MarkDeletingResult =
  | { outcome: "missing" }
  | { outcome: "running"; job: ExportJob }
  | { outcome: "marked"; job: ExportJob };

/**
 * Starts deleting a job: marks its record `deleting_at` (kept when already marked, so a
 * retry goes on). A PENDING or RUNNING job with a fresh lease is left alone ("running"):
 * deleting under its worker would race it. The mark rewrites the record, so a worker whose
 * lease had expired loses it, and no redelivery claims the job afterwards.
 */
export async function markExportDeleting(
  kv: Deno.Kv,
  jobId: string,
  now = new Date(),
): Promise<MarkDeletingResult> {
  for (let i = 0; i < 10; i++) {
    const entry = await kv.get<ExportJob>(keys.exportJob(jobId));
    const job = entry.value;
    if (!job) return { outcome: "missing" };
    if (job.deleting_at) return { outcome: "marked", job };
    if (hasFreshLease(job, now)) return { outcome: "running", job };
    const next: ExportJob = { ...job, deleting_at: now.toISOString() };
    if ((await kv.atomic().check(entry).set(keys.exportJob(jobId), next).commit()).ok) {
      return { outcome: "marked", job: next };
    }
  }
  throw new Error(`export job ${jobId}: too much contention to delete it`);
}

/**
 * Deletes the record of a job marked deleting (it has no other keys: no index refers to an
 * export job). The last step of a delete; false when the record is gone or not marked.
 */
export async function deleteExportRecord(kv: Deno.Kv, jobId: string): Promise<boolean> {
  const entry = await kv.get<ExportJob>(keys.exportJob(jobId));
  if (!entry.value?.deleting_at) return false;
  return (await kv.atomic().check(entry).delete(keys.exportJob(jobId)).commit()).ok;
}

/**
 * Rewrites a job record unchanged, so a worker that still thinks it holds the lease (its
 * versionstamp) loses it at its next write. False when the record changed since `entry`.
 */
export async function fenceExportJob(
  kv: Deno.Kv,
  entry: Deno.KvEntry<ExportJob>,
): Promise<boolean> {
  return (await kv.atomic().check(entry).set(entry.key, entry.value).commit()).ok;
}

/** Parses a blob owner of {@linkcode exportBlobOwner}, or null. */
export function parseExportBlobOwner(owner: string): { jobId: string; attempt: number } | null {
  const m = /^export_job:(\w+):(\d+)$/.exec(owner);
  return m ? { jobId: m[1], attempt: Number(m[2]) } : null;
}
