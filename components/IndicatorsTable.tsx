/**
 * 주요 재무지표 (DART fnlttSinglIndx) of a company snapshot, grouped by category.
 *
 * @module
 */
import type { CompanySnapshot } from "../lib/etl/schemas.ts";
import { REPORT_LABEL } from "../lib/etl/schemas.ts";
import { formatDate } from "../lib/format.ts";
import { EmptyRow, NumberCell, SortableTable } from "./table.tsx";

/** "2025년 사업보고서" style label of the indicator set, or null when unknown. */
export function indicatorsBasis(ind: CompanySnapshot["indicators"]): string | null {
  if (!ind.bsns_year) return null;
  return `${ind.bsns_year}년${ind.reprt_code ? ` ${REPORT_LABEL[ind.reprt_code]}` : ""}`;
}

/** The indicators table. */
export function IndicatorsTable({ indicators }: { indicators: CompanySnapshot["indicators"] }) {
  return (
    <SortableTable caption="주요 재무지표" captionHidden class="indicators" id="indicators-table">
      <thead>
        <tr>
          <th scope="col">구분</th>
          <th scope="col">지표</th>
          <th scope="col" class="num">값</th>
          <th scope="col">기준일</th>
        </tr>
      </thead>
      <tbody>
        {indicators.items.length === 0 && <EmptyRow colSpan={4}>재무지표가 없습니다.</EmptyRow>}
        {indicators.items.map((i) => (
          <tr>
            <td class="muted">{i.idx_cl_nm}</td>
            <td>{i.idx_nm}</td>
            <NumberCell value={i.idx_val} digits={2} />
            <td class="col-date">{i.stlm_dt ? formatDate(i.stlm_dt) : ""}</td>
          </tr>
        ))}
      </tbody>
    </SortableTable>
  );
}
