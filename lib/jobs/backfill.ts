/**
 * Backfill: collects DART disclosures for a long date range in the 3-month windows an
 * all-company list.json search allows, one page at a time, with a persisted cursor (window,
 * page, counts) written after every page. A killed backfill resumes at the page it was on;
 * re-collecting a page is harmless because disclosures are upserted by rcept_no. It stops
 * before the day's quota is used up (leaving `reserve` calls for the scheduled jobs).
 *
 * @module
 */
import { kstYmd, mergeDisclosures } from "../etl/company.ts";
import { normalizeListItem } from "../etl/normalize.ts";
import type { Disclosure } from "../etl/schemas.ts";
import { QuotaExceededError } from "../http/errors.ts";
import type { RateUsage } from "../http/rate_limit.ts";
import { log } from "../log.ts";
import { listWindows } from "../sources/dart/client.ts";
import { enqueueMutations, stampJobs } from "../store/jobs.ts";
import { keys } from "../store/keys.ts";
import { createRunWith, newRun, settleRun } from "../store/runs.ts";
import type { NewJob } from "./messages.ts";
import type { JobsContext, JobsDart, RunScope } from "./runtime.ts";

type Row = Record<string, string | undefined>;

/** The persisted state of one backfill (source + range). */
export interface BackfillCursor {
  source: "dart";
  from: string;
  to: string;
  windows: [string, string][];
  /** Index of the window in progress. */
  window: number;
  /** Next page of that window. */
  page: number;
  /** Pages of the window in progress (0 until its first page is read). */
  window_pages: number;
  calls: number;
  fetched: number;
  new: number;
  changed: number;
  done: boolean;
  started_at: string;
  updated_at: string;
}

export interface BackfillProgress {
  cursor: BackfillCursor;
  /** 0..1 */
  fraction: number;
  elapsedMs: number;
  /** Estimated ms left, null until one page was done in this process. */
  etaMs: number | null;
}

export interface BackfillOptions {
  from: string;
  to: string;
  /** list.json page size (default 100, DART's maximum). */
  pageCount?: number;
  /** The quota to stay under; checked before every call. */
  quota?: { usage(): Promise<RateUsage> };
  /** Calls to leave unspent for the scheduled jobs (default 0). */
  reserve?: number;
  onProgress?: (p: BackfillProgress) => void;
  signal?: AbortSignal;
}

export type BackfillOutcome = "done" | "quota" | "aborted";

const ymd = (s: string) => {
  const v = s.replaceAll("-", "");
  if (!/^\d{8}$/.test(v)) throw new Error(`invalid date "${s}" (YYYY-MM-DD)`);
  return v;
};

/** The cursor key of a backfill range. */
export function backfillKey(from: string, to: string): Deno.KvKey {
  return keys.syncState("dart", `backfill:${ymd(from)}:${ymd(to)}`);
}

/** Reads a backfill's cursor. */
export async function getBackfillCursor(
  kv: Deno.Kv,
  from: string,
  to: string,
): Promise<BackfillCursor | null> {
  return (await kv.get<BackfillCursor>(backfillKey(from, to))).value;
}

function fractionOf(c: BackfillCursor): number {
  if (c.done) return 1;
  const n = c.windows.length || 1;
  const inWindow = c.window_pages ? Math.min(1, (c.page - 1) / c.window_pages) : 0;
  return Math.min(1, (c.window + inWindow) / n);
}

async function mergeCounting(
  kv: Deno.Kv,
  items: Disclosure[],
): Promise<{ new: number; changed: number; touched: Disclosure[] }> {
  const existing = new Set<string>();
  for (let i = 0; i < items.length; i += 10) {
    const got = await kv.getMany(items.slice(i, i + 10).map((d) => keys.disclosure(d.rcept_no)));
    got.forEach((g, j) => {
      if (g.versionstamp !== null) existing.add(items[i + j].rcept_no);
    });
  }
  const touched = await mergeDisclosures(kv, items);
  const incoming = new Set(items.map((d) => d.rcept_no));
  let n = 0, c = 0;
  for (const d of touched) {
    if (incoming.has(d.rcept_no) && !existing.has(d.rcept_no)) n++;
    else c++;
  }
  return { new: n, changed: c, touched };
}

/** Normalizes list.json rows, skipping (and logging) invalid ones. */
export function normalizeRows(rows: unknown[]): Disclosure[] {
  const out: Disclosure[] = [];
  for (const row of rows as Row[]) {
    try {
      out.push(normalizeListItem(row));
    } catch (e) {
      log.warn("disclosure row skipped", { rcept_no: row.rcept_no, error: e as Error });
    }
  }
  return out;
}

/** Merges rows into the store and reports new/changed counts. */
export { mergeCounting };

/**
 * Runs (or resumes) a backfill. Returns how it ended: "done", "quota" (stopped before the
 * quota; run again after the KST-day reset) or "aborted" (signal).
 */
export async function runBackfill(
  ctx: Pick<JobsContext, "kv">,
  dart: Pick<JobsDart, "list">,
  opts: BackfillOptions,
): Promise<{ outcome: BackfillOutcome; cursor: BackfillCursor }> {
  const { kv } = ctx;
  const from = ymd(opts.from), to = ymd(opts.to);
  if (from > to) throw new Error(`--from ${opts.from} is after --to ${opts.to}`);
  const key = backfillKey(from, to);
  const now = () => new Date().toISOString();
  let cur = (await kv.get<BackfillCursor>(key)).value ?? {
    source: "dart",
    from,
    to,
    windows: listWindows(from, to),
    window: 0,
    page: 1,
    window_pages: 0,
    calls: 0,
    fetched: 0,
    new: 0,
    changed: 0,
    done: false,
    started_at: now(),
    updated_at: now(),
  } satisfies BackfillCursor;
  const t0 = performance.now();
  const startFraction = fractionOf(cur);
  const report = () => {
    const fraction = fractionOf(cur);
    const elapsedMs = performance.now() - t0;
    const doneHere = fraction - startFraction;
    opts.onProgress?.({
      cursor: cur,
      fraction,
      elapsedMs,
      etaMs: doneHere > 0 ? (elapsedMs / doneHere) * (1 - fraction) : null,
    });
  };
  report();
  while (!cur.done) {
    if (opts.signal?.aborted) return { outcome: "aborted", cursor: cur };
    if (opts.quota) {
      const u = await opts.quota.usage();
      if (u.used_today + 1 > u.per_day - (opts.reserve ?? 0)) {
        return { outcome: "quota", cursor: cur };
      }
    }
    const [bgn_de, end_de] = cur.windows[cur.window];
    let page;
    try {
      page = await dart.list({
        bgn_de,
        end_de,
        page_no: cur.page,
        page_count: opts.pageCount ?? 100,
        last_reprt_at: "N",
      });
    } catch (e) {
      if (e instanceof QuotaExceededError) return { outcome: "quota", cursor: cur };
      throw e;
    }
    const items = normalizeRows(page.data.list);
    const m = await mergeCounting(kv, items);
    const next: BackfillCursor = {
      ...cur,
      calls: cur.calls + 1,
      fetched: cur.fetched + page.data.list.length,
      new: cur.new + m.new,
      changed: cur.changed + m.changed,
      window_pages: page.data.total_page,
      updated_at: now(),
    };
    if (page.empty || cur.page >= page.data.total_page) {
      next.window = cur.window + 1;
      next.page = 1;
      next.window_pages = 0;
      next.done = next.window >= cur.windows.length;
    } else next.page = cur.page + 1;
    await kv.set(key, next);
    cur = next;
    report();
  }
  return { outcome: "done", cursor: cur };
}

/**
 * One window as a queue unit (admin "backfill a window"): all its pages, merged. Idempotent
 * by rcept_no. The window must be one list.json accepts (≤ 3 months).
 */
export async function backfillWindow(
  ctx: Pick<JobsContext, "kv">,
  dart: Pick<JobsDart, "list">,
  bgn_de: string,
  end_de: string,
): Promise<{ fetched: number; new: number; changed: number; calls: number }> {
  const out = { fetched: 0, new: 0, changed: 0, calls: 0 };
  for (let page_no = 1;; page_no++) {
    const r = await dart.list({ bgn_de, end_de, page_no, page_count: 100, last_reprt_at: "N" });
    out.calls++;
    out.fetched += r.data.list.length;
    const m = await mergeCounting(ctx.kv, normalizeRows(r.data.list));
    out.new += m.new;
    out.changed += m.changed;
    if (r.empty || page_no >= r.data.total_page) break;
  }
  return out;
}

/**
 * Starts a queued DART backfill (admin): one `dart_backfill` run with one `backfill_window`
 * message per 3-month window, stored in one atomic (the run and all its windows, or
 * nothing). The run is RUNNING with `progress` until its last window is done (each window is
 * a unit of it), then SUCCEEDED / PARTIAL / FAILED.
 */
export async function startDartBackfill(
  ctx: Pick<JobsContext, "kv">,
  from: string,
  to: string,
): Promise<{ run_id: string; enqueued: number }> {
  const f = ymd(from), t = ymd(to);
  if (f > t) throw new RangeError(`from ${from} is after to ${to}`);
  const windows = listWindows(f, t);
  const run = newRun({
    job: "dart_backfill",
    source: "dart",
    trigger: "manual",
    detail: { from: f, to: t },
    progress_total: windows.length,
  });
  run.enqueued = windows.length;
  run.progress!.enqueued = windows.length;
  const jobs: NewJob[] = windows.map(([bgn_de, end_de]) => ({
    kind: "backfill_window",
    source: "dart",
    bgn_de,
    end_de,
    key: `backfill:${bgn_de}:${end_de}:${run.id}`,
    run_id: run.id,
  }));
  await createRunWith(ctx.kv, run, (op) => enqueueMutations(op, stampJobs(jobs)));
  if (!windows.length) await settleRun(ctx.kv, run.id);
  return { run_id: run.id, enqueued: jobs.length };
}

/** Today's KST day as YYYY-MM-DD. */
export const kstDay = (d: Date) => {
  const s = kstYmd(d);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}`;
};

export type { RunScope };
