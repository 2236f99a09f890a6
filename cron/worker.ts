/**
 * A jobs-only process: the queue listener (and, with `--cron`, the schedules) without the
 * HTTP server. `main.ts` runs the same listener in-process; run this for a separate worker
 * on the same KV (note: a second process sees newly enqueued messages only after about a
 * minute, STACK.md) or to drain a queue after a crash.
 *
 * Run: deno run -A cron/worker.ts [--cron]
 *
 * @module
 */
import { loadConfig, secretValues } from "../config.ts";
import { liveJobsContext, sampleJobsContext } from "../lib/jobs/context.ts";
import { startQueueListener } from "../lib/jobs/runtime.ts";
import { configureLog, log, registerSecret } from "../lib/log.ts";
import { openKv } from "../lib/store/kv.ts";
import { registerCrons } from "./register.ts";

const config = loadConfig();
configureLog({ level: config.LOG_LEVEL });
for (const s of secretValues(config)) registerSecret(s);

const kv = await openKv(config.KDESK_KV_PATH);
const ctx = config.sample ? sampleJobsContext(kv) : liveJobsContext(kv, config);
const crons = Deno.args.includes("--cron") && !config.sample ? registerCrons(ctx) : [];
const listening = startQueueListener(ctx);
log.info("worker ready", { pid: Deno.pid, sample: config.sample, crons: crons.length });
await listening;
