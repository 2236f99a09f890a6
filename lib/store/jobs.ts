/**
 * The KV side of the job queue: enqueueing, processed markers (idempotency), completion in
 * one atomic with the run counters and issues it reports, retries and dead letters, and the
 * counters behind the queue-depth gauge.
 *
 * Retries are the app's, not KV's: a failed message is put back on the queue by the runtime
 * (same id, `attempt` + 1, after the app's delay) and dead-lettered by it when its tries are
 * used up. KV's own `backoffSchedule` ({@linkcode REDELIVERY_SCHEDULE}) is spent only when a
 * worker dies with the message in flight (KV requeues it once its running deadline passes),
 * so a `kill -9` never eats a message's tries, and a message that keeps killing its worker
 * still ends as a dead letter.
 *
 * Depth = enqueued − processed − dropped − (dead letters now). Each message id has a pending
 * marker from its enqueue (same atomic) until the atomic that counts it processed deletes it,
 * so a redelivered or duplicated message is counted processed at most once and retries never
 * make `processed` exceed `enqueued`.
 *
 * @module
 */
import type { JobMessage, NewJob } from "../jobs/messages.ts";
import { keys } from "./keys.ts";
import { assertCommitted, contentionPause, KvContentionError } from "./kv.ts";
import {
  addIssueMutations,
  ISSUE_MUTATIONS,
  type NewQualityIssue,
  stampIssues,
} from "./quality.ts";
import { addRunCounts, plusDelta, type RunDelta } from "./runs.ts";

/** How long a processed marker is kept (a duplicate older than this would run again). */
export const DONE_TTL_MS = 30 * 86400_000;

/**
 * KV's redelivery schedule of every message (Deno allows at most 5 intervals): the delays
 * before KV hands back a message whose worker died with it in flight. A message in flight
 * through 6 crashes becomes a dead letter (it may be what kills the worker). Failures of the
 * work itself are retried by the runtime with the app's delays.
 */
export const REDELIVERY_SCHEDULE = [1_000, 5_000, 30_000, 120_000, 600_000];

export interface EnqueueOptions {
  /** KV's redelivery schedule (default {@linkcode REDELIVERY_SCHEDULE}). */
  backoffSchedule?: number[];
  delay?: number;
}

/** Stamps queue messages with an id and the enqueue time. */
export function stampJobs(jobs: NewJob[], now = new Date()): JobMessage[] {
  return jobs.map((j) =>
    ({
      ...j,
      id: crypto.randomUUID(),
      enqueued_at: now.toISOString(),
    }) as JobMessage
  );
}

/**
 * Adds messages to an atomic: each enqueue, its pending marker, and the enqueued counter
 * (3 mutations per message, so a commit holds up to ~300).
 */
export function enqueueMutations(
  op: Deno.AtomicOperation,
  msgs: JobMessage[],
  opts: EnqueueOptions = {},
): Deno.AtomicOperation {
  for (const msg of msgs) {
    op.enqueue(msg, {
      delay: opts.delay,
      backoffSchedule: opts.backoffSchedule ?? REDELIVERY_SCHEDULE,
      keysIfUndelivered: [keys.deadLetter(msg.id)],
    })
      .set(keys.jobPending(msg.id), { key: msg.key, kind: msg.kind, run_id: msg.run_id });
  }
  if (msgs.length) op.sum(keys.jobCounter("enqueued"), BigInt(msgs.length));
  return op;
}

/** Enqueues messages (one atomic per message) and counts them. Returns the stamped messages. */
export async function enqueueJobs(
  kv: Deno.Kv,
  jobs: NewJob[],
  opts: EnqueueOptions = {},
  now = new Date(),
): Promise<JobMessage[]> {
  const out = stampJobs(jobs, now);
  for (const msg of out) {
    const res = await enqueueMutations(kv.atomic(), [msg], opts).commit();
    if (!res.ok) throw new Error(`enqueue of ${msg.key} failed`);
  }
  return out;
}

/** True when a message with this idempotency key was already processed. */
export async function isDone(kv: Deno.Kv, key: string): Promise<boolean> {
  return (await kv.get(keys.jobDone(key))).versionstamp !== null;
}

/** What a processed message reports, committed with its processed marker. */
export interface Completion {
  /** The run whose counters and issues these are (default the message's `run_id`). */
  run_id?: string | null;
  /** Counters to add to the run. */
  delta?: RunDelta;
  issues?: NewQualityIssue[];
  /** The unit of the run's queued work the message finishes (a KRX day). */
  unit?: string;
}

/** Most issues one completion stores; more are folded into one summary issue. */
const MAX_COMPLETION_ISSUES = 200;

function foldIssues(issues: NewQualityIssue[]): NewQualityIssue[] {
  if (issues.length <= MAX_COMPLETION_ISSUES) return issues;
  const kept = issues.slice(0, MAX_COMPLETION_ISSUES - 1);
  const rest = issues.slice(MAX_COMPLETION_ISSUES - 1);
  const worst = rest.some((i) => i.severity === "ERROR") ? "ERROR" : "WARN";
  return [...kept, {
    ...rest[0],
    code: "ISSUES_FOLDED",
    severity: worst,
    message: `${rest.length} more issues (${
      [...new Set(rest.map((i) => i.code))].join(", ")
    }) were not stored one by one`,
  }];
}

/**
 * Marks a message processed, in one atomic: its done marker (checked absent), its pending
 * marker deleted and the processed counter, its run's counters and issues, and its run unit
 * marked done. Returns "duplicate" when another copy of the message (a redelivery) finished
 * first: then nothing of this copy is counted.
 */
export async function completeJob(
  kv: Deno.Kv,
  msg: JobMessage,
  c: Completion = {},
  at = new Date(),
): Promise<"done" | "duplicate"> {
  const runId = c.run_id === undefined ? msg.run_id : c.run_id;
  const issues = stampIssues(foldIssues(c.issues ?? []), at);
  if (issues.length * ISSUE_MUTATIONS > 900) throw new Error("too many issues for one commit");
  for (let i = 0;; i++) {
    const unitKey = runId && c.unit ? keys.runUnit(runId, c.unit) : null;
    const [done, pending, unit] = await kv.getMany<[unknown, unknown, { state: string }]>([
      keys.jobDone(msg.key),
      keys.jobPending(msg.id),
      unitKey ?? keys.jobPending(msg.id),
    ]);
    const op = kv.atomic();
    if (pending.versionstamp !== null) {
      op.check(pending).delete(keys.jobPending(msg.id)).sum(keys.jobCounter("processed"), 1n);
    }
    const duplicate = done.versionstamp !== null ||
      (unitKey !== null && unit.value?.state === "done");
    if (!duplicate) {
      op.check(done).set(keys.jobDone(msg.key), { id: msg.id, at: at.toISOString() }, {
        expireIn: DONE_TTL_MS,
      });
      let delta = c.delta ?? {};
      if (unitKey) {
        op.check(unit).set(unitKey, { state: "done", at: at.toISOString(), id: msg.id });
        delta = plusDelta(delta, {
          units_done: 1,
          units_failed: unit.value?.state === "failed" ? -1 : 0,
        });
      }
      if (runId) addRunCounts(op, runId, delta);
      addIssueMutations(op, issues);
    }
    if ((await op.commit()).ok) return duplicate ? "duplicate" : "done";
    if (i >= 200) throw new KvContentionError(`completion of ${msg.key}`);
    await contentionPause(i);
  }
}

/**
 * A message seen again after it was processed (a redelivery or a duplicate enqueue): counted
 * processed if it is still pending, else nothing.
 */
export async function skipJob(kv: Deno.Kv, msg: JobMessage): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const pending = await kv.get(keys.jobPending(msg.id));
    if (pending.versionstamp === null) return;
    const res = await kv.atomic().check(pending).delete(keys.jobPending(msg.id))
      .sum(keys.jobCounter("processed"), 1n).commit();
    if (res.ok) return;
  }
}

/**
 * Puts a message back on the queue after `delayMs` (the runtime's retry or deferral): same id,
 * still pending, not counted again.
 */
export async function requeueJob(kv: Deno.Kv, msg: JobMessage, delayMs: number): Promise<void> {
  const res = await kv.atomic().enqueue(msg, {
    delay: Math.max(0, Math.round(delayMs)),
    backoffSchedule: REDELIVERY_SCHEDULE,
    keysIfUndelivered: [keys.deadLetter(msg.id)],
  }).commit();
  assertCommitted(res, `requeue of ${msg.key}`);
}

/**
 * Dead-letters a message whose tries are used up (it stays pending: depth subtracts dead
 * letters). When it is a unit of a run, the unit counts as failed and `issue` is stored, in
 * the same atomic. Returns false, and does nothing, when the message was processed meanwhile.
 */
export async function deadLetterJob(
  kv: Deno.Kv,
  msg: JobMessage,
  f: { unit?: string; issue?: NewQualityIssue } = {},
  at = new Date(),
): Promise<boolean> {
  const stored: JobMessage = { ...msg, attempt: 0, deferrals: 0 };
  const issues = f.issue ? stampIssues([f.issue], at) : [];
  for (let i = 0;; i++) {
    const unitKey = msg.run_id && f.unit ? keys.runUnit(msg.run_id, f.unit) : null;
    const [done, unit] = await kv.getMany<[unknown, { state: string }]>([
      keys.jobDone(msg.key),
      unitKey ?? keys.jobDone(msg.key),
    ]);
    if (done.versionstamp !== null || (unitKey && unit.value?.state === "done")) {
      await skipJob(kv, msg);
      return false;
    }
    const op = kv.atomic().check(done).set(keys.deadLetter(msg.id), stored);
    if (unitKey && unit.versionstamp === null) {
      op.check(unit).set(unitKey, { state: "failed", at: at.toISOString(), id: msg.id });
      addRunCounts(op, msg.run_id!, { units_failed: 1 });
      addIssueMutations(op, issues);
    }
    if ((await op.commit()).ok) return true;
    if (i >= 200) throw new KvContentionError(`dead letter of ${msg.key}`);
    await contentionPause(i);
  }
}

export interface DeadLetter {
  id: string;
  message: JobMessage;
}

/** Dead letters, oldest key first (at most `limit`). */
export async function listDeadLetters(kv: Deno.Kv, limit = 200): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  for await (const e of kv.list<JobMessage>({ prefix: keys.deadLetterPrefix() }, { limit })) {
    out.push({ id: String(e.key[1]), message: e.value });
  }
  return out;
}

/** Number of dead letters (bounded scan). */
export async function countDeadLetters(kv: Deno.Kv, max = 10_000): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix: keys.deadLetterPrefix() }, { limit: max })) n++;
  return n;
}

/**
 * Re-enqueues a dead letter (with fresh tries) and deletes it in one atomic. Returns false
 * when there is no such dead letter (already retried or dropped).
 */
export async function retryDeadLetter(
  kv: Deno.Kv,
  id: string,
  opts: EnqueueOptions = {},
): Promise<boolean> {
  const [e, pending] = await kv.getMany<[JobMessage, unknown]>([
    keys.deadLetter(id),
    keys.jobPending(id),
  ]);
  if (!e.value) return false;
  const msg: JobMessage = { ...e.value, attempt: 0, deferrals: 0 };
  const op = kv.atomic()
    .check(e)
    .delete(keys.deadLetter(id))
    .enqueue(msg, {
      backoffSchedule: opts.backoffSchedule ?? REDELIVERY_SCHEDULE,
      keysIfUndelivered: [keys.deadLetter(id)],
    });
  // A dead letter from before pending markers: mark it, so its processing is counted.
  if (pending.versionstamp === null) {
    op.check(pending).set(keys.jobPending(id), {
      key: msg.key,
      kind: msg.kind,
      run_id: msg.run_id,
    });
  }
  return (await op.commit()).ok;
}

/** Deletes a dead letter for good. Returns false when there is none. */
export async function dropDeadLetter(kv: Deno.Kv, id: string): Promise<boolean> {
  const e = await kv.get(keys.deadLetter(id));
  if (e.versionstamp === null) return false;
  const res = await kv.atomic().check(e).delete(keys.deadLetter(id))
    .delete(keys.jobPending(id))
    .sum(keys.jobCounter("dropped"), 1n).commit();
  return res.ok;
}

/** Queue counters and the current depth. */
export async function queueStats(
  kv: Deno.Kv,
): Promise<{ enqueued: number; processed: number; dropped: number; dead: number; depth: number }> {
  const [e, p, d] = await kv.getMany<[Deno.KvU64, Deno.KvU64, Deno.KvU64]>([
    keys.jobCounter("enqueued"),
    keys.jobCounter("processed"),
    keys.jobCounter("dropped"),
  ]);
  const n = (x: Deno.KvEntryMaybe<Deno.KvU64>) => (x.value ? Number(x.value.value) : 0);
  const dead = await countDeadLetters(kv);
  const enqueued = n(e), processed = n(p), dropped = n(d);
  return {
    enqueued,
    processed,
    dropped,
    dead,
    depth: Math.max(0, enqueued - processed - dropped - dead),
  };
}
