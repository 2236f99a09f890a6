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
 * @module
 */
import {
  buildBacktestExport,
  EXPORT_TABLE_NAMES,
  exportManifest,
  type ExportTableName,
} from "../export/backtest.ts";
import { log, maskSecrets } from "../log.ts";
import { putBlobStream } from "../store/blobs.ts";
import {
  claimExportJob,
  discardExportAttempt,
  exportBlobOwner,
  type ExportFileRecord,
  type ExportLease,
  ExportLeaseLostError,
  failExportJob,
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
