/**
 * Kiwoom REAL frame parsing (kiwoom.md §3.4, §3.9–3.11): every value is a string keyed by
 * FID; price-like fields carry a `+`/`-` *direction* prefix (take the magnitude); FID 15
 * is `+` for buy-initiated and `-` for sell-initiated trades; zero may arrive as `" 0"`;
 * `""` means not available; times are HHMMSS KST.
 */
import type { BookLevel, OrderBook, Tick } from "../../lib/live/types.ts";

/** One entry of a REAL frame's `data` array. */
export interface RealEntry {
  type: string;
  name?: string;
  item: string;
  values: Record<string, string>;
}

/** A parsed number (sign kept), or null for empty / unparseable. */
export function num(v: string | undefined): number | null {
  if (v === undefined) return null;
  const s = v.trim();
  if (s === "") return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** The magnitude of a signed price field, or null. Zero counts as "not available". */
export function price(v: string | undefined): number | null {
  const n = num(v);
  return n === null || n === 0 ? null : Math.abs(n);
}

/** "005930", "A005930", "005930_NX", "005930_AL" → "005930". */
export function normalizeCode(item: string): string {
  let c = item.trim();
  const us = c.indexOf("_");
  if (us >= 0) c = c.slice(0, us);
  if (c.length === 7 && c[0] === "A") c = c.slice(1);
  return c;
}

/**
 * HHMMSS (KST) on the KST date of `now` → epoch ms. A time more than 12 h after `now`
 * belongs to the previous KST day (a frame received just after midnight).
 */
export function kstTime(
  hhmmss: string | undefined,
  now: number = Date.now(),
): number {
  const s = (hhmmss ?? "").trim();
  if (!/^\d{6}$/.test(s)) return now;
  const kst = new Date(now + 9 * 3600_000);
  let t = Date.UTC(
    kst.getUTCFullYear(),
    kst.getUTCMonth(),
    kst.getUTCDate(),
    Number(s.slice(0, 2)) - 9,
    Number(s.slice(2, 4)),
    Number(s.slice(4, 6)),
  );
  if (t - now > 12 * 3600_000) t -= 24 * 3600_000;
  return t;
}

/** Parses a 0B 주식체결 entry. Returns null when there is no usable price. */
export function parseTrade(
  e: RealEntry,
  now = Date.now(),
  simulated = false,
): Tick | null {
  const v = e.values;
  const p = price(v["10"]);
  if (p === null) return null;
  const vol = (v["15"] ?? "").trim();
  return {
    code: normalizeCode(e.item),
    price: p,
    change: num(v["11"]) ?? 0,
    change_rate: num(v["12"]) ?? 0,
    volume: Math.abs(num(vol) ?? 0),
    cum_volume: Math.abs(num(v["13"]) ?? 0),
    time: kstTime(v["20"], now),
    side: vol.startsWith("+") ? "buy" : vol.startsWith("-") ? "sell" : null,
    best_ask: price(v["27"]),
    best_bid: price(v["28"]),
    open: price(v["16"]),
    high: price(v["17"]),
    low: price(v["18"]),
    simulated,
  };
}

/** Parses a 0D 주식호가잔량 entry (10 levels each side; empty levels dropped). */
export function parseBook(
  e: RealEntry,
  now = Date.now(),
  simulated = false,
): OrderBook {
  const v = e.values;
  const side = (priceBase: number, qtyBase: number): BookLevel[] => {
    const out: BookLevel[] = [];
    for (let n = 1; n <= 10; n++) {
      const p = price(v[String(priceBase + n)]);
      if (p === null) continue;
      out.push({ price: p, qty: Math.abs(num(v[String(qtyBase + n)]) ?? 0) });
    }
    return out;
  };
  return {
    code: normalizeCode(e.item),
    time: kstTime(v["21"], now),
    asks: side(40, 60),
    bids: side(50, 70),
    total_ask_qty: Math.abs(num(v["121"]) ?? 0),
    total_bid_qty: Math.abs(num(v["125"]) ?? 0),
    simulated,
  };
}

/** Splits a REAL frame into ticks and books; other types are counted and ignored. */
export function parseReal(
  frame: { data?: unknown },
  now = Date.now(),
): { ticks: Tick[]; books: OrderBook[]; ignored: number } {
  const ticks: Tick[] = [];
  const books: OrderBook[] = [];
  let ignored = 0;
  const data = Array.isArray(frame.data) ? frame.data as RealEntry[] : [];
  for (const e of data) {
    if (
      !e || typeof e !== "object" || !e.values || typeof e.item !== "string"
    ) {
      ignored++;
      continue;
    }
    if (e.type === "0B") {
      const t = parseTrade(e, now);
      if (t && /^[0-9][0-9A-Z]{5}$/.test(t.code)) ticks.push(t);
      else ignored++;
    } else if (e.type === "0D") {
      const b = parseBook(e, now);
      if (/^[0-9][0-9A-Z]{5}$/.test(b.code)) books.push(b);
      else ignored++;
    } else ignored++;
  }
  return { ticks, books, ignored };
}
