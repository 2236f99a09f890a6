/**
 * A call-quota limiter persisted in Deno KV, so the daily quota survives restarts and is
 * shared by every process using the same store. Two fixed windows per bucket: the KST
 * calendar day (UTC+9, as DART counts) and the current UTC minute. Counters are
 * `Deno.KvU64` values updated in one atomic operation guarded by versionstamp checks, so
 * concurrent callers never overspend.
 *
 * @module
 */

import { keys } from "../store/keys.ts";
import { QuotaExceededError } from "./errors.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const KST_OFFSET_MS = 9 * 3_600_000;

/** The KST calendar day (`YYYY-MM-DD`) of an epoch-ms instant. */
function kstDay(ms: number): string {
  return new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch ms of the next KST midnight after `ms`. */
function nextKstMidnight(ms: number): number {
  return (Math.floor((ms + KST_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - KST_OFFSET_MS;
}

/** Options of {@linkcode KvRateLimiter}. */
export interface KvRateLimiterOptions {
  /** Bucket name (usually the source, e.g. "dart"); one quota per bucket. */
  bucket: string;
  /** Calls allowed per KST day. */
  perDay: number;
  /** Calls allowed per minute (at least 1). */
  perMinute: number;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
  /** Waits `ms` (default `setTimeout`). */
  sleep?: (ms: number) => Promise<void>;
}

/** Current usage of a bucket. */
export interface RateUsage {
  /** KST day of the daily window. */
  day: string;
  /** Calls taken this KST day. */
  used_today: number;
  /** The daily limit. */
  per_day: number;
  /** Calls taken in the current minute. */
  used_this_minute: number;
  /** The per-minute limit. */
  per_minute: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Daily + per-minute call quota stored in Deno KV under `keys.rateWindow`. */
export class KvRateLimiter {
  #kv: Deno.Kv;
  #bucket: string;
  #perDay: number;
  #perMinute: number;
  #now: () => number;
  #sleep: (ms: number) => Promise<void>;

  /** Creates a limiter over `kv`; instances sharing a store and bucket share the quota. */
  constructor(kv: Deno.Kv, opts: KvRateLimiterOptions) {
    if (!(opts.perMinute >= 1)) throw new RangeError("perMinute must be at least 1");
    if (!(opts.perDay >= 0)) throw new RangeError("perDay must not be negative");
    this.#kv = kv;
    this.#bucket = opts.bucket;
    this.#perDay = opts.perDay;
    this.#perMinute = opts.perMinute;
    this.#now = opts.now ?? Date.now;
    this.#sleep = opts.sleep ?? defaultSleep;
  }

  #dayKey(ms: number): Deno.KvKey {
    return keys.rateWindow(this.#bucket, `day:${kstDay(ms)}`);
  }

  #minuteKey(ms: number): Deno.KvKey {
    return keys.rateWindow(this.#bucket, `minute:${Math.floor(ms / MINUTE_MS)}`);
  }

  /**
   * Takes one call. Waits (sleep) until the next minute when the per-minute window is full;
   * throws {@linkcode QuotaExceededError} when the per-day quota (KST day, UTC+9) is used
   * up. Uses KV atomic check + KvU64 writes so concurrent callers never overspend.
   */
  async take(): Promise<void> {
    for (;;) {
      const now = this.#now();
      const dayKey = this.#dayKey(now);
      const minuteKey = this.#minuteKey(now);
      const [day, minute] = await this.#kv.getMany<[Deno.KvU64, Deno.KvU64]>([
        dayKey,
        minuteKey,
      ]);
      const usedToday = day.value ? Number(day.value.value) : 0;
      const usedMinute = minute.value ? Number(minute.value.value) : 0;
      if (usedToday >= this.#perDay) {
        throw new QuotaExceededError({
          source: this.#bucket,
          bucket: this.#bucket,
          limit: this.#perDay,
          resetAt: new Date(nextKstMidnight(now)),
        });
      }
      if (usedMinute >= this.#perMinute) {
        const nextMinute = (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS;
        await this.#sleep(Math.max(1, nextMinute - now));
        continue;
      }
      // Versionstamp checks make this a compare-and-swap; `set` (rather than `sum`) lets the
      // windows expire once they are over.
      const res = await this.#kv.atomic()
        .check(day, minute)
        .set(dayKey, new Deno.KvU64(BigInt(usedToday + 1)), { expireIn: 2 * DAY_MS })
        .set(minuteKey, new Deno.KvU64(BigInt(usedMinute + 1)), { expireIn: 2 * MINUTE_MS })
        .commit();
      if (res.ok) return;
      // Lost a race with another caller: read again.
    }
  }

  /** Usage of the current KST day and minute. */
  async usage(): Promise<RateUsage> {
    const now = this.#now();
    const [day, minute] = await this.#kv.getMany<[Deno.KvU64, Deno.KvU64]>([
      this.#dayKey(now),
      this.#minuteKey(now),
    ]);
    return {
      day: kstDay(now),
      used_today: day.value ? Number(day.value.value) : 0,
      per_day: this.#perDay,
      used_this_minute: minute.value ? Number(minute.value.value) : 0,
      per_minute: this.#perMinute,
    };
  }
}

/** The verdict of {@linkcode SlidingWindowLimiter.take}. */
export type WindowVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/** Options of {@linkcode SlidingWindowLimiter}. */
export interface SlidingWindowOptions {
  /** Events allowed per key in any window of `windowMs`. */
  limit: number;
  /** The window, in ms (default one minute). */
  windowMs?: number;
  /** Most keys tracked at once; past it the stalest keys are forgotten (default 10,000). */
  maxKeys?: number;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
}

/**
 * An in-process limiter per key (a client address, a token): at most `limit` events in any
 * sliding window of `windowMs`, so no burst at a window boundary doubles the rate. Keeps the
 * times of the last `limit` events of each key (a few numbers per client), in a map bounded
 * by `maxKeys`: memory stays flat under many clients. Synchronous and per process (each
 * process of a deployment counts on its own).
 */
export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  #maxKeys: number;
  #now: () => number;
  /** Event times per key, oldest first (at most `limit`). */
  #events = new Map<string, number[]>();

  constructor(opts: SlidingWindowOptions) {
    if (!(opts.limit >= 1)) throw new RangeError("limit must be at least 1");
    this.limit = opts.limit;
    this.windowMs = opts.windowMs ?? MINUTE_MS;
    this.#maxKeys = opts.maxKeys ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  #live(key: string, now: number): number[] {
    const times = this.#events.get(key);
    if (!times) return [];
    while (times.length && times[0] <= now - this.windowMs) times.shift();
    if (!times.length) this.#events.delete(key);
    return times;
  }

  /** Whether `key` may have one more event now, without counting one. */
  check(key: string): WindowVerdict {
    const now = this.#now();
    const times = this.#live(key, now);
    if (times.length < this.limit) return { ok: true };
    return { ok: false, retryAfterMs: Math.max(1, times[0] + this.windowMs - now) };
  }

  /** Counts one event of `key` when it is allowed; otherwise says how long to wait. */
  take(key: string): WindowVerdict {
    const v = this.check(key);
    if (!v.ok) return v;
    let times = this.#events.get(key);
    if (!times) {
      if (this.#events.size >= this.#maxKeys) this.#evict();
      this.#events.set(key, times = []);
    }
    times.push(this.#now());
    return v;
  }

  /** Gives back the latest event of `key` (the work it was taken for did not happen). */
  refund(key: string): void {
    const times = this.#events.get(key);
    times?.pop();
    if (times && !times.length) this.#events.delete(key);
  }

  /** Forgets keys with no event in the window, then (still full) the oldest tenth. */
  #evict(): void {
    const now = this.#now();
    for (const key of [...this.#events.keys()]) this.#live(key, now);
    if (this.#events.size < this.#maxKeys) return;
    let n = Math.max(1, Math.floor(this.#maxKeys / 10));
    for (const key of this.#events.keys()) {
      this.#events.delete(key);
      if (--n === 0) break;
    }
  }

  /** Keys tracked now (for tests and metrics). */
  get size(): number {
    return this.#events.size;
  }
}
