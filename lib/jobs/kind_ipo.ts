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

/** Wraps a KIND source so the requests made through it are counted (pages included). */
export function countingKind(kind: KindSource): { kind: KindSource; calls: () => number } {
  let n = 0;
  const wrapped: KindSource = {
    offeringsAll: async (range) => {
      const r = await kind.offeringsAll(range);
      n += r.calls;
      return r;
    },
    listings: (p) => (n++, kind.listings(p)),
    reviews: (p) => (n++, kind.reviews(p)),
  };
  return { kind: wrapped, calls: () => n };
}

/** Builds the job for a KIND source and the DART API the pipeline reads facts from. */
export function kindIpoJob(kind: KindSource, dart: IpoDartApi): ExternalJob {
  return async (ctx, scope) => {
    const counted = countingKind(kind);
    const r = await refreshIpoPipeline({
      kv: ctx.kv,
      kind: counted.kind,
      dart,
      now: ctx.now,
      sample: ctx.sample,
    });
    scope.counts.fetched += r.deals;
    scope.counts.changed += r.touched.length;
    scope.detail.removed = r.removed.length;
    scope.detail.dart_calls = r.dart_calls;
    scope.detail.kind_calls = counted.calls();
    // the run's api_calls: KIND requests and the DART calls the pipeline made
    scope.detail.api_calls = counted.calls() + r.dart_calls;
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
