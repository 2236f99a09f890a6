/**
 * Daily closes with volume underneath for 1M/3M/1Y/5Y, fetched from
 * `/api/v1/market/instruments/{code}/daily?range=…` (each range once per page view).
 *
 * Accessible without seeing the canvas: the range buttons are real buttons with
 * `aria-pressed`, a live summary sentence states the window, the last close, the change
 * over the window and the high/low, and a collapsed table lists the latest sessions. The
 * box has a fixed height, so loading and switching ranges never shift the page.
 *
 * The root carries `data-range`, `data-state` (loading, ready, empty, error),
 * `data-points` (bars drawn) and `data-chart-ready="true"` once chart.js has drawn the
 * current range.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import {
  changeClass,
  EMPTY,
  formatDate,
  formatDateRange,
  formatNumber,
  formatPct,
} from "../lib/format.ts";
import { CHART_RANGES, type ChartRange, RANGE_LABEL } from "../lib/market/range.ts";
import type { PriceChartHandle, PriceSeries } from "./price_chart_draw.ts";

/** Props of {@link PriceChart}. */
export interface PriceChartProps {
  /** 단축코드. */
  code: string;
  /** Name for labels. */
  name: string;
  /** The range shown first (default 1Y). */
  range?: ChartRange;
}

/** A fetched window. */
interface Loaded extends PriceSeries {
  range: ChartRange;
  from: string;
  to: string;
  changes: (number | null)[];
}

type State = "loading" | "ready" | "empty" | "error";

interface BarJson {
  date: string;
  close: number | null;
  change: number | null;
  volume: number | null;
}

/** The sentence describing a loaded window (also the screen-reader summary). */
export function chartSummary(d: Loaded): string {
  const label = RANGE_LABEL[d.range];
  const closes = d.closes.filter((c): c is number => c !== null);
  if (!closes.length) return `${label}: 이 기간에 거래 기록이 없습니다.`;
  const first = closes[0], last = closes.at(-1)!;
  const pct = first > 0 ? ((last - first) / first) * 100 : null;
  return `${label} (${formatDateRange(d.dates[0], d.dates.at(-1))}, ${d.dates.length}거래일): ` +
    `종가 ${formatNumber(last)}원, 기간 등락률 ${formatPct(pct, { digits: 2 })}, ` +
    `기간 최고 종가 ${formatNumber(Math.max(...closes))}원, 최저 종가 ${
      formatNumber(Math.min(...closes))
    }원`;
}

const TABLE_ROWS = 10;

/** The price chart island. */
export function PriceChart({ code, name, range: initial = "1Y" }: PriceChartProps) {
  const [range, setRange] = useState<ChartRange>(initial);
  const [state, setState] = useState<State>("loading");
  const [data, setData] = useState<Loaded | null>(null);
  const [drawn, setDrawn] = useState<ChartRange | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<PriceChartHandle | null>(null);
  const loaded = useRef(new Map<ChartRange, Loaded>());
  const target = useRef<ChartRange | null>(null);

  // Fetch the range (once per page view).
  useEffect(() => {
    const hit = loaded.current.get(range);
    if (hit) {
      setData(hit);
      setState(hit.dates.length ? "ready" : "empty");
      return;
    }
    const ac = new AbortController();
    setState("loading");
    const url = `/api/v1/market/instruments/${encodeURIComponent(code)}/daily?range=${range}`;
    fetch(url, { signal: ac.signal, headers: { accept: "application/json" } })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const j = await res.json() as { from: string; to: string; bars: BarJson[] };
        const d: Loaded = {
          range,
          from: j.from,
          to: j.to,
          dates: j.bars.map((b) => b.date),
          closes: j.bars.map((b) => b.close),
          volumes: j.bars.map((b) => b.volume),
          changes: j.bars.map((b) => b.change),
        };
        loaded.current.set(range, d);
        setData(d);
        setState(d.dates.length ? "ready" : "empty");
      })
      .catch((err) => {
        if (ac.signal.aborted) return;
        // deno-lint-ignore no-console
        console.error("PriceChart:", err);
        setState("error");
      });
    return () => ac.abort();
  }, [code, range]);

  // Draw (first time) or update the chart with the loaded window.
  useEffect(() => {
    if (!data || !data.dates.length || state !== "ready") return;
    let cancelled = false;
    const shown = data.range;
    import("./price_chart_draw.ts")
      .then(({ drawPriceChart }) => {
        if (cancelled || !canvas.current) return;
        // Every render (first draw or update) reports the range it drew.
        target.current = shown;
        if (chart.current) chart.current.update(data);
        else chart.current = drawPriceChart(canvas.current, data, () => setDrawn(target.current));
      })
      .catch((err) => {
        // deno-lint-ignore no-console
        console.error("PriceChart:", err);
        setState("error");
      });
    return () => {
      cancelled = true;
    };
  }, [data, state]);

  useEffect(() => () => chart.current?.destroy(), []);

  const shown = data && data.range === range ? data : null;
  const ready = state === "ready" && drawn === range && !!shown;
  const summary = state === "loading"
    ? `${RANGE_LABEL[range]} 일별 종가를 불러오는 중…`
    : state === "error"
    ? "시세를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요."
    : shown
    ? chartSummary(shown)
    : "";
  const rows = shown
    ? shown.dates.map((d, i) => ({
      date: d,
      close: shown.closes[i],
      change: shown.changes[i],
      volume: shown.volumes[i],
    })).slice(-TABLE_ROWS).reverse()
    : [];

  return (
    <div
      class="price-chart"
      data-code={code}
      data-range={range}
      data-state={state}
      data-points={shown ? String(shown.dates.length) : ""}
      data-chart-ready={ready ? "true" : "false"}
    >
      <div class="range-buttons" role="group" aria-label="차트 기간">
        {CHART_RANGES.map((r) => (
          <button
            type="button"
            key={r}
            data-range={r}
            aria-pressed={r === range ? "true" : "false"}
            onClick={() => setRange(r)}
          >
            {RANGE_LABEL[r]}
          </button>
        ))}
      </div>
      <div class="price-chart-canvas" aria-busy={state === "loading" ? "true" : "false"}>
        <canvas
          ref={canvas}
          role="img"
          aria-label={`${name} ${RANGE_LABEL[range]} 일별 종가와 거래량 차트`}
        />
        {state === "empty" && <p class="chart-overlay muted">이 기간에 거래 기록이 없습니다.</p>}
        {state === "error" && <p class="chart-overlay chart-error">차트를 그리지 못했습니다.</p>}
      </div>
      <p class="chart-summary muted" aria-live="polite">{summary}</p>
      <details class="chart-table">
        <summary>최근 {TABLE_ROWS}거래일 표</summary>
        <table class="data">
          <caption class="sr-only">{name} 최근 거래일 종가·대비·거래량</caption>
          <thead>
            <tr>
              <th scope="col">일자</th>
              <th scope="col">종가</th>
              <th scope="col">대비</th>
              <th scope="col">거래량</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr class="empty-row">
                <td colSpan={4}>{state === "loading" ? "불러오는 중…" : EMPTY}</td>
              </tr>
            )}
            {rows.map((r) => (
              <tr key={r.date}>
                <th scope="row">{formatDate(r.date)}</th>
                <td class="num">{formatNumber(r.close)}</td>
                <td class={`num ${changeClass(r.change)}`}>
                  {r.change === null
                    ? EMPTY
                    : `${r.change > 0 ? "+" : ""}${formatNumber(r.change)}`}
                </td>
                <td class="num">{formatNumber(r.volume)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
