// deno-lint-ignore-file no-console
/**
 * Backfill a source over a date range, resumably and within the quota.
 *
 *   deno task backfill --source dart --from 2020-01-01 --to 2026-11-21
 *       [--reserve 1000] [--page-count 100] [--restart]
 *
 * DART: list.json in 3-month windows, page by page; the cursor (window, page, counts) is
 * saved in KV after every page, so running the same command again after a kill resumes
 * where it stopped. Before each call the day's quota (DART_DAILY_QUOTA, KST day, shared
 * with the app through KV) is checked; the backfill stops with exit code 3 when only
 * `--reserve` calls would be left, and continues from the cursor on the next run.
 * A progress bar with an ETA goes to stderr; a JSON summary line to stdout.
 *
 *   deno task backfill --source krx --from 2021-01-04 --to 2026-11-20 [--reserve 1000] [--restart]
 *
 * KRX: one trading day at a time (weekends and known holidays skipped) through the same
 * collector as the daily job (`collectKrxDay`: trades, base info, indices, and investor flows
 * when KRX_ID/KRX_PW are set), validated, into one `krx_backfill` run with its issues. Days
 * already collected (a stored day status that is not pending) are skipped, so running the same
 * command again resumes; `--restart` collects every day again. A day KRX answers empty
 * although the calendar trades stays pending (not published yet) and is collected again. Before each day the KRX quota
 * (KRX_DAILY_QUOTA, KST day) is checked: exit code 3 when a day would leave fewer than
 * `--reserve` calls. KIND has no backfill (exit code 2).
 *
 * Exit codes: 0 done, 1 error, 2 bad arguments, 3 stopped at the quota, 130 interrupted.
 */
import { loadConfig, secretValues } from "../config.ts";
import { createLiveDart } from "../lib/etl/live.ts";
import {
  backfillKey,
  type BackfillProgress,
  getBackfillCursor,
  runBackfill,
} from "../lib/jobs/backfill.ts";
import { configureLog, maskSecrets, registerSecret } from "../lib/log.ts";
import { openKv } from "../lib/store/kv.ts";
import { createRun, finishRun } from "../lib/store/runs.ts";
import { collectKrxDay } from "../lib/etl/krx_collect.ts";
import { QuotaExceededError } from "../lib/http/errors.ts";
import { createLiveKrx } from "../lib/jobs/context.ts";
import { KRX_CALLS_PER_DAY, krxRangeProblem } from "../lib/jobs/krx_backfill.ts";
import { tradingDaysBetween } from "../lib/market/sessions.ts";
import { getDayStatus } from "../lib/store/market.ts";
import { addIssues } from "../lib/store/quality.ts";

interface Args {
  source: string;
  from: string;
  to: string;
  reserve: number;
  pageCount: number;
  restart: boolean;
}

function usage(msg: string): never {
  console.error(`backfill: ${msg}
usage: deno task backfill --source dart|krx --from YYYY-MM-DD --to YYYY-MM-DD [--reserve N] [--page-count N] [--restart]`);
  Deno.exit(2);
}

/** Parses the command line. */
export function parseArgs(argv: string[]): Args {
  const a: Args = { source: "", from: "", to: "", reserve: 1000, pageCount: 100, restart: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) usage(`${k} needs a value`);
      return x;
    };
    if (k === "--source") a.source = v();
    else if (k === "--from") a.from = v();
    else if (k === "--to") a.to = v();
    else if (k === "--reserve") a.reserve = Number(v());
    else if (k === "--page-count") a.pageCount = Number(v());
    else if (k === "--restart") a.restart = true;
    else usage(`unknown argument ${k}`);
  }
  if (!a.source) usage("--source is required (dart, kind, krx)");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(a.from) || !/^\d{4}-\d{2}-\d{2}$/.test(a.to)) {
    usage("--from and --to must be YYYY-MM-DD");
  }
  if (a.from > a.to) usage("--from is after --to");
  if (!Number.isInteger(a.reserve) || a.reserve < 0) usage("--reserve must be a whole number ≥ 0");
  if (!Number.isInteger(a.pageCount) || a.pageCount < 1 || a.pageCount > 100) {
    usage("--page-count must be 1..100");
  }
  return a;
}

const fmtMs = (ms: number) => {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h
    ? `${h}h${String(m).padStart(2, "0")}m`
    : m
    ? `${m}m${String(r).padStart(2, "0")}s`
    : `${r}s`;
};

/** One progress line: bar, percent, window/page, counts, ETA. */
export function progressLine(p: BackfillProgress, width = 30): string {
  const filled = Math.round(p.fraction * width);
  const c = p.cursor;
  const win = Math.min(c.window + 1, c.windows.length);
  const page = c.window_pages
    ? `${Math.min(c.page, c.window_pages)}/${c.window_pages}`
    : `${c.page}`;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${
    (p.fraction * 100).toFixed(1).padStart(5)
  }%  window ${win}/${c.windows.length} page ${page}  calls ${c.calls}  rows ${c.fetched} (new ${c.new}, changed ${c.changed})  ETA ${
    p.etaMs === null ? "…" : fmtMs(p.etaMs)
  }`;
}

/** One KRX progress line: bar, percent, day, counts, ETA. */
export function krxProgressLine(
  p: { done: number; total: number; day: string; calls: number; bars: number; issues: number },
  etaMs: number | null,
  width = 30,
): string {
  const fraction = p.total ? p.done / p.total : 1;
  const filled = Math.round(fraction * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${
    (fraction * 100).toFixed(1).padStart(5)
  }%  day ${p.day} (${p.done}/${p.total})  calls ${p.calls}  bars ${p.bars}  issues ${p.issues}  ETA ${
    etaMs === null ? "…" : fmtMs(etaMs)
  }`;
}

/** `--source krx`: collects each trading day of the range; returns the exit code. */
async function krxBackfill(args: Args): Promise<number> {
  const config = loadConfig();
  configureLog({ level: config.LOG_LEVEL === "debug" ? "debug" : "warn" });
  for (const s of secretValues(config)) registerSecret(s);
  const problem = krxRangeProblem(args.from, args.to);
  if (problem) usage(problem);
  const kv = await openKv(config.KDESK_KV_PATH);
  const live = createLiveKrx(kv, config);
  if (!live) {
    console.error("backfill: KRX_API_KEY is not set");
    kv.close();
    return 2;
  }
  const all = tradingDaysBetween(args.from, args.to);
  const days: string[] = [];
  for (const d of all) {
    const status = await getDayStatus(kv, d);
    if (args.restart || !status || status.pending) days.push(d);
  }
  const run = await createRun(kv, {
    job: "krx_backfill",
    source: "krx",
    trigger: "backfill",
    detail: { from: args.from, to: args.to, days: days.length, skipped: all.length - days.length },
  });
  const abort = new AbortController();
  const onSig = () => abort.abort();
  Deno.addSignalListener("SIGINT", onSig);
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  const counts = { fetched: 0, new: 0, changed: 0, failed: 0 };
  const p = {
    done: 0,
    total: days.length,
    day: days[0] ?? args.from,
    calls: 0,
    bars: 0,
    issues: 0,
  };
  const t0 = performance.now();
  let code = 0, stopped: string | null = null, last = 0;
  try {
    for (const date of days) {
      if (abort.signal.aborted) {
        stopped = "interrupted";
        code = 130;
        break;
      }
      const u = await live.limiter.usage();
      if (u.used_today + KRX_CALLS_PER_DAY > u.per_day - args.reserve) {
        stopped = "quota";
        code = 3;
        break;
      }
      let r;
      try {
        r = await collectKrxDay({ kv, krx: live.krx, flows: live.flows, date, run_id: run.id });
      } catch (e) {
        if (e instanceof QuotaExceededError) {
          stopped = "quota";
          code = 3;
          break;
        }
        throw e;
      }
      if (r.issues.length) await addIssues(kv, r.issues);
      for (const k of ["fetched", "new", "changed", "failed"] as const) counts[k] += r.counts[k];
      p.done++;
      p.day = date;
      p.calls += r.api_calls;
      p.bars += Object.values(r.bars).reduce((a, b) => a + (b ?? 0), 0);
      p.issues += r.issues.length;
      const el = performance.now() - t0;
      const line = krxProgressLine(p, p.done ? (el / p.done) * (p.total - p.done) : null);
      if (tty) {
        if (el - last >= 100 || p.done === p.total) {
          Deno.stderr.writeSync(enc.encode(`\r\x1b[2K${line}`));
          last = el;
        }
      } else if (el - last >= 2000 || p.done === p.total) {
        Deno.stderr.writeSync(enc.encode(`${line}\n`));
        last = el;
      }
    }
    if (tty) Deno.stderr.writeSync(enc.encode("\n"));
    const done = await finishRun(kv, run.id, (x) => {
      // new/changed are in the run's counters already (counted by the writes).
      x.counts = { ...x.counts, fetched: counts.fetched, failed: counts.failed };
      x.api_calls += p.calls;
      if (stopped) x.detail = { ...x.detail, stopped };
    });
    const u = await live.limiter.usage();
    console.log(JSON.stringify({
      outcome: stopped ?? "done",
      from: args.from,
      to: args.to,
      days: p.total,
      collected: p.done,
      skipped: all.length - days.length,
      calls: p.calls,
      bars: p.bars,
      ...counts,
      issues: p.issues,
      status: done?.status,
      run_id: run.id,
      quota_used_today: u.used_today,
      quota_per_day: u.per_day,
    }));
    if (stopped === "quota") {
      console.error(
        `backfill: stopped before the KRX quota (${u.used_today}/${u.per_day} used today, reserve ${args.reserve}); run the same command after the KST-midnight reset to continue.`,
      );
    }
  } catch (e) {
    await finishRun(kv, run.id, (x) => {
      x.counts = { ...x.counts, fetched: counts.fetched, failed: counts.failed };
      x.api_calls += p.calls;
      x.error = maskSecrets(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    });
    console.error(`\nbackfill: failed: ${maskSecrets(e instanceof Error ? e.message : String(e))}`);
    code = 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSig);
    kv.close();
  }
  return code;
}

if (import.meta.main) {
  const args = parseArgs(Deno.args);
  if (args.source === "krx") Deno.exit(await krxBackfill(args));
  if (args.source !== "dart") {
    console.error(
      `backfill: source "${args.source}" cannot be backfilled; use "dart" or "krx".`,
    );
    Deno.exit(2);
  }
  const config = loadConfig();
  configureLog({ level: config.LOG_LEVEL === "debug" ? "debug" : "warn" });
  for (const s of secretValues(config)) registerSecret(s);
  if (!config.DART_API_KEY) {
    console.error("backfill: DART_API_KEY is not set");
    Deno.exit(2);
  }
  const kv = await openKv(config.KDESK_KV_PATH);
  if (args.restart) await kv.delete(backfillKey(args.from, args.to));
  const resumed = await getBackfillCursor(kv, args.from, args.to);
  const live = createLiveDart(kv, config);
  const run = await createRun(kv, {
    job: "dart_backfill",
    source: "dart",
    trigger: "backfill",
    detail: { from: args.from, to: args.to, resumed: !!resumed },
  });
  const abort = new AbortController();
  const onSig = () => abort.abort();
  Deno.addSignalListener("SIGINT", onSig);
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  let last = 0;
  const callsBefore = resumed?.calls ?? 0;
  let code = 0;
  try {
    const r = await runBackfill({ kv }, live.dart, {
      from: args.from,
      to: args.to,
      pageCount: args.pageCount,
      quota: live.limiter,
      reserve: args.reserve,
      signal: abort.signal,
      onProgress: (p) => {
        const now = performance.now();
        if (tty) {
          if (now - last < 100 && p.fraction < 1) return;
          Deno.stderr.writeSync(enc.encode(`\r\x1b[2K${progressLine(p)}`));
        } else if (now - last >= 2000 || p.fraction >= 1) {
          Deno.stderr.writeSync(enc.encode(`${progressLine(p)}\n`));
        } else return;
        last = now;
      },
    });
    if (tty) Deno.stderr.writeSync(enc.encode("\n"));
    const c = r.cursor;
    await finishRun(kv, run.id, (x) => {
      x.counts = { fetched: c.fetched, new: c.new, changed: c.changed, failed: 0 };
      x.api_calls = c.calls - callsBefore;
      if (r.outcome === "quota") x.detail = { ...x.detail, stopped: "quota" };
    });
    const usage = await live.limiter.usage();
    console.log(JSON.stringify({
      outcome: r.outcome,
      from: args.from,
      to: args.to,
      windows: c.windows.length,
      window: c.window,
      page: c.page,
      calls: c.calls,
      fetched: c.fetched,
      new: c.new,
      changed: c.changed,
      quota_used_today: usage.used_today,
      quota_per_day: usage.per_day,
    }));
    if (r.outcome === "quota") {
      console.error(
        `backfill: stopped before the quota (${usage.used_today}/${usage.per_day} used today, reserve ${args.reserve}); run the same command after the KST-midnight reset to continue.`,
      );
      code = 3;
    } else if (r.outcome === "aborted") code = 130;
  } catch (e) {
    await finishRun(kv, run.id, (x) => {
      x.error = maskSecrets(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    });
    console.error(`\nbackfill: failed: ${maskSecrets(e instanceof Error ? e.message : String(e))}`);
    code = 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSig);
    kv.close();
  }
  Deno.exit(code);
}
