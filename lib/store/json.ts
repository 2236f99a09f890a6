/**
 * JSON values that may outgrow KV's 64 KiB value limit: small ones are stored inline,
 * larger ones go to the blob store and the key holds a pointer.
 *
 * @module
 */
import { getBlob, gzip, putBlob } from "./blobs.ts";

/** Inline limit, leaving headroom under 65,536 bytes for KV's own encoding. */
export const INLINE_LIMIT = 60_000;

interface Inline {
  json: string;
}
interface Pointer {
  blob: string;
  size: number;
}
export type StoredJson = Inline | Pointer;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Prepares a JSON text for storage: inline or as a blob pointer. */
export async function toStored(kv: Deno.Kv, json: string): Promise<StoredJson> {
  const bytes = enc.encode(json);
  if (bytes.length <= INLINE_LIMIT) return { json };
  const meta = await putBlob(kv, bytes, "application/json");
  return { blob: meta.hash, size: bytes.length };
}

/** Resolves a stored value back to its JSON text. */
export async function fromStored(kv: Deno.Kv, v: StoredJson): Promise<string> {
  if ("json" in v) return v.json;
  const bytes = await getBlob(kv, v.blob);
  if (!bytes) throw new Error(`stored JSON blob ${v.blob} is missing`);
  return dec.decode(bytes);
}

/** A response body encoded once: UTF-8 bytes and a gzip copy made on first demand. */
export interface EncodedBody {
  bytes: Uint8Array;
  gzip(): Promise<Uint8Array>;
  /** The gzip copy once it has been made. */
  gzipped?: Uint8Array;
  /**
   * Prebuilt responses (identity, gzip) that senders clone: `Response.clone()` of a static
   * body costs ~0.2 µs, building a Response with headers ~9–20 µs (see docs/BENCHMARKS.md).
   */
  responses?: { identity?: Response; gzip?: Response };
}

/** Encodes a JSON text once, with a lazily made gzip copy. */
export function encoded(json: string): EncodedBody & { json: string } {
  const bytes = new TextEncoder().encode(json);
  let gz: Promise<Uint8Array> | undefined;
  const body: EncodedBody & { json: string } = {
    json,
    bytes,
    gzip: () =>
      gz ??= gzip(bytes).then((g) => {
        body.gzipped = g;
        return g;
      }),
  };
  return body;
}
