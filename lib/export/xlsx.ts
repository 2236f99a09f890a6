/**
 * Shared xlsx building blocks (exceljs): typed columns with number formats (원, %, 경쟁률,
 * KST dates), a bold frozen header row with an autofilter, column widths, and the "정보"
 * sheet that says when and from which sources a workbook was built. Pure: bytes out.
 *
 * @module
 */
import ExcelJS from "exceljs";

/** Number formats used across kdesk workbooks. */
export const FMT = {
  krw: '#,##0"원"',
  int: "#,##0",
  /** Values are fractions (0.1864 shows 18.64%). */
  pct: "0.00%",
  ratio: '#,##0.00":1"',
  date: "yyyy-mm-dd",
  text: "@",
} as const;

export type ColKind = keyof typeof FMT;

/** A column: header, kind (number format) and width in characters. */
export interface Col<T> {
  header: string;
  kind: ColKind;
  width: number;
  value: (row: T) => string | number | Date | null | undefined;
}

/** `YYYY-MM-DD` (a KST calendar day) -> an Excel date of that day; else null. */
export function kstDay(s: string | null | undefined): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s ?? "");
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

/** A percent number (18.64) as the fraction Excel's % format expects (0.1864). */
export const pctValue = (n: number | null | undefined) =>
  typeof n === "number" && Number.isFinite(n) ? Math.round(n * 100) / 10000 : null;

/** Adds a table sheet: header row frozen, autofilter, formats, widths. */
export function addTableSheet<T>(
  wb: ExcelJS.Workbook,
  name: string,
  cols: Col<T>[],
  rows: T[],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = cols.map((c) => ({
    header: c.header,
    width: c.width,
    style: { numFmt: FMT[c.kind] },
  }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: "middle", horizontal: "center" };
  head.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF7" } };
  for (const r of rows) {
    ws.addRow(cols.map((c) => {
      const v = c.value(r);
      return v === undefined ? null : v;
    }));
  }
  ws.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: 1 + rows.length, column: cols.length },
  };
  return ws;
}

/** What the "정보" sheet states. */
export interface BuildInfo {
  title: string;
  built_at: Date;
  snapshot_built_at: string | null;
  sources: { name: string; status: string }[];
  filters?: Record<string, string>;
  sample: boolean;
  rows: number;
}

const kstText = (d: Date) =>
  new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 16).replace("T", " ") + " KST";

/** Adds the "정보" sheet: title, build time (KST), snapshot time, sources and filters. */
export function addInfoSheet(wb: ExcelJS.Workbook, info: BuildInfo): ExcelJS.Worksheet {
  const ws = wb.addWorksheet("정보");
  ws.columns = [{ header: "항목", width: 18 }, { header: "내용", width: 70 }];
  ws.getRow(1).font = { bold: true };
  const rows: [string, string][] = [
    ["문서", info.title],
    ["작성 시각", kstText(info.built_at)],
    ["스냅샷 기준", info.snapshot_built_at ? kstText(new Date(info.snapshot_built_at)) : "—"],
    ["행 수", String(info.rows)],
    ["데이터", info.sample ? "샘플 데이터 (sample data)" : "실데이터"],
    ...info.sources.map((s): [string, string] => [`출처: ${s.name}`, s.status]),
    ...Object.entries(info.filters ?? {}).map(([k, v]): [string, string] => [`필터: ${k}`, v]),
    ["단위", "금액 원(KRW), 날짜 KST, 비율 %"],
  ];
  for (const r of rows) ws.addRow(r);
  ws.views = [{ state: "frozen", ySplit: 1 }];
  return ws;
}

/** A new workbook with kdesk's metadata. */
export function newWorkbook(created: Date): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = "kdesk";
  wb.created = created;
  wb.modified = created;
  return wb;
}

/** Serializes a workbook to xlsx bytes. */
export async function toBytes(wb: ExcelJS.Workbook): Promise<Uint8Array> {
  return new Uint8Array(await wb.xlsx.writeBuffer() as ArrayBuffer);
}

/** The MIME type of xlsx. */
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
