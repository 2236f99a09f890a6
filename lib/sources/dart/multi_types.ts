/**
 * OpenDART multi-company and dividend payload shapes (research notes
 * `multi_company_and_flows.md` §4, guide pages DS003/2019017, DS003/2022002, DS002/2019005):
 *
 * - `fnlttMultiAcnt.json` 다중회사 주요계정: up to 100 `corp_code`s per call, both CFS and OFS
 *   rows, the ~13 headline BS/IS accounts per statement. The guide's field list has **no
 *   `corp_code`**: rows are keyed by `stock_code` (and by `corp_code` only when a body carries
 *   one, as the single-company sibling does).
 * - `fnlttCmpnyIndx.json` 다중회사 주요 재무지표: up to 100 companies, one `idx_cl_code` class per
 *   call (M210000 수익성, M220000 안정성, M230000 성장성, M240000 활동성), data from 2023 3Q.
 * - `alotMatter.json` 배당에 관한 사항: one company per call; rows are labelled by `se`
 *   (`주당 현금배당금(원)`, `(연결)현금배당성향(%)`, `현금배당수익률(%)`, …) and split by
 *   `stock_knd` (보통주/우선주; the key is absent on class-less rows in 2020-era answers).
 *
 * As in `types.ts`, every value stays the trimmed string DART sent (amounts keep their commas);
 * numbers are made by the normalizers in `multi.ts`.
 *
 * @module
 */
import { z } from "zod";
import { CORP_CODE_RE, DartAcntRow, RCEPT_NO_RE, STOCK_CODE_OR_BLANK_RE } from "./types.ts";

/** The endpoints of this module (used in error messages and as raw `dataset` names). */
export type DartMultiEndpoint = "fnlttMultiAcnt.json" | "fnlttCmpnyIndx.json" | "alotMatter.json";

/** Most companies one multi-company call accepts (more → status `021`). */
export const DART_MULTI_MAX_CORPS = 100;

/** `idx_cl_code` classes of fnlttCmpnyIndx (one per call). */
export const IDX_CLASSES = {
  M210000: "수익성지표",
  M220000: "안정성지표",
  M230000: "성장성지표",
  M240000: "활동성지표",
} as const;
/** An `idx_cl_code`. */
export type IdxClassCode = keyof typeof IDX_CLASSES;
/** The four classes in guide order. */
export const IDX_CLASS_CODES = Object.keys(IDX_CLASSES) as IdxClassCode[];

/** `reprt_code` → fiscal quarter (11011 사업보고서 = 4). */
export const REPRT_QUARTER: Record<string, 1 | 2 | 3 | 4> = {
  "11013": 1,
  "11012": 2,
  "11014": 3,
  "11011": 4,
};

const str = z.preprocess((v) => (v === null ? "" : v), z.string().trim());
const optStr = z.preprocess((v) => (v === null ? "" : v), z.string().trim().optional());
const year = z.string().trim().regex(/^\d{4}$/, "bsns_year must be YYYY");
const reprt = z.string().trim().regex(/^110(11|12|13|14)$/, "reprt_code must be 11011..11014");
const stockCode = z.preprocess(
  (v) => (v === null || v === undefined ? "" : v),
  z.string().trim().regex(STOCK_CODE_OR_BLANK_RE, "stock_code must be empty or 6 characters"),
);
const optCorpCode = z.preprocess(
  (v) => (v === null || v === "" ? undefined : v),
  z.string().trim().regex(CORP_CODE_RE, "corp_code must be 8 digits").optional(),
);

/**
 * One fnlttMultiAcnt.json row: the single-company row's fields ({@linkcode DartAcntRow}) with
 * `corp_code` optional (the guide lists none; rows are keyed by `stock_code`), and the report,
 * statement and consolidation codes restricted to the values this endpoint sends.
 */
export const DartMultiAcntRow = DartAcntRow.extend({
  stock_code: stockCode,
  corp_code: optCorpCode,
  reprt_code: reprt,
  fs_div: z.string().trim().regex(/^(CFS|OFS)$/, "fs_div must be CFS or OFS"),
  sj_div: z.string().trim().regex(/^(BS|IS)$/, "sj_div must be BS or IS"),
  thstrm_dt: str,
});
/** One 다중회사 주요계정 row. */
export type DartMultiAcntRow = z.infer<typeof DartMultiAcntRow>;

/** One fnlttCmpnyIndx.json row. */
export const DartCmpnyIndxRow = z.object({
  reprt_code: reprt,
  bsns_year: year,
  corp_code: z.string().trim().regex(CORP_CODE_RE, "corp_code must be 8 digits"),
  stock_code: stockCode,
  stlm_dt: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, "stlm_dt must be YYYY-MM-DD"),
  idx_cl_code: z.enum(IDX_CLASS_CODES as [IdxClassCode, ...IdxClassCode[]]),
  idx_cl_nm: str,
  idx_code: z.string().trim().regex(/^M2\d{5}$/, "idx_code must look like M211000"),
  idx_nm: str,
  /** Decimal string (`"5.981"`, `"-12.3"`); `""` or `"-"` when DART has no value. */
  idx_val: str,
});
/** One 다중회사 주요 재무지표 row. */
export type DartCmpnyIndxRow = z.infer<typeof DartCmpnyIndxRow>;

/** One alotMatter.json row. */
export const DartAlotRow = z.object({
  rcept_no: z.string().trim().regex(RCEPT_NO_RE, "rcept_no must be 14 digits"),
  corp_cls: str,
  corp_code: z.string().trim().regex(CORP_CODE_RE, "corp_code must be 8 digits"),
  corp_name: str,
  /** Row label, e.g. `주당 현금배당금(원)` (the guide's description is copied from another API). */
  se: str,
  /** 보통주 / 우선주; absent, `""` or `"-"` on class-less rows. */
  stock_knd: optStr,
  thstrm: str,
  frmtrm: optStr,
  lwfr: optStr,
  /** 결산기준일 `YYYY-MM-DD`; absent in 2020-era answers. */
  stlm_dt: optStr,
});
/** One 배당에 관한 사항 row. */
export type DartAlotRow = z.infer<typeof DartAlotRow>;

/** The answer of a multi-company call: `empty` for status 013 or a 000 with an empty list. */
export interface DartMultiResult<T> {
  /** `"000"` or `"013"`. */
  status: string;
  rows: T[];
  /** True when DART had nothing (013, or 000 with `list: []`). */
  empty: boolean;
}

/** One company's headline figures from one report, normalized (원; null = not reported). */
export interface MultiAcntFigures {
  /** `stock_code` (or `corp_code` when the row has no stock code). */
  key: string;
  stock_code: string;
  corp_code: string | null;
  rcept_no: string;
  /** Public date `YYYY-MM-DD` (the first 8 digits of `rcept_no`, the 접수일). */
  rcept_dt: string;
  bsns_year: number;
  reprt_code: string;
  /** 1..4 (4 = 사업보고서). */
  quarter: 1 | 2 | 3 | 4;
  fs_div: "CFS" | "OFS";
  /** Period end `YYYY-MM-DD` from `thstrm_dt` (`2023.12.31 현재` / `… ~ 2023.12.31`). */
  period_end: string | null;
  currency: string | null;
  /** Balance sheet at period end. */
  current_assets: number | null;
  noncurrent_assets: number | null;
  total_assets: number | null;
  current_liabilities: number | null;
  noncurrent_liabilities: number | null;
  total_liabilities: number | null;
  capital_stock: number | null;
  retained_earnings: number | null;
  total_equity: number | null;
  /** Income statement, year to date (`thstrm_add_amount` when present, else `thstrm_amount`). */
  revenue: number | null;
  operating_income: number | null;
  pretax_income: number | null;
  net_income: number | null;
}

/** Dividend figures of one company-year from alotMatter (원, %, 주; null = `-` or absent). */
export interface DividendFigures {
  corp_code: string;
  rcept_no: string;
  rcept_dt: string;
  /** 결산기준일 when sent. */
  stlm_dt: string | null;
  /** 주당 현금배당금(원), common shares (or the class-less row). */
  dps_common: number | null;
  /** 주당 현금배당금(원), preferred shares. */
  dps_preferred: number | null;
  /** (연결)현금배당성향(%) — consolidated when that row exists, else 별도. */
  payout_ratio: number | null;
  /** 현금배당수익률(%), common shares. As reported (one issuer put a par-based rate here). */
  yield_common: number | null;
  /** 현금배당금총액 in 원 (the `(백만원)` label is scaled ×1,000,000). */
  cash_dividend_total: number | null;
  /** 주당순이익(원) (연결 when present). */
  eps: number | null;
  /** The same figures for 전기 (`frmtrm`), for YoY. */
  previous: { dps_common: number | null; payout_ratio: number | null } | null;
}
