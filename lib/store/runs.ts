/**
 * collection_runs: one record per scheduled or manual run of a job, with its counts, the API
 * calls it spent and its status. Ids are time-ordered, so the newest runs list first.
 *
 * A run's figures come from two places, merged whenever a run is read:
 * - the record itself (what the job body counted in-process, written by `finishRun`);
 * - per-run KvU64 counters ({@linkcode RUN_COUNTERS}) that queue messages, data writes and
 *   issues add to with `sum` mutations in the same atomic as the work they count. Sums never
 *   conflict, so hundreds of concurrent messages of one run do not fight over the run record
 *   (the hot key that made a 703-day backfill give up with "too much contention"), and a
 *   count committed with its data can neither be lost by a crash nor counted twice by a
 *   redelivery.
 *
 * A run with queued work carries `progress` (units to do, units enqueued; done and failed
 * units come from the counters): it is RUNNING until every unit is done or failed, then
 * SUCCEEDED, PARTIAL or FAILED from its issues (and failed units).
 *
 * @module
 */
import { timeId } from "./raw.ts";
import { keys } from "./keys.ts";
import { contentionPause, KvContentionError } from "./kv.ts";

export type RunStatus = "RUNNING" | "SUCCEEDED" | "PARTIAL" | "FAILED";
/** `startup`: the pass main.ts runs once when the server starts (see `startupPass`). */
export type RunTrigger = "schedule" | "manual" | "backfill" | "queue" | "startup";

export interface RunCounts {
  fetched: number;
  new: number;
  changed: number;
  failed: number;
}

/** Queued work of a run (a KRX backfill: one unit per trading day). */
export interface RunProgress {
  /** Units the run has to do. */
  total: number;
  /** Units enqueued so far (below `total` only while enqueueing, which resumes after a crash). */
  enqueued: number;
  /** Units finished. */
  done: number;
  /** Units that ended as dead letters (their retries failed). */
  failed: number;
}

export interface CollectionRun {
  id: string;
  job: string;
  source: string;
  trigger: RunTrigger;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  counts: RunCounts;
  api_calls: number;
  /** Quality issues raised by the run, by severity. */
  issues: { ERROR: number; WARN: number };
  /** Queue messages the run enqueued (refreshes of affected companies, windows). */
  enqueued: number;
  /** The fatal error that ended the run, secrets masked. */
  error: string | null;
  /** Free-form details (window, cursor). */
  detail?: Record<string, string | number | boolean | null>;
  /** Queued work, when the run's units run as queue messages (see the module header). */
  progress?: RunProgress;
}

/** The per-run counters (KvU64, `keys.runCounter`). */
export const RUN_COUNTERS = [
  "fetched",
  "new",
  "changed",
  "failed",
  "api_calls",
  "issues_error",
  "issues_warn",
  "units_done",
  "units_failed",
] as const;
export type RunCounterName = typeof RUN_COUNTERS[number];
/** Amounts to add to a run's counters (negative only to move a unit from failed to done). */
export type RunDelta = Partial<Record<RunCounterName, number>>;

const U64 = 1n << 64n;

/**
 * Adds `delta` to a run's counters inside `op` (sum mutations: they commit with the work they
 * count and never conflict). A negative amount wraps around (KvU64 sums are modulo 2^64).
 */
export function addRunCounts(
  op: Deno.AtomicOperation,
  runId: string,
  delta: RunDelta,
): Deno.AtomicOperation {
  for (const name of RUN_COUNTERS) {
    const v = Math.trunc(delta[name] ?? 0);
    if (!v) continue;
    const n = BigInt(v);
    op.sum(keys.runCounter(runId, name), n > 0n ? n : U64 + n);
  }
  return op;
}

/** Adds two deltas. */
export function plusDelta(a: RunDelta, b: RunDelta): RunDelta {
  const out: RunDelta = { ...a };
  for (const name of RUN_COUNTERS) if (b[name]) out[name] = (out[name] ?? 0) + b[name]!;
  return out;
}

/** A run's counters (0 when never added to). */
export async function readRunCounters(kv: Deno.Kv, runId: string): Promise<RunDelta> {
  const out: RunDelta = {};
  for await (const e of kv.list<Deno.KvU64>({ prefix: keys.runCounterPrefix(runId) })) {
    const name = e.key[2] as RunCounterName;
    // Values above 2^63 are small negatives that wrapped (a failed unit moved back to done).
    const v = e.value.value;
    out[name] = Number(v >= U64 / 2n ? v - U64 : v);
  }
  return out;
}

/** The status of a run whose figures are merged (see the module header). */
function statusOf(r: CollectionRun): RunStatus {
  const p = r.progress;
  if (p && (p.enqueued < p.total || p.done + p.failed < p.total)) return "RUNNING";
  if (!p && !r.finished_at) return "RUNNING";
  if (p && p.failed > 0) return "FAILED";
  return runStatus(r);
}

/** The run as readers see it: the record plus its counters, and the status they give. */
export function runView(r: CollectionRun, c: RunDelta): CollectionRun {
  const v: CollectionRun = {
    ...r,
    counts: {
      fetched: r.counts.fetched + (c.fetched ?? 0),
      new: r.counts.new + (c.new ?? 0),
      changed: r.counts.changed + (c.changed ?? 0),
      failed: r.counts.failed + (c.failed ?? 0),
    },
    api_calls: r.api_calls + (c.api_calls ?? 0),
    issues: {
      ERROR: r.issues.ERROR + (c.issues_error ?? 0),
      WARN: r.issues.WARN + (c.issues_warn ?? 0),
    },
  };
  if (r.progress) {
    v.progress = { ...r.progress, done: c.units_done ?? 0, failed: c.units_failed ?? 0 };
  }
  v.status = statusOf(v);
  return v;
}

/** The options of a new run. */
export interface NewRun {
  job: string;
  source: string;
  trigger: RunTrigger;
  detail?: CollectionRun["detail"];
  /** Gives the run queued work of that many units (see {@linkcode RunProgress}). */
  progress_total?: number;
}

/** A new RUNNING run record (not stored). */
export function newRun(p: NewRun, now = new Date()): CollectionRun {
  return {
    id: timeId(now.getTime()),
    job: p.job,
    source: p.source,
    trigger: p.trigger,
    started_at: now.toISOString(),
    finished_at: null,
    status: "RUNNING",
    counts: { fetched: 0, new: 0, changed: 0, failed: 0 },
    api_calls: 0,
    issues: { ERROR: 0, WARN: 0 },
    enqueued: 0,
    error: null,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(p.progress_total !== undefined
      ? { progress: { total: p.progress_total, enqueued: 0, done: 0, failed: 0 } }
      : {}),
  };
}

/** Creates a RUNNING run; `progress_total` gives it queued work of that many units. */
export async function createRun(
  kv: Deno.Kv,
  p: NewRun,
  now = new Date(),
): Promise<CollectionRun> {
  const run = newRun(p, now);
  await kv.set(keys.collectionRun(run.id), run);
  return run;
}

/**
 * Stores a new run record together with `extra` mutations (its queue messages) in one
 * atomic: either the run exists with all its work enqueued, or neither.
 */
export async function createRunWith(
  kv: Deno.Kv,
  run: CollectionRun,
  extra: (op: Deno.AtomicOperation) => Deno.AtomicOperation,
): Promise<void> {
  const key = keys.collectionRun(run.id);
  const res = await extra(kv.atomic().check({ key, versionstamp: null }).set(key, run)).commit();
  if (!res.ok) throw new Error(`run ${run.id} exists already`);
}

/** Reads a run (with its counters merged). */
export async function getRun(kv: Deno.Kv, id: string): Promise<CollectionRun | null> {
  const r = (await kv.get<CollectionRun>(keys.collectionRun(id))).value;
  return r ? runView(r, await readRunCounters(kv, id)) : null;
}

/** Reads a run record as stored (no counters), with its versionstamp. */
export function getRunEntry(kv: Deno.Kv, id: string): Promise<Deno.KvEntryMaybe<CollectionRun>> {
  return kv.get<CollectionRun>(keys.collectionRun(id));
}

/**
 * Writes a run record if it is still `prev` (an atomic check), with extra mutations in the same
 * commit. Returns false when another writer changed it first.
 */
export async function putRunIf(
  kv: Deno.Kv,
  prev: Deno.KvEntryMaybe<CollectionRun>,
  next: CollectionRun,
  extra: (op: Deno.AtomicOperation) => Deno.AtomicOperation = (op) => op,
): Promise<boolean> {
  const op = extra(kv.atomic().check(prev).set(keys.collectionRun(next.id), next));
  return (await op.commit()).ok;
}

/** The status a finished run gets: FAILED on a fatal error or any ERROR issue, PARTIAL on WARN. */
export function runStatus(r: Pick<CollectionRun, "issues" | "error">): RunStatus {
  if (r.error || r.issues.ERROR > 0) return "FAILED";
  if (r.issues.WARN > 0) return "PARTIAL";
  return "SUCCEEDED";
}

/**
 * Updates a run record with a compare-and-swap loop. Only the run's own job writes its record
 * (queue messages add to its counters instead), so there is next to no contention. Returns
 * the run with its counters merged.
 */
export async function updateRun(
  kv: Deno.Kv,
  id: string,
  fn: (r: CollectionRun) => void,
): Promise<CollectionRun | null> {
  for (let i = 0;; i++) {
    const cur = await kv.get<CollectionRun>(keys.collectionRun(id));
    if (!cur.value) return null;
    const r = structuredClone(cur.value);
    fn(r);
    if (r.finished_at) r.status = runStatus(r);
    const res = await kv.atomic().check(cur).set(keys.collectionRun(id), r).commit();
    if (res.ok) return runView(r, await readRunCounters(kv, id));
    if (i >= 100) throw new KvContentionError(`run ${id}`);
    await contentionPause(i);
  }
}

/** Marks a run finished and sets its status from its issues and error. */
export function finishRun(
  kv: Deno.Kv,
  id: string,
  fn: (r: CollectionRun) => void = () => {},
  now = new Date(),
): Promise<CollectionRun | null> {
  return updateRun(kv, id, (r) => {
    fn(r);
    r.finished_at = now.toISOString();
  });
}

/**
 * Stamps `finished_at` on a run with queued work once every unit is done or failed (a no-op
 * before, and after the first call). Returns the run as read.
 */
export async function settleRun(kv: Deno.Kv, id: string): Promise<CollectionRun | null> {
  const run = await getRun(kv, id);
  if (!run?.progress || run.finished_at || run.status === "RUNNING") return run;
  return await finishRun(kv, id, (r) => {
    r.finished_at ??= new Date().toISOString();
  });
}

/** Newest runs first (with their counters), optionally filtered by job, source and status. */
export async function listRuns(
  kv: Deno.Kv,
  filter: { job?: string; source?: string; status?: RunStatus; limit?: number } = {},
): Promise<CollectionRun[]> {
  const limit = filter.limit ?? 50;
  const out: CollectionRun[] = [];
  const iter = kv.list<CollectionRun>({ prefix: keys.collectionRunPrefix() }, {
    reverse: true,
    batchSize: 200,
  });
  let scanned = 0;
  let batch: CollectionRun[] = [];
  const flush = async () => {
    const views = await Promise.all(
      batch.map(async (r) => runView(r, await readRunCounters(kv, r.id))),
    );
    batch = [];
    for (const v of views) {
      if (filter.status && v.status !== filter.status) continue;
      if (out.length < limit) out.push(v);
    }
  };
  for await (const e of iter) {
    if (++scanned > 5000) break;
    const r = e.value;
    if (filter.job && r.job !== filter.job) continue;
    if (filter.source && r.source !== filter.source) continue;
    batch.push(r);
    if (batch.length >= 20) {
      await flush();
      if (out.length >= limit) break;
    }
  }
  if (out.length < limit) await flush();
  return out;
}
