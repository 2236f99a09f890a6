/**
 * Excel exports read back with exceljs: sheets (Korean names), cell values and types,
 * number formats (원, %, 경쟁률, KST dates), frozen headers, autofilters, widths, the 정보
 * sheet, the HTTP routes, and a 2,000-row pipeline workbook under 3 s.
 */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { buildIpoWorkbook, IPO_COLUMNS, IPO_SHEET } from "../lib/export/ipo.ts";
import { FMT, kstDay, XLSX_TYPE } from "../lib/export/xlsx.ts";
import { syntheticIpoData } from "../lib/ipo/fixtures.ts";
import { SAMPLE_IPO_FACTS } from "../sample/ipo_deals.ts";
import { toRow } from "../lib/ipo/model.ts";
import { reconcile } from "../lib/ipo/reconcile.ts";
import { buildTestApp } from "./helpers/app.ts";

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  return wb;
}

const col = (ws: ExcelJS.Worksheet, header: string) => {
  const row = ws.getRow(1).values as unknown[];
  const i = row.indexOf(header);
  assert.ok(i > 0, `column ${header}`);
  return i;
};

Deno.test("[export] ipo.xlsx over HTTP: filtered rows, types, formats, frozen header, info sheet", async () => {
  const t = await buildTestApp();
  try {
    const res = await t.app.request("/api/v1/export/ipo.xlsx?market=코스닥");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), XLSX_TYPE);
    assert.match(
      res.headers.get("content-disposition") ?? "",
      /attachment; filename="kdesk-ipo-\d{8}\.xlsx"/,
    );
    const wb = await load(new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(wb.worksheets.map((w) => w.name), [IPO_SHEET, "정보"]);
    const ws = wb.getWorksheet(IPO_SHEET)!;
    const kosdaq = SAMPLE_IPO_FACTS.filter((f) => f.market === "코스닥").length;
    assert.equal(ws.rowCount, 1 + kosdaq, "코스닥 only");
    assert.equal(ws.views[0].state, "frozen");
    assert.equal((ws.views[0] as { ySplit?: number }).ySplit, 1);
    assert.equal((ws.views[0] as { topLeftCell?: string }).topLeftCell, "A2");
    assert.deepEqual(
      ws.autoFilter,
      `A1:${ws.getColumn(IPO_COLUMNS.length).letter}${1 + kosdaq}`,
      "autofilter over the header and rows",
    );
    assert.equal(ws.getRow(1).font?.bold, true);
    assert.equal(ws.getColumn(col(ws, "회사명")).width, 22);

    const rowOf = (name: string) => {
      for (let r = 2; r <= ws.rowCount; r++) {
        if (ws.getCell(r, col(ws, "회사명")).value === name) return r;
      }
      throw new Error(`no row ${name}`);
    };
    const r = rowOf("하람로보틱스");
    const cell = (h: string) => ws.getCell(r, col(ws, h));
    assert.equal(cell("종목코드").value, "0091A0");
    assert.equal(cell("종목코드").numFmt, FMT.text);
    assert.equal(cell("확정공모가").value, 21000);
    assert.equal(cell("확정공모가").numFmt, FMT.krw);
    assert.equal(cell("공모금액").value, 50_400_000_000);
    assert.equal(cell("수요예측 경쟁률").value, 1021.37);
    assert.equal(cell("수요예측 경쟁률").numFmt, FMT.ratio);
    assert.equal(cell("의무보유확약").value, 0.1864);
    assert.equal(cell("의무보유확약").numFmt, FMT.pct);
    const listed = cell("상장일").value;
    assert.ok(listed instanceof Date, "dates are real Excel dates");
    assert.equal((listed as Date).toISOString(), "2026-08-11T00:00:00.000Z");
    assert.equal(cell("상장일").numFmt, FMT.date);
    assert.equal(cell("주관사").value, "한결투자증권, 새빛증권");
    assert.equal(
      ws.getCell(rowOf("루미센서"), col(ws, "확정공모가")).value,
      null,
      "unknown stays empty",
    );

    const info = wb.getWorksheet("정보")!;
    const text = info.getSheetValues().flat().filter((v) => typeof v === "string").join("\n");
    assert.match(text, /작성 시각/);
    assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2} KST/);
    assert.match(text, /KIND/);
    assert.match(text, /DART/);
    assert.match(text, /KRX \d{4}-\d{2}-\d{2} 기준/, "prices: KRX, as of a day");
    assert.match(text, /필터: market/);
    assert.match(text, /샘플 데이터/);

    assert.equal((await t.app.request("/api/v1/export/ipo.xlsx?stage=bogus")).status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("[export] company xlsx: profile, multi-year statements, indicators, disclosures, IPO history", async () => {
  const t = await buildTestApp();
  try {
    const res = await t.app.request("/api/v1/export/company/01843756.xlsx");
    assert.equal(res.status, 200);
    const wb = await load(new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(wb.worksheets.map((w) => w.name), [
      "개요",
      "재무요약",
      "재무제표",
      "주요지표",
      "공시",
      "IPO 이력",
      "정보",
    ]);
    const prof = wb.getWorksheet("개요")!;
    assert.equal(prof.getCell("B2").value, "하람로보틱스(주)");
    assert.equal(prof.getCell("B5").value, "0091A0");

    const sum = wb.getWorksheet("재무요약")!;
    assert.ok(sum.rowCount >= 3, "several years");
    const years = sum.getColumn(1).values.slice(2) as string[];
    assert.deepEqual([...years].sort(), years, "oldest first");
    const rev = sum.getCell(2, col(sum, "매출액"));
    assert.equal(typeof rev.value, "number");
    assert.equal(rev.numFmt, FMT.krw);
    const debt = sum.getCell(2, col(sum, "부채비율"));
    assert.equal(debt.numFmt, FMT.pct);
    assert.ok(typeof debt.value === "number" && debt.value > 0 && debt.value < 20, "a fraction");

    const st = wb.getWorksheet("재무제표")!;
    const head = (st.getRow(1).values as unknown[]).filter((v) => typeof v === "string");
    assert.ok(head.filter((h) => /^\d{4}년$/.test(h as string)).length >= 2, "multi-year columns");
    assert.ok(st.rowCount > 10);
    assert.deepEqual(st.views[0].state, "frozen");

    const disc = wb.getWorksheet("공시")!;
    assert.ok(disc.getCell("A2").value instanceof Date);
    assert.match(String(disc.getCell(2, col(disc, "DART 링크")).value), /rcpNo=\d{14}$/);

    const ipo = wb.getWorksheet("IPO 이력")!;
    assert.equal(ipo.rowCount, 2);
    assert.equal(ipo.getCell("A2").value, "K20260310000077");
    assert.equal(ipo.getCell("B2").value, "상장");

    assert.equal((await t.app.request("/api/v1/export/company/99999999.xlsx")).status, 404);
    assert.equal((await t.app.request("/api/v1/export/company/abc.xlsx")).status, 400);
  } finally {
    await t.close();
  }
});

// Its build time is a benchmark, not a test: bench/xlsx.ts (the same 2,000 deals).
Deno.test("[export] a 2,000-row ipo.xlsx builds and reads back whole", async () => {
  const data = syntheticIpoData(2000);
  const rows = reconcile({ asOf: "2026-11-20", kind: data.kind, disclosures: data.disclosures })
    .map(toRow);
  assert.equal(rows.length, 2000);
  const bytes = await buildIpoWorkbook({
    rows,
    built_at: new Date(),
    snapshot_built_at: new Date().toISOString(),
    source_status: {},
    filters: {},
    sample: false,
  });
  const wb = await load(bytes);
  const ws = wb.getWorksheet(IPO_SHEET)!;
  assert.equal(ws.rowCount, 2001);
  assert.equal(ws.columnCount, IPO_COLUMNS.length);
  const listedRow = rows.findIndex((r) => r.list !== null) + 2;
  assert.deepEqual(
    ws.getCell(listedRow, col(ws, "상장일")).value,
    kstDay(rows[listedRow - 2].list),
  );
});
