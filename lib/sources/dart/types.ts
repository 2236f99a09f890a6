/**
 * OpenDART payload shapes as DART sends them (see `shared/sources/dart.md`).
 *
 * Every value stays a string exactly as DART wrote it, only trimmed: a blank or space-only
 * value (`" "` for an unlisted `stock_code` in CORPCODE.xml) becomes `""`. Amounts keep their
 * thousands separators (`fnlttSinglAcnt`) or plain digits (`fnlttSinglAcntAll`), ids keep their
 * leading zeros. Normalisation (numbers, dates, nulls) is the ETL's job, not this module's.
 *
 * Unknown extra fields are tolerated and dropped from the parsed value (the raw payload keeps
 * them; schema drift is detected elsewhere). A missing required field fails validation and the
 * parsers turn the issue into a {@linkcode DartFormatError} naming the field path.
 *
 * @module
 */
import { z } from "zod";

/** `corp_code`: 8 digits, leading zeros significant. */
export const CORP_CODE_RE = /^\d{8}$/;
/** `rcept_no`: 14 digits (YYYYMMDD + 6). */
export const RCEPT_NO_RE = /^\d{14}$/;
/** `stock_code`: empty (unlisted) or 6 characters, digits or capital letters (e.g. `0088M0`). */
export const STOCK_CODE_OR_BLANK_RE = /^(?:[0-9A-Z]{6})?$/;

/** A trimmed string; DART sends `null` rarely, and it is read as `""`. */
const str = z.preprocess((v) => (v === null ? "" : v), z.string().trim());
/** An optional trimmed string (the key may be absent). */
const optStr = z.preprocess((v) => (v === null ? "" : v), z.string().trim().optional());
const corpCode = z.string().trim().regex(CORP_CODE_RE, "corp_code must be 8 digits");
const rceptNo = z.string().trim().regex(RCEPT_NO_RE, "rcept_no must be 14 digits");
const stockCode = z.preprocess(
  (v) => (v === null ? "" : v),
  z.string().trim().regex(STOCK_CODE_OR_BLANK_RE, "stock_code must be empty or 6 characters"),
);
/** A paging number: a JSON number as observed, or a digit string as one guide conversion says. */
const pageNum = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d+$/)])
  .transform((v) => Number(v));

/** One `<list>` row of CORPCODE.xml (inside the corpCode.xml ZIP). */
export const CorpCodeRow = z.object({
  corp_code: corpCode,
  corp_name: str,
  /** Newer field; absent in older files, `" "` when blank → `""`. */
  corp_eng_name: str.default(""),
  stock_code: stockCode,
  /** YYYYMMDD (kept as sent). */
  modify_date: str.default(""),
});
/** One company of the corp master. */
export type CorpCodeRow = z.infer<typeof CorpCodeRow>;

/** company.json (기업개황) body fields, without `status`/`message`. */
export const DartCompany = z.object({
  corp_code: corpCode,
  corp_name: str,
  corp_name_eng: str.default(""),
  stock_name: str.default(""),
  stock_code: stockCode,
  ceo_nm: str.default(""),
  corp_cls: z.string().trim().regex(/^[YKNE]$/, "corp_cls must be one of Y, K, N, E"),
  jurir_no: str.default(""),
  bizr_no: str.default(""),
  adres: str.default(""),
  hm_url: str.default(""),
  ir_url: str.default(""),
  phn_no: str.default(""),
  fax_no: str.default(""),
  induty_code: str.default(""),
  est_dt: str.default(""),
  acc_mt: str.default(""),
});
/** 기업개황 as DART sends it. */
export type DartCompany = z.infer<typeof DartCompany>;

/** One list.json row (key order as DART returns it). */
export const DartListItem = z.object({
  corp_code: corpCode,
  corp_name: str,
  stock_code: stockCode,
  corp_cls: str,
  /** Trimmed (DART can append ~14 spaces). Use {@linkcode parseReportName} for prefixes. */
  report_nm: str,
  rcept_no: rceptNo,
  flr_nm: str,
  rcept_dt: z.string().trim().regex(/^\d{8}$/, "rcept_dt must be YYYYMMDD"),
  /** Flag characters (유 코 채 넥 공 연 정 철), `""` when none. */
  rm: str,
});
/** One disclosure row of list.json. */
export type DartListItem = z.infer<typeof DartListItem>;

/** A list.json page (status 000). */
export const DartListPage = z.object({
  page_no: pageNum,
  page_count: pageNum,
  total_count: pageNum,
  total_page: pageNum,
  list: z.array(DartListItem),
});
/** A page of list.json. */
export type DartListPage = z.infer<typeof DartListPage>;

/** One fnlttSinglAcnt.json row (주요계정; amounts are comma strings). */
export const DartAcntRow = z.object({
  rcept_no: rceptNo,
  bsns_year: z.string().trim().regex(/^\d{4}$/, "bsns_year must be YYYY"),
  corp_code: corpCode,
  stock_code: stockCode,
  reprt_code: str,
  account_nm: str,
  fs_div: str,
  fs_nm: str,
  sj_div: str,
  sj_nm: str,
  thstrm_nm: str,
  thstrm_dt: optStr,
  thstrm_amount: str,
  /** Only on IS rows of quarterly/half reports. */
  thstrm_add_amount: optStr,
  frmtrm_nm: optStr,
  frmtrm_dt: optStr,
  frmtrm_amount: optStr,
  frmtrm_add_amount: optStr,
  /** Annual reports only. */
  bfefrmtrm_nm: optStr,
  bfefrmtrm_dt: optStr,
  bfefrmtrm_amount: optStr,
  ord: optStr,
  /** Absent in 2020-era responses. */
  currency: optStr,
});
/** One 주요계정 row. */
export type DartAcntRow = z.infer<typeof DartAcntRow>;

/** One fnlttSinglAcntAll.json row (전체 재무제표; amounts are plain digit strings). */
export const DartAcntAllRow = z.object({
  rcept_no: rceptNo,
  reprt_code: str,
  bsns_year: z.string().trim().regex(/^\d{4}$/, "bsns_year must be YYYY"),
  corp_code: corpCode,
  sj_div: str,
  sj_nm: str,
  /** XBRL id or the literal `-표준계정코드 미사용-`. */
  account_id: str,
  account_nm: str,
  /** `-` except on SCE rows (`|`-joined member path). */
  account_detail: optStr,
  thstrm_nm: optStr,
  thstrm_amount: str,
  /** Annual: `""` on IS/CIS, key absent on BS/CF/SCE. */
  thstrm_add_amount: optStr,
  frmtrm_nm: optStr,
  frmtrm_amount: optStr,
  frmtrm_q_nm: optStr,
  frmtrm_q_amount: optStr,
  frmtrm_add_amount: optStr,
  bfefrmtrm_nm: optStr,
  bfefrmtrm_amount: optStr,
  ord: optStr,
  currency: optStr,
});
/** One 전체 재무제표 row. */
export type DartAcntAllRow = z.infer<typeof DartAcntAllRow>;

/** One fnlttSinglIndx.json row (주요 재무지표). */
export const DartIndxRow = z.object({
  reprt_code: str,
  bsns_year: z.string().trim().regex(/^\d{4}$/, "bsns_year must be YYYY"),
  corp_code: corpCode,
  stock_code: stockCode,
  stlm_dt: str,
  idx_cl_code: str,
  idx_cl_nm: str,
  idx_code: str,
  idx_nm: str,
  /** Decimal string, e.g. `"5.981"`; `""` when DART has no value. */
  idx_val: str,
});
/** One 재무지표 row. */
export type DartIndxRow = z.infer<typeof DartIndxRow>;

/** One estkRs row: every value a trimmed string; numbers (if ever sent) become strings. */
export const EstkRsRow = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.null()]).transform((v) => v === null ? "" : String(v).trim()),
).superRefine((row, ctx) => {
  if (!("rcept_no" in row)) {
    ctx.addIssue({ code: "custom", message: "missing", path: ["rcept_no"] });
  } else if (!RCEPT_NO_RE.test(row.rcept_no as string)) {
    ctx.addIssue({ code: "custom", message: "rcept_no must be 14 digits", path: ["rcept_no"] });
  }
  if (!("corp_code" in row)) {
    ctx.addIssue({ code: "custom", message: "missing", path: ["corp_code"] });
  } else if (!CORP_CODE_RE.test(row.corp_code as string)) {
    ctx.addIssue({ code: "custom", message: "corp_code must be 8 digits", path: ["corp_code"] });
  }
});
/** One estkRs row. Korean date text, comma numbers and `"-"` (n/a) are kept as sent. */
export type EstkRsRow = Record<string, string>;

/** One estkRs group as sent: `{title, list}`. */
export const EstkRsGroup = z.object({ title: z.string().trim(), list: z.array(EstkRsRow) });

/**
 * estkRs.json (증권신고서 주요정보: 지분증권), regrouped by title. `titles` keeps DART's group
 * order; a repeated title has its rows appended.
 */
export interface EstkRs {
  titles: string[];
  groups: Record<string, EstkRsRow[]>;
}

/** One XML entry of a document.xml ZIP, decoded to text. */
export interface DartDocumentFile {
  /** Entry name inside the ZIP, e.g. `20240315000123.xml`. */
  name: string;
  text: string;
  /** The encoding the entry was decoded with. */
  encoding: "utf-8" | "euc-kr";
}

/** `reprt_code` values. */
export const REPRT_CODES = {
  Q1: "11013",
  HALF: "11012",
  Q3: "11014",
  ANNUAL: "11011",
} as const;

/** The OpenDART endpoints this package speaks, used as raw `dataset` names. */
export type DartEndpoint =
  | "corpCode.xml"
  | "company.json"
  | "list.json"
  | "fnlttSinglAcnt.json"
  | "fnlttSinglAcntAll.json"
  | "fnlttSinglIndx.json"
  | "estkRs.json"
  | "document.xml";
