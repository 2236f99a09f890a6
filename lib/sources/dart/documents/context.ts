/**
 * The mapping context shared by the IPO table mappers: which filing is being read, the partial
 * facts found so far, provenance builders and unit-aware number reading. Pure (no I/O).
 *
 * @module
 */
import {
  type DocumentRef,
  emptyDocumentFacts,
  type FilingKind,
  type IpoDocumentFacts,
  type Provenance,
  type ProvenanceRef,
  type QualityIssue,
  type SourcedNumber,
} from "./facts.ts";
import { columnUnit, type DartDocument, type DartGrid, rowLabel } from "./tree.ts";
import { clean, normLabel } from "./values.ts";

/** The list.json facts of the filing a document belongs to. */
export interface FilingRef {
  rcept_no: string;
  report_nm: string;
  /** `YYYYMMDD` (as list.json sends it) or `YYYY-MM-DD`. */
  rcept_dt: string;
}

/** The role of a filing from its report name. */
export function filingKind(report_nm: string): FilingKind {
  const n = report_nm.replace(/\s+/g, "");
  if (/증권발행실적보고서/.test(n)) return "result";
  if (/투자설명서/.test(n)) return "prospectus";
  if (/발행조건확정/.test(n)) return "terms";
  if (/증권신고서/.test(n)) return /^\[/.test(n) ? "amendment" : "registration";
  return "other";
}

/** `20260716` or `2026-07-16` → `2026-07-16`. */
export const isoDate = (d: string): string =>
  /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d;

/** What kind of number a column holds, for units. */
export type NumKind = "money" | "shares" | "count" | "pct" | "ratio" | "plain";

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** Mapping state of one document. */
export class MapContext {
  readonly doc: DartDocument;
  readonly filing: DocumentRef;
  readonly facts: IpoDocumentFacts = emptyDocumentFacts();
  /** Tables a mapper consumed (by index). */
  readonly used = new Set<number>();

  constructor(doc: DartDocument, filing: FilingRef) {
    this.doc = doc;
    this.filing = {
      rcept_no: filing.rcept_no,
      report_nm: clean(filing.report_nm),
      rcept_dt: isoDate(filing.rcept_dt),
      kind: filingKind(filing.report_nm),
    };
  }

  /** Pre-pricing filings (증권신고서 and its [기재정정]). */
  get prePricing(): boolean {
    return this.filing.kind === "registration" || this.filing.kind === "amendment";
  }

  private base(): Omit<ProvenanceRef, "section" | "table" | "row" | "column" | "text" | "unit"> {
    return {
      rcept_no: this.filing.rcept_no,
      report_nm: this.filing.report_nm,
      rcept_dt: this.filing.rcept_dt,
    };
  }

  /** Provenance of a grid cell (row/column labels from the grid). */
  cellSrc(grid: DartGrid, r: number, c: number, unit?: string | null): Provenance {
    const cell = grid.rows[r]?.[c];
    return {
      ...this.base(),
      section: grid.path,
      table: { index: grid.index, title: grid.title, group: grid.group },
      row: rowLabel(grid, r) || null,
      column: grid.columnLabels[c] || null,
      text: cell?.text ?? null,
      unit: unit ?? columnUnit(grid, c)?.text ?? null,
      derived: null,
    };
  }

  /** Provenance of a sentence. */
  textSrc(path: string[], text: string, unit: string | null = null): Provenance {
    return {
      ...this.base(),
      section: path,
      table: null,
      row: null,
      column: null,
      text: text.length > 300 ? `${text.slice(0, 297)}…` : text,
      unit,
      derived: null,
    };
  }

  /**
   * A cell as a number in base units (원, 주): the cell's own suffix (`백만원`, `천주`) first,
   * then the column's or table's unit. Null when the cell holds no single number.
   */
  num(grid: DartGrid, r: number, c: number, kind: NumKind): SourcedNumber | null {
    const cell = grid.rows[r]?.[c];
    if (!cell || cell.value.num === null) return null;
    const { mult, unitText } = this.multiplier(grid, c, cell.text, kind);
    return { value: round(cell.value.num * mult), src: this.cellSrc(grid, r, c, unitText) };
  }

  /** A range cell (`12,000 ~ 14,000`) in base units, or null. */
  span(
    grid: DartGrid,
    r: number,
    c: number,
    kind: NumKind,
  ): { value: { min: number; max: number }; src: Provenance } | null {
    const cell = grid.rows[r]?.[c];
    if (!cell?.value.range) return null;
    const { mult, unitText } = this.multiplier(grid, c, cell.text, kind);
    const [a, b] = cell.value.range;
    return {
      value: { min: round(Math.min(a, b) * mult), max: round(Math.max(a, b) * mult) },
      src: this.cellSrc(grid, r, c, unitText),
    };
  }

  private multiplier(
    grid: DartGrid,
    c: number,
    text: string,
    kind: NumKind,
  ): { mult: number; unitText: string | null } {
    const own = /(조원|억원|백만원|천원|원|백만주|천주|주)\s*$/.exec(clean(text))?.[1];
    const ownMult: Record<string, [number, NumKind]> = {
      조원: [1e12, "money"],
      억원: [1e8, "money"],
      백만원: [1e6, "money"],
      천원: [1e3, "money"],
      원: [1, "money"],
      백만주: [1e6, "shares"],
      천주: [1e3, "shares"],
      주: [1, "shares"],
    };
    if (own && ownMult[own][1] === kind) return { mult: ownMult[own][0], unitText: own };
    const unit = columnUnit(grid, c);
    if (kind === "money") return { mult: unit?.money ?? 1, unitText: unit?.text ?? null };
    if (kind === "shares") return { mult: unit?.shares ?? 1, unitText: unit?.text ?? null };
    return { mult: 1, unitText: unit?.text ?? null };
  }

  /** A provenance for a value computed from others. */
  derived(formula: string, inputs: (Provenance | null | undefined)[]): Provenance {
    const from = inputs.filter((p): p is Provenance => !!p).map(stripDerived);
    const first = from[0];
    return {
      ...(first ?? { ...this.base(), section: [], table: null, row: null, column: null }),
      text: null,
      unit: null,
      derived: { formula, from },
    };
  }

  /** Records a data-quality issue about a table (or the document). */
  issue(
    code: QualityIssue["code"],
    severity: QualityIssue["severity"],
    message: string,
    field: string | null,
    grid?: DartGrid,
  ): void {
    this.facts.issues.push({
      code,
      severity,
      message,
      field,
      rcept_no: this.filing.rcept_no,
      section: grid?.path ?? [],
      table: grid ? { index: grid.index, title: grid.title, group: grid.group } : null,
      values: null,
    });
  }

  /** The document's tables whose path or title matches `context` (all tables for null). */
  tables(context: RegExp | null): DartGrid[] {
    return this.doc.tables.filter((g) =>
      context === null || context.test(normLabel([...g.path, g.title ?? ""].join("|")))
    );
  }
}

/** A provenance without its `derived` part (inputs of a derived value). */
export function stripDerived(p: Provenance): ProvenanceRef {
  const { derived: _d, ...ref } = p;
  return ref;
}
