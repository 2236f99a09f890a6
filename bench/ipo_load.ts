// deno-lint-ignore-file no-console
/**
 * Load benchmark: GET /api/v1/ipo/pipeline over 2,000 deals (the real app, file KV) against
 * a bare Hono hello-world, alternating in the same run. wrk: 2 threads, 64 connections,
 * 10 s per measurement, loopback only.
 *
 * The app starts with the sample data; then this process writes 2,000 synthetic deals
 * (KIND rows + DART filings, reconciled by the real code and stored by the real store)
 * into the same KV file, as a separate ETL process would, and waits until the app serves
 * them. Measured: the first page (limit 20) with `Accept-Encoding: gzip`, the same with no
 * Accept-Encoding, and a filtered page (stage=상장, market=코스닥). Prints one JSON line.
 *
 * The read-route bar (≥ 0.6 of a raw handler sending the app's exact bytes and headers, p99
 * < 20 ms) is measured by bench/route_ratio.ts (sample data, without the 2,000 deals).
 *
 * Run: deno run -A bench/ipo_load.ts [rounds=3] [seconds=10] [deals=2000]
 */
import { storeItems } from "../lib/etl/ipo.ts";
import { syntheticIpoData } from "../lib/ipo/fixtures.ts";
import { reconcile } from "../lib/ipo/reconcile.ts";
import { median, startServer, stop, wrk, type WrkResult } from "./wrk.ts";

const rounds = Number(Deno.args[0] ?? 3);
const seconds = Number(Deno.args[1] ?? 10);
const deals = Number(Deno.args[2] ?? 2000);
const HELLO = 8111, APP = 8112;
const dir = await Deno.makeTempDir({ prefix: "kdesk-ipo-load-" });
const kvPath = `${dir}/kv.sqlite`;

const hello = await startServer(
  "bench/hello_server.ts",
  [String(HELLO)],
  `http://127.0.0.1:${HELLO}/hello`,
);
const app = await startServer("main.ts", [], `http://127.0.0.1:${APP}/health`, {
  PORT: String(APP),
  HOSTNAME: "127.0.0.1",
  KDESK_KV_PATH: kvPath,
  KDESK_SAMPLE: "on",
  KDESK_BRIDGE: "off",
  LOG_LEVEL: "warn",
});
try {
  const data = syntheticIpoData(deals);
  const t0 = performance.now();
  const items = reconcile({ asOf: "2026-11-20", kind: data.kind, disclosures: data.disclosures });
  const reconcileMs = Math.round(performance.now() - t0);
  const kv = await Deno.openKv(kvPath);
  const t1 = performance.now();
  const stored = await storeItems({ kv, sample: false }, items, {
    built_at: new Date().toISOString(),
    partial: false,
    source_status: {},
    missing: [],
  });
  const storeMs = Math.round(performance.now() - t1);
  kv.close();

  const base = `http://127.0.0.1:${APP}/api/v1/ipo/pipeline`;
  const deadline = Date.now() + 30_000;
  let total = 0;
  while (Date.now() < deadline) {
    total = (await (await fetch(base)).json()).total;
    if (total === items.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (total !== items.length) {
    throw new Error(`app serves ${total} deals, expected ${items.length}`);
  }
  const filtered = `${base}?stage=%EC%83%81%EC%9E%A5&market=%EC%BD%94%EC%8A%A4%EB%8B%A5`;
  const sizes = {
    page_identity_bytes: (await (await fetch(base, { headers: { "accept-encoding": "identity" } }))
      .arrayBuffer()).byteLength,
    filtered_total: (await (await fetch(filtered)).json()).total,
  };

  const GZ = { headers: ["Accept-Encoding: gzip"] };
  const h: WrkResult[] = [], z: WrkResult[] = [], s: WrkResult[] = [], f: WrkResult[] = [];
  await wrk(`http://127.0.0.1:${HELLO}/hello`, { seconds: 2 });
  await wrk(base, { seconds: 2, ...GZ });
  await wrk(filtered, { seconds: 2, ...GZ });
  for (let i = 0; i < rounds; i++) {
    h.push(await wrk(`http://127.0.0.1:${HELLO}/hello`, { seconds }));
    z.push(await wrk(base, { seconds, ...GZ }));
    s.push(await wrk(base, { seconds }));
    f.push(await wrk(filtered, { seconds, ...GZ }));
  }
  const med = (rs: WrkResult[], k: keyof WrkResult) => median(rs.map((r) => r[k]));
  const summary = (rs: WrkResult[]) => ({
    rps: Math.round(med(rs, "rps")),
    p50_ms: med(rs, "p50_ms"),
    p99_ms: med(rs, "p99_ms"),
    errors: rs.reduce((a, r) => a + r.errors + r.non2xx, 0),
  });
  const ratio = (rs: WrkResult[]) => Math.round((med(rs, "rps") / med(h, "rps")) * 1000) / 1000;
  console.log(JSON.stringify({
    bench: "ipo_load",
    rounds,
    seconds,
    deals: items.length,
    reconcile_ms: reconcileMs,
    store_ms: storeMs,
    stored_deals: stored.touched.length,
    ...sizes,
    hello: summary(h),
    pipeline_gzip: summary(z),
    pipeline_identity: summary(s),
    pipeline_filtered_gzip: summary(f),
    ratio_gzip: ratio(z),
    ratio_identity: ratio(s),
    ratio_filtered: ratio(f),
    runs: { hello: h, pipeline_gzip: z, pipeline_identity: s, filtered: f },
  }));
} finally {
  await stop(hello);
  await stop(app);
  await Deno.remove(dir, { recursive: true });
}
