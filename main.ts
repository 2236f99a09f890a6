/**
 * Boot: config -> KV -> island bundle -> data (sample or live) -> HTTP server.
 *
 * @module
 */
import { loadConfig, secretValues } from "./config.ts";
import { configureLog, log, registerSecret } from "./lib/log.ts";
import { openKv } from "./lib/store/kv.ts";
import { SnapshotCache } from "./lib/store/snapshots.ts";
import { companySearch } from "./lib/store/corps.ts";
import { loadSampleData, sampleCompanies } from "./lib/etl/sample.ts";
import { KRX_SAMPLE_FROM } from "./sample/krx_sample.ts";
import { SAMPLE_AS_OF } from "./sample/dart_sample.ts";
import { liveClock, sampleClock } from "./lib/time/clock.ts";
import { createLiveDart } from "./lib/etl/live.ts";
import type { ClientAssets } from "./components/Island.tsx";
import { createApp } from "./routes/app.ts";
import { ensureBuild } from "./scripts/build.ts";
import { LiveService } from "./lib/live/service.ts";
import { startSimulatorBridge } from "./scripts/start_bridge.ts";
import { liveJobsContext, sampleJobsContext } from "./lib/jobs/context.ts";
import { type JobsContext, startQueueListener } from "./lib/jobs/runtime.ts";
import { registerCrons } from "./cron/register.ts";
import { startupPass } from "./cron/handlers.ts";

const t0 = performance.now();
/** Work that can wait until the server listens (sample warm-up, the search index). */
const BACKGROUND_DELAY_MS = 1_000;
const config = loadConfig();
configureLog({ level: config.LOG_LEVEL });
for (const s of secretValues(config)) registerSecret(s);

const kv = await openKv(config.KDESK_KV_PATH);
// The one clock: the sample's as-of day in its regular session, or KST now (lib/time/clock.ts).
const clock = config.sample ? sampleClock(SAMPLE_AS_OF) : liveClock();

let islandBundle: ClientAssets | null = null;
try {
  islandBundle = await ensureBuild();
} catch (e) {
  // Pages still work without the bundle; only the charts stay static.
  log.warn("island bundle build failed; pages will render without islands", { error: e as Error });
}

let refreshCompany: ((corpCode: string) => Promise<void>) | undefined;
let jobs: JobsContext;
if (config.sample) {
  // The whole sample market (2021–) so the 5Y chart is full; tests load only the last year.
  const r = await loadSampleData(kv, { krxHistoryFrom: KRX_SAMPLE_FROM });
  log.info("sample data ready", { ...r });
  // The other sample companies: built on their first request, and in the background once
  // the server is up (so the warm-up does not slow the start).
  const companies = sampleCompanies(kv);
  refreshCompany = companies.refresh;
  setTimeout(() => {
    companies.warm()
      .then((built) => log.info("sample companies built", { built }))
      .catch((e) => log.warn("sample company warm-up stopped", { error: e as Error }));
  }, BACKGROUND_DELAY_MS);
  jobs = sampleJobsContext(kv); // offline fixture source: manual runs only, no crons
} else {
  const live = createLiveDart(kv, config);
  refreshCompany = live.refreshCompany;
  jobs = liveJobsContext(kv, config, live);
}
// Jobs: the queue listener always (sample mode's sources are in-process); the crons only with
// live sources; a start-up pass in both (cron/handlers.ts `startupPass`: in live mode it also
// syncs the corp master on a first start and catches up KIND and KRX).
startQueueListener(jobs).catch((e) => log.error("queue listener stopped", { error: e as Error }));
if (!config.sample) {
  const crons = registerCrons(jobs);
  log.info("schedules registered", { count: crons.length });
}
startupPass(jobs)
  .then((runs) => log.info("start-up runs", { runs: runs.map((r) => `${r.job}:${r.status}`) }))
  .catch((e) => log.error("start-up runs failed", { error: e as Error }));

const snapshots = new SnapshotCache(kv, { pollMs: 2000 });

// Live prices: without Kiwoom keys, a simulator bridge child feeds ticks (labelled 모의).
const simulate = !(config.KIWOOM_APP_KEY && config.KIWOOM_SECRET_KEY);
if (!config.INGEST_TOKEN) {
  config.INGEST_TOKEN = crypto.randomUUID() + crypto.randomUUID();
  registerSecret(config.INGEST_TOKEN);
}
const live = new LiveService(kv, { mode: simulate ? "simulator" : "kiwoom" });
if (/^https?:\/\//.test(config.KDESK_KV_PATH)) live.startKvPoll(1000);
const app = createApp({ kv, config, snapshots, islandBundle, refreshCompany, live, jobs, clock });
// The search index (corp master + instruments): built once the server is up, not on the
// first query.
setTimeout(() => {
  companySearch(kv).index().catch((e) =>
    log.warn("search index build failed", { error: e as Error })
  );
}, BACKGROUND_DELAY_MS);

Deno.serve({
  port: config.PORT,
  hostname: config.HOSTNAME,
  onListen: ({ port }) => {
    if (simulate && config.KDESK_BRIDGE !== "off") {
      // The simulator trades in KRX sessions on the app's clock: in sample mode that is always
      // (the sample's as-of day in its regular session), live only in real sessions.
      startSimulatorBridge({ port, token: config.INGEST_TOKEN!, clock: clock.spec })
        .then((b) => {
          if (!b) return;
          const stop = () => b.stop().finally(() => Deno.exit(0));
          Deno.addSignalListener("SIGINT", stop);
          Deno.addSignalListener("SIGTERM", stop);
        })
        .catch((e) => log.warn("simulator bridge failed to start", { error: e as Error }));
    }
    const mode = config.sample ? "sample data" : "live DART";
    log.info("kdesk ready", {
      url: `http://localhost:${port}`,
      mode,
      kv: config.KDESK_KV_PATH.startsWith("http") ? "remote" : config.KDESK_KV_PATH,
      boot_ms: Math.round(performance.now() - t0),
    });
  },
}, app.fetch);
