/**
 * HTTP sink idempotency: a batch kdesk stored but whose answer was lost (dropped
 * connection, timeout) is retried unchanged with the same `batch_id`, and the next batch
 * gets a new one. The fake kdesk stores by batch id the way kdesk does.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { test } from "node:test";
import type { IngestBatch, Tick } from "../../lib/live/types.ts";
import { configureLog } from "../src/log.ts";
import { HttpSink } from "../src/sink.ts";
import { until } from "./fake_kiwoom.ts";

const lines: string[] = [];
configureLog({ level: "debug", sink: (l) => lines.push(l) });

type Body = IngestBatch & { batch_id?: string };
/** What the fake does with the n-th request (after storing it). */
type Fault = "drop" | "hang" | "ok";

/** A fake kdesk ingest: stores each batch id once, like POST /api/v1/ticks. */
async function fakeKdesk(faults: Fault[]) {
  const requests: Body[] = [];
  const stored = new Map<string, Body>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const b = JSON.parse(text) as Body;
      requests.push(b);
      const duplicate = b.batch_id !== undefined && stored.has(b.batch_id);
      if (!duplicate) stored.set(b.batch_id ?? `anon-${requests.length}`, b);
      const fault = faults.shift() ?? "ok";
      if (fault === "drop") {
        req.socket.destroy(); // stored, but the answer never arrives
        return;
      }
      if (fault === "hang") return; // stored, answer never sent: the client times out
      const n = duplicate ? 0 : b.ticks.length + b.books.length;
      res.statusCode = duplicate ? 200 : 202;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ accepted: n, ticks: n, books: 0, last_seq: 1, duplicate }));
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stored,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const mk = (price: number): Tick => ({
  code: "402760",
  price,
  change: 0,
  change_rate: 0,
  volume: 1,
  cum_volume: price,
  time: Date.now(),
  side: null,
  best_bid: null,
  best_ask: null,
  open: null,
  high: null,
  low: null,
  simulated: true,
});

/** kdesk's rule for batch ids (lib/live/schemas.ts BATCH_ID_RE). */
const BATCH_ID_RE = /^[A-Za-z0-9_-]{8,64}$/;

test("a batch stored but unanswered (dropped, then timed out) is retried with the same batch_id; the next batch gets a new one", async () => {
  const kdesk = await fakeKdesk(["drop", "hang", "ok", "ok"]);
  const sink = new HttpSink({
    url: kdesk.url,
    token: "ingest-secret-xyz",
    source: "test",
    flushMs: 5,
    timeoutMs: 300,
  });
  try {
    sink.push([mk(1000), mk(1001), mk(1002)], []);
    await until(() => kdesk.requests.length >= 1, 5000, "first attempt");
    // Events arriving while the batch is failing must not join (or change) it.
    sink.push([mk(2000), mk(2001)], []);
    await until(() => kdesk.requests.length >= 4, 10_000, "retries and the next batch");
    const [first, second, third, next] = kdesk.requests;
    assert.ok(first.batch_id && BATCH_ID_RE.test(first.batch_id), `id ${first.batch_id}`);
    assert.equal(second.batch_id, first.batch_id, "same id after the dropped connection");
    assert.equal(third.batch_id, first.batch_id, "same id after the timeout");
    assert.deepEqual(second, first, "the retry is the same batch");
    assert.deepEqual(third, first);
    assert.deepEqual(first.ticks.map((t) => t.price), [1000, 1001, 1002]);
    assert.ok(next.batch_id && BATCH_ID_RE.test(next.batch_id));
    assert.notEqual(next.batch_id, first.batch_id, "a new batch gets a new id");
    assert.deepEqual(next.ticks.map((t) => t.price), [2000, 2001]);
    // Stored once each, in order, although the first batch arrived three times.
    assert.equal(kdesk.stored.size, 2);
    assert.deepEqual(
      [...kdesk.stored.values()].flatMap((b) => b.ticks.map((t) => t.price)),
      [1000, 1001, 1002, 2000, 2001],
    );
    await until(() => sink.stats.sent === 5, 2000, "stats");
    assert.equal(sink.stats.duplicates, 1, "the third attempt was answered as a duplicate");
    assert.ok(
      lines.some((l) => l.includes("kdesk already had this batch")),
      "duplicate logged",
    );
    assert.ok(!lines.join("\n").includes("ingest-secret-xyz"), "token masked");
  } finally {
    await sink.close();
    await kdesk.close();
  }
});

test("every batch gets its own id; close() sends the last one once", async () => {
  const kdesk = await fakeKdesk([]);
  const sink = new HttpSink({
    url: kdesk.url,
    token: "ingest-secret-xyz",
    source: "test",
    flushMs: 5,
    maxBatch: 2,
  });
  try {
    for (let i = 0; i < 7; i++) sink.push([mk(3000 + i)], []);
    await sink.close();
    await until(() => kdesk.stored.size === 4, 5000, "four batches");
    const ids = kdesk.requests.map((b) => b.batch_id);
    assert.equal(new Set(ids).size, ids.length, "ids are unique");
    assert.ok(ids.every((id) => id && BATCH_ID_RE.test(id)));
    assert.deepEqual(
      kdesk.requests.flatMap((b) => b.ticks.map((t) => t.price)),
      [3000, 3001, 3002, 3003, 3004, 3005, 3006],
    );
  } finally {
    await kdesk.close();
  }
});
