/**
 * Opening Deno KV. The location comes from one setting (`KDESK_KV_PATH`): a sqlite file
 * path, `:memory:`, or a KV Connect URL (Deno Deploy or a self-hosted denokv).
 *
 * @module
 */

/** Opens the KV store at `path`, creating the parent folder of a local file when needed. */
export async function openKv(path: string): Promise<Deno.Kv> {
  if (path === ":memory:") return await Deno.openKv(":memory:");
  if (/^https?:\/\//.test(path)) return await Deno.openKv(path);
  const dir = path.replace(/[\\/][^\\/]*$/, "");
  if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true });
  return await Deno.openKv(path);
}

/** A page of values and the cursor for the next page (empty string when done). */
export interface Page<T> {
  values: T[];
  cursor: string;
}

/** Reads up to `limit` entries of a KV list selector and returns them with the next cursor. */
export async function listPage<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  opts: { limit: number; cursor?: string; reverse?: boolean },
): Promise<Page<T>> {
  const iter = kv.list<T>(selector, {
    limit: opts.limit,
    cursor: opts.cursor || undefined,
    reverse: opts.reverse,
    batchSize: Math.min(opts.limit, 500),
  });
  const values: T[] = [];
  for await (const e of iter) values.push(e.value);
  return { values, cursor: values.length < opts.limit ? "" : iter.cursor };
}

/** Collects every value of a list selector (for bounded prefixes only). */
export async function listAll<T>(kv: Deno.Kv, selector: Deno.KvListSelector): Promise<T[]> {
  const out: T[] = [];
  for await (const e of kv.list<T>(selector, { batchSize: 500 })) out.push(e.value);
  return out;
}

/** Throws when an atomic commit failed a check. */
export function assertCommitted(
  res: Deno.KvCommitResult | Deno.KvCommitError,
  what: string,
): asserts res is Deno.KvCommitResult {
  if (!res.ok) throw new Error(`KV commit failed: ${what}`);
}

/**
 * Splits mutations over several atomic commits, staying under KV's per-commit limits
 * (1,000 mutations, 800 KiB). Each item contributes its mutations and an estimated size.
 */
export class AtomicBatcher {
  #op: Deno.AtomicOperation;
  #count = 0;
  #bytes = 0;
  #commits = 0;
  constructor(
    private kv: Deno.Kv,
    private maxMutations = 900,
    private maxBytes = 700 * 1024,
  ) {
    this.#op = kv.atomic();
  }
  /** Adds a set; flushes first when the commit would exceed a limit. */
  async set(key: Deno.KvKey, value: unknown, approxBytes = 256): Promise<void> {
    await this.#room(approxBytes);
    this.#op.set(key, value);
    this.#count++;
    this.#bytes += approxBytes;
  }
  /** Adds a delete; flushes first when full. */
  async delete(key: Deno.KvKey): Promise<void> {
    await this.#room(64);
    this.#op.delete(key);
    this.#count++;
    this.#bytes += 64;
  }
  /** Reserve room for a group of mutations that must land in the same commit. */
  async group(mutations: number, bytes: number): Promise<void> {
    if (this.#count + mutations > this.maxMutations || this.#bytes + bytes > this.maxBytes) {
      await this.flush();
    }
  }
  async #room(bytes: number): Promise<void> {
    if (this.#count + 1 > this.maxMutations || this.#bytes + bytes > this.maxBytes) {
      await this.flush();
    }
  }
  /** Commits pending mutations. */
  async flush(): Promise<void> {
    if (this.#count === 0) return;
    assertCommitted(await this.#op.commit(), "batched write");
    this.#commits++;
    this.#op = this.kv.atomic();
    this.#count = 0;
    this.#bytes = 0;
  }
  get commits(): number {
    return this.#commits;
  }
}

/**
 * Thrown when an optimistic (checked) write kept losing to other writers. Not a failure of the
 * work: the queue runtime retries it later without spending one of the message's tries.
 */
export class KvContentionError extends Error {
  override name = "KvContentionError";
  constructor(what: string) {
    super(`${what}: too much contention (other writers kept winning); will retry`);
  }
}

/** A short, growing, jittered pause before retrying a lost optimistic write (≤ 300 ms). */
export function contentionPause(attempt: number): Promise<void> {
  const ms = Math.min(200, 2 ** Math.min(attempt, 8)) * (0.5 + Math.random());
  return new Promise((r) => setTimeout(r, ms));
}
