/**
 * The live-price service inside kdesk: ingest (validate → one atomic KV write → broadcast),
 * the shared broadcaster for SSE, and the KV poll fallback for ticks written by another
 * process (Deno Deploy, or the bridge's KV Connect sink).
 *
 * Sequence numbers: one process-wide counter starting at `Date.now() * 1000`, so ids keep
 * increasing across restarts (unless a previous run ingested more than 1,000 events per
 * millisecond on average).
 *
 * @module
 */
import { log } from "../log.ts";
import {
  getFeedHead,
  getIngestBatch,
  getLatestBook,
  getLatestTick,
  listLatestTicks,
  recordLiveViews,
  writeTickBatch,
} from "../store/ticks.ts";
import { Broadcaster, type BroadcasterOptions } from "./broadcaster.ts";
import type { IngestBatch, StoredBook, StoredTick } from "./types.ts";

/** How often a code's view is re-recorded at most. */
const VIEW_REFRESH_MS = 60_000;

export interface LiveServiceOptions extends BroadcasterOptions {
  /** Where ticks come from, for the UI label: "kiwoom", "simulator" or "off". */
  mode?: "kiwoom" | "simulator" | "off";
}

/** The outcome of {@link LiveService.ingest}. */
export interface IngestResult {
  ticks: number;
  books: number;
  last_seq: number;
  /** True when the batch id was already stored: nothing was stored or broadcast. */
  duplicate: boolean;
}

export class LiveService {
  readonly broadcaster: Broadcaster;
  readonly mode: "kiwoom" | "simulator" | "off";
  readonly writerId = crypto.randomUUID();
  #seq = Date.now() * 1000;
  #counts = new Map<string, number>();
  #seeded = new Set<string>();
  #viewed = new Map<string, number>();
  #chain: Promise<unknown> = Promise.resolve();
  #poll: ReturnType<typeof setInterval> | undefined;
  #pollHead = "";

  constructor(private kv: Deno.Kv, opts: LiveServiceOptions = {}) {
    this.mode = opts.mode ?? "off";
    this.broadcaster = new Broadcaster({
      ...opts,
      onSubscribe: (codes) => this.#recordViews(codes),
    });
  }

  /**
   * Stores a validated batch and broadcasts it. Batches are serialized (one at a time) so
   * sequence order = storage order = broadcast order. Nothing is broadcast unless the KV
   * commit succeeded.
   *
   * A batch carrying a `batch_id` already stored (a bridge retry after a lost response, or
   * the same batch delivered twice at once, from any process on this KV) stores and
   * broadcasts nothing and answers `duplicate: true` with the original batch's `last_seq`.
   */
  ingest(batch: IngestBatch): Promise<IngestResult> {
    const run = async (): Promise<IngestResult> => {
      const now = Date.now();
      const seq0 = this.#seq;
      const ticks: StoredTick[] = batch.ticks.map((t) => ({
        ...t,
        seq: ++this.#seq,
        received_at: now,
      }));
      const books: StoredBook[] = batch.books.map((b) => ({
        ...b,
        seq: ++this.#seq,
        received_at: now,
      }));
      const stored = await writeTickBatch(
        this.kv,
        ticks,
        books,
        this.#counts,
        this.writerId,
        batch.batch_id,
      );
      if (!stored) {
        this.#seq = seq0; // nothing used these numbers (ingests are serialized)
        const prev = await getIngestBatch(this.kv, batch.batch_id!);
        log.info("duplicate tick batch ignored", {
          batch_id: batch.batch_id,
          source: batch.source,
        });
        return { ticks: 0, books: 0, last_seq: prev?.last_seq ?? this.#seq, duplicate: true };
      }
      this.broadcaster.publishBatch(ticks, books);
      return {
        ticks: ticks.length,
        books: books.length,
        last_seq: this.#seq,
        duplicate: false,
      };
    };
    const p = this.#chain.then(run, run);
    this.#chain = p.catch(() => {});
    return p;
  }

  /** Loads current values of codes the broadcaster has not seen yet (once per code). */
  async seed(codes: string[]): Promise<void> {
    const todo = codes.filter((c) => !this.#seeded.has(c));
    if (todo.length === 0) return;
    await Promise.all(todo.map(async (code) => {
      const [t, b] = await Promise.all([
        getLatestTick(this.kv, code),
        getLatestBook(this.kv, code),
      ]);
      this.broadcaster.seed(t, b);
      this.#seeded.add(code);
    }));
  }

  /** The latest tick of a code: in memory first, then KV. */
  async latest(code: string): Promise<StoredTick | null> {
    return this.broadcaster.latestTick(code) ?? await getLatestTick(this.kv, code);
  }

  #recordViews(codes: string[]): void {
    const now = Date.now();
    const due = codes.filter((c) => now - (this.#viewed.get(c) ?? 0) > VIEW_REFRESH_MS);
    if (due.length === 0) return;
    for (const c of due) this.#viewed.set(c, now);
    recordLiveViews(this.kv, due, now).catch((e) =>
      log.warn("recording live views failed", { error: e as Error })
    );
  }

  /**
   * Cross-process fallback: every `ms`, read the feed head; when its versionstamp changed
   * and another writer wrote it, publish the latest ticks newer than what was published.
   * Latest-value only (intermediate ticks of a busy code may be skipped).
   */
  startKvPoll(ms = 1000): void {
    if (this.#poll !== undefined) return;
    this.#poll = setInterval(async () => {
      try {
        const head = await getFeedHead(this.kv);
        if (!head || head.versionstamp === this.#pollHead) return;
        this.#pollHead = head.versionstamp;
        if (head.writer === this.writerId) return;
        for (const t of await listLatestTicks(this.kv)) {
          const known = this.broadcaster.latestTick(t.code);
          if (!known || known.seq < t.seq) this.broadcaster.publishTick(t);
        }
      } catch (e) {
        log.warn("live KV poll failed", { error: e as Error });
      }
    }, ms);
  }

  /** Stops timers and closes every SSE client. */
  close(): void {
    if (this.#poll !== undefined) clearInterval(this.#poll);
    this.#poll = undefined;
    this.broadcaster.close();
  }
}
