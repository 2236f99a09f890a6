/**
 * The DART document reader: ZIP members by name, decoding (UTF-8, else CP949, per document),
 * markup repair, the document tree (sections, heading paragraphs, tables as grids with merged
 * cells expanded and headers detected with or without `TH`), units and cell values. Fixtures:
 * `tests/fixtures/dart/documents/` (README there).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  clean,
  columnUnit,
  dataRows,
  parseCell,
  parseDartDocument,
  parseKoDate,
  parseKoRange,
  readDocumentZip,
  repairMarkup,
  rowLabel,
  unitFromCode,
  unitFromHeader,
  unitFromText,
  writeDocumentZip,
} from "../lib/sources/dart/documents/mod.ts";
import JSZip from "jszip";
import { DartNoFileError } from "../lib/sources/dart/errors.ts";
import { encodeEucKr } from "../lib/sources/dart/fixture_fetch.ts";
import { FIXTURE_DIR, RCEPT } from "./helpers/ipo_doc_fixtures.ts";

const fx = (name: string) => Deno.readFile(new URL(name, FIXTURE_DIR));
const fxText = (name: string) => Deno.readTextFile(new URL(name, FIXTURE_DIR));

Deno.test("cell values: none markers, separators, negatives, percent, ratio, range, split digits", () => {
  for (const t of ["-", "", "  ", "－", "해당사항 없음", "해당사항없음", "N/A"]) {
    assert.equal(parseCell(t).empty, true, t);
    assert.equal(parseCell(t).num, null, t);
  }
  assert.equal(parseCell("1,234").num, 1234);
  assert.equal(parseCell("(1,234)").num, -1234);
  assert.equal(parseCell("△1,234").num, -1234);
  assert.equal(parseCell("-6,916,333,493").num, -6916333493);
  assert.deepEqual([parseCell("25.00%").num, parseCell("25.00%").pct], [25, true]);
  assert.deepEqual([parseCell("1,187.74 : 1").num, parseCell("1,187.74 : 1").ratio], [
    1187.74,
    true,
  ]);
  assert.equal(parseCell("        33.27").num, 33.27);
  assert.equal(parseCell(" 10,970,482").num, 10970482);
  assert.equal(parseCell("1,671,\n000,000").num, 1671000000, "digits split by a line break");
  assert.equal(parseCell("2,400,000주").num, 2400000);
  assert.deepEqual(parseCell("1,440,000 ~ 1,560,000").range, [1440000, 1560000]);
  assert.deepEqual(parseCell("16,500원 ～ 19,500원").range, [16500, 19500]);
  assert.deepEqual(parseCell("55.00 ~ 60.00").range, [55, 60]);
  assert.equal(parseCell("기명식보통주").num, null);
  assert.equal(parseCell("기명식보통주").empty, false);
  assert.equal(parseCell("6개월 확약").num, null, "a period label is not a number");
  assert.equal(parseCell("2026년 07월 13일").date, true);
});

Deno.test("Korean dates and ranges (year roll-over, short ends)", () => {
  assert.equal(parseKoDate("2026년 07월 24일(금)"), "2026-07-24");
  assert.equal(parseKoDate("2026.02.30"), null);
  assert.deepEqual(parseKoRange("2026.07.02 ~ 07.08"), { from: "2026-07-02", to: "2026-07-08" });
  assert.deepEqual(parseKoRange("2026년 12월 30일 ~ 01월 02일"), {
    from: "2026-12-30",
    to: "2027-01-02",
  });
  assert.deepEqual(parseKoRange("2026년 07월 13일 ~ 14일"), {
    from: "2026-07-13",
    to: "2026-07-14",
  });
  assert.deepEqual(parseKoRange("2026.08.25~08.26"), { from: "2026-08-25", to: "2026-08-26" });
});

Deno.test("units: captions, AUNIT codes, column headers (백만원 → 1,000,000 원)", () => {
  assert.deepEqual(unitFromText("(단위 : 원, 주, %)"), {
    text: "(단위 : 원, 주, %)",
    money: 1,
    shares: 1,
    count: false,
    percent: true,
  });
  assert.equal(unitFromText("(단위: 백만원)")!.money, 1_000_000);
  assert.equal(unitFromText("[단위 : 천주, 억원]")!.shares, 1000);
  assert.equal(unitFromText("[단위 : 천주, 억원]")!.money, 1e8);
  assert.equal(unitFromText("(단위: 건, 주)")!.count, true);
  assert.equal(unitFromText("희망공모가액"), null);
  assert.deepEqual(unitFromCode("WONSTOCKPERCENT")?.percent, true);
  assert.equal(unitFromCode("STOCKPERCENT")?.money, null);
  assert.equal(unitFromCode("PERIODFROM"), null);
  assert.equal(unitFromHeader("공모금액(백만원)")!.money, 1e6);
  assert.equal(unitFromHeader("신청수량(주)")!.shares, 1);
  assert.equal(unitFromHeader("참여건수 (단위:건)")!.count, true);
});

Deno.test("repair: &cr;, bare & and <, broken attribute quoting are counted and fixed", () => {
  const { text, repairs } = repairMarkup(
    `<P>R&D <당기말> 기준&cr;<CP> 발행 &amp; &#10; &nbsp;</P><TH ENG=""Maximum value">구분</TH>`,
  );
  assert.deepEqual(repairs, { cr_entity: 1, bare_amp: 1, bare_lt: 2, attr_quote: 1 });
  assert.equal(
    text,
    `<P>R&amp;D &lt;당기말> 기준&#10;&lt;CP> 발행 &amp; &#10; &nbsp;</P><TH ENG="Maximum value">구분</TH>`,
  );
  const doc = parseDartDocument(
    `<DOCUMENT><BODY><P>R&D <당기말> &cr;<CP> 끝</P></BODY></DOCUMENT>`,
  );
  assert.equal(doc.blocks[0].kind, "text");
  assert.equal((doc.blocks[0] as { text: string }).text, "R&D <당기말> <CP> 끝");
  assert.equal(doc.wellFormed, true);
});

Deno.test("ZIP: body by name whatever the order, leading '/', attachments, DART 014 body", async () => {
  const z = await readDocumentZip(await fx(`prospectus_${RCEPT.prospectus}.zip`), RCEPT.prospectus);
  assert.equal(z.members[0].kind, "main", "parseDocumentZip sorts the body first");
  assert.equal(z.main?.basename, `${RCEPT.prospectus}.xml`);
  assert.deepEqual(z.attachments.map((a) => a.attachmentCode), ["00760"]);
  const slash = await readDocumentZip(await fx(`result_${RCEPT.result}.zip`));
  assert.equal(slash.main?.name, `/${RCEPT.result}.xml`);
  assert.equal(slash.main?.basename, `${RCEPT.result}.xml`);
  assert.equal(slash.main?.rceptNo, RCEPT.result);
  // A [첨부정정] ZIP of attachments only has no body.
  const onlyAttachment = await writeDocumentZip([
    { name: `${RCEPT.result}_00760.xml`, content: "<DOCUMENT/>" },
  ]);
  assert.equal((await readDocumentZip(onlyAttachment)).main, null);
  const status = new TextEncoder().encode(
    "<result><status>014</status><message>파일이 존재하지 않습니다.</message></result>",
  );
  await assert.rejects(readDocumentZip(status), DartNoFileError);
});

Deno.test("decoding: UTF-8 and CP949 members, CP949 under a utf-8 declaration, lossy bytes", async () => {
  const cp = await readDocumentZip(await fx(`terms_${RCEPT.terms}_cp949.zip`), RCEPT.terms);
  assert.equal(cp.main!.encoding, "euc-kr");
  assert.match(cp.main!.text, /^<\?xml version="1\.0" encoding="utf-8"\?>/, "the declaration lies");
  assert.match(cp.main!.text, /수요예측 참여 내역/);
  assert.equal(cp.main!.lossy, false);
  const utf = await readDocumentZip(await fx(`registration_${RCEPT.registration}.zip`));
  assert.equal(utf.main!.encoding, "utf-8");
  // A CP949 document with one stray byte keeps its Korean text (the cleaner reading wins).
  const body = encodeEucKr(
    `<?xml version="1.0" encoding="utf-8"?><DOCUMENT><P>희망공모가액</P></DOCUMENT>`,
  );
  const at = body.lastIndexOf(0x3c); // before "</DOCUMENT>", between characters
  const broken = new Uint8Array([...body.slice(0, at), 0xff, ...body.slice(at)]);
  const j = new JSZip();
  j.file(`${RCEPT.terms}.xml`, broken);
  const lossy = await readDocumentZip(await j.generateAsync({ type: "uint8array" }));
  assert.equal(lossy.main!.lossy, true);
  assert.equal(lossy.main!.encoding, "euc-kr");
  assert.match(lossy.main!.text, /희망공모가액/);
});

Deno.test("tree: generations, sections and heading paragraphs; CORRECTION is its own section", async () => {
  const g1 = parseDartDocument(await fxText("handwritten_terms_quirks.xml.txt"));
  assert.equal(g1.meta.generation, "G1");
  assert.equal(g1.meta.schema, "dart3");
  assert.equal(g1.meta.corpCode, "01999001");
  assert.equal(g1.meta.acode, "10001");
  assert.equal(g1.meta.formulaDate, "20231229");
  assert.deepEqual(g1.sections.map((s) => [s.level, s.title]), [
    [1, "정 정 신 고 (보고)"],
    [1, "요약정보"],
    [2, "2. 모집 또는 매출에 관한 일반사항"],
    [1, "제1부 모집 또는 매출에 관한 사항"],
    [2, "Ⅰ. 모집 또는 매출에 관한 일반사항"],
    [2, "Ⅵ. 그 밖에 투자자보호를 위해 필요한 사항"],
  ]);
  // Editor residue (COMMENT) is not text.
  assert.ok(!g1.blocks.some((b) => "text" in b && /click/.test(b.text)));
  const demand = g1.tables.find((t) => t.title === "(13) 수요예측 결과(가) 수요예측 참여 내역")!;
  assert.deepEqual(demand.path, [
    "제1부 모집 또는 매출에 관한 사항",
    "Ⅰ. 모집 또는 매출에 관한 일반사항",
    "3. 공모가격 결정방법",
    "다. 수요예측에 관한 사항",
    "(13) 수요예측 결과(가) 수요예측 참여 내역",
  ]);
  const g3 = parseDartDocument(await fxText(`registration_${RCEPT.registration}.xml.txt`));
  assert.equal(g3.meta.generation, "G3");
  const html = parseDartDocument(
    `<html><head><meta charset=euc-kr></head><body><table border=1><tr><td>A</td><td>1</td></tr></table></body></html>`,
  );
  assert.equal(html.meta.generation, "html");
  assert.equal(html.tables.length, 1);
});

Deno.test("grid: TD-only header rows with COLSPAN/ROWSPAN, labels, units, footnotes", async () => {
  const doc = parseDartDocument(await fxText("handwritten_terms_quirks.xml.txt"));
  const t = doc.tables.find((g) => /참여 내역/.test(g.title ?? ""))!;
  assert.equal(t.thHeader, false);
  assert.equal(t.headerRows, 3, "구 분 ROWSPAN 3 over two grouping rows");
  assert.equal(t.width, 11);
  assert.equal(t.columnLabels[1], "국내기관투자자 > 운용사(집합) (주1) > 공모");
  assert.equal(t.columnLabels[3], "국내기관투자자 > 운용사(고유)");
  assert.equal(t.columnLabels[10], "합 계");
  assert.equal(t.rows[0][0], t.rows[2][0], "a merged cell is one object in every slot");
  assert.equal(t.rows[0][1], t.rows[0][7]);
  assert.deepEqual(dataRows(t).map((r) => rowLabel(t, r)), ["건수", "수량", "경쟁률"]);
  assert.equal(t.rows[4][10].value.num, 1671000000, "&cr; inside a number");
  assert.equal(t.rows[5][10].value.num, 1071.15);
  assert.equal(t.unit?.text, "(단위: 건, 주)");
  assert.equal(t.footnotes.length, 3);
  assert.match(t.footnotes[2], /^주3\) 경쟁률은 최종 기관투자자 배정주식수인 1,560,000주/);
  // Split 확약 tables: four and three header rows.
  const [l1, l2] = doc.tables.filter((g) => /확약/.test(g.path.join()));
  assert.equal(l1.headerRows, 4);
  assert.equal(l2.headerRows, 3);
  assert.equal(l2.columnLabels[13], "합 계 > 건수");
  // Form table: TH header, TU AUNIT caption.
  const form = doc.tables.find((g) => g.thHeader && /공모개요/.test(g.title ?? ""))!;
  assert.equal(form.headerRows, 1);
  assert.equal(form.unit?.text, "(단위 : 원, 주)");
  assert.equal(columnUnit(form, 4)?.money, 1);
  assert.equal(clean(form.rows[1][1].text), "2,400,000");
});

Deno.test("grid: a rowspan group label joins the row label; vertical key-value table", async () => {
  const doc = parseDartDocument(await fxText(`prospectus_${RCEPT.prospectus}.xml.txt`));
  const f = doc.tables.find((g) => /유통가능물량/.test(g.title ?? ""))!;
  assert.equal(f.headerRows, 2);
  assert.deepEqual(f.columnLabels.slice(2, 4), ["공모 후 > 주식수", "공모 후 > 비율"]);
  assert.deepEqual(dataRows(f).slice(0, 2).map((r) => rowLabel(f, r)), [
    "유통제한물량 > 최대주주 등",
    "유통제한물량 > 우리사주조합",
  ]);
  const sched = parseDartDocument(await fxText("handwritten_terms_quirks.xml.txt")).tables.find(
    (g) => /모집 또는 매출일정/.test(g.title ?? ""),
  )!;
  assert.equal(sched.headerRows, 1, "항 목 | 내 용");
  assert.equal(rowLabel(sched, 2), "청 약 기 일");
});
