/**
 * The company snapshot's price section, built from stored KRX data: the price summary as
 * of the latest stored trading day, the instrument's name and market, and — when the
 * company listed through an IPO deal kdesk tracks — the return since the offer price.
 *
 * Both snapshot builders (`refreshCompany`, `rebuildSnapshot`) call {@linkcode marketSection};
 * the KRX daily job enqueues `rebuild_snapshot` for companies whose bars changed, so the
 * section follows the market without the snapshot carrying any bar arrays.
 *
 * @module
 */
import type { MarketSection } from "../market/summary.ts";
import { dealsOfCorp } from "../store/ipo.ts";
import { getInstrument, latestBarDay, priceSummary } from "../store/market.ts";
import { dealReturn, listedDeal } from "../store/market_cache.ts";
import { getCompanySnapshot, putCompanySnapshot } from "../store/snapshots.ts";

/**
 * The price section of a company's snapshot, or null when it has no stock code or no
 * stored bars. `asOf` defaults to the latest stored trading day (not the wall clock: the
 * sample's market ends on its own "today").
 */
export async function marketSection(
  kv: Deno.Kv,
  stockCode: string | null | undefined,
  corpCode: string | null,
  opts: { asOf?: string } = {},
): Promise<MarketSection | null> {
  if (!stockCode) return null;
  const asOf = opts.asOf ?? await latestBarDay(kv);
  if (!asOf) return null;
  const [summary, inst] = await Promise.all([
    priceSummary(kv, stockCode, asOf),
    getInstrument(kv, stockCode),
  ]);
  if (!summary) return null;
  const deal = corpCode ? listedDeal(await dealsOfCorp(kv, corpCode), stockCode) : null;
  return {
    ...summary,
    name: inst?.name ?? null,
    market: inst?.market ?? null,
    ipo: deal ? await dealReturn(kv, deal, stockCode, summary) : null,
  };
}

/**
 * Recomputes only the price section of a stored snapshot (e.g. after the IPO pipeline
 * attached a listed deal to the company, or a price correction) and writes the snapshot
 * when the section changed. Returns whether it wrote.
 */
export async function refreshMarketSection(kv: Deno.Kv, corpCode: string): Promise<boolean> {
  const snap = await getCompanySnapshot(kv, corpCode);
  if (!snap) return false;
  const market = await marketSection(kv, snap.profile?.stock_code, corpCode);
  if (JSON.stringify(market) === JSON.stringify(snap.market ?? null)) return false;
  await putCompanySnapshot(kv, { ...snap, market });
  return true;
}
