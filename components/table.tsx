/**
 * Table building blocks: a sortable table shell (sorted in the browser by
 * `islands/sortable.ts`; server order without JavaScript) and number cells that show a
 * formatted value, keep the exact value in `title` and the raw value in `data-sort`.
 *
 * @module
 */
import type { ComponentChildren } from "preact";
import {
  changeClass,
  EMPTY,
  formatKrw,
  formatKrwExact,
  formatNumber,
  formatPct,
} from "../lib/format.ts";
import { useEnhancement } from "./Island.tsx";

/** Props of {@link SortableTable}. */
export interface SortableTableProps {
  /** Accessible caption (visible unless `captionHidden`). */
  caption?: ComponentChildren;
  captionHidden?: boolean;
  class?: string;
  id?: string;
  children: ComponentChildren;
}

/**
 * A `<table data-sortable>` inside a horizontally scrollable wrapper. Headers become sort
 * buttons in the browser; mark a `<th>` with `data-nosort` to keep it inert.
 */
export function SortableTable(props: SortableTableProps) {
  useEnhancement();
  return (
    <div class="table-wrap">
      <table class={`data ${props.class ?? ""}`.trim()} id={props.id} data-sortable="">
        {props.caption && (
          <caption class={props.captionHidden ? "sr-only" : undefined}>{props.caption}</caption>
        )}
        {props.children}
      </table>
    </div>
  );
}

const sortValue = (n: number | null | undefined) =>
  typeof n === "number" && Number.isFinite(n) ? String(n) : "";

/**
 * An amount cell: 억/조 text rounded to whole 억 (see `formatKrw`'s `minUnit`), the exact
 * 원 in `title`, the raw value for sorting.
 */
export function KrwCell({ value }: { value: number | null | undefined }) {
  const missing = sortValue(value) === "";
  return (
    <td
      class="num"
      data-sort={sortValue(value)}
      title={missing ? undefined : formatKrwExact(value)}
    >
      {formatKrw(value, { minUnit: "eok" })}
    </td>
  );
}

/** A signed percentage change cell, red when up and blue when down (Korean convention). */
export function ChangeCell({ value }: { value: number | null | undefined }) {
  return (
    <td class={`num ${changeClass(value)}`} data-sort={sortValue(value)}>
      {formatPct(value)}
    </td>
  );
}

/** An unsigned ratio cell (margins, debt ratios), in percent. */
export function RatioCell({ value }: { value: number | null | undefined }) {
  return (
    <td class="num" data-sort={sortValue(value)}>
      {formatPct(value, { signed: false })}
    </td>
  );
}

/** A plain number cell with `digits` decimals. */
export function NumberCell(
  { value, digits = 0 }: { value: number | null | undefined; digits?: number },
) {
  return (
    <td class="num" data-sort={sortValue(value)}>
      {formatNumber(value, digits)}
    </td>
  );
}

/** A table row spanning all columns with a muted message (empty states). */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: ComponentChildren }) {
  return (
    <tr class="empty-row">
      <td colSpan={colSpan}>{children ?? EMPTY}</td>
    </tr>
  );
}
