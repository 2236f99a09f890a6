/**
 * The jobs runtime: the context every job and queue handler receives, run bookkeeping
 * (`withRun`), the queue dispatcher with idempotency, and the queue listener.
 *
 * Handlers are plain functions of a {@linkcode JobsContext}: tests call them directly (no
 * waiting for cron minutes), `Deno.cron` and `kv.listenQueue` call the same functions.
 *
 * @module
 */
import type { CorpCodeApi } from "../etl/dart_collect.ts";
import { type DartApi, type EtlContext, refreshCompany } from "../etl/company.ts";
import { buildCompanySnapshot } from "../etl/company_snapshot.ts";
import { marketSection } from "../etl/company_market.ts";
import type { CircuitBreaker } from "../http/breaker.ts";
import type { RateUsage } from "../http/rate_limit.ts";
import { errText, log } from "../log.ts";
import type { ListParams } from "../sources/dart/client.ts";
import type { DartListPage } from "../sources/dart/types.ts";
import {
  getProfile,
  listDisclosuresByCorp,
  listFinancials,
  listIndicators,
} from "../store/companies.ts";
import { countSkipped, enqueueJobs, isDone, markDone, queueStats } from "../store/jobs.ts";
import { addIssues } from "../store/quality.ts";
import type { RawRecord } from "../store/raw.ts";
import {
  type CollectionRun,
  createRun,
  finishRun,
  getRun,
  type RunTrigger,
  updateRun,
} from "../store/runs.ts";
import { getCompanySnapshot, putCompanySnapshot } from "../store/snapshots.ts";
import { isJobMessage, type JobMessage, type NewJob } from "./messages.ts";
import { backfillWindow } from "./backfill.ts";
import { runBacktestExport } from "./backtest_export.ts";
import { type Metrics, metrics as globalMetrics } from "./metrics.ts";
import { checkFinancialTotals, type NewIssue } from "./quality.ts";

/** The DART calls jobs make (implemented by `DartClient`). */
export interface JobsDart extends DartApi, CorpCodeApi {
  listAll(params: {
    corp_code?: string;
    bgn_de: string;
    end_de: string;
    last_reprt_at?: "Y" | "N";
  }): Promise<{ items: unknown[]; calls: number; raws?: RawRecord[] }>;
  list(params: ListParams): Promise<{ data: DartListPage; empty: boolean; raw: RawRecord }>;
}

/** A source's cheap health probe. */
export interface SourceProbe {
  source: string;
  /** One cheap call; throws on failure. */
  check(): Promise<void>;
  breaker?: CircuitBreaker;
  quota?: { usage(): Promise<RateUsage> };
}

/**
 * Runs a scheduled job of a source with its own connector (KIND, KRX). `opts.day`
 * (YYYY-MM-DD) asks for one past day instead of today (KRX backfill).
 */
export type ExternalJob = (
  ctx: JobsContext,
  scope: RunScope,
  opts?: { day?: string },
) => Promise<void>;

export interface JobsContext {
  kv: Deno.Kv;
  dart: JobsDart;
  /** "Now" for date windows (KST days are derived from it). */
  now: () => Date;
  /** True when serving the bundled sample dataset. */
  sample: boolean;
  /** Retry delays of queue messages (1 + length tries, then the dead-letter list). */
  backoffSchedule: number[];
  /** Health probes, one per source. */
  probes: SourceProbe[];
  /** Jobs of sources implemented elsewhere, by handler name ("kind_ipo", "krx_daily"). */
  external?: Partial<Record<string, ExternalJob>>;
  metrics?: Metrics;
}

/** Default retry delays: three tries in all (STACK.md: 1 + len(backoff) tries). */
export const DEFAULT_BACKOFF = [10_000, 60_000];

/** Wraps a DART API so every call made through it is counted (for a run's `api_calls`). */
export function countingDart(dart: JobsDart): { dart: JobsDart; calls: () => number } {
  let n = 0;
  const one = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => (...a: A) => {
    n++;
    return f(...a);
  };
  const wrapped: JobsDart = {
    company: one((c) => dart.company(c)),
    singleAcnt: one((p) => dart.singleAcnt(p)),
    singleAcntAll: one((p) => dart.singleAcntAll(p)),
    singleIndx: one((p) => dart.singleIndx(p)),
    list: one((p) => dart.list(p)),
    corpCodes: one(() => dart.corpCodes()),
    listAll: async (p) => {
      const r = await dart.listAll(p);
      n += r.calls;
      return r;
    },
  };
  return { dart: wrapped, calls: () => n };
}

/** The EtlContext of a jobs context (for refreshCompany). */
export function etlContext(ctx: JobsContext, dart: JobsDart = ctx.dart): EtlContext {
  return { kv: ctx.kv, dart, now: ctx.now, sample: ctx.sample };
}

/** Enqueues messages with the context's retry policy. */
export function enqueue(ctx: JobsContext, jobs: NewJob[]): Promise<JobMessage[]> {
  return enqueueJobs(ctx.kv, jobs, { backoffSchedule: ctx.backoffSchedule });
}

/** A run in progress: what a job body may record. */
export interface RunScope {
  run: CollectionRun;
  /** A counting wrapper of `ctx.dart`; its calls become the run's `api_calls`. */
  dart: JobsDart;
  counts: CollectionRun["counts"];
  issues: NewIssue[];
  enqueued: number;
  detail: Record<string, string | number | boolean | null>;
}

/**
 * Runs a job body inside a collection run: creates the run (RUNNING), runs the body, stores
 * its issues, and finishes the run with counts, API calls and status. A throwing body makes
 * the run FAILED (the error is recorded, not rethrown). Returns the finished run.
 */
export async function withRun(
  ctx: JobsContext,
  p: { job: string; source: string; trigger: RunTrigger },
  body: (scope: RunScope) => Promise<void>,
  onCreated?: (run: CollectionRun) => void,
): Promise<CollectionRun> {
  const m = ctx.metrics ?? globalMetrics;
  const run = await createRun(ctx.kv, p, new Date());
  onCreated?.(run);
  const counted = countingDart(ctx.dart);
  const scope: RunScope = {
    run,
    dart: counted.dart,
    counts: { fetched: 0, new: 0, changed: 0, failed: 0 },
    issues: [],
    enqueued: 0,
    detail: {},
  };
  const t0 = performance.now();
  let error: string | null = null;
  try {
    await body(scope);
  } catch (e) {
    error = errText(e);
    m.sourceErrors.inc(1, p.source);
    log.error("job failed", { job: p.job, run_id: run.id, error: e as Error });
  }
  if (scope.issues.length) {
    await addIssues(ctx.kv, scope.issues.map((i) => ({ ...i, run_id: run.id })));
  }
  const done = await finishRun(ctx.kv, run.id, (r) => {
    r.counts = scope.counts;
    // DART calls are counted by the wrapper; other sources report theirs in detail.api_calls.
    r.api_calls += counted.calls() + Number(scope.detail.api_calls ?? 0);
    r.enqueued = scope.enqueued;
    r.error = error;
    if (Object.keys(scope.detail).length) r.detail = { ...r.detail, ...scope.detail };
  });
  const secs = (performance.now() - t0) / 1000;
  m.jobDuration.observe(secs, p.job);
  m.jobRuns.inc(1, p.job, done?.status ?? "FAILED");
  log.info("job finished", {
    job: p.job,
    run_id: run.id,
    status: done?.status,
    ms: Math.round(secs * 1000),
    api_calls: done?.api_calls,
  });
  return done ?? run;
}

/** Rebuilds a company snapshot from stored records (no source calls). */
export async function rebuildSnapshot(ctx: JobsContext, corpCode: string): Promise<void> {
  const { kv } = ctx;
  const previous = await getCompanySnapshot(kv, corpCode);
  const [profile, financials, indicators, disclosures] = await Promise.all([
    getProfile(kv, corpCode),
    listFinancials(kv, corpCode, {}),
    listIndicators(kv, corpCode),
    listDisclosuresByCorp(kv, corpCode, { limit: 200 }),
  ]);
  const at = new Date().toISOString();
  const snapshot = buildCompanySnapshot({
    corp_code: corpCode,
    built_at: at,
    sample: previous?.sample ?? ctx.sample,
    profile,
    financials,
    indicators,
    disclosures: disclosures.values,
    source_status: previous?.source_status ?? {},
    // Sections whose last fetch failed stay marked; the rest is recomputed from the data.
    failed_sections: previous?.source_status.dart?.ok === false ? previous.missing_sections : [],
    market: await marketSection(kv, profile?.stock_code, corpCode),
  });
  await putCompanySnapshot(kv, snapshot);
}

/** Thrown by a handler to ask the queue for another try. */
export class RetryableJobError extends Error {
  override name = "RetryableJobError";
}

async function runMessage(ctx: JobsContext, msg: JobMessage): Promise<number> {
  switch (msg.kind) {
    case "refresh_company": {
      const counted = countingDart(ctx.dart);
      const r = await refreshCompany(etlContext(ctx, counted.dart), msg.corp_code);
      if (msg.run_id) {
        const issues = (await listFinancials(ctx.kv, msg.corp_code, {}))
          .flatMap((f) => checkFinancialTotals(f, msg.run_id));
        if (issues.length) await addIssues(ctx.kv, issues);
      }
      if (r.error) {
        (ctx.metrics ?? globalMetrics).sourceErrors.inc(1, "dart");
        throw new RetryableJobError(
          `refresh of ${msg.corp_code} incomplete (${r.failed.join(", ")}): ${r.error}`,
        );
      }
      return counted.calls();
    }
    case "rebuild_snapshot":
      await rebuildSnapshot(ctx, msg.corp_code);
      return 0;
    case "refresh_ipo": {
      const job = ctx.external?.kind_ipo;
      if (!job) return 0; // no KIND connector here: nothing to refresh
      const run = await withRun(
        ctx,
        { job: "kind_ipo", source: "kind", trigger: "queue" },
        (s) => job(ctx, s),
      );
      if (run.status === "FAILED") {
        throw new RetryableJobError(`IPO pipeline refresh failed (run ${run.id})`);
      }
      return 0; // the run counts its own calls
    }
    case "krx_day": {
      const job = ctx.external?.krx_daily;
      if (!job) throw new Error("krx_day: no KRX connector is configured");
      const parent = msg.run_id ? await getRun(ctx.kv, msg.run_id) : null;
      if (!parent) throw new Error(`krx_day ${msg.date}: its run ${msg.run_id} is missing`);
      const scope: RunScope = {
        run: parent,
        dart: ctx.dart,
        counts: { fetched: 0, new: 0, changed: 0, failed: 0 },
        issues: [],
        enqueued: 0,
        detail: {},
      };
      await job(ctx, scope, { day: msg.date });
      if (scope.issues.length) {
        await addIssues(ctx.kv, scope.issues.map((i) => ({ ...i, run_id: parent.id })));
      }
      await updateRun(ctx.kv, parent.id, (run) => {
        run.counts.fetched += scope.counts.fetched;
        run.counts.new += scope.counts.new;
        run.counts.changed += scope.counts.changed;
        run.counts.failed += scope.counts.failed;
        const calls = Number(scope.detail.api_calls ?? 0);
        run.api_calls += calls;
        run.detail = { ...run.detail, last_day: msg.date };
      });
      return 0;
    }
    case "backtest_export":
      await runBacktestExport(ctx, msg.job_id);
      return 0;
    case "backfill_window": {
      const counted = countingDart(ctx.dart);
      const r = await backfillWindow(ctx, counted.dart, msg.bgn_de, msg.end_de);
      if (msg.run_id) {
        await updateRun(ctx.kv, msg.run_id, (run) => {
          run.counts.fetched += r.fetched;
          run.counts.new += r.new;
          run.counts.changed += r.changed;
        });
      }
      return counted.calls();
    }
  }
}

/**
 * Handles one queue message: skips it when its idempotency key is already done, else runs
 * it, marks it done and adds its API calls to its run. Throws (so the queue retries, then
 * dead-letters) when the work failed.
 */
export async function handleMessage(
  ctx: JobsContext,
  msg: JobMessage,
): Promise<"done" | "skipped"> {
  const m = ctx.metrics ?? globalMetrics;
  if (await isDone(ctx.kv, msg.key)) {
    await countSkipped(ctx.kv);
    return "skipped";
  }
  const t0 = performance.now();
  try {
    const calls = await runMessage(ctx, msg);
    await markDone(ctx.kv, msg);
    if (msg.run_id && calls) {
      await updateRun(ctx.kv, msg.run_id, (r) => {
        r.api_calls += calls;
      });
    }
    return "done";
  } catch (e) {
    log.warn("queue message failed", {
      kind: msg.kind,
      key: msg.key,
      id: msg.id,
      error: e as Error,
    });
    throw e;
  } finally {
    m.jobDuration.observe((performance.now() - t0) / 1000, `queue:${msg.kind}`);
  }
}

/** Starts the queue listener on `ctx.kv` (one per KV handle). Resolves when KV closes. */
export function startQueueListener(ctx: JobsContext): Promise<void> {
  return ctx.kv.listenQueue(async (v: unknown) => {
    if (!isJobMessage(v)) {
      log.warn("unknown queue message dropped", { type: typeof v });
      return;
    }
    await handleMessage(ctx, v);
  });
}

/** Refreshes the KV-backed gauges of the registry (queue depth, dead letters, quota). */
export async function refreshGauges(ctx: JobsContext): Promise<void> {
  const m = ctx.metrics ?? globalMetrics;
  const q = await queueStats(ctx.kv);
  m.queueDepth.set(q.depth);
  m.deadLetters.set(q.dead);
  for (const p of ctx.probes) {
    if (!p.quota) continue;
    const u = await p.quota.usage();
    m.quotaUsed.set(u.used_today, p.source);
    m.quotaLimit.set(u.per_day, p.source);
  }
}
