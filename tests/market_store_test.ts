import assert from "node:assert/strict";
import type { DailyBar, IndexBar } from "../lib/market/model.ts";
import { keys } from "../lib/store/keys.ts";
import {
  getBars,
  getDay,
  getIndexBars,
  getInstrument,
  latestBarDay,
  listBarDays,
  listIndices,
  pack,
  priceSummary,
  putBars,
  putIndexBars,
  putInstruments,
  unpack,
} from "../lib/store/market.ts";
import { withKv } from "./helpers/kv.ts";

function bar(code: string, date: string, close: number, extra: Partial<DailyBar> = {}): DailyBar {
  return {
    date,
    code,
    open: close - 10,
    high: close + 20,
    low: close - 30,
    close,
    change: 10,
    change_pct: 0.1,
    volume: 1000,
    value: close * 1000,
    market_cap: close * 1_000_000,
    shares: 1_000_000,
    ...extra,
  };
}

/** Weekdays from `from` (inclusive), `n` of them. */
function weekdays(from: string, n: number): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); out.length < n; t += 86400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

Deno.test("pack/unpack round-trips dates, labels, NaN and misaligned input", () => {
  const bytes = pack({
    dates: [20240104, 20240105],
    labels: ["005930", "0091A0"],
    cols: [[1, NaN], [-2.5, 1e15]],
  });
  // Shift by one byte: KV may hand back a view at any offset.
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  for (const b of [bytes, shifted.subarray(1)]) {
    const p = unpack(b);
    assert.deepEqual([...p.dates], [20240104, 20240105]);
    assert.deepEqual(p.labels, ["005930", "0091A0"]);
    assert.equal(p.cols[0][0], 1);
    assert.ok(Number.isNaN(p.cols[0][1]));
    assert.equal(p.cols[1][1], 1e15);
  }
  assert.throws(() => unpack(new Uint8Array(40)), /not a packed/);
  assert.throws(() => unpack(bytes.subarray(0, bytes.length - 8)), /truncated/);
});

Deno.test("putBars: per-(instrument, year) packs under 64 KiB, merge counts, re-run writes nothing", async () => {
  await withKv(async (kv) => {
    const days = weekdays("2024-01-01", 300); // crosses into 2025
    const bars = days.flatMap((d, i) => [bar("005930", d, 70000 + i), bar("0091A0", d, 5000 + i)]);
    const first = await putBars(kv, "KOSPI", bars);
    assert.deepEqual(first, { new: 600, changed: 0, unchanged: 0, days: 300 });
    const pack2024 = await kv.get<Uint8Array>(keys.barYear("005930", 2024));
    assert.ok(pack2024.value && pack2024.value.length < 64 * 1024);
    assert.equal(unpack(pack2024.value!).dates.length, days.filter((d) => d < "2025").length);

    const again = await putBars(kv, "KOSPI", bars.slice(0, 10));
    assert.deepEqual(again, { new: 0, changed: 0, unchanged: 10, days: 5 });
    const fix = await putBars(kv, "KOSPI", [bar("005930", days[3], 1, { open: null })]);
    assert.equal(fix.changed, 1);

    // A range across the year boundary comes back in order with nulls intact.
    const got = await getBars(kv, "005930", "2024-12-20", "2025-01-10");
    assert.ok(got.length > 10);
    assert.deepEqual(got.map((b) => b.date), [...got.map((b) => b.date)].sort());
    assert.ok(got.every((b) => b.date >= "2024-12-20" && b.date <= "2025-01-10"));
    const d3 = await getBars(kv, "005930", days[3], days[3]);
    assert.equal(d3[0].open, null);
    assert.equal(d3[0].close, 1);

    // The cross-section of one day: both codes, sorted.
    const x = await getDay(kv, days[7], "KOSPI");
    assert.deepEqual(x.map((b) => b.code), ["005930", "0091A0"]);
    assert.deepEqual(x[0], bar("005930", days[7], 70007));
    assert.deepEqual(await getDay(kv, days[7], "KOSDAQ"), []);
    assert.equal((await listBarDays(kv, days[0], days[4])).length, 5);
    assert.equal(await latestBarDay(kv), days.at(-1));
    assert.equal(await latestBarDay(kv, days[5]), days[5]);
  });
});

Deno.test("priceSummary: latest bar, 52-week range with halted (null) highs, first date", async () => {
  await withKv(async (kv) => {
    const days = weekdays("2025-01-01", 400);
    const bars = days.map((d, i) => bar("123450", d, 10000 + (i === 100 ? 5000 : i)));
    // A halted last day: OHL null, close carried.
    bars[bars.length - 1] = bar("123450", days.at(-1)!, 10398, {
      open: null,
      high: null,
      low: null,
      volume: 0,
    });
    await putBars(kv, "KOSDAQ", bars);
    const s = await priceSummary(kv, "123450", days.at(-1));
    assert.ok(s);
    assert.equal(s.date, days.at(-1));
    assert.equal(s.close, 10398);
    assert.equal(s.first_date, days[0]);
    // Day 100 (the 15,000 spike) is more than a year before the last day: outside the range.
    assert.ok(Date.parse(days.at(-1)!) - Date.parse(days[100]) > 365 * 86400_000);
    assert.equal(s.high_52w, 10398 + 20); // day 398 (the halted last day has no high)
    assert.equal(s.market_cap, 10398 * 1_000_000);
    assert.equal(await priceSummary(kv, "999999"), null);
  });
});

Deno.test("a 10-year series is ten packs and reads back whole", async () => {
  await withKv(async (kv) => {
    const days = weekdays("2016-01-04", 2500);
    await putBars(kv, "KOSPI", days.map((d, i) => bar("005930", d, 20000 + i)));
    const got = await getBars(kv, "005930", days[0], days.at(-1)!);
    assert.equal(got.length, 2500);
    assert.equal(got[2499].close, 22499);
    let packs = 0;
    for await (const _ of kv.list({ prefix: keys.barYearPrefix("005930") })) packs++;
    assert.equal(packs, 10);
  });
});

Deno.test("index bars and instruments: identities, change detection, ISIN lookup", async () => {
  await withKv(async (kv) => {
    const ib = (date: string, close: number): IndexBar => ({
      date,
      index_code: "KOSPI",
      series: "KOSPI",
      name: "코스피",
      open: close,
      high: close,
      low: close,
      close,
      change: 1,
      change_pct: 0.05,
      volume: 1,
      value: 1,
      market_cap: 1,
    });
    const c = await putIndexBars(kv, [ib("2026-11-19", 2500.12), ib("2026-11-20", 2510.5)]);
    assert.equal(c.new, 2);
    assert.deepEqual((await listIndices(kv)).map((i) => i.index_code), ["KOSPI"]);
    const bars = await getIndexBars(kv, "KOSPI", "2026-11-01", "2026-11-30");
    assert.deepEqual(bars.map((b) => b.close), [2500.12, 2510.5]);
    assert.equal(bars[0].name, "코스피");

    const inst = {
      code: "095570",
      isin: "KR7095570008",
      name: "AJ네트웍스",
      name_full: "AJ네트웍스보통주",
      name_en: "AJ Networks Co.,Ltd.",
      market: "KOSPI" as const,
      sector: null,
      security_group: "주권",
      stock_kind: "보통주",
      par_value: 1000,
      listing_date: "2015-08-21",
      shares: 45252759,
    };
    assert.deepEqual(await putInstruments(kv, [inst]), { new: 1, changed: 0, unchanged: 0 });
    assert.deepEqual(await putInstruments(kv, [inst]), { new: 0, changed: 0, unchanged: 1 });
    assert.deepEqual(await putInstruments(kv, [{ ...inst, shares: 45_000_000 }]), {
      new: 0,
      changed: 1,
      unchanged: 0,
    });
    assert.equal((await getInstrument(kv, "KR7095570008"))?.shares, 45_000_000);
    assert.equal(await getInstrument(kv, "KR7000000000"), null);
  });
});
