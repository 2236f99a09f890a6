/**
 * The search box with a typeahead: a plain GET form to /company?q= (it works without
 * JavaScript), which once hydrated suggests companies and instruments as you type, from
 * `GET /api/v1/search` — name, code, market, last close and change per suggestion.
 *
 * The ARIA 1.2 combobox pattern: the input is `role=combobox` with `aria-expanded`,
 * `aria-controls` and `aria-activedescendant`; the list is `role=listbox` of `role=option`s.
 * ↓/↑ move through the suggestions (wrapping), Enter opens the highlighted one (or submits
 * the form when none is), Esc closes the list (a second Esc clears the box), Tab leaves it.
 * Requests are debounced and a newer query cancels an older request.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { changeClass, formatNumber } from "../lib/format.ts";
import { searchUrl } from "../components/links.ts";

/** Props of {@link SearchBox}. */
export interface SearchBoxProps {
  /** The input's id (unique on the page); the list is `${id}-list`. */
  id: string;
  /** Prefilled query. */
  q?: string;
  /** Larger variant (home and search pages). */
  large?: boolean;
  autofocus?: boolean;
  /** Suggestions shown (default 8). */
  limit?: number;
  /** Debounce before a request, ms (default 120). */
  delayMs?: number;
}

/** One suggestion, as `GET /api/v1/search` returns it. */
export interface Suggestion {
  corp_code: string | null;
  stock_code: string | null;
  name: string;
  market: string | null;
  url: string;
  quote: { close: number | null; change: number | null; change_pct: number | null } | null;
}

const PLACEHOLDER = "회사명, 초성(ㅅㅅ), 종목코드 또는 고유번호";

function changeLabel(q: Suggestion["quote"]): string {
  if (!q || q.change === null) return "";
  const arrow = q.change > 0 ? "▲" : q.change < 0 ? "▼" : "";
  const pct = q.change_pct === null
    ? ""
    : ` ${q.change_pct > 0 ? "+" : ""}${q.change_pct.toFixed(2)}%`;
  return `${arrow}${pct}`.trim();
}

/** The search box island. */
export function SearchBox(
  { id, q = "", large, autofocus, limit = 8, delayMs = 120 }: SearchBoxProps,
) {
  const [value, setValue] = useState(q);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [total, setTotal] = useState(0);
  const [status, setStatus] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inflight = useRef<AbortController | null>(null);
  const listId = `${id}-list`;

  useEffect(() => () => {
    clearTimeout(timer.current);
    inflight.current?.abort();
  }, []);

  function fetchSuggestions(query: string) {
    inflight.current?.abort();
    const ctrl = new AbortController();
    inflight.current = ctrl;
    fetch(`/api/v1/search?q=${encodeURIComponent(query)}&limit=${limit}`, {
      signal: ctrl.signal,
      headers: { accept: "application/json" },
    })
      .then((r) => (r.ok ? r.json() : null))
      .then((body: { items: Suggestion[]; total: number } | null) => {
        if (ctrl.signal.aborted || !body) return;
        setItems(body.items);
        setTotal(body.total);
        setActive(-1);
        setOpen(true);
        setStatus(body.total ? `검색 결과 ${body.total}건` : "검색 결과가 없습니다");
      })
      .catch(() => {
        // aborted by a newer query, or offline: the form still submits
      });
  }

  function onInput(e: Event) {
    const v = (e.currentTarget as HTMLInputElement).value;
    setValue(v);
    clearTimeout(timer.current);
    if (!v.trim()) {
      inflight.current?.abort();
      setItems([]);
      setOpen(false);
      setActive(-1);
      setStatus("");
      return;
    }
    timer.current = setTimeout(() => fetchSuggestions(v.trim()), delayMs);
  }

  function go(url: string) {
    setOpen(false);
    location.assign(url);
  }

  // The options: the suggestions, then "all results" for the query.
  const count = items.length + (open && value.trim() ? 1 : 0);

  function onKeyDown(e: KeyboardEvent) {
    if (e.isComposing) return; // the IME is composing a syllable: its keys are its own
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!open) {
        if (items.length) setOpen(true);
        else if (value.trim()) fetchSuggestions(value.trim());
        e.preventDefault();
        return;
      }
      e.preventDefault();
      if (!count) return;
      // Wraps around: past the last option to the first, above the first to the last.
      setActive((a) =>
        e.key === "ArrowDown" ? (a < count - 1 ? a + 1 : 0) : (a > 0 ? a - 1 : count - 1)
      );
    } else if (e.key === "Enter") {
      if (open && active >= 0 && active < items.length) {
        e.preventDefault();
        go(items[active].url);
      } else if (open && active === items.length && value.trim()) {
        e.preventDefault();
        go(searchUrl(value.trim()));
      }
    } else if (e.key === "Escape") {
      if (open) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      } else if (value) {
        e.preventDefault();
        setValue("");
        setItems([]);
      }
    } else if (e.key === "Tab") {
      setOpen(false);
    }
  }

  const optionId = (i: number) => `${id}-opt-${i}`;
  const expanded = open && count > 0;
  return (
    <form
      class={`search-form typeahead${large ? " large" : ""}`}
      method="get"
      action="/company"
      role="search"
      onSubmit={() => setOpen(false)}
    >
      <label class="sr-only" for={id}>기업·종목 검색</label>
      <div class="typeahead-box">
        <input
          id={id}
          type="search"
          name="q"
          value={value}
          placeholder={PLACEHOLDER}
          autocomplete="off"
          spellcheck={false}
          maxLength={100}
          autofocus={autofocus}
          required
          role="combobox"
          // preact types a combobox input's `list`; the listbox below is ours, not a datalist
          list={undefined}
          aria-autocomplete="list"
          aria-expanded={expanded ? "true" : "false"}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          onInput={onInput}
          onKeyDown={onKeyDown}
          onFocus={() => items.length && value.trim() && setOpen(true)}
          onBlur={() => {
            setTimeout(() => setOpen(false), 150);
          }}
        />
        <ul
          id={listId}
          class="typeahead-list"
          role="listbox"
          aria-label="검색 제안"
          hidden={!expanded}
        >
          {items.map((s, i) => (
            <li
              id={optionId(i)}
              role="option"
              aria-selected={i === active ? "true" : "false"}
              class={i === active ? "active" : undefined}
              data-url={s.url}
              // mousedown, not click: the input's blur would close the list first
              onMouseDown={(e) => {
                e.preventDefault();
                go(s.url);
              }}
              onMouseMove={() => setActive(i)}
            >
              <span class="ta-name">{s.name}</span>
              <span class="ta-code mono">{s.stock_code ?? s.corp_code}</span>
              {s.market && <span class="ta-market">{s.market}</span>}
              <span class={`ta-price ${changeClass(s.quote?.change ?? null)}`}>
                {s.quote?.close != null ? formatNumber(s.quote.close) : ""}
                {s.quote ? ` ${changeLabel(s.quote)}` : ""}
              </span>
            </li>
          ))}
          {expanded && (
            <li
              id={optionId(items.length)}
              role="option"
              aria-selected={active === items.length ? "true" : "false"}
              class={`ta-all${active === items.length ? " active" : ""}`}
              onMouseDown={(e) => {
                e.preventDefault();
                go(searchUrl(value.trim()));
              }}
              onMouseMove={() => setActive(items.length)}
            >
              {items.length
                ? `"${value.trim()}" 전체 결과 ${total}건 보기`
                : `"${value.trim()}" 검색 결과 없음 · 검색 페이지로`}
            </li>
          )}
        </ul>
        <span class="sr-only" role="status" aria-live="polite">{status}</span>
      </div>
      <button type="submit">검색</button>
    </form>
  );
}
