/**
 * Computing day matrices from a {@linkcode MarketInput}: the incremental path (one new day, with
 * the recursive kernels restored from the previous day's {@linkcode ComputeState}) and the full
 * backfill (every day of a range in order, each kernel advanced one bar per day).
 *
 * Both paths give the same numbers: a kernel restored from day t−1 and advanced one bar is in
 * exactly the state a kernel fed from the first bar reaches (tests compare them bit for bit).
 * Window indicators read the history directly, so they need the input to hold enough past days
 * (the longest window is 750 bars, the 3-year return).
 *
 * @module
 */
import { InstrumentCtx } from "./context.ts";
import { type DayMatrix, NO_SECTOR } from "./matrix.ts";
import { type Indicator, INDICATORS } from "./registry.ts";
import { type MarketInput, MARKETS } from "./types.ts";

/** Kernel layout version: bump when a kernel's saved state changes meaning. */
export const KERNEL_VERSION = 1;

/** Saved kernel states per instrument after a day (see {@linkcode encodeState}). */
export interface ComputeState {
  /** The day the state is at. */
  date: string;
  /** Registry fingerprint the kernels belong to. */
  version: string;
  /** code → kernel key → saved numbers. */
  kernels: Map<string, Map<string, number[]>>;
}

/** The fingerprint of a registry (ids in order + kernel version). */
export function registryVersion(indicators: readonly Indicator[] = INDICATORS): string {
  let h = 0x811c9dc5;
  const s = `${KERNEL_VERSION}|${indicators.map((d) => d.id).join(",")}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return `k${KERNEL_VERSION}-${indicators.length}-${h.toString(16)}`;
}

/** Computes day matrices over one input, keeping each instrument's kernels between days. */
export class MarketComputer {
  readonly indicators: readonly Indicator[];
  readonly ids: readonly string[];
  readonly sectors: string[];
  readonly #sectorIndex: Map<string, number>;
  readonly #ctx: (InstrumentCtx | undefined)[];
  #pending = new Map<string, Map<string, number[]>>();

  constructor(readonly input: MarketInput, indicators: readonly Indicator[] = INDICATORS) {
    this.indicators = indicators;
    this.ids = indicators.map((d) => d.id);
    this.sectors = [...new Set(input.instruments.map((x) => x.sector).filter((s) => s !== null))]
      .sort() as string[];
    this.#sectorIndex = new Map(this.sectors.map((s, i) => [s, i]));
    this.#ctx = new Array(input.instruments.length);
    const T = input.dates.length;
    for (const [k, list] of Object.entries(input.bars)) {
      list.forEach((s, i) => {
        if (s.length !== T) {
          throw new RangeError(`bars.${k}[${i}] has ${s.length} days, the axis has ${T}`);
        }
      });
    }
  }

  /** Restores kernel states (from the previous day); a state of another registry is ignored. */
  restore(state: ComputeState): boolean {
    if (state.version !== registryVersion(this.indicators)) return false;
    this.#pending = state.kernels;
    return true;
  }

  #context(i: number): InstrumentCtx {
    let c = this.#ctx[i];
    if (!c) {
      c = new InstrumentCtx(this.input, i);
      const saved = this.#pending.get(c.info.code);
      if (saved) c.restore(saved);
      this.#ctx[i] = c;
    }
    return c;
  }

  /** The matrix of day index `t`: every instrument with a close that day. */
  computeDay(t: number): DayMatrix {
    const { input } = this;
    if (!(t >= 0 && t < input.dates.length)) throw new RangeError(`day index ${t} out of range`);
    const rows: number[] = [];
    const close = input.bars.close;
    for (let i = 0; i < input.instruments.length; i++) {
      if (close[i][t] === close[i][t]) rows.push(i);
    }
    const n = rows.length;
    const cols = this.indicators.map(() => new Float64Array(n));
    const market = new Uint8Array(n), sector = new Uint16Array(n), flags = new Uint16Array(n);
    const codes: string[] = new Array(n), names: string[] = new Array(n);
    const defs = this.indicators;
    for (let r = 0; r < n; r++) {
      const i = rows[r];
      const ctx = this.#context(i).seek(t);
      const info = ctx.info;
      codes[r] = info.code;
      names[r] = info.name;
      market[r] = MARKETS.indexOf(info.market);
      sector[r] = info.sector === null ? NO_SECTOR : this.#sectorIndex.get(info.sector)!;
      flags[r] = input.flags?.[i]?.[t] ?? 0;
      for (let c = 0; c < defs.length; c++) {
        const v = defs[c].compute(ctx);
        cols[c][r] = Number.isFinite(v) ? v : NaN;
      }
    }
    return {
      date: input.dates[t],
      ids: this.ids,
      codes,
      names,
      market,
      sector,
      sectors: this.sectors,
      flags,
      cols,
    };
  }

  /** The kernel states of every instrument computed so far, as of `date`. */
  state(date: string): ComputeState {
    const kernels = new Map<string, Map<string, number[]>>();
    for (const c of this.#ctx) {
      if (!c || c.kernels.size === 0) continue;
      const m = new Map<string, number[]>();
      for (const [key, k] of c.kernels) {
        const out: number[] = [];
        k.save(out);
        m.set(key, out);
      }
      kernels.set(c.info.code, m);
    }
    return { date, version: registryVersion(this.indicators), kernels };
  }
}

/**
 * One day's matrix. With `state` (the kernels after an earlier day, normally `t − 1`), the
 * recursive indicators advance from it; without, they start from each instrument's first bar.
 * Returns the matrix and the state after `t`, for the next day.
 */
export function computeDay(
  input: MarketInput,
  t: number,
  opts: { state?: ComputeState; indicators?: readonly Indicator[] } = {},
): { matrix: DayMatrix; state: ComputeState } {
  const mc = new MarketComputer(input, opts.indicators);
  if (opts.state) mc.restore(opts.state);
  const matrix = mc.computeDay(t);
  return { matrix, state: mc.state(input.dates[t]) };
}

/**
 * Every day of `[from, to]` (day indexes, inclusive) in order; `onDay` gets each matrix (await
 * it to store the blob before the next day is computed). Returns the state after `to`.
 */
export async function backfill(
  input: MarketInput,
  opts: {
    from?: number;
    to?: number;
    indicators?: readonly Indicator[];
    onDay: (m: DayMatrix, t: number) => void | Promise<void>;
  },
): Promise<ComputeState> {
  const from = opts.from ?? 0;
  const to = opts.to ?? input.dates.length - 1;
  const mc = new MarketComputer(input, opts.indicators);
  for (let t = from; t <= to; t++) await opts.onDay(mc.computeDay(t), t);
  return mc.state(input.dates[to]);
}

// ---------------------------------------------------------------------------------------
// state bytes

/** Serializes a state: `"KSS1"`, u32 header length, header JSON, pad to 8, float64 data. */
export function encodeState(s: ComputeState): Uint8Array {
  const keys = new Map<string, number>();
  const rows: (string | number)[][] = [];
  let total = 0;
  for (const [code, m] of s.kernels) {
    const row: (string | number)[] = [code];
    for (const [key, data] of m) {
      let ki = keys.get(key);
      if (ki === undefined) keys.set(key, ki = keys.size);
      row.push(ki, data.length);
      total += data.length;
    }
    rows.push(row);
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ v: 1, date: s.date, version: s.version, keys: [...keys.keys()], rows }),
  );
  const dataAt = (8 + header.length + 7) & ~7;
  const out = new Uint8Array(dataAt + 8 * total);
  const dv = new DataView(out.buffer);
  out.set([0x4b, 0x53, 0x53, 0x31], 0);
  dv.setUint32(4, header.length, true);
  out.set(header, 8);
  let at = dataAt;
  for (const m of s.kernels.values()) {
    for (const data of m.values()) {
      for (const v of data) (dv.setFloat64(at, v, true), at += 8);
    }
  }
  return out;
}

/** Reads {@linkcode encodeState} bytes (RangeError on anything else). */
export function decodeState(bytes: Uint8Array): ComputeState {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 4)) !== "KSS1") {
    throw new RangeError("not a compute state (no KSS1 magic)");
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = dv.getUint32(4, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hl))) as {
    date: string;
    version: string;
    keys: string[];
    rows: (string | number)[][];
  };
  let at = (8 + hl + 7) & ~7;
  const kernels = new Map<string, Map<string, number[]>>();
  for (const row of h.rows) {
    const m = new Map<string, number[]>();
    for (let p = 1; p < row.length; p += 2) {
      const len = row[p + 1] as number;
      if (at + 8 * len > bytes.length) throw new RangeError("compute state truncated");
      const data = new Array<number>(len);
      for (let q = 0; q < len; q++) (data[q] = dv.getFloat64(at, true), at += 8);
      m.set(h.keys[row[p] as number], data);
    }
    kernels.set(row[0] as string, m);
  }
  return { date: h.date, version: h.version, kernels };
}
