/**
 * Search results (/company?q=&page=): every company and KRX instrument matching by name,
 * code, ISIN or 초성, best first, with market, last close and change, in pages. A plain GET
 * form and links: no JavaScript needed (the search box adds a typeahead when it runs).
 *
 * @module
 */
import { changeText } from "./PriceCard.tsx";
import { EmptyRow } from "./table.tsx";
import { Layout, type ShellProps } from "./Layout.tsx";
import { SearchForm } from "./SearchForm.tsx";
import { searchUrl } from "./links.ts";
import { changeClass, EMPTY, formatNumber } from "../lib/format.ts";

/** One result row. */
export interface SearchHit {
  corp_code: string | null;
  stock_code: string | null;
  isin?: string | null;
  name: string;
  corp_name?: string | null;
  market: string | null;
  url: string;
  quote?: {
    date: string;
    close: number | null;
    change: number | null;
    change_pct: number | null;
  } | null;
}

/** Props of {@link SearchPage}. */
export interface SearchPageProps extends ShellProps {
  q: string;
  hits: SearchHit[];
  /** Hits in all pages. */
  total: number;
  /** This page (from 1) and the page size. */
  page: number;
  pageSize: number;
}

/** Page links: first, a window around the current page, last. */
export function pageNumbers(page: number, pages: number, around = 2): (number | null)[] {
  const out: (number | null)[] = [];
  for (let p = 1; p <= pages; p++) {
    if (p === 1 || p === pages || Math.abs(p - page) <= around) out.push(p);
    else if (out.at(-1) !== null) out.push(null);
  }
  return out;
}

function Pager({ q, page, pages }: { q: string; page: number; pages: number }) {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label="검색 결과 페이지">
      {page > 1 && <a href={searchUrl(q, page - 1)} rel="prev">← 이전</a>}
      {pageNumbers(page, pages).map((p, i) =>
        p === null
          ? <span key={`gap-${i}`} class="muted">…</span>
          : p === page
          ? <strong key={p} aria-current="page">{p}</strong>
          : <a key={p} href={searchUrl(q, p)}>{p}</a>
      )}
      {page < pages && <a href={searchUrl(q, page + 1)} rel="next">다음 →</a>}
    </nav>
  );
}

/** The search page. */
export function SearchPage({ q, hits, total, page, pageSize, ...shell }: SearchPageProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = (page - 1) * pageSize + 1;
  return (
    <Layout {...shell} title={q ? `"${q}" 검색` : "기업·종목 검색"} active="company" search={false}>
      <div class="search-head">
        <h1>기업·종목 검색</h1>
        <SearchForm q={q} autofocus={!q} />
      </div>
      {!q
        ? (
          <p class="muted hint">
            회사명, 종목명, 초성(예: ㅅㅅ), 종목코드(6자리), ISIN(12자리) 또는 DART
            고유번호(8자리)로 찾을 수 있습니다.
          </p>
        )
        : (
          <section class="section" aria-labelledby="results-h">
            <div class="section-head">
              <h2 id="results-h">"{q}" 검색 결과</h2>
              <span class="muted" id="results-count">
                {total}건{hits.length > 0 && total > hits.length
                  ? ` 중 ${first}–${first + hits.length - 1}`
                  : ""}
              </span>
            </div>
            <div class="table-wrap">
              <table class="data search-results" id="search-results">
                <caption class="sr-only">"{q}" 검색 결과</caption>
                <thead>
                  <tr>
                    <th scope="col">종목·회사</th>
                    <th scope="col">종목코드</th>
                    <th scope="col">고유번호</th>
                    <th scope="col">시장</th>
                    <th scope="col" class="num">종가</th>
                    <th scope="col" class="num">대비</th>
                  </tr>
                </thead>
                <tbody>
                  {hits.length === 0 && (
                    <EmptyRow colSpan={6}>
                      {total > 0
                        ? "이 페이지에는 결과가 없습니다."
                        : "검색 결과가 없습니다. 다른 이름, 초성이나 코드로 찾아 보세요."}
                    </EmptyRow>
                  )}
                  {hits.map((h) => {
                    const cls = changeClass(h.quote?.change ?? null);
                    return (
                      <tr data-code={h.stock_code ?? h.corp_code ?? ""}>
                        <th scope="row">
                          <a href={h.url}>{h.name}</a>
                          {h.corp_name && h.corp_name !== h.name && (
                            <span class="muted">{` ${h.corp_name}`}</span>
                          )}
                        </th>
                        <td class="mono">{h.stock_code ?? EMPTY}</td>
                        <td class="mono">{h.corp_code ?? EMPTY}</td>
                        <td>{h.market ?? (h.stock_code ? EMPTY : "비상장")}</td>
                        <td
                          class={`num ${cls}`}
                          title={h.quote ? `기준일 ${h.quote.date}` : undefined}
                        >
                          {h.quote?.close == null ? EMPTY : formatNumber(h.quote.close)}
                        </td>
                        <td class={`num ${cls}`}>
                          {h.quote ? changeText(h.quote.change, h.quote.change_pct) : EMPTY}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <Pager q={q} page={page} pages={pages} />
          </section>
        )}
    </Layout>
  );
}
