/**
 * The market-data read API (`/api/v1/market/*`): instruments with search and paging, an
 * instrument's price summary and daily bars, a whole market on one day, indices and their
 * daily bars, and investor flows — all read from the KRX store (`lib/store/market.ts`).
 *
 * Windows are `from`/`to` (YYYY-MM-DD, inclusive) or a named `range` (1M … MAX) ending at
 * `to`, which defaults to the latest stored trading day. Responses carry
 * `Cache-Control: public, max-age=60` and a weak ETag of the market epoch (bumped by every
 * market write), so a client revalidates with `If-None-Match` and gets a 304 until new data
 * lands. Bar arrays are exactly `DailyBar` / `IndexBar`, the shapes the backtest export
 * writes.
 *
 * Every answer is computed once per request (normalized: path and validated query) and data
 * version, and kept as prebuilt responses (routes/encoded.ts `ResponseCache`): a repeated
 * request is a synchronous clone, as the snapshot route sends.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../lib/ipo/query.ts";
import { KRX_HOLIDAYS } from "../lib/market/sessions.ts";
import {
  DailyBar,
  IndexBar,
  Instrument,
  InvestorFlow,
  KRX_MARKETS,
  KrxMarket,
} from "../lib/market/model.ts";
import { EPOCH_DATE, isDate, type RangeKey, RANGES, rangeStart } from "../lib/market/range.ts";
import { PriceSummary } from "../lib/market/summary.ts";
import { instrumentRank } from "../lib/search.ts";
import { corpCodeByStock, dataVersion } from "../lib/store/corps.ts";
import { keys } from "../lib/store/keys.ts";
import {
  getBars,
  getDay,
  getDayStatus,
  getFlows,
  getIndexBars,
  getInstrument,
  intYmd,
  type StoredInstrument,
  unpack,
} from "../lib/store/market.ts";
import { type MarketCache, marketCacheFor } from "../lib/store/market_cache.ts";
import { CLIENT_ERROR, getCached, tagged } from "./get.ts";
import type { AppDeps } from "./deps.ts";
import { ENCODED_JSON, type JsonAnswer, ResponseCache } from "./encoded.ts";
import { Problem, problem } from "./problem.ts";

const problemContent = { "application/problem+json": { schema: Problem } };
const bad = { description: "Invalid input", content: problemContent };
const notFound = (what: string) => ({ description: what, content: problemContent });
const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { "application/json": { schema } },
  headers: {
    ETag: {
      description: "Weak ETag of the market data epoch",
      schema: { type: "string" as const },
    },
    "Cache-Control": { description: "public, max-age=60", schema: { type: "string" as const } },
  },
});
const notModified = { 304: { description: "Not modified since the ETag in If-None-Match" } };

/** Problem `type` of a day KRX did not trade. */
export const HOLIDAY_PROBLEM = "urn:kdesk:problem:market-holiday";
/** Problem `type` of a trading day kdesk has not collected. */
export const NOT_COLLECTED_PROBLEM = "urn:kdesk:problem:day-not-collected";

const STOCK_CODE = /^[0-9A-Z]{6}$/;
const ISIN = /^[A-Z]{2}[0-9A-Z]{10}$/;

const date = (name: string) =>
  z.string().refine(isDate, `${name} must be a calendar date YYYY-MM-DD`);

/** Window parameters shared by the daily routes and flows. */
const windowShape = (defaultRange: RangeKey) => ({
  from: date("from").optional().meta({ description: "First day (inclusive), YYYY-MM-DD" }),
  to: date("to").optional().meta({
    description: "Last day (inclusive); default the latest stored trading day",
  }),
  range: z.enum(RANGES).optional().meta({
    description: `Window ending at \`to\` instead of \`from\` (default ${defaultRange})`,
  }),
});
type WindowQuery = { from?: string; to?: string; range?: RangeKey };
/** Adds the window rules: `range` and `from` exclude each other; `from` ≤ `to`. */
function windowRules<S extends z.ZodType<WindowQuery>>(schema: S) {
  return schema.refine((q) => !(q.range && q.from), {
    message: "give either range or from, not both",
    path: ["range"],
  }).refine((q) => !(q.from && q.to && q.from > q.to), {
    message: "from must not be after to",
    path: ["from"],
  });
}
const WindowQuery = windowRules(z.object(windowShape("1Y")));
const Window = {
  from: z.string().describe("First day served: the asked start, raised to the first stored day"),
  to: z.string().describe("Last day of the window"),
};

const codeParam = z.object({
  code: z.string().regex(STOCK_CODE, "code must be 6 characters [0-9A-Z]").meta({
    param: { name: "code", in: "path" },
    example: "402760",
  }),
});

const InstrumentPage = z.object({
  total: z.number().int().describe("Instruments matching the filters"),
  items: z.array(Instrument),
  next_cursor: z.string().nullable(),
}).meta({ id: "InstrumentPage" });

const InstrumentDetail = z.object({
  instrument: Instrument.nullable(),
  corp_code: z.string().nullable().describe("DART 고유번호 when the corp master maps the code"),
  price: PriceSummary.nullable(),
}).meta({
  id: "InstrumentDetail",
  description:
    "`instrument` is null when bars exist without base info; `price` is as of the latest stored trading day (null without bars).",
});

const DailyBars = z.object({
  code: z.string(),
  ...Window,
  bars: z.array(DailyBar).describe("Oldest first"),
}).meta({ id: "DailyBars" });

const DayBars = z.object({
  date: z.string(),
  market: KrxMarket.nullable().describe("The market asked for; null = every stored market"),
  count: z.number().int(),
  bars: z.array(DailyBar).describe("By market (KOSPI, KOSDAQ, KONEX), then code"),
}).meta({ id: "DayBars" });

const IndexLatest = z.object({
  index_code: z.string(),
  series: IndexBar.shape.series,
  name: z.string(),
  bar: IndexBar.nullable(),
}).meta({
  id: "IndexLatest",
  description: "`bar` is the latest stored bar (null when there is none in the last year).",
});

const IndexList = z.object({
  date: z.string().describe("The latest stored trading day"),
  items: z.array(IndexLatest).describe("KOSPI, KOSDAQ, KOSPI200, … first, then by code"),
}).meta({ id: "IndexList" });

const IndexBars = z.object({
  index_code: z.string(),
  name: z.string(),
  series: IndexBar.shape.series,
  ...Window,
  bars: z.array(IndexBar).describe("Oldest first"),
}).meta({ id: "IndexBars" });

const FlowList = z.object({
  ...Window,
  market: KrxMarket.nullable(),
  items: z.array(InvestorFlow).describe("By date, then market"),
}).meta({ id: "InvestorFlowList" });

const instrumentsRoute = createRoute({
  method: "get",
  path: "/api/v1/market/instruments",
  operationId: "listInstruments",
  tags: tagged("market"),
  summary: "Listed instruments",
  description:
    "KRX instruments by code, or ranked by a name/code search (`q`: exact code, exact name, code prefix, name prefix, then name contains), paged with a cursor.",
  request: {
    query: z.object({
      market: KrxMarket.optional(),
      q: z.string().trim().max(100).optional().meta({
        description: "종목명, 단축코드 or ISIN (spaces and case ignored)",
      }),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().max(40).optional().meta({
        description: "next_cursor of the previous page",
      }),
    }),
  },
  responses: { 200: json(InstrumentPage, "A page of instruments"), 400: bad, ...notModified },
});

const instrumentRoute = createRoute({
  method: "get",
  path: "/api/v1/market/instruments/{code}",
  operationId: "getInstrument",
  tags: tagged("market"),
  summary: "One instrument with its price summary",
  description:
    "Base info, latest close, change, market cap, 상장주식수 and the 52-week range (as of the latest stored trading day). `code` is the 단축코드 or the ISIN.",
  request: {
    params: z.object({
      code: z.string().regex(
        new RegExp(`${STOCK_CODE.source}|${ISIN.source}`),
        "code must be a 6-character 단축코드 or a 12-character ISIN",
      ).meta({ param: { name: "code", in: "path" }, example: "402760" }),
    }),
  },
  responses: {
    200: json(InstrumentDetail, "The instrument"),
    400: bad,
    404: notFound("Unknown instrument"),
    ...notModified,
  },
});

const dailyRoute = createRoute({
  method: "get",
  path: "/api/v1/market/instruments/{code}/daily",
  operationId: "listInstrumentDailyBars",
  tags: tagged("market"),
  summary: "Daily bars of an instrument",
  description:
    "Raw (unadjusted) daily bars, oldest first, in a window: `from`/`to`, or `range` ending at `to` (default 1Y ending at the latest stored trading day).",
  request: { params: codeParam, query: WindowQuery },
  responses: {
    200: json(DailyBars, "The bars"),
    400: bad,
    404: notFound("Unknown instrument"),
    ...notModified,
  },
});

const dayRoute = createRoute({
  method: "get",
  path: "/api/v1/market/days/{date}",
  operationId: "getMarketDay",
  tags: tagged("market"),
  summary: "A whole market on one day",
  description:
    `Every instrument's bar on a trading day (the cross-section). 404 when the day has none: the problem \`type\` is \`${HOLIDAY_PROBLEM}\` for a day KRX did not trade (weekend, holiday, or a day the collector found empty) and \`${NOT_COLLECTED_PROBLEM}\` for a trading day not collected (yet).`,
  request: {
    params: z.object({
      date: date("date").meta({ param: { name: "date", in: "path" }, example: "2026-11-20" }),
    }),
    query: z.object({ market: KrxMarket.optional() }),
  },
  responses: {
    200: json(DayBars, "The day's bars"),
    400: bad,
    404: notFound("Holiday or not collected"),
    ...notModified,
  },
});

const indicesRoute = createRoute({
  method: "get",
  path: "/api/v1/market/indices",
  operationId: "listIndices",
  tags: tagged("market"),
  summary: "Indices with their latest bar",
  description: "Every stored index with its latest bar (close, change, 등락률).",
  responses: { 200: json(IndexList, "The indices"), ...notModified, ...CLIENT_ERROR },
});

const indexDailyRoute = createRoute({
  method: "get",
  path: "/api/v1/market/indices/{index_code}/daily",
  operationId: "listIndexDailyBars",
  tags: tagged("market"),
  summary: "Daily bars of an index",
  description:
    "Same window parameters as the instrument route. `index_code` is a short code (KOSPI, KOSDAQ, KOSPI200, …) or `<series>:<name>` for the others (URL-encoded).",
  request: {
    params: z.object({
      index_code: z.string().min(1).max(100).meta({
        param: { name: "index_code", in: "path" },
        example: "KOSPI",
      }),
    }),
    query: WindowQuery,
  },
  responses: {
    200: json(IndexBars, "The bars"),
    400: bad,
    404: notFound("Unknown index"),
    ...notModified,
  },
});

const flowsRoute = createRoute({
  method: "get",
  path: "/api/v1/market/flows",
  operationId: "listInvestorFlows",
  tags: tagged("market"),
  summary: "Investor flows",
  description:
    "Net buying by investor type per market-day (순매수; 거래대금 원 or 거래량 주, see `measure`). Default window: 1M ending at the latest stored trading day.",
  request: {
    query: windowRules(z.object({ market: KrxMarket.optional(), ...windowShape("1M") })),
  },
  responses: { 200: json(FlowList, "The flows"), 400: bad, ...notModified },
});

const toInstrument = ({ updated_at: _, ...i }: StoredInstrument): Instrument => i;

/** The window of a query, or a 400 problem when it is empty or inverted. */
function resolveWindow(
  q: WindowQuery,
  anchor: string,
  fallback: RangeKey,
): { from: string; to: string } | string {
  const to = q.to ?? anchor;
  const from = q.from ?? rangeStart(to, q.range ?? fallback);
  if (from > to) return `from (${from}) is after to (${to})`;
  return { from, to };
}

/** The first stored day of a series (from its first per-year pack), or null. */
async function firstDay(kv: Deno.Kv, prefix: Deno.KvKey): Promise<string | null> {
  for await (const e of kv.list<Uint8Array>({ prefix }, { limit: 1 })) {
    const p = unpack(e.value);
    return p.dates.length ? intYmd(p.dates[0]) : null;
  }
  return null;
}

/**
 * The window actually served: `from` raised to the series' first stored day (so `MAX` and
 * early starts read no empty years). Null when the series has no bars at all; `empty` when
 * nothing is stored inside the window (the asked window is then kept as it was).
 */
async function servedWindow(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  w: { from: string; to: string },
): Promise<{ from: string; to: string; empty: boolean } | null> {
  const first = await firstDay(kv, prefix);
  if (first === null) return null;
  if (first > w.to) return { ...w, empty: true };
  return { from: w.from < first ? first : w.from, to: w.to, empty: false };
}

const CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300";

/**
 * A JSON answer with the market ETag (the epoch, as read when it was made) and
 * `Cache-Control`; `cache: false` when it depends on today's date (no stored trading day
 * to anchor a window on), which no market write would move.
 */
async function marketJson(cache: MarketCache, doc: unknown, keep = true): Promise<JsonAnswer> {
  const etag = `W/"mkt-${(await cache.epoch()) ?? "0"}"`;
  return {
    json: JSON.stringify(doc),
    headers: [["etag", etag], ["cache-control", CACHE_CONTROL]],
    cache: keep,
  };
}

/** The day windows are measured from, and whether it is a stored day (not today's date). */
async function anchor(cache: MarketCache): Promise<{ day: string; stored: boolean }> {
  const latest = await cache.latestDay();
  return { day: latest ?? await cache.anchorDay(), stored: latest !== null };
}

/**
 * The answers of the market routes: the market data and corp master version keys them
 * (`dataVersion`); bodies from 1 KiB go gzip-compressed to clients that accept it.
 */
const MARKET_CACHE = { maxEntries: 2_048, maxBytes: 64 * 1024 * 1024 };

/** Why KRX did not trade on a day. */
export interface ClosedDay {
  kind: "weekend" | "holiday" | "no_trading";
  /** The holiday's name (KRX_HOLIDAYS). */
  name?: string;
}

/**
 * Whether KRX did not trade on a day: the collector's record first (a day it found empty
 * everywhere), else weekends and the KRX holiday calendar. Null = a trading day.
 */
export async function closedDay(kv: Deno.Kv, day: string): Promise<ClosedDay | null> {
  const status = await getDayStatus(kv, day);
  if (status) return status.holiday ? { kind: "no_trading" } : null;
  const wd = new Date(`${day}T00:00:00Z`).getUTCDay();
  if (wd === 0 || wd === 6) return { kind: "weekend" };
  return KRX_HOLIDAYS[day] ? { kind: "holiday", name: KRX_HOLIDAYS[day] } : null;
}

/** A closed day in English (API details) or Korean (pages). */
export function closedText(c: ClosedDay, lang: "en" | "ko"): string {
  if (lang === "ko") {
    return c.kind === "weekend" ? "주말" : c.kind === "holiday" ? `휴장일: ${c.name}` : "KRX 휴장";
  }
  return c.kind === "weekend"
    ? "weekend"
    : c.kind === "holiday"
    ? `KRX holiday (${c.name})`
    : "KRX reported no trading";
}

/** The market API sub-app (mounted by `routes/api.ts`). */
export function marketRoutes(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  const kv = deps.kv;
  const cache = marketCacheFor(kv);
  const answers = new ResponseCache({
    name: "market",
    format: ENCODED_JSON,
    version: dataVersion(kv),
    ...MARKET_CACHE,
  });
  const json = (doc: unknown, keep?: boolean) => marketJson(cache, doc, keep);

  getCached(app, instrumentsRoute, answers, async (c, { query }) => {
    const offset = query.cursor ? decodeCursor(query.cursor) : 0;
    if (offset === null) {
      return problem(400, "Invalid request: cursor: not a cursor from this API", {
        instance: c.req.path,
        errors: [{ path: "cursor", message: "not a cursor from this API" }],
      });
    }
    let rows = await cache.instruments();
    if (query.market) rows = rows.filter((i) => i.market === query.market);
    if (query.q) {
      const q = query.q;
      rows = rows.map((i) => ({ i, r: instrumentRank(i, q) }))
        .filter((x): x is { i: StoredInstrument; r: number } => x.r !== null)
        .sort((a, b) => a.r - b.r || (a.i.code < b.i.code ? -1 : 1))
        .map((x) => x.i);
    }
    const items = rows.slice(offset, offset + query.limit).map(toInstrument);
    const next = offset + query.limit < rows.length ? encodeCursor(offset + query.limit) : null;
    return json({ total: rows.length, items, next_cursor: next });
  });

  getCached(app, instrumentRoute, answers, async (c, { params }) => {
    const inst = await getInstrument(kv, params.code);
    const code = inst?.code ?? params.code;
    const price = STOCK_CODE.test(code) ? await cache.summary(code) : null;
    if (!inst && !price) {
      return problem(404, `No instrument ${params.code}`, { instance: c.req.path });
    }
    return json({
      instrument: inst ? toInstrument(inst) : null,
      corp_code: await corpCodeByStock(kv, code),
      price,
    });
  });

  getCached(app, dailyRoute, answers, async (c, { params, query }) => {
    const at = await anchor(cache);
    const w = resolveWindow(query, at.day, "1Y");
    if (typeof w === "string") {
      return problem(400, `Invalid request: ${w}`, { instance: c.req.path });
    }
    const served = await servedWindow(kv, keys.barYearPrefix(params.code), w);
    if (served === null) {
      if (!(await getInstrument(kv, params.code))) {
        return problem(404, `No instrument ${params.code}`, { instance: c.req.path });
      }
      return json({ code: params.code, ...w, bars: [] }, at.stored);
    }
    const { empty, ...win } = served;
    const bars = empty ? [] : await getBars(kv, params.code, win.from, win.to);
    return json({ code: params.code, ...win, bars }, at.stored);
  });

  getCached(app, dayRoute, answers, async (c, { params, query }) => {
    const day = params.date;
    const markets = query.market ? [query.market] : KRX_MARKETS;
    const bars = (await Promise.all(markets.map((m) => getDay(kv, day, m)))).flat();
    if (bars.length) {
      return json({
        date: day,
        market: query.market ?? null,
        count: bars.length,
        bars,
      });
    }
    const closed = await closedDay(kv, day);
    if (closed) {
      return problem(404, `${day} is not a trading day: ${closedText(closed, "en")}.`, {
        instance: c.req.path,
        type: HOLIDAY_PROBLEM,
      });
    }
    return problem(
      404,
      `${day}${query.market ? ` ${query.market}` : ""} has not been collected.`,
      { instance: c.req.path, type: NOT_COLLECTED_PROBLEM },
    );
  });

  getCached(app, indicesRoute, answers, async () => {
    const at = await anchor(cache);
    const items = (await cache.indices()).map(({ index_code, series, name, bar }) => ({
      index_code,
      series,
      name,
      bar,
    }));
    return json({ date: at.day, items }, at.stored);
  });

  getCached(app, indexDailyRoute, answers, async (c, { params, query }) => {
    const code = params.index_code;
    const meta = (await cache.indexMetas()).find((m) => m.index_code === code);
    if (!meta) return problem(404, `No index ${code}`, { instance: c.req.path });
    const at = await anchor(cache);
    const w = resolveWindow(query, at.day, "1Y");
    if (typeof w === "string") {
      return problem(400, `Invalid request: ${w}`, { instance: c.req.path });
    }
    const prefix = keys.indexYear(code, 0).slice(0, -1);
    const served = await servedWindow(kv, prefix, w);
    const win = served && !served.empty ? { from: served.from, to: served.to } : w;
    const bars = served && !served.empty ? await getIndexBars(kv, code, win.from, win.to) : [];
    return json(
      { index_code: code, name: meta.name, series: meta.series, ...win, bars },
      at.stored,
    );
  });

  getCached(app, flowsRoute, answers, async (c, { query }) => {
    const at = await anchor(cache);
    const w = resolveWindow(query, at.day, "1M");
    if (typeof w === "string") {
      return problem(400, `Invalid request: ${w}`, { instance: c.req.path });
    }
    const from = w.from < EPOCH_DATE ? EPOCH_DATE : w.from;
    const markets = query.market ? [query.market] : KRX_MARKETS;
    const items = (await Promise.all(markets.map((m) => getFlows(kv, m, from, w.to)))).flat()
      .sort((a, b) =>
        a.date.localeCompare(b.date) ||
        KRX_MARKETS.indexOf(a.market) - KRX_MARKETS.indexOf(b.market)
      );
    return json({ ...w, market: query.market ?? null, items }, at.stored);
  });

  return app;
}
