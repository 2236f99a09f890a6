/**
 * Tests of the fetch layer (`lib/http`): retries, timeouts, backoff, circuit breaker,
 * KV rate limiter and secret masking, against fake servers on 127.0.0.1.
 *
 * @module
 */

import assert from "node:assert/strict";
import { configureLog, type Level } from "../lib/log.ts";
import {
  CircuitBreaker,
  CircuitOpenError,
  HttpClient,
  type HttpClientOptions,
  HttpError,
  HttpStatusError,
  KvRateLimiter,
  NetworkError,
  QuotaExceededError,
  TimeoutError,
} from "../lib/http/mod.ts";

// --- helpers ---------------------------------------------------------------------------

/** `atEnd` registers a cleanup run before the server shuts down (releases hung handlers). */
type Handler = (
  req: Request,
  call: number,
  atEnd: (fn: () => void) => void,
) => Response | Promise<Response>;

/** Runs `fn` against a fake server on 127.0.0.1 and always shuts it down. */
async function withServer(
  handler: Handler,
  fn: (base: string, calls: () => number) => Promise<void>,
): Promise<void> {
  let calls = 0;
  const cleanups: (() => void)[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => handler(req, ++calls, (fn) => cleanups.push(fn)),
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, () => calls);
  } finally {
    for (const cleanup of cleanups) cleanup();
    await server.shutdown();
  }
}

/** A response that only comes when the test ends (long after the client timed out). */
const hang: Handler = (_req, _call, atEnd) =>
  new Promise((resolve) => atEnd(() => resolve(new Response("late"))));

/** Captures log lines until `restore()`; the default sink writes to stderr. */
function captureLog(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  configureLog({ level: "debug", sink: (line: string, _level: Level) => lines.push(line) });
  return {
    lines,
    restore: () =>
      configureLog({
        level: "info",
        // deno-lint-ignore no-console
        sink: (line) => console.error(line),
      }),
  };
}

/** A sleep that records the requested delays and returns at once. */
function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: (ms) => (delays.push(ms), Promise.resolve()) };
}

function client(opts: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    source: "test",
    breaker: new CircuitBreaker({ failureThreshold: 100 }),
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    timeoutMs: 2_000,
    ...opts,
  });
}

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function rejects<T extends Error>(
  p: Promise<unknown>,
  cls: new (...args: never[]) => T,
): Promise<T> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${err}`);
    return err;
  }
  assert.fail(`expected ${cls.name}, but it resolved`);
}

// --- retries -----------------------------------------------------------------------------

Deno.test("retries a 500 then succeeds", async () => {
  const log = captureLog();
  try {
    await withServer(
      (_req, n) => n === 1 ? new Response("boom", { status: 500 }) : new Response("ok"),
      async (base, calls) => {
        const res = await client().request(`${base}/x`);
        assert.equal(res.status, 200);
        assert.equal(new TextDecoder().decode(res.body), "ok");
        assert.equal(res.attempts, 2);
        assert.equal(calls(), 2);
        assert.equal(res.url, `${base}/x`);
        assert.ok(res.elapsedMs >= 0);
        assert.equal(log.lines.length, 1);
        assert.match(log.lines[0], /"level":"warn"/);
        assert.match(log.lines[0], /"status":500/);
      },
    );
  } finally {
    log.restore();
  }
});

Deno.test("persistent 500 -> HttpStatusError after retries + 1 attempts", async () => {
  const log = captureLog();
  try {
    await withServer(() => new Response("x".repeat(500), { status: 503 }), async (base, calls) => {
      const err = await rejects(client({ retries: 2 }).request(`${base}/`), HttpStatusError);
      assert.equal(err.status, 503);
      assert.equal(err.bodySnippet, "x".repeat(200));
      assert.equal(err.source, "test");
      assert.equal(calls(), 3);
      assert.equal(log.lines.length, 3);
    });
  } finally {
    log.restore();
  }
});

Deno.test("no retry on 404", async () => {
  const log = captureLog();
  try {
    await withServer(() => new Response("nope", { status: 404 }), async (base, calls) => {
      const c = client();
      const err = await rejects(c.request(`${base}/missing`), HttpStatusError);
      assert.equal(err.status, 404);
      assert.equal(err.bodySnippet, "nope");
      assert.equal(calls(), 1);
      assert.equal(c.breaker.snapshot().failures, 0);
    });
  } finally {
    log.restore();
  }
});

Deno.test("429 with Retry-After is honoured (and capped)", async () => {
  const log = captureLog();
  try {
    await withServer(
      (_req, n) =>
        n === 1
          ? new Response("slow down", { status: 429, headers: { "retry-after": "2" } })
          : n === 2
          ? new Response("slow down", { status: 429, headers: { "retry-after": "120" } })
          : new Response("ok"),
      async (base, calls) => {
        const { delays, sleep } = recordingSleep();
        const res = await client({ sleep, maxDelayMs: 10_000 }).request(`${base}/`);
        assert.equal(res.status, 200);
        assert.equal(calls(), 3);
        assert.deepEqual(delays, [2_000, 10_000]);
      },
    );
  } finally {
    log.restore();
  }
});

Deno.test("POST body and headers are sent on every attempt", async () => {
  const log = captureLog();
  const bodies: string[] = [];
  try {
    await withServer(async (req, n) => {
      bodies.push(`${req.method} ${req.headers.get("content-type")} ${await req.text()}`);
      return n === 1 ? new Response("", { status: 502 }) : new Response("done");
    }, async (base) => {
      const res = await client().request(`${base}/form`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=1&b=2",
      });
      assert.equal(res.status, 200);
    });
    assert.deepEqual(bodies, [
      "POST application/x-www-form-urlencoded a=1&b=2",
      "POST application/x-www-form-urlencoded a=1&b=2",
    ]);
  } finally {
    log.restore();
  }
});

// --- timeouts and network errors ------------------------------------------------------

Deno.test("timeout -> TimeoutError, then retry succeeds", async () => {
  const log = captureLog();
  try {
    await withServer(
      (req, n, atEnd) => n === 1 ? hang(req, n, atEnd) : new Response("ok"),
      async (base, calls) => {
        const res = await client({ timeoutMs: 100 }).request(`${base}/slow`);
        assert.equal(res.status, 200);
        assert.equal(res.attempts, 2);
        assert.equal(calls(), 2);
        assert.match(log.lines[0], /TimeoutError/);
      },
    );
  } finally {
    log.restore();
  }
});

Deno.test("timeout on every attempt -> TimeoutError", async () => {
  const log = captureLog();
  try {
    await withServer(hang, async (base, calls) => {
      const err = await rejects(
        client({ timeoutMs: 80, retries: 1 }).request(`${base}/slow`),
        TimeoutError,
      );
      assert.equal(err.timeoutMs, 80);
      assert.equal(calls(), 2);
    });
  } finally {
    log.restore();
  }
});

Deno.test("timeout also covers a body that stalls", async () => {
  const log = captureLog();
  try {
    await withServer((_req, _n, atEnd) => {
      const body = new ReadableStream<Uint8Array>({
        start(ctrl) {
          ctrl.enqueue(new TextEncoder().encode("partial"));
          // never finishes on its own; closed when the test ends
          atEnd(() => {
            try {
              ctrl.close();
            } catch { /* already cancelled */ }
          });
        },
      });
      return new Response(body);
    }, async (base, calls) => {
      await rejects(client({ timeoutMs: 100, retries: 0 }).request(`${base}/`), TimeoutError);
      assert.equal(calls(), 1);
    });
  } finally {
    log.restore();
  }
});

Deno.test("caller abort is rethrown without retry", async () => {
  const log = captureLog();
  try {
    await withServer(hang, async (base, calls) => {
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(new Error("caller gave up")), 50);
      try {
        await assert.rejects(
          client({ timeoutMs: 5_000 }).request(`${base}/`, { signal: ac.signal }),
          /caller gave up/,
        );
      } finally {
        clearTimeout(t);
      }
      assert.equal(calls(), 1);
    });
  } finally {
    log.restore();
  }
});

Deno.test("connection refused -> NetworkError after retries", async () => {
  const log = captureLog();
  try {
    const port = closedPort();
    const { delays, sleep } = recordingSleep();
    const err = await rejects(
      client({ retries: 2, sleep }).request(`http://127.0.0.1:${port}/`),
      NetworkError,
    );
    assert.ok(err instanceof HttpError);
    assert.equal(delays.length, 2);
    assert.equal(log.lines.length, 3);
  } finally {
    log.restore();
  }
});

// --- backoff ------------------------------------------------------------------------------

Deno.test("backoff grows exponentially with full jitter, capped", async () => {
  const log = captureLog();
  try {
    await withServer(() => new Response("", { status: 500 }), async (base, calls) => {
      const { delays, sleep } = recordingSleep();
      const randoms = [0.5, 0.5, 0.5, 0.5, 0.25];
      const c = client({
        retries: 5,
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        sleep,
        random: () => randoms.shift()!,
      });
      await rejects(c.request(`${base}/`), HttpStatusError);
      assert.equal(calls(), 6);
      // caps: 100, 200, 400, 800, 1000 (max) — times the jitter factors.
      assert.deepEqual(delays, [50, 100, 200, 400, 250]);
    });
    // defaults: base 500 ms, max 10 000 ms
    const { delays, sleep } = recordingSleep();
    const port = closedPort();
    await rejects(
      client({ retries: 5, sleep, random: () => 0.999 }).request(`http://127.0.0.1:${port}/`),
      NetworkError,
    );
    assert.deepEqual(delays, [499, 999, 1998, 3996, 7992]);
  } finally {
    log.restore();
  }
});

// --- circuit breaker ---------------------------------------------------------------------

Deno.test("breaker opens after N failures, rejects without a call, half-opens, closes", async () => {
  const log = captureLog();
  try {
    let now = Date.parse("2026-05-01T00:00:00Z");
    let healthy = false;
    await withServer(
      () => healthy ? new Response("ok") : new Response("", { status: 500 }),
      async (base, calls) => {
        const breaker = new CircuitBreaker({
          failureThreshold: 3,
          cooldownMs: 30_000,
          now: () => now,
        });
        const c = client({ breaker, retries: 0 });
        for (let i = 0; i < 3; i++) await rejects(c.request(`${base}/`), HttpStatusError);
        assert.equal(calls(), 3);
        assert.deepEqual(breaker.snapshot(), {
          state: "open",
          failures: 3,
          opened_at: "2026-05-01T00:00:00.000Z",
        });

        const open = await rejects(c.request(`${base}/`), CircuitOpenError);
        assert.equal(open.retryAt.toISOString(), "2026-05-01T00:00:30.000Z");
        assert.equal(calls(), 3, "no call while open");

        now += 30_000;
        assert.equal(breaker.state, "half-open");
        // failed trial -> open again
        await rejects(c.request(`${base}/`), HttpStatusError);
        assert.equal(calls(), 4);
        assert.equal(breaker.state, "open");
        await rejects(c.request(`${base}/`), CircuitOpenError);
        assert.equal(calls(), 4);

        now += 30_000;
        healthy = true;
        const res = await c.request(`${base}/`);
        assert.equal(res.status, 200);
        assert.equal(calls(), 5);
        assert.deepEqual(breaker.snapshot(), { state: "closed", failures: 0, opened_at: null });
      },
    );
  } finally {
    log.restore();
  }
});

Deno.test("breaker opening mid-retries stops the retries", async () => {
  const log = captureLog();
  try {
    await withServer(() => new Response("", { status: 500 }), async (base, calls) => {
      const breaker = new CircuitBreaker({ failureThreshold: 2 });
      const err = await rejects(
        client({ breaker, retries: 5 }).request(`${base}/`),
        CircuitOpenError,
      );
      assert.equal(calls(), 2);
      assert.ok(err.cause instanceof HttpStatusError);
    });
  } finally {
    log.restore();
  }
});

Deno.test("breaker unit: one half-open trial, 4xx-free counting, release", () => {
  let now = 0;
  const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000, now: () => now });
  assert.equal(b.state, "closed");
  assert.equal(b.retryAt, null);
  b.onFailure();
  b.onSuccess(); // consecutive count resets
  b.onFailure();
  assert.equal(b.state, "closed");
  b.onFailure();
  assert.equal(b.state, "open");
  assert.equal(b.canRequest(), false);
  now = 999;
  assert.equal(b.canRequest(), false);
  now = 1_000;
  assert.equal(b.canRequest(), true, "trial");
  assert.equal(b.canRequest(), false, "only one trial");
  b.release();
  assert.equal(b.canRequest(), true, "released trial can be handed out again");
  now = 2_000; // an abandoned trial expires after the cooldown
  assert.equal(b.canRequest(), true);
  b.onSuccess();
  assert.equal(b.state, "closed");
  assert.equal(b.canRequest(), true);
});

// --- rate limiter --------------------------------------------------------------------------

Deno.test("rate limiter: per-minute window waits for the next minute", async () => {
  using kv = await Deno.openKv(":memory:");
  let now = Date.parse("2026-05-01T03:00:10Z");
  const delays: number[] = [];
  const limiter = new KvRateLimiter(kv, {
    bucket: "dart",
    perDay: 100,
    perMinute: 2,
    now: () => now,
    sleep: (ms) => {
      delays.push(ms);
      now += ms;
      return Promise.resolve();
    },
  });
  await limiter.take();
  await limiter.take();
  assert.deepEqual(delays, []);
  await limiter.take();
  assert.deepEqual(delays, [50_000]);
  assert.deepEqual(await limiter.usage(), {
    day: "2026-05-01",
    used_today: 3,
    per_day: 100,
    used_this_minute: 1,
    per_minute: 2,
  });
});

Deno.test("rate limiter: daily quota (KST day) throws QuotaExceededError, resets at KST midnight", async () => {
  using kv = await Deno.openKv(":memory:");
  // 23:59:30 KST on 2026-05-01
  let now = Date.parse("2026-05-01T14:59:30Z");
  const limiter = new KvRateLimiter(kv, {
    bucket: "dart",
    perDay: 3,
    perMinute: 100,
    now: () => now,
  });
  for (let i = 0; i < 3; i++) await limiter.take();
  const err = await rejects(limiter.take(), QuotaExceededError);
  assert.equal(err.bucket, "dart");
  assert.equal(err.limit, 3);
  assert.equal(err.resetAt.toISOString(), "2026-05-01T15:00:00.000Z");
  assert.equal((await limiter.usage()).day, "2026-05-01");
  now = Date.parse("2026-05-01T15:00:00Z"); // 00:00 KST, 2026-05-02
  await limiter.take();
  assert.deepEqual(await limiter.usage(), {
    day: "2026-05-02",
    used_today: 1,
    per_day: 3,
    used_this_minute: 1,
    per_minute: 100,
  });
});

Deno.test("rate limiter: count persists across instances on the same kv", async () => {
  using kv = await Deno.openKv(":memory:");
  const now = () => Date.parse("2026-05-01T01:00:00Z");
  const a = new KvRateLimiter(kv, { bucket: "dart", perDay: 5, perMinute: 100, now });
  for (let i = 0; i < 4; i++) await a.take();
  const b = new KvRateLimiter(kv, { bucket: "dart", perDay: 5, perMinute: 100, now });
  assert.equal((await b.usage()).used_today, 4);
  await b.take();
  await rejects(b.take(), QuotaExceededError);
  await rejects(a.take(), QuotaExceededError);
  // another bucket is independent
  const other = new KvRateLimiter(kv, { bucket: "krx", perDay: 5, perMinute: 100, now });
  await other.take();
  assert.equal((await other.usage()).used_today, 1);
});

Deno.test("rate limiter: 50 concurrent takes with perDay 20 -> exactly 20 succeed", async () => {
  using kv = await Deno.openKv(":memory:");
  const now = () => Date.parse("2026-05-01T01:00:00Z");
  const limiters = [0, 1].map(() =>
    new KvRateLimiter(kv, { bucket: "dart", perDay: 20, perMinute: 1_000, now })
  );
  const results = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) => limiters[i % 2].take()),
  );
  const ok = results.filter((r) => r.status === "fulfilled").length;
  const quota =
    results.filter((r) => r.status === "rejected" && r.reason instanceof QuotaExceededError).length;
  assert.equal(ok, 20);
  assert.equal(quota, 30);
  assert.equal((await limiters[0].usage()).used_today, 20);
});

Deno.test("client spends one quota per attempt and surfaces QuotaExceededError", async () => {
  const log = captureLog();
  using kv = await Deno.openKv(":memory:");
  try {
    await withServer(() => new Response("", { status: 500 }), async (base, calls) => {
      const limiter = new KvRateLimiter(kv, { bucket: "test", perDay: 3, perMinute: 100 });
      const breaker = new CircuitBreaker({ failureThreshold: 100 });
      const err = await rejects(
        client({ limiter, breaker, retries: 5 }).request(`${base}/q?crtfc_key=SECRETKEY1234567890`),
        QuotaExceededError,
      );
      assert.equal(calls(), 3);
      assert.equal(err.source, "test");
      assert.equal(err.url, `${base}/q?crtfc_key=***`);
      assert.equal((await limiter.usage()).used_today, 3);
    });
  } finally {
    log.restore();
  }
});

// --- secret masking ------------------------------------------------------------------------

Deno.test("secret in the URL appears in no error message and no log line", async () => {
  const secret = "SECRETKEY1234567890";
  const log = captureLog();
  const errors: Error[] = [];
  try {
    await withServer(
      (req) => new Response(`echo ${new URL(req.url).search}`, { status: 500 }),
      async (base) => {
        errors.push(
          await rejects(
            client({ retries: 1 }).request(`${base}/api/list.json?crtfc_key=${secret}&x=1`),
            HttpStatusError,
          ),
        );
      },
    );
    const port = closedPort();
    errors.push(
      await rejects(
        client({ retries: 1 }).request(`http://127.0.0.1:${port}/api?crtfc_key=${secret}`),
        NetworkError,
      ),
    );
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    breaker.onFailure();
    errors.push(
      await rejects(
        client({ breaker }).request(`http://127.0.0.1:${port}/api?crtfc_key=${secret}`),
        CircuitOpenError,
      ),
    );

    assert.equal(errors.length, 3);
    assert.ok(log.lines.length >= 4);
    for (const err of errors) {
      const texts = [
        (err as HttpError).url,
        err instanceof HttpStatusError ? err.bodySnippet : "",
      ];
      // the whole cause chain (Deno's fetch error carries the raw URL in its cause)
      for (let c: unknown = err; c !== undefined; c = (c as Error).cause) {
        texts.push(String(c), String((c as Error).stack));
      }
      for (const t of texts) assert.ok(!t.includes(secret), `secret leaked in: ${t}`);
      assert.match((err as HttpError).url, /crtfc_key=\*\*\*/);
    }
    assert.match((errors[0] as HttpStatusError).bodySnippet, /crtfc_key=\*\*\*/);
    assert.match(errors[1].message, /refused/i);
    for (const line of log.lines) assert.ok(!line.includes(secret), `secret leaked in: ${line}`);
  } finally {
    log.restore();
  }
});
