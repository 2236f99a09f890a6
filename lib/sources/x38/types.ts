/**
 * Typed rows of the 38커뮤니케이션 IPO pages (`shared/sources/krx-kind.md` §4). Amounts are
 * converted to 원 (38 prints 공모금액 in 백만원), ratios are percent (0–100), 경쟁률 the x of
 * `x:1`, dates `YYYY-MM-DD`. `null` = 38 printed `-`, nothing, or the page has no such field.
 *
 * @module
 */
import { z } from "zod";

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const range = z.object({ from: ymd, to: ymd });
const band = z.object({ low: z.number(), high: z.number() });

/** One `o=k` (공모주 청약일정) row. */
export const X38ListRow = z.object({
  /** 38's own id (`o=v&no=`). */
  no: z.string().regex(/^\d+$/),
  name: z.string(),
  /** `(유가)` suffix: 유가증권시장. */
  kospi: z.boolean(),
  /** `(구.xxx)`: the former name. */
  former_name: z.string().nullable(),
  subscription: range.nullable(),
  final_price: z.number().nullable(),
  band: band.nullable(),
  competition: z.number().nullable(),
  underwriters: z.array(z.string()),
});
export type X38ListRow = z.infer<typeof X38ListRow>;

/** A 38 page of list rows with its page links. */
export interface X38Page<T> {
  rows: T[];
  /** The highest page number linked (1 when there are no page links). */
  last_page: number;
}

/** One 인수회사 row of the detail page. */
export const X38Underwriter = z.object({
  name: z.string(),
  shares: z.object({ min: z.number(), max: z.number() }).nullable(),
  limit: z.object({ min: z.number(), max: z.number() }).nullable(),
  role: z.string().nullable().describe("기타 column: 대표 / 공동 / 인수"),
});
export type X38Underwriter = z.infer<typeof X38Underwriter>;

/** The `o=v` detail page. */
export const X38Detail = z.object({
  name: z.string(),
  stock_code: z.string().nullable(),
  market: z.string().nullable().describe("시장구분 as printed (코스닥, 유가증권 …)"),
  status: z.string().nullable().describe("진행상황"),
  industry: z.string().nullable(),
  shares_total: z.number().nullable(),
  shares_new: z.number().nullable(),
  shares_secondary: z.number().nullable(),
  par_value: z.number().nullable(),
  band: band.nullable(),
  final_price: z.number().nullable(),
  offer_amount: z.number().nullable().describe("원 (38 prints 백만원)"),
  competition: z.number().nullable().describe("청약경쟁률"),
  competition_proportional: z.number().nullable().describe("(비례 n:1)"),
  underwriters: z.array(X38Underwriter),
  lead_underwriters: z.array(z.string()).describe("주간사 cell, lead first"),
  schedule: z.object({
    bookbuilding: range.nullable(),
    subscription: range.nullable(),
    allotment_notice: ymd.nullable(),
    payment: ymd.nullable(),
    refund: ymd.nullable(),
    listing: ymd.nullable(),
  }),
  allocation: z.object({
    employees: z.object({ shares: z.number().nullable(), pct: z.number().nullable() }),
    institutions: z.object({ shares: z.number().nullable(), pct: z.number().nullable() }),
    retail: z.object({ shares: z.number().nullable(), pct: z.number().nullable() }),
  }),
  deposit_rate: z.number().nullable().describe("일반청약자 청약증거금율 (%)"),
  retail_limit: z.object({ min: z.number(), max: z.number() }).nullable().describe(
    "청약 최고한도 (주)",
  ),
  inst_competition: z.number().nullable().describe("기관경쟁률"),
  lockup_ratio: z.number().nullable().describe("의무보유확약 (%)"),
  lockup: z.array(z.object({ period: z.string(), shares: z.number().nullable() })),
  demand: z.object({
    participants: z.number().nullable(),
    shares: z.number().nullable(),
    competition: z.number().nullable(),
  }).nullable(),
  price_distribution: z.array(z.object({
    label: z.string(),
    count: z.number().nullable(),
    shares: z.number().nullable(),
    pct: z.number().nullable(),
  })),
});
export type X38Detail = z.infer<typeof X38Detail>;

/** One `o=r1` (수요예측 결과) row. */
export const X38DemandRow = z.object({
  no: z.string().nullable(),
  name: z.string(),
  date: ymd.nullable().describe("예측일"),
  band: band.nullable(),
  final_price: z.number().nullable(),
  offer_amount: z.number().nullable().describe("원 (38 prints 백만원)"),
  inst_competition: z.number().nullable(),
  lockup_ratio: z.number().nullable().describe("%"),
  underwriters: z.array(z.string()),
});
export type X38DemandRow = z.infer<typeof X38DemandRow>;

/** One `o=nw` (신규상장) row. */
export const X38ListingRow = z.object({
  no: z.string().nullable(),
  name: z.string(),
  kospi: z.boolean(),
  listing_date: ymd.nullable(),
  current_price: z.number().nullable(),
  change_pct: z.number().nullable().describe("전일비 (%)"),
  offer_price: z.number().nullable(),
  return_vs_offer_pct: z.number().nullable().describe("공모가대비 등락률 (%)"),
  open_price: z.number().nullable().describe("시초가"),
  open_vs_offer_pct: z.number().nullable().describe("시초/공모 (%)"),
  first_close: z.number().nullable().describe("첫날종가"),
});
export type X38ListingRow = z.infer<typeof X38ListingRow>;
