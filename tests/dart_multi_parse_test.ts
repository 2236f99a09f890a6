/**
 * OpenDART multi-company financials (fnlttMultiAcnt, fnlttCmpnyIndx) and dividends (alotMatter):
 * parsers, normalizers and request builders against `tests/fixtures/dart/` (real formats,
 * fictional companies consistent with the single-company fixtures).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  DartFormatError,
  DartQuotaError,
  DartRequestError,
  parseSingleAcnt,
} from "../lib/sources/dart/mod.ts";
import {
  alotMatterRequests,
  batchCorpCodes,
  cmpnyIndxRequests,
  cmpnyIndxValues,
  dartNumber,
  dividendFigures,
  groupMultiAcnt,
  multiAcntFigures,
  multiAcntRequests,
  parseAlotMatter,
  parseCmpnyIndx,
  parseMultiAcnt,
  periodEnd,
  preferConsolidated,
  seasonCallPlan,
} from "../lib/sources/dart/multi.ts";

const FIX = new URL("./fixtures/dart/", import.meta.url);
const fx = (name: string) => Deno.readFile(new URL(name, FIX));
const bytes = (s: string) => new TextEncoder().encode(s);

function throwsWith(fn: () => unknown, cls: new (...a: never[]) => Error, re?: RegExp): Error {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.name}: ${e}`);
    if (re) assert.match((e as Error).message, re);
    return e as Error;
  }
  throw new assert.AssertionError({ message: `expected ${cls.name}, nothing thrown` });
}

// ---------------------------------------------------------------------------------------
// fnlttMultiAcnt

Deno.test("fnlttMultiAcnt: three companies, CFS and OFS, rows keyed by stock_code (no corp_code in the guide's fields)", async () => {
  const r = parseMultiAcnt(await fx("fnlttMultiAcnt_2023_11011.json"));
  assert.equal(r.status, "000");
  assert.equal(r.empty, false);
  assert.equal(r.rows.length, 65);
  assert.equal(r.rows[0].corp_code, undefined);
  const groups = groupMultiAcnt(r.rows);
  assert.deepEqual([...groups.keys()], ["234560", "012340", "0088M0"]);
  assert.equal(groups.get("234560")!.length, 26);
  assert.equal(groups.get("0088M0")!.length, 13, "KONEX company: separate statements only");
  assert.ok(groups.get("0088M0")!.every((x) => x.fs_div === "OFS"));
});

Deno.test("fnlttMultiAcnt: 한빛전자's rows carry exactly the amounts of its single-company answer", async () => {
  const multi = groupMultiAcnt(parseMultiAcnt(await fx("fnlttMultiAcnt_2023_11011.json")).rows)
    .get("234560")!;
  const single = parseSingleAcnt(await fx("fnlttSinglAcnt_01234567_2023_11011.json"));
  const key = (x: { fs_div: string; account_nm: string }) => `${x.fs_div}|${x.account_nm}`;
  const want = new Map(single.map((x) => [key(x), [x.thstrm_amount, x.frmtrm_amount]]));
  assert.equal(multi.length, single.length);
  for (const row of multi) {
    assert.deepEqual([row.thstrm_amount, row.frmtrm_amount], want.get(key(row)), key(row));
    assert.equal(row.rcept_no, single[0].rcept_no);
  }
});

Deno.test("fnlttMultiAcnt figures: YTD from thstrm_add_amount on quarterly IS rows, period end, CFS preferred", async () => {
  const q3 = multiAcntFigures(parseMultiAcnt(await fx("fnlttMultiAcnt_2023_11014.json")).rows);
  assert.equal(q3.length, 1);
  const b = q3[0];
  assert.equal(b.key, "012340");
  assert.equal(b.quarter, 3);
  assert.equal(b.rcept_dt, "2023-11-14");
  assert.equal(b.period_end, "2023-09-30");
  assert.equal(b.revenue, 1_790_330_118_227, "9-month cumulative, not the 3-month 612,118,554,330");
  assert.equal(b.net_income, 44_881_227_330);
  assert.equal(b.total_assets, 3_070_672_672_454);

  const fy = multiAcntFigures(parseMultiAcnt(await fx("fnlttMultiAcnt_2023_11011.json")).rows);
  assert.equal(fy.length, 5, "CFS+OFS for two companies, OFS for the KONEX one");
  const pick = preferConsolidated(fy);
  assert.equal(pick.get("234560")!.fs_div, "CFS");
  assert.equal(pick.get("0088M0")!.fs_div, "OFS");
  const a = pick.get("234560")!;
  assert.deepEqual(
    [a.revenue, a.operating_income, a.pretax_income, a.net_income, a.total_equity, a.capital_stock],
    [
      1_021_330_557_804,
      58_774_201_339,
      61_002_334_871,
      47_118_990_226,
      564_436_122_422,
      12_500_000_000,
    ],
  );
  assert.equal(a.period_end, "2023-12-31");
  assert.equal(a.quarter, 4);
  assert.equal(a.currency, "KRW");
});

Deno.test("fnlttMultiAcnt: a body with corp_code and a blank stock_code keys the row by corp_code; neither → DartFormatError", () => {
  const row = {
    rcept_no: "20240315000999",
    bsns_year: "2023",
    stock_code: "",
    corp_code: "00987654",
    reprt_code: "11011",
    account_nm: "매출액",
    fs_div: "OFS",
    fs_nm: "재무제표",
    sj_div: "IS",
    sj_nm: "손익계산서",
    thstrm_nm: "제 5 기",
    thstrm_dt: "2023.01.01 ~ 2023.12.31",
    thstrm_amount: "1,000",
  };
  const r = parseMultiAcnt(bytes(JSON.stringify({ status: "000", message: "정상", list: [row] })));
  assert.deepEqual([...groupMultiAcnt(r.rows).keys()], ["00987654"]);
  const bad = parseMultiAcnt(
    bytes(JSON.stringify({ status: "000", message: "정상", list: [{ ...row, corp_code: "" }] })),
  );
  throwsWith(() => groupMultiAcnt(bad.rows), DartFormatError, /list\[0\]: neither stock_code/);
});

Deno.test("fnlttMultiAcnt: 013 and 000 with an empty list are empty results; 020 and 021 are typed errors", async () => {
  const none = parseMultiAcnt(await fx("fnlttMultiAcnt_013.json"));
  assert.deepEqual(none, { status: "013", rows: [], empty: true });
  const empty = parseMultiAcnt(await fx("fnlttMultiAcnt_000_empty.json"));
  assert.deepEqual(empty, { status: "000", rows: [], empty: true });
  throwsWith(() => parseMultiAcnt(fx_sync("status_020.json")), DartQuotaError, /status 020/);
  throwsWith(() => parseMultiAcnt(fx_sync("status_021.json")), DartRequestError, /최대 100건/);
});

function fx_sync(name: string): Uint8Array {
  return Deno.readFileSync(new URL(name, FIX));
}

Deno.test("fnlttMultiAcnt: HTML, malformed JSON and a bad row name the problem", () => {
  throwsWith(() => parseMultiAcnt(fx_sync("error.html")), DartFormatError, /HTML where JSON/);
  throwsWith(() => parseMultiAcnt(fx_sync("malformed_json.txt")), DartFormatError, /malformed/);
  const good = JSON.parse(new TextDecoder().decode(fx_sync("fnlttMultiAcnt_2024_11013.json")));
  good.list[3].fs_div = "XFS";
  throwsWith(
    () => parseMultiAcnt(bytes(JSON.stringify(good))),
    DartFormatError,
    /list\[3\] failed validation: fs_div: fs_div must be CFS or OFS/,
  );
  good.list[3].fs_div = "CFS";
  good.list[7].thstrm_amount = 12;
  throwsWith(
    () => parseMultiAcnt(bytes(JSON.stringify(good))),
    DartFormatError,
    /list\[7\] failed validation: thstrm_amount/,
  );
});

Deno.test("DART numbers and dates: commas, negatives, '-' and '' → null; the period end is the last date", () => {
  assert.equal(dartNumber("174,697,424,000,000"), 174_697_424_000_000);
  assert.equal(dartNumber("-6,916,333,493"), -6_916_333_493);
  assert.equal(dartNumber("49.20"), 49.2);
  assert.equal(dartNumber("-"), null);
  assert.equal(dartNumber(""), null);
  assert.equal(dartNumber(undefined), null);
  assert.equal(dartNumber("1,23"), null);
  assert.equal(periodEnd("2018.12.31 현재"), "2018-12-31");
  assert.equal(periodEnd("2023.07.01 ~ 2023.09.30"), "2023-09-30");
  assert.equal(periodEnd("제 5 기"), null);
});

// ---------------------------------------------------------------------------------------
// fnlttCmpnyIndx

Deno.test("fnlttCmpnyIndx: 수익성지표 of three companies; values by corp_code; '' → null", async () => {
  const r = parseCmpnyIndx(await fx("fnlttCmpnyIndx_2023_11011_M210000.json"), {
    idx_cl_code: "M210000",
  });
  assert.equal(r.rows.length, 30);
  const v = cmpnyIndxValues(r.rows);
  assert.deepEqual([...v.keys()], ["01234567", "00311223", "00555123"]);
  assert.equal(v.get("01234567")!["M211500"], 8.598, "ROE of the single-company fixture");
  assert.equal(v.get("00555123")!["M211800"], null);
});

Deno.test("fnlttCmpnyIndx: a row of another class than asked is a DartFormatError; 013 is empty", async () => {
  throwsWith(
    () =>
      parseCmpnyIndx(fx_sync("fnlttCmpnyIndx_2023_11011_M210000.json"), { idx_cl_code: "M220000" }),
    DartFormatError,
    /list\[0\]\.idx_cl_code: asked for M220000, got M210000/,
  );
  assert.equal(parseCmpnyIndx(await fx("status_013.json")).empty, true);
  const body = JSON.parse(
    new TextDecoder().decode(fx_sync("fnlttCmpnyIndx_2023_11011_M210000.json")),
  );
  body.list[2].idx_cl_code = "M250000";
  throwsWith(
    () => parseCmpnyIndx(bytes(JSON.stringify(body))),
    DartFormatError,
    /list\[2\].*idx_cl_code/,
  );
});

// ---------------------------------------------------------------------------------------
// alotMatter

Deno.test("alotMatter (2026 layout: stock_knd on every row, stlm_dt): DPS, payout, yield, total ×10⁶", async () => {
  const r = parseAlotMatter(await fx("alotMatter_01234567_2023_11011.json"));
  assert.equal(r.rows.length, 15);
  const d = dividendFigures(r.rows)!;
  assert.deepEqual(d, {
    corp_code: "01234567",
    rcept_no: "20240315000456",
    rcept_dt: "2024-03-15",
    stlm_dt: "2023-12-31",
    dps_common: 500,
    dps_preferred: null,
    payout_ratio: 26.53,
    yield_common: 1.6,
    cash_dividend_total: 12_500_000_000,
    eps: 1885,
    previous: { dps_common: null, payout_ratio: null },
  });
});

Deno.test("alotMatter (2020 layout: no stock_knd on class-less rows, no stlm_dt)", async () => {
  const d = dividendFigures(parseAlotMatter(await fx("alotMatter_00311223_2023_11011.json")).rows)!;
  assert.equal(d.stlm_dt, null);
  assert.equal(d.dps_common, 1000);
  assert.equal(d.payout_ratio, 39.27);
  assert.equal(d.cash_dividend_total, 24_000_000_000);
  assert.deepEqual(d.previous, { dps_common: 800, payout_ratio: 37.98 });
});

Deno.test("alotMatter: 013 → no figures; a class-less DPS row stands for the common share", async () => {
  const none = parseAlotMatter(await fx("alotMatter_013.json"));
  assert.equal(none.empty, true);
  assert.equal(dividendFigures(none.rows), null);
  const body = JSON.parse(new TextDecoder().decode(fx_sync("alotMatter_00311223_2023_11011.json")));
  body.list = body.list.filter((x: { se: string; stock_knd?: string }) =>
    !(x.se.startsWith("주당 현금배당금") && x.stock_knd === "우선주")
  );
  for (const x of body.list) if (x.se.startsWith("주당 현금배당금")) delete x.stock_knd;
  assert.equal(
    dividendFigures(parseAlotMatter(bytes(JSON.stringify(body))).rows)!.dps_common,
    1000,
  );
});

// ---------------------------------------------------------------------------------------
// request builders

const codes = (n: number) =>
  Array.from({ length: n }, (_, i) => String(10_000_000 + i).padStart(8, "0"));

Deno.test("request builders: ≤ 100 corp codes per multi call, deduplicated; alotMatter one per company", () => {
  const list = [...codes(250), "10000000", "10000001"];
  const acnt = multiAcntRequests(list, "2024", "11013");
  assert.equal(acnt.length, 3);
  assert.deepEqual(acnt.map((r) => r.params.corp_code.split(",").length), [100, 100, 50]);
  assert.deepEqual(Object.keys(acnt[0].params), ["corp_code", "bsns_year", "reprt_code"]);
  assert.equal(acnt[0].endpoint, "fnlttMultiAcnt.json");
  const idx = cmpnyIndxRequests(list, "2024", "11011");
  assert.equal(idx.length, 12, "3 batches × 4 classes");
  assert.deepEqual(idx.slice(0, 4).map((r) => r.params.idx_cl_code), [
    "M210000",
    "M220000",
    "M230000",
    "M240000",
  ]);
  assert.equal(alotMatterRequests(list, "2023", "11011").length, 250);
  assert.deepEqual(batchCorpCodes(["00000001", "00000002", "00000003"], 2), [
    ["00000001", "00000002"],
    ["00000003"],
  ]);
});

Deno.test("request builders refuse bad input: corp code, year, report code, fnlttCmpnyIndx before 2023 3Q", () => {
  assert.throws(() => multiAcntRequests(["1234567"], "2023", "11011"), /8 digits/);
  assert.throws(() => multiAcntRequests(codes(1), "2014", "11011"), /from 2015/);
  assert.throws(() => multiAcntRequests(codes(1), "2023", "11015"), /reprt_code/);
  assert.throws(() => cmpnyIndxRequests(codes(1), "2023", "11012"), /2023 3rd quarter/);
  assert.equal(cmpnyIndxRequests(codes(1), "2023", "11014").length, 4);
  assert.throws(() => batchCorpCodes(codes(3), 101), /1\.\.100/);
});

Deno.test("season call plan: 2,600 companies cost 26 + 104 + 2,600 calls with dividends", () => {
  assert.deepEqual(seasonCallPlan(2600, { dividends: true }), {
    companies: 2600,
    multiAcnt: 26,
    cmpnyIndx: 104,
    alotMatter: 2600,
    total: 2730,
  });
  assert.deepEqual(seasonCallPlan(2601, { indexClasses: 0 }), {
    companies: 2601,
    multiAcnt: 27,
    cmpnyIndx: 0,
    alotMatter: 0,
    total: 27,
  });
  assert.equal(seasonCallPlan(0).total, 0);
  assert.throws(() => seasonCallPlan(-1), /non-negative/);
  // the plan agrees with the builders
  const n = 2_345;
  const list = codes(n);
  const plan = seasonCallPlan(n, { dividends: true });
  assert.equal(plan.multiAcnt, multiAcntRequests(list, "2024", "11011").length);
  assert.equal(plan.cmpnyIndx, cmpnyIndxRequests(list, "2024", "11011").length);
  assert.equal(plan.alotMatter, alotMatterRequests(list, "2024", "11011").length);
});
