/**
 * Backtest exports: `POST /api/v1/backtest/exports` creates a job (202, run on the KV
 * queue), `GET …/exports` lists jobs, `GET …/{job_id}` reports status and progress,
 * `GET …/{job_id}/manifest` the files with row counts, sizes and SHA-256, and
 * `GET …/{job_id}/files/{name}` downloads a file, streamed from the blob store, and
 * `DELETE …/{job_id}` (admin) deletes an export with its files. The `/exports` page creates
 * exports with a plain form POST and lists them.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { h } from "preact";
import { z } from "zod";
import {
  type ExportFieldErrors,
  exportFormErrors,
  type ExportFormValues,
  ExportsPage,
  type FormIssue,
} from "../components/ExportsPage.tsx";
import { isValidIsoDate } from "../lib/format.ts";
import { renderDocument } from "../components/Layout.tsx";
import {
  BacktestExportRequest,
  EXPORT_MARKETS,
  EXPORT_TABLE_NAMES,
  exportManifest,
  OUTPUT_FORMATS,
  unknownIndexCodes,
} from "../lib/export/backtest.ts";
import { deleteBacktestExport } from "../lib/jobs/backtest_export.ts";
import { enqueue } from "../lib/jobs/runtime.ts";
import { SlidingWindowLimiter } from "../lib/http/rate_limit.ts";
import { log } from "../lib/log.ts";
import { getBlobStream } from "../lib/store/blobs.ts";
import {
  createExportJob,
  EXPORT_JOB_ID_RE,
  type ExportJob,
  failPendingExportJob,
  getExportJob,
  listExportJobs,
} from "../lib/store/exports.ts";
import { latestBarDay, listIndices } from "../lib/store/market.ts";
import { requireAdmin } from "./dart_api.ts";
import { ADMIN_SECURITY, get, tagged } from "./get.ts";
import { type AppDeps, clockOf, shellOf } from "./deps.ts";
import { body, BODY_LIMITS, type BodyRefusal, formBody } from "./body.ts";
import { clientOf } from "./client.ts";
import { Problem, problem, zodProblem } from "./problem.ts";

const BASE = "/api/v1/backtest/exports";
/**
 * Exports one client may create per minute (API and form together) until users and their
 * quotas land: each one can read years of a whole market.
 */
export const EXPORTS_PER_MINUTE = 10;
const problemContent = { "application/problem+json": { schema: Problem } };
const FILE_NAME_RE = new RegExp(
  `^(${EXPORT_TABLE_NAMES.join("|")})\\.(${OUTPUT_FORMATS.join("|")})$`,
);

// ---------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------

const JobIdParam = z.string().regex(EXPORT_JOB_ID_RE, "job_id is not an export job id").meta({
  param: { name: "job_id", in: "path" },
  example: "17640000000000000a1b2c3",
});

const ExportStatus = z.enum(["PENDING", "RUNNING", "SUCCEEDED", "FAILED"]);

const ExportFile = z.object({
  name: z.string().meta({ example: "instrument_daily.parquet" }),
  rows: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string().describe("Hex SHA-256 of the file's bytes (also its ETag)"),
  content_type: z.string(),
  url: z.string(),
}).meta({ id: "BacktestExportFile" });

const Links = z.object({
  self: z.string(),
  manifest: z.string().nullable(),
  page: z.string(),
});

const ExportJobView = z.object({
  job_id: z.string(),
  status: ExportStatus,
  progress: z.number().int().min(0).max(100),
  stage: z.string().nullable().describe("What the worker is doing while RUNNING"),
  market_code: z.enum(EXPORT_MARKETS),
  index_codes: z.array(z.string()),
  date_from: z.string(),
  date_to: z.string(),
  include_issues: z.boolean(),
  output_format: z.enum(OUTPUT_FORMATS),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  attempts: z.number().int(),
  files: z.array(ExportFile).describe("The files of a SUCCEEDED job; [] otherwise"),
  rows: z.record(z.string(), z.number().int()).describe("Rows per file name"),
  error: z.string().nullable().describe("Why a FAILED job failed"),
  links: Links,
}).meta({ id: "BacktestExportJob" });

const Created = z.object({
  job_id: z.string(),
  status: z.literal("PENDING"),
  links: Links,
}).meta({ id: "BacktestExportCreated" });

const Manifest = z.object({
  job_id: z.string(),
  market_code: z.enum(EXPORT_MARKETS),
  date_from: z.string(),
  date_to: z.string(),
  index_codes: z.array(z.string()),
  include_issues: z.boolean(),
  output_format: z.enum(OUTPUT_FORMATS),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  files: z.array(z.object({
    name: z.string(),
    rows: z.number().int(),
    bytes: z.number().int(),
    sha256: z.string(),
  })),
}).meta({ id: "BacktestExportManifest" });

// ---------------------------------------------------------------------------------------
// Routes (documentation)
// ---------------------------------------------------------------------------------------

const createExportRoute = createRoute({
  method: "post",
  path: BASE,
  operationId: "createBacktestExport",
  tags: tagged("backtest"),
  summary: "Create a backtest export",
  description:
    "Queues a job that writes instruments, instrument_daily (sorted by code, date; 원, raw prices), benchmark_index_daily and, with include_issues, data_quality_issues as Parquet or CSV. Poll the job's URL for status and progress. An unknown index code is a 400 listing the known ones.",
  request: {
    body: { content: { "application/json": { schema: BacktestExportRequest } }, required: true },
  },
  responses: {
    202: {
      description: "Job created (PENDING); `Location` is the job's URL",
      content: { "application/json": { schema: Created } },
    },
    400: { description: "Invalid input", content: problemContent },
    413: { description: "The body is over 16 KiB", content: problemContent },
    415: { description: "The body is not application/json", content: problemContent },
    429: {
      description:
        `Over ${EXPORTS_PER_MINUTE} exports per minute from this client; see Retry-After`,
      content: problemContent,
    },
    503: { description: "No job queue runs in this process", content: problemContent },
  },
});

const listRoute = createRoute({
  method: "get",
  path: BASE,
  operationId: "listBacktestExports",
  tags: tagged("backtest"),
  summary: "Backtest exports, newest first",
  request: {
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
  },
  responses: {
    200: {
      description: "Jobs",
      content: {
        "application/json": {
          schema: z.object({ items: z.array(ExportJobView) }).meta({
            id: "BacktestExportList",
          }),
        },
      },
    },
    400: { description: "Invalid input", content: problemContent },
  },
});

const jobRoute = createRoute({
  method: "get",
  path: `${BASE}/{job_id}`,
  operationId: "getBacktestExport",
  tags: tagged("backtest"),
  summary: "A backtest export job",
  description:
    "Status PENDING → RUNNING (progress 0–100, stage) → SUCCEEDED (files with rows, bytes, sha256) or FAILED (error).",
  request: { params: z.object({ job_id: JobIdParam }) },
  responses: {
    200: { description: "The job", content: { "application/json": { schema: ExportJobView } } },
    400: { description: "Invalid job id", content: problemContent },
    404: { description: "Unknown job", content: problemContent },
  },
});

const manifestRoute = createRoute({
  method: "get",
  path: `${BASE}/{job_id}/manifest`,
  operationId: "getBacktestExportManifest",
  tags: tagged("backtest"),
  summary: "Manifest of a finished backtest export",
  description:
    "The request and each file's name, row count, size and SHA-256 (the same document as manifest.json in EXPORT_DIR).",
  request: { params: z.object({ job_id: JobIdParam }) },
  responses: {
    200: { description: "The manifest", content: { "application/json": { schema: Manifest } } },
    400: { description: "Invalid job id", content: problemContent },
    404: { description: "Unknown job", content: problemContent },
    409: { description: "The job has not succeeded (yet)", content: problemContent },
  },
});

const fileRoute = createRoute({
  method: "get",
  path: `${BASE}/{job_id}/files/{name}`,
  operationId: "downloadBacktestExportFile",
  tags: tagged("backtest"),
  summary: "Download a file of a finished backtest export",
  description:
    "The file's bytes (`application/vnd.apache.parquet` or `text/csv; charset=utf-8`) as an attachment; the ETag is its SHA-256 (If-None-Match answers 304).",
  request: {
    params: z.object({
      job_id: JobIdParam,
      name: z.string().regex(FILE_NAME_RE, "not an export file name").meta({
        param: { name: "name", in: "path" },
        example: "instrument_daily.parquet",
      }),
    }),
  },
  responses: {
    200: {
      description: "The file",
      content: {
        "application/vnd.apache.parquet": { schema: z.string().meta({ format: "binary" }) },
        "text/csv": { schema: z.string() },
      },
    },
    304: { description: "Not modified (If-None-Match matched the SHA-256)" },
    400: { description: "Invalid job id or file name", content: problemContent },
    404: { description: "Unknown job or file", content: problemContent },
    409: { description: "The job has not succeeded (yet)", content: problemContent },
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${BASE}/{job_id}`,
  operationId: "deleteBacktestExport",
  tags: tagged("backtest"),
  summary: "Delete a backtest export (admin)",
  description:
    "Deletes the job, its stored files (a file whose bytes another export shares stays for that one) and its directory under EXPORT_DIR. A job still PENDING or RUNNING under a live worker is a 409. Needs `Authorization: Bearer $ADMIN_TOKEN`.",
  security: ADMIN_SECURITY,
  request: { params: z.object({ job_id: JobIdParam }) },
  responses: {
    204: { description: "Deleted" },
    400: { description: "Invalid job id", content: problemContent },
    401: { description: "No admin token", content: problemContent },
    403: { description: "Wrong token, or admin routes disabled", content: problemContent },
    404: { description: "Unknown job", content: problemContent },
    409: { description: "A worker is building the export", content: problemContent },
    429: { description: "Rate limited", content: problemContent },
  },
});

// ---------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------

/** The API view of a job. */
export function jobView(job: ExportJob): z.infer<typeof ExportJobView> {
  const self = `${BASE}/${job.job_id}`;
  const done = job.status === "SUCCEEDED";
  return {
    job_id: job.job_id,
    status: job.status,
    progress: job.progress,
    stage: job.stage,
    ...job.request,
    created_at: job.created_at,
    started_at: job.started_at,
    finished_at: job.finished_at,
    attempts: job.attempts,
    files: job.files.map((f) => ({
      name: f.name,
      rows: f.rows,
      bytes: f.bytes,
      sha256: f.sha256,
      content_type: f.content_type,
      url: `${self}/files/${f.name}`,
    })),
    rows: Object.fromEntries(job.files.map((f) => [f.name, f.rows])),
    error: job.error,
    links: { self, manifest: done ? `${self}/manifest` : null, page: `/exports?job=${job.job_id}` },
  };
}

type CreateResult =
  | { ok: true; job: ExportJob }
  | {
    ok: false;
    response: Response;
    errors: string[];
    issues: FormIssue[];
    retryAfter?: number;
  };

/**
 * Validates a request (schema, then index codes against the store), creates and queues it,
 * within the client's budget: a slot is taken first and given back when nothing was created.
 */
async function createExport(
  deps: AppDeps,
  limiter: SlidingWindowLimiter,
  client: string,
  raw: unknown,
  path: string,
): Promise<CreateResult> {
  const slot = limiter.take(client);
  if (!slot.ok) {
    const retryAfter = Math.max(1, Math.ceil(slot.retryAfterMs / 1000));
    const detail =
      `Too many exports from this client: at most ${EXPORTS_PER_MINUTE} per minute. Retry in ${retryAfter} s.`;
    const response = problem(429, detail, { instance: path });
    response.headers.set("retry-after", String(retryAfter));
    return { ok: false, response, errors: [detail], issues: [], retryAfter };
  }
  const r = await createExportInBudget(deps, raw, path);
  if (!r.ok) limiter.refund(client);
  return r;
}

async function createExportInBudget(
  deps: AppDeps,
  raw: unknown,
  path: string,
): Promise<CreateResult> {
  const parsed = BacktestExportRequest.safeParse(raw);
  if (!parsed.success) {
    const res = zodProblem(parsed.error, path);
    return {
      ok: false,
      response: res,
      errors: parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`),
      issues: parsed.error.issues.map((i) => ({
        field: String(i.path[0] ?? ""),
        message: i.message,
      })),
    };
  }
  const req = parsed.data;
  const { unknown, known } = await unknownIndexCodes(deps.kv, req.index_codes);
  if (unknown.length) {
    const detail = `Unknown index code${unknown.length > 1 ? "s" : ""} ${
      unknown.join(", ")
    }. Known codes: ${known.join(", ") || "(none stored)"}`;
    return {
      ok: false,
      response: problem(400, detail, {
        instance: path,
        errors: unknown.map((c) => ({ path: "index_codes", message: `unknown index code ${c}` })),
      }),
      errors: [detail],
      issues: unknown.map((c) => ({ field: "index_codes", message: `unknown index code ${c}` })),
    };
  }
  if (!deps.jobs) {
    const detail = "Jobs are not running in this process.";
    return {
      ok: false,
      response: problem(503, detail, { instance: path }),
      errors: [detail],
      issues: [{ field: "", message: "jobs off" }],
    };
  }
  const job = await createExportJob(deps.kv, req, { exportDir: deps.config.EXPORT_DIR ?? null });
  try {
    await enqueue(deps.jobs, [{
      kind: "backtest_export",
      job_id: job.job_id,
      key: `backtest_export:${job.job_id}`,
      run_id: null,
    }]);
  } catch (e) {
    log.error("backtest export enqueue failed", { job_id: job.job_id, error: e as Error });
    await failPendingExportJob(deps.kv, job.job_id, "the job could not be queued");
    const detail = "The export could not be queued; try again.";
    return {
      ok: false,
      response: problem(503, detail, { instance: path }),
      errors: [detail],
      issues: [{ field: "", message: "queue failed" }],
    };
  }
  return { ok: true, job };
}

const minusYear = (d: string) =>
  `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`.replace(
    /-02-29$/,
    "-02-28",
  );

/** Form defaults: the last stored year of KOSPI with the KOSPI index when stored. */
async function defaults(deps: AppDeps, indexCodes: string[]): Promise<ExportFormValues> {
  const to = (await latestBarDay(deps.kv)) ?? clockOf(deps).today();
  return {
    market_code: "KOSPI",
    index_codes: indexCodes.includes("KOSPI") ? ["KOSPI"] : [],
    date_from: minusYear(to),
    date_to: to,
    include_issues: false,
    output_format: "parquet",
  };
}

/** The backtest export API and the /exports page. */
export function backtestRoutes(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();

  const limiter = new SlidingWindowLimiter({ limit: EXPORTS_PER_MINUTE });
  const hops = deps.config.TRUSTED_PROXY_HOPS ?? 0;

  app.openAPIRegistry.registerPath(createExportRoute);
  app.post(BASE, body({ maxBytes: BODY_LIMITS.exportRequest, json: true }), async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return problem(400, "The body must be JSON.", { instance: c.req.path });
    }
    const r = await createExport(deps, limiter, clientOf(c, hops), raw, c.req.path);
    if (!r.ok) return r.response;
    const view = jobView(r.job);
    return c.json({ job_id: r.job.job_id, status: "PENDING" as const, links: view.links }, 202, {
      location: view.links.self,
    });
  });

  get(app, listRoute, async (c, { query }) => {
    const jobs = await listExportJobs(deps.kv, { limit: query.limit });
    return c.json({ items: jobs.map(jobView) });
  });

  const load = async (c: Context, id: string) => {
    const job = await getExportJob(deps.kv, id);
    // A job whose delete started (and crashed midway) is gone already.
    return job && !job.deleting_at
      ? { job }
      : { error: problem(404, `No backtest export ${id}`, { instance: c.req.path }) };
  };
  const notDone = (c: Context, job: ExportJob) =>
    problem(
      409,
      `Backtest export ${job.job_id} is ${job.status}${
        job.status === "FAILED" ? `: ${job.error}` : ""
      }; it has no files.`,
      { instance: c.req.path },
    );

  get(app, jobRoute, async (c, { params }) => {
    const r = await load(c, params.job_id);
    return r.error ?? c.json(jobView(r.job));
  });

  get(app, manifestRoute, async (c, { params }) => {
    const r = await load(c, params.job_id);
    if (r.error) return r.error;
    if (r.job.status !== "SUCCEEDED") return notDone(c, r.job);
    return c.json(exportManifest(r.job));
  });

  get(app, fileRoute, async (c, { params }) => {
    const r = await load(c, params.job_id);
    if (r.error) return r.error;
    if (r.job.status !== "SUCCEEDED") return notDone(c, r.job);
    const f = r.job.files.find((x) => x.name === params.name);
    if (!f) {
      return problem(404, `Backtest export ${params.job_id} has no file ${params.name}`, {
        instance: c.req.path,
      });
    }
    const etag = `"${f.sha256}"`;
    const headers: [string, string][] = [
      ["etag", etag],
      ["cache-control", "private, max-age=31536000, immutable"],
      ["x-content-type-options", "nosniff"],
    ];
    const inm = c.req.header("if-none-match");
    if (inm && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) {
      return new Response(null, { status: 304, headers });
    }
    // Streamed from the blob store (a chunk page at a time), never loaded whole; a damaged
    // blob aborts the body rather than ending it early.
    const blob = await getBlobStream(deps.kv, f.blob);
    if (!blob) {
      return problem(404, `The stored bytes of ${f.name} are missing`, { instance: c.req.path });
    }
    const download = `kdesk-${r.job.request.market_code.toLowerCase()}-${r.job.job_id}-${f.name}`;
    return new Response(blob.body, {
      headers: [
        ...headers,
        ["content-type", f.content_type],
        ["content-length", String(blob.meta.size)],
        ["content-disposition", `attachment; filename="${download}"`],
      ],
    });
  });

  app.openAPIRegistry.registerPath(deleteRoute);
  app.delete(
    `${BASE}/:job_id`,
    requireAdmin(deps),
    body({ maxBytes: BODY_LIMITS.none }),
    async (c) => {
      const p = deleteRoute.request.params.safeParse(c.req.param());
      if (!p.success) return zodProblem(p.error, c.req.path);
      const id = p.data.job_id;
      const r = await deleteBacktestExport(deps.kv, id, { exportDir: deps.config.EXPORT_DIR });
      if (r.outcome === "missing") {
        return problem(404, `No backtest export ${id}`, { instance: c.req.path });
      }
      if (r.outcome === "running") {
        return problem(
          409,
          `Backtest export ${id} is ${r.job.status} and a worker holds it; delete it once it has finished.`,
          { instance: c.req.path },
        );
      }
      return c.body(null, 204);
    },
  );

  // --- the page ---

  const page = async (
    c: Context,
    opts: {
      form?: ExportFormValues;
      errors?: string[];
      fieldErrors?: ExportFieldErrors;
      status?: number;
    } = {},
  ) => {
    const [indices, jobs] = await Promise.all([
      listIndices(deps.kv),
      listExportJobs(deps.kv, { limit: 30 }),
    ]);
    const highlight = c.req.query("job");
    const html = renderDocument(h(ExportsPage, {
      ...shellOf(deps),
      indices,
      jobs,
      form: opts.form ?? await defaults(deps, indices.map((i) => i.index_code)),
      errors: opts.errors,
      fieldErrors: opts.fieldErrors,
      jobsEnabled: !!deps.jobs,
      highlight: highlight && EXPORT_JOB_ID_RE.test(highlight) ? highlight : undefined,
    }));
    return new Response(html, {
      status: opts.status ?? 200,
      headers: { "content-type": "text/html; charset=utf-8" },
    });
  };

  app.get("/exports", (c) => page(c));

  const MESSAGES: Record<BodyRefusal["status"], string> = {
    400: "요청을 읽을 수 없습니다.",
    403: "다른 사이트에서 보낸 요청은 받지 않습니다. 이 페이지의 양식으로 다시 보내 주세요.",
    413: `양식 데이터가 너무 큽니다 (최대 ${BODY_LIMITS.exportRequest / 1024} KiB).`,
    415: "지원하지 않는 형식입니다.",
  };
  const refusedForm = (c: Context, r: BodyRefusal) =>
    page(c, { errors: [MESSAGES[r.status]], status: r.status });

  app.post(
    "/exports",
    formBody({ maxBytes: BODY_LIMITS.exportRequest, onRefused: refusedForm }),
    async (c) => {
      let body: Record<string, string | File | (string | File)[]>;
      try {
        body = await c.req.parseBody({ all: true });
      } catch {
        return refusedForm(c, { status: 400, detail: "unreadable form body" });
      }
      const list = (v: unknown) =>
        (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => typeof x === "string");
      const one = (v: unknown) => (typeof v === "string" ? v : "");
      // A form forgives: blank dates are the defaults (the last stored year), a blank market
      // is KOSPI; what is still wrong comes back in Korean next to its field.
      const dflt = await defaults(deps, []);
      const form: ExportFormValues = {
        market_code: one(body.market_code).trim() || dflt.market_code,
        index_codes: list(body.index_codes) as string[],
        date_from: one(body.date_from).trim(),
        date_to: one(body.date_to).trim() || dflt.date_to,
        include_issues: one(body.include_issues) === "on",
        output_format: one(body.output_format) || "parquet",
      };
      form.date_from ||= isValidIsoDate(form.date_to) ? minusYear(form.date_to) : dflt.date_from;
      const r = await createExport(deps, limiter, clientOf(c, hops), form, c.req.path);
      if (!r.ok && r.retryAfter) {
        const res = await page(c, {
          form,
          errors: [
            `내보내기는 1분에 ${EXPORTS_PER_MINUTE}건까지입니다. ${r.retryAfter}초 후 다시 시도해 주세요.`,
          ],
          status: 429,
        });
        res.headers.set("retry-after", String(r.retryAfter));
        return res;
      }
      if (!r.ok) {
        const k = exportFormErrors(r.issues);
        return page(c, {
          form,
          errors: k.general,
          fieldErrors: k.fields,
          status: r.response.status,
        });
      }
      return c.redirect(`/exports?job=${r.job.job_id}`, 303);
    },
  );

  return app;
}
