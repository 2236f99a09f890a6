/**
 * `/api/krx/admin/*`: KRX admin routes (Bearer ADMIN_TOKEN, rate-limited; 403 when no
 * ADMIN_TOKEN is set), like the DART ones. `POST /api/krx/admin/backfill {from, to}` starts a
 * queue backfill: one `krx_day` message per trading day, all reporting to one run.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { isAvailable } from "../cron/handlers.ts";
import {
  KRX_BACKFILL_MAX_YEARS,
  krxRangeProblem,
  startKrxBackfill,
} from "../lib/jobs/krx_backfill.ts";
import { requireAdmin } from "./dart_api.ts";
import type { AppDeps } from "./deps.ts";
import { body, BODY_LIMITS } from "./body.ts";
import { ADMIN_SECURITY, tagged } from "./get.ts";
import { Problem, problem, zodProblem } from "./problem.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const problemContent = { "application/problem+json": { schema: Problem } };
const day = (what: string) => z.string().regex(DAY, `${what} must be YYYY-MM-DD`);

const BackfillBody = z.object({ from: day("from"), to: day("to") }).superRefine((v, c) => {
  const p = krxRangeProblem(v.from, v.to);
  if (p) c.addIssue({ code: "custom", message: p });
}).meta({ id: "KrxBackfillRequest" });

const backfillRoute = createRoute({
  method: "post",
  path: "/api/krx/admin/backfill",
  operationId: "startKrxBackfill",
  tags: tagged("admin"),
  summary: "Backfill a date range of KRX market data through the queue (admin)",
  description: `Enqueues one message per trading day (weekends and known holidays skipped); ` +
    `at most ${KRX_BACKFILL_MAX_YEARS} years. Long ranges are spread over several days to ` +
    `stay inside KRX's daily call quota. Follow the run on /api/ops/runs.`,
  security: ADMIN_SECURITY,
  request: { body: { content: { "application/json": { schema: BackfillBody } } } },
  responses: {
    202: {
      description: "Accepted",
      content: {
        "application/json": {
          schema: z.object({ run_id: z.string(), job: z.string(), enqueued: z.number() })
            .meta({ id: "KrxBackfillAccepted" }),
        },
      },
    },
    400: { description: "Invalid input", content: problemContent },
    401: { description: "No admin token", content: problemContent },
    403: { description: "Wrong token, or admin routes disabled", content: problemContent },
    409: { description: "No KRX connector is configured", content: problemContent },
    429: { description: "Rate limited", content: problemContent },
    503: { description: "Jobs are not running in this process", content: problemContent },
  },
});

/** The /api/krx/admin sub-app. */
export function krxAdminRoutes(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  app.use("/api/krx/admin/*", requireAdmin(deps));
  app.openAPIRegistry.registerPath(backfillRoute);
  app.post(
    "/api/krx/admin/backfill",
    body({ maxBytes: BODY_LIMITS.admin, json: true }),
    async (c) => {
      let raw: unknown;
      try {
        raw = await c.req.json();
      } catch {
        return problem(400, "The body must be JSON.", { instance: c.req.path });
      }
      const b = BackfillBody.safeParse(raw);
      if (!b.success) return zodProblem(b.error, c.req.path);
      const jobs = deps.jobs;
      if (!jobs) {
        return problem(503, "Jobs are not running in this process.", { instance: c.req.path });
      }
      if (!isAvailable(jobs, "krx_daily")) {
        return problem(409, "krx_daily: no KRX connector is configured (set KRX_API_KEY).", {
          instance: c.req.path,
        });
      }
      const r = await startKrxBackfill(jobs, b.data.from, b.data.to, {
        dailyQuota: deps.config.KRX_DAILY_QUOTA,
      });
      return c.json({ run_id: r.run_id, job: "krx_backfill", enqueued: r.enqueued }, 202);
    },
  );
  return app;
}
