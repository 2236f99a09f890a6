/**
 * The kdesk HTTP app: static assets, the JSON API, the API docs and the pages, with one
 * error policy (problem+json under /api, an HTML page elsewhere).
 *
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { metrics } from "../lib/jobs/metrics.ts";
import { log, logEnabled } from "../lib/log.ts";
import { apiRoutes } from "./api.ts";
import { assetRoutes } from "./assets.ts";
import type { AppDeps } from "./deps.ts";
import { docsRoutes } from "./docs.tsx";
import { compressResponse } from "./encoded.ts";
import { withoutParamPatterns } from "./get.ts";
import { healthRoutes } from "./health.ts";
import { opsRoutes } from "./ops.tsx";
import { ipoPageRoutes } from "./ipo_pages.tsx";
import { notFoundPage, pageRoutes, serverErrorPage } from "./pages.tsx";
import { problem } from "./problem.ts";

/** Builds the app. Everything it needs comes in `deps`, so tests run it on an in-memory KV. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.get("/health", (c) => c.json({ status: "ok", sample: deps.config.sample }));
  app.route("/", assetRoutes());
  app.route("/", apiRoutes(deps));
  app.route("/", healthRoutes(deps));
  app.route("/", opsRoutes(deps));
  app.route("/", docsRoutes(deps));
  app.route("/", ipoPageRoutes(deps));
  app.route("/", pageRoutes(deps));

  app.notFound((c) => {
    if (c.req.path.startsWith("/api/")) {
      return problem(404, `No API route ${c.req.method} ${c.req.path}`, { instance: c.req.path });
    }
    return notFoundPage(deps, c.req.path);
  });

  app.onError((err, c) => {
    // A middleware's deliberate answer (4xx), not a failure.
    if (err instanceof HTTPException && err.status < 500) {
      return c.req.path.startsWith("/api/")
        ? problem(err.status, err.message || "The request was refused.", { instance: c.req.path })
        : err.getResponse();
    }
    const id = crypto.randomUUID().slice(0, 8);
    log.error("request failed", { id, method: c.req.method, path: c.req.path, error: err });
    if (c.req.path.startsWith("/api/")) {
      return problem(500, `Internal error (id ${id}); the request was logged.`, {
        instance: c.req.path,
      });
    }
    return serverErrorPage(deps, id);
  });
  return instrument(app);
}

/**
 * The Content-Security-Policy of pages. Scripts only from this origin (the hashed island
 * bundle; no inline script, eval or handler attributes); style sheets from this origin
 * only (no `<style>` blocks); style *attributes* stay allowed (`style-src-attr`): SSR'd
 * islands and the 52-week range mark position elements with computed inline styles, which
 * cannot run script. Images from here and `data:`; XHR/SSE to here;
 * no plugins, no `<base>` rewrites, forms post only here, and no framing by anyone.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Route labels by request line, bounded: raw paths (`/company/00912345`) are many. */
const LABEL_CACHE_MAX = 4096;

/**
 * The outermost layer: compression of text responses the route did not encode itself
 * (routes/encoded.ts `compressResponse`), per-route latency into the metrics histogram and
 * the default page headers. It wraps `app.fetch` instead of being a Hono middleware because
 * any middleware turns every route into Hono's async composition (a Promise per request even
 * for a cached body answered synchronously): measured ~40% of `/health`'s throughput. A
 * response that needs no compression (the hot routes send their own gzip or identity bytes)
 * passes through synchronously. `app.request` (the tests) goes through `app.fetch`, so it
 * sees the same layer.
 */
function instrument(app: Hono): Hono {
  const dispatch = app.fetch;
  const labels = new Map<string, string>();
  const routeOf = (method: string, path: string): string => {
    const k = method + " " + path;
    let label = labels.get(k);
    if (label === undefined) {
      // The last matched handler's pattern, as Hono's routePath(c, -1) reports it.
      const matched = app.router.match(method === "HEAD" ? "GET" : method, path)[0];
      // A parameter's router pattern (`:id{…}`, see routes/get.ts) is not part of the label.
      label = matched.length
        ? withoutParamPatterns(matched[matched.length - 1][0][1].path)
        : "(unmatched)";
      if (labels.size >= LABEL_CACHE_MAX) labels.clear();
      labels.set(k, label);
    }
    return label;
  };
  const finish = (req: Request, res: Response, t0: number): Response => {
    const path = app.getPath(req);
    // API responses carry their own headers (prebuilt, cloned). Pages (and the HTML API
    // docs) get these on the finished response: no sniffing, same-origin referrers, the CSP
    // and no framing (frame-ancestors for current browsers, X-Frame-Options for the rest).
    // Immutable responses (redirects) are left as they are.
    if (!path.startsWith("/api/") || path === "/api/docs") {
      try {
        const h = res.headers;
        h.set("x-content-type-options", "nosniff");
        h.set("referrer-policy", "same-origin");
        // A page that sets its own policy (the API docs) keeps it.
        if (!h.has("content-security-policy")) h.set("content-security-policy", PAGE_CSP);
        h.set("x-frame-options", "DENY");
      } catch {
        // immutable headers
      }
    }
    metrics.httpDuration.observe2(
      (performance.now() - t0) / 1000,
      routeOf(req.method, path),
      req.method,
    );
    if (logEnabled("debug")) {
      log.debug("http", {
        method: req.method,
        path,
        status: res.status,
        ms: Math.round((performance.now() - t0) * 10) / 10,
      });
    }
    return res;
  };
  app.fetch = (req, env, ctx) => {
    const t0 = performance.now();
    const res = dispatch(req, env, ctx);
    if (res instanceof Promise) {
      return res.then((r) => compressResponse(req, r)).then((r) => finish(req, r, t0));
    }
    const out = compressResponse(req, res);
    return out instanceof Promise ? out.then((r) => finish(req, r, t0)) : finish(req, out, t0);
  };
  return app;
}
