/**
 * Registers the {@linkcode SCHEDULES} with `Deno.cron`. A schedule whose handler has no
 * connector in this context (KRX without `KRX_API_KEY`) is not registered; the ops page still
 * lists it. Each fire runs the handler in a collection run; a fire that the
 * schedule's `skip` rule drops does nothing.
 *
 * @module
 */
import { log } from "../lib/log.ts";
import type { JobsContext } from "../lib/jobs/runtime.ts";
import { isAvailable, runScheduled } from "./handlers.ts";
import { SCHEDULES } from "./schedules.ts";

/** Registers the crons; returns the names registered. Abort `signal` to stop them. */
export function registerCrons(ctx: JobsContext, opts: { signal?: AbortSignal } = {}): string[] {
  const names: string[] = [];
  for (const s of SCHEDULES) {
    if (!isAvailable(ctx, s.handler)) {
      log.info("schedule not registered: no connector", { name: s.name, source: s.source });
      continue;
    }
    Deno.cron(s.name, s.cron, { signal: opts.signal }, async () => {
      if (s.skip?.(new Date())) return;
      await runScheduled(ctx, s.handler, "schedule");
    });
    names.push(s.name);
  }
  return names;
}
