/** The schedule declarations: pure `nextFire`, and KST coverage of the poll and KIND crons. */
import assert from "node:assert/strict";
import {
  inBusinessWindow,
  nextFire,
  nextRun,
  parseCron,
  scheduleByName,
  SCHEDULES,
} from "../cron/schedules.ts";
import { HANDLER_NAMES, isAvailable } from "../cron/handlers.ts";
import type { JobsContext } from "../lib/jobs/runtime.ts";

const at = (iso: string) => new Date(iso);

Deno.test("[cron] nextFire computes the next UTC minute a cron string matches", () => {
  // Mon 2026-11-23 14:33 UTC
  const now = at("2026-11-23T14:33:20Z");
  assert.equal(nextFire("*/5 * * * *", now).toISOString(), "2026-11-23T14:35:00.000Z");
  assert.equal(nextFire("*/5 22-23 * * SUN-THU", now).toISOString(), "2026-11-23T22:00:00.000Z");
  assert.equal(nextFire("30 9 * * MON-FRI", now).toISOString(), "2026-11-24T09:30:00.000Z");
  assert.equal(nextFire("0 17 * * SAT", now).toISOString(), "2026-11-28T17:00:00.000Z");
  assert.equal(
    nextFire("30 9 * * MON-FRI", at("2026-11-27T10:00:00Z")).toISOString(),
    "2026-11-30T09:30:00.000Z",
  );
  assert.equal(nextFire("0 0 1 1 *", now).toISOString(), "2027-01-01T00:00:00.000Z");
  assert.equal(nextFire("0 0 29 2 *", now).toISOString(), "2028-02-29T00:00:00.000Z");
  // Strictly after: a fire time itself gives the next one.
  assert.equal(
    nextFire("*/5 * * * *", at("2026-11-23T14:35:00Z")).toISOString(),
    "2026-11-23T14:40:00.000Z",
  );
  // Both day fields restricted: either matches.
  assert.equal(nextFire("0 0 1 * MON", now).toISOString(), "2026-11-30T00:00:00.000Z");
  assert.throws(() => parseCron("* * * *"), /5 fields/);
  assert.throws(() => parseCron("61 * * * *"), /minute/);
  assert.throws(() => parseCron("0 0 31 2 *") && nextFire("0 0 31 2 *", now), /never fires/);
});

Deno.test("[cron] day-of-week numbers are Deno's (saffron): 1 = Sunday … 7 = Saturday", () => {
  const fri = at("2026-11-27T10:00:00Z"); // Friday
  // Vixie's "weekdays" 1-5 is Sunday–Thursday in Deno.cron: the next fire is on Sunday.
  assert.equal(nextFire("30 9 * * 1-5", fri).toISOString(), "2026-11-29T09:30:00.000Z");
  assert.equal(nextFire("30 9 * * 2-6", fri).toISOString(), "2026-11-30T09:30:00.000Z");
  assert.equal(nextFire("0 0 * * 7", fri).toISOString(), "2026-11-28T00:00:00.000Z"); // Sat
  assert.equal(nextFire("0 0 * * 1", fri).toISOString(), "2026-11-29T00:00:00.000Z"); // Sun
  assert.equal(nextFire("0 0 * * sun", fri).toISOString(), "2026-11-29T00:00:00.000Z");
  assert.equal(nextFire("0 0 * * Tue/2", fri).toISOString(), "2026-11-28T00:00:00.000Z"); // TUE,THU,SAT
  assert.equal(nextFire("0 0 * JAN-MAR *", fri).toISOString(), "2027-01-01T00:00:00.000Z");
  // What Deno.cron rejects, and the Quartz extensions kdesk does not use.
  for (
    const bad of [
      "*/5 22-23 * * 0-4",
      "0 0 * * 0",
      "0 0 * * 8",
      "0 0 * * */7",
      "*/60 * * * *",
      "0 0 * * MONDAY",
      "0 0 * * 007",
      " 0 0 * * *",
      "0 0 * * * ",
      "0 0 ? * *",
      "0 0 * * FRI-MON",
      "0 0 L * *",
      "0 0 * * 6#3",
      "5,* * * * *",
    ]
  ) assert.throws(() => parseCron(bad), /cron/, bad);
});

Deno.test("[cron] schedules are valid, uniquely named and described in KST", () => {
  assert.equal(new Set(SCHEDULES.map((s) => s.name)).size, SCHEDULES.length);
  for (const s of SCHEDULES) {
    parseCron(s.cron);
    assert.ok(s.kst.length > 0);
  }
  // Daily collection: weekdays 18:30 KST; weekly financials: Sunday 02:00 KST; KRX 18:00 KST.
  const kst = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
  const daily = nextRun(scheduleByName("dart_daily")!, at("2026-11-27T10:00:00Z")); // Fri 19:00 KST
  assert.equal(kst(daily), "2026-11-30T18:30"); // Monday
  const weekly = nextRun(scheduleByName("dart_financials_weekly")!, at("2026-11-23T00:00:00Z"));
  assert.equal(kst(weekly), "2026-11-29T02:00");
  assert.equal(new Date(Date.parse(kst(weekly) + "Z")).getUTCDay(), 0);
  assert.equal(
    kst(nextRun(scheduleByName("krx_daily")!, at("2026-11-23T00:00:00Z"))),
    "2026-11-23T18:00",
  );
});

function firesAt(cron: string, t: Date): boolean {
  return nextFire(cron, new Date(t.getTime() - 60_000)).getTime() === t.getTime();
}

Deno.test("[cron] the DART poll runs every 5 minutes 07–20 KST on weekdays and hourly otherwise", () => {
  const polls = SCHEDULES.filter((s) => s.handler === "dart_poll");
  const start = Date.parse("2026-11-22T15:00:00Z"); // Mon 00:00 KST
  for (let m = 0; m < 7 * 24 * 60; m++) {
    const t = new Date(start + m * 60_000);
    const firing = polls.filter((s) => firesAt(s.cron, t) && !s.skip?.(t)).length;
    const k = new Date(t.getTime() + 9 * 3600_000);
    const min = k.getUTCMinutes();
    const expected = inBusinessWindow(t) ? (min % 5 === 0 ? 1 : 0) : (min === 0 ? 1 : 0);
    assert.equal(firing, expected, `at ${k.toISOString()} KST`);
  }
});

Deno.test("[cron] KIND IPO screens run every 30 minutes on KST weekdays only", () => {
  const kind = SCHEDULES.filter((s) => s.handler === "kind_ipo");
  const start = Date.parse("2026-11-22T15:00:00Z"); // Mon 00:00 KST
  let count = 0;
  for (let m = 0; m < 7 * 24 * 60; m++) {
    const t = new Date(start + m * 60_000);
    const firing = kind.filter((s) => firesAt(s.cron, t)).length;
    const k = new Date(t.getTime() + 9 * 3600_000);
    const weekday = k.getUTCDay() >= 1 && k.getUTCDay() <= 5;
    assert.equal(firing, weekday && k.getUTCMinutes() % 30 === 0 ? 1 : 0, k.toISOString());
    count += firing;
  }
  assert.equal(count, 5 * 48);
});

Deno.test("[cron] the export sweep runs daily at 04:00 KST and needs no source connector", () => {
  assert.equal(SCHEDULES.length, 12);
  const s = scheduleByName("exports_sweep")!;
  assert.ok(s, "declared");
  assert.equal(s.handler, "exports_sweep");
  assert.match(s.kst, /^매일 04:00/);
  const kst = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
  let t = at("2026-11-23T00:00:00Z"); // Mon 09:00 KST
  for (const day of ["24", "25", "26", "27", "28", "29", "30"]) {
    t = nextRun(s, t);
    assert.equal(kst(t), `2026-11-${day}T04:00`);
  }
  assert.ok(HANDLER_NAMES.includes("exports_sweep"));
  // KV-only: available with no connectors, in sample mode and live.
  for (const sample of [true, false]) {
    assert.ok(isAvailable({ sample, external: {} } as unknown as JobsContext, "exports_sweep"));
  }
});
