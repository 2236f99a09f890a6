/**
 * Company search results (/company?q=). A plain GET form; no JavaScript needed.
 *
 * @module
 */
import { EmptyRow, SortableTable } from "./table.tsx";
import { Layout, type ShellProps } from "./Layout.tsx";
import { SearchForm } from "./SearchForm.tsx";
import { EMPTY } from "../lib/format.ts";

/** One search result. */
export interface SearchHit {
  corp_code: string;
  corp_name: string;
  stock_code: string | null;
  market: string | null;
}

/** Props of {@link SearchPage}. */
export interface SearchPageProps extends ShellProps {
  q: string;
  hits: SearchHit[];
  /** The result limit, to say when the list may be cut. */
  limit: number;
}

/** The search page. */
export function SearchPage({ q, hits, limit, ...shell }: SearchPageProps) {
  return (
    <Layout {...shell} title={q ? `"${q}" 검색` : "기업 검색"} active="company">
      <div class="search-head">
        <h1>기업 검색</h1>
        <SearchForm q={q} autofocus={!q} />
      </div>
      {!q
        ? (
          <p class="muted hint">
            회사명, 종목코드(6자리) 또는 DART 고유번호(8자리)로 찾을 수 있습니다.
          </p>
        )
        : (
          <section class="section" aria-labelledby="results-h">
            <div class="section-head">
              <h2 id="results-h">"{q}" 검색 결과</h2>
              <span class="muted">
                {hits.length}건{hits.length >= limit ? ` (상위 ${limit}건만 표시)` : ""}
              </span>
            </div>
            <SortableTable caption={`"${q}" 검색 결과`} captionHidden class="search-results">
              <thead>
                <tr>
                  <th scope="col">회사명</th>
                  <th scope="col">고유번호</th>
                  <th scope="col">종목코드</th>
                  <th scope="col">시장</th>
                </tr>
              </thead>
              <tbody>
                {hits.length === 0 && (
                  <EmptyRow colSpan={4}>
                    검색 결과가 없습니다. 다른 이름이나 코드로 찾아 보세요.
                  </EmptyRow>
                )}
                {hits.map((h) => (
                  <tr>
                    <td>
                      <a href={`/company/${h.corp_code}`}>{h.corp_name}</a>
                    </td>
                    <td class="mono">{h.corp_code}</td>
                    <td class="mono">{h.stock_code ?? EMPTY}</td>
                    <td>{h.market ?? EMPTY}</td>
                  </tr>
                ))}
              </tbody>
            </SortableTable>
          </section>
        )}
    </Layout>
  );
}
