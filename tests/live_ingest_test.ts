/**
 * POST /api/v1/ticks: auth (401), validation (400 with the reason), nothing stored from a
 * rejected batch, atomic latest + history, idempotent batch ids, the price API and the live
 * code list.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { LiveService } from "../lib/live/service.ts";
import type { Tick } from "../lib/live/types.ts";
import { keys } from "../lib/store/keys.ts";
import {
  getIngestBatch,
  getLatestBook,
  getTickHistory,
  INGEST_BATCH_TTL_MS,
  TICK_HISTORY,
} from "../lib/store/ticks.ts";
import { createApp } from "../routes/app.ts";
import { buildTestApp } from "./helpers/app.ts";
import { openApiValidator } from "./helpers/contract.ts";

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
    assert.equal(doc.components.schemas.IngestBatch.properties.batch_id.type, "string");
    const ticks = doc.paths["/api/v1/ticks"].post;
    assert.match(ticks.description, /batch_id/);
    assert.ok(ticks.responses["200"], "the duplicate answer is documented");
  } finally {
    svc.close();
    await t.close();
  }
});

/** Key + versionstamp of every live-price entry: equal snapshots = nothing was written. */
async function liveSnapshot(kv: Deno.Kv): Promise<string[]> {
  const out: string[] = [];
  for (
    const p of ["tick_history", "tick_latest", "book_latest", "tick_feed_head", "ingest_batch"]
  ) {
    for await (const e of kv.list({ prefix: [p] })) {
      out.push(`${JSON.stringify(e.key)}@${e.versionstamp}`);
    }
  }
  return out.sort();
}

Deno.test("the same batch_id twice is stored once; the repeat answers 200 duplicate", async () => {
  const { t, app, svc } = await setup();
  const published: number[] = [];
  const sub = svc.broadcaster.subscribe(["402760"]).getReader();
  const reading = (async () => {
    for (;;) {
      const { value, done } = await sub.read();
      if (done) return;
      for (const m of new TextDecoder().decode(value).matchAll(/^data: (.*)$/gm)) {
        published.push(JSON.parse(m[1]).price);
      }
    }
  })();
  try {
    const batch = {
      source: "test",
      batch_id: "5f0c2a1e-3b7d-4c59-9a43-0d1e2f3a4b5c",
      ticks: [tick("402760", 51_200), tick("402760", 51_300)],
    };
    const validate = await openApiValidator(app);
    let res = await post(app, batch);
    assert.equal(res.status, 202);
    const first = await res.json();
    validate("post", "/api/v1/ticks", 202, first);
    assert.deepEqual(first, {
      accepted: 2,
      ticks: 2,
      books: 0,
      last_seq: first.last_seq,
      duplicate: false,
    });
    const before = await liveSnapshot(t.kv);
    assert.deepEqual(await getIngestBatch(t.kv, batch.batch_id), {
      last_seq: first.last_seq,
      ticks: 2,
      books: 0,
      at: (await getIngestBatch(t.kv, batch.batch_id))!.at,
    });

    // The retry (the response was lost): 200, nothing accepted, nothing written or sent.
    res = await post(app, batch);
    assert.equal(res.status, 200);
    const dup = await res.json();
    validate("post", "/api/v1/ticks", 200, dup);
    assert.deepEqual(dup, {
      accepted: 0,
      ticks: 0,
      books: 0,
      last_seq: first.last_seq,
      duplicate: true,
    });
    assert.deepEqual(await liveSnapshot(t.kv), before, "the duplicate wrote nothing");
    assert.deepEqual((await getTickHistory(t.kv, "402760")).map((h) => h.price), [51_200, 51_300]);

    // A different batch id with the same content is a new batch.
    res = await post(app, { ...batch, batch_id: "another_batch-0002" });
    assert.equal(res.status, 202);
    const third = await res.json();
    assert.equal(third.accepted, 2);
    assert.equal(third.duplicate, false);
    assert.ok(third.last_seq > first.last_seq);
    assert.equal((await getTickHistory(t.kv, "402760")).length, 4);

    // The broadcast carried each stored tick once.
    const deadline = Date.now() + 2000;
    while (published.length < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(published, [51_200, 51_300, 51_200, 51_300]);
  } finally {
    await sub.cancel();
    await reading;
    svc.close();
    await t.close();
  }
});

Deno.test("batches without batch_id are stored every time (older bridges)", async () => {
  const { t, app, svc } = await setup();
  try {
    const batch = { source: "test", ticks: [tick("402760", 51_200)] };
    for (let i = 0; i < 2; i++) {
      const res = await post(app, batch);
      assert.equal(res.status, 202);
      const body = await res.json();
      assert.equal(body.accepted, 1);
      assert.equal(body.duplicate, false);
    }
    assert.equal((await getTickHistory(t.kv, "402760")).length, 2);
    let ids = 0;
    for await (const _ of t.kv.list({ prefix: ["ingest_batch"] })) ids++;
    assert.equal(ids, 0, "no id recorded");
  } finally {
    svc.close();
    await t.close();
  }
});

Deno.test("two concurrent deliveries of one batch store it exactly once", async () => {
  const { t, app, svc } = await setup();
  // A second kdesk process on the same KV: its own service, sequence and serialization.
  const svc2 = new LiveService(t.kv);
  const app2 = createApp({ ...t.deps, live: svc2 });
  try {
    for (let round = 0; round < 5; round++) {
      const batch = {
        source: "test",
        batch_id: `concurrent-${round}-abcdef`,
        ticks: [tick("402760", 50_000 + round * 100), tick("0091A0", 9_000 + round * 10)],
      };
      // Same process twice (serialized ingest) and two processes (a real race on KV).
      const [a, b] = round % 2 === 0
        ? [post(app, batch), post(app, batch)]
        : [post(app, batch), post(app2, batch)];
      const answers = await Promise.all([a, b].map(async (p) => {
        const r = await p;
        return { status: r.status, body: await r.json() };
      }));
      assert.deepEqual(answers.map((x) => x.status).sort(), [200, 202], `round ${round}`);
      assert.equal(answers.reduce((n, x) => n + x.body.accepted, 0), 2, "accepted once");
      assert.deepEqual(answers.map((x) => x.body.duplicate).sort(), [false, true]);
      const stored = answers.find((x) => x.status === 202)!.body;
      const dup = answers.find((x) => x.status === 200)!.body;
      assert.equal(dup.last_seq, stored.last_seq, "the duplicate names the stored batch");
      const rec = await getIngestBatch(t.kv, batch.batch_id);
      assert.equal(rec?.last_seq, stored.last_seq);
    }
    const hist = await getTickHistory(t.kv, "402760");
    assert.deepEqual(hist.map((h) => h.price), [50_000, 50_100, 50_200, 50_300, 50_400]);
  } finally {
    svc2.close();
    svc.close();
    await t.close();
  }
});

Deno.test("the batch id is written in the tick commit, checked absent, expiring in 15 minutes", async () => {
  const { t, app, svc } = await setup();
  // Spy on the atomic operations the ingest builds (the real ones still run).
  type Call = { op: number; kind: "set" | "check"; key: Deno.KvKey; opts?: unknown };
  const calls: Call[] = [];
  const atomic = t.kv.atomic.bind(t.kv);
  let ops = 0;
  t.kv.atomic = () => {
    const op = atomic();
    const id = ++ops;
    const set = op.set.bind(op);
    const check = op.check.bind(op);
    op.set = (key, value, opts) => {
      calls.push({ op: id, kind: "set", key, opts });
      return set(key, value, opts);
    };
    op.check = (...checks) => {
      for (const c of checks) calls.push({ op: id, kind: "check", key: c.key, opts: c });
      return check(...checks);
    };
    return op;
  };
  try {
    const res = await post(app, {
      source: "test",
      batch_id: "spy-batch-0001",
      ticks: [tick("402760", 51_200)],
    });
    assert.equal(res.status, 202);
    const idKey = JSON.stringify(["ingest_batch", "spy-batch-0001"]);
    const idSet = calls.find((c) => c.kind === "set" && JSON.stringify(c.key) === idKey)!;
    assert.ok(idSet, "the id was recorded");
    assert.deepEqual(idSet.opts, { expireIn: INGEST_BATCH_TTL_MS });
    assert.equal(INGEST_BATCH_TTL_MS, 15 * 60_000);
    const sameOp = calls.filter((c) => c.op === idSet.op).map((c) => c.key[0]);
    assert.ok(sameOp.includes("tick_history") && sameOp.includes("tick_latest"), "same atomic");
    const chk = calls.find((c) => c.kind === "check" && JSON.stringify(c.key) === idKey)!;
    assert.equal(chk.op, idSet.op);
    assert.equal((chk.opts as Deno.AtomicCheck).versionstamp, null);
  } finally {
    svc.close();
    await t.close();
  }
});

Deno.test("batch_id is validated; a rejected batch does not record its id", async () => {
  const { t, app, svc } = await setup();
  try {
    for (const bad of ["short", "has space 123", "x".repeat(65), "emoji-😀-batch", 12345678]) {
      const res = await post(app, { source: "test", batch_id: bad, ticks: [tick("402760", 1000)] });
      assert.equal(res.status, 400, String(bad));
      assert.equal((await res.json()).errors[0].path, "batch_id");
    }
    const id = "retry-after-fix_01";
    let res = await post(app, { source: "test", batch_id: id, ticks: [tick("402760", -1)] });
    assert.equal(res.status, 400);
    assert.equal(await getIngestBatch(t.kv, id), null);
    res = await post(app, { source: "test", batch_id: id, ticks: [tick("402760", 1000)] });
    assert.equal(res.status, 202);
    assert.equal(await countTicks(t.kv), 2);
  } finally {
    svc.close();
    await t.close();
  }
});
