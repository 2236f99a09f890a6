import assert from "node:assert/strict";
import {
  changeClass,
  dartViewerUrl,
  EMPTY,
  formatKrw,
  formatKrwCompact,
  formatKrwExact,
  formatKstDateTime,
  formatNumber,
  formatPct,
  isoToYmd,
  isValidIsoDate,
  toKstDate,
  ymdToIso,
} from "../lib/format.ts";

Deno.test("[format] toKstDate", async (t) => {
  await t.step("Should shift UTC to KST (+9h) across the date line", () => {
    assert.equal(toKstDate("2026-11-23T14:59:59Z"), "2026-11-23");
    assert.equal(toKstDate("2026-11-23T15:00:00Z"), "2026-11-24");
    assert.equal(toKstDate("2026-12-31T15:00:00Z"), "2027-01-01");
  });
  await t.step("Should accept Date, epoch ms and offset strings", () => {
    assert.equal(toKstDate(new Date(Date.UTC(2024, 1, 28, 20))), "2024-02-29");
    assert.equal(toKstDate(Date.UTC(2026, 0, 1, 0)), "2026-01-01");
    assert.equal(toKstDate("2026-11-24T00:30:00+09:00"), "2026-11-24");
  });
  await t.step("Should return the empty marker for missing or invalid input", () => {
    assert.equal(toKstDate(null), EMPTY);
    assert.equal(toKstDate(undefined), EMPTY);
    assert.equal(toKstDate(""), EMPTY);
    assert.equal(toKstDate("not a date"), EMPTY);
  });
});

Deno.test("[format] formatKstDateTime", async (t) => {
  await t.step("Should format to the minute with a KST suffix", () => {
    assert.equal(formatKstDateTime("2026-11-23T05:05:59Z"), "2026.11.23 14:05 KST");
    assert.equal(formatKstDateTime("2026-11-23T15:00:00.000Z"), "2026.11.24 00:00 KST");
    assert.equal(formatKstDateTime(new Date("2026-11-23T14:05:00+09:00")), "2026.11.23 14:05 KST");
  });
  await t.step("Should return the empty marker for invalid input", () => {
    assert.equal(formatKstDateTime("2026-13-45"), EMPTY);
    assert.equal(formatKstDateTime(null), EMPTY);
  });
});

Deno.test("[format] YYYYMMDD <-> YYYY-MM-DD", async (t) => {
  await t.step("Should convert valid dates both ways", () => {
    assert.equal(ymdToIso("20261123"), "2026-11-23");
    assert.equal(ymdToIso(" 20240229 "), "2024-02-29");
    assert.equal(isoToYmd("2026-11-23"), "20261123");
    assert.equal(isoToYmd(ymdToIso("19991231")), "19991231");
  });
  await t.step("Should reject impossible or malformed dates", () => {
    assert.equal(ymdToIso("20250229"), null);
    assert.equal(ymdToIso("20261301"), null);
    assert.equal(ymdToIso("2026-11-23"), null);
    assert.equal(ymdToIso("2026112"), null);
    assert.equal(ymdToIso(null), null);
    assert.equal(isoToYmd("20261123"), null);
    assert.equal(isoToYmd("2026-02-30"), null);
    assert.equal(isoToYmd(undefined), null);
  });
  await t.step("isValidIsoDate respects leap years", () => {
    assert.equal(isValidIsoDate("2024-02-29"), true);
    assert.equal(isValidIsoDate("2000-02-29"), true);
    assert.equal(isValidIsoDate("1900-02-29"), false);
    assert.equal(isValidIsoDate("2026-04-31"), false);
    assert.equal(isValidIsoDate("2026-4-3"), false);
  });
});

Deno.test("[format] formatNumber", () => {
  assert.equal(formatNumber(0), "0");
  assert.equal(formatNumber(1234567), "1,234,567");
  assert.equal(formatNumber(-1234567), "-1,234,567");
  assert.equal(formatNumber(1234.5678, 2), "1,234.57");
  assert.equal(formatNumber(-1234.5, 1), "-1,234.5");
  assert.equal(formatNumber(-0.04, 1), "0.0");
  assert.equal(formatNumber(-0), "0");
  assert.equal(formatNumber(999.5), "1,000");
  assert.equal(formatNumber(null), EMPTY);
  assert.equal(formatNumber(NaN), EMPTY);
  assert.equal(formatNumber(Infinity), EMPTY);
});

Deno.test("[format] formatKrw", async (t) => {
  await t.step("Should use 조 + 억 at and above 1조, rounded to 억", () => {
    assert.equal(formatKrw(1_234_567_890_000), "1조 2,346억원");
    assert.equal(formatKrw(1_000_000_000_000), "1조원");
    assert.equal(formatKrw(2_000_040_000_000), "2조원"); // 0.4억 rounds down
    assert.equal(formatKrw(2_000_050_000_000), "2조 1억원"); // 0.5억 rounds up
    assert.equal(formatKrw(302_231_400_000_000), "302조 2,314억원");
    assert.equal(formatKrw(1_999_999_999_999), "2조원"); // 억 part carries into 조
    assert.equal(formatKrw(12_345_678_000_000_000), "12,345조 6,780억원");
  });
  await t.step("Should use 억 + 만 between 1억 and 1조, rounded to 만", () => {
    assert.equal(formatKrw(523_000_000), "5억 2,300만원");
    assert.equal(formatKrw(100_000_000), "1억원");
    assert.equal(formatKrw(1_200_000_000), "12억원");
    assert.equal(formatKrw(523_456_789), "5억 2,346만원");
    assert.equal(formatKrw(199_999_999), "2억원"); // 만 part carries into 억
    assert.equal(formatKrw(999_999_999_999), "1조원"); // rounds up to 1조
    assert.equal(formatKrw(987_654_321_000), "9,876억 5,432만원");
  });
  await t.step("Should round to whole 억 with minUnit eok", () => {
    const eok = { minUnit: "eok" } as const;
    assert.equal(formatKrw(230_787_530_000, eok), "2,308억원");
    assert.equal(formatKrw(523_000_000, eok), "5억원");
    assert.equal(formatKrw(150_000_000, eok), "2억원"); // half away from zero
    assert.equal(formatKrw(-150_000_000, eok), "-2억원");
    assert.equal(formatKrw(999_960_000_000, eok), "1조원");
    assert.equal(formatKrw(1_234_567_890_000, eok), "1조 2,346억원"); // 조 range unchanged
    assert.equal(formatKrw(52_300_000, eok), "52,300,000원"); // below 1억 unchanged
  });
  await t.step("Should print exact amounts below 1억", () => {
    assert.equal(formatKrw(0), "0원");
    assert.equal(formatKrw(52_300_000), "52,300,000원");
    assert.equal(formatKrw(99_999_999), "99,999,999원");
    assert.equal(formatKrw(1234.6), "1,235원");
  });
  await t.step("Should mirror negatives with a leading minus", () => {
    assert.equal(formatKrw(-1_234_567_890_000), "-1조 2,346억원");
    assert.equal(formatKrw(-523_000_000), "-5억 2,300만원");
    assert.equal(formatKrw(-52_300_000), "-52,300,000원");
    assert.equal(formatKrw(-2_000_050_000_000), "-2조 1억원");
  });
  await t.step("Should return the empty marker for missing values", () => {
    assert.equal(formatKrw(null), EMPTY);
    assert.equal(formatKrw(undefined), EMPTY);
    assert.equal(formatKrw(NaN), EMPTY);
  });
});

Deno.test("[format] formatKrwExact and formatKrwCompact", () => {
  assert.equal(formatKrwExact(1_234_567_890_000), "1,234,567,890,000원");
  assert.equal(formatKrwExact(-5), "-5원");
  assert.equal(formatKrwExact(null), EMPTY);

  assert.equal(formatKrwCompact(1_234_567_890_000), "1.23조");
  assert.equal(formatKrwCompact(12_345_000_000_000), "12.3조");
  assert.equal(formatKrwCompact(2_000_000_000_000), "2조");
  assert.equal(formatKrwCompact(523_000_000_000), "5,230억");
  assert.equal(formatKrwCompact(999_990_000_000), "1조");
  assert.equal(formatKrwCompact(523_000_000), "5억");
  assert.equal(formatKrwCompact(23_000_000), "2,300만");
  assert.equal(formatKrwCompact(9_999), "9,999");
  assert.equal(formatKrwCompact(0), "0");
  assert.equal(formatKrwCompact(-45_600_000_000), "-456억");
  assert.equal(formatKrwCompact(undefined), EMPTY);
});

Deno.test("[format] formatPct", () => {
  assert.equal(formatPct(12.345), "+12.3%");
  assert.equal(formatPct(-4.56), "-4.6%");
  assert.equal(formatPct(0), "0.0%");
  assert.equal(formatPct(0.04), "0.0%"); // rounds to zero: no sign
  assert.equal(formatPct(-0.04), "0.0%");
  assert.equal(formatPct(1234.5), "+1,234.5%");
  assert.equal(formatPct(35.2, { signed: false }), "35.2%");
  assert.equal(formatPct(7, { digits: 2 }), "+7.00%");
  assert.equal(formatPct(null), EMPTY);
  assert.equal(formatPct(Infinity), EMPTY);
});

Deno.test("[format] changeClass follows the Korean convention", () => {
  assert.equal(changeClass(3.2), "up");
  assert.equal(changeClass(0.0001), "up");
  assert.equal(changeClass(-0.1), "down");
  assert.equal(changeClass(0), "flat");
  assert.equal(changeClass(-0), "flat");
  assert.equal(changeClass(null), "flat");
  assert.equal(changeClass(undefined), "flat");
  assert.equal(changeClass(NaN), "flat");
});

Deno.test("[format] dartViewerUrl", () => {
  assert.equal(
    dartViewerUrl("20261120000123"),
    "https://dart.fss.or.kr/dsaf001/main.do?rcpNo=20261120000123",
  );
  assert.equal(dartViewerUrl("a&b"), "https://dart.fss.or.kr/dsaf001/main.do?rcpNo=a%26b");
});
