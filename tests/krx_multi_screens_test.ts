/**
 * data.krx.co.kr all-stock screens (MDCSTAT02401 per-stock net buying by investor type,
 * MDCSTAT03701/03702 foreign ownership, MDCSTAT02001 status flags): parsers and request
 * builders against `tests/fixtures/krx/` (real formats; see its README).
 *
 * @module
 */
import assert from "node:assert/strict";
import { KrxFormatError, KrxLoginError } from "../lib/sources/krx/errors.ts";
import {
  dailyScreenRequests,
  foreignHoldingsRequest,
  foreignTrendRequest,
  netPurchasesRequest,
  netValueByCode,
  parseForeignHoldings,
  parseForeignTrend,
  parseNetPurchases,
  parseStatusFlags,
  statusFlagsRequest,
  statusValue,
} from "../lib/sources/krx/datakrx_screens.ts";
import { INVESTOR_CODES } from "../lib/sources/krx/datakrx_screens_types.ts";

const FIX = new URL("./fixtures/krx/", import.meta.url);
const fx = (name: string) => Deno.readFileSync(new URL(name, FIX));
const text = (name: string) => Deno.readTextFileSync(new URL(name, FIX));

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

const STK_9000 = "datakrx_MDCSTAT02401_STK_9000_20240102_20240105.json";
const ctx9000 = {
  market: "KOSPI" as const,
  investor: "9000" as const,
  from: "2024-01-02",
  to: "2024-01-05",
};

Deno.test("MDCSTAT02401: rows sorted by net value, signed comma numbers, net = buy − sell", () => {
  const a = parseNetPurchases(fx(STK_9000), ctx9000);
  assert.equal(a.investor_name, "외국인");
  assert.deepEqual(a.rows.map((r) => r.code), ["012340", "095570", "37550L", "00104K"]);
  const dl = a.rows.find((r) => r.code === "00104K")!;
  assert.deepEqual(dl, {
    code: "00104K",
    name: "CJ4우(전환)",
    sell_volume: 8220,
    buy_volume: 5118,
    net_volume: -3102,
    sell_value: 584_220_000,
    buy_value: 363_554_000,
    net_value: -220_666_000,
  });
  for (const r of a.rows) {
    assert.equal(r.net_value, r.buy_value - r.sell_value, r.code);
    assert.equal(r.net_volume, r.buy_volume - r.sell_volume, r.code);
  }
  for (let i = 1; i < a.rows.length; i++) assert.ok(a.rows[i - 1].net_value >= a.rows[i].net_value);
});

Deno.test("MDCSTAT02401: a stock the investor type did not trade has no row and counts as 0 in the universe", () => {
  const a = parseNetPurchases(fx(STK_9000), ctx9000);
  const m = netValueByCode(a, ["095570", "003560"]);
  assert.equal(m.get("003560"), 0, "IHQ (halted) is absent from the answer");
  assert.equal(m.get("095570"), 215_435_790);
  assert.equal(m.get("012340"), 21_761_777_000, "codes outside the universe are kept");
  const ksq = parseNetPurchases(fx("datakrx_MDCSTAT02401_KSQ_8000_20240104_20240104.json"), {
    market: "KOSDAQ",
    investor: "8000",
    from: "2024-01-04",
    to: "2024-01-04",
  });
  assert.equal(ksq.investor_name, "개인");
  assert.equal(ksq.rows.length, 5);
  assert.ok(!ksq.rows.some((r) => r.code === "054620"), "여명테크 did not trade that day");
});

Deno.test("MDCSTAT02401: empty output, LOGOUT, the HTML error page, bad rows", () => {
  const empty = parseNetPurchases(fx("datakrx_MDCSTAT02401_empty.json"), ctx9000);
  assert.deepEqual(empty.rows, []);
  throwsWith(() => parseNetPurchases(fx("datakrx_logout.txt"), ctx9000), KrxLoginError, /LOGOUT/);
  const html = throwsWith(
    () => parseNetPurchases(fx("datakrx_error.html"), ctx9000),
    KrxLoginError,
    /Error - KRX/,
  );
  assert.equal((html as KrxLoginError).reason, "html");
  const body = JSON.parse(text(STK_9000));
  body.output[1].NETBID_TRDVAL = "1.2.3";
  throwsWith(
    () => parseNetPurchases(JSON.stringify(body), ctx9000),
    KrxFormatError,
    /MDCSTAT02401: row 1 NETBID_TRDVAL: expected a number, got "1.2.3"/,
  );
  delete body.output[1].NETBID_TRDVAL;
  throwsWith(
    () => parseNetPurchases(JSON.stringify(body), ctx9000),
    KrxFormatError,
    /row 1 NETBID_TRDVAL: missing field/,
  );
  throwsWith(
    () => parseNetPurchases(JSON.stringify({ result: [] }), ctx9000),
    KrxFormatError,
    /expected \{"output"/,
  );
  const dash = JSON.parse(text(STK_9000));
  dash.output[0].ASK_TRDVAL = "-";
  throwsWith(() => parseNetPurchases(JSON.stringify(dash), ctx9000), KrxFormatError, /ASK_TRDVAL/);
});

Deno.test("MDCSTAT03701: foreign ownership of every KOSPI stock; a limit below the listed shares raises the exhaustion", () => {
  const rows = parseForeignHoldings(fx("datakrx_MDCSTAT03701_STK_20240104.json"), {
    date: "2024-01-04",
  });
  assert.equal(rows.length, 5);
  const aj = rows[0];
  assert.deepEqual(aj, {
    code: "095570",
    name: "AJ네트웍스",
    date: "2024-01-04",
    close: 5220,
    change_type: "1",
    change: 20,
    change_pct: 0.38,
    listed_shares: 45_252_759,
    foreign_shares: 2_715_165,
    foreign_pct: 6,
    foreign_limit_shares: 45_252_759,
    foreign_limit_exhaustion_pct: 6,
  });
  const ihq = rows.find((r) => r.code === "003560")!;
  assert.equal(ihq.change_type, "0");
  const dh = rows.find((r) => r.code === "012340")!;
  assert.ok(dh.foreign_limit_exhaustion_pct! > dh.foreign_pct!);
  assert.equal(dh.foreign_limit_exhaustion_pct, 52.89);
  throwsWith(
    () => parseForeignHoldings(fx("datakrx_logout.txt"), { date: "2024-01-04" }),
    KrxLoginError,
  );
  assert.deepEqual(parseForeignHoldings(fx("datakrx_empty.json"), { date: "2024-01-01" }), []);
});

Deno.test("MDCSTAT03702: one stock's trend, oldest first, TRD_DD YYYY/MM/DD", () => {
  const rows = parseForeignTrend(fx("datakrx_MDCSTAT03702_KR7095570008_20240102_20240105.json"), {
    code: "095570",
    name: "AJ네트웍스",
  });
  assert.deepEqual(rows.map((r) => r.date), [
    "2024-01-02",
    "2024-01-03",
    "2024-01-04",
    "2024-01-05",
  ]);
  assert.equal(rows[2].foreign_shares, 2_715_165, "the 2024-01-04 row agrees with MDCSTAT03701");
  const body = JSON.parse(text("datakrx_MDCSTAT03702_KR7095570008_20240102_20240105.json"));
  body.output[0].TRD_DD = "20240105";
  throwsWith(
    () => parseForeignTrend(JSON.stringify(body), { code: "095570" }),
    KrxFormatError,
    /row 0 TRD_DD: expected a YYYY\/MM\/DD date/,
  );
});

Deno.test("MDCSTAT02001: O/X flags; unknown encodings are kept as null and listed, never read as false", () => {
  const rows = parseStatusFlags(fx("datakrx_MDCSTAT02001_ALL.json"));
  assert.equal(rows.length, 7);
  const by = new Map(rows.map((r) => [r.code, r]));
  assert.equal(by.get("095570")!.flags.halted, false);
  assert.equal(by.get("003560")!.flags.halted, true);
  assert.equal(by.get("054620")!.flags.administrative, true);
  assert.equal(by.get("054620")!.flags.unfaithful_disclosure, true);
  assert.equal(by.get("241820")!.flags.investment_caution, true);
  assert.equal(by.get("418250")!.flags.investment_warning, true);
  assert.equal(by.get("456830")!.flags.investment_risk, true);
  assert.equal(by.get("00104K")!.flags.insufficient_shares, true);
  assert.equal(by.get("456830")!.market_id, "KNX");
  assert.ok(rows.every((r) => r.unknown_values.length === 0));

  const body = JSON.parse(text("datakrx_MDCSTAT02001_ALL.json"));
  body.output[0].HALT_YN = "Y";
  body.output[0].ADMISU_YN = "n";
  body.output[0].NVST_RISK_YN = "";
  body.output[0].NVST_WARN_YN = "-";
  delete body.output[0].INVSTCAUTN_YN;
  const r = parseStatusFlags(JSON.stringify(body))[0];
  assert.equal(r.flags.halted, true);
  assert.equal(r.flags.administrative, false);
  assert.equal(r.flags.investment_risk, null);
  assert.equal(r.flags.investment_warning, null);
  assert.equal(r.flags.investment_caution, null);
  assert.deepEqual(r.unknown_values, [
    { field: "INVSTCAUTN_YN", value: "(missing)" },
    { field: "NVST_WARN_YN", value: "-" },
    { field: "NVST_RISK_YN", value: "" },
  ]);
  assert.equal(statusValue(1), null);
  assert.equal(statusValue(" o "), true);
  delete body.output[1].ISU_SRT_CD;
  throwsWith(
    () => parseStatusFlags(JSON.stringify(body)),
    KrxFormatError,
    /row 1 ISU_SRT_CD: missing field/,
  );
  throwsWith(() => parseStatusFlags(fx("datakrx_error.html")), KrxLoginError);
});

Deno.test("request builders: the observed form fields; 28 calls per trading day", () => {
  assert.deepEqual(netPurchasesRequest("KOSPI", "8000", "2021-01-15", "2021-01-22"), {
    screen: "MDCSTAT02401",
    form: {
      strtDd: "20210115",
      endDd: "20210122",
      mktId: "STK",
      invstTpCd: "8000",
      bld: "dbms/MDC/STAT/standard/MDCSTAT02401",
    },
  });
  assert.equal(
    new URLSearchParams(netPurchasesRequest("KOSPI", "8000", "2021-01-15", "2021-01-22").form)
      .toString(),
    "strtDd=20210115&endDd=20210122&mktId=STK&invstTpCd=8000&bld=dbms%2FMDC%2FSTAT%2Fstandard%2FMDCSTAT02401",
  );
  assert.deepEqual(foreignHoldingsRequest("KOSDAQ", "2021-01-18").form, {
    searchType: "1",
    mktId: "KSQ",
    trdDd: "20210118",
    isuLmtRto: "0",
    bld: "dbms/MDC/STAT/standard/MDCSTAT03701",
  });
  assert.equal(
    foreignTrendRequest("KR7005930003", "2020-01-20", "2020-01-20").form.isuCd,
    "KR7005930003",
  );
  assert.deepEqual(statusFlagsRequest().form, {
    mktId: "ALL",
    bld: "dbms/MDC/STAT/standard/MDCSTAT02001",
  });
  assert.throws(
    () => netPurchasesRequest("KOSPI", "1234" as "1000", "2024-01-02", "2024-01-02"),
    /invstTpCd/,
  );
  assert.throws(() => netPurchasesRequest("KOSPI", "9000", "2024-01-05", "2024-01-02"), /after/);
  assert.throws(() => foreignTrendRequest("005930", "2024-01-02", "2024-01-02"), /ISIN/);
  const day = dailyScreenRequests("2024-01-04");
  assert.equal(day.length, 28);
  assert.equal(day.filter((r) => r.screen === "MDCSTAT02401").length, 24);
  assert.equal(INVESTOR_CODES["3000"], "투신");
  assert.equal(INVESTOR_CODES["2000"], "보험");
});
