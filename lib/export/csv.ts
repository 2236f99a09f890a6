/**
 * CSV for export tables (RFC 4180): UTF-8 without a byte-order mark, a header row of the
 * column names, CRLF line ends, fields quoted only when they hold `"`, `,`, CR or LF (quotes
 * doubled). A null is an empty field; an empty string is written as `""` so the two stay
 * apart. Dates are `YYYY-MM-DD`, timestamps ISO 8601 UTC, numbers in plain JavaScript
 * notation (integers without a decimal point, so 원 amounts read back as integers).
 *
 * CSV carries no types: read stock codes as text (DuckDB `types = {'code': 'VARCHAR'}`,
 * pandas `dtype={"code": str}`), or a code like `005930` loses its leading zeros in readers
 * that guess numbers. Parquet files carry their types and are the default.
 *
 * @module
 */
import type { CellValue, ExportColumn, TableBatch, TableWriter } from "./parquet.ts";

/** Media type of the CSV files. */
export const CSV_TYPE = "text/csv; charset=utf-8";

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field (RFC 4180 quoting). */
export function csvField(v: string): string {
  if (v === "") return '""';
  return NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function isoDate(v: CellValue): string {
  if (typeof v === "string") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new TypeError(`not a date: ${JSON.stringify(v)}`);
    return v;
  }
  const n = v as number;
  const s = String(n);
  if (s.length !== 8) throw new RangeError(`not a yyyymmdd date: ${n}`);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** Text of one cell of `col` ("" for null). */
function cell(col: ExportColumn, v: CellValue | undefined): string {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) {
    if (col.required) throw new RangeError(`column ${col.name} is required but has nulls`);
    return "";
  }
  switch (col.type) {
    case "STRING":
      return csvField(String(v));
    case "DATE":
      if (v === 0 || v === "") return "";
      return isoDate(v);
    case "TIMESTAMP": {
      const ms = typeof v === "number" ? v : Date.parse(v);
      if (!Number.isFinite(ms)) throw new TypeError(`column ${col.name}: not a time: ${v}`);
      return new Date(ms).toISOString();
    }
    case "INT32":
    case "INT64":
      if (typeof v !== "number" || !Number.isSafeInteger(v)) {
        throw new RangeError(`column ${col.name} (${col.type}): ${v} is not a whole number`);
      }
      return String(v);
    case "DOUBLE":
      if (typeof v !== "number") throw new TypeError(`column ${col.name}: not a number: ${v}`);
      return String(v);
  }
}

/** Rows encoded per output chunk (about 0.8 MB of daily bars). */
const CSV_CHUNK_ROWS = 8192;

/**
 * A CSV writer for an export table: each batch is encoded to UTF-8 in chunks of
 * {@linkcode CSV_CHUNK_ROWS} lines, handed out as they are encoded (the header row comes
 * first, with the first batch or from `finish` for an empty table).
 */
export function csvTableWriter(columns: ExportColumn[]): TableWriter {
  const enc = new TextEncoder();
  let header: Uint8Array | null = enc.encode(
    columns.map((c) => csvField(c.name)).join(",") + "\r\n",
  );
  let rows = 0;
  let done = false;
  const takeHeader = (): Uint8Array[] => {
    const out = header ? [header] : [];
    header = null;
    return out;
  };
  return {
    contentType: CSV_TYPE,
    extension: "csv",
    get rows() {
      return rows;
    },
    write(batch: TableBatch) {
      if (done) throw new Error("csv writer is finished");
      if (!batch.rows) return [];
      const data = columns.map((c) => {
        const d = batch.cols[c.name];
        if (!d || d.length < batch.rows) {
          throw new RangeError(`batch column ${c.name} has ${d?.length ?? 0} of ${batch.rows}`);
        }
        return d;
      });
      const out: Uint8Array[] = [];
      const fields = new Array<string>(columns.length);
      for (let start = 0; start < batch.rows; start += CSV_CHUNK_ROWS) {
        const end = Math.min(batch.rows, start + CSV_CHUNK_ROWS);
        const lines = new Array<string>(end - start);
        for (let r = start; r < end; r++) {
          for (let c = 0; c < columns.length; c++) fields[c] = cell(columns[c], data[c][r]);
          lines[r - start] = fields.join(",");
        }
        out.push(enc.encode(lines.join("\r\n") + "\r\n"));
      }
      rows += batch.rows;
      return [...takeHeader(), ...out];
    },
    finish() {
      done = true;
      return takeHeader();
    },
  };
}
