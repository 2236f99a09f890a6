/** KRX sessions (KST), holidays, tick sizes and price limits. */
import assert from "node:assert/strict";
import {
  floorToTick,
  isTradingDay,
  onGrid,
  priceLimits,
  sessionAt,
  tickDown,
  tickSize,
  tickUp,
} from "../lib/market/mod.ts";

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
  for (const d of ["2026-10-05", "2026-10-09", "2026-12-25", "2026-02-17", "2026-06-03"]) {
    assert.equal(isTradingDay(d), false, d);
  }
  assert.equal(isTradingDay("2026-10-06"), true);
  // 수능 2026-11-19: regular session 10:00–16:30.
  assert.equal(sessionAt(kst("2026-11-19T09:30:00")).code, "pre_open");
  assert.equal(sessionAt(kst("2026-11-19T16:25:00")).code, "closing_auction");
  // First trading day: opens at 10:00.
  assert.equal(sessionAt(kst("2026-01-02T09:30:00")).code, "pre_open");
  assert.equal(sessionAt(kst("2026-01-02T10:00:00")).code, "regular");
  // Before the after-market started (2026-09-14) 시간외 ended at 18:00.
  assert.equal(sessionAt(kst("2026-09-10T18:30:00")).code, "closed");
  assert.equal(sessionAt(kst("2026-09-15T18:30:00")).code, "after_hours");
  // The same instant in UTC terms: 00:30 UTC is 09:30 KST.
  assert.equal(sessionAt(new Date("2026-11-24T00:30:00Z")).code, "regular");
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
