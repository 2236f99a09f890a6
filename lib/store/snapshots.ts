/**
 * Snapshots: response-shaped documents that requests read with one KV get. They are stored
 * as JSON text, so the API can answer with the stored bytes as they are.
 *
 * {@linkcode SnapshotCache} keeps recently read snapshots in memory. Entries are dropped
 * when a snapshot is written through this module in the same process, when the snapshot
 * epoch changes (polled with one `kv.get` every `pollMs`, which also sees writers in other
 * processes and isolates), and after a short TTL. A `kv.watch` was measured to cost a third
 * of the snapshot route's throughput on a local sqlite KV, so the cache polls instead.
 *
 * @module
 */
import type { CompanySnapshot } from "../etl/schemas.ts";
import { EpochPoll } from "./epoch.ts";
import { keys } from "./keys.ts";
import { encoded, type EncodedBody, fromStored, type StoredJson, toStored } from "./json.ts";
import { assertCommitted } from "./kv.ts";

export interface SnapshotIndexEntry {
  corp_code: string;
  corp_name: string;
  market: string | null;
  built_at: string;
  partial: boolean;
}

const caches = new WeakMap<Deno.Kv, Set<SnapshotCache>>();

/** Writes a company snapshot, its index entry and bumps the epoch in one commit. */
export async function putCompanySnapshot(kv: Deno.Kv, snap: CompanySnapshot): Promise<void> {
  const stored = await toStored(kv, JSON.stringify(snap));
  const entry: SnapshotIndexEntry = {
    corp_code: snap.corp_code,
    corp_name: snap.profile?.corp_name ?? snap.corp_code,
    market: snap.profile?.market ?? null,
    built_at: snap.built_at,
    partial: snap.partial,
  };
  const res = await kv.atomic()
    .set(keys.companySnapshot(snap.corp_code), stored)
    .set(keys.snapshotIndex(snap.corp_code), entry)
    .sum(keys.snapshotEpoch(), 1n)
    .commit();
  assertCommitted(res, `snapshot ${snap.corp_code}`);
  for (const c of caches.get(kv) ?? []) c.invalidate(snap.corp_code);
}

/** Reads a company snapshot as JSON text (one KV get, plus a blob read for huge ones). */
export async function getCompanySnapshotJson(
  kv: Deno.Kv,
  corpCode: string,
): Promise<string | null> {
  const v = (await kv.get<StoredJson>(keys.companySnapshot(corpCode))).value;
  return v ? await fromStored(kv, v) : null;
}

/** Reads a company snapshot. */
export async function getCompanySnapshot(
  kv: Deno.Kv,
  corpCode: string,
): Promise<CompanySnapshot | null> {
  const json = await getCompanySnapshotJson(kv, corpCode);
  return json ? JSON.parse(json) as CompanySnapshot : null;
}

/** Companies that have a snapshot, by name. */
export async function listSnapshotCorps(kv: Deno.Kv, limit = 100): Promise<SnapshotIndexEntry[]> {
  const out: SnapshotIndexEntry[] = [];
  for await (
    const e of kv.list<SnapshotIndexEntry>({ prefix: keys.snapshotIndexPrefix() }, { limit })
  ) out.push(e.value);
  return out.sort((a, b) => a.corp_name.localeCompare(b.corp_name, "ko"));
}

/** A snapshot ready to send: UTF-8 JSON bytes, and a gzip copy made once on demand. */
export type SnapshotBody = EncodedBody & { json: string };

interface Entry {
  body: SnapshotBody;
  doc?: CompanySnapshot;
  at: number;
}

/** A read-through, size-bounded in-memory cache of company snapshots. */
export class SnapshotCache {
  #entries = new Map<string, Entry>();
  #poll: EpochPoll;

  constructor(
    private kv: Deno.Kv,
    private opts: { ttlMs?: number; maxEntries?: number; pollMs?: number; now?: () => number } = {},
  ) {
    let set = caches.get(kv);
    if (!set) caches.set(kv, set = new Set());
    set.add(this);
    this.#poll = new EpochPoll(kv, keys.snapshotEpoch(), opts.pollMs, () => this.#entries.clear());
  }

  #now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  async #load(corpCode: string): Promise<Entry | null> {
    const ttl = this.opts.ttlMs ?? 5_000;
    const hit = this.#entries.get(corpCode);
    if (hit && this.#now() - hit.at < ttl) return hit;
    const json = await getCompanySnapshotJson(this.kv, corpCode);
    if (json === null) {
      this.#entries.delete(corpCode);
      return null;
    }
    const entry: Entry = { body: encoded(json), at: this.#now() };
    const max = this.opts.maxEntries ?? 5_000;
    if (this.#entries.size >= max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(corpCode, entry);
    return entry;
  }

  /**
   * The snapshot as stored, ready to send: encoded once per cache fill (measured: encoding
   * the Korean JSON per response took a quarter of the request time) and gzip-compressed
   * once on the first request that accepts it.
   */
  async body(corpCode: string): Promise<SnapshotBody | null> {
    return (await this.#load(corpCode))?.body ?? null;
  }

  /**
   * The cached body when it is fresh, synchronously (no KV read, no promise): the hot path
   * of the snapshot route. Null on a miss or an expired entry — then use {@linkcode body}.
   */
  peek(corpCode: string): SnapshotBody | null {
    const hit = this.#entries.get(corpCode);
    return hit && this.#now() - hit.at < (this.opts.ttlMs ?? 5_000) ? hit.body : null;
  }

  /** The parsed snapshot. */
  async get(corpCode: string): Promise<CompanySnapshot | null> {
    const e = await this.#load(corpCode);
    if (!e) return null;
    return e.doc ??= JSON.parse(e.body.json) as CompanySnapshot;
  }

  /** Drops one entry, or all when no code is given. */
  invalidate(corpCode?: string): void {
    if (corpCode) this.#entries.delete(corpCode);
    else this.#entries.clear();
  }

  /** Stops the epoch poll and detaches from the store. */
  close(): Promise<void> {
    this.#poll.stop();
    caches.get(this.kv)?.delete(this);
    return Promise.resolve();
  }
}
