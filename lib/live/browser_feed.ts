/**
 * The page's one live connection, shared by every live island (LivePrice, OrderBook,
 * Watchlist): one EventSource on /api/v1/stream/prices for the union of their codes.
 * On an error it closes the EventSource and reconnects itself with exponential backoff
 * (0.5 s … 15 s, jittered), resuming from the last event id (`lastEventId` query, since
 * EventSource cannot set headers). The connection state is a signal islands can show.
 *
 * Never imported on the server except for types: islands open it inside effects.
 *
 * @module
 */
import { signal } from "@preact/signals";
import type { StoredBook, StoredTick } from "./types.ts";

export type LiveState = "idle" | "connecting" | "live" | "reconnecting";

/** Connection state of the page's live feed. */
export const liveState = signal<LiveState>("idle");

type Handler = { tick?: (t: StoredTick) => void; book?: (b: StoredBook) => void };

const handlers = new Map<string, Set<Handler>>();
let es: EventSource | null = null;
let openCodes = "";
let lastId: string | null = null;
let attempt = 0;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let scheduled = false;

function codes(): string[] {
  return [...handlers.keys()].sort();
}

function dispatch<K extends keyof Handler>(kind: K, data: string, id: string) {
  if (id) lastId = id;
  const value = JSON.parse(data);
  const set = handlers.get(value.code);
  if (!set) return;
  for (const h of set) (h[kind] as ((v: unknown) => void) | undefined)?.(value);
}

function connect(): void {
  scheduled = false;
  const list = codes();
  const key = list.join(",");
  if (es && key === openCodes) return;
  es?.close();
  es = null;
  openCodes = key;
  if (!list.length) {
    liveState.value = "idle";
    return;
  }
  liveState.value = attempt > 0 ? "reconnecting" : "connecting";
  const q = new URLSearchParams({ codes: key });
  if (lastId) q.set("lastEventId", lastId);
  const src = new EventSource(`/api/v1/stream/prices?${q}`);
  es = src;
  src.onopen = () => {
    attempt = 0;
    liveState.value = "live";
  };
  src.addEventListener("tick", (e) => {
    const m = e as MessageEvent<string>;
    dispatch("tick", m.data, m.lastEventId);
  });
  src.addEventListener("book", (e) => {
    const m = e as MessageEvent<string>;
    dispatch("book", m.data, m.lastEventId);
  });
  src.onerror = () => {
    if (es !== src) return;
    src.close();
    es = null;
    openCodes = "";
    liveState.value = "reconnecting";
    attempt++;
    const delay = Math.min(15_000, 500 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };
}

/** Subscribes to a code's ticks and books; returns the unsubscribe function. */
export function subscribe(code: string, h: Handler): () => void {
  let set = handlers.get(code);
  if (!set) handlers.set(code, set = new Set());
  set.add(h);
  // Batch subscriptions made during one render pass into one connection.
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(() => {
      if (!retryTimer) connect();
      else scheduled = false;
    });
  }
  return () => {
    set!.delete(h);
    if (set!.size === 0) handlers.delete(code);
  };
}
