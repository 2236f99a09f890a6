/**
 * Sinks for normalized ticks and books.
 *
 * {@link HttpSink} (default): batches events and POSTs them to kdesk's
 * `POST /api/v1/ticks` with `Authorization: Bearer <INGEST_TOKEN>`. One request in flight
 * at a time, so kdesk sees events in the order they arrived. Network errors and 5xx keep the
 * batch and retry with backoff; 400/401 drop it (retrying cannot help) and log kdesk's reason.
 */
import type { IngestBatch, OrderBook, Tick } from "../../lib/live/types.ts";
import { log, registerSecret } from "./log.ts";

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
  fetchImpl?: typeof fetch;
}

type ResolvedOptions = Required<HttpSinkOptions>;

export class HttpSink implements Sink {
  #o: ResolvedOptions;
  #ticks: Tick[] = [];
  #books: OrderBook[] = [];
  #timer: NodeJS.Timeout | null = null;
  #inflight: Promise<void> | null = null;
  #failures = 0;
  #closing = false;
  readonly stats = { sent: 0, requests: 0, dropped: 0, rejected: 0 };

  constructor(o: HttpSinkOptions) {
    registerSecret(o.token);
    this.#o = {
      flushMs: 20,
      maxBatch: 300,
      maxBuffered: 50_000,
      fetchImpl: fetch,
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
        if (this.#ticks.length + this.#books.length) {
          this.#schedule(
            this.#failures ? Math.min(10_000, 250 * 2 ** this.#failures) : 0,
          );
        }
      });
    }, delay);
  }

  async #flush(): Promise<void> {
    const ticks = this.#ticks.slice(0, Math.min(this.#o.maxBatch, 400));
    const books = this.#books.slice(
      0,
      Math.min(100, this.#o.maxBatch - ticks.length),
    );
    if (!ticks.length && !books.length) return;
    const body: IngestBatch = { source: this.#o.source, ticks, books };
    try {
      const res = await this.#o.fetchImpl(`${this.#o.url}/api/v1/ticks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${this.#o.token}`,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      this.stats.requests++;
      if (res.ok) {
        this.#failures = 0;
        this.stats.sent += ticks.length + books.length;
      } else if (
        res.status === 400 || res.status === 401 || res.status === 413
      ) {
        this.#failures = 0;
        this.stats.rejected += ticks.length + books.length;
        log.error("kdesk rejected a batch; dropped", {
          status: res.status,
          detail: text.slice(0, 500),
        });
      } else {
        throw new Error(`HTTP ${res.status}`);
      }
      this.#ticks.splice(0, ticks.length);
      this.#books.splice(0, books.length);
    } catch (e) {
      this.#failures++;
      log.warn("ingest failed; will retry", {
        error: e as Error,
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
    for (let i = 0; i < 5 && this.#ticks.length + this.#books.length; i++) {
      await this.#flush();
    }
  }
}
