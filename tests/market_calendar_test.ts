/** KRX sessions (KST), holidays, tick sizes and price limits. */
import assert from "node:assert/strict";
import { startKrxBackfill } from "../lib/jobs/krx_backfill.ts";
import type { JobMessage } from "../lib/jobs/messages.ts";
import type { JobsContext, JobsDart } from "../lib/jobs/runtime.ts";
import {
  floorToTick,
  isFirstTradingDayOfYear,
  isTradingDay,
  KRX_HOLIDAYS,
  onGrid,
  priceLimits,
  sessionAt,
  tickDown,
  tickSize,
  tickUp,
  tradingDaysBetween,
} from "../lib/market/mod.ts";
import { getRun } from "../lib/store/runs.ts";
import { closedDay } from "../routes/market.ts";

const kst = (s: string) => new Date(`${s}+09:00`);

Deno.test("sessions on a normal trading day (KST)", () => {
  const d = "2026-11-24"; // Tuesday
  const at = (t: string) => sessionAt(kst(`${d}T${t}`)).code;
  assert.equal(at("08:29:59"), "closed");
  assert.equal(at("08:30:00"), "pre_open");
  assert.equal(at("08:59:59"), "pre_open");
  assert.equal(at("09:00:00"), "regular");
  assert.equal(at("15:19:59"), "regular");
  assert.equal(at("15:20:00"), "closing_auction");
  assert.equal(at("15:30:00"), "after_hours");
  assert.equal(at("19:59:59"), "after_hours");
  assert.equal(at("20:00:00"), "closed");
  assert.equal(sessionAt(kst(`${d}T10:00:00`)).label, "정규장");
  assert.equal(sessionAt(kst(`${d}T15:25:00`)).label, "장마감 동시호가");
});

Deno.test("weekends and 2026 holidays are 휴장; special days shift", () => {
  assert.equal(sessionAt(kst("2026-11-21T10:00:00")).code, "holiday"); // Saturday
  const dec31 = sessionAt(kst("2026-12-31T10:00:00"));
  assert.equal(dec31.code, "holiday");
  assert.equal(dec31.label, "휴장");
  assert.equal(dec31.holiday, "연말 휴장일");
  // 2026-07-17: 제헌절, a public holiday again from 2026 (a Friday)
  for (
    const d of ["2026-10-05", "2026-10-09", "2026-12-25", "2026-02-17", "2026-06-03", "2026-07-17"]
  ) {
    assert.equal(isTradingDay(d), false, d);
  }
  assert.equal(isTradingDay("2026-10-06"), true);
  // 수능 2026-11-19: regular session 10:00–16:30.
  assert.equal(sessionAt(kst("2026-11-19T09:30:00")).code, "pre_open");
  assert.equal(sessionAt(kst("2026-11-19T16:25:00")).code, "closing_auction");
  // First trading day: opens at 10:00.
  assert.equal(sessionAt(kst("2026-01-02T09:30:00")).code, "pre_open");
  assert.equal(sessionAt(kst("2026-01-02T10:00:00")).code, "regular");
  // 개장일 is derived from the calendar: 2022-01-03 (Jan 1–2 weekend), 2027-01-04 (Jan 1
  // holiday, then a weekend); the next trading day opens at 09:00 again.
  for (
    const d of ["2021-01-04", "2022-01-03", "2023-01-02", "2024-01-02", "2025-01-02", "2027-01-04"]
  ) {
    assert.equal(isFirstTradingDayOfYear(d), true, d);
    assert.equal(sessionAt(kst(`${d}T09:30:00`)).code, "pre_open", d);
  }
  assert.equal(isFirstTradingDayOfYear("2022-01-04"), false);
  assert.equal(sessionAt(kst("2022-01-04T09:30:00")).code, "regular");
  assert.equal(isFirstTradingDayOfYear("2026-01-01"), false, "a holiday is no 개장일");
  // 수능 2021–2025: the third Thursday of November, sessions an hour late.
  for (const d of ["2021-11-18", "2022-11-17", "2023-11-16", "2024-11-14", "2025-11-13"]) {
    assert.equal(sessionAt(kst(`${d}T09:30:00`)).code, "pre_open", d);
    assert.equal(sessionAt(kst(`${d}T16:25:00`)).code, "closing_auction", d);
  }
  assert.equal(sessionAt(kst("2024-11-15T09:30:00")).code, "regular");
  // Before the after-market started (2026-09-14) 시간외 ended at 18:00.
  assert.equal(sessionAt(kst("2026-09-10T18:30:00")).code, "closed");
  assert.equal(sessionAt(kst("2026-09-15T18:30:00")).code, "after_hours");
  // The same instant in UTC terms: 00:30 UTC is 09:30 KST.
  assert.equal(sessionAt(new Date("2026-11-24T00:30:00Z")).code, "regular");
});

const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();
/** Weekdays of a year (calendar only, holidays not removed). */
function weekdaysOf(year: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (weekday(d) !== 0 && weekday(d) !== 6) out.push(d);
  }
  return out;
}

Deno.test("KRX_HOLIDAYS: real dates, weekdays only, every year 2021–2026 present", () => {
  const dates = Object.keys(KRX_HOLIDAYS);
  assert.deepEqual(dates, [...dates].sort(), "listed in date order");
  for (const d of dates) {
    assert.match(d, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10), d, `${d} is a real date`);
    assert.ok(weekday(d) >= 1 && weekday(d) <= 5, `${d} is a weekday`);
    assert.ok(KRX_HOLIDAYS[d].trim().length > 0, `${d} has a name`);
    assert.equal(isTradingDay(d), false, d);
  }
  for (let y = 2021; y <= 2026; y++) {
    assert.ok(dates.some((d) => d.startsWith(`${y}-`)), `${y} listed`);
  }
});

Deno.test("2021–2025 closures by name, and the trading days around them", () => {
  const closed: [string, string][] = [
    ["2021-02-12", "설날"],
    ["2021-08-16", "광복절 대체공휴일"],
    ["2021-10-11", "한글날 대체공휴일"],
    ["2022-03-09", "대통령선거"],
    ["2022-06-01", "전국동시지방선거"],
    ["2022-09-12", "추석 대체공휴일"],
    ["2023-05-29", "부처님오신날 대체공휴일"],
    ["2023-10-02", "임시공휴일"],
    ["2024-04-10", "국회의원선거"],
    ["2024-10-01", "국군의 날 임시공휴일"],
    ["2025-01-27", "임시공휴일"],
    ["2025-06-03", "대통령선거"],
    ["2025-10-08", "추석 대체공휴일"],
  ];
  for (const [d, name] of closed) {
    assert.equal(isTradingDay(d), false, d);
    assert.equal(KRX_HOLIDAYS[d], name, d);
    const s = sessionAt(kst(`${d}T10:00:00`));
    assert.equal(s.code, "holiday", d);
    assert.equal(s.holiday, name, d);
  }
  // Open on the weekdays next to a one-day closure.
  for (
    const d of [
      "2022-03-08",
      "2022-03-10",
      "2022-05-31",
      "2022-06-02",
      "2024-04-09",
      "2024-04-11",
      "2024-09-30",
      "2024-10-02",
      "2025-06-02",
      "2025-06-04",
    ]
  ) assert.equal(isTradingDay(d), true, d);
  // Long breaks: the trading days on either side.
  assert.deepEqual(tradingDaysBetween("2025-01-24", "2025-01-31"), ["2025-01-24", "2025-01-31"]);
  assert.deepEqual(tradingDaysBetween("2023-09-27", "2023-10-05"), [
    "2023-09-27",
    "2023-10-04",
    "2023-10-05",
  ]);
  assert.deepEqual(tradingDaysBetween("2025-10-02", "2025-10-10"), ["2025-10-02", "2025-10-10"]);
  assert.deepEqual(tradingDaysBetween("2024-02-08", "2024-02-13"), ["2024-02-08", "2024-02-13"]);
  // First trading days of the years.
  for (const d of ["2021-01-04", "2022-01-03", "2023-01-02", "2024-01-02", "2025-01-02"]) {
    assert.equal(isTradingDay(d), true, d);
  }
});

Deno.test("연말 휴장일: the last weekday of every year is closed, the one before it trades", () => {
  for (let y = 2021; y <= 2026; y++) {
    const days = weekdaysOf(y);
    const last = days.at(-1)!;
    assert.equal(KRX_HOLIDAYS[last], "연말 휴장일", `${y}: ${last}`);
    assert.equal(isTradingDay(days.at(-2)!), true, `${y}: ${days.at(-2)} is the closing day`);
  }
  // Weekend year-ends: the closure moves back to Friday.
  assert.equal(KRX_HOLIDAYS["2022-12-30"], "연말 휴장일");
  assert.equal(KRX_HOLIDAYS["2023-12-29"], "연말 휴장일");
  assert.equal(isTradingDay("2023-12-28"), true);
});

Deno.test("holidays on a weekend are not listed; substitutes only where the rules gave one", () => {
  for (
    const d of [
      "2021-08-15", // 광복절, Sunday → 08-16
      "2021-12-25", // 성탄절, Saturday: no substitute before 2023
      "2022-01-01", // 신정, Saturday: never a substitute
      "2022-05-08", // 부처님오신날, Sunday: no substitute before 2023-05
      "2022-10-09", // 한글날, Sunday → 10-10
      "2023-05-27", // 부처님오신날, Saturday → 05-29
      "2024-05-05", // 어린이날, Sunday → 05-06
      "2025-03-01", // 삼일절, Saturday → 03-03
    ]
  ) {
    assert.ok(weekday(d) === 0 || weekday(d) === 6, `${d} is a weekend`);
    assert.equal(d in KRX_HOLIDAYS, false, d);
  }
  for (const d of ["2021-12-27", "2022-01-03", "2022-05-09"]) {
    assert.equal(isTradingDay(d), true, `${d}: no substitute holiday`);
  }
  for (const d of ["2021-08-16", "2022-10-10", "2023-05-29", "2024-05-06", "2025-03-03"]) {
    assert.equal(isTradingDay(d), false, `${d}: substitute holiday`);
  }
});

Deno.test("trading days per year follow the calendar (2021: KRX's 251 minus 3 new substitutes)", () => {
  const listed = (y: number) => Object.keys(KRX_HOLIDAYS).filter((d) => d.startsWith(`${y}-`));
  for (let y = 2021; y <= 2026; y++) {
    assert.equal(
      tradingDaysBetween(`${y}-01-01`, `${y}-12-31`).length,
      weekdaysOf(y).length - listed(y).length,
      String(y),
    );
  }
  // KRX announced 251 trading days for 2021 (10 closures); the substitute holidays of
  // 08-16, 10-04 and 10-11 were added in Aug 2021.
  assert.equal(listed(2021).length, 13);
  assert.equal(tradingDaysBetween("2021-01-01", "2021-12-31").length, 251 - 3);
});

Deno.test("the KRX backfill skips 2021–2025 holidays, and the day API names them", async () => {
  const kv = await Deno.openKv(":memory:");
  const got: JobMessage[] = [];
  const listener = kv.listenQueue((m) => {
    got.push(m as JobMessage);
  });
  try {
    const ctx: JobsContext = {
      kv,
      dart: {} as JobsDart,
      now: () => new Date("2026-11-20T09:00:00Z"),
      sample: false,
      backoffSchedule: [20, 40],
      probes: [],
    };
    // 2024-09-30 … 10-11: 10 weekdays, 10-01 (국군의 날), 10-03 and 10-09 closed.
    const b = await startKrxBackfill(ctx, "2024-09-30", "2024-10-11");
    const want = ["09-30", "10-02", "10-04", "10-07", "10-08", "10-10", "10-11"].map((d) =>
      `2024-${d}`
    );
    assert.equal(b.enqueued, want.length);
    assert.equal((await getRun(kv, b.run_id))?.detail?.days, want.length);
    const end = Date.now() + 5_000;
    while (got.length < want.length && Date.now() < end) {
      await new Promise((f) => setTimeout(f, 10));
    }
    const days = got.map((m) => (m.kind === "krx_day" ? m.date : m.kind)).sort();
    assert.deepEqual(days, want);
    assert.ok(!days.includes("2024-10-01"), "a 2024 holiday is not queued");

    // A whole year: one message per trading day, none for the 18 closures of 2024.
    const year = await startKrxBackfill(ctx, "2024-01-01", "2024-12-31");
    assert.equal(year.enqueued, weekdaysOf(2024).length - 18);

    // /api/v1/market/days/{date}: a holiday is told apart from a day not collected.
    assert.deepEqual(await closedDay(kv, "2024-04-10"), { kind: "holiday", name: "국회의원선거" });
    assert.deepEqual(await closedDay(kv, "2022-03-09"), { kind: "holiday", name: "대통령선거" });
    assert.equal(await closedDay(kv, "2024-04-11"), null, "a trading day, not collected");
    assert.deepEqual(await closedDay(kv, "2023-05-27"), { kind: "weekend" });
  } finally {
    kv.close();
    await listener.catch(() => {});
  }
});

Deno.test("tick sizes, grid moves and ±30 % limits", () => {
  const cases: [number, number][] = [
    [1_999, 1],
    [2_000, 5],
    [4_995, 5],
    [5_000, 10],
    [19_990, 10],
    [20_000, 50],
    [49_950, 50],
    [50_000, 100],
    [199_900, 100],
    [200_000, 500],
    [499_500, 500],
    [500_000, 1_000],
  ];
  for (const [p, t] of cases) assert.equal(tickSize(p), t, String(p));
  assert.equal(tickUp(49_950), 50_000);
  assert.equal(tickDown(50_000), 49_950);
  assert.equal(tickDown(20_000), 19_990);
  assert.equal(floorToTick(50_050), 50_000);
  assert.equal(onGrid(257_750), false, "mid-point prints are off-grid");
  // Both known samples (kiwoom.md §5.3).
  assert.deepEqual(priceLimits(252_500), { upper: 328_000, lower: 177_000 });
  assert.deepEqual(priceLimits(60_300), { upper: 78_300, lower: 42_300 });
});
