/**
 * Test helper: a small deterministic KRX market written through the market store
 * (instruments, daily bars with their cross-sections, index bars, investor flows, day
 * statuses), independent of the bundled sample. Prices are seeded random walks.
 */
import type { Hono } from "hono";
import { loadConfig } from "../../config.ts";
import { marketSection } from "../../lib/etl/company_market.ts";
import { buildCompanySnapshot } from "../../lib/etl/company_snapshot.ts";
import { storeItems } from "../../lib/etl/ipo.ts";
import {
  type CompanySnapshot,
  type CorpCls,
  MARKET_LABEL,
  type Profile,
} from "../../lib/etl/schemas.ts";
import { emptyFacts, type IpoItem } from "../../lib/ipo/model.ts";
import { KRX_HOLIDAYS } from "../../lib/market/sessions.ts";
import { companySearch, upsertCorpMaster } from "../../lib/store/corps.ts";
import { marketCacheFor } from "../../lib/store/market_cache.ts";
import { putCompanySnapshot, SnapshotCache } from "../../lib/store/snapshots.ts";
import { createApp } from "../../routes/app.ts";
import type { AppDeps } from "../../routes/deps.ts";
import { ensureBuild } from "../../scripts/build.ts";
import {
  type DailyBar,
  type IndexBar,
  type Instrument,
  INVESTOR_TYPES,
  type InvestorFlow,
  type KrxMarket,
} from "../../lib/market/model.ts";
import {
  putBars,
  putDayStatus,
  putFlows,
  putIndexBars,
  putInstruments,
} from "../../lib/store/market.ts";

/** The last seeded trading day (a Friday). */
export const LATEST = "2026-11-20";
/** A weekday left out of the bars and recorded by the "collector" as a holiday. */
export const COLLECTED_HOLIDAY = "2026-04-15";
/** 하람로보틱스: listed 2026-08-11 at 21,000 (the sample IPO). */
export const IPO_CODE = "0091A0";
export const IPO_LISTING = "2026-08-11";
export const IPO_OFFER = 21_000;
export const IPO_FIRST_OPEN = 30_000;
export const IPO_FIRST_CLOSE = 27_300;

interface Spec {
  code: string;
  name: string;
  market: KrxMarket;
  price: number;
  shares: number;
  isin: string;
  listing?: string;
}

/** The sample companies' stock codes (fictional), plus an IPO listed in 2026. */
export const STOCKS: Spec[] = [
  {
    code: "402760",
    name: "한빛반도체",
    market: "KOSPI",
    price: 48_000,
    shares: 120_000_000,
    isin: "KR7402760008",
  },
  {
    code: "204320",
    name: "세온모빌리티",
    market: "KOSPI",
    price: 31_000,
    shares: 40_000_000,
    isin: "KR7204320001",
  },
  {
    code: "389470",
    name: "누리바이오",
    market: "KOSDAQ",
    price: 12_500,
    shares: 18_000_000,
    isin: "KR7389470003",
  },
  {
    code: "336150",
    name: "가람에너지",
    market: "KOSDAQ",
    price: 8_300,
    shares: 25_000_000,
    isin: "KR7336150006",
  },
  {
    code: "298040",
    name: "미르게임즈",
    market: "KOSDAQ",
    price: 22_000,
    shares: 9_000_000,
    isin: "KR7298040000",
  },
  {
    code: "278690",
    name: "다온식품",
    market: "KONEX",
    price: 5_100,
    shares: 3_000_000,
    isin: "KR7278690006",
  },
  {
    code: IPO_CODE,
    name: "하람로보틱스",
    market: "KOSDAQ",
    price: IPO_FIRST_CLOSE,
    shares: 11_000_000,
    isin: "KR70091A0004",
    listing: IPO_LISTING,
  },
];
/** An instrument with base info but no bars. */
export const NO_BARS = "0099Z0";

/** Extra KOSDAQ instruments (for paging and search): 테스트종목01 … 테스트종목30. */
export const FILLERS = Array.from({ length: 30 }, (_, i) => ({
  code: `9000${String(i + 1).padStart(2, "0")}`,
  name: `테스트종목${String(i + 1).padStart(2, "0")}`,
}));

/**
 * Trading days (weekdays outside the holiday calendar) between two dates, inclusive. Written
 * apart from lib's `tradingDaysBetween` on purpose: tests compare the sample market against it.
 */
export function tradingDays(from: string, to: string, skip: string[] = []): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`);
    t += 86400_000
  ) {
    const d = new Date(t);
    const iso = d.toISOString().slice(0, 10);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6 || iso in KRX_HOLIDAYS) continue;
    if (!skip.includes(iso)) out.push(iso);
  }
  return out;
}

function rng(seed: string): () => number {
  let a = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) a = Math.imul(a ^ seed.charCodeAt(i), 0x01000193);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const tick = (x: number) => Math.max(10, Math.round(x / 10) * 10);

/** A random walk of daily bars over `days`. */
function walk(s: Spec, days: string[]): DailyBar[] {
  const rand = rng(s.code);
  const out: DailyBar[] = [];
  let prev = s.price;
  days.forEach((date, i) => {
    const first = i === 0 && s.listing === date;
    const open = first ? IPO_FIRST_OPEN : tick(prev * (1 + (rand() - 0.5) * 0.02));
    const close = first ? IPO_FIRST_CLOSE : tick(prev * (1 + (rand() - 0.5) * 0.06));
    const high = tick(Math.max(open, close) * (1 + rand() * 0.015));
    const low = tick(Math.min(open, close) * (1 - rand() * 0.015));
    const volume = Math.round(20_000 + rand() * 800_000);
    const base = first ? IPO_OFFER : prev;
    out.push({
      date,
      code: s.code,
      open,
      high,
      low,
      close,
      change: close - base,
      change_pct: r2(((close - base) / base) * 100),
      volume,
      value: volume * close,
      market_cap: close * s.shares,
      shares: s.shares,
    });
    prev = close;
  });
  return out;
}

function indexWalk(code: string, series: IndexBar["series"], name: string, days: string[]) {
  const rand = rng(code);
  let prev = code === "KOSDAQ" ? 850 : 2_600;
  return days.map((date): IndexBar => {
    const close = r2(prev * (1 + (rand() - 0.5) * 0.03));
    const bar: IndexBar = {
      date,
      index_code: code,
      series,
      name,
      open: prev,
      high: r2(Math.max(prev, close) * 1.004),
      low: r2(Math.min(prev, close) * 0.996),
      close,
      change: r2(close - prev),
      change_pct: r2(((close - prev) / prev) * 100),
      volume: 400_000_000,
      value: 9e12,
      market_cap: 2e15,
    };
    prev = close;
    return bar;
  });
}

/** What {@linkcode seedMarket} wrote. */
export interface SeededMarket {
  days: string[];
  bars: Map<string, DailyBar[]>;
  indices: Map<string, IndexBar[]>;
  instruments: Instrument[];
  flows: InvestorFlow[];
}

const instrument = (
  code: string,
  name: string,
  market: KrxMarket,
  over: Partial<Instrument> = {},
): Instrument => ({
  code,
  isin: null,
  name,
  name_full: `${name} 보통주`,
  name_en: null,
  market,
  sector: market === "KOSPI" ? null : "일반기업부",
  security_group: "주권",
  stock_kind: "보통주",
  par_value: 500,
  listing_date: null,
  shares: null,
  ...over,
});

/**
 * Writes the market: bars from `from` (default 2022-01-03) to {@linkcode LATEST} (the IPO
 * from its listing day), KOSPI/KOSDAQ/KOSPI200 and one long-named index, 30 days of flows,
 * and a collected holiday.
 */
export async function seedMarket(
  kv: Deno.Kv,
  opts: { from?: string } = {},
): Promise<SeededMarket> {
  const days = tradingDays(opts.from ?? "2022-01-03", LATEST, [COLLECTED_HOLIDAY]);
  const bars = new Map<string, DailyBar[]>();
  const instruments: Instrument[] = [];
  for (const s of STOCKS) {
    const own = s.listing ? days.filter((d) => d >= s.listing!) : days;
    bars.set(s.code, walk(s, own));
    instruments.push(instrument(s.code, s.name, s.market, {
      isin: s.isin,
      name_en: s.code === "402760" ? "HANBIT SEMICONDUCTOR" : null,
      listing_date: s.listing ?? "2015-03-02",
      shares: s.shares,
    }));
  }
  for (const f of FILLERS) instruments.push(instrument(f.code, f.name, "KOSDAQ"));
  instruments.push(instrument(NO_BARS, "무거래신규", "KOSDAQ", { listing_date: LATEST }));
  await putInstruments(kv, instruments);
  for (const market of ["KOSPI", "KOSDAQ", "KONEX"] as const) {
    const rows = STOCKS.filter((s) => s.market === market).flatMap((s) => bars.get(s.code)!);
    await putBars(kv, market, rows);
  }
  const indices = new Map<string, IndexBar[]>([
    ["KOSPI", indexWalk("KOSPI", "KOSPI", "코스피", days)],
    ["KOSDAQ", indexWalk("KOSDAQ", "KOSDAQ", "코스닥", days)],
    ["KOSPI200", indexWalk("KOSPI200", "KOSPI", "코스피 200", days)],
    [
      "KRX:코리아 밸류업 지수",
      indexWalk("KRX:코리아 밸류업 지수", "KRX", "코리아 밸류업 지수", days),
    ],
  ]);
  await putIndexBars(kv, [...indices.values()].flat());
  const flows: InvestorFlow[] = [];
  for (const date of days.slice(-30)) {
    for (const market of ["KOSPI", "KOSDAQ"] as const) {
      const rand = rng(`${market}${date}`);
      const net: Record<string, number> = {};
      for (const t of INVESTOR_TYPES) net[t] = Math.round((rand() - 0.5) * 2e11);
      flows.push({
        date,
        market,
        measure: "value",
        net,
        institutions: ["금융투자", "보험", "투신", "사모", "은행", "기타금융", "연기금"]
          .reduce((a, t) => a + net[t], 0),
      });
    }
  }
  await putFlows(kv, flows);
  await putDayStatus(kv, {
    date: COLLECTED_HOLIDAY,
    holiday: true,
    bars: {},
    indices: 0,
    run_id: null,
    collected_at: "2026-04-15T10:00:00Z",
  });
  return { days, bars, indices, instruments, flows };
}

// ---------------------------------------------------------------------------------------
// An app on a fresh KV with only this market (plus two company snapshots and the IPO deal)

/** 하람로보틱스 (listed through the IPO) and 한빛반도체, as in the sample. */
export const HARAM_CORP = "01843756";
export const HANBIT_CORP = "00912345";
export const IPO_DEAL_ID = "K20260612000093";

/** The 하람로보틱스 deal: listed 2026-08-11 at 21,000. */
export function ipoDeal(): IpoItem {
  return {
    pipeline_id: IPO_DEAL_ID,
    corp_name: "하람로보틱스",
    corp_code: HARAM_CORP,
    stock_code: IPO_CODE,
    stage: "상장",
    facts: {
      ...emptyFacts(),
      market: "코스닥",
      price_band_low: 18_000,
      price_band_high: 21_000,
      final_price: IPO_OFFER,
      listing_date: IPO_LISTING,
      underwriters: ["한결투자증권"],
    },
    history: [{ stage: "상장", date: IPO_LISTING, status: "done", source: "kind" }],
    filings: [],
    matches: [],
    flags: [],
  };
}

function profile(corp: string, name: string, stock: string | null, cls: CorpCls): Profile {
  return {
    corp_code: corp,
    corp_name: name,
    corp_name_eng: null,
    stock_name: name,
    stock_code: stock,
    ceo_nm: "홍길동",
    corp_cls: cls,
    market: MARKET_LABEL[cls],
    jurir_no: null,
    bizr_no: null,
    adres: null,
    hm_url: null,
    ir_url: null,
    phn_no: null,
    fax_no: null,
    induty_code: null,
    est_dt: null,
    acc_mt: "12",
  };
}

/** Builds and stores a company snapshot (with its price section from the store). */
export async function putSnapshot(
  kv: Deno.Kv,
  corp: string,
  name: string,
  stock: string | null,
  cls: CorpCls,
): Promise<CompanySnapshot> {
  const snap = buildCompanySnapshot({
    corp_code: corp,
    built_at: "2026-11-20T09:00:00.000Z",
    sample: false,
    profile: profile(corp, name, stock, cls),
    financials: [],
    indicators: [],
    disclosures: [],
    source_status: {},
    failed_sections: [],
    market: await marketSection(kv, stock, corp),
  });
  await putCompanySnapshot(kv, snap);
  return snap;
}

/** The app on a fresh KV holding the seeded market. */
export interface MarketApp {
  app: Hono;
  kv: Deno.Kv;
  deps: AppDeps;
  seeded: SeededMarket;
  close(): Promise<void>;
}

/** Options of {@linkcode buildMarketApp}. */
export interface MarketAppOptions {
  bundle?: boolean;
  /**
   * The clock of the market epoch's and the corp master version's TTL (1 s each) instead of
   * checking the epoch on every read: a fixed clock keeps every read fresh until the test
   * moves it.
   */
  now?: () => number;
}

/**
 * Builds the app on a fresh in-memory KV with {@linkcode seedMarket}'s data, the corp
 * master rows of the seeded companies, the 하람로보틱스 IPO deal and snapshots of
 * 하람로보틱스 and 한빛반도체. The market cache checks the epoch on every read (unless
 * `opts.now` is given).
 */
export async function buildMarketApp(opts: MarketAppOptions = {}): Promise<MarketApp> {
  const kv = await Deno.openKv(":memory:");
  if (opts.now) {
    marketCacheFor(kv, { now: opts.now });
    companySearch(kv, { now: opts.now });
  } else marketCacheFor(kv, { ttlMs: 0 });
  const seeded = await seedMarket(kv);
  await upsertCorpMaster(kv, [
    {
      corp_code: HARAM_CORP,
      corp_name: "하람로보틱스",
      corp_eng_name: null,
      stock_code: IPO_CODE,
      modify_date: "2026-08-11",
    },
    {
      corp_code: HANBIT_CORP,
      corp_name: "한빛반도체",
      corp_eng_name: null,
      stock_code: "402760",
      modify_date: "2024-01-02",
    },
  ]);
  await storeItems({ kv, sample: false }, [ipoDeal()], {
    built_at: "2026-11-20T09:00:00.000Z",
    partial: false,
    source_status: {},
    missing: [],
  });
  await putSnapshot(kv, HARAM_CORP, "하람로보틱스", IPO_CODE, "K");
  await putSnapshot(kv, HANBIT_CORP, "한빛반도체", "402760", "Y");
  const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "off", DART_API_KEY: "" });
  const snapshots = new SnapshotCache(kv);
  const islandBundle = opts.bundle ? await ensureBuild() : null;
  const deps: AppDeps = { kv, config, snapshots, islandBundle };
  return {
    app: createApp(deps),
    kv,
    deps,
    seeded,
    close: async () => {
      await snapshots.close();
      kv.close();
    },
  };
}
