/**
 * The offline KRX sample: a fictional market from {@linkcode KRX_SAMPLE_FROM} to
 * `SAMPLE_AS_OF`, deterministic (seeded PRNGs, no clock, no `Math.random`).
 *
 * EVERYTHING HERE IS FICTIONAL: prices, volumes, index levels and investor flows are random
 * walks. Instruments:
 * - the listed featured sample companies of `sample/dart_sample.ts` (stock code, market from
 *   `corp_cls`, names from company.json);
 * - every listed sample IPO deal of `sample/ipo_deals.ts`, from its listing date: the first
 *   day trades around its offer price (+30..+160 % at the open like a KOSDAQ debut; a SPAC
 *   stays near 2,000), within KRX's listing-day range (60–400 % of the offer price);
 * - 60 filler instruments named after listed rows of the sample corp master (so the company
 *   search finds them), spread over KOSPI/KOSDAQ/KONEX; a few list during the window.
 *
 * Trading days are weekdays minus `KRX_HOLIDAYS` (`lib/market/sessions.ts`), which lists KRX's
 * closures for every year of the window (2021–2026: public and substitute holidays, election
 * days, temporary holidays, 근로자의 날, 연말 휴장일), so the fictional market trades on the
 * days KRX trades (2026 derived from the holiday rules, see sessions.ts). Prices sit on the KRX
 * tick grid within the ±30 % daily limits; volume, value (between low × volume and high ×
 * volume) and market cap (close × shares) follow. One stock (`KrxSampleModel.halted`) is
 * halted on a few days (open/high/low `"0"`, no volume); KONEX stocks sometimes do not trade.
 * Index families: KRX (KRX 300), KOSPI (코스피, 코스피 200, and 코스피 (외국주포함) with `"-"`
 * prices), KOSDAQ (코스닥, 코스닥 150). Investor flows (순매수 거래대금) net to zero per day.
 *
 * The in-memory KRX ({@linkcode buildKrxSampleDataset}, {@linkcode sampleKrxClients}) serves
 * every day from 2021. {@linkcode loadKrxSample} stores the history from
 * {@linkcode KRX_SAMPLE_HISTORY_FROM} (default; {@linkcode KRX_SAMPLE_FROM} for all of it)
 * straight from the generated records and collects the last {@linkcode KRX_SAMPLE_LIVE_DAYS}
 * trading days through the real path (`KrxClient` + `DataKrxClient` over the in-memory KRX,
 * `collectKrxDay`), so raw payloads exist and validation runs.
 *
 * @module
 */
import {
  type DailyBar,
  type IndexBar,
  indexCode,
  type IndexSeries,
  type Instrument,
  INVESTOR_TYPES,
  type InvestorFlow,
  KRX_MARKETS,
  type KrxMarket,
  MARKET_ID,
  toBasDd,
} from "../lib/market/model.ts";
import { tradingDaysBetween } from "../lib/market/sessions.ts";
import { floorToTick, priceLimits } from "../lib/market/tick_size.ts";
import { CircuitBreaker, HttpClient } from "../lib/http/mod.ts";
import { KrxClient } from "../lib/sources/krx/client.ts";
import { DataKrxClient } from "../lib/sources/krx/datakrx.ts";
import {
  baseInfoRow,
  createKrxFixture,
  flowRow,
  indexRow,
  tradeRow,
} from "../lib/sources/krx/fixture_fetch.ts";
import type { KrxDataset } from "../lib/sources/krx/types.ts";
import { collectKrxDay } from "../lib/etl/krx_collect.ts";
import type { NewIssue } from "../lib/jobs/quality.ts";
import { sha256Hex } from "../lib/store/blobs.ts";
import {
  putBars,
  putDayStatus,
  putFlows,
  putIndexBars,
  putInstruments,
} from "../lib/store/market.ts";
import { buildSampleDataset, type DartDataset, SAMPLE_AS_OF } from "./dart_sample.ts";
import {
  dealBasePrice,
  dealListingDate,
  fillerListings,
  krxRng,
  MARKET_OF_CLS,
  pricedCompanies,
} from "./listings.ts";
import { type Rng, uniform } from "./rng.ts";

/** First trading day of the sample. */
export const KRX_SAMPLE_FROM = "2021-01-04";
/** Trading days at the end loaded through the real client path. */
export const KRX_SAMPLE_LIVE_DAYS = 20;
/**
 * First day {@linkcode loadKrxSample} stores by default: a year and a bit (the 1Y chart and
 * the 52-week range are complete). The market store writes one gzip blob and a few KV
 * commits per (day, market) cross-section, so the whole history from 2021 costs several
 * seconds (≈ 6 s in memory, far more on a file store); pass `historyFrom: KRX_SAMPLE_FROM`
 * for it. Earlier days stay collectable from the in-memory KRX (a sample backfill).
 */
export const KRX_SAMPLE_HISTORY_FROM = "2025-11-03";
/** Not a secret: the in-memory KRX accepts only this key. */
export const SAMPLE_KRX_KEY = "kdesk-sample-krx-openapi-key-00000000";
/** Not secrets: the in-memory data.krx.co.kr member. */
export const SAMPLE_DATAKRX_LOGIN = { id: "kdesk-sample", pw: "kdesk-sample-datakrx-pw-0000" };
export const SAMPLE_KRX_BASE = "https://data-dbg.krx.sample.invalid/svc/apis";
export const SAMPLE_DATAKRX_BASE = "https://data.krx.sample.invalid";

// ---------------------------------------------------------------------------------------
// deterministic randomness

const rngFor = krxRng;

/** A standard normal draw (Box–Muller). */
function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
const round2 = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------------------------------
// instruments

/** How an instrument's prices are generated. */
interface Spec {
  inst: Instrument;
  /** Anchor price (pre-window close, or offer price for a listing in the window). */
  start: number;
  beta: number;
  sigma: number;
  /** Daily drift of the anchor. */
  drift: number;
  /** Listing day inside the window: base = `start` (offer price). */
  listsInWindow: boolean;
  spac: boolean;
  /** A filler (named after a corp-master row), not a featured company or IPO deal. */
  filler: boolean;
  /** Daily turnover (share of shares traded), typical. */
  turnover: number;
}

/** ISIN of a short code: KR7 + code + "00" + the Luhn check digit (letters A=10 … Z=35). */
export function isinOf(code: string): string {
  const body = `KR7${code}00`;
  const digits = [...body].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** Featured companies: listing date, anchor price, shares, par, KOSDAQ/KONEX 소속부, walk. */
const FEATURED: Record<
  string,
  {
    listed: string;
    start: number;
    shares: number;
    par: number | null;
    sector: string | null;
    sigma: number;
    drift: number;
  }
> = {
  "00912345": {
    listed: "2010-07-23",
    start: 58_400,
    shares: 41_250_000,
    par: 500,
    sector: null,
    sigma: 0.021,
    drift: 0.0003,
  },
  "01358027": {
    listed: "2019-11-26",
    start: 15_650,
    shares: 18_420_000,
    par: 500,
    sector: "기술성장기업부",
    sigma: 0.032,
    drift: -0.0001,
  },
  "00387461": {
    listed: "1996-03-14",
    start: 23_900,
    shares: 63_800_000,
    par: 5_000,
    sector: null,
    sigma: 0.018,
    drift: 0.0001,
  },
  "00741852": {
    listed: "2016-05-30",
    start: 6_420,
    shares: 4_850_000,
    par: 500,
    sector: "일반기업부",
    sigma: 0.025,
    drift: 0,
  },
  "00628419": {
    listed: "2011-12-09",
    start: 8_870,
    shares: 27_300_000,
    par: 500,
    sector: "중견기업부",
    sigma: 0.027,
    drift: -0.0005,
  },
  "01376540": {
    listed: "2017-09-21",
    start: 31_800,
    shares: 12_640_000,
    par: 100,
    sector: "우량기업부",
    sigma: 0.029,
    drift: 0.0002,
  },
  "01843756": {
    listed: "2026-08-11",
    start: 21_000,
    shares: 9_640_000,
    par: 500,
    sector: "기술성장기업부",
    sigma: 0.034,
    drift: 0,
  },
};

const FEATURED_CORPS: ReadonlySet<string> = new Set(Object.keys(FEATURED));

function instrument(p: {
  code: string;
  name: string;
  eng: string | null;
  market: KrxMarket;
  sector: string | null;
  par: number | null;
  listed: string;
  shares: number;
}): Instrument {
  return {
    code: p.code,
    isin: isinOf(p.code),
    name: p.name,
    name_full: `${p.name}보통주`,
    name_en: p.eng || null,
    market: p.market,
    sector: p.market === "KOSPI" ? null : p.sector,
    security_group: "주권",
    stock_kind: "보통주",
    par_value: p.par,
    listing_date: p.listed,
    shares: p.shares,
  };
}

function specs(dart: DartDataset): Spec[] {
  const out: Spec[] = [];
  const used = new Set<string>();
  // Featured companies and listed IPO deals (하람로보틱스 is both: its deal row gives the
  // listing).
  for (const { corp_code: corp, company: co, deal } of pricedCompanies(dart, FEATURED_CORPS)) {
    const market = MARKET_OF_CLS[co.corp_cls];
    const f = FEATURED[corp];
    const rng = rngFor(`spec:${co.stock_code}`);
    const listed = deal ? dealListingDate(deal) : f!.listed;
    const offer = deal ? dealBasePrice(deal) : f!.start;
    const spac = !!deal?.spac;
    const sector = f?.sector ??
      (market === "KONEX" ? "일반기업부" : spac ? "SPAC(소속부없음)" : "벤처기업부");
    out.push({
      inst: instrument({
        code: co.stock_code,
        name: co.stock_name || dart.corps.find((c) => c.corp_code === corp)?.corp_name || corp,
        eng: co.corp_name_eng ?? null,
        market,
        sector,
        par: f?.par ?? deal?.offering?.par ?? 500,
        listed,
        shares: deal?.listing?.listed_shares ?? f?.shares ?? 5_000_000,
      }),
      start: offer,
      beta: uniform(rng, 0.7, 1.3),
      sigma: spac ? 0.006 : f?.sigma ?? uniform(rng, 0.025, 0.04),
      drift: f?.drift ?? 0,
      listsInWindow: listed >= KRX_SAMPLE_FROM,
      spac,
      filler: false,
      turnover: spac ? 0.002 : market === "KONEX" ? 0.0006 : uniform(rng, 0.003, 0.009),
    });
    used.add(co.stock_code);
  }
  // Fillers: a seeded pick of the other listed corp-master rows (market and listing day
  // from sample/listings.ts, shared with the DART sample).
  for (const f of fillerListings(dart, used)) {
    const { corp: c, market, rng: r } = f;
    out.push({
      inst: instrument({
        code: c.stock_code!,
        name: c.corp_name,
        eng: c.corp_eng_name || null,
        market,
        sector: f.sector,
        par: f.par,
        listed: f.listed,
        shares: f.shares,
      }),
      start: Math.max(1_000, f.start),
      beta: uniform(r, 0.6, 1.4),
      sigma: market === "KONEX" ? uniform(r, 0.02, 0.035) : uniform(r, 0.014, 0.038),
      drift: uniform(r, -0.0004, 0.0005),
      listsInWindow: f.inWindow,
      spac: false,
      filler: true,
      turnover: market === "KONEX" ? 0.0005 : uniform(r, 0.001, 0.012),
    });
  }
  // The halted stock is a KOSDAQ 관리종목.
  const halted = out.find((s) => s.inst.code === haltedCode(out));
  if (halted) halted.inst.sector = "관리종목(소속부없음)";
  return out.sort((a, b) => (a.inst.code < b.inst.code ? -1 : a.inst.code > b.inst.code ? 1 : 0));
}

/** The halted stock: the first KOSDAQ filler listed before the window. */
function haltedCode(list: Spec[]): string {
  const s = list.filter((x) => x.filler && x.inst.market === "KOSDAQ" && !x.listsInWindow)
    .sort((a, b) => (a.inst.code < b.inst.code ? -1 : 1))[0];
  return s?.inst.code ?? "";
}

// ---------------------------------------------------------------------------------------
// the model

/** The generated market in normalized records (shared: do not mutate). */
export interface KrxSampleModel {
  /** Trading days, ascending. */
  days: string[];
  instruments: Instrument[];
  /** Bars by day index, then market (codes ascending). */
  bars: Record<KrxMarket, DailyBar[]>[];
  /** Index bars by day index. */
  index: IndexBar[][];
  /** Investor flows by day index (one per market). */
  flows: InvestorFlow[][];
  /** The halted stock and its no-trade days. */
  halted: { code: string; days: string[] };
  /** Listing base price (offer price) of instruments listed in the window, by code. */
  listingBase: Map<string, number>;
}

/** Market factor returns per day. */
function factors(days: string[]): Record<KrxMarket, Float64Array> {
  const p: Record<KrxMarket, [number, number]> = {
    KOSPI: [0.0002, 0.011],
    KOSDAQ: [0.0001, 0.014],
    KONEX: [0, 0.008],
  };
  const out = {} as Record<KrxMarket, Float64Array>;
  for (const m of KRX_MARKETS) {
    const rng = rngFor(`factor:${m}`);
    out[m] = Float64Array.from(days, () => p[m][0] + p[m][1] * normal(rng));
  }
  return out;
}

/** A price clamped to [lower, upper] and floored to the tick grid. */
function clampTick(x: number, lower: number, upper: number): number {
  return floorToTick(Math.min(upper, Math.max(lower, x)));
}

function barsOf(spec: Spec, days: string[], f: Float64Array, haltDays: Set<string>): DailyBar[] {
  const rng = rngFor(`bars:${spec.inst.code}`);
  const { inst } = spec;
  const shares = inst.shares!;
  const out: DailyBar[] = [];
  let prev = spec.start;
  let t0 = -1;
  for (let t = 0; t < days.length; t++) {
    const date = days[t];
    if (inst.listing_date! > date) continue;
    if (t0 < 0) t0 = t;
    const listingDay = spec.listsInWindow && t === t0;
    const anchor = spec.start * Math.exp(spec.drift * (t - t0));
    const noTrade = haltDays.has(date) ||
      (inst.market === "KONEX" && !listingDay && rng() < 0.1);
    if (noTrade && !listingDay) {
      out.push({
        date,
        code: inst.code,
        open: null,
        high: null,
        low: null,
        close: prev,
        change: 0,
        change_pct: 0,
        volume: 0,
        value: 0,
        market_cap: prev * shares,
        shares,
      });
      continue;
    }
    let lower: number, upper: number, open: number, close: number;
    let turnover = spec.turnover * Math.exp(0.5 * normal(rng));
    if (listingDay) {
      // KRX listing day: base = offer price, range 60–400 %.
      lower = floorToTick(prev * 0.6);
      upper = floorToTick(prev * 4);
      const pop = spec.spac ? uniform(rng, 0, 0.08) : uniform(rng, 0.3, 1.6);
      open = clampTick(prev * (1 + pop), lower, upper);
      close = clampTick(open * (1 + (spec.spac ? 0.01 : 0.12) * normal(rng)), lower, upper);
      turnover = spec.spac ? uniform(rng, 0.03, 0.08) : uniform(rng, 0.4, 1.4);
    } else {
      ({ lower, upper } = priceLimits(prev));
      let r = spec.beta * f[t] + spec.sigma * normal(rng) + spec.drift -
        0.004 * Math.log(prev / anchor);
      if (rng() < 0.003) r += 0.12 * normal(rng);
      close = clampTick(prev * (1 + r), lower, upper);
      open = clampTick(prev * (1 + 0.35 * r + 0.25 * spec.sigma * normal(rng)), lower, upper);
      turnover *= 1 + 8 * Math.abs(r);
    }
    const wick = listingDay ? 0.06 : 0.5 * spec.sigma;
    const high = Math.max(
      open,
      close,
      clampTick(Math.max(open, close) * (1 + Math.abs(wick * normal(rng))), lower, upper),
    );
    const low = Math.min(
      open,
      close,
      clampTick(Math.min(open, close) * (1 - Math.abs(wick * normal(rng))), lower, upper),
    );
    const volume = Math.max(1, Math.round(shares * turnover));
    const change = close - prev;
    out.push({
      date,
      code: inst.code,
      open,
      high,
      low,
      close,
      change,
      change_pct: round2((change / prev) * 100),
      volume,
      value: Math.round((volume * (open + high + low + close)) / 4),
      market_cap: close * shares,
      shares,
    });
    prev = close;
  }
  return out;
}

interface IndexSpec {
  series: IndexSeries;
  name: string;
  level: number;
  /** Return = beta × factor(market) + noise. */
  market: KrxMarket;
  beta: number;
  noise: number;
  volume: number;
  value: number;
  mcap: number;
}

const INDEX_SPECS: IndexSpec[] = [
  {
    series: "KRX",
    name: "KRX 300",
    level: 1_760,
    market: "KOSPI",
    beta: 1.02,
    noise: 0.002,
    volume: 260e6,
    value: 7.4e12,
    mcap: 1_720e12,
  },
  {
    series: "KOSPI",
    name: "코스피",
    level: 2_870,
    market: "KOSPI",
    beta: 1,
    noise: 0,
    volume: 540e6,
    value: 10.2e12,
    mcap: 2_010e12,
  },
  {
    series: "KOSPI",
    name: "코스피 200",
    level: 385,
    market: "KOSPI",
    beta: 1.04,
    noise: 0.0015,
    volume: 120e6,
    value: 6.8e12,
    mcap: 1_690e12,
  },
  {
    series: "KOSDAQ",
    name: "코스닥",
    level: 968,
    market: "KOSDAQ",
    beta: 1,
    noise: 0,
    volume: 1_150e6,
    value: 9.1e12,
    mcap: 395e12,
  },
  {
    series: "KOSDAQ",
    name: "코스닥 150",
    level: 1_540,
    market: "KOSDAQ",
    beta: 1.08,
    noise: 0.002,
    volume: 95e6,
    value: 3.6e12,
    mcap: 205e12,
  },
];

function indexBars(days: string[], fs: Record<KrxMarket, Float64Array>): IndexBar[][] {
  const out: IndexBar[][] = days.map(() => []);
  for (const s of INDEX_SPECS) {
    const rng = rngFor(`index:${s.name}`);
    const code = indexCode(s.series, s.name);
    let prev = s.level;
    for (let t = 0; t < days.length; t++) {
      const r = s.beta * fs[s.market][t] + s.noise * normal(rng) -
        0.002 * Math.log(prev / (s.level * Math.exp(0.0002 * t)));
      const close = round2(prev * (1 + r));
      const open = round2(prev * (1 + 0.3 * r + 0.002 * normal(rng)));
      const high = round2(Math.max(open, close) * (1 + Math.abs(0.003 * normal(rng))));
      const low = round2(Math.min(open, close) * (1 - Math.abs(0.003 * normal(rng))));
      const change = round2(close - prev);
      const bar: IndexBar = {
        date: days[t],
        index_code: code,
        series: s.series,
        name: s.name,
        open,
        high,
        low,
        close,
        change,
        change_pct: round2((change / prev) * 100),
        volume: Math.round(s.volume * Math.exp(0.3 * normal(rng))),
        value: Math.round(s.value * Math.exp(0.3 * normal(rng))),
        market_cap: Math.round(s.mcap * (close / s.level)),
      };
      out[t].push(bar);
      if (s.name === "코스피") {
        // KRX publishes this row without prices ("-") but with volume and market cap.
        out[t].push({
          date: days[t],
          index_code: indexCode("KOSPI", "코스피 (외국주포함)"),
          series: "KOSPI",
          name: "코스피 (외국주포함)",
          open: null,
          high: null,
          low: null,
          close: null,
          change: null,
          change_pct: null,
          volume: bar.volume! + 12_345,
          value: bar.value! + 1_234_567_890,
          market_cap: Math.round(bar.market_cap! * 1.004),
        });
      }
      prev = close;
    }
  }
  return out;
}

/** Investor-type weights of the flow noise (개인 takes the other side). */
const FLOW_WEIGHT: Record<string, number> = {
  금융투자: 0.5,
  보험: 0.15,
  투신: 0.2,
  사모: 0.1,
  은행: 0.05,
  기타금융: 0.05,
  연기금: 0.3,
  기타법인: 0.2,
  외국인: 1,
  기타외국인: 0.03,
};
const FLOW_SCALE: Record<KrxMarket, number> = { KOSPI: 1.2e11, KOSDAQ: 6e10, KONEX: 3e8 };

function flowsOf(days: string[], fs: Record<KrxMarket, Float64Array>): InvestorFlow[][] {
  const out: InvestorFlow[][] = days.map(() => []);
  for (const m of KRX_MARKETS) {
    const rng = rngFor(`flows:${m}`);
    for (let t = 0; t < days.length; t++) {
      const net: Record<string, number> = {};
      let sum = 0;
      for (const type of INVESTOR_TYPES) {
        if (type === "개인") continue;
        let v = normal(rng) * FLOW_SCALE[m] * FLOW_WEIGHT[type];
        if (type === "외국인") v += fs[m][t] * FLOW_SCALE[m] * 40; // foreigners buy up days
        net[type] = Math.round(v);
        sum += net[type];
      }
      net["개인"] = -sum;
      const ordered = Object.fromEntries(INVESTOR_TYPES.map((k) => [k, net[k]]));
      const institutions = INVESTOR_TYPES.slice(0, 7).reduce((a, k) => a + net[k], 0);
      out[t].push({ date: days[t], market: m, measure: "value", net: ordered, institutions });
    }
  }
  return out;
}

let cached: KrxSampleModel | null = null;

/** The sample market, generated once per process (shared: do not mutate it). */
export function krxSampleModel(dart?: DartDataset): KrxSampleModel {
  return cached ??= generateKrxSampleModel(dart);
}

/** Generates the sample market (a fresh model each call; ~0.3 s). */
export function generateKrxSampleModel(dart?: DartDataset): KrxSampleModel {
  const days = tradingDaysBetween(KRX_SAMPLE_FROM, SAMPLE_AS_OF);
  const list = specs(dart ?? buildSampleDataset({ ipoDeals: true }));
  const halted = haltedCode(list);
  // Halted: three days inside the live window, and a week in 2023.
  const haltDays = [...days.slice(-9, -6), ...days.filter((d) => d >= "2023-05-08").slice(0, 5)]
    .sort();
  const fs = factors(days);
  const byDay: Record<KrxMarket, DailyBar[]>[] = days.map(() => ({
    KOSPI: [],
    KOSDAQ: [],
    KONEX: [],
  }));
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const listingBase = new Map<string, number>();
  for (const s of list) {
    if (s.listsInWindow) listingBase.set(s.inst.code, s.start);
    const bars = barsOf(
      s,
      days,
      fs[s.inst.market],
      s.inst.code === halted ? new Set(haltDays) : new Set(),
    );
    for (const b of bars) byDay[dayIndex.get(b.date)!][s.inst.market].push(b);
  }
  return {
    days,
    instruments: list.map((s) => s.inst),
    bars: byDay,
    index: indexBars(days, fs),
    flows: flowsOf(days, fs),
    halted: { code: halted, days: haltDays },
    listingBase,
  };
}

/** A SHA-256 over the generated records: changes whenever the sample does. */
export async function krxSampleFingerprint(
  m: KrxSampleModel = krxSampleModel(),
): Promise<string> {
  let n = 0;
  for (const d of m.bars) for (const k of KRX_MARKETS) n += d[k].length;
  const nums = new Float64Array(n * 10);
  let i = 0;
  for (const d of m.bars) {
    for (const k of KRX_MARKETS) {
      for (const b of d[k]) {
        nums[i++] = b.open ?? NaN;
        nums[i++] = b.high ?? NaN;
        nums[i++] = b.low ?? NaN;
        nums[i++] = b.close ?? NaN;
        nums[i++] = b.change ?? NaN;
        nums[i++] = b.change_pct ?? NaN;
        nums[i++] = b.volume ?? NaN;
        nums[i++] = b.value ?? NaN;
        nums[i++] = b.market_cap ?? NaN;
        nums[i++] = b.shares ?? NaN;
      }
    }
  }
  const text = JSON.stringify([m.days, m.instruments, m.index.at(-1), m.flows.at(-1)]);
  const a = await sha256Hex(new Uint8Array(nums.buffer));
  return await sha256Hex(new TextEncoder().encode(`${a}\n${text}`));
}

// ---------------------------------------------------------------------------------------
// wire dataset

/**
 * Defines `obj[key]` as a value built on first read (then kept; assignable). Building all
 * 100k wire rows up front costs ~0.3 s; a sample context reads a handful of days.
 */
function lazy<T>(obj: Record<string, T>, key: string, build: () => T): void {
  let v: T | undefined;
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get: () => (v ??= build()),
    set: (x: T) => (v = x),
  });
}

/**
 * The sample in KRX wire rows (a fresh object each call), for the in-memory KRX. `days`
 * narrows it to some trading days (default all). The rows of a day are rendered when the day
 * is first read (enumerable getters: `Object.keys`, `JSON.stringify` and assignment work).
 */
export function buildKrxSampleDataset(opts: { days?: string[] } = {}): KrxDataset {
  const m = krxSampleModel();
  const want = opts.days ? new Set(opts.days) : null;
  const info = new Map(m.instruments.map((i) => [i.code, i]));
  const ds: KrxDataset = {
    trades: {},
    baseInfo: { KOSPI: [], KOSDAQ: [], KONEX: [] },
    index: {},
    flows: { STK: {}, KSQ: {}, KNX: {} },
  };
  for (const i of m.instruments) ds.baseInfo[i.market].push(baseInfoRow(i));
  const row = (b: DailyBar, mk: KrxMarket) => {
    const inst = info.get(b.code)!;
    return tradeRow(b, inst.name, mk, inst.sector);
  };
  m.days.forEach((date, t) => {
    if (want && !want.has(date)) return;
    const basDd = toBasDd(date);
    lazy(ds.trades, basDd, () => ({
      KOSPI: m.bars[t].KOSPI.map((b) => row(b, "KOSPI")),
      KOSDAQ: m.bars[t].KOSDAQ.map((b) => row(b, "KOSDAQ")),
      KONEX: m.bars[t].KONEX.map((b) => row(b, "KONEX")),
    }));
    lazy(ds.index, basDd, () => {
      const idx = m.index[t];
      return {
        KRX: idx.filter((b) => b.series === "KRX").map(indexRow),
        KOSPI: idx.filter((b) => b.series === "KOSPI").map(indexRow),
        KOSDAQ: idx.filter((b) => b.series === "KOSDAQ").map(indexRow),
      };
    });
    for (const f of m.flows[t]) ds.flows![MARKET_ID[f.market]][basDd] = flowRow(f);
  });
  return ds;
}

/** The KRX OpenAPI and data.krx.co.kr clients of the sample, over an in-memory KRX. */
export function sampleKrxClients(
  kv: Deno.Kv,
  dataset: KrxDataset = buildKrxSampleDataset(),
): { krx: KrxClient; flows: DataKrxClient } {
  const fixture = createKrxFixture(dataset, {
    apiKey: SAMPLE_KRX_KEY,
    login: SAMPLE_DATAKRX_LOGIN,
  });
  const http = (source: string) =>
    new HttpClient({
      source,
      retries: 0,
      timeoutMs: 30_000,
      breaker: new CircuitBreaker(),
      fetch: fixture.fetch,
    });
  return {
    krx: new KrxClient({ kv, http: http("krx"), apiKey: SAMPLE_KRX_KEY, baseUrl: SAMPLE_KRX_BASE }),
    flows: new DataKrxClient({
      kv,
      http: http("datakrx"),
      id: SAMPLE_DATAKRX_LOGIN.id,
      pw: SAMPLE_DATAKRX_LOGIN.pw,
      baseUrl: SAMPLE_DATAKRX_BASE,
    }),
  };
}

/** What {@linkcode loadKrxSample} stored. */
export interface KrxSampleLoad {
  instruments: number;
  days: number;
  bars: number;
  /** Days stored (straight or collected). */
  stored_days: number;
  /** Days collected through the real client path. */
  live_days: number;
  api_calls: number;
  /** Issues the collected days raised (none expected). */
  issues: NewIssue[];
  ms: number;
}

/** Options of {@linkcode loadKrxSample}. */
export interface KrxSampleLoadOptions {
  /** Trading days at the end collected through the real path (default 20). */
  liveDays?: number;
  /**
   * First day stored straight from the records (default {@linkcode KRX_SAMPLE_HISTORY_FROM};
   * {@linkcode KRX_SAMPLE_FROM} for everything). Earlier days stay in the in-memory KRX only
   * (a sample backfill can collect them).
   */
  historyFrom?: string;
  /** The DART sample (saves building it again). */
  dart?: DartDataset;
}

/**
 * Loads the sample market into `kv`: the history before the last `liveDays` trading days
 * straight from the generated records (`putBars` per market and year, in parallel: they
 * touch different series), the last `liveDays` through `collectKrxDay`, one day after the
 * other (each validates against the previous day's closes). The current year's history and
 * the index history are written before the live days start (same series keys); the older
 * years are written meanwhile.
 */
export async function loadKrxSample(
  kv: Deno.Kv,
  opts: KrxSampleLoadOptions = {},
): Promise<KrxSampleLoad> {
  const t0 = performance.now();
  const m = krxSampleModel(opts.dart);
  const live = Math.max(0, Math.min(m.days.length, opts.liveDays ?? KRX_SAMPLE_LIVE_DAYS));
  const cut = m.days.length - live;
  const from = m.days.findIndex((d) => d >= (opts.historyFrom ?? KRX_SAMPLE_HISTORY_FROM));
  const first = from < 0 ? cut : Math.min(from, cut);
  await putInstruments(kv, m.instruments);
  let bars = 0;
  const putDays = (ts: number[]) =>
    KRX_MARKETS.map((mk) => {
      const list = ts.flatMap((t) => m.bars[t][mk]);
      bars += list.length;
      return list.length ? putBars(kv, mk, list) : Promise.resolve();
    });
  // The day before the live window first: the first live day validates against it.
  const seed = live && cut - 1 >= first ? cut - 1 : -1;
  if (seed >= 0) await Promise.all(putDays([seed]));
  // History by (market, year): different series keys, so the years go in parallel. The live
  // days' year waits until they are collected: merging a day into short year packs is cheap.
  const liveYear = live ? m.days[cut].slice(0, 4) : "";
  const years = new Map<string, number[]>();
  for (let t = first; t < cut; t++) {
    if (t === seed) continue;
    const y = m.days[t].slice(0, 4);
    let g = years.get(y);
    if (!g) years.set(y, g = []);
    g.push(t);
  }
  const older = Promise.all([
    ...[...years].filter(([y]) => y !== liveYear).flatMap(([, ts]) => putDays(ts)),
    putFlows(kv, m.flows.slice(first, cut).flat()),
  ]);
  const statuses = (async () => {
    const at = new Date().toISOString();
    for (let t = first; t < cut; t += 50) {
      await Promise.all(
        m.days.slice(t, Math.min(cut, t + 50)).map((date, j) => {
          const d = m.bars[t + j];
          return putDayStatus(kv, {
            date,
            holiday: false,
            bars: { KOSPI: d.KOSPI.length, KOSDAQ: d.KOSDAQ.length, KONEX: d.KONEX.length },
            indices: m.index[t + j].length,
            run_id: null,
            collected_at: at,
          });
        }),
      );
    }
  })();
  // The last days through the real path, then the rest of their year and the indices.
  const issues: NewIssue[] = [];
  let calls = 0;
  const recent = (async () => {
    if (live) {
      const days = m.days.slice(cut);
      const { krx, flows } = sampleKrxClients(kv, buildKrxSampleDataset({ days }));
      for (const date of days) {
        // The payload schemas are registered once (the first day); later days match them.
        const schemaCheck = date === days[0];
        const r = await collectKrxDay({ kv, krx, flows, date, run_id: null, schemaCheck });
        issues.push(...r.issues);
        calls += r.api_calls;
        bars += Object.values(r.bars).reduce((a, b) => a + (b ?? 0), 0);
      }
    }
    await Promise.all([
      ...putDays(years.get(liveYear) ?? []),
      putIndexBars(kv, m.index.slice(first, cut).flat()),
    ]);
  })();
  await Promise.all([older, statuses, recent]);
  return {
    instruments: m.instruments.length,
    days: m.days.length,
    stored_days: m.days.length - first,
    bars,
    live_days: live,
    api_calls: calls,
    issues,
    ms: Math.round(performance.now() - t0),
  };
}
