/**
 * The `kind_ipo` job: KIND IPO screens + DART securities filings → the IPO pipeline
 * (`refreshIpoPipeline`), inside a collection run. A KIND failure keeps the last pipeline
 * snapshot (marked partial) and raises an ERROR issue, so the run is FAILED and visible.
 *
 * @module
 */
import { type IpoDartApi, refreshIpoPipeline } from "../etl/ipo.ts";
import type { KindSource } from "../ipo/kind_rows.ts";
import type { ExternalJob } from "./runtime.ts";

/** Builds the job for a KIND source and the DART API the pipeline reads facts from. */
export function kindIpoJob(kind: KindSource, dart: IpoDartApi): ExternalJob {
  return async (ctx, scope) => {
    const r = await refreshIpoPipeline({
      kv: ctx.kv,
      kind,
      dart,
      now: ctx.now,
      sample: ctx.sample,
    });
    scope.counts.fetched += r.deals;
    scope.counts.changed += r.touched.length;
    scope.detail.removed = r.removed.length;
    scope.detail.dart_calls = r.dart_calls;
    for (const [source, status] of Object.entries(r.source_status)) {
      if (status.ok) continue;
      scope.issues.push({
        code: "source_failed",
        severity: "ERROR",
        source,
        subject: "ipo_pipeline",
        message: `${source} failed during the IPO pipeline refresh; the last snapshot is served ` +
          `(partial): ${status.error ?? "unknown error"}`,
        run_id: scope.run.id,
      });
    }
  };
}
