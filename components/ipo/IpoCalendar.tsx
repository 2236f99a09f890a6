/**
 * The IPO calendar (`/ipo/calendar?month=YYYY-MM`): 수요예측, 청약, 환불·납입 and 상장 events
 * linking to their deals, as a Monday-first month grid on wide screens and as an agenda (one
 * list per day with events) on narrow ones — both are in the page, the stylesheet shows one.
 * Event labels wrap instead of being cut, so a company name is always readable.
 *
 * @module
 */
import { formatDate, formatDateRange } from "../../lib/format.ts";
import type { PipelineRow } from "../../lib/ipo/model.ts";
import { Layout, type ShellProps } from "../Layout.tsx";
import { IpoStyles } from "./common.tsx";

export interface IpoCalendarProps extends ShellProps {
  /** `YYYY-MM`. */
  month: string;
  rows: PipelineRow[];
  today: string;
  /** A Korean message when the asked month was not understood (the current month is shown). */
  error?: string;
}

/** Event kinds, in the order they happen to a deal. */
export const EVENT_KINDS = {
  book: "수요예측",
  sub: "청약",
  pay: "환불·납입",
  list: "상장",
} as const;
export type EventKind = keyof typeof EVENT_KINDS;

/** One event of a deal on one day. */
export interface CalendarEvent {
  kind: EventKind;
  label: string;
  row: PipelineRow;
  /** The whole event (one day, or the range of a 수요예측 / 청약). */
  from: string;
  to: string;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const WEEKDAYS = ["월", "화", "수", "목", "금", "토", "일"];

/** The weekdays (Mon–Fri) of [from, to], and always both ends; at most 31 days. */
function rangeDays(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`) && out.length <= 31;
    t += 86400_000
  ) {
    const d = iso(new Date(t));
    const wd = new Date(t).getUTCDay();
    if ((wd !== 0 && wd !== 6) || d === from || d === to) out.push(d);
  }
  return out;
}

/** Events per date in [first, last], in event order within a day. */
export function calendarEvents(
  rows: PipelineRow[],
  first: string,
  last: string,
): Map<string, CalendarEvent[]> {
  const out = new Map<string, CalendarEvent[]>();
  const add = (d: string, e: CalendarEvent) => {
    if (d < first || d > last) return;
    if (!out.has(d)) out.set(d, []);
    out.get(d)!.push(e);
  };
  const ev = (kind: EventKind, row: PipelineRow, from: string, to: string) => {
    for (const d of rangeDays(from, to)) add(d, { kind, label: EVENT_KINDS[kind], row, from, to });
  };
  for (const r of rows) {
    if (r.stage === "철회" || r.stage === "미승인") continue;
    if (r.book) ev("book", r, r.book.from, r.book.to);
    if (r.sub) ev("sub", r, r.sub.from, r.sub.to);
    if (r.pay) ev("pay", r, r.pay, r.pay);
    if (r.list) ev("list", r, r.list, r.list);
  }
  const order = Object.keys(EVENT_KINDS);
  for (const list of out.values()) {
    list.sort((a, b) =>
      order.indexOf(a.kind) - order.indexOf(b.kind) || a.row.name.localeCompare(b.row.name, "ko")
    );
  }
  return out;
}

/** An event's link: its kind and the company, never cut. */
function EventLink({ e }: { e: CalendarEvent }) {
  return (
    <a
      class={`ipo-ev ipo-ev-${e.kind}`}
      href={`/ipo/${e.row.id}`}
      title={`${e.row.name} ${e.label} ${formatDateRange(e.from, e.to)}`}
      data-kind={e.kind}
    >
      <span class="ipo-ev-kind">{e.label}</span> <span class="ipo-ev-name">{e.row.name}</span>
    </a>
  );
}

/** The calendar page. */
export function IpoCalendar({ month, rows, today, error, ...shell }: IpoCalendarProps) {
  const [y, m] = month.split("-").map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const last = new Date(Date.UTC(y, m, 0));
  const start = new Date(first.getTime() - ((first.getUTCDay() + 6) % 7) * 86400_000);
  const cells: Date[] = [];
  for (let t = start.getTime(); t <= last.getTime() || cells.length % 7 !== 0; t += 86400_000) {
    cells.push(new Date(t));
  }
  const evs = calendarEvents(rows, iso(cells[0]), iso(cells.at(-1)!));
  const prev = iso(new Date(Date.UTC(y, m - 2, 1))).slice(0, 7);
  const next = iso(new Date(Date.UTC(y, m, 1))).slice(0, 7);
  const weeks: Date[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  const agenda = [...evs.entries()].filter(([d]) => d.slice(0, 7) === month)
    .sort(([a], [b]) => a.localeCompare(b));
  return (
    <Layout
      {...shell}
      title={`IPO 일정 ${y}.${String(m).padStart(2, "0")}`}
      active="ipo"
      description="공모주 수요예측·청약·환불·상장 일정 달력"
    >
      <IpoStyles />
      <p>
        <a href="/ipo">← IPO 파이프라인</a>
      </p>
      <div class="page-head">
        <h1>IPO 일정 {y}년 {m}월</h1>
        <p class="ipo-actions">
          <a class="ipo-button" href={`/ipo/calendar?month=${prev}`} rel="prev">← 이전 달</a>
          <a class="ipo-button" href={`/ipo/calendar?month=${today.slice(0, 7)}`}>이번 달</a>
          <a class="ipo-button" href={`/ipo/calendar?month=${next}`} rel="next">다음 달 →</a>
        </p>
      </div>
      {error && (
        <div class="notice warn" role="alert" id="month-error">
          {error}
        </div>
      )}
      <p class="ipo-legend muted">
        {(Object.keys(EVENT_KINDS) as EventKind[]).map((k) => (
          <span class={`ipo-ev ipo-ev-${k}`}>{EVENT_KINDS[k]}</span>
        ))}
      </p>
      <table class="ipo-cal" id="ipo-calendar">
        <caption class="sr-only">{month} 수요예측·청약·환불·납입·상장 일정</caption>
        <thead>
          <tr>
            {WEEKDAYS.map((d) => <th key={d} scope="col">{d}</th>)}
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr>
              {w.map((d) => {
                const ds = iso(d);
                const list = evs.get(ds) ?? [];
                const cls = [ds.slice(0, 7) !== month ? "out" : "", ds === today ? "today" : ""]
                  .filter(Boolean).join(" ");
                return (
                  <td class={cls || undefined} data-date={ds}>
                    <span class="ipo-cal-day">{d.getUTCDate()}</span>
                    {list.map((e) => <EventLink key={`${e.kind}:${e.row.id}`} e={e} />)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <section class="ipo-agenda" id="ipo-agenda" aria-label={`${month} 일정 목록`}>
        {agenda.length === 0 && <p class="muted">이 달에는 일정이 없습니다.</p>}
        {agenda.map(([d, list]) => (
          <div class={`ipo-agenda-day${d === today ? " today" : ""}`} data-date={d}>
            <h2>
              {formatDate(d, { year: false })}{" "}
              <span class="muted">
                ({WEEKDAYS[(new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7]})
              </span>
              {d === today && <span class="ipo-dday ipo-dday-today">오늘</span>}
            </h2>
            <ul>
              {list.map((e) => (
                <li>
                  <EventLink e={e} />
                  {e.from !== e.to && (
                    <span class="muted">{formatDateRange(e.from, e.to, { year: false })}</span>
                  )}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
    </Layout>
  );
}
