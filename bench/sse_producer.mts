/**
 * Producer for bench/sse_latency.ts, run by the bridge's tsx: the bridge's real HttpSink
 * (batching, bearer token, one request in flight) posting `rate` ticks/s round-robin over
 * the codes until `totalTicks` were sent. tick.time = Date.now() at creation (the latency origin) and
 * cum_volume counts 1, 2, 3, … per code (the loss/reorder check).
 *
 * Usage: tsx bench/sse_producer.mts <kdeskUrl> <codes,comma> <rate> <totalTicks>
 * Token from INGEST_TOKEN.
 */
import { HttpSink } from "../bridge/src/sink.ts";
import type { Tick } from "../lib/live/types.ts";

const [url, codesStr, rateStr, totalStr] = process.argv.slice(2);
const codes = codesStr.split(",");
const rate = Number(rateStr);
const total = Number(totalStr);
const sink = new HttpSink({
  url,
  token: process.env.INGEST_TOKEN!,
  source: "bench",
  flushMs: 20,
});
const count = new Map(codes.map((c) => [c, 0]));
let sent = 0;
const t0 = Date.now();
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * rate));
    while (sent < due) {
      const code = codes[sent % codes.length];
      const n = count.get(code)! + 1;
      count.set(code, n);
      const price = 50_000 + (n % 50) * 100;
      const tick: Tick = {
        code,
        price,
        change: price - 50_000,
        change_rate: 0,
        volume: 1,
        cum_volume: n,
        time: Date.now(),
        side: "buy",
        best_bid: price - 100,
        best_ask: price,
        open: 50_000,
        high: 55_000,
        low: 50_000,
        simulated: true,
      };
      sink.push([tick], []);
      sent++;
    }
    if (sent >= total) {
      clearInterval(timer);
      resolve();
    }
  }, 2);
});
await sink.close();
process.stdout.write(JSON.stringify({ ticks: sent, ...sink.stats }) + "\n");
