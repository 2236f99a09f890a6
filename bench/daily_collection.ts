// deno-lint-ignore-file no-console
/**
 * Benchmark (issue #5): the daily disclosure collection of 2,000 filings from a fake
 * OpenDART on 127.0.0.1, through the real path: `runScheduled("dart_daily")` → DartClient
 * (HTTP, rate limiter in KV, raw store) → normalize → merge with amendment chains →
 * quality checks → one `rebuild_snapshot` queue message per affected company that has a
 * snapshot → the in-process KV queue listener rebuilds them. Wall time is measured from
 * the start of the run until the queue is drained. File-backed KV in a temp dir.
 *
 * 2,000 filings of 400 companies (5 each; 10% are [기재정정] amendments of an earlier
 * filing of the same company, so chains are rebuilt); every company has a snapshot.
 *
 * Run: deno run -A bench/daily_collection.ts [filings=2000] [corps=400]
 */
import { runScheduled } from "../cron/handlers.ts";
import { CircuitBreaker, HttpClient, KvRateLimiter } from "../lib/http/mod.ts";
import { configureLog } from "../lib/log.ts";
import { mergeCounting, normalizeRows } from "../lib/jobs/backfill.ts";
import { type JobsContext, rebuildSnapshot, startQueueListener } from "../lib/jobs/runtime.ts";
import { DartClient } from "../lib/sources/dart/client.ts";
import { emptyDataset } from "../lib/sources/dart/fixture_fetch.ts";
import { queueStats } from "../lib/store/jobs.ts";
import { listIssues } from "../lib/store/quality.ts";
import { startFakeDart } from "../tests/fake/dart_server.ts";

const FILINGS = Number(Deno.args[0] ?? 2000);
const CORPS = Number(Deno.args[1] ?? 400);
const DAY = "20261120";
const KEY = "BENCHKEY000000000000000000000000000000AB";
configureLog({ level: "error", sink: () => {} });

const ds = emptyDataset();
const corp = (i: number) => String(70000000 + i).padStart(8, "0");
// History: one earlier annual report per company (amended today for 10% of the filings).
for (let i = 0; i < CORPS; i++) {
  ds.filings.push({
    corp_code: corp(i),
    corp_name: `벤치기업${i}`,
    stock_code: String(300000 + i),
    corp_cls: i % 2 ? "K" : "Y",
    report_nm: "사업보고서 (2025.12)",
    rcept_no: `20260316${String(i).padStart(6, "0")}`,
    flr_nm: `벤치기업${i}`,
    rcept_dt: "20260316",
    rm: "연",
  });
}
const history = [...ds.filings];
for (let n = 0; n < FILINGS; n++) {
  const i = n % CORPS;
  const amend = n % 10 === 0;
  ds.filings.push({
    corp_code: corp(i),
    corp_name: `벤치기업${i}`,
    stock_code: String(300000 + i),
    corp_cls: i % 2 ? "K" : "Y",
    report_nm: amend ? "[기재정정]사업보고서 (2025.12)" : `기타경영사항(자율공시) ${n}`,
    rcept_no: `${DAY}${String(100000 + n).padStart(6, "0")}`,
    flr_nm: `벤치기업${i}`,
    rcept_dt: DAY,
    rm: i % 2 ? "코" : "유",
  });
}

const fake = await startFakeDart({ dataset: { ...ds, apiKey: KEY }, today: () => DAY });
const dir = await Deno.makeTempDir({ prefix: "kdesk-bench-daily-" });
const kv = await Deno.openKv(`${dir}/kv.sqlite`);
try {
  const http = new HttpClient({
    source: "dart",
    retries: 0,
    breaker: new CircuitBreaker(),
    limiter: new KvRateLimiter(kv, { bucket: "dart", perDay: 19000, perMinute: 1000 }),
  });
  const dart = new DartClient({ kv, apiKey: KEY, baseUrl: fake.url, http });
  const ctx: JobsContext = {
    kv,
    dart,
    now: () => new Date(`2026-11-20T18:30:00+09:00`),
    sample: false,
    backoffSchedule: [1000, 5000],
    probes: [],
  };
  // Seed: the history and a snapshot of every company (what exists before the day).
  await mergeCounting(kv, normalizeRows(history));
  for (let i = 0; i < CORPS; i++) await rebuildSnapshot(ctx, corp(i));
  const listener = startQueueListener(ctx);

  const t0 = performance.now();
  const run = await runScheduled(ctx, "dart_daily", "manual", { day: DAY });
  const collectMs = performance.now() - t0;
  for (;;) {
    const q = await queueStats(kv);
    if (q.depth === 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const totalMs = performance.now() - t0;
  const q = await queueStats(kv);
  const issues = [...new Set((await listIssues(kv, { run_id: run.id })).map((i) => i.code))];
  console.log(JSON.stringify({
    bench: "daily_collection",
    filings: FILINGS,
    corps: CORPS,
    status: run.status,
    issues,
    fetched: run.counts.fetched,
    new: run.counts.new,
    changed: run.counts.changed,
    api_calls: run.api_calls,
    rebuilds: run.enqueued,
    processed: q.processed,
    dead: q.dead,
    collect_ms: Math.round(collectMs),
    total_ms: Math.round(totalMs),
  }));
  kv.close();
  await listener.catch(() => {});
} finally {
  await fake.close();
  await Deno.remove(dir, { recursive: true });
}
