/**
 * OpenDART parsers against the fixtures in `tests/fixtures/dart/` (real formats, fictional
 * companies), plus the fixture fetch reproducing those fixtures from `fixtures/dart/dataset/`.
 *
 * @module
 */
import assert from "node:assert/strict";
import JSZip from "jszip";
import {
  addMonthsYmd,
  buildCorpCodeXml,
  createFixtureFetch,
  DartApiError,
  DartAuthError,
  DartFormatError,
  type DartListPage,
  DartNoFileError,
  DartQuotaError,
  DartRequestError,
  dartStatusError,
  DartUnavailableError,
  decodeDocumentBytes,
  encodeEucKr,
  listWindows,
  loadDatasetFromDir,
  maxListEnd,
  parseCompany,
  parseCorpCodeXml,
  parseCorpCodeZip,
  parseDocumentZip,
  parseEstkRs,
  parseList,
  parseReportName,
  parseSingleAcnt,
  parseSingleAcntAll,
  parseSingleIndx,
} from "../lib/sources/dart/mod.ts";
import { corpCodeParseWork } from "../lib/sources/dart/parse.ts";

const FIX = new URL("./fixtures/dart/", import.meta.url);
const fx = (name: string) => Deno.readFile(new URL(name, FIX));
const fxText = (name: string) => Deno.readTextFile(new URL(name, FIX));
const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

async function rejectsWith(
  p: Promise<unknown> | (() => unknown),
  cls: new (...a: never[]) => Error,
  re?: RegExp,
): Promise<Error> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.name}: ${e}`);
    if (re) assert.match((e as Error).message, re);
    return e as Error;
  }
  throw new assert.AssertionError({ message: `expected ${cls.name}, nothing thrown` });
}

function pageOf(r: ReturnType<typeof parseList>): DartListPage {
  if (!("page" in r)) throw new Error("expected a page, got the empty result");
  return r.page;
}

// ---------------------------------------------------------------------------------------
// corpCode.xml

Deno.test("corpCode ZIP: rows keep leading zeros, blanks become empty, entities decoded", async () => {
  const rows = await parseCorpCodeZip(await fx("corpCode.zip"));
  assert.equal(rows.length, 8);
  assert.deepEqual(rows[0], {
    corp_code: "00123456",
    corp_name: "다온물산",
    corp_eng_name: "",
    stock_code: "",
    modify_date: "20170630",
  });
  const byCode = new Map(rows.map((r) => [r.corp_code, r]));
  assert.equal(byCode.get("00311223")?.stock_code, "012340");
  assert.equal(byCode.get("00555123")?.stock_code, "0088M0");
  assert.equal(byCode.get("00555123")?.corp_eng_name, "PUREUNSOL & TECH CO., LTD.");
  assert.equal(byCode.get("00088888")?.corp_name, "한결&파트너스");
  assert.equal(byCode.get("00987654")?.stock_code, "");
  for (const r of rows) assert.match(r.corp_code, /^\d{8}$/);
});

Deno.test("corpCode ZIP: the entry is the real CORPCODE.xml layout (4-space indent, ' ' blanks)", async () => {
  const zip = await JSZip.loadAsync(await fx("corpCode.zip"));
  assert.deepEqual(Object.keys(zip.files), ["CORPCODE.xml"]);
  const xml = await zip.file("CORPCODE.xml")!.async("string");
  assert.equal(xml, await fxText("CORPCODE.xml.txt"));
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<result>\n    <list>\n'));
  assert.ok(xml.includes("<stock_code> </stock_code>"));
  assert.ok(xml.includes("&amp;"));
});

Deno.test("corpCode XML: the fast scanner and the full XML parser agree", async () => {
  const xml = await fxText("CORPCODE.xml.txt");
  assert.deepEqual(parseCorpCodeXml(xml), parseCorpCodeXml(xml, { fast: false }));
  // Layouts the scanner refuses fall back to the full parser.
  const odd = xml
    .replace("<corp_name>다온물산</corp_name>", "<corp_name><![CDATA[다온 & 물산]]></corp_name>")
    .replace("<modify_date>20240318</modify_date>", '<modify_date x="1">20240318</modify_date>');
  const rows = parseCorpCodeXml(odd);
  assert.equal(rows[0].corp_name, "다온 & 물산");
  assert.equal(rows[1].modify_date, "20240318");
  assert.equal(rows[0].corp_code, "00123456");
  // Self-closing and numeric entities.
  const tiny =
    '<?xml version="1.0" encoding="UTF-8"?>\n<result>\n<list><corp_code>00000001</corp_code>' +
    "<corp_name>A&#38;B &#xAC00;</corp_name><corp_eng_name/><stock_code/><modify_date>20200101</modify_date></list>\n</result>";
  assert.deepEqual(parseCorpCodeXml(tiny), [{
    corp_code: "00000001",
    corp_name: "A&B 가",
    corp_eng_name: "",
    stock_code: "",
    modify_date: "20200101",
  }]);
  assert.deepEqual(parseCorpCodeXml(tiny, { fast: false }), parseCorpCodeXml(tiny));
  assert.deepEqual(parseCorpCodeXml('<?xml version="1.0"?><result></result>'), []);
});

Deno.test("corpCode: a bad row fails naming the field", () => {
  const xml = "<result>\n<list><corp_code>1234567</corp_code><corp_name>x</corp_name>" +
    "<stock_code> </stock_code><modify_date>20200101</modify_date></list>\n</result>";
  assert.throws(
    () => parseCorpCodeXml(xml),
    (e: Error) =>
      e instanceof DartFormatError && /row 0/.test(e.message) && /corp_code/.test(e.message),
  );
  const noName =
    "<result>\n<list><corp_code>12345678</corp_code><stock_code> </stock_code></list>\n</result>";
  assert.throws(
    () => parseCorpCodeXml(noName),
    (e: Error) => e instanceof DartFormatError && /corp_name/.test(e.message),
  );
  const badStock = "<result>\n<list><corp_code>12345678</corp_code><corp_name>x</corp_name>" +
    "<stock_code>12345</stock_code></list>\n</result>";
  assert.throws(() => parseCorpCodeXml(badStock), /stock_code/);
});

Deno.test("corpCode: non-ZIP bodies map to typed errors", async () => {
  await rejectsWith(parseCorpCodeZip(await fx("error_014_xml.txt")), DartNoFileError, /014/);
  const quota = '<?xml version="1.0" encoding="UTF-8"?><result><status>020</status>' +
    "<message>요청 제한을 초과하였습니다.</message></result>";
  await rejectsWith(parseCorpCodeZip(bytes(quota)), DartQuotaError);
  const auth =
    "<result><status>010</status><message>등록되지 않은 인증키입니다.</message></result>";
  await rejectsWith(parseCorpCodeZip(bytes(auth)), DartAuthError);
  await rejectsWith(parseCorpCodeZip(await fx("status_020.json")), DartQuotaError);
  await rejectsWith(parseCorpCodeZip(await fx("error.html")), DartFormatError, /markup/);
  await rejectsWith(parseCorpCodeZip(new Uint8Array()), DartFormatError, /empty/);
  await rejectsWith(parseCorpCodeZip(bytes("hello")), DartFormatError, /PK/);
  await rejectsWith(
    parseCorpCodeZip(bytes("PK\x03\x04 this is not a zip")),
    DartFormatError,
    /corrupt/,
  );
  const other = new JSZip();
  other.file("readme.txt", "nothing");
  await rejectsWith(
    parseCorpCodeZip(await other.generateAsync({ type: "uint8array" })),
    DartFormatError,
    /CORPCODE/,
  );
});

Deno.test("corpCode: 100k rows unzip + parse stays lean (one flat scan, no XML parser, no zod per row)", async () => {
  const corps = Array.from({ length: 100_000 }, (_, i) => ({
    corp_code: String(i).padStart(8, "0"),
    corp_name: `회사${i} & 주식회사`,
    corp_eng_name: i % 2 ? "" : `COMPANY ${i} CO., LTD.`,
    stock_code: i % 3 ? "" : String(i % 1_000_000).padStart(6, "0"),
    modify_date: "20240101",
  }));
  // STORE keeps the fixture build cheap; the parse cost is the same either way.
  const z = new JSZip();
  z.file("CORPCODE.xml", buildCorpCodeXml(corps));
  const zip = await z.generateAsync({ type: "uint8array", compression: "STORE" });
  const w0 = corpCodeParseWork();
  const rows = await parseCorpCodeZip(zip);
  const w1 = corpCodeParseWork();
  assert.equal(rows.length, 100_000);
  assert.deepEqual(rows[3], corps[3]);
  assert.equal(rows[99_999].corp_code, "00099999");
  // Counted, not timed (bench/corpcode.ts times it): the lean path, not fast-xml-parser and
  // a zod parse per row (seconds and hundreds of MB for DART's file).
  assert.deepEqual(
    Object.fromEntries(Object.entries(w1).map(([k, v]) => [k, v - w0[k as keyof typeof w0]])),
    { scanned: 1, fullParses: 0, quickRows: 100_000, schemaRows: 0 },
  );
});

// ---------------------------------------------------------------------------------------
// status codes

Deno.test("dartStatusError maps every documented status to its class", () => {
  assert.equal(dartStatusError("000", "정상", "list.json"), null);
  assert.equal(dartStatusError("013", "조회된 데이타가 없습니다.", "list.json"), null);
  const cases: [string, new (...a: never[]) => DartApiError][] = [
    ["010", DartAuthError],
    ["011", DartAuthError],
    ["012", DartAuthError],
    ["901", DartAuthError],
    ["020", DartQuotaError],
    ["021", DartRequestError],
    ["100", DartRequestError],
    ["101", DartRequestError],
    ["800", DartUnavailableError],
    ["900", DartUnavailableError],
    ["014", DartNoFileError],
  ];
  for (const [code, cls] of cases) {
    const e = dartStatusError(code, "msg", "list.json");
    if (!(e instanceof cls) || !(e instanceof DartApiError)) throw new Error(`${code} -> ${e}`);
    assert.equal(e.status, code);
    assert.equal(e.endpoint, "list.json");
    assert.equal(e.name, cls.name);
    // The same code through a JSON body.
    assert.throws(
      () => parseList(bytes(JSON.stringify({ status: code, message: "m" }))),
      (err: Error) => err instanceof cls,
    );
  }
  const unknown = dartStatusError("555", "?", "list.json");
  assert.equal(unknown?.constructor, DartApiError);
});

Deno.test("status fixtures: 013 empty, 020 quota, 100 request, 010 auth", async () => {
  assert.deepEqual(parseList(await fx("status_013.json")), { empty: true });
  assert.equal(parseCompany(await fx("status_013.json")), null);
  assert.deepEqual(parseSingleAcnt(await fx("status_013.json")), []);
  assert.deepEqual(parseSingleAcntAll(await fx("status_013.json")), []);
  assert.deepEqual(parseSingleIndx(await fx("status_013.json")), []);
  assert.deepEqual(parseEstkRs(await fx("status_013.json")), { titles: [], groups: {} });
  await rejectsWith(async () => parseList(await fx("status_020.json")), DartQuotaError, /020/);
  const e = await rejectsWith(
    async () => parseList(await fx("status_100.json")),
    DartRequestError,
  ) as DartApiError;
  assert.equal(e.dartMessage, "corp_code가 없는 경우 검색기간은 3개월만 가능합니다.");
  await rejectsWith(async () => parseCompany(await fx("status_010.json")), DartAuthError);
});

Deno.test("JSON parsers: malformed JSON, HTML, XML and odd shapes are DartFormatError", async () => {
  await rejectsWith(
    async () => parseList(await fx("malformed_json.txt")),
    DartFormatError,
    /malformed JSON/,
  );
  await rejectsWith(
    async () => parseCompany(await fx("error.html")),
    DartFormatError,
    /HTML.*OpenDART/,
  );
  await rejectsWith(async () => parseList(await fx("error_014_xml.txt")), DartNoFileError);
  assert.throws(() => parseList(bytes("<foo/>")), /XML where JSON/);
  assert.throws(() => parseList(bytes("")), /empty body/);
  assert.throws(() => parseList(bytes("[1,2]")), /not an object/);
  assert.throws(() => parseList(bytes('{"message":"x"}')), /no status/);
  assert.throws(() => parseList(bytes('{"status":"000","message":"정상"}')), /list array/);
  assert.throws(() => parseEstkRs(bytes('{"status":"000","message":"정상"}')), /group array/);
  // A numeric status is read as its 3-digit code.
  assert.throws(() => parseList(bytes('{"status":20,"message":"x"}')), DartQuotaError);
});

// ---------------------------------------------------------------------------------------
// company.json / list.json

Deno.test("company.json: all values are strings, as sent (double spaces kept)", async () => {
  const c = parseCompany(await fx("company.json"))!;
  assert.equal(c.corp_code, "01234567");
  assert.equal(c.corp_name, "한빛전자(주)");
  assert.equal(c.stock_code, "234560");
  assert.equal(c.corp_cls, "K");
  assert.equal(c.ceo_nm, "박지훈, 이수연");
  assert.equal(c.adres, "경기도 성남시 분당구  판교역로 235 (삼평동)");
  assert.equal(c.ir_url, "");
  assert.equal(c.induty_code, "26299");
  assert.equal(c.est_dt, "19990415");
  assert.equal(c.acc_mt, "12");
  assert.ok(!("status" in c));
});

Deno.test("company.json: missing required field names it; extras tolerated", async () => {
  const body = JSON.parse(await fxText("company.json"));
  delete body.corp_name;
  assert.throws(
    () => parseCompany(bytes(JSON.stringify(body))),
    (e: Error) => e instanceof DartFormatError && /corp_name/.test(e.message),
  );
  const extra = { ...JSON.parse(await fxText("company.json")), brand_new_field: "x" };
  assert.equal(parseCompany(bytes(JSON.stringify(extra)))?.corp_code, "01234567");
  const badCls = { ...JSON.parse(await fxText("company.json")), corp_cls: "Q" };
  assert.throws(() => parseCompany(bytes(JSON.stringify(badCls))), /corp_cls/);
});

Deno.test("list.json pages: paging numbers, trimmed report_nm, flags, string ids", async () => {
  const page = pageOf(parseList(await fx("list_p1.json")));
  assert.equal(page.page_no, 1);
  assert.equal(page.page_count, 5);
  assert.equal(page.total_count, 10);
  assert.equal(page.total_page, 2);
  assert.equal(page.list.length, 5);
  const raw = JSON.parse(await fxText("list_p1.json"));
  assert.equal(typeof raw.total_page, "number");
  assert.ok(raw.list[3].report_nm.endsWith("  "), "fixture keeps trailing spaces");
  assert.equal(page.list[3].report_nm, "기타경영사항(자율공시)");
  assert.equal(page.list[3].rm, "코");
  assert.equal(page.list[0].corp_code, "00987654");
  assert.equal(page.list[0].stock_code, "");
  assert.equal(page.list[1].report_nm, "[발행조건확정]증권신고서(지분증권)");
  const p2 = { page: pageOf(parseList(await fx("list_p2.json"))) };
  assert.equal(p2.page.page_no, 2);
  assert.deepEqual(p2.page.list.map((r) => r.rcept_no), [
    "20240226000222",
    "20240221600777",
    "20240205000111",
    "20240129000666",
    "20240110000555",
  ]);
  assert.equal(p2.page.list[0].rm, "정");
  assert.equal(p2.page.list[1].stock_code, "0088M0");
  assert.equal(p2.page.list[3].flr_nm, "김철수");
  const chain = [...page.list, ...p2.page.list].filter((r) =>
    parseReportName(r.report_nm).base === "증권신고서(지분증권)"
  );
  assert.equal(chain.length, 3);
});

Deno.test("list.json: paging numbers as strings are accepted; bad rows name the field", async () => {
  const body = JSON.parse(await fxText("list_p1.json"));
  const asStrings = { ...body, page_no: "1", total_page: "2" };
  const r = parseList(bytes(JSON.stringify(asStrings)));
  assert.ok("page" in r && r.page.total_page === 2);
  const missing = structuredClone(body);
  delete missing.list[2].rcept_no;
  assert.throws(
    () => parseList(bytes(JSON.stringify(missing))),
    (e: Error) => e instanceof DartFormatError && e.message.includes("list[2].rcept_no"),
  );
  const short = structuredClone(body);
  short.list[0].rcept_no = "2024032000044";
  assert.throws(() => parseList(bytes(JSON.stringify(short))), /rcept_no must be 14 digits/);
  const extra = structuredClone(body);
  extra.list[0].new_flag = "Y";
  extra.brand_new = 1;
  assert.ok("page" in parseList(bytes(JSON.stringify(extra))));
});

// ---------------------------------------------------------------------------------------
// financial statements

Deno.test("fnlttSinglAcnt annual: 26 rows, CFS then OFS, comma amounts untouched", async () => {
  const rows = parseSingleAcnt(await fx("fnlttSinglAcnt_01234567_2023_11011.json"));
  assert.equal(rows.length, 26);
  assert.deepEqual([...new Set(rows.map((r) => r.fs_div))], ["CFS", "OFS"]);
  assert.equal(rows.filter((r) => r.fs_div === "CFS").length, 13);
  const ni = rows.find((r) => r.fs_div === "CFS" && r.account_nm === "당기순이익")!;
  assert.equal(ni.thstrm_amount, "47,118,990,226");
  assert.equal(ni.frmtrm_amount, "-6,916,333,493");
  assert.equal(ni.thstrm_dt, "2023.01.01 ~ 2023.12.31");
  assert.equal(ni.sj_div, "IS");
  const assets = rows.find((r) => r.fs_div === "CFS" && r.account_nm === "자산총계")!;
  assert.equal(assets.thstrm_amount, "854,292,452,449");
  assert.equal(assets.thstrm_dt, "2023.12.31 현재");
  assert.equal(assets.bfefrmtrm_nm, "제 23 기");
  assert.equal(assets.currency, "KRW");
  assert.equal(assets.thstrm_add_amount, undefined);
  assert.equal(assets.corp_code, "01234567");
  assert.equal(assets.ord, "3");
});

Deno.test("fnlttSinglAcnt 2020-style: no currency key", async () => {
  const rows = parseSingleAcnt(await fx("fnlttSinglAcnt_00311223_2019_11011.json"));
  assert.equal(rows.length, 26);
  assert.ok(rows.every((r) => r.currency === undefined));
  const raw = JSON.parse(await fxText("fnlttSinglAcnt_00311223_2019_11011.json"));
  assert.ok(!("currency" in raw.list[0]));
  assert.equal(rows[0].stock_code, "012340");
  assert.equal(rows[0].rcept_no, "20200316000777");
  assert.ok(rows.some((r) => r.frmtrm_amount?.startsWith("-")));
});

Deno.test("fnlttSinglAcntAll CFS annual: statements, account ids, SCE paths, add_amount rules", async () => {
  const rows = parseSingleAcntAll(await fx("fnlttSinglAcntAll_01234567_2023_11011_CFS.json"));
  assert.equal(rows.length, 47);
  assert.deepEqual([...new Set(rows.map((r) => r.sj_div))], ["BS", "IS", "CIS", "CF", "SCE"]);
  for (const r of rows) {
    if (r.sj_div === "IS" || r.sj_div === "CIS") assert.equal(r.thstrm_add_amount, "");
    else assert.equal(r.thstrm_add_amount, undefined, `${r.sj_div} ${r.account_nm}`);
    assert.match(r.thstrm_amount, /^-?\d+$/, "plain digits, no separators");
    assert.equal(r.frmtrm_q_amount, undefined);
  }
  const raw = JSON.parse(await fxText("fnlttSinglAcntAll_01234567_2023_11011_CFS.json"));
  assert.ok(!("thstrm_add_amount" in raw.list[0]), "BS rows have no thstrm_add_amount key");
  assert.equal(rows.filter((r) => r.account_id === "-표준계정코드 미사용-").length, 3);
  const sce = rows.filter((r) => r.sj_div === "SCE");
  assert.ok(sce.some((r) => r.account_detail === "자본 [구성요소]|비지배지분 [구성요소]"));
  assert.ok(sce.some((r) => r.account_detail === "연결재무제표 [member]"));
  assert.ok(rows.filter((r) => r.sj_div !== "SCE").every((r) => r.account_detail === "-"));
  const inv = rows.find((r) => r.account_nm === "투자활동현금흐름")!;
  assert.equal(inv.thstrm_amount, "-88201334556");
  assert.equal(rows[0].ord, "7");
  assert.equal(rows.find((r) => r.account_nm === "총포괄손익(*3)")?.sj_nm, "포괄손익계산서");
});

Deno.test("fnlttSinglIndx M210000: decimal strings", async () => {
  const rows = parseSingleIndx(await fx("fnlttSinglIndx_01234567_2023_11011_M210000.json"));
  assert.equal(rows.length, 10);
  assert.ok(rows.every((r) => r.idx_cl_code === "M210000" && r.idx_cl_nm === "수익성지표"));
  assert.equal(rows[0].idx_code, "M211100");
  assert.equal(rows[0].idx_val, "5.973");
  assert.equal(rows[0].stlm_dt, "2023-12-31");
  // A null value (not observed, tolerated) reads as "".
  const body = JSON.parse(await fxText("fnlttSinglIndx_01234567_2023_11011_M210000.json"));
  body.list[0].idx_val = null;
  assert.equal(parseSingleIndx(bytes(JSON.stringify(body)))[0].idx_val, "");
  delete body.list[1].idx_code;
  assert.throws(() => parseSingleIndx(bytes(JSON.stringify(body))), /list\[1\].*idx_code/);
});

// ---------------------------------------------------------------------------------------
// estkRs.json

Deno.test("estkRs: groups by title in DART order, values kept as text", async () => {
  const r = parseEstkRs(await fx("estkRs.json"));
  assert.deepEqual(r.titles, [
    "일반사항",
    "증권의종류",
    "인수인정보",
    "자금의사용목적",
    "매출인에관한사항",
    "일반청약자환매청구권",
  ]);
  assert.equal(r.groups["자금의사용목적"].length, 2);
  assert.deepEqual(r.groups["자금의사용목적"].map((x) => [x.se, x.amt]), [
    ["운영자금", "17,380,000,000"],
    ["발행제비용", "620,000,000"],
  ]);
  assert.equal(r.groups["일반사항"][0].sbd, "2024년 03월 11일 ~ 2024년 03월 12일");
  assert.equal(r.groups["일반사항"][0].asstd, "-");
  assert.equal(r.groups["증권의종류"][0].slprc, "12,000");
  assert.equal(r.groups["증권의종류"][0].slmthn, "일반공모");
  assert.equal(r.groups["인수인정보"].length, 2);
  assert.equal(Object.keys(r.groups["인수인정보"][0])[4], "stksen");
  for (const t of r.titles) {
    for (const row of r.groups[t]) {
      assert.equal(row.rcept_no, "20240226000222");
      assert.equal(row.corp_code, "00987654");
    }
  }
  const body = JSON.parse(await fxText("estkRs.json"));
  delete body.group[1].list[0].rcept_no;
  assert.throws(() => parseEstkRs(bytes(JSON.stringify(body))), /group\[1\].*rcept_no/);
});

// ---------------------------------------------------------------------------------------
// document.xml

Deno.test("document ZIP: body first, EUC-KR attachment decoded", async () => {
  const files = await parseDocumentZip(await fx("document_20240318000333.zip"));
  assert.deepEqual(files.map((f) => f.name), [
    "20240318000333.xml",
    "20240318000333_00760.xml",
  ]);
  assert.equal(files[0].encoding, "utf-8");
  assert.match(files[0].text, /확정공모가액은 1주당 12,000원/);
  assert.match(
    files[0].text,
    /<DOCUMENT-NAME ACODE="10012">\[발행조건확정\]증권신고서\(지분증권\)/,
  );
  assert.equal(files[1].encoding, "euc-kr");
  assert.match(files[1].text, /독립된 감사인의 감사보고서/);
  assert.ok(!files[1].text.includes("\uFFFD"));
  // The raw entry really is EUC-KR (not valid UTF-8).
  const zip = await JSZip.loadAsync(await fx("document_20240318000333.zip"));
  const rawAttach = await zip.file("20240318000333_00760.xml")!.async("uint8array");
  assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(rawAttach));
});

Deno.test("document ZIP: EUC-KR bytes under a utf-8 declaration fall back to EUC-KR", async () => {
  const text =
    '<?xml version="1.0" encoding="utf-8"?>\n<DOCUMENT><P>반기보고서 – 한빛전자</P></DOCUMENT>';
  const euc = encodeEucKr(text.replace("–", "-"));
  assert.deepEqual(decodeDocumentBytes(euc), {
    text: text.replace("–", "-"),
    encoding: "euc-kr",
  });
  const zip = new JSZip();
  zip.file("20240101000002_00001.xml", euc);
  zip.file("20240101000002.xml", enc.encode(text));
  zip.file("00_first_by_name.xml", enc.encode("<a/>"));
  const files = await parseDocumentZip(await zip.generateAsync({ type: "uint8array" }));
  assert.deepEqual(files.map((f) => [f.name, f.encoding]), [
    ["20240101000002.xml", "utf-8"],
    ["00_first_by_name.xml", "utf-8"],
    ["20240101000002_00001.xml", "euc-kr"],
  ]);
  assert.match(files[2].text, /반기보고서 - 한빛전자/);
});

Deno.test("document ZIP: 014 body, HTML and JSON bodies are typed errors", async () => {
  await rejectsWith(
    parseDocumentZip(await fx("error_014_xml.txt")),
    DartNoFileError,
    /파일이 존재하지/,
  );
  await rejectsWith(parseDocumentZip(await fx("error.html")), DartFormatError);
  await rejectsWith(parseDocumentZip(await fx("status_020.json")), DartQuotaError);
  const zip = new JSZip();
  await rejectsWith(
    parseDocumentZip(await zip.generateAsync({ type: "uint8array" })),
    DartFormatError,
    /empty ZIP/,
  );
});

// ---------------------------------------------------------------------------------------
// report names, dates, masking

Deno.test("parseReportName: prefixes, base, trimming", () => {
  assert.deepEqual(parseReportName("[기재정정][발행조건확정]증권신고서(지분증권) "), {
    name: "[기재정정][발행조건확정]증권신고서(지분증권)",
    base: "증권신고서(지분증권)",
    prefixes: ["기재정정", "발행조건확정"],
  });
  assert.deepEqual(parseReportName("기타경영사항(자율공시)              "), {
    name: "기타경영사항(자율공시)",
    base: "기타경영사항(자율공시)",
    prefixes: [],
  });
  assert.deepEqual(parseReportName("[첨부추가]사업보고서 (2021.12)"), {
    name: "[첨부추가]사업보고서 (2021.12)",
    base: "사업보고서 (2021.12)",
    prefixes: ["첨부추가"],
  });
  assert.deepEqual(parseReportName("증권신고서(집합투자증권-신탁형)(한빛펀드[주식])").prefixes, []);
  assert.deepEqual(parseReportName("  [기재정정] 투자설명서").base, "투자설명서");
  assert.deepEqual(parseReportName(""), { name: "", base: "", prefixes: [] });
});

Deno.test("dates: month arithmetic, three-month windows", () => {
  assert.equal(addMonthsYmd("20231130", 3), "20240229");
  assert.equal(addMonthsYmd("20240131", 1), "20240229");
  assert.equal(maxListEnd("20240101"), "20240331");
  assert.equal(maxListEnd("20231130"), "20240228");
  assert.deepEqual(listWindows("20231001", "20240331"), [
    ["20231001", "20231231"],
    ["20240101", "20240331"],
  ]);
  assert.deepEqual(listWindows("20240115", "20240120"), [["20240115", "20240120"]]);
  const ws = listWindows("20200101", "20241231");
  assert.equal(ws.length, 20);
  for (let i = 1; i < ws.length; i++) assert.ok(ws[i][0] > ws[i - 1][1]);
  for (const [b, e] of ws) assert.ok(e <= maxListEnd(b));
});

Deno.test("error messages never carry the key", () => {
  const key = "KDESKTESTKEY0123456789abcdefABCDEF012345";
  const e = new DartFormatError(
    `bad https://x/api/list.json?crtfc_key=${key}&corp_code=1`,
    "list.json",
  );
  assert.ok(!e.message.includes(key));
  assert.match(e.message, /crtfc_key=\*\*\*/);
});

// ---------------------------------------------------------------------------------------
// the fixture fetch reproduces the fixtures from the dataset directory

const DATASET = new URL("./fixtures/dart/dataset/", import.meta.url);

async function fetchText(f: typeof fetch, path: string): Promise<string> {
  const res = await f(`https://opendart.fss.or.kr/api/${path}`);
  assert.equal(res.status, 200);
  return await res.text();
}
const canon = (text: string) => JSON.stringify(JSON.parse(text));

Deno.test("fixture fetch: JSON answers equal the fixtures (key order included)", async () => {
  const ds = await loadDatasetFromDir(DATASET.pathname);
  const key = `crtfc_key=${ds.apiKey}`;
  const f = createFixtureFetch(ds);
  const pairs: [string, string][] = [
    ["company.json", `company.json?${key}&corp_code=01234567`],
    [
      "list_p1.json",
      `list.json?${key}&bgn_de=20240101&end_de=20240331&last_reprt_at=N&sort=date&sort_mth=desc&page_no=1&page_count=5`,
    ],
    [
      "list_p2.json",
      `list.json?${key}&bgn_de=20240101&end_de=20240331&last_reprt_at=N&sort=date&sort_mth=desc&page_no=2&page_count=5`,
    ],
    [
      "fnlttSinglAcnt_01234567_2023_11011.json",
      `fnlttSinglAcnt.json?${key}&corp_code=01234567&bsns_year=2023&reprt_code=11011`,
    ],
    [
      "fnlttSinglAcnt_00311223_2019_11011.json",
      `fnlttSinglAcnt.json?${key}&corp_code=00311223&bsns_year=2019&reprt_code=11011`,
    ],
    [
      "fnlttSinglAcntAll_01234567_2023_11011_CFS.json",
      `fnlttSinglAcntAll.json?${key}&corp_code=01234567&bsns_year=2023&reprt_code=11011&fs_div=CFS`,
    ],
    [
      "fnlttSinglIndx_01234567_2023_11011_M210000.json",
      `fnlttSinglIndx.json?${key}&corp_code=01234567&bsns_year=2023&reprt_code=11011&idx_cl_code=M210000`,
    ],
    ["estkRs.json", `estkRs.json?${key}&corp_code=00987654&bgn_de=20240101&end_de=20240331`],
    ["status_013.json", `company.json?${key}&corp_code=99999999`],
    ["status_100.json", `list.json?${key}&bgn_de=20231001&end_de=20240331`],
    ["status_010.json", `list.json?crtfc_key=WRONG&bgn_de=20240101&end_de=20240131`],
  ];
  for (const [file, path] of pairs) {
    assert.equal(await fetchText(f, path), canon(await fxText(file)), file);
  }
});

Deno.test("fixture fetch: ZIP answers match the ZIP fixtures", async () => {
  const ds = await loadDatasetFromDir(DATASET.pathname);
  const f = createFixtureFetch(ds);
  const key = `crtfc_key=${ds.apiKey}`;
  const corp = await f(`https://opendart.fss.or.kr/api/corpCode.xml?${key}`);
  const corpZip = await JSZip.loadAsync(new Uint8Array(await corp.arrayBuffer()));
  assert.equal(
    await corpZip.file("CORPCODE.xml")!.async("string"),
    await fxText("CORPCODE.xml.txt"),
  );
  const doc = await f(`https://opendart.fss.or.kr/api/document.xml?${key}&rcept_no=20240318000333`);
  const got = await JSZip.loadAsync(new Uint8Array(await doc.arrayBuffer()));
  const want = await JSZip.loadAsync(await fx("document_20240318000333.zip"));
  assert.deepEqual(Object.keys(got.files).sort(), Object.keys(want.files).sort());
  for (const name of Object.keys(want.files)) {
    assert.deepEqual(
      await got.file(name)!.async("uint8array"),
      await want.file(name)!.async("uint8array"),
      name,
    );
  }
  const missing = await fetchText(f, `document.xml?${key}&rcept_no=20240101000001`);
  assert.equal(missing, await fxText("error_014_xml.txt"));
});
