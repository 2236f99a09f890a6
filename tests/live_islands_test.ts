/** Server rendering of the live islands: stored values, no invented price, labels. */
import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import type { StoredBook, StoredTick } from "../lib/live/types.ts";
import { LivePrice } from "../islands/LivePrice.tsx";
import { OrderBook } from "../islands/OrderBook.tsx";
import { SessionBadge } from "../islands/SessionBadge.tsx";
import { Watchlist } from "../islands/Watchlist.tsx";

const tick: StoredTick = {
  code: "402760",
  price: 51_200,
  change: -300,
  change_rate: -0.58,
  volume: 3,
  cum_volume: 12_345,
  time: Date.parse("2026-11-24T01:56:18Z"),
  side: "sell",
  best_bid: 51_200,
  best_ask: 51_300,
  open: 51_500,
  high: 51_600,
  low: 51_100,
  simulated: true,
  seq: 7,
  received_at: 0,
};

Deno.test("LivePrice renders the stored tick in blue (down) with the 모의 label", () => {
  const html = renderToString(h(LivePrice, { code: "402760", initial: tick }));
  assert.match(html, /data-price="51200"/);
  assert.match(html, /class="live-price-value down"/);
  assert.match(html, />51,200</);
  assert.match(html, /▼ -300 \(-0\.58%\)/);
  assert.match(html, /10:56:18 KST/);
  assert.match(html, /모의 시세/);
});

Deno.test("LivePrice without a stored tick shows no price at all", () => {
  const html = renderToString(h(LivePrice, { code: "402760", initial: null }));
  assert.doesNotMatch(html, /data-price="\d/);
  assert.match(html, /실시간 시세 없음/);
  assert.doesNotMatch(html, /\d{1,3},\d{3}/);
});

Deno.test("OrderBook renders asks above bids; SessionBadge and Watchlist render", () => {
  const book: StoredBook = {
    code: "402760",
    time: 0,
    simulated: false,
    total_ask_qty: 30,
    total_bid_qty: 7,
    asks: [{ price: 51_300, qty: 10 }, { price: 51_400, qty: 20 }],
    bids: [{ price: 51_200, qty: 7 }],
    seq: 8,
    received_at: 0,
  };
  const html = renderToString(h(OrderBook, { code: "402760", initial: book }));
  const order = [...html.matchAll(/>(51,[234]00)</g)].map((m) => m[1]);
  assert.deepEqual(order, ["51,400", "51,300", "51,200"]);
  const badge = renderToString(
    h(SessionBadge, { now: Date.parse("2026-11-24T01:00:00Z"), simulated: true }),
  );
  assert.match(badge, /모의 시세 · 장중/);
  const wl = renderToString(
    h(Watchlist, {
      rows: [{ code: "402760", name: "한빛반도체", tick }, {
        code: "0091A0",
        name: "하람로보틱스",
        tick: null,
      }],
    }),
  );
  assert.match(wl, /한빛반도체/);
  assert.match(wl, /<td class="num down">51,200<\/td>/);
  assert.match(wl, /<td class="num flat">—<\/td>/);
});
