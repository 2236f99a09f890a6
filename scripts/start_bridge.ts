/**
 * Starts the Node bridge (bridge/) as a child process of kdesk: in simulator mode when no
 * Kiwoom keys are set, so a fresh `deno task start` shows moving (simulated, labelled)
 * prices. The child gets kdesk's loopback URL, the ingest token and the app's clock through
 * its environment (never on the command line), and exits when kdesk closes its stdin. It
 * reads the codes to simulate, with their last KRX closes (its base prices), from kdesk's
 * `GET /api/v1/live/codes`.
 *
 * @module
 */
import { log } from "../lib/log.ts";
import { type ClockSpec, clockSpecText } from "../lib/time/clock.ts";

const BRIDGE_DIR = new URL("../bridge/", import.meta.url);

export interface BridgeChild {
  pid: number;
  stop(): Promise<void>;
}

async function bridgeInstalled(): Promise<boolean> {
  try {
    await Deno.stat(new URL("node_modules/tsx/package.json", BRIDGE_DIR));
    return true;
  } catch {
    return false;
  }
}

/**
 * First start on a fresh clone: installs the bridge's npm packages (from its lockfile) so a
 * new user sees prices move without a manual step. Runs after the server is listening.
 */
async function installBridge(): Promise<boolean> {
  log.info("installing the bridge's npm packages (first start) …");
  try {
    const out = await new Deno.Command("npm", {
      args: ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
      cwd: BRIDGE_DIR.pathname,
      stdout: "null",
      stderr: "inherit",
    }).output();
    return out.success && await bridgeInstalled();
  } catch (e) {
    log.warn("npm is not available for the bridge", { error: e as Error });
    return false;
  }
}

/** Starts `node --import tsx src/main.ts --simulate` in bridge/. Null when bridge/ is not installed. */
export async function startSimulatorBridge(opts: {
  port: number;
  token: string;
  /** Trade at any time, whatever the clock says (default false: sessions on `clock`). */
  ignoreSessions?: boolean;
  /** The app's clock (default live): the simulator's tick times and sessions follow it. */
  clock?: ClockSpec;
  ticksPerSec?: number;
}): Promise<BridgeChild | null> {
  // `node --import tsx` runs the TypeScript in one process (the tsx CLI would relaunch
  // itself, and a signal to the launcher does not reach the program).
  if (!(await bridgeInstalled()) && !(await installBridge())) {
    log.warn("bridge not installed; live prices stay off. Run: (cd bridge && npm ci)");
    return null;
  }
  const child = new Deno.Command("node", {
    args: [
      "--import",
      "tsx",
      "src/main.ts",
      "--simulate",
      ...(opts.ignoreSessions ? ["--ignore-sessions"] : []),
    ],
    cwd: BRIDGE_DIR.pathname,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      KDESK_URL: `http://127.0.0.1:${opts.port}`,
      INGEST_TOKEN: opts.token,
      BRIDGE_TICKS_PER_SEC: String(opts.ticksPerSec ?? 4),
      BRIDGE_CLOCK: clockSpecText(opts.clock ?? { mode: "live" }),
      BRIDGE_EXIT_ON_STDIN_CLOSE: "1",
      LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "info",
    },
    stdin: "piped",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  log.info("simulator bridge started", {
    pid: child.pid,
    ignore_sessions: !!opts.ignoreSessions,
    clock: clockSpecText(opts.clock ?? { mode: "live" }),
  });
  let stopped = false;
  return {
    pid: child.pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await child.stdin.close();
      } catch { /* already closed */ }
      try {
        child.kill("SIGTERM");
      } catch { /* already exited */ }
      // The bridge drains its buffer on SIGTERM; after 3 s it is killed.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const killed = new Promise<void>((res) => {
        timer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* exited meanwhile */ }
          res();
        }, 3000);
      });
      await Promise.race([child.status, killed]);
      clearTimeout(timer);
      await child.status;
    },
  };
}
