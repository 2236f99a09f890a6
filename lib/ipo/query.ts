/**
 * Filtering and cursor paging of the pipeline rows. Pure, shared by the API, the board page
 * and the xlsx export, so all three show the same rows for the same filters.
 *
 * @module
 */
import type { Market, PipelineRow, Stage } from "./model.ts";

/** Pipeline filters; every field optional. Dates `YYYY-MM-DD`. */
export interface PipelineFilter {
  stage?: Stage[];
  market?: Market;
  /** Window start: a row matches when any of its schedule dates is in [from, to]. */
  from?: string;
  to?: string;
  /** Substring of an underwriter's name. */
  underwriter?: string;
  /** Substring of the company name or its codes. */
  q?: string;
  /** Only rows with reconciliation flags. */
  flagged?: boolean;
}

/** The schedule dates of a row (신고서/청구, 청약 start and end, 납입, 상장). */
export function rowDates(r: PipelineRow): string[] {
  const out: string[] = [];
  if (r.filed) out.push(r.filed);
  if (r.sub) out.push(r.sub.from, r.sub.to);
  if (r.pay) out.push(r.pay);
  if (r.list) out.push(r.list);
  return out;
}

/** The rows matching `f`, in stored order. */
export function filterRows(rows: PipelineRow[], f: PipelineFilter): PipelineRow[] {
  const uw = f.underwriter?.trim();
  const q = f.q?.trim().toLowerCase();
  const stages = f.stage?.length ? new Set(f.stage) : null;
  return rows.filter((r) => {
    if (stages && !stages.has(r.stage)) return false;
    if (f.market && r.market !== f.market) return false;
    if (uw && !r.uw.some((u) => u.includes(uw))) return false;
    if (
      q && !r.name.toLowerCase().includes(q) && r.stock_code !== q.toUpperCase() &&
      r.corp_code !== q
    ) return false;
    if (f.flagged && r.flags.length === 0) return false;
    if (f.from || f.to) {
      const from = f.from ?? "0000-00-00", to = f.to ?? "9999-99-99";
      if (!rowDates(r).some((d) => d >= from && d <= to)) return false;
    }
    return true;
  });
}

/** Encodes a row offset as an opaque cursor. */
export function encodeCursor(offset: number): string {
  return btoa(`o:${offset}`).replace(/=+$/, "");
}

/** Decodes a cursor; null when it is not one of ours. */
export function decodeCursor(c: string): number | null {
  try {
    const m = /^o:(\d{1,7})$/.exec(atob(c));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** One page of rows and the cursor of the next page (null at the end). */
export function pageRows(
  rows: PipelineRow[],
  offset: number,
  limit: number,
): { items: PipelineRow[]; next_cursor: string | null } {
  const items = rows.slice(offset, offset + limit);
  const next = offset + limit < rows.length ? encodeCursor(offset + limit) : null;
  return { items, next_cursor: next };
}
