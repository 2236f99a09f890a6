/**
 * Pure parsers and request builders for the data.krx.co.kr all-stock screens of
 * `datakrx_screens_types.ts` (MDCSTAT02401 per-stock net buying by investor type, MDCSTAT03701/
 * 03702 foreign ownership, MDCSTAT02001 status flags). No I/O: the logged-in transport is
 * `DataKrxClient`'s; these functions take the body and return typed rows.
 *
 * Shared rules (as `parse.ts`): `LOGOUT` or an HTML page → `KrxLoginError`; not JSON, no
 * `output`/`OutBlock_1` array, a row that is not an object or lacks a field, a value that is
 * not a number → `KrxFormatError` naming the row and field; `{"output": []}` → no rows.
 *
 * @module
 */
import type { z } from "zod";
import { fromBasDd, type KrxMarket, MARKET_ID } from "../../market/model.ts";
import { KrxFormatError } from "./errors.ts";
import { dataKrxJson, krxNumber, type ParseContext } from "./parse.ts";
import {
  type DataKrxMarketId,
  type ForeignHolding,
  ForeignHoldingWire,
  ForeignTrendWire,
  INVESTOR_CODES,
  type InvestorCode,
  type NetPurchaseAnswer,
  NetPurchaseWire,
  SCREENS,
  STAT_BLD,
  STATUS_FIELDS,
  type StatusFlag,
  StatusWire,
  type StockNetPurchase,
  type StockStatus,
} from "./datakrx_screens_types.ts";

type Row = Record<string, unknown>;

function fail(api: string, message: string, ctx: ParseContext): never {
  throw new KrxFormatError(message, "datakrx", api, { rawId: ctx.rawId });
}

/** The row array of an answer (`output` or `OutBlock_1`), after the login checks. */
function rowsOf(body: string | Uint8Array, api: string, ctx: ParseContext): Row[] {
  const obj = dataKrxJson(body, { ...ctx, api });
  const rows = Array.isArray(obj.output) ? obj.output : obj.OutBlock_1;
  if (!Array.isArray(rows)) {
    const keys = Object.keys(obj).slice(0, 5).join(", ") || "none";
    return fail(api, `expected {"output": [...]} or {"OutBlock_1": [...]}, got keys ${keys}`, ctx);
  }
  return rows as Row[];
}

function wire<T>(
  schema: z.ZodType<T>,
  row: unknown,
  index: number,
  api: string,
  ctx: ParseContext,
): T {
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    return fail(api, `row ${index}: expected an object`, ctx);
  }
  const r = schema.safeParse(row);
  if (!r.success) {
    const i = r.error.issues[0];
    const field = i.path.map(String).join(".") || "(row)";
    const v = (row as Row)[String(i.path[0])];
    return fail(
      api,
      `row ${index} ${field}: ${
        v === undefined ? "missing field" : `expected a string, got ${JSON.stringify(v)}`
      }`,
      ctx,
    );
  }
  return r.data;
}

const CODE = /^[0-9A-Z]{6}$/;
function code(v: string, index: number, field: string, api: string, ctx: ParseContext): string {
  const t = v.trim();
  if (!CODE.test(t)) {
    fail(api, `row ${index} ${field}: expected a 6-character code, got "${t}"`, ctx);
  }
  return t;
}

/** A number that must be present (`"-"`/`""` → KrxFormatError). */
function required(row: Row, field: string, w: { api: string; index: number } & ParseContext) {
  const n = krxNumber(row, field, { ...w, source: "datakrx" });
  if (n === null) fail(w.api, `row ${w.index} ${field}: expected a number, got "-"`, w);
  return n;
}

const YMD = /^\d{4}-\d{2}-\d{2}$/;

// ---------------------------------------------------------------------------------------
// MDCSTAT02401

/** Context of an MDCSTAT02401 parse: the request it answers. */
export interface NetPurchaseContext extends ParseContext {
  market: KrxMarket;
  investor: InvestorCode;
  from: string;
  to: string;
}

/**
 * MDCSTAT02401 → one {@linkcode StockNetPurchase} per row, in the answer's order (net value
 * descending). Every value must be a number (`"-"` has not been seen here and is an error).
 */
export function parseNetPurchases(
  body: string | Uint8Array,
  ctx: NetPurchaseContext,
): NetPurchaseAnswer {
  const api = ctx.api ?? SCREENS.netPurchases;
  if (!(ctx.investor in INVESTOR_CODES)) {
    throw new RangeError(`unknown invstTpCd ${ctx.investor}`);
  }
  const rows = rowsOf(body, api, ctx).map((raw, index): StockNetPurchase => {
    const r = wire(NetPurchaseWire, raw, index, api, ctx);
    const w = { ...ctx, api, index };
    const n = (f: string) => required(raw, f, w);
    return {
      code: code(r.ISU_SRT_CD, index, "ISU_SRT_CD", api, ctx),
      name: r.ISU_NM.trim(),
      sell_volume: n("ASK_TRDVOL"),
      buy_volume: n("BID_TRDVOL"),
      net_volume: n("NETBID_TRDVOL"),
      sell_value: n("ASK_TRDVAL"),
      buy_value: n("BID_TRDVAL"),
      net_value: n("NETBID_TRDVAL"),
    };
  });
  return {
    market: ctx.market,
    investor: ctx.investor,
    investor_name: INVESTOR_CODES[ctx.investor],
    from: ctx.from,
    to: ctx.to,
    rows,
  };
}

/**
 * Net value (원) per stock code for a universe: a stock the investor type did not trade has no
 * row, which means 0 for a collected period — so every `universe` code absent from the answer
 * gets 0. Codes in the answer but not in the universe are kept too.
 */
export function netValueByCode(
  answer: NetPurchaseAnswer,
  universe: Iterable<string> = [],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of universe) out.set(c, 0);
  for (const r of answer.rows) out.set(r.code, r.net_value);
  return out;
}

// ---------------------------------------------------------------------------------------
// MDCSTAT03701 / 03702

function holding(
  raw: Row,
  base: { code: string; name: string; date: string; change_type: string },
  w: { api: string; index: number } & ParseContext,
): ForeignHolding {
  const n = (f: string) => krxNumber(raw, f, { ...w, source: "datakrx" });
  return {
    ...base,
    close: n("TDD_CLSPRC"),
    change: n("CMPPREVDD_PRC"),
    change_pct: n("FLUC_RT"),
    listed_shares: n("LIST_SHRS"),
    foreign_shares: n("FORN_HD_QTY"),
    foreign_pct: n("FORN_SHR_RT"),
    foreign_limit_shares: n("FORN_ORD_LMT_QTY"),
    foreign_limit_exhaustion_pct: n("FORN_LMT_EXHST_RT"),
  };
}

/** MDCSTAT03701 (전종목, one day) → {@linkcode ForeignHolding}s dated `ctx.date`. */
export function parseForeignHoldings(
  body: string | Uint8Array,
  ctx: ParseContext & { date: string },
): ForeignHolding[] {
  const api = ctx.api ?? SCREENS.foreignAll;
  if (!YMD.test(ctx.date)) throw new RangeError(`date must be YYYY-MM-DD: ${ctx.date}`);
  return rowsOf(body, api, ctx).map((raw, index) => {
    const r = wire(ForeignHoldingWire, raw, index, api, ctx);
    return holding(raw, {
      code: code(r.ISU_SRT_CD, index, "ISU_SRT_CD", api, ctx),
      name: r.ISU_ABBRV.trim(),
      date: ctx.date,
      change_type: r.FLUC_TP_CD.trim(),
    }, { ...ctx, api, index });
  });
}

/** MDCSTAT03702 (one stock over a period) → {@linkcode ForeignHolding}s, oldest first. */
export function parseForeignTrend(
  body: string | Uint8Array,
  ctx: ParseContext & { code: string; name?: string },
): ForeignHolding[] {
  const api = ctx.api ?? SCREENS.foreignTrend;
  const out = rowsOf(body, api, ctx).map((raw, index) => {
    const r = wire(ForeignTrendWire, raw, index, api, ctx);
    const d = r.TRD_DD.trim();
    if (!/^\d{4}\/\d{2}\/\d{2}$/.test(d)) {
      fail(api, `row ${index} TRD_DD: expected a YYYY/MM/DD date, got "${d}"`, ctx);
    }
    return holding(raw, {
      code: ctx.code,
      name: ctx.name ?? "",
      date: fromBasDd(d),
      change_type: r.FLUC_TP_CD.trim(),
    }, { ...ctx, api, index });
  });
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

// ---------------------------------------------------------------------------------------
// MDCSTAT02001

const TRUE_VALUES = new Set(["O", "Y"]);
const FALSE_VALUES = new Set(["X", "N"]);

/**
 * One status cell: `O`/`Y` → true, `X`/`N` → false (trimmed, case-insensitive), a missing
 * field or anything else → null (unknown). The encoding is unverified (module header of
 * `datakrx_screens_types.ts`).
 */
export function statusValue(v: unknown): boolean | null {
  if (typeof v !== "string") return null;
  const t = v.trim().toUpperCase();
  if (TRUE_VALUES.has(t)) return true;
  if (FALSE_VALUES.has(t)) return false;
  return null;
}

/** MDCSTAT02001 → {@linkcode StockStatus} per row. */
export function parseStatusFlags(body: string | Uint8Array, ctx: ParseContext = {}): StockStatus[] {
  const api = ctx.api ?? SCREENS.statusFlags;
  return rowsOf(body, api, ctx).map((raw, index) => {
    const r = wire(StatusWire, raw, index, api, ctx);
    const flags = {} as Record<StatusFlag, boolean | null>;
    const unknown: { field: string; value: string }[] = [];
    for (const [field, name] of Object.entries(STATUS_FIELDS) as [string, StatusFlag][]) {
      const v = raw[field];
      const b = statusValue(v);
      flags[name] = b;
      if (b === null) unknown.push({ field, value: v === undefined ? "(missing)" : String(v) });
    }
    return {
      code: code(r.ISU_SRT_CD, index, "ISU_SRT_CD", api, ctx),
      isin: r.ISU_CD.trim(),
      name: r.ISU_ABBRV.trim(),
      market_id: r.MKT_ID?.trim() || null,
      flags,
      unknown_values: unknown,
    };
  });
}

// ---------------------------------------------------------------------------------------
// request builders

/** One data.krx.co.kr call: the form body of `POST /comm/bldAttendant/getJsonData.cmd`. */
export interface DataKrxRequest {
  screen: string;
  form: Record<string, string>;
}

const basDd = (d: string) => {
  if (!YMD.test(d)) throw new RangeError(`date must be YYYY-MM-DD: ${d}`);
  return d.replaceAll("-", "");
};

/** The `mktId` of a market (`ALL` passes through). */
export function mktId(market: KrxMarket | "ALL"): DataKrxMarketId {
  return market === "ALL" ? "ALL" : MARKET_ID[market];
}

/** MDCSTAT02401 form (the observed body's fields and order). */
export function netPurchasesRequest(
  market: KrxMarket | "ALL",
  investor: InvestorCode,
  from: string,
  to: string,
): DataKrxRequest {
  if (!(investor in INVESTOR_CODES)) throw new RangeError(`unknown invstTpCd ${investor}`);
  if (from > to) throw new RangeError(`from must not be after to: ${from}..${to}`);
  return {
    screen: SCREENS.netPurchases,
    form: {
      strtDd: basDd(from),
      endDd: basDd(to),
      mktId: mktId(market),
      invstTpCd: investor,
      bld: STAT_BLD + SCREENS.netPurchases,
    },
  };
}

/** MDCSTAT03701 form (`isuLmtRto=0`: every stock, not only those with a limit). */
export function foreignHoldingsRequest(market: KrxMarket | "ALL", date: string): DataKrxRequest {
  return {
    screen: SCREENS.foreignAll,
    form: {
      searchType: "1",
      mktId: mktId(market),
      trdDd: basDd(date),
      isuLmtRto: "0",
      bld: STAT_BLD + SCREENS.foreignAll,
    },
  };
}

/** MDCSTAT03702 form for one stock by ISIN. */
export function foreignTrendRequest(isin: string, from: string, to: string): DataKrxRequest {
  if (!/^[A-Z]{2}[0-9A-Z]{10}$/.test(isin)) throw new RangeError(`not an ISIN: ${isin}`);
  return {
    screen: SCREENS.foreignTrend,
    form: {
      searchType: "2",
      strtDd: basDd(from),
      endDd: basDd(to),
      isuCd: isin,
      bld: STAT_BLD + SCREENS.foreignTrend,
    },
  };
}

/** MDCSTAT02001 form (no date: the screen answers the current designations). */
export function statusFlagsRequest(market: KrxMarket | "ALL" = "ALL"): DataKrxRequest {
  return {
    screen: SCREENS.statusFlags,
    form: { mktId: mktId(market), bld: STAT_BLD + SCREENS.statusFlags },
  };
}

/** The investor types a screening day collects (기관합계 plus its large parts). */
export const SCREEN_INVESTORS: readonly InvestorCode[] = [
  "9000",
  "7050",
  "8000",
  "6000",
  "1000",
  "3000",
  "3100",
  "7100",
];

/**
 * The calls one trading day of screening inputs costs: per market, one MDCSTAT02401 per
 * investor type for that day (rolling 5/20/60-day sums are built from the daily answers),
 * one MDCSTAT03701; plus one MDCSTAT02001 for all markets. 3 markets × (8 + 1) + 1 = 28.
 */
export function dailyScreenRequests(
  date: string,
  markets: readonly KrxMarket[] = ["KOSPI", "KOSDAQ", "KONEX"],
  investors: readonly InvestorCode[] = SCREEN_INVESTORS,
): DataKrxRequest[] {
  const out: DataKrxRequest[] = [];
  for (const m of markets) {
    for (const inv of investors) out.push(netPurchasesRequest(m, inv, date, date));
    out.push(foreignHoldingsRequest(m, date));
  }
  out.push(statusFlagsRequest("ALL"));
  return out;
}
