/**
 * Collects one KRX trading day: the daily trades and base info of each market
 * (KOSPI/KOSDAQ/KONEX), the three index families, and — when a data.krx.co.kr client is
 * configured — the investor flows of each market. The day is validated
 * ({@linkcode validateDay}) and stored; only what changed is rewritten.
 *
 * Failure policy:
 * - a transport failure (timeout, 5xx, network, open breaker, used-up quota) of a **trade**
 *   call throws: the run fails and a queue message is retried;
 * - a KRX 401 (`KrxUnauthorizedError`: the key is not approved for that API) or a payload
 *   that does not parse (`KrxFormatError`) is an ERROR issue naming the API; the other APIs
 *   are still collected;
 * - a failure of base info or indices (any kind) is an ERROR issue; the prices are stored;
 * - a data.krx.co.kr failure (e.g. `KrxLoginError`, `LOGOUT`) is a WARN `source_failed` issue
 *   of source `datakrx`; a login failure stops the remaining flow calls of the day.
 *
 * A day whose three trade calls all answer `[]` makes no other call. It is a holiday only when
 * the calendar says so (`isTradingDay` false); on a calendar trading day it is **pending**:
 * KRX publishes a day after the close, sometimes only the next morning, so emptiness alone
 * never closes a day — the day status says `pending` and later runs (and the morning
 * catch-up) collect it again.
 *
 * Bars are flagged, not dropped: every bar is stored even with an ERROR issue (only a repeated
 * code after its first row is dropped). A market whose stored cross-section equals the new one
 * is not rewritten, so re-collecting a day writes no bars (`new` = `changed` = 0).
 *
 * With a `run_id`, what the day adds or changes (bars, instruments, index bars, flows) is
 * counted into that run's counters in the very commits that write it (the store's checked
 * merges), so a day collected concurrently with another, or again after a crash, counts every
 * row once. The returned `counts` are for information: callers add only `fetched`/`failed`.
 *
 * @module
 */
import {
  type DailyBar,
  INDEX_SERIES,
  type IndexBar,
  type Instrument,
  type InvestorFlow,
  KRX_MARKETS,
  type KrxMarket,
} from "../market/model.ts";
import { KRX_APIS } from "../sources/krx/client.ts";
import {
  KrxError,
  KrxFormatError,
  KrxLoginError,
  KrxUnauthorizedError,
} from "../sources/krx/errors.ts";
import { FLOW_SCREEN } from "../sources/krx/parse.ts";
import type { DataKrxApi, KrxApi, KrxResult } from "../sources/krx/types.ts";
import { checkRawSchema, type NewIssue } from "../jobs/quality.ts";
import type { RawRecord } from "../store/raw.ts";
import type { RunCounts } from "../store/runs.ts";
import {
  getDay,
  listBarDays,
  listInstruments,
  mergeFlows,
  putBars,
  putDayStatus,
  putIndexBars,
  putInstruments,
} from "../store/market.ts";
import { isTradingDay } from "../market/sessions.ts";
import { errText } from "../log.ts";
import { addDays } from "../market/range.ts";
import { validateDay } from "./krx_validate.ts";

/** How far back the previous stored trading day is looked for (calendar days). */
export const PREVIOUS_DAY_LOOKBACK = 14;

/** Options of {@linkcode collectKrxDay}. */
export interface CollectKrxDayOptions {
  kv: Deno.Kv;
  krx: KrxApi;
  /** data.krx.co.kr (investor flows); skipped when absent. */
  flows?: DataKrxApi;
  /** `YYYY-MM-DD` (KST). */
  date: string;
  run_id: string | null;
  /** Clock of the day status's `collected_at` (default `new Date()`). */
  now?: () => Date;
  /** Check each payload's field set against the schema registry (default true). */
  schemaCheck?: boolean;
}

/** What {@linkcode collectKrxDay} did. */
export interface CollectKrxDayResult {
  date: string;
  /** Every trade call answered `[]` on a day the calendar closes (nothing stored but its status). */
  holiday: boolean;
  /** Every trade call answered `[]` on a calendar trading day: not published yet. */
  pending: boolean;
  /** Calls made (a data.krx login is not counted). */
  api_calls: number;
  /** Rows received; bars, index bars, instruments and flows added or changed; failed calls. */
  counts: RunCounts;
  issues: NewIssue[];
  /** Codes whose bar of the day is new or changed, sorted. */
  codes_changed: string[];
  /** Bars stored per market (after dropping repeated codes). */
  bars: Partial<Record<KrxMarket, number>>;
  indices: number;
  flows: number;
}

const sameBar = (a: DailyBar, b: DailyBar) =>
  a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close &&
  a.change === b.change && a.change_pct === b.change_pct && a.volume === b.volume &&
  a.value === b.value && a.market_cap === b.market_cap && a.shares === b.shares;

/** Collects, validates and stores one day (see the module header). */
export async function collectKrxDay(opts: CollectKrxDayOptions): Promise<CollectKrxDayResult> {
  const { kv, krx, date } = opts;
  const runId = opts.run_id;
  const counts: RunCounts = { fetched: 0, new: 0, changed: 0, failed: 0 };
  const issues: NewIssue[] = [];
  const raws: RawRecord[] = [];
  let calls = 0;

  const failed = (
    api: string,
    e: unknown,
    source: "krx" | "datakrx",
    severity: NewIssue["severity"],
  ) => {
    counts.failed++;
    const rawId = e instanceof KrxError && e.rawId ? ` (raw ${e.rawId})` : "";
    issues.push({
      code: "source_failed",
      severity,
      source,
      subject: `${source}/${api} ${date}`,
      message: `${api} failed for ${date}: ${errText(e)}${rawId}`,
      run_id: runId,
    });
  };

  /** One call; KRX-level failures become issues, others rethrow when `fatal`. */
  async function call<T>(
    api: string,
    fn: () => Promise<KrxResult<T[]>>,
    fatal: boolean,
  ): Promise<T[] | null> {
    calls++;
    try {
      const r = await fn();
      counts.fetched += r.data.length;
      if (r.data.length) raws.push(r.raw);
      return r.data;
    } catch (e) {
      if (fatal && !(e instanceof KrxUnauthorizedError || e instanceof KrxFormatError)) throw e;
      failed(api, e, "krx", "ERROR");
      return null;
    }
  }

  // 1. Trades: all three empty → a holiday (by the calendar) or not published yet.
  const trades = new Map<KrxMarket, DailyBar[] | null>();
  const settled = await Promise.allSettled(KRX_MARKETS.map(async (m) => {
    trades.set(m, await call(KRX_APIS.trades[m], () => krx.dailyTrades(m, date), true));
  }));
  // Wait for every trade call before failing, so none is left running.
  for (const s of settled) if (s.status === "rejected") throw s.reason;
  const empty = KRX_MARKETS.every((m) => trades.get(m)?.length === 0);
  const now = opts.now ?? (() => new Date());
  if (empty) {
    const holiday = !isTradingDay(date);
    await putDayStatus(kv, {
      date,
      holiday,
      ...(holiday ? {} : { pending: true }),
      bars: {},
      indices: 0,
      run_id: runId,
      collected_at: now().toISOString(),
    });
    return {
      date,
      holiday,
      pending: !holiday,
      api_calls: calls,
      counts,
      issues,
      codes_changed: [],
      bars: {},
      indices: 0,
      flows: 0,
    };
  }

  // 2. Base info and indices (failures are issues, never fatal).
  const base = new Map<KrxMarket, Instrument[] | null>();
  const index: IndexBar[] = [];
  await Promise.all([
    ...KRX_MARKETS.map(async (m) => {
      base.set(m, await call(KRX_APIS.baseInfo[m], () => krx.baseInfo(m, date), false));
    }),
    ...INDEX_SERIES.map(async (s) => {
      index.push(...(await call(KRX_APIS.index[s], () => krx.indexDaily(s, date), false)) ?? []);
    }),
  ]);

  // 3. Instruments (only new or changed ones are written).
  const instruments = KRX_MARKETS.flatMap((m) => base.get(m) ?? []);
  if (instruments.length) {
    const r = await putInstruments(kv, instruments, runId);
    counts.new += r.new;
    counts.changed += r.changed;
  }

  // 4. Validate and store each market's bars.
  const barsStored: Partial<Record<KrxMarket, number>> = {};
  const changed = new Set<string>();
  for (const m of KRX_MARKETS) {
    const got = trades.get(m);
    if (!got) continue; // the call failed: keep what is stored
    const listed = base.get(m) ?? await listInstruments(kv, { market: m });
    const prevDay =
      (await listBarDays(kv, addDays(date, -PREVIOUS_DAY_LOOKBACK), addDays(date, -1), m))
        .at(-1);
    const previousClose = new Map<string, number>();
    if (prevDay) {
      for (const b of await getDay(kv, prevDay.date, m)) {
        if (b.close !== null) previousClose.set(b.code, b.close);
      }
    }
    const v = validateDay({ date, market: m, bars: got, previousClose, listed, run_id: runId });
    issues.push(...v.issues);
    if (!v.bars.length) continue;
    barsStored[m] = v.bars.length;
    const stored = new Map((await getDay(kv, date, m)).map((b) => [b.code, b]));
    const diff = v.bars.filter((b) => {
      const old = stored.get(b.code);
      return !old || !sameBar(old, b);
    });
    if (!diff.length && stored.size === v.bars.length) continue; // identical: nothing to write
    for (const b of diff) changed.add(b.code);
    const r = await putBars(kv, m, v.bars, runId);
    counts.new += r.new;
    counts.changed += r.changed;
  }

  // 5. Index bars (merged per index and year; unchanged years are not rewritten).
  if (index.length) {
    const r = await putIndexBars(kv, index, runId);
    counts.new += r.new;
    counts.changed += r.changed;
  }

  // 6. Investor flows (data.krx.co.kr): failures are WARN, prices are kept.
  let flowCount = 0;
  if (opts.flows) {
    const got: InvestorFlow[] = [];
    for (const m of KRX_MARKETS) {
      calls++;
      try {
        const r = await opts.flows.investorFlows(m, date, date);
        const day = r.data.filter((f) => f.date === date);
        counts.fetched += day.length;
        got.push(...day);
      } catch (e) {
        failed(`${FLOW_SCREEN} ${m}`, e, "datakrx", "WARN");
        if (e instanceof KrxLoginError) break; // the session is gone for every market
      }
    }
    flowCount = got.length;
    if (got.length) {
      const r = await mergeFlows(kv, got, runId);
      counts.new += r.new;
      counts.changed += r.changed;
    }
  }

  // 7. Payload schemas (a field added or removed by KRX is an issue), day status.
  if (opts.schemaCheck !== false) {
    for (const raw of raws) {
      issues.push(...await checkRawSchema(kv, [raw], { source: "krx", run_id: runId }));
    }
  }
  await putDayStatus(kv, {
    date,
    holiday: false,
    bars: barsStored,
    indices: index.length,
    run_id: runId,
    collected_at: now().toISOString(),
  });
  return {
    date,
    holiday: false,
    pending: false,
    api_calls: calls,
    counts,
    issues,
    codes_changed: [...changed].sort(),
    bars: barsStored,
    indices: index.length,
    flows: flowCount,
  };
}
