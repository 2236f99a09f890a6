/**
 * Progressive enhancement for `<table data-sortable>`: each header becomes a button;
 * clicking it sorts the first `<tbody>` by that column — numbers largest first, text in
 * 가나다 order — and further clicks toggle the direction, updating `aria-sort`. Cells may
 * carry `data-sort` with the value to sort by (numbers as plain digits, dates as
 * YYYY-MM-DD); empty values always sort last. Headers with `data-nosort` stay inert.
 * Without JavaScript the table simply stays in server order.
 *
 * @module
 */

type Dir = "ascending" | "descending";

function cellValue(row: HTMLTableRowElement, col: number): string {
  const cell = row.cells[col];
  if (!cell) return "";
  return (cell.dataset.sort ?? cell.textContent ?? "").trim();
}

function compare(a: string, b: string, numeric: boolean): number {
  if (numeric) return Number(a) - Number(b);
  return a.localeCompare(b, "ko", { numeric: true });
}

/** True when every non-empty value of column `col` is a number. */
function isNumericColumn(table: HTMLTableElement, col: number): boolean {
  const rows = Array.from(table.tBodies[0]?.rows ?? []);
  return rows.every((r) => {
    const v = cellValue(r, col);
    return v === "" || !Number.isNaN(Number(v));
  });
}

/** Sorts `table`'s first body by column `col`; empty cells always go last. */
export function sortTable(table: HTMLTableElement, col: number, dir: Dir): void {
  const body = table.tBodies[0];
  if (!body) return;
  const rows = Array.from(body.rows);
  const filled = rows.filter((r) => cellValue(r, col) !== "");
  const empty = rows.filter((r) => cellValue(r, col) === "");
  const numeric = isNumericColumn(table, col);
  const sign = dir === "ascending" ? 1 : -1;
  // Array#sort is stable, so equal values keep server order.
  filled.sort((a, b) => sign * compare(cellValue(a, col), cellValue(b, col), numeric));
  for (const r of [...filled, ...empty]) body.appendChild(r);
}

/** Makes the headers of every `table[data-sortable]` under `root` sort on click. */
export function enhanceSortableTables(root: ParentNode): void {
  for (const table of root.querySelectorAll<HTMLTableElement>("table[data-sortable]")) {
    if (table.dataset.sortableReady) continue;
    table.dataset.sortableReady = "true";
    const head = table.tHead?.rows[0];
    if (!head) continue;
    Array.from(head.cells).forEach((th, col) => {
      if (th.dataset.nosort !== undefined) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.title = "정렬";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", () => {
        // First click: numbers largest first, text in 가나다 order; then toggle.
        const current = th.getAttribute("aria-sort");
        const first: Dir = isNumericColumn(table, col) ? "descending" : "ascending";
        const next: Dir = current === "ascending"
          ? "descending"
          : current === "descending"
          ? "ascending"
          : first;
        for (const other of Array.from(head.cells)) other.removeAttribute("aria-sort");
        th.setAttribute("aria-sort", next);
        sortTable(table, col, next);
      });
    });
  }
}
