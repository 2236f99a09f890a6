/**
 * The one clock (lib/time/clock.ts) and the IPO D-day rules (lib/ipo/dday.ts), tested at
 * their boundaries.
 */
import assert from "node:assert/strict";
import {
  clockFromSpec,
  clockSpecText,
  fixedClock,
  liveClock,
  parseClockSpec,
  regularSession,
  sampleClock,
} from "../lib/time/clock.ts";
import { sessionAt } from "../lib/market/sessions.ts";
import { dealBadge, type DealDates, listingBadge, subscriptionBadge } from "../lib/ipo/dday.ts";
import { SAMPLE_AS_OF } from "../sample/dart_sample.ts";

const kst = (s: string) => Date.parse(`${s}+09:00`);
const hhmm = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(11, 16);

Deno.test("[clock] sample clock: the as-of day, always in its regular session", () => {
  // Every wall time of two whole days (every 7 minutes) maps into 정규장 on the as-of day.
  for (let t = kst("2026-12-07T00:00:00"); t < kst("2026-12-09T00:00:00"); t += 7 * 60_000) {
    const c = sampleClock(SAMPLE_AS_OF, () => t);
    assert.equal(c.today(), SAMPLE_AS_OF, new Date(t).toISOString());
    assert.equal(sessionAt(c.now()).code, "regular", `${new Date(t).toISOString()} → ${c.now()}`);
  }
  // Inside the session the wall clock's time of day is kept; outside it is folded in.
  assert.equal(hhmm(sampleClock("2026-11-20", () => kst("2026-12-07T10:30:00")).now()), "10:30");
  assert.equal(hhmm(sampleClock("2026-11-20", () => kst("2026-12-07T09:00:00")).now()), "09:00");
  assert.equal(hhmm(sampleClock("2026-11-20", () => kst("2026-12-07T15:20:00")).now()), "09:00");
  assert.equal(hhmm(sampleClock("2026-11-20", () => kst("2026-12-07T20:00:00")).now()), "13:40");
  // It moves with the wall clock (tick times advance).
  let wall = kst("2026-12-07T11:00:00");
  const c = sampleClock("2026-11-20", () => wall);
  const a = c.now().getTime();
  wall += 5_000;
  assert.equal(c.now().getTime() - a, 5_000);
});

Deno.test("[clock] regular session of special days comes from the session calendar", () => {
  assert.deepEqual(regularSession("2026-11-20"), { open: 9 * 60, close: 15 * 60 + 20 });
  // The year's first trading day opens at 10:00; the 수능 day runs an hour late.
  assert.deepEqual(regularSession("2026-01-02"), { open: 10 * 60, close: 15 * 60 + 20 });
  assert.deepEqual(regularSession("2025-11-13"), { open: 10 * 60, close: 16 * 60 + 20 });
  assert.throws(() => regularSession("2026-11-21"), /not a KRX trading day/); // Saturday
  assert.throws(() => sampleClock("2026-10-09"), /not a KRX trading day/); // 한글날
  const late = sampleClock("2026-01-02", () => kst("2026-12-07T09:30:00"));
  assert.equal(sessionAt(late.now()).code, "regular");
});

Deno.test("[clock] live and fixed clocks; specs round-trip as data and as text", () => {
  const wall = kst("2026-12-07T23:59:00");
  const live = liveClock(() => wall);
  assert.equal(live.now().getTime(), wall);
  assert.equal(live.today(), "2026-12-07");
  assert.equal(liveClock(() => kst("2026-12-08T00:00:00")).today(), "2026-12-08");
  const fixed = fixedClock("2026-11-25T10:00:00+09:00");
  assert.equal(fixed.today(), "2026-11-25");
  for (const c of [live, fixed, sampleClock("2026-11-20", () => wall)]) {
    const text = clockSpecText(c.spec);
    assert.deepEqual(parseClockSpec(text), c.spec, text);
    const again = clockFromSpec(JSON.parse(JSON.stringify(c.spec)), () => wall);
    assert.equal(again.now().getTime(), c.now().getTime(), text);
  }
  assert.equal(clockSpecText(sampleClock("2026-11-20").spec), "sample:2026-11-20");
  assert.deepEqual(parseClockSpec(""), { mode: "live" });
  assert.throws(() => parseClockSpec("sample:2026-11-21"), /not a KRX trading day/);
  assert.throws(() => parseClockSpec("tomorrow"), /clock must be/);
});

/** A deal: 수요예측 11-16…11-20, 청약 11-25…11-26, 상장 12-04. */
const DEAL: DealDates = {
  stage: "수요예측",
  book: { from: "2026-11-16", to: "2026-11-20" },
  sub: { from: "2026-11-25", to: "2026-11-26" },
  list: "2026-12-04",
};
const text = (d: DealDates, today: string) => dealBadge(d, today)?.text ?? null;

Deno.test("[dday] one badge per deal, at every boundary of its schedule", () => {
  const cases: [string, string | null, string][] = [
    ["2026-10-25", null, "청약 more than 30 days away"],
    ["2026-10-26", "청약 D-30", "the horizon"],
    ["2026-11-15", "청약 D-10", "the day before 수요예측"],
    ["2026-11-16", "수요예측 중", "수요예측 start"],
    ["2026-11-20", "수요예측 중", "수요예측 last day"],
    ["2026-11-21", "청약 D-4", "after 수요예측"],
    ["2026-11-24", "청약 D-1", "the day before 청약"],
    ["2026-11-25", "청약 중", "청약 start"],
    ["2026-11-26", "청약 마감일", "last 청약 day (never 청약 D+1)"],
    ["2026-11-27", "상장 D-7", "after 청약"],
    ["2026-12-03", "상장 D-1", "the day before listing"],
    ["2026-12-04", "상장일", "listing day"],
    ["2026-12-05", null, "after listing (never a D-N for a past listing)"],
    ["2027-01-04", null, "long after listing"],
  ];
  for (const [today, want, what] of cases) assert.equal(text(DEAL, today), want, what);
  assert.equal(dealBadge(DEAL, "2026-11-26")?.tone, "today");
  assert.equal(dealBadge(DEAL, "2026-12-04")?.tone, "today");
  assert.equal(dealBadge(DEAL, "2026-11-25")?.tone, "ongoing");
  assert.equal(dealBadge(DEAL, "2026-11-24")?.tone, "upcoming");
});

Deno.test("[dday] partial schedules, one-day 청약, withdrawn deals", () => {
  const oneDay = { ...DEAL, sub: { from: "2026-11-25", to: "2026-11-25" } };
  assert.equal(text(oneDay, "2026-11-25"), "청약 마감일");
  assert.equal(text(oneDay, "2026-11-26"), "상장 D-8");
  // a listing with no offering (KIND 신규상장 only)
  const listingOnly: DealDates = { stage: "상장", sub: null, list: "2026-11-25" };
  assert.equal(text(listingOnly, "2026-11-20"), "상장 D-5");
  assert.equal(text(listingOnly, "2026-11-25"), "상장일");
  assert.equal(text(listingOnly, "2026-11-26"), null);
  // 수요예측 dates only
  const bookOnly: DealDates = { book: DEAL.book, sub: null, list: null };
  assert.equal(text(bookOnly, "2026-11-13"), "수요예측 D-3");
  assert.equal(text(bookOnly, "2026-11-18"), "수요예측 중");
  assert.equal(text(bookOnly, "2026-11-21"), null);
  // 청약 over, listing not scheduled yet
  assert.equal(text({ ...DEAL, list: null }, "2026-11-27"), null);
  for (const stage of ["철회", "미승인"]) {
    assert.equal(text({ ...DEAL, stage }, "2026-11-25"), null);
  }
});

Deno.test("[dday] the table's 청약 and 상장 columns: one event each", () => {
  const sub = DEAL.sub;
  assert.equal(subscriptionBadge(sub, "2026-11-24")?.text, "청약 D-1");
  assert.equal(subscriptionBadge(sub, "2026-11-25")?.text, "청약 중");
  assert.equal(subscriptionBadge(sub, "2026-11-26")?.text, "청약 마감일");
  assert.equal(subscriptionBadge(sub, "2026-11-27"), null);
  assert.equal(subscriptionBadge(null, "2026-11-27"), null);
  assert.equal(listingBadge("2026-12-04", "2026-11-16")?.text, "상장 D-18");
  assert.equal(listingBadge("2026-12-04", "2026-12-04")?.text, "상장일");
  assert.equal(listingBadge("2026-12-04", "2026-12-05"), null);
  assert.equal(listingBadge("2026-12-04", "2026-10-01"), null, "beyond the horizon");
});
