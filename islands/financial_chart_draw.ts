/**
 * The chart.js part of the FinancialChart island, kept in its own module so that the
 * island imports it dynamically (browser only) and esbuild tree-shakes chart.js down to
 * the controllers used here.
 *
 * @module
 */
import { Chart } from "./chart_base.ts";
import { formatKrw, formatKrwCompact } from "../lib/format.ts";

/** Series of the chart, aligned with `years` (oldest first). */
export interface FinancialSeries {
  years: string[];
  revenue: (number | null)[];
  operatingIncome: (number | null)[];
  netIncome: (number | null)[];
}

const COLORS = {
  revenue: "#9fb1c6",
  operatingIncome: "#e0962a",
  netIncome: "#17624f",
};

const FONT = '"Pretendard", "Apple SD Gothic Neo", "Malgun Gothic", "NanumGothic", ' +
  '"Noto Sans KR", system-ui, sans-serif';

/**
 * Draws revenue and operating income as bars and net income as a line on `canvas`, with
 * Korean labels and 억/조 tooltips. `onDrawn` runs after every render.
 */
export function drawFinancialChart(
  canvas: HTMLCanvasElement,
  s: FinancialSeries,
  onDrawn: () => void,
): { destroy(): void } {
  Chart.defaults.font.family = FONT;
  Chart.defaults.color = "#4a5565";
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels: s.years.map((y) => `${y}년`),
      datasets: [
        {
          type: "bar",
          label: "매출액",
          data: s.revenue,
          backgroundColor: COLORS.revenue,
          order: 3,
        },
        {
          type: "bar",
          label: "영업이익",
          data: s.operatingIncome,
          backgroundColor: COLORS.operatingIncome,
          order: 2,
        },
        {
          type: "line",
          label: "당기순이익",
          data: s.netIncome,
          borderColor: COLORS.netIncome,
          backgroundColor: COLORS.netIncome,
          borderWidth: 2,
          pointRadius: 3,
          spanGaps: true,
          order: 1,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: {
          position: "bottom",
          labels: {
            boxWidth: 12,
            boxHeight: 12,
            font: { size: 12 },
            sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
          },
        },
        tooltip: {
          itemSort: (a, b) => a.datasetIndex - b.datasetIndex,
          callbacks: {
            label: (item) => `${item.dataset.label}: ${formatKrw(item.parsed.y)}`,
          },
        },
      },
      scales: {
        x: { grid: { display: false } },
        y: {
          ticks: { callback: (v) => formatKrwCompact(Number(v)) },
          grid: { color: "#e6e9ee" },
        },
      },
    },
    plugins: [{ id: "kdeskDrawn", afterRender: () => onDrawn() }],
  });
}
