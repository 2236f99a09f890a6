/**
 * The company search form: a plain GET form to /company?q=, so it works without
 * JavaScript.
 *
 * @module
 */

/** Props of {@link SearchForm}. */
export interface SearchFormProps {
  /** Prefilled query. */
  q?: string;
  /** Larger variant for the home page. */
  large?: boolean;
  autofocus?: boolean;
}

/** Search by company name, 종목코드 or 고유번호. */
export function SearchForm({ q = "", large, autofocus }: SearchFormProps) {
  return (
    <form
      class={`search-form${large ? " large" : ""}`}
      method="get"
      action="/company"
      role="search"
    >
      <label class="sr-only" for="company-q">기업 검색</label>
      <input
        id="company-q"
        type="search"
        name="q"
        value={q}
        placeholder="회사명, 종목코드(6자리) 또는 고유번호(8자리)"
        autocomplete="off"
        maxLength={100}
        autofocus={autofocus}
        required
      />
      <button type="submit">검색</button>
    </form>
  );
}
