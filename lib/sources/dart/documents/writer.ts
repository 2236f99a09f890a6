/**
 * Writes DSD markup (the `document.xml` member format) in the real layout
 * (`research/dart_documents.md` §1): the header elements, `SECTION-n` with `TITLE`, `P`
 * paragraphs, and data tables as real filings print them — a borderless caption table with the
 * unit (`TU AUNIT` in form tables, a right-aligned `TD` in free tables), the bordered grid
 * (`THEAD/TH` headers in form tables, bold `TD` header rows in free tables), and a borderless
 * footnote table. Used for the test fixtures and the sample dataset's documents, so both go
 * through one writer; the reader never depends on it.
 *
 * @module
 */
import { buildDocumentZip, type DartDatasetDocument } from "../fixture_fetch.ts";

/** One cell; a plain string is a `TD`. */
export interface CellSpec {
  text: string;
  tag?: "TD" | "TH" | "TE" | "TU";
  rowspan?: number;
  colspan?: number;
  acode?: string;
  aunit?: string;
  aunitValue?: string;
  align?: "LEFT" | "CENTER" | "RIGHT";
  usermark?: string;
  eng?: string;
}
export type RowSpec = (CellSpec | string)[];

/** A data table with its caption, header, rows and footnotes. */
export interface TableSpec {
  kind: "table";
  /** `TABLE-GROUP ACLASS` (form tables: `DST_CD`, `INS_ASS` …). */
  group?: string;
  /** Form tables (`EXTRACTION`, `TH` headers in `THEAD`) or free tables (`NORMAL`, `TD` headers). */
  form?: boolean;
  /** Unit caption: printed text and, for form tables, the `TU AUNIT` code. */
  unit?: { text: string; aunit?: string };
  /** A caption left of the unit in the caption table (e.g. `[공모방법 : 일반공모]`). */
  caption?: string;
  head?: RowSpec[];
  rows: RowSpec[];
  notes?: string[];
  width?: number;
}

export type BlockSpec =
  | { kind: "p"; text: string; usermark?: string }
  | TableSpec
  | { kind: "section"; level: 1 | 2 | 3; title: string; assocNote?: string; children: BlockSpec[] };

/** A whole document. */
export interface DocSpec {
  /** `dart4` (2024-02+, G3) or `dart3`. */
  schema: "dart3" | "dart4";
  /** `G1` wraps the header in `DOCUMENT-HEADER` and the body in `INSERTION/LIBRARY` (dart3). */
  header: "G1" | "flat";
  documentName: string;
  acode: string;
  formulaVersion: string;
  formulaDate: string;
  companyName: string;
  corpCode: string;
  coverTitle: string;
  /** The `CORRECTION` part of a 정정 filing (before the body). */
  correction?: BlockSpec[];
  body: BlockSpec[];
  /** Write line breaks inside text as `&cr;` (as most real documents do). */
  crEntity?: boolean;
}

const HEADER_MARK = "B 0XC000A7 BC0XD7D7D7";

function esc(s: string, cr: boolean): string {
  const t = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return cr ? t.replace(/\n/g, "&cr;") : t;
}

function cellXml(c: CellSpec | string, dflt: "TD" | "TH", cr: boolean, usermark?: string): string {
  const cell: CellSpec = typeof c === "string" ? { text: c } : c;
  const tag = cell.tag ?? dflt;
  const attrs: string[] = [];
  if (cell.rowspan && cell.rowspan > 1) attrs.push(`ROWSPAN="${cell.rowspan}"`);
  if (cell.colspan && cell.colspan > 1) attrs.push(`COLSPAN="${cell.colspan}"`);
  if (cell.acode) attrs.push(`ACODE="${cell.acode}"`);
  if (cell.aunit) attrs.push(`AUNIT="${cell.aunit}"`);
  if (cell.aunitValue) attrs.push(`AUNITVALUE="${cell.aunitValue}"`);
  attrs.push(`ALIGN="${cell.align ?? (tag === "TH" ? "CENTER" : "CENTER")}"`, `VALIGN="MIDDLE"`);
  if (tag === "TH" || tag === "TD") attrs.push(`AUPDATECONT="N"`);
  const mark = cell.usermark ?? usermark;
  if (mark) attrs.push(`USERMARK="${mark}"`);
  if (cell.eng) attrs.push(`ENG="${esc(cell.eng, false)}"`);
  return `<${tag} ${attrs.join(" ")}>${esc(cell.text, cr)}</${tag}>`;
}

function tableXml(t: TableSpec, cr: boolean): string {
  const out: string[] = [];
  const form = t.form ?? false;
  const width = t.width ?? 600;
  if (t.unit || t.caption) {
    const unitCell = t.unit
      ? (form && t.unit.aunit
        ? `<TU ALIGN="RIGHT" VALIGN="MIDDLE" AUNIT="${t.unit.aunit}" AUNITVALUE="1">${
          esc(t.unit.text, cr)
        }</TU>`
        : `<TD ALIGN="RIGHT" VALIGN="MIDDLE">${esc(t.unit.text, cr)}</TD>`)
      : `<TD ALIGN="RIGHT" VALIGN="MIDDLE"></TD>`;
    out.push(
      `<TABLE ACLASS="${
        form ? "EXTRACTION" : "NORMAL"
      }" AFIXTABLE="Y" WIDTH="${width}" BORDER="0">` +
        `<TBODY><TR ACOPY="Y" ADELETE="Y"><TD WIDTH="${Math.round(width * 0.6)}" ALIGN="LEFT">${
          esc(t.caption ?? "", cr)
        }</TD>${unitCell}</TR></TBODY></TABLE>`,
    );
  }
  const ncols = Math.max(
    1,
    ...[...(t.head ?? []), ...t.rows].map((r) =>
      r.reduce<number>((a, c) => a + (typeof c === "string" ? 1 : c.colspan ?? 1), 0)
    ),
  );
  const colw = Math.floor(width / ncols);
  const lines: string[] = [
    `<TABLE ACLASS="${form ? "EXTRACTION" : "NORMAL"}" AFIXTABLE="N" WIDTH="${width}" BORDER="1">`,
    `<COLGROUP>${
      Array.from({ length: ncols }, () => `<COL WIDTH="${colw}"></COL>`).join("")
    }</COLGROUP>`,
  ];
  const head = t.head ?? [];
  const rowXml = (r: RowSpec, dflt: "TD" | "TH", fixed: boolean, mark?: string) =>
    `<TR ACOPY="${fixed ? "N" : "Y"}" ADELETE="${fixed ? "N" : "Y"}">${
      r.map((c) => cellXml(c, dflt, cr, mark)).join("")
    }</TR>`;
  if (form && head.length) {
    lines.push(`<THEAD ALIGN="CENTER" VALIGN="MIDDLE">`);
    for (const r of head) lines.push(rowXml(r, "TH", true));
    lines.push(`</THEAD>`);
    lines.push(`<TBODY>`);
  } else {
    lines.push(`<TBODY>`);
    for (const r of head) lines.push(rowXml(r, "TD", true, HEADER_MARK));
  }
  t.rows.forEach((r, i) => lines.push(rowXml(r, "TD", i === t.rows.length - 1 && form)));
  lines.push(`</TBODY>`, `</TABLE>`);
  out.push(lines.join("\n"));
  if (t.notes?.length) {
    out.push(
      `<TABLE ACLASS="NORMAL" AFIXTABLE="N" WIDTH="${width}" BORDER="0"><TBODY>${
        t.notes.map((n) => `<TR><TD ALIGN="LEFT" VALIGN="MIDDLE">${esc(n, cr)}</TD></TR>`).join("")
      }</TBODY></TABLE>`,
    );
  }
  const xml = out.join("\n");
  return t.group
    ? `<TABLE-GROUP ACLASS="${t.group}" ADELETETABLE="N">\n${xml}\n</TABLE-GROUP>`
    : xml;
}

let atoc = 0;

function blockXml(b: BlockSpec, cr: boolean, dart4: boolean): string {
  switch (b.kind) {
    case "p":
      return `<P${b.usermark ? ` USERMARK="${b.usermark}"` : ""}>${esc(b.text, cr)}</P>`;
    case "table":
      return tableXml(b, cr);
    case "section": {
      const note = b.assocNote ? ` AASSOCNOTE="${b.assocNote}"` : "";
      const id = dart4 ? ` ATOCID="${++atoc}"` : "";
      return [
        `<SECTION-${b.level} ACLASS="MANDATORY" APARTSOURCE="SOURCE">`,
        `<TITLE ATOC="Y"${note}${id}>${esc(b.title, cr)}</TITLE>`,
        ...b.children.map((c) => blockXml(c, cr, dart4)),
        `</SECTION-${b.level}>`,
      ].join("\n");
    }
  }
}

/** The document's XML text (declared UTF-8, as real documents declare whatever their bytes). */
export function writeDsd(spec: DocSpec): string {
  atoc = 0;
  const cr = spec.crEntity ?? false;
  const dart4 = spec.schema === "dart4";
  const headerEls = [
    `<DOCUMENT-NAME ACODE="${spec.acode}">${esc(spec.documentName, false)}</DOCUMENT-NAME>`,
    `<FORMULA-VERSION ADATE="${spec.formulaDate}">${spec.formulaVersion}</FORMULA-VERSION>`,
    `<COMPANY-NAME AREGCIK="${spec.corpCode}">${esc(spec.companyName, false)}</COMPANY-NAME>`,
    `<SUMMARY><EXTRACTION ACODE="COMPANY_NAME">${
      esc(spec.companyName, false)
    }</EXTRACTION></SUMMARY>`,
  ];
  const correction = spec.correction?.length
    ? [
      `<CORRECTION>`,
      `<TITLE ATOC="Y" AASSOCNOTE="CORRECTION">정 정 신 고 (보고)</TITLE>`,
      ...spec.correction.map((b) => blockXml(b, cr, dart4)),
      `</CORRECTION>`,
    ]
    : [];
  const body = [
    `<COVER>`,
    `<COVER-TITLE>${esc(spec.coverTitle, false)}</COVER-TITLE>`,
    `</COVER>`,
    ...spec.body.map((b) => blockXml(b, cr, dart4)),
  ];
  const xsd = `${spec.schema}.xsd`;
  const lines = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<DOCUMENT xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="${xsd}">`,
  ];
  if (spec.header === "G1") {
    lines.push(`<DOCUMENT-HEADER>`, ...headerEls, `</DOCUMENT-HEADER>`);
    lines.push(
      `<BODY>`,
      ...correction,
      `<INSERTION>`,
      `<LIBRARY>`,
      ...body,
      `</LIBRARY>`,
      `</INSERTION>`,
      `</BODY>`,
    );
  } else {
    lines.push(...headerEls);
    lines.push(`<BODY${dart4 ? ` ATOCID="0"` : ""}>`, ...correction, ...body, `</BODY>`);
  }
  lines.push(`</DOCUMENT>`, ``);
  return lines.join("\n");
}

/** A `document.xml` ZIP of the entries (EUC-KR entries encoded as CP949 bytes). */
export function writeDocumentZip(entries: readonly DartDatasetDocument[]): Promise<Uint8Array> {
  return buildDocumentZip(entries);
}

export type { DartDatasetDocument };
