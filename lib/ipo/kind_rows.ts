/**
 * The KIND rows the IPO pipeline reads (types from the KIND connector) and the part of the
 * KIND client the pipeline calls, declared structurally so any client with these methods fits.
 *
 * @module
 */
import type { KindListing, KindOffering, KindPage, KindReview } from "../sources/kind/types.ts";

export type { KindListing, KindOffering, KindPage, KindReview };

/** A KIND date range (`YYYY-MM-DD`) with paging. */
export interface KindRange {
  fromDate: string;
  toDate: string;
  page?: number;
  pageSize?: number;
}

/** What the IPO ETL needs from a KIND client (`KindClient` of lib/sources/kind has these). */
export interface KindSource {
  /** 공모기업현황, every page of the range, and how many requests that took. */
  offeringsAll(range: Omit<KindRange, "page">): Promise<{ rows: KindOffering[]; calls: number }>;
  /** 신규상장기업현황, one page. */
  listings(p: KindRange): Promise<{ data: KindPage<KindListing> }>;
  /** 상장예비심사, one page. */
  reviews(p: KindRange): Promise<{ data: KindPage<KindReview> }>;
}

/** Everything read from KIND in one collection run. */
export interface KindData {
  offerings: KindOffering[];
  listings: KindListing[];
  reviews: KindReview[];
}
