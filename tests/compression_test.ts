/**
 * Compression of every text response: pages, JSON (pre-encoded and not), problem+json, the
 * built css and js (stored brotli/gzip copies) and static files without a stored copy. Each
 * comes back compressed when asked, decompresses to the same bytes as the identity answer,
 * carries `Vary: Accept-Encoding`, and is identity when not asked (or refused with q=0). The
 * hot routes stay synchronous.
 */
import assert from "node:assert/strict";
import zlib from "node:zlib";
import type { ClientAssets } from "../components/Island.tsx";
import { assetRoutes } from "../routes/assets.ts";
import { chooseCoding, COMPRESS_MIN_BYTES, compressResponse } from "../routes/encoded.ts";
import { buildTestApp, type TestApp } from "./helpers/app.ts";

const GZIP = { "accept-encoding": "gzip, deflate" };
const BROWSER = { "accept-encoding": "gzip, deflate, br, zstd" };

function decode(bytes: Uint8Array, coding: string | null): Uint8Array {
  if (coding === "gzip") return new Uint8Array(zlib.gunzipSync(bytes));
  if (coding === "br") return new Uint8Array(zlib.brotliDecompressSync(bytes));
  assert.equal(coding, null, `unexpected coding ${coding}`);
  return bytes;
}

/**
 * Pages show render times and live values: two renders agree once digit runs are masked.
 * Everything else must be byte-identical.
 */
function sameBody(a: Uint8Array, b: Uint8Array, html: boolean, what: string): void {
  if (!html) return assert.deepEqual(a, b, `${what}: same bytes`);
  const mask = (x: Uint8Array) => new TextDecoder().decode(x).replace(/\d+/g, "0");
  assert.equal(mask(a), mask(b), `${what}: same page`);
}

/** Asks for `path` with and without compression and checks the two answers agree. */
async function roundTrip(
  t: TestApp,
  path: string,
  headers: Record<string, string>,
  expect: { coding: "gzip" | "br"; type: RegExp },
): Promise<{ identity: number; wire: number }> {
  const html = String(expect.type).includes("html");
  const plain = await t.app.request(path);
  assert.equal(plain.status, 200, path);
  assert.equal(plain.headers.get("content-encoding"), null, `${path}: identity when not asked`);
  assert.match(plain.headers.get("content-type") ?? "", expect.type, path);
  assert.match(plain.headers.get("vary") ?? "", /accept-encoding/i, `${path}: Vary (identity)`);
  const identity = new Uint8Array(await plain.arrayBuffer());

  const res = await t.app.request(path, { headers });
  assert.equal(res.status, 200, path);
  assert.equal(res.headers.get("content-encoding"), expect.coding, `${path}: compressed`);
  assert.match(res.headers.get("vary") ?? "", /accept-encoding/i, `${path}: Vary`);
  assert.match(res.headers.get("content-type") ?? "", expect.type, path);
  const wire = new Uint8Array(await res.arrayBuffer());
  const length = res.headers.get("content-length");
  if (length !== null) assert.equal(Number(length), wire.length, `${path}: content-length`);
  sameBody(decode(wire, expect.coding), identity, html, path);
  assert.ok(wire.length < identity.length, `${path}: ${wire.length} < ${identity.length}`);

  const refused = await t.app.request(path, { headers: { "accept-encoding": "gzip;q=0, br;q=0" } });
  assert.equal(refused.headers.get("content-encoding"), null, `${path}: q=0 refuses`);
  sameBody(new Uint8Array(await refused.arrayBuffer()), identity, html, `${path} (q=0)`);
  return { identity: identity.length, wire: wire.length };
}

Deno.test({
  name: "[delivery] html, json, css and js come back compressed when asked, identical bytes",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await buildTestApp({ bundle: true });
    try {
      const build = t.deps.islandBundle as ClientAssets;
      const html = /^text\/html/;
      const json = /^application\/json/;
      for (const page of ["/", "/market", "/ipo", "/ipo/calendar", `/company/${t.corpCode}`]) {
        await roundTrip(t, page, GZIP, { coding: "gzip", type: html });
      }
      for (const page of ["/exports", "/ops", "/api/docs"]) {
        await roundTrip(t, page, BROWSER, { coding: "gzip", type: html });
      }
      // JSON: a document built once (openapi), c.json answers, the hot routes' own bytes.
      for (
        const path of [
          "/api/openapi.json",
          "/api/v1/company/search?q=%EA%B0%80&limit=50",
          "/api/v1/market/instruments?limit=50",
          `/api/v1/company/snapshot?corp_code=${t.corpCode}`,
          "/api/v1/ipo/pipeline",
          "/api/ops/schedules",
          "/api/dart/disclosures?limit=50",
        ]
      ) await roundTrip(t, path, GZIP, { coding: "gzip", type: json });

      // Built css and js: the stored brotli copy for browsers, gzip for gzip-only clients.
      const island = build.islands.PriceChart;
      for (const path of [build.css, island.src, ...island.preload, build.docs.script]) {
        const type = path.endsWith(".css") ? /^text\/css/ : /^text\/javascript/;
        await roundTrip(t, path, BROWSER, { coding: "br", type });
        await roundTrip(t, path, GZIP, { coding: "gzip", type });
      }
      // A static text file without a stored copy is compressed by the outer layer.
      await roundTrip(t, "/static/kdesk.css", BROWSER, { coding: "gzip", type: /^text\/css/ });
    } finally {
      await t.close();
    }
  },
});

Deno.test("[delivery] small bodies, problems, streams and binary types are left as they are", async () => {
  const t = await buildTestApp();
  try {
    const health = await t.app.request("/health", { headers: GZIP });
    assert.equal(health.headers.get("content-encoding"), null, "30 bytes: not worth it");
    assert.match(health.headers.get("vary") ?? "", /accept-encoding/i);
    assert.deepEqual(await health.json(), { status: "ok", sample: true });

    const bad = await t.app.request("/api/v1/company/snapshot?corp_code=1", { headers: GZIP });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get("content-type") ?? "", /^application\/problem\+json/);
    assert.equal((await bad.json()).errors[0].path, "corp_code");

    // A large problem+json is compressed like any JSON.
    const big = new Response(JSON.stringify({ detail: "x".repeat(4000) }), {
      status: 404,
      headers: { "content-type": "application/problem+json; charset=utf-8", etag: '"abc"' },
    });
    const out = await compressResponse(new Request("http://x/", { headers: GZIP }), big);
    assert.equal(out.status, 404);
    assert.equal(out.headers.get("content-encoding"), "gzip");
    assert.equal(out.headers.get("etag"), 'W/"abc"', "a strong ETag becomes weak");
    const text = new TextDecoder().decode(decode(new Uint8Array(await out.arrayBuffer()), "gzip"));
    assert.equal(JSON.parse(text).detail.length, 4000);

    // Untouched: event streams, binary, no-transform, and a body that is not text.
    for (
      const [type, extra] of [
        ["text/event-stream; charset=utf-8", {}],
        ["application/vnd.apache.parquet", {}],
        ["image/png", {}],
        ["text/html; charset=utf-8", { "cache-control": "no-transform" }],
      ] as [string, Record<string, string>][]
    ) {
      const res = new Response("x".repeat(COMPRESS_MIN_BYTES * 4), {
        headers: { "content-type": type, ...extra },
      });
      const same = compressResponse(new Request("http://x/", { headers: GZIP }), res);
      assert.equal(same, res, `${type} ${JSON.stringify(extra)} passes through`);
    }

    // The SSE stream through the whole app: never buffered or compressed.
    const ac = new AbortController();
    const sse = await t.app.request("/api/v1/stream/prices?codes=402760", {
      headers: GZIP,
      signal: ac.signal,
    });
    assert.equal(sse.headers.get("content-encoding"), null);
    ac.abort();
    await sse.body?.cancel().catch(() => {});
  } finally {
    await t.close();
  }
});

Deno.test("[delivery] the hot routes keep their own gzip bytes; a cached snapshot or pipeline page stays synchronous", async () => {
  const t = await buildTestApp();
  try {
    const snap = `http://localhost/api/v1/company/snapshot?corp_code=${t.corpCode}`;
    const pipe = "http://localhost/api/v1/ipo/pipeline";
    for (const url of [snap, pipe]) {
      for (const headers of [GZIP, {}]) {
        await (await t.app.fetch(new Request(url, { headers }))).arrayBuffer(); // fill caches
        const answer = t.app.fetch(new Request(url, { headers }));
        assert.ok(answer instanceof Response, `${url} ${JSON.stringify(headers)}: sync`);
        const res = await answer;
        const expected = "accept-encoding" in headers ? "gzip" : null;
        assert.equal(res.headers.get("content-encoding"), expected);
        assert.equal(res.headers.get("vary"), "accept-encoding", "one Vary, not appended twice");
        await res.body?.cancel();
      }
    }
    // The outer layer never reads `body` of what it passes through: on Deno 2.9 the getter
    // turns a static body into a stream (measured 18–33 µs, and the fast send path is lost).
    for (const headers of [GZIP, {}]) {
      const res = t.app.fetch(new Request(snap, { headers })) as Response;
      const probe = res.clone();
      Object.defineProperty(probe, "body", {
        get: () => assert.fail("compressResponse read the body of a negotiated response"),
      });
      assert.equal(compressResponse(new Request(snap, { headers }), probe), probe);
      await res.body?.cancel();
    }
  } finally {
    await t.close();
  }
});

Deno.test("[delivery] ETag revalidation still answers 304", async () => {
  const t = await buildTestApp({ bundle: true });
  try {
    const build = t.deps.islandBundle as ClientAssets;
    for (const path of [build.css, "/static/kdesk.css", "/api/v1/market/indices"]) {
      const first = await t.app.request(path, { headers: BROWSER });
      assert.equal(first.status, 200, path);
      await first.body?.cancel();
      const etag = first.headers.get("etag");
      assert.ok(etag, `${path} has an ETag`);
      const again = await t.app.request(path, { headers: { ...BROWSER, "if-none-match": etag } });
      assert.equal(again.status, 304, path);
      assert.equal(again.body, null);
    }
  } finally {
    await t.close();
  }
});

Deno.test("[delivery] stored copies: a file the build did not compress is sent as it is", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/build`);
    const js = "export const x = 1;\n".repeat(200);
    await Deno.writeTextFile(`${root}/build/island-X-ABCD1234.js`, js);
    await Deno.writeFile(`${root}/build/island-X-ABCD1234.js.gz`, zlib.gzipSync(js));
    const app = assetRoutes({ root: new URL(`file://${root}/`) });
    const br = await app.request("/static/build/island-X-ABCD1234.js", { headers: BROWSER });
    assert.equal(br.headers.get("content-encoding"), null, "no .br stored: identity");
    assert.equal(await br.text(), js);
    const gz = await app.request("/static/build/island-X-ABCD1234.js", { headers: GZIP });
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    const bytes = new Uint8Array(await gz.arrayBuffer());
    assert.equal(new TextDecoder().decode(decode(bytes, "gzip")), js);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("[delivery] Accept-Encoding negotiation honours q-values and *", () => {
  const both = ["br", "gzip"] as const;
  assert.equal(chooseCoding("gzip, deflate, br, zstd", both), "br");
  assert.equal(chooseCoding("gzip", both), "gzip");
  assert.equal(chooseCoding("br;q=0, gzip", both), "gzip");
  assert.equal(chooseCoding("gzip;q=0.5, br;q=0.2", both), "gzip");
  assert.equal(chooseCoding("GZIP ; Q=1", both), "gzip");
  assert.equal(chooseCoding("*", both), "br");
  assert.equal(chooseCoding("*;q=0", both), null);
  assert.equal(chooseCoding("identity", both), null);
  assert.equal(chooseCoding("", both), null);
  assert.equal(chooseCoding(null, both), null);
  assert.equal(chooseCoding("gzip;q=0", ["gzip"]), null);
});
