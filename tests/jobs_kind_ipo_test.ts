/**
 * The kind_ipo job wired into the jobs framework: a run over the sample KIND source, and a
 * KIND outage (fake KIND on 127.0.0.1 showing its maintenance page) that keeps the last
 * pipeline snapshot, marks it partial and fails the run with an ERROR issue. The start-up
 * pass and the KIND health probe.
 */
import assert from "node:assert/strict";
import { CircuitBreaker, HttpClient } from "../lib/http/mod.ts";
import { loadSampleData, sampleDartClient } from "../lib/etl/sample.ts";
import { kindProbe, liveJobsContext, sampleJobsContext } from "../lib/jobs/context.ts";
import { checkSource, sourceHealth } from "../lib/jobs/health.ts";
import { loadConfig } from "../config.ts";
import { kindIpoJob } from "../lib/jobs/kind_ipo.ts";
import { KindClient } from "../lib/sources/kind/client.ts";
import { listIssues } from "../lib/store/quality.ts";
import { getPipelineHeader } from "../lib/store/ipo.ts";
import { runScheduled, startupPass } from "../cron/handlers.ts";
import { buildKindSampleDataset } from "../sample/kind_sample.ts";
import { startFakeKind } from "./fake/kind_server.ts";
import { jobsRig } from "./jobs_rig_test.ts";
import { fixtureKindClient } from "../lib/etl/ipo.ts";
import { listRuns } from "../lib/store/runs.ts";
import { searchCorps } from "../lib/store/corps.ts";

Deno.test("[jobs] kind_ipo runs the IPO pipeline as a collection run", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await loadSampleData(kv);
    const ctx = sampleJobsContext(kv);
    const run = await runScheduled(ctx, "kind_ipo", "manual");
    assert.equal(run.status, "SUCCEEDED");
    assert.ok(run.counts.fetched >= 16, `fetched ${run.counts.fetched}`);
    assert.equal(run.counts.changed, 0); // the sample load built the same pipeline already
    // KIND requests are the run's API calls: 공모기업현황 pages + 신규상장 + 예비심사
    assert.equal(run.detail?.kind_calls, run.api_calls);
    assert.ok(run.api_calls >= 3, `api_calls ${run.api_calls}`);
  } finally {
    kv.close();
  }
});

Deno.test("[jobs] a KIND outage fails the run and keeps the pipeline, partial", async () => {
  const kv = await Deno.openKv(":memory:");
  const fake = await startFakeKind({ dataset: buildKindSampleDataset() });
  try {
    await loadSampleData(kv);
    const before = await getPipelineHeader(kv);
    assert.ok(before && before.source_status.kind?.ok);
    for (const s of ["pubofrprogcom", "listingtype", "listinvstgcom", "pubofrschdl"]) {
      fake.setFault(s, { kind: "maintenance" });
    }
    const kind = new KindClient({
      kv,
      baseUrl: fake.url,
      http: new HttpClient({ source: "kind", retries: 0, breaker: new CircuitBreaker() }),
    });
    const ctx = {
      ...sampleJobsContext(kv),
      external: { kind_ipo: kindIpoJob(kind, sampleDartClient(kv)) },
    };
    const run = await runScheduled(ctx, "kind_ipo", "manual");
    assert.equal(run.status, "FAILED");
    const issues = await listIssues(kv, { run_id: run.id });
    assert.ok(issues.some((i) => i.severity === "ERROR" && i.source === "kind"), "ERROR for kind");
    const after = await getPipelineHeader(kv);
    assert.equal(after?.partial, true);
    assert.equal(after?.source_status.kind?.ok, false);
    assert.match(after?.source_status.kind?.error ?? "", /Unavailable|점검|오류/);
    assert.equal(after?.count, before.count); // the deals are still served
  } finally {
    await fake.close();
    kv.close();
  }
});

Deno.test("[jobs] a poll that finds a new securities filing enqueues one IPO pipeline refresh", async () => {
  const r = await jobsRig();
  try {
    r.ctx.external = {
      kind_ipo: kindIpoJob(fixtureKindClient(r.kv, buildKindSampleDataset()), r.dart),
    };
    r.listen();
    await runScheduled(r.ctx, "dart_poll", "manual"); // baseline: nothing new
    r.dataset.filings.push({
      corp_code: "01358027",
      corp_name: "누리바이오",
      stock_code: "389470",
      corp_cls: "K",
      report_nm: "증권신고서(지분증권)",
      rcept_no: "20261120000201",
      flr_nm: "누리바이오",
      rcept_dt: "20261120",
      rm: "",
    });
    const run = await runScheduled(r.ctx, "dart_poll", "manual");
    assert.equal(run.enqueued, 2); // the company refresh and one pipeline refresh
    await r.drain();
    const ipoRuns = (await listRuns(r.kv, { job: "kind_ipo" })).filter((x) =>
      x.trigger === "queue"
    );
    assert.equal(ipoRuns.length, 1);
    assert.equal(ipoRuns[0].status, "SUCCEEDED");
    // the same filings polled again enqueue nothing
    const again = await runScheduled(r.ctx, "dart_poll", "manual");
    assert.equal(again.enqueued, 0);
  } finally {
    await r.close();
  }
});

Deno.test("[jobs] the weekly corp-master sync writes only what changed and counts its call", async () => {
  const r = await jobsRig({ sample: false });
  try {
    const first = await runScheduled(r.ctx, "dart_corp_master", "manual");
    assert.equal(first.status, "SUCCEEDED", JSON.stringify(first));
    assert.equal(first.api_calls, 1);
    assert.equal(first.counts.new, r.dataset.corps.length);
    // a rename and a new filer arrive; the next sync writes exactly those
    r.dataset.corps[0] = {
      ...r.dataset.corps[0],
      corp_name: "새이름전자",
      modify_date: "20261121",
    };
    r.dataset.corps.push({
      corp_code: "09999999",
      corp_name: "신규등록(주)",
      corp_eng_name: "",
      stock_code: "",
      modify_date: "20261121",
    });
    const second = await runScheduled(r.ctx, "dart_corp_master", "manual");
    assert.equal(second.counts.new, 1);
    assert.equal(second.counts.changed, 1);
    assert.equal(
      (await searchCorps(r.kv, "새이름전자", 1))[0]?.corp_code,
      r.dataset.corps[0].corp_code,
    );
  } finally {
    await r.close();
  }
});

Deno.test("[jobs] sample start-up pass: one run per job, nothing changed, KIND health checked", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await loadSampleData(kv);
    const ctx = sampleJobsContext(kv);
    const runs = await startupPass(ctx);
    assert.deepEqual(runs.map((r) => r.job), [
      "source_health",
      "dart_poll",
      "kind_ipo",
      "krx_daily",
    ]);
    for (const r of runs) {
      assert.equal(r.status, "SUCCEEDED", `${r.job}: ${JSON.stringify(r)}`);
      assert.equal(r.trigger, "startup");
      assert.equal(r.counts.new + r.counts.changed, 0, `${r.job} found nothing to change`);
    }
    assert.equal(runs[0].counts.fetched, 3, "dart, kind and krx probed");
    const stored = await listRuns(kv, { limit: 10 });
    assert.equal(stored.filter((r) => r.trigger === "startup").length, 4);
    const health = await sourceHealth(ctx);
    const kind = health.find((h) => h.source === "kind")!;
    assert.equal(kind.configured, true);
    assert.equal(kind.ok, true);
    assert.equal(kind.last_error, null);
    assert.ok(health.every((h) => h.ok), JSON.stringify(health));
  } finally {
    kv.close();
  }
});

Deno.test("[jobs] the KIND probe reports a KIND outage; live mode configures it", async () => {
  const kv = await Deno.openKv(":memory:");
  const fake = await startFakeKind({ dataset: buildKindSampleDataset() });
  try {
    const kind = new KindClient({
      kv,
      baseUrl: fake.url,
      http: new HttpClient({ source: "kind", retries: 0, breaker: new CircuitBreaker() }),
    });
    const now = () => new Date("2026-11-23T03:00:00Z");
    const up = await checkSource({ kv }, kindProbe(kind, undefined, now));
    assert.equal(up.ok, true, JSON.stringify(up));
    fake.setFault("pubofrschdl", { kind: "maintenance" });
    const down = await checkSource({ kv }, kindProbe(kind, undefined, now));
    assert.equal(down.ok, false);
    assert.ok(down.last_error, "the failure is named");
    assert.equal(down.last_success_at, up.last_success_at, "the last success is kept");

    const config = loadConfig({ KDESK_KV_PATH: ":memory:", DART_API_KEY: "a".repeat(40) });
    const live = liveJobsContext(kv, config);
    assert.deepEqual(live.probes.map((p) => p.source), ["dart", "kind"]);
    assert.ok(live.probes[1].breaker, "KIND's circuit is shown");
  } finally {
    await fake.close();
    kv.close();
  }
});
