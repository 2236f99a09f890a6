/**
 * The screening engine against DuckDB: the same day matrix loaded into a DuckDB table, the same
 * queries compiled to SQL (`bench/screen_sql.ts`), and the results compared row by row — hand
 * picked queries for every operator plus 60 seeded random condition trees. This keeps the
 * benchmark's comparison honest (both engines answer the same question) and checks the engine
 * against an independent implementation of SQL semantics.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { loadMatrix, screenToSql } from "../bench/screen_sql.ts";
import { MarketComputer } from "../lib/screen/compute.ts";
import { runScreen } from "../lib/screen/engine.ts";
import {
  type Cond,
  normalizeQuery,
  parseScreenQuery,
  type ScreenQuery,
} from "../lib/screen/query.ts";
import { INDICATOR_IDS } from "../lib/screen/registry.ts";
import { FLAG_NAMES } from "../lib/screen/types.ts";
import { rng, syntheticMarket } from "./helpers/synthetic_market.ts";

const FIXED: ScreenQuery[] = [
  { where: { op: "lt", ind: "per", value: 10 }, sort: [{ by: "per", dir: "asc" }] },
  {
    where: {
      op: "and",
      of: [
        { op: "between", ind: "per", min: 0, max: 15 },
        { op: "gt", ind: "roe", value: 8 },
        { op: "gte", ind: "ret_3m", pct: "market", value: 50 },
        { op: "gt", ind: "sma_20", ref: "sma_60" },
        { op: "gte", ind: "value_avg_20", value: 5e8 },
      ],
    },
    sort: [{ by: "ret_3m", dir: "desc" }],
  },
  {
    where: {
      op: "or",
      of: [
        { op: "not", of: { op: "lt", ind: "debt_ratio", value: 100 } },
        { op: "lte", ind: "vol_60", pct: "sector", value: 10 },
        { op: "in", ind: "ma_aligned", values: [1] },
      ],
    },
    markets: ["KOSDAQ", "KONEX"],
    exclude_flags: ["administrative", "halted"],
    sort: [{ by: "vol_60", dir: "asc" }, { by: "mcap", dir: "desc" }],
    limit: 200,
  },
  { where: { op: "is_null", ind: "per" }, sort: [{ by: "mcap", dir: "desc" }], limit: 500 },
  { where: { op: "flag", flag: "investment_caution", is: true }, limit: 500 },
  { where: { op: "gt", ind: "dist_sma_20", ref: "dist_sma_60", ref_pct: "all", factor: 0.5 } },
  { where: { op: "eq", ind: "rsi_14", pct: "all", ref: "stoch_k_14", ref_pct: "all" } },
  { sectors: ["반도체", "바이오"], sort: [{ by: "dividend_yield", dir: "desc" }], limit: 300 },
];

const NUMERIC = INDICATOR_IDS.filter((id) =>
  !["ma_aligned", "ma_reversed", "new_high_52w"].includes(id)
);

function randomCond(r: () => number, depth: number): Cond {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const u = r();
  if (depth < 3 && u < 0.3) {
    return {
      op: pick(["and", "or"] as const),
      of: [
        randomCond(r, depth + 1),
        randomCond(r, depth + 1),
        ...(r() < 0.4 ? [randomCond(r, depth + 1)] : []),
      ],
    };
  }
  if (depth < 3 && u < 0.37) return { op: "not", of: randomCond(r, depth + 1) };
  if (u < 0.42) return { op: "flag", flag: pick(FLAG_NAMES), is: r() < 0.5 };
  if (u < 0.47) return { op: pick(["is_null", "not_null"] as const), ind: pick(NUMERIC) };
  const ind = pick(NUMERIC);
  const pct = r() < 0.3 ? pick(["market", "sector", "all"] as const) : undefined;
  if (u < 0.6) {
    const a = Math.round(r() * 100), b = Math.round(r() * 100);
    return { op: "between", ind, pct: pct ?? "all", min: Math.min(a, b), max: Math.max(a, b) };
  }
  if (u < 0.75) {
    return {
      op: pick(["gt", "gte", "lt", "lte"] as const),
      ind,
      ref: pick(NUMERIC),
      factor: r() < 0.5 ? 1 : 0.5 + r(),
    };
  }
  return {
    op: pick(["gt", "gte", "lt", "lte", "ne"] as const),
    ind,
    pct: pct ?? "all",
    value: Math.round(r() * 100),
  };
}

Deno.test("kdesk's engine and DuckDB give the same rows, order, totals and values", async () => {
  const m = syntheticMarket({ instruments: 600, days: 300, seed: 33 });
  const matrix = new MarketComputer(m).computeDay(299);
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    await loadMatrix(con, matrix, "day");
    const r = rng(99);
    const queries: ScreenQuery[] = [...FIXED];
    for (let k = 0; k < 60; k++) {
      queries.push({
        where: randomCond(r, 0),
        sort: [{ by: NUMERIC[Math.floor(r() * NUMERIC.length)], dir: r() < 0.5 ? "asc" : "desc" }],
        limit: 500,
      });
    }
    let nonEmpty = 0;
    for (const [k, raw] of queries.entries()) {
      const n = normalizeQuery(parseScreenQuery(raw));
      const ours = runScreen(n, { matrix });
      const reader = await con.runAndReadAll(screenToSql(n, "day"));
      const rows = reader.getRows();
      const total = rows.length ? Number(rows[0][rows[0].length - 1]) : 0;
      assert.equal(ours.total, total, `query ${k} total: ${JSON.stringify(raw.where)}`);
      assert.deepEqual(ours.rows.map((x) => x.code), rows.map((x) => x[0]), `query ${k} rows`);
      for (const [i, row] of rows.entries()) {
        const vals = row.slice(5, 5 + n.columns.length).map((v) => (v === null ? null : Number(v)));
        assert.deepEqual(ours.rows[i].values, vals, `query ${k} row ${i} values`);
      }
      if (total > 0) nonEmpty++;
    }
    assert.ok(nonEmpty >= 30, `only ${nonEmpty} of ${queries.length} queries matched anything`);
  } finally {
    con.closeSync();
    db.closeSync();
  }
});
