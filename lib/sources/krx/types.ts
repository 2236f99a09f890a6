/**
 * KRX wire shapes (OpenAPI `OutBlock_1` rows and data.krx.co.kr `output` rows, every value a
 * string, as ../shared/sources/krx-kind.md §1–2 documents them) and the interface the
 * collection job calls ({@linkcode KrxApi}), which `KrxClient` implements.
 *
 * @module
 */
import type {
  DailyBar,
  IndexBar,
  IndexSeries,
  Instrument,
  InvestorFlow,
  KrxMarket,
} from "../../market/model.ts";
import type { RawRecord } from "../../store/raw.ts";

/** `stk_bydd_trd` / `ksq_bydd_trd` / `knx_bydd_trd` row (§1.3). */
export interface KrxTradeRow {
  BAS_DD: string;
  ISU_CD: string;
  ISU_NM: string;
  MKT_NM: string;
  SECT_TP_NM: string;
  TDD_CLSPRC: string;
  CMPPREVDD_PRC: string;
  FLUC_RT: string;
  TDD_OPNPRC: string;
  TDD_HGPRC: string;
  TDD_LWPRC: string;
  ACC_TRDVOL: string;
  ACC_TRDVAL: string;
  MKTCAP: string;
  LIST_SHRS: string;
}

/** `stk_isu_base_info` / `ksq_isu_base_info` / `knx_isu_base_info` row (§1.4). */
export interface KrxBaseInfoRow {
  ISU_CD: string;
  ISU_SRT_CD: string;
  ISU_NM: string;
  ISU_ABBRV: string;
  ISU_ENG_NM: string;
  LIST_DD: string;
  MKT_TP_NM: string;
  SECUGRP_NM: string;
  SECT_TP_NM: string;
  KIND_STKCERT_TP_NM: string;
  PARVAL: string;
  LIST_SHRS: string;
}

/** `krx_dd_trd` / `kospi_dd_trd` / `kosdaq_dd_trd` row (§1.5). */
export interface KrxIndexRow {
  BAS_DD: string;
  IDX_CLSS: string;
  IDX_NM: string;
  CLSPRC_IDX: string;
  CMPPREVDD_IDX: string;
  FLUC_RT: string;
  OPNPRC_IDX: string;
  HGPRC_IDX: string;
  LWPRC_IDX: string;
  ACC_TRDVOL: string;
  ACC_TRDVAL: string;
  MKTCAP: string;
}

/** data.krx.co.kr MDCSTAT02203 row (§2.4): `TRD_DD` `YYYY/MM/DD`, comma numbers. */
export interface DataKrxFlowRow {
  TRD_DD: string;
  TRDVAL1: string;
  TRDVAL2: string;
  TRDVAL3: string;
  TRDVAL4: string;
  TRDVAL5: string;
  TRDVAL6: string;
  TRDVAL7: string;
  TRDVAL8: string;
  TRDVAL9: string;
  TRDVAL10: string;
  TRDVAL11: string;
  TRDVAL_TOT: string;
}

/** A parsed answer and the raw record it came from. */
export interface KrxResult<T> {
  data: T;
  raw: RawRecord;
}

/**
 * The KRX calls the collection job makes (one trading day each; `date` is `YYYY-MM-DD`).
 * A holiday answers `[]` (KRX's empty `OutBlock_1`), never an error.
 */
export interface KrxApi {
  /** 일별매매정보 of one market. */
  dailyTrades(market: KrxMarket, date: string): Promise<KrxResult<DailyBar[]>>;
  /** 종목기본정보 of one market (as of `date`). */
  baseInfo(market: KrxMarket, date: string): Promise<KrxResult<Instrument[]>>;
  /** 지수 일별시세 of one family. */
  indexDaily(series: IndexSeries, date: string): Promise<KrxResult<IndexBar[]>>;
}

/** data.krx.co.kr: investor flows (login required since 2025-12-27). */
export interface DataKrxApi {
  /** 순매수 거래대금 by investor type, one row per trading day in [from, to]. */
  investorFlows(market: KrxMarket, from: string, to: string): Promise<KrxResult<InvestorFlow[]>>;
}

/**
 * A whole fake market in wire format, for the fixture fetch (sample mode, fake server):
 * rows by `YYYYMMDD`. A day with no entry answers `{"OutBlock_1": []}` (a holiday).
 */
export interface KrxDataset {
  trades: Record<string, { KOSPI: KrxTradeRow[]; KOSDAQ: KrxTradeRow[]; KONEX: KrxTradeRow[] }>;
  /** Base info rows by market (the same on every day: membership as of query time). */
  baseInfo: { KOSPI: KrxBaseInfoRow[]; KOSDAQ: KrxBaseInfoRow[]; KONEX: KrxBaseInfoRow[] };
  index: Record<string, { KRX: KrxIndexRow[]; KOSPI: KrxIndexRow[]; KOSDAQ: KrxIndexRow[] }>;
  /** data.krx.co.kr MDCSTAT02203 rows by market `mktId` and `YYYYMMDD`. */
  flows?: Record<string, Record<string, DataKrxFlowRow>>;
}
