/**
 * Pure parsers for the KRX payloads (`shared/sources/krx-kind.md` §1.3–1.6 and §2.1, §2.4):
 * no I/O, bytes or text in, normalized `lib/market/model.ts` records out.
 *
 * Rules every parser applies:
 * - the body is UTF-8 JSON (a BOM is ignored); key order is insignificant;
 * - OpenAPI: `{"OutBlock_1": [...]}`; `{"OutBlock_1": []}` (holiday, future date) → `[]`;
 *   a 2xx `{"respCode":"401",…}` body → {@linkcode KrxUnauthorizedError};
 * - numbers are strings; `"-"` and `""` → `null`; thousands commas are tolerated (data.krx
 *   always, the OpenAPI for ELW); anything else that is not a number → {@linkcode KrxFormatError}
 *   naming the field and the value;
 * - a `0` open/high/low is `null` (halted / no-trade rows carry only the close);
 * - dates `YYYYMMDD` (or data.krx `YYYY/MM/DD`) → `YYYY-MM-DD`;
 * - `MKT_NM` / `MKT_TP_NM` must be `KOSPI` / `KOSDAQ` / `KONEX`;
 * - data.krx.co.kr: a `LOGOUT` body or an HTML page (it says `text/html` even for JSON) →
 *   {@linkcode KrxLoginError}, never data.
 *
 * @module
 */
import {
  type DailyBar,
  fromBasDd,
  type IndexBar,
  indexCode,
  type IndexSeries,
  type Instrument,
  INVESTOR_TYPES,
  type InvestorFlow,
  KRX_MARKETS,
  type KrxMarket,
} from "../../market/model.ts";
import { KrxFormatError, KrxLoginError, type KrxSource, KrxUnauthorizedError } from "./errors.ts";

/** Context of a parse: which API the payload came from (names it in errors). */
export interface ParseContext {
  /** OpenAPI `api_id` (default per parser) or data.krx screen name. */
  api?: string;
  /** Raw record id, copied onto errors. */
  rawId?: string;
}

type Row = Record<string, unknown>;

const decoder = new TextDecoder("utf-8");

/** Decodes a payload as UTF-8 (strings pass through), without a BOM. */
export function decodeKrx(body: string | Uint8Array): string {
  const text = typeof body === "string" ? body : decoder.decode(body);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const snippet = (s: string) => {
  const t = s.trim().replace(/\s+/g, " ");
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
};

function fail(source: KrxSource, api: string, message: string, ctx: ParseContext): never {
  throw new KrxFormatError(message, source, api, { rawId: ctx.rawId });
}

/** Parses JSON; anything else is a {@linkcode KrxFormatError} quoting the start of the body. */
function parseJson(text: string, source: KrxSource, api: string, ctx: ParseContext): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail(source, api, `expected a JSON body, got "${snippet(text)}"`, ctx);
  }
}

/**
 * The rows of an OpenAPI answer (`OutBlock_1`). A `respCode` 401 body →
 * {@linkcode KrxUnauthorizedError}; any other shape → {@linkcode KrxFormatError}.
 */
export function outBlockRows(
  body: string | Uint8Array,
  ctx: ParseContext & { api: string },
): Row[] {
  const json = parseJson(decodeKrx(body), "krx", ctx.api, ctx);
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return fail("krx", ctx.api, `expected a JSON object {"OutBlock_1": [...]}`, ctx);
  }
  const obj = json as Row;
  if (String(obj.respCode ?? "") === "401") {
    throw new KrxUnauthorizedError(ctx.api, {
      rawId: ctx.rawId,
      respMsg: typeof obj.respMsg === "string" ? obj.respMsg : undefined,
    });
  }
  const rows = obj.OutBlock_1;
  if (!Array.isArray(rows)) {
    const keys = Object.keys(obj).slice(0, 5).join(", ") || "none";
    return fail("krx", ctx.api, `expected {"OutBlock_1": [...]}, got keys ${keys}`, ctx);
  }
  rows.forEach((r, i) => {
    if (r === null || typeof r !== "object" || Array.isArray(r)) {
      fail("krx", ctx.api, `OutBlock_1[${i}]: expected an object`, ctx);
    }
  });
  return rows as Row[];
}

// ---------------------------------------------------------------------------------------
// values

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/**
 * A KRX number: `"-"`/`""` → null; commas dropped (`"-3,005,309"`, `".5"`, `"+1.2"` are
 * numbers); a missing field or anything else → {@linkcode KrxFormatError} naming field and value.
 */
export function krxNumber(
  row: Row,
  field: string,
  where: { source: KrxSource; api: string; index: number } & ParseContext,
): number | null {
  const v = row[field];
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v !== "string") {
    return fail(
      where.source,
      where.api,
      `row ${where.index} ${field}: ${
        v === undefined ? "missing field" : `expected a number string, got ${JSON.stringify(v)}`
      }`,
      where,
    );
  }
  const t = v.trim();
  if (t === "" || t === "-") return null;
  const plain = t.replace(/,/g, "");
  if (t.includes(",") ? !GROUPED.test(t) : !NUMBER.test(t)) {
    return fail(
      where.source,
      where.api,
      `row ${where.index} ${field}: expected a number, got ${JSON.stringify(v)}`,
      where,
    );
  }
  return Number(plain);
}

function text(
  row: Row,
  field: string,
  where: { source: KrxSource; api: string; index: number } & ParseContext,
): string {
  const v = row[field];
  if (typeof v !== "string") {
    return fail(
      where.source,
      where.api,
      `row ${where.index} ${field}: ${
        v === undefined ? "missing field" : `expected a string, got ${JSON.stringify(v)}`
      }`,
      where,
    );
  }
  return v.trim();
}

/** `"-"` / `""` → null, else the trimmed text. */
function optText(
  row: Row,
  field: string,
  where: { source: KrxSource; api: string; index: number } & ParseContext,
): string | null {
  const t = text(row, field, where);
  return t === "" || t === "-" ? null : t;
}

function validYmd(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function date(
  row: Row,
  field: string,
  where: { source: KrxSource; api: string; index: number } & ParseContext,
): string {
  const raw = text(row, field, where);
  let out: string | null = null;
  if (/^\d{8}$/.test(raw) || /^\d{4}\/\d{2}\/\d{2}$/.test(raw)) out = fromBasDd(raw);
  if (out === null || !validYmd(out)) {
    const want = where.source === "datakrx" ? "YYYY/MM/DD" : "YYYYMMDD";
    return fail(
      where.source,
      where.api,
      `row ${where.index} ${field}: expected a ${want} date, got ${JSON.stringify(raw)}`,
      where,
    );
  }
  return out;
}

function market(
  row: Row,
  field: string,
  where: { source: KrxSource; api: string; index: number } & ParseContext,
): KrxMarket {
  const t = text(row, field, where);
  if (!(KRX_MARKETS as readonly string[]).includes(t)) {
    return fail(
      where.source,
      where.api,
      `row ${where.index} ${field}: expected one of ${KRX_MARKETS.join("/")}, got ${
        JSON.stringify(t)
      }`,
      where,
    );
  }
  return t as KrxMarket;
}

/** A price where `0` means "no trade" (open/high/low of a halted stock). */
const price = (n: number | null) => (n === 0 ? null : n);

// ---------------------------------------------------------------------------------------
// OpenAPI

/** Options of the stock parsers: the market the endpoint serves (rows of another → error). */
export interface MarketParseContext extends ParseContext {
  market?: KrxMarket;
}

function checkMarket(
  got: KrxMarket,
  want: KrxMarket | undefined,
  field: string,
  where: { source: KrxSource; api: string; index: number } & ParseContext,
): void {
  if (want && got !== want) {
    fail(
      where.source,
      where.api,
      `row ${where.index} ${field}: expected ${want}, got ${got}`,
      where,
    );
  }
}

/**
 * 일별매매정보 (`stk_bydd_trd`, `ksq_bydd_trd`, `knx_bydd_trd`) → one {@linkcode DailyBar} per
 * row, in the answer's order. A halted row (`ACC_TRDVOL "0"`, open/high/low `"0"`) keeps its
 * close and gets null open/high/low.
 */
export function parseTrades(body: string | Uint8Array, ctx: MarketParseContext = {}): DailyBar[] {
  const api = ctx.api ?? "stk_bydd_trd";
  return outBlockRows(body, { ...ctx, api }).map((row, index): DailyBar => {
    const w = { ...ctx, source: "krx" as const, api, index };
    const n = (f: string) => krxNumber(row, f, w);
    checkMarket(market(row, "MKT_NM", w), ctx.market, "MKT_NM", w);
    const code = text(row, "ISU_CD", w);
    if (!/^[0-9A-Z]{6}$/.test(code)) {
      fail("krx", api, `row ${index} ISU_CD: expected a 6-character code, got "${code}"`, w);
    }
    return {
      date: date(row, "BAS_DD", w),
      code,
      open: price(n("TDD_OPNPRC")),
      high: price(n("TDD_HGPRC")),
      low: price(n("TDD_LWPRC")),
      close: n("TDD_CLSPRC"),
      change: n("CMPPREVDD_PRC"),
      change_pct: n("FLUC_RT"),
      volume: n("ACC_TRDVOL"),
      value: n("ACC_TRDVAL"),
      market_cap: n("MKTCAP"),
      shares: n("LIST_SHRS"),
    };
  });
}

/**
 * 종목기본정보 (`stk_isu_base_info`, …) → {@linkcode Instrument}s. `PARVAL "무액면"` → null
 * par value (`".5"` → 0.5); `SECT_TP_NM "-"` → null sector; `LIST_DD` `YYYYMMDD` → `YYYY-MM-DD`.
 */
export function parseBaseInfo(
  body: string | Uint8Array,
  ctx: MarketParseContext = {},
): Instrument[] {
  const api = ctx.api ?? "stk_isu_base_info";
  return outBlockRows(body, { ...ctx, api }).map((row, index): Instrument => {
    const w = { ...ctx, source: "krx" as const, api, index };
    const mkt = market(row, "MKT_TP_NM", w);
    checkMarket(mkt, ctx.market, "MKT_TP_NM", w);
    const code = text(row, "ISU_SRT_CD", w);
    if (!/^[0-9A-Z]{6}$/.test(code)) {
      fail("krx", api, `row ${index} ISU_SRT_CD: expected a 6-character code, got "${code}"`, w);
    }
    const isin = optText(row, "ISU_CD", w);
    if (isin !== null && !/^[A-Z]{2}[0-9A-Z]{10}$/.test(isin)) {
      fail("krx", api, `row ${index} ISU_CD: expected a 12-character ISIN, got "${isin}"`, w);
    }
    const par = text(row, "PARVAL", w);
    return {
      code,
      isin,
      name: text(row, "ISU_ABBRV", w),
      name_full: optText(row, "ISU_NM", w),
      name_en: optText(row, "ISU_ENG_NM", w),
      market: mkt,
      sector: optText(row, "SECT_TP_NM", w),
      security_group: optText(row, "SECUGRP_NM", w),
      stock_kind: optText(row, "KIND_STKCERT_TP_NM", w),
      par_value: par === "무액면" ? null : krxNumber(row, "PARVAL", w),
      listing_date: optText(row, "LIST_DD", w) === null ? null : date(row, "LIST_DD", w),
      shares: krxNumber(row, "LIST_SHRS", w),
    };
  });
}

const SERIES: readonly IndexSeries[] = ["KRX", "KOSPI", "KOSDAQ"];

/** Options of {@linkcode parseIndex}: the family the endpoint serves (rows of another → error). */
export interface IndexParseContext extends ParseContext {
  series?: IndexSeries;
}

/**
 * 지수 일별시세 (`krx_dd_trd`, `kospi_dd_trd`, `kosdaq_dd_trd`) → {@linkcode IndexBar}s;
 * `IDX_CLSS` is the series, `index_code` is `indexCode(series, IDX_NM)`, `"-"` → null
 * (e.g. `코스피 (외국주포함)` has no prices).
 */
export function parseIndex(body: string | Uint8Array, ctx: IndexParseContext = {}): IndexBar[] {
  const api = ctx.api ?? "kospi_dd_trd";
  return outBlockRows(body, { ...ctx, api }).map((row, index): IndexBar => {
    const w = { ...ctx, source: "krx" as const, api, index };
    const n = (f: string) => krxNumber(row, f, w);
    const cls = text(row, "IDX_CLSS", w);
    if (!(SERIES as readonly string[]).includes(cls)) {
      fail("krx", api, `row ${index} IDX_CLSS: expected KRX/KOSPI/KOSDAQ, got "${cls}"`, w);
    }
    const series = cls as IndexSeries;
    if (ctx.series && series !== ctx.series) {
      fail("krx", api, `row ${index} IDX_CLSS: expected ${ctx.series}, got ${series}`, w);
    }
    const name = text(row, "IDX_NM", w).replace(/\s+/g, " ");
    if (!name) fail("krx", api, `row ${index} IDX_NM: empty index name`, w);
    return {
      date: date(row, "BAS_DD", w),
      index_code: indexCode(series, name),
      series,
      name,
      open: price(n("OPNPRC_IDX")),
      high: price(n("HGPRC_IDX")),
      low: price(n("LWPRC_IDX")),
      close: n("CLSPRC_IDX"),
      change: n("CMPPREVDD_IDX"),
      change_pct: n("FLUC_RT"),
      volume: n("ACC_TRDVOL"),
      value: n("ACC_TRDVAL"),
      market_cap: n("MKTCAP"),
    };
  });
}

// ---------------------------------------------------------------------------------------
// data.krx.co.kr

/** The screen of the investor-flow answer. */
export const FLOW_SCREEN = "MDCSTAT02203";

/**
 * The JSON object of a data.krx.co.kr answer, after the login checks: a trimmed body
 * `LOGOUT` → {@linkcode KrxLoginError} (`reason: "logout"`); a body starting with `<` (an
 * HTML page) → `KrxLoginError` (`reason: "html"`, naming its `<title>`); not JSON →
 * {@linkcode KrxFormatError}.
 */
export function dataKrxJson(body: string | Uint8Array, ctx: ParseContext & { api: string }): Row {
  const t = decodeKrx(body).trim();
  if (t === "LOGOUT") {
    throw new KrxLoginError(
      "answered LOGOUT: no valid session (log in with KRX_ID/KRX_PW; sessions last about 1 hour)",
      ctx.api,
      { reason: "logout", rawId: ctx.rawId },
    );
  }
  if (t.startsWith("<")) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(t)?.[1]?.trim();
    throw new KrxLoginError(
      `answered an HTML page${title ? ` ("${title}")` : ""} instead of JSON: ` +
        "the session or the request headers were refused",
      ctx.api,
      { reason: "html", rawId: ctx.rawId },
    );
  }
  const json = parseJson(t, "datakrx", ctx.api, ctx);
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return fail("datakrx", ctx.api, `expected a JSON object {"output": [...]}`, ctx);
  }
  return json as Row;
}

/**
 * MDCSTAT02203 (투자자별 거래실적 일별추이 상세, `trdVolVal=2` 거래대금, `askBid=3` 순매수) →
 * one {@linkcode InvestorFlow} per day, oldest first. `TRDVAL1..11` are {@linkcode INVESTOR_TYPES}
 * in order; `institutions` = the sum of the first seven (금융투자..연기금; null if one is
 * missing). The wrapper may be `output` or `OutBlock_1`.
 */
export function parseDataKrxFlows(
  body: string | Uint8Array,
  mkt: KrxMarket,
  ctx: ParseContext = {},
): InvestorFlow[] {
  const api = ctx.api ?? FLOW_SCREEN;
  const obj = dataKrxJson(body, { ...ctx, api });
  const rows = Array.isArray(obj.output) ? obj.output : obj.OutBlock_1;
  if (!Array.isArray(rows)) {
    const keys = Object.keys(obj).slice(0, 5).join(", ") || "none";
    return fail(
      "datakrx",
      api,
      `expected {"output": [...]} or {"OutBlock_1": [...]}, got keys ${keys}`,
      ctx,
    );
  }
  const out = rows.map((row: unknown, index): InvestorFlow => {
    const w = { ...ctx, source: "datakrx" as const, api, index };
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      return fail("datakrx", api, `row ${index}: expected an object`, ctx);
    }
    const r = row as Row;
    const net: Record<string, number | null> = {};
    INVESTOR_TYPES.forEach((t, i) => (net[t] = krxNumber(r, `TRDVAL${i + 1}`, w)));
    let institutions: number | null = 0;
    for (const t of INVESTOR_TYPES.slice(0, 7)) {
      const v = net[t];
      institutions = v === null || institutions === null ? null : institutions + v;
    }
    return {
      date: date(r, "TRD_DD", w),
      market: mkt,
      measure: "value",
      net,
      institutions,
    };
  });
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
