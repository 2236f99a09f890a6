/**
 * The offline KIND sample: the rows KIND would show for the fictional deals of
 * `sample/ipo_deals.ts` (공모기업현황, 신규상장기업현황, 상장예비심사, IR events), served by
 * `createKindFixtureFetch`. Underwriter names are kept as KIND prints them (`엔에이치투자증권(주)`,
 * `케이비증권(주)`, …) so the parser's normalisation is exercised; KIND names may differ from the
 * DART names (`테라웨이브(주)`). Withdrawn offerings are not in 공모기업현황.
 *
 * EVERYTHING HERE IS FICTIONAL (see `sample/ipo_deals.ts`). Deterministic, no clock.
 *
 * @module
 */
import type { KindDataset } from "../lib/sources/kind/fixture_fetch.ts";
import type { KindListing, KindOffering, KindReview } from "../lib/sources/kind/types.ts";
import { reviewResultOf } from "../lib/sources/kind/parse.ts";
import { IPO_DEALS } from "./ipo_deals.ts";

export type { KindDataset };

/** Builds the KIND sample dataset (a fresh object each call). */
export function buildKindSampleDataset(): KindDataset {
  const offerings: KindOffering[] = [];
  const listings: KindListing[] = [];
  const reviews: KindReview[] = [];
  for (const d of IPO_DEALS) {
    const uw = [...d.kind_underwriters];
    if (d.review) {
      reviews.push({
        biz_proc_no: d.review.biz_proc_no,
        corp_name: d.kind_name,
        market: d.market,
        listing_type: d.review.listing_type,
        filed_date: d.review.filed,
        decided_date: d.review.decided,
        result_text: d.review.result_text,
        result: reviewResultOf(d.review.result_text),
        underwriters: uw,
      });
    }
    const o = d.offering;
    if (o && !o.withdrawal_date) {
      const total = o.shares_new + o.shares_old;
      offerings.push({
        biz_proc_no: o.biz_proc_no,
        corp_name: d.kind_name,
        market: d.market,
        filing_date: o.filing_date,
        bookbuilding: { ...o.bookbuilding },
        subscription: { ...o.subscription },
        payment_date: o.payment_date,
        final_price: o.final_price,
        offer_amount_mkrw: o.final_price === null ? null : Math.round(o.final_price * total / 1e6),
        listing_date: o.listing_date,
        underwriters: [...uw],
      });
    }
    if (d.listing && d.stock_code) {
      const total = o ? o.shares_new + o.shares_old : 0;
      listings.push({
        company_code: d.stock_code.slice(0, 5),
        stock_code: d.stock_code,
        corp_name: d.kind_name,
        market: d.market,
        listing_date: d.listing.date,
        listing_type: d.listing.listing_type,
        security_type: d.listing.security_type,
        industry: d.listing.industry,
        nationality: "대한민국",
        underwriters: [...uw],
        par_value: o?.par ?? 500,
        offer_price: o?.final_price ?? null,
        offer_amount_mkrw: o?.final_price ? Math.round(o.final_price * total / 1e6) : null,
        products: d.listing.products,
        listed_shares: d.listing.listed_shares,
      });
    }
  }
  return {
    offerings,
    listings,
    reviews,
    events: [
      { date: "2026-11-13", kind: "IR", corp_name: "루미센서", biz_proc_no: "20261023000047" },
      { date: "2026-11-05", kind: "IR", corp_name: "비츠헬스케어", biz_proc_no: "20261014000076" },
    ],
  };
}
