/**
 * JSON values that may outgrow KV's 64 KiB value limit: small ones are stored inline,
 * larger ones go to the blob store and the key holds a pointer.
 *
 * @module
 */
import { getBlob, putBlob } from "./blobs.ts";

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
