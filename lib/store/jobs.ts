/**
 * The KV side of the job queue: enqueueing with retries and a dead-letter key, processed
 * markers (idempotency), dead-letter listing / retry / drop, and the counters behind the
 * queue-depth gauge.
 *
 * Depth = enqueued − processed − dropped − (dead letters now). A retried dead letter is
 * re-enqueued without counting it again, since its first enqueue was never processed.
 *
 * @module
 */
import type { JobMessage, NewJob } from "../jobs/messages.ts";
import { keys } from "./keys.ts";

/** How long a processed marker is kept (a duplicate older than this would run again). */
export const DONE_TTL_MS = 30 * 86400_000;

export interface EnqueueOptions {
  /** Retry delays in ms; 1 + length tries before the message becomes a dead letter. */
  backoffSchedule: number[];
  delay?: number;
}

/** Enqueues messages (one atomic per message) and counts them. Returns the stamped messages. */
export async function enqueueJobs(
  kv: Deno.Kv,
  jobs: NewJob[],
  opts: EnqueueOptions,
  now = new Date(),
): Promise<JobMessage[]> {
  const out: JobMessage[] = [];
  for (const j of jobs) {
    const msg = {
      ...j,
      id: crypto.randomUUID(),
      enqueued_at: now.toISOString(),
    } as JobMessage;
    const res = await kv.atomic()
      .enqueue(msg, {
        delay: opts.delay,
        backoffSchedule: opts.backoffSchedule,
        keysIfUndelivered: [keys.deadLetter(msg.id)],
      })
      .sum(keys.jobCounter("enqueued"), 1n)
      .commit();
    if (!res.ok) throw new Error(`enqueue of ${msg.key} failed`);
    out.push(msg);
  }
  return out;
}

/** True when a message with this idempotency key was already processed. */
export async function isDone(kv: Deno.Kv, key: string): Promise<boolean> {
  return (await kv.get(keys.jobDone(key))).versionstamp !== null;
}

/** Marks a message processed and counts it. */
export async function markDone(kv: Deno.Kv, msg: JobMessage, at = new Date()): Promise<void> {
  await kv.atomic()
    .set(keys.jobDone(msg.key), { id: msg.id, at: at.toISOString() }, { expireIn: DONE_TTL_MS })
    .sum(keys.jobCounter("processed"), 1n)
    .commit();
}

/** Counts a message that was skipped as a duplicate (so depth stays right). */
export async function countSkipped(kv: Deno.Kv): Promise<void> {
  await kv.atomic().sum(keys.jobCounter("processed"), 1n).commit();
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
 * Re-enqueues a dead letter and deletes it in one atomic. Returns false when there is no
 * such dead letter (already retried or dropped).
 */
export async function retryDeadLetter(
  kv: Deno.Kv,
  id: string,
  opts: EnqueueOptions,
): Promise<boolean> {
  const e = await kv.get<JobMessage>(keys.deadLetter(id));
  if (!e.value) return false;
  const res = await kv.atomic()
    .check(e)
    .delete(keys.deadLetter(id))
    .enqueue(e.value, {
      backoffSchedule: opts.backoffSchedule,
      keysIfUndelivered: [keys.deadLetter(id)],
    })
    .commit();
  return res.ok;
}

/** Deletes a dead letter for good. Returns false when there is none. */
export async function dropDeadLetter(kv: Deno.Kv, id: string): Promise<boolean> {
  const e = await kv.get(keys.deadLetter(id));
  if (e.versionstamp === null) return false;
  const res = await kv.atomic().check(e).delete(keys.deadLetter(id))
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
