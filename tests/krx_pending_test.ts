/**
 * An empty KRX answer on a day the calendar says trades is "not published yet", never a
 * holiday: the day is stored pending (the market routes do not call it closed), later runs
 * collect it again, and the 08:00 KST catch-up collects the previous trading day(s) still
 * pending once KRX has them. Only the calendar closes a day. The backfill CLI collects pending
 * days again instead of skipping them.
 */
import assert from "node:assert/strict";
import { isAvailable, runScheduled } from "../cron/handlers.ts";
import type { JobsContext } from "../lib/jobs/runtime.ts";
import { type HandlerName, nextRun, scheduleByName } from "../cron/schedules.ts";
import { configureLog } from "../lib/log.ts";
import { toBasDd } from "../lib/market/model.ts";
import { listIssues } from "../lib/store/quality.ts";
import { getDay, getDayStatus, putDayStatus } from "../lib/store/market.ts";
import { closedDay } from "../routes/market.ts";
import { startFakeKrx } from "./fake/krx_server.ts";
import { KRX_TEST_KEY, KRX_TEST_LOGIN, krxJobsRig, krxTestMarket } from "./helpers/krx_days.ts";

configureLog({ level: "error", sink: () => {} });

const THU = "2026-11-19", FRI = "2026-11-20";
/** The catch-up handler (declared in cron/schedules.ts). */
const CATCH_UP = "krx_catchup" as unknown as HandlerName;

/** The market of Thursday and Friday, with Friday's rows held back (not published yet). */
function unpublished() {
  const ds = krxTestMarket([THU, FRI]);
  const held = { trades: ds.trades[toBasDd(FRI)], index: ds.index[toBasDd(FRI)] };
  delete ds.trades[toBasDd(FRI)];
  delete ds.index[toBasDd(FRI)];
  const publish = () => {
    ds.trades[toBasDd(FRI)] = held.trades;
    ds.index[toBasDd(FRI)] = held.index;
  };
  return { ds, publish };
}

Deno.test("[krx pending] an empty trading day is pending, not closed, and collected once KRX publishes it", async () => {
  const { ds, publish } = unpublished();
  const r = await krxJobsRig(ds, { now: "2026-11-20T09:00:00Z" }); // Fri 18:00 KST
  try {
    const fri = await runScheduled(r.ctx, "krx_daily", "schedule");
    assert.equal(fri.detail?.day, FRI);
    assert.equal(fri.status, "PARTIAL");
    assert.deepEqual((await listIssues(r.kv, { run_id: fri.id })).map((i) => i.code), [
      "KRX_NO_DATA",
    ]);
    const status = await getDayStatus(r.kv, FRI);
    assert.equal(status?.holiday, false, "emptiness alone never closes a trading day");
    assert.equal(status?.pending, true);
    assert.equal(await closedDay(r.kv, FRI), null, "the market routes do not call it closed");

    // A later run of the same day (20:00) tries again; still empty, still pending.
    r.ctx.now = () => new Date("2026-11-20T11:00:00Z");
    const again = await runScheduled(r.ctx, "krx_daily", "schedule");
    assert.equal(again.detail?.pending, true);
    assert.equal(r.calls.filter((c) => c === `stk_bydd_trd ${toBasDd(FRI)}`).length, 2);

    // KRX publishes overnight; Monday 08:00 KST the catch-up collects Friday.
    publish();
    r.ctx.now = () => new Date("2026-11-22T23:00:00Z");
    const catchUp = await runScheduled(r.ctx, CATCH_UP, "schedule");
    assert.equal(catchUp.status, "SUCCEEDED", JSON.stringify(catchUp));
    assert.equal(catchUp.job, "krx_catchup");
    assert.equal(catchUp.detail?.days, FRI, "only the pending day (Thursday was never a target)");
    assert.equal(catchUp.detail?.still_pending, "");
    assert.equal(catchUp.api_calls, 12);
    assert.equal((await getDay(r.kv, FRI, "KOSPI")).length, 20);
    const collected = await getDayStatus(r.kv, FRI);
    assert.equal(collected?.pending ?? false, false);
    assert.equal(collected?.holiday, false);
    assert.deepEqual(collected?.bars, { KOSPI: 20, KOSDAQ: 8, KONEX: 2 });

    // Nothing is left for the next morning.
    r.ctx.now = () => new Date("2026-11-23T23:00:00Z");
    const tue = await runScheduled(r.ctx, CATCH_UP, "schedule");
    assert.equal(tue.detail?.days, "2026-11-23", "Monday, never collected, is the previous day");
  } finally {
    await r.close();
  }
});

Deno.test("[krx pending] the catch-up also reopens a trading day an older collector stored as a holiday", async () => {
  const r = await krxJobsRig(krxTestMarket([THU, FRI]), { now: "2026-11-22T23:00:00Z" });
  try {
    await putDayStatus(r.kv, {
      date: THU,
      holiday: true,
      bars: {},
      indices: 0,
      run_id: null,
      collected_at: "2026-11-19T09:00:00Z",
    });
    const run = await runScheduled(r.ctx, CATCH_UP, "schedule");
    assert.equal(run.detail?.days, `${THU},${FRI}`);
    assert.equal((await getDayStatus(r.kv, THU))?.holiday, false);
    assert.equal((await getDay(r.kv, THU, "KOSDAQ")).length, 8);
  } finally {
    await r.close();
  }
});

Deno.test("[krx pending] the catch-up runs at 08:00 KST on weekdays and needs the KRX connector", () => {
  const s = scheduleByName("krx_catchup" as Parameters<typeof scheduleByName>[0])!;
  assert.ok(s, "declared");
  assert.equal(s.handler, CATCH_UP);
  assert.match(s.cron, /SUN-THU/, "weekday names (Deno.cron numbers weekdays its own way)");
  const kst = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
  let t = new Date("2026-11-20T00:00:00Z"); // Fri 09:00 KST
  const fires: string[] = [];
  for (let i = 0; i < 5; i++) fires.push(kst(t = nextRun(s, t)));
  assert.deepEqual(fires, [
    "2026-11-23T08:00",
    "2026-11-24T08:00",
    "2026-11-25T08:00",
    "2026-11-26T08:00",
    "2026-11-27T08:00",
  ]);
  const bare = { sample: false, external: {} } as unknown as JobsContext;
  assert.equal(isAvailable(bare, CATCH_UP), false, "not registered without KRX_API_KEY");
});

Deno.test("[krx pending] deno task backfill --source krx collects a pending day again", async () => {
  const { ds, publish } = unpublished();
  const fake = await startFakeKrx({ dataset: ds, apiKey: KRX_TEST_KEY, login: KRX_TEST_LOGIN });
  const path = await Deno.makeTempFile({ suffix: ".sqlite" });
  const cli = async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/backfill.ts", "--source", "krx", "--from", THU, "--to", FRI],
      env: {
        KDESK_KV_PATH: path,
        KRX_API_KEY: KRX_TEST_KEY,
        KRX_BASE_URL: fake.apiUrl,
        HTTP_RETRIES: "0",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  };
  try {
    const first = await cli();
    assert.equal(first.collected, 2);
    publish();
    const second = await cli();
    assert.equal(second.collected, 1, "Friday again; Thursday is done");
    assert.equal(second.skipped, 1);
    const kv = await Deno.openKv(path);
    try {
      assert.equal((await getDay(kv, FRI, "KONEX")).length, 2);
      assert.equal((await getDayStatus(kv, FRI))?.pending ?? false, false);
    } finally {
      kv.close();
    }
  } finally {
    await fake.close();
    await Deno.remove(path).catch(() => {});
  }
});
