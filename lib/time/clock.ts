/**
 * The one clock of the app. Every "now" and "today" a page, an island, the IPO D-days, the
 * session badge or the simulator bridge shows comes from a {@link Clock} that the composition
 * root (`main.ts`, or a test) picks once and passes down:
 *
 * - **live** — KST now (the wall clock).
 * - **sample** — the sample dataset's as-of day at a time inside its regular KRX session
 *   (정규장): the sample's IPO stages, "this week", the calendar month, the footer, the session
 *   badge ("장중") and the simulator's tick times all agree with the data, at any wall-clock
 *   hour. The time of day follows the wall clock folded into the session window
 *   (09:00–15:20 KST on a normal day): at 10:30 wall time it is 10:30 on the as-of day; at
 *   20:00 it is 13:40 (09:00 + (11:00 mod 6:20)). It keeps moving, so tick times advance.
 * - **fixed** — one instant (tests).
 *
 * A clock is described by a small JSON-serializable {@link ClockSpec}, so islands in the
 * browser and the Node bridge rebuild the same clock from their own wall clock.
 *
 * Pure TypeScript (no Deno APIs): the bridge and the island bundle import it.
 *
 * @module
 */
import { kstParts, sessionAt } from "../market/sessions.ts";

/** What a clock is, as data (island props, the bridge's environment). */
export type ClockSpec =
  | { mode: "live" }
  | { mode: "sample"; as_of: string }
  | { mode: "fixed"; at: number };

/** The app's clock. */
export interface Clock {
  readonly spec: ClockSpec;
  /** The current instant. */
  now(): Date;
  /** The current KST calendar date, `YYYY-MM-DD`. */
  today(): string;
}

const KST_OFFSET_MS = 9 * 3600_000;
const DAY_MS = 86400_000;
const MINUTE_MS = 60_000;

function make(spec: ClockSpec, now: () => Date): Clock {
  return { spec, now, today: () => kstParts(now()).date };
}

/** KST now. `wall` is the epoch-ms source (default `Date.now`). */
export function liveClock(wall: () => number = Date.now): Clock {
  return make({ mode: "live" }, () => new Date(wall()));
}

/** One fixed instant (tests). */
export function fixedClock(at: Date | string | number): Clock {
  const ms = new Date(at).getTime();
  if (Number.isNaN(ms)) throw new Error(`fixedClock: not a date: ${String(at)}`);
  return make({ mode: "fixed", at: ms }, () => new Date(ms));
}

/**
 * The regular session (정규장) of a KRX trading day as KST minutes after midnight,
 * `[open, close)`, read from the session calendar (so a late-opening day — the year's first
 * trading day, the 수능 day — is right). Throws for a day without one (weekend, holiday).
 */
export function regularSession(date: string): { open: number; close: number } {
  const midnight = Date.parse(`${date}T00:00:00Z`) - KST_OFFSET_MS;
  if (Number.isNaN(midnight)) throw new Error(`not a date: ${date}`);
  const code = (m: number) => sessionAt(new Date(midnight + m * MINUTE_MS)).code;
  // Session boundaries fall on whole 10 minutes (08:30, 09:00, 10:00, 15:20, 16:20 …).
  const STEP = 10;
  let open = -1;
  for (let m = 0; m < 24 * 60; m += STEP) {
    if (code(m) === "regular") {
      open = m;
      break;
    }
  }
  if (open < 0) throw new Error(`${date} is not a KRX trading day (no regular session)`);
  let close = open;
  while (close < 24 * 60 && code(close) === "regular") close += STEP;
  return { open, close };
}

/**
 * The sample clock: the as-of day (`YYYY-MM-DD`, a KRX trading day) at the wall clock's KST
 * time of day folded into that day's regular session.
 */
export function sampleClock(asOf: string, wall: () => number = Date.now): Clock {
  const { open, close } = regularSession(asOf);
  const midnight = Date.parse(`${asOf}T00:00:00Z`) - KST_OFFSET_MS;
  const openMs = open * MINUTE_MS;
  const span = (close - open) * MINUTE_MS;
  return make({ mode: "sample", as_of: asOf }, () => {
    const tod = (((wall() + KST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
    const into = (((tod - openMs) % span) + span) % span;
    return new Date(midnight + openMs + into);
  });
}

/** Rebuilds a clock from its spec (in the browser, the bridge, or a test). */
export function clockFromSpec(spec: ClockSpec, wall: () => number = Date.now): Clock {
  switch (spec.mode) {
    case "sample":
      return sampleClock(spec.as_of, wall);
    case "fixed":
      return fixedClock(spec.at);
    default:
      return liveClock(wall);
  }
}

/** A spec as one string (`live`, `sample:2026-11-20`, `fixed:<epoch ms>`), for env vars. */
export function clockSpecText(spec: ClockSpec): string {
  return spec.mode === "sample"
    ? `sample:${spec.as_of}`
    : spec.mode === "fixed"
    ? `fixed:${spec.at}`
    : "live";
}

/** Parses {@link clockSpecText}'s form; throws on anything else. */
export function parseClockSpec(text: string): ClockSpec {
  const t = text.trim();
  if (t === "" || t === "live") return { mode: "live" };
  let m = /^sample:(\d{4}-\d{2}-\d{2})$/.exec(t);
  if (m) {
    regularSession(m[1]); // throws for a day without a session
    return { mode: "sample", as_of: m[1] };
  }
  m = /^fixed:(\d{1,16})$/.exec(t);
  if (m) return { mode: "fixed", at: Number(m[1]) };
  throw new Error(`clock must be live, sample:YYYY-MM-DD or fixed:<epoch ms>; got ${t}`);
}
