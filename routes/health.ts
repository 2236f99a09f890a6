/**
 * `/health/sources` (each source's last probe, circuit state and quota use) and `/metrics`
 * (Prometheus text format). `/health` itself stays in app.ts: it must stay cheap.
 *
 * @module
 */
import { Hono } from "hono";
import { sourceHealth } from "../lib/jobs/health.ts";
import { metrics, PROMETHEUS_TYPE } from "../lib/jobs/metrics.ts";
import { refreshGauges } from "../lib/jobs/runtime.ts";
import { queueStats } from "../lib/store/jobs.ts";
import type { AppDeps } from "./deps.ts";

/** The health and metrics routes. */
export function healthRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.get("/health/sources", async (c) => {
    const sources = await sourceHealth({ kv: deps.kv, probes: deps.jobs?.probes ?? [] });
    const configured = sources.filter((s) => s.configured);
    const status = configured.length && configured.every((s) => s.ok) ? "ok" : "degraded";
    return c.json({ status, sample: deps.config.sample, sources });
  });

  app.get("/metrics", async () => {
    if (deps.jobs) await refreshGauges(deps.jobs);
    else {
      const q = await queueStats(deps.kv);
      metrics.queueDepth.set(q.depth);
      metrics.deadLetters.set(q.dead);
    }
    return new Response(metrics.render(), { headers: { "content-type": PROMETHEUS_TYPE } });
  });

  return app;
}
