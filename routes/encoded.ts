/**
 * Content coding for every response.
 *
 * - Pre-encoded JSON bodies (snapshots, IPO pages, market answers): gzip when the client
 *   accepts it (the copy is made once and reused), identity otherwise, from prebuilt
 *   responses that senders clone. Headers are tuple arrays: measured ~1.4x faster than header
 *   objects on Deno.serve's response path.
 * - Everything else of a text type (pages, other JSON, problem+json, css/js files without a
 *   stored copy) is gzip-compressed by the app's outer layer ({@link compressResponse}, called
 *   from routes/app.ts `instrument`), unless the route negotiated the coding itself.
 * - Built static files have stored brotli/gzip copies; routes/assets.ts picks one with
 *   {@link chooseCoding}.
 *
 * @module
 */
import zlib from "node:zlib";
import type { EncodedBody } from "../lib/store/json.ts";

export const JSON_HEADERS: [string, string][] = [
  ["content-type", "application/json; charset=utf-8"],
  ["vary", "accept-encoding"],
  ["x-content-type-options", "nosniff"],
];
export const GZIP_HEADERS: [string, string][] = [...JSON_HEADERS, ["content-encoding", "gzip"]];

/** The content codings kdesk sends. */
export type Coding = "br" | "gzip";

const CODINGS_MAX = 64;
/** Parsed Accept-Encoding headers (clients send a handful of distinct values). */
const parsedCodings = new Map<string, Map<string, number>>();

/** The q-value of each coding an Accept-Encoding header names (`*` included). */
function codingWeights(header: string): Map<string, number> {
  let w = parsedCodings.get(header);
  if (w) return w;
  w = new Map();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    w.set(name.trim(), Number.isFinite(q) ? q : 0);
  }
  if (parsedCodings.size >= CODINGS_MAX) parsedCodings.clear();
  parsedCodings.set(header, w);
  return w;
}

/**
 * The coding to send: of `available` (the server's preference order), the one the header
 * accepts with the highest q (`gzip;q=0` refuses gzip; `*` covers codings it does not name);
 * null = identity.
 *
 * @example
 * chooseCoding("gzip, deflate, br, zstd", ["br", "gzip"]); // "br"
 * chooseCoding("br;q=0, gzip", ["br", "gzip"]); // "gzip"
 * chooseCoding("", ["gzip"]); // null
 */
export function chooseCoding(
  header: string | null | undefined,
  available: readonly Coding[],
): Coding | null {
  if (!header) return null;
  const w = codingWeights(header);
  let best: Coding | null = null, bestQ = 0;
  for (const c of available) {
    const q = w.get(c) ?? w.get("*") ?? 0;
    if (q > bestQ) [best, bestQ] = [c, q];
  }
  return best;
}

/** True when the response should be the gzip copy. */
export const wantsGzip = (body: EncodedBody, acceptEncoding: string, minBytes = 0) =>
  body.bytes.length >= minBytes && chooseCoding(acceptEncoding, ["gzip"]) === "gzip";

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

/** Below this size the outer layer sends identity: gzip would save next to nothing. */
export const COMPRESS_MIN_BYTES = 1024;

/** Text types worth compressing: html, css, js, json (problem+json too), svg, plain text. */
const COMPRESSIBLE =
  /^\s*(text\/(html|css|javascript|plain|xml)|application\/(javascript|xml|([\w.-]+\+)?json)|image\/svg\+xml)\s*(;|$)/i;

/**
 * The outer layer's compression: a response of a text type that the route did not encode
 * itself (no `Content-Encoding`, no `Vary: Accept-Encoding`, not `no-transform`) gets
 * `Vary: Accept-Encoding`, and, when the client accepts gzip and the body is at least
 * {@link COMPRESS_MIN_BYTES}, a gzip body (a strong ETag becomes weak). Anything else is
 * returned as it is, synchronously, so the hot routes (which negotiate their own coding) stay
 * synchronous. Bodies it compresses are in memory already (rendered pages, JSON): it reads
 * them whole. Event streams, downloads and binary types are never touched.
 */
export function compressResponse(req: Request, res: Response): Response | Promise<Response> {
  // Never touch `res.body` here: the getter turns a static body into a stream (measured
  // 18–33 µs per response on Deno 2.9.6, and Deno then loses its fast path for static bytes).
  const status = res.status;
  if (status < 200 || status === 204 || status === 205 || status === 304) return res;
  const h = res.headers;
  if (h.has("content-encoding")) return res;
  const type = h.get("content-type");
  if (!type || !COMPRESSIBLE.test(type)) return res;
  if (/accept-encoding/i.test(h.get("vary") ?? "")) return res; // negotiated by the route
  if (/no-transform/i.test(h.get("cache-control") ?? "")) return res;
  try {
    h.append("vary", "accept-encoding");
  } catch {
    return res; // immutable headers (a fetched or redirect response): leave it alone
  }
  if (chooseCoding(req.headers.get("accept-encoding"), ["gzip"]) !== "gzip") return res;
  const length = h.get("content-length");
  if (length !== null && Number(length) < COMPRESS_MIN_BYTES) return res;
  return gzipResponse(res);
}

async function gzipResponse(res: Response): Promise<Response> {
  const bytes = await res.bytes(); // an empty body (HEAD) comes back empty, below the minimum
  const init = {
    status: res.status,
    statusText: res.statusText,
    headers: new Headers(res.headers),
  };
  if (bytes.length < COMPRESS_MIN_BYTES) return new Response(bytes, init);
  const gz = zlib.gzipSync(bytes);
  init.headers.set("content-encoding", "gzip");
  init.headers.set("content-length", String(gz.length));
  const etag = init.headers.get("etag");
  if (etag && !etag.startsWith("W/")) init.headers.set("etag", `W/${etag}`);
  return new Response(gz as Uint8Array<ArrayBuffer>, init);
}
