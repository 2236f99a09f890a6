/**
 * Index cards (home and market pages): latest close, change and 등락률 in Korean colours,
 * the date, and a server-rendered SVG sparkline of the recent closes (no JavaScript).
 *
 * @module
 */
import { changeClass, formatDate, formatNumber, formatPct } from "../lib/format.ts";
import { changeText } from "./PriceCard.tsx";

/** What one card shows. */
export interface IndexCardData {
  index_code: string;
  name: string;
  date: string | null;
  close: number | null;
  change: number | null;
  change_pct: number | null;
  /** Recent closes, oldest first. */
  closes: (number | null)[];
}

/**
 * The `points` attribute of a sparkline polyline over `values` in a `w`×`h` box with
 * `pad` pixels of margin (gaps are skipped; a flat series is drawn mid-height).
 *
 * @example
 * sparkPoints([1, 3, 2], 100, 20, 0); // "0,20 50,0 100,10"
 */
export function sparkPoints(values: (number | null)[], w: number, h: number, pad = 2): string {
  const pts = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } =>
    p.v !== null && Number.isFinite(p.v)
  );
  if (pts.length < 2) return "";
  const min = Math.min(...pts.map((p) => p.v));
  const max = Math.max(...pts.map((p) => p.v));
  const n = values.length - 1;
  const r = (x: number) => Math.round(x * 10) / 10;
  return pts.map(({ v, i }) => {
    const x = pad + (i / n) * (w - 2 * pad);
    const y = max === min ? h / 2 : pad + (1 - (v - min) / (max - min)) * (h - 2 * pad);
    return `${r(x)},${r(y)}`;
  }).join(" ");
}

/** A small line chart as inline SVG; its colour follows the trend (up red, down blue). */
export function Sparkline(
  { values, width = 120, height = 40, label }: {
    values: (number | null)[];
    width?: number;
    height?: number;
    label: string;
  },
) {
  const points = sparkPoints(values, width, height);
  const vals = values.filter((v): v is number => v !== null);
  const trend = vals.length >= 2 ? changeClass(vals.at(-1)! - vals[0]) : "flat";
  return (
    <svg
      class={`sparkline ${trend}`}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={label}
      preserveAspectRatio="none"
    >
      {points && (
        <polyline
          points={points}
          fill="none"
          stroke="currentColor"
          stroke-width="1.5"
          stroke-linejoin="round"
          stroke-linecap="round"
        />
      )}
    </svg>
  );
}

/** One index card. */
export function IndexCard({ d, href }: { d: IndexCardData; href?: string }) {
  const cls = changeClass(d.change);
  const vals = d.closes.filter((v): v is number => v !== null);
  const spark = vals.length >= 2
    ? `최근 ${d.closes.length}거래일 종가 추이: ${formatNumber(vals[0], 2)}에서 ${
      formatNumber(vals.at(-1)!, 2)
    }로 ${formatPct(((vals.at(-1)! - vals[0]) / vals[0]) * 100, { digits: 2 })}`
    : "추이 데이터 없음";
  const body = (
    <>
      <span class="index-name">{d.name}</span>
      <strong class={`index-close ${cls}`}>{formatNumber(d.close, 2)}</strong>
      <span class={`index-change ${cls}`}>{changeText(d.change, d.change_pct, 2)}</span>
      <Sparkline values={d.closes} label={spark} />
      <span class="index-date muted">
        {formatDate(d.date)} 종가{vals.length >= 2 ? ` · 그래프 최근 ${d.closes.length}거래일` : ""}
      </span>
    </>
  );
  return href
    ? <a class="index-card card" href={href} data-index={d.index_code}>{body}</a>
    : <div class="index-card card" data-index={d.index_code}>{body}</div>;
}

/** A row of index cards, or nothing when there is no index data. */
export function IndexCards(
  { items, href, id = "index-cards" }: { items: IndexCardData[]; href?: string; id?: string },
) {
  if (!items.length) return null;
  return (
    <div class="index-cards" id={id}>
      {items.map((d) => <IndexCard key={d.index_code} d={d} href={href} />)}
    </div>
  );
}
