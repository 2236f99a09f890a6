/**
 * The search form: the SearchBox island, a plain GET form to /company?q= that works
 * without JavaScript and adds a typeahead when it runs. {@link HeaderSearch} is the one in
 * the site header.
 *
 * @module
 */
import { Island } from "./Island.tsx";

/** Props of {@link SearchForm}. */
export interface SearchFormProps {
  /** Prefilled query. */
  q?: string;
  /** Larger variant for the home and search pages. */
  large?: boolean;
  autofocus?: boolean;
  /** The input's id (unique on the page; default "company-q"). */
  id?: string;
}

/** Search by company or instrument name, 초성, 종목코드, ISIN or 고유번호. */
export function SearchForm({ q = "", large, autofocus, id = "company-q" }: SearchFormProps) {
  return <Island name="SearchBox" props={{ id, q, large, autofocus }} />;
}

/** The site header's search box. */
export function HeaderSearch() {
  return <Island name="SearchBox" props={{ id: "site-q" }} class="header-search" />;
}
