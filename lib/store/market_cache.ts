/**
 * A read-through cache of the market reads pages and the market API repeat: the latest
 * trading day, the instrument list, price summaries, index overviews, and listed IPO
 * deals' post-listing figures ({@linkcode MarketCache.dealPerformance}, the one definition
 * the deal API, the IPO pages and ipo.xlsx share).
 *
 * Every entry is dropped when the market epoch moves: each write to the market store bumps
 * it (`bumpMarketEpoch`), and the cache re-reads its versionstamp (one `kv.get`) at most
 * every `ttlMs` — so writers in other processes or isolates are seen within `ttlMs`. That
 * is `EpochPoll` (lib/store/epoch.ts) in its lazy mode, the same mechanism the snapshot and
 * IPO caches run on a timer; no timer is kept here, so a cache needs no closing.
 *
 * @module
 */
import type { IpoItem } from "../ipo/model.ts";
import type { DailyBar, IndexBar } from "../market/model.ts";
import { toKstDate } from "../format.ts";
import { addDays } from "../market/range.ts";
import {
  afterListing,
  type DealPerformance,
  type IpoSinceOffer,
  type ListedDealRef,
  NO_PERFORMANCE,
  sinceOffer,
} from "../market/summary.ts";
import { EpochPoll } from "./epoch.ts";
import { keys } from "./keys.ts";
import {
  getBars,
  getIndexBars,
  type IndexMeta,
  latestBarDay,
  listIndices,
  listInstruments,
  type PriceSummary,
  priceSummary,
  type StoredInstrument,
} from "./market.ts";

/** An index with its latest bar and recent closes (for cards and sparklines). */
export interface IndexLatest extends IndexMeta {
  /** The latest stored bar (null when the index has no bar in the last year). */
  bar: IndexBar | null;
  /** Dates and closes of the last `points` bars, oldest first. */
  dates: string[];
  closes: (number | null)[];
}

/** Indices shown first, in this order (then the rest by code). */
export const INDEX_ORDER = ["KOSPI", "KOSDAQ", "KOSPI200", "KOSDAQ150", "KRX300", "KRX100"];

/** Sorts index metas: {@linkcode INDEX_ORDER} first, then by code. */
export function sortIndices<T extends { index_code: string }>(list: T[]): T[] {
  const rank = (c: string) => {
    const i = INDEX_ORDER.indexOf(c);
    return i < 0 ? INDEX_ORDER.length : i;
  };
  return [...list].sort((a, b) =>
    rank(a.index_code) - rank(b.index_code) || a.index_code.localeCompare(b.index_code)
  );
}

/** The listed deal a since-offer return is measured from: the latest listing with a price. */
export function listedDeal(deals: IpoItem[], stockCode: string): IpoItem | null {
  const listed = deals.filter((d) =>
    d.stage === "상장" && d.facts.final_price && d.facts.listing_date &&
    (d.stock_code === null || d.stock_code === stockCode)
  );
  listed.sort((a, b) => b.facts.listing_date!.localeCompare(a.facts.listing_date!));
  return listed[0] ?? null;
}

/** Days after a listing date within which the first stored bar counts as the first day. */
export const FIRST_DAY_WINDOW = 10;

/**
 * A listed stock's first trading day: its first stored bar within
 * {@linkcode FIRST_DAY_WINDOW} days of the listing date, or null.
 */
export async function firstBarAfter(
  kv: Deno.Kv,
  stockCode: string,
  listingDate: string,
): Promise<DailyBar | null> {
  return (await getBars(kv, stockCode, listingDate, addDays(listingDate, FIRST_DAY_WINDOW)))[0] ??
    null;
}

/**
 * A listed deal's return since its offer price: the first stored bar within ten days of
 * the listing date is its first trading day; `summary` gives the latest close.
 */
export async function dealReturn(
  kv: Deno.Kv,
  deal: IpoItem,
  stockCode: string,
  summary: PriceSummary | null,
): Promise<IpoSinceOffer | null> {
  const offer = deal.facts.final_price;
  const listing = deal.facts.listing_date;
  if (!offer || !listing) return null;
  const first = await firstBarAfter(kv, stockCode, listing);
  return sinceOffer(
    { pipeline_id: deal.pipeline_id, offer_price: offer, listing_date: listing },
    first,
    summary?.close ?? null,
  );
}

/** Options of {@link MarketCache}. */
export interface MarketCacheOptions {
  /** How long the epoch read is trusted (default 1 s; 0 checks on every read). */
  ttlMs?: number;
  /** Entries kept before the cache is emptied (default 10,000). */
  maxEntries?: number;
  now?: () => number;
}

/** The cache of one KV. */
export class MarketCache {
  #entries = new Map<string, Promise<unknown>>();
  /** The market epoch, read lazily (no timer): at most once per `ttlMs`. */
  #poll: EpochPoll;

  constructor(private kv: Deno.Kv, private opts: MarketCacheOptions = {}) {
    this.#poll = new EpochPoll(
      kv,
      keys.marketEpoch(),
      undefined,
      () => this.#entries.clear(),
      opts.now,
    );
  }

  /** Re-reads the epoch when the last read is older than the TTL; a move empties the cache. */
  #fresh(): Promise<void> {
    return this.#poll.fresh(this.opts.ttlMs ?? 1_000);
  }

  /** Memoizes `load` under `key` until the epoch moves. A failed load is not kept. */
  async memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    await this.#fresh();
    const hit = this.#entries.get(key) as Promise<T> | undefined;
    if (hit) return hit;
    if (this.#entries.size >= (this.opts.maxEntries ?? 10_000)) this.#entries.clear();
    const p = load();
    this.#entries.set(key, p);
    p.catch(() => {
      if (this.#entries.get(key) === p) this.#entries.delete(key);
    });
    return p;
  }

  /** The market epoch's versionstamp (null before the first market write). */
  async epoch(): Promise<string | null> {
    await this.#fresh();
    return this.#poll.epoch;
  }

  /**
   * The epoch without waiting, for synchronous hot paths: the last read when it is younger
   * than the TTL, else undefined (not read yet, invalidated, or older than the TTL: then a
   * re-read starts in the background, and the caller takes its async path, which waits for
   * {@linkcode epoch}). So a hot path never serves an answer made under an epoch read longer
   * ago than the TTL — the same freshness as {@linkcode epoch}.
   */
  peekEpoch(): string | null | undefined {
    return this.#poll.peek(this.opts.ttlMs ?? 1_000);
  }

  /** Drops every entry (the next read also re-checks the epoch). */
  invalidate(): void {
    this.#entries.clear();
    this.#poll.reset();
  }

  /** The latest stored trading day, or null before any bar was stored. */
  latestDay(): Promise<string | null> {
    return this.memo("latest_day", () => latestBarDay(this.kv));
  }

  /** The day windows are measured from: the latest trading day, else today (KST). */
  async anchorDay(): Promise<string> {
    return (await this.latestDay()) ?? toKstDate(new Date());
  }

  /** Every instrument, by code. */
  instruments(): Promise<StoredInstrument[]> {
    return this.memo("instruments", async () => {
      const all = await listInstruments(this.kv);
      return all.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    });
  }

  /** Instruments by code. */
  instrumentMap(): Promise<Map<string, StoredInstrument>> {
    return this.memo(
      "instrument_map",
      async () => new Map((await this.instruments()).map((i) => [i.code, i])),
    );
  }

  /** The price summary of a code as of the latest stored day, or null. */
  summary(code: string): Promise<PriceSummary | null> {
    return this.memo(`summary:${code}`, async () => {
      const day = await this.latestDay();
      return day ? await priceSummary(this.kv, code, day) : null;
    });
  }

  /** Every known index (identity only), known indices first. */
  indexMetas(): Promise<IndexMeta[]> {
    return this.memo("index_metas", async () => sortIndices(await listIndices(this.kv)));
  }

  /**
   * One index with its latest bar on or before `asOf` (default the latest trading day) and
   * its last `points` closes; null for an unknown index.
   */
  index(code: string, points = 60, asOf?: string): Promise<IndexLatest | null> {
    return this.memo(`index:${code}:${points}:${asOf ?? ""}`, async () => {
      const meta = (await this.indexMetas()).find((m) => m.index_code === code);
      if (!meta) return null;
      const to = asOf ?? await this.anchorDay();
      // ~60 trading days fit in 100 calendar days; a year back finds a stale index's bar.
      const from = addDays(to, -Math.max(100, Math.ceil(points * 1.6)));
      let bars = await getIndexBars(this.kv, code, from, to);
      if (!bars.length) bars = await getIndexBars(this.kv, code, addDays(to, -366), to);
      const tail = bars.slice(-points);
      return {
        ...meta,
        bar: bars.at(-1) ?? null,
        dates: tail.map((b) => b.date),
        closes: tail.map((b) => b.close),
      };
    });
  }

  /** {@linkcode index} of every known index, known indices first. */
  indices(points = 60, asOf?: string): Promise<IndexLatest[]> {
    return this.memo(`indices:${points}:${asOf ?? ""}`, async () => {
      const out: IndexLatest[] = [];
      for (const meta of await this.indexMetas()) {
        const i = await this.index(meta.index_code, points, asOf);
        if (i) out.push(i);
      }
      return out;
    });
  }

  /** {@linkcode firstBarAfter}, cached. */
  firstBar(code: string, listingDate: string): Promise<DailyBar | null> {
    return this.memo(
      `first:${code}:${listingDate}`,
      () => firstBarAfter(this.kv, code, listingDate),
    );
  }

  /**
   * A deal's post-listing figures ({@linkcode afterListing}): the latest close is the
   * stock's {@linkcode summary} (the same entry the instrument API serves), the first day
   * its {@linkcode firstBar}. Both reads are cached per market epoch; the figures are
   * recomputed from them on each call, so a deal whose offer price changed within an
   * epoch is not served its old return.
   */
  async dealPerformance(deal: ListedDealRef): Promise<DealPerformance> {
    const code = deal.stock_code;
    if (deal.stage !== "상장" || !code) return { ...NO_PERFORMANCE };
    const latest = await this.summary(code);
    if (!latest) return { ...NO_PERFORMANCE };
    const first = deal.offer_price && deal.listing_date
      ? await this.firstBar(code, deal.listing_date)
      : null;
    return afterListing(deal, first, latest);
  }

  /**
   * {@linkcode dealPerformance} of many deals (board, pipeline pages, ipo.xlsx), by
   * pipeline id; deals with no figures are left out.
   */
  async dealPerformances(deals: Iterable<ListedDealRef>): Promise<Map<string, DealPerformance>> {
    const listed = [...deals].filter((d) => d.stage === "상장" && d.stock_code);
    const out = new Map<string, DealPerformance>();
    const got = await Promise.all(listed.map((d) => this.dealPerformance(d)));
    listed.forEach((d, i) => {
      if (got[i].last_close_date !== null) out.set(d.pipeline_id, got[i]);
    });
    return out;
  }
}

const byKv = new WeakMap<Deno.Kv, MarketCache>();

/** The shared market cache of a KV (created on first use). */
export function marketCacheFor(kv: Deno.Kv, opts?: MarketCacheOptions): MarketCache {
  let c = byKv.get(kv);
  if (!c) byKv.set(kv, c = new MarketCache(kv, opts));
  return c;
}
