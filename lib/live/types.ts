/**
 * The normalized live-data shapes shared by the Node bridge (producer) and kdesk
 * (consumer). Plain TypeScript, no imports: `bridge/` imports this file directly, and
 * `schemas.ts` holds the zod validators that kdesk applies at ingest.
 *
 * @module
 */

/** One trade (Kiwoom 0B 주식체결), normalized. Prices in KRW, unsigned. */
export interface Tick {
  /** 6-character KRX code, e.g. "402760" or "0091A0". */
  code: string;
  /** Last trade price (FID 10, abs). */
  price: number;
  /** Change vs the previous close, signed (FID 11). */
  change: number;
  /** Change rate in percent, signed (FID 12). */
  change_rate: number;
  /** This trade's size in shares (FID 15, abs). */
  volume: number;
  /** Cumulative volume today (FID 13). */
  cum_volume: number;
  /** Trade time, epoch milliseconds (FID 20 HHMMSS KST on the receive date). */
  time: number;
  /** Aggressor: "buy" (FID 15 "+"), "sell" ("-"), or null when unsigned. */
  side: "buy" | "sell" | null;
  /** Best bid / ask (FIDs 28 / 27), null when empty. */
  best_bid: number | null;
  best_ask: number | null;
  /** Open / high / low (FIDs 16 / 17 / 18), null when empty. */
  open: number | null;
  high: number | null;
  low: number | null;
  /** True for simulator output (never shown as a real price). */
  simulated: boolean;
}

/** One price level of an order book. */
export interface BookLevel {
  price: number;
  qty: number;
}

/** A 10-level order book (Kiwoom 0D 주식호가잔량), normalized. */
export interface OrderBook {
  code: string;
  /** Book time, epoch milliseconds (FID 21). */
  time: number;
  /** Asks, best (lowest) first (FIDs 41–50 / 61–70). */
  asks: BookLevel[];
  /** Bids, best (highest) first (FIDs 51–60 / 71–80). */
  bids: BookLevel[];
  /** Total ask / bid quantity (FIDs 121 / 125). */
  total_ask_qty: number;
  total_bid_qty: number;
  simulated: boolean;
}

/** The body of POST /api/v1/ticks. */
export interface IngestBatch {
  /** Who sent it, for logs ("kiwoom", "simulator"). */
  source: string;
  ticks: Tick[];
  books: OrderBook[];
  /** Idempotency id of the batch (kept across the sender's retries); optional for old senders. */
  batch_id?: string;
}

/** A tick as stored and streamed by kdesk: the tick plus kdesk's sequence number. */
export interface StoredTick extends Tick {
  /** Process-wide monotonic sequence; the SSE event id. */
  seq: number;
  /** Ingest time, epoch ms. */
  received_at: number;
}

/** An order book as stored and streamed. */
export interface StoredBook extends OrderBook {
  seq: number;
  received_at: number;
}
