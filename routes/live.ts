/**
 * Live prices: ingest from the bridge, SSE fan-out, the code list the bridge registers,
 * and the current price of a code.
 *
 * - `POST /api/v1/ticks` — bearer INGEST_TOKEN; body {@link IngestBatch}; a rejected batch
 *   (401, 400) stores nothing; a repeated `batch_id` answers 200 `duplicate: true`, unstored.
 * - `GET /api/v1/stream/prices?codes=A,B` — SSE: `tick` and `book` events with `id:` (the
 *   sequence), `Last-Event-ID` resume, `: hb` heartbeats, the current value on connect.
 * - `GET /api/v1/live/codes` — recently viewed codes plus the featured sample codes.
 * - `GET /api/v1/price/{code}` — live (or simulated) tick, else the last stored KRX close,
 *   else `source: "none"` with a null price. Never a made-up price.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { IngestBatch, LIVE_CODE_RE, PriceAnswer } from "../lib/live/schemas.ts";
import { LiveService } from "../lib/live/service.ts";
import { safeEqual } from "../lib/jobs/admin.ts";
import { log } from "../lib/log.ts";
import { getCorp } from "../lib/store/corps.ts";
import { getLatestBook, getLatestTick, listLiveViews } from "../lib/store/ticks.ts";
import { marketCacheFor } from "../lib/store/market_cache.ts";
import { SAMPLE_CORP_CODES } from "../sample/dart_sample.ts";
import { type AppDeps, clockOf } from "./deps.ts";
import type { ClockSpec } from "../lib/time/clock.ts";
import { body, BODY_LIMITS } from "./body.ts";
import { CLIENT_ERROR, INGEST_SECURITY, tagged } from "./get.ts";
import { Problem, problem, zodProblem } from "./problem.ts";

/** Most codes one SSE connection may follow. */
export const MAX_STREAM_CODES = 50;

const StreamQuery = z.object({
  codes: z.string().min(1, "codes is required (comma-separated stock codes)").transform((
    s,
  ) => [...new Set(s.split(",").map((c) => c.trim()).filter(Boolean))]).pipe(
    z.array(z.string().regex(LIVE_CODE_RE, "each code must be 6 characters [0-9A-Z]"))
      .min(1, "codes is required").max(MAX_STREAM_CODES, `at most ${MAX_STREAM_CODES} codes`),
  ),
  lastEventId: z.string().regex(/^\d{1,17}$/, "lastEventId must be an event id (digits)")
    .optional(),
});

const SSE_HEADERS: [string, string][] = [
  ["content-type", "text/event-stream; charset=utf-8"],
  ["cache-control", "no-cache, no-transform"],
  ["x-accel-buffering", "no"],
  ["x-content-type-options", "nosniff"],
];

/** The featured sample stock codes present in KV (sample mode). */
async function featuredCodes(kv: Deno.Kv): Promise<string[]> {
  const out: string[] = [];
  for (const corp of SAMPLE_CORP_CODES) {
    const c = await getCorp(kv, corp);
    if (c?.stock_code) out.push(c.stock_code);
  }
  return out;
}

const IngestAck = z.object({
  accepted: z.number().int(),
  ticks: z.number().int(),
  books: z.number().int(),
  last_seq: z.number().int(),
  duplicate: z.boolean().meta({ description: "True when this `batch_id` was already stored" }),
});

const problemContent = { "application/problem+json": { schema: Problem } };
const CodeParam = z.string().regex(LIVE_CODE_RE).meta({
  param: { name: "code", in: "path" },
  example: "402760",
});

/** OpenAPI descriptions of the live routes (validation is done by hand, synchronously). */
function document(app: OpenAPIHono): void {
  app.openAPIRegistry.registerPath(createRoute({
    method: "post",
    path: "/api/v1/ticks",
    operationId: "ingestTicks",
    tags: tagged("live"),
    summary: "Ingest a batch of ticks and order books (bridge only)",
    description:
      "Bearer INGEST_TOKEN. The batch is validated as a whole and stored in one atomic KV write; a rejected batch stores nothing. " +
      "Idempotent with `batch_id`: the id is recorded (for 15 minutes) in the same atomic write as the ticks, on the condition that it is not there yet, " +
      "so a batch retried after a lost response, or delivered twice at once, is stored once; the repeat is answered 200 with `accepted: 0, duplicate: true` " +
      "and stores nothing. Batches without `batch_id` are stored every time they arrive.",
    security: INGEST_SECURITY,
    request: { body: { content: { "application/json": { schema: IngestBatch } } } },
    responses: {
      202: {
        description: "Stored and broadcast",
        content: { "application/json": { schema: IngestAck } },
      },
      200: {
        description:
          "Duplicate `batch_id` (already stored): nothing stored or broadcast; `last_seq` is the original batch's",
        content: { "application/json": { schema: IngestAck } },
      },
      400: { description: "Malformed batch (the reason is in `errors`)", content: problemContent },
      401: { description: "Missing or wrong token", content: problemContent },
      413: { description: "The body is over 1 MiB", content: problemContent },
      415: { description: "The body is not application/json", content: problemContent },
    },
  }));
  app.openAPIRegistry.registerPath(createRoute({
    method: "get",
    path: "/api/v1/stream/prices",
    operationId: "streamPrices",
    tags: tagged("live"),
    summary: "Live prices (server-sent events)",
    description:
      "`tick` and `book` events with `id:` (resume with Last-Event-ID or `lastEventId`), `: hb` heartbeat comments, and the current value of each code on connect.",
    request: {
      query: z.object({
        codes: z.string().meta({ example: "402760,0091A0", description: "1–50 codes" }),
        lastEventId: z.string().optional(),
      }),
    },
    responses: {
      200: {
        description: "The event stream",
        content: { "text/event-stream": { schema: z.string() } },
      },
      400: { description: "Bad code list", content: problemContent },
    },
  }));
  app.openAPIRegistry.registerPath(createRoute({
    method: "get",
    path: "/api/v1/live/codes",
    operationId: "listLiveCodes",
    tags: tagged("live"),
    summary: "Codes the bridge should register",
    responses: {
      200: {
        description: "Recently viewed codes plus featured codes, with their last KRX closes",
        content: {
          "application/json": {
            schema: z.object({
              codes: z.array(z.string()),
              viewed: z.array(z.string()),
              featured: z.array(z.string()),
              closes: z.record(z.string(), z.number()).meta({
                description:
                  "The last stored KRX close of each code that has one (the simulator's base price)",
              }),
              generated_at: z.string(),
            }),
          },
        },
      },
      ...CLIENT_ERROR,
    },
  }));
  app.openAPIRegistry.registerPath(createRoute({
    method: "get",
    path: "/api/v1/price/{code}",
    operationId: "getPrice",
    tags: tagged("live"),
    summary: "Current price of a stock",
    description:
      'Live (or simulated) tick, else the last stored KRX close (`time` = 15:30 KST of that day), else `source: "none"` with a null price.',
    request: { params: z.object({ code: CodeParam }) },
    responses: {
      200: { description: "The price", content: { "application/json": { schema: PriceAnswer } } },
      400: { description: "Bad code", content: problemContent },
    },
  }));
}

/** The live sub-app. Uses `deps.live` or creates a service on `deps.kv`. */
export function liveRoutes(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  document(app);
  const live = deps.live ?? new LiveService(deps.kv);
  let featured: Promise<string[]> | null = null;

  // The token is checked before the body is read; the body is then read up to its limit.
  const ingestBody = body({ maxBytes: BODY_LIMITS.ticks, json: true });
  app.post(
    "/api/v1/ticks",
    async (c, next) => {
      const token = deps.config.INGEST_TOKEN;
      const auth = c.req.header("authorization") ?? "";
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!token) {
        return problem(401, "Ingest is disabled: INGEST_TOKEN is not set on this server.", {
          instance: c.req.path,
        });
      }
      if (!m) {
        return problem(401, "Missing bearer token (Authorization: Bearer <INGEST_TOKEN>).", {
          instance: c.req.path,
        });
      }
      if (!safeEqual(m[1], token)) {
        return problem(401, "Wrong ingest token.", { instance: c.req.path });
      }
      await next();
    },
    ingestBody,
    async (c) => {
      const text = await c.req.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        return problem(400, `Body is not JSON: ${(e as Error).message}`, { instance: c.req.path });
      }
      const parsed = IngestBatch.safeParse(json);
      if (!parsed.success) return zodProblem(parsed.error, c.req.path);
      try {
        const r = await live.ingest(parsed.data);
        // A duplicate batch id was stored earlier: 200, nothing accepted now.
        return c.json({ accepted: r.ticks + r.books, ...r }, r.duplicate ? 200 : 202);
      } catch (e) {
        log.error("tick ingest failed", { error: e as Error });
        return problem(503, "Storing the batch failed; nothing was stored. Retry.", {
          instance: c.req.path,
        });
      }
    },
  );

  app.get("/api/v1/stream/prices", async (c) => {
    const q = StreamQuery.safeParse({
      codes: c.req.query("codes") ?? "",
      lastEventId: c.req.header("last-event-id") ?? c.req.query("lastEventId") ?? undefined,
    });
    if (!q.success) return zodProblem(q.error, c.req.path);
    await live.seed(q.data.codes);
    const last = q.data.lastEventId ? Number(q.data.lastEventId) : undefined;
    const body = live.broadcaster.subscribe(q.data.codes, last);
    return new Response(body, { headers: SSE_HEADERS });
  });

  app.get("/api/v1/live/codes", async (c) => {
    featured ??= featuredCodes(deps.kv);
    const [viewed, feat] = await Promise.all([listLiveViews(deps.kv), featured]);
    const codes = [...new Set([...viewed, ...feat])];
    // Each code's last stored KRX close: the simulator bridge starts its prices there.
    const market = marketCacheFor(deps.kv);
    const closes: Record<string, number> = {};
    for (const code of codes) {
      const close = (await market.summary(code))?.close;
      if (typeof close === "number" && close > 0) closes[code] = close;
    }
    return c.json({
      codes,
      viewed,
      featured: feat,
      closes,
      generated_at: new Date().toISOString(),
    });
  });

  app.get("/api/v1/price/:code", async (c) => {
    const code = c.req.param("code");
    if (!LIVE_CODE_RE.test(code)) {
      return problem(400, "code must be 6 characters [0-9A-Z]", { instance: c.req.path });
    }
    const t = await live.latest(code);
    if (t) {
      return c.json({
        code,
        source: t.simulated ? "simulated" : "live",
        price: t.price,
        change: t.change,
        change_rate: t.change_rate,
        time: t.time,
        tick: t,
      });
    }
    // The last KRX close (its time is that day's 15:30 KST close).
    const last = await marketCacheFor(deps.kv).summary(code);
    if (last?.close !== null && last?.close !== undefined) {
      return c.json({
        code,
        source: "last_close",
        price: last.close,
        change: last.change,
        change_rate: last.change_pct,
        time: Date.parse(`${last.date}T15:30:00+09:00`),
        tick: null,
      });
    }
    return c.json({
      code,
      source: "none",
      price: null,
      change: null,
      change_rate: null,
      time: null,
      tick: null,
    });
  });

  return app;
}

/** What the company page needs to render its live islands. */
export interface CompanyLiveProps {
  code: string;
  tick: import("../lib/live/types.ts").StoredTick | null;
  book: import("../lib/live/types.ts").StoredBook | null;
  /** True when prices come from the simulator. */
  simulated: boolean;
  /** The app clock's now (epoch ms) and the clock itself, for the session badge. */
  now: number;
  clock: ClockSpec;
}

/** Reads the stored tick and book of a stock code for server rendering. */
export async function companyLiveProps(
  deps: AppDeps,
  code: string | null | undefined,
): Promise<CompanyLiveProps | undefined> {
  if (!code || !LIVE_CODE_RE.test(code)) return undefined;
  const clock = clockOf(deps);
  const [tick, book] = await Promise.all([
    getLatestTick(deps.kv, code),
    getLatestBook(deps.kv, code),
  ]);
  return {
    code,
    tick,
    book,
    simulated: tick?.simulated ?? deps.live?.mode === "simulator",
    now: clock.now().getTime(),
    clock: clock.spec,
  };
}
