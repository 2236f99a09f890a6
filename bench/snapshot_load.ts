// deno-lint-ignore-file no-console
/**
 * Load benchmark: GET /api/v1/company/snapshot (the real app, sample data, file KV) against
 * a bare Hono hello-world, alternating in the same run. wrk: 2 threads, 64 connections,
 * 10 s per measurement, loopback only. The snapshot is measured twice: as a browser or
 * HTTP library asks for it (`Accept-Encoding: gzip`, the app sends its cached gzip copy)
 * and with no Accept-Encoding (identity, 17.6 KB of JSON). A third server answers from a raw
 * Deno.serve handler with the same JSON re-compressed by CompressionStream (not the app's
 * exact bytes or headers). Prints one JSON line with medians and ratios.
 *
 * The read-route bar (≥ 0.6 of a raw handler sending the app's exact bytes and headers, p99
 * < 20 ms) is measured by bench/route_ratio.ts.
 *
 * Run: deno run -A bench/snapshot_load.ts [rounds=3] [seconds=10]
 */
import { median, startServer, stop, wrk, type WrkResult } from "./wrk.ts";

const rounds = Number(Deno.args[0] ?? 3);
const seconds = Number(Deno.args[1] ?? 10);
const HELLO = 8101, APP = 8102, BYTES = 8103;
const dir = await Deno.makeTempDir({ prefix: "kdesk-load-" });

const hello = await startServer(
  "bench/hello_server.ts",
  [String(HELLO)],
  `http://127.0.0.1:${HELLO}/hello`,
);
const app = await startServer("main.ts", [], `http://127.0.0.1:${APP}/health`, {
  PORT: String(APP),
  HOSTNAME: "127.0.0.1",
  KDESK_KV_PATH: `${dir}/kv.sqlite`,
  KDESK_SAMPLE: "on",
  KDESK_BRIDGE: "off",
  LOG_LEVEL: "warn",
});
try {
  const search = await (await fetch(`http://127.0.0.1:${APP}/api/v1/company/search?q=한빛`)).json();
  const corp = search.hits[0]?.corp_code;
  if (!corp) throw new Error("no sample company found");
  const target = `http://127.0.0.1:${APP}/api/v1/company/snapshot?corp_code=${corp}`;
  const check = await fetch(target);
  const body = await check.json();
  if (!check.ok || body.corp_code !== corp) {
    throw new Error(`snapshot check failed: ${check.status}`);
  }

  const gzRes = await fetch(target, { headers: { "accept-encoding": "gzip" } });
  // fetch decodes transparently; re-encode the identical JSON the way the app does
  const gzFile = `${dir}/snapshot.json.gz`;
  await Deno.writeFile(
    gzFile,
    new Uint8Array(
      await new Response(
        new Blob([await gzRes.arrayBuffer()]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer(),
    ),
  );
  const bytes = await startServer(
    "bench/bytes_server.ts",
    [String(BYTES), gzFile],
    `http://127.0.0.1:${BYTES}/`,
  );
  const h: WrkResult[] = [], s: WrkResult[] = [], z: WrkResult[] = [], b: WrkResult[] = [];
  const GZ = { headers: ["Accept-Encoding: gzip"] };
  await wrk(`http://127.0.0.1:${HELLO}/hello`, { seconds: 2 }); // warm-up
  await wrk(target, { seconds: 2, ...GZ });
  await wrk(target, { seconds: 2 });
  for (let i = 0; i < rounds; i++) {
    h.push(await wrk(`http://127.0.0.1:${HELLO}/hello`, { seconds }));
    z.push(await wrk(target, { seconds, ...GZ }));
    s.push(await wrk(target, { seconds }));
    b.push(await wrk(`http://127.0.0.1:${BYTES}/`, { seconds, ...GZ }));
  }
  await stop(bytes);
  const med = (rs: WrkResult[], k: keyof WrkResult) => median(rs.map((r) => r[k]));
  const summary = (rs: WrkResult[]) => ({
    rps: Math.round(med(rs, "rps")),
    p50_ms: med(rs, "p50_ms"),
    p99_ms: med(rs, "p99_ms"),
    errors: rs.reduce((a, r) => a + r.errors + r.non2xx, 0),
  });
  const result = {
    bench: "snapshot_load",
    rounds,
    seconds,
    corp_code: corp,
    snapshot_bytes: JSON.stringify(body).length,
    hello: summary(h),
    snapshot_gzip: summary(z),
    snapshot_identity: summary(s),
    ceiling_raw_bytes_gzip: summary(b),
    ratio_gzip: Math.round((med(z, "rps") / med(h, "rps")) * 1000) / 1000,
    ratio_identity: Math.round((med(s, "rps") / med(h, "rps")) * 1000) / 1000,
    ratio_ceiling: Math.round((med(b, "rps") / med(h, "rps")) * 1000) / 1000,
    runs: { hello: h, snapshot_gzip: z, snapshot_identity: s, ceiling: b },
  };
  console.log(JSON.stringify(result));
} finally {
  await stop(hello);
  await stop(app);
  await Deno.remove(dir, { recursive: true });
}
