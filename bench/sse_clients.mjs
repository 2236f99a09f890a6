// deno-lint-ignore-file no-console
/**
 * SSE load client for bench/sse_latency.ts (Node 20, no dependencies): opens N SSE
 * connections to /api/v1/stream/prices on 127.0.0.1, then records for every tick event
 * its latency (receipt Date.now() − tick.time, the producer's Date.now() at creation;
 * same machine, same clock) and checks per code and client that `cum_volume` (the
 * producer's per-code counter) arrives 1, 2, 3, … with no gap, repeat or reordering.
 *
 * Usage: node bench/sse_clients.mjs <baseUrl> <clients> <codes,comma> <expectedPerCode>
 * Prints "READY" when every client is connected, then one JSON line at the end.
 */
import http from "node:http";

const [base, nStr, codesStr, expStr, timeoutStr] = process.argv.slice(2);
const N = Number(nStr);
const codes = codesStr.split(",");
const expected = Number(expStr);
const timeoutMs = Number(timeoutStr ?? 120_000);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const hist = new Uint32Array(60_001); // 1 ms buckets up to 60 s
let events = 0, lost = 0, reordered = 0, connected = 0, done = 0, errors = 0;
const total = N * codes.length * expected;
const reqs = [];

function finish() {
  let n = 0;
  const pct = (p) => {
    const target = Math.ceil(events * p);
    let acc = 0;
    for (let i = 0; i < hist.length; i++) {
      acc += hist[i];
      if (acc >= target) return i;
    }
    return hist.length - 1;
  };
  let max = 0;
  for (let i = 0; i < hist.length; i++) if (hist[i]) max = i;
  for (const r of reqs) r.destroy();
  n = events;
  console.log(JSON.stringify({
    clients: N,
    connected,
    events: n,
    expected_events: total,
    lost,
    missing: total - n,
    reordered_or_duplicated: reordered,
    errors,
    p50_ms: pct(0.5),
    p90_ms: pct(0.9),
    p99_ms: pct(0.99),
    p999_ms: pct(0.999),
    max_ms: max,
  }));
  process.exit(0);
}

function field(s, key, end) {
  const a = s.indexOf(key) + key.length;
  return s.slice(a, s.indexOf(end, a));
}

for (let i = 0; i < N; i++) {
  const next = new Map(codes.map((c) => [c, 1]));
  let buf = "";
  let mine = 0;
  const req = http.get(
    `${base}/api/v1/stream/prices?codes=${codes.join(",")}`,
    { agent },
    (res) => {
      connected++;
      if (connected === N) console.log("READY");
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        buf += chunk;
        let k;
        while ((k = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, k);
          buf = buf.slice(k + 2);
          if (!block.startsWith("id:")) continue;
          const d = block.indexOf("\ndata: ");
          if (d < 0 || !block.includes("event: tick")) continue;
          // Only three fields are needed: read them without parsing the whole JSON.
          const t = {
            code: field(block, '"code":"', '"'),
            time: Number(field(block, '"time":', ",")),
            cum_volume: Number(field(block, '"cum_volume":', ",")),
          };
          const lat = Date.now() - t.time;
          hist[Math.max(0, Math.min(60_000, lat))]++;
          events++;
          const want = next.get(t.code);
          if (t.cum_volume === want) next.set(t.code, want + 1);
          else if (t.cum_volume > want) {
            lost += t.cum_volume - want;
            next.set(t.code, t.cum_volume + 1);
          } else if (t.cum_volume < want) reordered++;
          if (++mine === codes.length * expected) {
            done++;
            if (done === N) finish();
          }
        }
      });
    },
  );
  req.on("error", () => errors++);
  reqs.push(req);
}
setTimeout(finish, timeoutMs);
