/**
 * zod validators for the ingest API (POST /api/v1/ticks) and the price API. They describe
 * the same shapes as `types.ts`, which the Node bridge shares.
 *
 * @module
 */
import { z } from "zod";
import type { IngestBatch as IngestBatchT } from "./types.ts";

/** KRX 6-character code: digits, or digits and capitals for newer listings (0091A0). */
export const LIVE_CODE_RE = /^[0-9][0-9A-Z]{5}$/;

const Code = z.string().regex(LIVE_CODE_RE, "code must be 6 characters [0-9A-Z]");
const Price = z.number().int().positive().max(100_000_000);
const NullablePrice = Price.nullable();
/** Epoch ms within a sane window (2020 … 2100). */
const Time = z.number().int().min(1_577_836_800_000).max(4_102_444_800_000);

export const Tick = z.object({
  code: Code,
  price: Price,
  change: z.number().int().min(-100_000_000).max(100_000_000),
  change_rate: z.number().min(-100).max(1000),
  volume: z.number().int().nonnegative(),
  cum_volume: z.number().int().nonnegative(),
  time: Time,
  side: z.enum(["buy", "sell"]).nullable(),
  best_bid: NullablePrice,
  best_ask: NullablePrice,
  open: NullablePrice,
  high: NullablePrice,
  low: NullablePrice,
  simulated: z.boolean(),
}).strict().meta({ id: "Tick" });

const Level = z.object({ price: Price, qty: z.number().int().nonnegative() }).strict();

export const OrderBook = z.object({
  code: Code,
  time: Time,
  asks: z.array(Level).max(10),
  bids: z.array(Level).max(10),
  total_ask_qty: z.number().int().nonnegative(),
  total_bid_qty: z.number().int().nonnegative(),
  simulated: z.boolean(),
}).strict().meta({ id: "OrderBook" });

/** Most mutations one batch may cause: KV commits take at most 1,000. */
export const MAX_BATCH_TICKS = 400;
export const MAX_BATCH_BOOKS = 100;

/** A bridge batch id: random per batch, kept across the bridge's retries of that batch. */
export const BATCH_ID_RE = /^[A-Za-z0-9_-]{8,64}$/;

export const IngestBatch = z.object({
  source: z.string().min(1).max(40),
  batch_id: z.string().regex(BATCH_ID_RE, "batch_id must be 8–64 characters [A-Za-z0-9_-]")
    .optional().meta({
      description:
        "Idempotency key: a batch whose id was stored in the last 15 minutes is answered as a duplicate and not stored again.",
    }),
  ticks: z.array(Tick).max(MAX_BATCH_TICKS),
  books: z.array(OrderBook).max(MAX_BATCH_BOOKS).default([]),
}).strict().refine((b) => b.ticks.length + b.books.length > 0, {
  message: "batch is empty: give at least one tick or book",
}).meta({ id: "IngestBatch" });

// Compile-time check: the zod output matches the shared interface.
const _check: (b: z.infer<typeof IngestBatch>) => IngestBatchT = (b) => b;
void _check;

export const StoredTickSchema = Tick.extend({
  seq: z.number().int(),
  received_at: z.number().int(),
}).meta({ id: "StoredTick" });

export const PriceAnswer = z.object({
  code: z.string(),
  source: z.enum(["live", "simulated", "last_close", "none"]),
  price: z.number().nullable(),
  change: z.number().nullable(),
  change_rate: z.number().nullable(),
  time: z.number().nullable(),
  tick: StoredTickSchema.nullable(),
}).meta({ id: "PriceAnswer" });
