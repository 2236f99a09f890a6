/**
 * KRX session calendar in KST: which session is running at an instant, for the session
 * badge and for the simulator. Pure TypeScript (no Deno APIs): the Node bridge imports it.
 *
 * Sessions (kiwoom.md §5.1): 08:30–09:00 장전 동시호가, 09:00–15:20 정규장, 15:20–15:30
 * 장마감 동시호가, 15:30–20:00 시간외 (15:40–16:00 장후 종가; KRX 애프터마켓 16:00–20:00
 * from 2026-09-14, before that 시간외 단일가 16:00–18:00), otherwise 장 종료; 휴장 on
 * weekends and holidays.
 *
 * Special days: the first trading day of a year opens an hour late (10:00), and on the
 * 수능 (CSAT) day every session starts and ends an hour late (10:00–16:30).
 *
 * 2026 holidays: KRX's own list could not be fetched here (kiwoom.md §5.2 gives only the
 * remaining closures Oct 5, Oct 9, Dec 25, Dec 31, derived from rules). The full list
 * below is derived from the public-holiday rules of 2026 (lunar dates, substitute days,
 * the 2026-06-03 local election) plus KRX's year-end closure; update it when KRX
 * publishes its calendar.
 *
 * @module
 */

/** Session codes. */
export type SessionCode =
  | "pre_open" // 장전 동시호가
  | "regular" // 정규장
  | "closing_auction" // 장마감 동시호가
  | "after_hours" // 시간외
  | "closed" // 장 종료 (trading day, outside hours)
  | "holiday"; // 휴장

/** Korean labels shown on the badge. */
export const SESSION_LABELS: Record<SessionCode, string> = {
  pre_open: "장전 동시호가",
  regular: "정규장",
  closing_auction: "장마감 동시호가",
  after_hours: "시간외",
  closed: "장 종료",
  holiday: "휴장",
};

/** KRX closures by date (YYYY-MM-DD), weekends excluded. */
export const KRX_HOLIDAYS: Readonly<Record<string, string>> = {
  "2026-01-01": "신정",
  "2026-02-16": "설날 연휴",
  "2026-02-17": "설날",
  "2026-02-18": "설날 연휴",
  "2026-03-02": "삼일절 대체공휴일",
  "2026-05-01": "근로자의 날",
  "2026-05-05": "어린이날",
  "2026-05-25": "부처님오신날 대체공휴일",
  "2026-06-03": "전국동시지방선거",
  "2026-08-17": "광복절 대체공휴일",
  "2026-09-24": "추석 연휴",
  "2026-09-25": "추석",
  "2026-10-05": "개천절 대체공휴일",
  "2026-10-09": "한글날",
  "2026-12-25": "성탄절",
  "2026-12-31": "연말 휴장일",
  "2027-01-01": "신정",
};

/** Days whose sessions all shift one hour later (CSAT). */
const LATE_DAYS: ReadonlySet<string> = new Set(["2026-11-19"]);
/** First trading days of a year: only the open shifts to 10:00. */
const LATE_OPEN_DAYS: ReadonlySet<string> = new Set(["2026-01-02", "2027-01-04"]);

const KST_OFFSET_MS = 9 * 3600_000;

/** KST calendar parts of an instant. */
export function kstParts(at: Date): { date: string; weekday: number; minutes: number } {
  const k = new Date(at.getTime() + KST_OFFSET_MS);
  return {
    date: k.toISOString().slice(0, 10),
    weekday: k.getUTCDay(),
    minutes: k.getUTCHours() * 60 + k.getUTCMinutes() + k.getUTCSeconds() / 60,
  };
}

/** True when KRX trades on this KST date (YYYY-MM-DD). */
export function isTradingDay(date: string): boolean {
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6 && !(date in KRX_HOLIDAYS);
}

const hm = (h: number, m: number) => h * 60 + m;

/** The session state at an instant. */
export interface SessionState {
  code: SessionCode;
  label: string;
  /** KST date. */
  date: string;
  /** Holiday name when `code` is "holiday" on a weekday. */
  holiday?: string;
}

/** Which KRX session is running at `at`. */
export function sessionAt(at: Date = new Date()): SessionState {
  const { date, minutes } = kstParts(at);
  const mk = (code: SessionCode): SessionState => ({ code, label: SESSION_LABELS[code], date });
  if (!isTradingDay(date)) {
    const s = mk("holiday");
    if (KRX_HOLIDAYS[date]) s.holiday = KRX_HOLIDAYS[date];
    return s;
  }
  const shift = LATE_DAYS.has(date) ? 60 : 0;
  const openShift = LATE_DAYS.has(date) || LATE_OPEN_DAYS.has(date) ? 60 : 0;
  if (minutes < hm(8, 30) + openShift) return mk("closed");
  if (minutes < hm(9, 0) + openShift) return mk("pre_open");
  if (minutes < hm(15, 20) + shift) return mk("regular");
  if (minutes < hm(15, 30) + shift) return mk("closing_auction");
  const afterEnd = date >= "2026-09-14" ? hm(20, 0) : hm(18, 0);
  if (minutes < afterEnd) return mk("after_hours");
  return mk("closed");
}

/** True when trades print in this session (continuous or after-hours trading). */
export function tradesIn(code: SessionCode): boolean {
  return code === "regular" || code === "after_hours";
}
