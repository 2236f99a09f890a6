// deno-lint-ignore-file no-console
/**
 * Live-price latency: bridge (HttpSink) → POST /api/v1/ticks → KV (file sqlite, atomic
 * latest + history) → in-process broadcaster → SSE → N Node clients, all on 127.0.0.1.
 * Every client follows every code, so each tick is delivered N times.
 *
 * Run: deno run -A bench/sse_latency.ts [clients=1000] [seconds=30] [rate=100] [file|memory]
 * Prints one JSON line: latency percentiles, lost/reordered per code, server RSS.
 */
import { loadConfig } from "../config.ts";
import { LiveService } from "../lib/live/service.ts";
import { openKv } from "../lib/store/kv.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { createApp } from "../routes/app.ts";

const clients = Number(Deno.args[0] ?? 1000);
const seconds = Number(Deno.args[1] ?? 30);
const rate = Number(Deno.args[2] ?? 100);
/** "file" (default: sqlite file, as in production) or "memory" (isolates fsync cost). */
const kvMode = Deno.args[3] ?? "file";
const codes = [
  "402760",
  "389470",
  "204320",
  "278690",
  "336150",
  "298040",
  "0091A0",
  "005930",
];
const perCode = Math.round((rate * seconds) / codes.length);

const dir = await Deno.makeTempDir({ prefix: "kdesk-sse-bench-" });
const kvPath = kvMode === "memory" ? ":memory:" : `${dir}/kv.sqlite`;
const kv = await openKv(kvPath);
const token = crypto.randomUUID();
const config = {
  ...loadConfig({ KDESK_SAMPLE: "on", KDESK_KV_PATH: kvPath }),
  INGEST_TOKEN: token,
};
const live = new LiveService(kv, { mode: "simulator" });
const snapshots = new SnapshotCache(kv);
const app = createApp({ kv, config, snapshots, islandBundle: null, live });
const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: () => {},
}, app.fetch);
const url = `http://127.0.0.1:${server.addr.port}`;
const root = new URL("../", import.meta.url).pathname;

const client = new Deno.Command("node", {
  args: [
    `${root}bench/sse_clients.mjs`,
    url,
    String(clients),
    codes.join(","),
    String(perCode),
    String((seconds + 60) * 1000),
  ],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const reader = client.stdout.pipeThrough(new TextDecoderStream()).getReader();
let out = "";
while (!out.includes("READY")) {
  const { value, done } = await reader.read();
  if (done) throw new Error("client exited before READY");
  out += value;
}
const rssBefore = Deno.memoryUsage().rss;
const cpu0 = Deno.loadavg()[0];
const producer = await new Deno.Command(`${root}bridge/node_modules/.bin/tsx`, {
  args: [
    `${root}bench/sse_producer.mts`,
    url,
    codes.join(","),
    String(rate),
    String(perCode * codes.length),
  ],
  env: { INGEST_TOKEN: token },
  stdout: "piped",
  stderr: "inherit",
}).output();
const prod = JSON.parse(
  new TextDecoder().decode(producer.stdout).trim().split("\n").at(-1)!,
);
while (true) {
  const { value, done } = await reader.read();
  if (done) break;
  out += value;
}
await client.status;
const result = JSON.parse(out.trim().split("\n").at(-1)!);
console.log(JSON.stringify({
  bench: "sse_latency",
  clients,
  seconds,
  rate,
  kv: kvMode,
  codes: codes.length,
  producer: prod,
  ...result,
  server_rss_mb: Math.round(Math.max(rssBefore, Deno.memoryUsage().rss) / 1e6),
  loadavg_1m_start: cpu0,
  broadcaster: live.broadcaster.stats(),
}));
live.close();
await server.shutdown();
await snapshots.close();
kv.close();
await Deno.remove(dir, { recursive: true });
