// deno-lint-ignore-file no-console
/**
 * Benchmark (issue #16): the indicator job over the seeded synthetic market
 * (`tests/helpers/synthetic_market.ts`, default 2,800 instruments × 1,250 trading days ≈ 5 years,
 * 256 indicators).
 *
 * 1. **New day, incremental** (what the daily job does after the KRX load): decode the previous
 *    day's kernel state, compute the last day's matrix, encode the matrix (the blob) and the new
 *    state. Measured `runs` times on fresh computers.
 * 2. **New day, from scratch** (no state: every recursive indicator replays the whole history).
 * 3. **Backfill**: days `[T − backfillDays, T − 1]` in order, each matrix encoded as it would be
 *    stored. `backfillDays = all` runs the whole 5 years; a smaller number gives the per-day cost.
 *
 * Reports matrix sizes (in memory, encoded, gzip as the blob store compresses), state size, the
 * input's size, and the process's peak RSS (VmHWM). Prints one JSON line on stdout.
 *
 * Run: deno run -A bench/screen_indicators.ts [instruments=2800] [days=1250] [backfillDays=all]
 *      [runs=3] [seed=16]
 */
import {
  backfill,
  computeDay,
  decodeState,
  encodeState,
  MarketComputer,
} from "../lib/screen/compute.ts";
import { encodeMatrix, matrixMemoryBytes } from "../lib/screen/matrix.ts";
import { INDICATORS } from "../lib/screen/registry.ts";
import { inputBytes, syntheticMarket } from "../tests/helpers/synthetic_market.ts";

const N = Number(Deno.args[0] ?? 2800);
const D = Number(Deno.args[1] ?? 1250);
const backfillArg = Deno.args[2] ?? "all";
const runs = Number(Deno.args[3] ?? 3);
const seed = Number(Deno.args[4] ?? 16);

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}
const load = () => Deno.loadavg().map((x) => Math.round(x * 100) / 100);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => Math.round(x * 10) / 10;

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const s = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(s).arrayBuffer()).byteLength;
}

const loadStart = load();
let t0 = performance.now();
const market = syntheticMarket({ instruments: N, days: D, seed });
const genMs = performance.now() - t0;
console.error(
  `market: ${N} × ${D} generated in ${ms(genMs)} ms, ${
    Math.round(inputBytes(market) / 2 ** 20)
  } MiB`,
);

const T = D - 1;
// the previous day's state, as the job would find it (not timed)
t0 = performance.now();
const prev = computeDay(market, T - 1);
const scratchPrevMs = performance.now() - t0;
const prevStateBytes = encodeState(prev.state);
console.error(
  `state of day T−1: ${ms(scratchPrevMs)} ms (from scratch), ${prevStateBytes.length} bytes`,
);

// 1. incremental new day
const inc: number[] = [];
let matrixBytes: Uint8Array = new Uint8Array();
let stateBytes: Uint8Array = new Uint8Array();
let rows = 0;
for (let r = 0; r < runs; r++) {
  t0 = performance.now();
  const mc = new MarketComputer(market);
  mc.restore(decodeState(prevStateBytes));
  const m = mc.computeDay(T);
  matrixBytes = encodeMatrix(m);
  stateBytes = encodeState(mc.state(market.dates[T]));
  inc.push(performance.now() - t0);
  rows = m.codes.length;
}
console.error(`new day incremental: ${inc.map(ms).join(", ")} ms`);

// 2. from scratch
const scratch: number[] = [];
let memBytes = 0;
for (let r = 0; r < runs; r++) {
  t0 = performance.now();
  const m = new MarketComputer(market).computeDay(T);
  encodeMatrix(m);
  scratch.push(performance.now() - t0);
  memBytes = matrixMemoryBytes(m);
}
console.error(`new day from scratch: ${scratch.map(ms).join(", ")} ms`);

// 3. backfill (a partial one starts from the kernels of the day before, computed untimed, so
// its per-day cost is that of a full backfill's steady state)
const bfDays = backfillArg === "all" ? D : Math.min(D, Number(backfillArg));
const from = D - bfDays;
let stored = 0;
let gz = 0;
let backfillMs: number;
if (from === 0) {
  t0 = performance.now();
  await backfill(market, { onDay: (m) => void (stored += encodeMatrix(m).length) });
  backfillMs = performance.now() - t0;
} else {
  const mc = new MarketComputer(market);
  mc.computeDay(from - 1);
  t0 = performance.now();
  for (let t = from; t <= T; t++) stored += encodeMatrix(mc.computeDay(t)).length;
  backfillMs = performance.now() - t0;
}
gz = await gzipSize(matrixBytes);
const lastMatrix = new MarketComputer(market);
lastMatrix.restore(decodeState(prevStateBytes));
const f32Bytes = encodeMatrix(lastMatrix.computeDay(T), { float32: "all" });
const f32Gz = await gzipSize(f32Bytes);
console.error(`backfill ${bfDays} days: ${ms(backfillMs)} ms (${ms(backfillMs / bfDays)} ms/day)`);

console.log(JSON.stringify({
  bench: "screen_indicators",
  instruments: N,
  days: D,
  indicators: INDICATORS.length,
  rows_last_day: rows,
  generate_ms: ms(genMs),
  input_mib: Math.round(inputBytes(market) / 2 ** 20),
  new_day_incremental_ms: inc.map(ms),
  new_day_incremental_median_ms: ms(median(inc)),
  new_day_from_scratch_ms: scratch.map(ms),
  new_day_from_scratch_median_ms: ms(median(scratch)),
  backfill_days: bfDays,
  backfill_ms: ms(backfillMs),
  backfill_ms_per_day: ms(backfillMs / bfDays),
  backfill_full_5y_estimate_s: Math.round((backfillMs / bfDays) * D / 100) / 10,
  backfill_stored_bytes: stored,
  matrix_memory_bytes: memBytes,
  matrix_encoded_bytes: matrixBytes.length,
  matrix_gzip_bytes: gz,
  matrix_float32_bytes: f32Bytes.length,
  matrix_float32_gzip_bytes: f32Gz,
  state_bytes: stateBytes.length,
  peak_rss_mb: peakRssMb(),
  loadavg_start: loadStart,
  loadavg_end: load(),
}));
