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
