/**
 * Live DART wiring (a DART_API_KEY is set): the rate-limited client and on-demand company
 * refreshes (one in flight per company). The corp master and disclosure polling are the jobs
 * layer's (cron/: the start-up pass syncs the master when none is stored, and the
 * incremental poll's persisted cursor catches up after downtime).
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { breakerFor, type CircuitBreaker, HttpClient, KvRateLimiter } from "../http/mod.ts";
import { DartClient } from "../sources/dart/client.ts";
import { type EtlContext, refreshCompany } from "./company.ts";

export interface LiveDart {
  dart: DartClient;
  ctx: EtlContext;
  refreshCompany: (corpCode: string) => Promise<void>;
  /** The persisted daily/per-minute quota the client spends. */
  limiter: KvRateLimiter;
  /** The client's circuit breaker. */
  breaker: CircuitBreaker;
}

/** Builds the live DART client and ETL context from the config. */
export function createLiveDart(kv: Deno.Kv, config: Config): LiveDart {
  if (!config.DART_API_KEY) throw new Error("DART_API_KEY is not set");
  const limiter = new KvRateLimiter(kv, {
    bucket: "dart",
    perDay: config.DART_DAILY_QUOTA,
    perMinute: config.DART_PER_MINUTE,
  });
  const breaker = breakerFor("dart");
  const http = new HttpClient({
    source: "dart",
    timeoutMs: config.HTTP_TIMEOUT_MS,
    retries: config.HTTP_RETRIES,
    breaker,
    limiter,
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
  return { dart, ctx, refreshCompany: refresh, limiter, breaker };
}
