/**
 * GET /api/v1/stream/prices over a real socket on 127.0.0.1: current value on connect,
 * per-code filtering, ordered ids, Last-Event-ID resume without gaps or repeats,
 * heartbeat comments, 400 for bad codes, and the shared broadcaster's fan-out.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { LiveService } from "../lib/live/service.ts";
import { type SseMessage, SseParser } from "../lib/live/sse_parse.ts";
import type { StoredTick, Tick } from "../lib/live/types.ts";
import { createApp } from "../routes/app.ts";
import { buildTestApp } from "./helpers/app.ts";

const TOKEN = "sse-test-token-abcdef";

function tick(code: string, price: number): Tick {
  return {
    code,
    price,
    change: 0,
    change_rate: 0,
    volume: 1,
    cum_volume: 1,
    time: Date.now(),
    side: null,
    best_bid: null,
    best_ask: null,
    open: null,
    high: null,
    low: null,
    simulated: true,
  };
}

async function serve(heartbeatMs = 0) {
  const config = {
    ...loadConfig({ KDESK_SAMPLE: "on", KDESK_KV_PATH: ":memory:" }),
    INGEST_TOKEN: TOKEN,
  };
  const t = await buildTestApp({ deps: { config } });
  const live = new LiveService(t.kv, { heartbeatMs });
  const app = createApp({ ...t.deps, live });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  const url = `http://127.0.0.1:${server.addr.port}`;
  const ingest = async (ticks: Tick[]) => {
    const res = await fetch(`${url}/api/v1/ticks`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ source: "test", ticks }),
    });
    assert.equal(res.status, 202, await res.text());
  };
  return {
    url,
    live,
    ingest,
    close: async () => {
      live.close();
      await server.shutdown();
      await t.close();
    },
  };
}

/** Opens a stream and collects messages until `n` arrived. */
async function open(url: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  const parser = new SseParser();
  const msgs: SseMessage[] = [];
  const reader = res.body!.getReader();
  const pump = (async () => {
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        msgs.push(...parser.push(value));
      }
    } catch { /* aborted */ }
  })();
  return {
    res,
    msgs,
    parser,
    async waitFor(n: number, ms = 3000) {
      const end = Date.now() + ms;
      while (msgs.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      assert.ok(msgs.length >= n, `expected ${n} messages, got ${msgs.length}`);
    },
    async close() {
      ac.abort();
      await pump;
    },
  };
}

Deno.test("SSE: current value on connect, filtered ordered ticks, ids, resume", async () => {
  const s = await serve();
  try {
    await s.ingest([tick("402760", 50_000)]);
    const a = await open(`${s.url}/api/v1/stream/prices?codes=402760,0091A0`);
    assert.equal(a.res.status, 200);
    assert.match(a.res.headers.get("content-type")!, /text\/event-stream/);
    await a.waitFor(1);
    const first = JSON.parse(a.msgs[0].data) as StoredTick;
    assert.equal(a.msgs[0].event, "tick");
    assert.equal(first.price, 50_000, "the current value is sent on connect");
    assert.equal(a.msgs[0].id, String(first.seq));

    await s.ingest([tick("402760", 50_100), tick("005930", 70_000), tick("0091A0", 9_000)]);
    await s.ingest([tick("402760", 50_200)]);
    await a.waitFor(4);
    const got = a.msgs.map((m) => JSON.parse(m.data) as StoredTick);
    assert.deepEqual(
      got.map((t) => t.code),
      ["402760", "402760", "0091A0", "402760"],
      "005930 filtered out",
    );
    const ids = a.msgs.map((m) => Number(m.id));
    assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), "ids increase");

    // Resume: a client that saw up to the 2nd event gets exactly the rest.
    const b = await open(`${s.url}/api/v1/stream/prices?codes=402760,0091A0`, {
      "last-event-id": a.msgs[1].id!,
    });
    await b.waitFor(2);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(b.msgs.map((m) => m.id), a.msgs.slice(2).map((m) => m.id));
    await a.close();
    await b.close();
  } finally {
    await s.close();
  }
});

Deno.test("SSE: heartbeat comments and 400 for bad code lists", async () => {
  const s = await serve(50);
  try {
    const a = await open(`${s.url}/api/v1/stream/prices?codes=402760`);
    await new Promise((r) => setTimeout(r, 220));
    assert.ok(a.parser.comments >= 2, `heartbeats seen: ${a.parser.comments}`);
    await a.close();
    for (
      const q of [
        "",
        "codes=",
        "codes=12345",
        `codes=${Array.from({ length: 51 }, (_, i) => String(100000 + i)).join(",")}`,
      ]
    ) {
      const res = await fetch(`${s.url}/api/v1/stream/prices?${q}`);
      assert.equal(res.status, 400, q);
      assert.match(res.headers.get("content-type")!, /problem\+json/);
      await res.body?.cancel();
    }
  } finally {
    await s.close();
  }
});

Deno.test("SSE: 200 clients each get every event of their code once, in order", async () => {
  const s = await serve();
  try {
    const clients = await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) => open(`${s.url}/api/v1/stream/prices?codes=${i % 2 ? "402760" : "0091A0"}`),
      ),
    );
    assert.equal(s.live.broadcaster.stats().clients, 200);
    for (let i = 0; i < 20; i++) {
      await s.ingest([tick("402760", 50_000 + i * 100), tick("0091A0", 9_000 + i * 10)]);
    }
    await Promise.all(clients.map((c) => c.waitFor(20, 5000)));
    for (const [i, c] of clients.entries()) {
      const prices = c.msgs.map((m) => (JSON.parse(m.data) as StoredTick).price);
      const want = Array.from({ length: 20 }, (_, k) => i % 2 ? 50_000 + k * 100 : 9_000 + k * 10);
      assert.deepEqual(prices, want);
    }
    await Promise.all(clients.map((c) => c.close()));
    const end = Date.now() + 2000;
    while (s.live.broadcaster.stats().clients > 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(s.live.broadcaster.stats().clients, 0, "disconnected clients are removed");
  } finally {
    await s.close();
  }
});

Deno.test("KV poll fallback: ticks written by another process reach this one's clients", async () => {
  const kv = await Deno.openKv(":memory:");
  const writer = new LiveService(kv); // "the other process"
  const reader = new LiveService(kv);
  try {
    reader.startKvPoll(20);
    const body = reader.broadcaster.subscribe(["402760"]);
    const r = body.getReader();
    const parser = new SseParser();
    await writer.ingest({ source: "t", ticks: [tick("402760", 61_000)], books: [] });
    const got: SseMessage[] = [];
    const end = Date.now() + 3000;
    while (got.length === 0 && Date.now() < end) {
      const { value } = await r.read();
      if (value) got.push(...parser.push(value));
    }
    assert.equal(got[0].event, "tick");
    assert.equal((JSON.parse(got[0].data) as StoredTick).price, 61_000);
    await r.cancel();
  } finally {
    writer.close();
    reader.close();
    kv.close();
  }
});

Deno.test("resume beyond the ring or after a restart: current values newer than the id only", async () => {
  const { Broadcaster } = await import("../lib/live/broadcaster.ts");
  const stored = (code: string, price: number, seq: number): StoredTick => ({
    ...tick(code, price),
    seq,
    received_at: 0,
  });
  const firstEvents = async (body: ReadableStream<Uint8Array>) => {
    const r = body.getReader();
    const p = new SseParser();
    const msgs: SseMessage[] = [];
    // Everything sent on connect is queued synchronously; stop when nothing more comes.
    while (true) {
      const next = await Promise.race([
        r.read(),
        new Promise<null>((res) => setTimeout(() => res(null), 30)),
      ]);
      if (!next || next.done) break;
      msgs.push(...p.push(next.value));
    }
    await r.cancel();
    return msgs.map((m) => Number(m.id));
  };
  // A restarted process: nothing in the ring, the stored value from KV.
  const fresh = new Broadcaster({ heartbeatMs: 0 });
  fresh.seed(stored("402760", 50_000, 100), null);
  assert.deepEqual(await firstEvents(fresh.subscribe(["402760"], 100)), []);
  assert.deepEqual(await firstEvents(fresh.subscribe(["402760"], 99)), [100]);
  fresh.close();
  // Ring of 3: a client that last saw seq 1 of 6 missed more than the ring holds.
  const small = new Broadcaster({ ringSize: 3, heartbeatMs: 0 });
  for (let i = 1; i <= 6; i++) small.publishTick(stored(i % 2 ? "402760" : "0091A0", 1000 + i, i));
  assert.deepEqual(await firstEvents(small.subscribe(["402760", "0091A0"], 1)), [5, 6]);
  // Within the ring: exactly the missed events.
  assert.deepEqual(await firstEvents(small.subscribe(["402760", "0091A0"], 4)), [5, 6]);
  assert.deepEqual(await firstEvents(small.subscribe(["402760"], 4)), [5]);
  small.close();
});
