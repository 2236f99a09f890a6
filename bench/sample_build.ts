// deno-lint-ignore-file no-console
/**
 * Benchmark: building the offline sample datasets, the timings the unit tests used to
 * assert (they now count the statement work instead, see `sampleStatementWork`):
 *
 * - `base`: `buildSampleDataset()`, the featured companies with their statements (was
 *   tests/sample_dataset_test.ts, "well under 100 ms");
 * - `ipo`: `buildKindSampleDataset()` + `buildSampleDataset({ ipoDeals: true })` (was
 *   tests/kind_client_test.ts, "median under 50 ms");
 * - `traded_json`: `JSON.stringify(buildSampleDataset({ tradedCompanies: true }))`, every
 *   traded company with its statements left to be generated on read (was
 *   tests/sample_companies_test.ts, "under 400 ms");
 * - `traded_read_all`: the same dataset with every statement entry read (what laziness
 *   saves).
 *
 * Each is run `runs` times after two warm-ups; prints one JSON line with each run and the
 * median, and the statement work of one run of each.
 *
 * Run: deno run -A bench/sample_build.ts [runs=7]
 */
import { buildSampleDataset, sampleStatementWork } from "../sample/dart_sample.ts";
import { buildKindSampleDataset } from "../sample/kind_sample.ts";
import { median } from "./wrk.ts";

const runs = Number(Deno.args[0] ?? 7);

const cases: Record<string, () => unknown> = {
  base: () => buildSampleDataset(),
  ipo: () => [buildKindSampleDataset(), buildSampleDataset({ ipoDeals: true })],
  traded_json: () => JSON.stringify(buildSampleDataset({ tradedCompanies: true })),
  traded_read_all: () => {
    const ds = buildSampleDataset({ tradedCompanies: true });
    let rows = 0;
    for (const m of [ds.singleAcnt, ds.singleAcntAll, ds.singleIndx]) {
      for (const v of Object.values(m)) rows += v.length;
    }
    return rows;
  },
};

const out: Record<string, unknown> = {};
for (const [name, run] of Object.entries(cases)) {
  run();
  run();
  const w0 = sampleStatementWork();
  run();
  const w1 = sampleStatementWork();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    run();
    ms.push(Math.round((performance.now() - t0) * 10) / 10);
  }
  out[name] = {
    ms,
    median_ms: median(ms),
    work: { series: w1.series - w0.series, row_sets: w1.rowSets - w0.rowSets },
  };
}
console.log(JSON.stringify({ bench: "sample_build", runs, ...out }));
