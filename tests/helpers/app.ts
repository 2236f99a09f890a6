/**
 * Test helpers that build the real app on an in-memory KV loaded with the sample dataset
 * through the real ETL, and optionally serve it on 127.0.0.1.
 */
import type { Hono } from "hono";
import { loadConfig } from "../../config.ts";
import { loadSampleData, sampleCompanies } from "../../lib/etl/sample.ts";
import { SnapshotCache } from "../../lib/store/snapshots.ts";
import { SAMPLE_CORP_CODES } from "../../sample/dart_sample.ts";
import { createApp } from "../../routes/app.ts";
import type { AppDeps } from "../../routes/deps.ts";
import { ensureBuild } from "../../scripts/build.ts";

export interface TestApp {
  app: Hono;
  kv: Deno.Kv;
  deps: AppDeps;
  /** A featured sample company with full data. */
  corpCode: string;
  close(): Promise<void>;
}

/** Builds the app on a fresh in-memory KV with the sample data loaded. */
export async function buildTestApp(
  opts: { bundle?: boolean; deps?: Partial<AppDeps> } = {},
): Promise<TestApp> {
  const kv = await Deno.openKv(":memory:");
  await loadSampleData(kv);
  const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "on" });
  const snapshots = new SnapshotCache(kv);
  const islandBundle = opts.bundle ? await ensureBuild() : null;
  // As main.ts: the non-featured sample companies are built on their first request.
  const refreshCompany = sampleCompanies(kv).refresh;
  const deps: AppDeps = { kv, config, snapshots, islandBundle, refreshCompany, ...opts.deps };
  const app = createApp(deps);
  return {
    app,
    kv,
    deps,
    corpCode: SAMPLE_CORP_CODES[0],
    close: async () => {
      await snapshots.close();
      kv.close();
    },
  };
}

/** Builds the app with the island bundle and serves it on 127.0.0.1 (random port). */
export async function startTestApp(): Promise<
  { url: string; corpCode: string; close(): Promise<void> }
> {
  const t = await buildTestApp({ bundle: true });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    corpCode: t.corpCode,
    close: async () => {
      await server.shutdown();
      await t.close();
    },
  };
}

/**
 * How many GET requests `/metrics` has timed under a route label (the router pattern). The
 * histogram is process-wide: compare counts before and after.
 */
export async function routeCount(app: Hono, route: string): Promise<number> {
  const text = await (await app.request("/metrics")).text();
  const series = `kdesk_http_request_duration_seconds_count{route="${route}",method="GET"} `;
  const line = text.split("\n").find((l) => l.startsWith(series));
  return line ? Number(line.slice(series.length)) : 0;
}
