/**
 * Live tick storage: the latest tick and order book per code and a short per-code
 * history, written in one atomic commit per ingest batch (all or nothing).
 *
 * @module
 */
import type { StoredBook, StoredTick } from "../live/types.ts";
import { keys } from "./keys.ts";
import { assertCommitted } from "./kv.ts";

const dec = new TextDecoder();

/**
 * Values written by the Node bridge's KV Connect sink are UTF-8 JSON bytes (Node's
 * @deno/kv cannot write V8 values Deno reads reliably, nor read Deno's); Deno writes
 * structured values. Readers accept both.
 */
export function decodeValue<T>(v: unknown): T | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return JSON.parse(dec.decode(v)) as T;
  return v as T;
}

/** Ticks kept per code in the history ring. */
export const TICK_HISTORY = 50;
/** How long a viewed code stays in the live code list. */
export const LIVE_VIEW_TTL_MS = 60 * 60_000;

/** How long a stored batch id answers retries as duplicates. */
export const INGEST_BATCH_TTL_MS = 15 * 60_000;

/** What is kept under a stored batch id. */
export interface IngestBatchRecord {
  last_seq: number;
  ticks: number;
  books: number;
  at: number;
}

/** A stored tick plus its per-code count (history slot = n % TICK_HISTORY). */
interface LatestRecord extends StoredTick {
  n: number;
}

/**
 * Writes a validated batch atomically. `counts` caches each code's tick count (read from
 * KV on first sight) so history slots advance without an extra read per tick.
 *
 * With a `batchId`, the same commit records `["ingest_batch", batchId]` (expiring after
 * {@link INGEST_BATCH_TTL_MS}) and checks that the key is absent, so a retried or
 * concurrently delivered batch is stored at most once. Returns false (nothing written)
 * when the id was already stored.
 */
export async function writeTickBatch(
  kv: Deno.Kv,
  ticks: StoredTick[],
  books: StoredBook[],
  counts: Map<string, number>,
  writer: string,
  batchId?: string,
): Promise<boolean> {
  for (const t of ticks) {
    if (!counts.has(t.code)) {
      const cur = await kv.get(keys.tickLatest(t.code));
      counts.set(t.code, decodeValue<LatestRecord>(cur.value)?.n ?? 0);
    }
  }
  const next = new Map(counts);
  const latest = new Map<string, LatestRecord>();
  const op = kv.atomic();
  for (const t of ticks) {
    const n = next.get(t.code)! + 1;
    next.set(t.code, n);
    op.set(keys.tickHistory(t.code, n % TICK_HISTORY), t);
    latest.set(t.code, { ...t, n });
  }
  for (const [code, rec] of latest) op.set(keys.tickLatest(code), rec);
  const latestBook = new Map<string, StoredBook>();
  for (const b of books) latestBook.set(b.code, b);
  for (const [code, b] of latestBook) op.set(keys.bookLatest(code), b);
  const lastSeq = Math.max(0, ...ticks.map((t) => t.seq), ...books.map((b) => b.seq));
  op.set(keys.tickFeedHead(), { seq: lastSeq, writer });
  if (batchId !== undefined) {
    const key = keys.ingestBatch(batchId);
    const rec: IngestBatchRecord = {
      last_seq: lastSeq,
      ticks: ticks.length,
      books: books.length,
      at: Date.now(),
    };
    op.check({ key, versionstamp: null }).set(key, rec, { expireIn: INGEST_BATCH_TTL_MS });
    // The only check in this commit: a failure means the id is already stored.
    if (!(await op.commit()).ok) return false;
  } else {
    assertCommitted(await op.commit(), "tick batch");
  }
  for (const [code, n] of next) counts.set(code, n);
  return true;
}

/** The record of a stored batch id, or null when unknown (or expired). */
export async function getIngestBatch(
  kv: Deno.Kv,
  batchId: string,
): Promise<IngestBatchRecord | null> {
  return (await kv.get<IngestBatchRecord>(keys.ingestBatch(batchId))).value;
}

function strip(rec: LatestRecord | null): StoredTick | null {
  if (!rec) return null;
  const { n: _n, ...t } = rec;
  return t;
}

/** The latest stored tick of a code. */
export async function getLatestTick(kv: Deno.Kv, code: string): Promise<StoredTick | null> {
  return strip(decodeValue<LatestRecord>((await kv.get(keys.tickLatest(code))).value));
}

/** The latest stored order book of a code. */
export async function getLatestBook(kv: Deno.Kv, code: string): Promise<StoredBook | null> {
  return decodeValue<StoredBook>((await kv.get(keys.bookLatest(code))).value);
}

/** The stored history of a code, oldest first. */
export async function getTickHistory(kv: Deno.Kv, code: string): Promise<StoredTick[]> {
  const out: StoredTick[] = [];
  for await (const e of kv.list({ prefix: keys.tickHistoryPrefix(code) })) {
    out.push(decodeValue<StoredTick>(e.value)!);
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** Every code's latest tick (bounded by the number of live codes). */
export async function listLatestTicks(kv: Deno.Kv): Promise<StoredTick[]> {
  const out: StoredTick[] = [];
  for await (const e of kv.list({ prefix: keys.tickLatestPrefix() })) {
    out.push(strip(decodeValue<LatestRecord>(e.value))!);
  }
  return out;
}

/** The feed head and its versionstamp (cheap change check for the poll fallback). */
export async function getFeedHead(
  kv: Deno.Kv,
): Promise<{ seq: number; writer: string; versionstamp: string } | null> {
  const e = await kv.get(keys.tickFeedHead());
  const v = decodeValue<{ seq: number; writer: string }>(e.value);
  return v ? { ...v, versionstamp: e.versionstamp! } : null;
}

/** Records that codes were viewed now (expires after {@link LIVE_VIEW_TTL_MS}). */
export async function recordLiveViews(kv: Deno.Kv, codes: string[], now = Date.now()) {
  const op = kv.atomic();
  for (const c of codes.slice(0, 100)) {
    op.set(keys.liveView(c), now, { expireIn: LIVE_VIEW_TTL_MS });
  }
  await op.commit();
}

/** Codes viewed within the TTL, most recent first. */
export async function listLiveViews(kv: Deno.Kv, now = Date.now()): Promise<string[]> {
  const seen: { code: string; at: number }[] = [];
  for await (const e of kv.list<number>({ prefix: keys.liveViewPrefix() })) {
    if (now - e.value <= LIVE_VIEW_TTL_MS) seen.push({ code: String(e.key[1]), at: e.value });
  }
  return seen.sort((a, b) => b.at - a.at).map((s) => s.code);
}
