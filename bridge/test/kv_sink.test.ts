/**
 * The KV Connect sink's storage layout, checked with @deno/kv on a local sqlite file (the
 * same client and code path as a remote KV Connect URL): JSON-bytes values under kdesk's
 * keys, a bounded history ring, the latest tick with its count, and the feed head.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openKv } from "@deno/kv";
import type { Tick } from "../../lib/live/types.ts";
import { TICK_HISTORY } from "../../lib/store/ticks.ts";
import { KV_TICK_HISTORY, KvSink } from "../src/kv_sink.ts";
import { configureLog } from "../src/log.ts";

configureLog({ sink: () => {} });
const dec = new TextDecoder();

const tick = (code: string, price: number): Tick => ({
  code,
  price,
  change: 0,
  change_rate: 0,
  volume: 1,
  cum_volume: price,
  time: Date.now(),
  side: "buy",
  best_bid: null,
  best_ask: null,
  open: null,
  high: null,
  low: null,
  simulated: false,
});

test("KV sink writes kdesk's layout as JSON bytes", async () => {
  assert.equal(KV_TICK_HISTORY, TICK_HISTORY, "same history length as kdesk");
  const dir = mkdtempSync(join(tmpdir(), "kdesk-kvsink-"));
  const path = join(dir, "kv.sqlite");
  try {
    const sink = await KvSink.open(path, { flushMs: 5 });
    for (let i = 0; i < 60; i++) sink.push([tick("402760", 1000 + i)], []);
    sink.push([tick("0091A0", 5000)], [{
      code: "0091A0",
      time: Date.now(),
      asks: [{ price: 5010, qty: 3 }],
      bids: [],
      total_ask_qty: 3,
      total_bid_qty: 0,
      simulated: false,
    }]);
    await sink.close();
    const kv = await openKv(path);
    const latest = (await kv.get(["tick_latest", "402760"])).value;
    assert.ok(latest instanceof Uint8Array, "values are bytes");
    const rec = JSON.parse(dec.decode(latest as Uint8Array));
    assert.equal(rec.price, 1059);
    assert.equal(rec.n, 60);
    const hist = [];
    for await (const e of kv.list({ prefix: ["tick_history", "402760"] })) {
      hist.push(JSON.parse(dec.decode(e.value as Uint8Array)));
    }
    assert.equal(hist.length, TICK_HISTORY);
    hist.sort((a, b) => a.seq - b.seq);
    assert.equal(hist.at(-1).price, 1059);
    assert.equal(hist[0].price, 1010);
    const head = JSON.parse(dec.decode((await kv.get(["tick_feed_head"])).value as Uint8Array));
    assert.equal(head.writer, "bridge-kv");
    const book = JSON.parse(
      dec.decode((await kv.get(["book_latest", "0091A0"])).value as Uint8Array),
    );
    assert.equal(book.asks[0].price, 5010);
    assert.equal(head.seq, book.seq, "the head is the last sequence written");
    kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
