/**
 * A run's status reflects its queued work, and the queue-depth gauge counts what is really
 * left: a KRX backfill stays RUNNING with done/total progress (run record, runs API, /ops)
 * until its last day is done — through a day that fails and waits for its retry — then
 * SUCCEEDED; a redelivered message is not counted processed twice, so a pending retry keeps
 * the gauge up; a backfill killed while enqueueing resumes where it stopped; a day whose tries
 * are used up is a failed unit (the run FAILED) until its dead letter is retried.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { startKrxBackfill } from "../lib/jobs/krx_backfill.ts";
import { Metrics } from "../lib/jobs/metrics.ts";
import { enqueue, handleMessage, refreshGauges, startQueueListener } from "../lib/jobs/runtime.ts";
import { configureLog } from "../lib/log.ts";
import { tradingDaysBetween } from "../lib/market/sessions.ts";
import { keys } from "../lib/store/keys.ts";
import { listDeadLetters, queueStats, retryDeadLetter } from "../lib/store/jobs.ts";
import { getDayStatus } from "../lib/store/market.ts";
import { listIssues } from "../lib/store/quality.ts";
import { type CollectionRun, getRun } from "../lib/store/runs.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { createApp } from "../routes/app.ts";
import { INDEX_ROWS, krxJobsRig, krxTestMarket } from "./helpers/krx_days.ts";
import { crashingKv } from "./helpers/kv.ts";
import { waitFor } from "./jobs_rig_test.ts";

configureLog({ level: "error", sink: () => {} });

const DAYS = tradingDaysBetween("2026-11-16", "2026-11-20");

/** The run's queued-work progress (absent on runs without queued work). */
const progressOf = (r: CollectionRun | null) =>
  (r as unknown as { progress?: { total: number; enqueued: number; done: number; failed: number } })
    ?.progress;

Deno.test("[jobs progress] a KRX backfill is RUNNING with done/total until its last day, then SUCCEEDED; the gauge counts the retry left", async () => {
  const r = await krxJobsRig(krxTestMarket(DAYS), { backoff: [1_500, 1_500] });
  r.ctx.metrics = new Metrics();
  const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "off" });
  const snapshots = new SnapshotCache(r.kv);
  const app = createApp({ kv: r.kv, config, snapshots, islandBundle: null, jobs: r.ctx });
  let listening: Promise<void> | null = null;
  try {
    r.fail("ksq_bydd_trd 20261118", 1); // one day fails once, then waits for its retry
    const b = await startKrxBackfill(r.ctx, DAYS[0], DAYS[4]);
    const queued = await getRun(r.kv, b.run_id);
    assert.equal(queued?.status, "RUNNING", "5 days still queued: not SUCCEEDED");
    assert.deepEqual(progressOf(queued), { total: 5, enqueued: 5, done: 0, failed: 0 });
    assert.equal(queued?.finished_at, null);
    assert.equal((await queueStats(r.kv)).depth, 5);

    listening = startQueueListener(r.ctx);
    await waitFor(
      async () => progressOf(await getRun(r.kv, b.run_id))?.done === 4,
      30_000,
      "four days done",
    );
    // The failed day waits for its retry: the run is not done, the gauge says one is left.
    const mid = (await getRun(r.kv, b.run_id))!;
    assert.equal(mid.status, "RUNNING");
    assert.equal(await getDayStatus(r.kv, "2026-11-18"), null, "not collected yet");
    const q = await queueStats(r.kv);
    assert.equal(q.depth, 1, JSON.stringify(q));
    assert.ok(q.processed <= q.enqueued, JSON.stringify(q));
    await refreshGauges(r.ctx);
    assert.equal(r.ctx.metrics.queueDepth.get(), 1);
    const api = await (await app.request("/api/ops/runs?job=krx_backfill")).json();
    assert.equal(api.runs[0].status, "RUNNING");
    assert.deepEqual(api.runs[0].progress, { total: 5, enqueued: 5, done: 4, failed: 0 });
    const page = await (await app.request("/ops?job=krx_backfill")).text();
    assert.match(page, /data-progress="4\/5"/);

    // The last day's message settles the run (status from its units, then finished_at).
    await waitFor(
      async () => !!(await getRun(r.kv, b.run_id))?.finished_at,
      30_000,
      "the retried day",
    );
    const done = (await getRun(r.kv, b.run_id))!;
    assert.equal(done.status, "SUCCEEDED", JSON.stringify(done));
    assert.deepEqual(progressOf(done), { total: 5, enqueued: 5, done: 5, failed: 0 });
    assert.ok(done.finished_at, "finished when its last day was");
    assert.equal(done.api_calls, 5 * 12, "the failed try is not a day's calls");
    assert.equal(
      done.counts.fetched,
      5 * (30 + 30 + INDEX_ROWS + 3),
      "trades, base info, indices, flows",
    );
    await waitFor(async () => (await queueStats(r.kv)).depth === 0, 10_000, "empty queue");
    const end = await queueStats(r.kv);
    assert.equal(end.processed, end.enqueued);
    await refreshGauges(r.ctx);
    assert.equal(r.ctx.metrics.queueDepth.get(), 0);
    assert.match(await (await app.request("/ops?job=krx_backfill")).text(), /data-progress="5\/5"/);
  } finally {
    await snapshots.close();
    await r.close();
    await listening?.catch(() => {});
  }
});

Deno.test("[jobs progress] a redelivered message is counted once; a pending retry keeps the depth gauge up", async () => {
  const r = await krxJobsRig(krxTestMarket(DAYS), { backoff: [60_000] });
  r.ctx.metrics = new Metrics();
  r.ctx.external = {}; // krx_day fails: no connector (and waits a minute for its retry)
  const failures: string[] = [];
  configureLog({
    level: "warn",
    sink: (line) => {
      if (line.includes("queue message failed")) failures.push(line);
    },
  });
  let listening: Promise<void> | null = null;
  try {
    const [m1] = await enqueue(r.ctx, [
      { kind: "rebuild_snapshot", corp_code: "00000001", key: "rebuild:00000001:t", run_id: null },
      { kind: "krx_day", date: DAYS[0], key: `krx_day:${DAYS[0]}:none`, run_id: null },
    ]);
    listening = startQueueListener(r.ctx);
    await waitFor(
      async () =>
        (await r.kv.get(keys.jobDone(m1.key))).versionstamp !== null &&
        failures.length >= 1,
      10_000,
      "one message done, the other failed once",
    );
    // KV delivers at least once: a worker that died after the done marker sees it again.
    assert.equal(await handleMessage(r.ctx, m1), "skipped");
    const q = await queueStats(r.kv);
    assert.equal(q.enqueued, 2);
    assert.equal(q.processed, 1, "the redelivery is not processed twice");
    assert.equal(q.depth, 1, "the message waiting for its retry is still in the queue");
    await refreshGauges(r.ctx);
    assert.equal(r.ctx.metrics.queueDepth.get(), 1);
  } finally {
    configureLog({ level: "error", sink: () => {} });
    await r.close();
    await listening?.catch(() => {});
  }
});

Deno.test("[jobs progress] a backfill killed while enqueueing resumes where it stopped: no day lost or doubled", async () => {
  const days = tradingDaysBetween("2026-08-03", "2026-10-30");
  assert.ok(days.length > 50 && days.length <= 100, `${days.length} days: two enqueue chunks`);
  const ds = krxTestMarket(days, { sizes: { KOSPI: 1, KOSDAQ: 1, KONEX: 1 } });
  const r = await krxJobsRig(ds, { flows: false });
  let listening: Promise<void> | null = null;
  try {
    await assert.rejects(
      startKrxBackfill(
        { ...r.ctx, kv: crashingKv(r.kv, 2, (call) => call === "enqueue") },
        days[0],
        days.at(-1)!,
      ),
      /simulated crash/,
    );
    const before = await queueStats(r.kv);
    assert.equal(before.enqueued, 50, "the first chunk made it");
    // The next listener (a restarted worker) finishes the enqueueing and the days.
    listening = startQueueListener(r.ctx);
    await waitFor(
      async () => {
        for (const d of days) if (!(await getDayStatus(r.kv, d))) return false;
        return (await queueStats(r.kv)).depth === 0;
      },
      60_000,
      "every day collected",
    );
    const q = await queueStats(r.kv);
    assert.equal(q.enqueued, days.length, "each day enqueued once");
    assert.equal(q.processed, days.length);
    assert.equal(r.calls.filter((c) => c.startsWith("stk_bydd_trd")).length, days.length);
  } finally {
    await r.close();
    await listening?.catch(() => {});
  }
});

Deno.test("[jobs progress] a day whose tries are used up is a failed unit until its dead letter is retried", async () => {
  const r = await krxJobsRig(krxTestMarket(DAYS), { backoff: [50] });
  let listening: Promise<void> | null = null;
  try {
    r.fail("ksq_bydd_trd 20261119", 2);
    const b = await startKrxBackfill(r.ctx, DAYS[0], DAYS[4]);
    listening = startQueueListener(r.ctx);
    await waitFor(
      async () => (await getRun(r.kv, b.run_id))?.status !== "RUNNING",
      30_000,
      "every day done or failed",
    );
    const failed = (await getRun(r.kv, b.run_id))!;
    assert.equal(failed.status, "FAILED");
    assert.deepEqual(progressOf(failed), { total: 5, enqueued: 5, done: 4, failed: 1 });
    const issues = await listIssues(r.kv, { run_id: b.run_id });
    assert.deepEqual(issues.map((i) => `${i.code} ${i.subject}`), [
      "KRX_DAY_FAILED krx 2026-11-19",
    ]);
    const [dl] = await listDeadLetters(r.kv);
    assert.equal(dl.message.key, `krx_day:2026-11-19:${b.run_id}`);
    assert.equal((await queueStats(r.kv)).depth, 0, "a dead letter is not queued work");

    assert.ok(await retryDeadLetter(r.kv, dl.id, { backoffSchedule: [1_000] })); // the source is back
    await waitFor(
      async () => progressOf(await getRun(r.kv, b.run_id))?.done === 5,
      30_000,
      "the retried day",
    );
    const after = (await getRun(r.kv, b.run_id))!;
    assert.deepEqual(progressOf(after), { total: 5, enqueued: 5, done: 5, failed: 0 });
    assert.equal(after.status, "PARTIAL", "done, with the failure on record (WARN)");
    const q = await queueStats(r.kv);
    assert.equal(q.depth, 0);
    assert.equal(q.processed, q.enqueued);
  } finally {
    await r.close();
    await listening?.catch(() => {});
  }
});
