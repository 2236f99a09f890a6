/**
 * Excel exports: `GET /api/v1/export/ipo.xlsx` (the pipeline with the board's filters) and
 * `GET /api/v1/export/company/{corp_code}.xlsx` (profile, statements, indicators,
 * disclosures, IPO history). Workbooks are built per request from snapshots.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { buildCompanyWorkbook } from "../lib/export/company.ts";
import { buildIpoWorkbook } from "../lib/export/ipo.ts";
import { XLSX_TYPE } from "../lib/export/xlsx.ts";
import { rowRef } from "../lib/ipo/model.ts";
import { filterRows } from "../lib/ipo/query.ts";
import { listDisclosuresByCorp, listFinancials, listIndicators } from "../lib/store/companies.ts";
import { dealsOfCorp } from "../lib/store/ipo.ts";
import { marketCacheFor } from "../lib/store/market_cache.ts";
import { get, tagged } from "./get.ts";
import { type AppDeps, ensureSnapshot } from "./deps.ts";
import { ipoCache, PipelineQuery, toFilter } from "./ipo.ts";
import { Problem, problem, zodProblem } from "./problem.ts";

const problemContent = { "application/problem+json": { schema: Problem } };
const xlsxContent = {
  [XLSX_TYPE]: { schema: z.string().meta({ format: "binary" }) },
};

const ipoXlsxRoute = createRoute({
  method: "get",
  path: "/api/v1/export/ipo.xlsx",
  operationId: "exportIpoXlsx",
  tags: tagged("excel"),
  summary: "IPO pipeline as Excel",
  description:
    "Every deal matching the filters (same parameters as /api/v1/ipo/pipeline; no paging), with 원/%/KST date formats, a frozen header, an autofilter and a 정보 sheet naming the sources and build time. Listed deals carry the post-listing figures of GET /api/v1/ipo/{pipeline_id} (시초가, 상장일 종가와 수익률, 최근 종가와 그 날짜, 공모가 대비 수익률) from the stored KRX prices, as of the day the 정보 sheet names.",
  request: { query: PipelineQuery.omit({ cursor: true, limit: true }) },
  responses: {
    200: { description: "ipo.xlsx", content: xlsxContent },
    400: { description: "Invalid input", content: problemContent },
    503: { description: "Pipeline not built yet", content: problemContent },
  },
});

const CompanyParams = z.object({
  corp_code: z.string().regex(/^\d{8}$/, "corp_code must be 8 digits").meta({
    param: { name: "corp_code", in: "path" },
    example: "00126380",
  }),
});
const companyXlsxRoute = createRoute({
  method: "get",
  path: "/api/v1/export/company/{corp_code}.xlsx",
  operationId: "exportCompanyXlsx",
  tags: tagged("excel"),
  summary: "Company data as Excel",
  description:
    "개요, 재무요약, 재무제표 (all stored annual account lines by year), 주요지표, 공시, IPO 이력 and 정보.",
  request: { params: CompanyParams },
  responses: {
    200: { description: "company.xlsx", content: xlsxContent },
    400: { description: "Invalid input", content: problemContent },
    404: { description: "Unknown company", content: problemContent },
  },
});

const stamp = (d: Date) =>
  new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "");

function xlsx(bytes: Uint8Array, filename: string): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: [
      ["content-type", XLSX_TYPE],
      [
        "content-disposition",
        `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${
          encodeURIComponent(filename)
        }`,
      ],
      ["cache-control", "no-store"],
      ["x-content-type-options", "nosniff"],
    ],
  });
}

/** The export sub-app. */
export function exportRoutes(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  const cache = ipoCache(deps);

  get(app, ipoXlsxRoute, async (c, { query }) => {
    const s = await cache.state();
    if (!s) {
      return problem(503, "The IPO pipeline has not been built yet", { instance: c.req.path });
    }
    const rows = filterRows(s.rows, toFilter({ ...query, limit: 0 }));
    const filters: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.req.query())) if (v) filters[k] = v.slice(0, 100);
    const market = marketCacheFor(deps.kv);
    const [performance, pricesAsOf] = await Promise.all([
      market.dealPerformances(rows.map(rowRef)),
      market.latestDay(),
    ]);
    const now = new Date();
    const bytes = await buildIpoWorkbook({
      rows,
      performance,
      prices_as_of: pricesAsOf,
      built_at: now,
      snapshot_built_at: s.header.built_at,
      source_status: s.header.source_status,
      filters,
      sample: s.header.sample,
    });
    return xlsx(bytes, `kdesk-ipo-${stamp(now)}.xlsx`);
  });

  app.openAPIRegistry.registerPath(companyXlsxRoute);
  app.get("/api/v1/export/company/:file", async (c) => {
    const m = /^(.*)\.xlsx$/.exec(c.req.param("file"));
    if (!m) return problem(404, `No API route GET ${c.req.path}`, { instance: c.req.path });
    const p = CompanyParams.safeParse({ corp_code: m[1] });
    if (!p.success) return zodProblem(p.error, c.req.path);
    const corp = p.data.corp_code;
    // As the company page: a company not built yet is built now when the app can.
    const snapshot = await ensureSnapshot(deps, corp) ? await deps.snapshots.get(corp) : null;
    if (!snapshot) return problem(404, `No company snapshot for ${corp}`, { instance: c.req.path });
    const [financials, indicators, disclosures, deals] = await Promise.all([
      listFinancials(deps.kv, corp),
      listIndicators(deps.kv, corp),
      listDisclosuresByCorp(deps.kv, corp, { limit: 1000 }),
      dealsOfCorp(deps.kv, corp),
    ]);
    const now = new Date();
    const bytes = await buildCompanyWorkbook({
      snapshot,
      financials,
      indicators,
      disclosures: disclosures.values.filter((d) => !d.superseded),
      deals,
      built_at: now,
    });
    return xlsx(bytes, `kdesk-${corp}-${stamp(now)}.xlsx`);
  });
  return app;
}
