/**
 * The backtest export job (queue message `backtest_export`): claims the job record, builds
 * the files (`lib/export/backtest.ts`) and streams each into the blob store as it is built
 * (and into `<export_dir>/<job_id>/` when the job was created with an export directory, with
 * a `manifest.json`), then finishes the record as SUCCEEDED in one atomic write, or FAILED
 * with a masked error. No file is held whole in memory.
 *
 * Redelivery is safe: a finished job is left alone; a job another worker is running (its
 * lease is fresh) makes the message throw so the queue tries again later; a job whose worker
 * died (stale lease) is claimed again and rebuilt from the start. The directory is written
 * under a temporary name and renamed into place, so it never holds a partial export.
 *
 * Blobs: each attempt stores its files as owner `export_job:<id>:<attempt>` (ref-counted, see
 * `lib/store/blobs.ts`). A FAILED job releases every attempt's blobs, and a SUCCEEDED one the
 * earlier attempts': a blob is deleted only when no other owner (another export with the same
 * bytes) still references it. A worker that loses its lease releases its own attempt's.
 * Uploads an attempt left unfinished, and its temporary directory, go the same way.
 *
 * {@linkcode deleteBacktestExport} removes a finished (or abandoned) export: its blobs, its
 * directory and its record. {@linkcode sweepExports} (the daily `exports_sweep` schedule)
 * lets go what workers that died, and whose message never came back, left behind.
 *
 * @module
 */
import {
  buildBacktestExport,
  EXPORT_TABLE_NAMES,
  exportManifest,
  type ExportTableName,
} from "../export/backtest.ts";
import { log, maskSecrets } from "../log.ts";
import {
  abortBlobUpload,
  abortBlobUploads,
  listBlobOwners,
  listBlobUploads,
  putBlobStream,
  releaseBlobs,
} from "../store/blobs.ts";
import {
  claimExportJob,
  deleteExportRecord,
  discardExportAttempt,
  exportBlobOwner,
  type ExportFileRecord,
  type ExportJob,
  type ExportLease,
  ExportLeaseLostError,
  failExportJob,
  fenceExportJob,
  hasFreshLease,
  listExportJobEntries,
  markExportDeleting,
  parseExportBlobOwner,
  setExportProgress,
  succeedExportJob,
} from "../store/exports.ts";
import type { JobsContext } from "./runtime.ts";

/** Options of {@linkcode runBacktestExport} (tests and the benchmark). */
export interface RunExportOptions {
  /** Minimum time between progress writes (default 250 ms). */
  progressEveryMs?: number;
  /** Rows per writer batch (default 100,000). */
  batchRows?: number;
}

const order = (name: string) =>
  EXPORT_TABLE_NAMES.indexOf(name.replace(/\.[a-z]+$/, "") as ExportTableName);

async function removeQuietly(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/** Passes a stream's chunks on after writing each to `file` (whole). */
function copyTo(file: Deno.FsFile): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    async transform(chunk, c) {
      for (let off = 0; off < chunk.length;) off += await file.write(chunk.subarray(off));
      c.enqueue(chunk);
    },
  });
}

/** Builds the files of one backtest export job. */
export async function runBacktestExport(
  ctx: JobsContext,
  jobId: string,
  opts: RunExportOptions = {},
): Promise<void> {
  const { kv } = ctx;
  const claim = await claimExportJob(kv, jobId);
  if (!claim.claimed) {
    if (claim.reason === "running") {
      // Another worker holds a fresh lease: try again once it has finished or died.
      throw new Error(`backtest export ${jobId} is being built by another worker`);
    }
    log.info("backtest export skipped", { job_id: jobId, reason: claim.reason });
    return;
  }
  const lease: ExportLease = claim.lease;
  const job = lease.job;
  const t0 = performance.now();
  const every = opts.progressEveryMs ?? 250;
  let lastWrite = 0;
  let lastPct = -1;
  /** Records progress (never backwards: storing a file comes between the build stages). */
  const progress = async (pct: number, stage: string) => {
    const now = performance.now();
    const p = Math.max(lastPct, Math.floor(pct));
    if ((p === lastPct || now - lastWrite < every) && stage === lease.job.stage) return;
    lastWrite = now;
    lastPct = p;
    await setExportProgress(kv, lease, p, stage);
  };

  const finalDir = job.export_dir ? `${job.export_dir}/${jobId}` : null;
  const tmpDir = finalDir ? `${finalDir}.partial-${job.attempts}` : null;
  const owner = exportBlobOwner(jobId, job.attempts);
  /** Releases the blobs, unfinished uploads and temporary directories of `attempts`. */
  const discard = async (attempts: number[]) => {
    for (const a of attempts) {
      try {
        const r = await discardExportAttempt(kv, jobId, a);
        if (r.deleted || r.aborted) {
          log.info("backtest export blobs released", { job_id: jobId, attempt: a, ...r });
        }
        if (finalDir && a !== job.attempts) await removeQuietly(`${finalDir}.partial-${a}`);
      } catch (e) {
        // Logged, not thrown: a later attempt (a retried message) releases these again;
        // once FAILED or SUCCEEDED is written, nothing comes back to them.
        log.warn("backtest export cleanup failed", {
          job_id: jobId,
          attempt: a,
          error: e as Error,
        });
      }
    }
  };
  const earlier = Array.from({ length: job.attempts - 1 }, (_, i) => i + 1);
  let renamed = false;
  try {
    if (tmpDir) {
      await removeQuietly(tmpDir);
      await Deno.mkdir(tmpDir, { recursive: true });
    }
    const files: ExportFileRecord[] = [];
    for await (
      const f of buildBacktestExport(kv, job.request, {
        jobId,
        batchRows: opts.batchRows,
        onProgress: (p, stage) => progress(p, stage),
      })
    ) {
      const file = tmpDir
        ? await Deno.open(`${tmpDir}/${f.name}`, { write: true, createNew: true })
        : null;
      try {
        const body = file ? f.body.pipeThrough(copyTo(file)) : f.body;
        const blob = await putBlobStream(kv, body, f.content_type, { owner });
        files.push({
          name: f.name,
          rows: f.rows,
          bytes: blob.size,
          sha256: blob.hash,
          blob: blob.hash,
          content_type: f.content_type,
        });
      } finally {
        file?.close();
      }
    }
    files.sort((a, b) => order(a.name) - order(b.name));
    const finishedAt = new Date();
    if (tmpDir && finalDir) {
      const manifest = exportManifest({
        ...lease.job,
        status: "SUCCEEDED",
        files,
        finished_at: finishedAt.toISOString(),
      });
      await Deno.writeTextFile(`${tmpDir}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
      await removeQuietly(finalDir);
      await Deno.rename(tmpDir, finalDir);
      renamed = true;
    }
    await succeedExportJob(kv, lease, files, finishedAt);
    // Blobs of attempts that died: this one holds its own refs to the bytes it shares.
    await discard(earlier);
    log.info("backtest export finished", {
      job_id: jobId,
      files: files.length,
      rows: files.reduce((s, f) => s + f.rows, 0),
      bytes: files.reduce((s, f) => s + f.bytes, 0),
      ms: Math.round(performance.now() - t0),
    });
  } catch (e) {
    if (tmpDir) await removeQuietly(tmpDir).catch(() => {});
    if (e instanceof ExportLeaseLostError) {
      // Another worker took the job over; it owns the outcome (and the directory) now.
      log.warn("backtest export lease lost", { job_id: jobId });
      await discard([job.attempts]);
      return;
    }
    // A FAILED job has no files anywhere.
    if (renamed && finalDir) await removeQuietly(finalDir).catch(() => {});
    const error = maskSecrets(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    log.error("backtest export failed", { job_id: jobId, error });
    // Blobs first: should the process die before FAILED is written, the job is still
    // RUNNING and a redelivery rebuilds it.
    await discard([...earlier, job.attempts]);
    try {
      // When this write fails too (KV unavailable) the message throws and is retried; the
      // retry claims the job again once the lease has expired.
      await failExportJob(kv, lease, error);
    } catch (e2) {
      if (!(e2 instanceof ExportLeaseLostError)) throw e2;
      log.warn("backtest export lease lost", { job_id: jobId });
    }
  }
}

/** What {@linkcode deleteBacktestExport} did. */
export type DeleteExportResult =
  | { outcome: "missing" }
  | { outcome: "running"; job: ExportJob }
  | { outcome: "deleted"; released: number; deleted: number; aborted: number; dirs: number };

const PARTIAL_RE = /^(\d{17}[0-9a-f]{6})\.partial-(\d+)$/;

/** Removes `<dir>/<jobId>` and its `.partial-*` siblings; returns how many were there. */
async function removeJobDirs(dir: string, jobId: string): Promise<number> {
  let n = 0;
  const targets = [`${dir}/${jobId}`];
  try {
    for await (const e of Deno.readDir(dir)) {
      const m = PARTIAL_RE.exec(e.name);
      if (m && m[1] === jobId) targets.push(`${dir}/${e.name}`);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    return 0;
  }
  for (const t of targets) {
    try {
      await Deno.remove(t, { recursive: true });
      n++;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return n;
}

/**
 * Deletes an export: "missing" for an unknown job, "running" (nothing done) while a worker
 * holds a fresh lease on it. Otherwise the record is marked deleting first (the job reads
 * as gone and is never claimed again), then every attempt's uploads are aborted and refs
 * released (a blob another export shares stays), `<export_dir>/<job_id>` (and any
 * `.partial-*` of it) is removed, and the record is deleted last. Every step can run twice,
 * so a delete that crashed midway is finished by calling this again.
 */
export async function deleteBacktestExport(
  kv: Deno.Kv,
  jobId: string,
  opts: { now?: Date; exportDir?: string | null } = {},
): Promise<DeleteExportResult> {
  const mark = await markExportDeleting(kv, jobId, opts.now);
  if (mark.outcome !== "marked") return mark;
  const { job } = mark;
  const out = { outcome: "deleted" as const, released: 0, deleted: 0, aborted: 0, dirs: 0 };
  for (let a = 1; a <= job.attempts; a++) {
    const r = await discardExportAttempt(kv, jobId, a);
    out.released += r.released;
    out.deleted += r.deleted;
    out.aborted += r.aborted;
  }
  const dirs = new Set([job.export_dir, opts.exportDir].filter((d): d is string => !!d));
  for (const d of dirs) out.dirs += await removeJobDirs(d, jobId);
  await deleteExportRecord(kv, jobId);
  log.info("backtest export deleted", { job_id: jobId, ...out });
  return out;
}

/** Default grace period of {@linkcode sweepExports}: 6 hours. */
export const EXPORT_SWEEP_GRACE_MS = 6 * 3600_000;

/** Options of {@linkcode sweepExports}. */
export interface SweepExportsOptions {
  now?: Date;
  /** Leftovers younger than this stay (default {@linkcode EXPORT_SWEEP_GRACE_MS}). */
  graceMs?: number;
  /** Directories to look for `.partial-*` in, besides every job's `export_dir`. */
  exportDirs?: string[];
}

/** What {@linkcode sweepExports} removed. */
export interface SweepExportsResult {
  /** Attempts whose leftovers were let go. */
  attempts: number;
  /** Unfinished uploads aborted. */
  aborted: number;
  /** Blob refs dropped. */
  released: number;
  /** Blobs deleted (no ref left). */
  deleted: number;
  /** `.partial-*` directories removed. */
  dirs: number;
  /** Deletes that had crashed midway, finished. */
  jobs: number;
}

/**
 * Lets go what dead workers left: for every attempt (blob owner `export_job:<id>:<n>`) that
 * is not the current attempt of a job with a fresh lease, and whose newest ref or upload is
 * older than the grace period, aborts its uploads and releases its refs (a SUCCEEDED job's
 * current attempt keeps its refs: they are its files). The current attempt of a job whose
 * lease expired is fenced first (its record rewritten), so a worker that wakes up cannot
 * finish with released files. Also removes stale `.partial-*` directories and finishes
 * deletes that crashed midway (marked longer ago than the grace period).
 */
export async function sweepExports(
  kv: Deno.Kv,
  opts: SweepExportsOptions = {},
): Promise<SweepExportsResult> {
  const now = opts.now ?? new Date();
  const grace = opts.graceMs ?? EXPORT_SWEEP_GRACE_MS;
  const old = (iso: string | null | undefined) => !iso || now.getTime() - Date.parse(iso) >= grace;
  const out: SweepExportsResult = {
    attempts: 0,
    aborted: 0,
    released: 0,
    deleted: 0,
    dirs: 0,
    jobs: 0,
  };

  let entries = await listExportJobEntries(kv);
  const dirs = new Set(opts.exportDirs ?? []);
  for (const e of entries) if (e.value.export_dir) dirs.add(e.value.export_dir);

  // Deletes that crashed midway.
  for (const e of entries) {
    if (!e.value.deleting_at || !old(e.value.deleting_at)) continue;
    const r = await deleteBacktestExport(kv, e.value.job_id, { now });
    if (r.outcome === "deleted") {
      out.jobs++;
      out.released += r.released;
      out.deleted += r.deleted;
      out.aborted += r.aborted;
      out.dirs += r.dirs;
    }
  }
  if (out.jobs) entries = await listExportJobEntries(kv);
  const jobs = new Map(entries.map((e) => [e.value.job_id, e]));
  /** True when `attempt` of `jobId` is the one a live worker is running. */
  const live = (jobId: string, attempt: number) => {
    const job = jobs.get(jobId)?.value;
    return !!job && !job.deleting_at && job.attempts === attempt && hasFreshLease(job, now);
  };

  // Attempts: their refs (with the newest ref's time) and unfinished uploads.
  const owners = new Map<string, { newest: string; uploads: { id: string; at: string }[] }>();
  for (const [owner, r] of await listBlobOwners(kv, "export_job:")) {
    owners.set(owner, { newest: r.newest, uploads: [] });
  }
  for (const u of await listBlobUploads(kv)) {
    if (!u.owner || !parseExportBlobOwner(u.owner)) continue;
    const o = owners.get(u.owner) ?? { newest: "", uploads: [] };
    o.uploads.push({ id: u.upload, at: u.started_at });
    if (u.started_at > o.newest) o.newest = u.started_at;
    owners.set(u.owner, o);
  }
  for (const [owner, o] of owners) {
    const { jobId, attempt } = parseExportBlobOwner(owner)!;
    if (live(jobId, attempt)) continue;
    const entry = jobs.get(jobId);
    const job = entry?.value;
    const current = !!job && !job.deleting_at && job.attempts === attempt;
    try {
      if (current && job.status === "SUCCEEDED") {
        // Its refs are the job's files; only stray uploads go.
        let n = 0;
        for (const u of o.uploads) if (old(u.at) && await abortBlobUpload(kv, u.id)) n++;
        if (n) out.attempts++;
        out.aborted += n;
        continue;
      }
      if (!old(o.newest)) continue;
      // A worker that stalled past its lease must not finish with what is released here.
      if (current && job.status !== "FAILED" && !(await fenceExportJob(kv, entry!))) continue;
      const aborted = await abortBlobUploads(kv, owner);
      const r = await releaseBlobs(kv, owner);
      out.attempts++;
      out.aborted += aborted;
      out.released += r.released;
      out.deleted += r.deleted.length;
      log.info("export sweep released an attempt", {
        owner,
        aborted,
        released: r.released,
        deleted: r.deleted.length,
      });
    } catch (e) {
      // The next sweep tries again.
      log.warn("export sweep failed for an attempt", { owner, error: e as Error });
    }
  }

  // Temporary directories of attempts that are not running.
  for (const dir of dirs) {
    let names: string[];
    try {
      names = [];
      for await (const e of Deno.readDir(dir)) if (e.isDirectory) names.push(e.name);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    for (const name of names) {
      const m = PARTIAL_RE.exec(name);
      if (!m || live(m[1], Number(m[2]))) continue;
      const path = `${dir}/${name}`;
      try {
        const st = await Deno.stat(path);
        if (!old(st.mtime?.toISOString())) continue;
        await Deno.remove(path, { recursive: true });
        out.dirs++;
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
  }
  return out;
}
