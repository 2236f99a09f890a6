/**
 * The operations page (`/ops`) and its JSON API (`/api/ops/*`): runs (filterable), quality
 * issues, schedules with their next fire time, dead letters, and the admin actions on dead
 * letters (retry = re-enqueue, drop), which need the admin token.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { OpsPage, type ScheduleRow } from "../components/ops/OpsPage.tsx";
import { renderDocument } from "../components/Layout.tsx";
import { isAvailable } from "../cron/handlers.ts";
import { nextRun, SCHEDULES } from "../cron/schedules.ts";
import { sourceHealth } from "../lib/jobs/health.ts";
import { dropDeadLetter, listDeadLetters, queueStats, retryDeadLetter } from "../lib/store/jobs.ts";
import { listIssues } from "../lib/store/quality.ts";
import { listRuns, type RunStatus } from "../lib/store/runs.ts";
import { requireAdmin } from "./dart_api.ts";
import { body, BODY_LIMITS } from "./body.ts";
import { adminGuardOf, type AppDeps, shellOf } from "./deps.ts";
import { problem, zodProblem } from "./problem.ts";

const RUN_STATUSES = new Set(["RUNNING", "SUCCEEDED", "PARTIAL", "FAILED"]);
const JOB_NAME = /^[a-z_]{1,40}$/;

/** A filter value: a short lower-case name (job, source) or an upper-case issue code. */
const name = (what: string, re: RegExp) =>
  z.string().regex(re, `${what} is not a known name format`).optional()
    .or(z.literal("").transform(() => undefined));
const limit = (def: number, max: number) =>
  z.coerce.number().int("limit must be an integer").min(1).max(max).default(def);
/** Run ids (and so `run_id`) are timeIds: 17 digits + 6 hex. */
const RUN_ID = /^\d{17}[0-9a-f]{6}$/;
/** Dead letters are keyed by their message id, a UUID. */
const DEAD_LETTER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const RunsQuery = z.object({
  status: z.enum(["RUNNING", "SUCCEEDED", "PARTIAL", "FAILED"], {
    message: "status must be RUNNING, SUCCEEDED, PARTIAL or FAILED",
  }).optional(),
  job: name("job", JOB_NAME),
  source: name("source", /^[a-z0-9_]{1,40}$/),
  limit: limit(50, 500),
});
const IssuesQuery = z.object({
  severity: z.enum(["ERROR", "WARN"], { message: "severity must be ERROR or WARN" }).optional(),
  source: name("source", /^[a-z0-9_]{1,40}$/),
  code: name("code", /^[A-Z0-9_]{1,60}$/),
  run_id: name("run_id", RUN_ID),
  limit: limit(100, 1000),
});

/** The query parsed by `schema`, or a 400 problem naming the parameter. */
function parseQuery<S extends z.ZodType>(c: Context, schema: S) {
  const r = schema.safeParse(c.req.query());
  return r.success ? { data: r.data as z.infer<S> } : { error: zodProblem(r.error, c.req.path) };
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
  const guard = adminGuardOf(deps);

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
    const q = parseQuery(c, RunsQuery);
    if (q.error) return q.error;
    return c.json({ runs: await listRuns(deps.kv, q.data) });
  });

  app.get("/api/ops/issues", async (c) => {
    const q = parseQuery(c, IssuesQuery);
    if (q.error) return q.error;
    return c.json({ issues: await listIssues(deps.kv, q.data) });
  });

  app.get("/api/ops/schedules", (c) =>
    c.json({
      schedules: scheduleRows(deps).map((s) => ({ ...s, next: s.next.toISOString() })),
    }));

  app.get("/api/ops/dead-letters", async (c) => {
    const [items, queue] = await Promise.all([listDeadLetters(deps.kv, 500), queueStats(deps.kv)]);
    return c.json({ queue, dead_letters: items });
  });

  // Admin first (no body read before the token is checked), then the id, then no body.
  const admin = requireAdmin(deps);
  const noBody = body({ maxBytes: BODY_LIMITS.none });
  const deadLetterId = async (c: Context, next: () => Promise<void>) => {
    const id = c.req.param("id") ?? "";
    if (!DEAD_LETTER_ID.test(id)) {
      return problem(400, "Invalid request: id: a dead letter id is a message UUID", {
        instance: c.req.path,
        errors: [{ path: "id", message: "a dead letter id is a message UUID" }],
      });
    }
    await next();
  };

  const retry = async (id: string, path: string) => {
    if (!deps.jobs) {
      return problem(503, "Jobs are not running in this process.", { instance: path });
    }
    const ok = await retryDeadLetter(deps.kv, id);
    if (!ok) return problem(404, `No dead letter ${id}`, { instance: path });
    return Response.json({ id, retried: true }, { status: 202 });
  };
  app.post(
    "/api/ops/dead-letters/:id/retry",
    admin,
    deadLetterId,
    noBody,
    (c) => retry(c.req.param("id"), c.req.path),
  );

  const drop = async (id: string, path: string) => {
    if (!(await dropDeadLetter(deps.kv, id))) {
      return problem(404, `No dead letter ${id}`, { instance: path });
    }
    return Response.json({ id, dropped: true });
  };
  app.delete(
    "/api/ops/dead-letters/:id",
    admin,
    deadLetterId,
    noBody,
    (c) => drop(c.req.param("id"), c.req.path),
  );
  app.post(
    "/api/ops/dead-letters/:id/drop",
    admin,
    deadLetterId,
    noBody,
    (c) => drop(c.req.param("id"), c.req.path),
  );

  return app;
}
