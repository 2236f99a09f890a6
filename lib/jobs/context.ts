/**
 * Builds the jobs context from the config: live (the rate-limited DART client, its breaker
 * and quota) or sample (the in-process fixture OpenDART: no network, no quota).
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { kstYmd } from "../etl/company.ts";
import { createLiveDart, type LiveDart } from "../etl/live.ts";
import { sampleDartClient, sampleNow } from "../etl/sample.ts";
import { breakerFor, HttpClient } from "../http/mod.ts";
import { fixtureKindClient } from "../etl/ipo.ts";
import { KindClient } from "../sources/kind/client.ts";
import { buildKindSampleDataset } from "../../sample/kind_sample.ts";
import { kindIpoJob } from "./kind_ipo.ts";
import { DEFAULT_BACKOFF, type JobsContext } from "./runtime.ts";

/** The live jobs context (DART_API_KEY set) and the live DART wiring it uses. */
export function liveJobsContext(
  kv: Deno.Kv,
  config: Config,
  live: LiveDart = createLiveDart(kv, config),
): JobsContext {
  const kind = new KindClient({
    kv,
    http: new HttpClient({
      source: "kind",
      timeoutMs: config.HTTP_TIMEOUT_MS,
      retries: config.HTTP_RETRIES,
      breaker: breakerFor("kind"),
    }),
  });
  return {
    kv,
    dart: live.dart,
    external: { kind_ipo: kindIpoJob(kind, live.dart) },
    now: () => new Date(),
    sample: false,
    backoffSchedule: DEFAULT_BACKOFF,
    probes: [{
      source: "dart",
      // One list.json row of today: the cheapest call that proves key, network and parser.
      check: async () => {
        const today = kstYmd(new Date());
        await live.dart.list({ bgn_de: today, end_de: today, page_count: 1 });
      },
      breaker: live.breaker,
      quota: live.limiter,
    }],
  };
}

/** The sample-mode jobs context: the fixture OpenDART in-process, the sample's clock. */
export function sampleJobsContext(kv: Deno.Kv): JobsContext {
  const dart = sampleDartClient(kv);
  return {
    kv,
    dart,
    external: { kind_ipo: kindIpoJob(fixtureKindClient(kv, buildKindSampleDataset()), dart) },
    now: sampleNow,
    sample: true,
    backoffSchedule: DEFAULT_BACKOFF,
    probes: [{
      source: "dart",
      check: async () => {
        const today = kstYmd(sampleNow());
        await dart.list({ bgn_de: today, end_de: today, page_count: 1 });
      },
    }],
  };
}
