/**
 * An in-memory KIND: {@linkcode createKindFixtureFetch} answers KIND URLs from a
 * {@linkcode KindDataset} with the markup facts of `shared/sources/krx-kind.md` §3. The app's
 * offline sample mode and the test fake server (`tests/fake/kind_server.ts`) both use it.
 *
 * Served (any base URL; form fields from a POST body or the query string):
 *
 * | path | `method` | answer |
 * |---|---|---|
 * | `/listinvstg/pubofrprogcom.do` | `searchPubofrProgComMain` | the Main page (full document) |
 * | | `searchPubofrProgComSub` | 공모기업현황 fragment; `forward=pubofrprogcom_down` → the "Excel" HTML table |
 * | `/listinvstg/listingcompany.do` | `searchListingTypeMain` / `searchListingTypeSub` | 신규상장기업현황 (`choicTypeArrStr` extra columns; `forward=listingtype_down`) |
 * | `/listinvstg/listinvstgcom.do` | `searchListInvstgCorpMain` / `searchListInvstgCorpSub` | 상장예비심사 |
 * | `/listinvstg/pubofrschdl.do` | `searchPubofrScholMain` / `searchPubofrScholCalnd` | 공모일정 month grid (`selYear`, `selMonth`) |
 * | `/corpgeneral/corpList.do` | `download` | 상장법인목록 "xls": HTML in **EUC-KR** |
 *
 * Markup (all constructed from the documented facts; no verbatim KIND page exists in the
 * references): `<table class="list type-00 tmt30" summary="…">` with an **empty** header row
 * `<tr class="first" id="title-contents"></tr>` whose titles come from the trailing
 * `fn_InitTitle("…")` script; market as the name cell's icon (`icn_t_yu.gif` 유가증권,
 * `icn_t_ko.gif` 코스닥, `icn_t_kn.gif` 코넥스); row keys in `onclick` (`fnDetailView('<14 digits>')`,
 * `companysummary_open('<회사코드>')`); ranges `YYYY-MM-DD<br/> ~ YYYY-MM-DD`; unknowns `&nbsp;`;
 * amounts with commas; the footer `전체 <em>N</em>건 : <strong>p</strong>/P`; no rows → one
 * `<td class="first null" colspan="N">조회된 결과값이 없습니다.</td>` row.
 *
 * Filters: 공모 on 신고서제출일, 신규상장 on 상장일, 심사 on 청구일 (`fromDate`/`toDate`, inclusive;
 * an unparsable date → the `페이지 오류` page, as KIND answers bad input); `marketType` (`1`
 * 유가증권, `2` 코스닥, `6` 코넥스 (unverified)); `searchCorpName` (substring). Sorted newest
 * first. Paging: `currentPageSize` (default 15) and `pageIndex` (default 1).
 *
 * @module
 */
import { encodeEucKr } from "../dart/fixture_fetch.ts";
import type {
  KindCorpListRow,
  KindListing,
  KindMarket,
  KindOffering,
  KindReview,
  KindScheduleEvent,
} from "./types.ts";

/** Everything the fixture KIND serves. */
export interface KindDataset {
  offerings: KindOffering[];
  listings: KindListing[];
  reviews: KindReview[];
  /** Extra calendar events (IR) beside those derived from `offerings`. */
  events?: KindScheduleEvent[];
  /** corpList rows; default: derived from `listings`. */
  corpList?: KindCorpListRow[];
}

/** An empty dataset. */
export function emptyKindDataset(): KindDataset {
  return { offerings: [], listings: [], reviews: [] };
}

/** Screen paths (relative to the base URL). */
export const KIND_PATHS = {
  offerings: "/listinvstg/pubofrprogcom.do",
  listings: "/listinvstg/listingcompany.do",
  reviews: "/listinvstg/listinvstgcom.do",
  schedule: "/listinvstg/pubofrschdl.do",
  corpList: "/corpgeneral/corpList.do",
} as const;

/** Main-page `method`s (the client's `Referer`). */
export const KIND_MAIN_METHODS = {
  offerings: "searchPubofrProgComMain",
  listings: "searchListingTypeMain",
  reviews: "searchListInvstgCorpMain",
  schedule: "searchPubofrScholMain",
} as const;

const HTML_TYPE = "text/html;charset=UTF-8";

// ---------------------------------------------------------------------------------------
// markup helpers

/** HTML-escapes text. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  )
    .replace(/'/g, "&#39;");
}

const NBSP = "&nbsp;";
const comma = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const numCell = (n: number | null) => (n === null ? NBSP : comma(n));
const dateCell = (d: string | null) => (d === null ? NBSP : d);
const rangeCell = (r: { from: string; to: string } | null) =>
  r === null ? NBSP : `${r.from}<br/> ~ ${r.to}`;

const ICONS: Record<KindMarket, [string, string]> = {
  "유가증권": ["icn_t_yu.gif", "유가증권"],
  "코스닥": ["icn_t_ko.gif", "코스닥"],
  "코넥스": ["icn_t_kn.gif", "코넥스"],
};

function icon(m: KindMarket | null): string {
  if (m === null) return "";
  const [file, alt] = ICONS[m];
  return `<img src='/images/common/${file}' alt='${alt}' class='vmiddle legend' />`;
}

/** The error/maintenance page KIND serves (HTTP 200). */
export function kindErrorPage(): string {
  return `<!DOCTYPE html>
<html lang="ko">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>페이지 오류</title>
</head>
<body>
<div id="error-wrap">
	<h1><img src="/images/common/logo_kind.gif" alt="KIND" /></h1>
	<div class="error-cont">
		<h2>KRX 홈페이지 시스템 점검 안내</h2>
		<p>보다 안정적인 서비스 제공을 위하여 시스템 점검 중입니다.</p>
		<p>이용에 불편을 드려 죄송합니다. 잠시 후 다시 이용해 주세요.</p>
	</div>
</div>
</body>
</html>
`;
}

/** Paging footer + links, as the Sub fragments end. */
function footer(total: number, page: number, pages: number): string {
  const links: string[] = [];
  const first = Math.max(1, Math.floor((page - 1) / 10) * 10 + 1);
  for (let p = first; p <= Math.min(pages, first + 9); p++) {
    links.push(
      p === page
        ? `<a href="#none" class="on" onclick="fnPageGo('${p}');return false;">${p}</a>`
        : `<a href="#none" onclick="fnPageGo('${p}');return false;">${p}</a>`,
    );
  }
  return `<section class="paging-group">
	<div class="paging type-00">
		<a href="#none" class="first" onclick="fnPageGo('1');return false;"><img src="/images/common/btn_paging_first.gif" alt="첫 페이지" /></a>
		<a href="#none" class="prev" onclick="fnPageGo('${
    Math.max(1, page - 1)
  }');return false;"><img src="/images/common/btn_paging_prev.gif" alt="이전 페이지" /></a>
		${links.join("\n\t\t")}
		<a href="#none" class="next" onclick="fnPageGo('${
    Math.max(1, Math.min(pages, page + 1))
  }');return false;"><img src="/images/common/btn_paging_next.gif" alt="다음 페이지" /></a>
		<a href="#none" class="last" onclick="fnPageGo('${
    Math.max(1, pages)
  }');return false;"><img src="/images/common/btn_paging_last.gif" alt="마지막 페이지" /></a>
	</div>
	<div class="info type-00">전체 <em>${comma(total)}</em>건 : <strong>${page}</strong>/${
    comma(pages)
  }</div>
</section>`;
}

/** A Sub fragment: table with the empty title row, rows, footer, `fn_InitTitle` script. */
function subFragment(
  caption: string,
  titles: string[],
  rows: string[],
  paging: { total: number; page: number; pages: number },
): string {
  const body = rows.length ? rows.join("\n") : `			<tr>
				<td class="first null" colspan="${titles.length}">조회된 결과값이 없습니다.</td>
			</tr>`;
  return `<section class="scrarea type-00">
	<table class="list type-00 tmt30" summary="${esc(titles.join(", "))}">
		<caption>${esc(caption)}</caption>
		<colgroup>
${titles.map(() => `			<col style="width:auto;" />`).join("\n")}
		</colgroup>
		<thead>
			<tr class="first" id="title-contents"></tr>
		</thead>
		<tbody>
${body}
		</tbody>
	</table>
</section>
${footer(paging.total, paging.page, paging.pages)}
<script type="text/javascript">
//<![CDATA[
	fn_InitTitle("${titles.join(",")}");
//]]>
</script>
`;
}

/** A download cell: HTML, or HTML with `<td>` attributes. */
type DownCell = string | { attrs: string; html: string };

/**
 * An "Excel" download (`corpList.do?method=download`, `forward=…_down`) in the layout of the
 * real 상장법인목록 file (`shared/sources/krx-kind.md` §3.1, [S16]): blank lines before
 * `<html xmlns>`, a `charset` meta and an `(EXCEL)` title, a `bbs_tb` table whose bare
 * `<col width=…>` elements (one fewer than the columns, as in the real file) come before the
 * header row of `<th bgcolor="#66FF99" >` cells, no `<thead>`/`<tbody>`, and blank lines
 * between rows.
 */
function downloadDoc(
  titles: string[],
  rows: DownCell[][],
  charset = "utf-8",
  rowAttrs: string[] = [],
  title = "상장법인목록",
): string {
  const td = (
    c: DownCell,
  ) => (typeof c === "string" ? `\t\t<td>${c}</td>` : `\t\t<td ${c.attrs}>${c.html}</td>`);
  const tr = rows.map((cells, i) =>
    `\t\t\t\n\t<tr${rowAttrs[i] ?? ""}>\n${cells.map(td).join("\n")}\n\t</tr>`
  );
  const width = Math.floor(100 / Math.max(1, titles.length));
  const cols = titles.slice(1).map(() => `\t<col width="${width}%" />`);
  return `\n\n\n\n\n\n<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=${charset}" />
<title>${esc(title)}(EXCEL)</title>
</head>
<body>
\t<table cellpadding="0" cellspacing="1" class="bbs_tb" border="1">
\t
${cols.join("\n")}
\t<tr>
${titles.map((t) => `\t\t<th bgcolor="#66FF99" >${esc(t)}</th>`).join("\n")}
\t</tr>
\t
\t\t
${tr.join("\n")}
\t\t
\t
\t</table>
</body>
</html>
`;
}

function mainPage(title: string, action: string): string {
  return `<!DOCTYPE html>
<html lang="ko">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>KIND - ${esc(title)}</title>
<script type="text/javascript" src="/js/common/common.js"></script>
</head>
<body>
<form id="searchForm" name="searchForm" method="post" action="${esc(action)}">
	<input type="hidden" name="currentPageSize" value="15" />
	<input type="hidden" name="pageIndex" value="1" />
	<input type="hidden" name="searchMode" value="1" />
</form>
<section id="contents"><h2>${esc(title)}</h2><div id="main-contents"></div></section>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------
// screens

/** 공모기업현황 column titles (`fn_InitTitle`). */
export const OFFERING_TITLES = [
  "회사명",
  "신고서제출일",
  "수요예측일정",
  "청약일정",
  "납입일",
  "확정공모가",
  "공모금액(백만원)",
  "상장예정일",
  "상장주선인/지정자문인",
];

function offeringCells(o: KindOffering, withIcon: boolean): string[] {
  return [
    `${withIcon ? icon(o.market) : ""}${esc(o.corp_name)}`,
    dateCell(o.filing_date),
    rangeCell(o.bookbuilding),
    rangeCell(o.subscription),
    dateCell(o.payment_date),
    numCell(o.final_price),
    numCell(o.offer_amount_mkrw),
    dateCell(o.listing_date),
    o.underwriters.length ? esc(o.underwriters.join(", ")) : NBSP,
  ];
}

const CLASSES = ["first", "txc", "txc", "txc", "txc", "txr", "txr", "txc", "txl"];

/** Renders a 공모기업현황 Sub fragment. */
export function renderOfferingsSub(
  rows: KindOffering[],
  paging: { total: number; page: number; pages: number },
): string {
  const trs = rows.map((o) => {
    const cells = offeringCells(o, true).map((c, i) =>
      i === 0
        ? `				<td class="first" title="${esc(o.corp_name)}">${c}</td>`
        : `				<td class="${CLASSES[i]}">${c}</td>`
    );
    return `			<tr onclick="fnDetailView('${o.biz_proc_no}')" style="cursor:pointer;">\n${
      cells.join("\n")
    }\n			</tr>`;
  });
  return subFragment("공모기업현황 목록", OFFERING_TITLES, trs, paging);
}

/** `choicTypeArrStr` codes → extra 신규상장 column titles. */
export const LISTING_CHOICE_TITLES: Record<string, string> = {
  "01": "액면가(원)",
  "02": "공모가(원)",
  "03": "공모금액(백만원)",
  "04": "주요제품",
  "05": "최초상장주식수(주)",
};

/** 신규상장기업현황 base column titles. */
export const LISTING_TITLES = [
  "회사명",
  "상장일",
  "상장유형",
  "증권구분",
  "업종",
  "국적",
  "상장주선인/지정자문인",
];

function listingExtra(l: KindListing, code: string): string {
  switch (code) {
    case "01":
      return numCell(l.par_value);
    case "02":
      return numCell(l.offer_price);
    case "03":
      return numCell(l.offer_amount_mkrw);
    case "04":
      return l.products === null ? NBSP : esc(l.products);
    default:
      return numCell(l.listed_shares);
  }
}

/** Renders a 신규상장기업현황 Sub fragment with the chosen extra columns. */
export function renderListingsSub(
  rows: KindListing[],
  choices: string[],
  paging: { total: number; page: number; pages: number },
): string {
  const titles = [...LISTING_TITLES, ...choices.map((c) => LISTING_CHOICE_TITLES[c])];
  const trs = rows.map((l) => {
    const cells = [
      `				<td class="first" title="${esc(l.corp_name)}">${
        icon(l.market)
      }<a href="#viewer" onclick="companysummary_open('${l.company_code}'); return false;" title="${
        esc(l.corp_name)
      }">${esc(l.corp_name)}</a></td>`,
      `				<td class="txc">${l.listing_date}</td>`,
      `				<td class="txc">${esc(l.listing_type) || NBSP}</td>`,
      `				<td class="txc">${esc(l.security_type) || NBSP}</td>`,
      `				<td class="txl">${esc(l.industry) || NBSP}</td>`,
      `				<td class="txc">${esc(l.nationality) || NBSP}</td>`,
      `				<td class="txl">${
        l.underwriters.length ? esc(l.underwriters.join(", ")) : NBSP
      }</td>`,
      ...choices.map((c) =>
        `				<td class="${c === "04" ? "txl" : "txr"}">${listingExtra(l, c)}</td>`
      ),
    ];
    return `			<tr>\n${cells.join("\n")}\n			</tr>`;
  });
  return subFragment("신규상장기업현황 목록", titles, trs, paging);
}

/** 상장예비심사 column titles. */
export const REVIEW_TITLES = [
  "회사명",
  "상장유형",
  "청구일",
  "결과확정일",
  "심사결과",
  "상장주선인",
];

/** Renders a 상장예비심사 Sub fragment. */
export function renderReviewsSub(
  rows: KindReview[],
  paging: { total: number; page: number; pages: number },
): string {
  const trs = rows.map((r) =>
    `			<tr onclick="fnDetailView('${r.biz_proc_no}')" style="cursor:pointer;">
				<td class="first" title="${esc(r.corp_name)}">${icon(r.market)}${esc(r.corp_name)}</td>
				<td class="txc">${esc(r.listing_type) || NBSP}</td>
				<td class="txc">${r.filed_date}</td>
				<td class="txc">${dateCell(r.decided_date)}</td>
				<td class="txc">${r.result_text === null ? NBSP : esc(r.result_text)}</td>
				<td class="txl">${r.underwriters.length ? esc(r.underwriters.join(", ")) : NBSP}</td>
			</tr>`
  );
  return subFragment("상장예비심사 청구 및 승인 현황 목록", REVIEW_TITLES, trs, paging);
}

function isWeekday(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`).getUTCDay();
  return d !== 0 && d !== 6;
}

function daysOf(r: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (const t = new Date(`${r.from}T00:00:00Z`); t.toISOString().slice(0, 10) <= r.to;) {
    const ymd = t.toISOString().slice(0, 10);
    if (isWeekday(ymd)) out.push(ymd);
    t.setUTCDate(t.getUTCDate() + 1);
  }
  return out;
}

/** Calendar events derived from the offerings (every weekday of a range) plus the extras. */
export function scheduleEvents(ds: KindDataset): KindScheduleEvent[] {
  const out: KindScheduleEvent[] = [];
  for (const o of ds.offerings) {
    const ev = (date: string, kind: KindScheduleEvent["kind"]) =>
      out.push({ date, kind, corp_name: o.corp_name, biz_proc_no: o.biz_proc_no });
    if (o.bookbuilding) { for (const d of daysOf(o.bookbuilding)) ev(d, "수요예측"); }
    if (o.subscription) { for (const d of daysOf(o.subscription)) ev(d, "청약"); }
    if (o.payment_date) ev(o.payment_date, "납입");
    if (o.listing_date) ev(o.listing_date, "상장");
  }
  for (const e of ds.events ?? []) out.push({ ...e });
  const order = ["IR", "수요예측", "청약", "납입", "상장"];
  return out.sort((a, b) =>
    a.date !== b.date
      ? (a.date < b.date ? -1 : 1)
      : order.indexOf(a.kind) - order.indexOf(b.kind) || (a.corp_name < b.corp_name ? -1 : 1)
  );
}

/** Renders the 공모일정 month grid (Sunday first, neighbouring-month cells `class="other"`). */
export function renderCalendar(events: KindScheduleEvent[], year: number, month: number): string {
  const mm = String(month).padStart(2, "0");
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const cells: string[] = [];
  for (let i = 0; i < first; i++) cells.push(`<td class="other">&nbsp;</td>`);
  for (let d = 1; d <= last; d++) {
    const date = `${year}-${mm}-${String(d).padStart(2, "0")}`;
    const items = events.filter((e) => e.date === date).map((e) =>
      `<li><a href="#none" onclick="${
        e.biz_proc_no ? `fnDetailView('${e.biz_proc_no}')` : "return false"
      };return false;" title="${e.kind} : ${esc(e.corp_name)}"><em class="cal-${
        e.kind === "IR" ? "ir" : "evt"
      }">${e.kind}</em>${esc(e.corp_name)}</a></li>`
    );
    const dow = (first + d - 1) % 7;
    const cls = dow === 0 ? ` class="sun"` : dow === 6 ? ` class="sat"` : "";
    cells.push(
      `<td${cls}><span class="day">${d}</span>${
        items.length ? `<ul>${items.join("")}</ul>` : ""
      }</td>`,
    );
  }
  while (cells.length % 7) cells.push(`<td class="other">&nbsp;</td>`);
  const weeks: string[] = [];
  for (let i = 0; i < cells.length; i += 7) {
    weeks.push(`			<tr>\n				${cells.slice(i, i + 7).join("\n				")}\n			</tr>`);
  }
  return `<div class="cal-head"><strong>${year}.${mm}</strong></div>
<table class="cal type-00" summary="공모일정 달력: 일, 월, 화, 수, 목, 금, 토">
		<caption>${year}년 ${month}월 공모일정</caption>
		<thead>
			<tr><th class="sun">일</th><th>월</th><th>화</th><th>수</th><th>목</th><th>금</th><th class="sat">토</th></tr>
		</thead>
		<tbody>
${weeks.join("\n")}
		</tbody>
</table>
`;
}

/** corpList download column titles. */
export const CORPLIST_TITLES = [
  "회사명",
  "시장구분",
  "종목코드",
  "업종",
  "주요제품",
  "상장일",
  "결산월",
  "대표자명",
  "홈페이지",
  "지역",
];

function corpListRows(ds: KindDataset): KindCorpListRow[] {
  if (ds.corpList) return ds.corpList;
  return ds.listings.map((l) => ({
    corp_name: l.corp_name,
    market: l.market,
    stock_code: l.stock_code,
    industry: l.industry,
    products: l.products ?? "",
    listing_date: l.listing_date,
    fiscal_month: "12월",
    ceo: "",
    homepage: "",
    region: "",
  }));
}

const CORPLIST_MARKET: Record<KindMarket, string> = {
  "유가증권": "유가",
  "코스닥": "코스닥",
  "코넥스": "코넥스",
};

/** The corpList "xls" document (text; encode with `encodeEucKr` to serve). */
export function renderCorpList(rows: KindCorpListRow[]): string {
  const body = rows.map((r): DownCell[] => [
    esc(r.corp_name),
    r.market ? CORPLIST_MARKET[r.market] : "",
    // pandas reads this column as a number; the real file carries the text-format style.
    { attrs: `style="mso-number-format:'@';text-align:center;"`, html: r.stock_code },
    esc(r.industry),
    esc(r.products),
    { attrs: `style="text-align:center;"`, html: r.listing_date ?? "" },
    { attrs: `style="text-align:center;"`, html: esc(r.fiscal_month) },
    esc(r.ceo),
    esc(r.homepage),
    esc(r.region),
  ]);
  return downloadDoc(CORPLIST_TITLES, body, "euc-kr");
}

// ---------------------------------------------------------------------------------------
// the fetch

const MARKET_TYPES: Record<string, KindMarket> = { "1": "유가증권", "2": "코스닥", "6": "코넥스" };

function htmlResponse(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": HTML_TYPE } });
}

async function formOf(req: Request): Promise<URLSearchParams> {
  const url = new URL(req.url);
  const form = new URLSearchParams(url.search);
  if (req.method === "POST") {
    const text = await req.text();
    for (const [k, v] of new URLSearchParams(text)) form.set(k, v);
  }
  return form;
}

function page<T>(
  rows: T[],
  form: URLSearchParams,
): { rows: T[]; total: number; page: number; pages: number } | null {
  const size = Number(form.get("currentPageSize") || "15");
  const p = Number(form.get("pageIndex") || "1");
  if (!Number.isInteger(size) || size < 1 || size > 5000 || !Number.isInteger(p) || p < 1) {
    return null;
  }
  const pages = Math.ceil(rows.length / size);
  return { rows: rows.slice((p - 1) * size, p * size), total: rows.length, page: p, pages };
}

/** Inclusive `fromDate..toDate` filter; null when a given date is not `YYYY-MM-DD`. */
function dateFilter(form: URLSearchParams): ((d: string | null) => boolean) | null {
  const from = form.get("fromDate") ?? "";
  const to = form.get("toDate") ?? "";
  const ok = (s: string) => s === "" || /^\d{4}-\d{2}-\d{2}$/.test(s);
  if (!ok(from) || !ok(to)) return null;
  if (!from && !to) return () => true;
  return (d) => d !== null && (!from || d >= from) && (!to || d <= to);
}

function marketFilter(form: URLSearchParams): (m: KindMarket | null) => boolean {
  const t = form.get("marketType") ?? "";
  const want = MARKET_TYPES[t];
  return (m) => !want || m === want;
}

function nameFilter(form: URLSearchParams): (n: string) => boolean {
  const q = (form.get("searchCorpName") ?? "").trim();
  return (n) => !q || n.includes(q);
}

const desc = <T>(key: (x: T) => string) => (a: T, b: T) => {
  const ka = key(a), kb = key(b);
  return ka < kb ? 1 : ka > kb ? -1 : 0;
};

/** Options of {@linkcode createKindFixtureFetch}. */
export interface KindFixtureFetchOptions {
  /** Sees every request before it is answered (the fake server uses its own hooks instead). */
  onRequest?: (req: Request) => void;
}

/** A `fetch` answering KIND URLs from `dataset` (see the module header). Never touches the network. */
export function createKindFixtureFetch(
  dataset: KindDataset,
  opts: KindFixtureFetchOptions = {},
): typeof fetch {
  async function handle(req: Request): Promise<Response> {
    opts.onRequest?.(req);
    const url = new URL(req.url);
    const form = await formOf(req);
    const method = form.get("method") ?? "";
    const forward = form.get("forward") ?? "";
    const path = url.pathname;
    const dates = dateFilter(form);
    const market = marketFilter(form);
    const name = nameFilter(form);

    if (path.endsWith(KIND_PATHS.offerings)) {
      if (method === KIND_MAIN_METHODS.offerings) {
        return htmlResponse(mainPage("공모기업현황", KIND_PATHS.offerings));
      }
      if (method !== "searchPubofrProgComSub" || !dates) return htmlResponse(kindErrorPage());
      const rows = dataset.offerings
        .filter((o) => dates(o.filing_date) && market(o.market) && name(o.corp_name))
        .sort(desc((o) => `${o.filing_date ?? ""}|${o.biz_proc_no}`));
      if (forward === "pubofrprogcom_down") {
        // The key stays on the row (unverified for the real download).
        return htmlResponse(downloadDoc(
          OFFERING_TITLES,
          rows.map((o) => offeringCells(o, false)),
          "utf-8",
          rows.map((o) => ` onclick="fnDetailView('${o.biz_proc_no}')"`),
          "공모기업현황",
        ));
      }
      const pg = page(rows, form);
      return pg ? htmlResponse(renderOfferingsSub(pg.rows, pg)) : htmlResponse(kindErrorPage());
    }

    if (path.endsWith(KIND_PATHS.listings)) {
      if (method === KIND_MAIN_METHODS.listings) {
        return htmlResponse(mainPage("신규상장기업현황", KIND_PATHS.listings));
      }
      if (method !== "searchListingTypeSub" || !dates) return htmlResponse(kindErrorPage());
      const choices = (form.get("choicTypeArrStr") ?? "").split("|").filter((c) =>
        c in LISTING_CHOICE_TITLES
      );
      const rows = dataset.listings
        .filter((l) => dates(l.listing_date) && market(l.market) && name(l.corp_name))
        .sort(desc((l) => `${l.listing_date}|${l.company_code}`));
      if (forward === "listingtype_down") {
        const titles = [...LISTING_TITLES, ...choices.map((c) => LISTING_CHOICE_TITLES[c])];
        return htmlResponse(downloadDoc(
          titles,
          rows.map((l) => [
            `<a onclick="companysummary_open('${l.company_code}')">${esc(l.corp_name)}</a>`,
            l.listing_date,
            esc(l.listing_type),
            esc(l.security_type),
            esc(l.industry),
            esc(l.nationality),
            esc(l.underwriters.join(", ")),
            ...choices.map((c) => listingExtra(l, c)),
          ]),
          "utf-8",
          [],
          "신규상장기업현황",
        ));
      }
      const pg = page(rows, form);
      return pg
        ? htmlResponse(renderListingsSub(pg.rows, choices, pg))
        : htmlResponse(kindErrorPage());
    }

    if (path.endsWith(KIND_PATHS.reviews)) {
      if (method === KIND_MAIN_METHODS.reviews) {
        return htmlResponse(mainPage("상장예비심사 청구 및 승인 현황", KIND_PATHS.reviews));
      }
      if (method !== "searchListInvstgCorpSub" || !dates) return htmlResponse(kindErrorPage());
      const rows = dataset.reviews
        .filter((r) => dates(r.filed_date) && market(r.market) && name(r.corp_name))
        .sort(desc((r) => `${r.filed_date}|${r.biz_proc_no}`));
      const pg = page(rows, form);
      return pg ? htmlResponse(renderReviewsSub(pg.rows, pg)) : htmlResponse(kindErrorPage());
    }

    if (path.endsWith(KIND_PATHS.schedule)) {
      if (method === KIND_MAIN_METHODS.schedule) {
        return htmlResponse(mainPage("공모일정", KIND_PATHS.schedule));
      }
      const y = Number(form.get("selYear"));
      const m = Number(form.get("selMonth"));
      if (
        method !== "searchPubofrScholCalnd" || !Number.isInteger(y) || y < 1990 || y > 2100 ||
        !Number.isInteger(m) || m < 1 || m > 12
      ) return htmlResponse(kindErrorPage());
      const events = scheduleEvents(dataset).filter((e) => market(marketOfEvent(dataset, e)));
      return htmlResponse(renderCalendar(events, y, m));
    }

    if (path.endsWith(KIND_PATHS.corpList)) {
      if (method !== "download") return htmlResponse(kindErrorPage());
      const mt = form.get("marketType") ?? "";
      const want = mt === "stockMkt"
        ? "유가증권"
        : mt === "kosdaqMkt"
        ? "코스닥"
        : mt === "konexMkt"
        ? "코넥스"
        : null;
      const rows = corpListRows(dataset).filter((r) => !want || r.market === want);
      return new Response(encodeEucKr(renderCorpList(rows)) as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: {
          "content-type": "application/vnd.ms-excel",
          "content-disposition": `attachment; filename="${encodeURIComponent("상장법인목록")}.xls"`,
        },
      });
    }

    return new Response(
      `<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>`,
      { status: 404, headers: { "content-type": HTML_TYPE } },
    );
  }

  return (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request
      ? new Request(input, init)
      : new Request(String(input), init);
    return handle(req);
  };
}

function marketOfEvent(ds: KindDataset, e: KindScheduleEvent): KindMarket | null {
  return ds.offerings.find((o) => o.biz_proc_no === e.biz_proc_no)?.market ?? null;
}
