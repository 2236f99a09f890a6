/**
 * Screen queries: the zod schema (what `POST /api/v1/screen` will accept), typed errors that
 * name the bad path, and the normalized form + key used for caching.
 *
 * A condition is a tree; every node has an `op`:
 *
 * | op | fields | true when |
 * |---|---|---|
 * | `gt` `gte` `lt` `lte` `eq` `ne` | `ind`, `value` **or** `ref` (+ `factor`), optional `pct` / `ref_pct` | `ind op value`, or `ind op factor × ref` (e.g. `sma_20 > sma_60`) |
 * | `between` | `ind`, `min`, `max` (inclusive), optional `pct` | `min ≤ ind ≤ max` |
 * | `in` | `ind`, `values` | `ind` equals one of them |
 * | `is_null` `not_null` | `ind` | the value is (not) null |
 * | `crosses_above` `crosses_below` | `ind`, `ref` or `value`, `within` (days) | `ind` crossed the other within the last `within` days (needs the earlier days' matrices) |
 * | `flag` | `flag`, `is` | the status flag is (not) set |
 * | `and` `or` | `of: [conditions]` | all / any |
 * | `not` | `of: condition` | the condition is false |
 *
 * `pct: "market" | "sector" | "all"` compares the value's percentile rank (0–100) within the
 * instrument's market, sector or the whole day instead of the value. Comparisons with a null
 * are unknown (SQL semantics): `not` of unknown is unknown, and only rows whose whole condition is
 * true match.
 *
 * @module
 */
import { z } from "zod";
import { INDICATOR_IDS } from "./registry.ts";
import { FLAG_NAMES, type FlagName, MARKETS } from "./types.ts";

const IDS = new Set(INDICATOR_IDS);

/** Most nodes one condition tree may have. */
export const MAX_NODES = 200;
/** Deepest nesting of groups. */
export const MAX_DEPTH = 8;
/** Largest page. */
export const MAX_LIMIT = 500;
/** Longest crossing window (trading days). */
export const MAX_WITHIN = 60;

const Ind = z.string().refine((s) => IDS.has(s), {
  error: (i) => `unknown indicator "${i.input}"`,
});
const Scope = z.enum(["market", "sector", "all"]);
const Num = z.number().refine(Number.isFinite, "must be a finite number");
const Ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");

const CMP = ["gt", "gte", "lt", "lte", "eq", "ne"] as const;

const Compare = z.object({
  op: z.enum(CMP),
  ind: Ind,
  pct: Scope.optional(),
  value: Num.optional(),
  ref: Ind.optional(),
  ref_pct: Scope.optional(),
  factor: Num.optional(),
}).strict().superRefine((c, ctx) => {
  if ((c.value === undefined) === (c.ref === undefined)) {
    ctx.addIssue({ code: "custom", path: ["value"], message: "give either value or ref" });
  }
  if (c.ref === undefined && (c.factor !== undefined || c.ref_pct !== undefined)) {
    ctx.addIssue({ code: "custom", path: ["factor"], message: "factor and ref_pct need ref" });
  }
});

const Between = z.object({
  op: z.literal("between"),
  ind: Ind,
  pct: Scope.optional(),
  min: Num,
  max: Num,
}).strict().refine((c) => c.min <= c.max, { path: ["max"], message: "max must be ≥ min" });

const In = z.object({
  op: z.literal("in"),
  ind: Ind,
  values: z.array(Num).min(1).max(100),
}).strict();

const Null = z.object({ op: z.enum(["is_null", "not_null"]), ind: Ind }).strict();

const Cross = z.object({
  op: z.enum(["crosses_above", "crosses_below"]),
  ind: Ind,
  ref: Ind.optional(),
  value: Num.optional(),
  within: z.number().int().min(1).max(MAX_WITHIN),
}).strict().refine((c) => (c.value === undefined) !== (c.ref === undefined), {
  path: ["value"],
  message: "give either value or ref",
});

const Flag = z.object({
  op: z.literal("flag"),
  flag: z.enum(FLAG_NAMES as [FlagName, ...FlagName[]]),
  is: z.boolean(),
}).strict();

/** A comparison against a value or another indicator. */
export type CompareCond = z.infer<typeof Compare>;
/** Any leaf condition. */
export type LeafCond =
  | CompareCond
  | z.infer<typeof Between>
  | z.infer<typeof In>
  | z.infer<typeof Null>
  | z.infer<typeof Cross>
  | z.infer<typeof Flag>;
/** A condition tree. */
export type Cond = LeafCond | { op: "and" | "or"; of: Cond[] } | { op: "not"; of: Cond };

/** The condition schema (recursive). */
export const Cond: z.ZodType<Cond> = z.lazy(() =>
  z.discriminatedUnion("op", [
    Compare,
    Between,
    In,
    Null,
    Cross,
    Flag,
    z.object({ op: z.enum(["and", "or"]), of: z.array(Cond).min(1).max(MAX_NODES) }).strict(),
    z.object({ op: z.literal("not"), of: Cond }).strict(),
  ])
);

const SortKey = z.object({
  by: z.union([Ind, z.enum(["code", "name"])]),
  dir: z.enum(["asc", "desc"]).default("desc"),
}).strict();

/** The screen query schema. */
export const ScreenQuery = z.object({
  as_of: Ymd.optional(),
  markets: z.array(z.enum(MARKETS)).max(3).optional(),
  sectors: z.array(z.string().min(1).max(100)).max(100).optional(),
  exclude_flags: z.array(z.enum(FLAG_NAMES as [FlagName, ...FlagName[]])).optional(),
  where: Cond.optional(),
  sort: z.array(SortKey).min(1).max(3).optional(),
  columns: z.array(Ind).max(60).optional(),
  limit: z.number().int().min(1).max(MAX_LIMIT).optional(),
  cursor: z.string().max(500).optional(),
}).strict();
/** A screen query as accepted. */
export type ScreenQuery = z.infer<typeof ScreenQuery>;

/** One problem in a query: the path (`where.of[1].value`) and what is wrong. */
export interface QueryIssue {
  path: string;
  message: string;
}

/** A query that does not validate; `issues` name the bad paths. */
export class ScreenQueryError extends Error {
  constructor(readonly issues: QueryIssue[]) {
    super(`invalid screen query: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    this.name = "ScreenQueryError";
  }
}

/** `where.of[0].value` from a zod path. */
export function pathText(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || "(root)";
}

function shape(c: Cond, depth: number, path: string, issues: QueryIssue[], count: { n: number }) {
  count.n++;
  if (depth > MAX_DEPTH) {
    issues.push({ path, message: `nested deeper than ${MAX_DEPTH} groups` });
    return;
  }
  if (c.op === "and" || c.op === "or") {
    c.of.forEach((x, i) => shape(x, depth + 1, `${path}.of[${i}]`, issues, count));
  } else if (c.op === "not") shape(c.of, depth + 1, `${path}.of`, issues, count);
}

/** Validates a query; throws {@linkcode ScreenQueryError} naming every bad path. */
export function parseScreenQuery(input: unknown): ScreenQuery {
  const r = ScreenQuery.safeParse(input);
  if (!r.success) {
    throw new ScreenQueryError(
      r.error.issues.map((i) => ({ path: pathText(i.path), message: i.message })),
    );
  }
  if (r.data.where) {
    const issues: QueryIssue[] = [];
    const count = { n: 0 };
    shape(r.data.where, 0, "where", issues, count);
    if (count.n > MAX_NODES) {
      issues.push({ path: "where", message: `more than ${MAX_NODES} conditions` });
    }
    if (issues.length) throw new ScreenQueryError(issues);
  }
  return r.data;
}

// ---------------------------------------------------------------------------------------
// normalization

/** The default sort: largest market cap first. */
export const DEFAULT_SORT = [{ by: "mcap", dir: "desc" as const }];
/** Default page size. */
export const DEFAULT_LIMIT = 50;

/** A query with defaults applied and every commutative part in a canonical order. */
export interface NormalizedQuery {
  as_of: string | null;
  markets: string[];
  sectors: string[];
  exclude_flags: FlagName[];
  where: Cond | null;
  sort: { by: string; dir: "asc" | "desc" }[];
  columns: string[];
  limit: number;
  cursor: string | null;
}

/** Canonical JSON: object keys sorted, undefined dropped. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${
    Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) =>
      `${JSON.stringify(k)}:${canonicalJson(o[k])}`
    ).join(",")
  }}`;
}

/** The canonical form of a condition (and/or flattened, sorted, deduplicated). */
export function normalizeCond(c: Cond): Cond {
  switch (c.op) {
    case "and":
    case "or": {
      const flat: Cond[] = [];
      for (const x of c.of.map(normalizeCond)) {
        if (x.op === c.op) flat.push(...(x as { of: Cond[] }).of);
        else flat.push(x);
      }
      const byKey = new Map(flat.map((x) => [canonicalJson(x), x]));
      const of = [...byKey.keys()].sort().map((k) => byKey.get(k)!);
      return of.length === 1 ? of[0] : { op: c.op, of };
    }
    case "not": {
      const inner = normalizeCond(c.of);
      return inner.op === "not" ? (inner as { of: Cond }).of : { op: "not", of: inner };
    }
    case "in":
      return { ...c, values: [...new Set(c.values)].sort((a, b) => a - b) };
    case "gt":
    case "gte":
    case "lt":
    case "lte":
    case "eq":
    case "ne": {
      const out: CompareCond = { ...c };
      if (out.factor === 1) delete out.factor;
      return out;
    }
    default:
      return { ...c };
  }
}

function indicatorsOf(c: Cond | null, out: string[]): string[] {
  if (!c || c.op === "flag") return out;
  if ("of" in c) {
    for (const x of Array.isArray(c.of) ? c.of : [c.of]) indicatorsOf(x, out);
    return out;
  }
  out.push(c.ind);
  if ("ref" in c && c.ref) out.push(c.ref);
  return out;
}

/** Defaults applied, canonical order. Columns default to the sort keys and the indicators used. */
export function normalizeQuery(q: ScreenQuery): NormalizedQuery {
  const where = q.where ? normalizeCond(q.where) : null;
  const sort = (q.sort ?? DEFAULT_SORT).map((s) => ({ by: s.by, dir: s.dir ?? "desc" }));
  const columns = q.columns?.length ? [...new Set(q.columns)] : [
    ...new Set([
      "price",
      "ret_1d",
      "mcap",
      ...sort.map((s) => s.by).filter((b) => b !== "code" && b !== "name"),
      ...indicatorsOf(where, []),
    ]),
  ];
  return {
    as_of: q.as_of ?? null,
    markets: [...new Set(q.markets ?? [])].sort(),
    sectors: [...new Set(q.sectors ?? [])].sort(),
    exclude_flags: [...new Set(q.exclude_flags ?? [])].sort() as FlagName[],
    where,
    sort,
    columns,
    limit: q.limit ?? DEFAULT_LIMIT,
    cursor: q.cursor ?? null,
  };
}

/**
 * The cache key of a query's result set: the canonical JSON of what decides which rows match and
 * in which order (day, universe, condition, sort) — not the columns or the page. Two queries
 * that differ only in the order of `and`/`or` children, markets or `in` values share a key.
 */
export function queryKey(q: NormalizedQuery): string {
  const basis = canonicalJson({
    as_of: q.as_of,
    markets: q.markets,
    sectors: q.sectors,
    exclude_flags: q.exclude_flags,
    where: q.where,
    sort: q.sort,
  });
  return `sq1-${fnv1a64(basis)}`;
}

/** Two independent 32-bit FNV-1a lanes over a string's UTF-16 code units, as 16 hex digits. */
export function fnv1a64(s: string): string {
  let a = 0x811c9dc5, b = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
