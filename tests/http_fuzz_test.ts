/**
 * No input produces a 5xx. A seeded fuzz over every route of the app: each parameter of each
 * operation in /api/openapi.json (path, query, header) and of the routes the document does
 * not describe (ops and admin routes, pages, static files) gets a battery of hostile values
 * — empty, 10,000 characters, NUL, malformed percent-encoding, unicode and lone surrogates,
 * `..`, negative/huge/fractional numbers, dates in the wrong format, duplicated and array
 * parameters, SQL/HTML-ish strings — one at a time and then in random combinations, plus
 * hostile bodies on the routes that take one, odd headers, unknown paths and methods.
 * Every answer must be below 500, and every API 4xx must be application/problem+json.
 *
 * Deterministic: the random part is seeded (FUZZ_SEED, default below) and failures print
 * the seed and the exact request line, so `FUZZ_SEED=<n> deno test … http_fuzz_test.ts`
 * reproduces them.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { AdminGuard } from "../lib/jobs/admin.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { createApp } from "../routes/app.ts";
import { withoutParamPatterns } from "../routes/get.ts";
import { SAMPLE_CORP_CODES } from "../sample/dart_sample.ts";
import { jobsRig } from "./jobs_rig_test.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? "20261207");
const ADMIN = "fuzz-admin-token-0123456789abcdef0123";
const INGEST = "fuzz-ingest-token-0123456789abcdef012";

/** mulberry32: a small seeded PRNG, so every run sends the same requests. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LONG = "a".repeat(10_000);
/** Hostile values as decoded strings (sent percent-encoded). */
const VALUES: string[] = [
  "",
  " ",
  "0",
  "-1",
  "1.5",
  "-0",
  "1e309",
  "99999999999999999999999",
  "NaN",
  "Infinity",
  "0x10",
  "..",
  "../../etc/passwd",
  "/",
  "\\",
  "\u0000",
  "a\u0000b",
  "%00",
  "%",
  LONG,
  "가".repeat(5000),
  "😀",
  "\u202e\u200b",
  "2024-01-01",
  "2024-13-45",
  "2024-02-30",
  "20240101",
  "2024/01/01",
  "0000-00-00",
  "9999-12-31",
  "2024-01",
  "12:00",
  "' OR 1=1 --",
  '"; DROP TABLE x; --',
  "<script>alert(1)</script>",
  "${jndi:ldap://x}",
  "[]",
  "{}",
  "null",
  "true",
  "a,b,,c",
  ",,,",
  "__proto__",
  "constructor",
  "00126380",
  "005930",
  "K20260105000011",
  "KOSPI",
  "1Y",
  "MAX",
  "AAAA",
  "AAAAAAAAAAAAAAAAAAAAAAAA",
  "=",
  "?",
  "#",
  "&",
];
/** Hostile values as raw bytes on the wire (not valid, or not what encoding would give). */
const RAW: string[] = [
  "%00",
  "%zz",
  "%",
  "%E0%A4%A",
  "%ED%A0%80",
  "%C0%AF",
  "%2e%2e",
  "%2F",
  "%FF",
];

type Param = { name: string; in: "path" | "query" | "header" };
interface Op {
  method: string;
  /** OpenAPI-style path with `{name}` placeholders. */
  path: string;
  params: Param[];
  /** Valid values for path parameters (so the other parameters reach their validation). */
  examples: Record<string, string>;
  body?: "json" | "form";
  auth?: string;
}

function pathWith(op: Op, sub: Record<string, string>): string {
  return op.path.replace(/\{(\w+)\}/g, (_, n) => sub[n] ?? encodeURIComponent(op.examples[n]));
}

interface Sent {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

Deno.test("[fuzz] no input makes a 5xx; API errors are problem+json", async () => {
  const rnd = prng(SEED);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const r = await jobsRig();
  const config = loadConfig({
    KDESK_KV_PATH: ":memory:",
    KDESK_SAMPLE: "on",
    ADMIN_TOKEN: ADMIN,
    INGEST_TOKEN: INGEST,
  });
  const snapshots = new SnapshotCache(r.kv);
  const app = createApp({
    kv: r.kv,
    config,
    snapshots,
    islandBundle: null,
    jobs: r.ctx,
    // A budget big enough for the fuzz: valid admin requests must reach their validation.
    adminGuard: new AdminGuard(ADMIN, { perMinute: 1_000_000 }),
  });
  const failures: string[] = [];
  let sent = 0;
  let client = 0;
  const send = async (s: Sent) => {
    sent++;
    // Many client addresses, so per-client limits do not hide the routes behind 429s.
    const remoteAddr = { hostname: `10.9.${(client >> 8) & 255}.${client++ & 255}`, port: 1 };
    let res: Response;
    try {
      res = await app.fetch(
        new Request(`http://127.0.0.1${s.url}`, {
          method: s.method,
          headers: s.headers,
          body: s.body,
        }),
        { remoteAddr },
      );
    } catch (e) {
      failures.push(`${s.method} ${s.url.slice(0, 200)}: threw ${(e as Error).message}`);
      return;
    }
    const type = res.headers.get("content-type") ?? "";
    if (type.startsWith("text/event-stream")) await res.body?.cancel();
    else await res.arrayBuffer();
    const line = `${s.method} ${s.url.slice(0, 160)}${s.url.length > 160 ? "…" : ""}` +
      (s.body !== undefined ? ` body=${JSON.stringify(s.body.slice(0, 80))}` : "") +
      (s.headers ? ` headers=${JSON.stringify(s.headers).slice(0, 120)}` : "");
    if (res.status >= 500) failures.push(`${res.status} ${line}`);
    const path = new URL(s.url, "http://127.0.0.1").pathname;
    if (
      path.startsWith("/api/") && path !== "/api/docs" && res.status >= 400 &&
      !type.startsWith("application/problem+json")
    ) {
      failures.push(`${res.status} not problem+json (${type}) ${line}`);
    }
  };

  try {
    // --- the operations: from the OpenAPI document, plus the routes it does not describe ---
    const doc = await (await app.request("/api/openapi.json")).json();
    const corp = SAMPLE_CORP_CODES[0];
    const examples: Record<string, string> = {
      corp_code: corp,
      pipeline_id: "K20260105000011",
      code: "402760",
      rcept_no: "20250320002134",
      date: "2026-11-20",
      index_code: "KOSPI",
      job_id: "17640000000000000a1b2c3",
      name: "instrument_daily.parquet",
      id: "3f1c2a4e-1111-4222-8333-944455556666",
      path: "kdesk.css",
    };
    const ops: Op[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, object>)) {
      for (const [method, o] of Object.entries(item as Record<string, Record<string, unknown>>)) {
        const params = ((o.parameters ?? []) as Param[]).map((p) => ({ name: p.name, in: p.in }));
        ops.push({
          method: method.toUpperCase(),
          path,
          params,
          examples,
          body: o.requestBody ? "json" : undefined,
          auth: path.startsWith("/api/v1/ticks")
            ? INGEST
            : (o.security as unknown[] | undefined)?.length
            ? ADMIN
            : undefined,
        });
      }
    }
    const q = (...names: string[]) => names.map((name) => ({ name, in: "query" as const }));
    const p = (...names: string[]) => names.map((name) => ({ name, in: "path" as const }));
    const undocumented: Op[] = [
      { method: "GET", path: "/health", params: [], examples },
      { method: "GET", path: "/health/sources", params: [], examples },
      { method: "GET", path: "/metrics", params: [], examples },
      { method: "GET", path: "/api/openapi.json", params: [], examples },
      { method: "GET", path: "/api/docs", params: [], examples },
      { method: "GET", path: "/static/{path}", params: p("path"), examples },
      { method: "GET", path: "/favicon.ico", params: [], examples },
      { method: "GET", path: "/ops", params: q("job", "status"), examples },
      {
        method: "GET",
        path: "/api/ops/runs",
        params: q("status", "job", "source", "limit"),
        examples,
      },
      {
        method: "GET",
        path: "/api/ops/issues",
        params: q("severity", "source", "code", "run_id", "limit"),
        examples,
      },
      { method: "GET", path: "/api/ops/schedules", params: [], examples },
      { method: "GET", path: "/api/ops/dead-letters", params: [], examples },
      ...["POST /api/ops/dead-letters/{id}/retry", "POST /api/ops/dead-letters/{id}/drop"]
        .map((l) => ({
          method: l.split(" ")[0],
          path: l.split(" ")[1],
          params: p("id"),
          examples,
          auth: ADMIN,
        })),
      {
        method: "DELETE",
        path: "/api/ops/dead-letters/{id}",
        params: p("id"),
        examples,
        auth: ADMIN,
      },
      { method: "GET", path: "/", params: [], examples },
      { method: "GET", path: "/market", params: q("date"), examples },
      { method: "GET", path: "/company", params: q("q", "page"), examples },
      {
        method: "GET",
        path: "/stock/{code}",
        params: p("code"),
        examples: { ...examples, code: "005930" },
      },
      { method: "GET", path: "/company/{corp_code}", params: p("corp_code"), examples },
      {
        method: "GET",
        path: "/ipo",
        params: q("stage", "market", "from", "to", "underwriter", "q", "flagged", "cursor", "view"),
        examples,
      },
      { method: "GET", path: "/ipo/calendar", params: q("month"), examples },
      {
        method: "GET",
        path: "/ipo/{id}",
        params: p("id"),
        examples: { ...examples, id: "K20260105000011" },
      },
      { method: "GET", path: "/exports", params: q("job"), examples },
      { method: "POST", path: "/exports", params: [], examples, body: "form" },
    ];
    ops.push(...undocumented);

    // Every route the app registers is covered by one of the operations above.
    const covered = new Set(
      ops.map((o) =>
        `${o.method} ${
          o.path.replace("{corp_code}.xlsx", "{file}").replace("/static/{path}", "/static/*")
            .replace(/\{(\w+)\}/g, ":$1")
        }`
      ),
    );
    const routes = new Set(
      app.routes.filter((x) => x.method !== "ALL").map((x) =>
        `${x.method} ${
          withoutParamPatterns(x.path)
            .replace("/api/v1/export/company/:corp_code", "/api/v1/export/company/:file")
        }`
      ),
    );
    const missing = [...routes].filter((x) => !covered.has(x));
    assert.deepEqual(missing, [], "routes without fuzz coverage");

    // --- one hostile parameter at a time (the others absent or valid) ---
    const headersOf = (op: Op, extra?: Record<string, string>) => {
      const h: Record<string, string> = { ...extra };
      if (op.auth) h.authorization = `Bearer ${op.auth}`;
      if (op.body === "json") h["content-type"] = "application/json";
      if (op.body === "form") {
        h["content-type"] = "application/x-www-form-urlencoded";
        h.origin = "http://127.0.0.1";
      }
      return Object.keys(h).length ? h : undefined;
    };
    const bodyOf = (op: Op) =>
      op.body === "json" ? "{}" : op.body === "form" ? "market_code=KOSPI" : undefined;
    const encodedValues = [...VALUES.map(encodeURIComponent), ...RAW];
    for (const op of ops) {
      for (const param of op.params) {
        for (const v of encodedValues) {
          if (param.in === "path") {
            await send({
              method: op.method,
              url: pathWith(op, { [param.name]: v }),
              headers: headersOf(op),
              body: bodyOf(op),
            });
          } else if (param.in === "query") {
            await send({
              method: op.method,
              url: `${pathWith(op, {})}?${param.name}=${v}`,
              headers: headersOf(op),
              body: bodyOf(op),
            });
          }
        }
        if (param.in === "query") {
          // duplicated, array-style, bare and empty-named parameters
          for (
            const qs of [
              `${param.name}=a&${param.name}=b`,
              `${param.name}[]=1&${param.name}[]=2`,
              `${param.name}`,
              `${param.name}=&${param.name}=${encodeURIComponent(LONG)}`,
              `=${param.name}`,
              `${param.name}=1&${param.name}=2&${param.name}=3`,
            ]
          ) {
            await send({
              method: op.method,
              url: `${pathWith(op, {})}?${qs}`,
              headers: headersOf(op),
              body: bodyOf(op),
            });
          }
        }
      }
      // odd headers on every operation
      for (
        const h of <Record<string, string>[]> [
          { "accept-encoding": LONG },
          { "if-none-match": `"${LONG}"` },
          { "if-none-match": "*" },
          { "last-event-id": "-1" },
          { "last-event-id": LONG },
          { accept: "\u00ff" },
          { authorization: `Bearer ${LONG}` },
          { authorization: "Basic Og==" },
          { "content-type": "multipart/form-data; boundary=" },
          { "x-forwarded-for": "1.2.3.4, ::1, garbage" },
        ]
      ) {
        await send({
          method: op.method,
          url: pathWith(op, {}),
          headers: { ...headersOf(op), ...h },
          body: bodyOf(op),
        });
      }
    }

    // --- random combinations: every parameter of an operation hostile at once ---
    for (let i = 0; i < 400; i++) {
      const op = pick(ops.filter((o) => o.params.length));
      const sub: Record<string, string> = {};
      const query: string[] = [];
      for (const param of op.params) {
        if (rnd() < 0.3) continue;
        const v = pick(encodedValues);
        if (param.in === "path") sub[param.name] = v;
        else if (param.in === "query") query.push(`${param.name}=${v}`);
      }
      await send({
        method: op.method,
        url: `${pathWith(op, sub)}${query.length ? `?${query.join("&")}` : ""}`,
        headers: headersOf(op),
        body: bodyOf(op),
      });
    }

    // --- bodies: malformed, hostile values in each property, wrong content types ---
    const nest = "[".repeat(5000) + "]".repeat(5000);
    const props = [
      "job",
      "day",
      "from",
      "to",
      "market_code",
      "index_codes",
      "date_from",
      "date_to",
      "include_issues",
      "output_format",
      "ticks",
      "books",
      "batch_id",
    ];
    for (const op of ops.filter((o) => o.body)) {
      const bodies: string[] = [
        "",
        "{",
        "null",
        "[]",
        '"x"',
        "1e999",
        nest,
        `{"a":"${LONG}"}`,
        '{"__proto__":{"admin":true}}',
        "\u0000",
      ];
      for (const prop of props) {
        for (
          const v of [
            ...VALUES.slice(0, 30),
            -1,
            1.5,
            1e308,
            null,
            true,
            [],
            {},
            [LONG],
            Array(1000).fill("KOSPI"),
          ]
        ) {
          bodies.push(JSON.stringify({ [prop]: v }));
        }
      }
      const form = (b: string) => {
        if (!b.startsWith("{")) return b;
        try {
          const o = JSON.parse(b) as Record<string, unknown>;
          return new URLSearchParams(Object.entries(o).map(([k, v]) => [k, String(v)]))
            .toString();
        } catch {
          return b;
        }
      };
      for (const b of bodies) {
        await send({
          method: op.method,
          url: pathWith(op, {}),
          headers: headersOf(op),
          body: op.body === "json" ? b : form(b),
        });
      }
      for (
        const type of [
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data",
          "application/json; charset=latin1",
          "",
          LONG,
        ]
      ) {
        await send({
          method: op.method,
          url: pathWith(op, {}),
          headers: { ...headersOf(op), "content-type": type },
          body: '{"market_code":"KOSPI"}',
        });
      }
    }

    // --- unknown paths and methods ---
    const unknown = [
      "/api",
      "/api/",
      "/api/nope",
      "/api/v1",
      "/api/v2/company/snapshot",
      "/api/v1/company/snapshot/extra",
      "/api/../etc/passwd",
      "/api/%2e%2e/%2e%2e/etc/passwd",
      "/api/%00",
      "/api/%zz",
      `/api/${LONG}`,
      "//api//v1//company",
      "/api/v1/ipo/%E0%A4%A",
      "/api/dart/admin",
      "/api/dart/admin/nope",
      "/api/krx/admin/nope",
      "/api/ops/dead-letters/x/y/z",
      "/nope",
      `/${LONG}`,
      "/company/",
      "/ipo/",
      "/static/",
      "/static/../deno.json",
      "/static/%2e%2e/deno.json",
      "/static/build/%00.js",
      "/.env",
    ];
    for (const u of unknown) {
      for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]) {
        await send({
          method: m,
          url: u,
          headers: m === "GET" || m === "HEAD" ? undefined : { "content-type": "application/json" },
          body: m === "GET" || m === "HEAD" ? undefined : "{}",
        });
      }
    }
    for (const op of ops) {
      for (const m of ["PUT", "PATCH", "DELETE", "POST", "OPTIONS"]) {
        if (m === op.method) continue;
        await send({
          method: m,
          url: pathWith(op, {}),
          headers: { "content-type": "application/json" },
          body: "{}",
        });
      }
    }

    // --- raw bytes on the wire (what fetch() would never send), through Deno.serve ---
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
    try {
      for (const raw of rawRequests(ADMIN)) {
        sent++;
        const status = await rawStatus(server.addr.port, raw);
        const line = JSON.stringify(new TextDecoder().decode(raw.slice(0, 100)));
        if (status >= 500) failures.push(`${status} RAW ${line}`);
      }
    } finally {
      await server.shutdown();
    }
  } finally {
    await snapshots.close();
    await r.close();
  }
  assert.ok(sent > 5000, `sent ${sent} requests`);
  // One line per distinct failing route and status (the first request of each), at most 60.
  const firsts = new Map<string, string>();
  for (const f of failures) {
    const [status, method, url] = f.split(" ");
    const k = `${status} ${method} ${url.split("?")[0].slice(0, 60)} ${
      url.includes("?") ? url.split("?")[1].split("=")[0] : ""
    }`;
    if (!firsts.has(k)) firsts.set(k, f);
  }
  assert.deepEqual(
    [...firsts.values()].slice(0, 60),
    [],
    `FUZZ_SEED=${SEED}: ${failures.length} of ${sent} requests failed`,
  );
});

/** Requests written byte for byte: raw NUL and non-UTF-8 bytes, odd framing, huge lines. */
function rawRequests(admin: string): Uint8Array[] {
  const enc = new TextEncoder();
  const req = (head: string, body = "") =>
    enc.encode(`${head}\r\nhost: 127.0.0.1\r\nconnection: close\r\n${body}`);
  const bytes = (...parts: (string | number[])[]) => {
    const out: number[] = [];
    for (const p of parts) out.push(...(typeof p === "string" ? enc.encode(p) : p));
    return new Uint8Array(out);
  };
  const tail = "\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n";
  const post = (path: string, headers: string, body: string) =>
    req(`POST ${path} HTTP/1.1`, `${headers}\r\n${body}`);
  const broken = "--zz\r\nbroken\r\n\r\n--zz--\r\n";
  return [
    bytes("GET /api/dart/disclosures?cursor=", [0], " HTTP/1.1", tail),
    bytes("GET /api/v1/company/snapshot?corp_code=", [0xff, 0xfe], " HTTP/1.1", tail),
    bytes("GET /company?q=", [0xea, 0xb0, 0x80], " HTTP/1.1", tail),
    bytes("GET /company/", [0xc0, 0xaf], " HTTP/1.1", tail),
    bytes("GET /api/ops/issues?run_id=", [0x7f, 0x01], " HTTP/1.1", tail),
    bytes(`GET /api/dart/disclosures?cursor=${"A".repeat(20_000)} HTTP/1.1`, tail),
    bytes(`GET /market?date=2024-01-01 HTTP/1.1\r\nx-long: ${"b".repeat(60_000)}`, tail),
    bytes("GET /api/v1/market/days/2024-01-01?market=KOSPI&market=KOSDAQ HTTP/1.1", tail),
    bytes("GET /ipo?stage=%ZZ&from=%00 HTTP/1.1", tail),
    post(EXPORTS_PATH, "content-type: application/json\r\ncontent-length: abc\r\n", "{}"),
    post(EXPORTS_PATH, "content-type: application/json\r\ncontent-length: -1\r\n", "{}"),
    post(
      EXPORTS_PATH,
      "content-type: application/json\r\ncontent-length: 2\r\ncontent-length: 5\r\n",
      "{}",
    ),
    post(
      EXPORTS_PATH,
      "content-type: application/json\r\ncontent-length: 99999999999\r\n",
      "{}",
    ),
    post(
      EXPORTS_PATH,
      "content-type: application/json\r\ntransfer-encoding: chunked\r\n",
      "zz\r\n{}\r\n0\r\n\r\n",
    ),
    post(
      EXPORTS_PATH,
      "content-type: application/json\r\ntransfer-encoding: chunked\r\n",
      `${(64 * 1024).toString(16)}\r\n${" ".repeat(64 * 1024)}\r\n0\r\n\r\n`,
    ),
    post(
      "/api/dart/admin/run",
      `authorization: Bearer ${admin}\r\ncontent-type: application/json\r\ncontent-length: 1\r\n`,
      "\u0000",
    ),
    post(
      "/exports",
      "origin: http://127.0.0.1\r\ncontent-type: multipart/form-data; boundary=zz\r\n" +
        `content-length: ${broken.length}\r\n`,
      broken,
    ),
  ];
}

const EXPORTS_PATH = "/api/v1/backtest/exports";

/** Sends one raw request; the answer's status (0 when the server closed without one). */
async function rawStatus(port: number, raw: Uint8Array): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(raw).catch(() => 0);
    const buf = new Uint8Array(64);
    const timer = setTimeout(() => conn.close(), 5000);
    let n: number | null = null;
    try {
      n = await conn.read(buf);
    } catch {
      n = null;
    } finally {
      clearTimeout(timer);
    }
    if (!n) return 0;
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(new TextDecoder().decode(buf.subarray(0, n)));
    return m ? Number(m[1]) : 0;
  } finally {
    try {
      conn.close();
    } catch {
      // closed by the timer
    }
  }
}
