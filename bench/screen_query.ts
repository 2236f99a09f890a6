// deno-lint-ignore-file no-console
/**
 * Benchmark (issue #16): one screen — 5 conditions + sort, uncached — over a full-size day
 * matrix (the synthetic market's last day: 2,800 instruments × 256 indicators), kdesk's engine
 * side by side with DuckDB (`@duckdb/node-api`) running the same screen as SQL over the same
 * matrix loaded into a DuckDB table, in the same process and run.
 *
 * - kdesk: the raw JSON query → `screen()` (zod validation, normalization, evaluation, sort,
 *   the page of 50 rows with 8 columns as objects). Nothing is cached between iterations.
 * - DuckDB: the SQL text (compiled once by `bench/screen_sql.ts`, as a client would send it) →
 *   `runAndReadAll` → `getRows()` (the same 50 rows, values and the total count). DuckDB parses
 *   and plans it every time; it uses its default thread count.
 *
 * Two screens: **plain** (5 comparisons incl. one indicator-vs-indicator) and **pct** (one of the
 * five is a percentile rank within the market). Iterations alternate engine by engine after a
 * warm-up; the first run checks both return the same rows. Reports p50/p99 per engine and
 * kdesk/DuckDB ratios, the matrix's memory and the machine load. One JSON line on stdout.
 *
 * Run: deno run -A bench/screen_query.ts [instruments=2800] [days=1250] [iterations=300] [seed=16]
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { MarketComputer } from "../lib/screen/compute.ts";
import { screen } from "../lib/screen/engine.ts";
import { matrixMemoryBytes } from "../lib/screen/matrix.ts";
import { normalizeQuery, parseScreenQuery, type ScreenQuery } from "../lib/screen/query.ts";
import { syntheticMarket } from "../tests/helpers/synthetic_market.ts";
import { loadMatrix, screenToSql } from "./screen_sql.ts";

const N = Number(Deno.args[0] ?? 2800);
const D = Number(Deno.args[1] ?? 1250);
const iterations = Number(Deno.args[2] ?? 300);
const seed = Number(Deno.args[3] ?? 16);

const COLUMNS = ["price", "mcap", "per", "roe", "ret_3m", "sma_20", "sma_60", "value_avg_20"];
const SCREENS: Record<string, ScreenQuery> = {
  plain: {
    where: {
      op: "and",
      of: [
        { op: "between", ind: "per", min: 0, max: 15 },
        { op: "gt", ind: "roe", value: 8 },
        { op: "gt", ind: "ret_3m", value: 0 },
        { op: "gt", ind: "sma_20", ref: "sma_60" },
        { op: "gte", ind: "value_avg_20", value: 3e8 },
      ],
    },
    sort: [{ by: "ret_3m", dir: "desc" }],
    columns: COLUMNS,
    limit: 50,
  },
  pct: {
    where: {
      op: "and",
      of: [
        { op: "between", ind: "per", min: 0, max: 15 },
        { op: "gt", ind: "roe", value: 8 },
        { op: "gte", ind: "ret_3m", pct: "market", value: 50 },
        { op: "gt", ind: "sma_20", ref: "sma_60" },
        { op: "gte", ind: "value_avg_20", value: 3e8 },
      ],
    },
    sort: [{ by: "ret_3m", dir: "desc" }],
    columns: COLUMNS,
    limit: 50,
  },
};

const load = () => Deno.loadavg().map((x) => Math.round(x * 100) / 100);
const pctl = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const us = (x: number) => Math.round(x * 1000);

const loadStart = load();
const market = syntheticMarket({ instruments: N, days: D, seed });
const t0 = performance.now();
const matrix = new MarketComputer(market).computeDay(D - 1);
console.error(
  `matrix of ${matrix.date}: ${matrix.codes.length} × ${matrix.ids.length} in ${
    Math.round(performance.now() - t0)
  } ms`,
);

const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
await loadMatrix(con, matrix, "day");

const results: Record<string, unknown> = {};
for (const [name, query] of Object.entries(SCREENS)) {
  const json = JSON.stringify(query);
  const sql = screenToSql(normalizeQuery(parseScreenQuery(query)), "day");
  // same answer
  const ours = screen(JSON.parse(json), { matrix });
  const theirs = (await con.runAndReadAll(sql)).getRows();
  const same = ours.rows.length === theirs.length &&
    ours.rows.every((r, i) => r.code === theirs[i][0]) &&
    (theirs.length === 0 || ours.total === Number(theirs[0][theirs[0].length - 1]));
  if (!same) throw new Error(`${name}: kdesk and DuckDB disagree`);
  const kd: number[] = [], dk: number[] = [];
  for (let k = 0; k < 20; k++) {
    screen(JSON.parse(json), { matrix });
    (await con.runAndReadAll(sql)).getRows();
  }
  for (let k = 0; k < iterations; k++) {
    let s = performance.now();
    screen(JSON.parse(json), { matrix });
    kd.push(performance.now() - s);
    s = performance.now();
    (await con.runAndReadAll(sql)).getRows();
    dk.push(performance.now() - s);
  }
  const r = {
    matches: ours.total,
    kdesk_p50_us: us(pctl(kd, 50)),
    kdesk_p99_us: us(pctl(kd, 99)),
    duckdb_p50_us: us(pctl(dk, 50)),
    duckdb_p99_us: us(pctl(dk, 99)),
    ratio_p50: Math.round((pctl(kd, 50) / pctl(dk, 50)) * 1000) / 1000,
    ratio_p99: Math.round((pctl(kd, 99) / pctl(dk, 99)) * 1000) / 1000,
  };
  results[name] = r;
  console.error(`${name}: ${JSON.stringify(r)}`);
}
con.closeSync();
db.closeSync();

console.log(JSON.stringify({
  bench: "screen_query",
  instruments: N,
  rows: matrix.codes.length,
  indicators: matrix.ids.length,
  iterations,
  ...results,
  matrix_memory_bytes: matrixMemoryBytes(matrix),
  loadavg_start: loadStart,
  loadavg_end: load(),
}));
