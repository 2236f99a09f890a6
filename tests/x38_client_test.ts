/**
 * The 38 client: off means no request at all; at most one request per second (queued calls
 * wait on a fake clock); answers cached by URL for the TTL; HTTP errors typed; pages decoded
 * from EUC-KR and parsed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { X38Client, X38DisabledError, X38HttpError } from "../lib/sources/x38/mod.ts";

const fixture = (name: string) => Deno.readFile(new URL(`./fixtures/x38/${name}`, import.meta.url));

/** A fake clock: `sleep` advances it; `log` records when each fetch started and its URL. */
function rig(opts: { status?: number } = {}) {
  let t = 1_000_000;
  const log: { at: number; url: string }[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    log.push({ at: t, url });
    if (opts.status) return new Response("<html>err</html>", { status: opts.status });
    const name = url.includes("o=v")
      ? "detail_v_2395.html"
      : url.includes("o=r1")
      ? "demand_r1.html"
      : url.includes("o=nw")
      ? "new_listings_nw.html"
      : "list_k.html";
    return new Response(await fixture(name), {
      headers: { "content-type": "text/html; charset=euc-kr" },
    });
  }) as typeof fetch;
  return {
    log,
    now: () => t,
    sleep: (ms: number) => {
      t += ms;
      return Promise.resolve();
    },
    advance: (ms: number) => (t += ms),
    fetch: fetchFn,
  };
}

Deno.test("disabled: no method calls fetch", async () => {
  let calls = 0;
  const c = new X38Client({
    enabled: false,
    fetch: (() => {
      calls++;
      return Promise.resolve(new Response(""));
    }) as typeof fetch,
  });
  await assert.rejects(c.list(), X38DisabledError);
  await assert.rejects(c.detail("2395"), X38DisabledError);
  await assert.rejects(c.demandResults(), X38DisabledError);
  await assert.rejects(c.newListings(), X38DisabledError);
  await assert.rejects(c.page("/html/fund/?o=k"), X38DisabledError);
  assert.equal(calls, 0);
  assert.equal(c.requests, 0);
});

Deno.test("at most one request per second, in call order; base URL and paths", async () => {
  const r = rig();
  const c = new X38Client({
    enabled: true,
    baseUrl: "http://127.0.0.1:9/",
    fetch: r.fetch,
    now: r.now,
    sleep: r.sleep,
  });
  const [list, detail, r1, nw] = await Promise.all([
    c.list(1),
    c.detail("2395"),
    c.demandResults(2),
    c.newListings(),
  ]);
  assert.equal(list.rows.length, 4);
  assert.equal(detail.name, "한울바이오텍");
  assert.equal(r1.rows.length, 3);
  assert.equal(nw.rows[0].first_close, 27_800);
  assert.deepEqual(r.log.map((l) => l.url), [
    "http://127.0.0.1:9/html/fund/?o=k&page=1",
    "http://127.0.0.1:9/html/fund/?o=v&no=2395&l=&page=1",
    "http://127.0.0.1:9/html/fund/index.htm?o=r1&page=2",
    "http://127.0.0.1:9/html/fund/index.htm?o=nw&page=1",
  ]);
  const gaps = r.log.slice(1).map((l, i) => l.at - r.log[i].at);
  assert.deepEqual(gaps, [1000, 1000, 1000]);
  // A request long after the last one does not wait.
  r.advance(5000);
  const before = r.now();
  await c.list(2);
  assert.equal(r.log.at(-1)!.at, before);
});

Deno.test("cache by URL with a TTL", async () => {
  const r = rig();
  const c = new X38Client({
    enabled: true,
    baseUrl: "http://127.0.0.1:9",
    fetch: r.fetch,
    now: r.now,
    sleep: r.sleep,
    cacheTtlMs: 60_000,
  });
  await c.detail("2395");
  await c.detail("2395");
  await Promise.all([c.list(), c.list()]);
  assert.equal(c.requests, 2, "one fetch per URL while fresh, also for concurrent calls");
  // The detail was fetched at t0; waiting for the rate limit moved the clock to t0 + 1 s.
  r.advance(58_000);
  await c.detail("2395");
  assert.equal(c.requests, 2, "59 s old: still fresh");
  r.advance(2_000);
  await c.detail("2395");
  assert.equal(c.requests, 3, "refetched after the TTL");
});

Deno.test("HTTP errors are typed and not cached; bad ids refused before any request", async () => {
  const r = rig({ status: 503 });
  const c = new X38Client({ enabled: true, fetch: r.fetch, now: r.now, sleep: r.sleep });
  await assert.rejects(c.list(), (e) => e instanceof X38HttpError && e.status === 503);
  await assert.rejects(c.list(), X38HttpError);
  assert.equal(r.log.length, 2);
  await assert.rejects(c.detail("../etc"), RangeError);
  assert.equal(r.log.length, 2);
});
