/**
 * A DART filing document (`document.xml` member, DSD markup) as a small typed tree
 * (`research/dart_documents.md` §1): metadata from the header elements, the section outline
 * (`SECTION-n` + `TITLE`, then heading paragraphs such as `3. 공모가격 결정방법` or
 * `(13) 수요예측 결과`), paragraphs, and tables as grids.
 *
 * Parsing: {@linkcode repairMarkup} first, then node-html-parser. It was chosen over
 * fast-xml-parser because real filings are not always well-formed XML (bare `&`/`<`, broken
 * quoting, HTML-format filings); the parser's own tolerance is reported (`wellFormed`), so a
 * document it had to restructure can be flagged instead of trusted silently.
 *
 * Tables: `COLSPAN`/`ROWSPAN` are expanded (a merged cell is the same object in every slot it
 * covers); header rows are the `THEAD`/`TH` rows, or, without `TH` (free tables such as the
 * 수요예측 results), the leading rows holding no value that open the header (row 0) or are
 * reached by a header cell's span or sit under a grouping (colspan) cell. A borderless one-row
 * table with a unit (`TU AUNIT`, `(단위 : …)`) is the next table's caption; borderless tables
 * and paragraphs of `주1) …` lines after a table are its footnotes.
 *
 * @module
 */
import { HTMLElement, type Node, parse, TextNode } from "node-html-parser";
import { type RepairCounts, repairMarkup } from "./repair.ts";
import {
  type CellValue,
  clean,
  isDataLike,
  normLabel,
  parseCell,
  stripEditorResidue,
  type Unit,
  unitFromCode,
  unitFromHeader,
  unitFromText,
} from "./values.ts";

/** One cell of a grid. A merged cell is one object in every slot it covers. */
export interface DartCell {
  /** Text as printed (whitespace collapsed, editor residue removed). */
  text: string;
  tag: "TH" | "TD" | "TE" | "TU";
  /** `TE ACODE` (form field code), e.g. `SB_ST_CNT`. */
  acode: string | null;
  /** `TU AUNIT` / `AUNITVALUE`. */
  aunit: string | null;
  aunitValue: string | null;
  /** Top-left slot of the cell. */
  row: number;
  col: number;
  rowspan: number;
  colspan: number;
  value: CellValue;
}

/** A data table with its merged cells expanded. */
export interface DartGrid {
  /** Position among the document's data tables (0-based). */
  index: number;
  /** `rows[r][c]`: the cell covering slot (r, c); every row has `width` slots. */
  rows: DartCell[][];
  width: number;
  /** Leading header rows. */
  headerRows: number;
  /** The header came from `TH`/`THEAD` (else from content). */
  thHeader: boolean;
  /** Per column: the distinct header texts top-down, joined by ` > `. */
  columnLabels: string[];
  /** The table's unit (caption, `TU AUNIT`, a unit line); columns may override it. */
  unit: Unit | null;
  /** The nearest text before the table (a `[…]` caption or a heading). */
  title: string | null;
  /** `주1) …` lines after the table. */
  footnotes: string[];
  /** `TABLE-GROUP ACLASS` (form id, e.g. `DST_CD`). */
  group: string | null;
  /** `TABLE ACLASS` (`NORMAL`, `EXTRACTION`). */
  aclass: string | null;
  /** `TABLE BORDER`. */
  border: string | null;
  /** Section titles then heading paragraphs leading to the table. */
  path: string[];
}

/** One block of the document body, in document order. */
export type DartBlock =
  | { kind: "title"; text: string; level: number; path: string[] }
  | { kind: "text"; text: string; path: string[] }
  | { kind: "unit"; text: string; unit: Unit; path: string[] }
  | { kind: "table"; grid: DartGrid; path: string[] };

/** One `SECTION-n` with its title. */
export interface DartSection {
  level: number;
  title: string;
  /** `TITLE AASSOCNOTE` (section id) when present. */
  assocNote: string | null;
  /** Titles of the enclosing sections and this one. */
  path: string[];
}

/** Header facts of a document. */
export interface DartDocMeta {
  /** `DOCUMENT-NAME`, e.g. `증권신고서(지분증권)`. */
  documentName: string | null;
  /** `DOCUMENT-NAME ACODE` (`10001` 증권신고서, `10800` 증권발행실적보고서, `00760` 감사보고서). */
  acode: string | null;
  formulaVersion: string | null;
  /** `FORMULA-VERSION ADATE` (form revision, YYYYMMDD). */
  formulaDate: string | null;
  companyName: string | null;
  /** `COMPANY-NAME AREGCIK` (the 8-digit corp_code). */
  corpCode: string | null;
  /** From `xsi:noNamespaceSchemaLocation`. */
  schema: "dart3" | "dart4" | null;
  /**
   * G1 = dart3 with a `DOCUMENT-HEADER` wrapper (2010–2021), G2 = dart3 flat, G3 = dart4
   * (2024-02+), `html` = an HTML-format filing; decided per document, never by year.
   */
  generation: "G1" | "G2" | "G3" | "html" | "unknown";
}

/** A parsed document. */
export interface DartDocument {
  meta: DartDocMeta;
  blocks: DartBlock[];
  sections: DartSection[];
  tables: DartGrid[];
  repairs: RepairCounts;
  /** False when the markup needed the parser's own restructuring (mismatched tags). */
  wellFormed: boolean;
}

// ---------------------------------------------------------------------------------------
// text

const BLOCK_TAGS = new Set(["P", "BR", "TR", "DIV", "TITLE", "LI", "TABLE", "PGBRK"]);

/** Text of an element: `P`/`BR` break lines; `COMMENT` (editor notes) skipped. */
function textOf(node: Node): string {
  if (node instanceof TextNode) return node.text;
  if (!(node instanceof HTMLElement)) return "";
  const tag = node.rawTagName?.toUpperCase() ?? "";
  if (tag === "COMMENT" || tag === "SCRIPT" || tag === "STYLE") return "";
  let s = "";
  for (const c of node.childNodes) s += textOf(c);
  return BLOCK_TAGS.has(tag) ? `${s}\n` : s;
}

function hasTable(el: HTMLElement): boolean {
  return el.childNodes.some((c) =>
    c instanceof HTMLElement && (c.rawTagName.toUpperCase() === "TABLE" || hasTable(c))
  );
}

const cellText = (el: HTMLElement) => clean(stripEditorResidue(textOf(el)));

const attr = (el: HTMLElement, name: string): string | null => {
  const v = el.getAttribute(name) ?? el.getAttribute(name.toLowerCase());
  return v === undefined || v === null ? null : v;
};

const intAttr = (el: HTMLElement, name: string): number => {
  const n = parseInt(attr(el, name) ?? "1", 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 1000) : 1;
};

// ---------------------------------------------------------------------------------------
// outline (heading paragraphs)

/** Rank of a heading paragraph by its marker, or null when the text is not a heading. */
export function headingRank(text: string): number | null {
  if (text.length > 90) return null;
  if (/^(?:제\s*\d+\s*부|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+\s*\.|[IVX]+\.\s)/.test(text)) return 0;
  if (/^\d{1,2}\.(?!\d)\s*\S/.test(text)) return 1;
  if (/^[가-하]\.\s*\S/.test(text)) return 2;
  if (/^\(\d{1,2}\)\s*\S/.test(text)) return 3;
  if (/^\([가-하]\)\s*\S/.test(text)) return 4;
  if (/^[①-⑳]\s*\S/.test(text)) return 5;
  return null;
}

// ---------------------------------------------------------------------------------------
// tables

function buildGrid(table: HTMLElement): {
  rows: DartCell[][];
  width: number;
  theadRows: number;
} {
  const trs: { tr: HTMLElement; thead: boolean }[] = [];
  const collect = (el: HTMLElement, thead: boolean) => {
    for (const c of el.childNodes) {
      if (!(c instanceof HTMLElement)) continue;
      const t = c.rawTagName.toUpperCase();
      if (t === "TR") trs.push({ tr: c, thead });
      else if (t === "THEAD") collect(c, true);
      else if (t === "TBODY" || t === "TFOOT") collect(c, thead);
    }
  };
  collect(table, false);
  const slots: (DartCell | undefined)[][] = trs.map(() => []);
  trs.forEach(({ tr }, r) => {
    let c = 0;
    for (const el of tr.childNodes) {
      if (!(el instanceof HTMLElement)) continue;
      const tag = el.rawTagName.toUpperCase();
      if (tag !== "TD" && tag !== "TH" && tag !== "TE" && tag !== "TU") continue;
      while (slots[r][c]) c++;
      const rowspan = Math.min(intAttr(el, "ROWSPAN"), trs.length - r);
      const colspan = intAttr(el, "COLSPAN");
      const text = cellText(el);
      const cell: DartCell = {
        text,
        tag,
        acode: attr(el, "ACODE"),
        aunit: attr(el, "AUNIT"),
        aunitValue: attr(el, "AUNITVALUE"),
        row: r,
        col: c,
        rowspan,
        colspan,
        value: parseCell(text),
      };
      for (let dr = 0; dr < rowspan; dr++) {
        for (let dc = 0; dc < colspan; dc++) slots[r + dr][c + dc] = cell;
      }
      c += colspan;
    }
  });
  const width = Math.max(0, ...slots.map((s) => s.length));
  const rows = slots.map((s, r) =>
    Array.from({ length: width }, (_, c) =>
      s[c] ?? {
        text: "",
        tag: "TD" as const,
        acode: null,
        aunit: null,
        aunitValue: null,
        row: r,
        col: c,
        rowspan: 1,
        colspan: 1,
        value: parseCell(""),
      })
  );
  let theadRows = 0;
  while (theadRows < trs.length && trs[theadRows].thead) theadRows++;
  return { rows, width, theadRows };
}

/** Leading rows made of `TH` cells only (or in `THEAD`). */
function thHeaderRows(rows: DartCell[][], theadRows: number): number {
  let h = theadRows;
  while (h < rows.length && rows[h].every((c) => c.tag === "TH" || c.row < h)) h++;
  return h;
}

/** Header rows of a table without `TH`: see the module doc. */
function contentHeaderRows(rows: DartCell[][]): number {
  if (rows.length < 2) return 0;
  const valueRow = (r: number) => rows[r].some((c) => c.row === r && isDataLike(c.value));
  if (valueRow(0)) return 0;
  let h = 1;
  while (h < rows.length - 1 && !valueRow(h)) {
    // Continue while a header cell spans into row h, or row h-1 groups columns (colspan).
    const spanned = rows[h].some((c) => c.row < h);
    const grouped = rows[h - 1].some((c) => c.colspan > 1 && c.row === h - 1);
    if (!spanned && !grouped) break;
    // A row whose new cells repeat the row label only (e.g. `계`) is data.
    h++;
  }
  return h;
}

function columnLabels(rows: DartCell[][], headerRows: number, width: number): string[] {
  const out: string[] = [];
  for (let c = 0; c < width; c++) {
    const parts: string[] = [];
    let last: DartCell | null = null;
    for (let r = 0; r < headerRows; r++) {
      const cell = rows[r][c];
      if (cell === last || cell.text === "") continue;
      last = cell;
      if (parts[parts.length - 1] !== cell.text) parts.push(cell.text);
    }
    out.push(parts.join(" > "));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// document

interface WalkState {
  blocks: DartBlock[];
  sections: DartSection[];
  /** Section titles by level (index = level - 1). */
  sectionPath: string[];
  outline: { rank: number; text: string }[];
  group: string | null;
  meta: DartDocMeta;
  grids: { el: HTMLElement; group: string | null; path: string[] }[];
}

const currentPath = (st: WalkState) => [
  ...st.sectionPath.filter((s) => s !== ""),
  ...st.outline.map((o) => o.text),
];

const FOOTNOTE_RE = /^(?:\(?주\s*\d*\s*\)|※|\*\s*\d*\)?|\(\*\d*\)|주\s*:|\(?註)/;

function addText(st: WalkState, raw: string) {
  const text = clean(stripEditorResidue(raw));
  if (text === "") return;
  // A paragraph of several lines is prose, never a heading.
  const oneLine = !/\n/.test(raw.trim());
  const unit = /단\s*위\s*[:：]/.test(text) && text.length < 60 ? unitFromText(text) : null;
  if (unit) {
    st.blocks.push({ kind: "unit", text, unit, path: currentPath(st) });
    return;
  }
  const rank = oneLine ? headingRank(text) : null;
  if (rank !== null) {
    while (st.outline.length && st.outline[st.outline.length - 1].rank >= rank) st.outline.pop();
    st.outline.push({ rank, text });
  }
  st.blocks.push({ kind: "text", text, path: currentPath(st) });
}

function isBorderless(el: HTMLElement): boolean {
  return (attr(el, "BORDER") ?? "1").trim() === "0";
}

/** Handles a borderless caption/footnote table; false when it is a data table. */
function captionOrNotes(el: HTMLElement, st: WalkState): boolean {
  if (!isBorderless(el)) return false;
  const { rows } = buildGrid(el);
  if (rows.length === 0) return true;
  const cells = rows.flat().filter((c, i, a) => a.indexOf(c) === i && c.text !== "");
  if (rows.length <= 2) {
    const tu = cells.find((c) => c.aunit && unitFromCode(c.aunit));
    const textUnit = cells.map((c) => unitFromText(c.text)).find((u) => u !== null) ?? null;
    const unit = textUnit ?? (tu ? unitFromCode(tu.aunit!) : null);
    if (unit) {
      for (const c of cells) {
        if (!unitFromText(c.text)) addText(st, c.text);
      }
      const text = cells.find((c) => unitFromText(c.text))?.text ?? unit.text;
      st.blocks.push({ kind: "unit", text, unit, path: currentPath(st) });
      return true;
    }
  }
  if (cells.length > 0 && cells.every((c) => FOOTNOTE_RE.test(c.text))) {
    for (const c of cells) st.blocks.push({ kind: "text", text: c.text, path: currentPath(st) });
    return true;
  }
  return false;
}

function walk(el: HTMLElement, st: WalkState, sectionLevel: number | null) {
  for (const child of el.childNodes) {
    if (child instanceof TextNode) {
      const t = clean(child.text);
      if (t && !t.startsWith("<?xml") && !/^\?xml/.test(t)) addText(st, child.text);
      continue;
    }
    if (!(child instanceof HTMLElement)) continue;
    const tag = child.rawTagName.toUpperCase();
    const sec = /^SECTION-(\d)$/.exec(tag);
    if (sec || tag === "CORRECTION") {
      // The CORRECTION part of a 정정 filing reads as a top-level section of its own.
      const level = sec ? Number(sec[1]) : 1;
      const savedPath = st.sectionPath.slice();
      const savedOutline = st.outline.slice();
      st.sectionPath = st.sectionPath.slice(0, level - 1);
      while (st.sectionPath.length < level - 1) st.sectionPath.push("");
      st.sectionPath.push("");
      st.outline = [];
      walk(child, st, level);
      st.sectionPath = savedPath;
      st.outline = savedOutline;
      continue;
    }
    switch (tag) {
      case "DOCUMENT-HEADER":
        if (st.meta.schema === "dart3") st.meta.generation = "G1";
        walk(child, st, sectionLevel);
        break;
      case "DOCUMENT-NAME":
        st.meta.documentName = cellText(child);
        st.meta.acode = attr(child, "ACODE");
        break;
      case "FORMULA-VERSION":
        st.meta.formulaVersion = cellText(child);
        st.meta.formulaDate = attr(child, "ADATE");
        break;
      case "COMPANY-NAME":
        st.meta.companyName = cellText(child);
        st.meta.corpCode = attr(child, "AREGCIK");
        break;
      case "SUMMARY":
      case "COMMENT":
      case "SCRIPT":
      case "STYLE":
      case "HEAD":
      case "PGBRK":
      case "IMG":
      case "COLGROUP":
        break;
      case "TITLE": {
        const text = cellText(child);
        if (sectionLevel !== null && st.sectionPath[sectionLevel - 1] === "") {
          st.sectionPath[sectionLevel - 1] = text;
          st.sections.push({
            level: sectionLevel,
            title: text,
            assocNote: attr(child, "AASSOCNOTE"),
            path: st.sectionPath.filter((s) => s !== ""),
          });
          st.blocks.push({ kind: "title", text, level: sectionLevel, path: currentPath(st) });
        } else if (text) {
          addText(st, text);
        }
        break;
      }
      case "P":
      case "COVER-TITLE":
      case "SUBTITLE":
      case "DIV":
      case "LI":
      case "H1":
      case "H2":
      case "H3":
      case "H4": {
        // A paragraph holding a table (HTML filings) is walked, not flattened.
        if (hasTable(child)) walk(child, st, sectionLevel);
        else addText(st, textOf(child));
        break;
      }
      case "TABLE-GROUP": {
        const saved = st.group;
        st.group = attr(child, "ACLASS");
        walk(child, st, sectionLevel);
        st.group = saved;
        break;
      }
      case "TABLE":
        if (!captionOrNotes(child, st)) {
          st.grids.push({ el: child, group: st.group, path: currentPath(st) });
          st.blocks.push({
            kind: "table",
            grid: null as unknown as DartGrid,
            path: currentPath(st),
          });
        }
        break;
      default:
        walk(child, st, sectionLevel);
    }
  }
}

const isNoteText = (b: DartBlock | undefined) => b?.kind === "text" && FOOTNOTE_RE.test(b.text);

/** Parses a decoded document member (repairs applied here). */
export function parseDartDocument(source: string): DartDocument {
  const { text, repairs } = repairMarkup(source);
  const root = parse(text, {
    lowerCaseTagName: true,
    comment: false,
    voidTag: { tags: ["col", "img", "br", "meta", "link", "hr", "pgbrk"] },
    blockTextElements: { script: true, style: true },
  });
  const schemaAttr = /noNamespaceSchemaLocation\s*=\s*["']([^"']+)["']/i.exec(text.slice(0, 2000))
    ?.[1] ?? "";
  const isHtml = /^\s*(?:<!DOCTYPE html|<html)/i.test(text.replace(/^\uFEFF/, "")) ||
    (!/<DOCUMENT[\s>]/.test(text.slice(0, 3000)) && /<html[\s>]/i.test(text.slice(0, 3000)));
  const schema = /dart4/i.test(schemaAttr) ? "dart4" : /dart3/i.test(schemaAttr) ? "dart3" : null;
  const meta: DartDocMeta = {
    documentName: null,
    acode: null,
    formulaVersion: null,
    formulaDate: null,
    companyName: null,
    corpCode: null,
    schema,
    generation: isHtml ? "html" : schema === "dart4" ? "G3" : schema === "dart3" ? "G2" : "unknown",
  };
  const st: WalkState = {
    blocks: [],
    sections: [],
    sectionPath: [],
    outline: [],
    group: null,
    meta,
    grids: [],
  };
  walk(root, st, null);

  // Build the grids, then attach units, titles and footnotes from the neighbouring blocks.
  const tables: DartGrid[] = [];
  let g = 0;
  st.blocks.forEach((b, i) => {
    if (b.kind !== "table") return;
    const src = st.grids[g];
    const { rows, width, theadRows } = buildGrid(src.el);
    const thRows = thHeaderRows(rows, theadRows);
    const headerRows = thRows > 0 ? thRows : contentHeaderRows(rows);
    const grid: DartGrid = {
      index: g,
      rows,
      width,
      headerRows,
      thHeader: thRows > 0,
      columnLabels: columnLabels(rows, headerRows, width),
      unit: null,
      title: null,
      footnotes: [],
      group: src.group,
      aclass: attr(src.el, "ACLASS"),
      border: attr(src.el, "BORDER"),
      path: src.path,
    };
    // unit: the nearest unit line before (back to the previous table), else right after.
    for (let j = i - 1; j >= 0 && j >= i - 4; j--) {
      const p = st.blocks[j];
      if (p.kind === "table") break;
      if (p.kind === "unit") {
        grid.unit = p.unit;
        break;
      }
    }
    if (!grid.unit) {
      const next = st.blocks[i + 1];
      const after = st.blocks[i + 2];
      if (next?.kind === "unit" && after?.kind !== "table") grid.unit = next.unit;
    }
    for (let j = i - 1; j >= 0 && j >= i - 4; j--) {
      const p = st.blocks[j];
      if (p.kind === "table") break;
      if ((p.kind === "text" || p.kind === "title") && !isNoteText(p)) {
        grid.title = p.text;
        break;
      }
    }
    for (let j = i + 1; j < st.blocks.length && isNoteText(st.blocks[j]); j++) {
      grid.footnotes.push((st.blocks[j] as { text: string }).text);
    }
    b.grid = grid;
    tables.push(grid);
    g++;
  });
  return {
    meta,
    blocks: st.blocks,
    sections: st.sections,
    tables,
    repairs,
    wellFormed: (root as HTMLElement & { valid?: boolean }).valid !== false,
  };
}

// ---------------------------------------------------------------------------------------
// grid helpers

/** Indexes of the data rows (after the header). */
export function dataRows(grid: DartGrid): number[] {
  const out: number[] = [];
  for (let r = grid.headerRows; r < grid.rows.length; r++) out.push(r);
  return out;
}

/**
 * The label of a data row: its leading cells that hold no value (distinct cells, ` > `
 * joined), e.g. `유통제한물량 > 최대주주 등`.
 */
export function rowLabel(grid: DartGrid, r: number): string {
  const parts: string[] = [];
  let last: DartCell | null = null;
  for (const cell of grid.rows[r]) {
    if (cell === last) continue;
    last = cell;
    if (isDataLike(cell.value) || (cell.value.empty && parts.length > 0)) break;
    if (cell.text && parts[parts.length - 1] !== cell.text) parts.push(cell.text);
    if (parts.length >= 3) break;
  }
  return parts.join(" > ");
}

/** Columns whose normalized label matches `re` (tested against the whole ` > ` path). */
export function findColumns(grid: DartGrid, re: RegExp): number[] {
  const out: number[] = [];
  grid.columnLabels.forEach((l, c) => {
    if (re.test(normLabel(l.replace(/ > /g, ">")))) out.push(c);
  });
  return out;
}

/** The unit of a column: its header's own unit, else the table's. */
export function columnUnit(grid: DartGrid, c: number): Unit | null {
  return unitFromHeader(grid.columnLabels[c] ?? "") ?? grid.unit;
}

/** All texts of the grid, for signature tests. */
export function gridText(grid: DartGrid): string {
  const seen = new Set<DartCell>();
  const parts: string[] = [];
  for (const row of grid.rows) {
    for (const c of row) {
      if (seen.has(c)) continue;
      seen.add(c);
      parts.push(c.text);
    }
  }
  return normLabel(parts.join("|"));
}
