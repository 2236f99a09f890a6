/**
 * Day matrices and the compute paths: bytes round-trip exactly (NaN kept, float32 used only when
 * exact), corrupt bytes are refused; the incremental path (one new day from the saved state of
 * the day before, through its bytes) gives bit-identical matrices to the full backfill and to a
 * from-scratch computation.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  backfill,
  computeDay,
  decodeState,
  encodeState,
  MarketComputer,
  registryVersion,
} from "../lib/screen/compute.ts";
import {
  column,
  type DayMatrix,
  decodeMatrix,
  encodeMatrix,
  MatrixFormatError,
  matrixMemoryBytes,
} from "../lib/screen/matrix.ts";
import { INDICATORS } from "../lib/screen/registry.ts";
import { syntheticMarket } from "./helpers/synthetic_market.ts";

function assertSameMatrix(a: DayMatrix, b: DayMatrix, label: string): void {
  assert.equal(a.date, b.date, label);
  assert.deepEqual(a.codes, b.codes, label);
  assert.deepEqual(a.names, b.names, label);
  assert.deepEqual([...a.ids], [...b.ids], label);
  assert.deepEqual(a.market, b.market, label);
  assert.deepEqual(a.sector, b.sector, label);
  assert.deepEqual(a.sectors, b.sectors, label);
  assert.deepEqual(a.flags, b.flags, label);
  for (let c = 0; c < a.cols.length; c++) {
    for (let i = 0; i < a.codes.length; i++) {
      if (!Object.is(a.cols[c][i], b.cols[c][i])) {
        assert.fail(`${label}: ${a.ids[c]} ${a.codes[i]}: ${a.cols[c][i]} vs ${b.cols[c][i]}`);
      }
    }
  }
}

const M = syntheticMarket({ instruments: 60, days: 420, seed: 4 });

Deno.test("matrix bytes: exact round trip (NaN kept), float32 only where exact, all-NaN columns cost nothing", () => {
  const m = new MarketComputer(M).computeDay(419);
  m.cols[0][3] = NaN;
  m.cols[1][2] = -0;
  const bytes = encodeMatrix(m);
  const back = decodeMatrix(bytes);
  assertSameMatrix(back, m, "round trip");
  // float32 is chosen for columns whose values are all exact float32 (prices, counts, flags)
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint32(4, true))),
  );
  const enc = (id: string) => header.enc[m.ids.indexOf(id)];
  assert.equal(enc("price"), 1);
  assert.equal(enc("zero_volume_days_60"), 1);
  assert.equal(enc("rsi_14"), 2);
  const n = m.codes.length;
  assert.ok(bytes.length < 8 * n * m.ids.length + 4096 + 30 * n, `${bytes.length} bytes`);
  assert.ok(matrixMemoryBytes(m) >= 8 * n * m.ids.length);
  // an all-NaN column
  const empty = { ...m, cols: m.cols.map((c, k) => (k === 5 ? c.map(() => NaN) : c)) };
  const saved = enc(m.ids[5]) === 2 ? 8 * n : (4 * n + 7) & ~7;
  assert.equal(encodeMatrix(empty).length, bytes.length - saved);
  assert.ok(decodeMatrix(encodeMatrix(empty)).cols[5].every(Number.isNaN));
});

Deno.test("matrix bytes, float32 everywhere: half the size, every value rounded to float32", () => {
  const m = new MarketComputer(M).computeDay(419);
  const exact = encodeMatrix(m);
  const small = encodeMatrix(m, { float32: "all" });
  assert.ok(small.length < exact.length * 0.6, `${small.length} vs ${exact.length}`);
  const back = decodeMatrix(small);
  for (let c = 0; c < m.cols.length; c++) {
    for (let i = 0; i < m.codes.length; i++) {
      assert.ok(Object.is(back.cols[c][i], Math.fround(m.cols[c][i])), m.ids[c]);
    }
  }
});

Deno.test("matrix bytes: bad magic, unknown version, truncated or inconsistent bytes → MatrixFormatError", () => {
  const bytes = encodeMatrix(new MarketComputer(M).computeDay(300));
  const bad = (b: Uint8Array, re: RegExp) =>
    assert.throws(
      () => decodeMatrix(b),
      (e) => e instanceof MatrixFormatError && re.test(e.message),
    );
  bad(new TextEncoder().encode("{}"), /magic/);
  const v2 = bytes.slice();
  v2[3] = 0x32;
  bad(v2, /version/);
  bad(bytes.subarray(0, bytes.length - 9), /truncated/);
  bad(Uint8Array.from([...bytes, 0, 0, 0, 0, 0, 0, 0, 0]), /trailing/);
  const h = bytes.slice();
  h[8] = 0x5b; // header no longer JSON
  bad(h, /header/);
});

Deno.test("incremental path: a day from the previous day's saved state (through its bytes) equals backfill and a fresh compute", async () => {
  const days = new Map<number, DayMatrix>();
  await backfill(M, { from: 380, to: 419, onDay: (m, t) => void days.set(t, m) });
  let state = computeDay(M, 399).state;
  for (let t = 400; t <= 419; t++) {
    const restored = decodeState(encodeState(state));
    assert.equal(restored.date, M.dates[t - 1]);
    const r = computeDay(M, t, { state: restored });
    assertSameMatrix(r.matrix, days.get(t)!, `incremental t=${t}`);
    state = r.state;
  }
  assertSameMatrix(computeDay(M, 419).matrix, days.get(419)!, "fresh t=419");
  // state of one day advanced several days is still right (kernels catch up)
  const skip = computeDay(M, 419, { state: computeDay(M, 405).state });
  assertSameMatrix(skip.matrix, days.get(419)!, "state from t=405");
});

Deno.test("incremental path: a state of another registry is ignored, not misread", () => {
  const { state } = computeDay(M, 410);
  const other = { ...state, version: registryVersion(INDICATORS.slice(1)) };
  const mc = new MarketComputer(M);
  assert.equal(mc.restore(other), false);
  assert.equal(new MarketComputer(M).restore(state), true);
  // a corrupted kernel blob is dropped and the kernel recomputed from the first bar
  const broken = {
    ...state,
    kernels: new Map(
      [...state.kernels].map((
        [k, v],
      ) => [k, new Map([...v].map(([kk, d]) => [kk, d.slice(0, 1)]))]),
    ),
  };
  const r = computeDay(M, 411, { state: broken }).matrix;
  const ok = computeDay(M, 411).matrix;
  assert.deepEqual(column(r, "ema_200"), column(ok, "ema_200"));
  assert.throws(() => decodeState(new Uint8Array([1, 2, 3])), /KSS1/);
  // the state is really what the next day starts from: a tampered EMA moves the next value
  const code = ok.codes[0];
  const tampered = decodeState(encodeState(state));
  const ema = tampered.kernels.get(code)!.get("ema20")!;
  ema[ema.length - 1] += 1000; // the EMA's running value
  const moved = computeDay(M, 411, { state: tampered }).matrix;
  const row = moved.codes.indexOf(code);
  assert.notEqual(column(moved, "ema_20")![row], column(ok, "ema_20")![row]);
  assert.equal(column(moved, "sma_20")![row], column(ok, "sma_20")![row]);
});

Deno.test("the universe of a day is the instruments with a close that day (listed, not delisted)", () => {
  for (const t of [0, 200, 419]) {
    const m = new MarketComputer(M).computeDay(t);
    const expected = M.instruments.filter((_, i) => Number.isFinite(M.bars.close[i][t])).map((x) =>
      x.code
    );
    assert.deepEqual(m.codes, expected);
  }
});
