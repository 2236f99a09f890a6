// deno-lint-ignore-file no-console
/**
 * Each read route against a raw Deno.serve handler sending the same bytes, in the same run:
 * the project's bar for a read route is **ratio ≥ 0.6 and p99 < 20 ms**, where ratio =
 * median(app req/s) / median(raw req/s).
 *
 * 1. Starts the real app (`main.ts`: sample mode, file KV in a temp dir, KDESK_BRIDGE=off,
 *    LOG_LEVEL=warn, 127.0.0.1) and waits until it is quiet (its background work done).
 * 2. For every route of {@link ROUTES} (a path and the request headers, e.g.
 *    `Accept-Encoding: gzip`), captures the exact response: status, body bytes as sent (with
 *    node:http, which never decompresses) and headers (all but those Deno.serve writes
 *    itself: date, content-length, connection).
 * 3. Starts ONE raw server (bench/raw_server.ts: a Map from path to a prebuilt Response,
 *    cloned per request) that answers each route, under `/<index><path>`, with those bytes
 *    and headers, and checks that it sends them byte for byte.
 * 4. Per route: a warm-up of each, then `rounds` wrk runs (`-t2 -c64 --latency`, `seconds`
 *    each) alternating app and raw (ABBA: the first of each pair alternates by round).
 * 5. Prints a Markdown table on stderr and one JSON line on stdout; checks that the app sent
 *    the same bytes after the runs as before (`stable`).
 *
 * Run:  deno run -A bench/route_ratio.ts [--rounds 3] [--seconds 10] [--warmup 3]
 *         [--routes snapshot,ipo_pipeline_gzip] [--threads 2] [--connections 64]
 *         [--settle 180] [--quiet 30] [--quick] [--dry-run] [--list]
 * --routes takes names or name prefixes (`ipo` = every IPO route); --settle: wait at most
 * this many seconds for the app to be quiet (under 5% of a core) for --quiet seconds before
 * measuring (0: measure at once); --quick = 1 round × 3 s, 1 s warm-up, quiet 2 s within
 * 60 s; --dry-run captures and checks the raw server without any load; --list prints the
 * routes.
 *
 * Add a route: one line in ROUTES (any GET answered 200 in sample mode; pages work too).
 */
import http from "node:http";
import { parseArgs } from "node:util";
import { freePort, median, startServer, stop, waitIdle, wrk, type WrkResult } from "./wrk.ts";
import type { RawEntry } from "./raw_server.ts";

/** One route to measure: a GET path (query included, URL-encoded) and its request headers. */
export interface RouteCase {
  name: string;
  path: string;
  headers?: Record<string, string>;
}

const GZ = { "accept-encoding": "gzip" };
const enc = encodeURIComponent;
/** A featured sample company (한빛반도체) and its 종목코드, a listed sample IPO (하람로보틱스). */
const CORP = "00912345", STOCK = "402760", DEAL = "K20260310000077";
/** The sample's as-of day (a trading day). */
const DAY = "2026-11-20";

/** The read routes measured, in order. Sample-mode identifiers. */
export const ROUTES: RouteCase[] = [
  { name: "snapshot_gzip", path: `/api/v1/company/snapshot?corp_code=${CORP}`, headers: GZ },
  { name: "snapshot_identity", path: `/api/v1/company/snapshot?corp_code=${CORP}` },
  { name: "ipo_pipeline_gzip", path: "/api/v1/ipo/pipeline", headers: GZ },
  { name: "ipo_pipeline_identity", path: "/api/v1/ipo/pipeline" },
  {
    name: "ipo_pipeline_filtered_gzip",
    path: `/api/v1/ipo/pipeline?stage=${enc("상장")}&market=${enc("코스닥")}`,
    headers: GZ,
  },
  { name: "ipo_deal_gzip", path: `/api/v1/ipo/${DEAL}`, headers: GZ },
  { name: "market_instruments_gzip", path: "/api/v1/market/instruments", headers: GZ },
  { name: "market_instrument_gzip", path: `/api/v1/market/instruments/${STOCK}`, headers: GZ },
  {
    name: "market_instrument_daily_gzip",
    path: `/api/v1/market/instruments/${STOCK}/daily?range=1Y`,
    headers: GZ,
  },
  { name: "market_day_gzip", path: `/api/v1/market/days/${DAY}`, headers: GZ },
  { name: "market_indices_gzip", path: "/api/v1/market/indices", headers: GZ },
  { name: "market_index_daily_gzip", path: "/api/v1/market/indices/KOSPI/daily", headers: GZ },
  { name: "market_flows_gzip", path: "/api/v1/market/flows", headers: GZ },
  { name: "search_gzip", path: `/api/v1/search?q=${enc("한빛")}`, headers: GZ },
];

/** The bar (issues #12, #13, #15, #16). */
export const TARGET = { ratio: 0.6, p99_ms: 20 };

/** Response headers Deno.serve writes itself (the raw server's would be its own anyway). */
const SERVER_HEADERS = new Set(["date", "content-length", "connection", "keep-alive"]);

/** A response as it went over the wire. */
export interface Captured {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** GETs a loopback path with node:http (no decompression) and returns what was sent. */
export function capture(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<Captured>((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const raw = res.rawHeaders, kept: [string, string][] = [];
        for (let i = 0; i < raw.length; i += 2) {
          const name = raw[i].toLowerCase();
          if (!SERVER_HEADERS.has(name)) kept.push([name, raw[i + 1]]);
        }
        const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const c of chunks) body.set(c, (at += c.length) - c.length);
        resolve({ status: res.statusCode ?? 0, headers: kept, body });
      });
    });
    req.on("error", reject);
  });
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const sameCapture = (a: Captured, b: Captured) =>
  a.status === b.status && sameBytes(a.body, b.body) &&
  JSON.stringify(a.headers) === JSON.stringify(b.headers);

const summary = (rs: WrkResult[]) => ({
  rps: Math.round(median(rs.map((r) => r.rps))),
  p50_ms: median(rs.map((r) => r.p50_ms)),
  p99_ms: median(rs.map((r) => r.p99_ms)),
  p99_max_ms: Math.max(...rs.map((r) => r.p99_ms)),
  requests: rs.reduce((a, r) => a + r.requests, 0),
  errors: rs.reduce((a, r) => a + r.errors + r.non2xx, 0),
  runs: rs.map((r) => ({ rps: Math.round(r.rps), p50_ms: r.p50_ms, p99_ms: r.p99_ms })),
});

/** The routes a `--routes` list selects: exact names or name prefixes, in ROUTES order. */
export function selectRoutes(spec: string | undefined, all = ROUTES): RouteCase[] {
  if (!spec) return all;
  const wanted = spec.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !all.some((r) => r.name.startsWith(w)));
  if (unknown.length) {
    throw new Error(`unknown route ${unknown.join(", ")}; known: ${all.map((r) => r.name)}`);
  }
  return all.filter((r) => wanted.some((w) => r.name.startsWith(w)));
}

const fmt = (n: number) => n.toLocaleString("en-US");
const ms = (n: number) => `${n} ms`;

if (import.meta.main) {
  const { values: o } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string" },
      seconds: { type: "string" },
      warmup: { type: "string" },
      routes: { type: "string" },
      threads: { type: "string", default: "2" },
      connections: { type: "string", default: "64" },
      settle: { type: "string" },
      quiet: { type: "string" },
      quick: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      list: { type: "boolean", default: false },
    },
  });
  const num = (v: string | undefined, quick: number, full: number) => {
    const n = Number(v ?? (o.quick ? quick : full));
    if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${v}`);
    return n;
  };
  const rounds = num(o.rounds, 1, 3), seconds = num(o.seconds, 3, 10);
  const warmup = num(o.warmup, 1, 3), settleMax = num(o.settle, 60, 180);
  const quiet = num(o.quiet, 2, 30);
  const load = { threads: Number(o.threads), connections: Number(o.connections) };
  const routes = selectRoutes(o.routes);
  if (o.list) {
    for (const r of routes) console.log(`${r.name}\t${r.path}\t${JSON.stringify(r.headers ?? {})}`);
    Deno.exit(0);
  }

  const root = new URL("../", import.meta.url).pathname;
  const dir = await Deno.makeTempDir({ prefix: "kdesk-route-ratio-" });
  const appPort = freePort();
  const t0 = Date.now();
  let app: Deno.ChildProcess | null = null, raw: Deno.ChildProcess | null = null;
  try {
    app = await startServer(`${root}main.ts`, [], `http://127.0.0.1:${appPort}/health`, {
      PORT: String(appPort),
      HOSTNAME: "127.0.0.1",
      KDESK_KV_PATH: `${dir}/kv.sqlite`,
      KDESK_SAMPLE: "on",
      KDESK_BRIDGE: "off",
      LOG_LEVEL: "warn",
    }, root);
    const boot_ms = Date.now() - t0;
    const settle = settleMax > 0
      ? await waitIdle(app.pid, { maxMs: settleMax * 1000, quietMs: quiet * 1000 })
      : { waited_ms: 0, settled: false, last_busy_cpu: null };
    console.error(
      `app up in ${boot_ms} ms; ${
        settle.settled
          ? `quiet for ${quiet} s after ${settle.waited_ms} ms`
          : `not quiet for ${quiet} s within ${settle.waited_ms} ms: measuring anyway`
      }`,
    );

    // The app's exact answers (the first request of a route may fill its cache: take the
    // second), and the raw server's copy of each.
    const captured: Captured[] = [];
    const manifest: RawEntry[] = [];
    for (const [i, r] of routes.entries()) {
      await capture(appPort, r.path, r.headers);
      const c = await capture(appPort, r.path, r.headers);
      if (c.status !== 200) {
        throw new Error(
          `${r.name}: ${r.path} answered ${c.status}: ${new TextDecoder().decode(c.body)}`,
        );
      }
      captured.push(c);
      const file = `${dir}/${i}.body`;
      await Deno.writeFile(file, c.body);
      manifest.push({ path: `/${i}${r.path}`, status: c.status, headers: c.headers, file });
    }
    await Deno.writeTextFile(`${dir}/raw.json`, JSON.stringify(manifest));
    const rawPort = freePort();
    raw = await startServer(
      `${root}bench/raw_server.ts`,
      [String(rawPort), `${dir}/raw.json`],
      `http://127.0.0.1:${rawPort}${manifest[0].path}`,
      {},
      root,
    );
    for (const [i, r] of routes.entries()) {
      const copy = await capture(rawPort, manifest[i].path, r.headers);
      if (!sameCapture(copy, captured[i])) {
        throw new Error(`${r.name}: the raw server does not send the app's bytes and headers`);
      }
    }

    const results = [];
    for (const [i, r] of routes.entries()) {
      const headers = Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
      const appUrl = `http://127.0.0.1:${appPort}${r.path}`;
      const rawUrl = `http://127.0.0.1:${rawPort}${manifest[i].path}`;
      const a: WrkResult[] = [], b: WrkResult[] = [];
      if (!o["dry-run"]) {
        if (warmup > 0) {
          await wrk(appUrl, { ...load, seconds: warmup, headers });
          await wrk(rawUrl, { ...load, seconds: warmup, headers });
        }
        for (let k = 0; k < rounds; k++) {
          const order = k % 2 === 0 ? ["app", "raw"] : ["raw", "app"];
          for (const which of order) {
            const url = which === "app" ? appUrl : rawUrl;
            (which === "app" ? a : b).push(await wrk(url, { ...load, seconds, headers }));
          }
        }
      }
      const after = await capture(appPort, r.path, r.headers);
      const c = captured[i];
      const app_ = a.length ? summary(a) : null, raw_ = b.length ? summary(b) : null;
      const ratio = app_ && raw_ ? Math.round((app_.rps / raw_.rps) * 1000) / 1000 : null;
      const pass = app_ && ratio !== null
        ? ratio >= TARGET.ratio && app_.p99_ms < TARGET.p99_ms && app_.errors === 0
        : null;
      results.push({
        name: r.name,
        path: r.path,
        request_headers: r.headers ?? {},
        status: c.status,
        bytes: c.body.length,
        headers: Object.fromEntries(c.headers),
        stable: sameCapture(after, c),
        app: app_,
        raw: raw_,
        ratio,
        pass,
      });
      const x = results.at(-1)!;
      const changed = x.stable ? "" : " (the app's bytes changed during the runs)";
      console.error(
        app_ && raw_
          ? `${r.name}: app ${fmt(app_.rps)} req/s p99 ${ms(app_.p99_ms)}; raw ${
            fmt(raw_.rps)
          } req/s p99 ${ms(raw_.p99_ms)}; ratio ${ratio} ${pass ? "PASS" : "FAIL"}${changed}`
          : `${r.name}: ${c.body.length} B, ${JSON.stringify(x.headers)}${changed}`,
      );
    }

    if (!o["dry-run"]) {
      // The columns of the table in docs/BENCHMARKS.md.
      console.error(
        "\n| route (`--routes` name) | request | bytes sent | app req/s | app p50 | app p99 " +
          "| raw req/s | raw p50 | raw p99 | ratio | pass |",
      );
      console.error("| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --- |");
      for (const x of results) {
        if (!x.app || !x.raw) continue;
        const coding = x.request_headers["accept-encoding"] ? "gzip" : "identity";
        console.error(
          [
            x.name,
            `\`${decodeURIComponent(x.path)}\`, ${coding}`,
            fmt(x.bytes),
            fmt(x.app.rps),
            ms(x.app.p50_ms),
            ms(x.app.p99_ms),
            fmt(x.raw.rps),
            ms(x.raw.p50_ms),
            ms(x.raw.p99_ms),
            x.ratio,
            x.pass ? "pass" : "**fail**",
          ].join(" | ").replace(/^/, "| ") + " |",
        );
      }
    }
    console.log(JSON.stringify({
      bench: "route_ratio",
      at: new Date().toISOString(),
      rounds: o["dry-run"] ? 0 : rounds,
      seconds,
      warmup,
      ...load,
      target: TARGET,
      boot_ms,
      settle,
      routes: results,
    }));
  } finally {
    if (raw) await stop(raw);
    if (app) await stop(app);
    await Deno.remove(dir, { recursive: true });
  }
}
