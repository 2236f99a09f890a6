/**
 * Sinks for normalized ticks and books.
 *
 * {@link HttpSink} (default): batches events and POSTs them to kdesk's
 * `POST /api/v1/ticks` with `Authorization: Bearer <INGEST_TOKEN>`. One request in flight
 * at a time, so kdesk sees events in the order they arrived. Network errors, timeouts and
 * 5xx keep the batch and retry with backoff; 400/401 drop it (retrying cannot help) and log
 * kdesk's reason.
 *
 * Every batch carries a `batch_id` (random UUID). A batch is cut from the buffer once and
 * resent unchanged — same events, same id — until kdesk answers, so when a batch was stored
 * but the answer was lost, kdesk recognises the retry (`duplicate: true`) and stores nothing.
 */
import { randomUUID } from "node:crypto";
import type { IngestBatch, OrderBook, Tick } from "../../lib/live/types.ts";
import { log, registerSecret } from "./log.ts";

/** The ingest body: the shared batch plus its idempotency key. */
type IngestBody = IngestBatch & { batch_id: string };

export interface Sink {
  push(ticks: Tick[], books: OrderBook[]): void;
  /** Sends whatever is buffered and stops timers. */
  close(): Promise<void>;
}

export interface HttpSinkOptions {
  url: string;
  token: string;
  source: string;
  /** Flush interval (ms, default 20). */
  flushMs?: number;
  /** Events per request (default 300; kdesk accepts up to 400 ticks + 100 books). */
  maxBatch?: number;
  /** Events kept while kdesk is unreachable before the oldest are dropped (default 50,000). */
  maxBuffered?: number;
  /** Per-request timeout (ms, default 10,000); a timed-out batch is retried with its id. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** Batch id factory (default a random UUID). */
  newBatchId?: () => string;
}

type ResolvedOptions = Required<HttpSinkOptions>;

export class HttpSink implements Sink {
  #o: ResolvedOptions;
  #ticks: Tick[] = [];
  #books: OrderBook[] = [];
  /** The batch being delivered: cut once, resent unchanged until kdesk answers. */
  #pending: IngestBody | null = null;
  #timer: NodeJS.Timeout | null = null;
  #inflight: Promise<void> | null = null;
  #failures = 0;
  #closing = false;
  readonly stats = { sent: 0, requests: 0, dropped: 0, rejected: 0, duplicates: 0 };

  constructor(o: HttpSinkOptions) {
    registerSecret(o.token);
    this.#o = {
      flushMs: 20,
      maxBatch: 300,
      maxBuffered: 50_000,
      timeoutMs: 10_000,
      fetchImpl: fetch,
      newBatchId: randomUUID,
      ...o,
    };
  }

  push(ticks: Tick[], books: OrderBook[]): void {
    this.#ticks.push(...ticks);
    this.#books.push(...books);
    const over = this.#ticks.length + this.#books.length - this.#o.maxBuffered;
    if (over > 0) {
      // Books are snapshots: drop stale ones first, then the oldest ticks.
      const fromBooks = Math.min(over, this.#books.length);
      this.#books.splice(0, fromBooks);
      this.#ticks.splice(0, over - fromBooks);
      this.stats.dropped += over;
      log.warn("sink buffer full; oldest events dropped", { dropped: over });
    }
    this.#schedule();
  }

  #schedule(delay = this.#o.flushMs): void {
    if (this.#timer || this.#inflight || this.#closing) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#inflight = this.#flush().finally(() => {
        this.#inflight = null;
        if (this.#backlog()) {
          this.#schedule(
            this.#failures ? Math.min(10_000, 250 * 2 ** this.#failures) : 0,
          );
        }
      });
    }, delay);
  }

  /** Events not yet delivered (the pending batch included). */
  #backlog(): number {
    return this.#ticks.length + this.#books.length +
      (this.#pending ? this.#pending.ticks.length + this.#pending.books.length : 0);
  }

  /** The pending batch, or a new one cut from the head of the buffer (null when empty). */
  #batch(): IngestBody | null {
    if (this.#pending) return this.#pending;
    const ticks = this.#ticks.splice(0, Math.min(this.#o.maxBatch, 400));
    const books = this.#books.splice(
      0,
      Math.min(100, this.#o.maxBatch - ticks.length),
    );
    if (!ticks.length && !books.length) return null;
    this.#pending = {
      source: this.#o.source,
      batch_id: this.#o.newBatchId(),
      ticks,
      books,
    };
    return this.#pending;
  }

  async #flush(): Promise<void> {
    const body = this.#batch();
    if (!body) return;
    const n = body.ticks.length + body.books.length;
    try {
      const res = await this.#o.fetchImpl(`${this.#o.url}/api/v1/ticks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${this.#o.token}`,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      const text = await res.text();
      this.stats.requests++;
      if (res.ok) {
        this.#failures = 0;
        if (isDuplicate(text)) {
          // An earlier attempt was stored; its answer was lost.
          this.stats.duplicates++;
          log.info("kdesk already had this batch (a retry)", {
            batch_id: body.batch_id,
          });
        }
        this.stats.sent += n;
      } else if (
        res.status === 400 || res.status === 401 || res.status === 413
      ) {
        this.#failures = 0;
        this.stats.rejected += n;
        log.error("kdesk rejected a batch; dropped", {
          status: res.status,
          batch_id: body.batch_id,
          detail: text.slice(0, 500),
        });
      } else {
        throw new Error(`HTTP ${res.status}`);
      }
      this.#pending = null;
    } catch (e) {
      this.#failures++;
      log.warn("ingest failed; will retry", {
        error: e as Error,
        batch_id: body.batch_id,
        failures: this.#failures,
      });
    }
  }

  async close(): Promise<void> {
    // No new timers from here on; then drain sequentially (never two requests at once).
    this.#closing = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#inflight) await this.#inflight;
    for (let i = 0; i < 5 && this.#backlog(); i++) {
      await this.#flush();
    }
  }
}

function isDuplicate(text: string): boolean {
  try {
    return (JSON.parse(text) as { duplicate?: unknown }).duplicate === true;
  } catch {
    return false;
  }
}
