/**
 * Sending a pre-encoded JSON body: gzip when the client accepts it (the copy is made once
 * and reused), identity otherwise. Headers are tuple arrays: measured ~1.4x faster than
 * header objects on Deno.serve's response path.
 *
 * @module
 */
import type { EncodedBody } from "../lib/store/json.ts";

export const JSON_HEADERS: [string, string][] = [
  ["content-type", "application/json; charset=utf-8"],
  ["vary", "accept-encoding"],
  ["x-content-type-options", "nosniff"],
];
export const GZIP_HEADERS: [string, string][] = [...JSON_HEADERS, ["content-encoding", "gzip"]];

/** True when the response should be the gzip copy. */
export const wantsGzip = (body: EncodedBody, acceptEncoding: string, minBytes = 0) =>
  body.bytes.length >= minBytes && /\bgzip\b/.test(acceptEncoding);

/**
 * The response for a body; bodies under `minBytes` are never compressed. The response is
 * built once per body and encoding and cloned per request: a clone shares the static body
 * and copies the header list without re-validating it, which makes it ~50x cheaper than
 * `new Response(bytes, {headers})` on Deno 2.9 (a clone's headers may be changed freely).
 */
export async function sendEncoded(
  body: EncodedBody,
  acceptEncoding: string,
  minBytes = 0,
): Promise<Response> {
  if (wantsGzip(body, acceptEncoding, minBytes)) await body.gzip();
  return cachedResponse(body, acceptEncoding, minBytes)!;
}

/**
 * The same response, synchronously, when it can be made without waiting (identity, or a
 * gzip copy that exists already); null when the gzip copy still has to be made.
 */
export function cachedResponse(
  body: EncodedBody,
  acceptEncoding: string,
  minBytes = 0,
): Response | null {
  const built = (body.responses ??= {});
  if (wantsGzip(body, acceptEncoding, minBytes)) {
    if (!body.gzipped) return null;
    built.gzip ??= new Response(body.gzipped as Uint8Array<ArrayBuffer>, { headers: GZIP_HEADERS });
    return built.gzip.clone();
  }
  built.identity ??= new Response(body.bytes as Uint8Array<ArrayBuffer>, { headers: JSON_HEADERS });
  return built.identity.clone();
}
