/**
 * What every route needs, passed in explicitly (no globals), so tests build the app on an
 * in-memory KV with fake sources.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { getCorp } from "../lib/store/corps.ts";
import type { LiveService } from "../lib/live/service.ts";
import type { IpoCache } from "../lib/store/ipo.ts";
import type { JobsContext } from "../lib/jobs/runtime.ts";
import type { SnapshotCache } from "../lib/store/snapshots.ts";

export interface AppDeps {
  kv: Deno.Kv;
  config: Config;
  /** Read-through cache of snapshot documents (one KV read per miss). */
  snapshots: SnapshotCache;
  /** Path of the hashed island bundle under /static, e.g. "/static/build/islands-3fa2c1.js". */
  islandBundle: string | null;
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
