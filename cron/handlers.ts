/**
 * The scheduled jobs. Each is a function of a {@linkcode JobsContext} and a run scope, so
 * tests call them directly; `runScheduled` wraps one in a collection run (what `Deno.cron`
 * and the admin API call).
 *
 * @module
 */
import { syncCorpMaster } from "../lib/etl/dart_collect.ts";
import { kstYmd } from "../lib/etl/company.ts";
import type { Disclosure } from "../lib/etl/schemas.ts";
import { mergeCounting, normalizeRows } from "../lib/jobs/backfill.ts";
import { sweepExports } from "../lib/jobs/backtest_export.ts";
import { checkSource } from "../lib/jobs/health.ts";
import { type NewJob, shortHash } from "../lib/jobs/messages.ts";
import {
  checkCorpMaster,
  checkDataGaps,
  checkDisclosureVolume,
  checkRawSchema,
} from "../lib/jobs/quality.ts";
import { enqueue, type JobsContext, type RunScope, withRun } from "../lib/jobs/runtime.ts";
import { krxCatchUpDay } from "../lib/jobs/context.ts";
import { kstParts } from "../lib/market/sessions.ts";
import { getCorpMasterMeta } from "../lib/store/corps.ts";
import { getPipelineHeader } from "../lib/store/ipo.ts";
import { krxCatchUp } from "../lib/jobs/krx_daily.ts";
import { keys } from "../lib/store/keys.ts";
import { latestBarDay } from "../lib/store/market.ts";
import type { CollectionRun, RunTrigger } from "../lib/store/runs.ts";
import { listSnapshotCorps } from "../lib/store/snapshots.ts";
import type { HandlerName } from "./schedules.ts";

/** The persisted cursor of the incremental DART poll. */
export interface PollCursor {
  /** KST day (YYYYMMDD) the last successful poll reached. */
  last_day: string;
  at: string;
}

const DAY_MS = 86400_000;
const dash = (ymd: string) => `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6)}`;

/** The touched disclosures grouped by corp, with a version hash of what changed. */
/** Report names (without bracket prefixes) of the equity-offering filing family. */
const IPO_FILING = /^(증권신고서\(지분증권\)|투자설명서|증권발행실적보고서|철회신고서)/;

function affected(touched: Disclosure[]): Map<string, string> {
  const byCorp = new Map<string, string[]>();
  for (const d of touched) {
    const arr = byCorp.get(d.corp_code) ?? [];
    arr.push(`${d.rcept_no}|${d.report_nm}|${d.rm}|${d.superseded}`);
    byCorp.set(d.corp_code, arr);
  }
  const out = new Map<string, string>();
  for (const [corp, parts] of byCorp) out.set(corp, shortHash(parts.sort().join("\n")));
  return out;
}

async function collectRange(
  ctx: JobsContext,
  scope: RunScope,
  bgn_de: string,
  end_de: string,
): Promise<Disclosure[]> {
  const r = await scope.dart.listAll({ bgn_de, end_de, last_reprt_at: "N" });
  const items = normalizeRows(r.items);
  const m = await mergeCounting(ctx.kv, items);
  scope.counts.fetched += r.items.length;
  scope.counts.failed += r.items.length - items.length;
  scope.counts.new += m.new;
  scope.counts.changed += m.changed;
  scope.issues.push(
    ...await checkRawSchema(ctx.kv, r.raws ?? [], {
      source: "dart",
      run_id: scope.run.id,
    }),
  );
  scope.issues.push(...await checkCorpMaster(ctx.kv, m.touched, scope.run.id));
  return m.touched;
}

/**
 * Incremental DART poll: list.json (all versions) from the cursor's day (at least
 * yesterday, KST) to today; new or changed filings are stored and each affected company
 * gets one `refresh_company` message. The cursor moves only after a successful poll.
 */
export async function dartPoll(ctx: JobsContext, scope: RunScope): Promise<void> {
  const now = ctx.now();
  const today = kstYmd(now);
  const yesterday = kstYmd(new Date(now.getTime() - DAY_MS));
  const cursorKey = keys.syncState("dart", "poll_cursor");
  const cursor = (await ctx.kv.get<PollCursor>(cursorKey)).value;
  const from = cursor && cursor.last_day < yesterday ? cursor.last_day : yesterday;
  scope.detail.window = `${from}..${today}`;
  const touched = await collectRange(ctx, scope, from, today);
  const jobs: NewJob[] = [...affected(touched)].map(([corp, version]) => ({
    kind: "refresh_company",
    corp_code: corp,
    reason: "poll",
    key: `refresh:${corp}:${version}`,
    run_id: scope.run.id,
  }));
  // New or amended securities filings move IPO deals: one pipeline refresh for all of them.
  const ipo = touched.filter((d) => IPO_FILING.test(d.base_name));
  if (ipo.length && ctx.external?.kind_ipo) {
    const version = shortHash(ipo.map((d) => `${d.rcept_no}|${d.report_nm}`).sort().join("\n"));
    jobs.push({ kind: "refresh_ipo", reason: "poll", key: `ipo:${version}`, run_id: scope.run.id });
  }
  scope.enqueued += (await enqueue(ctx, jobs)).length;
  await ctx.kv.set(
    cursorKey,
    { last_day: today, at: new Date().toISOString() } satisfies PollCursor,
  );
}

/**
 * The daily disclosure collection (weekdays 18:30 KST): every filing of the day, then a
 * snapshot rebuild (from stored data) of each affected company that has a snapshot, and the
 * day's quality checks.
 */
export async function dartDaily(
  ctx: JobsContext,
  scope: RunScope,
  opts: { day?: string } = {},
): Promise<void> {
  const day = opts.day?.replaceAll("-", "") ?? kstYmd(ctx.now());
  scope.detail.day = day;
  const touched = await collectRange(ctx, scope, day, day);
  const versions = affected(touched);
  const corps = [...versions.keys()];
  const have: string[] = [];
  for (let i = 0; i < corps.length; i += 10) {
    const got = await ctx.kv.getMany(corps.slice(i, i + 10).map((c) => keys.companySnapshot(c)));
    got.forEach((g, j) => {
      if (g.versionstamp !== null) have.push(corps[i + j]);
    });
  }
  const jobs: NewJob[] = have.map((corp) => ({
    kind: "rebuild_snapshot",
    corp_code: corp,
    key: `rebuild:${corp}:${versions.get(corp)}`,
    run_id: scope.run.id,
  }));
  scope.enqueued += (await enqueue(ctx, jobs)).length;
  scope.issues.push(...await checkDisclosureVolume(ctx.kv, dash(day), scope.run.id));
  const weekAgo = kstYmd(new Date(Date.parse(`${dash(day)}T12:00:00+09:00`) - 6 * DAY_MS));
  scope.issues.push(...await checkDataGaps(ctx.kv, dash(weekAgo), dash(day), scope.run.id));
}

/** ISO week label (e.g. 2026-W47) of a date, for weekly message versions. */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const y0 = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  const w = Math.ceil(((t.getTime() - y0.getTime()) / DAY_MS + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(w).padStart(2, "0")}`;
}

/**
 * Weekly financial statements (Sunday 02:00 KST): one `refresh_company` per company with a
 * snapshot; each handler checks its statements' totals and reports to this run.
 */
export async function dartFinancialsWeekly(ctx: JobsContext, scope: RunScope): Promise<void> {
  const week = isoWeek(new Date(ctx.now().getTime() + 9 * 3600_000));
  scope.detail.week = week;
  const corps = await listSnapshotCorps(ctx.kv, 100_000);
  const jobs: NewJob[] = corps.map((c) => ({
    kind: "refresh_company",
    corp_code: c.corp_code,
    reason: "weekly",
    key: `weekly:${c.corp_code}:${week}`,
    run_id: scope.run.id,
  }));
  scope.enqueued += (await enqueue(ctx, jobs)).length;
}

/**
 * The corp master (Sunday 01:00 KST): corpCode.xml, one call; only changed rows are written.
 * Rows that fail validation are skipped and reported as a WARN issue.
 */
export async function dartCorpMaster(ctx: JobsContext, scope: RunScope): Promise<void> {
  const r = await syncCorpMaster(ctx.kv, scope.dart);
  scope.counts.fetched += r.total + r.invalid;
  scope.counts.new += r.added;
  scope.counts.changed += r.changed + r.removed;
  scope.detail.removed = r.removed;
  if (r.invalid) {
    scope.issues.push({
      code: "INVALID_ROWS",
      severity: "WARN",
      source: "dart",
      subject: "dart/corpCode.xml",
      message: `${r.invalid} corpCode.xml rows failed validation and were skipped`,
      run_id: scope.run.id,
    });
  }
}

/**
 * Probes every configured source; a failed probe is a WARN issue of this run. Each probe
 * counts as one API call of the run.
 */
export async function sourceHealthJob(ctx: JobsContext, scope: RunScope): Promise<void> {
  for (const p of ctx.probes) {
    const r = await checkSource(ctx, p);
    scope.counts.fetched++;
    // Each probe is one source request (the run's api_calls; probes bypass `scope.dart`).
    scope.detail.api_calls = Number(scope.detail.api_calls ?? 0) + 1;
    if (!r.ok) {
      scope.counts.failed++;
      scope.issues.push({
        code: "SOURCE_DOWN",
        severity: "WARN",
        source: p.source,
        subject: p.source,
        message: `health check failed: ${r.last_error}`,
        run_id: scope.run.id,
      });
    }
  }
}

/**
 * The daily export sweep (04:00 KST): lets go the uploads, blob refs and `.partial-*`
 * directories of export attempts whose worker died and whose message never came back
 * (older than 6 h), and finishes deletes that crashed midway. KV (and EXPORT_DIR) only, so
 * it runs in sample and live mode. The run's detail says what it removed.
 */
export async function exportsSweepJob(ctx: JobsContext, scope: RunScope): Promise<void> {
  const r = await sweepExports(ctx.kv, { now: ctx.now() });
  scope.counts.fetched += r.attempts + r.jobs;
  scope.counts.changed += r.attempts + r.dirs + r.jobs;
  Object.assign(scope.detail, {
    attempts: r.attempts,
    uploads_aborted: r.aborted,
    refs_released: r.released,
    blobs_deleted: r.deleted,
    dirs_removed: r.dirs,
    deletes_finished: r.jobs,
  });
}

type Body = (ctx: JobsContext, scope: RunScope) => Promise<void>;

/**
 * Each handler's source and body. A handler without a body runs the connector of the same
 * name (`ctx.external`); `needs` names a connector a body relies on.
 */
const BODIES: Record<HandlerName, { source: string; body?: Body; needs?: string }> = {
  dart_poll: { source: "dart", body: dartPoll },
  dart_daily: { source: "dart", body: (c, s) => dartDaily(c, s) },
  dart_financials_weekly: { source: "dart", body: dartFinancialsWeekly },
  dart_corp_master: { source: "dart", body: dartCorpMaster },
  source_health: { source: "all", body: sourceHealthJob },
  exports_sweep: { source: "kv", body: exportsSweepJob },
  kind_ipo: { source: "kind" },
  krx_daily: { source: "krx" },
  krx_catchup: { source: "krx", body: krxCatchUp, needs: "krx_daily" },
};

/** Handler names a trigger accepts. */
export const HANDLER_NAMES = Object.keys(BODIES) as HandlerName[];

/** True when the handler can run in this context (KIND/KRX need their connectors). */
export function isAvailable(ctx: JobsContext, handler: HandlerName): boolean {
  const spec = BODIES[handler];
  if (spec.needs && !ctx.external?.[spec.needs]) return false;
  return !!(spec.body ?? ctx.external?.[handler]);
}

/**
 * Runs a handler inside a collection run. Throws only when the handler is not available
 * (no connector for its source).
 */
export function runScheduled(
  ctx: JobsContext,
  handler: HandlerName,
  trigger: RunTrigger,
  opts: { day?: string; onCreated?: (run: CollectionRun) => void } = {},
): Promise<CollectionRun> {
  const spec = BODIES[handler];
  const ext = ctx.external?.[handler];
  let body: Body | undefined = spec.body;
  if (handler === "dart_daily" && opts.day) body = (c, s) => dartDaily(c, s, { day: opts.day });
  if (!body && ext) body = (c, s) => ext(c, s, opts.day ? { day: opts.day } : undefined);
  if (!body || !isAvailable(ctx, handler)) {
    throw new Error(`${handler}: no connector for source ${spec.source} is configured`);
  }
  return withRun(
    ctx,
    { job: handler, source: spec.source, trigger },
    (s) => body(ctx, s),
    opts.onCreated,
  );
}

/**
 * The jobs main.ts runs once when the server starts, in order, each as its own run with
 * trigger `startup`. A failed run is recorded as usual and the pass goes on.
 *
 * - Live: the corp master when none is stored (a first start), a health check of every
 *   source, the catch-up poll from the persisted cursor, the KIND IPO screens when the
 *   pipeline was never built or is older than its 30-minute schedule, and, with a KRX key,
 *   the KRX day the daily job would last have collected ({@linkcode krxCatchUpDay}) when no
 *   bars of it are stored. So a first start shows companies, disclosures, the IPO board and
 *   the market without waiting for the schedules (KIND's run weekdays only; KRX's at 18:00).
 * - Sample mode (no schedules): one pass of every job over the in-process sources, so the ops
 *   page shows real runs and source health from the first minute (each finds nothing to
 *   change).
 */
export async function startupPass(ctx: JobsContext): Promise<CollectionRun[]> {
  const runs: CollectionRun[] = [];
  const run = async (name: HandlerName, opts: { day?: string } = {}) => {
    if (isAvailable(ctx, name)) runs.push(await runScheduled(ctx, name, "startup", opts));
  };
  if (ctx.sample) {
    for (const name of ["source_health", "dart_poll", "kind_ipo", "krx_daily"] as const) {
      await run(name);
    }
    return runs;
  }
  if (!(await getCorpMasterMeta(ctx.kv))) await run("dart_corp_master");
  await run("source_health");
  await run("dart_poll");
  const pipeline = await getPipelineHeader(ctx.kv);
  if (!pipeline || ctx.now().getTime() - Date.parse(pipeline.built_at) > 30 * 60_000) {
    await run("kind_ipo");
  }
  const now = ctx.now();
  const day = krxCatchUpDay(now);
  if (((await latestBarDay(ctx.kv)) ?? "") < day) {
    // Today's own run keeps its "no data yet" rule; an earlier day is an explicit day.
    await run("krx_daily", day === kstParts(now).date ? {} : { day });
  }
  return runs;
}
