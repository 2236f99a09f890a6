/**
 * Simulator (grid, limits, sessions) and the HTTP sink (bearer, batching, order, retry,
 * rejected batches) against a tiny ingest server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import type { IngestBatch, OrderBook, Tick } from "../../lib/live/types.ts";
import { onGrid, priceLimits } from "../../lib/market/tick_size.ts";
import { kstTime, normalizeCode, parseReal } from "../src/fids.ts";
import { configureLog } from "../src/log.ts";
import { HttpSink } from "../src/sink.ts";
import { simulatedBase, Simulator } from "../src/simulator.ts";
import { fetchCodes } from "../src/codes.ts";
import { sampleClock } from "../../lib/time/clock.ts";
import { until } from "./fake_kiwoom.ts";
import { rng, ticksBetween } from "./prices.ts";

configureLog({ sink: () => {} });

test("simulated prices stay on the KRX grid and inside ±30 % of the base", () => {
  const sim = new Simulator({
    ticksPerSec: 1,
    onTicks: () => {},
    onBooks: () => {},
    random: rng(7),
  });
  for (const code of ["402760", "0091A0", "005930", "000001"]) {
    const base = simulatedBase(code);
    assert.ok(onGrid(base), `base ${base} on grid`);
    const { upper, lower } = priceLimits(base);
    const prices = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const { tick, book } = sim.step(code);
      assert.ok(onGrid(tick.price), `${tick.price} on grid`);
      assert.ok(tick.price <= upper && tick.price >= lower);
      assert.equal(tick.change, tick.price - base);
      assert.equal(tick.simulated, true);
      assert.ok(
        tick.best_bid! < tick.best_ask! || tick.best_bid === lower ||
          tick.best_ask === upper,
      );
      if (book) {
        for (const l of [...book.asks, ...book.bids]) {
          assert.ok(onGrid(l.price));
        }
        assert.ok(
          book.asks.every((l, i) => i === 0 || l.price > book.asks[i - 1].price),
        );
        assert.ok(
          book.bids.every((l, i) => i === 0 || l.price < book.bids[i - 1].price),
        );
      }
      prices.add(tick.price);
    }
    assert.ok(prices.size > 10, "the price moves");
  }
});

test("with closes, each code starts at its last close and moves by ticks within ±30 %", () => {
  const closes = { "402760": 40_850, "0091A0": 2_000, "005930": 199_900, "000660": 512_000 };
  for (let seed = 1; seed <= 20; seed++) {
    const sim = new Simulator({
      ticksPerSec: 1,
      onTicks: () => {},
      onBooks: () => {},
      random: rng(seed),
    });
    sim.setCodes([...Object.keys(closes), "123456"], closes);
    for (const [code, close] of Object.entries(closes)) {
      assert.equal(sim.base(code), close);
      const { upper, lower } = priceLimits(close);
      const first = sim.step(code).tick;
      // at most two grid steps away from the close
      assert.ok(
        ticksBetween(first.price, close) <= 2,
        `${code} first ${first.price} vs close ${close}`,
      );
      assert.equal(first.change, first.price - close);
      for (let i = 0; i < 2000; i++) {
        const { tick } = sim.step(code);
        assert.ok(onGrid(tick.price), `${tick.price} on grid`);
        assert.ok(tick.price >= lower && tick.price <= upper, `${tick.price} in limits`);
        assert.equal(tick.change, tick.price - close);
      }
    }
  }
});

test("a new close (a new trading day) restarts the code from it", () => {
  const sim = new Simulator({
    ticksPerSec: 1,
    onTicks: () => {},
    onBooks: () => {},
    random: rng(3),
  });
  sim.setCodes(["402760", "123456"], { "402760": 40_850 });
  for (let i = 0; i < 50; i++) sim.step("402760");
  sim.setCodes(["402760", "123456"], { "402760": 41_000 });
  const t = sim.step("402760").tick;
  assert.ok(Math.abs(t.price - 41_000) <= 100, `restarted at the new close: ${t.price}`);
  assert.equal(t.cum_volume, t.volume, "a fresh day");
});

test("with closes, only the codes that have one tick", async () => {
  const got: Tick[] = [];
  const sim = new Simulator({
    ticksPerSec: 2000,
    ignoreSessions: true,
    onTicks: (t) => got.push(...t),
    onBooks: () => {},
  });
  sim.setCodes(["402760", "123456"], { "402760": 40_850 });
  sim.start(5);
  await new Promise((r) => setTimeout(r, 100));
  sim.stop();
  assert.ok(got.length > 20, `ticks: ${got.length}`);
  assert.ok(got.every((x) => x.code === "402760"), "123456 has no close and never ticks");
});

test("the simulator trades only in sessions unless told to ignore them", () => {
  const sat = Date.parse("2026-11-21T03:00:00Z"); // Saturday 12:00 KST
  const tue = Date.parse("2026-11-24T02:00:00Z"); // Tuesday 11:00 KST
  const mk = (now: number, ignoreSessions?: boolean) =>
    new Simulator({
      ticksPerSec: 1,
      onTicks: () => {},
      onBooks: () => {},
      now: () => now,
      ignoreSessions,
    });
  assert.equal(mk(sat).active(), false);
  assert.equal(mk(tue).active(), true);
  assert.equal(mk(sat, true).active(), true);
});

test("on kdesk's sample clock the simulator trades at any wall-clock hour", () => {
  const sat = Date.parse("2026-11-21T12:00:00Z"); // Saturday 21:00 KST
  const clock = sampleClock("2026-11-20", () => sat);
  const sim = new Simulator({
    ticksPerSec: 1,
    onTicks: () => {},
    onBooks: () => {},
    now: () => clock.now().getTime(),
  });
  assert.equal(sim.active(), true);
  sim.setCodes(["402760"], { "402760": 40_850 });
  const t = sim.step("402760").tick;
  // stamped on the sample's day, in its session
  assert.equal(new Date(t.time + 9 * 3600_000).toISOString().slice(0, 10), "2026-11-20");
});

test("fetchCodes reads the codes and their last closes from kdesk", async () => {
  const fake = (() =>
    Promise.resolve(
      new Response(
        JSON.stringify({
          codes: ["402760", "0091A0", "bad"],
          closes: { "402760": 40_850, "0091A0": -1, "xx": 5 },
        }),
      ),
    )) as unknown as typeof fetch;
  const r = await fetchCodes("http://kdesk.invalid", fake);
  assert.deepEqual(r, { codes: ["402760", "0091A0"], closes: { "402760": 40_850 } });
});

test("the simulator emits at the configured rate", async () => {
  const got: Tick[] = [];
  const sim = new Simulator({
    ticksPerSec: 200,
    ignoreSessions: true,
    onTicks: (t) => got.push(...t),
    onBooks: () => {},
  });
  sim.setCodes(["402760", "0091A0"]);
  sim.start(5);
  await new Promise((r) => setTimeout(r, 500));
  sim.stop();
  assert.ok(
    got.length >= 60 && got.length <= 140,
    `~100 ticks in 0.5 s, got ${got.length}`,
  );
});

test("fids helpers: codes, KST times, unknown types ignored", () => {
  assert.equal(normalizeCode("A005930"), "005930");
  assert.equal(normalizeCode("0091A0_AL"), "0091A0");
  const now = Date.parse("2026-11-23T15:00:30Z"); // 00:00:30 KST on the 24th
  assert.equal(
    new Date(kstTime("235959", now)).toISOString(),
    "2026-11-23T14:59:59.000Z",
  );
  const r = parseReal({
    data: [{ type: "0J", item: "001", values: { "10": "-1762.61" } }, {
      type: "0B",
      item: "005930",
      values: { "10": "" },
    }],
  });
  assert.equal(r.ticks.length, 0);
  assert.equal(r.ignored, 2);
});

test("HTTP sink: bearer token, batches in order, retries a 503, drops a 400", async () => {
  const received: IngestBatch[] = [];
  let fail503 = 1;
  let auths = new Set<string>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      auths.add(String(req.headers.authorization));
      const b = JSON.parse(body) as IngestBatch;
      if (fail503-- > 0) {
        res.statusCode = 503;
        return res.end("{}");
      }
      if (b.ticks.some((t) => t.code === "BADBAD")) {
        res.statusCode = 400;
        return res.end('{"detail":"bad code"}');
      }
      received.push(b);
      res.statusCode = 202;
      res.end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sink = new HttpSink({
    url,
    token: "ingest-secret-xyz",
    source: "test",
    flushMs: 5,
    maxBatch: 50,
  });
  const mk = (i: number, code = "402760"): Tick => ({
    code,
    price: 1000 + i,
    change: 0,
    change_rate: 0,
    volume: 1,
    cum_volume: i,
    time: Date.now(),
    side: null,
    best_bid: null,
    best_ask: null,
    open: null,
    high: null,
    low: null,
    simulated: true,
  });
  for (let i = 0; i < 120; i++) sink.push([mk(i)], []);
  const book: OrderBook = {
    code: "402760",
    time: Date.now(),
    asks: [],
    bids: [],
    total_ask_qty: 0,
    total_bid_qty: 0,
    simulated: true,
  };
  sink.push([], [book]);
  await until(
    () => received.reduce((n, b) => n + b.ticks.length + b.books.length, 0) === 121,
    10_000,
    "all sent",
  );
  const prices = received.flatMap((b) => b.ticks.map((t) => t.price));
  assert.deepEqual(
    prices,
    Array.from({ length: 120 }, (_, i) => 1000 + i),
    "order kept across the retry",
  );
  assert.ok(received.every((b) => b.ticks.length + b.books.length <= 50));
  assert.deepEqual([...auths], ["Bearer ingest-secret-xyz"]);
  sink.push([mk(0, "BADBAD")], []);
  await until(() => sink.stats.rejected === 1, 5000, "rejection");
  sink.push([mk(500)], []);
  await until(
    () => received.at(-1)!.ticks[0]?.price === 1500,
    5000,
    "after rejection",
  );
  for (let i = 0; i < 30; i++) sink.push([mk(2000 + i)], []);
  await sink.close();
  const all = received.flatMap((b) => b.ticks.map((t) => t.price));
  assert.equal(
    all.length,
    new Set(all).size,
    "nothing sent twice (close drains sequentially)",
  );
  assert.equal(
    all.filter((p) => p >= 2000).length,
    30,
    "close sends what was buffered",
  );
  await new Promise<void>((r) => server.close(() => r()));
  auths = new Set();
});
