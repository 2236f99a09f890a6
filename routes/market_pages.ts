/**
 * Data of the market parts of the pages: the home page's KOSPI/KOSDAQ cards and the
 * `/market` page, read through the shared market cache.
 *
 * @module
 */
import type { IndexCardData } from "../components/IndexCards.tsx";
import type { IndexRow, MarketDay, MarketPageProps, MoverRow } from "../components/MarketPage.tsx";
import { formatDate } from "../lib/format.ts";
import { type DailyBar, KRX_MARKETS } from "../lib/market/model.ts";
import { getDay, getFlows } from "../lib/store/market.ts";
import { type IndexLatest, marketCacheFor } from "../lib/store/market_cache.ts";
import type { AppDeps } from "./deps.ts";
import { closedDay, closedText } from "./market.ts";

/** Indices on the home page. */
export const HOME_INDICES = ["KOSPI", "KOSDAQ"];
/** Indices with a card on the market page. */
export const MARKET_CARDS = ["KOSPI", "KOSDAQ", "KOSPI200", "KOSDAQ150"];
/** Rows per movers table. */
export const MOVERS = 10;

function card(i: IndexLatest): IndexCardData {
  return {
    index_code: i.index_code,
    name: i.name,
    date: i.bar?.date ?? null,
    close: i.bar?.close ?? null,
    change: i.bar?.change ?? null,
    change_pct: i.bar?.change_pct ?? null,
    closes: i.closes,
  };
}

/** The home page's index cards (KOSPI, KOSDAQ; none before index data exists). */
export async function homeIndices(deps: AppDeps): Promise<IndexCardData[]> {
  const cache = marketCacheFor(deps.kv);
  const found = await Promise.all(HOME_INDICES.map((code) => cache.index(code)));
  return found.flatMap((i) => (i?.bar ? [card(i)] : []));
}

/** Top `n` rows by a key, best first, of the bars that pass `keep`. */
function top(
  bars: DailyBar[],
  names: Map<string, { name: string }>,
  keep: (b: DailyBar) => boolean,
  key: (b: DailyBar) => number,
  n = MOVERS,
): MoverRow[] {
  return bars.filter(keep).sort((a, b) => key(b) - key(a) || a.code.localeCompare(b.code))
    .slice(0, n)
    .map((b) => ({
      code: b.code,
      name: names.get(b.code)?.name ?? b.code,
      close: b.close,
      change_pct: b.change_pct,
      value: b.value,
    }));
}

/** What the market page shows for a day (default the latest stored trading day). */
export async function marketPageData(
  deps: AppDeps,
  asked: string | null,
): Promise<Omit<MarketPageProps, "sample" | "bundle">> {
  const cache = marketCacheFor(deps.kv);
  const latest = await cache.latestDay();
  if (!latest) return { date: null, latest: null, cards: [], indices: [], markets: [] };
  const date = asked ?? latest;
  const [all, names] = await Promise.all([cache.indices(60, date), cache.instrumentMap()]);
  const markets: MarketDay[] = [];
  for (const market of KRX_MARKETS) {
    const bars = await getDay(deps.kv, date, market);
    if (!bars.length) continue;
    const traded = (b: DailyBar) => b.close !== null && (b.volume ?? 0) > 0;
    const pct = (b: DailyBar) => b.change_pct ?? 0;
    markets.push({
      market,
      count: bars.length,
      up: bars.filter((b) => (b.change ?? 0) > 0).length,
      down: bars.filter((b) => (b.change ?? 0) < 0).length,
      flat: bars.filter((b) => !b.change).length,
      gainers: top(bars, names, (b) => traded(b) && pct(b) > 0, pct),
      losers: top(bars, names, (b) => traded(b) && pct(b) < 0, (b) => -pct(b)),
      active: top(bars, names, traded, (b) => b.value ?? 0),
      flow: (await getFlows(deps.kv, market, date, date))[0] ?? null,
    });
  }
  let notice: string | null = null;
  if (!markets.length) {
    const closed = await closedDay(deps.kv, date);
    notice = closed
      ? `${formatDate(date)}은(는) 거래일이 아닙니다 (${closedText(closed, "ko")}).`
      : `${formatDate(date)}의 시세가 수집되지 않았습니다.`;
  }
  const indices: IndexRow[] = all.map((i) => ({
    index_code: i.index_code,
    name: i.name,
    series: i.series,
    date: i.bar?.date ?? null,
    close: i.bar?.close ?? null,
    change: i.bar?.change ?? null,
    change_pct: i.bar?.change_pct ?? null,
  }));
  return {
    date,
    latest,
    cards: MARKET_CARDS.flatMap((c) => {
      const i = all.find((x) => x.index_code === c);
      return i?.bar ? [card(i)] : [];
    }),
    indices,
    markets,
    notice,
  };
}
