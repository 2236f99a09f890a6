// deno-lint-ignore-file no-console
/**
 * Backtest export benchmark (issue #6).
 *
 * 1. Generate (child process, timed separately): 2,700 instruments × 250 trading days of 2024
 *    (675,000 bars: random-walk prices, ~0.5% halted days with null open/high/low) plus three
 *    indices into a file-backed KV in a temp dir, through the store's own writers
 *    (`putInstruments`, `putBars`, `putIndexBars`), 50 days at a time. More days than 2024
 *    has run on into 2025 and later (`… 2700 1000 1`: 2.7M bars over 2024–2027). Ten of the
 *    instruments also get nine earlier years (2015–2023), for the 10-year series read.
 * 2. Export (one child process per run, on a fresh copy of the KV file so no run finds blobs
 *    of an earlier one): a PENDING job is created, then `runBacktestExport` is timed end to
 *    end — claim, build (instrument_daily, instruments, benchmark_index_daily), every file
 *    streamed into the blob store as it is built, SUCCEEDED. Peak RSS = the child's VmHWM (/proc/self/status) at the end;
 *    CPU = the child's user + system time over the run (all threads: less noisy than wall time
 *    on a shared machine).
 *    Parquet `runs` times, then CSV once. After the first run the same child also times, untimed
 *    by the job, reading every series alone and the build without the blob store.
 * 3. Series read (child process): `getBars` of one instrument over 10 years (10 year packs)
 *    many times, median; baseline in the same process: one `kv.get` of one year pack.
 *
 * Prints one JSON line per phase and a summary line.
 *
 * Run: deno run -A bench/backtest_export.ts [instruments=2700] [days=250] [runs=3]
 */
import process from "node:process";
import { type BacktestExportRequest, buildBacktestExport } from "../lib/export/backtest.ts";
import { runBacktestExport } from "../lib/jobs/backtest_export.ts";
import type { JobsContext, JobsDart } from "../lib/jobs/runtime.ts";
import { configureLog } from "../lib/log.ts";
import {
  type DailyBar,
  type IndexBar,
  indexCode,
  type Instrument,
  type KrxMarket,
} from "../lib/market/model.ts";
import { createExportJob, getExportJob } from "../lib/store/exports.ts";
import { keys } from "../lib/store/keys.ts";
import {
  getBarColumns,
  getBars,
  listInstruments,
  putBars,
  putIndexBars,
  putInstruments,
} from "../lib/store/market.ts";
import { median } from "./wrk.ts";

configureLog({ level: "error", sink: () => {} });

const SERIES_CODE = "000010"; // instrument 0: 10 years of bars
const HISTORY = 10; // instruments with 2015–2024

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** Weekdays of a year from Jan 2 (KRX's first trading day), at most `n`. */
function tradingDays(year: number, n = 400): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 2); out.length < n; t += 86400_000) {
    const d = new Date(t);
    if (d.getUTCFullYear() !== year) break;
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/**
 * The export's days: `n` weekdays from 2024-01-02, running on into 2025 and later when `n` is
 * more than a year's (the same days as `tradingDays(2024, n)` while it fits in 2024).
 */
function exportDays(n: number): string[] {
  const out: string[] = [];
  for (let y = 2024; out.length < n; y++) out.push(...tradingDays(y, n - out.length));
  return out;
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const codeOf = (i: number) => String(10 + i * 3).padStart(6, "0");
const marketOf = (i: number, n: number): KrxMarket =>
  i < n / 3 ? "KOSPI" : i < n * 0.95 ? "KOSDAQ" : "KONEX";

/**
 * One instrument's random walk, produced a slice of days at a time (so the generator never
 * holds every bar): the same values as one `seriesBars` call over all the days.
 */
function walk(i: number, totalDays: number, start: number) {
  const r = rng(i * 7919 + totalDays);
  const shares = 5_000_000 + Math.floor(r() * 100_000_000);
  let close = start;
  return (days: string[]): DailyBar[] =>
    days.map((date) => {
      const prev = close;
      close = Math.max(100, Math.round(prev * (1 + (r() - 0.5) * 0.06)));
      const halted = r() < 0.005;
      const volume = halted ? 0 : Math.floor(r() * 2_000_000);
      return {
        date,
        code: codeOf(i),
        open: halted ? null : Math.round(prev * (1 + (r() - 0.5) * 0.02)),
        high: halted ? null : Math.round(close * (1 + r() * 0.03)),
        low: halted ? null : Math.round(close * (1 - r() * 0.03)),
        close,
        change: close - prev,
        change_pct: Math.round((close - prev) / prev * 10000) / 100,
        volume,
        value: halted ? 0 : volume * close,
        market_cap: close * shares,
        shares,
      };
    });
}

const seriesBars = (i: number, days: string[], start: number) => walk(i, days.length, start)(days);

async function generate(path: string, instruments: number, nDays: number): Promise<void> {
  const t0 = performance.now();
  const kv = await Deno.openKv(path);
  const days = exportDays(nDays);
  const list: Instrument[] = Array.from({ length: instruments }, (_, i) => ({
    code: codeOf(i),
    isin: `KR7${codeOf(i)}003`,
    name: `벤치종목${i}`,
    name_full: `벤치종목${i} 보통주`,
    name_en: `Bench ${i}`,
    market: marketOf(i, instruments),
    sector: marketOf(i, instruments) === "KOSPI" ? null : "중견기업부",
    security_group: "주권",
    stock_kind: "보통주",
    par_value: 500,
    listing_date: "2010-01-04",
    shares: 10_000_000,
  }));
  await putInstruments(kv, list);
  // Day chunks, every market's instruments at once (a cross-section is replaced per call, as
  // the collector stores a whole day), 50 days at a time to keep the generator's memory small.
  let bars = 0;
  const series = list.map((x, i) => ({ x, next: walk(i, days.length, 1000 + (i % 500) * 100) }));
  for (let d = 0; d < days.length; d += 50) {
    const slice = days.slice(d, d + 50);
    const chunks = new Map(series.map((s) => [s, s.next(slice)]));
    for (const m of ["KOSPI", "KOSDAQ", "KONEX"] as const) {
      const chunk = series.filter((s) => s.x.market === m).flatMap((s) => chunks.get(s)!);
      await putBars(kv, m, chunk);
      bars += chunk.length;
    }
  }
  // Ten instruments get 2015–2023 too (the 10-year series read).
  for (let y = 2015; y <= 2023; y++) {
    const b = Array.from(
      { length: HISTORY },
      (_, i) =>
        seriesBars(i * 100 + y, tradingDays(y), 1000 + i * 100).map((x) => ({
          ...x,
          code: codeOf(i),
        })),
    ).flat();
    await putBars(kv, marketOf(0, instruments), b); // instruments 0–9 are all KOSPI
    bars += b.length;
  }
  const idx: IndexBar[] = [];
  for (
    const [series, name, base] of [["KOSPI", "코스피", 2600], ["KOSDAQ", "코스닥", 850], [
      "KOSPI",
      "코스피 200",
      350,
    ]] as const
  ) {
    const r = rng(base);
    let close = base;
    for (const date of days) {
      const prev = close;
      close = Math.round(prev * (1 + (r() - 0.5) * 0.03) * 100) / 100;
      idx.push({
        date,
        index_code: indexCode(series, name),
        series,
        name,
        open: prev,
        high: Math.max(prev, close) + 1.5,
        low: Math.min(prev, close) - 1.5,
        close,
        change: Math.round((close - prev) * 100) / 100,
        change_pct: Math.round((close - prev) / prev * 10000) / 100,
        volume: 400_000_000,
        value: 10_000_000_000_000,
        market_cap: 2_000_000_000_000_000,
      });
    }
  }
  await putIndexBars(kv, idx);
  kv.close();
  console.log(JSON.stringify({
    phase: "generate",
    instruments,
    days: days.length,
    bars,
    gen_ms: Math.round(performance.now() - t0),
    kv_mb: Math.round((await Deno.stat(path)).size / 2 ** 20),
    peak_rss_mb: peakRssMb(),
  }));
}

async function exportRun(
  path: string,
  format: "parquet" | "csv",
  from: string,
  to: string,
  breakdown: boolean,
) {
  const kv = await Deno.openKv(path);
  const ctx: JobsContext = {
    kv,
    dart: {} as JobsDart,
    now: () => new Date(),
    sample: false,
    backoffSchedule: [],
    probes: [],
  };
  const req: BacktestExportRequest = {
    market_code: "ALL",
    index_codes: ["KOSPI", "KOSPI200"],
    date_from: from,
    date_to: to,
    include_issues: true,
    output_format: format,
  };
  const job = await createExportJob(kv, req);
  const rssBefore = Math.round(Deno.memoryUsage().rss / 2 ** 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runBacktestExport(ctx, job.job_id);
  const ms = Math.round(performance.now() - t0);
  const cpu = process.cpuUsage(cpu0);
  const done = (await getExportJob(kv, job.job_id))!;
  if (done.status !== "SUCCEEDED") throw new Error(`export ${done.status}: ${done.error}`);
  const peak = peakRssMb();
  // Where the time goes (after the timed run, same process): reading every series alone, and
  // the build without the blob store.
  let parts: Record<string, number> = {};
  if (breakdown) {
    let t = performance.now();
    const list = await listInstruments(kv);
    for (let i = 0; i < list.length; i += 8) {
      await Promise.all(list.slice(i, i + 8).map((x) => getBarColumns(kv, x.code, from, to)));
    }
    const readMs = Math.round(performance.now() - t);
    t = performance.now();
    for await (const f of buildBacktestExport(kv, req)) {
      for await (const _ of f.body) { /* drain */ }
    }
    const buildMs = Math.round(performance.now() - t);
    parts = { read_series_ms: readMs, build_ms: buildMs, store_and_job_ms: ms - buildMs };
  }
  console.log(JSON.stringify({
    phase: "export",
    format,
    export_ms: ms,
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    ...parts,
    peak_rss_mb: peak,
    rss_before_mb: rssBefore,
    files: Object.fromEntries(done.files.map((f) => [f.name, { rows: f.rows, bytes: f.bytes }])),
  }));
  kv.close();
}

async function seriesRun(path: string, runs: number) {
  const kv = await Deno.openKv(path);
  const time = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < 5; i++) await fn();
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await fn();
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    return {
      median_ms: Math.round(median(ms) * 100) / 100,
      p95_ms: Math.round(ms[Math.floor(ms.length * 0.95)] * 100) / 100,
    };
  };
  const bars = (await getBars(kv, SERIES_CODE, "2015-01-01", "2024-12-31")).length;
  const series = await time(() => getBars(kv, SERIES_CODE, "2015-01-01", "2024-12-31"));
  const columns = await time(() => getBarColumns(kv, SERIES_CODE, "2015-01-01", "2024-12-31"));
  const baseline = await time(() => kv.get(keys.barYear(SERIES_CODE, 2024)));
  console.log(JSON.stringify({
    phase: "series",
    code: SERIES_CODE,
    bars,
    runs,
    get_bars: series,
    get_bar_columns: columns,
    baseline_one_kv_get: baseline,
    ratio_to_baseline: Math.round(series.median_ms / baseline.median_ms * 10) / 10,
  }));
  kv.close();
}

async function child(args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "bench/backtest_export.ts", ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`child ${args.join(" ")} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
}

const [mode, ...rest] = Deno.args;
if (mode === "--generate") {
  await generate(rest[0], Number(rest[1]), Number(rest[2]));
} else if (mode === "--export") {
  await exportRun(rest[0], rest[1] as "parquet" | "csv", rest[2], rest[3], rest[4] === "1");
} else if (mode === "--series") {
  await seriesRun(rest[0], Number(rest[1]));
} else {
  const instruments = Number(Deno.args[0] ?? 2700);
  const nDays = Number(Deno.args[1] ?? 250);
  const runs = Number(Deno.args[2] ?? 3);
  const days = exportDays(nDays);
  const dir = await Deno.makeTempDir({ prefix: "kdesk-bench-export-" });
  try {
    const kvPath = `${dir}/kv.sqlite`;
    console.error(`generating ${instruments} × ${days.length} into ${kvPath}`);
    const gen = await child(["--generate", kvPath, String(instruments), String(nDays)]);
    console.log(JSON.stringify(gen));
    const results: Record<string, unknown>[] = [];
    for (const format of [...Array(runs).fill("parquet"), "csv"]) {
      const copy = `${dir}/run.sqlite`;
      for (const suffix of ["", "-shm", "-wal"]) {
        await Deno.remove(copy + suffix).catch(() => {});
      }
      await Deno.copyFile(kvPath, copy);
      console.error(`export ${format} run ${results.length + 1}`);
      const r = await child([
        "--export",
        copy,
        format,
        days[0],
        days[days.length - 1],
        results.length === 0 ? "1" : "0",
      ]);
      console.log(JSON.stringify(r));
      results.push(r);
    }
    const series = await child(["--series", kvPath, "200"]);
    console.log(JSON.stringify(series));
    const pq = results.filter((r) => r.format === "parquet");
    const files = pq[0].files as Record<string, { rows: number; bytes: number }>;
    console.log(JSON.stringify({
      bench: "backtest_export",
      instruments,
      days: days.length,
      daily_rows: files["instrument_daily.parquet"].rows,
      gen_ms: gen.gen_ms,
      export_ms: pq.map((r) => r.export_ms),
      export_median_ms: median(pq.map((r) => r.export_ms as number)),
      export_cpu_ms: pq.map((r) => r.cpu_ms),
      peak_rss_mb: pq.map((r) => r.peak_rss_mb),
      csv_export_ms: results.find((r) => r.format === "csv")?.export_ms,
      csv_peak_rss_mb: results.find((r) => r.format === "csv")?.peak_rss_mb,
      series_median_ms: (series.get_bars as { median_ms: number }).median_ms,
      series_baseline_ms: (series.baseline_one_kv_get as { median_ms: number }).median_ms,
    }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
