/**
 * The IPO document fixtures of `tests/fixtures/dart/documents/` and how they are built:
 * generated ones go through the same writer as the sample dataset
 * (`lib/sources/dart/documents/ipo_template.ts`), hand-written ones (`*.xml.txt` in that
 * folder) are only zipped. `deno run -A scripts/ipo_doc_fixtures.ts` rewrites the ZIPs;
 * `tests/ipo_documents_fixtures_test.ts` fails when a committed ZIP differs from a rebuild.
 *
 * The deal is fictional (한울바이오텍, corp_code 01999001).
 *
 * @module
 */
import {
  type DartDatasetDocument,
  type DemandClassInput,
  type IpoDocInput,
  ipoDocSpec,
  writeDocumentZip,
  writeDsd,
} from "../../lib/sources/dart/documents/mod.ts";

export const FIXTURE_DIR = new URL("../fixtures/dart/documents/", import.meta.url);

export const RCEPT = {
  registration: "20260602000311",
  terms: "20260709000412",
  prospectus: "20260709000415",
  result: "20260717000208",
  quirks: "20260709000412",
  unmappable: "20260709000499",
} as const;

export const REPORT_NM = {
  registration: "증권신고서(지분증권)",
  terms: "[발행조건확정]증권신고서(지분증권)",
  prospectus: "투자설명서",
  result: "증권발행실적보고서",
} as const;

const lock = (
  period: "6개월" | "3개월" | "1개월" | "15일",
  count: number,
  shares: number,
) => ({ period, count, shares });

/** The nine investor classes of a 2026 [발행조건확정] (columns of the real 수요예측 tables). */
export const DEMAND_CLASSES: DemandClassInput[] = [
  {
    path: ["국내기관투자자", "운용사(집합) (주1)", "공모"],
    count: 612,
    shares: 520_420_000,
    avgPrice: 19_500,
    lockup: [
      lock("6개월", 6, 5_029_000),
      lock("3개월", 4, 3_471_000),
      lock("1개월", 25, 20_284_000),
      lock("15일", 90, 80_191_000),
    ],
  },
  {
    path: ["국내기관투자자", "운용사(집합) (주1)", "사모"],
    count: 455,
    shares: 310_115_000,
    avgPrice: 19_500,
    lockup: [
      lock("6개월", 2, 2_000_000),
      lock("1개월", 12, 10_000_000),
      lock("15일", 31, 30_000_000),
    ],
  },
  {
    path: ["국내기관투자자", "운용사(고유)"],
    count: 98,
    shares: 90_350_000,
    avgPrice: 19_500,
    lockup: [lock("6개월", 1, 1_000_000)],
  },
  {
    path: ["국내기관투자자", "투자매매ㆍ중개업자"],
    count: 110,
    shares: 80_140_000,
    avgPrice: 19_500,
    lockup: [lock("15일", 14, 15_000_000)],
  },
  {
    path: ["국내기관투자자", "연기금,은행, 보험"],
    count: 72,
    shares: 70_210_000,
    avgPrice: 19_500,
    lockup: [lock("1개월", 5, 6_000_000)],
  },
  {
    path: ["국내기관투자자", "투자일임사(고유, 일임)"],
    count: 301,
    shares: 150_633_000,
    avgPrice: 19_500,
    lockup: [lock("3개월", 3, 2_000_000)],
  },
  {
    path: ["국내기관투자자", "기타"],
    count: 250,
    shares: 45_320_000,
    avgPrice: 19_500,
    lockup: [],
  },
  {
    path: ["해외기관투자자", "거래실적 유(주2)"],
    count: 280,
    shares: 402_812_000,
    avgPrice: 19_500,
    lockup: [lock("6개월", 1, 1_000_000), lock("15일", 9, 10_000_000)],
  },
  {
    path: ["해외기관투자자", "거래실적 무"],
    count: 3,
    shares: 1_000_000,
    avgPrice: 19_500,
    lockup: [],
  },
];

/** The offering every generated fixture describes (numbers as a filer computes them). */
export function fixtureDeal(kind: IpoDocInput["kind"]): IpoDocInput {
  const pre = kind === "registration" || kind === "amendment";
  return {
    kind,
    rcept_no: RCEPT[kind as keyof typeof RCEPT],
    corp_code: "01999001",
    company: "(주)한울바이오텍",
    par: 500,
    band: [16_500, 19_500],
    final_price: pre ? null : 19_500,
    shares_new: 2_000_000,
    shares_old: 400_000,
    sellers: [{
      name: "한결벤처투자조합제3호",
      relation: "주주",
      before: 1_250_000,
      sold: 400_000,
      after: 850_000,
    }],
    allocation: pre
      ? {
        employees: 240_000,
        institutions: [1_440_000, 1_560_000],
        retail: [600_000, 720_000],
        retail_equal_pct: 50,
        priority: { label: "벤처기업투자신탁 우선배정", shares: [576_000, 624_000] },
      }
      : {
        employees: 240_000,
        institutions: 1_560_000,
        retail: 600_000,
        retail_equal_pct: 50,
        priority: { label: "벤처기업투자신탁 우선배정", shares: 624_000 },
      },
    underwriters: [
      {
        name: "한결투자증권",
        role: "대표주관회사",
        address: "서울특별시 영등포구 여의대로 24",
        shares: 1_680_000,
        fee_pct: 3,
      },
      {
        name: "새빛증권",
        role: "인수회사",
        address: "서울특별시 중구 을지로 76",
        shares: 720_000,
        fee_pct: 3,
      },
    ],
    schedule: {
      bookbuilding: { from: "2026-07-02", to: "2026-07-08" },
      subscription: { from: "2026-07-13", to: "2026-07-14" },
      allotment_notice: "2026-07-16",
      refund: "2026-07-16",
      payment: "2026-07-16",
      listing: pre ? null : "2026-07-24",
    },
    terms: {
      deposit_rate: 50,
      min_shares: 10,
      limits: [
        { name: "한결투자증권", general: 15_000, preferred: 30_000 },
        { name: "새빛증권", general: 6_000, preferred: 9_000 },
      ],
      putback: { price_pct: 90, months: 6 },
      overallotment: null,
    },
    demand: pre ? undefined : {
      classes: DEMAND_CLASSES,
      inst_allocation: 1_560_000,
      split_at: 5,
      prices: [
        { label: "가격 미제시", count: 17, shares: 14_833_000 },
        { label: "19,500원(상단) 초과", count: 62, shares: 40_879_000 },
        { label: "19,500원(상단)", count: 2_087, shares: 1_599_650_000 },
        { label: "16,500원 초과 ~ 19,500원 미만", count: 3, shares: 2_974_000 },
        { label: "16,500원(하단)", count: 12, shares: 12_664_000 },
        { label: "16,500원(하단) 미만", count: 0, shares: 0 },
      ],
    },
    result: kind !== "result" ? undefined : {
      groups: [
        {
          label: "우리사주조합",
          initial: 240_000,
          applications: 85,
          applied: 231_420,
          final_count: 85,
          final: 231_420,
        },
        {
          label: "기관투자자",
          initial: 1_560_000,
          applications: 1_893,
          applied: 1_560_000,
          final_count: 1_893,
          final: 1_560_000,
        },
        {
          label: "일반투자자",
          initial: 600_000,
          applications: 412_306,
          applied: 812_345_670,
          final_count: 412_306,
          final: 608_580,
        },
      ],
      lockup_allocated: [
        { period: "15일", shares: 83_150 },
        { period: "1개월", shares: 151_465 },
        { period: "3개월", shares: 520_076 },
        { period: "6개월", shares: 205_309 },
        { period: "미확약", shares: 600_000 },
      ],
    },
    float: {
      listed: 10_000_000,
      rows: [
        {
          group: "유통제한물량",
          holder: "최대주주 등",
          shares: 4_200_000,
          period: "상장 후 6개월",
        },
        { group: "유통제한물량", holder: "우리사주조합", shares: 240_000, period: "상장 후 1년" },
        {
          group: "유통제한물량",
          holder: "상장주선인 의무인수분",
          shares: 60_000,
          period: "상장 후 3개월",
        },
        {
          group: "유통제한물량",
          holder: "벤처금융 및 전문투자자",
          shares: 1_100_000,
          period: "상장 후 1개월",
        },
        { group: "유통가능물량", holder: "기존주주", shares: 2_240_000, period: "-" },
        { group: "유통가능물량", holder: "공모주주", shares: 2_160_000, period: "-" },
      ],
    },
  };
}

const AUDIT = (rcept: string) =>
  `<?xml version="1.0" encoding="utf-8"?>
<DOCUMENT xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="dart4.xsd">
<DOCUMENT-NAME ACODE="00760">감사보고서</DOCUMENT-NAME>
<FORMULA-VERSION ADATE="20250901">6.1</FORMULA-VERSION>
<COMPANY-NAME AREGCIK="01999001">(주)한울바이오텍</COMPANY-NAME>
<BODY>
<P>[첨부] 독립된 감사인의 감사보고서 (제 11 기 2025.01.01 ~ 2025.12.31), 가상 문서 ${rcept}</P>
<P>감사의견: 적정</P>
</BODY>
</DOCUMENT>
`;

/** One fixture ZIP: its file name and members. */
export interface FixtureZip {
  file: string;
  rcept_no: string;
  report_nm: string;
  rcept_dt: string;
  members: DartDatasetDocument[];
  /** The main member's text, also written next to the ZIP as `<file>.xml.txt` (generated ones). */
  readable?: string;
}

const gen = (d: IpoDocInput) => writeDsd(ipoDocSpec(d));

/** Every fixture ZIP (hand-written sources are read from `FIXTURE_DIR`). */
export async function fixtureZips(): Promise<FixtureZip[]> {
  const read = (name: string) => Deno.readTextFile(new URL(name, FIXTURE_DIR));
  const reg = gen(fixtureDeal("registration"));
  const terms = gen({
    ...fixtureDeal("terms"),
    options: { schema: "dart3", header: "G1", crEntity: true },
  });
  const prospectus = gen(fixtureDeal("prospectus"));
  const result = gen(fixtureDeal("result"));
  const regR = gen({ ...fixtureDeal("registration"), options: { variant: "reordered" } });
  const termsR = gen({ ...fixtureDeal("terms"), options: { variant: "reordered" } });
  const resultR = gen({ ...fixtureDeal("result"), options: { variant: "reordered" } });
  const quirks = await read("handwritten_terms_quirks.xml.txt");
  const unmappable = await read("handwritten_unmappable.xml.txt");
  const at = (r: string) => r.slice(0, 8);
  return [
    {
      file: `registration_${RCEPT.registration}.zip`,
      rcept_no: RCEPT.registration,
      report_nm: REPORT_NM.registration,
      rcept_dt: at(RCEPT.registration),
      members: [{ name: `${RCEPT.registration}.xml`, content: reg }],
      readable: reg,
    },
    {
      // cp949 bytes under an encoding="utf-8" declaration, dart3 G1 layout, &cr; entities.
      file: `terms_${RCEPT.terms}_cp949.zip`,
      rcept_no: RCEPT.terms,
      report_nm: REPORT_NM.terms,
      rcept_dt: at(RCEPT.terms),
      members: [{ name: `${RCEPT.terms}.xml`, content: terms, encoding: "euc-kr" }],
      readable: terms,
    },
    {
      // The attachment is stored first (member order is not stable in real ZIPs).
      file: `prospectus_${RCEPT.prospectus}.zip`,
      rcept_no: RCEPT.prospectus,
      report_nm: REPORT_NM.prospectus,
      rcept_dt: at(RCEPT.prospectus),
      members: [
        { name: `${RCEPT.prospectus}_00760.xml`, content: AUDIT(RCEPT.prospectus) },
        { name: `${RCEPT.prospectus}.xml`, content: prospectus },
      ],
      readable: prospectus,
    },
    {
      // Member names with a leading "/" (as 2015–2016 ZIPs had).
      file: `result_${RCEPT.result}.zip`,
      rcept_no: RCEPT.result,
      report_nm: REPORT_NM.result,
      rcept_dt: at(RCEPT.result),
      members: [{ name: `/${RCEPT.result}.xml`, content: result }],
      readable: result,
    },
    {
      file: `registration_${RCEPT.registration}_reordered.zip`,
      rcept_no: RCEPT.registration,
      report_nm: REPORT_NM.registration,
      rcept_dt: at(RCEPT.registration),
      members: [{ name: `${RCEPT.registration}.xml`, content: regR }],
      readable: regR,
    },
    {
      file: `terms_${RCEPT.terms}_reordered.zip`,
      rcept_no: RCEPT.terms,
      report_nm: REPORT_NM.terms,
      rcept_dt: at(RCEPT.terms),
      members: [{ name: `${RCEPT.terms}.xml`, content: termsR }],
      readable: termsR,
    },
    {
      file: `result_${RCEPT.result}_reordered.zip`,
      rcept_no: RCEPT.result,
      report_nm: REPORT_NM.result,
      rcept_dt: at(RCEPT.result),
      members: [{ name: `${RCEPT.result}.xml`, content: resultR }],
      readable: resultR,
    },
    {
      file: `terms_${RCEPT.quirks}_quirks_cp949.zip`,
      rcept_no: RCEPT.quirks,
      report_nm: REPORT_NM.terms,
      rcept_dt: at(RCEPT.quirks),
      members: [
        { name: `/${RCEPT.quirks}_00760.xml`, content: AUDIT(RCEPT.quirks), encoding: "euc-kr" },
        { name: `/${RCEPT.quirks}.xml`, content: quirks, encoding: "euc-kr" },
      ],
    },
    {
      file: `terms_${RCEPT.unmappable}_unmappable.zip`,
      rcept_no: RCEPT.unmappable,
      report_nm: REPORT_NM.terms,
      rcept_dt: at(RCEPT.unmappable),
      members: [{ name: `${RCEPT.unmappable}.xml`, content: unmappable }],
    },
  ];
}

/** The bytes of each fixture ZIP. */
export async function buildFixtureZips(): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const z of await fixtureZips()) out.set(z.file, await writeDocumentZip(z.members));
  return out;
}
