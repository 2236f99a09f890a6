/**
 * The raw layer: every payload as a source returned it, with the (masked) request, its hash
 * and the time, so any normalized record can be rebuilt from it. The one change made to a
 * payload: any form of a registered secret in it (an upstream that quotes our key or
 * password back in an error page) is replaced by `***` before it is stored
 * ({@linkcode maskSecretBytes}); the hash is of what is stored.
 *
 * @module
 */
import { maskSecretBytes, maskSecrets } from "../log.ts";
import { type BlobMeta, getBlob, putBlob } from "./blobs.ts";
import { keys } from "./keys.ts";
import { assertCommitted, listPage, type Page } from "./kv.ts";

export interface RawRecord {
  id: string;
  source: string;
  dataset: string;
  /** The request (method, URL, form) with secrets masked. */
  request: string;
  http_status: number;
  content_type: string;
  hash: string;
  size: number;
  fetched_at: string;
}

let lastMs = 0;
let seq = 0;
/** A time-ordered id: 13-digit ms timestamp + 4-digit sequence + random suffix. */
export function timeId(now = Date.now()): string {
  if (now === lastMs) seq++;
  else {
    lastMs = now;
    seq = 0;
  }
  const rand = crypto.getRandomValues(new Uint8Array(3));
  const suffix = Array.from(rand, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${String(now).padStart(13, "0")}${String(seq).padStart(4, "0")}${suffix}`;
}

/** Stores a payload (blob + record + per-source index, the last two in one atomic). */
export async function saveRaw(
  kv: Deno.Kv,
  p: {
    source: string;
    dataset: string;
    request: string;
    http_status: number;
    content_type: string;
    body: Uint8Array;
    fetched_at?: Date;
  },
): Promise<RawRecord> {
  const meta: BlobMeta = await putBlob(kv, maskSecretBytes(p.body), p.content_type);
  const at = p.fetched_at ?? new Date();
  const rec: RawRecord = {
    id: timeId(at.getTime()),
    source: p.source,
    dataset: p.dataset,
    request: maskSecrets(p.request),
    http_status: p.http_status,
    content_type: p.content_type,
    hash: meta.hash,
    size: meta.size,
    fetched_at: at.toISOString(),
  };
  const res = await kv.atomic()
    .set(keys.raw(rec.id), rec)
    .set(keys.rawBySource(rec.source, rec.dataset, rec.id), rec)
    .commit();
  assertCommitted(res, `raw ${rec.id}`);
  return rec;
}

/** Reads a raw record. */
export async function getRaw(kv: Deno.Kv, id: string): Promise<RawRecord | null> {
  return (await kv.get<RawRecord>(keys.raw(id))).value;
}

/** Reads the payload bytes of a raw record. */
export async function getRawBody(kv: Deno.Kv, rec: RawRecord): Promise<Uint8Array | null> {
  return await getBlob(kv, rec.hash);
}

/** Lists raw records of a source (and dataset), newest first. */
export function listRaw(
  kv: Deno.Kv,
  source: string,
  opts: { dataset?: string; limit?: number; cursor?: string } = {},
): Promise<Page<RawRecord>> {
  return listPage<RawRecord>(kv, { prefix: keys.rawBySourcePrefix(source, opts.dataset) }, {
    limit: opts.limit ?? 50,
    cursor: opts.cursor,
    reverse: true,
  });
}
