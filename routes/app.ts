/**
 * The kdesk HTTP app: static assets, the JSON API, the API docs and the pages, with one
 * error policy (problem+json under /api, an HTML page elsewhere).
 *
 * @module
 */
import { Hono } from "hono";
import { routePath } from "hono/route";
import { metrics } from "../lib/jobs/metrics.ts";
import { log, logEnabled } from "../lib/log.ts";
import { apiRoutes } from "./api.ts";
import { assetRoutes } from "./assets.ts";
import type { AppDeps } from "./deps.ts";
import { docsRoutes } from "./docs.tsx";
import { healthRoutes } from "./health.ts";
import { opsRoutes } from "./ops.tsx";
import { ipoPageRoutes } from "./ipo_pages.tsx";
import { notFoundPage, pageRoutes, serverErrorPage } from "./pages.tsx";
import { problem } from "./problem.ts";

/** Builds the app. Everything it needs comes in `deps`, so tests run it on an in-memory KV. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.use("*", async (c, next) => {
    const t0 = performance.now();
    await next();
    // API responses carry their own headers (the hot path stays untouched). For the rest,
    // set them on the finished response: c.header() here would make Hono rebuild it
    // (measured ~20 µs per request). Immutable responses (redirects) are left as they are.
    if (!c.req.path.startsWith("/api/")) {
      try {
        c.res.headers.set("x-content-type-options", "nosniff");
        c.res.headers.set("referrer-policy", "same-origin");
      } catch {
        // immutable headers
      }
    }
    // Latency by route pattern (not raw path), into preallocated histogram series.
    metrics.httpDuration.observe2((performance.now() - t0) / 1000, routePath(c, -1), c.req.method);
    if (logEnabled("debug")) {
      log.debug("http", {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - t0) * 10) / 10,
      });
    }
  });

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
    const id = crypto.randomUUID().slice(0, 8);
    log.error("request failed", { id, method: c.req.method, path: c.req.path, error: err });
    if (c.req.path.startsWith("/api/")) {
      return problem(500, `Internal error (id ${id}); the request was logged.`, {
        instance: c.req.path,
      });
    }
    return serverErrorPage(deps, id);
  });
  return app;
}
