/**
 * OpenDART multi-company financials and dividends: pure parsers, normalizers and request
 * builders (no I/O). Shapes and sources: `multi_types.ts`.
 *
 * Status handling is the one of `parse.ts` ({@linkcode readJsonEnvelope}): `000` with rows →
 * rows; `013` (조회된 데이타가 없습니다) and `000` with an empty `list` → an empty result, not an
 * error (a batch where no company has that report); `020` → `DartQuotaError` (stop the run);
 * `021` (more than 100 companies) → `DartRequestError`; HTML, malformed JSON or a row that does
 * not validate → `DartFormatError` naming `list[i].field`.
 *
 * Request builders split any number of corp codes into calls of at most
 * {@linkcode DART_MULTI_MAX_CORPS} and count the calls a report season costs
 * ({@linkcode seasonCallPlan}): fnlttMultiAcnt and fnlttCmpnyIndx take 100 companies per call
 * (fnlttCmpnyIndx once per indicator class), alotMatter one company per call.
 *
 * @module
 */
import type { z } from "zod";
import { DartFormatError } from "./errors.ts";
import { issuesText, readJsonEnvelope } from "./parse.ts";
import { CORP_CODE_RE } from "./types.ts";
import {
  DART_MULTI_MAX_CORPS,
  DartAlotRow,
  DartCmpnyIndxRow,
  DartMultiAcntRow,
  type DartMultiEndpoint,
  type DartMultiResult,
  type DividendFigures,
  IDX_CLASS_CODES,
  type IdxClassCode,
  type MultiAcntFigures,
  REPRT_QUARTER,
} from "./multi_types.ts";

// ---------------------------------------------------------------------------------------
// parsing

function parseMulti<T>(
  bytes: Uint8Array,
  endpoint: DartMultiEndpoint,
  schema: z.ZodType<T>,
): DartMultiResult<T> {
  const env = readJsonEnvelope(bytes, endpoint);
  if (env.status === "013") return { status: "013", rows: [], empty: true };
  const list = env.body.list;
  if (!Array.isArray(list)) {
    throw new DartFormatError("status 000 without a list array", endpoint);
  }
  const rows: T[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const r = schema.safeParse(list[i]);
    if (!r.success) {
      throw new DartFormatError(`list[${i}] failed validation: ${issuesText(r.error)}`, endpoint);
    }
    rows[i] = r.data;
  }
  return { status: env.status, rows, empty: rows.length === 0 };
}

/** Parses fnlttMultiAcnt.json (CFS and OFS rows of up to 100 companies). */
export function parseMultiAcnt(bytes: Uint8Array): DartMultiResult<DartMultiAcntRow> {
  return parseMulti(bytes, "fnlttMultiAcnt.json", DartMultiAcntRow);
}

/**
 * Parses fnlttCmpnyIndx.json. With `idx_cl_code`, a row of another class is a
 * `DartFormatError` (the call asks for one class).
 */
export function parseCmpnyIndx(
  bytes: Uint8Array,
  opts: { idx_cl_code?: IdxClassCode } = {},
): DartMultiResult<DartCmpnyIndxRow> {
  const out = parseMulti(bytes, "fnlttCmpnyIndx.json", DartCmpnyIndxRow);
  if (opts.idx_cl_code) {
    const i = out.rows.findIndex((r) => r.idx_cl_code !== opts.idx_cl_code);
    if (i >= 0) {
      throw new DartFormatError(
        `list[${i}].idx_cl_code: asked for ${opts.idx_cl_code}, got ${out.rows[i].idx_cl_code}`,
        "fnlttCmpnyIndx.json",
      );
    }
  }
  return out;
}

/** Parses alotMatter.json (one company's dividend rows). */
export function parseAlotMatter(bytes: Uint8Array): DartMultiResult<DartAlotRow> {
  return parseMulti(bytes, "alotMatter.json", DartAlotRow);
}

// ---------------------------------------------------------------------------------------
// values

const AMOUNT = /^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$/;

/**
 * A DART amount or ratio: `"174,697,424,000,000"`, `"-6,916,333,493"`, `"49.20"`, `"5.981"`
 * → number; `""` and `"-"` → null; anything else → null as well (callers treat an unreadable
 * cell as not reported; the raw payload keeps it).
 */
export function dartNumber(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === "" || t === "-" || !AMOUNT.test(t)) return null;
  return Number(t.replaceAll(",", ""));
}

/** `rcept_no` → its 접수일 `YYYY-MM-DD` (the first 8 digits). */
export function rceptDate(rcept_no: string): string {
  return `${rcept_no.slice(0, 4)}-${rcept_no.slice(4, 6)}-${rcept_no.slice(6, 8)}`;
}

/** The last `YYYY.MM.DD` of a `thstrm_dt` (`2023.12.31 현재`, `2023.01.01 ~ 2023.12.31`). */
export function periodEnd(thstrm_dt: string): string | null {
  const all = [...thstrm_dt.matchAll(/(\d{4})\.(\d{2})\.(\d{2})/g)];
  const m = all.at(-1);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

// ---------------------------------------------------------------------------------------
// fnlttMultiAcnt → figures

/**
 * The company key of a row: `stock_code`, or `corp_code` when the row has no stock code.
 * A row with neither cannot be attributed → `DartFormatError`.
 */
export function multiAcntKey(row: DartMultiAcntRow, index = 0): string {
  if (row.stock_code) return row.stock_code;
  if (row.corp_code) return row.corp_code;
  throw new DartFormatError(
    `list[${index}]: neither stock_code nor corp_code, the row cannot be attributed`,
    "fnlttMultiAcnt.json",
  );
}

/** Rows grouped by company key ({@linkcode multiAcntKey}), in first-seen order. */
export function groupMultiAcnt(rows: DartMultiAcntRow[]): Map<string, DartMultiAcntRow[]> {
  const out = new Map<string, DartMultiAcntRow[]>();
  rows.forEach((r, i) => {
    const k = multiAcntKey(r, i);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  });
  return out;
}

type FigureField = Exclude<
  keyof MultiAcntFigures,
  | "key"
  | "stock_code"
  | "corp_code"
  | "rcept_no"
  | "rcept_dt"
  | "bsns_year"
  | "reprt_code"
  | "quarter"
  | "fs_div"
  | "period_end"
  | "currency"
>;

/** Account names (whitespace removed) → field. Names outside this map are ignored. */
const ACCOUNTS: Record<string, FigureField> = {
  "유동자산": "current_assets",
  "비유동자산": "noncurrent_assets",
  "자산총계": "total_assets",
  "유동부채": "current_liabilities",
  "비유동부채": "noncurrent_liabilities",
  "부채총계": "total_liabilities",
  "자본금": "capital_stock",
  "이익잉여금": "retained_earnings",
  "이익잉여금(결손금)": "retained_earnings",
  "자본총계": "total_equity",
  "매출액": "revenue",
  "수익(매출액)": "revenue",
  "영업수익": "revenue",
  "영업이익": "operating_income",
  "영업이익(손실)": "operating_income",
  "영업손익": "operating_income",
  "법인세차감전순이익": "pretax_income",
  "법인세비용차감전순이익": "pretax_income",
  "법인세차감전순이익(손실)": "pretax_income",
  "법인세비용차감전순이익(손실)": "pretax_income",
  "당기순이익": "net_income",
  "당기순이익(손실)": "net_income",
  "당기순손익": "net_income",
};

const FIGURE_FIELDS: FigureField[] = [
  "current_assets",
  "noncurrent_assets",
  "total_assets",
  "current_liabilities",
  "noncurrent_liabilities",
  "total_liabilities",
  "capital_stock",
  "retained_earnings",
  "total_equity",
  "revenue",
  "operating_income",
  "pretax_income",
  "net_income",
];

/**
 * One {@linkcode MultiAcntFigures} per company and `fs_div`, in first-seen order. Income
 * statement rows use `thstrm_add_amount` (year to date) when it is present and readable, else
 * `thstrm_amount` (annual reports, 1분기). The first row of an account wins.
 */
export function multiAcntFigures(rows: DartMultiAcntRow[]): MultiAcntFigures[] {
  const out = new Map<string, MultiAcntFigures>();
  rows.forEach((r, i) => {
    const key = multiAcntKey(r, i);
    const id = `${key}|${r.fs_div}`;
    let f = out.get(id);
    if (!f) {
      const blank = Object.fromEntries(FIGURE_FIELDS.map((k) => [k, null])) as Record<
        FigureField,
        null
      >;
      f = {
        key,
        stock_code: r.stock_code,
        corp_code: r.corp_code ?? null,
        rcept_no: r.rcept_no,
        rcept_dt: rceptDate(r.rcept_no),
        bsns_year: Number(r.bsns_year),
        reprt_code: r.reprt_code,
        quarter: REPRT_QUARTER[r.reprt_code],
        fs_div: r.fs_div as "CFS" | "OFS",
        period_end: null,
        currency: r.currency || null,
        ...blank,
      };
      out.set(id, f);
    }
    const field = ACCOUNTS[r.account_nm.replace(/\s+/g, "")];
    if (!field || f[field] !== null) return;
    const ytd = r.sj_div === "IS" ? dartNumber(r.thstrm_add_amount) : null;
    f[field] = ytd ?? dartNumber(r.thstrm_amount);
    f.period_end ??= periodEnd(r.thstrm_dt);
  });
  return [...out.values()];
}

/** Per company key, the consolidated figures when the answer has them, else the separate ones. */
export function preferConsolidated(figures: MultiAcntFigures[]): Map<string, MultiAcntFigures> {
  const out = new Map<string, MultiAcntFigures>();
  for (const f of figures) {
    const had = out.get(f.key);
    if (!had || (had.fs_div === "OFS" && f.fs_div === "CFS")) out.set(f.key, f);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// fnlttCmpnyIndx → values

/** `corp_code` → `idx_code` → value (null for `""`/`"-"`), over any number of answers. */
export function cmpnyIndxValues(
  rows: DartCmpnyIndxRow[],
): Map<string, Record<string, number | null>> {
  const out = new Map<string, Record<string, number | null>>();
  for (const r of rows) {
    let rec = out.get(r.corp_code);
    if (!rec) out.set(r.corp_code, rec = {});
    rec[r.idx_code] = dartNumber(r.idx_val);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// alotMatter → dividend figures

/** The multiplier a row label's unit asks for: `(백만원)` ×10⁶, `(천원)` ×10³, else 1. */
export function labelScale(se: string): number {
  if (se.includes("(백만원)")) return 1_000_000;
  if (se.includes("(천원)")) return 1_000;
  return 1;
}

type StockClass = "common" | "preferred" | "none";
function stockClass(r: DartAlotRow): StockClass {
  const k = (r.stock_knd ?? "").replace(/\s+/g, "");
  if (k === "보통주") return "common";
  if (k === "우선주" || k.startsWith("종류주")) return "preferred";
  return "none";
}

/**
 * The dividend figures of one alotMatter answer (null when it has no rows). Labels are matched
 * with whitespace removed; a common-share row wins over a class-less one; `(연결)` ratios win
 * over `(별도)` ones.
 */
export function dividendFigures(rows: DartAlotRow[]): DividendFigures | null {
  if (rows.length === 0) return null;
  const find = (pred: (label: string) => boolean, cls?: StockClass) => {
    const hits = rows.filter((r) => pred(r.se.replace(/\s+/g, "")));
    if (cls === undefined) return hits[0];
    return hits.find((r) => stockClass(r) === cls) ??
      (cls === "common" ? hits.find((r) => stockClass(r) === "none") : undefined);
  };
  const num = (r: DartAlotRow | undefined, col: "thstrm" | "frmtrm" = "thstrm") =>
    r ? scaled(dartNumber(r[col]), labelScale(r.se)) : null;
  const dpsC = find((l) => l.startsWith("주당현금배당금"), "common");
  const dpsP = find((l) => l.startsWith("주당현금배당금"), "preferred");
  const payout = find((l) => l.startsWith("(연결)현금배당성향")) ??
    find((l) => l.includes("현금배당성향"));
  const yieldC = find((l) => l.startsWith("현금배당수익률"), "common");
  const total = find((l) => l.startsWith("현금배당금총액"));
  const eps = find((l) => l.startsWith("(연결)주당순이익")) ??
    find((l) => l.includes("주당순이익"));
  const first = rows[0];
  const stlm = rows.find((r) => r.stlm_dt)?.stlm_dt ?? null;
  return {
    corp_code: first.corp_code,
    rcept_no: first.rcept_no,
    rcept_dt: rceptDate(first.rcept_no),
    stlm_dt: stlm,
    dps_common: num(dpsC),
    dps_preferred: num(dpsP),
    payout_ratio: num(payout),
    yield_common: num(yieldC),
    cash_dividend_total: num(total),
    eps: num(eps),
    previous: dpsC || payout
      ? { dps_common: num(dpsC, "frmtrm"), payout_ratio: num(payout, "frmtrm") }
      : null,
  };
}

const scaled = (v: number | null, k: number) => (v === null ? null : v * k);

// ---------------------------------------------------------------------------------------
// request builders

/** One OpenDART call, without `crtfc_key` (the client adds it and masks it). */
export interface DartMultiRequest {
  endpoint: DartMultiEndpoint;
  params: Record<string, string>;
}

const REPRT = /^110(11|12|13|14)$/;

function checkCommon(corpCodes: readonly string[], bsns_year: string, reprt_code: string) {
  const bad = corpCodes.find((c) => !CORP_CODE_RE.test(c));
  if (bad !== undefined) throw new RangeError(`corp_code must be 8 digits: ${JSON.stringify(bad)}`);
  if (!/^\d{4}$/.test(bsns_year) || Number(bsns_year) < 2015) {
    throw new RangeError(
      `bsns_year must be YYYY from 2015 (DART has no earlier data): ${bsns_year}`,
    );
  }
  if (!REPRT.test(reprt_code)) {
    throw new RangeError(`reprt_code must be 11011, 11012, 11013 or 11014: ${reprt_code}`);
  }
}

/** Splits corp codes (deduplicated, order kept) into batches of at most `size`. */
export function batchCorpCodes(
  corpCodes: readonly string[],
  size: number = DART_MULTI_MAX_CORPS,
): string[][] {
  if (!Number.isInteger(size) || size < 1 || size > DART_MULTI_MAX_CORPS) {
    throw new RangeError(`batch size must be 1..${DART_MULTI_MAX_CORPS}: ${size}`);
  }
  const unique = [...new Set(corpCodes)];
  const out: string[][] = [];
  for (let i = 0; i < unique.length; i += size) out.push(unique.slice(i, i + size));
  return out;
}

/** fnlttMultiAcnt calls for these companies (comma-joined `corp_code`, ≤ 100 per call). */
export function multiAcntRequests(
  corpCodes: readonly string[],
  bsns_year: string,
  reprt_code: string,
): DartMultiRequest[] {
  checkCommon(corpCodes, bsns_year, reprt_code);
  return batchCorpCodes(corpCodes).map((batch) => ({
    endpoint: "fnlttMultiAcnt.json",
    params: { corp_code: batch.join(","), bsns_year, reprt_code },
  }));
}

/**
 * fnlttCmpnyIndx calls: each batch of ≤ 100 once per class. DART serves this API from the
 * 2023 third quarter on: earlier `bsns_year`/`reprt_code` → RangeError.
 */
export function cmpnyIndxRequests(
  corpCodes: readonly string[],
  bsns_year: string,
  reprt_code: string,
  classes: readonly IdxClassCode[] = IDX_CLASS_CODES,
): DartMultiRequest[] {
  checkCommon(corpCodes, bsns_year, reprt_code);
  const y = Number(bsns_year);
  if (y < 2023 || (y === 2023 && (reprt_code === "11013" || reprt_code === "11012"))) {
    throw new RangeError(
      `fnlttCmpnyIndx has data from the 2023 3rd quarter on (11014/2023): ${bsns_year}/${reprt_code}`,
    );
  }
  const bad = classes.find((c) => !IDX_CLASS_CODES.includes(c));
  if (bad) throw new RangeError(`idx_cl_code must be one of ${IDX_CLASS_CODES.join(", ")}: ${bad}`);
  const out: DartMultiRequest[] = [];
  for (const batch of batchCorpCodes(corpCodes)) {
    for (const idx_cl_code of classes) {
      out.push({
        endpoint: "fnlttCmpnyIndx.json",
        params: { corp_code: batch.join(","), bsns_year, reprt_code, idx_cl_code },
      });
    }
  }
  return out;
}

/** alotMatter calls: one per company (the endpoint takes no list). */
export function alotMatterRequests(
  corpCodes: readonly string[],
  bsns_year: string,
  reprt_code: string,
): DartMultiRequest[] {
  checkCommon(corpCodes, bsns_year, reprt_code);
  return [...new Set(corpCodes)].map((corp_code) => ({
    endpoint: "alotMatter.json",
    params: { corp_code, bsns_year, reprt_code },
  }));
}

/** The calls one report season costs (see {@linkcode seasonCallPlan}). */
export interface SeasonCallPlan {
  companies: number;
  multiAcnt: number;
  cmpnyIndx: number;
  alotMatter: number;
  total: number;
}

/**
 * Calls for one report (`reprt_code`) of `companies` companies: ⌈n/100⌉ fnlttMultiAcnt,
 * ⌈n/100⌉ × classes fnlttCmpnyIndx (0 when `indexClasses` is 0, e.g. before 2023 3Q), and n
 * alotMatter when `dividends` is true. 2,600 companies with all four classes and dividends:
 * 26 + 104 + 2,600 = 2,730 calls.
 */
export function seasonCallPlan(
  companies: number,
  opts: { indexClasses?: number; dividends?: boolean } = {},
): SeasonCallPlan {
  if (!Number.isInteger(companies) || companies < 0) {
    throw new RangeError(`companies must be a non-negative integer: ${companies}`);
  }
  const classes = opts.indexClasses ?? IDX_CLASS_CODES.length;
  if (!Number.isInteger(classes) || classes < 0 || classes > IDX_CLASS_CODES.length) {
    throw new RangeError(`indexClasses must be 0..${IDX_CLASS_CODES.length}: ${classes}`);
  }
  const batches = Math.ceil(companies / DART_MULTI_MAX_CORPS);
  const multiAcnt = batches;
  const cmpnyIndx = batches * classes;
  const alotMatter = opts.dividends ? companies : 0;
  return { companies, multiAcnt, cmpnyIndx, alotMatter, total: multiAcnt + cmpnyIndx + alotMatter };
}
