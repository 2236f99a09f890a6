/**
 * POST /api/v1/ticks: auth (401), validation (400 with the reason), nothing stored from a
 * rejected batch, atomic latest + history, the price API and the live code list.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { LiveService } from "../lib/live/service.ts";
import type { Tick } from "../lib/live/types.ts";
import { keys } from "../lib/store/keys.ts";
import { getLatestBook, getTickHistory, TICK_HISTORY } from "../lib/store/ticks.ts";
import { createApp } from "../routes/app.ts";
import { buildTestApp } from "./helpers/app.ts";

const TOKEN = "test-ingest-token-0123456789";

export function tick(code: string, price: number, extra: Partial<Tick> = {}): Tick {
  return {
    code,
    price,
    change: 0,
    change_rate: 0,
    volume: 10,
    cum_volume: 100,
    time: Date.parse("2026-11-24T01:00:00Z"),
    side: "buy",
    best_bid: price - 50,
    best_ask: price,
    open: price,
    high: price,
    low: price,
    simulated: true,
    ...extra,
  };
}

async function setup() {
  const config = {
    ...loadConfig({ KDESK_SAMPLE: "on", KDESK_KV_PATH: ":memory:" }),
    INGEST_TOKEN: TOKEN,
  };
  const t = await buildTestApp({ deps: { config } });
  // The app built by the helper created its own service; build one we can close.
  const svc = new LiveService(t.kv);
  const app = createApp({ ...t.deps, live: svc });
  return { t, app, svc };
}

const post = (
  app: { request: (p: string, i: RequestInit) => Response | Promise<Response> },
  body: unknown,
  token: string | null = TOKEN,
) =>
  app.request("/api/v1/ticks", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function countTicks(kv: Deno.Kv): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix: ["tick_history"] })) n++;
  for await (const _ of kv.list({ prefix: ["tick_latest"] })) n++;
  for await (const _ of kv.list({ prefix: ["book_latest"] })) n++;
  return n;
}

Deno.test("ingest rejects a missing or wrong token with 401 and stores nothing", async () => {
  const { t, app, svc } = await setup();
  try {
    const batch = { source: "test", ticks: [tick("402760", 51200)] };
    for (const token of [null, "wrong-token", `${TOKEN}x`]) {
      const res = await post(app, batch, token);
      assert.equal(res.status, 401);
      assert.match(res.headers.get("content-type") ?? "", /problem\+json/);
      const body = await res.json();
      assert.ok(!JSON.stringify(body).includes(TOKEN), "the token is never echoed");
    }
    assert.equal(await countTicks(t.kv), 0);
  } finally {
    svc.close();
    await t.close();
  }
});

Deno.test("ingest rejects a malformed batch with 400 naming the reason, storing nothing", async () => {
  const { t, app, svc } = await setup();
  try {
    // One good tick and one bad: the whole batch is refused.
    const bad = { source: "test", ticks: [tick("402760", 51200), tick("402760", -5)] };
    let res = await post(app, bad);
    assert.equal(res.status, 400);
    let body = await res.json();
    assert.equal(body.errors[0].path, "ticks.1.price");
    res = await post(app, "{not json");
    assert.equal(res.status, 400);
    body = await res.json();
    assert.match(body.detail, /not JSON/);
    res = await post(app, { source: "test", ticks: [{ ...tick("40276", 100) }] });
    assert.equal(res.status, 400);
    assert.match((await res.json()).errors[0].message, /6 characters/);
    res = await post(app, { source: "test", ticks: [] });
    assert.equal(res.status, 400);
    assert.match((await res.json()).detail, /empty/);
    res = await post(app, { source: "test", ticks: [{ ...tick("402760", 100), extra: 1 }] });
    assert.equal(res.status, 400);
    assert.equal(await countTicks(t.kv), 0);
  } finally {
    svc.close();
    await t.close();
  }
});

Deno.test("a good batch writes latest + history atomically; price API prefers the live tick", async () => {
  const { t, app, svc } = await setup();
  try {
    // before any tick: the last KRX close of the sample market, never a made-up price
    let res = await app.request("/api/v1/price/402760");
    const before = await res.json();
    const stored = await (await app.request("/api/v1/market/instruments/402760")).json();
    assert.equal(before.source, "last_close");
    assert.equal(before.price, stored.price.close);
    assert.equal((await (await app.request("/api/v1/price/999999")).json()).source, "none");
    const ticks = Array.from(
      { length: TICK_HISTORY + 5 },
      (_, i) => tick("402760", 51_000 + i * 100),
    );
    res = await post(app, {
      source: "test",
      ticks: [...ticks, tick("0091A0", 12_340, { simulated: false })],
      books: [{
        code: "402760",
        time: ticks[0].time,
        asks: [{ price: 51_100, qty: 5 }],
        bids: [],
        total_ask_qty: 5,
        total_bid_qty: 0,
        simulated: true,
      }],
    });
    assert.equal(res.status, 202);
    const ack = await res.json();
    assert.equal(ack.accepted, TICK_HISTORY + 7);
    const hist = await getTickHistory(t.kv, "402760");
    assert.equal(hist.length, TICK_HISTORY, "history is bounded");
    assert.equal(hist.at(-1)!.price, 51_000 + (TICK_HISTORY + 4) * 100);
    assert.ok(hist.every((h, i) => i === 0 || h.seq > hist[i - 1].seq));
    const latest = (await t.kv.get<Tick>(keys.tickLatest("402760"))).value!;
    assert.equal(latest.price, hist.at(-1)!.price);
    assert.equal((await getLatestBook(t.kv, "402760"))!.asks[0].qty, 5);
    res = await app.request("/api/v1/price/402760");
    let p = await res.json();
    assert.equal(p.source, "simulated");
    assert.equal(p.price, latest.price);
    p = await (await app.request("/api/v1/price/0091A0")).json();
    assert.equal(p.source, "live");
    assert.equal(p.price, 12_340);
    assert.equal((await app.request("/api/v1/price/bad")).status, 400);
  } finally {
    svc.close();
    await t.close();
  }
});

Deno.test("live codes: featured sample codes plus codes viewed through the stream", async () => {
  const { t, app, svc } = await setup();
  try {
    let body = await (await app.request("/api/v1/live/codes")).json();
    assert.ok(body.featured.includes("402760"));
    assert.ok(body.featured.includes("0091A0"));
    assert.ok(!body.codes.includes("111110"));
    const res = await app.request("/api/v1/stream/prices?codes=111110");
    assert.equal(res.status, 200);
    await res.body!.cancel();
    const deadline = Date.now() + 2000;
    do {
      body = await (await app.request("/api/v1/live/codes")).json();
      if (body.viewed.includes("111110")) break;
      await new Promise((r) => setTimeout(r, 20));
    } while (Date.now() < deadline);
    assert.deepEqual(body.viewed, ["111110"]);
    assert.equal(body.codes[0], "111110");
  } finally {
    svc.close();
    await t.close();
  }
});

Deno.test("ingest is disabled (401) when INGEST_TOKEN is not set", async () => {
  const t = await buildTestApp();
  try {
    const res = await post(t.app, { source: "t", ticks: [tick("402760", 1000)] });
    assert.equal(res.status, 401);
    assert.match((await res.json()).detail, /INGEST_TOKEN is not set/);
  } finally {
    await t.close();
  }
});

Deno.test("the live routes describe themselves in OpenAPI", async () => {
  const { OpenAPIHono } = await import("@hono/zod-openapi");
  const { liveRoutes } = await import("../routes/live.ts");
  const t = await buildTestApp();
  const svc = new LiveService(t.kv);
  try {
    const app = new OpenAPIHono();
    app.route("/", liveRoutes({ ...t.deps, live: svc }));
    app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "t", version: "1" } });
    const doc = await (await app.request("/openapi.json")).json();
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      "/api/v1/live/codes",
      "/api/v1/price/{code}",
      "/api/v1/stream/prices",
      "/api/v1/ticks",
    ]);
    assert.ok(doc.components.schemas.IngestBatch);
  } finally {
    svc.close();
    await t.close();
  }
});
