/**
 * collection_runs: one record per scheduled or manual run of a job, with its counts, the API
 * calls it spent and its status. Ids are time-ordered, so the newest runs list first.
 *
 * @module
 */
import { timeId } from "./raw.ts";
import { keys } from "./keys.ts";

export type RunStatus = "RUNNING" | "SUCCEEDED" | "PARTIAL" | "FAILED";
/** `startup`: the pass main.ts runs once when the server starts (see `startupPass`). */
export type RunTrigger = "schedule" | "manual" | "backfill" | "queue" | "startup";

export interface RunCounts {
  fetched: number;
  new: number;
  changed: number;
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
}

/** Creates a RUNNING run. */
export async function createRun(
  kv: Deno.Kv,
  p: { job: string; source: string; trigger: RunTrigger; detail?: CollectionRun["detail"] },
  now = new Date(),
): Promise<CollectionRun> {
  const run: CollectionRun = {
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
  };
  await kv.set(keys.collectionRun(run.id), run);
  return run;
}

/** Reads a run. */
export async function getRun(kv: Deno.Kv, id: string): Promise<CollectionRun | null> {
  return (await kv.get<CollectionRun>(keys.collectionRun(id))).value;
}

/** The status a finished run gets: FAILED on a fatal error or any ERROR issue, PARTIAL on WARN. */
export function runStatus(r: Pick<CollectionRun, "issues" | "error">): RunStatus {
  if (r.error || r.issues.ERROR > 0) return "FAILED";
  if (r.issues.WARN > 0) return "PARTIAL";
  return "SUCCEEDED";
}

/**
 * Updates a run with a compare-and-swap loop (queue handlers of the same run may write at
 * the same time). A finished run's status is recomputed after every change.
 */
export async function updateRun(
  kv: Deno.Kv,
  id: string,
  fn: (r: CollectionRun) => void,
): Promise<CollectionRun | null> {
  for (let i = 0; i < 50; i++) {
    const cur = await kv.get<CollectionRun>(keys.collectionRun(id));
    if (!cur.value) return null;
    const r = structuredClone(cur.value);
    fn(r);
    if (r.finished_at) r.status = runStatus(r);
    const res = await kv.atomic().check(cur).set(keys.collectionRun(id), r).commit();
    if (res.ok) return r;
  }
  throw new Error(`run ${id}: too much contention`);
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

/** Newest runs first, optionally filtered by job, source and status. */
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
  for await (const e of iter) {
    if (++scanned > 5000) break;
    const r = e.value;
    if (filter.job && r.job !== filter.job) continue;
    if (filter.source && r.source !== filter.source) continue;
    if (filter.status && r.status !== filter.status) continue;
    out.push(r);
    if (out.length >= limit) break;
  }
  return out;
}
