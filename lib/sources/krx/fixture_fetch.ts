/**
 * An in-memory KRX: {@linkcode createKrxFixtureFetch} answers the OpenAPI and data.krx.co.kr
 * from a {@linkcode KrxDataset} in the wire formats of `shared/sources/krx-kind.md` §1–2. The
 * offline sample mode and the test fake server (`tests/fake/krx_server.ts`) both use it.
 *
 * OpenAPI (any base URL; `GET …/{sto|idx}/{api_id}[.json]?basDd=YYYYMMDD`):
 * - the key comes from the `AUTH_KEY` header (or, as some clients send it, the `AUTH_KEY`
 *   query parameter); a missing key, a key ≠ `apiKey`, or an `api_id` not in `approved` →
 *   HTTP 401 `{"respMsg":"Unauthorized API Call","respCode":"401"}`;
 * - a day without rows (holiday, future date) → HTTP 200 `{"OutBlock_1": []}`; base info is
 *   served on every day that has trades (membership as of query time);
 * - every value is a string, compact JSON in the dataset's key order, or `format: "pretty"`
 *   for the krx-rs sample style (2-space indent, keys sorted);
 * - (the fixture's own choices, not documented by KRX) a `basDd` that is not 8 digits →
 *   HTTP 400 `{"respMsg":"Bad Request","respCode":"400"}`; an unknown path → HTTP 404.
 *
 * data.krx.co.kr (§2.1–2.2):
 * - the login pages set a `JSESSIONID` cookie; the login POST answers `{"_error_code": …}`:
 *   `CD001` ok, `CD010` when `login.mustChangePassword`, `CD011` when the same member holds
 *   another session and `skipDup` ≠ `Y` (with `skipDup=Y` the other session is dropped), and
 *   (fixture's choice) `CD002` for wrong credentials; without `login` any non-empty id/pw
 *   works;
 * - `getJsonData.cmd` without a logged-in session → body `LOGOUT` (HTTP `logoutStatus`,
 *   default 400 as reported); without a browser-like User-Agent → the HTML page
 *   "Error - KRX | Market Data System";
 * - MDCSTAT02203 (`trdVolVal=2`, `askBid=3`) → `{"output": [...], "CURRENT_DATETIME":
 *   "2026.01.25 PM 08:28:39"}` (newest day first, numbers with thousands commas, `TRD_DD`
 *   `YYYY/MM/DD`), always with `Content-Type: text/html; charset=utf-8`.
 *
 * The row helpers ({@linkcode tradeRow}, {@linkcode baseInfoRow}, {@linkcode indexRow},
 * {@linkcode flowRow}) render normalized records into wire rows, so a sample dataset can be
 * written in normalized terms and parsed back to the same records.
 *
 * @module
 */
import {
  type DailyBar,
  type IndexBar,
  type Instrument,
  INVESTOR_TYPES,
  type InvestorFlow,
  type KrxMarket,
  MARKET_ID,
  toBasDd,
} from "../../market/model.ts";
import { KRX_API_TARGET, type KrxApiId } from "./client.ts";
import { DATA_KRX_PATHS, FLOW_BLD } from "./datakrx.ts";
import type {
  DataKrxFlowRow,
  KrxBaseInfoRow,
  KrxDataset,
  KrxIndexRow,
  KrxTradeRow,
} from "./types.ts";

/** The exact body of the OpenAPI's 401. */
export const KRX_UNAUTHORIZED_BODY = `{"respMsg":"Unauthorized API Call","respCode":"401"}`;

/** A dataset without rows. */
export function emptyKrxDataset(): KrxDataset {
  return { trades: {}, baseInfo: { KOSPI: [], KOSDAQ: [], KONEX: [] }, index: {}, flows: {} };
}

// ---------------------------------------------------------------------------------------
// wire rows from normalized records

/** A number as the OpenAPI writes it: no separators, `null` → `"-"`. */
const plain = (n: number | null) => (n === null ? "-" : String(n));
/** A rate / index value with 2 decimals (`"-0.18"`, `"2587.02"`), `null` → `"-"`. */
const fixed2 = (n: number | null) => (n === null ? "-" : n.toFixed(2));

/** A number with thousands commas and sign (`-3005309` → `"-3,005,309"`), `null` → `"-"`. */
export function commaNumber(n: number | null): string {
  if (n === null) return "-";
  const [int, frac] = String(Math.abs(n)).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${n < 0 ? "-" : ""}${grouped}${frac ? `.${frac}` : ""}`;
}

/**
 * A `*_bydd_trd` row of a bar (spec field order). A null open/high/low is written `"0"`, as
 * KRX writes a halted stock; `sector` defaults to KOSPI's `"-"`.
 */
export function tradeRow(
  bar: DailyBar,
  name: string,
  market: KrxMarket,
  sector: string | null = null,
): KrxTradeRow {
  const ohl = (n: number | null) => (n === null ? "0" : String(n));
  return {
    BAS_DD: toBasDd(bar.date),
    ISU_CD: bar.code,
    ISU_NM: name,
    MKT_NM: market,
    SECT_TP_NM: sector ?? "-",
    TDD_CLSPRC: plain(bar.close),
    CMPPREVDD_PRC: plain(bar.change),
    FLUC_RT: fixed2(bar.change_pct),
    TDD_OPNPRC: ohl(bar.open),
    TDD_HGPRC: ohl(bar.high),
    TDD_LWPRC: ohl(bar.low),
    ACC_TRDVOL: plain(bar.volume),
    ACC_TRDVAL: plain(bar.value),
    MKTCAP: plain(bar.market_cap),
    LIST_SHRS: plain(bar.shares),
  };
}

/** A `*_isu_base_info` row of an instrument (`null` par → `"무액면"`, `0.5` → `".5"`). */
export function baseInfoRow(inst: Instrument): KrxBaseInfoRow {
  return {
    ISU_CD: inst.isin ?? "",
    ISU_SRT_CD: inst.code,
    ISU_NM: inst.name_full ?? inst.name,
    ISU_ABBRV: inst.name,
    ISU_ENG_NM: inst.name_en ?? "",
    LIST_DD: inst.listing_date === null ? "" : toBasDd(inst.listing_date),
    MKT_TP_NM: inst.market,
    SECUGRP_NM: inst.security_group ?? "",
    SECT_TP_NM: inst.sector ?? "-",
    KIND_STKCERT_TP_NM: inst.stock_kind ?? "",
    PARVAL: inst.par_value === null ? "무액면" : String(inst.par_value).replace(/^0\./, "."),
    LIST_SHRS: plain(inst.shares),
  };
}

/** A `*_dd_trd` index row of a bar (prices with 2 decimals, `null` → `"-"`). */
export function indexRow(bar: IndexBar): KrxIndexRow {
  return {
    BAS_DD: toBasDd(bar.date),
    IDX_CLSS: bar.series,
    IDX_NM: bar.name,
    CLSPRC_IDX: fixed2(bar.close),
    CMPPREVDD_IDX: fixed2(bar.change),
    FLUC_RT: fixed2(bar.change_pct),
    OPNPRC_IDX: fixed2(bar.open),
    HGPRC_IDX: fixed2(bar.high),
    LWPRC_IDX: fixed2(bar.low),
    ACC_TRDVOL: plain(bar.volume),
    ACC_TRDVAL: plain(bar.value),
    MKTCAP: plain(bar.market_cap),
  };
}

/**
 * A data.krx MDCSTAT02203 row of a flow (`TRD_DD` `YYYY/MM/DD`, comma numbers);
 * `TRDVAL_TOT` is the sum of the eleven (0 for consistent net data).
 */
export function flowRow(flow: InvestorFlow): DataKrxFlowRow {
  const v = INVESTOR_TYPES.map((t) => flow.net[t] ?? null);
  const total = v.reduce((a: number, b) => a + (b ?? 0), 0);
  return {
    TRD_DD: flow.date.replaceAll("-", "/"),
    TRDVAL1: commaNumber(v[0]),
    TRDVAL2: commaNumber(v[1]),
    TRDVAL3: commaNumber(v[2]),
    TRDVAL4: commaNumber(v[3]),
    TRDVAL5: commaNumber(v[4]),
    TRDVAL6: commaNumber(v[5]),
    TRDVAL7: commaNumber(v[6]),
    TRDVAL8: commaNumber(v[7]),
    TRDVAL9: commaNumber(v[8]),
    TRDVAL10: commaNumber(v[9]),
    TRDVAL11: commaNumber(v[10]),
    TRDVAL_TOT: commaNumber(total),
  };
}

/** data.krx's `CURRENT_DATETIME` (KST, 12-hour): `"2026.01.25 PM 08:28:39"`. */
export function currentDateTime(d: Date): string {
  const k = new Date(d.getTime() + 9 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  const h = k.getUTCHours();
  return `${k.getUTCFullYear()}.${p(k.getUTCMonth() + 1)}.${p(k.getUTCDate())} ` +
    `${h < 12 ? "AM" : "PM"} ${p(h % 12 || 12)}:${p(k.getUTCMinutes())}:${p(k.getUTCSeconds())}`;
}

/** The HTML error page data.krx.co.kr serves to refused requests. */
export function dataKrxErrorPage(): string {
  return `<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>Error - KRX | Market Data System</title>
</head>
<body>
<div class="error_wrap">
	<h1>KRX 정보데이터시스템</h1>
	<p class="error_txt">요청하신 페이지를 처리하는 중 오류가 발생하였습니다.</p>
	<p>잠시 후 다시 이용해 주시기 바랍니다.</p>
</div>
</body>
</html>
`;
}

/** Renders an OpenAPI body: compact, or krx-rs style (2-space indent, sorted keys). */
export function renderOutBlock(rows: object[], format: "compact" | "pretty" = "compact"): string {
  if (format === "compact") return JSON.stringify({ OutBlock_1: rows });
  const sorted = rows.map((r) =>
    Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  );
  return JSON.stringify({ OutBlock_1: sorted }, null, 2);
}

// ---------------------------------------------------------------------------------------
// the fetch

/** Options of {@linkcode createKrxFixture}. */
export interface KrxFixtureOptions {
  /** The only key accepted (default: any non-empty key). */
  apiKey?: string;
  /** `api_id`s the key is approved for (default: all); others answer 401. */
  approved?: string[];
  /** The only data.krx member accepted (default: any non-empty id/pw). */
  login?: { id: string; pw: string; mustChangePassword?: boolean };
  /** HTTP status of a `LOGOUT` answer (default 400). */
  logoutStatus?: number;
  /** OpenAPI JSON layout (default compact). */
  format?: "compact" | "pretty";
  /** Clock of `CURRENT_DATETIME` (default `new Date()`). */
  now?: () => Date;
}

/** An in-memory KRX with its data.krx session table. */
export interface KrxFixture {
  fetch: typeof fetch;
  /** Ends every data.krx session: the next data call answers `LOGOUT`. */
  expireSessions(): void;
}

const JSON_TYPE = "application/json;charset=UTF-8";
const HTML_TYPE = "text/html; charset=utf-8";

const json = (body: string, status = 200) =>
  new Response(body, { status, headers: { "content-type": JSON_TYPE } });
const html = (body: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": HTML_TYPE, ...headers } });

function cookieOf(req: Request, name: string): string | null {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

/** An in-memory KRX over `dataset` (see the module header). Never touches the network. */
export function createKrxFixture(dataset: KrxDataset, opts: KrxFixtureOptions = {}): KrxFixture {
  const now = opts.now ?? (() => new Date());
  /** JSESSIONID → logged-in member id (null: anonymous session). */
  const sessions = new Map<string, string | null>();

  /** The caller's session id; a new one (with its Set-Cookie) when missing or unknown. */
  function session(req: Request): { sid: string; setCookie: Record<string, string> } {
    const sid = cookieOf(req, "JSESSIONID");
    if (sid && sessions.has(sid)) return { sid, setCookie: {} };
    const fresh = crypto.randomUUID().replaceAll("-", "").toUpperCase() + ".mdcweb01";
    sessions.set(fresh, null);
    return { sid: fresh, setCookie: { "set-cookie": `JSESSIONID=${fresh}; Path=/; HttpOnly` } };
  }

  function openApi(req: Request, url: URL, api: KrxApiId): Response {
    const key = req.headers.get("AUTH_KEY") ?? url.searchParams.get("AUTH_KEY") ?? "";
    const keyOk = key !== "" && (opts.apiKey === undefined || key === opts.apiKey);
    if (!keyOk || (opts.approved && !opts.approved.includes(api))) {
      return json(KRX_UNAUTHORIZED_BODY, 401);
    }
    const basDd = url.searchParams.get("basDd") ?? "";
    if (!/^\d{8}$/.test(basDd)) return json(`{"respMsg":"Bad Request","respCode":"400"}`, 400);
    const target = KRX_API_TARGET[api];
    let rows: object[];
    if ("series" in target) rows = dataset.index[basDd]?.[target.series] ?? [];
    else if (target.kind === "trades") rows = dataset.trades[basDd]?.[target.market] ?? [];
    else rows = dataset.trades[basDd] ? dataset.baseInfo[target.market] : [];
    return json(renderOutBlock(rows, opts.format));
  }

  function login(form: URLSearchParams, sid: string): Record<string, string> {
    const id = form.get("mbrId") ?? "";
    const pw = form.get("pw") ?? "";
    const ok = opts.login ? id === opts.login.id && pw === opts.login.pw : id !== "" && pw !== "";
    if (!ok) {
      return { _error_code: "CD002", _error_message: "아이디 또는 비밀번호를 확인해 주세요." };
    }
    if (opts.login?.mustChangePassword) {
      return { _error_code: "CD010", _error_message: "비밀번호 변경이 필요합니다." };
    }
    const others = [...sessions].filter(([s, user]) => s !== sid && user === id);
    if (others.length && form.get("skipDup") !== "Y") {
      return { _error_code: "CD011", _error_message: "이미 로그인 중인 아이디입니다." };
    }
    for (const [s] of others) sessions.delete(s);
    sessions.set(sid, id);
    return { _error_code: "CD001", _error_message: "" };
  }

  function flows(form: URLSearchParams): Response {
    const mkt = form.get("mktId") ?? "";
    const strt = form.get("strtDd") ?? "";
    const end = form.get("endDd") ?? "";
    if (
      !["STK", "KSQ", "KNX"].includes(mkt) || !/^\d{8}$/.test(strt) || !/^\d{8}$/.test(end) ||
      form.get("trdVolVal") !== "2" || form.get("askBid") !== "3"
    ) {
      return new Response(
        "krx fixture: MDCSTAT02203 serves mktId STK/KSQ/KNX, strtDd/endDd YYYYMMDD, " +
          "trdVolVal=2, askBid=3 only",
        { status: 400, headers: { "content-type": "text/plain" } },
      );
    }
    const byDay = dataset.flows?.[mkt] ?? {};
    const rows = Object.keys(byDay).filter((d) => d >= strt && d <= end).sort().reverse()
      .map((d) => byDay[d]);
    return html(JSON.stringify({ output: rows, CURRENT_DATETIME: currentDateTime(now()) }));
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    const api = /\/(?:sto|idx)\/([a-z_]+?)(?:\.json)?$/.exec(path)?.[1];
    if (req.method === "GET" && api && api in KRX_API_TARGET) {
      return openApi(req, url, api as KrxApiId);
    }
    const form = new URLSearchParams(url.search);
    if (req.method === "POST") {
      for (const [k, v] of new URLSearchParams(await req.text())) form.set(k, v);
    }
    if (path.endsWith(DATA_KRX_PATHS.loginPage) || path.endsWith(DATA_KRX_PATHS.loginJsp)) {
      const { setCookie } = session(req);
      return html(
        `<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>로그인 | KRX 정보데이터시스템</title></head><body><form id="loginForm"></form></body></html>`,
        200,
        setCookie,
      );
    }
    if (path.endsWith(DATA_KRX_PATHS.login) && req.method === "POST") {
      const { sid, setCookie } = session(req);
      return html(JSON.stringify(login(form, sid)), 200, setCookie);
    }
    if (path.endsWith(DATA_KRX_PATHS.data) && req.method === "POST") {
      if (!/^Mozilla\//.test(req.headers.get("user-agent") ?? "")) return html(dataKrxErrorPage());
      const sid = cookieOf(req, "JSESSIONID");
      if (!sid || !sessions.get(sid)) return html("LOGOUT", opts.logoutStatus ?? 400);
      if (form.get("bld") === FLOW_BLD) return flows(form);
      return html(dataKrxErrorPage(), 404);
    }
    return html(
      `<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>`,
      404,
    );
  }

  return {
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      handle(
        input instanceof Request ? new Request(input, init) : new Request(String(input), init),
      ),
    expireSessions: () => sessions.clear(),
  };
}

/** A `fetch` answering KRX URLs from `dataset` (see the module header). */
export function createKrxFixtureFetch(
  dataset: KrxDataset,
  opts: KrxFixtureOptions = {},
): typeof fetch {
  return createKrxFixture(dataset, opts).fetch;
}

/** The `mktId` → market map of data.krx (inverse of `MARKET_ID`). */
export const MARKET_BY_ID: Record<string, KrxMarket> = Object.fromEntries(
  Object.entries(MARKET_ID).map(([m, id]) => [id, m as KrxMarket]),
);
