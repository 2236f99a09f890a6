/**
 * data.krx.co.kr all-stock screens for screening inputs (research notes
 * `multi_company_and_flows.md` §5; transport and login: `krx-kind.md` §2):
 *
 * | bld | screen | one request returns |
 * |---|---|---|
 * | `MDCSTAT02401` | [12010] 투자자별 순매수상위종목 | every stock of a market that one investor type traded in a period (not a fixed list: an untraded stock has no row), sorted by `NETBID_TRDVAL` descending |
 * | `MDCSTAT03701` | [12023] 외국인보유량 전종목 | every stock of a market on one day: 보유수량, 지분율, 한도수량, 한도소진율 |
 * | `MDCSTAT03702` | [12023] 외국인보유량 개별추이 | one stock (ISIN) over a period |
 * | `MDCSTAT02001` | [12006] 전종목 지정 내역 | every stock's status flags (관리종목, 투자주의/경고/위험, 거래정지, …), current snapshot |
 *
 * Wire values are strings with thousands commas and a leading `-` (`"-1,195,049"`); rows are
 * wrapped in `output` (or `OutBlock_1`) next to `CURRENT_DATETIME`.
 *
 * **MDCSTAT02001 value encoding is unverified**: no captured response was found. Two independent
 * clients type the `*_YN` fields as `"O"` designated / `"X"` not designated; the field names
 * say Y/N. The parser reads `O`/`Y` as true and `X`/`N` as false, keeps anything else (`""`,
 * `"-"`, other letters) as `null` (unknown) and lists it in `unknown_values`, so a wrong guess
 * shows up instead of silently clearing every flag.
 *
 * @module
 */
import { z } from "zod";
import type { KrxMarket } from "../../market/model.ts";

/** `bld` prefix of the standard statistics screens. */
export const STAT_BLD = "dbms/MDC/STAT/standard/";

/** The screens this module parses. */
export const SCREENS = {
  netPurchases: "MDCSTAT02401",
  foreignAll: "MDCSTAT03701",
  foreignTrend: "MDCSTAT03702",
  statusFlags: "MDCSTAT02001",
} as const;

/** data.krx `mktId` of a market, plus `ALL`. */
export type DataKrxMarketId = "STK" | "KSQ" | "KNX" | "ALL";

/**
 * `invstTpCd` of MDCSTAT02401 (pykrx's map). Note 3000 is 투신 and 2000 보험; 7050 is 기관합계;
 * 9999 전체 answers `NETBID_* "0"` on every row.
 */
export const INVESTOR_CODES = {
  "1000": "금융투자",
  "2000": "보험",
  "3000": "투신",
  "3100": "사모",
  "4000": "은행",
  "5000": "기타금융",
  "6000": "연기금",
  "7050": "기관합계",
  "7100": "기타법인",
  "8000": "개인",
  "9000": "외국인",
  "9001": "기타외국인",
  "9999": "전체",
} as const;
/** An `invstTpCd`. */
export type InvestorCode = keyof typeof INVESTOR_CODES;
/** The Korean name of an investor type. */
export type InvestorName = typeof INVESTOR_CODES[InvestorCode];

const s = z.string();

/** MDCSTAT02401 wire row (keys exactly as observed). */
export const NetPurchaseWire = z.object({
  ISU_SRT_CD: s,
  ISU_NM: s,
  ASK_TRDVOL: s,
  BID_TRDVOL: s,
  NETBID_TRDVOL: s,
  ASK_TRDVAL: s,
  BID_TRDVAL: s,
  NETBID_TRDVAL: s,
});

/** MDCSTAT03701 wire row. */
export const ForeignHoldingWire = z.object({
  ISU_SRT_CD: s,
  ISU_ABBRV: s,
  TDD_CLSPRC: s,
  FLUC_TP_CD: s,
  CMPPREVDD_PRC: s,
  FLUC_RT: s,
  LIST_SHRS: s,
  FORN_HD_QTY: s,
  FORN_SHR_RT: s,
  FORN_ORD_LMT_QTY: s,
  FORN_LMT_EXHST_RT: s,
});

/** MDCSTAT03702 wire row: a date plus the value fields of 03701 (no code or name). */
export const ForeignTrendWire = z.object({
  TRD_DD: s,
  TDD_CLSPRC: s,
  FLUC_TP_CD: s,
  CMPPREVDD_PRC: s,
  FLUC_RT: s,
  LIST_SHRS: s,
  FORN_HD_QTY: s,
  FORN_SHR_RT: s,
  FORN_ORD_LMT_QTY: s,
  FORN_LMT_EXHST_RT: s,
});

/** MDCSTAT02001 flag fields and their meaning, in the clients' order. */
export const STATUS_FIELDS = {
  HALT_YN: "halted",
  ARRANTRD_YN: "liquidation_trading",
  ADMISU_YN: "administrative",
  INVSTCAUTN_REMND_ISU_YN: "caution_reminder",
  NFAITHDISCLS_YN: "unfaithful_disclosure",
  VLWLIQU_VALU_YN: "low_liquidity",
  UNIT_TRD_YN: "insufficient_shares",
  SRTTRM_OVERHEAT_ISU_TP_YN: "short_term_overheat",
  INVSTCAUTN_YN: "investment_caution",
  NVST_WARN_YN: "investment_warning",
  NVST_RISK_YN: "investment_risk",
} as const;
/** A status flag name. */
export type StatusFlag = typeof STATUS_FIELDS[keyof typeof STATUS_FIELDS];

/** MDCSTAT02001 wire row: identifiers required, flag fields optional (each read defensively). */
export const StatusWire = z.object({
  ISU_CD: s,
  ISU_SRT_CD: s,
  ISU_ABBRV: s,
  MKT_ID: s.optional(),
}).catchall(z.unknown());

/** One stock's net buying by one investor type over the request period (원, 주). */
export interface StockNetPurchase {
  code: string;
  name: string;
  sell_volume: number;
  buy_volume: number;
  net_volume: number;
  sell_value: number;
  buy_value: number;
  net_value: number;
}

/** A parsed MDCSTAT02401 answer with the request it answers. */
export interface NetPurchaseAnswer {
  market: KrxMarket;
  investor: InvestorCode;
  investor_name: InvestorName;
  /** `YYYY-MM-DD`. */
  from: string;
  to: string;
  /** Rows as sent (sorted by net value descending); stocks the type did not trade are absent. */
  rows: StockNetPurchase[];
}

/** One stock's foreign ownership on one day. */
export interface ForeignHolding {
  code: string;
  name: string;
  /** `YYYY-MM-DD` (03702 rows; the request day for 03701). */
  date: string;
  close: number | null;
  /** `FLUC_TP_CD` as sent (`"0"` on a halted/zero row). */
  change_type: string;
  change: number | null;
  change_pct: number | null;
  listed_shares: number | null;
  foreign_shares: number | null;
  /** 외국인 지분율 (%). */
  foreign_pct: number | null;
  /** 외국인 한도수량 (주). */
  foreign_limit_shares: number | null;
  /** 한도소진율 (%); equals `foreign_pct` when the limit is every listed share. */
  foreign_limit_exhaustion_pct: number | null;
}

/** One stock's status flags (true designated, false not, null unknown encoding). */
export interface StockStatus {
  code: string;
  isin: string;
  name: string;
  market_id: string | null;
  flags: Record<StatusFlag, boolean | null>;
  /** Flag cells whose value was not O/X/Y/N, as sent. */
  unknown_values: { field: string; value: string }[];
}
