/**
 * The chart.js part of the PriceChart island: daily closes as a line on top and volume as
 * bars on a stacked axis underneath (one canvas, one x axis). Kept in its own module so
 * the island imports it dynamically (browser only).
 *
 * @module
 */
import { Chart } from "./chart_base.ts";
import { formatDate, formatKrwCompact, formatNumber } from "../lib/format.ts";

/** The series of the chart, aligned with `dates` (oldest first). */
export interface PriceSeries {
  dates: string[];
  closes: (number | null)[];
  volumes: (number | null)[];
}

/** Korean convention: rises red, falls blue. */
export const LINE_COLOR = { up: "#d60000", down: "#0051c7", flat: "#4a5565" } as const;
const VOLUME_COLOR = "#b8c2cf";

const FONT = '"Pretendard", "Apple SD Gothic Neo", "Malgun Gothic", "NanumGothic", ' +
  '"Noto Sans KR", system-ui, sans-serif';

/** The line colour of a window: by its first and last close. */
export function trendColor(closes: (number | null)[]): string {
  const vals = closes.filter((c): c is number => c !== null);
  if (vals.length < 2 || vals.at(-1) === vals[0]) return LINE_COLOR.flat;
  return vals.at(-1)! > vals[0] ? LINE_COLOR.up : LINE_COLOR.down;
}

/** An x label: `YY.MM` for long windows, `MM.DD` for short ones. */
function dateTick(date: string, span: number): string {
  return span > 130
    ? `${date.slice(2, 4)}.${date.slice(5, 7)}`
    : `${date.slice(5, 7)}.${date.slice(8, 10)}`;
}

/** A drawn price chart. */
export interface PriceChartHandle {
  /** Replaces the series (a new range) without re-creating the chart. */
  update(s: PriceSeries): void;
  destroy(): void;
}

/** Draws closes and volumes on `canvas`; `onDrawn` runs after every render. */
export function drawPriceChart(
  canvas: HTMLCanvasElement,
  s: PriceSeries,
  onDrawn: () => void,
): PriceChartHandle {
  Chart.defaults.font.family = FONT;
  Chart.defaults.color = "#4a5565";
  let series = s;
  const chart = new Chart(canvas, {
    type: "line",
    data: {
      labels: s.dates,
      datasets: [
        {
          type: "line",
          label: "종가",
          data: s.closes,
          yAxisID: "y",
          borderColor: trendColor(s.closes),
          backgroundColor: trendColor(s.closes),
          borderWidth: 1.5,
          pointRadius: 0,
          pointHoverRadius: 3,
          spanGaps: true,
          tension: 0,
        },
        {
          type: "bar",
          label: "거래량",
          data: s.volumes,
          yAxisID: "v",
          backgroundColor: VOLUME_COLOR,
          barPercentage: 1,
          categoryPercentage: 0.9,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => formatDate(items[0]?.label),
            label: (item) =>
              item.dataset.yAxisID === "v"
                ? `거래량: ${formatNumber(item.parsed.y)}주`
                : `종가: ${formatNumber(item.parsed.y)}원`,
          },
        },
      },
      scales: {
        // Listed first = placed on top of the stack: price over volume, 3:1.
        y: {
          position: "right",
          stack: "price",
          stackWeight: 3,
          grace: "5%",
          ticks: {
            // The lowest price label would sit on the volume axis's top label (the panes meet
            // there): it is left out; its grid line stays.
            callback: (v, i) => (i === 0 ? "" : formatNumber(Number(v))),
            maxTicksLimit: 6,
          },
          grid: { color: "#e6e9ee" },
        },
        v: {
          position: "right",
          stack: "price",
          stackWeight: 1,
          offset: true,
          beginAtZero: true,
          ticks: { callback: (v) => formatKrwCompact(Number(v)), maxTicksLimit: 2 },
          grid: { display: false },
        },
        x: {
          type: "category",
          grid: { display: false },
          ticks: {
            autoSkip: true,
            maxRotation: 0,
            maxTicksLimit: 7,
            callback: (_v, i) => dateTick(series.dates[i] ?? "", series.dates.length),
          },
        },
      },
    },
    plugins: [{ id: "kdeskDrawn", afterRender: () => onDrawn() }],
  });
  return {
    update(next) {
      series = next;
      chart.data.labels = next.dates;
      const [line, bars] = chart.data.datasets;
      line.data = next.closes;
      line.borderColor = line.backgroundColor = trendColor(next.closes);
      bars.data = next.volumes;
      chart.update();
    },
    destroy: () => chart.destroy(),
  };
}
