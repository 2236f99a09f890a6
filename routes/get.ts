/**
 * `get()`: how every JSON GET route is registered — documented in the OpenAPI registry from
 * its zod schemas and validated with the same schemas — and the document's shared metadata
 * (tags, security schemes, top-level fields; {@link publishOpenApi}). Its own module so the
 * route modules that use it do not import routes/api.ts, which mounts them.
 *
 * @module
 */
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { z } from "zod";
import { encoded, type EncodedBody } from "../lib/store/json.ts";
import { cachedResponse, type JsonAnswer, type ResponseCache, sendEncoded } from "./encoded.ts";
import { Problem, zodProblem } from "./problem.ts";

/** A route's validated input. */
export type Input<R extends RouteConfig> = {
  query: R["request"] extends { query: infer Q extends z.ZodType } ? z.infer<Q>
    : Record<string, never>;
  params: R["request"] extends { params: infer P extends z.ZodType } ? z.infer<P>
    : Record<string, never>;
};

/**
 * A router path without its parameters' patterns (`/a/:id{[0-9]+}` → `/a/:id`): the route's
 * label in the metrics, and its OpenAPI shape.
 */
export function withoutParamPatterns(path: string): string {
  return path.replace(/(:\w+)\{.*?\}(?=\/|$)/g, "$1");
}

/** Options of {@link get}. */
export interface GetOptions {
  /** A synchronous answer for input it recognises exactly (a cache hit), else null. */
  fast?: (c: Context) => Response | null;
  /**
   * Router patterns of path parameters (`{ pipeline_id: "(?!pipeline$)[^/]+" }`), for a
   * parameter whose segment must not also match a literal sibling route: a request that two
   * routes match runs through Hono's async composition (a Promise, never a synchronous
   * answer) and is labelled in the metrics with the last one's pattern. The OpenAPI path and
   * the validation are unchanged; metrics label the route without the pattern.
   */
  params?: Record<string, string>;
}

/**
 * Registers a GET route: documented in the OpenAPI registry from its zod schemas, and
 * validated with the same schemas by a synchronous `safeParse` (measured: the async
 * validator middleware of @hono/zod-openapi halved the snapshot route's throughput).
 * Invalid input is a 400 problem naming the parameter.
 */
export function get<R extends RouteConfig>(
  app: OpenAPIHono,
  route: R,
  handler: (c: Context, input: Input<R>) => Response | Promise<Response>,
  opts: GetOptions = {},
): void {
  app.openAPIRegistry.registerPath(route);
  const query = route.request?.query as z.ZodType | undefined;
  const params = route.request?.params as z.ZodType | undefined;
  const { fast, params: patterns = {} } = opts;
  const path = route.path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => patterns[name] ? `:${name}{${patterns[name]}}` : `:${name}`,
  );
  app.get(path, (c) => {
    const hit = fast?.(c);
    if (hit) return hit;
    const p = params ? params.safeParse(c.req.param()) : { success: true as const, data: {} };
    if (!p.success) return zodProblem(p.error, c.req.path);
    const q = query ? query.safeParse(c.req.query()) : { success: true as const, data: {} };
    if (!q.success) return zodProblem(q.error, c.req.path);
    return handler(c, { query: q.data, params: p.data } as Input<R>);
  });
}

/** The normalized form of a request to a route: its path pattern and validated input. */
export function requestKey(route: RouteConfig, input: Input<RouteConfig>): string {
  return `${route.path} ${JSON.stringify(input.params)} ${JSON.stringify(input.query)}`;
}

/**
 * Registers a GET route ({@link get}) answered from a {@link ResponseCache}: a request URL
 * answered before is a synchronous clone of its prebuilt response (the `fast` hook, before
 * any parsing); anything else is validated, keyed by {@link requestKey} (so `?limit=50` and
 * no `limit` share an answer) and answered from the cache or computed by `load` once.
 */
export function getCached<R extends RouteConfig>(
  app: OpenAPIHono,
  route: R,
  cache: ResponseCache,
  load: (c: Context, input: Input<R>) => Promise<JsonAnswer | Response>,
  opts: Omit<GetOptions, "fast"> = {},
): void {
  get(
    app,
    route,
    (c, input) =>
      cache.answer(c.req.raw, requestKey(route, input as Input<RouteConfig>), () => load(c, input)),
    { ...opts, fast: (c) => cache.peek(c.req.raw) },
  );
}

/** The API's tags (the reference groups operations by them), in display order. */
export const TAGS = {
  companies: {
    name: "Companies",
    description:
      "DART company snapshots (profile, financials, indicators, disclosures), statements, and search over every company and KRX instrument.",
  },
  ipo: {
    name: "IPO",
    description: "The IPO pipeline reconciled from KIND and DART, and one deal with its filings.",
  },
  market: {
    name: "Market data",
    description:
      "KRX instruments, daily bars, one day's market, indices and investor flows. Answers carry a weak ETag of the market data and `Cache-Control: public, max-age=60`.",
  },
  live: {
    name: "Live prices",
    description:
      "Prices from the bridge (Kiwoom, or the simulator in sample mode): server-sent events, the current price, and the bridge's ingest.",
  },
  disclosures: {
    name: "Disclosures",
    description: "Stored DART filings: search, one filing with its amendment chain, counts.",
  },
  excel: {
    name: "Excel exports",
    description: "The IPO pipeline and a company as .xlsx workbooks.",
  },
  backtest: {
    name: "Backtest exports",
    description:
      "Queued Parquet/CSV exports of KRX instruments, daily bars, benchmark indices and data-quality issues, with a SHA-256 manifest.",
  },
  admin: {
    name: "Admin",
    description: "Job runs and backfills. `Authorization: Bearer $ADMIN_TOKEN`; rate-limited.",
  },
} as const;

/** The `tags` of an operation. */
export const tagged = (t: keyof typeof TAGS): string[] => [TAGS[t].name];

/** Security of the admin routes: `Authorization: Bearer $ADMIN_TOKEN`. */
export const ADMIN_SECURITY: Record<string, string[]>[] = [{ adminToken: [] }];
/** Security of the bridge's tick ingest: `Authorization: Bearer $INGEST_TOKEN`. */
export const INGEST_SECURITY: Record<string, string[]>[] = [{ ingestToken: [] }];
/** Security of the routes anyone may call. */
export const PUBLIC: Record<string, string[]>[] = [];

/** The problem+json content of error responses. */
export const problemContent = { "application/problem+json": { schema: Problem } };

/**
 * The 4XX of an operation whose input cannot be wrong (no parameters): every refusal kdesk
 * gives is a problem document.
 */
export const CLIENT_ERROR = {
  "4XX": { description: "The request was refused (problem+json)", content: problemContent },
};

/** The document's top-level fields besides paths and components. */
export const DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "kdesk API",
    version: "1.0.0",
    description: [
      "Korean IPO and market-data desk: DART filings and financials, KIND IPO stages, KRX",
      "market data and live prices, read from prebuilt snapshots.",
      "",
      "- Amounts are in 원 (KRW); dates are `YYYY-MM-DD` in KST; times are ISO 8601.",
      "- Errors are `application/problem+json` ([RFC 9457](https://www.rfc-editor.org/rfc/rfc9457)):",
      "  400 names the offending parameter in `errors`, 404 an unknown code.",
      "- Admin routes take `Authorization: Bearer $ADMIN_TOKEN` (`adminToken`), the bridge's",
      "  tick ingest `Authorization: Bearer $INGEST_TOKEN` (`ingestToken`); everything else is",
      "  public.",
      "- JSON answers are gzip-compressed for clients that send `Accept-Encoding: gzip`.",
      "- Every operation has a stable `operationId`: generate a typed client from this",
      "  document (for example `openapi-typescript` + `openapi-fetch`).",
    ].join("\n"),
    license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
  },
  servers: [{ url: "/", description: "This kdesk server" }],
  security: PUBLIC,
  tags: Object.values(TAGS).map((t) => ({ name: t.name, description: t.description })),
};

/**
 * Publishes the OpenAPI 3.1 document of `app`'s registry at `path` with the security schemes
 * and {@link DOCUMENT}'s fields. The document is generated once, on the first request, and
 * sent from its encoded bytes (gzip when accepted).
 */
export function publishOpenApi(app: OpenAPIHono, path: string): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "ADMIN_TOKEN of the server (admin routes are disabled when it is unset)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "ingestToken", {
    type: "http",
    scheme: "bearer",
    description: "INGEST_TOKEN of the server (the bridge's tick ingest)",
  });
  let body: EncodedBody | null = null;
  app.get(path, (c) => {
    body ??= encoded(JSON.stringify(app.getOpenAPI31Document(DOCUMENT)));
    const ae = c.req.header("accept-encoding") ?? "";
    return cachedResponse(body, ae, 1024) ?? sendEncoded(body, ae, 1024);
  });
}
