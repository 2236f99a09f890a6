/**
 * Shared rig of the jobs tests (no tests of its own): a fake OpenDART on 127.0.0.1 serving
 * the sample dataset, an in-memory KV loaded with the sample data, the real DART client,
 * and a jobs context over them.
 */
import { CircuitBreaker, HttpClient } from "../lib/http/mod.ts";
import { loadSampleData, sampleNow } from "../lib/etl/sample.ts";
import type { JobsContext } from "../lib/jobs/runtime.ts";
import { startQueueListener } from "../lib/jobs/runtime.ts";
import { configureLog } from "../lib/log.ts";
import { DartClient } from "../lib/sources/dart/client.ts";
import type { DartDataset } from "../lib/sources/dart/fixture_fetch.ts";
import { queueStats } from "../lib/store/jobs.ts";
import { buildSampleDataset, SAMPLE_AS_OF } from "../sample/dart_sample.ts";
import { type FakeDart, startFakeDart } from "./fake/dart_server.ts";

export const KEY = "KDESKJOBSKEY0123456789abcdefABCDEF012345";

export interface JobsRig {
  kv: Deno.Kv;
  fake: FakeDart;
  dataset: DartDataset;
  ctx: JobsContext;
  dart: DartClient;
  /** Starts the in-process queue listener (once). */
  listen(): void;
  /** Waits until every enqueued message was processed, dropped or dead-lettered. */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function waitFor(
  cond: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function jobsRig(
  opts: { sample?: boolean; dataset?: DartDataset; backoff?: number[] } = {},
): Promise<JobsRig> {
  configureLog({ level: "error", sink: () => {} });
  const dataset = opts.dataset ?? buildSampleDataset();
  const fake = await startFakeDart({
    dataset: Object.assign(dataset, { apiKey: KEY }),
    today: () => SAMPLE_AS_OF.replaceAll("-", ""),
  });
  const kv = await Deno.openKv(":memory:");
  if (opts.sample !== false) await loadSampleData(kv);
  const http = new HttpClient({
    source: "dart",
    timeoutMs: 2000,
    retries: 0,
    breaker: new CircuitBreaker({ failureThreshold: 1000 }),
  });
  const dart = new DartClient({ kv, apiKey: KEY, baseUrl: fake.url, http });
  const ctx: JobsContext = {
    kv,
    dart,
    now: sampleNow,
    sample: false,
    backoffSchedule: opts.backoff ?? [20, 40],
    probes: [],
  };
  let listener: Promise<void> | null = null;
  return {
    kv,
    fake,
    dataset,
    ctx,
    dart,
    listen() {
      listener ??= startQueueListener(ctx);
    },
    async drain(timeoutMs = 15_000) {
      await waitFor(async () => (await queueStats(kv)).depth === 0, timeoutMs, "queue drain");
    },
    async close() {
      kv.close();
      await listener?.catch(() => {});
      await fake.close();
    },
  };
}
