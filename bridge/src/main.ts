/**
 * kdesk bridge entry point.
 *
 * Modes: Kiwoom (KIWOOM_APP_KEY + KIWOOM_SECRET_KEY set) or simulator (`--simulate`,
 * BRIDGE_SIMULATE=1, or no keys). Sink: HTTP ingest to kdesk (default).
 *
 * Settings (environment):
 *   KDESK_URL               kdesk base URL (default http://127.0.0.1:8000)
 *   INGEST_TOKEN            bearer token for POST /api/v1/ticks (required)
 *   KIWOOM_APP_KEY / KIWOOM_SECRET_KEY   Kiwoom REST keys
 *   KIWOOM_ENV              real | mock (default real)
 *   KIWOOM_REST_URL / KIWOOM_WS_URL      host overrides (tests)
 *   BRIDGE_SINK             http (default) | kv (KV Connect: KDESK_KV_URL + DENO_KV_ACCESS_TOKEN)
 *   BRIDGE_CODES            fixed comma-separated code list (else kdesk's list)
 *   BRIDGE_CODES_REFRESH_MS code list refresh (default 30000)
 *   BRIDGE_SIMULATE=1, BRIDGE_IGNORE_SESSIONS=1 (or --simulate, --ignore-sessions)
 *   BRIDGE_TICKS_PER_SEC    simulator rate (default 4)
 *   BRIDGE_CLOCK            the simulator's clock: live (default) or sample:YYYY-MM-DD (kdesk's
 *                           sample clock: that day, in its regular session; lib/time/clock.ts)
 *   BRIDGE_FLUSH_MS         sink flush interval (default 20)
 */
import { watchCodes } from "./codes.ts";
import { KiwoomClient, MOCK_HOST, REAL_HOST, WS_PATH } from "./kiwoom.ts";
import { log, registerSecret } from "./log.ts";
import { KvSink } from "./kv_sink.ts";
import { HttpSink, type Sink } from "./sink.ts";
import { Simulator } from "./simulator.ts";
import { clockFromSpec, parseClockSpec } from "../../lib/time/clock.ts";

// Signal handlers first: a SIGTERM that arrives while the bridge is still starting is held
// and handled once shutdown can run, instead of killing the process without a revoke.
let shutdownNow: ((sig: string) => Promise<void>) | null = null;
let heldSignal: string | null = null;
const onSignal = (sig: string) => {
  if (shutdownNow) void shutdownNow(sig);
  else heldSignal ??= sig;
};
process.on("SIGTERM", () => onSignal("SIGTERM"));
process.on("SIGINT", () => onSignal("SIGINT"));

const env = process.env;
const args = new Set(process.argv.slice(2));
const flag = (name: string, envName: string) =>
  args.has(`--${name}`) || env[envName] === "1" || env[envName] === "true";

const kdeskUrl = (env.KDESK_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const token = env.INGEST_TOKEN ?? "";
registerSecret(token);
registerSecret(env.KIWOOM_APP_KEY);
registerSecret(env.KIWOOM_SECRET_KEY);
registerSecret(env.DENO_KV_ACCESS_TOKEN);
if (!token && (env.BRIDGE_SINK ?? "http") === "http") {
  log.error("INGEST_TOKEN is not set; kdesk would reject every batch");
  process.exit(2);
}
const sinkKind = env.BRIDGE_SINK ?? "http";
if (sinkKind !== "http" && sinkKind !== "kv") {
  log.error("BRIDGE_SINK must be http or kv");
  process.exit(2);
}
if (sinkKind === "kv" && !env.KDESK_KV_URL) {
  log.error(
    "BRIDGE_SINK=kv needs KDESK_KV_URL (KV Connect URL) and DENO_KV_ACCESS_TOKEN",
  );
  process.exit(2);
}
const haveKeys = !!(env.KIWOOM_APP_KEY && env.KIWOOM_SECRET_KEY);
const simulate = flag("simulate", "BRIDGE_SIMULATE") || !haveKeys;

const flushMs = Number(env.BRIDGE_FLUSH_MS ?? 20);
const sink: Sink = sinkKind === "kv"
  ? await KvSink.open(env.KDESK_KV_URL!, {
    accessToken: env.DENO_KV_ACCESS_TOKEN,
    flushMs,
  })
  : new HttpSink({
    url: kdeskUrl,
    token,
    source: simulate ? "simulator" : "kiwoom",
    flushMs,
  });
const onTicks = (t: Parameters<typeof sink.push>[0]) => sink.push(t, []);
const onBooks = (b: Parameters<typeof sink.push>[1]) => sink.push([], b);

let clockSpec;
try {
  clockSpec = parseClockSpec(env.BRIDGE_CLOCK ?? "live");
} catch (e) {
  log.error("BRIDGE_CLOCK is not valid", { error: e as Error });
  process.exit(2);
}
const clock = clockFromSpec(clockSpec);

let setCodes: (codes: string[], closes?: Record<string, number>) => void;
/** Stops the source; for Kiwoom this also revokes the access token (au10002). */
let stopSource: () => void | Promise<void>;
if (simulate) {
  const sim = new Simulator({
    ticksPerSec: Number(env.BRIDGE_TICKS_PER_SEC ?? 4),
    ignoreSessions: flag("ignore-sessions", "BRIDGE_IGNORE_SESSIONS"),
    onTicks,
    onBooks,
    now: () => clock.now().getTime(),
  });
  sim.start();
  setCodes = (c, closes) => sim.setCodes(c, closes);
  stopSource = () => sim.stop();
  log.info("bridge started", {
    mode: "simulator",
    kdesk: kdeskUrl,
    clock: env.BRIDGE_CLOCK ?? "live",
  });
} else {
  const host = env.KIWOOM_ENV === "mock" ? MOCK_HOST : REAL_HOST;
  const client = new KiwoomClient({
    restBase: env.KIWOOM_REST_URL ?? host.rest,
    wsUrl: env.KIWOOM_WS_URL ?? `${host.ws}${WS_PATH}`,
    appKey: env.KIWOOM_APP_KEY!,
    secretKey: env.KIWOOM_SECRET_KEY!,
    onTicks,
    onBooks,
  });
  client.start();
  setCodes = (c) => client.setCodes(c);
  stopSource = () => client.stop();
  log.info("bridge started", {
    mode: "kiwoom",
    env: env.KIWOOM_ENV ?? "real",
    kdesk: kdeskUrl,
  });
}

let stopCodes = () => {};
if (env.BRIDGE_CODES) {
  setCodes(env.BRIDGE_CODES.split(",").map((s) => s.trim()).filter(Boolean));
} else {
  stopCodes = watchCodes(
    kdeskUrl,
    Number(env.BRIDGE_CODES_REFRESH_MS ?? 30_000),
    setCodes,
  );
}

let stopping = false;
async function shutdown(sig: string) {
  if (stopping) return;
  stopping = true;
  // Never hang on the way out (e.g. kdesk gone mid-request): exit after 5 s regardless
  // (longer than the 3 s token revoke timeout).
  setTimeout(() => process.exit(0), 5000).unref();
  log.info("bridge stopping", { signal: sig, sink: sinkKind });
  stopCodes();
  // Revoke the Kiwoom token and drain the sink side by side; neither rejects the exit.
  await Promise.all([
    Promise.resolve().then(stopSource).catch((e) =>
      log.warn("stopping the source failed", { error: e as Error })
    ),
    sink.close().catch(() => {}),
  ]);
  process.exit(0);
}
shutdownNow = shutdown;
if (heldSignal) void shutdown(heldSignal);
// When kdesk (the parent) dies, stdin closes: exit instead of orphaning.
if (env.BRIDGE_EXIT_ON_STDIN_CLOSE === "1") {
  process.stdin.on("end", () => void shutdown("stdin closed"));
  process.stdin.resume();
}
