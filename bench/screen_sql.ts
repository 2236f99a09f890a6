/**
 * The DuckDB side of the screening benchmark (issue #16): loads a day matrix into a DuckDB table
 * (one row per instrument, one DOUBLE column per indicator, NaN → NULL) and compiles a normalized
 * screen query to the equivalent SQL, so both engines run the same screen over the same data.
 *
 * Semantics match `lib/screen/engine.ts`: SQL's own NULL logic; percentile ranks with
 * `percent_rank()` over the non-null values of the market / sector / day (`(rank − 1)/(n − 1)`,
 * ties sharing the lowest rank) × 100; sorting with NULLS LAST then by code; the total count
 * with `count(*) OVER ()`. Crossings (which need earlier days) are not compiled.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { DayMatrix } from "../lib/screen/matrix.ts";
import { NO_SECTOR } from "../lib/screen/matrix.ts";
import type { Cond, NormalizedQuery } from "../lib/screen/query.ts";
import { FLAG_BITS, MARKETS } from "../lib/screen/types.ts";

const q = (id: string) => `"${id.replaceAll('"', '""')}"`;
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const num = (v: number) => String(v);

/** Creates `table` and appends the matrix's rows. */
export async function loadMatrix(
  con: DuckDBConnection,
  m: DayMatrix,
  table: string,
): Promise<void> {
  const cols = m.ids.map((id) => `${q(id)} DOUBLE`).join(", ");
  await con.run(`DROP TABLE IF EXISTS ${table}`);
  await con.run(
    `CREATE TABLE ${table} (code VARCHAR, name VARCHAR, market VARCHAR, sector VARCHAR, flags INTEGER, ${cols})`,
  );
  const app = await con.createAppender(table);
  for (let i = 0; i < m.codes.length; i++) {
    app.appendVarchar(m.codes[i]);
    app.appendVarchar(m.names[i]);
    app.appendVarchar(MARKETS[m.market[i]]);
    if (m.sector[i] === NO_SECTOR) app.appendNull();
    else app.appendVarchar(m.sectors[m.sector[i]]);
    app.appendInteger(m.flags[i]);
    for (const c of m.cols) {
      const v = c[i];
      if (v === v) app.appendDouble(v);
      else app.appendNull();
    }
    app.endRow();
  }
  app.flushSync();
  app.closeSync();
}

/** The SQL of a normalized query over `table` (page = `limit` rows from `offset`). */
export function screenToSql(n: NormalizedQuery, table: string, offset = 0): string {
  const ranks = new Map<string, string>(); // "scope|id" → alias
  const rank = (id: string, scope: string) => {
    const k = `${scope}|${id}`;
    let a = ranks.get(k);
    if (!a) ranks.set(k, a = `_pr${ranks.size}`);
    return a;
  };
  const val = (id: string, pct?: string) => (pct ? rank(id, pct) : q(id));
  const cond = (c: Cond): string => {
    switch (c.op) {
      case "and":
      case "or":
        return `(${c.of.map(cond).join(c.op === "and" ? " AND " : " OR ")})`;
      case "not":
        return `(NOT ${cond(c.of)})`;
      case "flag":
        return `(((flags & ${FLAG_BITS[c.flag]}) <> 0) = ${c.is ? "TRUE" : "FALSE"})`;
      case "is_null":
        return `(${q(c.ind)} IS NULL)`;
      case "not_null":
        return `(${q(c.ind)} IS NOT NULL)`;
      case "in":
        return `(${q(c.ind)} IN (${c.values.map(num).join(", ")}))`;
      case "between":
        return `(${val(c.ind, c.pct)} BETWEEN ${num(c.min)} AND ${num(c.max)})`;
      case "crosses_above":
      case "crosses_below":
        throw new Error("crossings need earlier days: not compiled to SQL");
      default: {
        const op = { gt: ">", gte: ">=", lt: "<", lte: "<=", eq: "=", ne: "<>" }[c.op];
        const right = c.ref === undefined
          ? num(c.value!)
          : c.factor === undefined
          ? val(c.ref, c.ref_pct)
          : `(${val(c.ref, c.ref_pct)} * ${num(c.factor)})`;
        return `(${val(c.ind, c.pct)} ${op} ${right})`;
      }
    }
  };
  const where: string[] = [];
  if (n.where) where.push(cond(n.where));
  if (n.markets.length) where.push(`market IN (${n.markets.map(lit).join(", ")})`);
  if (n.sectors.length) where.push(`sector IN (${n.sectors.map(lit).join(", ")})`);
  if (n.exclude_flags.length) {
    const bits = n.exclude_flags.reduce((b, f) => b | FLAG_BITS[f], 0);
    where.push(`(flags & ${bits}) = 0`);
  }
  const order = [
    ...n.sort.map((s) => `${q(s.by)} ${s.dir === "desc" ? "DESC" : "ASC"} NULLS LAST`),
    "code ASC",
  ].join(", ");
  const select = ["code", "name", "market", "sector", "flags", ...n.columns.map(q)].join(", ");
  let from = table;
  if (ranks.size) {
    const extra = [...ranks].map(([k, alias]) => {
      const [scope, id] = k.split("|");
      const part = scope === "market" ? "market, " : scope === "sector" ? "sector, " : "";
      const skip = scope === "sector" ? ` OR sector IS NULL` : "";
      return `CASE WHEN ${q(id)} IS NULL${skip} THEN NULL ELSE percent_rank() OVER ` +
        `(PARTITION BY ${part}(${q(id)} IS NULL) ORDER BY ${q(id)}) * 100 END AS ${alias}`;
    });
    from = `(SELECT *, ${extra.join(", ")} FROM ${table})`;
  }
  return `SELECT ${select}, count(*) OVER () AS _total FROM ${from}` +
    `${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order}` +
    ` LIMIT ${n.limit} OFFSET ${offset}`;
}
