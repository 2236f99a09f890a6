// deno-lint-ignore-file no-console
/**
 * A KRX backfill in its own process, for the kill -9 tests: starts `--runs` backfills of
 * `--from..--to` (unless runs of that range already exist: a restarted process resumes them),
 * runs the queue listener until every such run has no work left and the queue is empty, then
 * prints the runs as one JSON line and exits 0. Configuration comes from the environment, as
 * for the app (KDESK_KV_PATH, KRX_API_KEY, KRX_BASE_URL, …).
 *
 *   deno run -A tests/helpers/krx_backfill_worker.ts --from 2026-09-01 --to 2026-10-30 [--runs 2]
 */
import { loadConfig, secretValues } from "../../config.ts";
import { liveJobsContext } from "../../lib/jobs/context.ts";
import { startKrxBackfill } from "../../lib/jobs/krx_backfill.ts";
import { startQueueListener } from "../../lib/jobs/runtime.ts";
import { configureLog, registerSecret } from "../../lib/log.ts";
import { queueStats } from "../../lib/store/jobs.ts";
import { openKv } from "../../lib/store/kv.ts";
import { type CollectionRun, listRuns } from "../../lib/store/runs.ts";

const arg = (name: string, def?: string) => {
  const i = Deno.args.indexOf(name);
  const v = i >= 0 ? Deno.args[i + 1] : def;
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};
const from = arg("--from"), to = arg("--to"), runs = Number(arg("--runs", "1"));

const config = loadConfig();
configureLog({ level: config.LOG_LEVEL });
for (const s of secretValues(config)) registerSecret(s);
const kv = await openKv(config.KDESK_KV_PATH);
const ctx = liveJobsContext(kv, config);

const ours = async () =>
  (await listRuns(kv, { job: "krx_backfill", limit: 100 }))
    .filter((r) => r.detail?.from === from && r.detail?.to === to);

for (let n = (await ours()).length; n < runs; n++) {
  await startKrxBackfill(ctx, from, to, { trigger: "backfill" });
}
startQueueListener(ctx).catch(() => {});

/** No work left: every day done or failed (a run with progress), else the run finished. */
const settled = (r: CollectionRun) => {
  const p = (r as unknown as { progress?: { total: number; done: number; failed: number } })
    .progress;
  return p ? p.done + p.failed >= p.total && r.status !== "RUNNING" : r.status !== "RUNNING";
};

for (;;) {
  const rs = await ours();
  const q = await queueStats(kv);
  if (rs.length >= runs && rs.every(settled) && q.depth === 0) {
    console.log(JSON.stringify({ runs: rs.map((r) => r.id), queue: q }));
    Deno.exit(0);
  }
  await new Promise((r) => setTimeout(r, 100));
}
