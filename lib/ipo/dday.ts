/**
 * D-day badges of IPO deals, as a subscriber reads them. `today` is the app clock's KST date
 * (`Clock.today()`: the sample's as-of day in sample mode), all dates `YYYY-MM-DD`.
 *
 * One deal, one badge — the next thing that happens to it:
 *
 * | today                                   | badge            |
 * | --------------------------------------- | ---------------- |
 * | before 수요예측 and 청약                 | `청약 D-N`       |
 * | 수요예측 (first day … last day), before 청약 | `수요예측 중`  |
 * | after 수요예측, before 청약              | `청약 D-N`       |
 * | 청약 first day … the day before the last | `청약 중`        |
 * | last 청약 day                            | `청약 마감일`    |
 * | after 청약, before listing               | `상장 D-N`       |
 * | listing day                              | `상장일`         |
 * | after listing                            | none             |
 *
 * A deal without 청약 dates counts down to its listing (`상장 D-N`), or with only 수요예측
 * dates to those (`수요예측 D-N`). Countdowns further than {@link DDAY_HORIZON} days away and
 * withdrawn or rejected deals get no badge. The board's table has a 청약 and a 상장 column:
 * {@link subscriptionBadge} and {@link listingBadge} are the same rules for one event each.
 *
 * @module
 */

/** Countdowns further away than this many days show no badge. */
export const DDAY_HORIZON = 30;

/** A date range (`from` ≤ `to`). */
export interface DayRange {
  from: string;
  to: string;
}

/** The schedule of a deal the badge is computed from. */
export interface DealDates {
  stage?: string;
  /** 수요예측 */
  book?: DayRange | null;
  /** 청약 */
  sub: DayRange | null;
  /** 상장일 */
  list: string | null;
}

/** A badge: its text, which event it counts to, and how urgent it is. */
export interface DdayBadge {
  text: string;
  event: "수요예측" | "청약" | "상장";
  /** upcoming: a countdown; ongoing: the event runs today; today: its last (or only) day. */
  tone: "upcoming" | "ongoing" | "today";
  /** The date the badge refers to (the event's start, or its end while it runs). */
  date: string;
}

/** Whole days from `today` to `date`. */
export function daysUntil(date: string, today: string): number {
  return Math.round(
    (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86400_000,
  );
}

function countdown(
  event: DdayBadge["event"],
  date: string,
  today: string,
  horizon: number,
): DdayBadge | null {
  const n = daysUntil(date, today);
  return n > 0 && n <= horizon ? { text: `${event} D-${n}`, event, tone: "upcoming", date } : null;
}

/** The 청약 badge alone: `청약 D-N`, `청약 중`, `청약 마감일`, then none. */
export function subscriptionBadge(
  sub: DayRange | null | undefined,
  today: string,
  horizon = DDAY_HORIZON,
): DdayBadge | null {
  if (!sub || today > sub.to) return null;
  if (today === sub.to) return { text: "청약 마감일", event: "청약", tone: "today", date: sub.to };
  if (today >= sub.from) return { text: "청약 중", event: "청약", tone: "ongoing", date: sub.to };
  return countdown("청약", sub.from, today, horizon);
}

/** The 상장 badge alone: `상장 D-N`, `상장일`, then none. */
export function listingBadge(
  list: string | null | undefined,
  today: string,
  horizon = DDAY_HORIZON,
): DdayBadge | null {
  if (!list || today > list) return null;
  if (today === list) return { text: "상장일", event: "상장", tone: "today", date: list };
  return countdown("상장", list, today, horizon);
}

/** The one badge of a deal (see the module table). */
export function dealBadge(
  d: DealDates,
  today: string,
  horizon = DDAY_HORIZON,
): DdayBadge | null {
  if (d.stage === "철회" || d.stage === "미승인") return null;
  const { book, sub, list } = d;
  const inBook = !!book && book.from <= today && today <= book.to;
  if (sub && today <= sub.to) {
    if (today < sub.from && inBook) {
      return { text: "수요예측 중", event: "수요예측", tone: "ongoing", date: book!.to };
    }
    return subscriptionBadge(sub, today, horizon);
  }
  if (list) return listingBadge(list, today, horizon);
  if (!sub && book) {
    if (inBook) return { text: "수요예측 중", event: "수요예측", tone: "ongoing", date: book.to };
    return countdown("수요예측", book.from, today, horizon);
  }
  return null;
}
