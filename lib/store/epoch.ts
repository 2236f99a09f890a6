/**
 * Polling an epoch key: caches bump a key (`kv.atomic().sum(...)`) on every write and
 * readers in other processes or isolates see it change with one cheap `kv.get`. Used
 * instead of `kv.watch`, which on a local sqlite KV was measured to keep a core busy.
 *
 * Two ways to use it: with `pollMs`, a timer reads the key in the background (for caches
 * whose hot path answers synchronously and must not wait: snapshots, the IPO pipeline);
 * without, the reader calls {@linkcode EpochPoll.fresh} before it trusts its cache, which
 * reads the key at most once per `maxAgeMs` (the market cache: no timer at all), and a
 * synchronous hot path calls {@linkcode EpochPoll.peek}, which answers only from a read that
 * recent.
 *
 * @module
 */

/**
 * A data version that a cache of answers is keyed by: read synchronously by a hot path and
 * asynchronously by a miss.
 */
export interface DataVersion {
  /** The version when a fresh read of it is at hand, else undefined (take the async path). */
  peek(): string | undefined;
  /** The current version (reads what it must first). */
  read(): Promise<string>;
}

/** Polls `key`'s versionstamp (by timer, or lazily) and calls `onChange` when it moves. */
export class EpochPoll {
  /** The last versionstamp seen (null for a missing key). */
  epoch: string | null = null;
  /** Whether `epoch` was read: a missing key (null) must still count as a value seen. */
  #seen = false;
  #checkedAt = -Infinity;
  #reading: Promise<void> | null = null;
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    private kv: Deno.Kv,
    private key: Deno.KvKey,
    pollMs: number | undefined,
    private onChange: () => void,
    private now: () => number = Date.now,
  ) {
    if (pollMs) {
      this.#timer = setInterval(() => this.check(), pollMs);
      Deno.unrefTimer(this.#timer as unknown as number);
    }
  }

  /** Whether an epoch was read since construction or the last {@linkcode reset}. */
  get seen(): boolean {
    return this.#seen;
  }

  /** Reads the key once; a moved versionstamp calls `onChange`. Never throws. */
  async check(): Promise<void> {
    try {
      const v = (await this.kv.get(this.key)).versionstamp;
      if (this.#seen && v !== this.epoch) this.onChange();
      this.epoch = v;
      this.#seen = true;
      this.#checkedAt = this.now();
    } catch {
      // KV closed or unreachable: the next fresh() reads again
    }
  }

  /**
   * Lazy mode: reads the key unless it was read within `maxAgeMs` (0: always); callers at
   * the same time share one read. Never throws.
   */
  fresh(maxAgeMs: number): Promise<void> {
    if (this.#seen && this.now() - this.#checkedAt < maxAgeMs) return Promise.resolve();
    return this.#reading ??= this.check().finally(() => this.#reading = null);
  }

  /**
   * Synchronous, for hot paths: the epoch when it was read within `maxAgeMs`, else undefined
   * — and then a read starts in the background (shared with {@linkcode fresh}), so a caller
   * that answers from a cache made under an epoch never trusts a read older than its TTL
   * (with `maxAgeMs` 0, never: every caller waits for {@linkcode fresh}).
   */
  peek(maxAgeMs: number): string | null | undefined {
    if (this.#seen && this.now() - this.#checkedAt < maxAgeMs) return this.epoch;
    void this.fresh(maxAgeMs);
    return undefined;
  }

  /** Forgets the last read: the next {@linkcode fresh} reads the key again. */
  reset(): void {
    this.#seen = false;
    this.#checkedAt = -Infinity;
  }

  /** Records an epoch read elsewhere (e.g. together with the data it versions). */
  set(epoch: string | null): void {
    this.epoch = epoch;
    this.#seen = true;
  }

  /** Stops polling. */
  stop(): void {
    clearInterval(this.#timer);
  }
}
