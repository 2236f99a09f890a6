/**
 * The HTTP guards of the routes that take a body or change state:
 *
 * - bodies over a route's limit are refused with 413 while streaming, before parsing: a
 *   declared length over the limit reads nothing, a chunked or lying one stops a chunk past
 *   the limit (counted at the source stream), over real HTTP too;
 * - anonymous export creation is limited to 10 per minute per client (429 + Retry-After),
 *   X-Forwarded-For believed only behind a configured proxy;
 * - cross-site requests: JSON routes take only application/json (415), the export form
 *   only same-site posts (403);
 * - pages carry CSP, frame protection and nosniff;
 * - strangers' failed admin attempts cannot lock the valid token out.
 */
import assert from "node:assert/strict";
import type { Hono } from "hono";
import { loadConfig } from "../config.ts";
import { loadSampleData } from "../lib/etl/sample.ts";
import { SlidingWindowLimiter } from "../lib/http/rate_limit.ts";
import { AdminGuard } from "../lib/jobs/admin.ts";
import { configureLog } from "../lib/log.ts";
import type { JobsContext, JobsDart } from "../lib/jobs/runtime.ts";
import { listExportJobs } from "../lib/store/exports.ts";
import { latestBarDay } from "../lib/store/market.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { createApp } from "../routes/app.ts";
import { clientKey } from "../routes/client.ts";

const ADMIN = "guard-admin-token-0123456789abcdef0123";
const INGEST = "guard-ingest-token-0123456789abcdef012";
const EXPORTS = "/api/v1/backtest/exports";

interface Rig {
  app: Hono;
  kv: Deno.Kv;
  day: string;
  /** app.fetch as a request from `addr` (what Deno.serve passes as the handler's info). */
  from(addr: string, path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

async function rig(env: Record<string, string> = {}): Promise<Rig> {
  configureLog({ level: "error", sink: () => {} });
  const kv = await Deno.openKv(":memory:");
  await loadSampleData(kv);
  const config = loadConfig({
    KDESK_KV_PATH: ":memory:",
    KDESK_SAMPLE: "on",
    ADMIN_TOKEN: ADMIN,
    INGEST_TOKEN: INGEST,
    ...env,
  });
  const jobs: JobsContext = {
    kv,
    dart: {} as JobsDart,
    now: () => new Date(),
    sample: false,
    backoffSchedule: [],
    probes: [],
  };
  const snapshots = new SnapshotCache(kv);
  const app = createApp({ kv, config, snapshots, islandBundle: null, jobs });
  const day = (await latestBarDay(kv))!;
  return {
    app,
    kv,
    day,
    from: (addr, path, init) =>
      Promise.resolve(
        app.fetch(new Request(`http://localhost${path}`, init), {
          remoteAddr: { hostname: addr, port: 40000, transport: "tcp" },
        }),
      ),
    close: async () => {
      await snapshots.close();
      kv.close();
    },
  };
}

/** A body stream of `total` bytes in `chunk`-byte pieces that counts what was pulled. */
function countingStream(total: number, chunk = 16 * 1024, byte = 0x20) {
  let pulled = 0;
  const piece = new Uint8Array(chunk).fill(byte);
  const stream = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (pulled >= total) return ctl.close();
      const n = Math.min(chunk, total - pulled);
      pulled += n;
      ctl.enqueue(n === chunk ? piece.slice() : piece.slice(0, n));
    },
  });
  return { stream, pulled: () => pulled };
}

const exportBody = (day: string) =>
  JSON.stringify({ market_code: "KONEX", date_from: day, date_to: day });

async function problemOf(res: Response, status: number) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const p = await res.json();
  assert.equal(p.status, status);
  return p;
}

// ------------------------------------------------------------------------------------------
// 413 before reading past the limit
// ------------------------------------------------------------------------------------------

Deno.test("[guard] a body over the limit is 413 problem+json, read no further than the limit", async () => {
  const t = await rig();
  try {
    const MB = 1024 * 1024;
    // chunked (no Content-Length): 100 MB offered, the read stops at the chunk that passes
    // 16 KiB (a stream also buffers one chunk ahead by itself: limit + 2 chunks at most)
    const big = countingStream(100 * MB);
    const res = await t.from("10.0.0.1", EXPORTS, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big.stream,
    });
    const p = await problemOf(res, 413);
    assert.match(p.detail, /limit of 16384 bytes/);
    assert.ok(big.pulled() <= 16 * 1024 + 2 * 16 * 1024, `pulled ${big.pulled()} bytes`);

    // a lying Content-Length (says 100, sends 100 MB): counted all the same
    const liar = countingStream(100 * MB);
    await problemOf(
      await t.from("10.0.0.1", EXPORTS, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": "100" },
        body: liar.stream,
      }),
      413,
    );
    assert.ok(liar.pulled() <= 48 * 1024, `pulled ${liar.pulled()} bytes`);

    // a declared length over the limit: refused before a byte is read
    const declared = countingStream(100 * MB);
    await problemOf(
      await t.from("10.0.0.1", EXPORTS, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(100 * MB) },
        body: declared.stream,
      }),
      413,
    );
    assert.ok(declared.pulled() <= 16 * 1024, `pulled ${declared.pulled()} bytes`);

    // per-route limits: admin commands 4 KiB, tick batches 1 MiB (and no more)
    const admin = countingStream(MB);
    await problemOf(
      await t.from("10.0.0.1", "/api/dart/admin/backfill", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: admin.stream,
      }),
      413,
    );
    assert.ok(admin.pulled() <= 4 * 1024 + 2 * 16 * 1024, `pulled ${admin.pulled()} bytes`);
    const ticks = countingStream(100 * MB, 64 * 1024);
    await problemOf(
      await t.from("10.0.0.1", "/api/v1/ticks", {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/json" },
        body: ticks.stream,
      }),
      413,
    );
    assert.ok(ticks.pulled() <= MB + 2 * 64 * 1024, `pulled ${ticks.pulled()} bytes`);
    // ... while a 900 KB batch (under 1 MiB) is read and stored
    const tick = {
      code: "402760",
      price: 51_000,
      change: 0,
      change_rate: 0,
      volume: 10,
      cum_volume: 100,
      time: Date.parse("2026-11-24T01:00:00Z"),
      side: "buy",
      best_bid: 50_950,
      best_ask: 51_000,
      open: 51_000,
      high: 51_000,
      low: 51_000,
      simulated: true,
    };
    const padded = `{"source":"t","ticks":[${JSON.stringify(tick)}]${" ".repeat(900 * 1024)}}`;
    const ok = await t.from("10.0.0.1", "/api/v1/ticks", {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/json" },
      body: padded,
    });
    assert.equal(ok.status, 202, await ok.text());

    // a wrong ingest token is refused before the body is read at all
    const anon = countingStream(100 * MB);
    await problemOf(
      await t.from("10.0.0.1", "/api/v1/ticks", {
        method: "POST",
        headers: { authorization: "Bearer nope", "content-type": "application/json" },
        body: anon.stream,
      }),
      401,
    );
    // (a ReadableStream buffers one chunk by itself as it is made: nothing past that)
    assert.ok(anon.pulled() <= 16 * 1024, `pulled ${anon.pulled()} bytes`);

    // the form route: 413 as a Korean page
    const form = countingStream(10 * MB);
    const page = await t.from("10.0.0.1", "/exports", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://localhost",
      },
      body: form.stream,
    });
    assert.equal(page.status, 413);
    assert.match(await page.text(), /양식 데이터가 너무 큽니다/);
    assert.ok(form.pulled() <= 48 * 1024, `pulled ${form.pulled()} bytes`);
    assert.equal((await listExportJobs(t.kv)).length, 0, "nothing was created");
  } finally {
    await t.close();
  }
});

Deno.test("[guard] over real HTTP: five concurrent 100 MB uploads are cut short with 413", async () => {
  const t = await rig();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    t.app.fetch,
  );
  try {
    const MB = 1024 * 1024;
    const uploads = Array.from({ length: 5 }, () => countingStream(100 * MB, 64 * 1024));
    const answers = await Promise.all(uploads.map(async (u) => {
      const res = await fetch(`http://127.0.0.1:${server.addr.port}${EXPORTS}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: u.stream,
      }).catch((e) => e as Error);
      if (res instanceof Error) return { status: 0, error: res.message };
      return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
    }));
    for (const [i, a] of answers.entries()) {
      assert.equal(a.status, 413, JSON.stringify(a));
      assert.match(String(a.type), /problem\+json/);
      // the server stopped reading: the client could not push the 100 MB through
      assert.ok(uploads[i].pulled() < 50 * MB, `upload ${i}: ${uploads[i].pulled()} bytes pulled`);
    }
  } finally {
    await server.shutdown();
    await t.close();
  }
});

// ------------------------------------------------------------------------------------------
// 10 exports per minute per client
// ------------------------------------------------------------------------------------------

Deno.test("[guard] export creation: 10 per minute per client, then 429 with Retry-After", async () => {
  const t = await rig();
  try {
    const post = (addr: string, body = exportBody(t.day), headers: Record<string, string> = {}) =>
      t.from(addr, EXPORTS, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    // invalid requests create nothing and do not count
    for (let i = 0; i < 5; i++) {
      const bad = await post("203.0.113.7", '{"market_code":"NOPE"}');
      assert.equal(bad.status, 400);
      await bad.body?.cancel();
    }
    for (let i = 0; i < 10; i++) {
      const ok = await post("203.0.113.7");
      assert.equal(ok.status, 202, `export ${i + 1}`);
      await ok.body?.cancel();
    }
    // the 11th, also with a forged X-Forwarded-For (no trusted proxy: ignored)
    const over = await post("203.0.113.7", undefined, { "x-forwarded-for": "198.51.100.1" });
    const p = await problemOf(over, 429);
    assert.match(p.detail, /at most 10 per minute/);
    const retry = Number(over.headers.get("retry-after"));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    // the form shares the budget: a Korean page, 429, Retry-After
    const form = await t.from("203.0.113.7", "/exports", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" },
      body: new URLSearchParams({ market_code: "KONEX", date_from: t.day, date_to: t.day }),
    });
    assert.equal(form.status, 429);
    assert.ok(Number(form.headers.get("retry-after")) >= 1);
    assert.match(await form.text(), /1분에 10건까지/);
    assert.equal((await listExportJobs(t.kv)).length, 10);
    // another client is not affected
    const other = await post("203.0.113.8");
    assert.equal(other.status, 202);
    await other.body?.cancel();
    // one IPv6 /64 is one client
    for (let i = 0; i < 10; i++) {
      const ok = await post(`2001:db8:1:2::${i + 1}`);
      assert.equal(ok.status, 202);
      await ok.body?.cancel();
    }
    await problemOf(await post("2001:db8:1:2:ffff::9"), 429);
  } finally {
    await t.close();
  }
});

Deno.test("[guard] behind a trusted proxy the client is X-Forwarded-For's entry the proxy added", async () => {
  const t = await rig({ TRUSTED_PROXY_HOPS: "1" });
  try {
    const post = (xff: string) =>
      t.from("127.0.0.1", EXPORTS, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": xff },
        body: exportBody(t.day),
      });
    // a client rotating what it writes in front gets nowhere: the proxy appends the real one
    for (let i = 0; i < 10; i++) {
      const ok = await post(`10.${i}.0.1, 192.0.2.10`);
      assert.equal(ok.status, 202);
      await ok.body?.cancel();
    }
    await problemOf(await post("10.99.0.1, 192.0.2.10"), 429);
    const other = await post("192.0.2.11");
    assert.equal(other.status, 202, "a different client behind the same proxy");
    await other.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("[guard] the sliding window: at most `limit` in any window, Retry-After to the slot", () => {
  let now = 1_000_000;
  const l = new SlidingWindowLimiter({ limit: 3, windowMs: 60_000, now: () => now, maxKeys: 4 });
  assert.ok(l.take("a").ok && l.take("a").ok);
  now += 30_000;
  assert.ok(l.take("a").ok);
  const v = l.take("a");
  assert.ok(!v.ok && v.retryAfterMs === 30_000, JSON.stringify(v));
  now += 30_000; // the first two left the window
  assert.ok(l.take("a").ok && l.take("a").ok);
  assert.ok(!l.take("a").ok);
  l.refund("a");
  assert.ok(l.take("a").ok, "a refunded slot is free again");
  for (const k of ["b", "c", "d", "e", "f"]) l.take(k);
  assert.ok(l.size <= 4, `bounded: ${l.size} keys`);
  assert.equal(clientKey("::ffff:192.0.2.1"), "192.0.2.1");
  assert.equal(clientKey("2001:db8:0:1:2:3:4:5"), clientKey("2001:0db8::1:ffff:ffff:ffff:ffff"));
  assert.notEqual(clientKey("2001:db8:0:1::5"), clientKey("2001:db8:0:2::5"));
  assert.equal(clientKey("x".repeat(500)).length, 64);
});

// ------------------------------------------------------------------------------------------
// cross-site requests
// ------------------------------------------------------------------------------------------

Deno.test("[guard] cross-site: text/plain to a JSON route is 415; a foreign form post is 403", async () => {
  const t = await rig();
  try {
    // what <form enctype="text/plain"> or a no-preflight fetch() from another site sends
    const plain = await t.from("198.51.100.5", EXPORTS, {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8", origin: "https://evil.example" },
      body: exportBody(t.day),
    });
    const p = await problemOf(plain, 415);
    assert.match(p.detail, /application\/json/);
    for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const r = await t.from("198.51.100.5", EXPORTS, {
        method: "POST",
        headers: { "content-type": type },
        body: exportBody(t.day),
      });
      await problemOf(r, 415);
    }
    const form = new URLSearchParams({ market_code: "KONEX", date_from: t.day, date_to: t.day });
    for (
      const headers of <Record<string, string>[]> [
        { origin: "https://evil.example" },
        { "sec-fetch-site": "cross-site" },
        { origin: "null" },
        { origin: "https://localhost.evil.example", host: "localhost" },
        {}, // neither header: not a browser form of ours
      ]
    ) {
      const r = await t.from("198.51.100.5", "/exports", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: form,
      });
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.match(await r.text(), /다른 사이트에서 보낸 요청/);
    }
    assert.equal((await listExportJobs(t.kv)).length, 0, "no cross-site export was created");
    // this site's own form: Origin, or only Sec-Fetch-Site (an origin behind a TLS proxy)
    const ours: Record<string, string>[] = [
      { origin: "http://localhost" },
      { "sec-fetch-site": "same-origin" },
      // behind a TLS proxy: the page was https://, the server sees http://; Host matches
      { origin: "https://localhost", host: "localhost" },
    ];
    for (const headers of ours) {
      const ok = await t.from("198.51.100.5", "/exports", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: form,
      });
      assert.equal(ok.status, 303, JSON.stringify(headers));
    }
  } finally {
    await t.close();
  }
});

Deno.test("[guard] pages send CSP, frame protection and nosniff; API JSON keeps its own headers", async () => {
  const t = await rig();
  try {
    for (
      const path of [
        "/",
        "/market",
        "/ipo",
        "/ipo/calendar",
        "/exports",
        "/ops",
        "/api/docs",
        "/company",
        "/nope",
      ]
    ) {
      const res = await t.from("10.0.0.2", path);
      const html = await res.text();
      const csp = res.headers.get("content-security-policy") ?? "";
      assert.match(csp, /(^|; )script-src 'self'(;|$)/, `${path}: ${csp}`);
      assert.match(csp, /(^|; )style-src 'self'(;|$)/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /object-src 'none'/, path);
      assert.equal(res.headers.get("x-frame-options"), "DENY", path);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
      // nothing inline that the policy would block
      assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, `${path}: inline script`);
      assert.doesNotMatch(html, /<style[\s>]/, `${path}: inline <style>`);
      assert.doesNotMatch(html, /\son[a-z]+=/, `${path}: inline event handler`);
    }
    const api = await t.from("10.0.0.2", "/api/v1/market/indices");
    assert.equal(api.headers.get("content-security-policy"), null);
    await api.body?.cancel();
  } finally {
    await t.close();
  }
});

// ------------------------------------------------------------------------------------------
// admin lock-out
// ------------------------------------------------------------------------------------------

Deno.test("[guard] 30+ bad admin attempts throttle the attacker, never the valid token", async () => {
  const t = await rig();
  try {
    const path = "/api/ops/dead-letters/3f1c2a4e-1111-4222-8333-944455556666/drop";
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 40; i++) {
      const headers: Record<string, string> = i % 2 ? { authorization: `Bearer guess-${i}` } : {};
      last = await t.from("192.0.2.66", path, { method: "POST", headers });
      statuses.push(last.status);
      if (i < 39) await last.body?.cancel();
    }
    // the operator, from elsewhere and even from the attacker's own address, gets through
    for (const addr of ["192.0.2.1", "192.0.2.66"]) {
      const ok = await t.from(addr, path, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      const body = await problemOf(ok, 404); // authorized: the dead letter just is not there
      assert.match(body.detail, /No dead letter/);
    }
    // the attacker: 10 honest refusals a minute, then 429 with Retry-After
    assert.ok(statuses.slice(0, 10).every((s) => s === 401 || s === 403), statuses.join(","));
    assert.ok(statuses.slice(10).every((s) => s === 429), statuses.join(","));
    const p = await problemOf(last!, 429);
    assert.match(p.detail, /failed admin attempts/);
    const retry = Number(last!.headers.get("retry-after"));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);

    // a stranger on another address still gets an honest 401, not the attacker's 429
    const stranger = await t.from("192.0.2.2", path, { method: "POST" });
    await problemOf(stranger, 401);
  } finally {
    await t.close();
  }
});

Deno.test("[guard] the valid token keeps its own budget (30 a minute), failures do not spend it", () => {
  let now = 0;
  const g = new AdminGuard("tok", { now: () => now });
  for (let i = 0; i < 100; i++) g.check("Bearer wrong", `10.0.${i >> 8}.${i & 255}`);
  for (let i = 0; i < 30; i++) assert.deepEqual(g.check("Bearer tok", "10.0.0.1"), { ok: true });
  const over = g.check("Bearer tok", "10.0.0.1");
  assert.ok(!over.ok && over.status === 429 && over.retryAfterS === 60);
  now += 60_000;
  assert.deepEqual(g.check("Bearer tok", "10.0.0.1"), { ok: true });
});
