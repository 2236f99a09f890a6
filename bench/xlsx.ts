// deno-lint-ignore-file no-console
/**
 * Excel export benchmark: builds ipo.xlsx for 2,000 reconciled synthetic deals five times
 * (the real builder: exceljs, formats, autofilter, 정보 sheet) and reads it back once.
 * Prints one JSON line with each run and the median.
 *
 * Run: deno run -A bench/xlsx.ts [deals=2000] [runs=5]
 */
import ExcelJS from "exceljs";
import { buildIpoWorkbook, IPO_SHEET } from "../lib/export/ipo.ts";
import { syntheticIpoData } from "../lib/ipo/fixtures.ts";
import { toRow } from "../lib/ipo/model.ts";
import { reconcile } from "../lib/ipo/reconcile.ts";
import { median } from "./wrk.ts";

const deals = Number(Deno.args[0] ?? 2000);
const runs = Number(Deno.args[1] ?? 5);
const data = syntheticIpoData(deals);
const rows = reconcile({ asOf: "2026-11-20", kind: data.kind, disclosures: data.disclosures })
  .map(toRow);
const ms: number[] = [];
let bytes: Uint8Array = new Uint8Array();
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  bytes = await buildIpoWorkbook({
    rows,
    built_at: new Date(),
    snapshot_built_at: new Date().toISOString(),
    source_status: {},
    filters: {},
    sample: false,
  });
  ms.push(Math.round(performance.now() - t0));
}
const t1 = performance.now();
const wb = new ExcelJS.Workbook();
await wb.xlsx.load(bytes.buffer as ArrayBuffer);
const readMs = Math.round(performance.now() - t1);
const rowCount = wb.getWorksheet(IPO_SHEET)!.rowCount - 1;
if (rowCount !== rows.length) throw new Error(`read back ${rowCount} rows, built ${rows.length}`);
console.log(JSON.stringify({
  bench: "xlsx",
  rows: rows.length,
  bytes: bytes.length,
  build_ms: ms,
  build_median_ms: median(ms),
  read_back_ms: readMs,
}));
