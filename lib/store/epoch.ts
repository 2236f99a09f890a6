/**
 * Polling an epoch key: caches bump a key (`kv.atomic().sum(...)`) on every write and
 * readers in other processes or isolates see it change with one cheap `kv.get`. Used
 * instead of `kv.watch`, which on a local sqlite KV was measured to keep a core busy.
 *
 * @module
 */

/** Polls `key`'s versionstamp every `pollMs` and calls `onChange` when it moves. */
export class EpochPoll {
  /** The last versionstamp seen (null for a missing key). */
  epoch: string | null = null;
  /** Whether `epoch` was read: a missing key (null) must still count as a value seen. */
  #seen = false;
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    private kv: Deno.Kv,
    private key: Deno.KvKey,
    pollMs: number | undefined,
    private onChange: () => void,
  ) {
    if (pollMs) {
      this.#timer = setInterval(() => this.check(), pollMs);
      Deno.unrefTimer(this.#timer as unknown as number);
    }
  }

  /** Reads the key once; a moved versionstamp calls `onChange`. Never throws. */
  async check(): Promise<void> {
    try {
      const v = (await this.kv.get(this.key)).versionstamp;
      if (this.#seen && v !== this.epoch) this.onChange();
      this.epoch = v;
      this.#seen = true;
    } catch {
      // KV closed or unreachable: the caller's TTL still bounds staleness
    }
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
