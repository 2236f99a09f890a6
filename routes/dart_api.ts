/**
 * `/api/dart/*`: disclosure search, one filing with its amendment chain, counts per day and
 * type, and admin routes that trigger a job run or a backfill window (Bearer ADMIN_TOKEN,
 * rate-limited; disabled with a 403 when no ADMIN_TOKEN is set).
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { HANDLER_NAMES, isAvailable, runScheduled } from "../cron/handlers.ts";
import type { HandlerName } from "../cron/schedules.ts";
import { Disclosure } from "../lib/etl/schemas.ts";
import {
  disclosureDetail,
  disclosureStats,
  InvalidCursorError,
  searchDisclosures,
} from "../lib/jobs/dart_query.ts";
import { log } from "../lib/log.ts";
import { startDartBackfill } from "../lib/jobs/backfill.ts";
import { ADMIN_SECURITY, get, tagged } from "./get.ts";
import { adminGuardOf, type AppDeps } from "./deps.ts";
import { body, BODY_LIMITS } from "./body.ts";
import { clientOf } from "./client.ts";
import { Problem, problem, zodProblem } from "./problem.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const problemContent = { "application/problem+json": { schema: Problem } };
const realDay = (v: string) =>
  !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().slice(0, 10) === v;
const day = (what: string) =>
  z.string().regex(DAY, `${what} must be YYYY-MM-DD`).refine(realDay, `${what} is not a date`);

/** A page cursor as the API hands it out: KV's cursor in base64url, unpadded. */
const CURSOR_RE = /^[A-Za-z0-9_-]{1,700}$/;
const toApiCursor = (kvCursor: string) =>
  kvCursor.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const toKvCursor = (api: string) =>
  api.replaceAll("-", "+").replaceAll("_", "/").padEnd(Math.ceil(api.length / 4) * 4, "=");

/**
 * Middleware: admin token + budgets (valid token 30/min; failures 10/min per client);
 * answers 401/403/429 problems. Runs before any body is read.
 */
export function requireAdmin(deps: AppDeps): MiddlewareHandler {
  const guard = adminGuardOf(deps);
  const hops = deps.config.TRUSTED_PROXY_HOPS ?? 0;
  return async (c, next) => {
    const v = guard.check(c.req.header("authorization"), clientOf(c, hops));
    if (!v.ok) {
      const res = problem(v.status, v.detail, { instance: c.req.path });
      if (v.status === 401) res.headers.set("www-authenticate", 'Bearer realm="kdesk-admin"');
      if (v.retryAfterS) res.headers.set("retry-after", String(v.retryAfterS));
      return res;
    }
    await next();
  };
}

const searchRoute = createRoute({
  method: "get",
  path: "/api/dart/disclosures",
  operationId: "searchDisclosures",
  tags: tagged("disclosures"),
  summary: "Search stored DART disclosures",
  description:
    "Newest first. Latest versions only unless `all_versions=true`. `cursor` continues a page.",
  request: {
    query: z.object({
      corp_code: z.string().regex(/^\d{8}$/, "corp_code must be 8 digits").optional(),
      from: day("from").optional(),
      to: day("to").optional(),
      type: z.string().trim().min(1).max(50).optional()
        .meta({ description: "Report type (base-name prefix), e.g. 사업보고서, 증권신고서" }),
      q: z.string().trim().min(1).max(100).optional()
        .meta({ description: "Text in the company or report name" }),
      all_versions: z.enum(["true", "false"]).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().regex(CURSOR_RE, "cursor: not a cursor from this API").optional()
        .meta({ description: "`cursor` of the previous page (opaque)" }),
    }).refine((v) => !v.from || !v.to || v.from <= v.to, { message: "from must not be after to" }),
  },
  responses: {
    200: {
      description: "Matching disclosures",
      content: {
        "application/json": {
          schema: z.object({
            items: z.array(Disclosure),
            cursor: z.string().nullable(),
          }).meta({ id: "DisclosureSearchResult" }),
        },
      },
    },
    400: { description: "Invalid input", content: problemContent },
  },
});

const detailRoute = createRoute({
  method: "get",
  path: "/api/dart/disclosures/{rcept_no}",
  operationId: "getDisclosure",
  tags: tagged("disclosures"),
  summary: "One disclosure with its amendment chain",
  request: {
    params: z.object({
      rcept_no: z.string().regex(/^\d{14}$/, "rcept_no must be 14 digits")
        .meta({ param: { name: "rcept_no", in: "path" }, example: "20250320002134" }),
    }),
  },
  responses: {
    200: {
      description: "The filing and every version of its chain, oldest first",
      content: {
        "application/json": {
          schema: z.object({ disclosure: Disclosure, chain: z.array(Disclosure) })
            .meta({ id: "DisclosureDetail" }),
        },
      },
    },
    400: { description: "Invalid input", content: problemContent },
    404: { description: "Unknown filing", content: problemContent },
  },
});

const statsRoute = createRoute({
  method: "get",
  path: "/api/dart/stats",
  operationId: "getDisclosureStats",
  tags: tagged("disclosures"),
  summary: "Disclosure counts per day and per report type",
  request: {
    query: z.object({ from: day("from"), to: day("to") }).refine(
      (v) => v.from <= v.to && Date.parse(v.to) - Date.parse(v.from) <= 92 * 86400_000,
      { message: "from..to must be ordered and at most 92 days" },
    ),
  },
  responses: {
    200: {
      description: "Counts (all versions; `latest` = latest versions only)",
      content: {
        "application/json": {
          schema: z.object({
            from: z.string(),
            to: z.string(),
            total: z.number().int(),
            by_day: z.array(z.object({ date: z.string(), count: z.number(), latest: z.number() })),
            by_type: z.array(z.object({ type: z.string(), count: z.number() })),
          }).meta({ id: "DisclosureStats" }),
        },
      },
    },
    400: { description: "Invalid input", content: problemContent },
  },
});

const RunBody = z.object({
  job: z.enum(HANDLER_NAMES as [HandlerName, ...HandlerName[]]),
  day: day("day").optional().meta({ description: "dart_daily only: the day to collect" }),
});
const BackfillBody = z.object({ from: day("from"), to: day("to") }).refine(
  (v) => v.from <= v.to && Date.parse(v.to) - Date.parse(v.from) <= 20 * 366 * 86400_000,
  { message: "from..to must be ordered and at most 20 years" },
);
const adminResponses = {
  202: {
    description: "Accepted; follow the run on /api/ops/runs",
    content: {
      "application/json": {
        schema: z.object({ run_id: z.string(), job: z.string(), enqueued: z.number().optional() }),
      },
    },
  },
  400: { description: "Invalid input", content: problemContent },
  401: { description: "No admin token", content: problemContent },
  403: { description: "Wrong token, or admin routes disabled", content: problemContent },
  409: { description: "The job cannot run here (no connector)", content: problemContent },
  413: { description: "The body is over 4 KiB", content: problemContent },
  415: { description: "The body is not application/json", content: problemContent },
  429: {
    description: "Over 30 admin requests a minute, or 10 failed attempts from this client",
    content: problemContent,
  },
  503: { description: "Jobs are not running in this process", content: problemContent },
};

async function jsonBody<T extends z.ZodType>(c: Context, schema: T) {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { error: problem(400, "The body must be JSON.", { instance: c.req.path }) };
  }
  const r = schema.safeParse(raw);
  if (!r.success) return { error: zodProblem(r.error, c.req.path) };
  return { data: r.data as z.infer<T> };
}

/** The /api/dart sub-app. */
export function dartApiRoutes(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();

  get(app, searchRoute, async (c, { query }) => {
    let r;
    try {
      r = await searchDisclosures(deps.kv, {
        ...query,
        cursor: query.cursor ? toKvCursor(query.cursor) : undefined,
        all_versions: query.all_versions === "true",
      });
    } catch (e) {
      if (!(e instanceof InvalidCursorError)) throw e;
      return problem(400, "Invalid request: cursor: not a cursor from this API", {
        instance: c.req.path,
        errors: [{ path: "cursor", message: "not a cursor from this API" }],
      });
    }
    return c.json({ items: r.items, cursor: r.cursor ? toApiCursor(r.cursor) : null });
  });

  get(app, detailRoute, async (c, { params }) => {
    const d = await disclosureDetail(deps.kv, params.rcept_no);
    if (!d) {
      return problem(404, `No disclosure ${params.rcept_no} is stored`, { instance: c.req.path });
    }
    return c.json(d);
  });

  get(app, statsRoute, async (c, { query }) => {
    return c.json(await disclosureStats(deps.kv, query.from, query.to));
  });

  app.use("/api/dart/admin/*", requireAdmin(deps));

  app.openAPIRegistry.registerPath(createRoute({
    method: "post",
    path: "/api/dart/admin/run",
    operationId: "runJob",
    tags: tagged("admin"),
    summary: "Run a scheduled job now (admin)",
    security: ADMIN_SECURITY,
    request: { body: { content: { "application/json": { schema: RunBody } } } },
    responses: adminResponses,
  }));
  const adminBody = body({ maxBytes: BODY_LIMITS.admin, json: true });
  app.post("/api/dart/admin/run", adminBody, async (c) => {
    const b = await jsonBody(c, RunBody);
    if (b.error) return b.error;
    const jobs = deps.jobs;
    if (!jobs) {
      return problem(503, "Jobs are not running in this process.", { instance: c.req.path });
    }
    if (!isAvailable(jobs, b.data.job)) {
      return problem(409, `${b.data.job}: no connector for its source is configured.`, {
        instance: c.req.path,
      });
    }
    const created = Promise.withResolvers<string>();
    runScheduled(jobs, b.data.job, "manual", {
      day: b.data.day,
      onCreated: (r) => created.resolve(r.id),
    }).catch((e) => {
      created.reject(e);
      log.error("manual run failed", { job: b.data.job, error: e as Error });
    });
    return c.json({ run_id: await created.promise, job: b.data.job }, 202);
  });

  app.openAPIRegistry.registerPath(createRoute({
    method: "post",
    path: "/api/dart/admin/backfill",
    operationId: "startDartBackfill",
    tags: tagged("admin"),
    summary: "Backfill a date range of DART disclosures through the queue (admin)",
    description: "Enqueues one message per 3-month list.json window.",
    security: ADMIN_SECURITY,
    request: { body: { content: { "application/json": { schema: BackfillBody } } } },
    responses: adminResponses,
  }));
  app.post("/api/dart/admin/backfill", adminBody, async (c) => {
    const b = await jsonBody(c, BackfillBody);
    if (b.error) return b.error;
    const jobs = deps.jobs;
    if (!jobs) {
      return problem(503, "Jobs are not running in this process.", { instance: c.req.path });
    }
    const run = await startDartBackfill(jobs, b.data.from, b.data.to);
    return c.json({ run_id: run.run_id, job: "dart_backfill", enqueued: run.enqueued }, 202);
  });

  return app;
}
