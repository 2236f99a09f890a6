/**
 * Boot: config -> KV -> island bundle -> data (sample or live) -> HTTP server.
 *
 * @module
 */
import { loadConfig, secretValues } from "./config.ts";
import { configureLog, log, registerSecret } from "./lib/log.ts";
import { openKv } from "./lib/store/kv.ts";
import { SnapshotCache } from "./lib/store/snapshots.ts";
import { loadSampleData } from "./lib/etl/sample.ts";
import { createLiveDart } from "./lib/etl/live.ts";
import { createApp } from "./routes/app.ts";
import { ensureBuild } from "./scripts/build.ts";

const t0 = performance.now();
const config = loadConfig();
configureLog({ level: config.LOG_LEVEL });
for (const s of secretValues(config)) registerSecret(s);

const kv = await openKv(config.KDESK_KV_PATH);

let islandBundle: string | null = null;
try {
  islandBundle = await ensureBuild();
} catch (e) {
  // Pages still work without the bundle; only the charts stay static.
  log.warn("island bundle build failed; pages will render without islands", { error: e as Error });
}

let refreshCompany: ((corpCode: string) => Promise<void>) | undefined;
if (config.sample) {
  const r = await loadSampleData(kv);
  log.info("sample data ready", { ...r });
} else {
  const live = await createLiveDart(kv, config);
  refreshCompany = live.refreshCompany;
  live.start();
}

const snapshots = new SnapshotCache(kv, { pollMs: 2000 });
const app = createApp({ kv, config, snapshots, islandBundle, refreshCompany });

Deno.serve({
  port: config.PORT,
  hostname: config.HOSTNAME,
  onListen: ({ port }) => {
    const mode = config.sample ? "sample data" : "live DART";
    log.info("kdesk ready", {
      url: `http://localhost:${port}`,
      mode,
      kv: config.KDESK_KV_PATH.startsWith("http") ? "remote" : config.KDESK_KV_PATH,
      boot_ms: Math.round(performance.now() - t0),
    });
  },
}, app.fetch);
