/**
 * KRX parsers against the real-format fixtures (`tests/fixtures/krx/`), plus round trips
 * through the fixture row renderers.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  DailyBar,
  IndexBar,
  Instrument,
  INVESTOR_TYPES,
  InvestorFlow,
} from "../lib/market/model.ts";
import {
  baseInfoRow,
  commaNumber,
  currentDateTime,
  flowRow,
  indexRow,
  KrxError,
  KrxFormatError,
  KrxLoginError,
  KrxUnauthorizedError,
  parseBaseInfo,
  parseDataKrxFlows,
  parseIndex,
  parseTrades,
  renderOutBlock,
  tradeRow,
} from "../lib/sources/krx/mod.ts";

const dir = new URL("./fixtures/krx/", import.meta.url);
const text = (name: string) => Deno.readTextFileSync(new URL(name, dir));
const bytes = (name: string) => Deno.readFileSync(new URL(name, dir));

function throwsKrx(fn: () => unknown, cls: new (...a: never[]) => KrxError, re: RegExp): KrxError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${caught}`);
  assert.match((caught as Error).message, re);
  return caught as KrxError;
}

/** Replaces one exact occurrence (fails when the fixture does not contain it). */
function edit(src: string, from: string, to: string): string {
  assert.ok(src.includes(from), `fixture lacks ${from}`);
  return src.replace(from, to);
}

Deno.test("[krx parse] 유가증권 일별매매정보 (krx-rs style: sorted keys, pretty)", async (t) => {
  const bars = parseTrades(bytes("stk_bydd_trd_20240104.json"), { market: "KOSPI" });

  await t.step("Should read the AJ네트웍스 row of the doc verbatim", () => {
    assert.equal(bars.length, 4);
    assert.deepEqual(bars[0], {
      date: "2024-01-04",
      code: "095570",
      open: 5200,
      high: 5290,
      low: 5100,
      close: 5220,
      change: 20,
      change_pct: 0.38,
      volume: 219508,
      value: 1144821080,
      market_cap: 236219401980,
      shares: 45252759,
    });
    for (const b of bars) DailyBar.parse(b);
  });

  await t.step("Should keep letter codes and signed changes", () => {
    assert.deepEqual(bars.map((b) => b.code), ["095570", "00104K", "37550L", "003560"]);
    assert.equal(bars[1].change, -600);
    assert.equal(bars[1].change_pct, -0.84);
  });

  await t.step("Should give a halted row null open/high/low and keep its close", () => {
    const ihq = bars[3];
    assert.deepEqual(
      [ihq.open, ihq.high, ihq.low, ihq.close, ihq.volume, ihq.value, ihq.change_pct],
      [null, null, null, 10760, 0, 0, 0],
    );
    assert.equal(ihq.market_cap, 10760 * 5474569);
  });

  await t.step("Should read text and bytes (with a BOM) alike", () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes("stk_bydd_trd_20240104.json")]);
    assert.deepEqual(parseTrades(withBom), bars);
    assert.deepEqual(parseTrades(text("stk_bydd_trd_20240104.json")), bars);
  });
});

Deno.test("[krx parse] 코스닥/코넥스 일별매매정보 (spec order, compact)", async (t) => {
  await t.step("Should read every KOSDAQ 소속부 row", () => {
    const bars = parseTrades(text("ksq_bydd_trd_20240104.json"), {
      api: "ksq_bydd_trd",
      market: "KOSDAQ",
    });
    assert.equal(bars.length, 6);
    assert.deepEqual(bars[0], {
      date: "2024-01-04",
      code: "241820",
      open: 37900,
      high: 38800,
      low: 37650,
      close: 38450,
      change: 650,
      change_pct: 1.72,
      volume: 182340,
      value: 6984211350,
      market_cap: 700958880000,
      shares: 18230400,
    });
    const halted = bars.find((b) => b.code === "054620")!;
    assert.deepEqual([halted.open, halted.high, halted.low, halted.close], [
      null,
      null,
      null,
      1985,
    ]);
  });

  await t.step("Should not care about key order", () => {
    const src = JSON.parse(text("ksq_bydd_trd_20240104.json"));
    const reversed = {
      OutBlock_1: src.OutBlock_1.map((r: Record<string, string>) =>
        Object.fromEntries(Object.entries(r).reverse())
      ),
    };
    assert.deepEqual(
      parseTrades(JSON.stringify(reversed)),
      parseTrades(text("ksq_bydd_trd_20240104.json")),
    );
  });

  await t.step("Should read KONEX, including a one-share trade", () => {
    const bars = parseTrades(text("knx_bydd_trd_20240104.json"), { market: "KONEX" });
    assert.deepEqual(bars.map((b) => [b.code, b.open, b.close, b.volume]), [
      ["456830", null, 4210, 0],
      ["391720", 1520, 1520, 1],
    ]);
  });

  await t.step("Should read a holiday as no rows", () => {
    assert.deepEqual(parseTrades(text("stk_bydd_trd_20240101.json")), []);
    assert.deepEqual(parseBaseInfo(`{"OutBlock_1": []}`), []);
    assert.deepEqual(parseIndex(`{"OutBlock_1":[]}`), []);
  });
});

Deno.test("[krx parse] number, date and market rules", async (t) => {
  const src = text("ksq_bydd_trd_20240104.json");

  await t.step("Should read '-' and '' as null and tolerate commas", () => {
    const b = parseTrades(
      edit(
        edit(src, `"CMPPREVDD_PRC":"650"`, `"CMPPREVDD_PRC":""`),
        `"MKTCAP":"700958880000"`,
        `"MKTCAP":"-"`,
      )
        .replace(`"ACC_TRDVAL":"6984211350"`, `"ACC_TRDVAL":"6,984,211,350"`),
    )[0];
    assert.equal(b.change, null);
    assert.equal(b.market_cap, null);
    assert.equal(b.value, 6984211350);
  });

  await t.step("Should name the field and value of a non-number", () => {
    const e = throwsKrx(
      () =>
        parseTrades(edit(src, `"ACC_TRDVOL":"182340"`, `"ACC_TRDVOL":"18만"`), {
          api: "ksq_bydd_trd",
        }),
      KrxFormatError,
      /ksq_bydd_trd: row 0 ACC_TRDVOL: expected a number, got "18만"/,
    );
    assert.equal(e.source, "krx");
    assert.equal(e.api, "ksq_bydd_trd");
    throwsKrx(
      () => parseTrades(edit(src, `"TDD_CLSPRC":"38450"`, `"TDD_CLSPRC":"3,84,50"`)),
      KrxFormatError,
      /TDD_CLSPRC: expected a number, got "3,84,50"/,
    );
    throwsKrx(
      () => parseTrades(edit(src, `"FLUC_RT":"1.72"`, `"FLUC_RT":true`)),
      KrxFormatError,
      /FLUC_RT: expected a number string, got true/,
    );
  });

  await t.step("Should reject missing fields, bad dates and unknown markets", () => {
    throwsKrx(
      () => parseTrades(edit(src, `"LIST_SHRS":"18230400"`, `"LIST_SHRS_X":"18230400"`)),
      KrxFormatError,
      /row 0 LIST_SHRS: missing field/,
    );
    throwsKrx(
      () =>
        parseTrades(
          edit(
            src,
            `"BAS_DD":"20240104","ISU_CD":"241820"`,
            `"BAS_DD":"20241304","ISU_CD":"241820"`,
          ),
        ),
      KrxFormatError,
      /row 0 BAS_DD: expected a YYYYMMDD date, got "20241304"/,
    );
    throwsKrx(
      () => parseTrades(edit(src, `"MKT_NM":"KOSDAQ"`, `"MKT_NM":"KOSDAQ GLOBAL"`)),
      KrxFormatError,
      /MKT_NM: expected one of KOSPI\/KOSDAQ\/KONEX, got "KOSDAQ GLOBAL"/,
    );
    throwsKrx(
      () => parseTrades(src, { api: "stk_bydd_trd", market: "KOSPI" }),
      KrxFormatError,
      /MKT_NM: expected KOSPI, got KOSDAQ/,
    );
    throwsKrx(
      () => parseTrades(edit(src, `"ISU_CD":"241820"`, `"ISU_CD":"KR7241820000"`)),
      KrxFormatError,
      /ISU_CD: expected a 6-character code/,
    );
  });

  await t.step("Should reject payloads that are not the documented shape", () => {
    throwsKrx(() => parseTrades(`{"OutBlock_2": []}`), KrxFormatError, /expected \{"OutBlock_1"/);
    throwsKrx(() => parseTrades(`[]`), KrxFormatError, /expected a JSON object/);
    throwsKrx(() => parseTrades(`{"OutBlock_1": [1]}`), KrxFormatError, /OutBlock_1\[0\]/);
    throwsKrx(
      () => parseTrades(`<html><title>Maintenance</title></html>`),
      KrxFormatError,
      /expected a JSON body, got "<html><title>Maintenance/,
    );
    throwsKrx(() => parseTrades(src.slice(0, 120)), KrxFormatError, /expected a JSON body/);
  });

  await t.step("Should turn the 401 body into KrxUnauthorizedError naming the API", () => {
    const e = throwsKrx(
      () => parseBaseInfo(text("unauthorized_401.json"), { api: "stk_isu_base_info" }),
      KrxUnauthorizedError,
      /stk_isu_base_info: HTTP 401 Unauthorized API Call: the AUTH_KEY is not approved for stk_isu_base_info/,
    );
    assert.match(e.message, /API 이용신청/);
    assert.match(e.message, /openapi\.krx\.co\.kr/);
    assert.equal(e.retryable, false);
    assert.equal((e as KrxUnauthorizedError).status, 401);
  });
});

Deno.test("[krx parse] 종목기본정보", async (t) => {
  await t.step("Should read the KOSPI rows: 무액면, '.5', 종류주권", () => {
    const list = parseBaseInfo(text("stk_isu_base_info_20240104.json"), { market: "KOSPI" });
    assert.deepEqual(list[0], {
      code: "095570",
      isin: "KR7095570008",
      name: "AJ네트웍스",
      name_full: "AJ네트웍스보통주",
      name_en: "AJ Networks Co.,Ltd.",
      market: "KOSPI",
      sector: null,
      security_group: "주권",
      stock_kind: "보통주",
      par_value: 1000,
      listing_date: "2015-08-21",
      shares: 45252759,
    });
    for (const i of list) Instrument.parse(i);
    const byCode = new Map(list.map((i) => [i.code, i]));
    assert.equal(byCode.get("088980")!.par_value, null, "무액면");
    assert.equal(byCode.get("088980")!.security_group, "사회간접자본투융자회사");
    assert.equal(byCode.get("900350")!.par_value, 0.5);
    assert.equal(byCode.get("900350")!.isin, "KYG4231A1015");
    assert.equal(byCode.get("00104K")!.stock_kind, "종류주권");
  });

  await t.step("Should read KOSDAQ 소속부 and foreign issuers", () => {
    const list = parseBaseInfo(text("ksq_isu_base_info_20240104.json"), {
      api: "ksq_isu_base_info",
      market: "KOSDAQ",
    });
    assert.deepEqual(list.map((i) => [i.code, i.sector, i.par_value]), [
      ["241820", "우량기업부", 500],
      ["950110", "외국기업(소속부없음)", null],
      ["900070", "외국기업(소속부없음)", 0.5],
    ]);
  });

  await t.step("Should reject a bad PARVAL, LIST_DD or MKT_TP_NM", () => {
    const src = text("stk_isu_base_info_20240104.json");
    throwsKrx(
      () => parseBaseInfo(edit(src, `"PARVAL": "1000"`, `"PARVAL": "1,000원"`)),
      KrxFormatError,
      /row 0 PARVAL: expected a number, got "1,000원"/,
    );
    throwsKrx(
      () => parseBaseInfo(edit(src, `"LIST_DD": "20150821"`, `"LIST_DD": "20150832"`)),
      KrxFormatError,
      /LIST_DD: expected a YYYYMMDD date/,
    );
    throwsKrx(
      () => parseBaseInfo(edit(src, `"MKT_TP_NM": "KOSPI"`, `"MKT_TP_NM": "유가증권"`)),
      KrxFormatError,
      /MKT_TP_NM: expected one of KOSPI\/KOSDAQ\/KONEX, got "유가증권"/,
    );
  });
});

Deno.test("[krx parse] 지수 일별시세", async (t) => {
  await t.step("Should read KOSPI indices; 코스피 (외국주포함) has no prices", () => {
    const bars = parseIndex(text("kospi_dd_trd_20240104.json"), { series: "KOSPI" });
    for (const b of bars) IndexBar.parse(b);
    const byCode = new Map(bars.map((b) => [b.index_code, b]));
    assert.deepEqual([...byCode.keys()], [
      "KOSPI:코스피 (외국주포함)",
      "KOSPI",
      "KOSPI200",
      "KOSPI100",
    ]);
    const foreign = byCode.get("KOSPI:코스피 (외국주포함)")!;
    assert.deepEqual(
      [foreign.open, foreign.high, foreign.low, foreign.close, foreign.change, foreign.change_pct],
      [null, null, null, null, null, null],
    );
    assert.equal(foreign.volume, 541238117);
    assert.equal(foreign.market_cap, 2082155623104582);
    assert.deepEqual(byCode.get("KOSPI"), {
      date: "2024-01-04",
      index_code: "KOSPI",
      series: "KOSPI",
      name: "코스피",
      open: 2592.57,
      high: 2602.64,
      low: 2580.39,
      close: 2587.02,
      change: -20.29,
      change_pct: -0.78,
      volume: 539102351,
      value: 9004115340280,
      market_cap: 2081297613540120,
    });
  });

  await t.step("Should read KRX indices; 코리아 밸류업 지수 has '-' OHL and volume", () => {
    const bars = parseIndex(text("krx_dd_trd_20240104.json"), { api: "krx_dd_trd", series: "KRX" });
    assert.deepEqual(bars.map((b) => b.index_code), ["KRX300", "KRX100", "KRX:코리아 밸류업 지수"]);
    const vu = bars[2];
    assert.equal(vu.close, 971.84);
    assert.deepEqual(
      [vu.open, vu.high, vu.low, vu.volume, vu.value, vu.market_cap],
      [null, null, null, null, null, null],
    );
  });

  await t.step("Should read KOSDAQ indices and reject another family", () => {
    const bars = parseIndex(text("kosdaq_dd_trd_20240104.json"), { series: "KOSDAQ" });
    assert.deepEqual(bars.map((b) => b.index_code), ["KOSDAQ", "KOSDAQ150"]);
    throwsKrx(
      () =>
        parseIndex(text("kosdaq_dd_trd_20240104.json"), { api: "kospi_dd_trd", series: "KOSPI" }),
      KrxFormatError,
      /kospi_dd_trd: row 0 IDX_CLSS: expected KOSPI, got KOSDAQ/,
    );
    throwsKrx(
      () =>
        parseIndex(
          edit(text("kosdaq_dd_trd_20240104.json"), `"IDX_CLSS":"KOSDAQ"`, `"IDX_CLSS":"테마"`),
        ),
      KrxFormatError,
      /IDX_CLSS: expected KRX\/KOSPI\/KOSDAQ, got "테마"/,
    );
  });
});

Deno.test("[krx parse] data.krx.co.kr MDCSTAT02203", async (t) => {
  const file = "datakrx_MDCSTAT02203_STK_20240102_20240105.json";

  await t.step("Should read comma numbers, oldest day first, with 기관합계", () => {
    const flows = parseDataKrxFlows(text(file), "KOSPI");
    assert.deepEqual(flows.map((f) => f.date), [
      "2024-01-02",
      "2024-01-03",
      "2024-01-04",
      "2024-01-05",
    ]);
    for (const f of flows) {
      InvestorFlow.parse(f);
      assert.deepEqual(Object.keys(f.net), [...INVESTOR_TYPES]);
      const sum = Object.values(f.net).reduce((a: number, b) => a + b!, 0);
      assert.equal(sum, 0, `${f.date}: net buying sums to 0`);
    }
    const jan5 = flows[3];
    assert.equal(jan5.market, "KOSPI");
    assert.equal(jan5.measure, "value");
    assert.equal(jan5.net["금융투자"], 124567867100);
    assert.equal(jan5.net["개인"], -279511379000);
    assert.equal(jan5.net["외국인"], 196978497600);
    assert.equal(jan5.net["기타외국인"], 2927902600);
    assert.equal(jan5.institutions, 80160686700);
  });

  await t.step("Should accept the OutBlock_1 wrapper and an empty answer", () => {
    assert.deepEqual(parseDataKrxFlows(text("datakrx_empty.json"), "KOSDAQ"), []);
    const swapped = text(file).replace(`{"output":`, `{"OutBlock_1":`);
    assert.equal(parseDataKrxFlows(swapped, "KOSPI").length, 4);
  });

  await t.step("Should give null 기관합계 when one 기관 value is '-'", () => {
    const f = parseDataKrxFlows(
      edit(text(file), `"TRDVAL5":"-6,565,557,200"`, `"TRDVAL5":"-"`),
      "KOSPI",
    );
    assert.equal(f[3].net["은행"], null);
    assert.equal(f[3].institutions, null);
  });

  await t.step("Should throw KrxLoginError for LOGOUT and for an HTML page, never rows", () => {
    const out = throwsKrx(
      () => parseDataKrxFlows(bytes("datakrx_logout.txt"), "KOSPI", { rawId: "r1" }),
      KrxLoginError,
      /data\.krx\.co\.kr MDCSTAT02203: answered LOGOUT/,
    ) as KrxLoginError;
    assert.equal(out.reason, "logout");
    assert.equal(out.rawId, "r1");
    assert.equal(out.source, "datakrx");
    throwsKrx(() => parseDataKrxFlows(" LOGOUT\r\n", "KOSPI"), KrxLoginError, /LOGOUT/);
    const page = throwsKrx(
      () => parseDataKrxFlows(text("datakrx_error.html"), "KOSPI"),
      KrxLoginError,
      /answered an HTML page \("Error - KRX \| Market Data System"\)/,
    ) as KrxLoginError;
    assert.equal(page.reason, "html");
  });

  await t.step("Should throw KrxFormatError for a bad value, date or shape", () => {
    throwsKrx(
      () =>
        parseDataKrxFlows(
          edit(text(file), `"TRDVAL3":"-18,651,572,400"`, `"TRDVAL3":"N/A"`),
          "KOSPI",
        ),
      KrxFormatError,
      /MDCSTAT02203: row 0 TRDVAL3: expected a number, got "N\/A"/,
    );
    throwsKrx(
      () => parseDataKrxFlows(edit(text(file), `"2024/01/05"`, `"2024.01.05"`), "KOSPI"),
      KrxFormatError,
      /TRD_DD: expected a YYYY\/MM\/DD date, got "2024\.01\.05"/,
    );
    throwsKrx(
      () => parseDataKrxFlows(`{"block1":[],"CURRENT_DATETIME":"x"}`, "KOSPI"),
      KrxFormatError,
      /expected \{"output": \[\.\.\.\]\} or \{"OutBlock_1": \[\.\.\.\]\}, got keys block1, CURRENT_DATETIME/,
    );
    throwsKrx(
      () => parseDataKrxFlows(`{"output": [`, "KOSPI"),
      KrxFormatError,
      /expected a JSON body/,
    );
  });
});

Deno.test("[krx parse] row renderers round-trip through the parsers", async (t) => {
  await t.step("Should render trades (halted OHL as 0) and parse them back", () => {
    const bars = parseTrades(text("stk_bydd_trd_20240104.json"));
    const names = ["AJ네트웍스", "CJ4우(전환)", "DL이앤씨2우(전환)", "IHQ"];
    const rows = bars.map((b, i) => tradeRow(b, names[i], "KOSPI"));
    const original = JSON.parse(text("stk_bydd_trd_20240104.json")).OutBlock_1;
    assert.deepEqual(rows, original, "same strings as the fixture");
    assert.deepEqual(Object.keys(rows[0]).slice(0, 3), ["BAS_DD", "ISU_CD", "ISU_NM"]);
    assert.deepEqual(parseTrades(renderOutBlock(rows)), bars);
    const pretty = renderOutBlock(rows, "pretty");
    assert.match(pretty, /^\{\n {2}"OutBlock_1": \[\n {4}\{\n {6}"ACC_TRDVAL": "1144821080",/);
    assert.equal(pretty, text("stk_bydd_trd_20240104.json").trimEnd());
  });

  await t.step("Should render base info, indices and flows", () => {
    const insts = parseBaseInfo(text("stk_isu_base_info_20240104.json"));
    assert.deepEqual(
      insts.map(baseInfoRow),
      JSON.parse(text("stk_isu_base_info_20240104.json")).OutBlock_1,
    );
    const idx = parseIndex(text("krx_dd_trd_20240104.json"));
    assert.deepEqual(idx.map(indexRow), JSON.parse(text("krx_dd_trd_20240104.json")).OutBlock_1);
    const file = "datakrx_MDCSTAT02203_STK_20240102_20240105.json";
    const flows = parseDataKrxFlows(text(file), "KOSPI");
    assert.deepEqual(flows.map(flowRow).reverse(), JSON.parse(text(file)).output);
  });

  await t.step("Should format commas and CURRENT_DATETIME like data.krx", () => {
    assert.equal(commaNumber(-3005309), "-3,005,309");
    assert.equal(commaNumber(2054064769700), "2,054,064,769,700");
    assert.equal(commaNumber(0), "0");
    assert.equal(commaNumber(null), "-");
    assert.equal(currentDateTime(new Date("2026-01-25T11:28:39Z")), "2026.01.25 PM 08:28:39");
    assert.equal(currentDateTime(new Date("2026-01-25T15:05:00Z")), "2026.01.26 AM 12:05:00");
    assert.equal(currentDateTime(new Date("2026-01-25T03:00:00Z")), "2026.01.25 PM 12:00:00");
  });
});
