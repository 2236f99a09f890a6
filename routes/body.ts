/**
 * Guards of the routes that take a request body (POST/PUT/PATCH/DELETE only: no GET route
 * goes through them, so the benchmarked read routes keep their synchronous path).
 *
 * - Size: a declared Content-Length over the route's limit is refused at once (413) without
 *   reading a byte; otherwise the body is pulled chunk by chunk and counted, and the read
 *   stops (the stream is cancelled) the moment the count passes the limit — whatever the
 *   headers said, so a missing (chunked) or lying Content-Length changes nothing. At most
 *   `maxBytes` are ever held. Hono's own `bodyLimit` trusts a Content-Length under the
 *   limit and reads on unbounded; this one does not.
 * - Media type: JSON routes take `application/json` only (415 otherwise). A cross-site page
 *   can send `text/plain`, form and multipart bodies without a CORS preflight, but not JSON,
 *   so this also keeps other sites from starting work through the API.
 * - Cross-site forms: HTML form routes that change state accept a POST only from this
 *   site, by Hono's `csrf` middleware: Sec-Fetch-Site `same-origin`, or an Origin that is
 *   this site; neither header → refused. (No session cookie exists to ride on yet, so the
 *   threat is another page starting work; every browser in use sends one of the two
 *   headers on a form POST. A double-submit token would also need a cookie and a hidden
 *   field on every form, for no gain over this until sessions land.)
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { problem } from "./problem.ts";

/** Body limits per kind of route. */
export const BODY_LIMITS = {
  /** Admin commands ({job}, {from, to}). */
  admin: 4 * 1024,
  /** An export request (JSON) or the /exports form. */
  exportRequest: 16 * 1024,
  /** A tick batch from the bridge: 400 ticks + 100 ten-level books stay under ~300 KB. */
  ticks: 1024 * 1024,
  /** Routes that take no body (dead-letter actions, deletes). */
  none: 1024,
} as const;

/** Why a body was refused, for the route's own error format. */
export interface BodyRefusal {
  status: 400 | 403 | 413 | 415;
  detail: string;
}

/**
 * Reads a body, counting, up to `maxBytes`. "too_large" as soon as it passes the limit (the
 * rest is never pulled) or when the declared length does.
 */
export async function readLimited(
  req: Request,
  maxBytes: number,
): Promise<Uint8Array | "too_large" | "bad_length"> {
  const declared = req.headers.get("content-length");
  if (declared !== null) {
    if (!/^\d{1,15}$/.test(declared.trim())) return "bad_length";
    if (Number(declared) > maxBytes) return "too_large";
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return "too_large";
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The media type of a Content-Type header, lower case, without parameters. */
export const mediaType = (header: string | undefined) =>
  (header ?? "").split(";")[0].trim().toLowerCase();

type OnRefused = (c: Context, r: BodyRefusal) => Response | Promise<Response>;

/** The API's answer to a refused body: a problem+json. */
export const problemRefusal: OnRefused = (c, r) =>
  problem(r.status, r.detail, { instance: c.req.path });

/**
 * Limits a route's body to `maxBytes` (read while streaming, before parsing) and, with
 * `json`, requires `application/json`. The handler then reads the buffered body as usual.
 */
export function body(
  opts: { maxBytes: number; json?: boolean; onRefused?: OnRefused },
): MiddlewareHandler {
  const refuse = opts.onRefused ?? problemRefusal;
  return async (c, next) => {
    if (opts.json && mediaType(c.req.header("content-type")) !== "application/json") {
      return await refuse(c, {
        status: 415,
        detail: "The body must be JSON, sent as Content-Type: application/json.",
      });
    }
    const got = await readLimited(c.req.raw, opts.maxBytes);
    if (got === "too_large") {
      return await refuse(c, {
        status: 413,
        detail: `The body is larger than this route's limit of ${opts.maxBytes} bytes.`,
      });
    }
    if (got === "bad_length") {
      return await refuse(c, { status: 400, detail: "Content-Length is not a valid length." });
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-length", String(got.byteLength));
    headers.delete("transfer-encoding");
    c.req.raw = new Request(c.req.raw.url, {
      method: c.req.raw.method,
      headers,
      body: got as Uint8Array<ArrayBuffer>,
      signal: c.req.raw.signal,
    });
    await next();
  };
}

/**
 * Origin is this site when it is the request URL's origin, or names the Host the browser
 * asked for (behind a TLS-terminating proxy the server sees http:// while the page was
 * https://). Browsers that send Sec-Fetch-Site pass on `same-origin` either way.
 */
const sameSite = csrf({
  origin: (origin, c) => {
    try {
      const o = new URL(origin);
      return o.origin === new URL(c.req.url).origin || o.host === c.req.header("host");
    } catch {
      return false; // "null" (sandboxed, file:) and garbage
    }
  },
});

/**
 * A state-changing HTML form route: refused (403) unless the browser says the form came
 * from this site, then the body limit.
 */
export function formBody(opts: { maxBytes: number; onRefused: OnRefused }): MiddlewareHandler {
  const limit = body({ maxBytes: opts.maxBytes, onRefused: opts.onRefused });
  return async (c, next) => {
    try {
      await sameSite(c, () => Promise.resolve());
    } catch (e) {
      if (e instanceof HTTPException && e.status === 403) {
        return await opts.onRefused(c, {
          status: 403,
          detail: "The form was not sent from this site (Origin / Sec-Fetch-Site).",
        });
      }
      throw e;
    }
    return await limit(c, next);
  };
}
