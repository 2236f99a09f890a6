/**
 * The price figures a company shows (latest close, change, market cap, 52-week range) and,
 * for a company listed through an IPO kdesk tracks, its return since the offer price. The
 * zod schemas are published in the OpenAPI document (the instrument route and the
 * company snapshot's `market` section); `lib/store/market.ts` computes the summary (its type is this schema's).
 *
 * Returns are on raw closes (KRX publishes them unadjusted): a split or bonus issue after
 * listing distorts a since-offer return, so pages label the basis.
 *
 * @module
 */
import { z } from "zod";
import { KrxMarket } from "./model.ts";

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("Date, YYYY-MM-DD (KST)");
const num = z.number().nullable();

/** Latest close, change, market cap and 52-week range of an instrument. */
export const PriceSummary = z.object({
  code: z.string().describe("단축코드"),
  date: ymd.describe("기준일: the latest stored trading day"),
  close: num.describe("종가 (원)"),
  change: num.describe("대비 (원, signed)"),
  change_pct: num.describe("등락률 %"),
  volume: num.describe("거래량 (주)"),
  market_cap: num.describe("시가총액 (원)"),
  shares: num.describe("상장주식수"),
  high_52w: num.describe("52주 최고 (원; daily highs, else closes)"),
  high_52w_date: ymd.nullable(),
  low_52w: num.describe("52주 최저 (원)"),
  low_52w_date: ymd.nullable(),
  first_date: ymd.nullable().describe("First stored trading day"),
}).meta({ id: "PriceSummary" });
export type PriceSummary = z.infer<typeof PriceSummary>;

/** A listed IPO's offer price against its first day and its latest close. */
export const IpoSinceOffer = z.object({
  pipeline_id: z.string().describe("The IPO deal (GET /api/v1/ipo/{pipeline_id})"),
  offer_price: z.number().describe("확정공모가 (원)"),
  listing_date: ymd.describe("상장일"),
  first_day_date: ymd.nullable().describe("First stored trading day on or after the listing"),
  first_day_open: num.describe("시초가 (원)"),
  first_day_close: num.describe("상장일 종가 (원)"),
  first_day_return_pct: num.describe("상장일 종가의 공모가 대비 수익률 %"),
  return_since_offer_pct: num.describe("최근 종가의 공모가 대비 수익률 % (raw closes)"),
}).meta({ id: "IpoSinceOffer" });
export type IpoSinceOffer = z.infer<typeof IpoSinceOffer>;

/**
 * A deal's figures after listing, read from the KRX store when they are asked for (not
 * frozen into the deal snapshot: prices move every trading day, a deal's facts rarely).
 * The deal API, the deal page, the board and ipo.xlsx all show these values.
 */
export const DealPerformance = z.object({
  last_close: num.describe(
    "최근 종가 (원): the close of the stock's latest stored KRX bar; null when the deal is not listed or kdesk has no price for it",
  ),
  last_close_date: ymd.nullable().describe("The trading day of `last_close`"),
  after_listing: IpoSinceOffer.nullable().describe(
    "시초가, 상장일 종가 and returns against the offer price; null when the deal is not listed, has no offer price or no bars are stored",
  ),
});
export type DealPerformance = z.infer<typeof DealPerformance>;

/** What post-listing figures are measured from: a deal, or its pipeline row. */
export interface ListedDealRef {
  pipeline_id: string;
  stock_code: string | null;
  /** Only `상장` deals have figures. */
  stage: string;
  offer_price: number | null;
  listing_date: string | null;
}

/** The figures of a deal with no listing or no stored price. */
export const NO_PERFORMANCE: Readonly<DealPerformance> = Object.freeze({
  last_close: null,
  last_close_date: null,
  after_listing: null,
});

/**
 * The one definition of a deal's post-listing figures: `latest` is the stock's latest
 * stored bar (its price summary), `first` its first bar on or after the listing. No
 * latest bar (or not listed) → no figures; no offer price or listing date → a close but
 * no `after_listing`.
 *
 * @example
 * afterListing(
 *   { pipeline_id: "K1", stock_code: "0091A0", stage: "상장", offer_price: 21_000, listing_date: "2026-08-11" },
 *   { date: "2026-08-11", open: 30_000, close: 27_300 },
 *   { date: "2026-11-20", close: 25_200 },
 * ).after_listing?.return_since_offer_pct; // 20
 */
export function afterListing(
  deal: ListedDealRef,
  first: { date: string; open: number | null; close: number | null } | null,
  latest: { date: string; close: number | null } | null,
): DealPerformance {
  if (deal.stage !== "상장" || !deal.stock_code || !latest) return { ...NO_PERFORMANCE };
  const { offer_price, listing_date } = deal;
  return {
    last_close: latest.close,
    last_close_date: latest.date,
    after_listing: offer_price && listing_date
      ? sinceOffer(
        { pipeline_id: deal.pipeline_id, offer_price, listing_date },
        first,
        latest.close,
      )
      : null,
  };
}

/** The company snapshot's price section. */
export const MarketSection = PriceSummary.extend({
  name: z.string().nullable().describe("종목약명 (KRX)"),
  market: KrxMarket.nullable(),
  ipo: IpoSinceOffer.nullable(),
}).meta({
  id: "CompanyMarket",
  description:
    "The company snapshot's `market` section: the latest KRX close, market cap and 52-week range, and `ipo` when the company listed through a tracked IPO deal. `market` is null when the company has no stock code or no stored price, and absent in snapshots built before prices were kept.",
});
export type MarketSection = z.infer<typeof MarketSection>;

/**
 * Percent change from `base` to `value`, rounded to 2 decimals; null when either is
 * missing or the base is not positive.
 *
 * @example
 * returnPct(25_200, 21_000); // 20
 */
export function returnPct(value: number | null | undefined, base: number | null | undefined) {
  if (typeof value !== "number" || typeof base !== "number") return null;
  if (!Number.isFinite(value) || !Number.isFinite(base) || base <= 0) return null;
  return Math.round(((value - base) / base) * 10000) / 100;
}

/** The since-offer figures of a listed deal from its first bar and latest close. */
export function sinceOffer(
  deal: { pipeline_id: string; offer_price: number; listing_date: string },
  first: { date: string; open: number | null; close: number | null } | null,
  latestClose: number | null,
): IpoSinceOffer {
  return {
    pipeline_id: deal.pipeline_id,
    offer_price: deal.offer_price,
    listing_date: deal.listing_date,
    first_day_date: first?.date ?? null,
    first_day_open: first?.open ?? null,
    first_day_close: first?.close ?? null,
    first_day_return_pct: returnPct(first?.close, deal.offer_price),
    return_since_offer_pct: returnPct(latestClose, deal.offer_price),
  };
}
