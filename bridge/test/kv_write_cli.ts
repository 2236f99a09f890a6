/**
 * Test helper run by kdesk's Deno tests (tests/live_kv_connect_test.ts): writes `n` ticks
 * of one code through the real KvSink into the KV at `path`, then exits.
 *
 * Usage: tsx bridge/test/kv_write_cli.ts <path> <code> <n> <firstPrice>
 */
import { KvSink } from "../src/kv_sink.ts";
import { configureLog } from "../src/log.ts";

configureLog({ sink: () => {} });
const [path, code, nStr, firstStr] = process.argv.slice(2);
const sink = await KvSink.open(path, { flushMs: 1 });
for (let i = 0; i < Number(nStr); i++) {
  const price = Number(firstStr) + i * 10;
  sink.push([{
    code,
    price,
    change: 0,
    change_rate: 0,
    volume: 1,
    cum_volume: i + 1,
    time: Date.now(),
    side: "buy",
    best_bid: null,
    best_ask: null,
    open: null,
    high: null,
    low: null,
    simulated: false,
  }], []);
}
await sink.close();
process.stdout.write(JSON.stringify(sink.stats) + "\n");
