/**
 * The bundled offline OpenDART sample dataset.
 *
 * EVERYTHING IN THIS FILE IS FICTIONAL. The companies, people, addresses, registration
 * numbers, stock codes, corp_codes, filings, receipt numbers, financial statements, ratios,
 * offerings and underwriters are invented for the offline demo; any resemblance to a real
 * company or person is accidental. Only the *formats* follow OpenDART (see
 * `shared/sources/dart.md`): comma-string amounts in fnlttSinglAcnt, plain digits in
 * fnlttSinglAcntAll, `제 N 기` period names, Korean-date / comma-number / `"-"` values in
 * estkRs, `YYYYMMDD` + 6-digit rcept_no, rm flags, bracket prefixes and trailing spaces in
 * report_nm.
 *
 * The build is deterministic (seeded PRNGs, no clock): every call returns an equal, fresh
 * dataset. It runs at every app start: ~10–15 ms warm, ~30 ms cold.
 *
 * Notes on the featured companies (see {@linkcode SAMPLE_CORP_CODES}):
 * - 다온식품 is a KONEX company. KONEX issuers are exempt from half-year and quarterly
 *   reports, so it has annual statements only (its latest period is FY2025).
 * - 온새미로 is unlisted (corp_cls E) and files no statements to DART: every fnltt call
 *   answers 013, its snapshot is partial.
 * - 하람로보틱스 became a 사업보고서 filer in 2022 (before its 2026 KOSDAQ IPO): no FY2021.
 * - fnlttSinglIndx codes: M211100 세전계속사업이익률, M211200 순이익률, M211550 ROE,
 *   M212000 총자산영업이익률, M221000 자기자본비율, M221100 부채비율, M221200 유동비율
 *   appear in public captures/projects; M211000 영업이익률 is a placeholder code. All ratios
 *   are computed from the CFS year-end figures of the same report (no averaging), 3 decimals.
 *
 * @module
 */

import type { DartDataset, DartDatasetFiling } from "../lib/sources/dart/fixture_fetch.ts";
import { addIpoDealsToDart, byReceiptDesc } from "./ipo_deals.ts";
import {
  CLS_OF_MARKET,
  dealBasePrice,
  dealListingDate,
  fillerListings,
  pricedCompanies,
} from "./listings.ts";
import { intIn, jitter, pick, type Rng, rngFor, uniform } from "./rng.ts";

export type { DartDataset };

type Filing = DartDatasetFiling;

/**
 * The dataset's "today" (KST). Filings cover 2025-01-01 to this date, plus the earlier
 * 사업보고서 rows (filed 2022–2024) behind the FY2021–FY2023 statements.
 */
export const SAMPLE_AS_OF = "2026-11-20";

const AS_OF_YMD = SAMPLE_AS_OF.replaceAll("-", "");

/** The eight featured (fictional) companies, by corp_code. */
export const SAMPLE_CORP_CODES = [
  "00912345", // 한빛반도체 — KOSPI
  "01358027", // 누리바이오 — KOSDAQ, loss-making bio
  "00387461", // 세온모빌리티 — KOSPI
  "00741852", // 다온식품 — KONEX, annual statements only
  "00628419", // 가람에너지 — KOSDAQ, declining, loss in 2025
  "01376540", // 미르게임즈 — KOSDAQ
  "01843756", // 하람로보틱스 — KOSDAQ IPO in 2026, letter stock code, no FY2021
  "00091234", // 온새미로 — unlisted, no statements
] as const;

// ---------------------------------------------------------------------------------------
// dates

/** Korean public holidays 2025–2026 that would otherwise receive filings. */
// deno-fmt-ignore
const HOLIDAYS = new Set([
  "20250101", "20250128", "20250129", "20250130", "20250303", "20250505", "20250506",
  "20250606", "20250815", "20251003", "20251006", "20251007", "20251008", "20251009",
  "20251225", "20260101", "20260216", "20260217", "20260218", "20260302", "20260505",
  "20260924", "20260925", "20261005", "20261009",
]);

function toYmd(d: Date): string {
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${
    String(d.getUTCDate()).padStart(2, "0")
  }`;
}

/** The business day on or after y-m-d, as YYYYMMDD. */
function bizDay(y: number, m: number, d: number): string {
  const t = new Date(Date.UTC(y, m - 1, d));
  for (;;) {
    const dow = t.getUTCDay();
    const ymd = toYmd(t);
    if (dow !== 0 && dow !== 6 && !HOLIDAYS.has(ymd)) return ymd;
    t.setUTCDate(t.getUTCDate() + 1);
  }
}

/** A business day `days` calendar days after `ymd` (then rolled forward to a business day). */
function bizAfter(ymd: string, days: number): string {
  return bizDay(+ymd.slice(0, 4), +ymd.slice(4, 6), +ymd.slice(6, 8) + days);
}

/** "2026년 07월 29일" */
function koDate(ymd: string): string {
  return `${ymd.slice(0, 4)}년 ${ymd.slice(4, 6)}월 ${ymd.slice(6, 8)}일`;
}

// ---------------------------------------------------------------------------------------
// number formats

/** "1,234,567" / "-1,234" */
function comma(n: number): string {
  const s = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? `-${s}` : s;
}
function ratio(num: number, den: number): string {
  const v = (num / den * 100).toFixed(3);
  return v === "-0.000" ? "0.000" : v;
}

// ---------------------------------------------------------------------------------------
// the featured companies

type Cls = "Y" | "K" | "N" | "E";

interface Plan {
  /** Reporting granularity: 1_000_000 (statements in 백만원) or 1 (원). */
  unit: number;
  /** Revenue in 억원, FY2019..FY2025. */
  rev: number[];
  /** Revenue Jan–Sep 2026 in 억원. */
  rev9m26: number;
  /** Operating margin FY2019..FY2025, then 2026. */
  opm: number[];
  /** Gross margin. */
  gm: number;
  /** End-2018 equity, retained earnings and share capital, 억원. */
  eq0: number;
  re0: number;
  cap0: number;
  /** Par value per share, 원. */
  par: number;
  /** Liabilities / equity. */
  dr: number;
  clShare: number;
  caShare: number;
  cashShare: number;
  /** Dividends paid in year Y as a share of NI(Y-1). */
  payout: number;
  /** New shares issued in a year (counted in that year's Q3 balance as well). */
  raises: Record<number, { shares: number; price: number }>;
  /** OFS = CFS scaled by these. */
  ofsRev: number;
  ofsEq: number;
  /** fnlttSinglAcntAll revenue / operating-income labels. */
  revLabel: string;
  opLabel: string;
}

interface Co {
  corp_code: string;
  /** list.json / CORPCODE.xml name (no legal-form suffix). */
  name: string;
  eng: string;
  stock_code: string;
  cls: Cls;
  estYear: number;
  modify_date: string;
  company: Record<string, string>;
  plan?: Plan;
  /** Fiscal years with a 사업보고서 carrying statements. */
  annualYears: number[];
  /** Files 분기/반기보고서 (not KONEX, not E). */
  interim: boolean;
  /** fnlttSinglAcntAll also served for OFS. */
  allOfs: boolean;
}

function company(
  c: Omit<Co, "company">,
  f: {
    legal: string;
    ceo: string;
    jurir: string;
    bizr: string;
    adres: string;
    hm: string;
    ir?: string;
    phn: string;
    fax: string;
    induty: string;
    est: string;
  },
): Co {
  return {
    ...c,
    company: {
      corp_code: c.corp_code,
      corp_name: f.legal,
      corp_name_eng: c.eng,
      stock_name: c.name,
      stock_code: c.stock_code,
      ceo_nm: f.ceo,
      corp_cls: c.cls,
      jurir_no: f.jurir,
      bizr_no: f.bizr,
      adres: f.adres,
      hm_url: f.hm,
      ir_url: f.ir ?? "",
      phn_no: f.phn,
      fax_no: f.fax,
      induty_code: f.induty,
      est_dt: f.est,
      acc_mt: "12",
    },
  };
}

function featured(): Co[] {
  return [
    company({
      corp_code: "00912345",
      name: "한빛반도체",
      eng: "HANBIT SEMICONDUCTOR CO., LTD.",
      stock_code: "402760",
      cls: "Y",
      estYear: 1993,
      modify_date: "20260331",
      annualYears: [2021, 2022, 2023, 2024, 2025],
      interim: true,
      allOfs: true,
      plan: {
        unit: 1_000_000,
        rev: [14200, 15800, 18500, 23100, 16200, 21400, 29300],
        rev9m26: 24600,
        opm: [0.09, 0.1, 0.14, 0.17, -0.06, 0.07, 0.15, 0.16],
        gm: 0.27,
        eq0: 12000,
        re0: 8100,
        cap0: 450,
        par: 500,
        dr: 0.55,
        clShare: 0.62,
        caShare: 0.42,
        cashShare: 0.34,
        payout: 0.2,
        raises: {},
        ofsRev: 0.78,
        ofsEq: 0.9,
        revLabel: "매출액",
        opLabel: "영업이익(손실)",
      },
    }, {
      legal: "한빛반도체(주)",
      ceo: "박서진, 이도윤",
      jurir: "1311110187426",
      bizr: "1248157302",
      adres: "경기도 화성시 동탄산단  8길 31 (한빛타워)",
      hm: "www.hanbit-semi.example.kr",
      ir: "www.hanbit-semi.example.kr/ir",
      phn: "031-8065-2100",
      fax: "031-8065-2199",
      induty: "261",
      est: "19930412",
    }),
    company({
      corp_code: "01358027",
      name: "누리바이오",
      eng: "NURI BIO INC.",
      stock_code: "389470",
      cls: "K",
      estYear: 2014,
      modify_date: "20250904",
      annualYears: [2021, 2022, 2023, 2024, 2025],
      interim: true,
      allOfs: false,
      plan: {
        unit: 1,
        rev: [9, 14, 22, 38, 52, 71, 96],
        rev9m26: 88,
        opm: [-1.8, -1.4, -1.2, -1.05, -0.92, -0.78, -0.55, -0.38],
        gm: 0.48,
        eq0: 350,
        re0: -180,
        cap0: 38,
        par: 500,
        dr: 0.28,
        clShare: 0.7,
        caShare: 0.68,
        cashShare: 0.55,
        payout: 0,
        raises: {
          2021: { shares: 3_000_000, price: 14_000 },
          2025: { shares: 5_000_000, price: 5_870 },
        },
        ofsRev: 0.92,
        ofsEq: 0.97,
        revLabel: "매출액",
        opLabel: "영업손실",
      },
    }, {
      legal: "누리바이오(주)",
      ceo: "정하늘",
      jurir: "1345110298531",
      bizr: "6438102257",
      adres: "경기도 성남시 분당구 대왕판교로 712, 7층 (삼평동)",
      hm: "www.nuribio.example.kr",
      phn: "031-702-4470",
      fax: "031-702-4479",
      induty: "21210",
      est: "20140305",
    }),
    company({
      corp_code: "00387461",
      name: "세온모빌리티",
      eng: "SEON MOBILITY CO., LTD.",
      stock_code: "204320",
      cls: "Y",
      estYear: 1987,
      modify_date: "20260330",
      annualYears: [2021, 2022, 2023, 2024, 2025],
      interim: true,
      allOfs: false,
      plan: {
        unit: 1_000_000,
        rev: [7400, 6900, 8200, 9100, 10300, 11200, 12100],
        rev9m26: 9600,
        opm: [0.04, 0.03, 0.045, 0.05, 0.055, 0.058, 0.06, 0.061],
        gm: 0.14,
        eq0: 4200,
        re0: 3100,
        cap0: 260,
        par: 5000,
        dr: 1.1,
        clShare: 0.66,
        caShare: 0.48,
        cashShare: 0.22,
        payout: 0.25,
        raises: {},
        ofsRev: 0.83,
        ofsEq: 0.94,
        revLabel: "매출액",
        opLabel: "영업이익",
      },
    }, {
      legal: "세온모빌리티(주)",
      ceo: "강민철, 오세현",
      jurir: "1801110045219",
      bizr: "6108109843",
      adres: "울산광역시 북구 효자로 188 (연암동)",
      hm: "www.seonmobility.example.kr",
      ir: "www.seonmobility.example.kr/ir",
      phn: "052-289-3000",
      fax: "052-289-3009",
      induty: "303",
      est: "19870602",
    }),
    company({
      corp_code: "00741852",
      name: "다온식품",
      eng: "DAON FOODS CO., LTD.",
      stock_code: "278690",
      cls: "N",
      estYear: 2008,
      modify_date: "20251017",
      annualYears: [2021, 2022, 2023, 2024, 2025],
      interim: false,
      allOfs: false,
      plan: {
        unit: 1,
        rev: [335, 342, 318, 301, 286, 262, 241],
        rev9m26: 170,
        opm: [0.05, 0.045, 0.03, 0.02, 0.012, 0.004, 0.006, 0.01],
        gm: 0.24,
        eq0: 120,
        re0: 78,
        cap0: 21,
        par: 500,
        dr: 0.9,
        clShare: 0.74,
        caShare: 0.46,
        cashShare: 0.2,
        payout: 0,
        raises: {},
        ofsRev: 0.95,
        ofsEq: 0.98,
        revLabel: "매출액",
        opLabel: "영업이익",
      },
    }, {
      legal: "다온식품(주)",
      ceo: "서미란",
      jurir: "1647110061834",
      bizr: "4108623351",
      adres: "전라남도 나주시 혁신로 57 (빛가람동)",
      hm: "www.daonfoods.example.kr",
      phn: "061-338-5200",
      fax: "061-338-5201",
      induty: "107",
      est: "20080915",
    }),
    company({
      corp_code: "00628419",
      name: "가람에너지",
      eng: "GARAM ENERGY CORP.",
      stock_code: "336150",
      cls: "K",
      estYear: 2005,
      modify_date: "20260327",
      annualYears: [2021, 2022, 2023, 2024, 2025],
      interim: true,
      allOfs: false,
      plan: {
        unit: 1,
        rev: [1850, 2300, 3100, 4120, 3760, 3240, 2910],
        rev9m26: 2050,
        opm: [0.06, 0.07, 0.09, 0.11, 0.06, 0.02, -0.035, -0.02],
        gm: 0.17,
        eq0: 900,
        re0: 520,
        cap0: 95,
        par: 500,
        dr: 1.4,
        clShare: 0.55,
        caShare: 0.38,
        cashShare: 0.25,
        payout: 0.15,
        raises: {},
        ofsRev: 0.88,
        ofsEq: 0.95,
        revLabel: "매출액",
        opLabel: "영업이익(손실)",
      },
    }, {
      legal: "가람에너지(주)",
      ceo: "한태섭",
      jurir: "1615110118275",
      bizr: "4138149962",
      adres: "충청북도 청주시 흥덕구 오송읍  오송생명로 95",
      hm: "www.garamenergy.example.kr",
      phn: "043-716-8800",
      fax: "043-716-8809",
      induty: "28202",
      est: "20050321",
    }),
    company({
      corp_code: "01376540",
      name: "미르게임즈",
      eng: "MIR GAMES CORP.",
      stock_code: "298040",
      cls: "K",
      estYear: 2012,
      modify_date: "20260115",
      annualYears: [2021, 2022, 2023, 2024, 2025],
      interim: true,
      allOfs: false,
      plan: {
        unit: 1,
        rev: [420, 610, 1480, 1920, 1350, 1010, 1260],
        rev9m26: 1150,
        opm: [0.12, 0.18, 0.32, 0.35, 0.21, 0.08, 0.15, 0.19],
        gm: 0.62,
        eq0: 300,
        re0: 140,
        cap0: 42,
        par: 500,
        dr: 0.3,
        clShare: 0.78,
        caShare: 0.58,
        cashShare: 0.6,
        payout: 0.18,
        raises: {},
        ofsRev: 0.9,
        ofsEq: 0.93,
        revLabel: "수익(매출액)",
        opLabel: "영업이익",
      },
    }, {
      legal: "미르게임즈(주)",
      ceo: "류지훈",
      jurir: "1101110513947",
      bizr: "2208854172",
      adres: "서울특별시 강남구 테헤란로 427, 15층 (삼성동)",
      hm: "www.mirgames.example.kr",
      ir: "ir.mirgames.example.kr",
      phn: "02-6205-1700",
      fax: "02-6205-1799",
      induty: "58211",
      est: "20120710",
    }),
    company({
      corp_code: "01843756",
      name: "하람로보틱스",
      eng: "HARAM ROBOTICS INC.",
      stock_code: "0091A0",
      cls: "K",
      estYear: 2016,
      modify_date: "20260811",
      annualYears: [2022, 2023, 2024, 2025],
      interim: true,
      allOfs: false,
      plan: {
        unit: 1,
        rev: [45, 70, 118, 176, 254, 362, 498],
        rev9m26: 451,
        opm: [-0.35, -0.2, -0.08, 0.02, 0.05, 0.08, 0.11, 0.12],
        gm: 0.36,
        eq0: 60,
        re0: -20,
        cap0: 30,
        par: 500,
        dr: 0.8,
        clShare: 0.64,
        caShare: 0.55,
        cashShare: 0.35,
        payout: 0,
        raises: {
          2022: { shares: 1_200_000, price: 6_500 },
          2026: { shares: 2_000_000, price: 20_360 },
        },
        ofsRev: 0.97,
        ofsEq: 0.99,
        revLabel: "매출액",
        opLabel: "영업이익(손실)",
      },
    }, {
      legal: "하람로보틱스(주)",
      ceo: "임재성, 배소율",
      jurir: "1358110412690",
      bizr: "5318801264",
      adres: "대전광역시 유성구 테크노2로 187 (용산동)",
      hm: "www.haramrobotics.example.kr",
      phn: "042-935-6100",
      fax: "042-935-6109",
      induty: "29280",
      est: "20160223",
    }),
    company({
      corp_code: "00091234",
      name: "온새미로",
      eng: "ONSAEMIRO CO., LTD.",
      stock_code: "",
      cls: "E",
      estYear: 2003,
      modify_date: "20240612",
      annualYears: [],
      interim: false,
      allOfs: false,
    }, {
      legal: "온새미로(주)",
      ceo: "조은결",
      jurir: "2841110093315",
      bizr: "1358614027",
      adres: "인천광역시 연수구 송도과학로 16번길  33-4 (송도동)",
      hm: "",
      phn: "032-858-0400",
      fax: "",
      induty: "20423",
      est: "20030117",
    }),
  ];
}

// ---------------------------------------------------------------------------------------
// financial model

interface Flow {
  rev: number;
  cogs: number;
  gp: number;
  sga: number;
  op: number;
  nonop: number;
  pbt: number;
  tax: number;
  ni: number;
  oci: number;
  ci: number;
  eps: number;
  ocf: number;
  icf: number;
  fcf: number;
  dcash: number;
  cashBegin: number;
  cashEnd: number;
}

interface Bal {
  ca: number;
  cash: number;
  recv: number;
  inv: number;
  nca: number;
  ppe: number;
  ta: number;
  cl: number;
  ncl: number;
  tl: number;
  cap: number;
  re: number;
  te: number;
}

/** Keys: "2018".."2025", "2025Q3", "2026Q3" (balances); "2019".."2025", "2025Q3", "2026Q3" (9M), "2025Q3m", "2026Q3m" (3M) (flows). */
interface Series {
  bal: Map<string, Bal>;
  flow: Map<string, Flow>;
}

const EOK = 100_000_000;

function buildSeries(p: Plan, rng: Rng): Series {
  const u = p.unit;
  const r = (x: number) => Math.round(x / u) * u;
  const bal = new Map<string, Bal>();
  const flow = new Map<string, Flow>();

  const income = (revenue: number, opm: number, shares: number) => {
    const rev = r(revenue);
    const op = r(rev * opm);
    const gp = r(rev * p.gm * jitter(rng, 0.03));
    const nonop = r(rev * uniform(rng, -0.012, 0.016) + (p.eq0 * EOK) * 0.004);
    const pbt = op + nonop;
    const tax = pbt > 0 ? r(pbt * 0.21) : r(pbt * 0.02);
    const ni = pbt - tax;
    const oci = r(rev * uniform(rng, -0.004, 0.006));
    return {
      rev,
      cogs: rev - gp,
      gp,
      sga: gp - op,
      op,
      nonop,
      pbt,
      tax,
      ni,
      oci,
      ci: ni + oci,
      eps: Math.round(ni / shares),
    };
  };
  const balance = (te: number, cap: number, re: number): Bal => {
    const tl = r(te * p.dr * jitter(rng, 0.08));
    const cl = r(tl * p.clShare * jitter(rng, 0.05));
    const ta = te + tl;
    const ca = r(ta * p.caShare * jitter(rng, 0.05));
    const nca = ta - ca;
    return {
      ca,
      cash: r(ca * p.cashShare * jitter(rng, 0.1)),
      recv: r(ca * 0.27 * jitter(rng, 0.1)),
      inv: r(ca * 0.21 * jitter(rng, 0.1)),
      nca,
      ppe: r(nca * 0.56 * jitter(rng, 0.08)),
      ta,
      cl,
      ncl: tl - cl,
      tl,
      cap,
      re,
      te,
    };
  };
  const cashFlows = (f: ReturnType<typeof income>, prev: Bal, cur: Bal, months: number): Flow => {
    const ocf = r(f.ni + prev.nca * 0.06 * months / 12 + f.rev * uniform(rng, -0.02, 0.03));
    const icf = -r(cur.nca * uniform(rng, 0.05, 0.11) * months / 12);
    const dcash = cur.cash - prev.cash;
    return {
      ...f,
      ocf,
      icf,
      fcf: dcash - ocf - icf,
      dcash,
      cashBegin: prev.cash,
      cashEnd: cur.cash,
    };
  };

  let prev = balance(r(p.eq0 * EOK), r(p.cap0 * EOK), r(p.re0 * EOK));
  bal.set("2018", prev);
  const div = new Map<number, number>();
  let prevNi = 0;
  for (let y = 2019; y <= 2026; y++) {
    const paid = prevNi > 0 ? r(prevNi * p.payout) : 0;
    div.set(y, paid);
    const raise = p.raises[y];
    const cap = prev.cap + (raise ? raise.shares * p.par : 0);
    const raised = raise ? raise.shares * raise.price : 0;
    const shares = cap / p.par;
    const opm = p.opm[y - 2019];
    if (y <= 2025) {
      // Q3 of 2025 needs the opening balance of 2025, taken before the annual roll.
      if (y === 2025) {
        const f9 = income(
          p.rev[6] * EOK * uniform(rng, 0.72, 0.75),
          opm * jitter(rng, 0.06),
          shares,
        );
        quarter(y, f9, prev, cap, raised, paid, shares);
      }
      const f = income(p.rev[y - 2019] * EOK * jitter(rng, 0.015), opm * jitter(rng, 0.04), shares);
      const cur = balance(prev.te + f.ni + f.oci - paid + raised, cap, prev.re + f.ni - paid);
      bal.set(String(y), cur);
      flow.set(String(y), cashFlows(f, prev, cur, 12));
      prev = cur;
      prevNi = f.ni;
    } else {
      const f9 = income(p.rev9m26 * EOK * jitter(rng, 0.01), opm * jitter(rng, 0.04), shares);
      quarter(y, f9, prev, cap, raised, paid, shares);
    }
  }
  return { bal, flow };

  function quarter(
    y: number,
    f9: ReturnType<typeof income>,
    open: Bal,
    cap: number,
    raised: number,
    paid: number,
    shares: number,
  ) {
    const cur = balance(open.te + f9.ni + f9.oci - paid + raised, cap, open.re + f9.ni - paid);
    bal.set(`${y}Q3`, cur);
    flow.set(`${y}Q3`, cashFlows(f9, open, cur, 9));
    const f3 = income(
      f9.rev * uniform(rng, 0.33, 0.37),
      (f9.op / f9.rev) * jitter(rng, 0.08),
      shares,
    );
    flow.set(`${y}Q3m`, { ...f3, ocf: 0, icf: 0, fcf: 0, dcash: 0, cashBegin: 0, cashEnd: 0 });
  }
}

function ofsPlan(p: Plan): Plan {
  return {
    ...p,
    rev: p.rev.map((v) => v * p.ofsRev),
    rev9m26: p.rev9m26 * p.ofsRev,
    eq0: p.eq0 * p.ofsEq,
    re0: p.re0 * p.ofsEq,
    gm: p.gm - 0.01,
    dr: p.dr * 0.9,
  };
}

// ---------------------------------------------------------------------------------------
// filings

const MARKET_RM: Record<Cls, string> = { Y: "유", K: "코", N: "넥", E: "" };
const MARKET_DIGIT: Record<Cls, string> = { Y: "8", K: "9", N: "6", E: "0" };
const TRAILING = " ".repeat(14);

class FilingBook {
  readonly rows: Filing[] = [];
  private counters = new Map<string, number>();
  /** `taken`: receipt numbers of another book (skipped, so both books can be merged). */
  constructor(private rng: Rng, private taken: ReadonlySet<string> = new Set()) {}

  private rcept(date: string, digit: string): string {
    const key = date + digit;
    for (;;) {
      const last = this.counters.get(key);
      const n = last === undefined
        ? (digit === "0" ? intIn(this.rng, 100, 2600) : intIn(this.rng, 40, 700))
        : last + intIn(this.rng, 1, 37);
      this.counters.set(key, n);
      const no = key + String(n).padStart(5, "0");
      if (!this.taken.has(no)) return no;
    }
  }

  /** An FSS-filed document (rcept_no channel digit 0). */
  fss(c: Co, date: string, report_nm: string, opts: { flr?: string; rm?: string } = {}): Filing {
    return this.push(c, date, report_nm, "0", opts.flr ?? c.name, opts.rm ?? "");
  }

  /** An exchange-filed disclosure (rm 유/코/넥; channel digit 8/9/6). */
  exchange(c: Co, date: string, report_nm: string, flr?: string): Filing {
    return this.push(c, date, report_nm, MARKET_DIGIT[c.cls], flr ?? c.name, MARKET_RM[c.cls]);
  }

  /** Files a correction of `orig` and flags the original with 정. */
  amend(
    orig: Filing,
    date: string,
    prefix: "[기재정정]" | "[첨부정정]" | "[발행조건확정]",
  ): Filing {
    if (!orig.rm.includes("정")) orig.rm += "정";
    const base = orig.report_nm.replace(/^(\[[^\]]*\])+/, "");
    const row: Filing = {
      ...orig,
      report_nm: prefix + base,
      rcept_dt: date,
      rcept_no: this.rcept(date, orig.rcept_no[8]),
      rm: orig.rm.replace("정", ""),
    };
    this.rows.push(row);
    return row;
  }

  private push(c: Co, date: string, report_nm: string, digit: string, flr: string, rm: string) {
    if (date > AS_OF_YMD) throw new Error(`sample filing after ${AS_OF_YMD}: ${date} ${report_nm}`);
    const row: Filing = {
      corp_code: c.corp_code,
      corp_name: c.name,
      stock_code: c.stock_code,
      corp_cls: c.cls,
      report_nm,
      rcept_no: this.rcept(date, digit),
      flr_nm: flr,
      rcept_dt: date,
      rm,
      ...disclosureType(report_nm, digit !== "0", flr),
    };
    this.rows.push(row);
    return row;
  }
}

/**
 * `pblntf_ty` / `pblntf_detail_ty` tags for the fixture server's type filters (never sent
 * back). Exchange-filed items are I (I001 수시공시, I002 공정공시, I003 시장조치/안내) — e.g.
 * the exchange's `감사보고서제출` is not an F001 audit report.
 */
function disclosureType(
  report_nm: string,
  exchange: boolean,
  flr: string,
): { pblntf_ty: string; pblntf_detail_ty: string } {
  const base = report_nm.trim();
  const t = (detail: string) => ({ pblntf_ty: detail[0], pblntf_detail_ty: detail });
  if (exchange) {
    if (base.includes("(공정공시)")) return t("I002");
    if (flr.endsWith("시장본부")) return t("I003");
    return t("I001");
  }
  const table: [RegExp, string][] = [
    [/^사업보고서/, "A001"],
    [/^반기보고서/, "A002"],
    [/^분기보고서/, "A003"],
    [/^주요사항보고서/, "B001"],
    [/^(?:증권신고서\(지분증권\)|투자설명서|증권발행실적보고서)/, "C001"],
    [/^주식등의대량보유상황보고서/, "D001"],
    [/^임원ㆍ주요주주특정증권등소유상황보고서/, "D002"],
    [/^자기주식취득결과보고서/, "E001"],
    [/^주주총회소집공고/, "E006"],
    [/^감사보고서/, "F001"],
    [/^연결감사보고서/, "F002"],
  ];
  for (const [re, detail] of table) if (re.test(base)) return t(detail);
  throw new Error(`sample: no disclosure type for ${report_nm}`);
}

/** rcept_no of the statements of (fiscal year, reprt_code), latest version. */
type ReportIndex = Map<string, string>;

const PERIODIC: {
  year: number;
  month: number;
  nm: string;
  reprt: string;
  due: [number, number];
}[] = [
  { year: 2025, month: 3, nm: "분기보고서 (2025.03)", reprt: "11013", due: [5, 12] },
  { year: 2025, month: 6, nm: "반기보고서 (2025.06)", reprt: "11012", due: [8, 11] },
  { year: 2025, month: 9, nm: "분기보고서 (2025.09)", reprt: "11014", due: [11, 10] },
  { year: 2026, month: 3, nm: "분기보고서 (2026.03)", reprt: "11013", due: [5, 11] },
  { year: 2026, month: 6, nm: "반기보고서 (2026.06)", reprt: "11012", due: [8, 10] },
  { year: 2026, month: 9, nm: "분기보고서 (2026.09)", reprt: "11014", due: [11, 9] },
];

function buildFilings(cos: Co[]): {
  rows: Filing[];
  reports: Map<string, ReportIndex>;
  ipo: Record<string, Filing>;
  rights: Record<string, Filing>;
} {
  const book = new FilingBook(rngFor("filings"));
  const reports = new Map<string, ReportIndex>();
  const ipo: Record<string, Filing> = {};
  const rights: Record<string, Filing> = {};

  for (const c of cos) {
    const rng = rngFor(`filings|${c.corp_code}`);
    const idx: ReportIndex = new Map();
    reports.set(c.corp_code, idx);
    const periodicRm = c.plan ? "연" : "";
    const day = (y: number, m: number, lo: number, hi: number) => bizDay(y, m, intIn(rng, lo, hi));

    // Annual reports (history back to FY2021 so every statement has its filing).
    const annual = new Map<number, Filing>();
    for (const fy of c.annualYears) {
      const f = book.fss(c, day(fy + 1, 3, 12, 24), `사업보고서 (${fy}.12)`, { rm: periodicRm });
      annual.set(fy, f);
      idx.set(`${fy}|11011`, f.rcept_no);
    }
    // Interim reports inside the window (KONEX and unlisted E file none).
    if (c.interim) {
      for (const p of PERIODIC) {
        const f = book.fss(c, day(p.year, p.due[0], p.due[1] - 4, p.due[1] + 2), p.nm, {
          rm: periodicRm,
        });
        idx.set(`${p.year}|${p.reprt}`, f.rcept_no);
      }
    }
    // Shareholder meetings and audit, listed companies (and the pre-IPO filer for 소집공고).
    if (c.cls !== "E") {
      for (const y of [2025, 2026]) {
        if (c.cls !== "N") book.fss(c, day(y, 2, 23, 27), "주주총회소집공고");
        if (c.name !== "하람로보틱스" || y > 2026) {
          book.exchange(c, day(y, 3, 2, 6), "감사보고서제출");
          book.exchange(c, day(y, 3, 25, 28), "정기주주총회결과");
        }
      }
    }

    switch (c.name) {
      case "한빛반도체": {
        for (
          const [y, m] of [[2025, 1], [2025, 4], [2025, 7], [2025, 10], [2026, 1], [2026, 4], [
            2026,
            7,
          ], [2026, 10]]
        ) {
          book.exchange(c, day(y, m, 24, 29), "연결재무제표기준영업(잠정)실적(공정공시)");
        }
        for (const y of [2025, 2026]) book.exchange(c, day(y, 2, 10, 13), "현금ㆍ현물배당결정");
        const sale = book.exchange(c, bizDay(2025, 6, 16), "단일판매ㆍ공급계약체결");
        book.amend(sale, bizDay(2025, 6, 27), "[기재정정]");
        book.fss(c, bizDay(2025, 9, 3), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "박서진",
        });
        book.exchange(c, bizDay(2025, 12, 2), "기업설명회(IR)개최(안내공시)");
        book.fss(c, bizDay(2026, 6, 15), "주식등의대량보유상황보고서(일반)", {
          flr: "한결자산운용",
        });
        book.exchange(c, bizDay(2026, 9, 21), "기타경영사항(자율공시)" + TRAILING);
        break;
      }
      case "누리바이오": {
        // Rights offering in 2025 (주주배정후 실권주 일반공모): a 증권신고서(지분증권) that is NOT an IPO.
        const decision = book.fss(c, bizDay(2025, 6, 19), "주요사항보고서(유상증자결정)");
        const reg = book.fss(c, bizDay(2025, 6, 19), "증권신고서(지분증권)");
        rights[c.corp_code] = reg;
        book.amend(decision, bizDay(2025, 7, 8), "[기재정정]");
        const fixed = book.amend(reg, bizDay(2025, 8, 13), "[발행조건확정]");
        book.fss(c, fixed.rcept_dt, "투자설명서");
        book.fss(c, bizDay(2025, 8, 28), "증권발행실적보고서");
        book.exchange(c, bizDay(2025, 4, 14), "투자판단관련주요경영사항(임상시험계획승인신청)");
        book.exchange(c, bizDay(2025, 11, 26), "투자판단관련주요경영사항(임상시험계획승인)");
        book.exchange(c, bizDay(2026, 2, 12), "매출액또는손익구조30%(대규모법인은15%)이상변동");
        book.fss(c, bizDay(2026, 1, 8), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "정하늘",
        });
        book.exchange(c, bizDay(2026, 5, 20), "기타경영사항(자율공시)" + TRAILING);
        // FY2025 사업보고서 corrected: the statements now carry the [기재정정] rcept_no.
        const fy25 = annual.get(2025)!;
        const fixed25 = book.amend(fy25, bizDay(2026, 4, 16), "[기재정정]");
        idx.set("2025|11011", fixed25.rcept_no);
        break;
      }
      case "세온모빌리티": {
        for (const [y, m] of [[2025, 1], [2025, 7], [2026, 1], [2026, 7]]) {
          book.exchange(c, day(y, m, 27, 30), "연결재무제표기준영업(잠정)실적(공정공시)");
        }
        for (const y of [2025, 2026]) book.exchange(c, day(y, 2, 5, 9), "현금ㆍ현물배당결정");
        const buyback = book.fss(c, bizDay(2025, 11, 4), "주요사항보고서(자기주식취득결정)");
        book.amend(buyback, bizDay(2025, 11, 7), "[기재정정]");
        book.fss(c, bizDay(2026, 2, 9), "자기주식취득결과보고서");
        book.exchange(c, bizDay(2026, 3, 27), "대표이사변경");
        book.fss(c, bizDay(2026, 4, 2), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "오세현",
        });
        book.exchange(c, bizDay(2026, 9, 15), "단일판매ㆍ공급계약체결");
        break;
      }
      case "다온식품": {
        book.exchange(c, bizDay(2025, 5, 22), "기타경영사항(자율공시)" + TRAILING);
        book.exchange(c, bizDay(2025, 10, 17), "최대주주변경");
        book.fss(c, bizDay(2025, 10, 20), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "서미란",
        });
        book.exchange(c, bizDay(2026, 1, 14), "기업설명회(IR)개최(안내공시)");
        book.exchange(c, bizDay(2026, 6, 10), "단일판매ㆍ공급계약체결");
        book.exchange(c, bizDay(2026, 9, 8), "타법인주식및출자증권처분결정");
        break;
      }
      case "가람에너지": {
        // The FY2024 사업보고서 had an attachment corrected; the statements keep the original.
        book.amend(annual.get(2024)!, bizDay(2025, 4, 9), "[첨부정정]");
        book.exchange(c, bizDay(2025, 2, 12), "현금ㆍ현물배당결정");
        book.exchange(c, bizDay(2025, 9, 4), "타법인주식및출자증권취득결정");
        book.exchange(c, bizDay(2026, 2, 11), "매출액또는손익구조30%(대규모법인은15%)이상변동");
        book.exchange(c, bizDay(2026, 5, 7), "유형자산양도결정");
        book.fss(c, bizDay(2025, 12, 10), "주식등의대량보유상황보고서(일반)", {
          flr: "새빛자산운용",
        });
        book.fss(c, bizDay(2026, 5, 19), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "김태윤",
        });
        book.exchange(c, bizDay(2026, 8, 24), "기타경영사항(자율공시)" + TRAILING);
        break;
      }
      case "미르게임즈": {
        for (const y of [2025, 2026]) book.exchange(c, day(y, 2, 16, 20), "현금ㆍ현물배당결정");
        book.exchange(c, bizDay(2025, 10, 16), "조회공시요구(현저한시황변동)", "코스닥시장본부");
        book.exchange(
          c,
          bizDay(2025, 10, 17),
          "조회공시요구(현저한시황변동)에대한답변(중요정보없음)",
        );
        book.fss(c, bizDay(2025, 10, 22), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "류지훈",
        });
        book.fss(c, bizDay(2026, 1, 20), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "이수민",
        });
        book.fss(c, bizDay(2026, 3, 10), "주식등의대량보유상황보고서(약식)", {
          flr: "온누리파트너스",
        });
        book.exchange(c, bizDay(2026, 6, 3), "기업설명회(IR)개최(안내공시)");
        book.fss(c, bizDay(2026, 7, 14), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "최준혁",
        });
        break;
      }
      case "하람로보틱스": {
        // KOSDAQ IPO: 증권신고서 → [기재정정] → [발행조건확정] → 투자설명서 → 증권발행실적보고서.
        const reg = book.fss(c, bizDay(2026, 6, 12), "증권신고서(지분증권)");
        const amended = book.amend(reg, bizDay(2026, 7, 3), "[기재정정]");
        ipo.registration = reg;
        ipo.amended = amended;
        const fixed = book.amend(amended, bizDay(2026, 7, 27), "[발행조건확정]");
        ipo.fixed = fixed;
        ipo.prospectus = book.fss(c, fixed.rcept_dt, "투자설명서");
        ipo.result = book.fss(c, bizDay(2026, 8, 4), "증권발행실적보고서");
        // After listing on 2026-08-11: exchange disclosures (코) and insiders.
        book.fss(c, bizDay(2026, 8, 12), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "임재성",
        });
        book.fss(c, bizDay(2026, 8, 12), "임원ㆍ주요주주특정증권등소유상황보고서", {
          flr: "배소율",
        });
        book.fss(c, bizDay(2026, 8, 13), "주식등의대량보유상황보고서(일반)", {
          flr: "한결벤처투자",
        });
        book.exchange(c, bizDay(2026, 9, 9), "기업설명회(IR)개최(안내공시)");
        book.exchange(c, bizDay(2026, 10, 19), "단일판매ㆍ공급계약체결");
        break;
      }
      case "온새미로": {
        for (const fy of [2024, 2025]) {
          const d = day(fy + 1, 4, 1, 8);
          book.fss(c, d, `감사보고서 (${fy}.12)`, { flr: "한울회계법인" });
          book.fss(c, d, `연결감사보고서 (${fy}.12)`, { flr: "한울회계법인" });
        }
        break;
      }
    }
  }
  const rows = book.rows.slice().sort(byReceiptDesc);
  return { rows, reports, ipo, rights };
}

// ---------------------------------------------------------------------------------------
// statements

const SINGLE_ACCOUNTS: { nm: string; sj: "BS" | "IS"; key: keyof Bal | keyof Flow }[] = [
  { nm: "유동자산", sj: "BS", key: "ca" },
  { nm: "비유동자산", sj: "BS", key: "nca" },
  { nm: "자산총계", sj: "BS", key: "ta" },
  { nm: "유동부채", sj: "BS", key: "cl" },
  { nm: "비유동부채", sj: "BS", key: "ncl" },
  { nm: "부채총계", sj: "BS", key: "tl" },
  { nm: "자본금", sj: "BS", key: "cap" },
  { nm: "이익잉여금", sj: "BS", key: "re" },
  { nm: "자본총계", sj: "BS", key: "te" },
  { nm: "매출액", sj: "IS", key: "rev" },
  { nm: "영업이익", sj: "IS", key: "op" },
  { nm: "법인세차감전 순이익", sj: "IS", key: "pbt" },
  { nm: "당기순이익", sj: "IS", key: "ni" },
];

type Sj = "BS" | "IS" | "CIS" | "CF";
const SJ_NM: Record<Sj, string> = {
  BS: "재무상태표",
  IS: "손익계산서",
  CIS: "포괄손익계산서",
  CF: "현금흐름표",
};
const NO_STD = "-표준계정코드 미사용-";

// deno-fmt-ignore
function allAccounts(p: Plan): { sj: Sj; id: string; nm: string; key: keyof Bal | keyof Flow }[] {
  return [
    { sj: "BS", id: "ifrs-full_CurrentAssets", nm: "유동자산", key: "ca" },
    { sj: "BS", id: "ifrs-full_CashAndCashEquivalents", nm: "현금및현금성자산", key: "cash" },
    { sj: "BS", id: "dart_ShortTermTradeReceivable", nm: "매출채권", key: "recv" },
    { sj: "BS", id: "ifrs-full_Inventories", nm: "재고자산", key: "inv" },
    { sj: "BS", id: "ifrs-full_NoncurrentAssets", nm: "비유동자산", key: "nca" },
    { sj: "BS", id: "ifrs-full_PropertyPlantAndEquipment", nm: "유형자산", key: "ppe" },
    { sj: "BS", id: "ifrs-full_Assets", nm: "자산총계", key: "ta" },
    { sj: "BS", id: "ifrs-full_CurrentLiabilities", nm: "유동부채", key: "cl" },
    { sj: "BS", id: "ifrs-full_NoncurrentLiabilities", nm: "비유동부채", key: "ncl" },
    { sj: "BS", id: "ifrs-full_Liabilities", nm: "부채총계", key: "tl" },
    { sj: "BS", id: "ifrs-full_IssuedCapital", nm: "자본금", key: "cap" },
    { sj: "BS", id: "ifrs-full_RetainedEarnings", nm: "이익잉여금(결손금)", key: "re" },
    { sj: "BS", id: "ifrs-full_Equity", nm: "자본총계", key: "te" },
    { sj: "IS", id: "ifrs-full_Revenue", nm: p.revLabel, key: "rev" },
    { sj: "IS", id: "ifrs-full_CostOfSales", nm: "매출원가", key: "cogs" },
    { sj: "IS", id: "ifrs-full_GrossProfit", nm: "매출총이익", key: "gp" },
    { sj: "IS", id: "dart_TotalSellingGeneralAdministrativeExpenses", nm: "판매비와관리비", key: "sga" },
    { sj: "IS", id: "dart_OperatingIncomeLoss", nm: p.opLabel, key: "op" },
    { sj: "IS", id: NO_STD, nm: "금융및기타영업외손익", key: "nonop" },
    { sj: "IS", id: "ifrs-full_ProfitLossBeforeTax", nm: "법인세비용차감전순이익(손실)", key: "pbt" },
    { sj: "IS", id: "ifrs-full_IncomeTaxExpenseContinuingOperations", nm: "법인세비용(수익)", key: "tax" },
    { sj: "IS", id: "ifrs-full_ProfitLoss", nm: "당기순이익(손실)", key: "ni" },
    { sj: "IS", id: "ifrs-full_BasicEarningsLossPerShare", nm: "기본주당이익(손실)", key: "eps" },
    { sj: "CIS", id: "ifrs-full_ProfitLoss", nm: "당기순이익(손실)", key: "ni" },
    { sj: "CIS", id: "ifrs-full_OtherComprehensiveIncome", nm: "기타포괄손익", key: "oci" },
    { sj: "CIS", id: "ifrs-full_ComprehensiveIncome", nm: "총포괄손익", key: "ci" },
    { sj: "CF", id: "ifrs-full_CashFlowsFromUsedInOperatingActivities", nm: "영업활동현금흐름", key: "ocf" },
    { sj: "CF", id: "ifrs-full_CashFlowsFromUsedInInvestingActivities", nm: "투자활동현금흐름", key: "icf" },
    { sj: "CF", id: "ifrs-full_CashFlowsFromUsedInFinancingActivities", nm: "재무활동현금흐름", key: "fcf" },
    { sj: "CF", id: "ifrs-full_IncreaseDecreaseInCashAndCashEquivalents", nm: "현금및현금성자산의순증가(감소)", key: "dcash" },
    { sj: "CF", id: "dart_CashAndCashEquivalentsAtBeginningOfPeriod", nm: "기초현금및현금성자산", key: "cashBegin" },
    { sj: "CF", id: "dart_CashAndCashEquivalentsAtEndOfPeriod", nm: "기말현금및현금성자산", key: "cashEnd" },
  ];
}

function value(s: Series, period: string, key: string, isBal: boolean): number {
  const src = isBal ? s.bal.get(period) : s.flow.get(period);
  if (!src) throw new Error(`sample series has no ${isBal ? "balance" : "flow"} ${period}`);
  return (src as unknown as Record<string, number>)[key];
}

const FS_NM = { CFS: "연결재무제표", OFS: "재무제표" } as const;

function singleAcntRows(
  c: Co,
  year: number,
  reprt: "11011" | "11014",
  rcept_no: string,
  series: { CFS: Series; OFS: Series },
): Record<string, string>[] {
  const k = year - c.estYear + 1;
  const out: Record<string, string>[] = [];
  for (const fs of ["CFS", "OFS"] as const) {
    const s = series[fs];
    SINGLE_ACCOUNTS.forEach((a, i) => {
      const isBal = a.sj === "BS";
      const head: Record<string, string> = {
        rcept_no,
        reprt_code: reprt,
        bsns_year: String(year),
        corp_code: c.corp_code,
        stock_code: c.stock_code,
        fs_div: fs,
        fs_nm: FS_NM[fs],
        sj_div: a.sj,
        sj_nm: SJ_NM[a.sj],
        account_nm: a.nm,
      };
      const v = (period: string) => comma(value(s, period, a.key, isBal));
      let body: Record<string, string>;
      if (reprt === "11011") {
        const dt = (y: number) => isBal ? `${y}.12.31 현재` : `${y}.01.01 ~ ${y}.12.31`;
        body = {
          thstrm_nm: `제 ${k} 기`,
          thstrm_dt: dt(year),
          thstrm_amount: v(String(year)),
          frmtrm_nm: `제 ${k - 1} 기`,
          frmtrm_dt: dt(year - 1),
          frmtrm_amount: v(String(year - 1)),
          bfefrmtrm_nm: `제 ${k - 2} 기`,
          bfefrmtrm_dt: dt(year - 2),
          bfefrmtrm_amount: v(String(year - 2)),
        };
      } else if (isBal) {
        body = {
          thstrm_nm: `제 ${k} 기3분기말`,
          thstrm_dt: `${year}.09.30 현재`,
          thstrm_amount: v(`${year}Q3`),
          frmtrm_nm: `제 ${k - 1} 기말`,
          frmtrm_dt: `${year - 1}.12.31 현재`,
          frmtrm_amount: v(String(year - 1)),
        };
      } else {
        body = {
          thstrm_nm: `제 ${k} 기3분기`,
          thstrm_dt: `${year}.01.01 ~ ${year}.09.30`,
          thstrm_amount: v(`${year}Q3m`),
          thstrm_add_amount: v(`${year}Q3`),
          frmtrm_nm: `제 ${k - 1} 기3분기`,
          frmtrm_dt: `${year - 1}.01.01 ~ ${year - 1}.09.30`,
          frmtrm_add_amount: v(`${year - 1}Q3`),
          frmtrm_amount: v(`${year - 1}Q3m`),
        };
      }
      out.push({ ...head, ...body, ord: String(i * 2 + 1), currency: "KRW" });
    });
  }
  return out;
}

function singleAcntAllRows(
  c: Co,
  year: number,
  reprt: "11011" | "11014",
  rcept_no: string,
  s: Series,
): Record<string, string>[] {
  const k = year - c.estYear + 1;
  const plain = (n: number) => String(n);
  return allAccounts(c.plan!).map((a, i) => {
    const isBal = a.sj === "BS";
    const isPl = a.sj === "IS" || a.sj === "CIS";
    const v = (period: string) => plain(value(s, period, a.key, isBal));
    const row: Record<string, string> = {
      rcept_no,
      reprt_code: reprt,
      bsns_year: String(year),
      corp_code: c.corp_code,
      sj_div: a.sj,
      sj_nm: SJ_NM[a.sj],
      account_id: a.id,
      account_nm: a.nm,
      account_detail: "-",
    };
    if (reprt === "11011") {
      row.thstrm_nm = `제 ${k} 기`;
      row.thstrm_amount = v(String(year));
      if (isPl) row.thstrm_add_amount = "";
      row.frmtrm_nm = `제 ${k - 1} 기`;
      row.frmtrm_amount = v(String(year - 1));
      row.bfefrmtrm_nm = `제 ${k - 2} 기`;
      row.bfefrmtrm_amount = v(String(year - 2));
    } else if (isBal) {
      row.thstrm_nm = `제 ${k} 기 3분기말`;
      row.thstrm_amount = v(`${year}Q3`);
      row.frmtrm_nm = `제 ${k - 1} 기말`;
      row.frmtrm_amount = v(String(year - 1));
    } else if (isPl) {
      row.thstrm_nm = `제 ${k} 기 3분기`;
      row.thstrm_amount = v(`${year}Q3m`);
      row.thstrm_add_amount = v(`${year}Q3`);
      row.frmtrm_q_nm = `제 ${k - 1} 기 3분기`;
      row.frmtrm_q_amount = v(`${year - 1}Q3m`);
      row.frmtrm_add_amount = v(`${year - 1}Q3`);
    } else {
      // Cash flows in a quarterly report are year-to-date.
      row.thstrm_nm = `제 ${k} 기 3분기`;
      row.thstrm_amount = v(`${year}Q3`);
      row.frmtrm_nm = `제 ${k - 1} 기 3분기`;
      row.frmtrm_amount = v(`${year - 1}Q3`);
    }
    row.ord = String(i + 1);
    row.currency = "KRW";
    return row;
  });
}

const INDX_CLASSES = {
  M210000: "수익성지표",
  M220000: "안정성지표",
} as const;

function indxRows(c: Co, year: number, s: Series): Record<string, Record<string, string>[]> {
  const f = s.flow.get(String(year))!;
  const b = s.bal.get(String(year))!;
  const defs: Record<keyof typeof INDX_CLASSES, [string, string, string][]> = {
    M210000: [
      ["M211000", "영업이익률", ratio(f.op, f.rev)],
      ["M211100", "세전계속사업이익률", ratio(f.pbt, f.rev)],
      ["M211200", "순이익률", ratio(f.ni, f.rev)],
      ["M211550", "ROE", ratio(f.ni, b.te)],
      ["M212000", "총자산영업이익률", ratio(f.op, b.ta)],
    ],
    M220000: [
      ["M221000", "자기자본비율", ratio(b.te, b.ta)],
      ["M221100", "부채비율", ratio(b.tl, b.te)],
      ["M221200", "유동비율", ratio(b.ca, b.cl)],
    ],
  };
  const out: Record<string, Record<string, string>[]> = {};
  for (const cl of Object.keys(INDX_CLASSES) as (keyof typeof INDX_CLASSES)[]) {
    out[`${c.corp_code}|${year}|11011|${cl}`] = defs[cl].map(([code, nm, val]) => ({
      reprt_code: "11011",
      bsns_year: String(year),
      corp_code: c.corp_code,
      stock_code: c.stock_code,
      stlm_dt: `${year}-12-31`,
      idx_cl_code: cl,
      idx_cl_nm: INDX_CLASSES[cl],
      idx_code: code,
      idx_nm: nm,
      idx_val: val,
    }));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// estkRs and the IPO document

function estkGroups(
  c: Co,
  rcept_no: string,
  g: {
    general: Record<string, string>;
    kind: Record<string, string>;
    underwriters: Record<string, string>[];
    uses: [string, number][];
    sellers: Record<string, string>[];
  },
): { title: string; list: Record<string, string>[] }[] {
  const ids = { rcept_no, corp_cls: c.cls, corp_code: c.corp_code, corp_name: c.name };
  return [
    { title: "일반사항", list: [{ ...ids, ...g.general }] },
    { title: "증권의종류", list: [{ ...ids, ...g.kind }] },
    { title: "인수인정보", list: g.underwriters.map((u) => ({ ...ids, ...u })) },
    { title: "자금의사용목적", list: g.uses.map(([se, amt]) => ({ ...ids, se, amt: comma(amt) })) },
    { title: "매출인에관한사항", list: g.sellers.map((s) => ({ ...ids, ...s })) },
  ];
}

function ipoEstk(c: Co, amended: Filing, fixed: Filing): ReturnType<typeof estkGroups> {
  // The registration states the bottom of the band (18,000원); the final price (21,000원) is
  // only in the [발행조건확정] document.
  const price = 18_000;
  const lead = 1_680_000, co = 720_000;
  const sbd0 = bizAfter(fixed.rcept_dt, 2);
  return estkGroups(c, amended.rcept_no, {
    general: {
      sbd: `${koDate(sbd0)} ~ ${koDate(bizAfter(sbd0, 1))}`,
      pymd: koDate(bizDay(2026, 8, 3)),
      sband: koDate(sbd0),
      asand: koDate(bizDay(2026, 8, 3)),
      asstd: "-",
      exstk: "-",
      exprc: "-",
      expd: "-",
      rpt_rcpn: "-",
    },
    kind: {
      stksen: "기명식보통주",
      stkcnt: comma(lead + co),
      fv: "500",
      slprc: comma(price),
      slta: comma((lead + co) * price),
      slmthn: "일반공모",
    },
    underwriters: [
      {
        stksen: "기명식보통주",
        actsen: "대표주관회사",
        actnmn: "한결투자증권",
        udtcnt: comma(lead),
        udtamt: comma(lead * price),
        udtprc: comma(Math.round(lead * price * 0.03)),
        udtmth: "총액인수",
      },
      {
        stksen: "기명식보통주",
        actsen: "인수회사",
        actnmn: "새빛증권",
        udtcnt: comma(co),
        udtamt: comma(co * price),
        udtprc: comma(Math.round(co * price * 0.03)),
        udtmth: "총액인수",
      },
    ],
    // 2,000,000 new shares × 18,000원 = 36,000,000,000원.
    uses: [["운영자금", 34_734_000_000], ["발행제비용", 1_266_000_000]],
    sellers: [{
      hdr: "한결벤처투자조합제3호",
      rl_cmp: "주주",
      bfsl_hdstk: "1,250,000",
      slstk: "400,000",
      atsl_hdstk: "850,000",
    }],
  });
}

function rightsEstk(c: Co, reg: Filing): ReturnType<typeof estkGroups> {
  const shares = 5_000_000, price = 6_120;
  return estkGroups(c, reg.rcept_no, {
    general: {
      sbd: `${koDate(bizDay(2025, 8, 19))} ~ ${koDate(bizDay(2025, 8, 20))}`,
      pymd: koDate(bizDay(2025, 8, 27)),
      sband: koDate(bizDay(2025, 8, 22)),
      asand: koDate(bizDay(2025, 8, 27)),
      asstd: koDate(bizDay(2025, 7, 4)),
      exstk: "-",
      exprc: "-",
      expd: "-",
      rpt_rcpn: "-",
    },
    kind: {
      stksen: "기명식보통주",
      stkcnt: comma(shares),
      fv: "500",
      slprc: comma(price),
      slta: comma(shares * price),
      slmthn: "주주배정후 실권주 일반공모",
    },
    underwriters: [{
      stksen: "기명식보통주",
      actsen: "대표주관회사",
      actnmn: "새빛증권",
      udtcnt: comma(shares),
      udtamt: comma(shares * price),
      udtprc: comma(Math.round(shares * price * 0.025)),
      udtmth: "잔액인수",
    }],
    uses: [["운영자금", 27_900_000_000], ["채무상환자금", 2_700_000_000]],
    sellers: [{ hdr: "-", rl_cmp: "-", bfsl_hdstk: "-", slstk: "-", atsl_hdstk: "-" }],
  });
}

function ipoDocument(c: Co, fixed: Filing): DartDataset["documents"][string] {
  const sbd0 = bizAfter(fixed.rcept_dt, 2);
  const rows: [string, string][] = [
    ["희망공모가액", "18,000원 ~ 21,000원"],
    ["확정공모가액", "21,000원"],
    ["공모주식수", "2,400,000주 (신주모집 2,000,000주, 구주매출 400,000주)"],
    ["공모금액", "50,400,000,000원"],
    ["수요예측일", `${koDate(bizDay(2026, 7, 20))} ~ ${koDate(bizDay(2026, 7, 24))}`],
    ["수요예측 참여건수", "1,842건"],
    ["수요예측 경쟁률", "1,021.37 : 1"],
    ["의무보유확약 비율", "18.64%"],
    ["청약일", `${koDate(sbd0)} ~ ${koDate(bizAfter(sbd0, 1))}`],
    ["납입일", koDate(bizDay(2026, 8, 3))],
    ["상장예정일", koDate(bizDay(2026, 8, 11))],
    ["대표주관회사", "한결투자증권"],
  ];
  const tr = rows.map(([k, v]) =>
    `<TR><TD ALIGN="CENTER" VALIGN="MIDDLE">${k}</TD><TD ALIGN="RIGHT" VALIGN="MIDDLE">${v}</TD></TR>`
  ).join("\n");
  const body = `<?xml version="1.0" encoding="utf-8"?>
<DOCUMENT xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="dart4.xsd">
<DOCUMENT-NAME ACODE="10100">증권신고서(지분증권)</DOCUMENT-NAME>
<FORMULA-VERSION ADATE="20250701">5.1</FORMULA-VERSION>
<COMPANY-NAME AREGCIK="${c.corp_code}">${c.company.corp_name}</COMPANY-NAME>
<SUMMARY><EXTRACTION ACODE="COMPANY_NAME">${c.company.corp_name}</EXTRACTION></SUMMARY>
<BODY>
<COVER>
<COVER-TITLE>[발행조건확정] 증권신고서(지분증권)</COVER-TITLE>
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
${tr}
</TBODY>
</TABLE>
</TABLE-GROUP>
<P>(단위 : 원, 주)</P>
</SECTION-2>
</SECTION-1>
</BODY>
</DOCUMENT>
`;
  // The attachment is served EUC-KR (as older DART entries are); keep its text inside KS X 1001.
  const attachment = `<?xml version="1.0" encoding="euc-kr"?>
<DOCUMENT xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="dart4.xsd">
<DOCUMENT-NAME ACODE="00760">감사보고서</DOCUMENT-NAME>
<FORMULA-VERSION ADATE="20250701">5.1</FORMULA-VERSION>
<COMPANY-NAME AREGCIK="${c.corp_code}">${c.company.corp_name}</COMPANY-NAME>
<BODY>
<P>[첨부] 감사인의 감사보고서 (제 10 기, 2025.01.01 ~ 2025.12.31), 가상 샘플 문서</P>
<P>감사의견: 적정 / 감사인: 바른회계법인</P>
</BODY>
</DOCUMENT>
`;
  return [
    { name: `${fixed.rcept_no}.xml`, content: body, encoding: "utf-8" },
    { name: `${fixed.rcept_no}_00760.xml`, content: attachment, encoding: "euc-kr" },
  ];
}

// ---------------------------------------------------------------------------------------
// filler corps (CORPCODE.xml rows only)

// deno-fmt-ignore
const FILL_PREFIX: [string, string][] = [
  ["가온", "GAON"], ["나래", "NARAE"], ["다솜", "DASOM"], ["라온", "RAON"], ["마루", "MARU"],
  ["바른", "BARUN"], ["아라", "ARA"], ["하늘", "HANEUL"], ["해솔", "HAESOL"], ["별빛", "BYEOLBIT"],
  ["은하", "EUNHA"], ["청솔", "CHEONGSOL"], ["한결", "HANGYEOL"], ["으뜸", "EUTTEUM"], ["슬기", "SEULGI"],
  ["보람", "BORAM"], ["새빛", "SAEBIT"], ["동녘", "DONGNYEOK"], ["서림", "SEORIM"], ["미리내", "MIRINAE"],
  ["온누리", "ONNURI"], ["푸른솔", "PUREUNSOL"], ["한빛", "HANBIT"], ["누리", "NURI"], ["세온", "SEON"],
  ["가람", "GARAM"], ["미르", "MIR"], ["하람", "HARAM"], ["다온", "DAON"], ["초롱", "CHORONG"],
  ["든솔", "DEUNSOL"], ["윤슬", "YUNSEUL"], ["여울", "YEOUL"], ["너울", "NEOUL"], ["마중", "MAJUNG"],
];

// deno-fmt-ignore
const FILL_SUFFIX: [string, string][] = [
  ["전자", "ELECTRONICS"], ["정밀", "PRECISION"], ["화학", "CHEMICAL"], ["건설", "CONSTRUCTION"],
  ["물산", "TRADING"], ["제약", "PHARM"], ["바이오텍", "BIOTECH"], ["테크", "TECH"], ["시스템", "SYSTEMS"],
  ["네트웍스", "NETWORKS"], ["푸드", "FOOD"], ["에너지", "ENERGY"], ["소재", "MATERIALS"], ["모터스", "MOTORS"],
  ["반도체장비", "SEMICONDUCTOR EQUIPMENT"], ["디스플레이", "DISPLAY"], ["산업", "INDUSTRIAL"],
  ["개발", "DEVELOPMENT"], ["홀딩스", "HOLDINGS"], ["엔터테인먼트", "ENTERTAINMENT"], ["로지스", "LOGIS"],
  ["메디칼", "MEDICAL"], ["인베스트먼트", "INVESTMENT"], ["파트너스", "PARTNERS"], ["코스메틱", "COSMETIC"],
];

const ENG_FORMS = ["CO., LTD.", "CO.,LTD", "INC.", "CORP.", "CO., LTD"];

function fillerCorps(taken: Set<string>, takenStock: Set<string>): DartDataset["corps"] {
  const rng = rngFor("corps");
  const out: DartDataset["corps"] = [];
  const corpCode = () => {
    for (;;) {
      const code = (rng() < 0.75 ? "00" : "01") + String(intIn(rng, 0, 999_999)).padStart(6, "0");
      if (!taken.has(code)) {
        taken.add(code);
        return code;
      }
    }
  };
  const stockCode = (letter: boolean) => {
    for (;;) {
      const code = letter
        ? `00${intIn(rng, 10, 99)}${pick(rng, [..."ABCDEFGHJKLMNPRSTVWXZ"])}0`
        : String(intIn(rng, 100, 49_999) * 10).padStart(6, "0");
      if (!takenStock.has(code)) {
        takenStock.add(code);
        return code;
      }
    }
  };
  const modify = () =>
    `${intIn(rng, 2016, 2026)}${String(intIn(rng, 1, 12)).padStart(2, "0")}${
      String(intIn(rng, 1, 28)).padStart(2, "0")
    }`;
  const clampDate = (d: string) => (d > AS_OF_YMD ? "20261102" : d);

  const names = new Set<string>();
  while (out.length < 296) {
    const [pk, pe] = pick(rng, FILL_PREFIX);
    const [sk, se] = pick(rng, FILL_SUFFIX);
    const name = pk + sk;
    if (names.has(name)) continue;
    names.add(name);
    const listed = rng() < 0.4;
    const blankEng = !listed && rng() < 0.2;
    out.push({
      corp_code: corpCode(),
      corp_name: name,
      corp_eng_name: blankEng ? "" : `${pe} ${se} ${pick(rng, ENG_FORMS)}`,
      stock_code: listed ? stockCode(rng() < 0.04) : "",
      modify_date: clampDate(modify()),
    });
  }
  // Fixed oddities: an `&` in English names (escaped by the server), a name shared by two
  // corp_codes (as in the real file), and look-alikes of featured names.
  // deno-fmt-ignore
  out.push(
    { corp_code: corpCode(), corp_name: "가람피앤씨", corp_eng_name: "GARAM P&C CO., LTD.", stock_code: "", modify_date: "20230418" },
    { corp_code: corpCode(), corp_name: "한결앤파트너스", corp_eng_name: "HANGYEOL & PARTNERS CO., LTD.", stock_code: stockCode(false), modify_date: "20250611" },
    { corp_code: corpCode(), corp_name: "동녘물산", corp_eng_name: "", stock_code: "", modify_date: "20190307" },
    { corp_code: corpCode(), corp_name: "동녘물산", corp_eng_name: "DONGNYEOK TRADING CO., LTD.", stock_code: stockCode(false), modify_date: "20240902" },
  );
  return out;
}

// ---------------------------------------------------------------------------------------
// traded companies: DART data of every other company the KRX sample trades

// deno-fmt-ignore
const SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"];
// deno-fmt-ignore
const GIVEN = [
  "민준", "서연", "도윤", "지우", "하준", "서윤", "시우", "하은", "지호", "수아", "준서", "지민", "예준",
  "채원", "현우", "다은", "건우", "소율", "우진", "지아", "선우", "윤서", "연우", "민서", "정우", "예린",
  "승현", "유진", "재원", "가은",
];
/** Road-name stems and area codes (the building numbers are drawn). */
// deno-fmt-ignore
const PLACES: [string, string][] = [
  ["서울특별시 강남구 테헤란로", "02"], ["서울특별시 영등포구 여의대로", "02"],
  ["서울특별시 금천구 가산디지털1로", "02"], ["서울특별시 마포구 월드컵북로", "02"],
  ["경기도 성남시 분당구 판교역로", "031"], ["경기도 수원시 영통구 광교로", "031"],
  ["경기도 안산시 단원구 산단로", "031"], ["인천광역시 연수구 송도과학로", "032"],
  ["대전광역시 유성구 대덕대로", "042"], ["대구광역시 달서구 성서공단로", "053"],
  ["부산광역시 해운대구 센텀중앙로", "051"], ["광주광역시 북구 첨단과기로", "062"],
  ["충청북도 청주시 흥덕구 오송생명로", "043"], ["경상남도 창원시 성산구 공단로", "055"],
];
/** KSIC industry codes by name ending (fillers are named prefix + suffix). */
// deno-fmt-ignore
const INDUTY: [string, string][] = [
  ["반도체장비", "29271"], ["전자", "26299"], ["정밀", "29199"], ["화학", "20119"], ["건설", "41221"],
  ["물산", "46109"], ["제약", "21210"], ["바이오텍", "70113"], ["테크", "58221"], ["시스템", "62010"],
  ["네트웍스", "61220"], ["푸드", "10799"], ["에너지", "35113"], ["소재", "20499"], ["모터스", "30332"],
  ["디스플레이", "26221"], ["산업", "25999"], ["개발", "68112"], ["홀딩스", "71510"],
  ["엔터테인먼트", "59114"], ["로지스", "49401"], ["메디칼", "27112"], ["인베스트먼트", "64201"],
  ["파트너스", "71531"], ["코스메틱", "20423"],
];
const FUNDS = ["한결자산운용", "새빛자산운용", "온누리파트너스", "보람투자자문", "가온자산운용"];

const personName = (rng: Rng) => pick(rng, SURNAMES) + pick(rng, GIVEN);
const ymdOf = (date: string) => date.replaceAll("-", "");

/**
 * A traded company's statements plan, scaled from its market value (원): revenue from a
 * price/sales multiple, equity from a price/book multiple, loss-making when the name says
 * bio/pharma. `raise`: new shares issued at listing (a listing inside 2019–2026).
 */
function tradedPlan(
  rng: Rng,
  p: {
    name: string;
    cls: Cls;
    mcap: number;
    shares: number;
    par: number;
    raise: { year: number; shares: number; price: number } | null;
  },
): Plan {
  const bio = /바이오|제약|메디칼/.test(p.name);
  const fin = /홀딩스|인베스트먼트|파트너스/.test(p.name);
  const mcap = p.mcap / EOK;
  const logU = (lo: number, hi: number) => Math.exp(uniform(rng, Math.log(lo), Math.log(hi)));
  const rev25 = mcap / logU(bio ? 3 : 0.4, bio ? 15 : 3.2);
  const g = uniform(rng, -0.06, bio ? 0.35 : 0.16);
  const round1 = (x: number) => Math.max(1, Math.round(x * 10) / 10);
  const rev = [0, 1, 2, 3, 4, 5, 6].map((i) =>
    round1(rev25 / (1 + g) ** (6 - i) * jitter(rng, 0.06))
  );
  const base = bio ? uniform(rng, -0.5, 0.02) : uniform(rng, -0.03, 0.16);
  const opm = [0, 1, 2, 3, 4, 5, 6, 7].map(() =>
    Math.round((base + uniform(rng, -0.035, 0.035)) * 1000) / 1000
  );
  const gm = Math.min(0.9, Math.max(...opm) + uniform(rng, 0.08, 0.3));
  const before = p.shares - (p.raise?.shares ?? 0);
  const cap0 = Math.max(0.5, Math.round(before * p.par / EOK * 10) / 10);
  // Enough equity for the plan's losses, and more than the share capital.
  const worstLoss = Math.max(0, -Math.min(...opm)) * Math.max(...rev);
  const eq0 = Math.round(
    Math.max(mcap / logU(0.5, bio ? 6 : 2.6) * uniform(rng, 0.6, 0.9), worstLoss * 8, cap0 * 2),
  );
  const re0 = Math.round((eq0 - cap0) * uniform(rng, 0.3, 0.85) * (bio ? -0.4 : 1));
  return {
    unit: rng() < (p.cls === "Y" ? 0.7 : 0.3) ? 1_000_000 : 1,
    rev,
    rev9m26: round1(rev[6] * (1 + g) * uniform(rng, 0.7, 0.76)),
    opm,
    gm: Math.round(gm * 1000) / 1000,
    eq0,
    re0,
    cap0,
    par: p.par,
    dr: uniform(rng, 0.2, fin ? 2 : 1.3),
    clShare: uniform(rng, 0.45, 0.8),
    caShare: uniform(rng, 0.3, 0.7),
    cashShare: uniform(rng, 0.15, 0.5),
    payout: base > 0.04 && !bio ? uniform(rng, 0, 0.35) : 0,
    raises: p.raise && p.raise.year >= 2019 && p.raise.year <= 2026
      ? { [p.raise.year]: { shares: p.raise.shares, price: p.raise.price } }
      : {},
    ofsRev: uniform(rng, 0.65, 1),
    ofsEq: uniform(rng, 0.85, 1),
    revLabel: fin ? "영업수익" : "매출액",
    opLabel: Math.min(...opm) < 0 ? "영업이익(손실)" : "영업이익",
  };
}

/** company.json of a filler: legal form, CEO, address, numbers, industry — all drawn. */
function fillerCompanyFields(rng: Rng, name: string, eng: string, estYear: number) {
  const [road, area] = pick(rng, PLACES);
  const tel = `${area}-${intIn(rng, 2000, 8999)}-${intIn(rng, 1000, 9800)}`;
  const slug = eng.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).slice(0, 2).join("-");
  const u = rng();
  return {
    legal: u < 0.5 ? `${name}(주)` : u < 0.8 ? `주식회사 ${name}` : `(주)${name}`,
    ceo: rng() < 0.15 ? `${personName(rng)}, ${personName(rng)}` : personName(rng),
    jurir: `${pick(rng, ["110111", "131111", "134611", "160111", "120111", "180111"])}${
      String(intIn(rng, 0, 9_999_999)).padStart(7, "0")
    }`,
    bizr: `${intIn(rng, 101, 899)}${intIn(rng, 81, 88)}${
      String(intIn(rng, 0, 99_999)).padStart(5, "0")
    }`,
    adres: `${road} ${intIn(rng, 3, 420)}`,
    hm: `www.${slug || "kdesk-sample"}.example.kr`,
    phn: tel,
    fax: tel.replace(/\d{4}$/, (d) => String(Number(d) + 9)),
    induty: INDUTY.find(([suffix]) => name.endsWith(suffix))?.[1] ?? "46900",
    est: `${estYear}${String(intIn(rng, 1, 12)).padStart(2, "0")}${
      String(intIn(rng, 1, 28)).padStart(2, "0")
    }`,
  };
}

/** A business day drawn between two YYYYMMDD dates (null when none fits before `to`). */
function bizDayBetween(rng: Rng, from: string, to: string): string | null {
  const t0 = Date.UTC(+from.slice(0, 4), +from.slice(4, 6) - 1, +from.slice(6, 8));
  const t1 = Date.UTC(+to.slice(0, 4), +to.slice(4, 6) - 1, +to.slice(6, 8));
  const span = Math.floor((t1 - t0) / 86400_000) - 4;
  if (span < 0) return null;
  const d = new Date(t0 + intIn(rng, 0, span) * 86400_000);
  const ymd = bizDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  return ymd <= to ? ymd : null;
}

/**
 * A traded company's filings: its 사업보고서 (`annualYears`), interim reports due after
 * listing (non-KONEX), shareholder meetings and audit notices after listing, and a few
 * ordinary disclosures since 2025. Sets `c.interim` to whether the 2026 3분기 report exists.
 */
function tradedFilings(book: FilingBook, c: Co, listed: string, rng: Rng): ReportIndex {
  const idx: ReportIndex = new Map();
  const listedYmd = ymdOf(listed);
  const rm = c.plan ? "연" : "";
  const day = (y: number, m: number, lo: number, hi: number) => bizDay(y, m, intIn(rng, lo, hi));
  for (const fy of c.annualYears) {
    const f = book.fss(c, day(fy + 1, 3, 12, 24), `사업보고서 (${fy}.12)`, { rm });
    idx.set(`${fy}|11011`, f.rcept_no);
  }
  if (c.cls !== "N") {
    for (const p of PERIODIC) {
      const d = day(p.year, p.due[0], p.due[1] - 4, p.due[1] + 2);
      if (d <= listedYmd || d > AS_OF_YMD) continue;
      idx.set(`${p.year}|${p.reprt}`, book.fss(c, d, p.nm, { rm }).rcept_no);
    }
  }
  c.interim = idx.has("2026|11014");
  for (const y of [2025, 2026]) {
    const meeting = day(y, 2, 23, 27);
    if (c.cls !== "N" && meeting > listedYmd) book.fss(c, meeting, "주주총회소집공고");
    const audit = day(y, 3, 2, 6);
    if (audit > listedYmd) book.exchange(c, audit, "감사보고서제출");
    const result = day(y, 3, 25, 28);
    if (result > listedYmd) book.exchange(c, result, "정기주주총회결과");
  }
  if (c.plan?.payout) {
    for (const y of [2025, 2026]) {
      const d = day(y, 2, 5, 14);
      if (d > listedYmd) book.exchange(c, d, "현금ㆍ현물배당결정");
    }
  }
  const from = listedYmd > "20250102" ? listedYmd : "20250102";
  for (let n = intIn(rng, 2, 4); n > 0; n--) {
    const d = bizDayBetween(rng, from, AS_OF_YMD);
    if (!d) break;
    const u = rng();
    if (u < 0.3) {
      const sale = book.exchange(c, d, "단일판매ㆍ공급계약체결");
      const fix = bizDayBetween(rng, d, AS_OF_YMD);
      if (fix && rng() < 0.35) book.amend(sale, fix, "[기재정정]");
    } else if (u < 0.5) book.exchange(c, d, "기업설명회(IR)개최(안내공시)");
    else if (u < 0.7) {
      book.fss(c, d, "임원ㆍ주요주주특정증권등소유상황보고서", { flr: personName(rng) });
    } else if (u < 0.85) {
      book.fss(c, d, "주식등의대량보유상황보고서(약식)", { flr: pick(rng, FUNDS) });
    } else book.exchange(c, d, "기타경영사항(자율공시)" + TRAILING);
  }
  return idx;
}

/**
 * Adds DART company data for every company the KRX sample trades beyond the featured ones,
 * in place: the listed IPO deals (their company.json comes from `ipo_deals.ts`) and the
 * `FILLERS` (`listings.ts`) filler instruments (company.json made here). Each gets 사업보고서
 * statements (fnlttSinglAcnt/All, fnlttSinglIndx from FY2023) scaled from its KRX listing,
 * periodic and ordinary filings, so the sample ETL builds a full snapshot for it. A SPAC
 * founded this year has no annual report yet (no statements). Receipt numbers never collide
 * with the dataset's.
 */
function addTradedCompanies(ds: DartDataset): DartDataset {
  const featuredSet = new Set<string>(SAMPLE_CORP_CODES);
  const priced = pricedCompanies(ds, featuredSet);
  const used = new Set(priced.map((p) => p.company.stock_code));
  const book = new FilingBook(rngFor("filings|traded"), new Set(ds.filings.map((f) => f.rcept_no)));
  const cos: { co: Co; listed: string }[] = [];

  for (const { corp_code, company: json, deal } of priced) {
    if (featuredSet.has(corp_code) || !deal?.stock_code) continue;
    const rng = rngFor(`traded|${corp_code}`);
    const o = deal.offering;
    const listed = dealListingDate(deal);
    const estYear = Number(json.est_dt.slice(0, 4));
    const shares = deal.listing?.listed_shares ?? (o ? o.shares_new + o.shares_old : 5_000_000);
    const price = dealBasePrice(deal);
    const cls = json.corp_cls as Cls;
    // A company founded last year or later (a SPAC) has filed no 사업보고서 yet.
    const plan = estYear >= 2025 ? undefined : tradedPlan(rng, {
      name: deal.dart_name,
      cls,
      mcap: price * shares,
      shares,
      par: o?.par ?? 500,
      raise: o ? { year: Number(listed.slice(0, 4)), shares: o.shares_new, price } : null,
    });
    const first = Math.max(2022, estYear + 1);
    cos.push({
      listed,
      co: {
        corp_code,
        name: deal.dart_name,
        eng: deal.eng,
        stock_code: deal.stock_code,
        cls,
        estYear,
        modify_date: ds.corps.find((c) => c.corp_code === corp_code)?.modify_date ?? AS_OF_YMD,
        company: json,
        plan,
        annualYears: plan ? Array.from({ length: 2026 - first }, (_, i) => first + i) : [],
        interim: false,
        allOfs: rng() < 0.5,
      },
    });
  }

  for (const f of fillerListings(ds, used)) {
    const rng = rngFor(`traded|${f.corp.corp_code}`);
    const cls = CLS_OF_MARKET[f.market];
    const listedYear = Number(f.listed.slice(0, 4));
    const estYear = Math.max(1950, Math.min(listedYear, 2019) - intIn(rng, 2, 20));
    const eng = f.corp.corp_eng_name || `${f.corp.corp_name} CO., LTD.`;
    const raise = f.inWindow
      ? { year: listedYear, shares: Math.round(f.shares * 0.2 / 100) * 100, price: f.start }
      : null;
    const plan = tradedPlan(rng, {
      name: f.corp.corp_name,
      cls,
      mcap: f.start * f.shares,
      shares: f.shares,
      par: f.par ?? 500,
      raise,
    });
    const first = Math.max(2021, listedYear);
    cos.push({
      listed: f.listed,
      co: company({
        corp_code: f.corp.corp_code,
        name: f.corp.corp_name,
        eng,
        stock_code: f.corp.stock_code!,
        cls,
        estYear,
        modify_date: f.corp.modify_date,
        plan,
        annualYears: Array.from({ length: Math.max(0, 2026 - first) }, (_, i) => first + i),
        interim: false,
        allOfs: rng() < 0.5,
      }, fillerCompanyFields(rng, f.corp.corp_name, eng, estYear)),
    });
  }

  const reports = new Map<string, ReportIndex>();
  for (const { co, listed } of cos) {
    reports.set(co.corp_code, tradedFilings(book, co, listed, rngFor(`filings|${co.corp_code}`)));
    ds.companies[co.corp_code] = co.company;
  }
  addStatements(ds, cos.map((x) => x.co), reports, true);
  ds.filings.push(...book.rows);
  ds.filings.sort(byReceiptDesc);
  return ds;
}

// ---------------------------------------------------------------------------------------
// the dataset

/** Options of {@linkcode buildSampleDataset}. */
export interface SampleDatasetOptions {
  /**
   * Also add the fictional IPO pipeline of `sample/ipo_deals.ts` (about 15 more companies with
   * C001 chains, estkRs and documents, plus an unlisted namesake). Off by default: the base
   * dataset's tests pin exactly one 2026 IPO chain.
   */
  ipoDeals?: boolean;
  /**
   * Also add DART company data (company.json, 사업보고서 statements and indicators, periodic
   * and ordinary filings) for every company the KRX sample trades that is not featured: the
   * listed IPO deals and the `FILLERS` (`listings.ts`) filler instruments. Implies `ipoDeals`.
   * The app's sample loads this full set.
   */
  tradedCompanies?: boolean;
}

/** Statement work done by {@linkcode buildSampleDataset} and lazy reads (process-wide). */
const work = { series: 0, rowSets: 0 };

/**
 * How much statement data the sample has generated so far in this process: `series` (a
 * company's CFS + OFS figures, made once per company and dataset) and `rowSets` (one
 * fnlttSinglAcnt / fnlttSinglAcntAll / fnlttSinglIndx entry each; a lazy entry counts when
 * first read). The expensive part of the sample, counted so tests can show what is built
 * eagerly and what only on read (bench/sample_build.ts times it).
 */
export function sampleStatementWork(): { series: number; rowSets: number } {
  return { ...work };
}

/** Builds the full (fictional) sample dataset. Deterministic; returns a fresh object each call. */
export function buildSampleDataset(opts: SampleDatasetOptions = {}): DartDataset {
  const ds = buildBaseDataset();
  if (opts.ipoDeals || opts.tradedCompanies) addIpoDealsToDart(ds);
  return opts.tradedCompanies ? addTradedCompanies(ds) : ds;
}

/**
 * A map entry built on its first read (then kept; assignable): a company's statement rows
 * cost far more than everything else in the dataset, and the sample ETL reads only some of
 * them (the app builds the traded companies on demand).
 *
 * `JSON.stringify` of the map (the sample's fingerprint) does not build it: the map's
 * non-enumerable `toJSON` writes `{ lazy: inputs }` for an entry never assigned, where
 * `inputs` is everything its rows are made from (the generating code is covered by the
 * featured companies' rows, built eagerly by the same functions).
 */
function lazyEntry<T>(map: Record<string, T>, key: string, inputs: unknown, build: () => T): void {
  let value: T | undefined;
  let assigned = false;
  Object.defineProperty(map, key, {
    enumerable: true,
    configurable: true,
    get: () => (value ??= build()),
    set: (v: T) => {
      value = v;
      assigned = true;
    },
  });
  lazyDescriptors(map).set(key, () => (assigned ? value : { lazy: inputs }));
}

const LAZY = new WeakMap<object, Map<string, () => unknown>>();

function lazyDescriptors(map: Record<string, unknown>): Map<string, () => unknown> {
  let d = LAZY.get(map);
  if (!d) {
    const descriptors = d = new Map();
    LAZY.set(map, d);
    Object.defineProperty(map, "toJSON", {
      enumerable: false,
      value: () =>
        Object.fromEntries(
          Object.keys(map).map((k) => [k, descriptors.get(k)?.() ?? map[k]]),
        ),
    });
  }
  return d;
}

/**
 * fnlttSinglAcnt, fnlttSinglAcntAll and fnlttSinglIndx rows of companies with a plan: each
 * annual report of `annualYears`, and the 2026 3분기 report of interim filers. `lazy`: the
 * rows are built when first read ({@linkcode lazyEntry}).
 */
function addStatements(
  out: Pick<DartDataset, "singleAcnt" | "singleAcntAll" | "singleIndx">,
  cos: Co[],
  reports: Map<string, ReportIndex>,
  lazy = false,
): void {
  for (const c of cos) {
    if (!c.plan) continue;
    let built: { CFS: Series; OFS: Series } | undefined;
    const series = () =>
      built ??= (work.series++, {
        CFS: buildSeries(c.plan!, rngFor(`series|${c.corp_code}|CFS`)),
        OFS: buildSeries(ofsPlan(c.plan!), rngFor(`series|${c.corp_code}|OFS`)),
      });
    const put = <T>(map: Record<string, T>, key: string, inputs: unknown, make: () => T) => {
      const build = () => (work.rowSets++, make());
      if (lazy) lazyEntry(map, key, inputs, build);
      else map[key] = build();
    };
    const co = { plan: c.plan, estYear: c.estYear, stock_code: c.stock_code, allOfs: c.allOfs };
    const idx = reports.get(c.corp_code)!;
    const periods: [number, "11011" | "11014"][] = c.annualYears.map((y) => [y, "11011"]);
    if (c.interim) periods.push([2026, "11014"]);
    for (const [year, reprt] of periods) {
      const rcept = idx.get(`${year}|${reprt}`);
      if (!rcept) throw new Error(`sample: no filing for ${c.name} ${year} ${reprt}`);
      const inputs = { co, year, reprt, rcept };
      put(
        out.singleAcnt,
        `${c.corp_code}|${year}|${reprt}`,
        inputs,
        () => singleAcntRows(c, year, reprt, rcept, series()),
      );
      const fsList = c.allOfs ? (["CFS", "OFS"] as const) : (["CFS"] as const);
      for (const fs of fsList) {
        put(
          out.singleAcntAll,
          `${c.corp_code}|${year}|${reprt}|${fs}`,
          inputs,
          () => singleAcntAllRows(c, year, reprt, rcept, series()[fs]),
        );
      }
      if (reprt === "11011" && year >= 2023) {
        for (const cl of Object.keys(INDX_CLASSES) as (keyof typeof INDX_CLASSES)[]) {
          const key = `${c.corp_code}|${year}|11011|${cl}`;
          put(out.singleIndx, key, inputs, () => indxRows(c, year, series().CFS)[key]);
        }
      }
    }
  }
}

function buildBaseDataset(): DartDataset {
  const cos = featured();
  const { rows: filings, reports, ipo, rights } = buildFilings(cos);

  const singleAcnt: DartDataset["singleAcnt"] = {};
  const singleAcntAll: DartDataset["singleAcntAll"] = {};
  const singleIndx: DartDataset["singleIndx"] = {};
  const estkRs: DartDataset["estkRs"] = {};
  const documents: DartDataset["documents"] = {};
  addStatements({ singleAcnt, singleAcntAll, singleIndx }, cos, reports);

  const haram = cos.find((c) => c.name === "하람로보틱스")!;
  const nuri = cos.find((c) => c.name === "누리바이오")!;
  estkRs[haram.corp_code] = ipoEstk(haram, ipo.amended, ipo.fixed);
  estkRs[nuri.corp_code] = rightsEstk(nuri, rights[nuri.corp_code]);
  documents[ipo.fixed.rcept_no] = ipoDocument(haram, ipo.fixed);

  const taken = new Set<string>(cos.map((c) => c.corp_code));
  const takenStock = new Set<string>(cos.map((c) => c.stock_code).filter((s) => s));
  const corps: DartDataset["corps"] = [
    ...cos.map((c) => ({
      corp_code: c.corp_code,
      corp_name: c.name,
      corp_eng_name: c.eng,
      stock_code: c.stock_code,
      modify_date: c.modify_date,
    })),
    ...fillerCorps(taken, takenStock),
  ];
  // CORPCODE.xml has no meaningful order; interleave featured and filler rows deterministically.
  const shuffle = rngFor("corps-order");
  for (let i = corps.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [corps[i], corps[j]] = [corps[j], corps[i]];
  }

  return {
    corps,
    companies: Object.fromEntries(cos.map((c) => [c.corp_code, { ...c.company }])),
    filings,
    singleAcnt,
    singleAcntAll,
    singleIndx,
    estkRs,
    documents,
  };
}
