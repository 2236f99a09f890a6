/**
 * The jobs runtime: the context every job and queue handler receives, run bookkeeping
 * (`withRun`), the queue dispatcher with idempotency, and the queue listener.
 *
 * Handlers are plain functions of a {@linkcode JobsContext}: tests call them directly (no
 * waiting for cron minutes), `Deno.cron` and `kv.listenQueue` call the same functions.
 *
 * Delivery ({@linkcode deliverMessage}, what the listener runs) is built for at-least-once
 * queues and workers that die at any instant:
 * - a message is done when one atomic commits its done marker together with everything it
 *   reports to its run (counters, issues, the run unit); a redelivered or duplicated copy finds
 *   the marker and changes nothing;
 * - a failed message is put back by the runtime after `ctx.backoffSchedule[attempt]` and
 *   dead-lettered by it when those tries are used up (a KRX day or DART window then counts as
 *   a failed unit of its run — which makes the run FAILED — with a WARN issue; retried from
 *   /ops and done, the unit counts as done again). KV's own redelivery budget is kept for
 *   crashes, so a `kill -9` never turns a message into a dead letter;
 * - write contention (`KvContentionError`) is put back after a short pause without spending a
 *   try: only work that failed is dead-lettered;
 * - message kinds with a concurrency limit (`krx_day`: 2 per process) wait for a slot, and
 *   beyond a short waiting line are put back for later, so a 700-day backfill neither fights
 *   over the same keys nor fills every queue slot of the process.
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
import {
  completeJob,
  deadLetterJob,
  enqueueJobs,
  isDone,
  listDeadLetters,
  queueStats,
  requeueJob,
  skipJob,
} from "../store/jobs.ts";
import { KvContentionError } from "../store/kv.ts";
import { addIssues } from "../store/quality.ts";
import type { RawRecord } from "../store/raw.ts";
import {
  type CollectionRun,
  createRun,
  finishRun,
  getRun,
  listRuns,
  type RunDelta,
  type RunTrigger,
  settleRun,
} from "../store/runs.ts";
import { getCompanySnapshot, putCompanySnapshot } from "../store/snapshots.ts";
import { isJobMessage, type JobMessage, type NewJob } from "./messages.ts";
import { backfillWindow } from "./backfill.ts";
import { runBacktestExport } from "./backtest_export.ts";
import { resumeKrxBackfill } from "./krx_backfill.ts";
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
  /** Messages of a kind handled at once by this process ({@linkcode DEFAULT_CONCURRENCY}). */
  concurrency?: Partial<Record<JobMessage["kind"], number>>;
}

/** Default retry delays: three tries in all (1 + len(backoff) tries, then a dead letter). */
export const DEFAULT_BACKOFF = [10_000, 60_000];

/**
 * Kinds handled at most this many at a time per process. KRX days share keys (each
 * instrument's year of bars) and the KRX quota: two at a time keep the network busy without
 * every day re-reading what the others just wrote.
 */
export const DEFAULT_CONCURRENCY: Partial<Record<JobMessage["kind"], number>> = { krx_day: 2 };

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

/** Enqueues messages (their failures are retried by {@linkcode deliverMessage}). */
export function enqueue(ctx: JobsContext, jobs: NewJob[]): Promise<JobMessage[]> {
  return enqueueJobs(ctx.kv, jobs);
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

/** What a handled message reports to its run (committed with its done marker). */
interface Outcome {
  /** DART calls made (added to the run's `api_calls`). */
  calls?: number;
  delta?: RunDelta;
  issues?: NewIssue[];
  /** The run unit the message finishes (a KRX day, a DART window of a backfill). */
  unit?: string;
}

async function runMessage(ctx: JobsContext, msg: JobMessage): Promise<Outcome> {
  switch (msg.kind) {
    case "refresh_company": {
      const counted = countingDart(ctx.dart);
      const r = await refreshCompany(etlContext(ctx, counted.dart), msg.corp_code);
      const issues = msg.run_id
        ? (await listFinancials(ctx.kv, msg.corp_code, {}))
          .flatMap((f) => checkFinancialTotals(f, msg.run_id))
        : [];
      if (r.error) {
        (ctx.metrics ?? globalMetrics).sourceErrors.inc(1, "dart");
        throw new RetryableJobError(
          `refresh of ${msg.corp_code} incomplete (${r.failed.join(", ")}): ${r.error}`,
        );
      }
      return { calls: counted.calls(), issues };
    }
    case "rebuild_snapshot":
      await rebuildSnapshot(ctx, msg.corp_code);
      return {};
    case "refresh_ipo": {
      const job = ctx.external?.kind_ipo;
      if (!job) return {}; // no KIND connector here: nothing to refresh
      const run = await withRun(
        ctx,
        { job: "kind_ipo", source: "kind", trigger: "queue" },
        (s) => job(ctx, s),
      );
      if (run.status === "FAILED") {
        throw new RetryableJobError(`IPO pipeline refresh failed (run ${run.id})`);
      }
      return {}; // the run counts its own calls
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
      // Rows added or changed are counted into the run by the writes themselves; the day
      // reports what it fetched, its failed calls, its calls and issues, once.
      await job(ctx, scope, { day: msg.date });
      return {
        delta: {
          fetched: scope.counts.fetched,
          failed: scope.counts.failed,
          api_calls: Number(scope.detail.api_calls ?? 0),
        },
        issues: scope.issues.map((i) => ({ ...i, run_id: parent.id })),
        unit: unitOf(msg)?.unit,
      };
    }
    case "backtest_export":
      await runBacktestExport(ctx, msg.job_id);
      return {};
    case "backfill_window": {
      const counted = countingDart(ctx.dart);
      const r = await backfillWindow(ctx, counted.dart, msg.bgn_de, msg.end_de);
      return {
        calls: counted.calls(),
        delta: { fetched: r.fetched, new: r.new, changed: r.changed },
        unit: unitOf(msg)?.unit,
      };
    }
  }
}

/**
 * Handles one queue message: skips it when its idempotency key is already done, else runs
 * it and commits its done marker with what it reports to its run (one atomic; a copy that
 * finishes second reports "skipped"). Throws when the work failed; {@linkcode deliverMessage}
 * decides between a retry and a dead letter.
 */
export async function handleMessage(
  ctx: JobsContext,
  msg: JobMessage,
): Promise<"done" | "skipped"> {
  const m = ctx.metrics ?? globalMetrics;
  if (await isDone(ctx.kv, msg.key)) {
    await skipJob(ctx.kv, msg);
    return "skipped";
  }
  const t0 = performance.now();
  try {
    const out = await runMessage(ctx, msg);
    const r = await completeJob(ctx.kv, msg, {
      delta: { ...out.delta, api_calls: (out.delta?.api_calls ?? 0) + (out.calls ?? 0) },
      issues: out.issues,
      unit: out.unit,
    });
    if (out.unit && msg.run_id) await settleRun(ctx.kv, msg.run_id);
    return r === "done" ? "done" : "skipped";
  } catch (e) {
    log.warn("queue message failed", {
      kind: msg.kind,
      key: msg.key,
      id: msg.id,
      attempt: msg.attempt ?? 0,
      error: e as Error,
    });
    throw e;
  } finally {
    m.jobDuration.observe((performance.now() - t0) / 1000, `queue:${msg.kind}`);
  }
}

/**
 * The unit of its run's queued work a message is (a KRX day of a backfill, a DART window),
 * with what its dead letter says; null for messages that are not units.
 */
function unitOf(msg: JobMessage): {
  unit: string;
  code: string;
  source: string;
  subject: string;
} | null {
  if (!msg.run_id) return null;
  if (msg.kind === "krx_day") {
    return { unit: msg.date, code: "KRX_DAY_FAILED", source: "krx", subject: `krx ${msg.date}` };
  }
  if (msg.kind === "backfill_window") {
    const unit = `${msg.bgn_de}-${msg.end_de}`;
    return { unit, code: "BACKFILL_WINDOW_FAILED", source: "dart", subject: `dart ${unit}` };
  }
  return null;
}

/** Times a message may be put back for contention or a busy worker before it is a failure. */
const MAX_DEFERRALS = 100;

/** A counting semaphore with a bounded waiting line. */
class Slots {
  #free: number;
  #waiting: (() => void)[] = [];
  constructor(readonly size: number, readonly line: number) {
    this.#free = size;
  }
  /** Resolves when a slot is free; false (at once) when the waiting line is full. */
  acquire(): Promise<boolean> | boolean {
    if (this.#free > 0) {
      this.#free--;
      return true;
    }
    if (this.#waiting.length >= this.line) return false;
    return new Promise((r) => this.#waiting.push(() => r(true)));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

const slotsByCtx = new WeakMap<JobsContext, Map<string, Slots>>();

function slotsFor(ctx: JobsContext, kind: JobMessage["kind"]): Slots | null {
  const size = (ctx.concurrency ?? DEFAULT_CONCURRENCY)[kind];
  if (!size) return null;
  let byKind = slotsByCtx.get(ctx);
  if (!byKind) slotsByCtx.set(ctx, byKind = new Map());
  let s = byKind.get(kind);
  if (!s) byKind.set(kind, s = new Slots(size, size * 4));
  return s;
}

const jitter = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

/**
 * What the queue listener runs for each message (see the module header): waits for a slot of
 * its kind (or is put back when too many wait), handles it, and on failure puts it back for
 * another try or dead-letters it. Never throws unless KV itself fails (KV then redelivers).
 */
export async function deliverMessage(ctx: JobsContext, msg: JobMessage): Promise<string> {
  const slots = slotsFor(ctx, msg.kind);
  if (slots) {
    const got = await slots.acquire();
    if (!got) {
      await requeueJob(
        ctx.kv,
        { ...msg, deferrals: (msg.deferrals ?? 0) + 1 },
        jitter(3_000, 10_000),
      );
      return "deferred";
    }
  }
  try {
    return await handleMessage(ctx, msg);
  } catch (e) {
    return await onFailure(ctx, msg, e);
  } finally {
    slots?.release();
  }
}

async function onFailure(ctx: JobsContext, msg: JobMessage, e: unknown): Promise<string> {
  const deferrals = msg.deferrals ?? 0;
  if (e instanceof KvContentionError && deferrals < MAX_DEFERRALS) {
    await requeueJob(ctx.kv, { ...msg, deferrals: deferrals + 1 }, jitter(500, 3_000));
    return "deferred";
  }
  const attempt = msg.attempt ?? 0;
  if (attempt < ctx.backoffSchedule.length) {
    await requeueJob(ctx.kv, { ...msg, attempt: attempt + 1 }, ctx.backoffSchedule[attempt]);
    return "retry";
  }
  const u = unitOf(msg);
  const dead = await deadLetterJob(ctx.kv, msg, {
    unit: u?.unit,
    issue: u
      ? {
        code: u.code,
        severity: "WARN",
        source: u.source,
        subject: u.subject,
        message: `${u.subject} failed ${attempt + 1} times and is a dead letter (retry it from ` +
          `/ops): ${errText(e)}`,
        run_id: msg.run_id,
      }
      : undefined,
  });
  if (u) await settleRun(ctx.kv, msg.run_id!);
  if (dead) {
    log.error("queue message dead-lettered", { kind: msg.kind, key: msg.key, id: msg.id });
  }
  return dead ? "dead" : "skipped";
}

/**
 * Brings runs with queued work up to date after a restart: resumes a backfill whose
 * enqueueing was cut short, counts the days that KV dead-lettered by itself (a message that
 * kept killing its worker) as failed, and stamps runs whose last unit is done. Idempotent;
 * the listener runs it at start.
 */
export async function settleRuns(ctx: JobsContext): Promise<void> {
  for (const dl of await listDeadLetters(ctx.kv, 1000)) {
    const msg = dl.message;
    const u = msg && unitOf(msg);
    if (!u) continue;
    const run = await getRun(ctx.kv, msg.run_id!);
    if (!run?.progress || run.status !== "RUNNING") continue;
    await deadLetterJob(ctx.kv, msg, {
      unit: u.unit,
      issue: {
        code: u.code,
        severity: "WARN",
        source: u.source,
        subject: u.subject,
        message: `${u.subject} is a dead letter (its worker died on it repeatedly)`,
        run_id: msg.run_id,
      },
    });
  }
  for (const run of await listRuns(ctx.kv, { limit: 500 })) {
    if (!run.progress || run.finished_at) continue;
    if (run.progress.enqueued < run.progress.total) {
      if (run.job === "krx_backfill") await resumeKrxBackfill(ctx, run.id);
    } else await settleRun(ctx.kv, run.id);
  }
}

/** Starts the queue listener on `ctx.kv` (one per KV handle). Resolves when KV closes. */
export function startQueueListener(ctx: JobsContext): Promise<void> {
  const listening = ctx.kv.listenQueue(async (v: unknown) => {
    if (!isJobMessage(v)) {
      log.warn("unknown queue message dropped", { type: typeof v });
      return;
    }
    await deliverMessage(ctx, v);
  });
  settleRuns(ctx).catch((e) => log.error("settling runs failed", { error: e as Error }));
  return listening;
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
