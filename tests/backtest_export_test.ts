/**
 * Backtest exports (issue #6): a generated market (30 instruments × 60 days, a halted
 * stock, a late listing, two indices, quality issues) in an in-memory KV; POST → 202 →
 * the queued job → SUCCEEDED; the files read back by an independent reader (DuckDB) match
 * what the market API serves (row counts, column types, Σ close, null opens); manifest
 * SHA-256 = the downloaded bytes; CSV round-trip; EXPORT_DIR; bad input; failures; redelivery;
 * the /exports page; deleting an export (admin) and the sweep of dead workers' leftovers.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { openApiValidator } from "./helpers/contract.ts";
import type { Hono } from "hono";
import { loadConfig } from "../config.ts";
import { csvField, csvTableWriter } from "../lib/export/csv.ts";
import { parquetTableWriter, tableBytes } from "../lib/export/parquet.ts";
import { addYears, issueDay } from "../lib/export/backtest.ts";
import {
  deleteBacktestExport,
  runBacktestExport,
  sweepExports,
} from "../lib/jobs/backtest_export.ts";
import type { BacktestExportMsg } from "../lib/jobs/messages.ts";
import {
  handleMessage,
  type JobsContext,
  type JobsDart,
  startQueueListener,
} from "../lib/jobs/runtime.ts";
import { configureLog } from "../lib/log.ts";
import {
  type DailyBar,
  type IndexBar,
  indexCode,
  type Instrument,
  type KrxMarket,
} from "../lib/market/model.ts";
import {
  type BlobMeta,
  getBlob,
  getBlobMeta,
  listBlobRefs,
  listOwnedBlobs,
  putBlobStream,
  sha256Hex,
} from "../lib/store/blobs.ts";
import {
  exportBlobOwner,
  type ExportJob,
  getExportJob,
  listExportJobs,
  markExportDeleting,
} from "../lib/store/exports.ts";
import { keys } from "../lib/store/keys.ts";
import { putBars, putIndexBars, putInstruments } from "../lib/store/market.ts";
import { addIssues } from "../lib/store/quality.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { getRun } from "../lib/store/runs.ts";
import { createApp } from "../routes/app.ts";
import { runScheduled } from "../cron/handlers.ts";
import { crashingKv, wrapAtomics } from "./helpers/kv.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

configureLog({ level: "error", sink: () => {} });

const BASE = "/api/v1/backtest/exports";

/** Weekdays from `from` (inclusive), `n` of them. */
function weekdays(from: string, n: number): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); out.length < n; t += 86400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

const DAYS = weekdays("2024-01-02", 60);
const FROM = DAYS[0], TO = DAYS[DAYS.length - 1];
const HALTED = "010021"; // i = 3: halted on days 10–14
const LATE = "010035"; // i = 5: listed on day 20
const QUOTED = "010049"; // i = 7: a name with a quote and a comma
const NO_BARS = "999990";

/** Codes with a leading zero, like most KRX codes (005930). */
const codeOf = (i: number) => String(10000 + i * 7).padStart(6, "0");
const marketOf = (i: number): KrxMarket => (i < 20 ? "KOSPI" : i < 28 ? "KOSDAQ" : "KONEX");

function instrument(i: number): Instrument {
  const code = codeOf(i);
  return {
    code,
    isin: `KR7${code}00${i % 10}`.padEnd(12, "0").slice(0, 12),
    name: code === QUOTED ? '가나"다,라' : `테스트${i}`,
    name_full: `테스트${i} 보통주`,
    name_en: i % 2 ? `Test ${i}` : null,
    market: marketOf(i),
    sector: marketOf(i) === "KOSPI" ? null : "중견기업부",
    security_group: "주권",
    stock_kind: "보통주",
    par_value: i === 9 ? null : i === 11 ? 0.5 : 500,
    listing_date: code === LATE ? DAYS[20] : "2010-05-03",
    shares: 1_000_000 + i * 1000,
  };
}

function bars(i: number): DailyBar[] {
  const code = codeOf(i);
  const shares = 1_000_000 + i * 1000;
  return DAYS.flatMap((date, d): DailyBar[] => {
    if (code === LATE && d < 20) return [];
    const close = 1000 + i * 137 + ((d * 31 + i * 17) % 200) - 100;
    const halted = code === HALTED && d >= 10 && d < 15;
    const volume = halted ? 0 : 1000 + ((d * 13 + i) % 500) * 10;
    return [{
      date,
      code,
      open: halted ? null : close - 5,
      high: halted ? null : close + 20,
      low: halted ? null : close - 30,
      close,
      change: ((d * 7 + i) % 41) - 20,
      change_pct: Math.round((((d * 7 + i) % 41) - 20) / close * 10000) / 100,
      volume,
      value: halted ? 0 : close * volume,
      market_cap: close * shares,
      shares,
    }];
  });
}

function indexBars(series: "KOSPI" | "KOSDAQ", name: string, base: number): IndexBar[] {
  return DAYS.map((date, d) => {
    const close = Math.round((base + d * 1.37 + (d % 5) * 0.11) * 100) / 100;
    return {
      date,
      index_code: indexCode(series, name),
      series,
      name,
      open: close - 1.5,
      high: close + 3.25,
      low: close - 4.75,
      close,
      change: 1.37,
      change_pct: 0.05,
      volume: 300_000_000 + d,
      value: 9_000_000_000_000 + d,
      market_cap: 2_000_000_000_000_000 + d,
    };
  });
}

/** Loads the generated market into `kv`. */
async function loadMarket(kv: Deno.Kv): Promise<void> {
  const all = Array.from({ length: 30 }, (_, i) => i);
  await putInstruments(kv, [...all.map(instrument), {
    ...instrument(0),
    code: NO_BARS,
    isin: null,
    name: "상장폐지",
  }]);
  for (const m of ["KOSPI", "KOSDAQ", "KONEX"] as const) {
    await putBars(kv, m, all.filter((i) => marketOf(i) === m).flatMap(bars));
  }
  await putIndexBars(kv, [
    ...indexBars("KOSPI", "코스피", 2500.12),
    ...indexBars("KOSDAQ", "코스닥", 850.5),
  ]);
  await addIssues(kv, [
    {
      code: "KRX_EMPTY_DAY",
      severity: "WARN",
      source: "krx",
      subject: DAYS[3],
      message: "a message, with a comma",
      run_id: null,
    },
    {
      code: "KRX_FORMAT",
      severity: "ERROR",
      source: "datakrx",
      subject: `KOSPI:${DAYS[7].replaceAll("-", "")}`,
      message: "flows changed",
      run_id: null,
    },
    {
      code: "KRX_EMPTY_DAY",
      severity: "WARN",
      source: "krx",
      subject: "2023-06-01",
      message: "out of range",
      run_id: null,
    },
    {
      code: "DART_GAP",
      severity: "WARN",
      source: "dart",
      subject: DAYS[5],
      message: "not KRX",
      run_id: null,
    },
  ]);
}

interface Rig {
  app: Hono;
  kv: Deno.Kv;
  ctx: JobsContext;
  exportDir: string;
  close(): Promise<void>;
}

async function rig(opts: { jobs?: boolean; adminToken?: string } = {}): Promise<Rig> {
  const kv = await Deno.openKv(":memory:");
  await loadMarket(kv);
  const exportDir = await Deno.makeTempDir({ prefix: "kdesk-export-test-" });
  const config = loadConfig({
    KDESK_KV_PATH: ":memory:",
    KDESK_SAMPLE: "off",
    EXPORT_DIR: exportDir,
    ...(opts.adminToken ? { ADMIN_TOKEN: opts.adminToken } : {}),
  });
  const ctx: JobsContext = {
    kv,
    dart: {} as JobsDart,
    now: () => new Date(),
    sample: false,
    backoffSchedule: [],
    probes: [],
  };
  const snapshots = new SnapshotCache(kv);
  const app = createApp({
    kv,
    config,
    snapshots,
    islandBundle: null,
    ...(opts.jobs === false ? {} : { jobs: ctx }),
  });
  return {
    app,
    kv,
    ctx,
    exportDir,
    close: async () => {
      await snapshots.close();
      kv.close();
      await Deno.remove(exportDir, { recursive: true });
    },
  };
}

const post = (app: Hono, body: unknown) =>
  app.request(BASE, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** The message the POST queued (the same shape enqueue stamps). */
const message = (jobId: string): BacktestExportMsg => ({
  kind: "backtest_export",
  job_id: jobId,
  key: `backtest_export:${jobId}`,
  run_id: null,
  id: crypto.randomUUID(),
  enqueued_at: new Date().toISOString(),
});

async function json(res: Response, status: number, type = "application/json"): Promise<Json> {
  assert.equal(res.status, status, `${res.url} status`);
  assert.match(res.headers.get("content-type") ?? "", new RegExp(`^${type.replace("+", "\\+")}`));
  return await res.json();
}

/** Runs `fn` with a DuckDB connection, closed afterwards. */
async function withDuck<T>(
  fn: (q: (sql: string) => Promise<Record<string, Json>[]>) => Promise<T>,
): Promise<T> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    return await fn(async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson());
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function download(app: Hono, url: string): Promise<{ bytes: Uint8Array; res: Response }> {
  const res = await app.request(url);
  assert.equal(res.status, 200, url);
  return { bytes: new Uint8Array(await res.arrayBuffer()), res };
}

/**
 * The blob store's state: stored hashes, unfinished uploads, and upload ids whose parts no
 * blob uses (what a job that failed midway must not leave behind).
 */
async function blobState(kv: Deno.Kv) {
  const metas: BlobMeta[] = [];
  for await (const e of kv.list<BlobMeta>({ prefix: keys.blobPrefix() })) metas.push(e.value);
  const uploads: string[] = [];
  for await (const e of kv.list({ prefix: keys.blobUploadPrefix() })) {
    uploads.push(String(e.key[1]));
  }
  const partUploads = new Set<string>();
  for await (const e of kv.list({ prefix: keys.blobPartPrefix() })) {
    partUploads.add(String(e.key[1]));
  }
  const used = new Set(metas.map((m) => m.upload));
  return {
    hashes: metas.map((m) => m.hash).sort(),
    uploads,
    orphanParts: [...partUploads].filter((u) => !used.has(u)),
  };
}

/** What the market API serves for a market over the export range (all days). */
async function apiTotals(app: Hono, market: KrxMarket | "ALL") {
  let rows = 0, close = 0, nullOpen = 0;
  for (const d of DAYS) {
    const qs = market === "ALL" ? "" : `?market=${market}`;
    const body = await json(await app.request(`/api/v1/market/days/${d}${qs}`), 200);
    for (const b of body.bars as DailyBar[]) {
      rows++;
      close += b.close ?? 0;
      if (b.open === null) nullOpen++;
    }
  }
  return { rows, close, nullOpen };
}

Deno.test("[backtest] parquet export: POST 202 → queued job → SUCCEEDED; DuckDB reads what the API serves; manifest sha256; EXPORT_DIR", async () => {
  const t = await rig();
  try {
    const check = await openApiValidator(t.app);
    const res = await post(t.app, {
      market_code: "KOSPI",
      index_codes: ["KOSPI", "KOSDAQ"],
      date_from: FROM,
      date_to: TO,
    });
    const created = await json(res, 202);
    check("post", BASE, 202, created);
    assert.equal(created.status, "PENDING");
    const id: string = created.job_id;
    assert.equal(res.headers.get("location"), `${BASE}/${id}`);
    assert.equal(created.links.self, `${BASE}/${id}`);

    const pending = await json(await t.app.request(`${BASE}/${id}`), 200);
    check("get", `${BASE}/{job_id}`, 200, pending);
    assert.equal(pending.status, "PENDING");
    assert.equal(pending.progress, 0);
    assert.equal(pending.output_format, "parquet", "default format");
    assert.equal(pending.include_issues, false, "default include_issues");
    const early = await json(
      await t.app.request(`${BASE}/${id}/manifest`),
      409,
      "application/problem+json",
    );
    assert.match(early.detail, /PENDING/);

    // The queue delivers the message: the real handler runs it.
    assert.equal(await handleMessage(t.ctx, message(id)), "done");

    const job = await json(await t.app.request(`${BASE}/${id}`), 200);
    check("get", `${BASE}/{job_id}`, 200, job);
    assert.equal(job.status, "SUCCEEDED");
    assert.equal(job.progress, 100);
    assert.equal(job.error, null);
    assert.equal(job.attempts, 1);
    const kospi = await apiTotals(t.app, "KOSPI");
    assert.deepEqual(job.rows, {
      "instruments.parquet": 20,
      "instrument_daily.parquet": kospi.rows,
      "benchmark_index_daily.parquet": 120,
    });
    assert.equal(kospi.rows, 20 * 60 - 20, "the late listing has 40 days");
    assert.equal(kospi.nullOpen, 5, "the halted stock");

    const list = await json(await t.app.request(`${BASE}?limit=5`), 200);
    check("get", BASE, 200, list);
    assert.equal(list.items[0].job_id, id);

    // Manifest: sha256 and sizes of the downloaded bytes.
    const manifest = await json(await t.app.request(`${BASE}/${id}/manifest`), 200);
    check("get", `${BASE}/{job_id}/manifest`, 200, manifest);
    assert.deepEqual(
      { ...manifest, files: undefined, created_at: undefined, finished_at: undefined },
      {
        job_id: id,
        market_code: "KOSPI",
        date_from: FROM,
        date_to: TO,
        index_codes: ["KOSPI", "KOSDAQ"],
        include_issues: false,
        output_format: "parquet",
        files: undefined,
        created_at: undefined,
        finished_at: undefined,
      },
    );
    assert.deepEqual(manifest.files.map((f: Json) => f.name), [
      "instruments.parquet",
      "instrument_daily.parquet",
      "benchmark_index_daily.parquet",
    ]);
    const dir = await Deno.makeTempDir({ prefix: "kdesk-export-read-" });
    try {
      const paths: Record<string, string> = {};
      for (const f of manifest.files) {
        const { bytes, res } = await download(t.app, `${BASE}/${id}/files/${f.name}`);
        assert.equal(res.headers.get("content-type"), "application/vnd.apache.parquet");
        assert.match(res.headers.get("content-disposition") ?? "", /^attachment; filename="/);
        assert.equal(res.headers.get("etag"), `"${f.sha256}"`);
        assert.equal(bytes.length, f.bytes);
        assert.equal(await sha256Hex(bytes), f.sha256, `${f.name} sha256`);
        paths[f.name] = `${dir}/${f.name}`;
        await Deno.writeFile(paths[f.name], bytes);
        // The same file in EXPORT_DIR.
        const onDisk = await Deno.readFile(`${t.exportDir}/${id}/${f.name}`);
        assert.equal(await sha256Hex(onDisk), f.sha256, `${f.name} in EXPORT_DIR`);
      }
      const again = await t.app.request(`${BASE}/${id}/files/instruments.parquet`, {
        headers: { "if-none-match": `"${manifest.files[0].sha256}"` },
      });
      assert.equal(again.status, 304);
      await again.body?.cancel();
      const dirManifest = JSON.parse(
        await Deno.readTextFile(`${t.exportDir}/${id}/manifest.json`),
      );
      assert.deepEqual(dirManifest, manifest, "manifest.json = the API's manifest");
      const entries = [...Deno.readDirSync(t.exportDir)].map((e) => e.name);
      assert.deepEqual(entries, [id], "no partial directory left");

      // An independent reader: DuckDB.
      const daily = paths["instrument_daily.parquet"];
      await withDuck(async (q) => {
        const types = Object.fromEntries(
          (await q(`DESCRIBE SELECT * FROM '${daily}'`)).map((r) => [r.column_name, r.column_type]),
        );
        assert.deepEqual(types, {
          date: "DATE",
          code: "VARCHAR",
          market: "VARCHAR",
          open: "BIGINT",
          high: "BIGINT",
          low: "BIGINT",
          close: "BIGINT",
          change: "BIGINT",
          change_pct: "DOUBLE",
          volume: "BIGINT",
          value: "BIGINT",
          market_cap: "BIGINT",
          shares: "BIGINT",
        });
        const [agg] = await q(
          `SELECT count(*) AS n, sum(close) AS close, count(*) FILTER (WHERE open IS NULL) AS null_open,
                  count(DISTINCT code) AS codes, min(date)::VARCHAR AS first, max(date)::VARCHAR AS last,
                  count(*) FILTER (WHERE market <> 'KOSPI') AS other_market
           FROM '${daily}'`,
        );
        assert.equal(Number(agg.n), kospi.rows, "count(*) = rows the API serves");
        assert.equal(Number(agg.close), kospi.close, "Σ close = the API's");
        assert.equal(Number(agg.null_open), kospi.nullOpen, "null opens preserved");
        assert.equal(Number(agg.codes), 20);
        assert.deepEqual([agg.first, agg.last], [FROM, TO]);
        assert.equal(Number(agg.other_market), 0);
        // Sorted by code, then date.
        const [order] = await q(
          `SELECT count(*) AS bad FROM (
             SELECT code, date, lag(code) OVER w AS pc, lag(date) OVER w AS pd
             FROM read_parquet('${daily}', file_row_number = true)
             WINDOW w AS (ORDER BY file_row_number))
           WHERE pc > code OR (pc = code AND pd >= date)`,
        );
        assert.equal(Number(order.bad), 0, "rows sorted by code, date");
        // One instrument row by row against the instrument API (the halted one).
        const api = await json(
          await t.app.request(`/api/v1/market/instruments/${HALTED}/daily?from=${FROM}&to=${TO}`),
          200,
        );
        const rows = await q(
          `SELECT date::VARCHAR AS date, code, open, high, low, close, change, change_pct, volume,
                  value, market_cap, shares
           FROM '${daily}' WHERE code = '${HALTED}' ORDER BY date`,
        );
        const num = (v: Json) => (v === null ? null : Number(v));
        assert.deepEqual(
          rows.map((r) => ({
            date: r.date,
            code: r.code,
            open: num(r.open),
            high: num(r.high),
            low: num(r.low),
            close: num(r.close),
            change: num(r.change),
            change_pct: num(r.change_pct),
            volume: num(r.volume),
            value: num(r.value),
            market_cap: num(r.market_cap),
            shares: num(r.shares),
          })),
          api.bars,
        );

        // instruments: those with bars in the range, with their coverage.
        const inst = paths["instruments.parquet"];
        const itypes = Object.fromEntries(
          (await q(`DESCRIBE SELECT * FROM '${inst}'`)).map((r) => [r.column_name, r.column_type]),
        );
        assert.equal(itypes.listing_date, "DATE");
        assert.equal(itypes.par_value, "DOUBLE");
        assert.equal(itypes.bars, "INTEGER");
        assert.equal(itypes.shares, "BIGINT");
        const irows = await q(
          `SELECT code, name, bars, first_date::VARCHAR AS first_date, par_value FROM '${inst}' ORDER BY code`,
        );
        assert.equal(irows.length, 20);
        assert.ok(!irows.some((r) => r.code === NO_BARS), "no bars in the range: not listed");
        const late = irows.find((r) => r.code === LATE)!;
        assert.deepEqual([late.bars, late.first_date], [40, DAYS[20]]);
        assert.equal(irows.find((r) => r.code === QUOTED)!.name, '가나"다,라');
        assert.equal(irows.find((r) => r.code === codeOf(9))!.par_value, null);
        assert.equal(irows.find((r) => r.code === codeOf(11))!.par_value, 0.5);
        const [sumBars] = await q(`SELECT sum(bars) AS n FROM '${inst}'`);
        assert.equal(Number(sumBars.n), kospi.rows);

        // Benchmarks: Σ close per index = the index API's.
        const bench = paths["benchmark_index_daily.parquet"];
        const btypes = Object.fromEntries(
          (await q(`DESCRIBE SELECT * FROM '${bench}'`)).map((r) => [r.column_name, r.column_type]),
        );
        assert.equal(btypes.close, "DOUBLE");
        assert.equal(btypes.volume, "BIGINT");
        for (const code of ["KOSPI", "KOSDAQ"]) {
          const api = await json(
            await t.app.request(`/api/v1/market/indices/${code}/daily?from=${FROM}&to=${TO}`),
            200,
          );
          const want = (api.bars as IndexBar[]).reduce((s, b) => s + (b.close ?? 0), 0);
          const [got] = await q(
            `SELECT count(*) AS n, sum(close) AS s FROM '${bench}' WHERE index_code = '${code}'`,
          );
          assert.equal(Number(got.n), api.bars.length);
          assert.ok(Math.abs(Number(got.s) - want) < 1e-6, `${code}: Σ close ${got.s} vs ${want}`);
        }
        const [meta] = await q(
          `SELECT decode(value) AS v FROM parquet_kv_metadata('${daily}') WHERE decode(key) = 'kdesk.table'`,
        );
        assert.equal(meta.v, "instrument_daily");
        // Layout: integers delta-encoded; min/max statistics on the key columns only.
        const chunks = Object.fromEntries(
          (await q(
            `SELECT path_in_schema AS col, encodings, stats_min_value IS NOT NULL AS stats,
                    compression
             FROM parquet_metadata('${daily}') WHERE row_group_id = 0`,
          )).map((r) => [r.col, r]),
        );
        assert.match(chunks.close.encodings, /DELTA_BINARY_PACKED/);
        assert.equal(chunks.close.compression, "SNAPPY");
        assert.deepEqual(
          ["date", "code", "market", "close"].map((c) => chunks[c].stats),
          [true, true, true, false],
        );
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }

    // A redelivered message changes nothing.
    assert.equal(await handleMessage(t.ctx, message(id)), "skipped");
    await runBacktestExport(t.ctx, id);
    const after = (await getExportJob(t.kv, id))!;
    assert.equal(after.attempts, 1);
    assert.equal(after.finished_at, job.finished_at);
  } finally {
    await t.close();
  }
});

Deno.test("[backtest] CSV export of ALL with issues through the real queue listener; DuckDB read_csv round-trip", async () => {
  const t = await rig();
  const listener = startQueueListener(t.ctx);
  try {
    const created = await json(
      await post(t.app, {
        market_code: "ALL",
        index_codes: ["KOSDAQ"],
        date_from: FROM,
        date_to: TO,
        include_issues: true,
        output_format: "csv",
      }),
      202,
    );
    const id = created.job_id;
    let job: Json = null;
    for (let i = 0; i < 200; i++) {
      job = await json(await t.app.request(`${BASE}/${id}`), 200);
      if (job.status === "SUCCEEDED" || job.status === "FAILED") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(job.status, "SUCCEEDED", JSON.stringify(job.error));
    const all = await apiTotals(t.app, "ALL");
    assert.deepEqual(job.rows, {
      "instruments.csv": 30,
      "instrument_daily.csv": all.rows,
      "benchmark_index_daily.csv": 60,
      "data_quality_issues.csv": 2,
    });
    const dir = await Deno.makeTempDir({ prefix: "kdesk-export-csv-" });
    try {
      const paths: Record<string, string> = {};
      for (const f of job.files) {
        const { bytes, res } = await download(t.app, f.url);
        assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
        assert.equal(await sha256Hex(bytes), f.sha256);
        paths[f.name] = `${dir}/${f.name}`;
        await Deno.writeFile(paths[f.name], bytes);
      }
      const text = await Deno.readTextFile(paths["instrument_daily.csv"]);
      assert.ok(
        text.startsWith(
          "date,code,market,open,high,low,close,change,change_pct,volume,value,market_cap,shares\r\n",
        ),
      );
      assert.match(text, new RegExp(`\\r\\n${DAYS[10]},${HALTED},KOSPI,,,,\\d+,`), "null = empty");
      const instText = await Deno.readTextFile(paths["instruments.csv"]);
      assert.ok(instText.includes(`${QUOTED},KR7`), "code then isin");
      assert.ok(instText.includes(',"가나""다,라",'), "RFC 4180 quoting");

      await withDuck(async (q) => {
        const daily = paths["instrument_daily.csv"];
        const [agg] = await q(
          `SELECT count(*) AS n, sum(close) AS close, count(*) FILTER (WHERE open IS NULL) AS null_open,
                  count(DISTINCT market) AS markets
           FROM read_csv('${daily}', header = true)`,
        );
        assert.equal(Number(agg.n), all.rows);
        assert.equal(Number(agg.close), all.close);
        assert.equal(Number(agg.null_open), all.nullOpen);
        assert.equal(Number(agg.markets), 3);
        const types = Object.fromEntries(
          (await q(`DESCRIBE SELECT * FROM read_csv('${daily}', header = true)`))
            .map((r) => [r.column_name, r.column_type]),
        );
        assert.equal(types.date, "DATE");
        assert.equal(types.close, "BIGINT");
        // DuckDB keeps zero-padded codes as text; other readers (pandas) and codes without a
        // leading zero need the column's type named, which keeps every code intact:
        assert.equal(types.code, "VARCHAR");
        const [codes] = await q(
          `SELECT min(code) AS first, count(DISTINCT code) AS n
           FROM read_csv('${daily}', header = true, types = {'code': 'VARCHAR'})`,
        );
        assert.deepEqual(codes, { first: "010000", n: "30" });
        const inst = await q(
          `SELECT name FROM read_csv('${paths["instruments.csv"]}', header = true,
             types = {'code': 'VARCHAR'}) WHERE code = '${QUOTED}'`,
        );
        assert.deepEqual(inst, [{ name: '가나"다,라' }]);
        const issues = await q(
          `SELECT date::VARCHAR AS date, source, code, message
           FROM read_csv('${paths["data_quality_issues.csv"]}', header = true) ORDER BY date`,
        );
        assert.deepEqual(issues, [
          {
            date: DAYS[3],
            source: "krx",
            code: "KRX_EMPTY_DAY",
            message: "a message, with a comma",
          },
          { date: DAYS[7], source: "datakrx", code: "KRX_FORMAT", message: "flows changed" },
        ]);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    await t.close();
    await listener;
  }
});

Deno.test("[backtest] progress: RUNNING with progress 0–99 (non-decreasing), then SUCCEEDED at 100", async () => {
  const t = await rig();
  try {
    const { job_id: id } = await json(
      await post(t.app, { market_code: "ALL", date_from: FROM, date_to: TO }),
      202,
    );
    const seen: { status: string; progress: number }[] = [];
    let done = false;
    const run = runBacktestExport(t.ctx, id, { progressEveryMs: 0, batchRows: 200 })
      .finally(() => (done = true));
    while (!done) {
      const j = (await getExportJob(t.kv, id))!;
      seen.push({ status: j.status, progress: j.progress });
      await new Promise((r) => setTimeout(r, 0));
    }
    await run;
    const final = await json(await t.app.request(`${BASE}/${id}`), 200);
    assert.equal(final.status, "SUCCEEDED");
    assert.equal(final.progress, 100);
    const running = seen.filter((s) => s.status === "RUNNING");
    assert.ok(running.length >= 3, `saw RUNNING ${running.length} times`);
    assert.ok(running.some((s) => s.progress > 0 && s.progress < 100));
    for (let i = 1; i < running.length; i++) {
      assert.ok(running[i].progress >= running[i - 1].progress, "progress never goes back");
    }
    assert.ok(running.every((s) => s.progress <= 99));

    // Small batches: instrument_daily streamed out as many row groups, each handed on as it
    // was written; the footer's offsets still point at them (DuckDB reads every row back).
    const { bytes } = await download(t.app, `${BASE}/${id}/files/instrument_daily.parquet`);
    const dir = await Deno.makeTempDir({ prefix: "kdesk-export-groups-" });
    try {
      await Deno.writeFile(`${dir}/d.parquet`, bytes);
      const all = await apiTotals(t.app, "ALL");
      await withDuck(async (q) => {
        const [groups] = await q(
          `SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata('${dir}/d.parquet')`,
        );
        assert.ok(Number(groups.n) >= 5, `${groups.n} row groups`);
        const [agg] = await q(
          `SELECT count(*) AS n, sum(close) AS close, count(*) FILTER (WHERE open IS NULL) AS nulls
           FROM '${dir}/d.parquet'`,
        );
        assert.deepEqual(
          [Number(agg.n), Number(agg.close), Number(agg.nulls)],
          [all.rows, all.close, all.nullOpen],
        );
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    await t.close();
  }
});

Deno.test("[backtest] bad input is a 400 problem; unknown jobs and files are 404; no queue is 503", async () => {
  const t = await rig();
  try {
    const check = await openApiValidator(t.app);
    const ok = { market_code: "KOSPI", date_from: FROM, date_to: TO };
    const cases: [unknown, RegExp][] = [
      [{ ...ok, market_code: "NYSE" }, /market_code/],
      [{ ...ok, date_from: TO, date_to: FROM }, /date_to: must not be before date_from/],
      [{ ...ok, date_from: "2000-01-03", date_to: "2020-01-04" }, /at most 20 years/],
      [{ ...ok, date_from: "2024-02-30" }, /date_from: is not a calendar date/],
      [{ ...ok, date_to: "20240105" }, /date_to: must be YYYY-MM-DD/],
      [{ ...ok, output_format: "xlsx" }, /output_format/],
      [{ ...ok, include_issues: "yes" }, /include_issues/],
      [{ ...ok, index_codes: ["KOSPI", "KOSPI"] }, /index_codes: lists a code twice/],
      [{ ...ok, format: "csv" }, /format/],
      [{ market_code: "KOSPI" }, /date_from/],
      ["{not json", /must be JSON/],
    ];
    for (const [body, re] of cases) {
      const p = await json(await post(t.app, body), 400, "application/problem+json");
      check("post", BASE, 400, p);
      assert.match(p.detail, re, JSON.stringify(body));
    }
    // Exactly 20 years is allowed.
    assert.equal(addYears("2004-02-29", 20), "2024-02-29");
    assert.equal(addYears("2024-02-29", 1), "2025-02-28");
    const edge = await post(t.app, { ...ok, date_from: "2004-01-05", date_to: "2024-01-05" });
    assert.equal(edge.status, 202);
    await edge.body?.cancel();

    const unknown = await json(
      await post(t.app, { ...ok, index_codes: ["KOSPI", "NIKKEI225"] }),
      400,
      "application/problem+json",
    );
    assert.match(unknown.detail, /Unknown index code NIKKEI225\. Known codes: KOSDAQ, KOSPI/);
    assert.deepEqual(unknown.errors, [
      { path: "index_codes", message: "unknown index code NIKKEI225" },
    ]);

    const missing = "17000000000000000abcdef";
    for (
      const url of [
        `${BASE}/${missing}`,
        `${BASE}/${missing}/manifest`,
        `${BASE}/${missing}/files/instruments.parquet`,
      ]
    ) {
      const p = await json(await t.app.request(url), 404, "application/problem+json");
      assert.match(p.detail, /No backtest export/);
    }
    check("get", `${BASE}/{job_id}`, 404, await (await t.app.request(`${BASE}/${missing}`)).json());
    const badId = await json(await t.app.request(`${BASE}/nope`), 400, "application/problem+json");
    assert.match(badId.detail, /job_id/);

    const { job_id: id } = await json(await post(t.app, ok), 202);
    await runBacktestExport(t.ctx, id);
    const noFile = await json(
      await t.app.request(`${BASE}/${id}/files/data_quality_issues.parquet`),
      404,
      "application/problem+json",
    );
    assert.match(noFile.detail, /has no file data_quality_issues\.parquet/);
    const badName = await t.app.request(`${BASE}/${id}/files/..%2Fetc`);
    assert.equal(badName.status, 400);
    await badName.body?.cancel();
  } finally {
    await t.close();
  }
  const noJobs = await rig({ jobs: false });
  try {
    const p = await json(
      await post(noJobs.app, { market_code: "KOSPI", date_from: FROM, date_to: TO }),
      503,
      "application/problem+json",
    );
    assert.match(p.detail, /Jobs are not running/);
    const page = await noJobs.app.request("/exports");
    assert.match(await page.text(), /작업 큐가 실행되지 않아/);
  } finally {
    await noJobs.close();
  }
});

Deno.test("[backtest] a failing build ends FAILED with a clear error and leaves no files", async () => {
  const t = await rig();
  try {
    // An index deleted between the POST and the run.
    const { job_id: a } = await json(
      await post(t.app, {
        market_code: "KOSDAQ",
        index_codes: ["KOSDAQ"],
        date_from: FROM,
        date_to: TO,
      }),
      202,
    );
    await t.kv.delete(keys.indexMeta("KOSDAQ"));
    assert.equal(await handleMessage(t.ctx, message(a)), "done", "not retried: FAILED is final");
    const failed = await json(await t.app.request(`${BASE}/${a}`), 200);
    assert.equal(failed.status, "FAILED");
    assert.match(failed.error, /ExportInputError: unknown index code KOSDAQ; known: KOSPI/);
    assert.deepEqual(failed.files, []);
    assert.equal(failed.links.manifest, null);
    const m = await json(
      await t.app.request(`${BASE}/${a}/manifest`),
      409,
      "application/problem+json",
    );
    assert.match(m.detail, /FAILED: ExportInputError/);

    // Data that does not fit its column type (a fractional 원 price) fails the build.
    await putBars(t.kv, "KOSPI", [{ ...bars(0)[5], close: 1234.5 }]);
    const { job_id: b } = await json(
      await post(t.app, { market_code: "KOSPI", date_from: FROM, date_to: TO }),
      202,
    );
    await runBacktestExport(t.ctx, b);
    const bad = (await getExportJob(t.kv, b))!;
    assert.equal(bad.status, "FAILED");
    assert.match(bad.error!, /column close \(INT64\): 1234\.5 is not a whole number/);
    assert.deepEqual([...Deno.readDirSync(t.exportDir)], [], "no directory for failed jobs");
    const state = await blobState(t.kv);
    assert.deepEqual([state.uploads, state.orphanParts], [[], []], "no upload left behind");
    assert.deepEqual(await listOwnedBlobs(t.kv, exportBlobOwner(b, 1)), []);

    const page = await (await t.app.request("/exports")).text();
    assert.match(page, /실패/);
  } finally {
    await t.close();
  }
});

Deno.test("[backtest] a failed export leaves none of its own blobs behind but keeps those a succeeded export shares", async () => {
  const t = await rig();
  try {
    // CSV files carry no job id, so two exports of the same data share their blobs.
    const req = {
      market_code: "KOSPI",
      index_codes: ["KOSPI"],
      date_from: FROM,
      date_to: TO,
      output_format: "csv",
    };
    const { job_id: ok } = await json(await post(t.app, req), 202);
    await runBacktestExport(t.ctx, ok);
    const okJob = (await getExportJob(t.kv, ok))!;
    assert.equal(okJob.status, "SUCCEEDED");
    const before = await blobState(t.kv);
    for (const f of okJob.files) assert.ok(before.hashes.includes(f.blob), f.name);

    // An issue whose time does not parse: data_quality_issues, the last file, fails, after
    // instrument_daily and instruments (the same bytes as `ok`'s) and benchmark_index_daily
    // (two indices: bytes of its own) were stored.
    await t.kv.set(keys.qualityIssue("99999999999999999ffffff"), {
      id: "99999999999999999ffffff",
      code: "KRX_FORMAT",
      severity: "WARN",
      source: "krx",
      subject: DAYS[4],
      message: "broken",
      run_id: null,
      created_at: "not a time",
    });
    const two = { ...req, index_codes: ["KOSPI", "KOSDAQ"] };
    const { job_id: bad } = await json(await post(t.app, { ...two, include_issues: true }), 202);
    await runBacktestExport(t.ctx, bad);
    const failed = (await getExportJob(t.kv, bad))!;
    assert.equal(failed.status, "FAILED");
    assert.match(failed.error!, /TypeError: column created_at: not a time/);
    const after = await blobState(t.kv);
    assert.deepEqual(after.hashes, before.hashes, "its own blob went, the shared ones stayed");
    assert.deepEqual([after.uploads, after.orphanParts], [[], []]);
    assert.deepEqual(await listOwnedBlobs(t.kv, exportBlobOwner(bad, 1)), []);
    for (const f of okJob.files) {
      assert.deepEqual(await listBlobRefs(t.kv, f.blob), [exportBlobOwner(ok, 1)]);
      const { bytes } = await download(t.app, `${BASE}/${ok}/files/${f.name}`);
      assert.equal(await sha256Hex(bytes), f.sha256, `${f.name} still downloads`);
    }

    // The same export without the issues stores that benchmark file again: the failed job
    // had built it (it failed later) and its blob is gone.
    const { job_id: again } = await json(await post(t.app, two), 202);
    await runBacktestExport(t.ctx, again);
    const againJob = (await getExportJob(t.kv, again))!;
    assert.equal(againJob.status, "SUCCEEDED");
    const bench = againJob.files.find((f) => f.name === "benchmark_index_daily.csv")!;
    assert.ok(!after.hashes.includes(bench.blob), "a new blob");
    for (const f of againJob.files.filter((f) => f !== bench)) {
      assert.deepEqual(
        (await listBlobRefs(t.kv, f.blob)).sort(),
        [exportBlobOwner(again, 1), exportBlobOwner(ok, 1)].sort(),
        `${f.name} is shared by both exports`,
      );
    }
  } finally {
    await t.close();
  }
});

Deno.test("[backtest] redelivery: a fresh RUNNING lease makes the message retry; a stale one is taken over", async () => {
  const t = await rig();
  try {
    const { job_id: id } = await json(
      await post(t.app, { market_code: "KONEX", date_from: FROM, date_to: TO }),
      202,
    );
    const entry = await t.kv.get<ExportJob>(keys.exportJob(id));
    const running: ExportJob = {
      ...entry.value!,
      status: "RUNNING",
      progress: 40,
      attempts: 1,
      updated_at: new Date().toISOString(),
    };
    await t.kv.set(keys.exportJob(id), running);
    await assert.rejects(handleMessage(t.ctx, message(id)), /being built by another worker/);

    // The worker died two minutes ago, after storing a file, midway through storing another,
    // with its temporary directory: the redelivered message rebuilds the export.
    const dead = exportBlobOwner(id, 1);
    const leftover = await putBlobStream(
      t.kv,
      ReadableStream.from([new TextEncoder().encode("a file of attempt 1")]),
      "text/csv",
      { owner: dead },
    );
    await t.kv.set(keys.blobUpload("f".repeat(32)), {
      owner: dead,
      content_type: "text/csv",
      started_at: running.updated_at,
    });
    await t.kv.set(keys.blobPart("f".repeat(32), 0), new Uint8Array(100));
    await Deno.mkdir(`${t.exportDir}/${id}.partial-1`);
    await Deno.writeTextFile(`${t.exportDir}/${id}.partial-1/instruments.parquet`, "half");
    await t.kv.set(keys.exportJob(id), {
      ...running,
      updated_at: new Date(Date.now() - 120_000).toISOString(),
    });
    assert.equal(await handleMessage(t.ctx, message(id)), "done");
    const job = (await getExportJob(t.kv, id))!;
    assert.equal(job.status, "SUCCEEDED");
    assert.equal(job.attempts, 2);
    assert.equal(job.files.find((f) => f.name === "instruments.parquet")!.rows, 2);
    assert.equal(await getBlobMeta(t.kv, leftover.hash), null, "attempt 1's blob is gone");
    const state = await blobState(t.kv);
    assert.deepEqual([state.uploads, state.orphanParts], [[], []], "and its unfinished upload");
    assert.deepEqual(await listOwnedBlobs(t.kv, dead), []);
    const blobs = job.files.map((f) => f.blob).sort();
    assert.deepEqual((await listOwnedBlobs(t.kv, exportBlobOwner(id, 2))).sort(), blobs);
    assert.deepEqual([...Deno.readDirSync(t.exportDir)].map((e) => e.name), [id]);

    // Attempt 2 "dies" just before its SUCCEEDED write, with every file stored: attempt 3
    // builds the same bytes (Parquet files name the job, not the attempt), and releasing
    // attempt 2 keeps them, now held by attempt 3.
    await t.kv.set(
      keys.exportJob(id),
      {
        ...job,
        status: "RUNNING",
        progress: 90,
        files: [],
        finished_at: null,
        updated_at: new Date(Date.now() - 120_000).toISOString(),
      } satisfies ExportJob,
    );
    await runBacktestExport(t.ctx, id); // the redelivered message (not marked done)
    const third = (await getExportJob(t.kv, id))!;
    assert.equal(third.status, "SUCCEEDED");
    assert.equal(third.attempts, 3);
    assert.deepEqual(third.files.map((f) => f.blob).sort(), blobs, "the same bytes");
    assert.deepEqual(await listOwnedBlobs(t.kv, exportBlobOwner(id, 2)), []);
    for (const f of third.files) {
      assert.deepEqual(await listBlobRefs(t.kv, f.blob), [exportBlobOwner(id, 3)]);
      assert.equal(await sha256Hex((await getBlob(t.kv, f.blob))!), f.sha256);
    }
  } finally {
    await t.close();
  }
});

/**
 * `kv` as one worker sees it, where another worker takes job `id` over (a redelivery after a
 * stall) just before this worker's first write of `stage`.
 */
function takenOverAt(kv: Deno.Kv, id: string, stage: string): Deno.Kv {
  const jobKey = JSON.stringify(keys.exportJob(id));
  let done = false;
  return wrapAtomics(kv, (op, target) => {
    const set = op.set.bind(op);
    const commit = op.commit.bind(op);
    let write: ExportJob | null = null;
    op.set = (key, value, o) => {
      const job = value as ExportJob;
      if (!done && JSON.stringify(key) === jobKey && job.stage === stage) write = job;
      return set(key, value, o);
    };
    op.commit = async () => {
      if (write) {
        done = true;
        await target.set(keys.exportJob(id), {
          ...write,
          stage: "start",
          attempts: write.attempts + 1,
          updated_at: new Date().toISOString(),
        });
      }
      return await commit();
    };
    return op;
  });
}

Deno.test("[backtest] a worker that loses its lease midway releases the blobs it stored", async () => {
  const t = await rig();
  try {
    const before = await blobState(t.kv);
    const { job_id: id } = await json(
      await post(t.app, {
        market_code: "KOSPI",
        index_codes: ["KOSPI"],
        date_from: FROM,
        date_to: TO,
      }),
      202,
    );
    // instrument_daily and instruments are stored when it learns, at its next write.
    const kv = takenOverAt(t.kv, id, "benchmark_index_daily");
    await runBacktestExport({ ...t.ctx, kv }, id);
    const job = (await getExportJob(t.kv, id))!;
    assert.deepEqual([job.status, job.attempts], ["RUNNING", 2], "the other worker's now");
    assert.deepEqual(await blobState(t.kv), before, "nothing of attempt 1 is left");
    assert.deepEqual(await listOwnedBlobs(t.kv, exportBlobOwner(id, 1)), []);
    assert.deepEqual([...Deno.readDirSync(t.exportDir)], [], "nor its directory");
  } finally {
    await t.close();
  }
});

Deno.test("[backtest] /exports page: form with index checkboxes, POST form → 303, invalid form → 400 page", async () => {
  const t = await rig();
  try {
    const res = await t.app.request("/exports");
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<a href="\/exports" aria-current="page">내보내기<\/a>/);
    assert.match(html, /name="index_codes" value="KOSPI"[^>]*checked/);
    assert.match(html, /name="index_codes" value="KOSDAQ"/);
    assert.match(html, new RegExp(`name="date_to" value="${TO}"`), "default: latest stored day");
    assert.match(html, /아직 내보내기가 없습니다/);

    const form = new URLSearchParams([
      ["market_code", "KOSDAQ"],
      ["index_codes", "KOSPI"],
      ["index_codes", "KOSDAQ"],
      ["date_from", FROM],
      ["date_to", TO],
      ["include_issues", "on"],
      ["output_format", "csv"],
    ]);
    // a same-origin form post (the browser sends Origin with every POST)
    const origin = { origin: "http://localhost" };
    const created = await t.app.request("/exports", {
      method: "POST",
      body: form,
      headers: origin,
    });
    assert.equal(created.status, 303);
    const loc = created.headers.get("location")!;
    const id = /job=(\w+)/.exec(loc)![1];
    const job = (await getExportJob(t.kv, id))!;
    assert.deepEqual(job.request, {
      market_code: "KOSDAQ",
      index_codes: ["KOSPI", "KOSDAQ"],
      date_from: FROM,
      date_to: TO,
      include_issues: true,
      output_format: "csv",
    });
    const pending = await (await t.app.request(loc)).text();
    assert.match(pending, /http-equiv="refresh"/, "reloads while pending");
    assert.match(pending, new RegExp(`data-job="${id}" class="highlight"`));

    await runBacktestExport(t.ctx, id);
    const done = await (await t.app.request(loc)).text();
    assert.doesNotMatch(done, /http-equiv="refresh"/);
    assert.match(done, new RegExp(`href="${BASE}/${id}/files/instrument_daily.csv"`));
    assert.match(done, new RegExp(`href="${BASE}/${id}/manifest"`));

    const bad = await t.app.request("/exports", {
      method: "POST",
      body: new URLSearchParams({ market_code: "KOSPI", date_from: TO, date_to: FROM }),
      headers: origin,
    });
    assert.equal(bad.status, 400);
    const badHtml = await bad.text();
    assert.match(badHtml, /id="err-date_to">종료일이 시작일보다 빠릅니다\./);
    assert.match(badHtml, new RegExp(`name="date_from" value="${TO}"`), "keeps the input");
  } finally {
    await t.close();
  }
});

Deno.test("[backtest] OpenAPI documents the export routes", async () => {
  const t = await rig();
  try {
    const doc: Json = await (await t.app.request("/api/openapi.json")).json();
    assert.ok(doc.paths[BASE].post);
    assert.ok(doc.paths[BASE].get);
    assert.ok(doc.paths[`${BASE}/{job_id}`].get);
    assert.ok(doc.paths[`${BASE}/{job_id}/manifest`].get);
    const file = doc.paths[`${BASE}/{job_id}/files/{name}`].get;
    assert.ok(file.responses["200"].content["application/vnd.apache.parquet"]);
    assert.ok(file.responses["200"].content["text/csv"]);
    for (const id of ["BacktestExportRequest", "BacktestExportJob", "BacktestExportManifest"]) {
      assert.ok(doc.components.schemas[id], id);
    }
    assert.equal(
      doc.paths[`${BASE}/{job_id}/manifest`].get.operationId,
      "getBacktestExportManifest",
    );
  } finally {
    await t.close();
  }
});

Deno.test("[backtest] writers: Parquet nulls and types per column, CSV quoting, issue days", async () => {
  const cols = [
    { name: "d", type: "DATE" as const },
    { name: "s", type: "STRING" as const },
    { name: "i", type: "INT64" as const },
    { name: "n", type: "INT32" as const },
    { name: "x", type: "DOUBLE" as const },
    { name: "t", type: "TIMESTAMP" as const },
  ];
  const batch = {
    rows: 3,
    cols: {
      d: [20240104, null, "2024-02-29"],
      s: ["a", null, ""],
      i: [9_007_199_254_740_991, NaN, -5],
      n: [1, null, -2],
      x: [0.1, NaN, -1e-7],
      t: ["2024-01-04T06:30:00.000Z", null, 0],
    },
  };
  const pqBytes = tableBytes(parquetTableWriter(cols), [batch]);
  const text = new TextDecoder().decode(tableBytes(csvTableWriter(cols), [batch]));
  assert.equal(
    text,
    'd,s,i,n,x,t\r\n2024-01-04,a,9007199254740991,1,0.1,2024-01-04T06:30:00.000Z\r\n,,,,,\r\n2024-02-29,"",-5,-2,-1e-7,1970-01-01T00:00:00.000Z\r\n',
  );
  assert.equal(csvField('a "b"'), '"a ""b"""');
  assert.equal(csvField("x\ny"), '"x\ny"');
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/t.parquet`, pqBytes);
    await Deno.writeFile(`${dir}/empty.parquet`, tableBytes(parquetTableWriter(cols), []));
    await withDuck(async (q) => {
      const rows = await q(
        `SELECT d::VARCHAR AS d, s, i::VARCHAR AS i, n, x, t::VARCHAR AS t FROM '${dir}/t.parquet'`,
      );
      assert.deepEqual(rows, [
        { d: "2024-01-04", s: "a", i: "9007199254740991", n: 1, x: 0.1, t: "2024-01-04 06:30:00" },
        { d: null, s: null, i: null, n: null, x: null, t: null },
        { d: "2024-02-29", s: "", i: "-5", n: -2, x: -1e-7, t: "1970-01-01 00:00:00" },
      ]);
      const [e] = await q(`SELECT count(*) AS n FROM '${dir}/empty.parquet'`);
      assert.equal(Number(e.n), 0);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(
    () =>
      parquetTableWriter([{ name: "c", type: "STRING", required: true }]).write({
        rows: 1,
        cols: { c: [null] },
      }),
    /column c is required but has nulls/,
  );
  assert.throws(
    () => parquetTableWriter([{ name: "c", type: "INT64" }]).write({ rows: 1, cols: { c: [1.5] } }),
    /1\.5 is not a whole number/,
  );
  assert.equal(
    issueDay({ subject: "KOSPI:20240105", created_at: "2024-03-01T00:00:00Z" }),
    "2024-01-05",
  );
  assert.equal(
    issueDay({ subject: "stk_bydd_trd", created_at: "2024-03-01T16:00:00Z" }),
    "2024-03-02",
  );
});

// ---------------------------------------------------------------------------------------
// Deleting an export, and the sweep of what dead workers left
// ---------------------------------------------------------------------------------------

const TOKEN = "export-admin-token-0123456789";

const del = (app: Hono, id: string, token: string | null = TOKEN) =>
  app.request(`${BASE}/${id}`, {
    method: "DELETE",
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

Deno.test("[backtest] DELETE an export (admin): 204, its files 404, its own blobs and directory gone, shared bytes stay", async () => {
  const t = await rig({ adminToken: TOKEN });
  try {
    // CSV files carry no job id: `two` shares every file's bytes with `one` but the benchmark
    // (two indices).
    const req = {
      market_code: "KOSPI",
      index_codes: ["KOSPI"],
      date_from: FROM,
      date_to: TO,
      output_format: "csv",
    };
    const { job_id: one } = await json(await post(t.app, req), 202);
    await runBacktestExport(t.ctx, one);
    const { job_id: two } = await json(
      await post(t.app, { ...req, index_codes: ["KOSPI", "KOSDAQ"] }),
      202,
    );
    await runBacktestExport(t.ctx, two);
    const oneJob = (await getExportJob(t.kv, one))!;
    const twoJob = (await getExportJob(t.kv, two))!;
    assert.deepEqual([oneJob.status, twoJob.status], ["SUCCEEDED", "SUCCEEDED"]);
    const own = twoJob.files.filter((f) => !oneJob.files.some((g) => g.blob === f.blob));
    assert.deepEqual(own.map((f) => f.name), ["benchmark_index_daily.csv"]);
    const before = new Map<string, Uint8Array>();
    for (const f of oneJob.files) {
      before.set(f.name, (await download(t.app, `${BASE}/${one}/files/${f.name}`)).bytes);
    }
    assert.deepEqual(
      [...Deno.readDirSync(t.exportDir)].map((e) => e.name).sort(),
      [one, two].sort(),
    );

    // The admin guard: no token 401, a wrong one 403; nothing is touched.
    const noAuth = await json(await del(t.app, two, null), 401, "application/problem+json");
    assert.match(noAuth.detail, /Admin token required/);
    await json(await del(t.app, two, "wrong-token"), 403, "application/problem+json");
    assert.equal((await getExportJob(t.kv, two))!.status, "SUCCEEDED");
    assert.equal((await getExportJob(t.kv, two))!.deleting_at, undefined);

    const res = await del(t.app, two);
    assert.equal(res.status, 204);
    assert.equal(await res.text(), "");
    assert.equal(await getExportJob(t.kv, two), null, "the record is gone");
    await json(await t.app.request(`${BASE}/${two}`), 404, "application/problem+json");
    await json(await t.app.request(`${BASE}/${two}/manifest`), 404, "application/problem+json");
    for (const f of twoJob.files) {
      await json(
        await t.app.request(`${BASE}/${two}/files/${f.name}`),
        404,
        "application/problem+json",
      );
    }
    assert.ok(!(await listExportJobs(t.kv)).some((j) => j.job_id === two));
    for (const f of own) assert.equal(await getBlobMeta(t.kv, f.blob), null, `${f.name} is gone`);
    assert.deepEqual(await listOwnedBlobs(t.kv, exportBlobOwner(two, 1)), []);
    for (const f of oneJob.files) {
      assert.deepEqual(await listBlobRefs(t.kv, f.blob), [exportBlobOwner(one, 1)]);
      const { bytes } = await download(t.app, `${BASE}/${one}/files/${f.name}`);
      assert.deepEqual(bytes, before.get(f.name), `${f.name} of the other export is intact`);
    }
    const state = await blobState(t.kv);
    assert.deepEqual(state.hashes, oneJob.files.map((f) => f.blob).sort());
    assert.deepEqual([state.uploads, state.orphanParts], [[], []]);
    assert.deepEqual([...Deno.readDirSync(t.exportDir)].map((e) => e.name), [one]);

    // Again: 404. Unknown: 404. Not a job id: 400.
    await json(await del(t.app, two), 404, "application/problem+json");
    await json(await del(t.app, "17640000000000000a1b2c3"), 404, "application/problem+json");
    await json(await del(t.app, "nope"), 400, "application/problem+json");

    // Under a live worker: a fresh PENDING job, then a fresh RUNNING one, are 409s; once its
    // lease has expired (the worker died) the job can go.
    const { job_id: busy } = await json(await post(t.app, req), 202);
    const p409 = await json(await del(t.app, busy), 409, "application/problem+json");
    assert.match(p409.detail, /PENDING/);
    const pending = (await getExportJob(t.kv, busy))!;
    const running: ExportJob = {
      ...pending,
      status: "RUNNING",
      attempts: 1,
      updated_at: new Date().toISOString(),
    };
    await t.kv.set(keys.exportJob(busy), running);
    const r409 = await json(await del(t.app, busy), 409, "application/problem+json");
    assert.match(r409.detail, /RUNNING/);
    assert.deepEqual(await getExportJob(t.kv, busy), running, "untouched");
    await t.kv.set(keys.exportJob(busy), {
      ...running,
      updated_at: new Date(Date.now() - 120_000).toISOString(),
    });
    assert.equal((await del(t.app, busy)).status, 204);
    assert.equal(await getExportJob(t.kv, busy), null);
    // The queue's redelivery of its message finds nothing to do.
    assert.equal(await handleMessage(t.ctx, message(busy)), "done");
    assert.equal(await getExportJob(t.kv, busy), null);

    const doc: Json = await (await t.app.request("/api/openapi.json")).json();
    const op = doc.paths[`${BASE}/{job_id}`].delete;
    assert.ok(op, "DELETE is documented");
    assert.deepEqual(op.security, [{ adminToken: [] }]);
    for (const code of ["204", "401", "403", "404", "409"]) assert.ok(op.responses[code], code);
  } finally {
    await t.close();
  }
});

Deno.test("[backtest] DELETE is disabled (403) when ADMIN_TOKEN is unset", async () => {
  const t = await rig();
  try {
    const { job_id: id } = await json(
      await post(t.app, { market_code: "KONEX", date_from: FROM, date_to: TO }),
      202,
    );
    await runBacktestExport(t.ctx, id);
    const p = await json(await del(t.app, id), 403, "application/problem+json");
    assert.match(p.detail, /disabled/);
    assert.equal((await getExportJob(t.kv, id))!.status, "SUCCEEDED");
  } finally {
    await t.close();
  }
});

/** `kv` where the `n`-th atomic that drops a blob ref throws (the process dies there). */
/** A KV whose `n`-th commit that releases a blob ref throws (a crash at that point). */
const crashingAtRefRelease = (kv: Deno.Kv, n: number) =>
  crashingKv(kv, n, (call, key) => call === "delete" && key?.[0] === "blob_ref");

Deno.test("[backtest] a delete that crashed midway reads as gone and a retry completes it", async () => {
  const t = await rig({ adminToken: TOKEN });
  try {
    const before = await blobState(t.kv);
    const { job_id: id } = await json(
      await post(t.app, {
        market_code: "KOSPI",
        index_codes: ["KOSPI"],
        date_from: FROM,
        date_to: TO,
      }),
      202,
    );
    await runBacktestExport(t.ctx, id);
    const job = (await getExportJob(t.kv, id))!;
    assert.equal(job.files.length, 3);

    // The process dies after releasing the first file's blob.
    await assert.rejects(
      deleteBacktestExport(crashingAtRefRelease(t.kv, 2), id),
      /simulated crash/,
    );
    const half = (await getExportJob(t.kv, id))!;
    assert.ok(half.deleting_at, "marked deleting");
    const present = [];
    for (const f of job.files) if (await getBlobMeta(t.kv, f.blob)) present.push(f.name);
    assert.equal(present.length, 2, "one blob went, two are left");
    assert.ok(Deno.statSync(`${t.exportDir}/${id}`).isDirectory, "the directory is still there");
    // Half deleted reads as gone, and no redelivery builds it again.
    await json(await t.app.request(`${BASE}/${id}`), 404, "application/problem+json");
    assert.ok(!(await listExportJobs(t.kv)).some((j) => j.job_id === id));
    assert.equal(await handleMessage(t.ctx, message(id)), "done");
    assert.equal((await getExportJob(t.kv, id))!.attempts, 1, "not claimed again");

    // The retry finishes it.
    assert.equal((await del(t.app, id)).status, 204);
    assert.equal(await getExportJob(t.kv, id), null);
    assert.deepEqual(await blobState(t.kv), before, "no blob of it is left");
    assert.deepEqual(await listOwnedBlobs(t.kv, exportBlobOwner(id, 1)), []);
    assert.deepEqual([...Deno.readDirSync(t.exportDir)], [], "nor its directory");

    // A worker died (stale lease) and the delete crashed right after marking the record:
    // the redelivered message does not rebuild it, and the retry deletes it.
    const { job_id: stale } = await json(
      await post(t.app, { market_code: "KONEX", date_from: FROM, date_to: TO }),
      202,
    );
    await t.kv.set(
      keys.exportJob(stale),
      {
        ...(await getExportJob(t.kv, stale))!,
        status: "RUNNING",
        attempts: 1,
        updated_at: new Date(Date.now() - 120_000).toISOString(),
      } satisfies ExportJob,
    );
    assert.equal((await markExportDeleting(t.kv, stale)).outcome, "marked");
    await runBacktestExport(t.ctx, stale);
    const unclaimed = (await getExportJob(t.kv, stale))!;
    assert.deepEqual([unclaimed.status, unclaimed.attempts], ["RUNNING", 1], "not claimed");
    assert.deepEqual(await blobState(t.kv), before, "nothing built");
    assert.equal((await del(t.app, stale)).status, 204);
    assert.equal(await getExportJob(t.kv, stale), null);
  } finally {
    await t.close();
  }
});

/** Backdates an owner's refs (what their age is judged by) to `at`. */
async function backdateRefs(kv: Deno.Kv, owner: string, at: string): Promise<void> {
  for (const hash of await listOwnedBlobs(kv, owner)) {
    await kv.set(keys.blobRef(hash, owner), at);
    await kv.set(keys.blobRefByOwner(owner, hash), at);
  }
}

/** An unfinished upload of `owner` started at `at`, with one part. */
async function strayUpload(kv: Deno.Kv, id: string, owner: string, at: string): Promise<void> {
  await kv.set(keys.blobUpload(id), { owner, content_type: "text/csv", started_at: at });
  await kv.set(keys.blobPart(id, 0), new Uint8Array(100));
}

async function partialDir(dir: string, id: string, attempt: number, at: Date): Promise<string> {
  const path = `${dir}/${id}.partial-${attempt}`;
  await Deno.mkdir(path);
  await Deno.writeTextFile(`${path}/instruments.csv`, "half");
  await Deno.utime(path, at, at);
  return path;
}

Deno.test("[backtest] the sweep lets go a dead attempt's upload, refs and directory past the grace period, and nothing live", async () => {
  const t = await rig();
  try {
    const req = {
      market_code: "KOSPI",
      index_codes: ["KOSPI"],
      date_from: FROM,
      date_to: TO,
      output_format: "csv",
    };
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
    const enc = new TextEncoder();

    // A finished export: its files stay.
    const { job_id: done } = await json(await post(t.app, req), 202);
    await runBacktestExport(t.ctx, done);
    const doneJob = (await getExportJob(t.kv, done))!;
    const sharedFile = doneJob.files[0];
    const sharedBytes = (await getBlob(t.kv, sharedFile.blob))!;

    // A job whose attempt 1 died 7 h ago (a blob of its own, the same bytes as `done`'s
    // first file, an unfinished upload, a temporary directory) and whose attempt 2 runs.
    const { job_id: dead } = await json(await post(t.app, req), 202);
    const deadOwner = exportBlobOwner(dead, 1);
    const own = await putBlobStream(
      t.kv,
      ReadableStream.from([enc.encode("attempt 1's own file")]),
      "text/csv",
      { owner: deadOwner },
    );
    await putBlobStream(t.kv, ReadableStream.from([sharedBytes]), "text/csv", {
      owner: deadOwner,
    });
    await backdateRefs(t.kv, deadOwner, hoursAgo(7).toISOString());
    await strayUpload(t.kv, "d".repeat(32), deadOwner, hoursAgo(7).toISOString());
    const deadDir = await partialDir(t.exportDir, dead, 1, hoursAgo(7));

    // The running attempt 2 of the same job (a fresh lease), with an 8-hour-old upload and
    // directory (a long export): left alone.
    const deadJob = (await getExportJob(t.kv, dead))!;
    await t.kv.set(
      keys.exportJob(dead),
      {
        ...deadJob,
        status: "RUNNING",
        attempts: 2,
        started_at: hoursAgo(8).toISOString(),
        updated_at: new Date().toISOString(),
      } satisfies ExportJob,
    );
    const liveOwner = exportBlobOwner(dead, 2);
    const live = await putBlobStream(
      t.kv,
      ReadableStream.from([enc.encode("attempt 2's file")]),
      "text/csv",
      { owner: liveOwner },
    );
    await backdateRefs(t.kv, liveOwner, hoursAgo(8).toISOString());
    await strayUpload(t.kv, "e".repeat(32), liveOwner, hoursAgo(8).toISOString());
    const liveDir = await partialDir(t.exportDir, dead, 2, hoursAgo(8));

    // A worker that died an hour ago: inside the grace period, it stays.
    const { job_id: young } = await json(await post(t.app, req), 202);
    const youngOwner = exportBlobOwner(young, 1);
    await t.kv.set(
      keys.exportJob(young),
      {
        ...(await getExportJob(t.kv, young))!,
        status: "RUNNING",
        attempts: 1,
        updated_at: hoursAgo(1).toISOString(),
      } satisfies ExportJob,
    );
    const youngBlob = await putBlobStream(
      t.kv,
      ReadableStream.from([enc.encode("young file")]),
      "text/csv",
      { owner: youngOwner },
    );
    await backdateRefs(t.kv, youngOwner, hoursAgo(1).toISOString());
    await strayUpload(t.kv, "f".repeat(32), youngOwner, hoursAgo(1).toISOString());
    const youngDir = await partialDir(t.exportDir, young, 1, hoursAgo(1));

    // The scheduled handler, recorded as a run with what it removed.
    const run = await runScheduled(t.ctx, "exports_sweep", "manual");
    assert.equal(run.status, "SUCCEEDED");
    const stored = (await getRun(t.kv, run.id))!;
    assert.equal(stored.job, "exports_sweep");
    assert.deepEqual(stored.detail, {
      attempts: 1,
      uploads_aborted: 1,
      refs_released: 2,
      blobs_deleted: 1,
      dirs_removed: 1,
      deletes_finished: 0,
    });
    assert.equal(stored.counts.changed, 2);

    // The dead attempt's leftovers are gone; the shared bytes stay for `done`.
    assert.deepEqual(await listOwnedBlobs(t.kv, deadOwner), []);
    assert.equal(await getBlobMeta(t.kv, own.hash), null);
    assert.equal((await t.kv.get(keys.blobUpload("d".repeat(32)))).value, null);
    assert.equal((await t.kv.get(keys.blobPart("d".repeat(32), 0))).value, null);
    assert.ok(!(await Deno.stat(deadDir).then(() => true, () => false)), "its directory");
    assert.deepEqual(await listBlobRefs(t.kv, sharedFile.blob), [exportBlobOwner(done, 1)]);
    for (const f of doneJob.files) {
      const { bytes } = await download(t.app, `${BASE}/${done}/files/${f.name}`);
      assert.equal(await sha256Hex(bytes), f.sha256, `${f.name} still downloads`);
    }
    // The live attempt and the young one are untouched.
    assert.deepEqual(await listOwnedBlobs(t.kv, liveOwner), [live.hash]);
    assert.ok(await getBlobMeta(t.kv, live.hash));
    assert.ok((await t.kv.get(keys.blobUpload("e".repeat(32)))).value);
    assert.ok(Deno.statSync(liveDir).isDirectory);
    assert.deepEqual(await listOwnedBlobs(t.kv, youngOwner), [youngBlob.hash]);
    assert.ok((await t.kv.get(keys.blobUpload("f".repeat(32)))).value);
    assert.ok(Deno.statSync(youngDir).isDirectory);

    // Nothing more to do at once; seven hours on, the young worker is dead too, and its
    // stale lease is fenced before its refs go (a worker waking up cannot finish with them).
    assert.deepEqual(await sweepExports(t.kv), {
      attempts: 0,
      aborted: 0,
      released: 0,
      deleted: 0,
      dirs: 0,
      jobs: 0,
    });
    const youngEntry = await t.kv.get<ExportJob>(keys.exportJob(young));
    const later = await sweepExports(t.kv, {
      now: new Date(Date.now() + 7 * 3600_000),
      exportDirs: [t.exportDir],
    });
    assert.equal(later.aborted, 2, "the young one's upload and the (now stale) live one's");
    assert.equal(await getBlobMeta(t.kv, youngBlob.hash), null);
    const fenced = await t.kv.get<ExportJob>(keys.exportJob(young));
    assert.deepEqual(fenced.value, youngEntry.value, "the record itself is unchanged");
    assert.notEqual(fenced.versionstamp, youngEntry.versionstamp, "but rewritten");
    assert.deepEqual(
      await listOwnedBlobs(t.kv, exportBlobOwner(done, 1)),
      [
        ...doneJob.files.map((f) => f.blob),
      ].sort(),
      "a SUCCEEDED attempt's refs are its files",
    );
  } finally {
    await t.close();
  }
});
