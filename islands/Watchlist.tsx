/**
 * A watchlist table updating in place: one row per code with price, change, rate, volume
 * and time; a changed price cell flashes red (up) or blue (down). Watchlists themselves
 * come in a later issue; today the home page can show the featured codes.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { StoredTick } from "../lib/live/types.ts";
import { liveState, subscribe } from "../lib/live/browser_feed.ts";
import { arrow, dirClass, flash, signed, won } from "../lib/live/format.ts";

export interface WatchlistProps {
  rows: { code: string; name: string; href?: string; tick: StoredTick | null }[];
  caption?: string;
}

function Row({ code, name, href, tick }: WatchlistProps["rows"][number]) {
  const [t, setT] = useState(tick);
  const cell = useRef<HTMLTableCellElement>(null);
  const last = useRef(tick?.price ?? null);
  useEffect(() =>
    subscribe(code, {
      tick: (n) => {
        const prev = last.current;
        last.current = n.price;
        setT(n);
        if (prev !== null && prev !== n.price) flash(cell.current, n.price > prev ? "up" : "down");
      },
    }), [code]);
  const cls = dirClass(t?.change);
  return (
    <tr data-code={code}>
      <th scope="row">
        {href ? <a href={href}>{name}</a> : name} <span class="muted">{code}</span>
      </th>
      <td ref={cell} class={`num ${cls}`}>{won(t?.price)}</td>
      <td class={`num ${cls}`}>{t ? `${arrow(t.change)} ${signed(t.change)}` : "—"}</td>
      <td class={`num ${cls}`}>{t ? `${signed(t.change_rate, 2)}%` : "—"}</td>
      <td class="num">{won(t?.cum_volume)}</td>
    </tr>
  );
}

/** The watchlist island. */
export function Watchlist({ rows, caption }: WatchlistProps) {
  const state = liveState.value;
  return (
    <table class="data watchlist" data-state={state}>
      <caption>
        {caption ?? "관심 종목"}
        {state === "reconnecting" && <span class="muted">· 재연결 중…</span>}
      </caption>
      <thead>
        <tr>
          <th scope="col">종목</th>
          <th scope="col">현재가</th>
          <th scope="col">전일대비</th>
          <th scope="col">등락률</th>
          <th scope="col">거래량</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => <Row key={r.code} {...r} />)}
      </tbody>
    </table>
  );
}
