/**
 * Backtest exports: the request schema and the builder of the files a backtester loads.
 *
 * Files (each `.parquet` or `.csv`; column types in {@linkcode EXPORT_TABLES}, Parquet
 * mapping in `lib/export/parquet.ts`):
 *
 * - `instruments` — the market's instruments with at least one bar in the range (the KRX
 *   instrument master, so delisted stocks that traded in the range are included), by code,
 *   with the number of bars and the first/last bar date in the range.
 * - `instrument_daily` — one row per (instrument, trading day), sorted by code then date.
 *   Prices and amounts are 원 as KRX publishes them (raw, not split-adjusted), INT64; a
 *   halted day has null open/high/low and the last price as close. `market` is the
 *   instrument's market in the master.
 * - `benchmark_index_daily` — the requested indices' daily bars, by index code then date;
 *   index points are DOUBLE, volume/value/market cap INT64.
 * - `data_quality_issues` (only with `include_issues`) — KRX-source (`krx`, `datakrx`)
 *   quality issues whose day (the date in their subject, else the KST day they were raised)
 *   is in the range.
 *
 * The builder's memory follows a batch, not the export: it reads each instrument's series as
 * packed columns (`getBarColumns`, typed arrays) a few instruments at a time, hands the writer
 * batches of about 100,000 rows (no row objects; only one batch is converted at a time), and
 * each file's bytes leave as a stream while it is built (a Parquet row group, a few thousand
 * CSV lines at a time): no file is ever held whole.
 *
 * @module
 */
import { z } from "zod";
import { BAR_FIELDS, KRX_MARKETS, type KrxMarket } from "../market/model.ts";
import { isValidIsoDate, toKstDate } from "../format.ts";
import {
  type Columns,
  getBarColumns,
  getIndexBars,
  listIndices,
  listInstruments,
  type StoredInstrument,
} from "../store/market.ts";
import type { ExportJob } from "../store/exports.ts";
import { listIssues, type QualityIssue } from "../store/quality.ts";
import { csvTableWriter } from "./csv.ts";
import {
  type CellValue,
  type ExportColumn,
  parquetTableWriter,
  type TableBatch,
  type TableWriter,
} from "./parquet.ts";

// ---------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------

/** Markets an export can cover (`ALL` = KOSPI + KOSDAQ + KONEX). */
export const EXPORT_MARKETS = [...KRX_MARKETS, "ALL"] as const;
export type ExportMarket = typeof EXPORT_MARKETS[number];
export const OUTPUT_FORMATS = ["parquet", "csv"] as const;
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** Longest range one export may cover. */
export const MAX_EXPORT_YEARS = 20;

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD")
  .refine(isValidIsoDate, "is not a calendar date");

/** `date` plus `years` calendar years (Feb 29 → Feb 28). */
export function addYears(date: string, years: number): string {
  const y = String(Number(date.slice(0, 4)) + years).padStart(4, "0");
  const out = `${y}${date.slice(4)}`;
  return isValidIsoDate(out) ? out : `${y}-02-28`;
}

/** The body of `POST /api/v1/backtest/exports`. */
export const BacktestExportRequest = z.strictObject({
  market_code: z.enum(EXPORT_MARKETS).meta({
    description: "KOSPI, KOSDAQ, KONEX or ALL (the three together)",
  }),
  index_codes: z.array(z.string().trim().min(1).max(80)).max(50).default([]).meta({
    description: "Benchmark index codes (GET the list from a 400 answer or the /exports page)",
    example: ["KOSPI", "KOSPI200"],
  }),
  date_from: ymd.meta({ description: "First day (KST), inclusive", example: "2024-01-02" }),
  date_to: ymd.meta({ description: "Last day (KST), inclusive", example: "2024-12-30" }),
  include_issues: z.boolean().default(false).meta({
    description: "Add data_quality_issues (KRX-source issues in the range)",
  }),
  output_format: z.enum(OUTPUT_FORMATS).default("parquet"),
}).superRefine((v, ctx) => {
  if (v.date_from > v.date_to) {
    ctx.addIssue({ code: "custom", path: ["date_to"], message: "must not be before date_from" });
  } else if (v.date_to > addYears(v.date_from, MAX_EXPORT_YEARS)) {
    ctx.addIssue({
      code: "custom",
      path: ["date_to"],
      message: `the range may cover at most ${MAX_EXPORT_YEARS} years`,
    });
  }
  if (new Set(v.index_codes).size !== v.index_codes.length) {
    ctx.addIssue({ code: "custom", path: ["index_codes"], message: "lists a code twice" });
  }
}).meta({ id: "BacktestExportRequest" });
export type BacktestExportRequest = z.infer<typeof BacktestExportRequest>;

/** Raised for a request that cannot be built (unknown index code): not worth a retry. */
export class ExportInputError extends Error {
  override name = "ExportInputError";
}

/** Markets of a request. */
export const marketsOf = (m: ExportMarket): KrxMarket[] => m === "ALL" ? [...KRX_MARKETS] : [m];

/**
 * Index codes of the request that are not stored, with the known ones (for a 400 answer or
 * the job's error).
 */
export async function unknownIndexCodes(
  kv: Deno.Kv,
  codes: string[],
): Promise<{ unknown: string[]; known: string[] }> {
  const known = (await listIndices(kv)).map((m) => m.index_code);
  const have = new Set(known);
  return { unknown: codes.filter((c) => !have.has(c)), known };
}

// ---------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------

/** The files of an export, in manifest order. */
export const EXPORT_TABLE_NAMES = [
  "instruments",
  "instrument_daily",
  "benchmark_index_daily",
  "data_quality_issues",
] as const;
export type ExportTableName = typeof EXPORT_TABLE_NAMES[number];

const won = (name: string, description: string): ExportColumn => ({
  name,
  type: "INT64",
  description: `${description} (원)`,
});

/** Column lists of the export files. */
export const EXPORT_TABLES: Record<ExportTableName, ExportColumn[]> = {
  instruments: [
    { name: "code", type: "STRING", required: true, key: true, description: "단축코드" },
    { name: "isin", type: "STRING", description: "표준코드 (ISIN)" },
    { name: "name", type: "STRING", required: true, description: "종목약명" },
    { name: "name_full", type: "STRING", description: "한글 종목명" },
    { name: "name_en", type: "STRING" },
    {
      name: "market",
      type: "STRING",
      required: true,
      key: true,
      description: "KOSPI, KOSDAQ or KONEX",
    },
    { name: "sector", type: "STRING", description: "소속부" },
    { name: "security_group", type: "STRING", description: "증권구분" },
    { name: "stock_kind", type: "STRING", description: "주식종류" },
    { name: "par_value", type: "DOUBLE", description: "액면가 (원); null for 무액면" },
    { name: "listing_date", type: "DATE", description: "상장일" },
    { name: "shares", type: "INT64", description: "상장주식수 (master)" },
    { name: "bars", type: "INT32", required: true, description: "trading days in the range" },
    { name: "first_date", type: "DATE", required: true, description: "first bar in the range" },
    { name: "last_date", type: "DATE", required: true, description: "last bar in the range" },
  ],
  instrument_daily: [
    { name: "date", type: "DATE", required: true, key: true, description: "trading day (KST)" },
    { name: "code", type: "STRING", required: true, key: true, description: "단축코드" },
    { name: "market", type: "STRING", required: true, key: true },
    won("open", "시가; null when halted"),
    won("high", "고가; null when halted"),
    won("low", "저가; null when halted"),
    won("close", "종가"),
    won("change", "대비"),
    { name: "change_pct", type: "DOUBLE", description: "등락률 (%)" },
    { name: "volume", type: "INT64", description: "거래량 (주)" },
    won("value", "거래대금"),
    won("market_cap", "시가총액"),
    { name: "shares", type: "INT64", description: "상장주식수" },
  ],
  benchmark_index_daily: [
    { name: "date", type: "DATE", required: true, key: true },
    { name: "index_code", type: "STRING", required: true, key: true },
    { name: "series", type: "STRING", required: true, description: "KRX, KOSPI or KOSDAQ" },
    { name: "name", type: "STRING", required: true, description: "지수명" },
    { name: "open", type: "DOUBLE", description: "points" },
    { name: "high", type: "DOUBLE" },
    { name: "low", type: "DOUBLE" },
    { name: "close", type: "DOUBLE" },
    { name: "change", type: "DOUBLE" },
    { name: "change_pct", type: "DOUBLE", description: "%" },
    { name: "volume", type: "INT64" },
    won("value", "거래대금"),
    won("market_cap", "상장시가총액"),
  ],
  data_quality_issues: [
    { name: "id", type: "STRING", required: true },
    {
      name: "date",
      type: "DATE",
      required: true,
      key: true,
      description: "the day the issue is about",
    },
    { name: "severity", type: "STRING", required: true, description: "ERROR or WARN" },
    { name: "source", type: "STRING", required: true },
    { name: "code", type: "STRING", required: true, description: "issue code" },
    { name: "subject", type: "STRING", required: true },
    { name: "message", type: "STRING", required: true },
    { name: "run_id", type: "STRING" },
    { name: "created_at", type: "TIMESTAMP", required: true, description: "UTC" },
  ],
};

/** File name of a table in a format. */
export const fileName = (t: ExportTableName, f: OutputFormat) => `${t}.${f}`;

/** A table writer for a format. */
export function tableWriter(
  table: ExportTableName,
  format: OutputFormat,
  metadata: Record<string, string> = {},
): TableWriter {
  const cols = EXPORT_TABLES[table];
  return format === "csv"
    ? csvTableWriter(cols)
    : parquetTableWriter(cols, { metadata: { "kdesk.table": table, ...metadata } });
}

// ---------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------

/**
 * One file of an export. Its bytes come out of `body` as they are built: reading the body is
 * what runs that part of the build (and reports progress), so read each body to its end, in
 * order, before asking for the next file. A build error errors the body.
 */
export interface ExportFile {
  table: ExportTableName;
  name: string;
  content_type: string;
  body: ReadableStream<Uint8Array>;
  /** Rows written so far: all of the file's once `body` has ended. */
  readonly rows: number;
}

/**
 * Progress callback: percent of the export (0–90 over the build; the caller stores each file
 * as it is yielded and reports 100 when done).
 */
export type BuildProgress = (percent: number, stage: string) => void | Promise<void>;

/** Options of {@linkcode buildBacktestExport}. */
export interface BuildOptions {
  onProgress?: BuildProgress;
  /** Rows per writer batch (and Parquet row group); default 100,000. */
  batchRows?: number;
  /** Instrument series read at once; default 8. */
  concurrency?: number;
  /** Stored in the Parquet footer metadata. */
  jobId?: string;
}

/** Build share of each stage (the rest up to 90 is the daily bars). */
const P_START = 2, P_DAILY_END = 84, P_INSTRUMENTS = 86, P_INDEX = 88, P_ISSUES = 90;

/** The KRX sources whose issues go into data_quality_issues. */
export const KRX_ISSUE_SOURCES = ["krx", "datakrx"] as const;

const DATE_IN_SUBJECT = /(?:19|20)\d{2}-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])/;

/** The day an issue is about: the first date in its subject, else its KST creation day. */
export function issueDay(i: Pick<QualityIssue, "subject" | "created_at">): string {
  const m = DATE_IN_SUBJECT.exec(i.subject);
  if (m) {
    const d = m[0].replaceAll("-", "");
    return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  }
  return toKstDate(i.created_at);
}

interface CodeStats {
  bars: number;
  first: number;
  last: number;
}

/**
 * Builds the files of an export as streams, one after another: instrument_daily, instruments,
 * benchmark_index_daily, then data_quality_issues when asked (see {@linkcode ExportFile} for
 * how to read them). Throws {@linkcode ExportInputError} for an index code that is not
 * stored.
 */
export async function* buildBacktestExport(
  kv: Deno.Kv,
  req: BacktestExportRequest,
  opts: BuildOptions = {},
): AsyncGenerator<ExportFile> {
  const progress = opts.onProgress ?? (() => {});
  const batchRows = opts.batchRows ?? 100_000;
  const concurrency = opts.concurrency ?? 8;
  const format = req.output_format;
  const meta: Record<string, string> = {
    "kdesk.market_code": req.market_code,
    "kdesk.date_from": req.date_from,
    "kdesk.date_to": req.date_to,
    "kdesk.units": "prices and amounts in KRW (won), raw as KRX publishes them (not adjusted); " +
      "dates are KST trading days; null = not available (a halted stock has null open/high/low)",
    ...(opts.jobId ? { "kdesk.job_id": opts.jobId } : {}),
  };

  // Check the request against the store before the long part.
  const indexCodes = [...req.index_codes].sort();
  const { unknown, known } = await unknownIndexCodes(kv, indexCodes);
  if (unknown.length) {
    throw new ExportInputError(
      `unknown index code${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; known: ${
        known.join(", ") || "(none stored)"
      }`,
    );
  }
  const markets = new Set<string>(marketsOf(req.market_code));
  const instruments = (await listInstruments(kv)).filter((i) => markets.has(i.market))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  await progress(P_START, "instrument_daily");

  // --- instrument_daily: series by code, batched ---
  const stats = new Map<string, CodeStats>();
  yield* streamed("instrument_daily", format, meta, async function* (daily) {
    let pending: { inst: StoredInstrument; cols: Columns<typeof BAR_FIELDS[number]> }[] = [];
    let pendingRows = 0;
    const flush = () => {
      const batch = dailyBatch(pending, pendingRows);
      pending = [];
      pendingRows = 0;
      return daily.write(batch);
    };
    for (let i = 0; i < instruments.length; i += concurrency) {
      const group = instruments.slice(i, i + concurrency);
      const series = await Promise.all(
        group.map((inst) => getBarColumns(kv, inst.code, req.date_from, req.date_to)),
      );
      for (let g = 0; g < group.length; g++) {
        const cols = series[g];
        const n = cols.dates.length;
        if (!n) continue;
        stats.set(group[g].code, { bars: n, first: cols.dates[0], last: cols.dates[n - 1] });
        pending.push({ inst: group[g], cols });
        pendingRows += n;
        if (pendingRows >= batchRows) yield* flush();
      }
      const done = Math.min(instruments.length, i + concurrency);
      await progress(
        P_START + (P_DAILY_END - P_START) * done / instruments.length,
        "instrument_daily",
      );
    }
    if (pendingRows) yield* flush();
  });

  // --- instruments (those with bars in the range) ---
  yield* streamed("instruments", format, meta, async function* (inst) {
    const listed = instruments.filter((i) => stats.has(i.code));
    yield* inst.write(instrumentBatch(listed, stats));
    await progress(P_INSTRUMENTS, "instruments");
  });

  // --- benchmark_index_daily ---
  yield* streamed("benchmark_index_daily", format, meta, async function* (idx) {
    for (const code of indexCodes) {
      const bars = await getIndexBars(kv, code, req.date_from, req.date_to);
      const n = bars.length;
      const cols: Record<string, CellValue[]> = {};
      for (const c of EXPORT_TABLES.benchmark_index_daily) {
        cols[c.name] = bars.map((b) => (b as unknown as Record<string, CellValue>)[c.name]);
      }
      yield* idx.write({ rows: n, cols });
    }
    await progress(P_INDEX, "benchmark_index_daily");
  });

  // --- data_quality_issues ---
  if (req.include_issues) {
    yield* streamed("data_quality_issues", format, meta, async function* (w) {
      const issues: (QualityIssue & { date: string })[] = [];
      for (const source of KRX_ISSUE_SOURCES) {
        for (const i of await listIssues(kv, { source, limit: 5000 })) {
          const date = issueDay(i);
          if (date >= req.date_from && date <= req.date_to) issues.push({ ...i, date });
        }
      }
      issues.sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
      const cols: Record<string, CellValue[]> = {};
      for (const c of EXPORT_TABLES.data_quality_issues) {
        cols[c.name] = issues.map((i) =>
          (i as unknown as Record<string, CellValue>)[c.name] ?? null
        );
      }
      yield* w.write({ rows: issues.length, cols });
      await progress(P_ISSUES, "data_quality_issues");
    });
  }
}

/**
 * Yields one file whose body runs `produce` (the table's bytes, batch by batch) and then the
 * writer's end; after the caller has read the body, checks that it was read to its end (the
 * next table may depend on what this one saw).
 */
async function* streamed(
  table: ExportTableName,
  format: OutputFormat,
  meta: Record<string, string>,
  produce: (w: TableWriter) => AsyncIterable<Uint8Array>,
): AsyncGenerator<ExportFile> {
  const w = tableWriter(table, format, meta);
  const name = fileName(table, format);
  let ended = false;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    yield* produce(w);
    yield* w.finish();
    ended = true;
  }
  yield {
    table,
    name,
    content_type: w.contentType,
    body: ReadableStream.from(bytes()),
    get rows() {
      return w.rows;
    },
  };
  if (!ended) throw new Error(`${name} was not read to its end`);
}

/** Concatenates instruments' packed series into one writer batch (sorted by code, date). */
function dailyBatch(
  parts: { inst: StoredInstrument; cols: Columns<typeof BAR_FIELDS[number]> }[],
  rows: number,
): TableBatch {
  const date = new Int32Array(rows);
  const code = new Array<string>(rows);
  const market = new Array<string>(rows);
  const fields = BAR_FIELDS.map(() => new Float64Array(rows));
  let off = 0;
  for (const { inst, cols } of parts) {
    const n = cols.dates.length;
    date.set(cols.dates, off);
    code.fill(inst.code, off, off + n);
    market.fill(inst.market, off, off + n);
    BAR_FIELDS.forEach((f, k) => fields[k].set(cols.cols[f], off));
    off += n;
  }
  const out: Record<string, ArrayLike<CellValue>> = { date, code, market };
  BAR_FIELDS.forEach((f, k) => (out[f] = fields[k]));
  return { rows, cols: out };
}

function instrumentBatch(list: StoredInstrument[], stats: Map<string, CodeStats>): TableBatch {
  const cols: Record<string, CellValue[]> = {};
  for (const c of EXPORT_TABLES.instruments) {
    cols[c.name] = list.map((i) => {
      const s = stats.get(i.code)!;
      if (c.name === "bars") return s.bars;
      if (c.name === "first_date") return s.first;
      if (c.name === "last_date") return s.last;
      return (i as unknown as Record<string, CellValue>)[c.name] ?? null;
    });
  }
  return { rows: list.length, cols };
}

// ---------------------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------------------

/** The manifest of a finished export (`GET …/manifest` and `manifest.json` in EXPORT_DIR). */
export interface ExportManifest {
  job_id: string;
  market_code: ExportMarket;
  date_from: string;
  date_to: string;
  index_codes: string[];
  include_issues: boolean;
  output_format: OutputFormat;
  created_at: string;
  finished_at: string | null;
  files: { name: string; rows: number; bytes: number; sha256: string }[];
}

/** The manifest of a job (its files as recorded). */
export function exportManifest(job: ExportJob): ExportManifest {
  const r = job.request;
  return {
    job_id: job.job_id,
    market_code: r.market_code,
    date_from: r.date_from,
    date_to: r.date_to,
    index_codes: r.index_codes,
    include_issues: r.include_issues,
    output_format: r.output_format,
    created_at: job.created_at,
    finished_at: job.finished_at,
    files: job.files.map((f) => ({ name: f.name, rows: f.rows, bytes: f.bytes, sha256: f.sha256 })),
  };
}
