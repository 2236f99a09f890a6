/**
 * Normalized KRX market data: instruments, daily bars, index bars and investor flows. These
 * zod schemas are the single definition: the KRX parsers produce them, `lib/store/market.ts`
 * keeps them (packed), the API publishes them and the backtest export writes them.
 *
 * Prices and amounts are 원 (KRW), raw (not split-adjusted, as KRX publishes them); dates are
 * `YYYY-MM-DD` (KST trading days). `null` = not available (KRX's `"-"`, or a halted stock's
 * `0` open/high/low).
 *
 * @module
 */
import { z } from "zod";

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("Date, YYYY-MM-DD (KST)");
const num = z.number().nullable();

/** Stock markets KRX publishes daily trading for. */
export const KRX_MARKETS = ["KOSPI", "KOSDAQ", "KONEX"] as const;
export const KrxMarket = z.enum(KRX_MARKETS).meta({ id: "KrxMarket" });
export type KrxMarket = z.infer<typeof KrxMarket>;

/** data.krx.co.kr `mktId` of a market. */
export const MARKET_ID: Record<KrxMarket, "STK" | "KSQ" | "KNX"> = {
  KOSPI: "STK",
  KOSDAQ: "KSQ",
  KONEX: "KNX",
};

/** One listed instrument (종목기본정보 joined with the daily trade's short code). */
export const Instrument = z.object({
  code: z.string().regex(/^[0-9A-Z]{6}$/).describe("단축코드 (6 characters)"),
  isin: z.string().regex(/^[A-Z]{2}[0-9A-Z]{10}$/).nullable().describe("표준코드 (ISIN)"),
  name: z.string().describe("종목약명"),
  name_full: z.string().nullable().describe("한글 종목명"),
  name_en: z.string().nullable(),
  market: KrxMarket,
  sector: z.string().nullable().describe("소속부 (KOSDAQ/KONEX); null for KOSPI"),
  security_group: z.string().nullable().describe("증권구분, e.g. 주권"),
  stock_kind: z.string().nullable().describe("주식종류, e.g. 보통주"),
  par_value: num.describe("액면가 (원); null for 무액면"),
  listing_date: ymd.nullable().describe("상장일"),
  shares: num.describe("상장주식수"),
}).meta({ id: "Instrument" });
export type Instrument = z.infer<typeof Instrument>;

/** The numeric columns of a daily bar, in their packed order. */
export const BAR_FIELDS = [
  "open",
  "high",
  "low",
  "close",
  "change",
  "change_pct",
  "volume",
  "value",
  "market_cap",
  "shares",
] as const;
export type BarField = typeof BAR_FIELDS[number];

/** One instrument's trading day (일별매매정보 row). */
export const DailyBar = z.object({
  date: ymd,
  code: z.string(),
  open: num,
  high: num,
  low: num,
  close: num.describe("종가; a halted stock carries its last price"),
  change: num.describe("대비 (signed, vs KRX's base price)"),
  change_pct: num.describe("등락률 %"),
  volume: num.describe("거래량 (주)"),
  value: num.describe("거래대금 (원)"),
  market_cap: num.describe("시가총액 (원)"),
  shares: num.describe("상장주식수"),
}).meta({ id: "DailyBar" });
export type DailyBar = z.infer<typeof DailyBar>;

/** The numeric columns of an index bar, in their packed order. */
export const INDEX_FIELDS = [
  "open",
  "high",
  "low",
  "close",
  "change",
  "change_pct",
  "volume",
  "value",
  "market_cap",
] as const;
export type IndexField = typeof INDEX_FIELDS[number];

/** Index families (the OpenAPI `idx` endpoints). */
export const INDEX_SERIES = ["KRX", "KOSPI", "KOSDAQ"] as const;
export type IndexSeries = typeof INDEX_SERIES[number];

/** One index's trading day (지수 일별시세). `index_code` is {@linkcode indexCode}'s. */
export const IndexBar = z.object({
  date: ymd,
  index_code: z.string(),
  series: z.enum(INDEX_SERIES),
  name: z.string().describe("지수명, e.g. 코스피 200"),
  open: num,
  high: num,
  low: num,
  close: num,
  change: num,
  change_pct: num,
  volume: num,
  value: num,
  market_cap: num,
}).meta({ id: "IndexBar" });
export type IndexBar = z.infer<typeof IndexBar>;

/** Well-known index codes (stable, ASCII) by family and KRX name. */
const KNOWN_INDEX: Record<string, string> = {
  "KOSPI|코스피": "KOSPI",
  "KOSPI|코스피 200": "KOSPI200",
  "KOSPI|코스피 100": "KOSPI100",
  "KOSPI|코스피 50": "KOSPI50",
  "KOSDAQ|코스닥": "KOSDAQ",
  "KOSDAQ|코스닥 150": "KOSDAQ150",
  "KRX|KRX 300": "KRX300",
  "KRX|KRX 100": "KRX100",
};

/**
 * The stable code of an index: a short ASCII code for the well-known ones (`KOSPI`,
 * `KOSDAQ`, `KOSPI200`, …), else `<series>:<name>` (e.g. `KRX:코리아 밸류업 지수`).
 */
export function indexCode(series: IndexSeries, name: string): string {
  const n = name.trim().replace(/\s+/g, " ");
  return KNOWN_INDEX[`${series}|${n}`] ?? `${series}:${n}`;
}

/** Investor types of data.krx.co.kr's detailed daily trend (MDCSTAT02203), in order. */
export const INVESTOR_TYPES = [
  "금융투자",
  "보험",
  "투신",
  "사모",
  "은행",
  "기타금융",
  "연기금",
  "기타법인",
  "개인",
  "외국인",
  "기타외국인",
] as const;
export type InvestorType = typeof INVESTOR_TYPES[number];

/** One market-day of net buying by investor type (순매수, 거래대금 원). */
export const InvestorFlow = z.object({
  date: ymd,
  market: KrxMarket,
  measure: z.enum(["value", "volume"]).describe("value = 거래대금 (원), volume = 거래량 (주)"),
  net: z.record(z.string(), num).describe("순매수 by investor type (INVESTOR_TYPES)"),
  institutions: num.describe("기관합계 = 금융투자..연기금"),
}).meta({ id: "InvestorFlow" });
export type InvestorFlow = z.infer<typeof InvestorFlow>;

/** `YYYY-MM-DD` → `YYYYMMDD`. */
export const toBasDd = (date: string) => date.replaceAll("-", "");
/** `YYYYMMDD` (or `YYYY/MM/DD`) → `YYYY-MM-DD`. */
export function fromBasDd(s: string): string {
  const d = s.replace(/[^0-9]/g, "");
  if (d.length !== 8) throw new RangeError(`not a YYYYMMDD date: ${JSON.stringify(s)}`);
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}
