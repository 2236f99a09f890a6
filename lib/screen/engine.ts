/**
 * The screening engine: a pure function from a query and day matrices to a page of results.
 *
 * Evaluation is column-at-a-time over the day's instruments with SQL's three-valued logic
 * (each node yields 0 false, 1 unknown, 2 true per row; `and` = min, `or` = max, `not` = 2 − x);
 * rows whose condition is true match. Percentile ranks (`pct`) are computed per query from the
 * column (no cache), ties sharing the lowest rank, like SQL's `percent_rank()`:
 * `(rank − 1) / (n − 1) × 100` over the non-null values of the group (0 when n = 1).
 * Crossings read the earlier days' matrices, aligned by instrument code.
 *
 * Sorting is by the query's keys with nulls last in either direction, then by code; pages are
 * offsets into that order, carried by an opaque cursor bound to the query key and the day.
 *
 * @module
 */
import { column, type DayMatrix, NO_SECTOR, rowOf } from "./matrix.ts";
import {
  type Cond,
  type NormalizedQuery,
  normalizeQuery,
  parseScreenQuery,
  queryKey,
  ScreenQueryError,
} from "./query.ts";
import { FLAG_BITS, FLAG_NAMES, type FlagName, MARKETS } from "./types.ts";

/** The matrices a screen reads: the day, and the earlier days (most recent first). */
export interface ScreenInput {
  matrix: DayMatrix;
  /** `history[0]` is the trading day before `matrix`, `history[1]` the one before, … */
  history?: readonly DayMatrix[];
}

/** One result row. */
export interface ScreenRow {
  code: string;
  name: string;
  market: string;
  sector: string | null;
  flags: FlagName[];
  /** Values of `columns`, in order (null = no value). */
  values: (number | null)[];
}

/** A page of results. */
export interface ScreenResult {
  as_of: string;
  key: string;
  /** How many instruments match (all pages). */
  total: number;
  columns: string[];
  rows: ScreenRow[];
  next_cursor: string | null;
  warnings: string[];
}

const F = 0, U = 1, T = 2;

class Evaluator {
  readonly n: number;
  readonly warnings: string[] = [];
  #ranks = new Map<string, Float64Array>();
  #aligned = new Map<number, Int32Array>();

  constructor(readonly m: DayMatrix, readonly history: readonly DayMatrix[]) {
    this.n = m.codes.length;
  }

  col(id: string, m: DayMatrix = this.m): Float64Array {
    const c = column(m, id);
    if (!c) {
      throw new ScreenQueryError([{
        path: "where",
        message: `the matrix of ${m.date} has no ${id}`,
      }]);
    }
    return c;
  }

  /** Percentile ranks (0–100) of a column within market / sector / all. */
  ranks(id: string, scope: "market" | "sector" | "all"): Float64Array {
    const key = `${scope}|${id}`;
    let out = this.#ranks.get(key);
    if (out) return out;
    const v = this.col(id);
    const n = this.n;
    out = new Float64Array(n).fill(NaN);
    const group = scope === "market" ? this.m.market : scope === "sector" ? this.m.sector : null;
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      if (v[i] !== v[i]) continue;
      const g = group ? group[i] : 0;
      if (scope === "sector" && g === NO_SECTOR) continue;
      let b = buckets.get(g);
      if (!b) buckets.set(g, b = []);
      b.push(i);
    }
    for (const b of buckets.values()) {
      b.sort((x, y) => v[x] - v[y]);
      const len = b.length;
      let rank = 0;
      for (let k = 0; k < len; k++) {
        if (k === 0 || v[b[k]] !== v[b[k - 1]]) rank = k;
        out[b[k]] = len === 1 ? 0 : (rank / (len - 1)) * 100;
      }
    }
    this.#ranks.set(key, out);
    return out;
  }

  /** Row of each current instrument in history[h] (-1: absent). */
  aligned(h: number): Int32Array {
    let a = this.#aligned.get(h);
    if (!a) {
      const hm = this.history[h];
      a = new Int32Array(this.n);
      for (let i = 0; i < this.n; i++) a[i] = rowOf(hm, this.m.codes[i]);
      this.#aligned.set(h, a);
    }
    return a;
  }

  eval(c: Cond): Uint8Array {
    const n = this.n;
    const out = new Uint8Array(n);
    switch (c.op) {
      case "and":
      case "or": {
        const parts = c.of.map((x) => this.eval(x));
        const and = c.op === "and";
        out.fill(and ? T : F);
        for (const p of parts) {
          for (let i = 0; i < n; i++) {
            const x = p[i];
            if (and ? x < out[i] : x > out[i]) out[i] = x;
          }
        }
        return out;
      }
      case "not": {
        const p = this.eval(c.of);
        for (let i = 0; i < n; i++) out[i] = 2 - p[i];
        return out;
      }
      case "flag": {
        const bit = FLAG_BITS[c.flag];
        const fl = this.m.flags;
        for (let i = 0; i < n; i++) out[i] = ((fl[i] & bit) !== 0) === c.is ? T : F;
        return out;
      }
      case "is_null":
      case "not_null": {
        const v = this.col(c.ind);
        const want = c.op === "is_null";
        for (let i = 0; i < n; i++) out[i] = (v[i] !== v[i]) === want ? T : F;
        return out;
      }
      case "in": {
        const v = this.col(c.ind);
        const set = new Set(c.values);
        for (let i = 0; i < n; i++) out[i] = v[i] !== v[i] ? U : set.has(v[i]) ? T : F;
        return out;
      }
      case "between": {
        const v = c.pct ? this.ranks(c.ind, c.pct) : this.col(c.ind);
        const lo = c.min, hi = c.max;
        for (let i = 0; i < n; i++) {
          const x = v[i];
          out[i] = x !== x ? U : x >= lo && x <= hi ? T : F;
        }
        return out;
      }
      case "crosses_above":
      case "crosses_below":
        return this.cross(c);
      default:
        return this.compare(c);
    }
  }

  compare(c: Extract<Cond, { op: "gt" | "gte" | "lt" | "lte" | "eq" | "ne" }>): Uint8Array {
    const n = this.n;
    const out = new Uint8Array(n);
    const a = c.pct ? this.ranks(c.ind, c.pct) : this.col(c.ind);
    if (c.ref === undefined) {
      const b = c.value!;
      switch (c.op) {
        case "gt":
          for (let i = 0; i < n; i++) out[i] = a[i] !== a[i] ? U : a[i] > b ? T : F;
          break;
        case "gte":
          for (let i = 0; i < n; i++) out[i] = a[i] !== a[i] ? U : a[i] >= b ? T : F;
          break;
        case "lt":
          for (let i = 0; i < n; i++) out[i] = a[i] !== a[i] ? U : a[i] < b ? T : F;
          break;
        case "lte":
          for (let i = 0; i < n; i++) out[i] = a[i] !== a[i] ? U : a[i] <= b ? T : F;
          break;
        case "eq":
          for (let i = 0; i < n; i++) out[i] = a[i] !== a[i] ? U : a[i] === b ? T : F;
          break;
        case "ne":
          for (let i = 0; i < n; i++) out[i] = a[i] !== a[i] ? U : a[i] !== b ? T : F;
          break;
      }
      return out;
    }
    const r = c.ref_pct ? this.ranks(c.ref, c.ref_pct) : this.col(c.ref);
    const k = c.factor ?? 1;
    const test = CMP[c.op];
    for (let i = 0; i < n; i++) {
      const x = a[i], y = r[i] * k;
      out[i] = x !== x || y !== y ? U : test(x, y) ? T : F;
    }
    return out;
  }

  cross(c: Extract<Cond, { op: "crosses_above" | "crosses_below" }>): Uint8Array {
    const n = this.n;
    const out = new Uint8Array(n);
    const above = c.op === "crosses_above";
    const days = Math.min(c.within, this.history.length);
    if (days < c.within) {
      this.warnings.push(
        `${c.op} ${c.ind} within ${c.within} days: only ${this.history.length} earlier day(s) available`,
      );
    }
    // diff(d) = ind − ref on day d (0 = the screen day, d = history[d − 1])
    const diffs: Float64Array[] = [];
    for (let d = 0; d <= days; d++) {
      const m = d === 0 ? this.m : this.history[d - 1];
      const a = this.col(c.ind, m);
      const b = c.ref === undefined ? null : this.col(c.ref, m);
      const idx = d === 0 ? null : this.aligned(d - 1);
      const diff = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const row = idx ? idx[i] : i;
        diff[i] = row < 0 ? NaN : a[row] - (b ? b[row] : c.value!);
      }
      diffs.push(diff);
    }
    for (let i = 0; i < n; i++) {
      if (diffs[0][i] !== diffs[0][i]) {
        out[i] = U;
        continue;
      }
      let hit = false;
      for (let d = 0; d < days && !hit; d++) {
        const now = diffs[d][i], before = diffs[d + 1][i];
        hit = above ? now > 0 && before <= 0 : now < 0 && before >= 0;
      }
      out[i] = hit ? T : F;
    }
    return out;
  }
}

const CMP: Record<string, (x: number, y: number) => boolean> = {
  gt: (x, y) => x > y,
  gte: (x, y) => x >= y,
  lt: (x, y) => x < y,
  lte: (x, y) => x <= y,
  eq: (x, y) => x === y,
  ne: (x, y) => x !== y,
};

interface CursorData {
  k: string;
  d: string;
  o: number;
}

function encodeCursor(c: CursorData): string {
  return btoa(JSON.stringify(c)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(s: string, key: string, date: string): number {
  let c: CursorData;
  try {
    c = JSON.parse(atob(s.replaceAll("-", "+").replaceAll("_", "/")));
  } catch {
    throw new ScreenQueryError([{ path: "cursor", message: "not a cursor of this API" }]);
  }
  if (!c || typeof c.o !== "number" || !Number.isInteger(c.o) || c.o < 0) {
    throw new ScreenQueryError([{ path: "cursor", message: "not a cursor of this API" }]);
  }
  if (c.k !== key || c.d !== date) {
    throw new ScreenQueryError([{
      path: "cursor",
      message: "the cursor belongs to another query or another day; start again without it",
    }]);
  }
  return c.o;
}

/** The rows matching the query's universe and condition, sorted (row indexes of the matrix). */
export function matchRows(
  q: NormalizedQuery,
  input: ScreenInput,
): { rows: Int32Array; warnings: string[] } {
  const m = input.matrix;
  const n = m.codes.length;
  const ev = new Evaluator(m, input.history ?? []);
  const mask = q.where ? ev.eval(q.where) : new Uint8Array(n).fill(T);
  if (q.markets.length || q.sectors.length || q.exclude_flags.length) {
    const mk = new Set(q.markets.map((x) => MARKETS.indexOf(x as typeof MARKETS[number])));
    const sec = new Set(q.sectors.map((s) => m.sectors.indexOf(s)));
    let bits = 0;
    for (const f of q.exclude_flags) bits |= FLAG_BITS[f];
    for (let i = 0; i < n; i++) {
      if (
        (mk.size && !mk.has(m.market[i])) || (sec.size && !sec.has(m.sector[i])) ||
        (m.flags[i] & bits) !== 0
      ) mask[i] = F;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) if (mask[i] === T) count++;
  const rows = new Int32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (mask[i] === T) rows[k++] = i;
  const keys = q.sort.map((s) => ({
    desc: s.dir === "desc",
    num: s.by === "code" || s.by === "name" ? null : ev.col(s.by),
    str: s.by === "code" ? m.codes : s.by === "name" ? m.names : null,
  }));
  rows.sort((a, b) => {
    for (const k of keys) {
      if (k.num) {
        const x = k.num[a], y = k.num[b];
        const xn = x !== x, yn = y !== y;
        if (xn || yn) {
          if (xn && yn) continue;
          return xn ? 1 : -1;
        }
        if (x !== y) return k.desc ? y - x : x - y;
      } else {
        const x = k.str![a], y = k.str![b];
        if (x !== y) return (x < y ? -1 : 1) * (k.desc ? -1 : 1);
      }
    }
    return m.codes[a] < m.codes[b] ? -1 : m.codes[a] > m.codes[b] ? 1 : 0;
  });
  return { rows, warnings: ev.warnings };
}

/** Validates, normalizes and runs a raw query (throws {@linkcode ScreenQueryError}). */
export function screen(raw: unknown, input: ScreenInput): ScreenResult {
  return runScreen(normalizeQuery(parseScreenQuery(raw)), input);
}

/** Runs a normalized query: one page of results. */
export function runScreen(q: NormalizedQuery, input: ScreenInput): ScreenResult {
  const m = input.matrix;
  if (q.as_of !== null && q.as_of !== m.date) {
    throw new ScreenQueryError([{
      path: "as_of",
      message: `asked for ${q.as_of}, the matrix is ${m.date}`,
    }]);
  }
  const key = queryKey(q);
  const offset = q.cursor ? decodeCursor(q.cursor, key, m.date) : 0;
  const { rows, warnings } = matchRows(q, input);
  // a column an older matrix does not have reads as null
  const cols = q.columns.map((id) => column(m, id));
  const page: ScreenRow[] = [];
  const end = Math.min(rows.length, offset + q.limit);
  for (let k = offset; k < end; k++) {
    const i = rows[k];
    const sec = m.sector[i];
    page.push({
      code: m.codes[i],
      name: m.names[i],
      market: MARKETS[m.market[i]],
      sector: sec === NO_SECTOR ? null : m.sectors[sec],
      flags: FLAG_NAMES.filter((f) => (m.flags[i] & FLAG_BITS[f]) !== 0),
      values: cols.map((c) => (c && c[i] === c[i] ? c[i] : null)),
    });
  }
  return {
    as_of: m.date,
    key,
    total: rows.length,
    columns: q.columns,
    rows: page,
    next_cursor: end < rows.length ? encodeCursor({ k: key, d: m.date, o: end }) : null,
    warnings,
  };
}
