/**
 * KRX backfill through the queue: one collection run (`krx_backfill`, source `krx`) and one
 * `krx_day` message per trading day of a date range (weekends and known holidays skipped).
 * Each message collects its day with the `krx_daily` connector and adds its counts, calls and
 * issues to that run (see `runMessage` in `runtime.ts`), whose status follows them.
 *
 * KRX allows 10,000 calls per key per day and a day costs about a dozen, so long ranges are
 * spread over several days: the first `daysPerBatch` messages run at once, the next batch a
 * day later, and so on (message delays; KV queues allow up to 30 days).
 *
 * @module
 */
import { tradingDaysBetween } from "../market/sessions.ts";
import { enqueueJobs } from "../store/jobs.ts";
import { createRun, finishRun, type RunTrigger } from "../store/runs.ts";
import type { NewJob } from "./messages.ts";
import { enqueue, type JobsContext } from "./runtime.ts";

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

/**
 * Starts a backfill: creates the run, enqueues one `krx_day` message per trading day
 * (idempotency key `krx_day:<date>:<run id>`) and finishes the run's own bookkeeping (its
 * counts and status then follow the messages). Throws a `RangeError` for a bad range.
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
  });
  let enqueued = 0;
  for (let i = 0; i < days.length; i += perBatch) {
    const jobs: NewJob[] = days.slice(i, i + perBatch).map((date) => ({
      kind: "krx_day",
      date,
      key: `krx_day:${date}:${run.id}`,
      run_id: run.id,
    }));
    const delay = (i / perBatch) * DAY_MS;
    const sent = delay
      ? await enqueueJobs(ctx.kv, jobs, { backoffSchedule: ctx.backoffSchedule, delay })
      : await enqueue(ctx, jobs);
    enqueued += sent.length;
  }
  await finishRun(ctx.kv, run.id, (r) => {
    r.enqueued = enqueued;
  });
  return { run_id: run.id, enqueued };
}
