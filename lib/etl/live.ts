/**
 * Live DART wiring (a DART_API_KEY is set): the rate-limited client, on-demand company
 * refreshes (one in flight per company), and a start-up catch-up of the corp master and the
 * latest disclosures. Scheduled polling is the jobs layer's (cron/).
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { breakerFor, HttpClient, KvRateLimiter } from "../http/mod.ts";
import { log } from "../log.ts";
import { DartClient } from "../sources/dart/client.ts";
import { getCorpMasterMeta } from "../store/corps.ts";
import { type EtlContext, kstYmd, refreshCompany } from "./company.ts";
import { collectDisclosures, syncCorpMaster } from "./dart_collect.ts";

export interface LiveDart {
  dart: DartClient;
  ctx: EtlContext;
  refreshCompany: (corpCode: string) => Promise<void>;
  /** Starts the background catch-up (returns at once). */
  start: () => Promise<void>;
}

/** Builds the live DART client and ETL context from the config. */
export function createLiveDart(kv: Deno.Kv, config: Config): LiveDart {
  if (!config.DART_API_KEY) throw new Error("DART_API_KEY is not set");
  const http = new HttpClient({
    source: "dart",
    timeoutMs: config.HTTP_TIMEOUT_MS,
    retries: config.HTTP_RETRIES,
    breaker: breakerFor("dart"),
    limiter: new KvRateLimiter(kv, {
      bucket: "dart",
      perDay: config.DART_DAILY_QUOTA,
      perMinute: config.DART_PER_MINUTE,
    }),
  });
  const dart = new DartClient({
    kv,
    apiKey: config.DART_API_KEY,
    baseUrl: config.DART_BASE_URL,
    http,
  });
  const ctx: EtlContext = { kv, dart, now: () => new Date(), sample: false };
  const inflight = new Map<string, Promise<void>>();

  const refresh = (corpCode: string): Promise<void> => {
    let p = inflight.get(corpCode);
    if (!p) {
      p = refreshCompany(ctx, corpCode).then(() => {}).finally(() => inflight.delete(corpCode));
      inflight.set(corpCode, p);
    }
    return p;
  };

  const start = async () => {
    try {
      if (!(await getCorpMasterMeta(kv))) {
        const r = await syncCorpMaster(kv, dart);
        log.info("corp master synced", { ...r });
      }
      const now = new Date();
      const r = await collectDisclosures(kv, dart, {
        bgn_de: kstYmd(new Date(now.getTime() - 3 * 86400_000)),
        end_de: kstYmd(now),
      });
      log.info("recent disclosures collected", { fetched: r.fetched, changed: r.touched.length });
    } catch (e) {
      log.error("start-up DART catch-up failed", { error: e as Error });
    }
  };
  return { dart, ctx, refreshCompany: refresh, start: () => (start(), Promise.resolve()) };
}
