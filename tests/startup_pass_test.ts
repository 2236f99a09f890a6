/**
 * The live start-up pass decides what a (re)start must catch up: the corp master only when
 * none is stored, KIND only when the IPO pipeline is missing or older than its 30-minute
 * schedule, KRX only when the day the daily job would last have collected has no bars.
 */
import assert from "node:assert/strict";
import { startupPass } from "../cron/handlers.ts";
import { sampleDartClient } from "../lib/etl/sample.ts";
import { krxCatchUpDay } from "../lib/jobs/context.ts";
import type { ExternalJob, JobsContext } from "../lib/jobs/runtime.ts";
import { configureLog } from "../lib/log.ts";
import { putPipelineHeader } from "../lib/store/ipo.ts";
import { keys } from "../lib/store/keys.ts";

Deno.test("[startup] krxCatchUpDay: today from 18:00 KST on a trading day, else the last one", () => {
  const at = (kst: string) => new Date(`${kst}+09:00`);
  assert.equal(krxCatchUpDay(at("2026-12-08T17:59:00")), "2026-12-07"); // Tue before 18:00
  assert.equal(krxCatchUpDay(at("2026-12-08T18:00:00")), "2026-12-08");
  assert.equal(krxCatchUpDay(at("2026-12-07T08:00:00")), "2026-12-04"); // Mon morning → Fri
  assert.equal(krxCatchUpDay(at("2026-12-05T20:00:00")), "2026-12-04"); // Sat evening → Fri
  assert.equal(krxCatchUpDay(at("2026-12-31T19:00:00")), "2026-12-30"); // year-end closure
});

Deno.test("[startup] a restart catches up only what is missing or stale", async () => {
  configureLog({ level: "error", sink: () => {} });
  const kv = await Deno.openKv(":memory:");
  try {
    const calls: { job: string; day?: string }[] = [];
    const stub = (job: string): ExternalJob => (_ctx, scope, opts) => {
      calls.push({ job, day: opts?.day });
      scope.detail.api_calls = 0;
      return Promise.resolve();
    };
    let now = new Date("2026-12-08T10:00:00+09:00"); // Tue, before the KRX daily run
    const ctx: JobsContext = {
      kv,
      dart: sampleDartClient(kv),
      now: () => now,
      sample: false,
      backoffSchedule: [10],
      probes: [],
      external: { kind_ipo: stub("kind_ipo"), krx_daily: stub("krx_daily") },
    };

    // First start: everything.
    let runs = await startupPass(ctx);
    assert.deepEqual(runs.map((r) => `${r.job}:${r.status}`), [
      "dart_corp_master:SUCCEEDED",
      "source_health:SUCCEEDED",
      "dart_poll:SUCCEEDED",
      "kind_ipo:SUCCEEDED",
      "krx_daily:SUCCEEDED",
    ]);
    assert.ok(runs.every((r) => r.trigger === "startup"));
    assert.deepEqual(calls, [{ job: "kind_ipo", day: undefined }, {
      job: "krx_daily",
      day: "2026-12-07",
    }]);

    // A restart with a fresh pipeline and the day's bars stored: health and poll only.
    await putPipelineHeader(kv, {
      built_at: new Date(now.getTime() - 10 * 60_000).toISOString(),
      sample: false,
      partial: false,
      source_status: {},
      missing_sections: [],
      count: 0,
      rows: { json: "[]" },
    });
    await kv.set(keys.barDay("2026-12-07", "KOSPI"), {
      date: "2026-12-07",
      market: "KOSPI",
      count: 0,
      hash: null,
      stored_at: now.toISOString(),
    });
    calls.length = 0;
    runs = await startupPass(ctx);
    assert.deepEqual(runs.map((r) => r.job), ["source_health", "dart_poll"]);
    assert.deepEqual(calls, []);

    // 40 minutes later, after 18:00 KST: the pipeline is stale, today is due (its own run).
    now = new Date("2026-12-08T18:40:00+09:00");
    await putPipelineHeader(kv, {
      built_at: new Date(now.getTime() - 40 * 60_000).toISOString(),
      sample: false,
      partial: false,
      source_status: {},
      missing_sections: [],
      count: 0,
      rows: { json: "[]" },
    });
    runs = await startupPass(ctx);
    assert.deepEqual(runs.map((r) => r.job), [
      "source_health",
      "dart_poll",
      "kind_ipo",
      "krx_daily",
    ]);
    assert.deepEqual(calls, [{ job: "kind_ipo", day: undefined }, {
      job: "krx_daily",
      day: undefined,
    }]);
  } finally {
    kv.close();
  }
});
