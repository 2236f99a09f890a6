/**
 * Series math for the indicator registry: pure window functions over typed arrays, and
 * recursive kernels (EMA, Wilder smoothing and the indicators built on them) whose state can be
 * saved and restored, so a new day can be computed from the previous day's state.
 *
 * Conventions follow trading-signals 8.3.0 (the reference the tests compare against):
 * - EMA: `k = 2/(p+1)`, seeded with the first input, reported once `p` inputs were seen;
 * - Wilder smoothing (WSMA): the mean of the first `p` inputs, then `prev + (x − prev)/p`;
 * - RSI: Wilder-smoothed gains and losses of close-to-close changes, 100 when there is no loss;
 * - ATR: Wilder-smoothed true range; the first true range is high − low;
 * - standard deviations in Bollinger bands are population deviations.
 *
 * Window functions take `(x, lo, t, p)`: the window is `t−p+1 … t`; it must not reach below
 * `lo` (the first valid index), else the result is `NaN`. A `NaN` inside the window gives `NaN`.
 *
 * @module
 */
import type { Series } from "./types.ts";

// ---------------------------------------------------------------------------------------
// window functions

/** Mean of `x[t−p+1..t]`. */
export function sma(x: Series, lo: number, t: number, p: number): number {
  const from = t - p + 1;
  if (from < lo || t >= x.length) return NaN;
  let s = 0;
  for (let j = from; j <= t; j++) s += x[j];
  return s / p;
}

/** Sum of `x[t−p+1..t]`. */
export function sum(x: Series, lo: number, t: number, p: number): number {
  const from = t - p + 1;
  if (from < lo) return NaN;
  let s = 0;
  for (let j = from; j <= t; j++) s += x[j];
  return s;
}

/** Linearly weighted mean (weights 1..p, newest heaviest). */
export function wma(x: Series, lo: number, t: number, p: number): number {
  const from = t - p + 1;
  if (from < lo) return NaN;
  let s = 0;
  for (let j = from, w = 1; j <= t; j++, w++) s += x[j] * w;
  return s / ((p * (p + 1)) / 2);
}

/** Population standard deviation of `x[t−p+1..t]`. */
export function pstdev(x: Series, lo: number, t: number, p: number): number {
  const m = sma(x, lo, t, p);
  if (Number.isNaN(m)) return NaN;
  let s = 0;
  for (let j = t - p + 1; j <= t; j++) s += (x[j] - m) * (x[j] - m);
  return Math.sqrt(s / p);
}

/** Largest value of `x[t−p+1..t]`. */
export function max(x: Series, lo: number, t: number, p: number): number {
  const from = t - p + 1;
  if (from < lo) return NaN;
  let m = -Infinity;
  for (let j = from; j <= t; j++) {
    const v = x[j];
    if (v > m) m = v;
    else if (v !== v) return NaN;
  }
  return m;
}

/** Smallest value of `x[t−p+1..t]`. */
export function min(x: Series, lo: number, t: number, p: number): number {
  const from = t - p + 1;
  if (from < lo) return NaN;
  let m = Infinity;
  for (let j = from; j <= t; j++) {
    const v = x[j];
    if (v < m) m = v;
    else if (v !== v) return NaN;
  }
  return m;
}

/** Index of the last maximum of `x[t−p+1..t]` (ties: the newest), or -1. */
export function argmax(x: Series, lo: number, t: number, p: number): number {
  const from = t - p + 1;
  if (from < lo) return -1;
  let m = -Infinity, at = -1;
  for (let j = from; j <= t; j++) if (x[j] >= m) (m = x[j], at = j);
  return at;
}

/** Index of the last minimum of `x[t−p+1..t]` (ties: the newest), or -1. */
export function argmin(x: Series, lo: number, t: number, p: number): number {
  const from = t - p + 1;
  if (from < lo) return -1;
  let m = Infinity, at = -1;
  for (let j = from; j <= t; j++) if (x[j] <= m) (m = x[j], at = j);
  return at;
}

/** `x[t] / x[t−p] − 1` (simple return over `p` steps). */
export function change(x: Series, lo: number, t: number, p: number): number {
  if (t - p < lo) return NaN;
  return x[t] / x[t - p] - 1;
}

/** Simple daily returns `x[j] / x[j−1] − 1` (NaN at index 0 and wherever an input is NaN). */
export function dailyReturns(x: Series): Float64Array {
  const r = new Float64Array(x.length);
  r[0] = NaN;
  for (let j = 1; j < x.length; j++) r[j] = x[j] / x[j - 1] - 1;
  return r;
}

/**
 * Sample standard deviation (n − 1) of the `p` daily returns `r[t−p+1..t]`; `lo` is the first
 * index with a return (the bar after the first close).
 */
export function returnStdev(r: Float64Array, lo: number, t: number, p: number): number {
  if (t - p + 1 < lo || p < 2) return NaN;
  let s = 0, s2 = 0;
  for (let j = t - p + 1; j <= t; j++) {
    s += r[j];
    s2 += r[j] * r[j];
  }
  const m = s / p;
  const v = (s2 - p * m * m) / (p - 1);
  return Math.sqrt(v > 0 ? v : 0);
}

/** Downside deviation of the daily returns `r[t−p+1..t]`: `sqrt(Σ min(r,0)² / p)` (target 0). */
export function downsideDev(r: Float64Array, lo: number, t: number, p: number): number {
  if (t - p + 1 < lo) return NaN;
  let s2 = 0;
  for (let j = t - p + 1; j <= t; j++) if (r[j] < 0) s2 += r[j] * r[j];
  return Math.sqrt(s2 / p);
}

/**
 * Beta and correlation of the returns `rx` against `rm` over `t−p+1..t` (sample covariance /
 * variance). Returns `[beta, corr]`; NaN when the market did not move.
 */
export function betaCorr(
  rx: Float64Array,
  rm: Float64Array,
  lo: number,
  t: number,
  p: number,
): [number, number] {
  if (t - p + 1 < lo) return [NaN, NaN];
  let sx = 0, sm = 0, sxx = 0, smm = 0, sxm = 0;
  for (let j = t - p + 1; j <= t; j++) {
    const x = rx[j], m = rm[j];
    sx += x;
    sm += m;
    sxx += x * x;
    smm += m * m;
    sxm += x * m;
  }
  const cov = sxm - (sx * sm) / p;
  const vm = smm - (sm * sm) / p;
  const vx = sxx - (sx * sx) / p;
  if (!(vm > 0)) return [NaN, NaN];
  return [cov / vm, vx > 0 ? cov / Math.sqrt(vm * vx) : NaN];
}

/** Running maximum of highs since the first bar. `out = [max]`. */
export class RunningMaxKernel implements Kernel {
  at = -1;
  out = new Float64Array(1).fill(NaN);
  step(b: BarView, j: number): void {
    const h = b.h(j);
    if (!(this.out[0] >= h)) this.out[0] = h;
  }
  save(o: number[]): void {
    o.push(this.at, this.out[0]);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    this.out[0] = a[i + 1];
    return i + 2;
  }
}

/**
 * One pass over `hi[t−p+1..t]` and `lo[…]`: `[max, min, last index of max, last index of min]`.
 */
export function highLow(
  hi: Series,
  lo: Series,
  first: number,
  t: number,
  p: number,
): [number, number, number, number] {
  const from = t - p + 1;
  if (from < first || p < 1) return [NaN, NaN, -1, -1];
  let mx = -Infinity, mn = Infinity, ax = -1, an = -1;
  for (let j = from; j <= t; j++) {
    const h = hi[j], l = lo[j];
    if (h >= mx) (mx = h, ax = j);
    if (l <= mn) (mn = l, an = j);
  }
  return [mx, mn, ax, an];
}

/** Maximum drawdown (≤ 0, as a fraction) of `x[t−p+1..t]`. */
export function maxDrawdown(x: Series, lo: number, t: number, p: number): number {
  const from = t - p + 1;
  if (from < lo) return NaN;
  let peak = -Infinity, mdd = 0;
  for (let j = from; j <= t; j++) {
    const v = x[j];
    if (v > peak) peak = v;
    const dd = v / peak - 1;
    if (dd < mdd) mdd = dd;
  }
  return mdd;
}

/** Least-squares slope of `x[t−p+1..t]` against 0..p−1 (per step). */
export function slope(x: Series, lo: number, t: number, p: number): number {
  const from = t - p + 1;
  if (from < lo || p < 2) return NaN;
  let sx = 0, sy = 0, sxy = 0, sxx = 0;
  for (let k = 0; k < p; k++) {
    const y = x[from + k];
    sx += k;
    sy += y;
    sxy += k * y;
    sxx += k * k;
  }
  return (p * sxy - sx * sy) / (p * sxx - sx * sx);
}

// ---------------------------------------------------------------------------------------
// recursive state (plain numbers, saved as arrays)

/** EMA state: `[count, value]`. */
export class Ema {
  count = 0;
  value = NaN;
  readonly k: number;
  constructor(readonly period: number) {
    this.k = 2 / (period + 1);
  }
  /** Feeds one input; returns the (possibly unstable) value. */
  add(x: number): number {
    this.count++;
    this.value = this.count === 1 ? x : x * this.k + this.value * (1 - this.k);
    return this.value;
  }
  get stable(): boolean {
    return this.count >= this.period;
  }
  /** The value once stable, else NaN. */
  get result(): number {
    return this.count >= this.period ? this.value : NaN;
  }
  save(out: number[]): void {
    out.push(this.count, this.value);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.count = a[i];
    this.value = a[i + 1];
    return i + 2;
  }
}

/** Wilder smoothing state: `[count, sum of the first p, value]`. */
export class Wilder {
  count = 0;
  seed = 0;
  value = NaN;
  constructor(readonly period: number) {}
  add(x: number): number {
    this.count++;
    if (this.count < this.period) {
      this.seed += x;
    } else if (this.count === this.period) {
      this.seed += x;
      this.value = this.seed / this.period;
    } else {
      this.value = this.value + (x - this.value) / this.period;
    }
    return this.value;
  }
  get stable(): boolean {
    return this.count >= this.period;
  }
  get result(): number {
    return this.count >= this.period ? this.value : NaN;
  }
  save(out: number[]): void {
    out.push(this.count, this.seed, this.value);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.count = a[i];
    this.seed = a[i + 1];
    this.value = a[i + 2];
    return i + 3;
  }
}

/** What a kernel reads at one index (the instrument's bars with gaps filled). */
export interface BarView {
  /** Close at `j`. */
  c(j: number): number;
  /** High at `j` (the close when the day has none). */
  h(j: number): number;
  /** Low at `j` (the close when the day has none). */
  l(j: number): number;
  /** Volume at `j`. */
  v(j: number): number;
  /** First index of the instrument's history. */
  readonly start: number;
}

/**
 * A recursive indicator fed one bar at a time. `at` is the last index fed (`start − 1` before
 * the first); `out` holds its outputs at `at` (NaN while not stable).
 */
export interface Kernel {
  at: number;
  readonly out: Float64Array;
  step(b: BarView, j: number): void;
  save(out: number[]): void;
  load(a: ArrayLike<number>, i: number): number;
}

/** EMA of close (or volume) as a kernel. */
export class EmaKernel implements Kernel {
  at = -1;
  out = new Float64Array(1).fill(NaN);
  #e: Ema;
  constructor(period: number, readonly src: "c" | "v" = "c") {
    this.#e = new Ema(period);
  }
  step(b: BarView, j: number): void {
    this.#e.add(this.src === "c" ? b.c(j) : b.v(j));
    this.out[0] = this.#e.result;
  }
  save(o: number[]): void {
    o.push(this.at, this.out[0]);
    this.#e.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    this.out[0] = a[i + 1];
    return this.#e.load(a, i + 2);
  }
}

/** RSI (Wilder) of close. `out = [rsi]`. */
export class RsiKernel implements Kernel {
  at = -1;
  out = new Float64Array(1).fill(NaN);
  #gain: Wilder;
  #loss: Wilder;
  constructor(readonly period: number) {
    this.#gain = new Wilder(period);
    this.#loss = new Wilder(period);
  }
  step(b: BarView, j: number): void {
    if (j <= b.start) return;
    const d = b.c(j) - b.c(j - 1);
    this.#gain.add(d > 0 ? d : 0);
    this.#loss.add(d > 0 ? 0 : -d);
    if (!this.#gain.stable) return;
    const loss = this.#loss.value;
    this.out[0] = loss === 0 ? 100 : 100 - 100 / (this.#gain.value / loss + 1);
  }
  save(o: number[]): void {
    o.push(this.at, this.out[0]);
    this.#gain.save(o);
    this.#loss.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    this.out[0] = a[i + 1];
    return this.#loss.load(a, this.#gain.load(a, i + 2));
  }
}

/**
 * Stochastic RSI: RSI(p), then `(rsi − min)/(max − min)` over the last `p` RSI values, × 100.
 * NaN when those RSI values are all equal. `out = [stochRsi]`.
 */
export class StochRsiKernel implements Kernel {
  at = -1;
  out = new Float64Array(1).fill(NaN);
  #rsi: RsiKernel;
  #ring: Float64Array;
  #n = 0;
  constructor(readonly period: number) {
    this.#rsi = new RsiKernel(period);
    this.#ring = new Float64Array(period);
  }
  step(b: BarView, j: number): void {
    this.#rsi.step(b, j);
    const r = this.#rsi.out[0];
    if (r !== r) return;
    this.#ring[this.#n % this.period] = r;
    this.#n++;
    if (this.#n < this.period) return;
    let lo = Infinity, hi = -Infinity;
    for (let k = 0; k < this.period; k++) {
      const v = this.#ring[k];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.out[0] = hi === lo ? NaN : (100 * (r - lo)) / (hi - lo);
  }
  save(o: number[]): void {
    o.push(this.at, this.out[0], this.#n, ...this.#ring);
    this.#rsi.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    this.out[0] = a[i + 1];
    this.#n = a[i + 2];
    for (let k = 0; k < this.period; k++) this.#ring[k] = a[i + 3 + k];
    return this.#rsi.load(a, i + 3 + this.period);
  }
}

/** True range at `j` (high − low on the first bar). */
export function trueRange(b: BarView, j: number): number {
  const hl = b.h(j) - b.l(j);
  if (j <= b.start) return hl;
  const pc = b.c(j - 1);
  return Math.max(hl, Math.abs(b.h(j) - pc), Math.abs(b.l(j) - pc));
}

/** ATR (Wilder-smoothed true range). `out = [atr]`. */
export class AtrKernel implements Kernel {
  at = -1;
  out = new Float64Array(1).fill(NaN);
  #w: Wilder;
  constructor(readonly period: number) {
    this.#w = new Wilder(period);
  }
  step(b: BarView, j: number): void {
    this.#w.add(trueRange(b, j));
    this.out[0] = this.#w.result;
  }
  save(o: number[]): void {
    o.push(this.at, this.out[0]);
    this.#w.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    this.out[0] = a[i + 1];
    return this.#w.load(a, i + 2);
  }
}

/**
 * MACD(fast, slow, signal) of close: `out = [line, signal, histogram]`. The line starts when
 * `slow` closes were seen; the signal (an EMA of the line) and the histogram once it has
 * `signal` values.
 */
export class MacdKernel implements Kernel {
  at = -1;
  out = new Float64Array(3).fill(NaN);
  #fast: Ema;
  #slow: Ema;
  #sig: Ema;
  constructor(fast = 12, slow = 26, signal = 9) {
    this.#fast = new Ema(fast);
    this.#slow = new Ema(slow);
    this.#sig = new Ema(signal);
  }
  step(b: BarView, j: number): void {
    const f = this.#fast.add(b.c(j));
    const s = this.#slow.add(b.c(j));
    if (!this.#slow.stable) return;
    const line = f - s;
    const sig = this.#sig.add(line);
    this.out[0] = line;
    this.out[1] = this.#sig.stable ? sig : NaN;
    this.out[2] = this.#sig.stable ? line - sig : NaN;
  }
  save(o: number[]): void {
    o.push(this.at, ...this.out);
    this.#fast.save(o);
    this.#slow.save(o);
    this.#sig.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    for (let k = 0; k < 3; k++) this.out[k] = a[i + 1 + k];
    return this.#sig.load(a, this.#slow.load(a, this.#fast.load(a, i + 4)));
  }
}

/** PPO (%) and PVO (%): `100 (EMA_fast − EMA_slow) / EMA_slow` of close or volume. */
export class PpoKernel implements Kernel {
  at = -1;
  out = new Float64Array(1).fill(NaN);
  #fast: Ema;
  #slow: Ema;
  constructor(fast = 12, slow = 26, readonly src: "c" | "v" = "c") {
    this.#fast = new Ema(fast);
    this.#slow = new Ema(slow);
  }
  step(b: BarView, j: number): void {
    const x = this.src === "c" ? b.c(j) : b.v(j);
    const f = this.#fast.add(x);
    const s = this.#slow.add(x);
    if (!this.#slow.stable) return;
    this.out[0] = s === 0 ? (this.src === "v" ? 0 : NaN) : (100 * (f - s)) / s;
  }
  save(o: number[]): void {
    o.push(this.at, this.out[0]);
    this.#fast.save(o);
    this.#slow.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    this.out[0] = a[i + 1];
    return this.#slow.load(a, this.#fast.load(a, i + 2));
  }
}

/** DEMA: `2·EMA − EMA(EMA)`, stable when the outer EMA has `p` inputs. */
export class DemaKernel implements Kernel {
  at = -1;
  out = new Float64Array(1).fill(NaN);
  #in: Ema;
  #outer: Ema;
  constructor(period: number) {
    this.#in = new Ema(period);
    this.#outer = new Ema(period);
  }
  step(b: BarView, j: number): void {
    const e = this.#in.add(b.c(j));
    const e2 = this.#outer.add(e);
    this.out[0] = this.#outer.stable ? 2 * e - e2 : NaN;
  }
  save(o: number[]): void {
    o.push(this.at, this.out[0]);
    this.#in.save(o);
    this.#outer.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    this.out[0] = a[i + 1];
    return this.#outer.load(a, this.#in.load(a, i + 2));
  }
}

/**
 * Triple EMA chain (each stage fed once the previous is stable): `out = [TEMA, TRIX %]` with
 * `TEMA = 3e1 − 3e2 + e3` and `TRIX = 100 (e3 − e3_prev) / e3`.
 */
export class TripleEmaKernel implements Kernel {
  at = -1;
  out = new Float64Array(2).fill(NaN);
  #e1: Ema;
  #e2: Ema;
  #e3: Ema;
  #prev = NaN;
  constructor(period: number) {
    this.#e1 = new Ema(period);
    this.#e2 = new Ema(period);
    this.#e3 = new Ema(period);
  }
  step(b: BarView, j: number): void {
    const s = this.#e1.add(b.c(j));
    if (!this.#e1.stable) return;
    const d = this.#e2.add(s);
    if (!this.#e2.stable) return;
    const t = this.#e3.add(d);
    if (!this.#e3.stable) return;
    this.out[0] = 3 * s - 3 * d + t;
    this.out[1] = this.#prev === this.#prev && t !== 0 ? (100 * (t - this.#prev)) / t : NaN;
    this.#prev = t;
  }
  save(o: number[]): void {
    o.push(this.at, ...this.out, this.#prev);
    this.#e1.save(o);
    this.#e2.save(o);
    this.#e3.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    this.out[0] = a[i + 1];
    this.out[1] = a[i + 2];
    this.#prev = a[i + 3];
    return this.#e3.load(a, this.#e2.load(a, this.#e1.load(a, i + 4)));
  }
}

/** True Strength Index (long 25, short 13). `out = [tsi]`. */
export class TsiKernel implements Kernel {
  at = -1;
  out = new Float64Array(1).fill(NaN);
  #lm: Ema;
  #la: Ema;
  #sm: Ema;
  #sa: Ema;
  constructor(long = 25, short = 13) {
    this.#lm = new Ema(long);
    this.#la = new Ema(long);
    this.#sm = new Ema(short);
    this.#sa = new Ema(short);
  }
  step(b: BarView, j: number): void {
    if (j <= b.start) return;
    const m = b.c(j) - b.c(j - 1);
    const lm = this.#lm.add(m);
    const la = this.#la.add(Math.abs(m));
    if (!this.#lm.stable) return;
    const sm = this.#sm.add(lm);
    const sa = this.#sa.add(la);
    if (!this.#sm.stable) return;
    this.out[0] = sa === 0 ? 0 : (100 * sm) / sa;
  }
  save(o: number[]): void {
    o.push(this.at, this.out[0]);
    for (const e of [this.#lm, this.#la, this.#sm, this.#sa]) e.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    this.out[0] = a[i + 1];
    let k = i + 2;
    for (const e of [this.#lm, this.#la, this.#sm, this.#sa]) k = e.load(a, k);
    return k;
  }
}

/**
 * Directional movement (Wilder): `out = [ADX, +DI, −DI]` (DI × 100). The first bar feeds zero
 * moves, as trading-signals' DX does.
 */
export class AdxKernel implements Kernel {
  at = -1;
  out = new Float64Array(3).fill(NaN);
  #atr: Wilder;
  #up: Wilder;
  #down: Wilder;
  #adx: Wilder;
  constructor(readonly period = 14) {
    this.#atr = new Wilder(period);
    this.#up = new Wilder(period);
    this.#down = new Wilder(period);
    this.#adx = new Wilder(period);
  }
  step(b: BarView, j: number): void {
    let pdm = 0, mdm = 0;
    if (j > b.start) {
      const hh = b.h(j) - b.h(j - 1);
      const ll = b.l(j - 1) - b.l(j);
      pdm = hh < 0 || hh < ll ? 0 : hh;
      mdm = ll < 0 || ll < hh ? 0 : ll;
    }
    this.#atr.add(trueRange(b, j));
    this.#up.add(pdm);
    this.#down.add(mdm);
    if (j <= b.start || !this.#up.stable) return;
    const atr = this.#atr.value;
    const pdi = this.#up.value / atr;
    const mdi = this.#down.value / atr;
    const s = pdi + mdi;
    const dx = s === 0 ? 0 : (Math.abs(pdi - mdi) / s) * 100;
    this.#adx.add(dx);
    this.out[0] = this.#adx.result;
    this.out[1] = pdi * 100;
    this.out[2] = mdi * 100;
  }
  save(o: number[]): void {
    o.push(this.at, ...this.out);
    for (const w of [this.#atr, this.#up, this.#down, this.#adx]) w.save(o);
  }
  load(a: ArrayLike<number>, i: number): number {
    this.at = a[i];
    for (let k = 0; k < 3; k++) this.out[k] = a[i + 1 + k];
    let k = i + 4;
    for (const w of [this.#atr, this.#up, this.#down, this.#adx]) k = w.load(a, k);
    return k;
  }
}
