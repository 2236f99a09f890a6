/**
 * Display formatting shared by server-rendered pages and hydrated islands: KST dates,
 * Korean amounts (억/조), numbers, signed percentages and the Korean up/down colour class.
 *
 * Plain TypeScript with no imports, so islands can bundle it and `lib/` stays free of
 * HTTP and UI dependencies. Every function accepts `null`/`undefined` (and non-finite
 * numbers) and returns {@link EMPTY} for them, so templates need no guards.
 *
 * @module
 */

/** What every formatter returns for a missing value (an em dash). */
export const EMPTY = "—";

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;
const JO = 1_000_000_000_000; // 조 = 10^12
const EOK = 100_000_000; // 억 = 10^8
const MAN = 10_000; // 만 = 10^4

type Num = number | null | undefined;
type When = Date | string | number | null | undefined;

function isNum(n: Num): n is number {
  return typeof n === "number" && Number.isFinite(n);
}

function toDate(when: When): Date | null {
  if (when === null || when === undefined || when === "") return null;
  const d = when instanceof Date ? when : new Date(when);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Shifts a date by +9 h so its UTC fields read as KST wall-clock fields. */
function kstFields(d: Date): { y: string; m: string; d: string; hh: string; mm: string } {
  const k = new Date(d.getTime() + KST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, "0");
  return {
    y: String(k.getUTCFullYear()).padStart(4, "0"),
    m: p(k.getUTCMonth() + 1),
    d: p(k.getUTCDate()),
    hh: p(k.getUTCHours()),
    mm: p(k.getUTCMinutes()),
  };
}

/**
 * The KST calendar date of an instant, as `YYYY-MM-DD`.
 *
 * @example
 * toKstDate("2026-11-23T15:30:00Z"); // "2026-11-24" (00:30 KST the next day)
 * toKstDate(null); // "—"
 */
export function toKstDate(when: When): string {
  const d = toDate(when);
  if (!d) return EMPTY;
  const f = kstFields(d);
  return `${f.y}-${f.m}-${f.d}`;
}

/** Options of {@link formatDate}. */
export interface DateOptions {
  /** Show the year (default true): `2026.11.19`; false: `11.19`. */
  year?: boolean;
}

const CALENDAR_DAY_RE = /^(\d{4})-?(\d{2})-?(\d{2})$/;

/**
 * A date as shown on every page: `2026.11.19` (or `11.19` without the year). A calendar day
 * (`YYYY-MM-DD`, or DART's `YYYYMMDD`) is shown as it is; an instant (a `Date`, epoch ms, an
 * ISO date-time) by its KST calendar day. Form values and `datetime` attributes keep ISO
 * `YYYY-MM-DD`; this is for display only.
 *
 * @example
 * formatDate("2026-11-19"); // "2026.11.19"
 * formatDate("20261119"); // "2026.11.19"
 * formatDate("2026-11-23T15:30:00Z"); // "2026.11.24" (00:30 KST the next day)
 * formatDate("2026-11-19", { year: false }); // "11.19"
 */
export function formatDate(when: When, opts: DateOptions = {}): string {
  let y: string, m: string, d: string;
  const cal = typeof when === "string" ? CALENDAR_DAY_RE.exec(when.trim()) : null;
  if (cal && isValidIsoDate(`${cal[1]}-${cal[2]}-${cal[3]}`)) {
    [y, m, d] = [cal[1], cal[2], cal[3]];
  } else {
    const t = toDate(when);
    if (!t) return EMPTY;
    ({ y, m, d } = kstFields(t));
  }
  return opts.year === false ? `${m}.${d}` : `${y}.${m}.${d}`;
}

/**
 * A date range: `2026.11.19 ~ 11.20` (the end without its year when both share it),
 * `2026.12.30 ~ 2027.01.02` across a year, one date when both ends are the same day.
 *
 * @example
 * formatDateRange("2026-11-19", "2026-11-20"); // "2026.11.19 ~ 11.20"
 * formatDateRange("2026-11-19", "2026-11-20", { year: false }); // "11.19 ~ 11.20"
 */
export function formatDateRange(from: When, to: When, opts: DateOptions = {}): string {
  const a = formatDate(from, opts);
  const b = formatDate(to, opts);
  if (a === EMPTY || b === EMPTY) return a === EMPTY ? b : a;
  if (a === b) return a;
  const sameYear = opts.year !== false && a.slice(0, 5) === b.slice(0, 5);
  return `${a} ~ ${sameYear ? b.slice(5) : b}`;
}

/**
 * An instant as KST wall-clock time to the minute, suffixed with "KST".
 *
 * @example
 * formatKstDateTime("2026-11-23T05:05:59Z"); // "2026.11.23 14:05 KST"
 */
export function formatKstDateTime(when: When): string {
  const d = toDate(when);
  if (!d) return EMPTY;
  const f = kstFields(d);
  return `${f.y}.${f.m}.${f.d} ${f.hh}:${f.mm} KST`;
}

/**
 * `YYYYMMDD` (DART's compact form) to `YYYY-MM-DD`. Returns `null` when the input is not
 * a valid calendar date.
 *
 * @example
 * ymdToIso("20261123"); // "2026-11-23"
 * ymdToIso("20260230"); // null
 */
export function ymdToIso(ymd: string | null | undefined): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec((ymd ?? "").trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return isValidIsoDate(iso) ? iso : null;
}

/**
 * `YYYY-MM-DD` to DART's compact `YYYYMMDD`. Returns `null` when the input is not a
 * valid calendar date.
 *
 * @example
 * isoToYmd("2026-11-23"); // "20261123"
 */
export function isoToYmd(iso: string | null | undefined): string | null {
  const s = (iso ?? "").trim();
  return isValidIsoDate(s) ? s.replaceAll("-", "") : null;
}

/**
 * True when `s` is a real calendar date written `YYYY-MM-DD` (leap years respected).
 *
 * @example
 * isValidIsoDate("2024-02-29"); // true
 * isValidIsoDate("2025-02-29"); // false
 */
export function isValidIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/**
 * A number with thousands separators and a fixed number of decimals (default 0).
 * Negative zero prints as "0".
 *
 * @example
 * formatNumber(1234567); // "1,234,567"
 * formatNumber(-1234.5, 1); // "-1,234.5"
 */
export function formatNumber(n: Num, digits = 0): string {
  if (!isNum(n)) return EMPTY;
  const s = n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // -0.0 after rounding (e.g. -0.04 with 1 digit) reads better without the sign.
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

/** Rounds half away from zero, so that negatives mirror positives. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** Options of {@link formatKrw}. */
export interface KrwOptions {
  /**
   * The smallest unit shown between 1억 and 1조: `"man"` (default) gives `5억 2,300만원`,
   * `"eok"` rounds to whole 억 (`5억원`, `2,308억원`) for dense tables. Amounts of 1조 and
   * more always show 조 and 억; amounts below 1억 are unaffected.
   */
  minUnit?: "man" | "eok";
}

/**
 * A KRW amount in Korean units, for tables and tooltips.
 *
 * Rounding rules (two units at most, so columns stay readable):
 * - |n| ≥ 1조: 조 and 억, rounded to the nearest 억 — `1조 2,346억원`; `2조원` when the
 *   억 part is zero. A 억 part that rounds up to 10,000 carries into 조.
 * - 1억 ≤ |n| < 1조: 억 and 만, rounded to the nearest 만 — `5억 2,300만원`, `12억원`
 *   (with `minUnit: "eok"`: rounded to the nearest 억 — `5억원`). A value that rounds up
 *   to 1조 is shown as `1조원`.
 * - |n| < 1억: the exact amount with separators — `52,300,000원`, `0원`.
 *
 * Rounding is half away from zero on the absolute value; negatives get a leading "-".
 * Pages put the exact value in a `title` attribute (see {@link formatKrwExact}).
 *
 * @example
 * formatKrw(1_234_567_890_000); // "1조 2,346억원"
 * formatKrw(523_000_000); // "5억 2,300만원"
 * formatKrw(230_787_530_000, { minUnit: "eok" }); // "2,308억원"
 * formatKrw(-52_300_000); // "-52,300,000원"
 */
export function formatKrw(n: Num, opts: KrwOptions = {}): string {
  if (!isNum(n)) return EMPTY;
  const sign = n < 0 ? "-" : "";
  const a = Math.abs(n);
  if (a < EOK) return `${sign}${formatNumber(roundHalfAway(a))}원`;

  if (a >= JO) {
    let jo = Math.floor(a / JO);
    let eok = Math.round((a - jo * JO) / EOK);
    if (eok >= 10_000) {
      jo += 1;
      eok -= 10_000;
    }
    return `${sign}${formatNumber(jo)}조${eok ? ` ${formatNumber(eok)}억` : ""}원`;
  }

  if (opts.minUnit === "eok") {
    const eok = Math.round(a / EOK);
    return eok >= 10_000 ? `${sign}1조원` : `${sign}${formatNumber(eok)}억원`;
  }
  let eok = Math.floor(a / EOK);
  let man = Math.round((a - eok * EOK) / MAN);
  if (man >= 10_000) {
    eok += 1;
    man -= 10_000;
  }
  if (eok >= 10_000) return `${sign}1조원`;
  return `${sign}${formatNumber(eok)}억${man ? ` ${formatNumber(man)}만` : ""}원`;
}

/**
 * The exact amount with separators and "원", for `title` attributes and exports.
 *
 * @example
 * formatKrwExact(1_234_567_890_000); // "1,234,567,890,000원"
 */
export function formatKrwExact(n: Num): string {
  return isNum(n) ? `${formatNumber(n)}원` : EMPTY;
}

/**
 * A short amount for chart axes and dense cells, one unit only: `1.23조`, `12.3조`,
 * `5,230억`, `2,300만`, `9,999`. 조 keeps two decimals below 10조 and one above
 * (trailing zeros dropped); 억 and 만 are rounded to whole units. No "원" suffix.
 *
 * @example
 * formatKrwCompact(1_234_567_890_000); // "1.23조"
 * formatKrwCompact(523_000_000_000); // "5,230억"
 */
export function formatKrwCompact(n: Num): string {
  if (!isNum(n)) return EMPTY;
  const sign = n < 0 ? "-" : "";
  const a = Math.abs(n);
  if (a >= JO) {
    const v = a / JO;
    return `${sign}${formatNumber(v, v < 10 ? 2 : 1).replace(/\.?0+$/, "")}조`;
  }
  if (a >= EOK) {
    const eok = roundHalfAway(a / EOK);
    return eok >= 10_000 ? `${sign}1조` : `${sign}${formatNumber(eok)}억`;
  }
  if (a >= MAN) {
    const man = roundHalfAway(a / MAN);
    return man >= 10_000 ? `${sign}1억` : `${sign}${formatNumber(man)}만`;
  }
  return `${sign}${formatNumber(roundHalfAway(a))}`;
}

/** Options of {@link formatPct}. */
export interface PctOptions {
  /** Decimals (default 1). */
  digits?: number;
  /** Prefix positives with "+" (default true, for changes). Use false for ratios. */
  signed?: boolean;
}

/**
 * A percentage value (already in percent, i.e. 12.3 means 12.3 %).
 *
 * @example
 * formatPct(12.345); // "+12.3%"
 * formatPct(-4.56); // "-4.6%"
 * formatPct(0); // "0.0%"
 * formatPct(35.2, { signed: false }); // "35.2%"
 */
export function formatPct(x: Num, opts: PctOptions = {}): string {
  if (!isNum(x)) return EMPTY;
  const digits = opts.digits ?? 1;
  const body = formatNumber(x, digits);
  const isZero = Number(body.replaceAll(",", "")) === 0;
  const plus = (opts.signed ?? true) && x > 0 && !isZero ? "+" : "";
  return `${plus}${body}%`;
}

/** CSS class for a change, by the Korean convention: `up` is red, `down` is blue. */
export type ChangeClass = "up" | "down" | "flat";

/**
 * The colour class of a change: `"up"` (red) above zero, `"down"` (blue) below, `"flat"`
 * for zero or a missing value.
 *
 * @example
 * changeClass(3.2); // "up"
 * changeClass(-0.1); // "down"
 * changeClass(null); // "flat"
 */
export function changeClass(x: Num): ChangeClass {
  if (!isNum(x) || x === 0) return "flat";
  return x > 0 ? "up" : "down";
}

/**
 * The DART viewer address of a filing.
 *
 * @example
 * dartViewerUrl("20261120000123"); // "https://dart.fss.or.kr/dsaf001/main.do?rcpNo=20261120000123"
 */
export function dartViewerUrl(rceptNo: string): string {
  return `https://dart.fss.or.kr/dsaf001/main.do?rcpNo=${encodeURIComponent(rceptNo)}`;
}
