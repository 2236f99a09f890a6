/**
 * Builds the jobs context from the config: live (the rate-limited DART client, its breaker
 * and quota) or sample (the in-process fixture OpenDART: no network, no quota). KRX: live
 * when KRX_API_KEY is set (`krx_daily` over the quota-limited OpenAPI client, investor flows
 * when KRX_ID/KRX_PW are set, a `krx` health probe); sample mode always, over the in-memory
 * KRX of `sample/krx_sample.ts`.
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { kstYmd } from "../etl/company.ts";
import { createLiveDart, type LiveDart } from "../etl/live.ts";
import { sampleDartClient, sampleNow } from "../etl/sample.ts";
import { breakerFor, type CircuitBreaker, HttpClient, KvRateLimiter } from "../http/mod.ts";
import { fixtureKindClient } from "../etl/ipo.ts";
import { KindClient } from "../sources/kind/client.ts";
import { buildKindSampleDataset } from "../../sample/kind_sample.ts";
import { kindIpoJob } from "./kind_ipo.ts";
import { DEFAULT_BACKOFF, type JobsContext, type SourceProbe } from "./runtime.ts";
import { isTradingDay, kstParts } from "../market/sessions.ts";
import { KrxClient } from "../sources/krx/client.ts";
import { DataKrxClient } from "../sources/krx/datakrx.ts";
import { sampleKrxClients } from "../../sample/krx_sample.ts";
import { krxDailyJob } from "./krx_daily.ts";

/** The live KRX wiring (KRX_API_KEY set): OpenAPI client, quota, breaker, data.krx client. */
export interface LiveKrx {
  krx: KrxClient;
  /** data.krx.co.kr (investor flows), when KRX_ID and KRX_PW are set. */
  flows?: DataKrxClient;
  /** The persisted per-day quota (KRX_DAILY_QUOTA, KST day) the OpenAPI client spends. */
  limiter: KvRateLimiter;
  breaker: CircuitBreaker;
}

/** Builds the live KRX clients from the config, or null without KRX_API_KEY. */
export function createLiveKrx(kv: Deno.Kv, config: Config): LiveKrx | null {
  if (!config.KRX_API_KEY) return null;
  // KRX documents no per-second limit; 10 calls/s is what client libraries use.
  const limiter = new KvRateLimiter(kv, {
    bucket: "krx",
    perDay: config.KRX_DAILY_QUOTA,
    perMinute: 600,
  });
  const breaker = breakerFor("krx");
  const krx = new KrxClient({
    kv,
    apiKey: config.KRX_API_KEY,
    baseUrl: config.KRX_BASE_URL,
    http: new HttpClient({
      source: "krx",
      timeoutMs: config.HTTP_TIMEOUT_MS,
      retries: config.HTTP_RETRIES,
      breaker,
      limiter,
    }),
  });
  const flows = config.KRX_ID && config.KRX_PW
    ? new DataKrxClient({
      kv,
      id: config.KRX_ID,
      pw: config.KRX_PW,
      baseUrl: config.DATA_KRX_BASE_URL,
      http: new HttpClient({
        source: "datakrx",
        timeoutMs: config.HTTP_TIMEOUT_MS,
        retries: config.HTTP_RETRIES,
        breaker: breakerFor("datakrx"),
      }),
    })
    : undefined;
  return { krx, flows, limiter, breaker };
}

/** The last trading day before the KST date of `now` (KRX publishes a day after 18:00). */
export function lastTradingDayBefore(now: Date): string {
  let t = Date.parse(`${kstParts(now).date}T00:00:00Z`);
  for (;;) {
    t -= 86400_000;
    const d = new Date(t).toISOString().slice(0, 10);
    if (isTradingDay(d)) return d;
  }
}

/**
 * The KRX day a start-up catch-up collects: today once the daily job's time (18:00 KST) has
 * passed on a trading day, else the last trading day before today.
 */
export function krxCatchUpDay(now: Date): string {
  const k = kstParts(now);
  return isTradingDay(k.date) && k.minutes >= 18 * 60 ? k.date : lastTradingDayBefore(now);
}

/** The KRX health probe: one index call (KRX family) of the last trading day. */
export function krxProbe(live: Pick<LiveKrx, "krx"> & Partial<LiveKrx>, now = () => new Date()) {
  return {
    source: "krx",
    check: async () => {
      await live.krx.indexDaily("KRX", lastTradingDayBefore(now()));
    },
    breaker: live.breaker,
    quota: live.limiter,
  } satisfies SourceProbe;
}

/**
 * The KIND health probe: the 공모일정 calendar of the current KST month, one request (the
 * cheapest KIND screen that proves network, encoding and parser).
 */
export function kindProbe(kind: KindClient, breaker?: CircuitBreaker, now = () => new Date()) {
  return {
    source: "kind",
    check: async () => {
      const [y, m] = kstParts(now()).date.split("-").map(Number);
      await kind.schedule(y, m);
    },
    breaker,
  } satisfies SourceProbe;
}

/** The live jobs context (DART_API_KEY set) and the live DART wiring it uses. */
export function liveJobsContext(
  kv: Deno.Kv,
  config: Config,
  live: LiveDart = createLiveDart(kv, config),
): JobsContext {
  const kindBreaker = breakerFor("kind");
  const kind = new KindClient({
    kv,
    baseUrl: config.KIND_BASE_URL,
    http: new HttpClient({
      source: "kind",
      timeoutMs: config.HTTP_TIMEOUT_MS,
      retries: config.HTTP_RETRIES,
      breaker: kindBreaker,
    }),
  });
  const krx = createLiveKrx(kv, config);
  return {
    kv,
    dart: live.dart,
    external: {
      kind_ipo: kindIpoJob(kind, live.dart),
      ...(krx ? { krx_daily: krxDailyJob(krx.krx, krx.flows) } : {}),
    },
    now: () => new Date(),
    sample: false,
    backoffSchedule: DEFAULT_BACKOFF,
    probes: [
      {
        source: "dart",
        // One list.json row of today: the cheapest call that proves key, network and parser.
        check: async () => {
          const today = kstYmd(new Date());
          await live.dart.list({ bgn_de: today, end_de: today, page_count: 1 });
        },
        breaker: live.breaker,
        quota: live.limiter,
      },
      kindProbe(kind, kindBreaker),
      ...(krx ? [krxProbe(krx)] : []),
    ],
  };
}

/** The sample-mode jobs context: the fixture OpenDART in-process, the sample's clock. */
export function sampleJobsContext(kv: Deno.Kv): JobsContext {
  const dart = sampleDartClient(kv);
  const krx = sampleKrxClients(kv);
  const kind = fixtureKindClient(kv, buildKindSampleDataset());
  return {
    kv,
    dart,
    external: {
      kind_ipo: kindIpoJob(kind, dart),
      krx_daily: krxDailyJob(krx.krx, krx.flows),
    },
    now: sampleNow,
    sample: true,
    backoffSchedule: DEFAULT_BACKOFF,
    probes: [
      {
        source: "dart",
        check: async () => {
          const today = kstYmd(sampleNow());
          await dart.list({ bgn_de: today, end_de: today, page_count: 1 });
        },
      },
      kindProbe(kind, undefined, sampleNow),
      krxProbe(krx, sampleNow),
    ],
  };
}
