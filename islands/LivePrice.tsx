/**
 * The live price of one stock: price, change and rate in Korean colours (red up, blue
 * down), a red/blue flash on every uptick/downtick, the time of the last trade, a
 * "모의" (simulated) label for simulator ticks, and the feed's connection state
 * ("재연결 중…" while reconnecting). Server-rendered with the stored tick (or "—").
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { StoredTick } from "../lib/live/types.ts";
import { liveState, subscribe } from "../lib/live/browser_feed.ts";
import { arrow, dirClass, flash, signed, won } from "../lib/live/format.ts";

export interface LivePriceProps {
  code: string;
  /** The stored latest tick, or null (no live price and no close stored: shows —). */
  initial: StoredTick | null;
}

const STATE_LABEL = {
  idle: "",
  connecting: "연결 중…",
  live: "실시간",
  reconnecting: "재연결 중…",
} as const;

/**
 * The feed state as shown: "실시간" only for real prices; simulated ones are "수신 중" next
 * to their 모의 시세 badge, and a feed with no price yet is just "연결됨".
 */
export function stateLabel(state: keyof typeof STATE_LABEL, t: StoredTick | null): string {
  if (state !== "live") return STATE_LABEL[state];
  return !t ? "연결됨" : t.simulated ? "수신 중" : STATE_LABEL.live;
}

function kstTime(ms: number): string {
  return new Date(ms + 9 * 3600_000).toISOString().slice(11, 19);
}

/** The live price island. */
export function LivePrice({ code, initial }: LivePriceProps) {
  const [t, setT] = useState<StoredTick | null>(initial);
  const [move, setMove] = useState<"up" | "down" | "">("");
  const priceEl = useRef<HTMLSpanElement>(null);
  const last = useRef<number | null>(initial?.price ?? null);

  useEffect(() =>
    subscribe(code, {
      tick: (next) => {
        const prev = last.current;
        last.current = next.price;
        setT(next);
        if (prev !== null && next.price !== prev) {
          const dir = next.price > prev ? "up" : "down";
          setMove(dir);
          flash(priceEl.current, dir);
        }
      },
    }), [code]);

  const state = liveState.value;
  const cls = dirClass(t?.change);
  return (
    <div
      class="live-price"
      data-code={code}
      data-price={t ? String(t.price) : ""}
      data-move={move}
      data-state={state}
      aria-live="polite"
    >
      <span
        ref={priceEl}
        class={`live-price-value ${cls}`}
        style="font-size:1.6em;font-weight:700;padding:0 .2em;border-radius:4px"
      >
        {won(t?.price)}
      </span>
      {t
        ? (
          <span class={`live-price-change ${cls}`} style="margin-left:.5em">
            {arrow(t.change)} {signed(t.change)} ({signed(t.change_rate, 2)}%)
          </span>
        )
        : <span class="muted" style="margin-left:.5em">실시간 시세 없음</span>}
      {t && (
        <span class="muted" style="margin-left:.5em;font-size:.85em">
          {kstTime(t.time)} KST
        </span>
      )}
      {t?.simulated && (
        <span
          class="badge live-simulated"
          title="시뮬레이터가 만든 가격입니다 (실제 시세 아님)"
          style="margin-left:.5em"
        >
          모의 시세
        </span>
      )}
      {stateLabel(state, t) && (
        <span
          class={`live-state live-state-${state} muted`}
          style={`margin-left:.5em;font-size:.85em${
            state === "reconnecting" ? ";color:#b26a00" : ""
          }`}
        >
          {stateLabel(state, t)}
        </span>
      )}
    </div>
  );
}
