/**
 * The offline sample's IPO pipeline: fictional deals in every stage as of
 * {@linkcode IPO_AS_OF} (= `SAMPLE_AS_OF`, 2026-11-20, a Friday), one table that feeds both the
 * KIND sample (`sample/kind_sample.ts`) and the DART additions ({@linkcode addIpoDealsToDart},
 * used by `buildSampleDataset({ ipoDeals: true })` in `sample/dart_sample.ts`).
 *
 * EVERYTHING HERE IS FICTIONAL: companies, corp_codes, stock codes, 업무처리번호, receipt numbers,
 * prices, ratios and dates are invented. Broker names are real Korean securities firms used only
 * as realistic underwriter labels; no real deal is described. 하람로보틱스 is the existing sample
 * company (its DART chain lives in `dart_sample.ts`; its KIND rows here repeat those facts).
 *
 * Where the results live (by filing date, as in reality):
 * - 희망공모가 band, shares, planned schedule → the `증권신고서(지분증권)` document body;
 * - 확정공모가, 수요예측 (기관) 경쟁률, 참여건수, 의무보유확약 비율 → the `[발행조건확정]` document;
 * - 청약경쟁률 → the `증권발행실적보고서` document (filed after 청약; the [발행조건확정] filing
 *   precedes 청약, so it cannot carry it — a deviation from the brief, see the report).
 * All three use one two-column table `<TR><TD>항목</TD><TD>값</TD></TR>` under
 * `<TR><TH>구분</TH><TH>내용</TH></TR>`, the layout 하람로보틱스's document already uses.
 *
 * @module
 */
import type { DartDataset, DartDatasetFiling } from "../lib/sources/dart/fixture_fetch.ts";
import type { KindMarket } from "../lib/sources/kind/types.ts";

/** The pipeline's "today" (KST); equals `SAMPLE_AS_OF` in `dart_sample.ts`. */
export const IPO_AS_OF = "2026-11-20";

/** Deal stage as of {@linkcode IPO_AS_OF}. */
export type IpoStage =
  | "예비심사청구"
  | "심사승인"
  | "증권신고서"
  | "수요예측"
  | "청약"
  | "납입"
  | "상장"
  | "철회"
  | "미승인";

type Range = { from: string; to: string };

/** One deal of the table (KIND spellings as KIND shows them). */
export interface IpoDeal {
  key: string;
  corp_code: string;
  /** DART / CORPCODE.xml name. */
  dart_name: string;
  /** The name KIND shows (may differ: `(주)`, spacing). */
  kind_name: string;
  eng: string;
  market: KindMarket;
  stage: IpoStage;
  /** Set once listed (ordinary shares; KIND 회사코드 = first five characters). */
  stock_code: string | null;
  spac?: boolean;
  /** Underwriters as KIND prints them, lead first (normalised forms in `SAMPLE_IPO_FACTS`). */
  kind_underwriters: string[];
  review: {
    biz_proc_no: string;
    filed: string;
    decided: string | null;
    /** As KIND prints it; null = blank cell. */
    result_text: string | null;
    listing_type: string;
  } | null;
  offering: {
    biz_proc_no: string;
    /** 증권신고서 filing date. */
    filing_date: string;
    /** [기재정정] dates. */
    amendments: string[];
    band: [number, number];
    par: number;
    shares_new: number;
    shares_old: number;
    bookbuilding: Range;
    subscription: Range;
    payment_date: string;
    /** Known to KIND once set (null before). */
    listing_date: string | null;
    /** Set after 수요예측. */
    final_price: number | null;
    /** [발행조건확정] (+ 투자설명서) date. */
    terms_date: string | null;
    /** 증권발행실적보고서 date. */
    result_report_date: string | null;
    /** 철회신고서 date. */
    withdrawal_date: string | null;
    participants: number | null;
    inst_competition: number | null;
    lockup_pct: number | null;
    retail_competition: number | null;
  } | null;
  listing: {
    date: string;
    listing_type: string;
    security_type: string;
    industry: string;
    products: string;
    listed_shares: number | null;
  } | null;
  /** What the deal exercises (for the report and tests). */
  exercises: string;
  induty: string;
  ceo: string;
  adres: string;
  est: string;
}

const R = (from: string, to: string): Range => ({ from, to });

/** list.json order: newest receipt date first, then receipt number descending. */
export function byReceiptDesc(
  a: { rcept_dt: string; rcept_no: string },
  b: { rcept_dt: string; rcept_no: string },
): number {
  return a.rcept_dt !== b.rcept_dt
    ? (a.rcept_dt < b.rcept_dt ? 1 : -1)
    : (a.rcept_no < b.rcept_no ? 1 : a.rcept_no > b.rcept_no ? -1 : 0);
}

/** The deals. Deterministic data; dates are KST business days. */
export const IPO_DEALS: readonly IpoDeal[] = [
  {
    key: "solbit",
    corp_code: "01920341",
    dart_name: "솔빛바이오",
    kind_name: "솔빛바이오",
    eng: "SOLBIT BIO INC.",
    market: "코스닥",
    stage: "예비심사청구",
    stock_code: null,
    kind_underwriters: ["한국투자증권"],
    review: {
      biz_proc_no: "20261015000087",
      filed: "2026-10-15",
      decided: null,
      result_text: "청구서접수",
      listing_type: "신규상장",
    },
    offering: null,
    listing: null,
    exercises: "pending review, result text 청구서접수",
    induty: "21210",
    ceo: "윤채원",
    adres: "경기도 성남시 분당구 판교로 255, 4층",
    est: "20170403",
  },
  {
    key: "saerom",
    corp_code: "01920358",
    dart_name: "새롬에너지솔루션",
    kind_name: "새롬에너지솔루션",
    eng: "SAEROM ENERGY SOLUTION CO., LTD.",
    market: "유가증권",
    stage: "예비심사청구",
    stock_code: null,
    kind_underwriters: ["엔에이치투자증권(주)", "KB증권"],
    review: {
      biz_proc_no: "20261103000042",
      filed: "2026-11-03",
      decided: null,
      result_text: null,
      listing_type: "신규상장",
    },
    offering: null,
    listing: null,
    exercises: "KOSPI review, blank 심사결과, 엔에이치투자증권(주) → NH투자증권",
    induty: "35113",
    ceo: "강도윤",
    adres: "울산광역시 남구 산업로 410",
    est: "20090615",
  },
  {
    key: "narin",
    corp_code: "01920365",
    dart_name: "나린모빌리티",
    kind_name: "나린모빌리티",
    eng: "NARIN MOBILITY INC.",
    market: "코스닥",
    stage: "심사승인",
    stock_code: null,
    kind_underwriters: ["미래에셋증권"],
    review: {
      biz_proc_no: "20260622000131",
      filed: "2026-06-22",
      decided: "2026-10-08",
      result_text: "심사승인",
      listing_type: "신규상장",
    },
    offering: null,
    listing: null,
    exercises: "approved, no 증권신고서 yet",
    induty: "30399",
    ceo: "박지안",
    adres: "경기도 화성시 동탄첨단산업1로 27",
    est: "20150901",
  },
  {
    key: "acetech",
    corp_code: "01920372",
    dart_name: "에이스테크",
    kind_name: "에이스테크",
    eng: "ACETECH INC.",
    market: "코스닥",
    stage: "증권신고서",
    stock_code: null,
    kind_underwriters: ["삼성증권(주)"],
    review: {
      biz_proc_no: "20260518000066",
      filed: "2026-05-18",
      decided: "2026-08-20",
      result_text: "심사승인",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20261109000054",
      filing_date: "2026-11-09",
      amendments: [],
      band: [12_000, 14_000],
      par: 500,
      shares_new: 1_500_000,
      shares_old: 0,
      bookbuilding: R("2026-11-30", "2026-12-04"),
      subscription: R("2026-12-09", "2026-12-10"),
      payment_date: "2026-12-14",
      listing_date: null,
      final_price: null,
      terms_date: null,
      result_report_date: null,
      withdrawal_date: null,
      participants: null,
      inst_competition: null,
      lockup_pct: null,
      retail_competition: null,
    },
    listing: null,
    exercises:
      "registration filed, band known; same name as an unlisted 2020 filer (00482913): match by the C001 filing",
    induty: "26299",
    ceo: "조민재",
    adres: "경기도 안양시 동안구 시민대로 361, 9층",
    est: "20130311",
  },
  {
    key: "ato",
    corp_code: "01920389",
    dart_name: "아토메디칼",
    kind_name: "아토메디칼",
    eng: "ATO MEDICAL CO., LTD.",
    market: "코스닥",
    stage: "증권신고서",
    stock_code: null,
    kind_underwriters: ["대신증권", "아이비케이투자증권(주)"],
    review: {
      biz_proc_no: "20260527000102",
      filed: "2026-05-27",
      decided: "2026-09-10",
      result_text: "심사승인",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20261118000031",
      filing_date: "2026-11-18",
      amendments: [],
      band: [9_500, 11_000],
      par: 100,
      shares_new: 2_000_000,
      shares_old: 300_000,
      bookbuilding: R("2026-12-07", "2026-12-11"),
      subscription: R("2026-12-16", "2026-12-17"),
      payment_date: "2026-12-21",
      listing_date: null,
      final_price: null,
      terms_date: null,
      result_report_date: null,
      withdrawal_date: null,
      participants: null,
      inst_competition: null,
      lockup_pct: null,
      retail_competition: null,
    },
    listing: null,
    exercises: "registration filed this week with 구주매출; 아이비케이투자증권(주) → IBK투자증권",
    induty: "27112",
    ceo: "서하람",
    adres: "강원특별자치도 원주시 문막읍 동화공단로 118",
    est: "20111020",
  },
  {
    key: "lumi",
    corp_code: "01920396",
    dart_name: "루미센서",
    kind_name: "루미센서",
    eng: "LUMISENSOR INC.",
    market: "코스닥",
    stage: "수요예측",
    stock_code: null,
    kind_underwriters: ["한국투자증권", "신한투자증권"],
    review: {
      biz_proc_no: "20260420000118",
      filed: "2026-04-20",
      decided: "2026-08-06",
      result_text: "심사승인",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20261023000047",
      filing_date: "2026-10-23",
      amendments: ["2026-11-06"],
      band: [15_000, 17_500],
      par: 500,
      shares_new: 1_800_000,
      shares_old: 200_000,
      bookbuilding: R("2026-11-16", "2026-11-20"),
      subscription: R("2026-11-25", "2026-11-26"),
      payment_date: "2026-11-27",
      listing_date: "2026-12-04",
      final_price: null,
      terms_date: null,
      result_report_date: null,
      withdrawal_date: null,
      participants: null,
      inst_competition: null,
      lockup_pct: null,
      retail_competition: null,
    },
    listing: null,
    exercises: "book-building this week; [기재정정] before pricing; IR event on the calendar",
    induty: "26429",
    ceo: "한예준",
    adres: "대전광역시 유성구 대덕대로 593, 3층",
    est: "20160205",
  },
  {
    key: "bits",
    corp_code: "01920402",
    dart_name: "비츠헬스케어",
    kind_name: "비츠헬스케어",
    eng: "BITS HEALTHCARE CO., LTD.",
    market: "코스닥",
    stage: "청약",
    stock_code: null,
    kind_underwriters: ["미래에셋증권", "엔에이치투자증권"],
    review: {
      biz_proc_no: "20260330000095",
      filed: "2026-03-30",
      decided: "2026-07-09",
      result_text: "심사승인",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20261014000076",
      filing_date: "2026-10-14",
      amendments: ["2026-10-28"],
      band: [22_000, 26_000],
      par: 500,
      shares_new: 1_200_000,
      shares_old: 300_000,
      bookbuilding: R("2026-11-06", "2026-11-12"),
      subscription: R("2026-11-19", "2026-11-20"),
      payment_date: "2026-11-24",
      listing_date: "2026-12-01",
      final_price: 27_000,
      terms_date: "2026-11-16",
      result_report_date: null,
      withdrawal_date: null,
      participants: 2_105,
      inst_competition: 1_245.61,
      lockup_pct: 22.37,
      retail_competition: null,
    },
    listing: null,
    exercises:
      "subscription this week; chain 증권신고서 → [기재정정] → [발행조건확정] + 투자설명서; priced above the band",
    induty: "21300",
    ceo: "문서윤",
    adres: "서울특별시 송파구 법원로 128, B동 11층",
    est: "20140617",
  },
  {
    key: "darae",
    corp_code: "01920419",
    dart_name: "다래소재",
    kind_name: "다래소재",
    eng: "DARAE MATERIALS CO., LTD.",
    market: "유가증권",
    stage: "납입",
    stock_code: null,
    kind_underwriters: ["케이비증권(주)", "삼성증권", "하나증권"],
    review: {
      biz_proc_no: "20260406000059",
      filed: "2026-04-06",
      decided: "2026-07-23",
      result_text: "심사승인",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20261008000038",
      filing_date: "2026-10-08",
      amendments: [],
      band: [31_000, 36_000],
      par: 1_000,
      shares_new: 4_000_000,
      shares_old: 1_000_000,
      bookbuilding: R("2026-10-29", "2026-11-04"),
      subscription: R("2026-11-12", "2026-11-13"),
      payment_date: "2026-11-17",
      listing_date: "2026-11-25",
      final_price: 36_000,
      terms_date: "2026-11-06",
      result_report_date: "2026-11-19",
      withdrawal_date: null,
      participants: 1_512,
      inst_competition: 583.92,
      lockup_pct: 35.18,
      retail_competition: 412.37,
    },
    listing: null,
    exercises:
      "KOSPI deal paid in, listing next week; three underwriters incl. 케이비증권(주) → KB증권",
    induty: "20119",
    ceo: "이태오",
    adres: "전라남도 여수시 여수산단로 1010",
    est: "20040822",
  },
  {
    key: "greenon_spac",
    corp_code: "01920426",
    dart_name: "그린온스팩3호",
    kind_name: "그린온스팩3호",
    eng: "GREENON SPAC NO.3 CO., LTD.",
    market: "코스닥",
    stage: "상장",
    stock_code: "493520",
    spac: true,
    kind_underwriters: ["유안타증권"],
    review: {
      biz_proc_no: "20260714000024",
      filed: "2026-07-14",
      decided: "2026-09-03",
      result_text: "상장승인",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20260921000061",
      filing_date: "2026-09-21",
      amendments: [],
      band: [2_000, 2_000],
      par: 100,
      shares_new: 5_500_000,
      shares_old: 0,
      bookbuilding: R("2026-10-26", "2026-10-27"),
      subscription: R("2026-11-02", "2026-11-03"),
      payment_date: "2026-11-05",
      listing_date: "2026-11-13",
      final_price: 2_000,
      terms_date: "2026-10-29",
      result_report_date: "2026-11-09",
      withdrawal_date: null,
      participants: 284,
      inst_competition: 325.4,
      lockup_pct: 0,
      retail_competition: 188.21,
    },
    listing: {
      date: "2026-11-13",
      listing_type: "신규상장",
      security_type: "주권",
      industry: "금융 지원 서비스업",
      products: "기업인수합병",
      listed_shares: 5_750_000,
    },
    exercises: "SPAC (fixed 2,000원 band), 상장승인 result text",
    induty: "64992",
    ceo: "정우성",
    adres: "서울특별시 영등포구 국제금융로 56, 12층",
    est: "20260602",
  },
  {
    key: "onbit",
    corp_code: "01920433",
    dart_name: "온빛케미칼",
    kind_name: "온빛케미칼",
    eng: "ONBIT CHEMICAL CO., LTD.",
    market: "유가증권",
    stage: "상장",
    stock_code: "489730",
    kind_underwriters: ["엔에이치투자증권", "한국투자증권", "케이비증권"],
    review: {
      biz_proc_no: "20260316000083",
      filed: "2026-03-16",
      decided: "2026-06-25",
      result_text: "심사승인",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20260831000049",
      filing_date: "2026-08-31",
      amendments: ["2026-09-14"],
      band: [45_000, 52_000],
      par: 5_000,
      shares_new: 6_000_000,
      shares_old: 2_000_000,
      bookbuilding: R("2026-10-06", "2026-10-13"),
      subscription: R("2026-10-15", "2026-10-16"),
      payment_date: "2026-10-20",
      listing_date: "2026-10-27",
      final_price: 48_000,
      terms_date: "2026-10-14",
      result_report_date: "2026-10-21",
      withdrawal_date: null,
      participants: 1_877,
      inst_competition: 211.43,
      lockup_pct: 12.06,
      retail_competition: 96.58,
    },
    listing: {
      date: "2026-10-27",
      listing_type: "신규상장",
      security_type: "주권",
      industry: "기타 화학제품 제조업",
      products: "반도체용 특수가스",
      listed_shares: 32_400_000,
    },
    exercises: "KOSPI listing, priced inside the band, book-building across the 한글날 holiday",
    induty: "20499",
    ceo: "최윤서",
    adres: "충청남도 당진시 석문면 석문산단1로 77",
    est: "20010312",
  },
  {
    key: "terawave",
    corp_code: "01920440",
    dart_name: "테라웨이브",
    kind_name: "테라웨이브(주)",
    eng: "TERAWAVE CO., LTD.",
    market: "코스닥",
    stage: "상장",
    stock_code: "0094K0",
    kind_underwriters: ["신한투자증권", "대신증권", "디비금융투자(주)"],
    review: {
      biz_proc_no: "20260223000071",
      filed: "2026-02-23",
      decided: "2026-06-11",
      result_text: "심사승인",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20260814000029",
      filing_date: "2026-08-14",
      amendments: [],
      band: [8_000, 9_500],
      par: 100,
      shares_new: 3_000_000,
      shares_old: 500_000,
      bookbuilding: R("2026-09-07", "2026-09-11"),
      subscription: R("2026-09-16", "2026-09-17"),
      payment_date: "2026-09-21",
      listing_date: "2026-10-02",
      final_price: 10_000,
      terms_date: "2026-09-14",
      result_report_date: "2026-09-22",
      withdrawal_date: null,
      participants: 2_311,
      inst_competition: 1_532.18,
      lockup_pct: 41.22,
      retail_competition: 2_013.44,
    },
    listing: {
      date: "2026-10-02",
      listing_type: "신규상장",
      security_type: "주권",
      industry: "통신 및 방송 장비 제조업",
      products: "5G 중계기, 광통신 모듈",
      listed_shares: 14_820_000,
    },
    exercises: "KIND name with (주); letter stock code; three underwriters incl. 디비금융투자(주)",
    induty: "26410",
    ceo: "김하준",
    adres: "경기도 수원시 영통구 광교로 156, 7층",
    est: "20120105",
  },
  {
    key: "haram",
    corp_code: "01843756",
    dart_name: "하람로보틱스",
    kind_name: "하람로보틱스",
    eng: "HARAM ROBOTICS INC.",
    market: "코스닥",
    stage: "상장",
    stock_code: "0091A0",
    kind_underwriters: ["한결투자증권", "새빛증권"],
    review: {
      biz_proc_no: "20260310000077",
      filed: "2026-03-10",
      decided: "2026-05-21",
      result_text: "심사승인",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20260612000093",
      filing_date: "2026-06-12",
      amendments: ["2026-07-03"],
      band: [18_000, 21_000],
      par: 500,
      shares_new: 2_000_000,
      shares_old: 400_000,
      bookbuilding: R("2026-07-20", "2026-07-24"),
      subscription: R("2026-07-29", "2026-07-30"),
      payment_date: "2026-08-03",
      listing_date: "2026-08-11",
      final_price: 21_000,
      terms_date: "2026-07-27",
      result_report_date: "2026-08-04",
      withdrawal_date: null,
      participants: 1_842,
      inst_competition: 1_021.37,
      lockup_pct: 18.64,
      retail_competition: null,
    },
    listing: {
      date: "2026-08-11",
      listing_type: "신규상장",
      security_type: "주권",
      industry: "특수 목적용 기계 제조업",
      products: "협동로봇, 물류로봇",
      listed_shares: null,
    },
    exercises:
      "the existing sample company: its DART chain is in dart_sample.ts (no 청약경쟁률 there); 최초상장주식수 blank",
    induty: "29280",
    ceo: "임재성, 배소율",
    adres: "대전광역시 유성구 테크노2로 187 (용산동)",
    est: "20160314",
  },
  {
    key: "sodam",
    corp_code: "01920457",
    dart_name: "소담푸드",
    kind_name: "소담푸드",
    eng: "SODAM FOOD CO., LTD.",
    market: "코넥스",
    stage: "상장",
    stock_code: "495070",
    kind_underwriters: ["아이비케이투자증권(주)"],
    review: null,
    offering: null,
    listing: {
      date: "2026-09-17",
      listing_type: "신규상장",
      security_type: "주권",
      industry: "기타 식품 제조업",
      products: "두부, 콩나물",
      listed_shares: 3_200_000,
    },
    exercises: "KONEX listing (icn_t_kn.gif), 지정자문인, no public offering (공모가 blank)",
    induty: "10799",
    ceo: "오나래",
    adres: "충청북도 음성군 대소면 대풍산단로 41",
    est: "20100907",
  },
  {
    key: "evergreen",
    corp_code: "01920464",
    dart_name: "에버그린로보",
    kind_name: "에버그린로보",
    eng: "EVERGREEN ROBO INC.",
    market: "코스닥",
    stage: "철회",
    stock_code: null,
    kind_underwriters: ["키움증권"],
    review: {
      biz_proc_no: "20260304000046",
      filed: "2026-03-04",
      decided: "2026-10-19",
      result_text: "공모철회",
      listing_type: "신규상장",
    },
    offering: {
      biz_proc_no: "20260914000052",
      filing_date: "2026-09-14",
      amendments: [],
      band: [14_000, 16_000],
      par: 500,
      shares_new: 2_500_000,
      shares_old: 0,
      bookbuilding: R("2026-10-12", "2026-10-16"),
      subscription: R("2026-10-21", "2026-10-22"),
      payment_date: "2026-10-26",
      listing_date: null,
      final_price: null,
      terms_date: null,
      result_report_date: null,
      withdrawal_date: "2026-10-19",
      participants: null,
      inst_competition: null,
      lockup_pct: null,
      retail_competition: null,
    },
    listing: null,
    exercises:
      "withdrawn after book-building: DART 철회신고서, original flagged 철; gone from 공모기업현황",
    induty: "29199",
    ceo: "신도하",
    adres: "경상남도 창원시 성산구 완암로 50",
    est: "20150512",
  },
  {
    key: "zenith",
    corp_code: "01920471",
    dart_name: "제니스바이오",
    kind_name: "제니스바이오",
    eng: "ZENITH BIO CO., LTD.",
    market: "코스닥",
    stage: "미승인",
    stock_code: null,
    kind_underwriters: ["하나증권"],
    review: {
      biz_proc_no: "20260408000063",
      filed: "2026-04-08",
      decided: "2026-08-27",
      result_text: "심사미승인",
      listing_type: "신규상장",
    },
    offering: null,
    listing: null,
    exercises: "rejected review (심사미승인)",
    induty: "70113",
    ceo: "류시아",
    adres: "인천광역시 연수구 송도과학로 32, 5층",
    est: "20180226",
  },
  {
    key: "ironworks",
    corp_code: "01920488",
    dart_name: "아이언웍스",
    kind_name: "아이언웍스",
    eng: "IRONWORKS CORP.",
    market: "유가증권",
    stage: "철회",
    stock_code: null,
    kind_underwriters: ["NH투자증권"],
    review: {
      biz_proc_no: "20260512000090",
      filed: "2026-05-12",
      decided: "2026-09-30",
      result_text: "심사철회",
      listing_type: "신규상장",
    },
    offering: null,
    listing: null,
    exercises: "review withdrawn (심사철회), no DART filing",
    induty: "24112",
    ceo: "장민호",
    adres: "경상북도 포항시 남구 철강로 220",
    est: "19980417",
  },
];

/** The unlisted same-name filer (에이스테크, audit reports in 2020–2021 only). */
export const OLD_ACETECH = {
  corp_code: "00482913",
  name: "에이스테크",
  eng: "ACE TECH CO., LTD.",
} as const;

// ---------------------------------------------------------------------------------------
// facts for tests

/** Expected facts of one deal (normalised as the KIND parser / an IPO normaliser should see them). */
export interface SampleIpoFact {
  key: string;
  corp_code: string;
  dart_name: string;
  kind_name: string;
  market: KindMarket;
  stage: IpoStage;
  stock_code: string | null;
  spac: boolean;
  /** Normalised, lead first. */
  underwriters: string[];
  review_biz_proc_no: string | null;
  review_result: string | null;
  offering_biz_proc_no: string | null;
  filing_date: string | null;
  band: [number, number] | null;
  final_price: number | null;
  shares_total: number | null;
  shares_new: number | null;
  shares_old: number | null;
  /** final × shares, 원 (null before pricing). */
  offer_amount_krw: number | null;
  bookbuilding: Range | null;
  subscription: Range | null;
  payment_date: string | null;
  listing_date: string | null;
  participants: number | null;
  inst_competition: number | null;
  lockup_pct: number | null;
  retail_competition: number | null;
  /** DART receipt numbers (empty for 하람로보틱스: its chain is generated in dart_sample.ts). */
  dart: {
    registration?: string;
    amendments: string[];
    terms?: string;
    prospectus?: string;
    result_report?: string;
    withdrawal?: string;
  };
  exercises: string;
}

const NORMAL: [RegExp, string][] = [
  [/^엔에이치/, "NH"],
  [/^케이비/, "KB"],
  [/^아이비케이/, "IBK"],
  [/^디비/, "DB"],
];

function normalize(name: string): string {
  let n = name.replace(/주식회사|\(주\)|㈜/g, "").replace(/\s+/g, "");
  for (const [re, b] of NORMAL) n = n.replace(re, b);
  return n;
}

// ---------------------------------------------------------------------------------------
// DART additions

const ymd = (d: string) => d.replaceAll("-", "");
const koDate = (d: string) => `${d.slice(0, 4)}년 ${d.slice(5, 7)}월 ${d.slice(8, 10)}일`;
const comma = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const ratio = (n: number) =>
  n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Receipt numbers: `YYYYMMDD` + channel `0` + 5 digits from 80000 (the base sample stays < 10000). */
class Receipts {
  #next = new Map<string, number>();
  take(date: string): string {
    const d = ymd(date);
    const n = this.#next.get(d) ?? 80_000 + (Number(d.slice(6)) * 37) % 900;
    this.#next.set(d, n + 13);
    return `${d}0${String(n).padStart(5, "0")}`;
  }
}

interface DealFilings {
  rows: DartDatasetFiling[];
  dart: SampleIpoFact["dart"];
}

function dealFilings(d: IpoDeal, rc: Receipts): DealFilings {
  const o = d.offering!;
  const cls = d.stock_code
    ? (d.market === "유가증권" ? "Y" : d.market === "코넥스" ? "N" : "K")
    : "E";
  const rows: DartDatasetFiling[] = [];
  const file = (date: string, report_nm: string): DartDatasetFiling => {
    const row: DartDatasetFiling = {
      corp_code: d.corp_code,
      corp_name: d.dart_name,
      stock_code: d.stock_code ?? "",
      corp_cls: cls,
      report_nm,
      rcept_no: rc.take(date),
      flr_nm: d.dart_name,
      rcept_dt: ymd(date),
      rm: "",
      pblntf_ty: "C",
      pblntf_detail_ty: "C001",
    };
    rows.push(row);
    return row;
  };
  const dart: SampleIpoFact["dart"] = { amendments: [] };
  const reg = file(o.filing_date, "증권신고서(지분증권)");
  dart.registration = reg.rcept_no;
  let latest = reg;
  for (const a of o.amendments) {
    latest.rm = "정";
    latest = file(a, "[기재정정]증권신고서(지분증권)");
    dart.amendments.push(latest.rcept_no);
  }
  if (o.terms_date) {
    latest.rm = "정";
    const terms = file(o.terms_date, "[발행조건확정]증권신고서(지분증권)");
    dart.terms = terms.rcept_no;
    dart.prospectus = file(o.terms_date, "투자설명서").rcept_no;
  }
  if (o.result_report_date) {
    dart.result_report = file(o.result_report_date, "증권발행실적보고서").rcept_no;
  }
  if (o.withdrawal_date) {
    reg.rm = "철";
    dart.withdrawal = file(o.withdrawal_date, "철회신고서").rcept_no;
  }
  return { rows, dart };
}

function docTable(rows: [string, string][]): string {
  return rows.map(([k, v]) =>
    `<TR><TD ALIGN="CENTER" VALIGN="MIDDLE">${k}</TD><TD ALIGN="RIGHT" VALIGN="MIDDLE">${v}</TD></TR>`
  ).join("\n");
}

function documentXml(d: IpoDeal, title: string, acode: string, rows: [string, string][]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<DOCUMENT xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="dart4.xsd">
<DOCUMENT-NAME ACODE="${acode}">${title.replace(/^\[[^\]]*\]/, "")}</DOCUMENT-NAME>
<FORMULA-VERSION ADATE="20250701">5.1</FORMULA-VERSION>
<COMPANY-NAME AREGCIK="${d.corp_code}">${d.dart_name}(주)</COMPANY-NAME>
<SUMMARY><EXTRACTION ACODE="COMPANY_NAME">${d.dart_name}(주)</EXTRACTION></SUMMARY>
<BODY>
<COVER>
<COVER-TITLE>${title}</COVER-TITLE>
<P>이 문서는 kdesk 오프라인 샘플용 가상 문서입니다. 실제 회사·공시와 무관합니다.</P>
</COVER>
<SECTION-1 ACLASS="MANDATORY">
<TITLE ATOC="Y" AASSOCNOTE="D-0-1-0-0">제1부 모집 또는 매출에 관한 사항</TITLE>
<SECTION-2 ACLASS="MANDATORY">
<TITLE ATOC="Y" AASSOCNOTE="D-0-1-1-0">Ⅰ. 모집 또는 매출에 관한 일반사항</TITLE>
<TABLE-GROUP ACLASS="EXTRACTION" ADELETETABLE="N">
<TABLE BORDER="1" WIDTH="600">
<COLGROUP><COL WIDTH="200"/><COL WIDTH="400"/></COLGROUP>
<TBODY>
<TR><TH ALIGN="CENTER">구분</TH><TH ALIGN="CENTER">내용</TH></TR>
${docTable(rows)}
</TBODY>
</TABLE>
</TABLE-GROUP>
<P>(단위 : 원, 주)</P>
</SECTION-2>
</SECTION-1>
</BODY>
</DOCUMENT>
`;
}

function sharesText(o: NonNullable<IpoDeal["offering"]>): string {
  const total = o.shares_new + o.shares_old;
  return o.shares_old
    ? `${comma(total)}주 (신주모집 ${comma(o.shares_new)}주, 구주매출 ${comma(o.shares_old)}주)`
    : `${comma(total)}주 (신주모집 ${comma(o.shares_new)}주)`;
}

function dealDocuments(d: IpoDeal, f: DealFilings): DartDataset["documents"] {
  const o = d.offering!;
  const lead = normalize(d.kind_underwriters[0]);
  const range = (r: Range) => `${koDate(r.from)} ~ ${koDate(r.to)}`;
  const docs: DartDataset["documents"] = {};
  const planned: [string, string][] = [
    ["희망공모가액", `${comma(o.band[0])}원 ~ ${comma(o.band[1])}원`],
    ["공모주식수", sharesText(o)],
    ["수요예측일", range(o.bookbuilding)],
    ["청약일", range(o.subscription)],
    ["납입일", koDate(o.payment_date)],
    ["대표주관회사", lead],
  ];
  docs[f.dart.registration!] = [{
    name: `${f.dart.registration}.xml`,
    content: documentXml(d, "증권신고서(지분증권)", "10100", planned),
  }];
  if (f.dart.terms && o.final_price !== null) {
    const total = o.shares_new + o.shares_old;
    docs[f.dart.terms] = [{
      name: `${f.dart.terms}.xml`,
      content: documentXml(d, "[발행조건확정] 증권신고서(지분증권)", "10100", [
        ["희망공모가액", `${comma(o.band[0])}원 ~ ${comma(o.band[1])}원`],
        ["확정공모가액", `${comma(o.final_price)}원`],
        ["공모주식수", sharesText(o)],
        ["공모금액", `${comma(o.final_price * total)}원`],
        ["수요예측일", range(o.bookbuilding)],
        ["수요예측 참여건수", `${comma(o.participants!)}건`],
        ["수요예측 경쟁률", `${ratio(o.inst_competition!)} : 1`],
        ["의무보유확약 비율", `${o.lockup_pct!.toFixed(2)}%`],
        ["청약일", range(o.subscription)],
        ["납입일", koDate(o.payment_date)],
        ["상장예정일", o.listing_date ? koDate(o.listing_date) : "-"],
        ["대표주관회사", lead],
      ]),
    }];
  }
  if (f.dart.result_report && o.final_price !== null && o.retail_competition !== null) {
    const total = o.shares_new + o.shares_old;
    docs[f.dart.result_report] = [{
      name: `${f.dart.result_report}.xml`,
      content: documentXml(d, "증권발행실적보고서", "10300", [
        ["확정공모가액", `${comma(o.final_price)}원`],
        ["공모주식수", sharesText(o)],
        ["청약일", range(o.subscription)],
        ["청약경쟁률", `${ratio(o.retail_competition)} : 1`],
        ["납입일", koDate(o.payment_date)],
        ["납입금액", `${comma(o.final_price * total)}원`],
      ]),
    }];
  }
  return docs;
}

function estk(d: IpoDeal, f: DealFilings): DartDataset["estkRs"][string] {
  const o = d.offering!;
  const cls = d.stock_code ? (d.market === "유가증권" ? "Y" : "K") : "E";
  // The registration's latest pre-pricing version states the band's bottom (as 하람로보틱스).
  const rcept_no = f.dart.amendments.at(-1) ?? f.dart.registration!;
  const ids = { rcept_no, corp_cls: cls, corp_code: d.corp_code, corp_name: d.dart_name };
  const price = o.band[0];
  const total = o.shares_new + o.shares_old;
  const uws = d.kind_underwriters.map(normalize);
  // Lead takes ~70 %, co-managers split the rest.
  const co = uws.length > 1 ? Math.floor(total * 0.3 / (uws.length - 1)) : 0;
  const shares = uws.map((_, i) => (i === 0 ? total - co * (uws.length - 1) : co));
  const gross = o.shares_new * price;
  const fees = Math.round(gross * 0.035);
  return [
    {
      title: "일반사항",
      list: [{
        ...ids,
        sbd: `${koDate(o.subscription.from)} ~ ${koDate(o.subscription.to)}`,
        pymd: koDate(o.payment_date),
        sband: koDate(o.subscription.from),
        asand: koDate(o.payment_date),
        asstd: "-",
        exstk: "-",
        exprc: "-",
        expd: "-",
        rpt_rcpn: "-",
      }],
    },
    {
      title: "증권의종류",
      list: [{
        ...ids,
        stksen: "기명식보통주",
        stkcnt: comma(total),
        fv: comma(o.par),
        slprc: comma(price),
        slta: comma(total * price),
        slmthn: "일반공모",
      }],
    },
    {
      title: "인수인정보",
      list: uws.map((u, i) => ({
        ...ids,
        stksen: "기명식보통주",
        actsen: i === 0 ? "대표주관회사" : "인수회사",
        actnmn: u,
        udtcnt: comma(shares[i]),
        udtamt: comma(shares[i] * price),
        udtprc: comma(Math.round(shares[i] * price * 0.03)),
        udtmth: "총액인수",
      })),
    },
    {
      title: "자금의사용목적",
      list: [
        { ...ids, se: d.spac ? "기타" : "운영자금", amt: comma(gross - fees) },
        { ...ids, se: "발행제비용", amt: comma(fees) },
      ],
    },
    {
      title: "매출인에관한사항",
      list: o.shares_old
        ? [{
          ...ids,
          hdr: `${d.dart_name.slice(0, 2)}벤처투자조합제1호`,
          rl_cmp: "주주",
          bfsl_hdstk: comma(o.shares_old * 3),
          slstk: comma(o.shares_old),
          atsl_hdstk: comma(o.shares_old * 2),
        }]
        : [{ ...ids, hdr: "-", rl_cmp: "-", bfsl_hdstk: "-", slstk: "-", atsl_hdstk: "-" }],
    },
  ];
}

function companyOf(d: IpoDeal, i: number): Record<string, string> {
  const cls = d.stock_code
    ? (d.market === "유가증권" ? "Y" : d.market === "코넥스" ? "N" : "K")
    : "E";
  const serial = String(401_000 + i * 7919).padStart(6, "0");
  return {
    corp_code: d.corp_code,
    corp_name: `${d.dart_name}(주)`,
    corp_name_eng: d.eng,
    stock_name: d.dart_name,
    stock_code: d.stock_code ?? "",
    ceo_nm: d.ceo,
    corp_cls: cls,
    jurir_no: `1101110${serial}`,
    bizr_no: `${String(2140 + i * 3).padStart(4, "0")}8${String(10_000 + i * 131).slice(-5)}`,
    adres: d.adres,
    hm_url: `www.${d.eng.split(" ")[0].toLowerCase()}.example.kr`,
    ir_url: "",
    phn_no: `02-${String(3400 + i * 17)}-${String(1000 + i * 101)}`,
    fax_no: `02-${String(3400 + i * 17)}-${String(1099 + i * 101)}`,
    induty_code: d.induty,
    est_dt: d.est,
    acc_mt: "12",
  };
}

/**
 * Adds the deals' DART side to a dataset built by `dart_sample.ts` (in place): corps and
 * company.json entries (the 8 featured companies untouched; 하람로보틱스 is not re-added), the
 * C001 chains, estkRs, documents, and the old same-name 에이스테크 with two audit reports.
 * Throws if a corp_code, stock code or rcept_no collides with the base dataset.
 */
export function addIpoDealsToDart(ds: DartDataset): DartDataset {
  const codes = new Set(ds.corps.map((c) => c.corp_code));
  const stocks = new Set(ds.corps.map((c) => c.stock_code).filter((s) => s));
  const rcepts = new Set(ds.filings.map((f) => f.rcept_no));
  const rc = new Receipts();
  const add: DartDatasetFiling[] = [];
  IPO_DEALS.forEach((d, i) => {
    if (d.key === "haram") return;
    if (codes.has(d.corp_code)) throw new Error(`ipo sample: corp_code ${d.corp_code} taken`);
    if (d.stock_code && stocks.has(d.stock_code)) {
      throw new Error(`ipo sample: stock code ${d.stock_code} taken`);
    }
    codes.add(d.corp_code);
    const company = companyOf(d, i);
    ds.companies[d.corp_code] = company;
    ds.corps.push({
      corp_code: d.corp_code,
      corp_name: d.dart_name,
      corp_eng_name: d.eng,
      stock_code: d.stock_code ?? "",
      modify_date: ymd(d.listing?.date ?? d.offering?.filing_date ?? d.review?.filed ?? IPO_AS_OF),
    });
    if (!d.offering) return;
    const f = dealFilings(d, rc);
    add.push(...f.rows);
    ds.estkRs[d.corp_code] = estk(d, f);
    Object.assign(ds.documents, dealDocuments(d, f));
  });
  // The unlisted namesake.
  if (codes.has(OLD_ACETECH.corp_code)) {
    throw new Error("ipo sample: old 에이스테크 corp_code taken");
  }
  ds.corps.push({
    corp_code: OLD_ACETECH.corp_code,
    corp_name: OLD_ACETECH.name,
    corp_eng_name: OLD_ACETECH.eng,
    stock_code: "",
    modify_date: "20210409",
  });
  ds.companies[OLD_ACETECH.corp_code] = {
    corp_code: OLD_ACETECH.corp_code,
    corp_name: "주식회사 에이스테크",
    corp_name_eng: OLD_ACETECH.eng,
    stock_name: "",
    stock_code: "",
    ceo_nm: "고영석",
    corp_cls: "E",
    jurir_no: "1346110187342",
    bizr_no: "1358127745",
    adres: "경기도 부천시 원미구 평천로 655",
    hm_url: "",
    ir_url: "",
    phn_no: "032-675-2200",
    fax_no: "032-675-2209",
    induty_code: "25934",
    est_dt: "19990520",
    acc_mt: "12",
  };
  for (const [date, fy] of [["2020-04-08", 2019], ["2021-04-07", 2020]] as const) {
    add.push({
      corp_code: OLD_ACETECH.corp_code,
      corp_name: OLD_ACETECH.name,
      stock_code: "",
      corp_cls: "E",
      report_nm: `감사보고서 (${fy}.12)`,
      rcept_no: rc.take(date),
      flr_nm: "가온회계법인",
      rcept_dt: ymd(date),
      rm: "",
      pblntf_ty: "F",
      pblntf_detail_ty: "F001",
    });
  }
  for (const f of add) {
    if (rcepts.has(f.rcept_no)) throw new Error(`ipo sample: rcept_no ${f.rcept_no} taken`);
    rcepts.add(f.rcept_no);
  }
  ds.filings.push(...add);
  ds.filings.sort(byReceiptDesc);
  return ds;
}

/** Per-deal expected facts (deterministic; receipt numbers as {@linkcode addIpoDealsToDart} makes them). */
export const SAMPLE_IPO_FACTS: readonly SampleIpoFact[] = (() => {
  const rc = new Receipts();
  return IPO_DEALS.map((d): SampleIpoFact => {
    const o = d.offering;
    const dart = o && d.key !== "haram" ? dealFilings(d, rc).dart : { amendments: [] };
    const total = o ? o.shares_new + o.shares_old : null;
    return {
      key: d.key,
      corp_code: d.corp_code,
      dart_name: d.dart_name,
      kind_name: d.kind_name,
      market: d.market,
      stage: d.stage,
      stock_code: d.stock_code,
      spac: d.spac ?? false,
      underwriters: d.kind_underwriters.map(normalize),
      review_biz_proc_no: d.review?.biz_proc_no ?? null,
      review_result: d.review?.result_text ?? null,
      offering_biz_proc_no: o?.biz_proc_no ?? null,
      filing_date: o?.filing_date ?? null,
      band: o ? [o.band[0], o.band[1]] : null,
      final_price: o?.final_price ?? null,
      shares_total: total,
      shares_new: o?.shares_new ?? null,
      shares_old: o?.shares_old ?? null,
      offer_amount_krw: o?.final_price != null && total !== null ? o.final_price * total : null,
      bookbuilding: o ? { ...o.bookbuilding } : null,
      subscription: o ? { ...o.subscription } : null,
      payment_date: o?.payment_date ?? null,
      listing_date: d.listing?.date ?? o?.listing_date ?? null,
      participants: o?.participants ?? null,
      inst_competition: o?.inst_competition ?? null,
      lockup_pct: o?.lockup_pct ?? null,
      retail_competition: o?.retail_competition ?? null,
      dart,
      exercises: d.exercises,
    };
  });
})();
