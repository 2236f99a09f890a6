/**
 * The evaluation context of one instrument: its series, the day being computed (`t`), a cache
 * of recursive kernels (advanced bar by bar, so evaluating consecutive days costs one step per
 * kernel per day), a per-day memo, and its point-in-time fundamentals.
 *
 * An indicator's `compute(ctx)` reads only the context, so it is a pure function of the input
 * and the day; the caches only make consecutive days cheap.
 *
 * @module
 */
import { FilingHistory, type FundamentalView } from "./fundamentals.ts";
import { type BarView, dailyReturns, type Kernel } from "./series.ts";
import type { InstrumentInfo, InvestorKey, MarketInput, Series } from "./types.ts";

/** Facts of the trading-day axis shared by every instrument (built once per input). */
export class MarketAxis {
  /** Per day, the index of the last trading day of the previous calendar year (-1: none). */
  readonly prevYearEnd: Int32Array;
  /** Per day, the day number (days since 1970-01-01). */
  readonly dayNumber: Float64Array;

  constructor(readonly dates: readonly string[]) {
    const T = dates.length;
    this.prevYearEnd = new Int32Array(T).fill(-1);
    this.dayNumber = new Float64Array(T);
    let last = -1;
    for (let t = 0; t < T; t++) {
      if (t > 0 && dates[t].slice(0, 4) !== dates[t - 1].slice(0, 4)) last = t - 1;
      this.prevYearEnd[t] = last;
      this.dayNumber[t] = Date.parse(`${dates[t]}T00:00:00Z`) / 86_400_000;
    }
  }
}

const axes = new WeakMap<MarketInput, MarketAxis>();
const indexReturns = new WeakMap<Series, Float64Array>();
/** The axis of an input (cached). */
export function axisOf(input: MarketInput): MarketAxis {
  let a = axes.get(input);
  if (!a) axes.set(input, a = new MarketAxis(input.dates));
  return a;
}

/** First index with a finite value, or -1. */
export function firstFinite(x: Series): number {
  for (let j = 0; j < x.length; j++) if (x[j] === x[j]) return j;
  return -1;
}

function filled(x: Series, fallback: Series): Float64Array {
  const out = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) out[j] = x[j] === x[j] ? x[j] : fallback[j];
  return out;
}

/** One instrument's context. */
export class InstrumentCtx implements BarView {
  readonly info: InstrumentInfo;
  readonly axis: MarketAxis;
  readonly close: Series;
  readonly open: Series;
  readonly volume: Series;
  readonly value: Series;
  readonly mcap: Series;
  readonly shares: Series;
  /** The benchmark index closes, if the input has them. */
  readonly bench: Series | undefined;
  /** First index of the instrument's history (first finite close; -1: none). */
  readonly start: number;
  readonly funds: FilingHistory;
  /** The day being evaluated. */
  t = -1;
  /** Kernels by key (their state is what {@linkcode ComputeState} saves). */
  readonly kernels = new Map<string, Kernel>();
  #high: Series;
  #low: Series;
  #hiF?: Float64Array;
  #loF?: Float64Array;
  #opF?: Float64Array;
  #ret?: Float64Array;
  #memo = new Map<string, unknown>();
  #saved?: Map<string, number[]>;
  #memoT = -1;

  constructor(readonly input: MarketInput, readonly i: number) {
    this.info = input.instruments[i];
    this.axis = axisOf(input);
    const b = input.bars;
    this.close = b.close[i];
    this.open = b.open[i];
    this.#high = b.high[i];
    this.#low = b.low[i];
    this.volume = b.volume[i];
    this.value = b.value[i];
    this.mcap = b.mcap[i];
    this.shares = b.shares[i];
    this.bench = input.index[this.info.benchmark];
    this.start = firstFinite(this.close);
    this.funds = new FilingHistory(input.filings[i] ?? []);
  }

  /** Moves the context to day `t` (clears the per-day memo). */
  seek(t: number): this {
    this.t = t;
    return this;
  }

  /** Bars of history up to and including `t` (0 before listing). */
  get bars(): number {
    return this.start < 0 || this.t < this.start ? 0 : this.t - this.start + 1;
  }

  /** The day `YYYY-MM-DD`. */
  get date(): string {
    return this.input.dates[this.t];
  }

  // BarView
  c(j: number): number {
    return this.close[j];
  }
  h(j: number): number {
    const x = this.#high[j];
    return x === x ? x : this.close[j];
  }
  l(j: number): number {
    const x = this.#low[j];
    return x === x ? x : this.close[j];
  }
  v(j: number): number {
    return this.volume[j];
  }

  /** Highs with days without one filled by the close. */
  get high(): Float64Array {
    return this.#hiF ??= filled(this.#high, this.close);
  }
  /** Lows with days without one filled by the close. */
  get low(): Float64Array {
    return this.#loF ??= filled(this.#low, this.close);
  }
  /** Opens with days without one filled by the close. */
  get openF(): Float64Array {
    return this.#opF ??= filled(this.open, this.close);
  }

  /**
   * Saved kernel states (from an earlier day) to start from instead of the first bar; each is
   * loaded when its kernel is first asked for.
   */
  restore(saved: Map<string, number[]>): void {
    this.#saved = saved;
  }

  /** Daily returns of the close (`close[j] / close[j−1] − 1`; first defined at `start + 1`). */
  get returns(): Float64Array {
    return this.#ret ??= dailyReturns(this.close);
  }

  /** Daily returns of the benchmark index (shared by every instrument of that index). */
  get benchReturns(): Float64Array | undefined {
    const b = this.bench;
    if (!b) return undefined;
    let r = indexReturns.get(b);
    if (!r) indexReturns.set(b, r = dailyReturns(b));
    return r;
  }

  /** A kernel's outputs at `t`, advancing (or creating) it as needed. */
  kernel(key: string, make: () => Kernel): Float64Array {
    let k = this.kernels.get(key);
    const saved = k ? undefined : this.#saved?.get(key);
    if (saved) {
      const r = make();
      if (r.load(saved, 0) === saved.length && r.at <= this.t) this.kernels.set(key, k = r);
    }
    if (!k || k.at > this.t) {
      k = make();
      k.at = this.start - 1;
      this.kernels.set(key, k);
    }
    while (k.at < this.t) {
      const j = k.at + 1;
      k.step(this, j);
      k.at = j;
    }
    return k.out;
  }

  /** A per-day memo. */
  memo<T>(key: string, f: () => T): T {
    if (this.#memoT !== this.t) {
      this.#memo.clear();
      this.#memoT = this.t;
    }
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const v = f();
    this.#memo.set(key, v);
    return v;
  }

  /** The fundamentals public on the day. */
  get fund(): FundamentalView {
    return this.memo("fund", () => this.funds.at(this.date));
  }

  /** The net-buying series of an investor type, if the input has it. */
  flow(inv: InvestorKey): Series | undefined {
    return this.input.flows?.[inv]?.[this.i];
  }
}
