/**
 * 호가창: 10 ask levels above 10 bid levels with quantities and bars, updated in place
 * from `book` events. Ask prices are blue-on-white, bid prices red, per the usual
 * Korean layout (매도 위, 매수 아래).
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import type { StoredBook } from "../lib/live/types.ts";
import { subscribe } from "../lib/live/browser_feed.ts";
import { won } from "../lib/live/format.ts";

export interface OrderBookProps {
  code: string;
  initial: StoredBook | null;
}

/** The order-book island. */
export function OrderBook({ code, initial }: OrderBookProps) {
  const [b, setB] = useState<StoredBook | null>(initial);
  useEffect(() => subscribe(code, { book: setB }), [code]);
  if (!b) return <p class="muted order-book-empty">호가 정보가 없습니다.</p>;
  const max = Math.max(1, ...b.asks.map((l) => l.qty), ...b.bids.map((l) => l.qty));
  const bar = (qty: number, color: string) =>
    `background:linear-gradient(to left, ${color} ${
      Math.round((qty / max) * 100)
    }%, transparent 0)`;
  const asks = [...b.asks].reverse();
  return (
    <table class="data order-book" data-code={code}>
      <caption class="sr-only">호가창 (매도 10단계, 매수 10단계)</caption>
      <thead>
        <tr>
          <th scope="col">매도잔량</th>
          <th scope="col">호가</th>
          <th scope="col">매수잔량</th>
        </tr>
      </thead>
      <tbody>
        {asks.map((l) => (
          <tr key={`a${l.price}`} class="ask">
            <td class="num" style={bar(l.qty, "rgba(0,81,199,.15)")}>{won(l.qty)}</td>
            <td class="num down">{won(l.price)}</td>
            <td />
          </tr>
        ))}
        {b.bids.map((l) => (
          <tr key={`b${l.price}`} class="bid">
            <td />
            <td class="num up">{won(l.price)}</td>
            <td class="num" style={bar(l.qty, "rgba(214,0,0,.15)")}>{won(l.qty)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td class="num">{won(b.total_ask_qty)}</td>
          <td class="muted">총잔량{b.simulated ? " · 모의" : ""}</td>
          <td class="num">{won(b.total_bid_qty)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
