/**
 * The subscription and listing calendar (`/ipo/calendar?month=YYYY-MM`): a Monday-first
 * month grid with 청약, 납입 and 상장 events linking to their deals.
 *
 * @module
 */
import type { PipelineRow } from "../../lib/ipo/model.ts";
import { Layout, type ShellProps } from "../Layout.tsx";
import { IpoStyles } from "./common.tsx";

export interface IpoCalendarProps extends ShellProps {
  /** `YYYY-MM`. */
  month: string;
  rows: PipelineRow[];
  today: string;
}

interface Ev {
  kind: "sub" | "pay" | "list";
  label: string;
  row: PipelineRow;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Every date of [from, to]. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`);
    t += 86400_000
  ) {
    out.push(iso(new Date(t)));
    if (out.length > 31) break;
  }
  return out;
}

/** Events per date in [first, last]. */
export function calendarEvents(
  rows: PipelineRow[],
  first: string,
  last: string,
): Map<string, Ev[]> {
  const out = new Map<string, Ev[]>();
  const add = (d: string, e: Ev) => {
    if (d < first || d > last) return;
    if (!out.has(d)) out.set(d, []);
    out.get(d)!.push(e);
  };
  for (const r of rows) {
    if (r.stage === "철회" || r.stage === "미승인") continue;
    if (r.sub) {
      for (const d of days(r.sub.from, r.sub.to)) add(d, { kind: "sub", label: "청약", row: r });
    }
    if (r.pay) add(r.pay, { kind: "pay", label: "납입", row: r });
    if (r.list) add(r.list, { kind: "list", label: "상장", row: r });
  }
  return out;
}

/** The calendar page. */
export function IpoCalendar({ month, rows, today, ...shell }: IpoCalendarProps) {
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
  return (
    <Layout
      {...shell}
      title={`IPO 일정 ${month}`}
      active="ipo"
      description="공모주 청약·상장 일정 달력"
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
      <table class="ipo-cal" id="ipo-calendar">
        <caption class="sr-only">{month} 청약·납입·상장 일정</caption>
        <thead>
          <tr>
            {["월", "화", "수", "목", "금", "토", "일"].map((d) => <th key={d} scope="col">{d}
            </th>)}
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
                    <span>{d.getUTCDate()}</span>
                    {list.map((e) => (
                      <a
                        class={`ipo-ev ipo-ev-${e.kind}`}
                        href={`/ipo/${e.row.id}`}
                        title={`${e.row.name} ${e.label}`}
                      >
                        {e.label} {e.row.name}
                      </a>
                    ))}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
