/**
 * KRX backfill through the queue: one collection run (`krx_backfill`, source `krx`) and one
 * `krx_day` message per trading day of a date range (weekends and known holidays skipped).
 * Each message collects its day with the `krx_daily` connector; its rows are counted into the
 * run by the writes, and its fetched rows, calls, issues and the day itself (a run unit) in
 * the atomic that marks it done (see `handleMessage` in `runtime.ts`).
 *
 * The run carries `progress` (days to do, enqueued, done, failed): it stays RUNNING until its
 * last day is done or dead-lettered, then SUCCEEDED / PARTIAL / FAILED from its issues.
 * Enqueueing is resumable: days are enqueued in batches, each batch in one atomic with the
 * run's `progress.enqueued` cursor (checked), so a process killed while enqueueing neither
 * loses nor duplicates days when the next listener resumes it.
 *
 * KRX allows 10,000 calls per key per day and a day costs about a dozen, so long ranges are
 * spread over several days: the first `daysPerBatch` messages run at once, the next batch a
 * day later, and so on (message delays from the run's start; KV queues allow up to 30 days).
 *
 * @module
 */
import { tradingDaysBetween } from "../market/sessions.ts";
import { enqueueMutations, stampJobs } from "../store/jobs.ts";
import { contentionPause, KvContentionError } from "../store/kv.ts";
import {
  type CollectionRun,
  createRun,
  getRunEntry,
  putRunIf,
  type RunTrigger,
  settleRun,
} from "../store/runs.ts";
import type { NewJob } from "./messages.ts";
import type { JobsContext } from "./runtime.ts";

/** Longest range one backfill accepts. */
export const KRX_BACKFILL_MAX_YEARS = 10;
/** Calls one day costs at most (3 trades + 3 base info + 3 indices + 3 flows). */
export const KRX_CALLS_PER_DAY = 12;
/** Calls a day of backfill leaves to the scheduled job (and retries). */
const QUOTA_RESERVE = 500;
const DAY_MS = 86400_000;

const YMD = /^\d{4}-\d{2}-\d{2}$/;
const realDay = (v: string) =>
  YMD.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().slice(0, 10) === v;

/**
 * Checks a backfill range: real `YYYY-MM-DD` dates, `from <= to`, at most
 * {@linkcode KRX_BACKFILL_MAX_YEARS} years. Returns the problem, or null when it is valid.
 */
export function krxRangeProblem(from: string, to: string): string | null {
  if (!realDay(from)) return `from must be a YYYY-MM-DD date: ${JSON.stringify(from)}`;
  if (!realDay(to)) return `to must be a YYYY-MM-DD date: ${JSON.stringify(to)}`;
  if (from > to) return `from ${from} is after to ${to}`;
  const limit = `${Number(from.slice(0, 4)) + KRX_BACKFILL_MAX_YEARS}${from.slice(4)}`;
  if (to > limit) return `from..to must span at most ${KRX_BACKFILL_MAX_YEARS} years`;
  return null;
}

/** Options of {@linkcode startKrxBackfill}. */
export interface KrxBackfillOptions {
  /** Default "manual" (admin route); the CLI uses "backfill". */
  trigger?: RunTrigger;
  /** KRX calls per KST day (default 9,500): sets how many days run per batch. */
  dailyQuota?: number;
}

/** Days enqueued per atomic (3 mutations each). */
const ENQUEUE_CHUNK = 50;

/**
 * Starts a backfill: creates the run (RUNNING, `progress.total` = trading days) and enqueues
 * one `krx_day` message per trading day (idempotency key `krx_day:<date>:<run id>`). The run's
 * counts and status then follow the messages. Throws a `RangeError` for a bad range.
 */
export async function startKrxBackfill(
  ctx: JobsContext,
  from: string,
  to: string,
  opts: KrxBackfillOptions = {},
): Promise<{ run_id: string; enqueued: number }> {
  const problem = krxRangeProblem(from, to);
  if (problem) throw new RangeError(problem);
  const days = tradingDaysBetween(from, to);
  // KV queue delays are capped at 30 days: never spread over more batches than that.
  const perBatch = Math.max(
    1,
    Math.floor(((opts.dailyQuota ?? 9_500) - QUOTA_RESERVE) / KRX_CALLS_PER_DAY),
    Math.ceil(days.length / 30),
  );
  const run = await createRun(ctx.kv, {
    job: "krx_backfill",
    source: "krx",
    trigger: opts.trigger ?? "manual",
    detail: { from, to, days: days.length, per_batch: perBatch },
    progress_total: days.length,
  });
  const enqueued = await resumeKrxBackfill(ctx, run.id);
  return { run_id: run.id, enqueued };
}

/**
 * Enqueues the days of a backfill run from its `progress.enqueued` cursor on (all of them for
 * a new run; the rest after a crash). Returns how many days the run has enqueued in all.
 */
export async function resumeKrxBackfill(ctx: JobsContext, runId: string): Promise<number> {
  for (let attempt = 0;;) {
    const entry = await getRunEntry(ctx.kv, runId);
    const run = entry.value;
    if (!run?.progress || run.job !== "krx_backfill") return 0;
    const p = run.progress;
    if (p.enqueued >= p.total) {
      if (p.total === 0) await settleRun(ctx.kv, runId);
      return p.enqueued;
    }
    const days = tradingDaysBetween(String(run.detail?.from), String(run.detail?.to));
    const perBatch = Number(run.detail?.per_batch) || days.length;
    const i = p.enqueued;
    const batch = Math.floor(i / perBatch);
    const n = Math.min(ENQUEUE_CHUNK, p.total - i, (batch + 1) * perBatch - i);
    const jobs: NewJob[] = days.slice(i, i + n).map((date) => ({
      kind: "krx_day",
      date,
      key: `krx_day:${date}:${run.id}`,
      run_id: run.id,
    }));
    const delay = Math.max(0, Date.parse(run.started_at) + batch * DAY_MS - Date.now());
    const next: CollectionRun = {
      ...run,
      enqueued: i + n,
      progress: { ...p, enqueued: i + n },
    };
    const ok = await putRunIf(
      ctx.kv,
      entry,
      next,
      (op) => enqueueMutations(op, stampJobs(jobs), delay ? { delay } : {}),
    );
    if (ok) continue;
    if (++attempt > 100) throw new KvContentionError(`backfill run ${runId}`);
    await contentionPause(attempt);
  }
}
