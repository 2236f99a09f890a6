/**
 * Which sample companies trade on the sample KRX — one decision shared by the KRX sample
 * (`krx_sample.ts`, prices) and the DART sample (`dart_sample.ts`, the company data of every
 * traded company), so both always agree on the set, each filler's market and listing day.
 *
 * - the listed featured companies and every IPO deal listed by `SAMPLE_AS_OF`
 *   ({@linkcode listedSampleDeals});
 * - {@linkcode FILLERS} fillers: a seeded pick of the other listed corp-master rows, each
 *   with a market (KOSPI / KOSDAQ / KONEX) and a listing day ({@linkcode fillerListings}).
 *
 * EVERYTHING HERE IS FICTIONAL.
 *
 * @module
 */
import type { KrxMarket } from "../lib/market/model.ts";
import { isTradingDay } from "../lib/market/sessions.ts";
import type { DartDataset } from "../lib/sources/dart/fixture_fetch.ts";
import { IPO_AS_OF, IPO_DEALS, type IpoDeal } from "./ipo_deals.ts";
import { floorToTick } from "../lib/market/tick_size.ts";
import { type Rng, rngFor, uniform } from "./rng.ts";

/** Fillers (named after listed sample corp-master rows). */
export const FILLERS = 60;

/** KRX market of a DART `corp_cls` (E: not listed). */
export const MARKET_OF_CLS: Readonly<Record<string, KrxMarket>> = {
  Y: "KOSPI",
  K: "KOSDAQ",
  N: "KONEX",
};

/** DART `corp_cls` of a KRX market. */
export const CLS_OF_MARKET: Readonly<Record<KrxMarket, "Y" | "K" | "N">> = {
  KOSPI: "Y",
  KOSDAQ: "K",
  KONEX: "N",
};

/** The KRX sample's seeded streams (`krx:` keeps them apart from the DART sample's). */
export const krxRng = (label: string): Rng => rngFor(`krx:${label}`);

/** IPO deals listed on or before the sample's "today", by corp_code. */
export function listedSampleDeals(): Map<string, IpoDeal> {
  return new Map(
    IPO_DEALS.filter((d) =>
      d.stage === "상장" && d.stock_code &&
      (d.listing?.date ?? d.offering?.listing_date ?? "9") <= IPO_AS_OF
    ).map((d) => [d.corp_code, d]),
  );
}

/** KONEX listings have no offer price: the 지정자문인's base price. */
export const KONEX_BASE = 4_150;

/** A listed deal's listing base price: its offer price, or {@linkcode KONEX_BASE}. */
export const dealBasePrice = (d: IpoDeal): number => d.offering?.final_price ?? KONEX_BASE;

/** The listing day of a listed deal. */
export const dealListingDate = (d: IpoDeal): string => d.listing?.date ?? d.offering!.listing_date!;

/** The first trading day on or after a date. */
export function tradingDayNear(date: string): string {
  let t = Date.parse(`${date}T00:00:00Z`);
  for (;;) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (isTradingDay(d)) return d;
    t += 86400_000;
  }
}

/**
 * Companies of `dart.companies` that trade because they are featured or a listed deal:
 * listed (`corp_cls` Y/K/N with a stock code) and in `featured` or {@linkcode listedSampleDeals}.
 */
export function pricedCompanies(
  dart: DartDataset,
  featured: ReadonlySet<string>,
): { corp_code: string; company: Record<string, string>; deal: IpoDeal | null }[] {
  const deals = listedSampleDeals();
  const out = [];
  for (const [corp, co] of Object.entries(dart.companies)) {
    if (!MARKET_OF_CLS[co.corp_cls] || !co.stock_code) continue;
    const deal = deals.get(corp) ?? null;
    if (!featured.has(corp) && !deal) continue;
    out.push({ corp_code: corp, company: co, deal });
  }
  return out;
}

/** One filler instrument. */
export interface FillerListing {
  corp: DartDataset["corps"][number];
  /** Its position among the fillers (by stock code). */
  index: number;
  market: KrxMarket;
  /** 상장일 (a trading day). */
  listed: string;
  /** Lists inside the KRX sample window (every ninth filler). */
  inWindow: boolean;
  /** Anchor price (원, on the tick grid): the close before the window, or the listing base. */
  start: number;
  /** 상장주식수. */
  shares: number;
  /** 소속부 (KOSDAQ / KONEX; the KRX sample drops it for KOSPI). */
  sector: string;
  /** 액면가 (원); null for 무액면. */
  par: number | null;
  /** The filler's stream, positioned after the draws above (the KRX sample goes on with it). */
  rng: Rng;
}

const KOSDAQ_SECTORS = ["우량기업부", "벤처기업부", "중견기업부", "기술성장기업부"];

/**
 * The {@linkcode FILLERS} filler instruments: a seeded pick of the listed corp-master rows
 * whose stock code is not in `used`, ascending by stock code, each with its market and
 * listing day.
 */
export function fillerListings(dart: DartDataset, used: ReadonlySet<string>): FillerListing[] {
  const rng = krxRng("fillers");
  const pool = dart.corps
    .filter((c) => c.stock_code && /^[0-9A-Z]{6}$/.test(c.stock_code) && !used.has(c.stock_code))
    .sort((a, b) => (a.stock_code! < b.stock_code! ? -1 : 1));
  const seen = new Set<string>();
  const picked = pool.filter((c) => {
    if (seen.has(c.stock_code!)) return false;
    seen.add(c.stock_code!);
    return true;
  }).map((c) => ({ c, k: rng() })).sort((a, b) => a.k - b.k).slice(0, FILLERS).map((x) => x.c)
    .sort((a, b) => (a.stock_code! < b.stock_code! ? -1 : 1));
  return picked.map((c, i) => {
    const r = krxRng(`filler:${c.stock_code}`);
    const u = r();
    const market: KrxMarket = u < 0.42 ? "KOSPI" : u < 0.92 ? "KOSDAQ" : "KONEX";
    // Every ninth filler lists inside the window; the rest before it.
    const inWindow = i % 9 === 4;
    const listed = inWindow
      ? tradingDayNear(`${2021 + (i % 5)}-${String(1 + Math.floor(r() * 12)).padStart(2, "0")}-15`)
      : tradingDayNear(
        `${1990 + Math.floor(r() * 30)}-${String(1 + Math.floor(r() * 12)).padStart(2, "0")}-${
          String(1 + Math.floor(r() * 28)).padStart(2, "0")
        }`,
      );
    const start = floorToTick(Math.exp(uniform(r, Math.log(1_200), Math.log(320_000))));
    const shares = Math.round(Math.exp(uniform(r, Math.log(3e6), Math.log(180e6))) / 100) * 100;
    const sector = market === "KONEX"
      ? "일반기업부"
      : KOSDAQ_SECTORS[Math.floor(r() * KOSDAQ_SECTORS.length)];
    const par = r() < 0.1 ? null : [100, 200, 500, 1_000, 5_000][Math.floor(r() * 5)];
    return { corp: c, index: i, market, listed, inWindow, start, shares, sector, par, rng: r };
  });
}
