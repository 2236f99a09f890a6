/**
 * IPO JSON API: `GET /api/v1/ipo/pipeline` (filters, cursor paging) and
 * `GET /api/v1/ipo/{pipeline_id}` (one deal). Both answer from prebuilt snapshots; the
 * pipeline keeps one pre-encoded (and lazily gzip-compressed) body per distinct query. A deal
 * id a refresh replaced (D… → K… once KIND lists the deal) answers 301 to the current one.
 *
 * A deal's post-listing figures (latest KRX close, 시초가, returns against the offer price)
 * are laid over its snapshot when it is read ({@linkcode dealBody}): the combined body is
 * encoded once per (deal snapshot body, market epoch), so a new trading day shows up
 * without the deal being rebuilt.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import {
  DealSnapshot,
  itemRef,
  Market,
  PIPELINE_ID_RE,
  type PipelineItem,
  PipelinePage,
  rowRef,
  Stage,
} from "../lib/ipo/model.ts";
import type { DealPerformance } from "../lib/market/summary.ts";
import { decodeCursor, filterRows, pageRows, type PipelineFilter } from "../lib/ipo/query.ts";
import { encoded, type EncodedBody, IpoCache, type PipelineState } from "../lib/store/ipo.ts";
import { marketCacheFor } from "../lib/store/market_cache.ts";
import { get, tagged } from "./get.ts";
import type { AppDeps } from "./deps.ts";
import { cachedResponse, sendEncoded } from "./encoded.ts";
import { Problem, problem, zodProblem } from "./problem.ts";

const problemContent = { "application/problem+json": { schema: Problem } };
const ymd = /^\d{4}-\d{2}-\d{2}$/;

/** Pipeline query parameters (shared by the API, the board page and the xlsx export). */
export const PipelineQuery = z.object({
  stage: z.string().optional().transform((s, ctx) => {
    if (!s) return undefined;
    const parts = s.split(",").map((p) => p.trim()).filter(Boolean);
    for (const p of parts) {
      if (!Stage.safeParse(p).success) {
        ctx.addIssue({ code: "custom", message: `unknown stage ${p.slice(0, 20)}` });
        return z.NEVER;
      }
    }
    return parts as Stage[];
  }).meta({ description: "Stages, comma-separated (예비심사청구 … 상장, 철회, 미승인)" }),
  market: Market.optional().meta({ description: "유가증권, 코스닥 or 코넥스" }),
  from: z.string().regex(ymd, "from must be YYYY-MM-DD").optional()
    .meta({
      description: "Window start: any schedule date (신고서, 청약, 납입, 상장) on or after",
    }),
  to: z.string().regex(ymd, "to must be YYYY-MM-DD").optional()
    .meta({ description: "Window end (inclusive)" }),
  underwriter: z.string().trim().max(50).optional().meta({ description: "주관사 name contains" }),
  q: z.string().trim().max(100).optional().meta({
    description: "Company name, 종목코드 or 고유번호",
  }),
  flagged: z.enum(["1", "true"]).optional().meta({ description: "Only deals not fully matched" }),
  cursor: z.string().max(40).optional().meta({ description: "next_cursor of the previous page" }),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});
export type PipelineQuery = z.infer<typeof PipelineQuery>;

/** The filter part of a parsed query. */
export function toFilter(q: PipelineQuery): PipelineFilter {
  return {
    stage: q.stage,
    market: q.market,
    from: q.from,
    to: q.to,
    underwriter: q.underwriter || undefined,
    q: q.q || undefined,
    flagged: !!q.flagged,
  };
}

const pipelineRoute = createRoute({
  method: "get",
  path: "/api/v1/ipo/pipeline",
  operationId: "listIpoPipeline",
  tags: tagged("ipo"),
  summary: "IPO pipeline",
  description:
    "Deals reconciled from KIND and DART, newest activity first, filterable by stage, market, date window and underwriter, paged with a cursor. Read from the pipeline snapshot: when a source failed, `partial` is true and `source_status` names the failure.",
  request: { query: PipelineQuery },
  responses: {
    200: {
      description: "A page of deals",
      content: { "application/json": { schema: PipelinePage } },
    },
    400: { description: "Invalid input", content: problemContent },
    503: { description: "Pipeline not built yet", content: problemContent },
  },
});

const dealRoute = createRoute({
  method: "get",
  path: "/api/v1/ipo/{pipeline_id}",
  operationId: "getIpoDeal",
  tags: tagged("ipo"),
  summary: "One IPO deal",
  description:
    "Stages with dates, offering terms, demand and subscription figures, underwriters, the DART filing chains and how each source was matched. `source_status`, `partial` and `missing_sections` are the pipeline's current ones. For a listed deal, `last_close` (with `last_close_date`) is the latest KRX close kdesk has stored and `after_listing` the 시초가, 상장일 종가 and returns against the offer price (raw, unadjusted closes), read from the market store at request time: they follow each new trading day. Both are null for a deal not listed or with no stored price. A deal's id can change when a refresh matches it anew (a DART-only `D…` deal becomes `K…` once KIND lists it): the old id then answers `301 Moved Permanently` with `Location` set to the current id's URL; an id with no deal and no alias answers 404.",
  request: {
    params: z.object({
      pipeline_id: z.string().regex(PIPELINE_ID_RE, "pipeline_id is K or D + 14 digits, or L + 6")
        .meta({
          param: { name: "pipeline_id", in: "path" },
          example: "K20260105000011",
        }),
    }),
  },
  responses: {
    200: { description: "The deal", content: { "application/json": { schema: DealSnapshot } } },
    301: {
      description: "The id was replaced by a refresh (e.g. D… → K… once KIND lists the deal)",
      headers: {
        Location: {
          description: "URL of the deal under its current id, e.g. /api/v1/ipo/K20260105000011",
          schema: { type: "string" as const },
        },
      },
    },
    400: { description: "Invalid input", content: problemContent },
    404: { description: "Unknown deal", content: problemContent },
  },
});

/**
 * A 301 from an old pipeline id to its current one: `path` with its last segment (the old
 * id) replaced, the query kept. Cached an hour only: an alias can move on (chains collapse).
 */
export function aliasRedirect(url: string, path: string, to: string): Response {
  const qi = url.indexOf("?");
  const location = `${path.slice(0, path.lastIndexOf("/") + 1)}${to}${qi < 0 ? "" : url.slice(qi)}`;
  return new Response(null, {
    status: 301,
    headers: { location, "cache-control": "public, max-age=3600" },
  });
}

/**
 * The deal route's router pattern for `{pipeline_id}`: any segment but `pipeline`. Without
 * it `GET /api/v1/ipo/pipeline` matches the deal route too, Hono runs the two handlers
 * through its async composition, and a cached pipeline page is a Promise instead of a
 * synchronous clone of its prebuilt response (and is labelled as the deal route in the
 * metrics). Ids are still validated by the route's schema: a malformed one stays a 400.
 */
const NOT_PIPELINE = "(?!pipeline$)[^/]+";

/** Below this size gzip costs more than it saves. */
const GZIP_MIN = 1024;

const cacheByKv = new WeakMap<Deno.Kv, IpoCache>();
/** The IPO snapshot cache of an app (one per KV). */
export function ipoCache(deps: AppDeps): IpoCache {
  if (deps.ipo) return deps.ipo;
  let c = cacheByKv.get(deps.kv);
  if (!c) cacheByKv.set(deps.kv, c = new IpoCache(deps.kv));
  return c;
}

type DealBody = EncodedBody & { json: string };

/** Deal bodies with their post-listing figures, by the snapshot body they were made from. */
const withFigures = new WeakMap<DealBody, { epoch: string | null; body: DealBody }>();

/**
 * One deal as served by the API and rendered by the page: its cached snapshot body (the
 * pipeline's current status merged in, per IPO epoch) with the post-listing figures
 * (`MarketCache.dealPerformance`) laid over it. The combined body is made once per
 * (snapshot body, market epoch): a new IPO epoch brings a new snapshot body, a new market
 * epoch (a trading day stored, a correction) a new combination. null: no deal `id`.
 */
export async function dealBody(deps: AppDeps, id: string): Promise<DealBody | null> {
  const base = await ipoCache(deps).deal(id);
  if (!base) return null;
  const market = marketCacheFor(deps.kv);
  const epoch = await market.epoch();
  const hit = withFigures.get(base);
  if (hit && hit.epoch === epoch) return hit.body;
  const snap = JSON.parse(base.json) as DealSnapshot;
  const figures = await market.dealPerformance(itemRef(snap.item));
  const body = encoded(JSON.stringify({ ...snap, ...figures }));
  withFigures.set(base, { epoch, body });
  return body;
}

/** The page document of a query against a loaded pipeline (rows as stored). */
export function pipelinePage(s: PipelineState, q: PipelineQuery, offset: number): PipelinePage {
  const rows = filterRows(s.rows, toFilter(q));
  const { items, next_cursor } = pageRows(rows, offset, q.limit);
  const h = s.header;
  return {
    built_at: h.built_at,
    sample: h.sample,
    partial: h.partial,
    source_status: h.source_status,
    missing_sections: h.missing_sections,
    total: rows.length,
    items,
    next_cursor,
  };
}

/**
 * Page rows with listed rows' `return_since_offer_pct` from `figures` (by deal id, see
 * `MarketCache.dealPerformances`; null when a listed row has none). Other rows unchanged.
 */
export function withReturns(
  items: PipelineItem[],
  figures: ReadonlyMap<string, DealPerformance>,
): PipelineItem[] {
  return items.map((r) =>
    r.stage === "상장"
      ? {
        ...r,
        return_since_offer_pct: figures.get(r.id)?.after_listing?.return_since_offer_pct ?? null,
      }
      : r
  );
}

/**
 * The market epoch each loaded pipeline's page bodies were made under: the bodies carry
 * listed rows' returns, so a new epoch drops them (the pipeline state itself, and its rows,
 * are per IPO epoch).
 */
const bodiesEpoch = new WeakMap<PipelineState, string | null>();

/** The IPO API sub-app. */
export function ipoApiRoutes(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  const cache = ipoCache(deps);
  const market = marketCacheFor(deps.kv);

  // One handler: a query answered before is served from its encoded body without parsing or
  // validating again (only valid queries are cached, under their exact query string); a new
  // query is validated with the route's zod schema (sync, as `get()` does) and cached.
  app.openAPIRegistry.registerPath(pipelineRoute);
  app.get(pipelineRoute.path, (c) => {
    const url = c.req.url, qi = url.indexOf("?");
    const key = qi < 0 ? "" : url.slice(qi + 1);
    // synchronous when the state and the body (and its gzip copy) are ready, and the body
    // was made under the market epoch last read (a stale read starts a re-read, see peekEpoch)
    const s = cache.peek(), epoch = market.peekEpoch();
    const hit = s && epoch !== undefined && bodiesEpoch.get(s) === epoch
      ? s.bodies.get(key)
      : undefined;
    if (hit) {
      const ae = c.req.header("accept-encoding") ?? "";
      return cachedResponse(hit, ae, GZIP_MIN) ?? sendEncoded(hit, ae, GZIP_MIN);
    }
    return miss(c, key);
  });
  const miss = async (c: Context, key: string): Promise<Response> => {
    const s = await cache.state();
    const epoch = await market.epoch();
    if (s && bodiesEpoch.get(s) !== epoch) { // first use (undefined) or a new market epoch
      s.bodies.clear();
      bodiesEpoch.set(s, epoch);
    }
    const cached = s?.bodies.get(key);
    if (cached) return sendEncoded(cached, c.req.header("accept-encoding") ?? "", GZIP_MIN);
    const q = PipelineQuery.safeParse(c.req.query());
    if (!q.success) return zodProblem(q.error, c.req.path);
    const offset = q.data.cursor ? decodeCursor(q.data.cursor) : 0;
    if (offset === null) {
      return problem(400, "Invalid request: cursor: not a cursor from this API", {
        instance: c.req.path,
        errors: [{ path: "cursor", message: "not a cursor from this API" }],
      });
    }
    if (!s) {
      return problem(503, "The IPO pipeline has not been built yet", { instance: c.req.path });
    }
    const page = pipelinePage(s, q.data, offset);
    page.items = withReturns(page.items, await market.dealPerformances(page.items.map(rowRef)));
    const body = encoded(JSON.stringify(page));
    if (bodiesEpoch.get(s) === epoch) { // not when a newer epoch was seen meanwhile
      if (s.bodies.size >= IpoCache.MAX_BODIES) s.bodies.clear();
      s.bodies.set(key, body);
    }
    return sendEncoded(body, c.req.header("accept-encoding") ?? "", GZIP_MIN);
  };

  get(app, dealRoute, async (c, { params }) => {
    const body = await dealBody(deps, params.pipeline_id);
    if (!body) {
      const to = await cache.alias(params.pipeline_id);
      if (to && await cache.deal(to)) return aliasRedirect(c.req.url, c.req.path, to);
      return problem(404, `No IPO deal ${params.pipeline_id}`, { instance: c.req.path });
    }
    return sendEncoded(body, c.req.header("accept-encoding") ?? "", GZIP_MIN);
  }, { params: { pipeline_id: NOT_PIPELINE } });
  return app;
}
