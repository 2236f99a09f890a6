/**
 * Revenue / operating income / net income by fiscal year (bars + line, Korean labels,
 * 억/조 tooltips). chart.js is imported dynamically inside an effect, so server rendering
 * never loads it. The root gets `data-chart-ready="true"` once chart.js has drawn.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { FinancialSeries } from "./financial_chart_draw.ts";

/** Props of {@link FinancialChart}; arrays are aligned with `years` (oldest first). */
export interface FinancialChartProps extends FinancialSeries {
  /** Accessible description of the chart. */
  label?: string;
}

/** The financial chart island. */
export function FinancialChart(props: FinancialChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let cancelled = false;
    import("./financial_chart_draw.ts")
      .then(({ drawFinancialChart }) => {
        if (cancelled || !canvas.current) return;
        chart = drawFinancialChart(canvas.current, props, () => setReady(true));
      })
      .catch((err) => {
        // deno-lint-ignore no-console
        console.error("FinancialChart:", err);
        setFailed(true);
      });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [JSON.stringify(props)]);

  return (
    <div class="fin-chart" data-chart-ready={ready ? "true" : "false"}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={props.label ?? "연도별 매출액, 영업이익, 당기순이익 차트"}
      />
      {failed && <p class="chart-error">차트를 그리지 못했습니다. 아래 표를 참고하세요.</p>}
    </div>
  );
}
