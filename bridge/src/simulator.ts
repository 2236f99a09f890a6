/**
 * Simulator: realistic (but simulated, and labelled so) ticks without Kiwoom keys.
 *
 * - Each code starts at its base price: the last KRX close kdesk has stored for it (kdesk
 *   sends the closes with its code list, `GET /api/v1/live/codes`), so the simulated price
 *   sits next to the close the company page shows. A code kdesk has no close for is not
 *   traded. Only with a fixed code list and no closes (BRIDGE_CODES, bridge development)
 *   does a code get a base derived from the code itself ({@link simulatedBase}).
 * - Prices random-walk in whole ticks (lib/market/tick_size.ts, the same module kdesk uses:
 *   band edges respected), mean-reverting, clamped to the ±30 % daily limits of the base.
 * - Trades carry a size, a side (buy at the ask, sell at the bid), cumulative volume,
 *   open/high/low, and change vs the base; a 10-level book follows the price.
 * - Only during KRX trading sessions (정규장, 시간외) on the simulator's clock (`now`: the
 *   app's clock, lib/time/clock.ts — in sample mode the sample's as-of day in its regular
 *   session, so it always trades), unless `ignoreSessions` is set.
 */
import type { OrderBook, Tick } from "../../lib/live/types.ts";
import { sessionAt, tradesIn } from "../../lib/market/sessions.ts";
import {
  floorToTick,
  priceLimits,
  tickDown,
  tickSize,
  tickUp,
} from "../../lib/market/tick_size.ts";

export interface SimulatorOptions {
  ticksPerSec: number;
  ignoreSessions?: boolean;
  /** Book every n-th tick of a code (default 3). */
  bookEvery?: number;
  onTicks: (ticks: Tick[]) => void;
  onBooks: (books: OrderBook[]) => void;
  /** Seeded randomness for tests (default Math.random). */
  random?: () => number;
  now?: () => number;
}

interface CodeState {
  base: number;
  price: number;
  open: number | null;
  high: number;
  low: number;
  cum: number;
  n: number;
}

/** FNV-1a hash of a string. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}

/** The simulated previous close of a code: 3,000 … 300,000 KRW, on the grid. */
export function simulatedBase(code: string): number {
  const x = (hash(code) % 10_000) / 10_000;
  return floorToTick(Math.round(3_000 * Math.pow(100, x)));
}

export class Simulator {
  #o: SimulatorOptions;
  #codes: string[] = [];
  #bases: Map<string, number> | null = null;
  #state = new Map<string, CodeState>();
  #timer: NodeJS.Timeout | null = null;
  #rand: () => number;
  #now: () => number;
  #carry = 0;
  #last = 0;

  constructor(o: SimulatorOptions) {
    this.#o = o;
    this.#rand = o.random ?? Math.random;
    this.#now = o.now ?? Date.now;
  }

  /**
   * The codes to trade and their last closes (the base prices). With `closes`, codes without
   * one are left out; a code whose close changed (a new trading day) starts again from it.
   * Without `closes`, every code trades from {@link simulatedBase}.
   */
  setCodes(codes: Iterable<string>, closes?: Readonly<Record<string, number>>): void {
    const list = [...new Set(codes)];
    if (!closes) {
      this.#bases = null;
      this.#codes = list;
      return;
    }
    this.#bases = new Map();
    for (const code of list) {
      const close = closes[code];
      if (!Number.isFinite(close) || close <= 0) continue;
      const base = floorToTick(close);
      this.#bases.set(code, base);
      if (this.#state.get(code)?.base !== base) this.#state.delete(code);
    }
    this.#codes = list.filter((c) => this.#bases!.has(c));
  }

  /** The base price of a code: its last close, or the derived one without closes. */
  base(code: string): number {
    return this.#bases?.get(code) ?? simulatedBase(code);
  }

  #st(code: string): CodeState {
    let s = this.#state.get(code);
    if (!s) {
      const base = this.base(code);
      s = {
        base,
        price: base,
        open: null,
        high: base,
        low: base,
        cum: 0,
        n: 0,
      };
      this.#state.set(code, s);
    }
    return s;
  }

  /** One trade of `code` (exported for tests). */
  step(code: string): { tick: Tick; book: OrderBook | null } {
    const s = this.#st(code);
    const r = this.#rand();
    const { upper, lower } = priceLimits(s.base);
    // Mean-reverting walk: up to 2 ticks, biased back towards the base.
    const drift = (s.base - s.price) / s.base;
    const u = r + drift * 2;
    let p = s.price;
    if (u < 0.2) p = tickDown(tickDown(p));
    else if (u < 0.45) p = tickDown(p);
    else if (u > 0.8) p = tickUp(tickUp(p));
    else if (u > 0.55) p = tickUp(p);
    p = Math.min(upper, Math.max(lower, floorToTick(p)));
    const side: "buy" | "sell" = p > s.price || (p === s.price && this.#rand() < 0.5)
      ? "buy"
      : "sell";
    s.price = p;
    s.open ??= p;
    s.high = Math.max(s.high, p);
    s.low = Math.min(s.low, p);
    const vol = Math.max(1, Math.round(Math.exp(this.#rand() * 6)));
    s.cum += vol;
    s.n++;
    const t = tickSize(p);
    const now = this.#now();
    const tick: Tick = {
      code,
      price: p,
      change: p - s.base,
      change_rate: Math.round(((p - s.base) / s.base) * 10_000) / 100,
      volume: vol,
      cum_volume: s.cum,
      time: now,
      side,
      best_ask: side === "buy" ? p : Math.min(upper, p + t),
      best_bid: side === "sell" ? p : Math.max(lower, p - t),
      open: s.open,
      high: s.high,
      low: s.low,
      simulated: true,
    };
    let book: OrderBook | null = null;
    if (s.n % (this.#o.bookEvery ?? 3) === 0) {
      const asks = [];
      const bids = [];
      let a = tick.best_ask!;
      let b = tick.best_bid!;
      for (let i = 0; i < 10 && a <= upper; i++, a = tickUp(a)) {
        asks.push({ price: a, qty: Math.round(this.#rand() * 5000) + 10 });
      }
      for (let i = 0; i < 10 && b >= lower; i++, b = tickDown(b)) {
        bids.push({ price: b, qty: Math.round(this.#rand() * 5000) + 10 });
      }
      book = {
        code,
        time: now,
        asks,
        bids,
        total_ask_qty: asks.reduce((x, l) => x + l.qty, 0),
        total_bid_qty: bids.reduce((x, l) => x + l.qty, 0),
        simulated: true,
      };
    }
    return { tick, book };
  }

  /** Whether the simulator trades now. */
  active(): boolean {
    return !!this.#o.ignoreSessions ||
      tradesIn(sessionAt(new Date(this.#now())).code);
  }

  start(intervalMs = 10): void {
    // The rate runs on a monotonic clock: the app clock (`now`) may jump (the sample clock
    // folds back to the session's open).
    this.#last = performance.now();
    this.#timer = setInterval(() => {
      const now = performance.now();
      const dt = now - this.#last;
      this.#last = now;
      if (!this.#codes.length || !this.active()) return;
      this.#carry += (dt / 1000) * this.#o.ticksPerSec;
      const n = Math.floor(this.#carry);
      if (n <= 0) return;
      this.#carry -= n;
      const ticks: Tick[] = [];
      const books: OrderBook[] = [];
      for (let i = 0; i < n; i++) {
        const code = this.#codes[Math.floor(this.#rand() * this.#codes.length)];
        const { tick, book } = this.step(code);
        ticks.push(tick);
        if (book) books.push(book);
      }
      this.#o.onTicks(ticks);
      if (books.length) this.#o.onBooks(books);
    }, intervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
