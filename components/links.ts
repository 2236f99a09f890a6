/**
 * Page addresses of companies and instruments, in one place for pages, the search API and
 * the typeahead island: a company with a DART 고유번호 lives at `/company/{corp_code}` (its
 * stock, when listed, is shown there); an instrument no corp-master row lists at
 * `/stock/{code}`. `/stock/{code}` of a listed company redirects to its company page.
 *
 * @module
 */

/** The page of a company (by 고유번호). */
export const companyUrl = (corpCode: string): string => `/company/${encodeURIComponent(corpCode)}`;

/** The page of a KRX instrument (by 종목코드 or ISIN). */
export const stockUrl = (code: string): string => `/stock/${encodeURIComponent(code)}`;

/** The search results page. */
export const searchUrl = (q: string, page = 1): string =>
  `/company?q=${encodeURIComponent(q)}${page > 1 ? `&page=${page}` : ""}`;

/** The page of a search entry: its company when it has a 고유번호, else its instrument. */
export function entityUrl(e: { corp_code: string | null; stock_code: string | null }): string {
  if (e.corp_code) return companyUrl(e.corp_code);
  return e.stock_code ? stockUrl(e.stock_code) : "/company";
}
