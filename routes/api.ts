/**
 * The JSON API (`/api/v1/*`), described by zod schemas and published as OpenAPI at
 * `/api/openapi.json`. Errors are `application/problem+json`.
 *
 * @module
 */
import { dartApiRoutes } from "./dart_api.ts";
import { liveRoutes } from "./live.ts";
import { backtestRoutes } from "./backtest.ts";
import { marketRoutes } from "./market.ts";
import { krxAdminRoutes } from "./krx_admin.ts";
import { searchRoutes } from "./search.ts";
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import {
  CompanySnapshot,
  Financials,
  FsDiv,
  ReportCode,
  STOCK_CODE_RE,
} from "../lib/etl/schemas.ts";
import { listFinancials } from "../lib/store/companies.ts";
import { corpCodeByStock, getCorp, searchCorps } from "../lib/store/corps.ts";
import { type AppDeps, ensureSnapshot } from "./deps.ts";
import { exportRoutes } from "./export.ts";
import { ipoApiRoutes } from "./ipo.ts";
import { cachedResponse, sendEncoded } from "./encoded.ts";

const FAST_SNAPSHOT_QUERY = /^corp_code=(\d{8})$/;
import { Problem, problem } from "./problem.ts";
import { get, publishOpenApi, tagged } from "./get.ts";

const CORP_CODE = /^\d{8}$/;

const problemContent = { "application/problem+json": { schema: Problem } };
const errors = {
  400: { description: "Invalid input", content: problemContent },
  404: { description: "Unknown company", content: problemContent },
};

const CorpHit = z.object({
  corp_code: z.string(),
  corp_name: z.string(),
  stock_code: z.string().nullable(),
  market: z.string().nullable(),
}).meta({ id: "CorpHit" });

const SnapshotQuery = z.object({
  corp_code: z.string().regex(CORP_CODE, "corp_code must be 8 digits").optional()
    .meta({ description: "DART 고유번호 (8 digits)", example: "00126380" }),
  stock_code: z.string().regex(STOCK_CODE_RE, "stock_code must be 6 characters [0-9A-Z]")
    .optional().meta({ description: "종목코드", example: "005930" }),
  q: z.string().trim().min(1).max(100).optional()
    .meta({ description: "Company name or code; the best match is returned" }),
}).refine((v) => [v.corp_code, v.stock_code, v.q].filter(Boolean).length === 1, {
  message: "give exactly one of corp_code, stock_code or q",
});

const snapshotRoute = createRoute({
  method: "get",
  path: "/api/v1/company/snapshot",
  operationId: "getCompanySnapshot",
  tags: tagged("companies"),
  summary: "Company snapshot",
  description:
    "Profile, annual financials with YoY, key indicators and recent disclosures in one document, read from a prebuilt snapshot. `partial` and `missing_sections` say what is missing; `source_status` says which source failed.",
  request: { query: SnapshotQuery },
  responses: {
    200: {
      description: "The snapshot",
      content: { "application/json": { schema: CompanySnapshot } },
    },
    ...errors,
  },
});

const financialsRoute = createRoute({
  method: "get",
  path: "/api/v1/company/{corp_code}/financials",
  operationId: "listCompanyFinancials",
  tags: tagged("companies"),
  summary: "Financial statements of a company",
  description: "Stored statement sets (key accounts and full statements), oldest year first.",
  request: {
    params: z.object({
      corp_code: z.string().regex(CORP_CODE, "corp_code must be 8 digits").meta({
        param: { name: "corp_code", in: "path" },
        example: "00126380",
      }),
    }),
    query: z.object({
      year: z.string().regex(/^\d{4}$/, "year must be YYYY").optional(),
      report: ReportCode.optional().meta({
        description: "11011 사업보고서, 11012 반기, 11013 1분기, 11014 3분기",
      }),
      fs_div: FsDiv.optional().meta({ description: "CFS 연결, OFS 별도" }),
    }),
  },
  responses: {
    200: {
      description: "Statement sets",
      content: {
        "application/json": {
          schema: z.object({ corp_code: z.string(), items: z.array(Financials) }).meta({
            id: "FinancialsList",
          }),
        },
      },
    },
    ...errors,
  },
});

const searchRoute = createRoute({
  method: "get",
  path: "/api/v1/company/search",
  operationId: "searchCompanies",
  tags: tagged("companies"),
  summary: "Search companies by name or code",
  request: {
    query: z.object({
      q: z.string().trim().min(1, "q is required").max(100),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: {
    200: {
      description: "Matches, best first",
      content: {
        "application/json": {
          schema: z.object({ query: z.string(), hits: z.array(CorpHit) }).meta({
            id: "SearchResult",
          }),
        },
      },
    },
    400: errors[400],
  },
});

/**
 * The snapshot answer: resolve the company, read the cached snapshot, send its stored bytes
 * (gzip when accepted, compressed once per cache fill).
 */
export function snapshotHandler(deps: AppDeps) {
  async function resolveCorp(q: z.infer<typeof SnapshotQuery>): Promise<string | null> {
    if (q.corp_code) return q.corp_code;
    if (q.stock_code) return await corpCodeByStock(deps.kv, q.stock_code);
    const hits = await searchCorps(deps.kv, q.q ?? "", 1);
    return hits[0]?.corp_code ?? null;
  }
  return async (
    query: z.infer<typeof SnapshotQuery>,
    acceptEncoding: string,
    path: string,
  ): Promise<Response> => {
    const corp = await resolveCorp(query);
    if (!corp) {
      return problem(404, `No company matches ${JSON.stringify(query)}`, { instance: path });
    }
    const body = await ensureSnapshot(deps, corp) ? await deps.snapshots.body(corp) : null;
    if (!body) return problem(404, `No snapshot for corp_code ${corp}`, { instance: path });
    return await sendEncoded(body, acceptEncoding);
  };
}

/** The API sub-app. */
export function apiRoutes(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();

  const snapshot = snapshotHandler(deps);
  get(
    app,
    snapshotRoute,
    (c, { query }) => snapshot(query, c.req.header("accept-encoding") ?? "", c.req.path),
    {
      // Hot path: `?corp_code=<8 digits>` (stricter than the schema) whose snapshot is cached
      // answers synchronously with a clone of its prebuilt response.
      fast: (c) => {
        const url = c.req.url, qi = url.indexOf("?");
        const m = qi < 0 ? null : FAST_SNAPSHOT_QUERY.exec(url.slice(qi + 1));
        const body = m ? deps.snapshots.peek(m[1]) : null;
        return body ? cachedResponse(body, c.req.header("accept-encoding") ?? "") : null;
      },
    },
  );

  get(app, financialsRoute, async (c, { params, query }) => {
    const items = await listFinancials(deps.kv, params.corp_code, query);
    if (items.length === 0 && !(await getCorp(deps.kv, params.corp_code))) {
      return problem(404, `Unknown corp_code ${params.corp_code}`, { instance: c.req.path });
    }
    return c.json({ corp_code: params.corp_code, items });
  });

  get(app, searchRoute, async (c, { query }) => {
    return c.json({ query: query.q, hits: await searchCorps(deps.kv, query.q, query.limit) });
  });

  app.route("/", ipoApiRoutes(deps)).route("/", exportRoutes(deps))
    .route("/", liveRoutes(deps)).route("/", dartApiRoutes(deps))
    .route("/", marketRoutes(deps)).route("/", searchRoutes(deps))
    .route("/", backtestRoutes(deps)).route("/", krxAdminRoutes(deps));
  publishOpenApi(app, "/api/openapi.json");
  return app;
}
