/**
 * Secrets never leave kdesk, in any form. Live mode (`main.ts` in a subprocess, the loopback
 * fakes) runs with keys that contain `+`, `/` and `=` — so their percent-encoded (`%2B`,
 * `%2F`, `%3D`, and `+`/space in form bodies) and base64 forms differ from the raw ones — and
 * with fakes that quote the request back in error bodies (`echo` fault: key in the URL,
 * `AUTH_KEY` header, data.krx login form, each raw, percent- and base64-encoded). Clients
 * send the admin and ingest tokens in headers, paths and query strings. Then every log line,
 * every response (status line headers and body) of the pages and API routes, and every value
 * in the KV file (gzip blobs inflated) is searched for every form of every secret.
 */
import assert from "node:assert/strict";
import { bootLive, LIVE_CORP } from "./helpers/live_boot.ts";

/** Secrets in formats each source permits, with `+ / =` where it matters. */
const KEYS = {
  DART_API_KEY: "Dk+9/qZx2=Lm+Np/Rt7=Vw+Yb/Cd4=Ef+Gh/Jk5=",
  KRX_API_KEY: "Kx+Ap/Ik3=yS+ecR/et7=Qz+uV/wX9=",
  KRX_ID: "krx+member/id=01",
  KRX_PW: "Pw+d/9=Secret+Pass/Word==",
  ADMIN_TOKEN: "Adm+In/T0ken=Zq+Wx/Ev8=Rt+Yu/Io",
  INGEST_TOKEN: "Ing+est/T0k=Lp+Mn/Bv2=Cx+Za/Sd",
};
const MORE = {
  JWT_SECRET: "Jw+tS/ecr3t=Hh+Gg/Ff6=",
  KIWOOM_APP_KEY: "Kw+App/Key9=Uu+Tt/Rr1=",
  KIWOOM_SECRET_KEY: "Kw+Sec/Key7=Oo+Pp/Ll2=",
};

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const url64 = (s: string) => s.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

/**
 * Every form a secret can take on the way out (computed here, independently of lib/log.ts):
 * raw; percent-encoded (upper- and lower-case hex, twice-encoded); form-encoded and its
 * decoded-as-form misreading (`+` → space); JSON- and HTML-escaped; base64 and base64url of
 * the whole value, and the three alignment cores of each encoded form (a secret inside a
 * longer base64 text — Basic auth, a gateway's base64 request dump — contains one of them).
 */
function forms(secret: string): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, v: string) => {
    if (v.length >= 6 && ![...out.values()].includes(v)) out.set(name, v);
  };
  const pct = encodeURIComponent(secret);
  const form = new URLSearchParams({ x: secret }).toString().slice(2);
  const textual: [string, string][] = [
    ["raw", secret],
    ["percent", pct],
    ["percent-lower", lowerHex(pct)],
    ["percent-twice", encodeURIComponent(pct)],
    ["form", form],
    ["form-lower", lowerHex(form)],
    ["plus-as-space", secret.replaceAll("+", " ")],
    ["json", JSON.stringify(secret).slice(1, -1)],
    ["html", secret.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")],
  ];
  for (const [n, v] of textual) add(n, v);
  for (const [n, v] of textual.slice(0, 5)) {
    add(`base64(${n})`, b64(v));
    add(`base64url(${n})`, url64(b64(v)));
    for (let shift = 0; shift < 3; shift++) {
      // v preceded by `shift` unknown bytes: the base64 of its whole 3-byte groups.
      const off = (3 - shift) % 3;
      const len = Math.floor((v.length - off) / 3) * 3;
      const core = b64(v.slice(off, off + len));
      add(`base64-core${shift}(${n})`, core);
      add(`base64url-core${shift}(${n})`, url64(core).replace(/=+$/, ""));
    }
  }
  return out;
}

/** A message quoting a value raw, percent-encoded and base64-encoded. */
const quote = (v: string) => `got "${v}" (${encodeURIComponent(v)}, base64 ${b64(v)})`;

const SECRETS = { ...KEYS, ...MORE };
const NEEDLES: { secret: string; form: string; value: string }[] = Object.entries(SECRETS)
  .flatMap(([secret, v]) => [...forms(v)].map(([form, value]) => ({ secret, form, value })));

function leaks(where: string, text: string): string[] {
  const out: string[] = [];
  for (const n of NEEDLES) {
    const i = text.indexOf(n.value);
    if (i >= 0) {
      out.push(`${where}: ${n.secret} as ${n.form}: …${text.slice(Math.max(0, i - 60), i + 60)}…`);
    }
  }
  return out;
}

const latin1 = (b: Uint8Array) => {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, i + 8192));
  }
  return s;
};

async function gunzip(b: Uint8Array): Promise<Uint8Array | null> {
  try {
    const stream = new Blob([b as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    return null;
  }
}

/** Every text inside a KV value: strings, bytes (inflated when gzip), nested. */
async function texts(v: unknown, out: string[] = [], depth = 0): Promise<string[]> {
  if (depth > 20 || v === null || v === undefined) return out;
  if (typeof v === "string") out.push(v);
  else if (v instanceof Uint8Array) {
    out.push(latin1(v), new TextDecoder().decode(v));
    if (v[0] === 0x1f && v[1] === 0x8b) {
      const inflated = await gunzip(v);
      if (inflated) out.push(latin1(inflated), new TextDecoder().decode(inflated));
    }
  } else if (Array.isArray(v)) { for (const x of v) await texts(x, out, depth + 1); }
  else if (v instanceof Map) {
    for (const [k, x] of v) {
      await texts(k, out, depth + 1);
      await texts(x, out, depth + 1);
    }
  } else if (typeof v === "object" && !(v instanceof Deno.KvU64) && !(v instanceof Date)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out.push(k);
      await texts(x, out, depth + 1);
    }
  }
  return out;
}

Deno.test({
  name: "[secrets] keys with + / = never appear in logs, responses, pages or KV, in any form",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const found: string[] = [];
    const boot = await bootLive({
      keys: KEYS,
      env: MORE,
      // Upstreams that quote the request back (times: 1 — the retry or next call is clean).
      dartFaults: {
        "list.json": { kind: "echo", status: 200, times: 1 }, // the health probe: 200, not JSON
        "company.json": { kind: "echo", status: 400, times: 1 }, // the snapshot's profile
        "fnlttSinglAcnt.json": { kind: "echo", status: 500, times: 1 },
        // A DART status whose message quotes the key (it reaches error messages verbatim).
        "fnlttSinglIndx.json": { kind: "dart", status: "100", message: quote(KEYS.DART_API_KEY) },
      },
      krxFaults: {
        krx_dd_trd: { kind: "echo", status: 401, times: 1 }, // the health probe
        kosdaq_dd_trd: { kind: "echo", status: 200, contentType: "application/json", times: 1 },
        // data.krx refuses the login, quoting the form it got (mbrId, pw) in its message.
        login: {
          kind: "body",
          contentType: "application/json;charset=UTF-8",
          body: JSON.stringify({
            _error_code: "CD002",
            _error_message: `${quote(KEYS.KRX_ID)} / ${quote(KEYS.KRX_PW)} / ${new URLSearchParams({
              mbrId: KEYS.KRX_ID,
              pw: KEYS.KRX_PW,
            })}`,
          }),
          times: 1,
        },
      },
    });
    try {
      await boot.waitLog((l) => l.msg === "start-up runs", "start-up runs", 60_000);
      const admin = { authorization: `Bearer ${KEYS.ADMIN_TOKEN}` };
      const requests: [string, RequestInit?][] = [
        ["/"],
        ["/ops"],
        ["/ipo"],
        ["/market"],
        ["/exports"],
        [`/company/${LIVE_CORP}`],
        ["/company/00387461"],
        ["/health"],
        ["/health/sources"],
        ["/metrics"],
        ["/api/openapi.json"],
        ["/api/ops/runs?limit=50"],
        ["/api/ops/issues?limit=100"],
        ["/api/ops/schedules"],
        ["/api/ops/dead-letters"],
        ["/api/dart/disclosures?limit=5"],
        ["/api/dart/stats"],
        ["/api/v1/ipo/pipeline"],
        [`/api/v1/company/snapshot?corp_code=00387461`],
        [`/api/v1/company/snapshot?corp_code=${LIVE_CORP}`],
        [`/api/v1/market/indices?date=${boot.krxDay}`],
        // Tokens sent by clients: headers, paths, query strings, bodies.
        ["/api/dart/admin/run", {
          method: "POST",
          headers: { ...admin, "content-type": "application/json" },
          body: JSON.stringify({ job: "source_health" }),
        }],
        ["/api/dart/admin/run", {
          method: "POST",
          headers: {
            authorization: `Basic ${b64(`admin:${KEYS.ADMIN_TOKEN}`)}`,
            "content-type": "application/json",
          },
          body: "{}",
        }],
        [`/api/ops/dead-letters/${encodeURIComponent(KEYS.ADMIN_TOKEN)}`, { headers: admin }],
        [`/api/ops/issues?run_id=${encodeURIComponent(KEYS.INGEST_TOKEN)}`],
        [`/api/ops/runs?job=${encodeURIComponent(KEYS.KRX_PW)}&token=${KEYS.ADMIN_TOKEN}`],
        [`/api/nope?access_token=${encodeURIComponent(KEYS.ADMIN_TOKEN)}`],
        [`/nope/${encodeURIComponent(KEYS.INGEST_TOKEN)}`],
        ["/api/v1/ticks", {
          method: "POST",
          headers: {
            authorization: `Bearer ${KEYS.INGEST_TOKEN}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ ticks: [{ code: KEYS.DART_API_KEY, price: KEYS.KRX_PW }] }),
        }],
        ["/api/v1/ticks", {
          method: "POST",
          headers: { authorization: `Bearer ${KEYS.ADMIN_TOKEN}` },
          body: "{}",
        }],
      ];
      for (const [path, init] of requests) {
        const res = await fetch(`${boot.origin}${path}`, init);
        const body = await res.text();
        const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
        found.push(...leaks(`${init?.method ?? "GET"} ${path} → ${res.status}`, headers + body));
      }
      // Let the admin-triggered run and the queue settle before reading the KV.
      await new Promise((r) => setTimeout(r, 1500));
      // The echo faults were really hit (else this test proves nothing).
      const warned = boot.lines.join("\n");
      assert.match(warned, /source health check failed/);
      const issues = await (await fetch(`${boot.origin}/api/ops/issues?limit=100`)).text();
      assert.match(issues, /login refused \(_error_code CD002: got \\"\*\*\*\\"/);
      assert.ok(boot.dart.calls.some((u) => u.pathname.endsWith("fnlttSinglIndx.json")));
    } finally {
      await boot.stop();
    }
    try {
      boot.lines.forEach((l, i) => found.push(...leaks(`log line ${i + 1}`, l)));
      const kv = await Deno.openKv(boot.kvPath);
      let values = 0;
      try {
        for await (const e of kv.list({ prefix: [] })) {
          values++;
          const key = JSON.stringify(e.key, (_, v) => typeof v === "bigint" ? `${v}n` : v);
          for (const t of await texts(e.value)) found.push(...leaks(`KV ${key}`, t));
          for (const t of await texts(e.key)) found.push(...leaks(`KV key ${key}`, t));
        }
      } finally {
        kv.close();
      }
      assert.ok(values > 500, `scanned ${values} KV values`);
      assert.deepEqual(found.slice(0, 40), [], `${found.length} leaks`);
    } finally {
      await boot.cleanup();
    }
  },
});
