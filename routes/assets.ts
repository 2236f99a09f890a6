/**
 * `/static/*`: files under ./static with proper content types and caching. Build outputs
 * (`/static/build/<name>-<hash>.js|css`, scripts/build.ts) are immutable and cached for a
 * year, and sent as their stored brotli or gzip copy (`<file>.br`, `<file>.gz`) to clients
 * that accept one; other files get a short max-age plus an ETag so browsers revalidate
 * cheaply (text files among them are compressed by the app's outer layer, routes/encoded.ts).
 *
 * Paths are checked segment by segment (after percent-decoding) against a strict
 * character set; `..`, dot-files, backslashes and encoded slashes never reach the file
 * system, so nothing outside the static root can be read.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { chooseCoding, type Coding } from "./encoded.ts";

/** Content types by file extension. Files with other extensions are not served. */
export const CONTENT_TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  map: "application/json; charset=utf-8",
  json: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  woff2: "font/woff2",
  woff: "font/woff",
};

/** Cache policy for hashed bundles. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Cache policy for everything else (css, images); revalidated by ETag. */
export const SHORT_CACHE = "public, max-age=300, must-revalidate";

const SEGMENT_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const HASHED_RE = /^build\/[A-Za-z0-9_-]+-[A-Za-z0-9]{8,}\.(js|css)$/;
/** File suffix of each stored compressed copy of a build output. */
const STORED_SUFFIX: Record<Coding, string> = { br: ".br", gzip: ".gz" };
const DEFAULT_ROOT = new URL("../static/", import.meta.url);
/** The site icon, under the static root (pages link it; /favicon.ico serves it too). */
export const FAVICON = "favicon.svg";

/**
 * Validates a request path below /static/ and returns its segments, or null when the
 * path is not a plain relative file path (traversal, dot-files, odd characters).
 *
 * @example
 * safeSegments("build/islands-ab12.js"); // ["build", "islands-ab12.js"]
 * safeSegments("..%2Fdeno.json"); // null
 */
export function safeSegments(rel: string): string[] | null {
  if (!rel || rel.length > 512) return null;
  const out: string[] = [];
  for (const raw of rel.split("/")) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (!SEGMENT_RE.test(seg) || seg.includes("..")) return null;
    out.push(seg);
  }
  return out;
}

/** Options of {@link assetRoutes}. */
export interface AssetOptions {
  /** Directory served as /static (default: the repository's ./static). */
  root?: URL;
}

/** The static file routes, mounted at "/". */
export function assetRoutes(opts: AssetOptions = {}): Hono {
  const root = opts.root ?? DEFAULT_ROOT;
  const rootHref = root.href.endsWith("/") ? root.href : `${root.href}/`;
  const app = new Hono();

  /** Sends the static file `rel` (a validated relative path), or a 404. */
  const sendStatic = async (c: Context, rel: string): Promise<Response> => {
    const ext = rel.slice(rel.lastIndexOf(".") + 1).toLowerCase();
    const type = rel.includes(".") ? CONTENT_TYPES[ext] : undefined;
    if (!type) return c.text("Not Found", 404);

    const file = new URL(rel, rootHref);
    if (!file.href.startsWith(rootHref)) return c.text("Not Found", 404);

    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(file);
    } catch {
      return c.text("Not Found", 404);
    }
    if (!info.isFile) return c.text("Not Found", 404);

    const immutable = HASHED_RE.test(rel);
    const etag = `W/"${info.size.toString(16)}-${(info.mtime?.getTime() ?? 0).toString(16)}"`;
    const headers: Record<string, string> = {
      "content-type": type,
      "cache-control": immutable ? IMMUTABLE : SHORT_CACHE,
      etag,
    };
    // Build outputs choose among their stored copies here (so the outer layer leaves them).
    if (immutable) headers["vary"] = "accept-encoding";
    if (!immutable && rel === "build/manifest.json") headers["cache-control"] = "no-cache";
    if (c.req.header("if-none-match") === etag) return new Response(null, { status: 304, headers });

    const coding = immutable ? chooseCoding(c.req.header("accept-encoding"), ["br", "gzip"]) : null;
    let body: Uint8Array<ArrayBuffer> | null = null;
    if (coding) {
      try {
        body = await Deno.readFile(new URL(file.href + STORED_SUFFIX[coding]));
        headers["content-encoding"] = coding;
      } catch {
        body = null; // no stored copy (a file not made by the build): send it as it is
      }
    }
    body ??= await Deno.readFile(file);
    headers["content-length"] = String(body.byteLength);
    return new Response(body, { status: 200, headers });
  };

  app.get("/static/*", (c) => {
    const segments = safeSegments(new URL(c.req.url).pathname.slice("/static/".length));
    return segments ? sendStatic(c, segments.join("/")) : c.text("Not Found", 404);
  });
  // Browsers ask for /favicon.ico wherever no page names an icon (JSON and text documents):
  // the site's icon, not a 404 in their console.
  app.get("/favicon.ico", (c) => sendStatic(c, FAVICON));

  return app;
}
