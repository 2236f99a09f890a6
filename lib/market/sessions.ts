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
 * Holidays (`KRX_HOLIDAYS`): KRX closes on weekends, public holidays (substitute holidays,
 * election days and government-designated temporary holidays included), 근로자의 날 (May 1)
 * and the last weekday of the year (연말 휴장일). Weekends are not listed; neither is a
 * holiday that falls on a Saturday or Sunday without a substitute day.
 *
 * 2021–2025: KRX's own 휴장일 page cannot be reached from here (kiwoom.md §5.2), so every
 * date was checked against published sources (below) and the public-holiday rules, and each
 * weekday with code. 2021–2024 also agree date for date with the KRX calendar of
 * exchange_calendars (its script-generated list plus dates it copied from global.krx.co.kr):
 * https://github.com/gerrymanoim/exchange_calendars/blob/8d34690198f52a83370968db52b24462bb628ac1/exchange_calendars/xkrx_holidays.py
 * - 2021: KRX's Dec 2020 count of 10 closures (신정, 설날 2, 삼일절, 어린이날, 부처님오신날,
 *   추석 3, 연말 휴장일; https://www.hankyung.com/article/2020122807627) and the substitute
 *   holidays 08-16, 10-04, 10-11 added in Aug 2021
 *   (http://newsway.kr/news/view?ud=2021080415502941069).
 * - 2022: the list as of Dec 2021 (https://m.blog.naver.com/tmdfo3898/222600459899); the
 *   election days 03-09 and 06-01 (https://m.blog.naver.com/gimdh0930/222661756883 — a blog;
 *   no KRX notice for them was found, exchange_calendars lists both); 12-30
 *   (https://etoday.co.kr/news/view/2203035).
 * - 2023: https://hooinvestment.com/?p=574; 05-29
 *   (http://www.s-d.kr/news/articleView.html?idxno=69177); 10-02
 *   (http://news.bizwatch.co.kr/article/market/2023/09/11/0007); 12-29
 *   (https://v.daum.net/v/20231214141133355).
 * - 2024: https://m.blog.naver.com/goodinvest4/223309744268, http://ohhappysmc.com/?p=1735;
 *   04-10 and 05-01 (https://www.businesspost.co.kr/BP?command=mobile_view&num=347114); 10-01
 *   (https://news.zum.com/articles/93171936); 12-31
 *   (https://kukinews.com/article/view/kuk202412170092).
 * - 2025: the list published in Jan 2025
 *   (https://hola0829.tistory.com/entry/2025%EB%85%84-112%EC%9B%94-%EA%B5%AD%EB%82%B4-%EC%A3%BC%EC%8B%9D-%EC%A6%9D%EC%8B%9C-%ED%9C%B4%EC%9E%A5%EC%9D%BC-%EC%B4%9D-%EC%A0%95%EB%A6%AC);
 *   01-27 (https://mobile.newsis.com/view_amp.html?ar_id=NISX20250117_0003036628); 06-03
 *   (https://www.newsworks.co.kr/news/articleView.html?idxno=796431); 12-31
 *   (https://www.wowtv.co.kr/NewsCenter/News/Read?articleId=2025121825891).
 * No 2021–2025 date rests on the rules alone.
 *
 * 2026: KRX's own list could not be fetched here (kiwoom.md §5.2 gives only the remaining
 * closures Oct 5, Oct 9, Dec 25, Dec 31, derived from rules). The 2026 list below is derived
 * from the public-holiday rules of 2026 (lunar dates, substitute days, the 2026-06-03 local
 * election) plus KRX's year-end closure; update it when KRX publishes its calendar. 제헌절
 * (07-17) is a public holiday again from 2026: the amended 공휴일에 관한 법률 passed on
 * 2026-01-29 and was promulgated in February, in force three months later
 * (https://m.segye.com/view/20260204501613).
 *
 * @module
 */
import { addDays } from "./range.ts";

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
  "2021-01-01": "신정",
  "2021-02-11": "설날 연휴",
  "2021-02-12": "설날",
  "2021-03-01": "삼일절",
  "2021-05-05": "어린이날",
  "2021-05-19": "부처님오신날",
  "2021-08-16": "광복절 대체공휴일",
  "2021-09-20": "추석 연휴",
  "2021-09-21": "추석",
  "2021-09-22": "추석 연휴",
  "2021-10-04": "개천절 대체공휴일",
  "2021-10-11": "한글날 대체공휴일",
  "2021-12-31": "연말 휴장일",
  "2022-01-31": "설날 연휴",
  "2022-02-01": "설날",
  "2022-02-02": "설날 연휴",
  "2022-03-01": "삼일절",
  "2022-03-09": "대통령선거",
  "2022-05-05": "어린이날",
  "2022-06-01": "전국동시지방선거",
  "2022-06-06": "현충일",
  "2022-08-15": "광복절",
  "2022-09-09": "추석 연휴",
  "2022-09-12": "추석 대체공휴일",
  "2022-10-03": "개천절",
  "2022-10-10": "한글날 대체공휴일",
  "2022-12-30": "연말 휴장일",
  "2023-01-23": "설날 연휴",
  "2023-01-24": "설날 대체공휴일",
  "2023-03-01": "삼일절",
  "2023-05-01": "근로자의 날",
  "2023-05-05": "어린이날",
  "2023-05-29": "부처님오신날 대체공휴일",
  "2023-06-06": "현충일",
  "2023-08-15": "광복절",
  "2023-09-28": "추석 연휴",
  "2023-09-29": "추석",
  "2023-10-02": "임시공휴일",
  "2023-10-03": "개천절",
  "2023-10-09": "한글날",
  "2023-12-25": "성탄절",
  "2023-12-29": "연말 휴장일",
  "2024-01-01": "신정",
  "2024-02-09": "설날 연휴",
  "2024-02-12": "설날 대체공휴일",
  "2024-03-01": "삼일절",
  "2024-04-10": "국회의원선거",
  "2024-05-01": "근로자의 날",
  "2024-05-06": "어린이날 대체공휴일",
  "2024-05-15": "부처님오신날",
  "2024-06-06": "현충일",
  "2024-08-15": "광복절",
  "2024-09-16": "추석 연휴",
  "2024-09-17": "추석",
  "2024-09-18": "추석 연휴",
  "2024-10-01": "국군의 날 임시공휴일",
  "2024-10-03": "개천절",
  "2024-10-09": "한글날",
  "2024-12-25": "성탄절",
  "2024-12-31": "연말 휴장일",
  "2025-01-01": "신정",
  "2025-01-27": "임시공휴일",
  "2025-01-28": "설날 연휴",
  "2025-01-29": "설날",
  "2025-01-30": "설날 연휴",
  "2025-03-03": "삼일절 대체공휴일",
  "2025-05-01": "근로자의 날",
  "2025-05-05": "어린이날·부처님오신날",
  "2025-05-06": "어린이날·부처님오신날 대체공휴일",
  "2025-06-03": "대통령선거",
  "2025-06-06": "현충일",
  "2025-08-15": "광복절",
  "2025-10-03": "개천절",
  "2025-10-06": "추석",
  "2025-10-07": "추석 연휴",
  "2025-10-08": "추석 대체공휴일",
  "2025-10-09": "한글날",
  "2025-12-25": "성탄절",
  "2025-12-31": "연말 휴장일",
  "2026-01-01": "신정",
  "2026-02-16": "설날 연휴",
  "2026-02-17": "설날",
  "2026-02-18": "설날 연휴",
  "2026-03-02": "삼일절 대체공휴일",
  "2026-05-01": "근로자의 날",
  "2026-05-05": "어린이날",
  "2026-05-25": "부처님오신날 대체공휴일",
  "2026-06-03": "전국동시지방선거",
  "2026-07-17": "제헌절",
  "2026-08-17": "광복절 대체공휴일",
  "2026-09-24": "추석 연휴",
  "2026-09-25": "추석",
  "2026-10-05": "개천절 대체공휴일",
  "2026-10-09": "한글날",
  "2026-12-25": "성탄절",
  "2026-12-31": "연말 휴장일",
  "2027-01-01": "신정",
};

/**
 * Days whose sessions all shift one hour later: 대학수학능력시험 (CSAT) days, the third
 * Thursday of November in these years.
 */
const LATE_DAYS: ReadonlySet<string> = new Set([
  "2021-11-18",
  "2022-11-17",
  "2023-11-16",
  "2024-11-14",
  "2025-11-13",
  "2026-11-19",
]);

/**
 * True on a year's first trading day (개장일), when only the open shifts to 10:00: the first
 * day of the year that {@linkcode isTradingDay} accepts.
 */
export function isFirstTradingDayOfYear(date: string): boolean {
  if (!isTradingDay(date)) return false;
  for (let d = `${date.slice(0, 4)}-01-01`; d < date; d = addDays(d, 1)) {
    if (isTradingDay(d)) return false;
  }
  return true;
}

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

/** KRX trading days ({@linkcode isTradingDay}) between two dates, inclusive, ascending. */
export function tradingDaysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (isTradingDay(d)) out.push(d);
  return out;
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
  const openShift = LATE_DAYS.has(date) || isFirstTradingDayOfYear(date) ? 60 : 0;
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
