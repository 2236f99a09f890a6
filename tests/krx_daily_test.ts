/**
 * The krx_daily job over an in-memory KRX (the real KrxClient and DataKrxClient on the
 * fixture fetch, wire format): run statuses (SUCCEEDED, FAILED on a bad bar, PARTIAL on low
 * coverage or a data.krx LOGOUT), holidays, a 401 on one API, transport failures, re-runs
 * that write nothing, the queue backfill into one parent run, the admin route, and the
 * snapshot rebuild of a sample company whose price changed.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { runScheduled } from "../cron/handlers.ts";
import { loadSampleData } from "../lib/etl/sample.ts";
import { CircuitBreaker, HttpClient } from "../lib/http/mod.ts";
import { startKrxBackfill } from "../lib/jobs/krx_backfill.ts";
import { krxDailyJob } from "../lib/jobs/krx_daily.ts";
import type { JobMessage } from "../lib/jobs/messages.ts";
import { handleMessage, type JobsContext, type JobsDart } from "../lib/jobs/runtime.ts";
import { configureLog } from "../lib/log.ts";
import { KrxClient } from "../lib/sources/krx/client.ts";
import { DataKrxClient } from "../lib/sources/krx/datakrx.ts";
import type { KrxDataset } from "../lib/sources/krx/types.ts";
import { listIssues } from "../lib/store/quality.ts";
import {
  getDay,
  getDayStatus,
  getFlows,
  getInstrument,
  latestBarDay,
} from "../lib/store/market.ts";
import { getRun } from "../lib/store/runs.ts";
import { getCompanySnapshot } from "../lib/store/snapshots.ts";
import { krxAdminRoutes } from "../routes/krx_admin.ts";
import type { AppDeps } from "../routes/deps.ts";
import { buildKrxSampleDataset, sampleKrxClients } from "../sample/krx_sample.ts";
import { loadKrxFixtureDataset, startFakeKrx } from "./fake/krx_server.ts";
import { collectKrxDay } from "../lib/etl/krx_collect.ts";
import {
  KRX_TEST_KEY,
  KRX_TEST_LOGIN,
  type KrxJobsRig,
  krxJobsRig,
  type KrxJobsRigOptions,
  krxTestMarket,
} from "./helpers/krx_days.ts";

configureLog({ level: "error", sink: () => {} });

const KEY = KRX_TEST_KEY;
const LOGIN = KRX_TEST_LOGIN;
/** Mon 2026-11-16 … Fri 2026-11-20, then Thu 2026-12-24 and Mon 2026-12-28 (12-25 closed). */
const DAYS = [
  "2026-11-16",
  "2026-11-17",
  "2026-11-18",
  "2026-11-19",
  "2026-11-20",
  "2026-12-24",
  "2026-12-28",
];

/** The test market in wire rows; every day of DAYS trades. */
const market = () => krxTestMarket(DAYS);

type Rig = KrxJobsRig;

const rig = (
  opts: KrxJobsRigOptions & { ds?: KrxDataset } = {},
) => krxJobsRig(opts.ds ?? market(), { backoff: [20, 40], ...opts });

const run = (r: Rig, day?: string) =>
  runScheduled(r.ctx, "krx_daily", "manual", day ? { day } : {});

Deno.test("[krx daily] a clean day: SUCCEEDED, bars, indices, flows, statuses stored", async () => {
  const r = await rig();
  try {
    const done = await run(r); // the day of ctx.now() (KST)
    assert.equal(done.status, "SUCCEEDED", JSON.stringify(done));
    assert.equal(done.job, "krx_daily");
    assert.equal(done.detail?.day, "2026-11-20");
    assert.equal(done.detail?.holiday, false);
    assert.equal(done.detail?.api_calls, 12, "3 trades + 3 base info + 3 indices + 3 flows");
    const bars = 20 + 8 + 2;
    assert.equal(done.counts.fetched, bars + bars + 4 + 3);
    assert.equal(done.counts.new, bars + bars + 4 + 3, "bars, instruments, index rows, flows");
    assert.equal(done.counts.failed, 0);
    assert.equal((await getDay(r.kv, "2026-11-20", "KOSPI")).length, 20);
    assert.equal((await getDay(r.kv, "2026-11-20", "KONEX")).length, 2);
    assert.equal((await getInstrument(r.kv, "100000"))?.name, "KOSPI종목0");
    assert.equal((await getFlows(r.kv, "KOSDAQ", "2026-11-20", "2026-11-20")).length, 1);
    const status = await getDayStatus(r.kv, "2026-11-20");
    assert.deepEqual(status?.bars, { KOSPI: 20, KOSDAQ: 8, KONEX: 2 });
    assert.equal(status?.indices, 4);
    assert.equal(status?.run_id, done.id);
    assert.equal(await latestBarDay(r.kv), "2026-11-20");
    assert.deepEqual(await listIssues(r.kv, { run_id: done.id }), []);
  } finally {
    r.close();
  }
});

Deno.test("[krx daily] a bar with high < close fails the run; the bar is stored, flagged", async () => {
  const ds = market();
  const row = ds.trades["20261118"].KOSPI[3];
  row.TDD_HGPRC = String(Number(row.TDD_CLSPRC) - 10);
  const r = await rig({ ds });
  try {
    assert.equal((await run(r, "2026-11-17")).status, "SUCCEEDED");
    const done = await run(r, "2026-11-18");
    assert.equal(done.status, "FAILED");
    assert.equal(done.error, null, "failed by its issue, not by an error");
    const issues = await listIssues(r.kv, { run_id: done.id });
    assert.deepEqual(issues.map((i) => `${i.severity} ${i.code} ${i.subject}`), [
      `ERROR OHLC_INVALID KOSPI ${row.ISU_CD} 2026-11-18`,
    ]);
    const stored = (await getDay(r.kv, "2026-11-18", "KOSPI")).find((b) => b.code === row.ISU_CD);
    assert.equal(stored?.high, Number(row.TDD_HGPRC));
  } finally {
    r.close();
  }
});

Deno.test("[krx daily] a day with 90 % of KOSPI present is PARTIAL (completeness WARN)", async () => {
  const ds = market();
  ds.trades["20261119"].KOSPI.splice(5, 2); // 18 of 20
  const r = await rig({ ds });
  try {
    const done = await run(r, "2026-11-19");
    assert.equal(done.status, "PARTIAL");
    const issues = await listIssues(r.kv, { run_id: done.id });
    assert.equal(issues.length, 1);
    assert.equal(issues[0].code, "COVERAGE_LOW");
    assert.equal(issues[0].severity, "WARN");
    assert.equal(issues[0].subject, "KOSPI 2026-11-19");
    assert.equal((await getDay(r.kv, "2026-11-19", "KOSPI")).length, 18);
  } finally {
    r.close();
  }
});

Deno.test("[krx daily] holidays: a weekend makes no call; an empty trading day is pending, not a holiday", async () => {
  const r = await rig({ now: "2026-11-21T09:00:00Z" }); // Saturday 18:00 KST
  try {
    const sat = await run(r);
    assert.equal(sat.status, "SUCCEEDED");
    assert.equal(sat.detail?.day, "2026-11-21");
    assert.equal(sat.detail?.holiday, true);
    assert.equal(sat.detail?.api_calls, 0);
    assert.deepEqual(r.calls, []);
    const xmas = await run(r, "2026-12-25"); // a known holiday
    assert.equal(xmas.detail?.holiday, true);
    assert.deepEqual(r.calls, []);
    // A weekday the calendar trades: KRX answers [] everywhere (not published yet).
    for (const explicit of [true, false]) {
      r.ctx.now = () => new Date("2026-11-23T09:00:00Z");
      const empty = await run(r, explicit ? "2026-11-23" : undefined);
      assert.equal(empty.status, "PARTIAL");
      assert.equal(empty.detail?.holiday, false);
      assert.equal(empty.detail?.pending, true);
      assert.equal(empty.detail?.api_calls, 3, "only the trade calls");
      assert.deepEqual((await listIssues(r.kv, { run_id: empty.id })).map((i) => i.code), [
        "KRX_NO_DATA",
      ]);
      const status = await getDayStatus(r.kv, "2026-11-23");
      assert.equal(status?.holiday, false, "never closed from emptiness alone");
      assert.equal(status?.pending, true);
    }
    assert.equal(await latestBarDay(r.kv), null, "no bars");
  } finally {
    r.close();
  }
});

Deno.test("[krx daily] data.krx answering LOGOUT: PARTIAL, prices stored, one datakrx WARN", async () => {
  const r = await rig({
    wrap: (f) => (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes("getJsonData.cmd")) {
        return Promise.resolve(new Response("LOGOUT", { status: 400 }));
      }
      return f(input, init);
    },
  });
  try {
    const done = await run(r, "2026-11-20");
    assert.equal(done.status, "PARTIAL", JSON.stringify(done));
    const issues = await listIssues(r.kv, { run_id: done.id });
    assert.equal(issues.length, 1, "one issue: the session is gone for every market");
    assert.equal(issues[0].code, "source_failed");
    assert.equal(issues[0].severity, "WARN");
    assert.equal(issues[0].source, "datakrx");
    assert.match(issues[0].message, /LOGOUT/);
    assert.equal((await getDay(r.kv, "2026-11-20", "KOSPI")).length, 20);
    assert.deepEqual(await getFlows(r.kv, "KOSPI", "2026-11-20", "2026-11-20"), []);
  } finally {
    r.close();
  }
});

Deno.test("[krx daily] a 401 on KOSPI base info is an ERROR naming the API; the rest is collected", async () => {
  const approved = [
    "stk_bydd_trd",
    "ksq_bydd_trd",
    "knx_bydd_trd",
    "ksq_isu_base_info",
    "knx_isu_base_info",
    "krx_dd_trd",
    "kospi_dd_trd",
    "kosdaq_dd_trd",
  ];
  const r = await rig({ approved, flows: false });
  try {
    const done = await run(r, "2026-11-20");
    assert.equal(done.status, "FAILED");
    assert.equal(done.counts.failed, 1);
    const issues = await listIssues(r.kv, { run_id: done.id });
    assert.equal(issues.length, 1);
    assert.equal(issues[0].severity, "ERROR");
    assert.equal(issues[0].source, "krx");
    assert.match(issues[0].subject, /stk_isu_base_info/);
    assert.match(issues[0].message, /stk_isu_base_info/);
    assert.equal((await getDay(r.kv, "2026-11-20", "KOSPI")).length, 20, "KOSPI prices stored");
    assert.equal(await getInstrument(r.kv, "100000"), null, "no KOSPI base info");
    assert.ok(await getInstrument(r.kv, "200000"), "KOSDAQ base info stored");
  } finally {
    r.close();
  }
});

Deno.test("[krx daily] a transport failure of a trade call fails the run and stores nothing", async () => {
  const r = await rig({
    wrap: (f) => (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes("ksq_bydd_trd")) return Promise.reject(new TypeError("connection reset"));
      return f(input, init);
    },
  });
  try {
    const done = await run(r, "2026-11-20");
    assert.equal(done.status, "FAILED");
    assert.match(done.error ?? "", /connection reset|NetworkError/);
    assert.deepEqual(await getDay(r.kv, "2026-11-20", "KOSPI"), []);
    assert.equal(await getDayStatus(r.kv, "2026-11-20"), null);
  } finally {
    r.close();
  }
});

Deno.test("[krx daily] re-running a day writes nothing new", async () => {
  const r = await rig();
  try {
    const first = await run(r, "2026-11-20");
    assert.ok(first.counts.new > 0);
    const metaBefore = await r.kv.get(["krx_day", "2026-11-20", "KOSPI"]);
    const again = await run(r, "2026-11-20");
    assert.equal(again.status, "SUCCEEDED");
    assert.equal(again.counts.new, 0);
    assert.equal(again.counts.changed, 0);
    assert.equal(again.counts.fetched, first.counts.fetched);
    const metaAfter = await r.kv.get(["krx_day", "2026-11-20", "KOSPI"]);
    assert.equal(metaAfter.versionstamp, metaBefore.versionstamp, "cross-section not rewritten");
    // a corrected row is a change
    r.ds.trades["20261120"].KOSDAQ[0].ACC_TRDVOL = "777";
    const fixed = await run(r, "2026-11-20");
    assert.equal(fixed.counts.new, 0);
    assert.equal(fixed.counts.changed, 1);
  } finally {
    r.close();
  }
});

Deno.test("[krx daily] a backfill enqueues one message per trading day into one run", async () => {
  const r = await rig();
  const got: JobMessage[] = [];
  const listener = r.kv.listenQueue((m) => {
    got.push(m as JobMessage);
  });
  try {
    // 11-14/15 weekend, 12-25 holiday, 12-26/27 weekend; 11-21..12-23 are weekdays too.
    const b = await startKrxBackfill(r.ctx, "2026-11-14", "2026-11-20");
    assert.equal(b.enqueued, 5);
    const end = Date.now() + 5_000;
    while (got.length < 5 && Date.now() < end) await new Promise((f) => setTimeout(f, 10));
    const days = got.map((m) => (m.kind === "krx_day" ? m.date : m.kind)).sort();
    assert.deepEqual(days, DAYS.slice(0, 5));
    assert.ok(
      got.every((m) =>
        m.run_id === b.run_id && m.key === `krx_day:${(m as { date: string }).date}:${b.run_id}`
      ),
    );
    const parent = await getRun(r.kv, b.run_id);
    assert.equal(parent?.job, "krx_backfill");
    assert.equal(parent?.source, "krx");
    assert.equal(parent?.enqueued, 5);
    assert.equal(parent?.status, "RUNNING", "five days still queued");
    assert.deepEqual(parent?.progress, { total: 5, enqueued: 5, done: 0, failed: 0 });
    // each message collects its day into the parent run (oldest first)
    for (
      const m of got.sort((
        x,
        y,
      ) => ((x as { date: string }).date < (y as { date: string }).date ? -1 : 1))
    ) {
      assert.equal(await handleMessage(r.ctx, m), "done");
    }
    assert.equal(await handleMessage(r.ctx, got[0]), "skipped", "idempotent");
    const after = (await getRun(r.kv, b.run_id))!;
    assert.equal(after.status, "SUCCEEDED", JSON.stringify(after));
    assert.equal(after.api_calls, 5 * 12);
    assert.equal(
      after.counts.new,
      30 * 5 + 30 + 4 * 5 + 3 * 5,
      "bars, instruments once, indices, flows",
    );
    assert.deepEqual(after.progress, { total: 5, enqueued: 5, done: 5, failed: 0 });
    assert.ok(after.finished_at, "finished with its last day");
    for (const d of DAYS.slice(0, 5)) assert.equal((await getDay(r.kv, d, "KOSDAQ")).length, 8);

    // across Christmas: 12-24 and 12-28 only
    got.length = 0;
    const xmas = await startKrxBackfill(r.ctx, "2026-12-24", "2026-12-28");
    assert.equal(xmas.enqueued, 2);
    while (got.length < 2 && Date.now() < end + 5_000) await new Promise((f) => setTimeout(f, 10));
    assert.deepEqual(got.map((m) => (m as { date: string }).date).sort(), [
      "2026-12-24",
      "2026-12-28",
    ]);

    // a bad day inside a backfill fails the parent run
    r.ds.trades["20261228"].KONEX[0].TDD_LWPRC = "999999";
    for (
      const m of got.sort((
        x,
        y,
      ) => ((x as { date: string }).date < (y as { date: string }).date ? -1 : 1))
    ) {
      await handleMessage(r.ctx, m);
    }
    assert.equal((await getRun(r.kv, xmas.run_id))?.status, "FAILED");
    await assert.rejects(() => startKrxBackfill(r.ctx, "2026-11-20", "2026-11-19"), RangeError);
    await assert.rejects(() => startKrxBackfill(r.ctx, "2010-01-01", "2026-11-19"), RangeError);
  } finally {
    r.close();
    await listener;
  }
});

Deno.test("[krx daily] admin backfill route: token, validation, 202 with the run", async () => {
  const r = await rig();
  try {
    const config = loadConfig({
      KDESK_KV_PATH: ":memory:",
      ADMIN_TOKEN: "krx-admin-token-000000000000",
    });
    const deps = { kv: r.kv, config, jobs: r.ctx } as unknown as AppDeps;
    const app = krxAdminRoutes(deps);
    const post = (body: unknown, token = "krx-admin-token-000000000000") =>
      app.request("/api/krx/admin/backfill", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    assert.equal((await post({ from: "2026-11-16", to: "2026-11-20" }, "")).status, 401);
    assert.equal((await post({ from: "2026-11-16", to: "2026-11-20" }, "wrong")).status, 403);
    for (
      const bad of [
        { from: "2026-11-20", to: "2026-11-16" },
        { from: "2026-02-30", to: "2026-03-02" },
        { from: "2016-01-01", to: "2026-11-20" },
        { from: "20261116", to: "2026-11-20" },
      ]
    ) {
      const res = await post(bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
      await res.body?.cancel();
    }
    const ok = await post({ from: "2026-11-16", to: "2026-11-22" });
    assert.equal(ok.status, 202);
    const body = await ok.json();
    assert.equal(body.job, "krx_backfill");
    assert.equal(body.enqueued, 5);
    assert.equal((await getRun(r.kv, body.run_id))?.job, "krx_backfill");
    // no KRX connector here
    const bare = krxAdminRoutes({ ...deps, jobs: { ...r.ctx, external: {} } } as AppDeps);
    const res = await bare.request("/api/krx/admin/backfill", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer krx-admin-token-000000000000",
      },
      body: JSON.stringify({ from: "2026-11-16", to: "2026-11-20" }),
    });
    assert.equal(res.status, 409);
    await res.body?.cancel();
  } finally {
    r.close();
  }
});

Deno.test("[krx daily] a changed price of a sample company enqueues its snapshot rebuild", async () => {
  const kv = await Deno.openKv(":memory:");
  const got: JobMessage[] = [];
  const listener = kv.listenQueue((m) => {
    got.push(m as JobMessage);
  });
  try {
    await loadSampleData(kv);
    const ds = buildKrxSampleDataset({ days: ["2026-11-19", "2026-11-20"] });
    // 한빛반도체 (402760) closes 100 won lower than the stored sample day
    const row = ds.trades["20261120"].KOSPI.find((x) => x.ISU_CD === "402760")!;
    const close = Number(row.TDD_CLSPRC) - 100;
    row.TDD_CLSPRC = String(close);
    row.CMPPREVDD_PRC = String(Number(row.CMPPREVDD_PRC) - 100);
    row.TDD_LWPRC = String(Math.min(Number(row.TDD_LWPRC), close));
    const { krx, flows } = sampleKrxClients(kv, ds);
    const ctx: JobsContext = {
      kv,
      dart: {} as JobsDart,
      now: () => new Date("2026-11-20T09:00:00Z"),
      sample: true,
      backoffSchedule: [20, 40],
      probes: [],
      external: { krx_daily: krxDailyJob(krx, flows) },
    };
    const done = await runScheduled(ctx, "krx_daily", "manual");
    assert.equal(done.status, "SUCCEEDED", JSON.stringify(done));
    assert.equal(done.counts.changed, 1);
    assert.equal(done.enqueued, 1);
    const end = Date.now() + 5_000;
    while (got.length < 1 && Date.now() < end) await new Promise((f) => setTimeout(f, 10));
    assert.equal(got.length, 1);
    assert.equal(got[0].kind, "rebuild_snapshot");
    assert.equal((got[0] as { corp_code: string }).corp_code, "00912345");
    assert.equal(await handleMessage(ctx, got[0]), "done");
    const snap = await getCompanySnapshot(kv, "00912345");
    assert.equal(snap?.market?.close, close);
    // the same day again: nothing changed, nothing enqueued
    const again = await runScheduled(ctx, "krx_daily", "manual");
    assert.equal(again.enqueued, 0);
  } finally {
    kv.close();
    await listener;
  }
});

Deno.test("[krx daily] deno task backfill --source krx collects the range and resumes", async () => {
  const fake = await startFakeKrx({ dataset: market(), apiKey: KEY, login: LOGIN });
  const path = await Deno.makeTempFile({ suffix: ".sqlite" });
  const cli = async (...extra: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "scripts/backfill.ts",
        "--source",
        "krx",
        "--from",
        "2026-11-14",
        "--to",
        "2026-11-20",
        ...extra,
      ],
      env: {
        KDESK_KV_PATH: path,
        KRX_API_KEY: KEY,
        KRX_BASE_URL: fake.apiUrl,
        KRX_ID: LOGIN.id,
        KRX_PW: LOGIN.pw,
        DATA_KRX_BASE_URL: fake.url,
        HTTP_RETRIES: "0",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    return {
      code: out.code,
      summary: text ? JSON.parse(text.split("\n").at(-1)!) : null,
      err: new TextDecoder().decode(out.stderr),
    };
  };
  try {
    const first = await cli();
    assert.equal(first.code, 0, first.err);
    assert.equal(first.summary.outcome, "done");
    assert.equal(first.summary.days, 5);
    assert.equal(first.summary.collected, 5);
    assert.equal(first.summary.calls, 5 * 12);
    assert.equal(first.summary.status, "SUCCEEDED");
    assert.equal(fake.callsOf("stk_bydd_trd").length, 5);
    const again = await cli();
    assert.equal(again.code, 0, again.err);
    assert.equal(again.summary.collected, 0, "already collected days are skipped");
    assert.equal(again.summary.skipped, 5);
    assert.equal(fake.callsOf("stk_bydd_trd").length, 5);
    const restart = await cli("--restart");
    assert.equal(restart.summary.collected, 5);
    assert.equal(restart.summary.new, 0, "nothing new the second time");
    assert.equal(restart.summary.changed, 0);
    const kv = await Deno.openKv(path);
    try {
      assert.equal((await getDay(kv, "2026-11-18", "KOSDAQ")).length, 8);
      assert.equal((await getRun(kv, first.summary.run_id))?.job, "krx_backfill");
    } finally {
      kv.close();
    }
    // too long a range is refused before any call
    const bad = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "scripts/backfill.ts",
        "--source",
        "krx",
        "--from",
        "2010-01-04",
        "--to",
        "2026-11-20",
      ],
      env: { KDESK_KV_PATH: path, KRX_API_KEY: KEY },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(bad.code, 2);
  } finally {
    await fake.close();
    await Deno.remove(path).catch(() => {});
  }
});

Deno.test("[krx daily] the recorded KRX payloads (fake KRX on loopback) collect without ERRORs", async () => {
  const fake = await startFakeKrx({ dataset: loadKrxFixtureDataset(), apiKey: KEY, login: LOGIN });
  const kv = await Deno.openKv(":memory:");
  try {
    const http = (source: string) =>
      new HttpClient({ source, retries: 0, timeoutMs: 5_000, breaker: new CircuitBreaker() });
    const krx = new KrxClient({ kv, http: http("krx"), apiKey: KEY, baseUrl: fake.apiUrl });
    const flows = new DataKrxClient({ kv, http: http("datakrx"), ...LOGIN, baseUrl: fake.url });
    const r = await collectKrxDay({ kv, krx, flows, date: "2024-01-04", run_id: null });
    assert.equal(r.holiday, false);
    assert.equal(r.api_calls, 12);
    assert.deepEqual(r.issues.filter((i) => i.severity === "ERROR"), []);
    // the recorded rows are excerpts: base info and trades cover different instruments
    assert.ok(r.issues.every((i) => i.code === "COVERAGE_LOW"));
    assert.ok(r.bars.KOSPI! > 0 && r.bars.KOSDAQ! > 0 && r.bars.KONEX! > 0);
    assert.ok(r.indices > 0);
    assert.equal(r.flows, 1, "KOSPI flows only");
    assert.equal((await getFlows(kv, "KOSPI", "2024-01-04", "2024-01-04")).length, 1);
    // 2024-01-01 is a holiday: KRX answers [] everywhere
    const holiday = await collectKrxDay({ kv, krx, date: "2024-01-01", run_id: null });
    assert.equal(holiday.holiday, true);
  } finally {
    kv.close();
    await fake.close();
  }
});

Deno.test("[krx daily] a field added to a KRX payload raises SCHEMA_CHANGED (WARN)", async () => {
  const ds = market();
  const r = await rig({ ds, flows: false });
  try {
    assert.equal((await run(r, "2026-11-19")).status, "SUCCEEDED");
    for (const row of ds.trades["20261120"].KOSPI) {
      (row as unknown as Record<string, string>).NEW_FIELD = "1";
    }
    const done = await run(r, "2026-11-20");
    assert.equal(done.status, "PARTIAL");
    const issues = await listIssues(r.kv, { run_id: done.id });
    assert.deepEqual(issues.map((i) => `${i.severity} ${i.code} ${i.subject}`), [
      "WARN SCHEMA_CHANGED krx/stk_bydd_trd",
    ]);
  } finally {
    r.close();
  }
});
