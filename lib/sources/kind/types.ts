/**
 * KIND (kind.krx.co.kr) IPO-screen records as the connector returns them
 * (`shared/sources/krx-kind.md` §3): dates `YYYY-MM-DD`, amounts as numbers (commas dropped),
 * unknown values (`&nbsp;`, blank, `-`) as `null`, underwriter names normalised
 * ({@linkcode normalizeUnderwriter} in `parse.ts`), lead first.
 *
 * @module
 */
import { z } from "zod";

/** `YYYY-MM-DD`. */
export const YMD_RE = /^\d{4}-\d{2}-\d{2}$/;
/** 업무처리번호: 14 digits. */
export const BIZ_PROC_NO_RE = /^\d{14}$/;
/** 회사코드: 5 characters (digits or capital letters). */
export const COMPANY_CODE_RE = /^[0-9A-Z]{5}$/;
/** 종목코드: 6 characters. */
export const STOCK_CODE_RE = /^[0-9A-Z]{6}$/;

const ymd = z.string().regex(YMD_RE, "date must be YYYY-MM-DD");
const range = z.object({ from: ymd, to: ymd });
const amount = z.number().finite().nonnegative();

/** Market as KIND shows it (the icon's `alt`). */
export const KindMarket = z.enum(["유가증권", "코스닥", "코넥스"]);
/** 유가증권 (KOSPI), 코스닥, 코넥스. */
export type KindMarket = z.infer<typeof KindMarket>;

/** One 공모기업현황 row. */
export const KindOffering = z.object({
  biz_proc_no: z.string().regex(BIZ_PROC_NO_RE, "biz_proc_no must be 14 digits"),
  corp_name: z.string().min(1),
  market: KindMarket.nullable(),
  /** 신고서제출일. */
  filing_date: ymd.nullable(),
  /** 수요예측일정. */
  bookbuilding: range.nullable(),
  /** 청약일정. */
  subscription: range.nullable(),
  /** 납입일. */
  payment_date: ymd.nullable(),
  /** 확정공모가 (원). */
  final_price: amount.nullable(),
  /** 공모금액 (백만원). */
  offer_amount_mkrw: amount.nullable(),
  /** 상장예정일. */
  listing_date: ymd.nullable(),
  /** Normalised names, lead first. */
  underwriters: z.array(z.string().min(1)),
});
/** One 공모기업현황 row. */
export type KindOffering = z.infer<typeof KindOffering>;

/** One 신규상장기업현황 row (extra `choicTypeArrStr` columns null when not requested). */
export const KindListing = z.object({
  /** 5-char 회사코드. */
  company_code: z.string().regex(COMPANY_CODE_RE, "company_code must be 5 characters"),
  /** `company_code + "0"` (ordinary shares). */
  stock_code: z.string().regex(STOCK_CODE_RE, "stock_code must be 6 characters"),
  corp_name: z.string().min(1),
  market: KindMarket.nullable(),
  listing_date: ymd,
  listing_type: z.string(),
  security_type: z.string(),
  industry: z.string(),
  nationality: z.string(),
  underwriters: z.array(z.string().min(1)),
  /** 액면가 (원). */
  par_value: amount.nullable(),
  /** 공모가 (원). */
  offer_price: amount.nullable(),
  /** 공모금액 (백만원). */
  offer_amount_mkrw: amount.nullable(),
  /** 주요제품. */
  products: z.string().nullable(),
  /** 최초상장주식수. */
  listed_shares: amount.nullable(),
});
/** One 신규상장기업현황 row. */
export type KindListing = z.infer<typeof KindListing>;

/** 심사결과, mapped. */
export const KindReviewResult = z.enum([
  "filed",
  "approved",
  "rejected",
  "withdrawn",
  "listing_approved",
  "listing_withdrawn",
  "offering_withdrawn",
  "unknown",
]);
/** 청구서접수→filed, 심사승인→approved, 심사미승인→rejected, 심사철회→withdrawn, … */
export type KindReviewResult = z.infer<typeof KindReviewResult>;

/** One 상장예비심사 청구/승인 현황 row. */
export const KindReview = z.object({
  biz_proc_no: z.string().regex(BIZ_PROC_NO_RE, "biz_proc_no must be 14 digits"),
  corp_name: z.string().min(1),
  market: KindMarket.nullable(),
  listing_type: z.string(),
  /** 청구일. */
  filed_date: ymd,
  /** 결과확정일. */
  decided_date: ymd.nullable(),
  /** 심사결과 as shown (null when blank). */
  result_text: z.string().nullable(),
  result: KindReviewResult,
  underwriters: z.array(z.string().min(1)),
});
/** One 상장예비심사 row. */
export type KindReview = z.infer<typeof KindReview>;

/** Event kinds of the 공모일정 calendar. */
export const KindScheduleKind = z.enum(["수요예측", "청약", "납입", "상장", "IR"]);
/** One event of the 공모일정 calendar. */
export const KindScheduleEvent = z.object({
  date: ymd,
  kind: KindScheduleKind,
  corp_name: z.string().min(1),
  biz_proc_no: z.string().regex(BIZ_PROC_NO_RE).nullable(),
});
/** One event of the 공모일정 calendar. */
export type KindScheduleEvent = z.infer<typeof KindScheduleEvent>;

/** One row of the corpList (상장법인목록) download. */
export const KindCorpListRow = z.object({
  corp_name: z.string().min(1),
  market: KindMarket.nullable(),
  stock_code: z.string().regex(STOCK_CODE_RE),
  industry: z.string(),
  products: z.string(),
  listing_date: ymd.nullable(),
  fiscal_month: z.string(),
  ceo: z.string(),
  homepage: z.string(),
  region: z.string(),
});
/** One row of the corpList (상장법인목록) download. */
export type KindCorpListRow = z.infer<typeof KindCorpListRow>;

/** A page of a paged KIND screen (`전체 <em>N</em>건 : <strong>p</strong>/P`). */
export interface KindPage<T> {
  rows: T[];
  total: number;
  page: number;
  pages: number;
}

/** KIND screens the client calls (also the raw-store `dataset` names). */
export type KindScreen =
  | "pubofrprogcom"
  | "pubofrprogcom_down"
  | "listingtype"
  | "listingtype_down"
  | "listinvstgcom"
  | "pubofrschdl"
  | "corpList";
