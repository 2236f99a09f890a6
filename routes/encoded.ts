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
import { metrics } from "../lib/jobs/metrics.ts";
import { gzip as gzipBytes } from "../lib/store/blobs.ts";
import type { DataVersion } from "../lib/store/epoch.ts";
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

/** A JSON answer to keep in a {@link ResponseCache}. */
export interface JsonAnswer {
  /** The JSON text (sent as its UTF-8 bytes, or their gzip copy). */
  json: string;
  /** More response headers, in order; an `etag` among them answers `If-None-Match` with 304. */
  headers?: [string, string][];
  /** false: send it, but do not keep it (it depends on more than the cache's version). */
  cache?: boolean;
}

/** How a {@link ResponseCache} builds its responses: the bytes and headers a route sends. */
export interface AnswerFormat {
  /** Bodies under this many bytes go as identity even to clients that accept gzip. */
  minBytes: number;
  compress(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>;
  identity(bytes: Uint8Array, headers: [string, string][]): Response;
  gzip(gz: Uint8Array, headers: [string, string][]): Response;
  /** The 304 of an answer (only asked for answers with an `etag`). */
  notModified(headers: [string, string][]): Response;
}

const body = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

/**
 * The pre-encoded JSON format ({@link cachedResponse}'s headers, the blob store's gzip),
 * with the answer's headers after the standard ones; 304s carry the answer's headers and
 * `Vary`.
 */
export const ENCODED_JSON: AnswerFormat = {
  minBytes: COMPRESS_MIN_BYTES,
  compress: gzipBytes,
  identity: (b, h) => new Response(body(b), { headers: [...JSON_HEADERS, ...h] }),
  gzip: (gz, h) => new Response(body(gz), { headers: [...GZIP_HEADERS, ...h] }),
  notModified: (h) =>
    new Response(null, { status: 304, headers: [...h, ["vary", "accept-encoding"]] }),
};

const HONO_JSON: [string, string][] = [
  ["content-type", "application/json"],
  ["vary", "accept-encoding"],
];

/**
 * What a Hono `c.json()` answer becomes after the outer layer ({@link compressResponse}):
 * `application/json`, `Vary`, node:zlib's gzip from {@link COMPRESS_MIN_BYTES} with its
 * `Content-Length`; headers from a `Headers` object (so they go out sorted, as those did).
 */
export const OUTER_JSON: AnswerFormat = {
  minBytes: COMPRESS_MIN_BYTES,
  compress: (b) => zlib.gzipSync(b),
  identity: (b, h) => new Response(body(b), { headers: new Headers([...h, ...HONO_JSON]) }),
  gzip: (gz, h) =>
    new Response(body(gz), {
      headers: new Headers([
        ...h,
        ...HONO_JSON,
        ["content-encoding", "gzip"],
        ["content-length", String(gz.length)],
      ]),
    }),
  notModified: (h) => new Response(null, { status: 304, headers: new Headers(h) }),
};

/** Counters of one named cache (summed over its instances), read by `/metrics`. */
export interface ResponseCacheStats {
  /** Answered from a prebuilt response (synchronously or not). */
  hits: number;
  /** Computed (a loader ran). */
  misses: number;
  /** Joined a computation already running for the same request. */
  shared: number;
  evictions: number;
  entries: number;
  bytes: number;
}

/** Stats of every response cache, by name. */
export const responseCacheStats = new Map<string, ResponseCacheStats>();

metrics.collectors.push(() => {
  for (const [name, s] of responseCacheStats) {
    metrics.responseCacheAnswers.set(s.hits, name, "hit");
    metrics.responseCacheAnswers.set(s.misses, name, "miss");
    metrics.responseCacheAnswers.set(s.shared, name, "shared");
    metrics.responseCacheAnswers.set(s.evictions, name, "evicted");
    metrics.responseCacheEntries.set(s.entries, name);
    metrics.responseCacheBytes.set(s.bytes, name);
  }
});

/** Options of a {@link ResponseCache}. */
export interface ResponseCacheOptions {
  /** Its label in the metrics. */
  name: string;
  format: AnswerFormat;
  /** What the answers depend on: a new version drops them all. */
  version: DataVersion;
  /** Most answers kept (default 2,048). */
  maxEntries?: number;
  /** Most bytes kept, identity and gzip copies together (default 32 MiB). */
  maxBytes?: number;
}

interface Entry {
  key: string;
  bytes: Uint8Array;
  headers: [string, string][];
  etag: string | null;
  identity: Response;
  gzip?: Response;
  gzipping?: Promise<Response>;
  notModified?: Response;
  size: number;
}

/** Whether an `If-None-Match` value names `etag` (as the market routes always matched). */
const matches = (inm: string | null, etag: string) =>
  inm !== null && inm.split(/\s*,\s*/).includes(etag);

/**
 * Prebuilt responses of computed JSON answers, for routes whose answer is a function of the
 * request and a data version: each answer is encoded once (identity bytes, and a gzip copy on
 * the first request that accepts it) into responses that requests clone, as the snapshot
 * route sends its stored snapshot.
 *
 * - Keyed by the normalized request (the route's validated input, see routes/get.ts
 *   `getCached`); request URLs answered before are aliases of their key, so a repeated
 *   request is answered by {@linkcode peek} synchronously, without parsing or validating.
 * - A new {@linkcode DataVersion} drops every answer; {@linkcode peek} trusts only a fresh
 *   read of it (else the request takes the async path, which reads it).
 * - Bounded in entries and bytes, least recently used out first.
 * - Concurrent misses of one request share one computation.
 * - `If-None-Match` with the answer's `etag` is a 304; `Accept-Encoding` picks the coding.
 */
export class ResponseCache {
  #entries = new Map<string, Entry>();
  #aliases = new Map<string, string>();
  #inflight = new Map<string, Promise<Entry | Response>>();
  #version: string | undefined;
  #bytes = 0;
  readonly stats: ResponseCacheStats;

  constructor(private opts: ResponseCacheOptions) {
    let s = responseCacheStats.get(opts.name);
    if (!s) {
      s = { hits: 0, misses: 0, shared: 0, evictions: 0, entries: 0, bytes: 0 };
      responseCacheStats.set(opts.name, s);
    }
    this.stats = s;
  }

  /** Answers kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes kept (identity and gzip copies). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * The answer to a request URL answered before, synchronously, when its version is fresh
   * and the coding it needs is built; else null (take {@linkcode answer}).
   */
  peek(req: Request): Response | null {
    const v = this.opts.version.peek();
    if (v === undefined || v !== this.#version) return null;
    const key = this.#aliases.get(req.url);
    const e = key === undefined ? undefined : this.#entries.get(key);
    if (!e) return null;
    const res = this.#respond(e, req.headers);
    if (res) {
      this.#touch(e);
      this.stats.hits++;
    }
    return res;
  }

  /**
   * The answer to `req`, whose normalized form is `key`: the kept one, or `load`'s (computed
   * once for concurrent requests of one key and version). A Response from `load` (an error,
   * a redirect) is sent as it is and not kept.
   */
  async answer(
    req: Request,
    key: string,
    load: () => Promise<JsonAnswer | Response>,
  ): Promise<Response> {
    const v = await this.opts.version.read();
    if (v !== this.#version) this.#reset(v);
    let e = this.#entries.get(key);
    if (e) {
      this.#touch(e);
      this.stats.hits++;
    } else {
      const got = await this.#fill(key, v, load);
      if (got instanceof Response) return got.clone();
      e = got;
    }
    if (this.#entries.get(key) === e) this.#alias(req.url, key);
    return this.#respond(e, req.headers) ?? (await this.#gzip(e)).clone();
  }

  /** Drops every answer. */
  clear(): void {
    this.#reset(this.#version);
  }

  #fill(
    key: string,
    v: string,
    load: () => Promise<JsonAnswer | Response>,
  ): Promise<Entry | Response> {
    const id = `${v}\u0000${key}`;
    const running = this.#inflight.get(id);
    if (running) {
      this.stats.shared++;
      return running;
    }
    this.stats.misses++;
    const p = (async () => {
      const a = await load();
      if (a instanceof Response) return a;
      const e = this.#entry(key, a);
      if (a.cache !== false && this.#version === v) this.#store(e);
      return e;
    })().finally(() => this.#inflight.delete(id));
    this.#inflight.set(id, p);
    return p;
  }

  #entry(key: string, a: JsonAnswer): Entry {
    const bytes = new TextEncoder().encode(a.json);
    const headers = a.headers ?? [];
    const etag = headers.find(([k]) => k.toLowerCase() === "etag")?.[1] ?? null;
    const identity = this.opts.format.identity(bytes, headers);
    return { key, bytes, headers, etag, identity, size: bytes.length + 2 * key.length };
  }

  /** The response to send, or null when it is the gzip copy and that is not made yet. */
  #respond(e: Entry, h: Headers): Response | null {
    const f = this.opts.format;
    if (e.etag !== null && matches(h.get("if-none-match"), e.etag)) {
      return (e.notModified ??= f.notModified(e.headers)).clone();
    }
    if (e.bytes.length >= f.minBytes && chooseCoding(h.get("accept-encoding"), ["gzip"])) {
      return e.gzip ? e.gzip.clone() : null;
    }
    return e.identity.clone();
  }

  /** Makes the gzip copy once; a kept entry counts its bytes. */
  #gzip(e: Entry): Promise<Response> {
    return e.gzipping ??= (async () => {
      try {
        const gz = await this.opts.format.compress(e.bytes);
        e.gzip = this.opts.format.gzip(gz, e.headers);
        e.size += gz.length;
        if (this.#entries.get(e.key) === e) this.#grow(gz.length);
        return e.gzip;
      } catch (err) {
        e.gzipping = undefined;
        throw err;
      }
    })();
  }

  #store(e: Entry): void {
    const max = this.opts.maxBytes ?? 32 * 1024 * 1024;
    if (e.size > max / 4) return; // one answer never takes over the cache
    const old = this.#entries.get(e.key);
    if (old) this.#drop(old);
    this.#entries.set(e.key, e);
    this.stats.entries++;
    this.#grow(e.size);
  }

  #grow(by: number): void {
    this.#bytes += by;
    this.stats.bytes += by;
    const maxEntries = this.opts.maxEntries ?? 2048;
    const maxBytes = this.opts.maxBytes ?? 32 * 1024 * 1024;
    while (this.#entries.size > maxEntries || this.#bytes > maxBytes) {
      const oldest = this.#entries.values().next().value;
      if (!oldest) break;
      this.#drop(oldest);
      this.stats.evictions++;
    }
  }

  #drop(e: Entry): void {
    this.#entries.delete(e.key);
    this.#bytes -= e.size;
    this.stats.bytes -= e.size;
    this.stats.entries--;
  }

  /** Most recently used last. */
  #touch(e: Entry): void {
    this.#entries.delete(e.key);
    this.#entries.set(e.key, e);
  }

  #alias(url: string, key: string): void {
    if (this.#aliases.get(url) === key) return;
    if (this.#aliases.size >= 4 * (this.opts.maxEntries ?? 2048)) this.#aliases.clear();
    this.#aliases.set(url, key);
  }

  #reset(v: string | undefined): void {
    this.stats.entries -= this.#entries.size;
    this.stats.bytes -= this.#bytes;
    this.#entries.clear();
    this.#aliases.clear();
    this.#bytes = 0;
    this.#version = v;
  }
}
