/**
 * An in-memory OpenDART: {@linkcode createFixtureFetch} answers OpenDART URLs from a
 * {@linkcode DartDataset} with the real server's formats and quirks (`shared/sources/dart.md`).
 * The app's offline sample mode and the test fake server (`tests/fake/dart_server.ts`) both
 * use it.
 *
 * Endpoints (matched on the last path segment, any base): `corpCode.xml`, `company.json`,
 * `list.json`, `fnlttSinglAcnt.json`, `fnlttSinglAcntAll.json`, `fnlttSinglIndx.json`,
 * `estkRs.json`, `document.xml`. Anything else → HTTP 404 HTML page.
 *
 * Emulated behaviour:
 * - Business errors are HTTP 200: JSON `{"status","message"}` on `.json`, and the XML body
 *   `<result><status/><message/></result>` (`application/xml;charset=UTF-8`) on the ZIP
 *   endpoints. No data → `013` `조회된 데이타가 없습니다.` (no paging fields); missing document →
 *   `014`; a missing/invalid required parameter → `100`; when `dataset.apiKey` is set, any other
 *   `crtfc_key` (or none) → `010` `등록되지 않은 인증키입니다.`.
 * - corpCode.xml: a real ZIP (jszip, DEFLATE) holding `CORPCODE.xml` in the real layout
 *   (UTF-8 declaration, 4-space indentation, XML-escaped text, `" "` for a blank `stock_code` or
 *   `corp_eng_name`).
 * - list.json: filters `corp_code` (a 6-character value matches `stock_code`, as observed),
 *   `bgn_de..end_de` (defaults: end = today KST, bgn = end), `corp_cls`, `pblntf_ty` /
 *   `pblntf_detail_ty`, `last_reprt_at` (default N); sorts by `sort` (date|crp|rpt, default
 *   date) and `sort_mth` (default desc), ties by `rcept_no`; pages with `page_no` (default 1)
 *   and `page_count` (default 10, 1..100) and `total_page = ceil(total_count / page_count)`;
 *   a page past the end is `000` with an empty list (unverified). Without `corp_code` a span
 *   longer than three months (end_de after {@linkcode maxListEnd}) → `100`
 *   `corp_code가 없는 경우 검색기간은 3개월만 가능합니다.`.
 * - `last_reprt_at=Y` rule (a model, DART documents no algorithm): a row is dropped when another
 *   row of the same corp has the same base report name (prefixes stripped, trimmed), a later
 *   `rcept_no`, and a bracket prefix in {@linkcode AMENDMENT_PREFIXES}. The chain is taken over
 *   the whole dataset, not only the searched dates.
 * - `pblntf_ty` / `pblntf_detail_ty`: a dataset filing may carry `pblntf_ty` and
 *   `pblntf_detail_ty` tags (never sent back); an untagged row is classified from its base
 *   report name by a small table ({@linkcode classifyReport}); unclassified rows never match.
 * - estkRs.json: rows of `dataset.estkRs[corp_code]` whose `rcept_no` date (first 8 digits) is
 *   inside `bgn_de..end_de`; groups left empty are dropped; none left → `013`.
 * - document.xml: a ZIP of the dataset entries; an entry with `encoding: "euc-kr"` is served
 *   EUC-KR-encoded.
 * - Responses are built on demand; ZIPs and the list indexes are cached per dataset. The
 *   dataset may grow between calls (`filings.push(...)` is seen at the next call); in-place
 *   edits of existing rows are not.
 *
 * On-disk layout read by {@linkcode loadDatasetFromDir} (every file optional):
 *
 * ```
 * <dir>/dataset.json         {"apiKey": "..."}                      (optional)
 * <dir>/corps.json           CorpCodeRow[]   (blank stock_code/corp_eng_name as "")
 * <dir>/companies.json       { "<corp_code>": {company.json fields, corp_code first} }
 * <dir>/filings.json         DartListItem[] (+ optional pblntf_ty, pblntf_detail_ty tags)
 * <dir>/singleAcnt.json      { "<corp>|<year>|<reprt_code>": [fnlttSinglAcnt rows] }
 * <dir>/singleAcntAll.json   { "<corp>|<year>|<reprt_code>|<CFS|OFS>": [rows] }
 * <dir>/singleIndx.json      { "<corp>|<year>|<reprt_code>|<idx_cl_code>": [rows] }
 * <dir>/estkRs.json          { "<corp_code>": [{"title": "...", "list": [rows]}] }
 * <dir>/documents.json       { "<rcept_no>": [{"name", "content", "encoding"?}] }
 * <dir>/documents/<rcept_no>/<entry name>[.txt]   one file per ZIP entry, UTF-8 text on disk;
 *                            served EUC-KR when its XML declaration says encoding="euc-kr". A
 *                            trailing `.txt` is dropped from the entry name: `deno fmt` rewrites
 *                            `.xml` files (it would turn `<stock_code> </stock_code>` into
 *                            `<stock_code></stock_code>` and re-indent documents), so keep XML
 *                            fixtures as `*.xml.txt`.
 * ```
 *
 * Rows are served exactly as stored (key order and value text, trailing spaces included), so
 * store them as DART sends them.
 *
 * @module
 */
import JSZip from "jszip";
import { CorpCodeRow, DartListItem } from "./types.ts";
import { AMENDMENT_PREFIXES, isYmd, maxListEnd, parseReportName } from "./parse.ts";

export { AMENDMENT_PREFIXES };

/** A list.json row of the dataset, optionally tagged with its disclosure type. */
export interface DartDatasetFiling extends DartListItem {
  /** A..J; never sent back. */
  pblntf_ty?: string;
  /** e.g. C001; never sent back. */
  pblntf_detail_ty?: string;
}

/** One entry of a document.xml ZIP. */
export interface DartDatasetDocument {
  name: string;
  content: string;
  /** Bytes served: UTF-8 (default) or EUC-KR. */
  encoding?: "utf-8" | "euc-kr";
}

/** Everything the fixture OpenDART serves. */
export interface DartDataset {
  /** When set, only this `crtfc_key` is accepted (else `010`). */
  apiKey?: string;
  corps: CorpCodeRow[];
  /** company.json body fields by corp_code. */
  companies: Record<string, Record<string, string>>;
  filings: DartDatasetFiling[];
  /** `"corp|year|reprt"` → rows. */
  singleAcnt: Record<string, Record<string, string>[]>;
  /** `"corp|year|reprt|fs_div"` → rows. */
  singleAcntAll: Record<string, Record<string, string>[]>;
  /** `"corp|year|reprt|idx_cl_code"` → rows. */
  singleIndx: Record<string, Record<string, string>[]>;
  /** corp_code → groups as sent. */
  estkRs: Record<string, { title: string; list: Record<string, string>[] }[]>;
  /** rcept_no → ZIP entries. */
  documents: Record<string, DartDatasetDocument[]>;
}

/** An empty dataset (handy base for tests). */
export function emptyDataset(): DartDataset {
  return {
    corps: [],
    companies: {},
    filings: [],
    singleAcnt: {},
    singleAcntAll: {},
    singleIndx: {},
    estkRs: {},
    documents: {},
  };
}

/** Messages DART sends with each status. */
export const DART_MESSAGES: Record<string, string> = {
  "000": "정상",
  "010": "등록되지 않은 인증키입니다.",
  "011":
    "사용할 수 없는 키입니다. 오픈API에 등록되었으나, 일시적으로 사용 중지된 키를 통하여 검색하는 경우 발생합니다.",
  "012": "접근할 수 없는 IP입니다.",
  "013": "조회된 데이타가 없습니다.",
  "014": "파일이 존재하지 않습니다.",
  "020": "요청 제한을 초과하였습니다.",
  "021": "조회 가능한 회사 개수가 초과하였습니다.(최대 100건)",
  "100": "필드의 부적절한 값입니다. 필드 설명에 없는 값을 사용한 경우에 발생하는 메시지입니다.",
  "101": "부적절한 접근입니다.",
  "800": "시스템 점검으로 인한 서비스가 중지 중입니다.",
  "900": "정의되지 않은 오류가 발생하였습니다.",
  "901":
    "사용자 계정의 개인정보 보유기간이 만료되어 사용할 수 없는 키입니다. 관리자 이메일(opendart@fss.or.kr)로 문의하시기 바랍니다.",
};

/** The status-100 message for an all-company list.json search longer than three months. */
export const SPAN_MESSAGE = "corp_code가 없는 경우 검색기간은 3개월만 가능합니다.";

const JSON_TYPE = "application/json;charset=UTF-8";
const XML_TYPE = "application/xml;charset=UTF-8";
/** Content type of the ZIP answers (DART's real value is unverified; don't rely on it). */
export const ZIP_TYPE = "application/x-msdownload";

const enc = new TextEncoder();

/** A JSON status body (`{"status","message"}`) as DART sends it. */
export function dartJsonStatusBody(status: string, message = DART_MESSAGES[status] ?? ""): string {
  return JSON.stringify({ status, message });
}

/** An XML status body as the ZIP endpoints send it. */
export function dartXmlStatusBody(status: string, message = DART_MESSAGES[status] ?? ""): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><result><status>${status}</status><message>${
    escapeXml(message)
  }</message></result>`;
}

function json(body: unknown): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status: 200,
    headers: { "content-type": JSON_TYPE },
  });
}

function statusResponse(zipEndpoint: boolean, status: string, message?: string): Response {
  if (zipEndpoint) {
    return new Response(dartXmlStatusBody(status, message), {
      status: 200,
      headers: { "content-type": XML_TYPE },
    });
  }
  return json(dartJsonStatusBody(status, message));
}

function zipResponse(bytes: Uint8Array, filename: string): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      "content-type": ZIP_TYPE,
      "content-disposition": `attachment; filename=${filename}`,
    },
  });
}

// ---------------------------------------------------------------------------------------
// XML / ZIP builders

/** Escapes text for XML element content. */
export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&apos;",
  );
}

/** CORPCODE.xml text in the real layout (blank values written as a single space). */
export function buildCorpCodeXml(corps: readonly CorpCodeRow[]): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<result>\n'];
  const v = (s: string | undefined) => (s && s.trim() ? escapeXml(s) : " ");
  for (const c of corps) {
    parts.push(
      `    <list>\n        <corp_code>${c.corp_code}</corp_code>\n        <corp_name>${
        escapeXml(c.corp_name)
      }</corp_name>\n        <corp_eng_name>${
        v(c.corp_eng_name)
      }</corp_eng_name>\n        <stock_code>${
        v(c.stock_code)
      }</stock_code>\n        <modify_date>${c.modify_date}</modify_date>\n    </list>\n`,
    );
  }
  parts.push("</result>\n");
  return parts.join("");
}

/** The corpCode.xml ZIP (one `CORPCODE.xml` entry). */
export async function buildCorpCodeZip(corps: readonly CorpCodeRow[]): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file("CORPCODE.xml", buildCorpCodeXml(corps), { date: new Date(Date.UTC(2024, 0, 1)) });
  return await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

/** A document.xml ZIP from dataset entries (EUC-KR entries encoded as such). */
export async function buildDocumentZip(
  entries: readonly DartDatasetDocument[],
): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const e of entries) {
    const bytes = e.encoding === "euc-kr" ? encodeEucKr(e.content) : enc.encode(e.content);
    zip.file(e.name, bytes, { date: new Date(Date.UTC(2024, 0, 1)) });
  }
  return await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

let eucKrTable: Map<number, number> | null = null;

/**
 * Encodes text as EUC-KR (WHATWG `euc-kr`, i.e. the CP949 superset). The table is built once
 * from `TextDecoder("euc-kr")`. Characters outside it become `?`.
 */
export function encodeEucKr(text: string): Uint8Array {
  if (!eucKrTable) {
    const pairs: number[] = [];
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x41; trail <= 0xfe; trail++) pairs.push(lead, trail, 0x0a);
    }
    const decoded = new TextDecoder("euc-kr").decode(new Uint8Array(pairs)).split("\n");
    eucKrTable = new Map();
    let i = 0;
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x41; trail <= 0xfe; trail++, i++) {
        const s = decoded[i];
        if (s.length === 1 && s !== "\uFFFD" && !eucKrTable.has(s.charCodeAt(0))) {
          eucKrTable.set(s.charCodeAt(0), (lead << 8) | trail);
        }
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else {
      const code = eucKrTable.get(cp);
      if (code === undefined) out.push(0x3f);
      else out.push(code >> 8, code & 0xff);
    }
  }
  return new Uint8Array(out);
}

// ---------------------------------------------------------------------------------------
// list.json model

const DETAIL_BY_BASE: [RegExp, string, string | undefined][] = [
  [/^사업보고서/, "A", "A001"],
  [/^반기보고서/, "A", "A002"],
  [/^분기보고서/, "A", "A003"],
  [/^주요사항보고서/, "B", "B001"],
  [/^증권신고서\(지분증권\)/, "C", "C001"],
  [/^증권신고서\(채무증권\)/, "C", "C002"],
  [/^증권신고서\(파생결합증권\)/, "C", "C003"],
  [/^증권신고서\(합병등\)/, "C", "C004"],
  [/^(?:투자설명서|증권발행실적보고서|철회신고서)/, "C", undefined],
  [/^주식등의대량보유상황보고서/, "D", "D001"],
  [/^임원ㆍ주요주주특정증권등소유상황보고서/, "D", "D002"],
  [/^주주총회소집/, "E", "E006"],
  [/^감사보고서/, "F", "F001"],
  [/^연결감사보고서/, "F", "F002"],
];

/** The disclosure type of a filing: its tags, else a guess from its base report name. */
export function classifyReport(
  f: Pick<DartDatasetFiling, "report_nm" | "pblntf_ty" | "pblntf_detail_ty">,
): { ty?: string; detail?: string } {
  if (f.pblntf_ty || f.pblntf_detail_ty) {
    return {
      ty: f.pblntf_ty ?? f.pblntf_detail_ty?.[0],
      detail: f.pblntf_detail_ty,
    };
  }
  const base = parseReportName(f.report_nm).base;
  for (const [re, ty, detail] of DETAIL_BY_BASE) if (re.test(base)) return { ty, detail };
  return {};
}

interface ListIndex {
  ref: DartDatasetFiling[];
  length: number;
  superseded: Set<string>;
  kinds: { ty?: string; detail?: string }[];
}

/** List indexes built so far ({@linkcode fixtureListIndexBuilds}). */
let listIndexBuilds = 0;

/**
 * How many list.json indexes (report names parsed, amendment chains, disclosure types: the
 * per-filing work) fixture fetches have built in this process: once per dataset and filing
 * count, however many pages are asked (tests count it).
 */
export function fixtureListIndexBuilds(): number {
  return listIndexBuilds;
}

function buildListIndex(filings: DartDatasetFiling[]): ListIndex {
  listIndexBuilds++;
  // Per corp+base name: rcept_nos of amending filings, to find rows with a later version.
  const amendments = new Map<string, string[]>();
  const parsed = filings.map((f) => parseReportName(f.report_nm));
  filings.forEach((f, i) => {
    const p = parsed[i];
    if (p.prefixes.some((x) => AMENDMENT_PREFIXES.has(x))) {
      const k = `${f.corp_code}\u0000${p.base}`;
      const arr = amendments.get(k);
      if (arr) arr.push(f.rcept_no);
      else amendments.set(k, [f.rcept_no]);
    }
  });
  const superseded = new Set<string>();
  filings.forEach((f, i) => {
    const later = amendments.get(`${f.corp_code}\u0000${parsed[i].base}`);
    if (later && later.some((r) => r > f.rcept_no)) superseded.add(f.rcept_no);
  });
  return {
    ref: filings,
    length: filings.length,
    superseded,
    kinds: filings.map(classifyReport),
  };
}

const LIST_KEYS = [
  "corp_code",
  "corp_name",
  "stock_code",
  "corp_cls",
  "report_nm",
  "rcept_no",
  "flr_nm",
  "rcept_dt",
  "rm",
] as const;

function todayKst(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10).replaceAll("-", "");
}

/** Options of {@linkcode createFixtureFetch}. */
export interface FixtureFetchOptions {
  /** Today as YYYYMMDD (list.json's default `end_de`); default: the KST date. */
  today?: () => string;
}

const ZIP_ENDPOINTS = new Set(["corpCode.xml", "document.xml"]);
const REPRT_CODES = new Set(["11011", "11012", "11013", "11014"]);
const IDX_CODES = new Set(["M210000", "M220000", "M230000", "M240000"]);

/**
 * A `fetch` that answers OpenDART URLs from `dataset` (see the module header for the
 * emulated behaviour). It never touches the network.
 */
export function createFixtureFetch(
  dataset: DartDataset,
  opts: FixtureFetchOptions = {},
): typeof fetch {
  const today = opts.today ?? todayKst;
  let listIndex: ListIndex | null = null;
  let corpZip: { ref: CorpCodeRow[]; length: number; bytes: Promise<Uint8Array> } | null = null;
  const docZips = new Map<string, { ref: DartDatasetDocument[]; bytes: Promise<Uint8Array> }>();

  const index = (): ListIndex => {
    const f = dataset.filings;
    if (!listIndex || listIndex.ref !== f || listIndex.length !== f.length) {
      listIndex = buildListIndex(f);
    }
    return listIndex;
  };

  const bad = (zip: boolean, message?: string) => statusResponse(zip, "100", message);
  const noData = () => json(dartJsonStatusBody("013"));

  function list(q: URLSearchParams): Response {
    const corp = q.get("corp_code") ?? "";
    const end = q.get("end_de") || today();
    const bgn = q.get("bgn_de") || end;
    if (!isYmd(bgn) || !isYmd(end) || bgn > end) return bad(false);
    if (corp && !/^\d{8}$/.test(corp) && !/^[0-9A-Z]{6}$/.test(corp)) return bad(false);
    if (!corp && end > maxListEnd(bgn)) return bad(false, SPAN_MESSAGE);
    const last = q.get("last_reprt_at") || "N";
    const ty = q.get("pblntf_ty") || "";
    const detail = q.get("pblntf_detail_ty") || "";
    const cls = q.get("corp_cls") || "";
    const sort = q.get("sort") || "date";
    const mth = q.get("sort_mth") || "desc";
    const pageNo = Number(q.get("page_no") || "1");
    const pageCount = Number(q.get("page_count") || "10");
    if (
      (last !== "Y" && last !== "N") || !["date", "crp", "rpt"].includes(sort) ||
      !["asc", "desc"].includes(mth) || !Number.isInteger(pageNo) || pageNo < 1 ||
      !Number.isInteger(pageCount) || pageCount < 1 || pageCount > 100 ||
      (cls && !/^[YKNE]$/.test(cls)) || (ty && !/^[A-J]$/.test(ty))
    ) return bad(false);

    const idx = index();
    const rows: DartDatasetFiling[] = [];
    const filings = idx.ref;
    for (let i = 0; i < filings.length; i++) {
      const f = filings[i];
      if (f.rcept_dt < bgn || f.rcept_dt > end) continue;
      if (corp && (corp.length === 8 ? f.corp_code !== corp : f.stock_code !== corp)) continue;
      if (cls && f.corp_cls !== cls) continue;
      if (last === "Y" && idx.superseded.has(f.rcept_no)) continue;
      if (ty || detail) {
        const k = idx.kinds[i];
        if (ty && k.ty !== ty) continue;
        if (detail && k.detail !== detail) continue;
      }
      rows.push(f);
    }
    if (rows.length === 0) return noData();
    const sign = mth === "asc" ? 1 : -1;
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    rows.sort((a, b) => {
      const primary = sort === "crp"
        ? cmp(a.corp_name, b.corp_name)
        : sort === "rpt"
        ? cmp(a.report_nm.trim(), b.report_nm.trim())
        : cmp(a.rcept_dt, b.rcept_dt);
      return sign * (primary || cmp(a.rcept_no, b.rcept_no));
    });
    const total = rows.length;
    const start = (pageNo - 1) * pageCount;
    const page = rows.slice(start, start + pageCount).map((f) => {
      const o: Record<string, string> = {};
      for (const k of LIST_KEYS) o[k] = f[k];
      return o;
    });
    return json({
      status: "000",
      message: "정상",
      page_no: pageNo,
      page_count: pageCount,
      total_count: total,
      total_page: Math.ceil(total / pageCount),
      list: page,
    });
  }

  function rowsAnswer(rows: Record<string, string>[] | undefined): Response {
    if (!rows || rows.length === 0) return noData();
    return json({ status: "000", message: "정상", list: rows });
  }

  async function handle(url: URL): Promise<Response> {
    const endpoint = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
    const known = [
      "corpCode.xml",
      "company.json",
      "list.json",
      "fnlttSinglAcnt.json",
      "fnlttSinglAcntAll.json",
      "fnlttSinglIndx.json",
      "estkRs.json",
      "document.xml",
    ];
    if (!known.includes(endpoint)) {
      return new Response(
        "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>요청하신 페이지를 찾을 수 없습니다.</h1></body></html>",
        { status: 404, headers: { "content-type": "text/html;charset=UTF-8" } },
      );
    }
    const zip = ZIP_ENDPOINTS.has(endpoint);
    const q = url.searchParams;
    if (dataset.apiKey !== undefined && q.get("crtfc_key") !== dataset.apiKey) {
      return statusResponse(zip, "010");
    }
    const corp = q.get("corp_code") ?? "";
    const year = q.get("bsns_year") ?? "";
    const reprt = q.get("reprt_code") ?? "";
    const finOk = /^\d{8}$/.test(corp) && /^\d{4}$/.test(year) && REPRT_CODES.has(reprt);

    switch (endpoint) {
      case "corpCode.xml": {
        const corps = dataset.corps;
        if (!corpZip || corpZip.ref !== corps || corpZip.length !== corps.length) {
          corpZip = { ref: corps, length: corps.length, bytes: buildCorpCodeZip(corps) };
        }
        return zipResponse(await corpZip.bytes, "CORPCODE.zip");
      }
      case "company.json": {
        if (!/^\d{8}$/.test(corp)) return bad(false);
        const c = dataset.companies[corp];
        if (!c) return noData();
        return json({ status: "000", message: "정상", corp_code: corp, ...c });
      }
      case "list.json":
        return list(q);
      case "fnlttSinglAcnt.json":
        if (!finOk) return bad(false);
        return rowsAnswer(dataset.singleAcnt[`${corp}|${year}|${reprt}`]);
      case "fnlttSinglAcntAll.json": {
        const fs = q.get("fs_div") ?? "";
        if (!finOk || (fs !== "CFS" && fs !== "OFS")) return bad(false);
        return rowsAnswer(dataset.singleAcntAll[`${corp}|${year}|${reprt}|${fs}`]);
      }
      case "fnlttSinglIndx.json": {
        const idx = q.get("idx_cl_code") ?? "";
        if (!finOk || !IDX_CODES.has(idx)) return bad(false);
        return rowsAnswer(dataset.singleIndx[`${corp}|${year}|${reprt}|${idx}`]);
      }
      case "estkRs.json": {
        const bgn = q.get("bgn_de") ?? "";
        const end = q.get("end_de") ?? "";
        if (!/^\d{8}$/.test(corp) || !isYmd(bgn) || !isYmd(end) || bgn > end) return bad(false);
        const groups: { title: string; list: Record<string, string>[] }[] = [];
        for (const g of dataset.estkRs[corp] ?? []) {
          const rows = g.list.filter((r) => {
            const d = (r.rcept_no ?? "").slice(0, 8);
            return d >= bgn && d <= end;
          });
          if (rows.length) groups.push({ title: g.title, list: rows });
        }
        if (groups.length === 0) return noData();
        return json({ status: "000", message: "정상", group: groups });
      }
      case "document.xml": {
        const rcept = q.get("rcept_no") ?? "";
        if (!/^\d{14}$/.test(rcept)) return bad(true);
        const entries = dataset.documents[rcept];
        if (!entries || entries.length === 0) return statusResponse(true, "014");
        let cached = docZips.get(rcept);
        if (!cached || cached.ref !== entries) {
          cached = { ref: entries, bytes: buildDocumentZip(entries) };
          docZips.set(rcept, cached);
        }
        return zipResponse(await cached.bytes, `${rcept}.zip`);
      }
    }
    return bad(zip);
  }

  return (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const href = input instanceof Request ? input.url : String(input);
    return handle(new URL(href));
  };
}

// ---------------------------------------------------------------------------------------
// loading a dataset from disk

async function readJsonFile<T>(path: string, fallback: T): Promise<T> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return fallback;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${path}: invalid JSON (${(e as Error).message})`);
  }
}

/**
 * Reads a dataset from `dir` (layout in the module header). Corps and filings are checked
 * against the payload schemas; a bad row fails with its file, index and field.
 */
export async function loadDatasetFromDir(dir: string): Promise<DartDataset> {
  const p = (name: string) => `${dir.replace(/[\\/]$/, "")}/${name}`;
  const meta = await readJsonFile<{ apiKey?: string }>(p("dataset.json"), {});
  const ds: DartDataset = {
    ...(meta.apiKey ? { apiKey: meta.apiKey } : {}),
    corps: await readJsonFile(p("corps.json"), []),
    companies: await readJsonFile(p("companies.json"), {}),
    filings: await readJsonFile(p("filings.json"), []),
    singleAcnt: await readJsonFile(p("singleAcnt.json"), {}),
    singleAcntAll: await readJsonFile(p("singleAcntAll.json"), {}),
    singleIndx: await readJsonFile(p("singleIndx.json"), {}),
    estkRs: await readJsonFile(p("estkRs.json"), {}),
    documents: await readJsonFile(p("documents.json"), {}),
  };
  ds.corps.forEach((c, i) => {
    const r = CorpCodeRow.safeParse(c);
    if (!r.success) {
      throw new Error(
        `corps.json[${i}]: ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`,
      );
    }
    ds.corps[i] = r.data;
  });
  ds.filings.forEach((f, i) => {
    const r = DartListItem.safeParse(f);
    if (!r.success) {
      throw new Error(
        `filings.json[${i}]: ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`,
      );
    }
  });
  try {
    for await (const d of Deno.readDir(p("documents"))) {
      if (!d.isDirectory) continue;
      const names: string[] = [];
      for await (const f of Deno.readDir(p(`documents/${d.name}`))) {
        if (f.isFile) names.push(f.name);
      }
      names.sort();
      const entries: DartDatasetDocument[] = [];
      for (const file of names) {
        const content = await Deno.readTextFile(p(`documents/${d.name}/${file}`));
        const name = file.replace(/\.txt$/i, "");
        const declared = /<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/i.exec(content.slice(0, 200))
          ?.[1];
        entries.push({
          name,
          content,
          encoding: declared && /^euc-?kr$/i.test(declared) ? "euc-kr" : "utf-8",
        });
      }
      ds.documents[d.name] = [...(ds.documents[d.name] ?? []), ...entries];
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return ds;
}
