/**
 * Every scheduled job of kdesk, declared once. Cron strings are 5-field and **UTC** (what
 * `Deno.cron` takes); `kst` says the same thing in Korean time (KST = UTC+9). `register.ts`
 * registers these with `Deno.cron`, the ops page lists them with their next fire time.
 *
 * A job that needs a finer rule than one cron string can say (e.g. "hourly, except where the
 * 5-minute poll already runs") carries a `skip` predicate; {@linkcode nextRun} honours it.
 *
 * @module
 */

/** Names of the scheduled jobs (also `Deno.cron` names, which must be unique). */
export type JobName =
  | "dart_poll_morning"
  | "dart_poll_day"
  | "dart_poll_hourly"
  | "dart_daily"
  | "dart_financials_weekly"
  | "dart_corp_master_weekly"
  | "kind_ipo_early"
  | "kind_ipo_late"
  | "krx_daily"
  | "krx_catchup"
  | "source_health"
  | "exports_sweep";

/** What a schedule runs (several schedules may share a handler). */
export type HandlerName =
  | "dart_poll"
  | "dart_daily"
  | "dart_financials_weekly"
  | "dart_corp_master"
  | "kind_ipo"
  | "krx_daily"
  | "krx_catchup"
  | "source_health"
  | "exports_sweep";

export interface Schedule {
  name: JobName;
  handler: HandlerName;
  /** 5-field cron string, UTC. */
  cron: string;
  /** The schedule in KST words, for the ops page. */
  kst: string;
  /** Source the job reads ("dart", "kind", "krx"; "kv" for housekeeping of the store). */
  source: string;
  /** When true for a fire time, the fire does nothing (another schedule covers it). */
  skip?: (at: Date) => boolean;
}

const KST_MS = 9 * 3600_000;

/** True inside the weekday 07:00–20:00 KST window (the 5-minute poll's). */
export function inBusinessWindow(at: Date): boolean {
  const k = new Date(at.getTime() + KST_MS);
  const day = k.getUTCDay();
  const h = k.getUTCHours();
  return day >= 1 && day <= 5 && h >= 7 && h < 20;
}

/** The one declaration of schedules. */
export const SCHEDULES: readonly Schedule[] = [
  {
    name: "dart_poll_morning",
    handler: "dart_poll",
    cron: "*/5 22-23 * * SUN-THU",
    kst: "평일 07:00–08:55 5분마다 (DART 공시 폴링)",
    source: "dart",
  },
  {
    name: "dart_poll_day",
    handler: "dart_poll",
    cron: "*/5 0-10 * * MON-FRI",
    kst: "평일 09:00–19:55 5분마다 (DART 공시 폴링)",
    source: "dart",
  },
  {
    name: "dart_poll_hourly",
    handler: "dart_poll",
    cron: "0 * * * *",
    kst: "그 밖의 시간 매시 정각 (DART 공시 폴링)",
    source: "dart",
    skip: inBusinessWindow,
  },
  {
    name: "dart_daily",
    handler: "dart_daily",
    cron: "30 9 * * MON-FRI",
    kst: "평일 18:30 (당일 공시 전체 수집)",
    source: "dart",
  },
  {
    name: "dart_financials_weekly",
    handler: "dart_financials_weekly",
    cron: "0 17 * * SAT",
    kst: "일요일 02:00 (재무제표 주간 갱신)",
    source: "dart",
  },
  {
    name: "dart_corp_master_weekly",
    handler: "dart_corp_master",
    cron: "0 16 * * SAT",
    kst: "일요일 01:00 (고유번호 마스터 corpCode.xml 갱신)",
    source: "dart",
  },
  {
    name: "kind_ipo_early",
    handler: "kind_ipo",
    cron: "*/30 15-23 * * SUN-THU",
    kst: "평일 00:00–08:30 30분마다 (KIND 공모 화면)",
    source: "kind",
  },
  {
    name: "kind_ipo_late",
    handler: "kind_ipo",
    cron: "*/30 0-14 * * MON-FRI",
    kst: "평일 09:00–23:30 30분마다 (KIND 공모 화면)",
    source: "kind",
  },
  {
    name: "krx_daily",
    handler: "krx_daily",
    cron: "0 9 * * MON-FRI",
    kst: "거래일 18:00 (KRX 일별 시세)",
    source: "krx",
  },
  {
    name: "krx_catchup",
    handler: "krx_catchup",
    cron: "0 23 * * SUN-THU",
    kst: "평일 08:00 (KRX 미공시 거래일 재수집)",
    source: "krx",
  },
  {
    name: "source_health",
    handler: "source_health",
    cron: "*/10 * * * *",
    kst: "10분마다 (소스 상태 점검)",
    source: "all",
  },
  {
    name: "exports_sweep",
    handler: "exports_sweep",
    cron: "0 19 * * *",
    kst: "매일 04:00 (중단된 내보내기 잔여물 정리)",
    source: "kv",
  },
];

/**
 * The cron dialect of `Deno.cron`, which hands the string to the Rust `saffron` crate
 * (Deno 2.9.6, ext/cron/local.rs: `spec.cron_schedule.parse::<saffron::Cron>()`), a
 * Quartz-like parser. It is NOT Vixie cron in the day-of-week field:
 *
 * - day-of-week numbers are **1–7 with 1 = Sunday** (2 = Monday … 7 = Saturday); `0` is
 *   rejected ("Invalid cron schedule"), so Vixie's `0-4` fails and Vixie's `1-5`
 *   silently means Sunday–Thursday. Names (`SUN`…`SAT`, any case) say what they mean.
 * - months are 1–12 or `JAN`…`DEC`; values are one or two digits (`007` is rejected);
 *   a step is 1 … (max − min) (a minute step of 60 and a weekday step of 7 are rejected);
 *   fields are separated by spaces or tabs, with nothing before the first or after the last.
 * - when both day fields are restricted (neither is a bare `*`), either may match.
 *
 * Verified empirically on Deno 2.9.6 (tests/cron_deno_test.ts repeats both checks):
 * - accept/reject: each string registered with the real `Deno.cron` in a subprocess;
 * - weekday numbering: under Debian's `faketime` (libfaketime 0.9.10), a `deno run
 *   --unstable-cron` child started at 23:59:57 UTC of each day 2026-11-21 … 11-27
 *   registered `0 0 * * N` for N = 1…7 and `0 0 * * SUN`…`SAT`; at 00:00 of the next day
 *   exactly one number and its name fired: Sun → 1+SUN, Mon → 2+MON, … Sat → 7+SAT.
 *
 * {@linkcode parseCron} accepts a strict subset of that dialect with the same meaning:
 * everything `Deno.cron` rejects is rejected here too, and so are the Quartz extensions
 * kdesk does not use (`L`, `W`, `#`, wrap-around ranges like `FRI-MON` or `22-2`, `*`
 * inside a list), so a schedule this parser accepts registers and fires where
 * {@linkcode nextFire} says. Write weekdays as names (`MON-FRI`, `SUN-THU`, `SAT`).
 */

/** A parsed cron field: the allowed values, and whether it was a bare `*`. */
interface Field {
  allowed: Set<number>;
  any: boolean;
}

interface FieldRule {
  what: string;
  lo: number;
  hi: number;
  names?: readonly string[];
}

const WEEKDAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
const MONTH_NAMES = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
] as const;

const RULES: readonly FieldRule[] = [
  { what: "minute", lo: 0, hi: 59 },
  { what: "hour", lo: 0, hi: 23 },
  { what: "day-of-month", lo: 1, hi: 31 },
  { what: "month", lo: 1, hi: 12, names: MONTH_NAMES },
  // saffron: 1 = SUN … 7 = SAT.
  { what: "day-of-week", lo: 1, hi: 7, names: WEEKDAY_NAMES },
];

const ITEM = /^(?:(\*)|([0-9]{1,2}|[A-Za-z]{3})(?:-([0-9]{1,2}|[A-Za-z]{3}))?)(?:\/([0-9]{1,2}))?$/;

function fieldValue(tok: string, rule: FieldRule, src: string): number {
  let v: number;
  if (/^[0-9]+$/.test(tok)) v = Number(tok);
  else {
    const i = rule.names?.indexOf(tok.toUpperCase() as never) ?? -1;
    if (i < 0) throw new Error(`invalid cron ${rule.what} field "${src}": unknown name ${tok}`);
    v = rule.lo + i;
  }
  if (v < rule.lo || v > rule.hi) {
    throw new Error(
      `invalid cron ${rule.what} field "${src}": ${tok} is outside ${rule.lo}–${rule.hi}`,
    );
  }
  return v;
}

function parseField(src: string, rule: FieldRule): Field {
  const { lo, hi, what } = rule;
  if (src === "*") {
    const allowed = new Set<number>();
    for (let v = lo; v <= hi; v++) allowed.add(v);
    return { allowed, any: true };
  }
  const allowed = new Set<number>();
  for (const part of src.split(",")) {
    const m = ITEM.exec(part);
    if (!m) throw new Error(`invalid cron ${what} field "${src}"`);
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (step < 1 || step > hi - lo) {
      throw new Error(`invalid cron ${what} field "${src}": step must be 1–${hi - lo}`);
    }
    let a = lo, b = hi;
    if (m[1] === undefined) {
      a = fieldValue(m[2], rule, src);
      b = m[3] !== undefined ? fieldValue(m[3], rule, src) : (m[4] !== undefined ? hi : a);
    } else if (m[4] === undefined) {
      // Deno.cron takes `5,*` and `*,5` (a star inside a list); its meaning is unclear: refused.
      throw new Error(`invalid cron ${what} field "${src}": "*" must stand alone`);
    }
    if (a > b) {
      throw new Error(
        `invalid cron ${what} field "${src}": wrap-around ranges are not supported (write two ranges)`,
      );
    }
    for (let v = a; v <= b; v += step) allowed.add(v);
  }
  return { allowed, any: false };
}

/** A parsed 5-field cron expression (UTC); day-of-week values are 1 (Sunday) … 7 (Saturday). */
export interface CronSpec {
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  dow: Field;
}

/**
 * Parses a 5-field cron string in `Deno.cron`'s dialect (see above); throws on anything
 * `Deno.cron` rejects, and on the Quartz extensions kdesk does not use.
 */
export function parseCron(cron: string): CronSpec {
  if (cron !== cron.trim()) throw new Error(`cron "${cron}" has leading or trailing whitespace`);
  const parts = cron.split(/[ \t]+/);
  if (parts.length !== 5 || /[^ \t\x21-\x7e]/.test(cron)) {
    throw new Error(`cron "${cron}" must have 5 fields separated by spaces`);
  }
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, RULES[i]));
  return { minute, hour, dom, month, dow };
}

function dayMatches(spec: CronSpec, d: Date): boolean {
  const domOk = spec.dom.allowed.has(d.getUTCDate());
  const dowOk = spec.dow.allowed.has(d.getUTCDay() + 1); // saffron: Sunday = 1
  // saffron: when both day fields are restricted, either may match.
  if (!spec.dom.any && !spec.dow.any) return domOk || dowOk;
  return domOk && dowOk;
}

/**
 * The first instant strictly after `now` (at a whole UTC minute) that `cron` matches. Pure.
 * Throws when nothing matches within ~5 years (e.g. "0 0 31 2 *").
 */
export function nextFire(cron: string | CronSpec, now: Date): Date {
  const spec = typeof cron === "string" ? parseCron(cron) : cron;
  const t = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
  const limit = now.getTime() + 5 * 366 * 86400_000;
  while (t.getTime() <= limit) {
    if (!spec.month.allowed.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(spec, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!spec.hour.allowed.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!spec.minute.allowed.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  throw new Error(`cron "${typeof cron === "string" ? cron : "(parsed)"}" never fires`);
}

/** The next fire of a schedule that its `skip` rule does not drop. */
export function nextRun(s: Schedule, now: Date): Date {
  const spec = parseCron(s.cron);
  let t = nextFire(spec, now);
  for (let i = 0; s.skip && s.skip(t) && i < 10_000; i++) t = nextFire(spec, t);
  return t;
}

/** Looks a schedule up by name. */
export function scheduleByName(name: string): Schedule | undefined {
  return SCHEDULES.find((s) => s.name === name);
}
