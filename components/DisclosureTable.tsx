/**
 * Disclosure lists: receipt date, (optionally) company, report name with bracket-prefix
 * and amendment-count badges, filer and a link to the DART viewer.
 *
 * @module
 */
import type { Disclosure } from "../lib/etl/schemas.ts";
import { dartViewerUrl, formatDate } from "../lib/format.ts";
import { EmptyRow, SortableTable } from "./table.tsx";

/**
 * Badges for a report: one per bracket prefix (`[기재정정]`, `[첨부추가]` …) and
 * "정정 N회" when the amendment chain has more than one filing.
 */
export function AmendBadges({ d }: { d: Pick<Disclosure, "prefixes" | "chain"> }) {
  const amendments = Math.max(0, (d.chain?.length ?? 0) - 1);
  return (
    <>
      {d.prefixes.map((p, i) => <span key={i} class="badge badge-prefix">[{p}]</span>)}
      {amendments > 0 && (
        <span class="badge badge-amend" title={`최초 접수 후 ${amendments}회 정정`}>
          정정 {amendments}회
        </span>
      )}
    </>
  );
}

/** The report name cell content: badges then the base name, linked to DART. */
export function ReportName({ d }: { d: Disclosure }) {
  return (
    <span class="report-name">
      <AmendBadges d={d} />
      <a href={dartViewerUrl(d.rcept_no)} target="_blank" rel="noopener noreferrer">
        {d.base_name || d.report_nm}
      </a>
    </span>
  );
}

/** Props of {@link DisclosureTable}. */
export interface DisclosureTableProps {
  items: Disclosure[];
  /** Show the company column (market-wide lists). */
  showCompany?: boolean;
  caption?: string;
  id?: string;
}

/** A sortable disclosure table. */
export function DisclosureTable({ items, showCompany, caption, id }: DisclosureTableProps) {
  return (
    <SortableTable caption={caption ?? "공시 목록"} captionHidden class="disclosures" id={id}>
      <thead>
        <tr>
          <th scope="col" class="col-date">접수일</th>
          {showCompany && <th scope="col">회사</th>}
          <th scope="col" class="col-report">보고서명</th>
          <th scope="col" class="col-filer">제출인</th>
          {!showCompany && <th scope="col" class="col-rm">비고</th>}
          <th scope="col" data-nosort="" class="col-link">원문</th>
        </tr>
      </thead>
      <tbody>
        {items.length === 0 && <EmptyRow colSpan={5}>공시가 없습니다.</EmptyRow>}
        {items.map((d) => (
          <tr key={d.rcept_no}>
            <td class="col-date" data-sort={d.rcept_dt}>{formatDate(d.rcept_dt)}</td>
            {showCompany && (
              <td data-sort={d.corp_name}>
                <a href={`/company/${d.corp_code}`}>{d.corp_name}</a>
              </td>
            )}
            <td class="col-report" data-sort={d.base_name || d.report_nm}>
              <ReportName d={d} />
            </td>
            <td class="col-filer muted">{d.flr_nm}</td>
            {!showCompany && <td class="col-rm">{d.rm}</td>}
            <td class="col-link">
              <a
                href={dartViewerUrl(d.rcept_no)}
                target="_blank"
                rel="noopener noreferrer"
                title={`접수번호 ${d.rcept_no}`}
              >
                DART
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </SortableTable>
  );
}
