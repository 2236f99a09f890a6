/**
 * A content-addressed blob store on Deno KV: payloads are gzip-compressed, split into
 * chunks under KV's 64 KiB value limit, and addressed by the SHA-256 of their original
 * bytes. The meta record is written after the chunks, so its presence means the blob is
 * complete; writing the same bytes twice stores them once.
 *
 * @module
 */
import { keys } from "./keys.ts";
import { assertCommitted } from "./kv.ts";

/** Chunk size: leaves headroom under the 65,536-byte value limit. */
export const CHUNK_BYTES = 60 * 1024;
const CHUNKS_PER_COMMIT = 12; // 12 x 60 KiB = 720 KiB < 800 KiB per atomic

export interface BlobMeta {
  hash: string;
  size: number;
  stored: number;
  chunks: number;
  encoding: "gzip" | "identity";
  content_type: string;
  created_at: string;
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
  const existing = await kv.get<BlobMeta>(keys.blob(hash));
  if (existing.value) return existing.value;

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

/** Reads a blob's meta, or null. */
export async function getBlobMeta(kv: Deno.Kv, hash: string): Promise<BlobMeta | null> {
  return (await kv.get<BlobMeta>(keys.blob(hash))).value;
}

/** Reads a blob back as its original bytes, or null when absent. Verifies the hash. */
export async function getBlob(kv: Deno.Kv, hash: string): Promise<Uint8Array | null> {
  const meta = await getBlobMeta(kv, hash);
  if (!meta) return null;
  const parts: Uint8Array[] = [];
  for await (
    const e of kv.list<Uint8Array>({
      start: keys.blobChunk(hash, 0),
      end: keys.blobChunk(hash, meta.chunks),
    })
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

/** Deletes a blob (meta first, so a half-deleted blob reads as absent). */
export async function deleteBlob(kv: Deno.Kv, hash: string): Promise<void> {
  const meta = await getBlobMeta(kv, hash);
  if (!meta) return;
  await kv.delete(keys.blob(hash));
  for (let start = 0; start < meta.chunks; start += 500) {
    const op = kv.atomic();
    for (let i = start; i < Math.min(meta.chunks, start + 500); i++) {
      op.delete(keys.blobChunk(hash, i));
    }
    await op.commit();
  }
}
