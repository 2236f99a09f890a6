/**
 * A content-addressed blob store on Deno KV: payloads are gzip-compressed, split into
 * chunks under KV's 64 KiB value limit, and addressed by the SHA-256 of their original
 * bytes. The meta record is written after the chunks, so its presence means the blob is
 * complete; writing the same bytes twice stores them once.
 *
 * Two ways in:
 *
 * - {@linkcode putBlob} takes the bytes whole; chunks live under the hash
 *   (`["blob_chunk", hash, i]`).
 * - {@linkcode putBlobStream} takes a stream and never holds more than a commit's worth of
 *   chunks: it hashes (node:crypto, incremental) and gzips (CompressionStream) as the bytes
 *   arrive, and writes 60 KiB chunks in atomics of 12 under an upload id
 *   (`["blob_part", upload, i]`), since the hash is only known at the end. An upload record
 *   (`["blob_upload", upload]`) stands while it runs and is deleted in the same atomic that
 *   writes the meta; a stream that fails deletes its parts, and {@linkcode abortBlobUploads}
 *   deletes those of a process that died mid-upload.
 *
 * Streamed blobs with an `owner` are **ref-counted**: the meta commit also writes
 * `["blob_ref", hash, owner]` (and its by-owner twin), a later upload of the same bytes by
 * another owner adds its own ref, and {@linkcode releaseBlobs} drops an owner's refs and
 * deletes each ref-counted blob left with none. A ref added and a blob deleted never cross:
 * both are atomics checked on the meta's versionstamp, and adding a ref rewrites the meta.
 * Storing the same bytes without an owner (either way in) makes the blob permanent.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { keys } from "./keys.ts";
import { assertCommitted } from "./kv.ts";

/** Chunk size: leaves headroom under the 65,536-byte value limit. */
export const CHUNK_BYTES = 60 * 1024;
/** Chunks per atomic commit: 12 x 60 KiB = 720 KiB < 800 KiB per atomic. */
export const CHUNKS_PER_COMMIT = 12;

export interface BlobMeta {
  hash: string;
  size: number;
  stored: number;
  chunks: number;
  encoding: "gzip" | "identity";
  content_type: string;
  created_at: string;
  /** Upload id of a streamed blob: its chunks are `["blob_part", upload, i]`. */
  upload?: string;
  /** Deleted by {@linkcode releaseBlobs} once no owner references it. */
  refcounted?: boolean;
}

/** A streamed upload that has not finished (yet). */
export interface BlobUpload {
  owner: string | null;
  content_type: string;
  started_at: string;
}

/** Hex SHA-256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function pipeThrough(bytes: Uint8Array, t: CompressionStream | DecompressionStream) {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(t);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** gzip-compresses bytes. */
export const gzip = (b: Uint8Array) => pipeThrough(b, new CompressionStream("gzip"));
/** gunzips bytes. */
export const gunzip = (b: Uint8Array) => pipeThrough(b, new DecompressionStream("gzip"));

/** A (de)compression stream typed for Uint8Array streams (its writable takes any BufferSource). */
const bytesPair = (t: CompressionStream | DecompressionStream) =>
  t as unknown as TransformStream<Uint8Array, Uint8Array>;

/** Key of chunk `i` of a blob (streamed blobs keep theirs under the upload id). */
const chunkKey = (meta: BlobMeta, i: number): Deno.KvKey =>
  meta.upload ? keys.blobPart(meta.upload, i) : keys.blobChunk(meta.hash, i);

const MAX_TRIES = 20;

/**
 * The stored meta of `hash` made permanent (a ref-counted blob loses its ref count), or null
 * when there is none. For a write without an owner that found the bytes already stored.
 */
async function keepBlob(kv: Deno.Kv, hash: string): Promise<BlobMeta | null> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await kv.get<BlobMeta>(keys.blob(hash));
    if (!entry.value) return null;
    if (!entry.value.refcounted) return entry.value;
    const { refcounted: _, ...kept } = entry.value;
    if ((await kv.atomic().check(entry).set(keys.blob(hash), kept).commit()).ok) return kept;
  }
  throw new Error(`blob ${hash}: too much contention to keep it`);
}

/**
 * Stores bytes and returns their meta. Already-compressed payloads (ZIP) are kept as they
 * are when gzip would not make them smaller.
 */
export async function putBlob(
  kv: Deno.Kv,
  bytes: Uint8Array,
  contentType = "application/octet-stream",
): Promise<BlobMeta> {
  const hash = await sha256Hex(bytes);
  const existing = await keepBlob(kv, hash);
  if (existing) return existing;

  const gz = await gzip(bytes);
  const useGz = gz.length < bytes.length;
  const body = useGz ? gz : bytes;
  const chunks = Math.max(1, Math.ceil(body.length / CHUNK_BYTES));
  for (let start = 0; start < chunks; start += CHUNKS_PER_COMMIT) {
    const op = kv.atomic();
    for (let i = start; i < Math.min(chunks, start + CHUNKS_PER_COMMIT); i++) {
      op.set(keys.blobChunk(hash, i), body.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    }
    assertCommitted(await op.commit(), `blob ${hash} chunks`);
  }
  const meta: BlobMeta = {
    hash,
    size: bytes.length,
    stored: body.length,
    chunks,
    encoding: useGz ? "gzip" : "identity",
    content_type: contentType,
    created_at: new Date().toISOString(),
  };
  await kv.set(keys.blob(hash), meta);
  return meta;
}

/** Options of {@linkcode putBlobStream}. */
export interface PutStreamOptions {
  /**
   * Who holds the blob (e.g. `export_job:<id>:<attempt>`): the blob is ref-counted and
   * {@linkcode releaseBlobs} with this owner lets it go. Without one the blob is permanent.
   */
  owner?: string;
}

/**
 * Stores a stream and returns its meta, holding at most one atomic's worth of chunks
 * (12 × 60 KiB) plus the compressor's buffers, whatever the stream's length. The bytes are
 * always gzipped. When the stream errors (or a KV write fails) the parts written so far are
 * deleted, no meta is written and the stream is cancelled; the error is rethrown.
 */
export async function putBlobStream(
  kv: Deno.Kv,
  body: ReadableStream<Uint8Array>,
  contentType = "application/octet-stream",
  opts: PutStreamOptions = {},
): Promise<BlobMeta> {
  const owner = opts.owner ?? null;
  const upload = crypto.randomUUID().replaceAll("-", "");
  const marker: BlobUpload = {
    owner,
    content_type: contentType,
    started_at: new Date().toISOString(),
  };
  await kv.set(keys.blobUpload(upload), marker);

  const hasher = createHash("sha256");
  let size = 0;
  const reader = body
    .pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, c) {
          hasher.update(chunk);
          size += chunk.byteLength;
          c.enqueue(chunk);
        },
      }),
    )
    .pipeThrough(bytesPair(new CompressionStream("gzip")))
    .getReader();

  let chunks = 0; // parts committed
  let stored = 0;
  let pending: Uint8Array[] = [];
  const buf = new Uint8Array(CHUNK_BYTES);
  let fill = 0;
  const commit = async () => {
    const op = kv.atomic();
    pending.forEach((part, k) => op.set(keys.blobPart(upload, chunks + k), part));
    assertCommitted(await op.commit(), `blob upload ${upload} parts`);
    chunks += pending.length;
    pending = [];
  };
  const push = async (part: Uint8Array) => {
    pending.push(part);
    stored += part.length;
    if (pending.length === CHUNKS_PER_COMMIT) await commit();
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let off = 0; off < value.length;) {
        const n = Math.min(CHUNK_BYTES - fill, value.length - off);
        buf.set(value.subarray(off, off + n), fill);
        fill += n;
        off += n;
        if (fill === CHUNK_BYTES) {
          await push(buf.slice());
          fill = 0;
        }
      }
    }
    if (fill || chunks + pending.length === 0) await push(buf.slice(0, fill));
    if (pending.length) await commit();
    const meta: BlobMeta = {
      hash: hasher.digest("hex"),
      size,
      stored,
      chunks,
      encoding: "gzip",
      content_type: contentType,
      created_at: new Date().toISOString(),
      upload,
      ...(owner ? { refcounted: true } : {}),
    };
    return await finishUpload(kv, meta, owner);
  } catch (e) {
    await reader.cancel(e).catch(() => {});
    await deleteParts(kv, upload, chunks + pending.length).catch(() => {});
    await kv.delete(keys.blobUpload(upload)).catch(() => {});
    throw e;
  }
}

/** Adds an owner's ref to a mutation (the ref and its by-owner twin). */
function setRef(op: Deno.AtomicOperation, hash: string, owner: string, at: string) {
  op.set(keys.blobRef(hash, owner), at).set(keys.blobRefByOwner(owner, hash), at);
}

/**
 * Turns a finished upload into a blob: its meta (with the owner's ref) and the deletion of
 * the upload record in one atomic, checked on both. When the same bytes are already stored
 * the upload's parts are dropped and the stored blob gets the ref (or is kept, without an
 * owner).
 */
async function finishUpload(kv: Deno.Kv, meta: BlobMeta, owner: string | null): Promise<BlobMeta> {
  const { hash, upload } = meta;
  for (let i = 0; i < MAX_TRIES; i++) {
    const [existing, marker] = await kv.getMany<[BlobMeta, BlobUpload]>([
      keys.blob(hash),
      keys.blobUpload(upload!),
    ]);
    if (!marker.value) throw new Error(`blob upload ${upload} was aborted before it finished`);
    const at = new Date().toISOString();
    if (!existing.value) {
      const op = kv.atomic()
        .check({ key: keys.blob(hash), versionstamp: null })
        .check(marker)
        .set(keys.blob(hash), meta)
        .delete(keys.blobUpload(upload!));
      if (owner) setRef(op, hash, owner, at);
      if ((await op.commit()).ok) return meta;
      continue;
    }
    // The same bytes are stored already: hold them, then drop this upload's parts.
    let kept = existing.value;
    if (kept.refcounted) {
      if (owner) {
        // Rewriting the meta changes its versionstamp: a concurrent release that read it
        // before this ref existed then fails its check instead of deleting the blob. The
        // upload record is checked too, so an aborted upload adds no ref.
        const op = kv.atomic().check(existing).check(marker).set(keys.blob(hash), kept);
        setRef(op, hash, owner, at);
        if (!(await op.commit()).ok) continue;
      } else {
        const held = await keepBlob(kv, hash);
        if (!held) continue;
        kept = held;
      }
    }
    await deleteParts(kv, upload!, meta.chunks);
    await kv.delete(keys.blobUpload(upload!));
    return kept;
  }
  throw new Error(`blob ${hash}: too much contention to store it`);
}

/** Deletes parts 0…n-1 of an upload (and any beyond, listed). */
async function deleteParts(kv: Deno.Kv, upload: string, n: number): Promise<void> {
  for (let start = 0; start < n; start += 500) {
    const op = kv.atomic();
    for (let i = start; i < Math.min(n, start + 500); i++) op.delete(keys.blobPart(upload, i));
    await op.commit();
  }
  // Parts a concurrent writer added after `n` (an aborted upload whose worker went on).
  let op = kv.atomic(), ops = 0;
  for await (const e of kv.list({ prefix: keys.blobPartPrefix(upload) }, { batchSize: 500 })) {
    op.delete(e.key);
    if (++ops === 500) {
      await op.commit();
      op = kv.atomic();
      ops = 0;
    }
  }
  if (ops) await op.commit();
}

/**
 * Deletes the unfinished uploads of an owner (a worker that died, or was replaced,
 * mid-upload): the upload record first, so an upload still running fails at its meta
 * commit, then its parts. Returns how many were deleted.
 */
export async function abortBlobUploads(kv: Deno.Kv, owner: string): Promise<number> {
  const found: string[] = [];
  for await (const e of kv.list<BlobUpload>({ prefix: keys.blobUploadPrefix() })) {
    if (e.value.owner === owner) found.push(e.key[1] as string);
  }
  for (const upload of found) {
    await kv.delete(keys.blobUpload(upload));
    await deleteParts(kv, upload, 0);
  }
  return found.length;
}

/** An unfinished upload with its id. */
export interface BlobUploadEntry extends BlobUpload {
  upload: string;
}

/** Unfinished uploads (of every owner), for sweeping those a dead worker left. */
export async function listBlobUploads(kv: Deno.Kv): Promise<BlobUploadEntry[]> {
  const out: BlobUploadEntry[] = [];
  for await (const e of kv.list<BlobUpload>({ prefix: keys.blobUploadPrefix() })) {
    out.push({ ...e.value, upload: e.key[1] as string });
  }
  return out;
}

/** Deletes one unfinished upload (record first, then its parts); false when it was gone. */
export async function abortBlobUpload(kv: Deno.Kv, upload: string): Promise<boolean> {
  const found = (await kv.get(keys.blobUpload(upload))).versionstamp !== null;
  await kv.delete(keys.blobUpload(upload));
  await deleteParts(kv, upload, 0);
  return found;
}

/**
 * Owners holding refs whose name starts with `prefix`, each with the time of its newest ref
 * (refs store when they were added).
 */
export async function listBlobOwners(
  kv: Deno.Kv,
  prefix: string,
): Promise<Map<string, { refs: number; newest: string }>> {
  const out = new Map<string, { refs: number; newest: string }>();
  const all = keys.blobRefByOwnerAll();
  const range = { start: [...all, prefix], end: [...all, `${prefix}\uffff`] };
  for await (const e of kv.list<string>(range, { batchSize: 500 })) {
    const owner = e.key[1] as string;
    if (!owner.startsWith(prefix)) continue;
    const o = out.get(owner) ?? { refs: 0, newest: "" };
    o.refs++;
    if (String(e.value) > o.newest) o.newest = String(e.value);
    out.set(owner, o);
  }
  return out;
}

/** Reads a blob's meta, or null. */
export async function getBlobMeta(kv: Deno.Kv, hash: string): Promise<BlobMeta | null> {
  return (await kv.get<BlobMeta>(keys.blob(hash))).value;
}

/** Owners referencing a blob (ref-counted blobs only). */
export async function listBlobRefs(kv: Deno.Kv, hash: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: keys.blobRefPrefix(hash) })) out.push(e.key[2] as string);
  return out;
}

/** Hashes an owner references. */
export async function listOwnedBlobs(kv: Deno.Kv, owner: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: keys.blobRefByOwnerPrefix(owner) })) {
    out.push(e.key[2] as string);
  }
  return out;
}

/** What {@linkcode releaseBlobs} did. */
export interface ReleaseResult {
  /** Refs dropped. */
  released: number;
  /** Blobs deleted because no ref was left. */
  deleted: string[];
}

/**
 * Drops an owner's refs (all, or all but `keep`) and deletes every ref-counted blob that is
 * left without a ref. Blobs another owner references, or stored without an owner, stay.
 */
export async function releaseBlobs(
  kv: Deno.Kv,
  owner: string,
  opts: { keep?: Iterable<string> } = {},
): Promise<ReleaseResult> {
  const keep = new Set(opts.keep ?? []);
  const out: ReleaseResult = { released: 0, deleted: [] };
  for (const hash of await listOwnedBlobs(kv, owner)) {
    if (keep.has(hash)) continue;
    await kv.atomic()
      .delete(keys.blobRef(hash, owner))
      .delete(keys.blobRefByOwner(owner, hash))
      .commit();
    out.released++;
    if (await deleteIfUnreferenced(kv, hash)) out.deleted.push(hash);
  }
  return out;
}

/** Deletes a ref-counted blob that no owner references; true when it did. */
async function deleteIfUnreferenced(kv: Deno.Kv, hash: string): Promise<boolean> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await kv.get<BlobMeta>(keys.blob(hash));
    if (!entry.value?.refcounted) return false;
    if ((await listBlobRefs(kv, hash)).length) return false;
    // A ref added after the read above rewrote the meta: the check fails and we look again.
    if ((await kv.atomic().check(entry).delete(keys.blob(hash)).commit()).ok) {
      await deleteChunks(kv, entry.value);
      return true;
    }
  }
  throw new Error(`blob ${hash}: too much contention to release it`);
}

/** Reads a blob back as its original bytes, or null when absent. Verifies the hash. */
export async function getBlob(kv: Deno.Kv, hash: string): Promise<Uint8Array | null> {
  const meta = await getBlobMeta(kv, hash);
  if (!meta) return null;
  const parts: Uint8Array[] = [];
  for await (
    const e of kv.list<Uint8Array>({ start: chunkKey(meta, 0), end: chunkKey(meta, meta.chunks) })
  ) parts.push(e.value);
  if (parts.length !== meta.chunks) {
    throw new Error(`blob ${hash} is incomplete: ${parts.length}/${meta.chunks} chunks`);
  }
  const joined = new Uint8Array(meta.stored);
  let off = 0;
  for (const p of parts) {
    joined.set(p, off);
    off += p.length;
  }
  const bytes = meta.encoding === "gzip" ? await gunzip(joined) : joined;
  if ((await sha256Hex(bytes)) !== hash) throw new Error(`blob ${hash} failed its checksum`);
  return bytes;
}

/**
 * A blob as a stream of its original bytes (with its meta), or null when absent: chunks are
 * read a page at a time and gunzipped as they go, so a large blob is never held whole. The
 * SHA-256 and size are checked at the end; a mismatch, or a missing chunk, errors the
 * stream (the reader sees an error, never short or wrong bytes as a clean end).
 */
export async function getBlobStream(
  kv: Deno.Kv,
  hash: string,
): Promise<{ meta: BlobMeta; body: ReadableStream<Uint8Array> } | null> {
  const meta = await getBlobMeta(kv, hash);
  if (!meta) return null;
  async function* stored(): AsyncGenerator<Uint8Array> {
    let i = 0;
    const range = { start: chunkKey(meta!, 0), end: chunkKey(meta!, meta!.chunks) };
    for await (const e of kv.list<Uint8Array>(range, { batchSize: 16 })) {
      if (e.key[e.key.length - 1] !== i) break;
      i++;
      yield e.value;
    }
    if (i !== meta!.chunks) {
      throw new Error(`blob ${hash} is incomplete: chunk ${i} of ${meta!.chunks} is missing`);
    }
  }
  let body: ReadableStream<Uint8Array> = ReadableStream.from(stored());
  if (meta.encoding === "gzip") body = body.pipeThrough(bytesPair(new DecompressionStream("gzip")));
  const hasher = createHash("sha256");
  let size = 0;
  body = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        hasher.update(chunk);
        size += chunk.byteLength;
        c.enqueue(chunk);
      },
      flush(c) {
        if (size !== meta.size || hasher.digest("hex") !== hash) {
          c.error(new Error(`blob ${hash} failed its checksum`));
        }
      },
    }),
  );
  return { meta, body };
}

/** Deletes the chunks of a blob whose meta is gone. */
async function deleteChunks(kv: Deno.Kv, meta: BlobMeta): Promise<void> {
  if (meta.upload) return await deleteParts(kv, meta.upload, meta.chunks);
  for (let start = 0; start < meta.chunks; start += 500) {
    const op = kv.atomic();
    for (let i = start; i < Math.min(meta.chunks, start + 500); i++) {
      op.delete(keys.blobChunk(meta.hash, i));
    }
    await op.commit();
  }
}

/** Deletes a blob (meta first, so a half-deleted blob reads as absent), refs or not. */
export async function deleteBlob(kv: Deno.Kv, hash: string): Promise<void> {
  const meta = await getBlobMeta(kv, hash);
  if (!meta) return;
  await kv.delete(keys.blob(hash));
  await deleteChunks(kv, meta);
}
