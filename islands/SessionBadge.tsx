/**
 * KRX market-session badge (장전 동시호가, 정규장, 장마감 동시호가, 시간외, 장 종료, 휴장)
 * from the KST calendar in lib/market, on the app's clock (lib/time/clock.ts: in sample mode
 * the sample's as-of day in its regular session), re-evaluated every 15 s in the browser.
 *
 * When the prices on the page come from the simulator the badge says so, and says what the
 * simulator does now: "모의 시세 · 장중" while it trades (it ticks in 정규장 and 시간외 on the
 * app clock), "모의 시세 · 장 종료" etc. while it does not — never a closed market next to
 * ticking prices.
 *
 * @module
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { sessionAt, type SessionState, tradesIn } from "../lib/market/sessions.ts";
import { clockFromSpec, type ClockSpec } from "../lib/time/clock.ts";

export interface SessionBadgeProps {
  /** The app clock's time (epoch ms) at render, so server and client agree. */
  now: number;
  /** True when prices come from the simulator. */
  simulated?: boolean;
  /** The app clock (default: live, KST now). */
  clock?: ClockSpec;
}

/** The badge text for a session. */
export function sessionBadgeText(s: SessionState, simulated: boolean): string {
  if (!simulated) return s.label;
  return `모의 시세 · ${tradesIn(s.code) ? "장중" : s.label}`;
}

/** The session badge island. */
export function SessionBadge({ now, simulated, clock }: SessionBadgeProps) {
  const c = useMemo(() => clockFromSpec(clock ?? { mode: "live" }), [clock]);
  const [at, setAt] = useState(now);
  useEffect(() => {
    setAt(c.now().getTime());
    const id = setInterval(() => setAt(c.now().getTime()), 15_000);
    return () => clearInterval(id);
  }, [c]);
  const s = sessionAt(new Date(at));
  return (
    <span
      class={`badge session-badge session-${s.code}`}
      data-session={s.code}
      data-trading={tradesIn(s.code) ? "1" : "0"}
      title={s.holiday ?? s.date}
    >
      {sessionBadgeText(s, !!simulated)}
    </span>
  );
}
