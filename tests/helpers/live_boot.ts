/**
 * Live mode as a user runs it: `main.ts` in a subprocess (`deno run -A main.ts`, what
 * `deno task start` runs) with source keys set and every source's base URL pointing at the
 * loopback fakes of `tests/fake/` (OpenDART, KIND, KRX OpenAPI + data.krx.co.kr), a KV file
 * in a temp dir (so the test can read every value afterwards), `KDESK_BRIDGE=off`, port 0.
 *
 * The fakes serve: the sample DART dataset plus a filing dated today and one yesterday (KST,
 * the real clock: what the start-up poll reads); the KIND sample; and the KRX fixture day
 * re-dated to the start-up catch-up day (`krxCatchUpDay`: today after 18:00 KST on a trading
 * day, else the last trading day before today).
 *
 * @module
 */
import { krxCatchUpDay } from "../../lib/jobs/context.ts";
import type { DartDataset } from "../../lib/sources/dart/fixture_fetch.ts";
import type { KrxDataset } from "../../lib/sources/krx/mod.ts";
import { buildSampleDataset } from "../../sample/dart_sample.ts";
import { buildKindSampleDataset } from "../../sample/kind_sample.ts";
import { type DartFault, type FakeDart, startFakeDart } from "../fake/dart_server.ts";
import { type FakeKind, type KindFault, startFakeKind } from "../fake/kind_server.ts";
import {
  type FakeKrx,
  type KrxFault,
  loadKrxFixtureDataset,
  startFakeKrx,
} from "../fake/krx_server.ts";

const ROOT = new URL("../../", import.meta.url);

/** The corp the tests ask a snapshot of (한빛반도체, KOSPI, full statements in the sample). */
export const LIVE_CORP = "00912345";

/** Default secrets of a live boot (formats as the sources issue them). */
export const LIVE_KEYS = {
  DART_API_KEY: "0123456789abcdef0123456789abcdef01234567",
  KRX_API_KEY: "ABCDEF0123456789ABCDEF0123456789ABCDEF01",
  KRX_ID: "kdesk-live-test",
  KRX_PW: "live-test-password-1",
  ADMIN_TOKEN: "live-test-admin-token-0123456789",
  INGEST_TOKEN: "live-test-ingest-token-0123456789",
};

const kstYmd = (d: Date) =>
  new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10).replaceAll("-", "");

/** One parsed log line of the child (stderr JSON), or `{raw}` for anything else. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

export interface LiveBoot {
  /** `http://127.0.0.1:<port>` of the child. */
  origin: string;
  dart: FakeDart;
  kind: FakeKind;
  krx: FakeKrx;
  /** The KV file the child uses (readable after {@linkcode LiveBoot.stop}). */
  kvPath: string;
  /** The KRX day the fake serves (the catch-up day), YYYY-MM-DD. */
  krxDay: string;
  /** Every stderr and stdout line so far (raw text). */
  lines: string[];
  /** Parsed JSON log lines so far. */
  logs(): LogLine[];
  /** Waits for a log line matching `pred`. */
  waitLog(pred: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Stops the child (SIGTERM, then SIGKILL), returns its exit status. */
  stopChild(): Promise<Deno.CommandStatus>;
  /** Stops the child and the fakes; removes nothing (call {@linkcode LiveBoot.cleanup}). */
  stop(): Promise<void>;
  /** Removes the temp dir. */
  cleanup(): Promise<void>;
}

export interface LiveBootOptions {
  /** Secrets to use instead of {@linkcode LIVE_KEYS} (same names). */
  keys?: Partial<typeof LIVE_KEYS>;
  /** More env for the child. */
  env?: Record<string, string>;
  dartFaults?: Record<string, DartFault>;
  kindFaults?: Record<string, KindFault>;
  krxFaults?: Record<string, KrxFault>;
  /** Mutates the DART dataset before the fake starts. */
  dartDataset?: (ds: DartDataset) => void;
  /** Seconds to wait for "kdesk ready" (the first boot may build the island bundle). */
  readyTimeoutMs?: number;
}

/** The KRX fixture day, re-dated to `day` (YYYYMMDD): rows keep their values. */
function krxDatasetFor(day: string): KrxDataset {
  const ds = loadKrxFixtureDataset();
  const slashed = `${day.slice(0, 4)}/${day.slice(4, 6)}/${day.slice(6)}`;
  const redate = <T>(v: T): T =>
    JSON.parse(JSON.stringify(v).replaceAll("20240104", day).replaceAll("2024/01/04", slashed));
  // The fixtures' base info lists instruments that did not trade that day (the coverage
  // check's WARN); a live day's listing matches its trades.
  const trades = ds.trades["20240104"];
  const listed = (m: "KOSPI" | "KOSDAQ" | "KONEX") => {
    const traded = new Set(trades[m].map((r) => r.ISU_CD));
    return ds.baseInfo[m].filter((r) => traded.has(r.ISU_SRT_CD));
  };
  return {
    ...ds,
    trades: { [day]: redate(trades) },
    index: { [day]: redate(ds.index["20240104"]) },
    baseInfo: redate({ KOSPI: listed("KOSPI"), KOSDAQ: listed("KOSDAQ"), KONEX: listed("KONEX") }),
    flows: { STK: { [day]: redate(ds.flows!.STK["20240104"]) } },
  };
}

/** Starts the fakes and `main.ts`; resolves when the child logs "kdesk ready". */
export async function bootLive(opts: LiveBootOptions = {}): Promise<LiveBoot> {
  const keys = { ...LIVE_KEYS, ...opts.keys };
  const now = new Date();
  const today = kstYmd(now);
  const yesterday = kstYmd(new Date(now.getTime() - 86400_000));
  const krxDay = krxCatchUpDay(now);

  const dataset = buildSampleDataset();
  // Filings the start-up poll (yesterday..today) finds: an amended and a new one.
  const base = dataset.filings.find((f) => f.corp_code === LIVE_CORP)!;
  dataset.filings.push(
    {
      ...base,
      report_nm: "주요사항보고서(자기주식취득결정)",
      rcept_no: `${yesterday}000901`,
      rcept_dt: yesterday,
      rm: "유",
    },
    {
      ...base,
      report_nm: "[기재정정]주요사항보고서(자기주식취득결정)",
      rcept_no: `${today}000902`,
      rcept_dt: today,
      rm: "유",
    },
  );
  opts.dartDataset?.(dataset);
  const dart = await startFakeDart({
    dataset: Object.assign(dataset, { apiKey: keys.DART_API_KEY }),
    faults: opts.dartFaults,
  });
  const kind = await startFakeKind({ dataset: buildKindSampleDataset(), faults: opts.kindFaults });
  const krx = await startFakeKrx({
    dataset: krxDatasetFor(krxDay.replaceAll("-", "")),
    apiKey: keys.KRX_API_KEY,
    login: { id: keys.KRX_ID, pw: keys.KRX_PW },
    faults: opts.krxFaults,
  });

  const dir = await Deno.makeTempDir({ prefix: "kdesk-live-" });
  const kvPath = `${dir}/kdesk.sqlite`;
  const passthrough = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR", "TZ"];
  const env: Record<string, string> = {};
  for (const k of passthrough) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  Object.assign(env, {
    ...keys,
    KDESK_KV_PATH: kvPath,
    KDESK_BRIDGE: "off",
    PORT: "0",
    HOSTNAME: "127.0.0.1",
    LOG_LEVEL: "info",
    HTTP_RETRIES: "0",
    HTTP_TIMEOUT_MS: "5000",
    DART_BASE_URL: dart.url,
    KRX_BASE_URL: krx.apiUrl,
    DATA_KRX_BASE_URL: krx.url,
    KIND_BASE_URL: kind.url,
    ...opts.env,
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: ROOT.pathname,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let buf = "";
    const dec = new TextDecoder();
    for await (const bytes of stream) {
      buf += dec.decode(bytes, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      for (const w of waiters) w();
    }
    if (buf) lines.push(buf);
    for (const w of waiters) w();
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exited: Deno.CommandStatus | null = null;
  const status = child.status.then((s) => (exited = s));

  const logs = (): LogLine[] =>
    lines.flatMap((l) => {
      try {
        const v = JSON.parse(l);
        return v && typeof v === "object" ? [v as LogLine] : [];
      } catch {
        return [];
      }
    });
  const waitLog = (pred: (l: LogLine) => boolean, what: string, timeoutMs = 30_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const hit = logs().find(pred);
        if (hit) return done(() => resolve(hit));
        if (exited) {
          return done(() =>
            reject(
              new Error(`kdesk exited (${exited!.code}) before ${what}:\n${lines.join("\n")}`),
            )
          );
        }
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(new Error(`timed out waiting for ${what}; output:\n${lines.join("\n")}`))
          ),
        timeoutMs,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      status.then(check);
      check();
    });

  let stopped: Promise<Deno.CommandStatus> | null = null;
  const stopChild = () =>
    stopped ??= (async () => {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
        const t = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* gone */ }
        }, 5000);
        await status;
        clearTimeout(t);
      }
      await pumps;
      return (await status) as Deno.CommandStatus;
    })();

  const boot: LiveBoot = {
    origin: "",
    dart,
    kind,
    krx,
    kvPath,
    krxDay,
    lines,
    logs,
    waitLog,
    stopChild,
    stop: async () => {
      await stopChild();
      await Promise.all([dart.close(), kind.close(), krx.close()]);
    },
    cleanup: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
  try {
    const ready = await waitLog(
      (l) => l.msg === "kdesk ready",
      "kdesk ready",
      opts.readyTimeoutMs ?? 90_000,
    );
    const port = new URL(String(ready.url)).port;
    boot.origin = `http://127.0.0.1:${port}`;
  } catch (e) {
    await boot.stop();
    await boot.cleanup();
    throw e;
  }
  return boot;
}
