/**
 * The IPO pipeline model: one `IpoItem` per offering, reconciled from KIND (예비심사, 공모,
 * 신규상장) and DART (the 증권신고서(지분증권) family). These zod schemas are the single
 * definition: the ETL validates with them, the store keeps them, the API publishes them.
 *
 * Amounts are 원 (KRW); dates are `YYYY-MM-DD` (KST calendar days).
 *
 * @module
 */
import { z } from "zod";
import { SourceStatus, STOCK_CODE_RE } from "../etl/schemas.ts";
import { DealPerformance, type ListedDealRef } from "../market/summary.ts";

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("Date, YYYY-MM-DD (KST)");

/** The forward stages, in order. */
export const FORWARD_STAGES = [
  "예비심사청구",
  "심사승인",
  "증권신고서",
  "수요예측",
  "청약",
  "납입",
  "상장",
] as const;
/** Terminal stages that end a deal without a listing. */
export const END_STAGES = ["철회", "미승인"] as const;
export const STAGES = [...FORWARD_STAGES, ...END_STAGES] as const;
export const Stage = z.enum(STAGES).meta({ id: "IpoStage" });
export type Stage = z.infer<typeof Stage>;

export const MARKETS = ["유가증권", "코스닥", "코넥스"] as const;
export const Market = z.enum(MARKETS);
export type Market = z.infer<typeof Market>;

export const DateRange = z.object({ from: ymd, to: ymd }).meta({ id: "DateRange" });
export type DateRange = z.infer<typeof DateRange>;

/** Every fact a deal carries; null = not known (yet). */
export const IpoFacts = z.object({
  market: Market.nullable(),
  review_filed_date: ymd.nullable().describe("상장예비심사 청구일"),
  review_decided_date: ymd.nullable().describe("심사 결과확정일"),
  filing_date: ymd.nullable().describe("증권신고서 제출일 (최초)"),
  price_band_low: z.number().nullable().describe("희망공모가 하단 (원)"),
  price_band_high: z.number().nullable().describe("희망공모가 상단 (원)"),
  final_price: z.number().nullable().describe("확정공모가 (원)"),
  offer_shares: z.number().nullable().describe("공모주식수 (주)"),
  offer_amount: z.number().nullable().describe("공모금액 (원)"),
  demand_competition: z.number().nullable().describe("수요예측 경쟁률 (x:1 의 x)"),
  lockup_ratio: z.number().nullable().describe("의무보유확약 비율 (%)"),
  subscription_competition: z.number().nullable().describe("청약경쟁률 (x:1 의 x)"),
  underwriters: z.array(z.string()).describe("주관사, 대표주관회사 first"),
  bookbuilding: DateRange.nullable().describe("수요예측일"),
  subscription: DateRange.nullable().describe("청약일"),
  payment_date: ymd.nullable().describe("납입일"),
  listing_date: ymd.nullable().describe("상장(예정)일"),
  offering_method: z.string().nullable().describe("모집(매출)방법, e.g. 일반공모"),
}).meta({ id: "IpoFacts" });
export type IpoFacts = z.infer<typeof IpoFacts>;

export const emptyFacts = (): IpoFacts => ({
  market: null,
  review_filed_date: null,
  review_decided_date: null,
  filing_date: null,
  price_band_low: null,
  price_band_high: null,
  final_price: null,
  offer_shares: null,
  offer_amount: null,
  demand_competition: null,
  lockup_ratio: null,
  subscription_competition: null,
  underwriters: [],
  bookbuilding: null,
  subscription: null,
  payment_date: null,
  listing_date: null,
  offering_method: null,
});

/** One stage reached (done) or announced (scheduled), with its date and source. */
export const StageEvent = z.object({
  stage: Stage,
  date: ymd,
  status: z.enum(["done", "scheduled"]),
  source: z.enum(["kind", "dart"]),
}).meta({ id: "IpoStageEvent" });
export type StageEvent = z.infer<typeof StageEvent>;

/** One version of a filing. */
export const FilingVersion = z.object({
  rcept_no: z.string().regex(/^\d{14}$/),
  report_nm: z.string(),
  rcept_dt: ymd,
  viewer_url: z.url(),
});
export type FilingVersion = z.infer<typeof FilingVersion>;

/** A DART filing of the securities-filing family with its amendment chain (oldest first). */
export const IpoFiling = z.object({
  root: z.string().describe("rcept_no of the original filing"),
  base_name: z.string().describe("e.g. 증권신고서(지분증권)"),
  latest: FilingVersion.describe("The newest version of the chain"),
  versions: z.array(FilingVersion),
}).meta({ id: "IpoFiling" });
export type IpoFiling = z.infer<typeof IpoFiling>;

/** How a source record was attached to the deal. */
export const MatchStage = z.enum(["name_date", "report_class", "stock_code", "key"]);
export type MatchStage = z.infer<typeof MatchStage>;
export const IpoMatch = z.object({
  source: z.enum(["kind_review", "kind_offering", "kind_listing", "dart"]),
  ref: z.string().describe("업무처리번호, 종목코드 or the DART original rcept_no"),
  matched_by: MatchStage.describe(
    "key: the record the deal was built from; name_date: 정규화 회사명 + key dates; report_class: DART report class and schedule; stock_code: 종목코드 after listing",
  ),
}).meta({ id: "IpoMatch" });
export type IpoMatch = z.infer<typeof IpoMatch>;

export const IPO_FLAGS = [
  "kind_unmatched",
  "dart_unmatched",
  "listing_unmatched",
  "ambiguous_name",
  "listing_only",
] as const;
export const IpoFlag = z.enum(IPO_FLAGS);
export type IpoFlag = z.infer<typeof IpoFlag>;

/** Pipeline ids: `K`/`D` + 14 digits, or `L` + a 6-character stock code. */
export const PIPELINE_ID_RE = /^(?:[KD]\d{14}|L[0-9A-Z]{6})$/;

export const IpoItem = z.object({
  pipeline_id: z.string().regex(PIPELINE_ID_RE).describe(
    "K + KIND 업무처리번호; D + the DART original rcept_no for deals KIND does not show; L + 종목코드 for a KIND listing no offering or filing matched",
  ),
  corp_name: z.string(),
  corp_code: z.string().regex(/^\d{8}$/).nullable(),
  stock_code: z.string().regex(STOCK_CODE_RE).nullable(),
  stage: Stage,
  facts: IpoFacts,
  history: z.array(StageEvent).describe("Stages with dates, in date order"),
  filings: z.array(IpoFiling).describe("DART filing chains, oldest first"),
  matches: z.array(IpoMatch),
  flags: z.array(IpoFlag).describe("Why the deal is not fully reconciled; empty when it is"),
}).meta({ id: "IpoItem" });
export type IpoItem = z.infer<typeof IpoItem>;

/** One row of the pipeline board: what the list needs, nothing more. */
export const PipelineRow = z.object({
  id: z.string(),
  name: z.string(),
  corp_code: z.string().nullable(),
  stock_code: z.string().nullable(),
  stage: Stage,
  market: Market.nullable(),
  band: z.tuple([z.number().nullable(), z.number().nullable()]),
  price: z.number().nullable().describe("확정공모가"),
  amount: z.number().nullable().describe("공모금액 (원)"),
  demand: z.number().nullable(),
  lockup: z.number().nullable(),
  sub_comp: z.number().nullable(),
  uw: z.array(z.string()),
  filed: z.string().nullable(),
  book: DateRange.nullable().optional().describe(
    "수요예측일 (absent in pipelines stored before it was added)",
  ),
  sub: DateRange.nullable(),
  pay: z.string().nullable(),
  list: z.string().nullable(),
  flags: z.array(IpoFlag),
}).meta({ id: "IpoPipelineRow" });
export type PipelineRow = z.infer<typeof PipelineRow>;

export const IPO_SECTIONS = ["kind", "dart"] as const;

/**
 * One deal as the API serves it. The stored snapshot is built when the deal's facts
 * change; `last_close`, `last_close_date` and `after_listing` (the post-listing figures,
 * {@linkcode DealPerformance}) and the pipeline status are laid over it when it is read,
 * since prices move every trading day. The ETL stores them as null.
 */
export const DealSnapshot = z.object({
  built_at: z.string().describe("When the deal's snapshot was built (its facts)"),
  sample: z.boolean(),
  item: IpoItem,
  last_close: DealPerformance.shape.last_close,
  last_close_date: DealPerformance.shape.last_close_date,
  after_listing: DealPerformance.shape.after_listing,
  source_status: z.record(z.string(), SourceStatus),
  partial: z.boolean(),
  missing_sections: z.array(z.enum(IPO_SECTIONS)),
}).meta({ id: "IpoDealSnapshot" });
export type DealSnapshot = z.infer<typeof DealSnapshot>;

/** What a deal's post-listing figures are measured from. */
export function itemRef(i: IpoItem): ListedDealRef {
  return {
    pipeline_id: i.pipeline_id,
    stock_code: i.stock_code,
    stage: i.stage,
    offer_price: i.facts.final_price,
    listing_date: i.facts.listing_date,
  };
}

/** {@linkcode itemRef} of a board row (the same fields). */
export function rowRef(r: PipelineRow): ListedDealRef {
  return {
    pipeline_id: r.id,
    stock_code: r.stock_code,
    stage: r.stage,
    offer_price: r.price,
    listing_date: r.list,
  };
}

/** A pipeline row as the API serves it: listed rows carry their return since the offer. */
export const PipelineItem = PipelineRow.extend({
  return_since_offer_pct: z.number().nullable().optional().describe(
    "상장 rows only: the latest KRX close's return against the offer price, % (the deal's `after_listing.return_since_offer_pct`, read at request time; null when no price is stored or the offer price is unknown). Absent on other rows.",
  ),
}).meta({ id: "IpoPipelineItem" });
export type PipelineItem = z.infer<typeof PipelineItem>;

export const PipelinePage = z.object({
  built_at: z.string(),
  sample: z.boolean(),
  partial: z.boolean(),
  source_status: z.record(z.string(), SourceStatus),
  missing_sections: z.array(z.enum(IPO_SECTIONS)),
  total: z.number().int().describe("Rows matching the filters"),
  items: z.array(PipelineItem),
  next_cursor: z.string().nullable(),
}).meta({ id: "IpoPipelinePage" });
export type PipelinePage = z.infer<typeof PipelinePage>;

/** The board row of an item. */
export function toRow(i: IpoItem): PipelineRow {
  const f = i.facts;
  return {
    id: i.pipeline_id,
    name: i.corp_name,
    corp_code: i.corp_code,
    stock_code: i.stock_code,
    stage: i.stage,
    market: f.market,
    band: [f.price_band_low, f.price_band_high],
    price: f.final_price,
    amount: f.offer_amount,
    demand: f.demand_competition,
    lockup: f.lockup_ratio,
    sub_comp: f.subscription_competition,
    uw: f.underwriters,
    filed: f.filing_date ?? f.review_filed_date,
    book: f.bookbuilding,
    sub: f.subscription,
    pay: f.payment_date,
    list: f.listing_date,
    flags: i.flags,
  };
}
