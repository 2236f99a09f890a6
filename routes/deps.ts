/**
 * What every route needs, passed in explicitly (no globals), so tests build the app on an
 * in-memory KV with fake sources.
 *
 * @module
 */
import type { ClientAssets } from "../components/Island.tsx";
import type { Config } from "../config.ts";
import type { ShellProps } from "../components/Layout.tsx";
import { type Clock, liveClock, sampleClock } from "../lib/time/clock.ts";
import { SAMPLE_AS_OF } from "../sample/dart_sample.ts";
import { getCorp } from "../lib/store/corps.ts";
import type { LiveService } from "../lib/live/service.ts";
import type { IpoCache } from "../lib/store/ipo.ts";
import { type AdminGuard, adminGuardFor } from "../lib/jobs/admin.ts";
import type { JobsContext } from "../lib/jobs/runtime.ts";
import type { SnapshotCache } from "../lib/store/snapshots.ts";

export interface AppDeps {
  kv: Deno.Kv;
  config: Config;
  /** Read-through cache of snapshot documents (one KV read per miss). */
  snapshots: SnapshotCache;
  /** The browser build (island entries, stylesheet, API docs UI; scripts/build.ts), or null. */
  islandBundle: ClientAssets | null;
  /**
   * Builds a missing snapshot on demand: live mode (a DART key is set) for any corp of the
   * corp master, sample mode for the sample's companies beyond the featured ones
   * (`sampleCompanies` in lib/etl/sample.ts). Absent: only stored snapshots are served.
   */
  refreshCompany?: (corpCode: string) => Promise<void>;
  /** Live prices (ingest, SSE broadcaster). Created on `kv` by liveRoutes when absent. */
  live?: LiveService;
  /** IPO pipeline and deal snapshot cache. Created on `kv` by the IPO routes when absent. */
  ipo?: IpoCache;
  /**
   * The jobs context (queue, runs, health probes). Absent: ops pages still list schedules,
   * runs and issues, but triggering runs and retrying dead letters answer 503.
   */
  jobs?: JobsContext;
  /** The admin token check and its budgets. Default: one guard per config (ADMIN_TOKEN). */
  adminGuard?: AdminGuard;
  /**
   * The app's one clock (lib/time/clock.ts), picked by the composition root: the sample's
   * as-of day at a session time in sample mode, KST now live. Read it through
   * {@link clockOf}, never `new Date()`, wherever a page or island shows "now" or "today".
   */
  clock?: Clock;
}

const SAMPLE_CLOCK = sampleClock(SAMPLE_AS_OF);
const LIVE_CLOCK = liveClock();

/** The app's clock: `deps.clock`, else the mode's default (sample as-of session, or now). */
export function clockOf(deps: Pick<AppDeps, "clock" | "config">): Clock {
  return deps.clock ?? (deps.config.sample ? SAMPLE_CLOCK : LIVE_CLOCK);
}

/** The layout props every page passes on: sample banner, bundle, the clock's now. */
export function shellOf(deps: AppDeps): ShellProps {
  const clock = clockOf(deps);
  return {
    sample: deps.config.sample,
    bundle: deps.islandBundle,
    now: clock.now(),
    clock: clock.spec,
  };
}

/** The app's admin guard (shared by every router of the app). */
export function adminGuardOf(deps: AppDeps): AdminGuard {
  return deps.adminGuard ?? adminGuardFor(deps.config);
}

/**
 * Makes sure a company's snapshot exists before it is read: in live mode a company that is
 * in the corp master but has no snapshot yet is built now (its first visit). Returns false
 * when there is nothing to read.
 */
export async function ensureSnapshot(deps: AppDeps, corpCode: string): Promise<boolean> {
  if (await deps.snapshots.body(corpCode)) return true;
  if (!deps.refreshCompany || !(await getCorp(deps.kv, corpCode))) return false;
  await deps.refreshCompany(corpCode);
  return (await deps.snapshots.body(corpCode)) !== null;
}
