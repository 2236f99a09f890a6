/**
 * Normalized records and the company snapshot document. These zod schemas are the single
 * definition of kdesk's data shapes: the ETL validates with them, the store keeps them,
 * and the HTTP layer publishes them in its OpenAPI document.
 *
 * @module
 */
import { z } from "zod";
import { MarketSection } from "../market/summary.ts";

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("Date, YYYY-MM-DD (KST)");
const corpCode = z.string().regex(/^\d{8}$/).describe("DART 고유번호 (8 digits)");
/** KRX short codes: six characters, digits or capital letters (e.g. 0088M0). */
export const STOCK_CODE_RE = /^[0-9A-Z]{6}$/;
const stockCode = z.string().regex(STOCK_CODE_RE).describe("종목코드 (6 characters)");

/** Market class as DART reports it: Y 유가증권, K 코스닥, N 코넥스, E 기타. */
export const CorpCls = z.enum(["Y", "K", "N", "E"]);
export type CorpCls = z.infer<typeof CorpCls>;
export const MARKET_LABEL: Record<CorpCls, string> = {
  Y: "유가증권",
  K: "코스닥",
  N: "코넥스",
  E: "기타",
};

/** One row of the corp master (corpCode.xml). */
export const Corp = z.object({
  corp_code: corpCode,
  corp_name: z.string(),
  corp_eng_name: z.string().nullable(),
  stock_code: stockCode.nullable(),
  modify_date: ymd,
}).meta({ id: "Corp" });
export type Corp = z.infer<typeof Corp>;

/** 기업개황 (company.json), normalized. */
export const Profile = z.object({
  corp_code: corpCode,
  corp_name: z.string(),
  corp_name_eng: z.string().nullable(),
  stock_name: z.string().nullable(),
  stock_code: stockCode.nullable(),
  ceo_nm: z.string().nullable(),
  corp_cls: CorpCls,
  market: z.string().describe("Market label in Korean"),
  jurir_no: z.string().nullable(),
  bizr_no: z.string().nullable(),
  adres: z.string().nullable(),
  hm_url: z.string().nullable().describe("Homepage URL with scheme"),
  ir_url: z.string().nullable(),
  phn_no: z.string().nullable(),
  fax_no: z.string().nullable(),
  induty_code: z.string().nullable(),
  est_dt: ymd.nullable(),
  acc_mt: z.string().nullable(),
}).meta({ id: "Profile" });
export type Profile = z.infer<typeof Profile>;

/** A disclosure (list.json row) with its parsed report name and amendment chain. */
export const Disclosure = z.object({
  rcept_no: z.string().regex(/^\d{14}$/),
  corp_code: corpCode,
  corp_name: z.string(),
  stock_code: stockCode.nullable(),
  corp_cls: CorpCls,
  report_nm: z.string().describe("Trimmed report name as filed"),
  base_name: z.string().describe("Report name without bracket prefixes, e.g. 증권신고서(지분증권)"),
  prefixes: z.array(z.string()).describe("Bracket prefixes, e.g. ['기재정정']"),
  flr_nm: z.string(),
  rcept_dt: ymd,
  rm: z.string().describe("비고 flags, e.g. '유', '정', '연'"),
  /** rcept_no of the first filing of this chain (itself when original). */
  chain_root: z.string(),
  /** rcept_nos of the chain, oldest first (filled by the chain builder). */
  chain: z.array(z.string()),
  /** True when a later version exists in the chain. */
  superseded: z.boolean(),
  viewer_url: z.url(),
}).meta({ id: "Disclosure" });
export type Disclosure = z.infer<typeof Disclosure>;

export const ReportCode = z.enum(["11011", "11012", "11013", "11014"]);
export const REPORT_LABEL: Record<z.infer<typeof ReportCode>, string> = {
  "11011": "사업보고서",
  "11012": "반기보고서",
  "11013": "1분기보고서",
  "11014": "3분기보고서",
};
export const FsDiv = z.enum(["CFS", "OFS"]);
export const SjDiv = z.enum(["BS", "IS", "CIS", "CF", "SCE"]);

/** One account line of a financial statement. Amounts in 원 (KRW); null = not reported. */
export const StatementLine = z.object({
  sj_div: SjDiv,
  account_id: z.string().nullable(),
  account_nm: z.string(),
  account_detail: z.string().nullable(),
  ord: z.number().int(),
  thstrm: z.number().nullable(),
  frmtrm: z.number().nullable(),
  bfefrmtrm: z.number().nullable(),
  thstrm_add: z.number().nullable(),
}).meta({ id: "StatementLine" });
export type StatementLine = z.infer<typeof StatementLine>;

/** A full or key-account statement set of one report. */
export const Financials = z.object({
  corp_code: corpCode,
  bsns_year: z.string().regex(/^\d{4}$/),
  reprt_code: ReportCode,
  fs_div: FsDiv,
  rcept_no: z.string(),
  currency: z.string(),
  scope: z.enum(["key", "full"]).describe("key = fnlttSinglAcnt, full = fnlttSinglAcntAll"),
  lines: z.array(StatementLine),
}).meta({ id: "Financials" });
export type Financials = z.infer<typeof Financials>;

/** 주요 재무지표 (fnlttSinglIndx). */
export const Indicator = z.object({
  idx_cl_code: z.string(),
  idx_cl_nm: z.string(),
  idx_code: z.string(),
  idx_nm: z.string(),
  idx_val: z.number().nullable(),
  stlm_dt: ymd.nullable(),
}).meta({ id: "Indicator" });
export type Indicator = z.infer<typeof Indicator>;

export const IndicatorSet = z.object({
  corp_code: corpCode,
  bsns_year: z.string(),
  reprt_code: ReportCode,
  items: z.array(Indicator),
});
export type IndicatorSet = z.infer<typeof IndicatorSet>;

// ---------------------------------------------------------------------------------------
// Snapshot

/** Key figures of one fiscal year for the snapshot (원). */
export const YearFigures = z.object({
  bsns_year: z.string(),
  reprt_code: ReportCode,
  fs_div: FsDiv,
  revenue: z.number().nullable(),
  operating_income: z.number().nullable(),
  net_income: z.number().nullable(),
  total_assets: z.number().nullable(),
  total_liabilities: z.number().nullable(),
  total_equity: z.number().nullable(),
  /** Year-over-year change in percent vs the previous year; null when either is missing. */
  revenue_yoy: z.number().nullable(),
  operating_income_yoy: z.number().nullable(),
  net_income_yoy: z.number().nullable(),
  operating_margin: z.number().nullable(),
  debt_ratio: z.number().nullable().describe("부채비율 = 부채총계 / 자본총계 × 100"),
}).meta({ id: "YearFigures" });
export type YearFigures = z.infer<typeof YearFigures>;

export const SourceStatus = z.object({
  ok: z.boolean(),
  checked_at: z.string().describe("ISO time of the last attempt"),
  last_success_at: z.string().nullable(),
  error: z.string().nullable().describe("Last failure, secrets masked"),
}).meta({ id: "SourceStatus" });
export type SourceStatus = z.infer<typeof SourceStatus>;

export const SNAPSHOT_SECTIONS = ["profile", "financials", "indicators", "disclosures"] as const;
export const SnapshotSection = z.enum(SNAPSHOT_SECTIONS);
export type SnapshotSection = z.infer<typeof SnapshotSection>;

export const CompanySnapshot = z.object({
  corp_code: corpCode,
  built_at: z.string().describe("ISO time the snapshot was built"),
  sample: z.boolean().describe("True when built from the bundled sample dataset"),
  profile: Profile.nullable(),
  financials: z.object({
    fs_div: FsDiv.nullable().describe("CFS when consolidated statements exist, else OFS"),
    currency: z.string(),
    years: z.array(YearFigures).describe("Annual figures, oldest first"),
  }),
  indicators: z.object({
    bsns_year: z.string().nullable(),
    reprt_code: ReportCode.nullable(),
    items: z.array(Indicator),
  }),
  disclosures: z.array(Disclosure).describe("Latest versions only, newest first"),
  market: MarketSection.nullable().optional(),
  source_status: z.record(z.string(), SourceStatus),
  partial: z.boolean(),
  missing_sections: z.array(SnapshotSection),
}).meta({ id: "CompanySnapshot" });
export type CompanySnapshot = z.infer<typeof CompanySnapshot>;
