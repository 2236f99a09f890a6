/**
 * Pure parsers for the KIND IPO screens (`shared/sources/krx-kind.md` §3), built on a real HTML
 * parser (node-html-parser). Regular expressions only look at *text* (a cell's text, an
 * `onclick` attribute value, the `fn_InitTitle("…")` script text); the one exception is the
 * charset sniff of {@linkcode decodeKind}, which must run before the bytes can be decoded.
 *
 * What every list parser checks, in order:
 * 1. the error/maintenance page (`<title>페이지 오류</title>`, `시스템 점검`, `잠시 후 다시 이용해
 *    주세요`) → {@linkcode KindUnavailableError} (never zero rows);
 * 2. a `<table>` whose column titles (from `fn_InitTitle("…")`, else the header `<th>` cells, else
 *    the table `summary`) contain the screen's required columns → else {@linkcode KindFormatError};
 * 3. the `조회된 결과값이 없습니다.` row → zero rows, total 0;
 * 4. every data row has exactly as many cells as titles → else `KindFormatError`;
 * 5. the footer `전체 <em>N</em>건 : <strong>p</strong>/P` (Sub screens; the `_down` variant has
 *    none) → else `KindFormatError`.
 *
 * Unknown values (`&nbsp;`, blank, `-`) are `null`; a value that is neither unknown nor a valid
 * date/number is a `KindFormatError` naming the column.
 *
 * @module
 */
import { type HTMLElement, parse as parseHtml } from "node-html-parser";
import type { z } from "zod";
import { KindFormatError, KindUnavailableError } from "./errors.ts";
import {
  KindCorpListRow,
  KindListing,
  type KindMarket,
  KindOffering,
  type KindPage,
  KindReview,
  type KindReviewResult,
  KindScheduleEvent,
} from "./types.ts";

// ---------------------------------------------------------------------------------------
// decoding

/** The charset named by a `Content-Type` value or a `<meta>` in the first bytes, lower-cased. */
export function sniffCharset(bytes: Uint8Array, contentType = ""): string | null {
  const fromHeader = /charset\s*=\s*["']?([\w-]+)/i.exec(contentType);
  if (fromHeader) return fromHeader[1].toLowerCase();
  // ASCII view of the head: the meta tag itself is ASCII in both encodings.
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 2048));
  const fromMeta = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head);
  return fromMeta ? fromMeta[1].toLowerCase() : null;
}

/**
 * Decodes a KIND payload: EUC-KR (`euc-kr`, `ks_c_5601-1987`, `cp949`) when the header or a
 * `<meta>` says so, UTF-8 otherwise.
 */
export function decodeKind(bytes: Uint8Array, contentType = ""): string {
  const cs = sniffCharset(bytes, contentType);
  const euc = cs !== null && /^(?:euc-?kr|ks_c_5601-1987|cp949|x-windows-949|ms949)$/.test(cs);
  return new TextDecoder(euc ? "euc-kr" : "utf-8").decode(bytes);
}

// ---------------------------------------------------------------------------------------
// values

const clean = (s: string) => s.replace(/[\u00a0\s]+/g, " ").trim();

/** True for KIND's "unknown": blank, `&nbsp;`, `-`. */
function isUnknown(s: string): boolean {
  const t = clean(s);
  return t === "" || t === "-" || t === "－";
}

function validYmd(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function dateOrNull(text: string, screen: string, column: string): string | null {
  if (isUnknown(text)) return null;
  const t = clean(text).replace(/[./]/g, "-");
  if (!validYmd(t)) {
    throw new KindFormatError(`${column}: expected YYYY-MM-DD, got "${clean(text)}"`, screen);
  }
  return t;
}

function rangeOrNull(
  text: string,
  screen: string,
  column: string,
): { from: string; to: string } | null {
  if (isUnknown(text)) return null;
  const parts = clean(text).split("~").map((p) => p.trim());
  if (parts.length !== 2) {
    throw new KindFormatError(
      `${column}: expected "YYYY-MM-DD ~ YYYY-MM-DD", got "${clean(text)}"`,
      screen,
    );
  }
  const from = dateOrNull(parts[0], screen, column);
  const to = dateOrNull(parts[1], screen, column);
  if (from === null && to === null) return null;
  if (from === null || to === null || from > to) {
    throw new KindFormatError(`${column}: incomplete or reversed range "${clean(text)}"`, screen);
  }
  return { from, to };
}

function numberOrNull(text: string, screen: string, column: string): number | null {
  if (isUnknown(text)) return null;
  const t = clean(text).replace(/,/g, "").replace(/\s*(?:원|주|백만원)$/, "");
  if (!/^\d+(?:\.\d+)?$/.test(t)) {
    throw new KindFormatError(`${column}: expected a number, got "${clean(text)}"`, screen);
  }
  return Number(t);
}

const textOrNull = (s: string) => (isUnknown(s) ? null : clean(s));

/** Spelled-out Latin prefixes of broker names → the names brokers use. */
const BROKER_PREFIX: [string, string][] = [
  ["엔에이치", "NH"],
  ["케이비", "KB"],
  ["아이비케이", "IBK"],
  ["디비", "DB"],
  ["에스케이", "SK"],
  ["비엔케이", "BNK"],
  ["케이티비", "KTB"],
  ["디에스", "DS"],
  ["아이엠", "iM"],
  ["유진", "유진"],
];

/**
 * Normalises one 상장주선인 name: drops `주식회사`, `(주)`, `㈜` and spaces, and turns spelled-out
 * prefixes into the brand (`엔에이치투자증권` → `NH투자증권`, `케이비증권` → `KB증권`).
 */
export function normalizeUnderwriter(name: string): string {
  let n = clean(name).replace(/주식회사|\(주\)|㈜|\(株\)/g, "").replace(/\s+/g, "");
  for (const [spelled, brand] of BROKER_PREFIX) {
    if (n.startsWith(spelled)) {
      n = brand + n.slice(spelled.length);
      break;
    }
  }
  return n;
}

/** Splits a 상장주선인 cell (`,`/`/`/`、` separated, lead first), normalised and de-duplicated. */
export function splitUnderwriters(text: string): string[] {
  if (isUnknown(text)) return [];
  const out: string[] = [];
  for (const part of clean(text).split(/[,，、/]/)) {
    const n = normalizeUnderwriter(part);
    if (n && n !== "-" && !out.includes(n)) out.push(n);
  }
  return out;
}

/** The market from the name cell's icon (`alt`, else the icon file name). */
function marketOf(cell: HTMLElement): KindMarket | null {
  for (const img of cell.querySelectorAll("img")) {
    const alt = clean(img.getAttribute("alt") ?? "");
    if (alt.includes("코스닥")) return "코스닥";
    if (alt.includes("유가")) return "유가증권";
    if (alt.includes("코넥스")) return "코넥스";
    const src = img.getAttribute("src") ?? "";
    if (/icn_t_ko\./.test(src)) return "코스닥";
    if (/icn_t_yu\./.test(src)) return "유가증권";
    if (/icn_t_(?:kn|kx)\./.test(src)) return "코넥스";
  }
  return null;
}

/** A cell's text; `<img>` alts are not text, so the name cell yields the bare name. */
const cellText = (cell: HTMLElement) => clean(cell.text);

/** The first quoted argument of the first `onclick` in the row (the row key). */
function rowKey(tr: HTMLElement): string | null {
  const els = [tr, ...tr.querySelectorAll("[onclick]")];
  for (const el of els) {
    const js = el.getAttribute("onclick");
    if (!js) continue;
    const m = /\(\s*['"]([^'"]+)['"]/.exec(js);
    if (m) return m[1].trim();
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// page structure

const MAINTENANCE_MARKERS = ["시스템 점검", "잠시 후 다시 이용해 주세요", "페이지 오류"];

/** Throws {@linkcode KindUnavailableError} for the error/maintenance page. */
export function checkUnavailable(root: HTMLElement, screen: string): void {
  const title = clean(root.querySelector("title")?.text ?? "");
  if (title.includes("페이지 오류") || title.includes("점검")) {
    throw new KindUnavailableError(`KIND answered its error page ("${title}")`, screen);
  }
  const body = clean(root.text);
  for (const m of MAINTENANCE_MARKERS) {
    if (body.includes(m) && !root.querySelector("table tbody tr")) {
      throw new KindUnavailableError(`KIND answered its maintenance page ("${m}")`, screen);
    }
  }
}

/** The table's own rows in document order (not those of tables nested in its cells). */
function ownRows(table: HTMLElement): HTMLElement[] {
  return table.querySelectorAll("tr").filter((tr) => {
    let p = tr.parentNode as HTMLElement | null;
    while (p && p.tagName !== "TABLE") p = p.parentNode as HTMLElement | null;
    return p === table;
  });
}

/** A row's own cells (`<th>` and `<td>`), in order. */
const rowCells = (tr: HTMLElement) =>
  tr.childNodes.filter((n): n is HTMLElement => {
    const tag = (n as HTMLElement).tagName;
    return tag === "TH" || tag === "TD";
  });

/**
 * The header row: the first of the table's own rows that has a `<th>` cell — whatever comes
 * before it (`<caption>`, `<colgroup>`, bare `<col>`s with or without closing tags, `<thead>`,
 * blank rows). Without any `<th>`, the first row whose cell texts contain every `required`
 * title (a download that writes its titles in `<td>`s).
 */
function headerRow(table: HTMLElement, required: string[]): HTMLElement | null {
  const rows = ownRows(table);
  const withTh = rows.find((tr) => rowCells(tr).some((c) => c.tagName === "TH"));
  if (withTh) return withTh;
  const want = required.map((r) => titleKey(r));
  return rows.find((tr) => {
    const have = new Set(rowCells(tr).map((c) => titleKey(cellText(c))));
    return want.length > 0 && want.every((w) => have.has(w));
  }) ?? null;
}

/** Column titles: `fn_InitTitle("…")` script, else the header row's cells, else `summary`. */
function titlesOf(root: HTMLElement, table: HTMLElement, required: string[] = []): string[] | null {
  for (const s of root.querySelectorAll("script")) {
    const m = /fn_InitTitle\(\s*["']([^"']*)["']/.exec(s.text);
    if (m) return m[1].split(",").map(clean).filter((t) => t !== "");
  }
  const head = headerRow(table, required);
  if (head) return rowCells(head).map(cellText);
  const summary = table.getAttribute("summary");
  if (summary) return summary.split(",").map(clean).filter((t) => t !== "");
  return null;
}

/** Matches a title ignoring spaces and a trailing unit: `공모금액(백만원)` ~ `공모금액`. */
const titleKey = (t: string) => t.replace(/\s+/g, "").replace(/\(.*?\)$/, "");

interface Grid {
  titles: string[];
  /** Data rows (the empty-result row excluded), each with its cells. */
  rows: { tr: HTMLElement; cells: HTMLElement[] }[];
  empty: boolean;
  col(name: string): number;
}

function readGrid(root: HTMLElement, screen: string, required: string[]): Grid {
  checkUnavailable(root, screen);
  const tables = root.querySelectorAll("table");
  if (tables.length === 0) {
    throw new KindFormatError(
      `expected a <table> with columns ${required.join(", ")}; none found`,
      screen,
    );
  }
  let table: HTMLElement | null = null;
  let titles: string[] | null = null;
  for (const t of tables) {
    const ts = titlesOf(root, t, required);
    if (ts && required.every((r) => ts.some((x) => titleKey(x) === titleKey(r)))) {
      table = t;
      titles = ts;
      break;
    }
  }
  if (!table || !titles) {
    const seen = titlesOf(root, tables[0]);
    throw new KindFormatError(
      `expected columns ${required.join(", ")}; found ${
        seen ? seen.join(", ") : "no column titles"
      }`,
      screen,
    );
  }
  const head = headerRow(table, required);
  const rows: Grid["rows"] = [];
  let empty = false;
  for (const tr of ownRows(table)) {
    if (tr === head) continue;
    // Header rows (of the download variants), blank rows and rows of only empty cells.
    if (rowCells(tr).some((c) => c.tagName === "TH")) continue;
    const cells = tr.querySelectorAll("td").filter((td) => td.parentNode === tr);
    if (
      cells.length === 0 || cells.every((td) => clean(td.text) === "" && !td.querySelector("img"))
    ) {
      continue;
    }
    const only = cells.length === 1 ? cells[0] : null;
    if (
      only &&
      (only.classList.contains("null") || cellText(only).includes("조회된 결과값이 없습니다"))
    ) {
      empty = true;
      continue;
    }
    if (cells.length !== titles.length) {
      throw new KindFormatError(
        `row ${rows.length + 1} has ${cells.length} cells, expected ${titles.length} (${
          titles.join(", ")
        })`,
        screen,
      );
    }
    rows.push({ tr, cells });
  }
  if (empty && rows.length) {
    throw new KindFormatError("the empty-result row next to data rows", screen);
  }
  const t = titles;
  return {
    titles: t,
    rows,
    empty,
    col(name: string) {
      const i = t.findIndex((x) => titleKey(x) === titleKey(name));
      if (i < 0) throw new KindFormatError(`expected a "${name}" column`, screen);
      return i;
    },
  };
}

/** The paging footer `전체 <em>N</em>건 : <strong>p</strong>/P`. */
function readFooter(
  root: HTMLElement,
  screen: string,
): { total: number; page: number; pages: number } {
  for (const em of root.querySelectorAll("em")) {
    const parent = em.parentNode as HTMLElement | null;
    if (!parent) continue;
    const text = clean(parent.text);
    if (!text.startsWith("전체")) continue;
    const total = Number(clean(em.text).replace(/,/g, ""));
    const page = Number(clean(parent.querySelector("strong")?.text ?? "").replace(/,/g, ""));
    const m = /\/\s*([\d,]+)\s*$/.exec(text);
    if (!Number.isInteger(total) || !Number.isInteger(page) || !m) {
      throw new KindFormatError(`unreadable paging footer "${text}"`, screen);
    }
    return { total, page, pages: Number(m[1].replace(/,/g, "")) };
  }
  throw new KindFormatError(
    `expected the paging footer "전체 <em>N</em>건 : <strong>p</strong>/P"`,
    screen,
  );
}

function pageOf<T>(
  root: HTMLElement,
  screen: string,
  grid: Grid,
  rows: T[],
  paged: boolean,
): KindPage<T> {
  if (!paged) return { rows, total: rows.length, page: 1, pages: rows.length ? 1 : 0 };
  const f = readFooter(root, screen);
  // The empty-result row: zero rows; the footer says 0 (or the real total past the last page).
  if (grid.empty) return { rows, total: f.total, page: f.page, pages: f.pages };
  if (f.total < rows.length) {
    throw new KindFormatError(
      `footer total ${f.total} is below the ${rows.length} rows shown`,
      screen,
    );
  }
  return { rows, total: f.total, page: f.page, pages: f.pages };
}

function validated<T>(schema: z.ZodType<T>, v: unknown, screen: string, row: number): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new KindFormatError(`row ${row}: ${i.path.join(".")}: ${i.message}`, screen);
  }
  return r.data as T;
}

/** Options of the list parsers. */
export interface KindParseOptions {
  /** The `_down` ("Excel") variant: a plain table, header `<th>`s, no footer. */
  download?: boolean;
}

// ---------------------------------------------------------------------------------------
// screens

const OFFERING_COLUMNS = [
  "회사명",
  "신고서제출일",
  "수요예측일정",
  "청약일정",
  "납입일",
  "확정공모가",
  "공모금액(백만원)",
  "상장예정일",
];

/** 공모기업현황 (`pubofrprogcom_sub` / `_down`). */
export function parseOfferings(html: string, opts: KindParseOptions = {}): KindPage<KindOffering> {
  const screen = opts.download ? "pubofrprogcom_down" : "pubofrprogcom";
  const root = parseHtml(html);
  const g = readGrid(root, screen, OFFERING_COLUMNS);
  const uw = underwriterCol(g, screen);
  const c = OFFERING_COLUMNS.map((n) => g.col(n));
  const rows = g.rows.map(({ tr, cells }, i) => {
    const key = rowKey(tr);
    if (!key) {
      throw new KindFormatError(`row ${i + 1}: no fnDetailView('<업무처리번호>') key`, screen);
    }
    const amount = g.titles[c[6]].includes("백만원") ? 1 : 1e-6;
    const raw = numberOrNull(cells[c[6]].text, screen, "공모금액");
    return validated<KindOffering>(
      KindOffering,
      {
        biz_proc_no: key,
        corp_name: cellText(cells[c[0]]),
        market: marketOf(cells[c[0]]),
        filing_date: dateOrNull(cells[c[1]].text, screen, "신고서제출일"),
        bookbuilding: rangeOrNull(cells[c[2]].text, screen, "수요예측일정"),
        subscription: rangeOrNull(cells[c[3]].text, screen, "청약일정"),
        payment_date: dateOrNull(cells[c[4]].text, screen, "납입일"),
        final_price: numberOrNull(cells[c[5]].text, screen, "확정공모가"),
        offer_amount_mkrw: raw === null ? null : Math.round(raw * amount),
        listing_date: dateOrNull(cells[c[7]].text, screen, "상장예정일"),
        underwriters: splitUnderwriters(cells[uw].text),
      },
      screen,
      i + 1,
    );
  });
  return pageOf(root, screen, g, rows, !opts.download);
}

function underwriterCol(g: Grid, screen: string): number {
  const i = g.titles.findIndex((t) => t.replace(/\s+/g, "").startsWith("상장주선인"));
  if (i < 0) throw new KindFormatError(`expected a "상장주선인" column`, screen);
  return i;
}

const LISTING_COLUMNS = ["회사명", "상장일", "상장유형", "증권구분", "업종", "국적"];

/**
 * 신규상장기업현황 (`listingtype_sub` / `_down`). The optional `choicTypeArrStr` columns
 * (액면가, 공모가, 공모금액, 주요제품, 최초상장주식수) are found by their titles; absent → null.
 */
export function parseListings(html: string, opts: KindParseOptions = {}): KindPage<KindListing> {
  const screen = opts.download ? "listingtype_down" : "listingtype";
  const root = parseHtml(html);
  const g = readGrid(root, screen, LISTING_COLUMNS);
  const uw = underwriterCol(g, screen);
  const c = LISTING_COLUMNS.map((n) => g.col(n));
  const opt = (name: string) => g.titles.findIndex((t) => titleKey(t) === name);
  const par = opt("액면가"), price = opt("공모가"), amt = opt("공모금액"), prod = opt("주요제품");
  const shares = opt("최초상장주식수");
  const rows = g.rows.map(({ tr, cells }, i) => {
    const key = rowKey(tr);
    if (!key || !/^[0-9A-Z]{5}$/.test(key)) {
      throw new KindFormatError(
        `row ${i + 1}: expected a 5-character 회사코드 key, got ${key}`,
        screen,
      );
    }
    const num = (
      idx: number,
      name: string,
    ) => (idx < 0 ? null : numberOrNull(cells[idx].text, screen, name));
    let amount = num(amt, "공모금액");
    if (
      amount !== null && amt >= 0 && !g.titles[amt].includes("백만원") &&
      g.titles[amt].includes("원")
    ) {
      amount = Math.round(amount / 1e6);
    }
    return validated<KindListing>(
      KindListing,
      {
        company_code: key,
        stock_code: `${key}0`,
        corp_name: cellText(cells[c[0]]),
        market: marketOf(cells[c[0]]),
        listing_date: dateOrNull(cells[c[1]].text, screen, "상장일"),
        listing_type: cellText(cells[c[2]]),
        security_type: cellText(cells[c[3]]),
        industry: cellText(cells[c[4]]),
        nationality: cellText(cells[c[5]]),
        underwriters: splitUnderwriters(cells[uw].text),
        par_value: num(par, "액면가"),
        offer_price: num(price, "공모가"),
        offer_amount_mkrw: amount,
        products: prod < 0 ? null : textOrNull(cells[prod].text),
        listed_shares: num(shares, "최초상장주식수"),
      },
      screen,
      i + 1,
    );
  });
  return pageOf(root, screen, g, rows, !opts.download);
}

const REVIEW_RESULTS: [string, KindReviewResult][] = [
  ["청구서접수", "filed"],
  ["심사미승인", "rejected"],
  ["심사승인", "approved"],
  ["심사철회", "withdrawn"],
  ["상장승인", "listing_approved"],
  ["상장철회", "listing_withdrawn"],
  ["공모철회", "offering_withdrawn"],
];

/** Maps a 심사결과 text (`청구서 접수`, `심사승인`, …); blank → `filed` (pending), other → `unknown`. */
export function reviewResultOf(text: string | null): KindReviewResult {
  if (text === null) return "filed";
  const t = text.replace(/\s+/g, "");
  for (const [label, r] of REVIEW_RESULTS) if (t === label) return r;
  return "unknown";
}

const REVIEW_COLUMNS = ["회사명", "상장유형", "청구일", "결과확정일", "심사결과"];

/** 상장예비심사 청구/승인 현황 (`listinvstgcom_sub`). */
export function parseReviews(html: string): KindPage<KindReview> {
  const screen = "listinvstgcom";
  const root = parseHtml(html);
  const g = readGrid(root, screen, REVIEW_COLUMNS);
  const uw = underwriterCol(g, screen);
  const c = REVIEW_COLUMNS.map((n) => g.col(n));
  const rows = g.rows.map(({ tr, cells }, i) => {
    const key = rowKey(tr);
    if (!key) {
      throw new KindFormatError(`row ${i + 1}: no fnDetailView('<업무처리번호>') key`, screen);
    }
    const resultText = textOrNull(cells[c[4]].text);
    return validated<KindReview>(
      KindReview,
      {
        biz_proc_no: key,
        corp_name: cellText(cells[c[0]]),
        market: marketOf(cells[c[0]]),
        listing_type: cellText(cells[c[1]]),
        filed_date: dateOrNull(cells[c[2]].text, screen, "청구일"),
        decided_date: dateOrNull(cells[c[3]].text, screen, "결과확정일"),
        result_text: resultText,
        result: reviewResultOf(resultText),
        underwriters: splitUnderwriters(cells[uw].text),
      },
      screen,
      i + 1,
    );
  });
  return pageOf(root, screen, g, rows, true);
}

const EVENT_KINDS = ["수요예측", "청약", "납입", "상장", "IR"] as const;

/**
 * 공모일정 calendar (`pubofrSchol_sub`): a month grid whose day cells (`<td>` with a day number
 * in `.day`) list events `<a onclick="fnDetailView('…')"><em>수요예측</em>회사명</a>`. Cells of the
 * neighbouring months (`class="other"`) are skipped.
 */
export function parseSchedule(html: string, year: number, month: number): KindScheduleEvent[] {
  const screen = "pubofrschdl";
  const root = parseHtml(html);
  checkUnavailable(root, screen);
  const table = root.querySelector("table.cal, table[summary*='공모일정']");
  if (!table) throw new KindFormatError(`expected the calendar <table class="cal">`, screen);
  const heads = table.querySelectorAll("thead th").map(cellText);
  if (heads.length !== 7) {
    throw new KindFormatError(`expected 7 weekday columns, found ${heads.length}`, screen);
  }
  const out: KindScheduleEvent[] = [];
  const days = new Set<number>();
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  for (const tr of table.querySelectorAll("tbody tr")) {
    const tds = tr.querySelectorAll("td");
    if (tds.length !== 7) {
      throw new KindFormatError(`calendar week with ${tds.length} cells, expected 7`, screen);
    }
    for (const td of tds) {
      if (td.classList.contains("other")) continue;
      const dayText = clean(td.querySelector(".day")?.text ?? "");
      if (dayText === "") continue;
      const day = Number(dayText);
      if (!Number.isInteger(day) || day < 1 || day > last || days.has(day)) {
        throw new KindFormatError(`bad calendar day "${dayText}"`, screen);
      }
      days.add(day);
      const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
      for (const a of td.querySelectorAll("li")) {
        const label = clean(a.querySelector("em")?.text ?? "");
        const kind = EVENT_KINDS.find((k) => k === label);
        if (!kind) {
          throw new KindFormatError(`unknown calendar event "${label}" on ${date}`, screen);
        }
        const name = clean(a.text).slice(clean(a.querySelector("em")!.text).length).trim();
        const key = rowKey(a);
        out.push(validated<KindScheduleEvent>(
          KindScheduleEvent,
          {
            date,
            kind,
            corp_name: name,
            biz_proc_no: key && /^\d{14}$/.test(key) ? key : null,
          },
          screen,
          out.length + 1,
        ));
      }
    }
  }
  if (days.size !== last) {
    throw new KindFormatError(`calendar shows ${days.size} days, expected ${last}`, screen);
  }
  return out;
}

const CORPLIST_COLUMNS = [
  "회사명",
  "종목코드",
  "업종",
  "주요제품",
  "상장일",
  "결산월",
  "대표자명",
  "홈페이지",
  "지역",
];

function corpListMarket(t: string): KindMarket | null {
  if (/코스닥|KOSDAQ/i.test(t)) return "코스닥";
  if (/코넥스|KONEX/i.test(t)) return "코넥스";
  if (/유가|KOSPI/i.test(t)) return "유가증권";
  return null;
}

/**
 * The corpList download (`corpList.do?method=download`): an HTML table in EUC-KR served as
 * `.xls`. `종목코드` is re-padded to 6 characters.
 */
export function parseCorpListDownload(bytes: Uint8Array, contentType = ""): KindCorpListRow[] {
  const screen = "corpList";
  const root = parseHtml(decodeKind(bytes, contentType));
  const g = readGrid(root, screen, CORPLIST_COLUMNS);
  const c = CORPLIST_COLUMNS.map((n) => g.col(n));
  const mk = g.titles.findIndex((t) => titleKey(t) === "시장구분");
  return g.rows.map(({ cells }, i) => {
    const code = cellText(cells[c[1]]).toUpperCase().padStart(6, "0");
    return validated<KindCorpListRow>(
      KindCorpListRow,
      {
        corp_name: cellText(cells[c[0]]),
        market: mk < 0 ? null : corpListMarket(cellText(cells[mk])),
        stock_code: code,
        industry: cellText(cells[c[2]]),
        products: cellText(cells[c[3]]),
        listing_date: dateOrNull(cells[c[4]].text, screen, "상장일"),
        fiscal_month: cellText(cells[c[5]]),
        ceo: cellText(cells[c[6]]),
        homepage: cellText(cells[c[7]]),
        region: cellText(cells[c[8]]),
      },
      screen,
      i + 1,
    );
  });
}
