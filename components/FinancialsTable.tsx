/**
 * Annual key figures of a company snapshot: one row per fiscal year (newest first) with
 * amounts in 억/조 (exact 원 in `title`), YoY changes in red/blue, margins and debt ratio.
 *
 * @module
 */
import type { CompanySnapshot } from "../lib/etl/schemas.ts";
import { REPORT_LABEL } from "../lib/etl/schemas.ts";
import { ChangeCell, EmptyRow, KrwCell, RatioCell, SortableTable } from "./table.tsx";

const FS_LABEL = { CFS: "연결재무제표", OFS: "별도재무제표" } as const;

/** Describes the basis of the figures, e.g. "연결재무제표 · 사업보고서 · 단위 KRW". */
export function financialsBasis(f: CompanySnapshot["financials"]): string {
  const parts: string[] = [];
  if (f.fs_div) parts.push(FS_LABEL[f.fs_div]);
  const reprt = f.years.at(-1)?.reprt_code;
  if (reprt) parts.push(REPORT_LABEL[reprt]);
  parts.push(`통화 ${f.currency || "KRW"}`);
  return parts.join(" · ");
}

/** The financials table. */
export function FinancialsTable({ financials }: { financials: CompanySnapshot["financials"] }) {
  const years = [...financials.years].reverse();
  return (
    <SortableTable
      caption={`연도별 주요 재무 (${financialsBasis(financials)})`}
      captionHidden
      class="financials"
      id="financials-table"
    >
      <thead>
        <tr>
          <th scope="col">연도</th>
          <th scope="col" class="num">매출액</th>
          <th scope="col" class="num">YoY</th>
          <th scope="col" class="num">영업이익</th>
          <th scope="col" class="num">YoY</th>
          <th scope="col" class="num">당기순이익</th>
          <th scope="col" class="num">YoY</th>
          <th scope="col" class="num">자산총계</th>
          <th scope="col" class="num">부채총계</th>
          <th scope="col" class="num">자본총계</th>
          <th scope="col" class="num">영업이익률</th>
          <th scope="col" class="num">부채비율</th>
        </tr>
      </thead>
      <tbody>
        {years.length === 0 && <EmptyRow colSpan={12}>재무 데이터가 없습니다.</EmptyRow>}
        {years.map((y) => (
          <tr>
            <th scope="row" data-sort={y.bsns_year}>{y.bsns_year}</th>
            <KrwCell value={y.revenue} />
            <ChangeCell value={y.revenue_yoy} />
            <KrwCell value={y.operating_income} />
            <ChangeCell value={y.operating_income_yoy} />
            <KrwCell value={y.net_income} />
            <ChangeCell value={y.net_income_yoy} />
            <KrwCell value={y.total_assets} />
            <KrwCell value={y.total_liabilities} />
            <KrwCell value={y.total_equity} />
            <RatioCell value={y.operating_margin} />
            <RatioCell value={y.debt_ratio} />
          </tr>
        ))}
      </tbody>
    </SortableTable>
  );
}
