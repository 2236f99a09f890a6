/**
 * Optional sink: writes ticks straight into a remote Deno KV over KV Connect (Deno Deploy,
 * or a self-hosted denokv) with the npm `@deno/kv` client, using kdesk's own keys
 * (lib/store/keys.ts) and layout (latest + history ring per code + feed head, one atomic
 * commit per batch). kdesk instances on that KV pick the ticks up through their KV poll
 * fallback (`LiveService.startKvPoll`).
 *
 * Values are UTF-8 JSON bytes (`Uint8Array`): Node's @deno/kv writes V8 serializer version
 * 15 and cannot read Deno 2.9's version 16 (STACK.md), so bytes are the only format both
 * sides read; kdesk's `decodeValue` accepts them. Sequence numbers follow kdesk's rule
 * (`Date.now() * 1000`, then +1 per event) so ids keep increasing.
 */
import { openKv } from "@deno/kv";
import type { OrderBook, StoredBook, StoredTick, Tick } from "../../lib/live/types.ts";
import { keys } from "../../lib/store/keys.ts";
import { log, registerSecret } from "./log.ts";
import type { Sink } from "./sink.ts";

/** Must equal TICK_HISTORY in lib/store/ticks.ts (checked by the sink test). */
export const KV_TICK_HISTORY = 50;

type Kv = Awaited<ReturnType<typeof openKv>>;
const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (v: unknown) => enc.encode(JSON.stringify(v));

export class KvSink implements Sink {
  #kv: Kv;
  #ticks: Tick[] = [];
  #books: OrderBook[] = [];
  #seq = Date.now() * 1000;
  #counts = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #inflight: Promise<void> | null = null;
  #closing = false;
  readonly writer = "bridge-kv";
  readonly stats = { sent: 0, commits: 0, failures: 0 };

  private constructor(kv: Kv, private flushMs: number) {
    this.#kv = kv;
  }

  /** Opens the KV (a KV Connect URL, or a local sqlite path in tests). */
  static async open(
    url: string,
    opts: { accessToken?: string; flushMs?: number } = {},
  ): Promise<KvSink> {
    registerSecret(opts.accessToken);
    const kv = await openKv(
      url,
      opts.accessToken ? { accessToken: opts.accessToken } : {},
    );
    return new KvSink(kv, opts.flushMs ?? 20);
  }

  push(ticks: Tick[], books: OrderBook[]): void {
    this.#ticks.push(...ticks);
    this.#books.push(...books);
    this.#schedule();
  }

  #schedule(delay = this.flushMs): void {
    if (this.#timer || this.#inflight || this.#closing) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#inflight = this.#flush().finally(() => {
        this.#inflight = null;
        if (this.#ticks.length + this.#books.length) {
          this.#schedule(this.stats.failures ? 500 : 0);
        }
      });
    }, delay);
  }

  async #count(code: string): Promise<number> {
    let n = this.#counts.get(code);
    if (n === undefined) {
      const v = (await this.#kv.get(keys.tickLatest(code) as unknown as string[]))
        .value;
      n = v instanceof Uint8Array ? Number(JSON.parse(dec.decode(v)).n ?? 0) : 0;
      this.#counts.set(code, n);
    }
    return n;
  }

  async #flush(): Promise<void> {
    const ticks = this.#ticks.slice(0, 300);
    const books = this.#books.slice(0, 100);
    if (!ticks.length && !books.length) return;
    try {
      const now = Date.now();
      const op = this.#kv.atomic();
      const next = new Map<string, number>();
      const latest = new Map<string, StoredTick & { n: number }>();
      let seq = this.#seq;
      for (const t of ticks) {
        const n = (next.get(t.code) ?? await this.#count(t.code)) + 1;
        next.set(t.code, n);
        const st: StoredTick = { ...t, seq: ++seq, received_at: now };
        op.set(
          keys.tickHistory(t.code, n % KV_TICK_HISTORY) as unknown as string[],
          bytes(st),
        );
        latest.set(t.code, { ...st, n });
      }
      for (const [code, rec] of latest) {
        op.set(keys.tickLatest(code) as unknown as string[], bytes(rec));
      }
      const lastBook = new Map<string, StoredBook>();
      for (const b of books) {
        lastBook.set(b.code, { ...b, seq: ++seq, received_at: now });
      }
      for (const [code, b] of lastBook) {
        op.set(keys.bookLatest(code) as unknown as string[], bytes(b));
      }
      op.set(
        keys.tickFeedHead() as unknown as string[],
        bytes({ seq, writer: this.writer }),
      );
      const res = await op.commit();
      if (!res.ok) throw new Error("KV commit failed");
      this.#seq = seq;
      for (const [c, n] of next) this.#counts.set(c, n);
      this.#ticks.splice(0, ticks.length);
      this.#books.splice(0, books.length);
      this.stats.sent += ticks.length + books.length;
      this.stats.commits++;
      this.stats.failures = 0;
    } catch (e) {
      this.stats.failures++;
      log.warn("KV sink commit failed; will retry", { error: e as Error });
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#inflight) await this.#inflight;
    for (let i = 0; i < 5 && this.#ticks.length + this.#books.length; i++) {
      await this.#flush();
    }
    this.#kv.close();
  }
}
