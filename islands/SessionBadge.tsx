/**
 * KRX market-session badge (장전 동시호가, 정규장, 장마감 동시호가, 시간외, 장 종료, 휴장)
 * from the KST calendar in lib/market, re-evaluated every 15 s in the browser. When the
 * prices on the page come from the simulator it says so.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { sessionAt } from "../lib/market/sessions.ts";

export interface SessionBadgeProps {
  /** Server time (epoch ms) for the first render, so server and client agree. */
  now: number;
  /** True when prices come from the simulator. */
  simulated?: boolean;
}

/** The session badge island. */
export function SessionBadge({ now, simulated }: SessionBadgeProps) {
  const [at, setAt] = useState(now);
  useEffect(() => {
    setAt(Date.now());
    const id = setInterval(() => setAt(Date.now()), 15_000);
    return () => clearInterval(id);
  }, []);
  const s = sessionAt(new Date(at));
  return (
    <span
      class={`badge session-badge session-${s.code}`}
      data-session={s.code}
      title={s.holiday ?? s.date}
    >
      {s.label}
      {simulated ? " · 모의 시세" : ""}
    </span>
  );
}
