/**
 * The IPO facts read from DART filing documents, each with its provenance
 * ({@linkcode IpoDocumentFacts}). Independent of `lib/ipo/model.ts` for now but in the same
 * units, so the two can be joined later:
 *
 * | kind | unit |
 * |---|---|
 * | prices, amounts, fees, 증거금 | 원 (KRW), after the table's unit (`백만원` × 1,000,000) |
 * | shares | 주 |
 * | counts (참여건수, 청약건수) | 건 |
 * | ratios (배정비율, 확약비율, 유통가능 비율, 증거금률) | percent, 0–100 (`25.0` = 25 %) |
 * | 경쟁률 | x of `x : 1` |
 * | dates | `YYYY-MM-DD` (KST calendar days) |
 *
 * A fact is `null` when the documents do not state it — never guessed. Derived facts (경쟁률
 * computed from 청약/배정 수량, 증거금 = 청약금액 × 증거금률, 보호예수 해제일 = 상장일 + 기간)
 * carry the formula and the provenance of their inputs.
 *
 * @module
 */
import { z } from "zod";

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("Date, YYYY-MM-DD (KST)");

/** Which table (or paragraph) of which filing a value was read from. */
export const ProvenanceRef = z.object({
  rcept_no: z.string().regex(/^\d{14}$/).describe("DART 접수번호"),
  report_nm: z.string().describe("Report name as listed, e.g. [발행조건확정]증권신고서(지분증권)"),
  rcept_dt: ymd.describe("접수일"),
  section: z.array(z.string()).describe(
    "Section titles then heading paragraphs leading to the value",
  ),
  table: z.object({
    index: z.number().int().describe("Position among the document's data tables (0-based)"),
    title: z.string().nullable().describe("Nearest caption/heading before the table"),
    group: z.string().nullable().describe("TABLE-GROUP ACLASS form id (DST_CD, INS_ASS …)"),
  }).nullable().describe("null when read from a paragraph"),
  row: z.string().nullable().describe("Row label(s), ` > ` joined"),
  column: z.string().nullable().describe("Column header path, ` > ` joined"),
  text: z.string().nullable().describe("The cell or sentence as printed"),
  unit: z.string().nullable().describe("The unit the printed number was in, as printed"),
}).meta({ id: "IpoDocProvenanceRef" });
export type ProvenanceRef = z.infer<typeof ProvenanceRef>;

/** A provenance, plus the formula and inputs of a derived value. */
export const Provenance = ProvenanceRef.extend({
  derived: z.object({
    formula: z.string().describe("e.g. 일반 청약주식수 ÷ 일반 배정주식수"),
    from: z.array(ProvenanceRef),
  }).nullable().describe("null for values read as printed"),
}).meta({ id: "IpoDocProvenance" });
export type Provenance = z.infer<typeof Provenance>;

/** A value with its provenance. */
export const sourced = <T extends z.ZodType>(value: T) => z.object({ value, src: Provenance });
/** A number with its provenance. */
export const SourcedNumber = sourced(z.number()).meta({ id: "IpoDocNumber" });
export type SourcedNumber = z.infer<typeof SourcedNumber>;
/** A number or null. */
const SN = SourcedNumber.nullable();
const SourcedDate = sourced(ymd).meta({ id: "IpoDocDate" });
export type SourcedDate = z.infer<typeof SourcedDate>;
const SourcedRange = sourced(z.object({ from: ymd, to: ymd })).meta({ id: "IpoDocDateRange" });
export type SourcedRange = z.infer<typeof SourcedRange>;
const SourcedSpan = sourced(z.object({ min: z.number(), max: z.number() })).meta({
  id: "IpoDocNumberRange",
});
export type SourcedSpan = z.infer<typeof SourcedSpan>;
const SourcedText = sourced(z.string()).meta({ id: "IpoDocText" });
const SourcedBool = sourced(z.boolean()).meta({ id: "IpoDocFlag" });

/** The filings' role in the chain. */
export const FilingKind = z.enum([
  "registration",
  "amendment",
  "terms",
  "prospectus",
  "result",
  "other",
]).describe(
  "registration 증권신고서 · amendment [기재정정] · terms [발행조건확정] · prospectus 투자설명서 · result 증권발행실적보고서",
);
export type FilingKind = z.infer<typeof FilingKind>;

export const DocumentRef = z.object({
  rcept_no: z.string().regex(/^\d{14}$/),
  report_nm: z.string(),
  rcept_dt: ymd,
  kind: FilingKind,
}).meta({ id: "IpoDocFiling" });
export type DocumentRef = z.infer<typeof DocumentRef>;

/** Allocation groups (`label` keeps the printed name). */
export const AllocationGroup = z.enum([
  "employees",
  "institutions",
  "priority",
  "retail",
  "retail_equal",
  "retail_proportional",
  "other",
]).describe(
  "employees 우리사주조합 · institutions 기관투자자 · priority 우선배정 (벤처/하이일드 펀드 …) · retail 일반청약자 (retail_equal 균등, retail_proportional 비례) · other",
);
export type AllocationGroup = z.infer<typeof AllocationGroup>;

export const AllocationRow = z.object({
  group: AllocationGroup,
  label: z.string(),
  shares: SN.describe("배정주식수 (주); null when the filing gives a range"),
  shares_range: SourcedSpan.nullable().describe("배정주식수 range before pricing (주)"),
  pct: SN.describe("배정비율 (%)"),
  pct_range: SourcedSpan.nullable().describe("배정비율 range (%)"),
}).meta({ id: "IpoDocAllocation" });
export type AllocationRow = z.infer<typeof AllocationRow>;

export const UnderwriterRole = z.enum(["lead", "co_lead", "underwriter"]).describe(
  "lead 대표주관회사 · co_lead 공동주관회사 · underwriter 인수회사",
);
export const Underwriter = z.object({
  name: z.string(),
  role: UnderwriterRole.nullable(),
  role_text: z.string().nullable(),
  shares: SN.describe("인수수량 (주)"),
  amount: SN.describe("인수금액 (원)"),
  fee: SN.describe("인수대가 / 수수료 (원)"),
  method: z.string().nullable().describe("인수방법, e.g. 총액인수"),
  src: Provenance,
}).meta({ id: "IpoDocUnderwriter" });
export type Underwriter = z.infer<typeof Underwriter>;

export const SellingHolder = z.object({
  name: z.string(),
  relation: z.string().nullable().describe("회사와의 관계"),
  shares_before: SN.describe("매출 전 보유주식수 (주)"),
  shares_sold: SN.describe("매출주식수 (주)"),
  shares_after: SN.describe("매출 후 보유주식수 (주)"),
}).meta({ id: "IpoDocSellingHolder" });
export type SellingHolder = z.infer<typeof SellingHolder>;

export const SubscriptionLimit = z.object({
  underwriter: z.string().nullable(),
  tier: z.enum(["general", "preferred"]).describe("general 일반 · preferred 우대"),
  max_shares: SourcedNumber.describe("청약한도 (주)"),
}).meta({ id: "IpoDocSubscriptionLimit" });
export type SubscriptionLimit = z.infer<typeof SubscriptionLimit>;

export const LockupPeriod = z.enum(["15일", "1개월", "3개월", "6개월", "미확약"]);
export type LockupPeriod = z.infer<typeof LockupPeriod>;

export const DemandClass = z.object({
  label: z.string().describe("Investor class as printed (column path)"),
  count: SN.describe("참여건수 (건)"),
  shares: SN.describe("신청수량 (주)"),
  competition: SN.describe("경쟁률 (x:1)"),
}).meta({ id: "IpoDocDemandClass" });
export type DemandClass = z.infer<typeof DemandClass>;

export const PriceBucket = z.enum(["no_price", "above", "top", "inside", "bottom", "below"])
  .describe(
    "no_price 가격 미제시 · above 밴드 상단 초과 · top 상단 · inside 밴드 내 · bottom 하단 · below 하단 미만",
  );
export type PriceBucket = z.infer<typeof PriceBucket>;

export const PriceRow = z.object({
  bucket: PriceBucket,
  label: z.string(),
  price: z.number().nullable().describe("The price the row names (원), when it names one"),
  count: SN.describe("참여건수 (건)"),
  count_pct: SN.describe("참여건수 비율 (%)"),
  shares: SN.describe("신청수량 (주)"),
  shares_pct: SN.describe("신청수량 비율 (%)"),
}).meta({ id: "IpoDocPriceRow" });
export type PriceRow = z.infer<typeof PriceRow>;

export const LockupRow = z.object({
  period: LockupPeriod,
  count: SN.describe("참여건수 (건)"),
  shares: SN.describe("신청수량 (주)"),
  pct: SN.describe("share of the total 신청수량 (%), derived"),
}).meta({ id: "IpoDocLockup" });
export type LockupRow = z.infer<typeof LockupRow>;

export const SubscriptionGroup = z.object({
  group: AllocationGroup,
  label: z.string(),
  initial_shares: SN.describe("최초 배정 수량 (주)"),
  initial_pct: SN.describe("최초 배정 비율 (%)"),
  applications: SN.describe("청약 건수 (건)"),
  applied_shares: SN.describe("청약 수량 (주)"),
  applied_amount: SN.describe("청약 금액 (원; the full amount, not the 증거금)"),
  final_count: SN.describe("최종 배정 건수 (건)"),
  final_shares: SN.describe("최종 배정 수량 (주)"),
  final_amount: SN.describe("최종 배정 금액 (원)"),
  final_pct: SN.describe("최종 배정 비율 (%)"),
}).meta({ id: "IpoDocSubscriptionGroup" });
export type SubscriptionGroup = z.infer<typeof SubscriptionGroup>;

export const AllocatedLockup = z.object({
  period: LockupPeriod,
  shares: SN.describe("배정수량 (주)"),
  pct: SN.describe("비중 (%) as printed"),
}).meta({ id: "IpoDocAllocatedLockup" });
export type AllocatedLockup = z.infer<typeof AllocatedLockup>;

export const LockupScheduleRow = z.object({
  holder: z.string().describe("Holder group as printed (최대주주 등, 우리사주조합 …)"),
  period: z.string().nullable().describe("매각제한기간 as printed"),
  months: z.number().nullable().describe("The period in months, when it names one"),
  days: z.number().nullable().describe("The period in days, when it names days"),
  shares: SN.describe("주식수 (주)"),
  pct: SN.describe("상장예정주식수 대비 (%)"),
  release_date: SourcedDate.nullable().describe("상장일 + period (derived)"),
}).meta({ id: "IpoDocLockupScheduleRow" });
export type LockupScheduleRow = z.infer<typeof LockupScheduleRow>;

/** A data-quality record. */
export const QualityIssue = z.object({
  code: z.enum([
    "table_unmapped",
    "check_failed",
    "encoding_lossy",
    "markup_repaired",
    "document_unreadable",
    "source_conflict",
  ]),
  severity: z.enum(["info", "warning", "error"]),
  message: z.string(),
  field: z.string().nullable().describe("The fact the issue is about"),
  rcept_no: z.string().nullable(),
  section: z.array(z.string()),
  table: ProvenanceRef.shape.table,
  values: z.object({ dart: z.unknown(), x38: z.unknown() }).nullable().describe(
    "Both values of a source conflict",
  ),
}).meta({ id: "IpoDocQualityIssue" });
export type QualityIssue = z.infer<typeof QualityIssue>;

/** Everything the filing documents say about one offering. */
export const IpoDocumentFacts = z.object({
  documents: z.array(DocumentRef).describe("The filings read, oldest first"),
  offering: z.object({
    price_band_low: SN.describe("희망공모가액 하단 (원)"),
    price_band_high: SN.describe("희망공모가액 상단 (원)"),
    final_price: SN.describe("확정공모가액 (원)"),
    par_value: SN.describe("액면가액 (원)"),
    shares_total: SN.describe("공모주식수 (주)"),
    shares_new: SN.describe("신주모집 (주)"),
    shares_secondary: SN.describe("구주매출 (주)"),
    offer_amount: SN.describe("공모금액 at the 확정공모가 (원)"),
    offer_amount_planned: SN.describe(
      "모집(매출)총액 at the 예정가액 of a pre-pricing filing (원)",
    ),
    listed_shares_after: SN.describe("상장예정주식수 / 공모 후 발행주식총수 (주)"),
    market_cap_band_low: SN.describe("상장예정주식수 × 밴드 하단 (원), derived"),
    market_cap_band_high: SN.describe("상장예정주식수 × 밴드 상단 (원), derived"),
    market_cap_final: SN.describe("상장예정주식수 × 확정공모가 (원), derived"),
    selling_holders: z.array(SellingHolder),
  }),
  allocation: z.array(AllocationRow).describe("배정 by group, as filed (latest filing)"),
  underwriters: z.array(Underwriter),
  subscription_terms: z.object({
    deposit_rate: SN.describe("청약증거금률 (%)"),
    min_shares: SN.describe("최저 청약주식수 (주)"),
    limits: z.array(SubscriptionLimit).describe("청약한도 per underwriter and tier"),
    putback_granted: SourcedBool.nullable().describe("일반청약자 환매청구권"),
    putback_price: SN.describe("환매청구권 행사가격 (원)"),
    putback_period: SourcedText.nullable(),
    overallotment_granted: SourcedBool.nullable().describe("초과배정옵션"),
    overallotment_shares: SN.describe("초과배정 수량 (주)"),
  }),
  demand: z.object({
    participants: SN.describe("수요예측 참여건수 합계 (건)"),
    shares: SN.describe("신청수량 합계 (주)"),
    competition: SN.describe("수요예측 경쟁률 (x:1), as printed"),
    by_class: z.array(DemandClass),
    price_distribution: z.array(PriceRow),
    lockup: z.array(LockupRow).describe("의무보유확약 by period (신청 basis)"),
    lockup_ratio: SN.describe("확약 신청수량 ÷ 신청수량 합계 (%), derived"),
  }),
  subscription: z.object({
    groups: z.array(SubscriptionGroup).describe("증권발행실적보고서 청약 및 배정현황"),
    competition: SN.describe("일반 청약경쟁률 = 청약주식수 ÷ 최종 배정주식수 (x:1), derived"),
    competition_proportional: SN.describe(
      "비례 경쟁률 = 일반 청약주식수 ÷ 비례 배정주식수 (x:1), derived when the 균등/비례 split is filed",
    ),
    deposit_total: SN.describe("증거금 = 일반 청약금액 × 증거금률 (원), derived"),
    lockup_allocated: z.array(AllocatedLockup).describe("기관 의무보유확약기간별 배정현황"),
  }),
  schedule: z.object({
    bookbuilding: SourcedRange.nullable().describe("수요예측일"),
    subscription: SourcedRange.nullable().describe("청약기일"),
    allotment_notice: SourcedDate.nullable().describe("배정공고일"),
    refund: SourcedDate.nullable().describe("환불일"),
    payment: SourcedDate.nullable().describe("납입기일"),
    listing: SourcedDate.nullable().describe("상장(예정)일"),
  }),
  float: z.object({
    listed_shares: SN.describe("상장예정주식수 (주)"),
    tradable_shares: SN.describe("상장 직후 유통가능 주식수 (주)"),
    tradable_pct: SN.describe("유통가능 비율 (%)"),
    restricted_shares: SN.describe("유통제한 (보호예수·매각제한) 주식수 (주)"),
    restricted_pct: SN.describe("유통제한 비율 (%)"),
  }),
  lockup_schedule: z.array(LockupScheduleRow).describe("보호예수 / 매각제한 by holder"),
  issues: z.array(QualityIssue),
}).meta({ id: "IpoDocumentFacts" });
export type IpoDocumentFacts = z.infer<typeof IpoDocumentFacts>;

/** A record with every fact unknown. */
export function emptyDocumentFacts(): IpoDocumentFacts {
  return {
    documents: [],
    offering: {
      price_band_low: null,
      price_band_high: null,
      final_price: null,
      par_value: null,
      shares_total: null,
      shares_new: null,
      shares_secondary: null,
      offer_amount: null,
      offer_amount_planned: null,
      listed_shares_after: null,
      market_cap_band_low: null,
      market_cap_band_high: null,
      market_cap_final: null,
      selling_holders: [],
    },
    allocation: [],
    underwriters: [],
    subscription_terms: {
      deposit_rate: null,
      min_shares: null,
      limits: [],
      putback_granted: null,
      putback_price: null,
      putback_period: null,
      overallotment_granted: null,
      overallotment_shares: null,
    },
    demand: {
      participants: null,
      shares: null,
      competition: null,
      by_class: [],
      price_distribution: [],
      lockup: [],
      lockup_ratio: null,
    },
    subscription: {
      groups: [],
      competition: null,
      competition_proportional: null,
      deposit_total: null,
      lockup_allocated: [],
    },
    schedule: {
      bookbuilding: null,
      subscription: null,
      allotment_notice: null,
      refund: null,
      payment: null,
      listing: null,
    },
    float: {
      listed_shares: null,
      tradable_shares: null,
      tradable_pct: null,
      restricted_shares: null,
      restricted_pct: null,
    },
    lockup_schedule: [],
    issues: [],
  };
}
