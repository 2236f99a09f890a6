/**
 * The prebuilt-response cache of the market routes and `/api/v1/search` (routes/encoded.ts
 * `ResponseCache`, wired by routes/get.ts `getCached`): a repeated request is a synchronous
 * clone with the same status, headers and bytes the route built before the cache (market:
 * `sendEncoded` + ETag + Cache-Control; search: `c.json` through the outer gzip layer); a new
 * market epoch or corp master version changes the answer; concurrent misses share one
 * computation; the cache stays within its entries and bytes.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { encoded } from "../lib/store/json.ts";
import { upsertCorpMaster } from "../lib/store/corps.ts";
import { putBars } from "../lib/store/market.ts";
import { marketCacheFor } from "../lib/store/market_cache.ts";
import type { DataVersion } from "../lib/store/epoch.ts";
import {
  compressResponse,
  ENCODED_JSON,
  type JsonAnswer,
  ResponseCache,
  responseCacheStats,
  sendEncoded,
} from "../routes/encoded.ts";
import type { DailyBar } from "../lib/market/model.ts";
import { buildMarketApp, HANBIT_CORP, HARAM_CORP, IPO_CODE, LATEST } from "./helpers/market.ts";

const e = encodeURIComponent;
const MARKET_CC = "public, max-age=60, stale-while-revalidate=300";

/** At least one URL per cached route; small (identity) and large (gzip) bodies both. */
const MARKET_URLS = [
  "/api/v1/market/instruments",
  "/api/v1/market/instruments?market=KONEX",
  `/api/v1/market/instruments?q=${e("한빛")}&limit=5`,
  "/api/v1/market/instruments/402760",
  "/api/v1/market/instruments/KR7402760008",
  "/api/v1/market/instruments/402760/daily?range=1Y",
  "/api/v1/market/instruments/402760/daily?from=2026-11-02&to=2026-11-06",
  `/api/v1/market/days/${LATEST}`,
  `/api/v1/market/days/${LATEST}?market=KONEX`,
  "/api/v1/market/indices",
  "/api/v1/market/indices/KOSPI/daily",
  "/api/v1/market/flows",
  "/api/v1/market/flows?market=KOSPI&range=3M",
];
const SEARCH_URLS = [
  `/api/v1/search?q=${e("한빛")}`,
  `/api/v1/search?q=${e("테스트")}&limit=50`,
  "/api/v1/search?q=zzqq",
];
const CODINGS: Record<string, string>[] = [
  {},
  { "accept-encoding": "gzip" },
  { "accept-encoding": "gzip, deflate, br, zstd" },
  { "accept-encoding": "gzip;q=0, br" },
];

interface Seen {
  status: number;
  headers: [string, string][];
  bytes: number[];
}
const seen = async (res: Response): Promise<Seen> => ({
  status: res.status,
  headers: [...res.headers],
  bytes: [...new Uint8Array(await res.arrayBuffer())],
});

/** The JSON document of an answer (decompressed when it is gzip). */
async function docOf(res: Response): Promise<unknown> {
  const body = res.headers.get("content-encoding") === "gzip"
    ? new Response(res.body!.pipeThrough(new DecompressionStream("gzip")))
    : res;
  return JSON.parse(await body.text());
}

/**
 * The answer as the routes built it before the cache, from the same document: the market
 * routes' `sendJson` (pre-encoded JSON, gzip from 1 KiB, then ETag and Cache-Control set),
 * and the search route's `c.json` with `Cache-Control` through the app's outer gzip layer.
 */
async function reference(
  url: string,
  headers: Record<string, string>,
  doc: unknown,
  etag: string,
): Promise<Response> {
  if (url.startsWith("/api/v1/search")) {
    const app = new Hono().get("*", (c) => {
      c.header("cache-control", "private, max-age=30");
      return c.json(doc);
    });
    const req = new Request(`http://localhost${url}`, { headers });
    return await compressResponse(req, await app.fetch(req));
  }
  const res = await sendEncoded(
    encoded(JSON.stringify(doc)),
    headers["accept-encoding"] ?? "",
    1024,
  );
  res.headers.set("etag", etag);
  res.headers.set("cache-control", MARKET_CC);
  return res;
}

/** A fixed clock: epoch reads stay fresh (TTL 1 s) until a test moves it. */
function fixedClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => t += ms };
}

Deno.test("[response cache] market and search: a repeated request is a synchronous clone of what the route built", async () => {
  const clock = fixedClock();
  const t = await buildMarketApp({ now: clock.now });
  try {
    const request = (url: string, headers: Record<string, string>) =>
      t.app.fetch(new Request(`http://localhost${url}`, { headers }));
    for (const url of [...MARKET_URLS, ...SEARCH_URLS]) {
      for (const headers of CODINGS) {
        const what = `${url} ${JSON.stringify(headers)}`;
        const first = await request(url, headers); // computed (or shared with another coding)
        assert.equal(first.status, 200, what);
        const firstSeen = await seen(first.clone());
        const doc = await docOf(first);
        const etag = `W/"mkt-${(await marketCacheFor(t.kv).epoch()) ?? "0"}"`;
        const expected = await seen(await reference(url, headers, doc, etag));
        assert.deepEqual(firstSeen, expected, `${what}: computed = the route's former answer`);

        const again = request(url, headers);
        assert.ok(again instanceof Response, `${what}: a repeat is answered synchronously`);
        assert.deepEqual(await seen(again), expected, `${what}: cached = computed, byte for byte`);
        // A query written differently but equal once validated shares the answer.
        if (url === "/api/v1/market/instruments") {
          const same = await request(`${url}?limit=50`, headers);
          assert.deepEqual(await seen(same), expected, `${what}: ?limit=50 is the same request`);
        }
      }
    }

    // If-None-Match: a 304 (computed, then synchronous), as before; other tags get the body.
    for (const url of MARKET_URLS) {
      const etag = (await request(url, {})).headers.get("etag")!;
      for (const inm of [etag, `"x", ${etag}`]) {
        const a = await request(url, { "if-none-match": inm, "accept-encoding": "gzip" });
        const b = request(url, { "if-none-match": inm });
        assert.ok(b instanceof Response, `${url}: a 304 is synchronous`);
        for (const r of [a, b]) {
          assert.deepEqual(await seen(r), {
            status: 304,
            headers: [
              ["cache-control", MARKET_CC],
              ["etag", etag],
              ["vary", "accept-encoding"],
            ],
            bytes: [],
          });
        }
      }
      const other = request(url, { "if-none-match": 'W/"mkt-other"' });
      assert.ok(other instanceof Response);
      assert.equal(other.status, 200);
      await other.body?.cancel();
    }

    // Problems are not kept: each is computed again, and stays what it was.
    for (const url of ["/api/v1/market/instruments/999999", "/api/v1/search?q=a&cursor=bad"]) {
      const a = await request(url, {});
      const b = request(url, {});
      assert.ok(b instanceof Promise, `${url}: an error is never a cached answer`);
      const [x, y] = [await seen(a), await seen(await b)];
      assert.deepEqual(x, y);
      assert.ok(x.status === 404 || x.status === 400);
    }
  } finally {
    await t.close();
  }
});

Deno.test("[response cache] a new market epoch or corp master version changes the answer", async () => {
  const clock = fixedClock();
  const t = await buildMarketApp({ now: clock.now });
  try {
    const get = async (url: string, headers: Record<string, string> = {}) => {
      const res = await t.app.fetch(new Request(`http://localhost${url}`, { headers }));
      return { res, doc: await docOf(res.clone()) as Record<string, unknown> };
    };
    const DAILY = "/api/v1/market/instruments/402760/daily?range=1M";
    const ONE = "/api/v1/market/instruments/402760";
    const SEARCH = `/api/v1/search?q=${e("새로상장")}`;
    const before = await get(DAILY);
    const etag = before.res.headers.get("etag")!;
    const oneBefore = await get(ONE);
    assert.equal((await get(SEARCH)).doc.total, 0);

    // New KRX data: a new trading day of 402760, and a new listed company in the corp master.
    const last = (before.doc.bars as DailyBar[]).at(-1)!;
    await putBars(t.kv, "KOSPI", [{ ...last, date: "2026-11-23", close: 99_990 }]);
    await upsertCorpMaster(t.kv, [
      ...[HARAM_CORP, HANBIT_CORP].map((corp_code) => ({
        corp_code,
        corp_name: corp_code === HARAM_CORP ? "하람로보틱스" : "한빛반도체",
        corp_eng_name: null,
        stock_code: corp_code === HARAM_CORP ? IPO_CODE : "402760",
        modify_date: corp_code === HARAM_CORP ? "2026-08-11" : "2024-01-02",
      })),
      {
        corp_code: "09999999",
        corp_name: "새로상장",
        corp_eng_name: null,
        stock_code: null,
        modify_date: "2026-11-23",
      },
    ]);

    // Within the epoch's TTL (1 s, as every market read): still the answer of the last read.
    const stale = t.app.fetch(new Request(`http://localhost${DAILY}`));
    assert.ok(stale instanceof Response, "still synchronous within the TTL");
    assert.equal(stale.headers.get("etag"), etag);
    await stale.body?.cancel();

    clock.advance(1_001);
    const after = await get(DAILY, { "if-none-match": etag });
    assert.equal(after.res.status, 200, "the old ETag is not current any more");
    const newEtag = after.res.headers.get("etag")!;
    assert.notEqual(newEtag, etag);
    assert.equal(after.doc.to, "2026-11-23");
    assert.equal((after.doc.bars as DailyBar[]).at(-1)!.close, 99_990);
    const oneAfter = await get(ONE);
    assert.notDeepEqual(oneAfter.doc, oneBefore.doc);
    assert.equal((oneAfter.doc.price as { close: number }).close, 99_990);
    assert.equal((await get(SEARCH)).doc.total, 1, "the corp master's new company is found");

    // And the new answer is the cached one from now on.
    const again = t.app.fetch(new Request(`http://localhost${DAILY}`));
    assert.ok(again instanceof Response);
    assert.equal(again.headers.get("etag"), newEtag);
    assert.deepEqual(await docOf(again), after.doc);
  } finally {
    await t.close();
  }
});

Deno.test("[response cache] concurrent misses share one computation; /metrics counts hits and misses", async () => {
  const clock = fixedClock();
  const t = await buildMarketApp({ now: clock.now });
  try {
    const stats = () => ({ ...responseCacheStats.get("market")! });
    const url = "http://localhost/api/v1/market/instruments/402760/daily?range=3M";
    await (await t.app.fetch(new Request("http://localhost/api/v1/market/indices"))).body?.cancel();
    const s0 = stats();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t.app.fetch(new Request(url))),
    );
    const bodies = await Promise.all(answers.map((r) => r.text()));
    assert.ok(bodies.every((b) => b === bodies[0] && b.length > 1000));
    const s1 = stats();
    assert.equal(s1.misses - s0.misses, 1, "one computation");
    assert.equal(s1.shared - s0.shared, 5, "five requests joined it");
    await (await t.app.fetch(new Request(url))).text();
    assert.equal(stats().hits - s1.hits, 1);

    const text = await (await t.app.fetch(new Request("http://localhost/metrics"))).text();
    const value = (series: string) =>
      Number(text.split("\n").find((l) => l.startsWith(series + " "))?.slice(series.length + 1));
    assert.equal(
      value('kdesk_response_cache_answers_total{cache="market",result="hit"}'),
      stats().hits,
    );
    assert.equal(
      value('kdesk_response_cache_answers_total{cache="market",result="miss"}'),
      stats().misses,
    );
    assert.ok(value('kdesk_response_cache_entries{cache="market"}') >= 2);
    assert.ok(value('kdesk_response_cache_bytes{cache="market"}') > 1000);
  } finally {
    await t.close();
  }
});

Deno.test("[response cache] bounded in entries and bytes, least recently used out first; a new version drops all", async () => {
  let version = "v1";
  const source: DataVersion = { peek: () => version, read: () => Promise.resolve(version) };
  const cache = new ResponseCache({
    name: "unit",
    format: ENCODED_JSON,
    version: source,
    maxEntries: 3,
    maxBytes: 40_000,
  });
  let loads = 0;
  const load = (n: number, extra: Partial<JsonAnswer> = {}) => () => {
    loads++;
    return Promise.resolve({ json: JSON.stringify({ n, pad: "x".repeat(n) }), ...extra });
  };
  const req = (k: string, headers: Record<string, string> = {}) =>
    new Request(`http://localhost/${k}`, { headers });
  const ask = async (k: string, n: number, extra?: Partial<JsonAnswer>) =>
    await (await cache.answer(req(k), k, load(n, extra))).text();

  // Entries: a, b, c kept; using a makes b the least recently used; d evicts b.
  for (const k of ["a", "b", "c"]) await ask(k, 10);
  assert.equal(cache.size, 3);
  assert.ok(cache.peek(req("a")));
  await ask("d", 10);
  assert.equal(cache.size, 3);
  assert.equal(cache.peek(req("b")), null, "b was the least recently used");
  for (const k of ["a", "c", "d"]) assert.ok(cache.peek(req(k)), k);
  assert.equal(loads, 4);

  // Bytes: two 9,000-byte answers fit with d; their gzip copies count too (made on demand).
  await ask("big1", 9_000);
  await ask("big2", 9_000);
  assert.deepEqual([cache.peek(req("a")), cache.peek(req("c"))], [null, null]);
  assert.ok(cache.bytes <= 40_000 && cache.bytes > 18_000, `${cache.bytes} bytes`);
  const gz = await cache.answer(req("big1", { "accept-encoding": "gzip" }), "big1", load(0));
  assert.equal(gz.headers.get("content-encoding"), "gzip");
  await gz.body?.cancel();
  assert.ok(cache.peek(req("big1", { "accept-encoding": "gzip" })), "its gzip copy is kept");
  assert.ok(cache.bytes <= 40_000);
  // An answer over a quarter of the budget is sent but not kept.
  await ask("huge", 11_000);
  assert.equal(cache.peek(req("huge")), null);
  // Nor one that says so.
  await ask("today", 5, { cache: false });
  assert.equal(cache.peek(req("today")), null);

  // A new version: nothing kept is answered, the next request computes anew.
  const before = loads;
  version = "v2";
  assert.equal(cache.peek(req("big2")), null);
  await ask("big2", 9_000);
  assert.equal(loads, before + 1);
  assert.equal(cache.size, 1);
  const stats = responseCacheStats.get("unit")!;
  assert.equal(stats.entries, 1);
  assert.equal(stats.bytes, cache.bytes);
  assert.ok(stats.evictions >= 3);
});
