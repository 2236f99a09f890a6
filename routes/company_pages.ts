/**
 * Data of the company, stock and search pages. Every company and every KRX instrument has
 * a page:
 *
 * - `/company/{corp_code}`: the DART snapshot (built on the first visit when the app can:
 *   live mode, and the sample's companies), with the stock's market parts when listed, its
 *   IPO deals, and live prices; a corp-master row without a snapshot still gets its page
 *   (codes, market parts) saying the DART data is absent.
 * - `/stock/{code}` (종목코드 or ISIN): redirects to the company page when a corp lists the
 *   code; otherwise the instrument's own page (market parts, no DART sections).
 * - `/company?q=`: the ranked search of `lib/search.ts`, paged, each hit with its quote.
 *
 * @module
 */
import { entityUrl, stockUrl } from "../components/links.ts";
import type { CompanySnapshot, Corp } from "../lib/etl/schemas.ts";
import { marketSection } from "../lib/etl/company_market.ts";
import type { IpoItem } from "../lib/ipo/model.ts";
import type { MarketSection } from "../lib/market/summary.ts";
import { companySearch, corpCodeByStock, getCorp, type QuotedHit } from "../lib/store/corps.ts";
import { dealsOfCorp, getDeal } from "../lib/store/ipo.ts";
import { getInstrument, type StoredInstrument } from "../lib/store/market.ts";
import { type AppDeps, ensureSnapshot } from "./deps.ts";
import { ipoCache } from "./ipo.ts";
import { type CompanyLiveProps, companyLiveProps } from "./live.ts";

/** Search hits per page. */
export const SEARCH_PAGE_SIZE = 50;
/** Highest page number the search page serves. */
export const SEARCH_MAX_PAGE = 200;

/** Everything a company or stock page shows. */
export interface CompanyView {
  /** The DART snapshot; null when there is none (a corp-master row, or no corp at all). */
  snap: CompanySnapshot | null;
  /** The corp-master row (when there is no snapshot). */
  corp: Corp | null;
  /** The KRX instrument of the stock code. */
  instrument: StoredInstrument | null;
  /** The price section (null: unlisted, or no stored prices). */
  market: MarketSection | null;
  live?: CompanyLiveProps;
  /** IPO deals of the company. */
  deals: IpoItem[];
}

/**
 * The instrument, price section and live props of a stock code. `stored`: the snapshot's
 * price section (one built before prices were stored has none yet: read it now). Live
 * prices go with a DART snapshot's stock code (a Kiwoom feed needs no KRX data), else only
 * with a code KRX lists or has prices for.
 */
async function marketParts(
  deps: AppDeps,
  stock: string | null,
  corp: string | null,
  snapshot?: CompanySnapshot,
): Promise<Pick<CompanyView, "instrument" | "market" | "live">> {
  if (!stock) return { instrument: null, market: null, live: undefined };
  const [instrument, market] = await Promise.all([
    getInstrument(deps.kv, stock),
    snapshot?.market ?? marketSection(deps.kv, stock, corp),
  ]);
  const live = snapshot || instrument || market ? await companyLiveProps(deps, stock) : undefined;
  return { instrument, market, live };
}

/**
 * IPO deals of a company: those reconciled to its 고유번호, and those of its stock code the
 * pipeline could not tie to a 고유번호 (a KIND listing without a DART filing).
 */
async function dealsOf(
  deps: AppDeps,
  corp: string | null,
  stock: string | null,
): Promise<IpoItem[]> {
  const [byCorp, state] = await Promise.all([
    corp ? dealsOfCorp(deps.kv, corp) : [],
    stock ? ipoCache(deps).state() : null,
  ]);
  const ids = (state?.rows ?? []).filter((r) => r.stock_code === stock && !r.corp_code)
    .map((r) => r.id);
  const byStock = await Promise.all(ids.map((id) => getDeal(deps.kv, id)));
  return [...byCorp, ...byStock.filter((d): d is IpoItem => d !== null)];
}

/** The company page of a 고유번호, or null when neither a snapshot nor a corp exists. */
export async function companyView(deps: AppDeps, corpCode: string): Promise<CompanyView | null> {
  const snap = await ensureSnapshot(deps, corpCode) ? await deps.snapshots.get(corpCode) : null;
  const corp = snap ? null : await getCorp(deps.kv, corpCode);
  if (!snap && !corp) return null;
  const stock = snap ? snap.profile?.stock_code ?? null : corp!.stock_code;
  const [parts, deals] = await Promise.all([
    marketParts(deps, stock, corpCode, snap ?? undefined),
    dealsOf(deps, corpCode, stock),
  ]);
  return { snap, corp, ...parts, deals };
}

/** What `/stock/{code}` answers. */
export type StockAnswer = { redirect: string } | { view: CompanyView } | null;

/**
 * A 종목코드 or ISIN: a redirect to the company (a corp lists the code) or to the short
 * code (an ISIN), the instrument's own page, or null (unknown).
 */
export async function stockView(deps: AppDeps, codeOrIsin: string): Promise<StockAnswer> {
  const upper = codeOrIsin.toUpperCase();
  if (upper.length === 12) {
    const inst = await getInstrument(deps.kv, upper);
    return inst ? { redirect: stockUrl(inst.code) } : null;
  }
  if (upper !== codeOrIsin) return { redirect: stockUrl(upper) };
  const corp = await corpCodeByStock(deps.kv, upper);
  if (corp) return { redirect: entityUrl({ corp_code: corp, stock_code: upper }) };
  const parts = await marketParts(deps, upper, null);
  if (!parts.instrument && !parts.market) return null;
  return { view: { snap: null, corp: null, ...parts, deals: await dealsOf(deps, null, upper) } };
}

/** A hit as the search page lists it. */
export interface SearchRow extends QuotedHit {
  url: string;
}

/** The search page's data. */
export interface SearchView {
  q: string;
  page: number;
  pageSize: number;
  total: number;
  hits: SearchRow[];
  /** Set when the query names exactly one company or instrument: go there. */
  redirect: string | null;
}

/**
 * The hit a query names exactly, when exactly one does: a code (종목코드, 고유번호, ISIN)
 * or the full name. Searching by a code or a full name then goes straight to its page.
 */
export function exactHit<H extends { match: string }>(hits: H[]): H | null {
  if (hits[0]?.match === "code") return hits[0];
  const named = hits.filter((h) => h.match === "name");
  return named.length === 1 ? named[0] : null;
}

/** One page of `/company?q=` (pages count from 1). */
export async function searchView(deps: AppDeps, q: string, page: number): Promise<SearchView> {
  const result = q
    ? await companySearch(deps.kv).search(q, {
      offset: (page - 1) * SEARCH_PAGE_SIZE,
      limit: SEARCH_PAGE_SIZE,
    })
    : { total: 0, hits: [] };
  const hits = result.hits.map((h) => ({ ...h, url: entityUrl(h) }));
  const exact = page === 1 ? exactHit(hits) : null;
  return {
    q,
    page,
    pageSize: SEARCH_PAGE_SIZE,
    total: result.total,
    hits,
    redirect: exact?.url ?? null,
  };
}
