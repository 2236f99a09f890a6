/**
 * What every route needs, passed in explicitly (no globals), so tests build the app on an
 * in-memory KV with fake sources.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { SnapshotCache } from "../lib/store/snapshots.ts";

export interface AppDeps {
  kv: Deno.Kv;
  config: Config;
  /** Read-through cache of snapshot documents (one KV read per miss). */
  snapshots: SnapshotCache;
  /** Path of the hashed island bundle under /static, e.g. "/static/build/islands-3fa2c1.js". */
  islandBundle: string | null;
  /**
   * Builds a missing snapshot on demand (live mode: a DART key is set). Absent in sample
   * mode, where every sample company already has its snapshot.
   */
  refreshCompany?: (corpCode: string) => Promise<void>;
}
