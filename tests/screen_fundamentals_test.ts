/**
 * Fundamental indicators from the DART fixtures, end to end: fnlttMultiAcnt + alotMatter bodies →
 * parsers → `Filing`s → a small market → day matrices, compared with values computed by hand
 * from the fixture numbers (written out below). And point in time: a filing whose public day is
 * after the as-of day is not used, an amended report counts only from its own public day, and a
 * screen on a past date does not see later filings.
 *
 * The market: 한빛전자 (234560, 25,000,000 shares at 31,250원), 대한중공업 (012340, 24,000,000 at
 * 25,300원), 푸른솔앤테크 (0088M0, 3,000,000 at 4,000원), prices flat over six trading days.
 *
 * @module
 */
import assert from "node:assert/strict";
import { filingFromFigures } from "../lib/screen/adapters.ts";
import { FilingHistory } from "../lib/screen/fundamentals.ts";
import { MarketComputer } from "../lib/screen/compute.ts";
import { screen } from "../lib/screen/engine.ts";
import { column, type DayMatrix, rowOf } from "../lib/screen/matrix.ts";
import type { Filing, MarketInput } from "../lib/screen/types.ts";
import {
  dividendFigures,
  multiAcntFigures,
  parseAlotMatter,
  parseMultiAcnt,
  preferConsolidated,
} from "../lib/sources/dart/multi.ts";

const FIX = new URL("./fixtures/dart/", import.meta.url);
const fx = (name: string) => Deno.readFileSync(new URL(name, FIX));

const DATES = ["2024-03-13", "2024-03-14", "2024-03-15", "2024-03-29", "2024-05-13", "2024-05-14"];
const A = "234560", B = "012340", C = "0088M0";
const SHARES: Record<string, number> = { [A]: 25_000_000, [B]: 24_000_000, [C]: 3_000_000 };
const PRICE: Record<string, number> = { [A]: 31_250, [B]: 25_300, [C]: 4_000 };
const CORP: Record<string, string> = { "01234567": A, "00311223": B };

/** Every fixture report, through the parsers and the adapter. */
function fixtureFilings(): Map<string, Filing[]> {
  const div = new Map<string, ReturnType<typeof dividendFigures>>();
  for (const f of ["alotMatter_01234567_2023_11011.json", "alotMatter_00311223_2023_11011.json"]) {
    const d = dividendFigures(parseAlotMatter(fx(f)).rows)!;
    div.set(`${CORP[d.corp_code]}|${d.rcept_no}`, d);
  }
  const out = new Map<string, Filing[]>([[A, []], [B, []], [C, []]]);
  for (
    const f of [
      "fnlttMultiAcnt_2022_11011.json",
      "fnlttMultiAcnt_2023_11013.json",
      "fnlttMultiAcnt_2023_11014.json",
      "fnlttMultiAcnt_2023_11011.json",
      "fnlttMultiAcnt_2024_11013.json",
    ]
  ) {
    for (const fig of preferConsolidated(multiAcntFigures(parseMultiAcnt(fx(f)).rows)).values()) {
      out.get(fig.key)!.push(filingFromFigures(fig, div.get(`${fig.key}|${fig.rcept_no}`)));
    }
  }
  return out;
}

function market(filings: Map<string, Filing[]>): MarketInput {
  const codes = [A, B, C];
  const T = DATES.length;
  const flat = (v: number) => new Float64Array(T).fill(v);
  return {
    dates: DATES,
    instruments: codes.map((code) => ({
      code,
      name: code,
      market: code === A ? "KOSDAQ" : code === B ? "KOSPI" : "KONEX",
      sector: null,
      listing_date: "2015-01-02",
      offer_price: null,
      float_ratio: null,
      benchmark: "X",
    })),
    bars: {
      open: codes.map((c) => flat(PRICE[c])),
      high: codes.map((c) => flat(PRICE[c])),
      low: codes.map((c) => flat(PRICE[c])),
      close: codes.map((c) => flat(PRICE[c])),
      volume: codes.map(() => flat(1000)),
      value: codes.map((c) => flat(1000 * PRICE[c])),
      mcap: codes.map((c) => flat(PRICE[c] * SHARES[c])),
      shares: codes.map((c) => flat(SHARES[c])),
    },
    index: {},
    filings: codes.map((c) => filings.get(c)!),
  };
}

function days(m: MarketInput): DayMatrix[] {
  const mc = new MarketComputer(m);
  return DATES.map((_, t) => mc.computeDay(t));
}

const at = (mat: DayMatrix, code: string, id: string) => column(mat, id)![rowOf(mat, code)];

function near(got: number, want: number, label: string): void {
  if (Number.isNaN(want)) return assert.ok(Number.isNaN(got), `${label}: got ${got}, want null`);
  assert.ok(
    Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)),
    `${label}: got ${got}, want ${want}`,
  );
}

const MCAP_A = 31_250 * 25_000_000; // 781,250,000,000
const MCAP_B = 25_300 * 24_000_000; // 607,200,000,000
const MCAP_C = 4_000 * 3_000_000; // 12,000,000,000

Deno.test("fixtures → filings: public days, quarters, YTD figures and dividends as the bodies say", () => {
  const f = fixtureFilings();
  assert.deepEqual(
    f.get(A)!.map((x) => [x.rcept_dt, x.fiscal_year, x.quarter]),
    [["2023-03-20", 2022, 4], ["2023-05-15", 2023, 1], ["2024-03-15", 2023, 4], [
      "2024-05-14",
      2024,
      1,
    ]],
  );
  const b3 = f.get(B)!.find((x) => x.quarter === 3)!;
  assert.equal(b3.revenue, 1_790_330_118_227, "3분기 YTD (thstrm_add_amount)");
  assert.equal(b3.period_end, "2023-09-30");
  const a23 = f.get(A)!.find((x) => x.fiscal_year === 2023 && x.quarter === 4)!;
  assert.equal(a23.dps, 500);
  assert.equal(a23.payout_ratio, 26.53);
  assert.equal(a23.consolidated, true);
  assert.equal(
    f.get(A)!.find((x) => x.fiscal_year === 2022)!.dps,
    null,
    "no alotMatter answer: unknown",
  );
  assert.equal(f.get(C)!.length, 2, "KONEX: annual reports only");
  assert.equal(f.get(C)![0].consolidated, false);
});

Deno.test("hand-computed ratios from the fixture figures, day by day", () => {
  const d = days(market(fixtureFilings()));
  // 2024-03-13: 한빛전자's latest public report is 2023 1분기 (no 2022 1분기 → no TTM)
  near(at(d[0], A, "per"), NaN, "A PER 03-13");
  near(at(d[0], A, "pbr"), MCAP_A / 516_225_219_103, "A PBR 03-13 (2023.03.31 equity)");
  near(at(d[0], B, "pbr"), MCAP_B / 1_120_000_217_782, "B PBR 03-13 (2023.09.30 equity)");
  near(at(d[0], C, "per"), MCAP_C / 630_118_554, "C PER 03-13 (2022 annual)");
  near(at(d[0], C, "pbr"), MCAP_C / 7_550_000_109, "C PBR 03-13");
  // 2024-03-14: 대한중공업's 2023 annual is public, 한빛전자's (03-15) is not
  near(at(d[1], B, "per"), MCAP_B / 61_118_227_554, "B PER 03-14");
  near(at(d[1], A, "per"), NaN, "A PER 03-14");
  // 2024-03-15: 한빛전자's 2023 annual
  const a = d[2];
  near(at(a, A, "per"), MCAP_A / 47_118_990_226, "A PER");
  near(at(a, A, "pbr"), MCAP_A / 564_436_122_422, "A PBR");
  near(at(a, A, "psr"), MCAP_A / 1_021_330_557_804, "A PSR");
  near(at(a, A, "earnings_yield"), (47_118_990_226 / MCAP_A) * 100, "A E/P");
  near(at(a, A, "eps"), 47_118_990_226 / 25_000_000, "A EPS");
  near(at(a, A, "bps"), 564_436_122_422 / 25_000_000, "A BPS");
  near(at(a, A, "roe"), (47_118_990_226 / 564_436_122_422) * 100, "A ROE");
  near(at(a, A, "roe_annual"), (47_118_990_226 / 564_436_122_422) * 100, "A ROE annual");
  near(at(a, A, "roa"), (47_118_990_226 / 854_292_452_449) * 100, "A ROA");
  near(at(a, A, "op_margin"), (58_774_201_339 / 1_021_330_557_804) * 100, "A op margin");
  near(at(a, A, "net_margin"), (47_118_990_226 / 1_021_330_557_804) * 100, "A net margin");
  near(at(a, A, "asset_turnover"), 1_021_330_557_804 / 854_292_452_449, "A asset turnover");
  near(at(a, A, "debt_ratio"), (289_856_330_027 / 564_436_122_422) * 100, "A 부채비율");
  near(at(a, A, "current_ratio"), (412_385_120_331 / 201_554_887_120) * 100, "A 유동비율");
  near(at(a, A, "equity_ratio"), (564_436_122_422 / 854_292_452_449) * 100, "A 자기자본비율");
  near(at(a, A, "retained_to_capital"), (402_118_337_210 / 12_500_000_000) * 100, "A 유보율");
  near(
    at(a, A, "wc_to_assets"),
    ((412_385_120_331 - 201_554_887_120) / 854_292_452_449) * 100,
    "A WC/TA",
  );
  near(
    at(a, A, "altman_z"),
    1.2 * (412_385_120_331 - 201_554_887_120) / 854_292_452_449 +
      1.4 * 402_118_337_210 / 854_292_452_449 + 3.3 * 58_774_201_339 / 854_292_452_449 +
      0.6 * MCAP_A / 289_856_330_027 + 1_021_330_557_804 / 854_292_452_449,
    "A Altman Z",
  );
  near(at(a, A, "rev_ttm_yoy"), (1_021_330_557_804 / 884_719_203_115 - 1) * 100, "A 매출 YoY");
  near(at(a, A, "op_ttm_yoy"), NaN, "A 영업이익 YoY from a 2022 loss");
  near(at(a, A, "equity_yoy"), (564_436_122_422 / 506_019_772_966 - 1) * 100, "A 자본 YoY");
  near(
    at(a, A, "op_margin_chg"),
    (58_774_201_339 / 1_021_330_557_804) * 100 - (-12_553_908_114 / 884_719_203_115) * 100,
    "A 영업이익률 변화",
  );
  near(at(a, A, "dividend_yield"), (500 / 31_250) * 100, "A 배당수익률");
  near(at(a, A, "dps"), 500, "A DPS");
  near(at(a, A, "payout_ratio"), 26.53, "A 배당성향");
  near(at(a, B, "dividend_yield"), (1_000 / 25_300) * 100, "B 배당수익률");
  // figures fnlttMultiAcnt does not carry: no value rather than a wrong one
  for (
    const id of ["pcr", "ev_ebitda", "gross_margin", "interest_coverage", "roic", "piotroski_f"]
  ) {
    near(at(a, A, id), NaN, `A ${id}`);
  }
  // 2024-03-29: 푸른솔앤테크's 2023 annual (KONEX, separate statements)
  near(at(d[3], C, "per"), MCAP_C / 905_118_227, "C PER 03-29");
  near(at(d[3], C, "rev_ttm_yoy"), (21_554_118_227 / 19_330_227_554 - 1) * 100, "C 매출 YoY");
  near(at(d[3], C, "rev_qoq"), NaN, "C has no quarterly reports");
  // 2024-05-13: 대한중공업's 2024 1분기; the 4th quarter comes from the annual and 3분기 YTD
  const b = d[4];
  const niB = 17_881_227_330 + 61_118_227_554 - 12_554_118_227;
  near(at(b, B, "per"), MCAP_B / niB, "B PER TTM at 1분기");
  near(at(b, B, "rev_yoy"), (618_227_554_118 / 560_118_227_330 - 1) * 100, "B 매출 분기 YoY");
  near(
    at(b, B, "rev_qoq"),
    (618_227_554_118 / (2_450_118_330_227 - 1_790_330_118_227) - 1) * 100,
    "B 매출 QoQ (4Q = annual − 3분기 YTD)",
  );
  near(at(b, B, "op_margin_q"), (26_554_118_227 / 618_227_554_118) * 100, "B 분기 영업이익률");
  near(
    at(b, B, "roe"),
    (niB / 1_200_538_672_564) * 100,
    "B ROE (TTM / 2024.03.31 equity)",
  );
  // 2024-05-14: 한빛전자's 2024 1분기
  const niA = 14_551_220_118 + 47_118_990_226 - -2_904_551_870;
  near(at(d[5], A, "per"), MCAP_A / niA, "A PER TTM at 1분기");
  near(at(d[5], A, "pbr"), MCAP_A / 580_674_006_429, "A PBR 2024.03.31");
  near(at(d[5], A, "rev_yoy"), (268_551_220_330 / 231_400_118_220 - 1) * 100, "A 매출 분기 YoY");
  near(at(d[5], A, "ni_yoy"), NaN, "A 순이익 YoY from a 1분기 loss");
  near(at(d[5], A, "op_margin_q"), (18_220_117_554 / 268_551_220_330) * 100, "A 분기 영업이익률");
});

Deno.test("no look-ahead: on 2024-05-13 한빛전자's 1분기 report (public 05-14) is not used; on 05-14 it is", () => {
  const d = days(market(fixtureFilings()));
  near(at(d[4], A, "per"), MCAP_A / 47_118_990_226, "05-13: the 2023 annual");
  near(at(d[4], A, "pbr"), MCAP_A / 564_436_122_422, "05-13: 2023.12.31 equity");
  assert.notEqual(at(d[5], A, "per"), at(d[4], A, "per"));
  // without the later filing at all, 05-13 is identical: it never mattered
  const f = fixtureFilings();
  f.set(A, f.get(A)!.filter((x) => x.rcept_dt <= "2024-05-13"));
  const without = days(market(f));
  for (let c = 0; c < d[4].cols.length; c++) {
    assert.ok(
      Object.is(d[4].cols[c][rowOf(d[4], A)], without[4].cols[c][rowOf(without[4], A)]),
      d[4].ids[c],
    );
  }
});

Deno.test("an amended report replaces the earlier version only from its own public day", () => {
  const f = fixtureFilings();
  const orig = f.get(A)!.find((x) => x.fiscal_year === 2023 && x.quarter === 4)!;
  f.get(A)!.push({ ...orig, rcept_dt: "2024-03-29", net_income: 40_000_000_000 });
  const d = days(market(f));
  near(at(d[2], A, "per"), MCAP_A / 47_118_990_226, "03-15: the original");
  near(at(d[3], A, "per"), MCAP_A / 40_000_000_000, "03-29: the amendment");
  near(at(d[4], A, "per"), MCAP_A / 40_000_000_000, "05-13: still the amendment");
});

Deno.test("a screen on a past date proves later filings are not used", () => {
  const d = days(market(fixtureFilings()));
  const q = { where: { op: "lt", ind: "per", value: 14 }, sort: [{ by: "code", dir: "asc" }] };
  // 한빛전자: PER 16.58 on its 2023 annual (05-13), 12.10 on TTM with the 1분기 report (05-14)
  assert.deepEqual(
    screen({ ...q, as_of: "2024-05-13" }, { matrix: d[4] }).rows.map((r) => r.code),
    [
      C,
      B,
    ].sort(),
  );
  assert.deepEqual(
    screen({ ...q, as_of: "2024-05-14" }, { matrix: d[5] }).rows.map((r) => r.code),
    [A, B, C].sort(),
  );
  // and before 대한중공업's 2023 annual was public, it had no PER at all
  assert.deepEqual(
    screen({ where: { op: "is_null", ind: "per" }, sort: [{ by: "code", dir: "asc" }] }, {
      matrix: d[0],
    }).rows.map((r) => r.code),
    [B, A].sort(),
  );
});

Deno.test("a company that stopped filing: reports whose period ended over 500 days ago are not used", () => {
  const a22 = fixtureFilings().get(A)!.find((x) => x.fiscal_year === 2022)!; // period end 2022-12-31
  const h = new FilingHistory([a22]);
  assert.equal(h.at("2023-03-19").latest, null, "not public yet");
  assert.equal(h.at("2023-03-20").latest?.fiscal_year, 2022);
  assert.equal(
    h.at("2024-05-14").latest?.fiscal_year,
    2022,
    "500 days: an annual-only filer's wait",
  );
  assert.equal(h.at("2024-05-15").latest, null, "501 days: stale");
  assert.ok(Number.isNaN(h.at("2024-05-15").ttm("net_income")));
});
