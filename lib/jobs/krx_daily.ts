/**
 * The `krx_daily` job (trading days 18:00 KST, and one `krx_day` queue message per day of a
 * backfill): collects one KRX day with {@linkcode collectKrxDay} inside the run scope.
 *
 * - The day is `opts.day`, else the KST date of `ctx.now()`. A weekend or a known holiday
 *   (`isTradingDay` false) records `holiday: true` and makes no call. When KRX answers no
 *   rows for a day the calendar says trades, the day is **pending**, never a holiday: KRX
 *   publishes after the close, sometimes only the next morning. The run gets a `KRX_NO_DATA`
 *   WARN, and later runs — the morning catch-up ({@linkcode krxCatchUp}) — collect it again.
 * - `scope.detail.api_calls` = calls made (the `krx_day` handler adds it to the parent run);
 *   rows added or changed are counted into the run by the writes themselves (see
 *   `collectKrxDay`); fetched rows, failed calls and issues go into the scope (issues set the
 *   run status: ERROR → FAILED, WARN → PARTIAL).
 * - When the day is the newest stored trading day and some bars changed, each company with a
 *   snapshot whose stock code got a changed bar gets one `rebuild_snapshot` message, so its
 *   price section refreshes. A past day (backfill) enqueues nothing: the next daily run
 *   rebuilds every company whose stock traded.
 *
 * @module
 */
import { collectKrxDay } from "../etl/krx_collect.ts";
import { isTradingDay, kstParts } from "../market/sessions.ts";
import type { DataKrxApi, KrxApi } from "../sources/krx/types.ts";
import { keys } from "../store/keys.ts";
import { getDayStatus, latestBarDay, listDayStatuses } from "../store/market.ts";
import { addDays } from "../market/range.ts";
import type { SnapshotIndexEntry } from "../store/snapshots.ts";
import type { Profile } from "../etl/schemas.ts";
import type { NewJob } from "./messages.ts";
import { enqueue, type ExternalJob, type JobsContext, type RunScope } from "./runtime.ts";

/** Companies with a snapshot whose stock code is in `codes`, by corp_code. */
export async function snapshotCorpsOf(kv: Deno.Kv, codes: Iterable<string>): Promise<string[]> {
  const want = new Set(codes);
  if (!want.size) return [];
  const corps: string[] = [];
  for await (
    const e of kv.list<SnapshotIndexEntry>({ prefix: keys.snapshotIndexPrefix() }, {
      batchSize: 500,
    })
  ) corps.push(e.value.corp_code);
  const out: string[] = [];
  for (let i = 0; i < corps.length; i += 10) {
    const slice = corps.slice(i, i + 10);
    const got = await kv.getMany<Profile[]>(slice.map((c) => keys.profile(c)));
    got.forEach((g, j) => {
      const code = g.value?.stock_code;
      if (code && want.has(code)) out.push(slice[j]);
    });
  }
  return out.sort();
}

/** The KST trading day a job collects: `day`, else the KST date of `ctx.now()`. */
export function krxJobDay(ctx: Pick<JobsContext, "now">, day?: string): string {
  return day ?? kstParts(ctx.now()).date;
}

/** Builds the job over a KRX OpenAPI client and, optionally, a data.krx.co.kr client. */
export function krxDailyJob(krx: KrxApi, flows?: DataKrxApi): ExternalJob {
  return async (ctx, scope, opts) => {
    const day = krxJobDay(ctx, opts?.day);
    scope.detail.day = day;
    if (!isTradingDay(day)) {
      scope.detail.holiday = true;
      scope.detail.api_calls = 0;
      return;
    }
    const r = await collectKrxDay({
      kv: ctx.kv,
      krx,
      flows,
      date: day,
      run_id: scope.run.id,
    });
    scope.detail.holiday = r.holiday;
    scope.detail.pending = r.pending;
    scope.detail.api_calls = r.api_calls;
    if (r.pending) {
      // A trading day by the calendar, yet KRX has no rows: not published yet.
      scope.issues.push({
        code: "KRX_NO_DATA",
        severity: "WARN",
        source: "krx",
        subject: `krx ${day}`,
        message: `KRX answered no rows for ${day}, a trading day by the calendar: not ` +
          `published yet (or a closure missing from KRX_HOLIDAYS). The day is pending, not ` +
          `closed; the next runs and the 08:00 catch-up collect it again`,
        run_id: scope.run.id,
      });
    }
    // new/changed are already in the run's counters (committed with the writes).
    scope.counts.fetched += r.counts.fetched;
    scope.counts.failed += r.counts.failed;
    scope.issues.push(...r.issues);
    if (!r.codes_changed.length || (await latestBarDay(ctx.kv)) !== day) return;
    const corps = await snapshotCorpsOf(ctx.kv, r.codes_changed);
    const jobs: NewJob[] = corps.map((corp) => ({
      kind: "rebuild_snapshot",
      corp_code: corp,
      key: `rebuild:${corp}:krx:${day}:${scope.run.id}`,
      run_id: scope.run.id,
    }));
    scope.enqueued += (await enqueue(ctx, jobs)).length;
  };
}

/** How far back the morning catch-up looks for pending days (calendar days). */
export const CATCH_UP_LOOKBACK_DAYS = 10;

/**
 * The trading days the catch-up collects as of `now`: within the last
 * {@linkcode CATCH_UP_LOOKBACK_DAYS} days before today (KST), those still pending (an empty
 * answer), those an older collector stored as holidays although the calendar trades, and the
 * previous trading day when it was never collected. Oldest first.
 */
export async function catchUpDays(kv: Deno.Kv, now: Date): Promise<string[]> {
  const today = kstParts(now).date;
  const from = addDays(today, -CATCH_UP_LOOKBACK_DAYS);
  const yesterday = addDays(today, -1);
  const out = new Set<string>();
  for (const s of await listDayStatuses(kv, from, yesterday)) {
    if (!isTradingDay(s.date)) continue;
    if (s.pending || s.holiday) out.add(s.date);
  }
  let prev = yesterday;
  while (prev >= from && !isTradingDay(prev)) prev = addDays(prev, -1);
  if (prev >= from && !(await getDayStatus(kv, prev))) out.add(prev);
  return [...out].sort();
}

/**
 * The morning catch-up (08:00 KST on weekdays): collects the previous trading day(s) that are
 * still pending — KRX publishes a day after the close, sometimes only the next morning — with
 * the `krx_daily` connector, one day after another, into this run. `scope.detail.days` lists
 * them; a day still empty stays pending (another `KRX_NO_DATA` WARN).
 */
export async function krxCatchUp(ctx: JobsContext, scope: RunScope): Promise<void> {
  const job = ctx.external?.krx_daily;
  if (!job) throw new Error("krx_catchup: no KRX connector is configured");
  const days = await catchUpDays(ctx.kv, ctx.now());
  let calls = 0;
  const still: string[] = [];
  for (const day of days) {
    await job(ctx, scope, { day });
    calls += Number(scope.detail.api_calls ?? 0);
    if (scope.detail.pending) still.push(day);
  }
  for (const k of ["day", "holiday", "pending"]) delete scope.detail[k];
  scope.detail.days = days.join(",");
  scope.detail.still_pending = still.join(",");
  scope.detail.api_calls = calls;
}
