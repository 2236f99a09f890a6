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
    cron: "*/5 22-23 * * 0-4",
    kst: "평일 07:00–08:55 5분마다 (DART 공시 폴링)",
    source: "dart",
  },
  {
    name: "dart_poll_day",
    handler: "dart_poll",
    cron: "*/5 0-10 * * 1-5",
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
    cron: "30 9 * * 1-5",
    kst: "평일 18:30 (당일 공시 전체 수집)",
    source: "dart",
  },
  {
    name: "dart_financials_weekly",
    handler: "dart_financials_weekly",
    cron: "0 17 * * 6",
    kst: "일요일 02:00 (재무제표 주간 갱신)",
    source: "dart",
  },
  {
    name: "dart_corp_master_weekly",
    handler: "dart_corp_master",
    cron: "0 16 * * 6",
    kst: "일요일 01:00 (고유번호 마스터 corpCode.xml 갱신)",
    source: "dart",
  },
  {
    name: "kind_ipo_early",
    handler: "kind_ipo",
    cron: "*/30 15-23 * * 0-4",
    kst: "평일 00:00–08:30 30분마다 (KIND 공모 화면)",
    source: "kind",
  },
  {
    name: "kind_ipo_late",
    handler: "kind_ipo",
    cron: "*/30 0-14 * * 1-5",
    kst: "평일 09:00–23:30 30분마다 (KIND 공모 화면)",
    source: "kind",
  },
  {
    name: "krx_daily",
    handler: "krx_daily",
    cron: "0 9 * * 1-5",
    kst: "거래일 18:00 (KRX 일별 시세)",
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

/** A parsed cron field: the allowed values, and whether it was `*`. */
interface Field {
  allowed: Set<number>;
  any: boolean;
}

const RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

function parseField(src: string, [lo, hi]: [number, number], what: string): Field {
  const allowed = new Set<number>();
  for (const part of src.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`invalid cron ${what} field "${src}"`);
    const step = m[4] ? Number(m[4]) : 1;
    let a = lo, b = hi;
    if (m[1] !== "*") {
      a = Number(m[2]);
      b = m[3] !== undefined ? Number(m[3]) : (m[4] ? hi : a);
    }
    if (a < lo || b > hi || a > b || step < 1) {
      throw new Error(`invalid cron ${what} field "${src}"`);
    }
    for (let v = a; v <= b; v += step) allowed.add(v);
  }
  return { allowed, any: src === "*" };
}

/** A parsed 5-field cron expression (UTC). */
export interface CronSpec {
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  dow: Field;
}

/** Parses a 5-field cron string; throws on anything else (as `Deno.cron` does). */
export function parseCron(cron: string): CronSpec {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${cron}" must have 5 fields`);
  const names = ["minute", "hour", "day-of-month", "month", "day-of-week"];
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, RANGES[i], names[i]));
  if (dow.allowed.has(7)) dow.allowed.add(0); // 7 = Sunday too
  return { minute, hour, dom, month, dow };
}

function dayMatches(spec: CronSpec, d: Date): boolean {
  const domOk = spec.dom.allowed.has(d.getUTCDate());
  const dowOk = spec.dow.allowed.has(d.getUTCDay());
  // Classic cron: when both day fields are restricted, either may match.
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
