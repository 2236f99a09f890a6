/**
 * In-process fan-out of live events to SSE clients. One shared feed (the ingest path, or
 * the KV poll fallback) calls {@link Broadcaster.publish}; each event is encoded once and
 * the same bytes are enqueued into every subscribed client's `ReadableStream` controller.
 *
 * - Per-code subscriber index: a tick costs one enqueue per interested client.
 * - A ring of recent frames serves `Last-Event-ID` resumes without gaps or repeats.
 * - Latest tick and book per code are kept for the "current value on connect".
 * - Slow clients: when a client's queue exceeds `maxQueuedBytes` it is closed (the browser
 *   reconnects with Last-Event-ID and is replayed from the ring).
 *
 * @module
 */
import { encodeComment, encodeEvent, encodeRetry } from "./sse.ts";
import type { StoredBook, StoredTick } from "./types.ts";

interface Client {
  codes: ReadonlySet<string>;
  ctrl: ReadableStreamDefaultController<Uint8Array>;
  closed: boolean;
}

interface RingEntry {
  seq: number;
  code: string;
  bytes: Uint8Array;
}

export interface BroadcasterOptions {
  /** Frames kept for Last-Event-ID resume (default 20,000). */
  ringSize?: number;
  /** Heartbeat comment interval in ms (default 15,000; 0 disables). */
  heartbeatMs?: number;
  /** Queue size at which a slow client is dropped (default 4 MiB). */
  maxQueuedBytes?: number;
  /** Called when a code gets its first subscriber (e.g. to record the view). */
  onSubscribe?: (codes: string[]) => void;
}

/** Stats for tests and /health-style introspection. */
export interface BroadcasterStats {
  clients: number;
  published: number;
  dropped_slow: number;
}

const HEARTBEAT = encodeComment("hb");

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
const RETRY = encodeRetry(2000);

export class Broadcaster {
  #byCode = new Map<string, Set<Client>>();
  #clients = new Set<Client>();
  #ring: (RingEntry | undefined)[];
  #ringPos = 0;
  #ringCount = 0;
  #latestTick = new Map<string, { tick: StoredTick; bytes: Uint8Array }>();
  #latestBook = new Map<string, { book: StoredBook; bytes: Uint8Array }>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #published = 0;
  #droppedSlow = 0;
  #maxQueued: number;
  #onSubscribe?: (codes: string[]) => void;
  /** Highest sequence published (0 before any). */
  lastSeq = 0;

  constructor(opts: BroadcasterOptions = {}) {
    this.#ring = new Array(opts.ringSize ?? 20_000);
    this.#maxQueued = opts.maxQueuedBytes ?? 4 * 1024 * 1024;
    this.#onSubscribe = opts.onSubscribe;
    this.#heartbeatMs = opts.heartbeatMs ?? 15_000;
  }

  #heartbeatMs: number;

  /** The heartbeat runs only while clients are connected. */
  #timerFollowClients(): void {
    if (this.#clients.size > 0 && this.#timer === undefined && this.#heartbeatMs > 0) {
      this.#timer = setInterval(() => this.#heartbeat(), this.#heartbeatMs);
    } else if (this.#clients.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Publishes a stored tick to its code's subscribers (in call order). */
  publishTick(tick: StoredTick): void {
    const bytes = encodeEvent("tick", tick, tick.seq);
    const prev = this.#latestTick.get(tick.code);
    if (!prev || prev.tick.seq < tick.seq) this.#latestTick.set(tick.code, { tick, bytes });
    this.#send(tick.code, tick.seq, bytes);
  }

  /** Publishes a stored order book. */
  publishBook(book: StoredBook): void {
    const bytes = encodeEvent("book", book, book.seq);
    const prev = this.#latestBook.get(book.code);
    if (!prev || prev.book.seq < book.seq) this.#latestBook.set(book.code, { book, bytes });
    this.#send(book.code, book.seq, bytes);
  }

  /**
   * Publishes one ingest batch (ticks and books in sequence order). Each client gets one
   * write with all of its frames: one syscall per client per batch instead of per event.
   */
  publishBatch(ticks: StoredTick[], books: StoredBook[]): void {
    const frames: { code: string; bytes: Uint8Array }[] = [];
    for (const t of ticks) {
      const bytes = encodeEvent("tick", t, t.seq);
      const prev = this.#latestTick.get(t.code);
      if (!prev || prev.tick.seq < t.seq) this.#latestTick.set(t.code, { tick: t, bytes });
      this.#record(t.code, t.seq, bytes);
      frames.push({ code: t.code, bytes });
    }
    for (const b of books) {
      const bytes = encodeEvent("book", b, b.seq);
      const prev = this.#latestBook.get(b.code);
      if (!prev || prev.book.seq < b.seq) this.#latestBook.set(b.code, { book: b, bytes });
      this.#record(b.code, b.seq, bytes);
      frames.push({ code: b.code, bytes });
    }
    if (frames.length === 1) {
      const subs = this.#byCode.get(frames[0].code);
      if (subs) { for (const c of subs) this.#enqueue(c, frames[0].bytes); }
      return;
    }
    // Clients interested in any code of the batch.
    const targets = new Set<Client>();
    for (const f of frames) {
      const subs = this.#byCode.get(f.code);
      if (subs) { for (const c of subs) targets.add(c); }
    }
    if (targets.size === 0) return;
    let all: Uint8Array | null = null;
    for (const c of targets) {
      const mine = frames.filter((f) => c.codes.has(f.code));
      if (mine.length === frames.length) {
        all ??= concat(frames.map((f) => f.bytes));
        this.#enqueue(c, all);
      } else this.#enqueue(c, concat(mine.map((f) => f.bytes)));
    }
  }

  /** Seeds the latest values (from KV) without sending anything. */
  seed(tick: StoredTick | null, book: StoredBook | null): void {
    if (tick && !this.#latestTick.has(tick.code)) {
      this.#latestTick.set(tick.code, { tick, bytes: encodeEvent("tick", tick, tick.seq) });
    }
    if (book && !this.#latestBook.has(book.code)) {
      this.#latestBook.set(book.code, { book, bytes: encodeEvent("book", book, book.seq) });
    }
  }

  /** The latest tick of a code this process knows of. */
  latestTick(code: string): StoredTick | null {
    return this.#latestTick.get(code)?.tick ?? null;
  }

  #send(code: string, seq: number, bytes: Uint8Array): void {
    this.#record(code, seq, bytes);
    const subs = this.#byCode.get(code);
    if (!subs) return;
    for (const c of subs) this.#enqueue(c, bytes);
  }

  #record(code: string, seq: number, bytes: Uint8Array): void {
    this.#published++;
    if (seq > this.lastSeq) this.lastSeq = seq;
    this.#ring[this.#ringPos] = { seq, code, bytes };
    this.#ringPos = (this.#ringPos + 1) % this.#ring.length;
    if (this.#ringCount < this.#ring.length) this.#ringCount++;
  }

  #enqueue(c: Client, bytes: Uint8Array): void {
    if (c.closed) return;
    try {
      if ((c.ctrl.desiredSize ?? 0) < -this.#maxQueued) {
        this.#droppedSlow++;
        this.#remove(c);
        c.ctrl.close();
        return;
      }
      c.ctrl.enqueue(bytes);
    } catch {
      this.#remove(c);
    }
  }

  #heartbeat(): void {
    for (const c of this.#clients) this.#enqueue(c, HEARTBEAT);
  }

  #remove(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    this.#clients.delete(c);
    this.#timerFollowClients();
    for (const code of c.codes) {
      const s = this.#byCode.get(code);
      if (!s) continue;
      s.delete(c);
      if (s.size === 0) this.#byCode.delete(code);
    }
  }

  /**
   * Frames a resuming client missed: ring entries after `lastId` for its codes, in order.
   * Returns null when `lastId` is older than the ring (the caller sends current values).
   */
  #replay(codes: ReadonlySet<string>, lastId: number): Uint8Array[] | null {
    if (this.#ringCount === 0) return null;
    const start = (this.#ringPos - this.#ringCount + this.#ring.length) % this.#ring.length;
    const oldest = this.#ring[start]!;
    // Sequences are consecutive within a process: anything older than the ring is a gap.
    if (lastId < oldest.seq - 1) return null;
    const out: Uint8Array[] = [];
    for (let i = 0; i < this.#ringCount; i++) {
      const e = this.#ring[(start + i) % this.#ring.length]!;
      if (e.seq > lastId && codes.has(e.code)) out.push(e.bytes);
    }
    return out;
  }

  /**
   * A new SSE body for `codes`. On connect it sends `retry:`, then either the frames missed
   * since `lastEventId` or the current tick and book of each code, then live frames.
   */
  subscribe(codes: string[], lastEventId?: number): ReadableStream<Uint8Array> {
    const set = new Set(codes);
    let client: Client;
    return new ReadableStream<Uint8Array>({
      start: (ctrl) => {
        client = { codes: set, ctrl, closed: false };
        ctrl.enqueue(RETRY);
        const replay = lastEventId !== undefined ? this.#replay(set, lastEventId) : null;
        if (replay) {
          for (const b of replay) ctrl.enqueue(b);
        } else {
          // Current values, oldest first so ids stay increasing for the client.
          const cur: { seq: number; bytes: Uint8Array }[] = [];
          for (const code of set) {
            const t = this.#latestTick.get(code);
            if (t) cur.push({ seq: t.tick.seq, bytes: t.bytes });
            const b = this.#latestBook.get(code);
            if (b) cur.push({ seq: b.book.seq, bytes: b.bytes });
          }
          cur.sort((a, b) => a.seq - b.seq);
          // A resuming client already has values up to its last id: never repeat them.
          for (const c of cur) {
            if (lastEventId === undefined || c.seq > lastEventId) ctrl.enqueue(c.bytes);
          }
        }
        this.#clients.add(client);
        this.#timerFollowClients();
        const fresh: string[] = [];
        for (const code of set) {
          let s = this.#byCode.get(code);
          if (!s) {
            s = new Set();
            this.#byCode.set(code, s);
          }
          s.add(client);
          fresh.push(code);
        }
        this.#onSubscribe?.(fresh);
      },
      cancel: () => this.#remove(client),
    }, { highWaterMark: 0, size: (chunk) => chunk.byteLength });
  }

  stats(): BroadcasterStats {
    return {
      clients: this.#clients.size,
      published: this.#published,
      dropped_slow: this.#droppedSlow,
    };
  }

  /** Closes every client and stops the heartbeat. */
  close(): void {
    for (const c of [...this.#clients]) {
      this.#remove(c);
      try {
        c.ctrl.close();
      } catch {
        // already closed
      }
    }
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
