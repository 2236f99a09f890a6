/**
 * Test helper: a small KRX market in wire rows (the fake KRX's dataset) over any list of
 * trading days — clean bars rising 50 원 a day, base info, three index families and KOSPI /
 * KOSDAQ / KONEX investor flows — with faults that validation flags the same way whatever
 * order the days are collected in (a high below the close: `OHLC_INVALID`; missing bars:
 * `COVERAGE_LOW`).
 */
import {
  type DailyBar,
  type IndexBar,
  indexCode,
  type Instrument,
  INVESTOR_TYPES,
  type KrxMarket,
  MARKET_ID,
  toBasDd,
} from "../../lib/market/model.ts";
import { CircuitBreaker, HttpClient } from "../../lib/http/mod.ts";
import { krxDailyJob } from "../../lib/jobs/krx_daily.ts";
import type { JobsContext, JobsDart } from "../../lib/jobs/runtime.ts";
import { KrxClient } from "../../lib/sources/krx/client.ts";
import { DataKrxClient } from "../../lib/sources/krx/datakrx.ts";
import {
  baseInfoRow,
  createKrxFixture,
  flowRow,
  indexRow,
  tradeRow,
} from "../../lib/sources/krx/fixture_fetch.ts";
import type { KrxDataset } from "../../lib/sources/krx/types.ts";

export const KRX_TEST_KEY = "KRXTESTKEY-0123456789abcdef";
export const KRX_TEST_LOGIN = { id: "kdesk-test", pw: "kdesk-test-pw-0000" };

const FIRST: Record<KrxMarket, number> = { KOSPI: 100_000, KOSDAQ: 200_000, KONEX: 300_000 };

/** Options of {@linkcode krxTestMarket}. */
export interface KrxTestMarketOptions {
  /** Instruments per market (default KOSPI 20, KOSDAQ 8, KONEX 2). */
  sizes?: Record<KrxMarket, number>;
  /** Days whose KOSDAQ instrument 0 has its high below its close (one `OHLC_INVALID`). */
  badOhlc?: string[];
  /** Days missing two KOSPI bars (90 % coverage: one `COVERAGE_LOW` WARN). */
  lowCoverage?: string[];
}

/** The instruments of the test market. */
export function krxTestInstruments(
  sizes: Record<KrxMarket, number> = { KOSPI: 20, KOSDAQ: 8, KONEX: 2 },
): Instrument[] {
  return (Object.keys(sizes) as KrxMarket[]).flatMap((m) =>
    Array.from({ length: sizes[m] }, (_, i): Instrument => ({
      code: String(FIRST[m] + i * 10),
      isin: `KR7${FIRST[m] + i * 10}000`,
      name: `${m}종목${i}`,
      name_full: `${m}종목${i}보통주`,
      name_en: null,
      market: m,
      sector: m === "KOSPI" ? null : "우량기업부",
      security_group: "주권",
      stock_kind: "보통주",
      par_value: 500,
      listing_date: "2015-03-02",
      shares: 1_000_000 + i,
    }))
  );
}

/** A clean bar of instrument `i` on the `d`-th day: close rises 50 원 a day. */
function barOf(inst: Instrument, i: number, date: string, d: number): DailyBar {
  const close = 10_000 + 100 * i + 50 * (d + 1);
  return {
    date,
    code: inst.code,
    open: close - 20,
    high: close + 30,
    low: close - 40,
    close,
    change: 50,
    change_pct: Math.round((50 / (close - 50)) * 10000) / 100,
    volume: 1_000 + i,
    value: (1_000 + i) * close,
    market_cap: close * inst.shares!,
    shares: inst.shares,
  };
}

/** Four index rows a day, one of them (코스피 (외국주포함)) with `"-"` prices as KRX sends it. */
function indexBars(date: string, d: number): IndexBar[] {
  const mk = (series: "KRX" | "KOSPI" | "KOSDAQ", name: string, level: number | null) => ({
    date,
    index_code: indexCode(series, name),
    series,
    name,
    open: level,
    high: level === null ? null : level + 5,
    low: level === null ? null : level - 5,
    close: level,
    change: level === null ? null : 1.5,
    change_pct: level === null ? null : 0.05,
    volume: 1_000_000,
    value: 2_000_000_000,
    market_cap: 3_000_000_000_000,
  });
  return [
    mk("KRX", "KRX 300", 1_800 + d),
    mk("KOSPI", "코스피", 2_900 + d),
    mk("KOSPI", "코스피 (외국주포함)", null),
    mk("KOSDAQ", "코스닥", 900 + d),
  ];
}

/** Index rows a day of the test market carries. */
export const INDEX_ROWS = 4;

/** The market in wire rows; every day of `days` trades. */
export function krxTestMarket(days: string[], opts: KrxTestMarketOptions = {}): KrxDataset {
  const list = krxTestInstruments(opts.sizes);
  const ds: KrxDataset = {
    trades: {},
    baseInfo: { KOSPI: [], KOSDAQ: [], KONEX: [] },
    index: {},
    flows: { STK: {}, KSQ: {}, KNX: {} },
  };
  for (const inst of list) ds.baseInfo[inst.market].push(baseInfoRow(inst));
  days.forEach((date, d) => {
    const rows = { KOSPI: [], KOSDAQ: [], KONEX: [] } as KrxDataset["trades"][string];
    for (const m of ["KOSPI", "KOSDAQ", "KONEX"] as KrxMarket[]) {
      list.filter((x) => x.market === m).forEach((inst, i) => {
        const bar = barOf(inst, i, date, d);
        if (m === "KOSDAQ" && i === 0 && opts.badOhlc?.includes(date)) bar.high = bar.close! - 10;
        if (m === "KOSPI" && i < 2 && opts.lowCoverage?.includes(date)) return;
        rows[m].push(tradeRow(bar, inst.name, m, inst.sector));
      });
      const net = Object.fromEntries(INVESTOR_TYPES.map((t, k) => [t, (k - 5) * 1_000_000]));
      net["개인"] = -Object.values(net).reduce((a, b) => a + b, 0) + net["개인"];
      ds.flows![MARKET_ID[m]][toBasDd(date)] = flowRow({
        date,
        market: m,
        measure: "value",
        net,
        institutions: 0,
      });
    }
    ds.trades[toBasDd(date)] = rows;
    const idx = indexBars(date, d);
    ds.index[toBasDd(date)] = {
      KRX: idx.filter((b) => b.series === "KRX").map(indexRow),
      KOSPI: idx.filter((b) => b.series === "KOSPI").map(indexRow),
      KOSDAQ: idx.filter((b) => b.series === "KOSDAQ").map(indexRow),
    };
  });
  return ds;
}

/** A seeded PRNG (mulberry32): the same seed gives the same kill points on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An in-memory KV with a jobs context over the real KRX clients on the fixture KRX. */
export interface KrxJobsRig {
  kv: Deno.Kv;
  ds: KrxDataset;
  ctx: JobsContext;
  /** Requests in order: the path tail, with `basDd` when there is one (`stk_bydd_trd 20261118`). */
  calls: string[];
  /** Fails matching requests (`api_id basDd`, a prefix) with a network error, `times` times. */
  fail(prefix: string, times?: number): void;
  close(): Promise<void>;
}

/** Options of {@linkcode krxJobsRig}. */
export interface KrxJobsRigOptions {
  /** The clock of the jobs (default Fri 2026-11-20 18:00 KST). */
  now?: string;
  /** The runtime's retry delays (default [300, 300] ms). */
  backoff?: number[];
  /** Investor flows through data.krx (default true). */
  flows?: boolean;
  /** OpenAPI `api_id`s the key is approved for (default all). */
  approved?: string[];
  /** Wraps the fixture fetch (fault injection). */
  wrap?: (f: typeof fetch) => typeof fetch;
}

/** Builds a {@linkcode KrxJobsRig}. */
export async function krxJobsRig(
  ds: KrxDataset,
  opts: KrxJobsRigOptions = {},
): Promise<KrxJobsRig> {
  const kv = await Deno.openKv(":memory:");
  const fixture = createKrxFixture(ds, {
    apiKey: KRX_TEST_KEY,
    approved: opts.approved,
    login: KRX_TEST_LOGIN,
  });
  const calls: string[] = [];
  const faults: { prefix: string; left: number }[] = [];
  const counted: typeof fetch = (input, init) => {
    const u = new URL(input instanceof Request ? input.url : String(input));
    const name = `${u.pathname.split("/").at(-1)} ${u.searchParams.get("basDd") ?? ""}`.trim();
    calls.push(name);
    const f = faults.find((x) => x.left > 0 && name.startsWith(x.prefix));
    if (f) {
      f.left--;
      return Promise.reject(new TypeError(`connection reset (${name})`));
    }
    return fixture.fetch(input, init);
  };
  const fetcher = opts.wrap ? opts.wrap(counted) : counted;
  const http = (source: string) =>
    new HttpClient({
      source,
      retries: 0,
      timeoutMs: 5_000,
      breaker: new CircuitBreaker(),
      fetch: fetcher,
    });
  const krx = new KrxClient({
    kv,
    http: http("krx"),
    apiKey: KRX_TEST_KEY,
    baseUrl: "https://krx.test/svc/apis",
  });
  const flows = opts.flows === false ? undefined : new DataKrxClient({
    kv,
    http: http("datakrx"),
    id: KRX_TEST_LOGIN.id,
    pw: KRX_TEST_LOGIN.pw,
    baseUrl: "https://data.krx.test",
  });
  const ctx: JobsContext = {
    kv,
    dart: {} as JobsDart,
    now: () => new Date(opts.now ?? "2026-11-20T09:00:00Z"),
    sample: false,
    backoffSchedule: opts.backoff ?? [300, 300],
    probes: [],
    external: { krx_daily: krxDailyJob(krx, flows) },
  };
  return {
    kv,
    ds,
    ctx,
    calls,
    fail: (prefix, times = 1) => void faults.push({ prefix, left: times }),
    close: () => Promise.resolve(kv.close()),
  };
}
