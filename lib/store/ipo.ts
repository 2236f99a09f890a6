/**
 * IPO pipeline storage: reconciled deals, one snapshot per deal, and the pipeline snapshot
 * (a small header with status + the board rows as one JSON blob), plus the in-memory cache
 * the API answers from.
 *
 * The pipeline rows of 2,000 deals are ~1 MB of JSON: too big for a KV value, so they live
 * in the blob store (`json.ts`) and are read once per epoch. The API keeps pre-encoded
 * response bodies per query in {@linkcode IpoCache}, dropped when the epoch changes.
 *
 * @module
 */
import type { SourceStatus } from "../etl/schemas.ts";
import type { KindData } from "../ipo/kind_rows.ts";
import type { DealSnapshot, IpoItem, PipelineRow } from "../ipo/model.ts";
import { fromStored, type StoredJson, toStored } from "./json.ts";
import { EpochPoll } from "./epoch.ts";
import { encoded, type EncodedBody } from "./json.ts";

export { encoded, type EncodedBody };
import { keys } from "./keys.ts";
import { assertCommitted, AtomicBatcher } from "./kv.ts";

/** Header of the pipeline snapshot; `rows` points at the board rows' JSON. */
export interface PipelineHeader {
  built_at: string;
  sample: boolean;
  partial: boolean;
  source_status: Record<string, SourceStatus>;
  missing_sections: ("kind" | "dart")[];
  count: number;
  rows: StoredJson;
}

/**
 * Writes changed deals (item, fingerprint, corp index, deal snapshot) and deletes removed
 * ones. A removed deal with an `alias` (the id now carrying its offering) leaves
 * `["ipo_alias", id] → alias` in the same commit as its deletion; aliases that pointed at it
 * move on to the same target, so chains collapse (D1→K1, then K1→K2: D1→K2). A deal written
 * again drops its own alias.
 */
export async function putDeals(
  kv: Deno.Kv,
  changed: { item: IpoItem; hash: string; snapshot: DealSnapshot; prevCorp: string | null }[],
  removed: { id: string; corp: string | null; alias?: string | null }[],
): Promise<void> {
  const b = new AtomicBatcher(kv, 900, 600 * 1024);
  const live = new Set(changed.map((c) => c.item.pipeline_id));
  const moved = new Map(removed.flatMap((r) => r.alias ? [[r.id, r.alias] as const] : []));
  const rewrites: [from: string, to: string][] = [];
  if (moved.size) {
    for await (
      const e of kv.list<string>({ prefix: keys.ipoAliasPrefix() }, { batchSize: 1000 })
    ) {
      const from = e.key[1] as string, to = moved.get(e.value);
      if (to && !live.has(from) && !moved.has(from)) rewrites.push([from, to]);
    }
  }
  for (const { item, hash, snapshot, prevCorp } of changed) {
    const itemJson = await toStored(kv, JSON.stringify(item));
    const snapJson = await toStored(kv, JSON.stringify(snapshot));
    const size = ("json" in itemJson ? itemJson.json.length : 100) +
      ("json" in snapJson ? snapJson.json.length : 100);
    await b.group(6, size * 3);
    await b.set(keys.ipoItem(item.pipeline_id), itemJson, size * 3);
    await b.set(keys.ipoItemHash(item.pipeline_id), hash, 100);
    await b.set(keys.ipoDealSnapshot(item.pipeline_id), snapJson, 100);
    if (prevCorp && prevCorp !== item.corp_code) {
      await b.delete(keys.ipoByCorp(prevCorp, item.pipeline_id));
    }
    if (item.corp_code) await b.set(keys.ipoByCorp(item.corp_code, item.pipeline_id), true, 80);
    await b.delete(keys.ipoAlias(item.pipeline_id));
  }
  for (const r of removed) {
    await b.group(5, 400);
    await b.delete(keys.ipoItem(r.id));
    await b.delete(keys.ipoItemHash(r.id));
    await b.delete(keys.ipoDealSnapshot(r.id));
    if (r.corp) await b.delete(keys.ipoByCorp(r.corp, r.id));
    if (r.alias) await b.set(keys.ipoAlias(r.id), r.alias, 80);
  }
  for (const [from, to] of rewrites) {
    if (from === to) await b.delete(keys.ipoAlias(from));
    else await b.set(keys.ipoAlias(from), to, 80);
  }
  await b.flush();
}

/**
 * The id an old pipeline id now answers under (aliases are collapsed when written; a few
 * hops are still followed), or null when `id` has no alias.
 */
export async function resolveAlias(kv: Deno.Kv, id: string): Promise<string | null> {
  const seen = new Set([id]);
  let cur = id;
  for (let hop = 0; hop < 8; hop++) {
    const next = (await kv.get<string>(keys.ipoAlias(cur))).value;
    if (!next || seen.has(next)) break;
    seen.add(next);
    cur = next;
  }
  return cur === id ? null : cur;
}

/** Fingerprints of every stored deal. */
export async function listDealHashes(kv: Deno.Kv): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (
    const e of kv.list<string>({ prefix: keys.ipoItemHashPrefix() }, { batchSize: 1000 })
  ) {
    out.set(e.key[1] as string, e.value);
  }
  return out;
}

/** A stored deal. */
export async function getDeal(kv: Deno.Kv, id: string): Promise<IpoItem | null> {
  const v = (await kv.get<StoredJson>(keys.ipoItem(id))).value;
  return v ? JSON.parse(await fromStored(kv, v)) as IpoItem : null;
}

/** A deal snapshot as stored JSON text. */
export async function getDealSnapshotJson(kv: Deno.Kv, id: string): Promise<string | null> {
  const v = (await kv.get<StoredJson>(keys.ipoDealSnapshot(id))).value;
  return v ? await fromStored(kv, v) : null;
}

/** Deals of one company. */
export async function dealsOfCorp(kv: Deno.Kv, corpCode: string): Promise<IpoItem[]> {
  const out: IpoItem[] = [];
  for await (const e of kv.list({ prefix: keys.ipoByCorpPrefix(corpCode) })) {
    const d = await getDeal(kv, e.key[2] as string);
    if (d) out.push(d);
  }
  return out;
}

/** Writes the pipeline snapshot (rows to a blob when large) and bumps the epoch. */
export async function putPipeline(
  kv: Deno.Kv,
  header: Omit<PipelineHeader, "rows" | "count">,
  rows: PipelineRow[],
): Promise<void> {
  const stored = await toStored(kv, JSON.stringify(rows));
  await putPipelineHeader(kv, { ...header, count: rows.length, rows: stored });
}

/** Rewrites only the header (status after a failed source), keeping the rows. */
export async function putPipelineHeader(kv: Deno.Kv, header: PipelineHeader): Promise<void> {
  const res = await kv.atomic()
    .set(keys.ipoPipelineSnapshot(), header)
    .sum(keys.ipoEpoch(), 1n)
    .commit();
  assertCommitted(res, "ipo pipeline snapshot");
  for (const c of caches.get(kv) ?? []) c.invalidate();
}

/** The pipeline header, or null before the first build. */
export async function getPipelineHeader(kv: Deno.Kv): Promise<PipelineHeader | null> {
  return (await kv.get<PipelineHeader>(keys.ipoPipelineSnapshot())).value;
}

/** The pipeline header and its rows. */
export async function getPipeline(
  kv: Deno.Kv,
): Promise<{ header: PipelineHeader; rows: PipelineRow[] } | null> {
  const header = await getPipelineHeader(kv);
  if (!header) return null;
  return { header, rows: JSON.parse(await fromStored(kv, header.rows)) as PipelineRow[] };
}

/** Saves the KIND rows of the last successful read. */
export async function putKindState(kv: Deno.Kv, data: KindData, at: string): Promise<void> {
  await kv.set(keys.ipoKindState(), { at, data: await toStored(kv, JSON.stringify(data)) });
}

/** The KIND rows of the last successful read. */
export async function getKindState(kv: Deno.Kv): Promise<{ at: string; data: KindData } | null> {
  const v = (await kv.get<{ at: string; data: StoredJson }>(keys.ipoKindState())).value;
  return v ? { at: v.at, data: JSON.parse(await fromStored(kv, v.data)) as KindData } : null;
}

// ---------------------------------------------------------------------------------------
// Cache

const caches = new WeakMap<Deno.Kv, Set<IpoCache>>();

/** The loaded pipeline: header, rows, and per-query encoded bodies. */
export interface PipelineState {
  header: PipelineHeader;
  rows: PipelineRow[];
  bodies: Map<string, EncodedBody>;
  deals: Map<string, EncodedBody & { json: string }>;
  /** Old pipeline id → current id (null: no alias), see {@linkcode resolveAlias}. */
  aliases: Map<string, string | null>;
}

/**
 * Read-through cache of the pipeline and deal snapshots, dropped on a write through this
 * module, on an epoch change (polled every `pollMs`, which sees other processes), or after
 * `ttlMs`.
 */
export class IpoCache {
  #state: Promise<PipelineState | null> | null = null;
  #at = 0;
  #poll: EpochPoll;
  static readonly MAX_BODIES = 2_000;

  constructor(private kv: Deno.Kv, private opts: { ttlMs?: number; pollMs?: number } = {}) {
    let set = caches.get(kv);
    if (!set) caches.set(kv, set = new Set());
    set.add(this);
    this.#poll = new EpochPoll(kv, keys.ipoEpoch(), opts.pollMs, () => this.invalidate());
  }

  #ready: PipelineState | null = null;

  #gen = 0;

  #load(): Promise<PipelineState | null> {
    const gen = ++this.#gen;
    const p = (async () => {
      const epoch = (await this.kv.get(keys.ipoEpoch())).versionstamp;
      const got = await getPipeline(this.kv);
      this.#poll.set(epoch);
      const state = got
        ? { ...got, bodies: new Map(), deals: new Map(), aliases: new Map() }
        : null;
      if (gen === this.#gen) this.#ready = state;
      return state;
    })();
    this.#state = p;
    p.catch(() => {
      if (this.#state === p) this.#state = null;
    });
    return p;
  }

  /**
   * The current pipeline state. Loaded once; after `ttlMs` one `kv.get` of the epoch checks
   * for writers in other processes (the current state is served meanwhile) and a changed
   * epoch reloads it.
   */
  state(): Promise<PipelineState | null> {
    if (!this.#state) {
      this.#at = Date.now();
      return this.#load();
    }
    if (Date.now() - this.#at > (this.opts.ttlMs ?? 2_000)) {
      this.#at = Date.now();
      const current = this.#state;
      this.kv.get(keys.ipoEpoch()).then((e) => {
        if (e.versionstamp !== this.#poll.epoch && this.#state === current) this.#load();
      }).catch(() => {});
    }
    return this.#state;
  }

  /**
   * A deal snapshot's encoded body, cached with the pipeline state (so per IPO epoch).
   *
   * The pipeline-wide status (`source_status`, `partial`, `missing_sections`) is taken from
   * the CURRENT pipeline header, merged in here at read time: a deal snapshot is rebuilt only
   * when its own inputs change, so the status frozen in it goes stale when a source fails or
   * recovers later while the deal stays the same. Every refresh rewrites the header and bumps
   * the epoch, which drops these bodies, so the merge runs once per deal per epoch.
   * (Rebuilding the snapshots instead would rewrite every deal on every refresh, since
   * `checked_at` moves each time.) `built_at` stays the deal's own.
   */
  async deal(id: string): Promise<(EncodedBody & { json: string }) | null> {
    const s = await this.state();
    const hit = s?.deals.get(id);
    if (hit) return hit;
    let json = await getDealSnapshotJson(this.kv, id);
    if (json === null) return null;
    if (s) {
      const snap = JSON.parse(json) as DealSnapshot;
      snap.source_status = s.header.source_status;
      snap.partial = s.header.partial;
      snap.missing_sections = s.header.missing_sections;
      json = JSON.stringify(snap);
    }
    const body = encoded(json);
    if (s && s.deals.size < IpoCache.MAX_BODIES) s.deals.set(id, body);
    return body;
  }

  /** The current id of an old (aliased) pipeline id, or null; cached per IPO epoch. */
  async alias(id: string): Promise<string | null> {
    const s = await this.state();
    if (s?.aliases.has(id)) return s.aliases.get(id)!;
    const to = await resolveAlias(this.kv, id);
    if (s && s.aliases.size < IpoCache.MAX_BODIES) s.aliases.set(id, to);
    return to;
  }

  invalidate(): void {
    this.#gen++;
    this.#state = null;
    this.#ready = null;
  }

  /**
   * The loaded state without waiting (null while loading or before the first load), for
   * synchronous hot paths; it also runs the TTL epoch check that {@linkcode state} does.
   */
  peek(): PipelineState | null {
    if (this.#ready && Date.now() - this.#at > (this.opts.ttlMs ?? 2_000)) void this.state();
    return this.#ready;
  }

  close(): Promise<void> {
    this.#poll.stop();
    caches.get(this.kv)?.delete(this);
    return Promise.resolve();
  }
}
