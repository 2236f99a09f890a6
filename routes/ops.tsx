/**
 * The operations page (`/ops`) and its JSON API (`/api/ops/*`): runs (filterable), quality
 * issues, schedules with their next fire time, dead letters, and the admin actions on dead
 * letters (retry = re-enqueue, drop), which need the admin token.
 *
 * @module
 */
import { Hono } from "hono";
import { OpsPage, type ScheduleRow } from "../components/ops/OpsPage.tsx";
import { renderDocument } from "../components/Layout.tsx";
import { isAvailable } from "../cron/handlers.ts";
import { nextRun, SCHEDULES } from "../cron/schedules.ts";
import { adminGuardFor } from "../lib/jobs/admin.ts";
import { sourceHealth } from "../lib/jobs/health.ts";
import { dropDeadLetter, listDeadLetters, queueStats, retryDeadLetter } from "../lib/store/jobs.ts";
import { listIssues, type Severity } from "../lib/store/quality.ts";
import { listRuns, type RunStatus } from "../lib/store/runs.ts";
import { requireAdmin } from "./dart_api.ts";
import { type AppDeps, shellOf } from "./deps.ts";
import { problem } from "./problem.ts";

const RUN_STATUSES = new Set(["RUNNING", "SUCCEEDED", "PARTIAL", "FAILED"]);
const JOB_NAME = /^[a-z_]{1,40}$/;

function limitOf(v: string | undefined, def: number, max: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : def;
}

/** Schedules with their next fire time and whether they are registered in this process. */
export function scheduleRows(deps: AppDeps, now = new Date()): ScheduleRow[] {
  return SCHEDULES.map((s) => ({
    name: s.name,
    handler: s.handler,
    cron: s.cron,
    kst: s.kst,
    source: s.source,
    next: nextRun(s, now),
    active: !!deps.jobs && !deps.config.sample && isAvailable(deps.jobs, s.handler),
  }));
}

/** The ops page and API. */
export function opsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const guard = adminGuardFor(deps.config);

  app.get("/ops", async (c) => {
    const job = c.req.query("job") ?? "";
    const status = c.req.query("status") ?? "";
    const filter = {
      job: JOB_NAME.test(job) ? job : undefined,
      status: RUN_STATUSES.has(status) ? status : undefined,
    };
    const [runs, issues, deadLetters, queue, sources] = await Promise.all([
      listRuns(deps.kv, { job: filter.job, status: filter.status as RunStatus, limit: 50 }),
      listIssues(deps.kv, { limit: 50 }),
      listDeadLetters(deps.kv, 100),
      queueStats(deps.kv),
      sourceHealth({ kv: deps.kv, probes: deps.jobs?.probes ?? [] }),
    ]);
    const jobNames = [
      ...new Set([...SCHEDULES.map((s) => s.handler), "dart_backfill", "krx_backfill"]),
    ];
    const html = renderDocument(
      <OpsPage
        {...shellOf(deps)}
        schedules={scheduleRows(deps)}
        sources={sources}
        runs={runs}
        issues={issues}
        deadLetters={deadLetters}
        queue={queue}
        filter={filter}
        jobNames={jobNames}
        adminEnabled={guard.enabled}
      />,
    );
    return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
  });

  app.get("/api/ops/runs", async (c) => {
    const status = c.req.query("status");
    if (status && !RUN_STATUSES.has(status)) {
      return problem(400, "status must be RUNNING, SUCCEEDED, PARTIAL or FAILED", {
        instance: c.req.path,
      });
    }
    const runs = await listRuns(deps.kv, {
      job: c.req.query("job") || undefined,
      source: c.req.query("source") || undefined,
      status: status as RunStatus | undefined,
      limit: limitOf(c.req.query("limit"), 50, 500),
    });
    return c.json({ runs });
  });

  app.get("/api/ops/issues", async (c) => {
    const severity = c.req.query("severity");
    if (severity && severity !== "ERROR" && severity !== "WARN") {
      return problem(400, "severity must be ERROR or WARN", { instance: c.req.path });
    }
    const issues = await listIssues(deps.kv, {
      severity: severity as Severity | undefined,
      source: c.req.query("source") || undefined,
      code: c.req.query("code") || undefined,
      run_id: c.req.query("run_id") || undefined,
      limit: limitOf(c.req.query("limit"), 100, 1000),
    });
    return c.json({ issues });
  });

  app.get("/api/ops/schedules", (c) =>
    c.json({
      schedules: scheduleRows(deps).map((s) => ({ ...s, next: s.next.toISOString() })),
    }));

  app.get("/api/ops/dead-letters", async (c) => {
    const [items, queue] = await Promise.all([listDeadLetters(deps.kv, 500), queueStats(deps.kv)]);
    return c.json({ queue, dead_letters: items });
  });

  app.use("/api/ops/dead-letters/:id/*", requireAdmin(deps));
  app.use("/api/ops/dead-letters/:id", async (c, next) => {
    if (c.req.method === "GET") return await next();
    return await requireAdmin(deps)(c, next);
  });

  const retry = async (id: string, path: string) => {
    if (!deps.jobs) {
      return problem(503, "Jobs are not running in this process.", { instance: path });
    }
    const ok = await retryDeadLetter(deps.kv, id, { backoffSchedule: deps.jobs.backoffSchedule });
    if (!ok) return problem(404, `No dead letter ${id}`, { instance: path });
    return Response.json({ id, retried: true }, { status: 202 });
  };
  app.post("/api/ops/dead-letters/:id/retry", (c) => retry(c.req.param("id"), c.req.path));

  const drop = async (id: string, path: string) => {
    if (!(await dropDeadLetter(deps.kv, id))) {
      return problem(404, `No dead letter ${id}`, { instance: path });
    }
    return Response.json({ id, dropped: true });
  };
  app.delete("/api/ops/dead-letters/:id", (c) => drop(c.req.param("id"), c.req.path));
  app.post("/api/ops/dead-letters/:id/drop", (c) => drop(c.req.param("id"), c.req.path));

  return app;
}
