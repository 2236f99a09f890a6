/**
 * The company refresh against a fake OpenDART on 127.0.0.1 serving the sample dataset:
 * on-demand builds, failures that keep the previous snapshot, and secret masking.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { CircuitBreaker, HttpClient } from "../lib/http/mod.ts";
import { clearSecrets, configureLog, type Level, registerSecret } from "../lib/log.ts";
import { type EtlContext, refreshCompany } from "../lib/etl/company.ts";
import { sampleNow } from "../lib/etl/sample.ts";
import { syncCorpMaster } from "../lib/etl/dart_collect.ts";
import { DartClient } from "../lib/sources/dart/client.ts";
import { listRaw } from "../lib/store/raw.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { createApp } from "../routes/app.ts";
import { buildSampleDataset, SAMPLE_AS_OF } from "../sample/dart_sample.ts";
import { type DartFault, type FakeDart, startFakeDart } from "./fake/dart_server.ts";

const KEY = "KDESKTESTKEY0123456789abcdefABCDEF012345"; // 40 characters, recognizable
const CORP = "00912345";
const ENDPOINTS = [
  "company.json",
  "list.json",
  "fnlttSinglAcnt.json",
  "fnlttSinglAcntAll.json",
  "fnlttSinglIndx.json",
  "corpCode.xml",
];

interface Rig {
  fake: FakeDart;
  kv: Deno.Kv;
  ctx: EtlContext;
  dart: DartClient;
  lines: string[];
  close(): Promise<void>;
}

async function rig(): Promise<Rig> {
  const lines: string[] = [];
  configureLog({ level: "debug", sink: (line: string, _l: Level) => lines.push(line) });
  const fake = await startFakeDart({
    dataset: { ...buildSampleDataset(), apiKey: KEY },
    today: () => SAMPLE_AS_OF.replaceAll("-", ""),
  });
  const kv = await Deno.openKv(":memory:");
  const http = new HttpClient({
    source: "dart",
    timeoutMs: 300,
    retries: 1,
    baseDelayMs: 1,
    maxDelayMs: 5,
    breaker: new CircuitBreaker({ failureThreshold: 50 }),
  });
  const dart = new DartClient({ kv, apiKey: KEY, baseUrl: fake.url, http });
  const ctx: EtlContext = { kv, dart, now: sampleNow, sample: false };
  return {
    fake,
    kv,
    ctx,
    dart,
    lines,
    close: async () => {
      await fake.close();
      kv.close();
      configureLog({ level: "info", sink: () => {} });
      clearSecrets();
    },
  };
}

Deno.test("[refresh] a company is built from the fake DART through the real client", async () => {
  const r = await rig();
  try {
    const res = await refreshCompany(r.ctx, CORP);
    assert.equal(res.error, null);
    assert.deepEqual(res.failed, []);
    assert.equal(res.snapshot.partial, false);
    assert.equal(res.snapshot.profile?.corp_name, "한빛반도체(주)");
    assert.ok(res.snapshot.financials.years.length >= 5);
    assert.ok(res.snapshot.indicators.items.length > 0);
    // every payload was kept raw, with the key masked
    const raws = (await listRaw(r.kv, "dart", { limit: 200 })).values;
    assert.ok(raws.length >= 8);
    assert.ok(raws.every((x) => !x.request.includes(KEY) && x.request.includes("crtfc_key=***")));
  } finally {
    await r.close();
  }
});

Deno.test("[refresh] a source failure keeps the previous snapshot, partial, with DART named", async () => {
  const r = await rig();
  const snapshots = new SnapshotCache(r.kv, { ttlMs: 0 });
  try {
    const before = (await refreshCompany(r.ctx, CORP)).snapshot;
    const faults: Record<string, DartFault> = {
      "company.json": { kind: "status", status: 500 },
      "list.json": { kind: "timeout" },
      "fnlttSinglAcnt.json": { kind: "body", body: "{not json" },
      "fnlttSinglIndx.json": { kind: "status", status: 503 },
    };
    for (const [p, f] of Object.entries(faults)) r.fake.setFault(p, f);
    const res = await refreshCompany(r.ctx, CORP);
    assert.deepEqual(res.failed.sort(), ["disclosures", "financials", "indicators", "profile"]);

    const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "off" });
    const app = createApp({ kv: r.kv, config, snapshots, islandBundle: null });
    const got = await app.request(`/api/v1/company/snapshot?corp_code=${CORP}`);
    assert.equal(got.status, 200);
    const after = await got.json();
    assert.equal(after.partial, true);
    assert.equal(after.source_status.dart.ok, false);
    assert.match(after.source_status.dart.error, /HttpStatusError|500/);
    assert.equal(
      after.source_status.dart.last_success_at,
      before.source_status.dart.last_success_at,
    );
    assert.deepEqual(after.missing_sections, [
      "disclosures",
      "financials",
      "indicators",
      "profile",
    ]);
    // the previous data is still served
    assert.deepEqual(after.profile, before.profile);
    assert.deepEqual(after.financials, before.financials);
    assert.deepEqual(after.disclosures, before.disclosures);

    // and the next good run clears the flag
    for (const p of Object.keys(faults)) r.fake.setFault(p, null);
    const healed = await refreshCompany(r.ctx, CORP);
    assert.equal(healed.snapshot.partial, false);
    assert.equal(healed.snapshot.source_status.dart.ok, true);
  } finally {
    await snapshots.close();
    await r.close();
  }
});

Deno.test("[refresh] DART 020 stops the run after the first call: no quota is burned", async () => {
  const r = await rig();
  try {
    await refreshCompany(r.ctx, CORP);
    for (const p of ENDPOINTS) r.fake.setFault(p, { kind: "dart", status: "020" });
    const n = r.fake.calls.length;
    const res = await refreshCompany(r.ctx, CORP);
    assert.equal(r.fake.calls.length - n, 1);
    assert.match(res.error ?? "", /020|요청 제한/);
    assert.equal(res.snapshot.partial, true);
  } finally {
    await r.close();
  }
});

Deno.test("[refresh] the API builds a missing snapshot on demand in live mode", async () => {
  const r = await rig();
  const snapshots = new SnapshotCache(r.kv, { ttlMs: 0 });
  try {
    await syncCorpMaster(r.kv, r.dart);
    const config = loadConfig({
      KDESK_KV_PATH: ":memory:",
      KDESK_SAMPLE: "off",
      DART_API_KEY: KEY,
    });
    const app = createApp({
      kv: r.kv,
      config,
      snapshots,
      islandBundle: null,
      refreshCompany: async (c) => void await refreshCompany(r.ctx, c),
    });
    const res = await app.request(`/api/v1/company/snapshot?corp_code=${CORP}`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).profile.corp_code, CORP);
    // not in the corp master: no DART calls, a 404
    const n = r.fake.calls.length;
    const missing = await app.request("/api/v1/company/snapshot?corp_code=99999999");
    assert.equal(missing.status, 404);
    assert.equal(r.fake.calls.length, n);
  } finally {
    await snapshots.close();
    await r.close();
  }
});

Deno.test("[secrets] the DART key appears in no log line, error, raw record or response", async () => {
  const r = await rig();
  registerSecret(KEY);
  const snapshots = new SnapshotCache(r.kv, { ttlMs: 0 });
  const texts: string[] = [];
  try {
    const faults: DartFault[] = [
      { kind: "status", status: 500 },
      { kind: "timeout" },
      { kind: "dart", status: "020" },
      { kind: "dart", status: "010" },
      { kind: "body", body: "{malformed" },
      { kind: "body", body: "<html>error</html>", contentType: "text/html" },
      { kind: "xml-error" },
    ];
    for (const f of faults) {
      for (const p of ENDPOINTS) r.fake.setFault(p, f);
      const res = await refreshCompany(r.ctx, CORP);
      texts.push(res.error ?? "", JSON.stringify(res.snapshot.source_status));
      try {
        await r.dart.corpCodes();
      } catch (e) {
        texts.push(String(e), (e as Error).stack ?? "", JSON.stringify(e));
      }
    }
    // a network error: a closed loopback port
    const closed = new DartClient({
      kv: r.kv,
      apiKey: KEY,
      baseUrl: "http://127.0.0.1:9/api",
      http: new HttpClient({ source: "dart", retries: 0, timeoutMs: 300 }),
    });
    try {
      await closed.company(CORP);
    } catch (e) {
      texts.push(String(e), (e as Error).stack ?? "");
    }
    // an app error whose message carries the key is masked in the 500 body and the log
    const config = loadConfig({
      KDESK_KV_PATH: ":memory:",
      KDESK_SAMPLE: "off",
      DART_API_KEY: KEY,
    });
    const app = createApp({
      kv: r.kv,
      config,
      snapshots,
      islandBundle: null,
      refreshCompany: () => Promise.reject(new Error(`boom crtfc_key=${KEY}`)),
    });
    await syncCorpMaster(r.kv, {
      corpCodes: () =>
        Promise.resolve({
          data: [{
            corp_code: "00000007",
            corp_name: "x",
            stock_code: "",
            modify_date: "20260101",
          }],
        }),
    });
    const res = await app.request("/api/v1/company/snapshot?corp_code=00000007");
    assert.equal(res.status, 500);
    texts.push(await res.text());
    for (const raw of (await listRaw(r.kv, "dart", { limit: 1000 })).values) {
      texts.push(raw.request);
    }

    assert.ok(r.lines.length > 20, `captured ${r.lines.length} log lines`);
    const leaks = [...r.lines, ...texts].filter((t) => t.includes(KEY));
    assert.deepEqual(leaks, []);
  } finally {
    await snapshots.close();
    await r.close();
  }
});
