/**
 * `GET /api/v1/search?q=&limit=&cursor=`: every company and KRX instrument by name, code,
 * ISIN or 초성, best first, with market and last close — the typeahead's endpoint and the
 * data of the search page. The ranking lives in `lib/search.ts`.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../lib/ipo/query.ts";
import { KrxMarket } from "../lib/market/model.ts";
import { MATCH_KINDS } from "../lib/search.ts";
import { companySearch, dataVersion, type QuotedPage } from "../lib/store/corps.ts";
import { entityUrl } from "../components/links.ts";
import type { AppDeps } from "./deps.ts";
import { OUTER_JSON, ResponseCache } from "./encoded.ts";
import { getCached, tagged } from "./get.ts";
import { Problem, problem } from "./problem.ts";

/** Most hits one request may ask for. */
export const SEARCH_MAX_LIMIT = 50;

const problemContent = { "application/problem+json": { schema: Problem } };

const Quote = z.object({
  date: z.string().describe("The trading day of `close` (YYYY-MM-DD, KST)"),
  close: z.number().nullable().describe("종가 (원)"),
  change: z.number().nullable().describe("대비 (원, signed)"),
  change_pct: z.number().nullable().describe("등락률 %"),
}).meta({ id: "SearchQuote" });

export const SearchItem = z.object({
  corp_code: z.string().nullable().describe("DART 고유번호; null for an instrument without one"),
  stock_code: z.string().nullable().describe("종목코드; null when unlisted"),
  isin: z.string().nullable(),
  name: z.string().describe("종목명 when listed, else the company name"),
  corp_name: z.string().nullable().describe("The corp-master name"),
  market: KrxMarket.nullable().describe("KRX market; null when not a KRX instrument"),
  match: z.enum(MATCH_KINDS).describe(
    "How it matched, best first: code, name, code_prefix, name_prefix, initials_prefix (초성), name_contains, initials_contains, partial (a syllable still being typed), other_name (English or full name)",
  ),
  url: z.string().describe("The page: /company/{corp_code}, or /stock/{code} without a corp"),
  quote: Quote.nullable().describe("Last close and change; null without stored prices"),
}).meta({ id: "SearchItem" });
export type SearchItem = z.infer<typeof SearchItem>;

const SearchResults = z.object({
  query: z.string(),
  total: z.number().int().describe("Hits in all pages"),
  items: z.array(SearchItem),
  next_cursor: z.string().nullable().describe(
    "Pass as `cursor` for the next page; null at the end",
  ),
}).meta({ id: "SearchResults" });

const searchRoute = createRoute({
  method: "get",
  path: "/api/v1/search",
  operationId: "search",
  tags: tagged("companies"),
  summary: "Search companies and instruments",
  description:
    "Every company of the DART corp master and every KRX instrument by name (spaces, case and legal forms ignored), 종목코드, 고유번호, ISIN or 초성 (`ㅅㅅ`, `ㄱㄹ`), ranked: exact code, exact name, code prefix, name prefix, 초성 prefix, name contains, 초성 contains, a syllable still being typed (`삼서` → 삼성…), English name. Each hit carries its market and last close. Paged with `cursor`.",
  request: {
    query: z.object({
      q: z.string().trim().min(1, "q is required").max(100).meta({
        description: "회사명, 종목명, 종목코드, 고유번호, ISIN or 초성",
        example: "ㅎㅂ",
      }),
      limit: z.coerce.number().int().min(1).max(SEARCH_MAX_LIMIT).default(10),
      cursor: z.string().max(40).optional().meta({
        description: "next_cursor of the previous page",
      }),
    }),
  },
  responses: {
    200: {
      description: "Hits, best first",
      content: { "application/json": { schema: SearchResults } },
    },
    400: { description: "Invalid input", content: problemContent },
  },
});

/** The API items of a page of hits. */
export function searchItems(page: QuotedPage): SearchItem[] {
  return page.hits.map((h) => ({
    corp_code: h.corp_code,
    stock_code: h.stock_code,
    isin: h.isin,
    name: h.name,
    corp_name: h.corp_name,
    market: h.market as SearchItem["market"],
    match: h.match,
    url: entityUrl(h),
    quote: h.quote,
  }));
}

/**
 * The search answers: keyed by the normalized query (q trimmed, limit, cursor) and the data
 * version (corp master + market: hits and quotes), as the route sent them through the outer
 * layer before (`c.json`, then gzip from 1 KiB).
 */
const SEARCH_CACHE = { maxEntries: 4_096, maxBytes: 16 * 1024 * 1024 };

/** The search API sub-app (mounted by `routes/api.ts`). */
export function searchRoutes(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  const answers = new ResponseCache({
    name: "search",
    format: OUTER_JSON,
    version: dataVersion(deps.kv),
    ...SEARCH_CACHE,
  });
  getCached(app, searchRoute, answers, async (c, { query }) => {
    const offset = query.cursor ? decodeCursor(query.cursor) : 0;
    if (offset === null) {
      return problem(400, "Invalid request: cursor: not a cursor from this API", {
        instance: c.req.path,
        errors: [{ path: "cursor", message: "not a cursor from this API" }],
      });
    }
    const page = await companySearch(deps.kv).search(query.q, { offset, limit: query.limit });
    const end = offset + page.hits.length;
    return {
      json: JSON.stringify({
        query: page.query,
        total: page.total,
        items: searchItems(page),
        next_cursor: end < page.total ? encodeCursor(end) : null,
      }),
      headers: [["cache-control", "private, max-age=30"]],
    };
  });
  return app;
}
