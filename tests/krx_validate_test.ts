/**
 * Validation of one KRX day (pure): OHLC order, negative amounts, the ±30 % price limit
 * against KRX's base and our previous close, listing days, completeness per market,
 * duplicates and the per-code issue cap.
 */
import assert from "node:assert/strict";
import { capIssues, ISSUE_CAP, validateDay } from "../lib/etl/krx_validate.ts";
import type { DailyBar, Instrument, KrxMarket } from "../lib/market/model.ts";

const DATE = "2026-11-20";

function inst(code: string, market: KrxMarket = "KOSPI", listing = "2010-01-04"): Instrument {
  return {
    code,
    isin: null,
    name: `종목${code}`,
    name_full: null,
    name_en: null,
    market,
    sector: null,
    security_group: "주권",
    stock_kind: "보통주",
    par_value: 500,
    listing_date: listing,
    shares: 1_000_000,
  };
}

/** A clean bar: previous close 10,000, close 10,200 (+2 %). */
function bar(code: string, over: Partial<DailyBar> = {}): DailyBar {
  return {
    date: DATE,
    code,
    open: 10_050,
    high: 10_300,
    low: 9_950,
    close: 10_200,
    change: 200,
    change_pct: 2,
    volume: 12_345,
    value: 125_000_000,
    market_cap: 10_200_000_000,
    shares: 1_000_000,
    ...over,
  };
}

const codes = (n: number, from = 100_000) =>
  Array.from({ length: n }, (_, i) => String(from + i).padStart(6, "0"));

function day(n: number, over: Partial<Parameters<typeof validateDay>[0]> = {}) {
  const cs = codes(n);
  return validateDay({
    date: DATE,
    market: "KOSPI",
    bars: cs.map((c) => bar(c)),
    previousClose: new Map(cs.map((c) => [c, 10_000])),
    listed: cs.map((c) => inst(c)),
    run_id: "run-1",
    ...over,
  });
}

Deno.test("[krx validate] a clean day raises nothing and keeps every bar", () => {
  const v = day(40);
  assert.deepEqual(v.issues, []);
  assert.equal(v.bars.length, 40);
});

Deno.test("[krx validate] a bar with high < close is an OHLC ERROR naming market, code and day", () => {
  const v = validateDay({
    date: DATE,
    market: "KOSPI",
    bars: [bar("005930", { high: 10_100, close: 10_200 }), bar("000660")],
    previousClose: new Map([["005930", 10_000], ["000660", 10_000]]),
    listed: [inst("005930"), inst("000660")],
    run_id: "run-1",
  });
  assert.equal(v.issues.length, 1);
  const i = v.issues[0];
  assert.equal(i.code, "OHLC_INVALID");
  assert.equal(i.severity, "ERROR");
  assert.equal(i.source, "krx");
  assert.equal(i.subject, "KOSPI 005930 2026-11-20");
  assert.equal(i.run_id, "run-1");
  assert.match(i.message, /close 10,200 > high 10,100/);
  assert.equal(v.bars.length, 2, "flagged, not dropped");
});

Deno.test("[krx validate] low above open, and negative volume or value, are ERRORs", () => {
  const v = validateDay({
    date: DATE,
    bars: [
      bar("000001", { low: 10_100 }),
      bar("000002", { volume: -5 }),
      bar("000003", { value: -1 }),
    ],
    previousClose: new Map(),
    listed: [inst("000001"), inst("000002", "KOSDAQ"), inst("000003", "KONEX")],
  });
  const got = v.issues.map((i) => `${i.code} ${i.severity} ${i.subject}`).sort();
  assert.deepEqual(got, [
    "NEGATIVE_AMOUNT ERROR KONEX 000003 2026-11-20",
    "NEGATIVE_AMOUNT ERROR KOSDAQ 000002 2026-11-20",
    "OHLC_INVALID ERROR KOSPI 000001 2026-11-20",
  ]);
  assert.ok(v.issues.every((i) => i.run_id === null));
});

Deno.test("[krx validate] a halted stock (null open/high/low, no volume) raises nothing", () => {
  const halted = bar("015360", {
    open: null,
    high: null,
    low: null,
    close: 10_000,
    change: 0,
    change_pct: 0,
    volume: 0,
    value: 0,
  });
  const v = day(30, {
    bars: [...codes(29).map((c) => bar(c)), { ...halted, code: codes(30)[29] }],
  });
  assert.deepEqual(v.issues, []);
});

Deno.test("[krx validate] +35 % on a non-listing day is flagged; a listing day's +150 % is not", () => {
  // KRX's own change agrees with our previous close: a limit breach (ERROR).
  const jump = bar("123450", {
    open: 13_000,
    high: 13_600,
    low: 12_900,
    close: 13_500,
    change: 3_500,
  });
  const v = validateDay({
    date: DATE,
    market: "KOSDAQ",
    bars: [jump],
    previousClose: new Map([["123450", 10_000]]),
    listed: [inst("123450", "KOSDAQ")],
  });
  assert.equal(v.issues.length, 1);
  assert.equal(v.issues[0].code, "PRICE_LIMIT");
  assert.equal(v.issues[0].severity, "ERROR");
  assert.match(v.issues[0].message, /36\.0% from KRX's base price 10,000/);

  // Listed today at 10,000: +150 % is a normal debut.
  const debut = bar("0094K0", {
    open: 26_000,
    high: 27_000,
    low: 22_000,
    close: 25_000,
    change: 15_000,
    change_pct: 150,
  });
  const listing = validateDay({
    date: DATE,
    market: "KOSDAQ",
    bars: [debut],
    previousClose: new Map(),
    listed: [inst("0094K0", "KOSDAQ", DATE)],
  });
  assert.deepEqual(listing.issues, []);
  // …also when our store has an older close of the code but base info says it listed today.
  const relisted = validateDay({
    date: DATE,
    market: "KOSDAQ",
    bars: [debut],
    previousClose: new Map([["0094K0", 9_000]]),
    listed: [inst("0094K0", "KOSDAQ", "2001-01-02")],
    listingDates: new Map([["0094K0", DATE]]),
  });
  assert.deepEqual(relisted.issues, []);
});

Deno.test("[krx validate] a jump only against our previous close (base reset) is a WARN", () => {
  // A 1:2 split: previous close 20,000, KRX's base 10,000 (close 10,200 − change 200).
  const v = day(1, { previousClose: new Map([[codes(1)[0], 20_000]]) });
  assert.equal(v.issues.length, 1);
  assert.equal(v.issues[0].code, "PRICE_JUMP");
  assert.equal(v.issues[0].severity, "WARN");
  assert.match(v.issues[0].message, /base was reset/);
  // Without KRX's change there is nothing to explain it: an ERROR.
  const noChange = day(1, {
    bars: [bar(codes(1)[0], { change: null })],
    previousClose: new Map([[codes(1)[0], 20_000]]),
  });
  assert.equal(noChange.issues[0].code, "PRICE_LIMIT");
  assert.equal(noChange.issues[0].severity, "ERROR");
});

Deno.test("[krx validate] exactly at the ±30 % limit passes (rounding allowed); one tick over fails", () => {
  const up = bar("000010", {
    open: 13_000,
    high: 13_000,
    low: 12_500,
    close: 13_000,
    change: 3_000,
  });
  const ok = day(1, { bars: [{ ...up, code: codes(1)[0] }] });
  assert.deepEqual(ok.issues, []);
  const over = bar("000010", {
    open: 13_000,
    high: 13_010,
    low: 12_500,
    close: 13_000,
    change: 3_000,
  });
  const bad = day(1, { bars: [{ ...over, code: codes(1)[0] }] });
  assert.equal(bad.issues.length, 1);
  assert.equal(bad.issues[0].code, "PRICE_LIMIT");
  // a limit-down day
  const down = bar("000010", {
    open: 7_000,
    high: 7_100,
    low: 7_000,
    close: 7_000,
    change: -3_000,
  });
  assert.deepEqual(day(1, { bars: [{ ...down, code: codes(1)[0] }] }).issues, []);
});

Deno.test("[krx validate] 90 % coverage is one completeness WARN per market; 96 % is none", () => {
  const listed = codes(100).map((c) => inst(c));
  const ninety = validateDay({
    date: DATE,
    market: "KOSPI",
    bars: codes(90).map((c) => bar(c)),
    previousClose: new Map(),
    listed,
  });
  assert.equal(ninety.issues.length, 1);
  assert.equal(ninety.issues[0].code, "COVERAGE_LOW");
  assert.equal(ninety.issues[0].severity, "WARN");
  assert.equal(ninety.issues[0].subject, "KOSPI 2026-11-20");
  assert.match(ninety.issues[0].message, /90 of 100 listed instruments have a bar \(90\.0%/);

  const ninetySix = validateDay({
    date: DATE,
    market: "KOSPI",
    bars: codes(96).map((c) => bar(c)),
    previousClose: new Map(),
    listed,
  });
  assert.deepEqual(ninetySix.issues, []);
});

Deno.test("[krx validate] instruments listed after the day do not count; markets are separate", () => {
  const later = codes(20, 200_000).map((c) => inst(c, "KOSPI", "2026-12-01"));
  const kosdaq = codes(10, 300_000).map((c) => inst(c, "KOSDAQ"));
  const v = validateDay({
    date: DATE,
    bars: [...codes(50).map((c) => bar(c)), ...codes(8, 300_000).map((c) => bar(c))],
    previousClose: new Map(),
    listed: [...codes(50).map((c) => inst(c)), ...later, ...kosdaq],
  });
  assert.deepEqual(v.issues.map((i) => `${i.code} ${i.subject}`), [
    "COVERAGE_LOW KOSDAQ 2026-11-20",
  ]);
  assert.match(v.issues[0].message, /8 of 10/);
});

Deno.test("[krx validate] duplicates are an ERROR naming the code; the first row is kept", () => {
  const first = bar("005930", { close: 10_200 });
  const second = bar("005930", { close: 10_250, high: 10_300 });
  const v = validateDay({
    date: DATE,
    market: "KOSPI",
    bars: [first, bar("000660"), second, { ...first }],
    previousClose: new Map(),
    listed: [inst("005930"), inst("000660")],
  });
  assert.equal(v.bars.length, 2);
  assert.equal(v.bars[0], first);
  assert.equal(v.issues.length, 1);
  assert.equal(v.issues[0].code, "DUPLICATE_BAR");
  assert.equal(v.issues[0].severity, "ERROR");
  assert.equal(v.issues[0].subject, "KOSPI 005930 2026-11-20");
  assert.match(v.issues[0].message, /005930 appears 3 times/);
  // identical duplicates too
  const same = validateDay({
    date: DATE,
    market: "KOSPI",
    bars: [bar("000660"), bar("000660")],
    previousClose: new Map(),
    listed: [inst("000660")],
  });
  assert.equal(same.issues[0]?.code, "DUPLICATE_BAR");
});

Deno.test("[krx validate] a broken payload is capped: per code, the first issues and one summary", () => {
  const n = 2_700;
  const cs = codes(n);
  const v = validateDay({
    date: DATE,
    market: "KOSPI",
    bars: cs.map((c) => bar(c, { high: 1 })),
    previousClose: new Map(),
    listed: cs.map((c) => inst(c)),
  });
  assert.equal(v.issues.length, ISSUE_CAP + 1);
  const summary = v.issues.at(-1)!;
  assert.equal(summary.code, "OHLC_INVALID");
  assert.equal(summary.subject, "KOSPI 2026-11-20");
  assert.match(summary.message, new RegExp(`^${n - ISSUE_CAP} more OHLC_INVALID issues`));
  // groups under the cap pass through unchanged
  assert.equal(capIssues(v.issues.slice(0, 3)).length, 3);
});
