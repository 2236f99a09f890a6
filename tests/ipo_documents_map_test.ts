/**
 * The IPO table mappers on the document fixtures (`tests/fixtures/dart/documents/`): every fact
 * with its provenance, the same facts from tables with other column orders and orientations,
 * the hand-written real-layout [발행조건확정] with its quirks, a document whose tables cannot be
 * mapped (quality issues, no numbers), units, and the merge of a deal's four filings with the
 * derived facts.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type FilingRef,
  IpoDocumentFacts,
  mapIpoDocument,
  mergeIpoDocumentFacts,
  parseDartDocument,
  readIpoFiling,
} from "../lib/sources/dart/documents/mod.ts";
import { FIXTURE_DIR, RCEPT, REPORT_NM } from "./helpers/ipo_doc_fixtures.ts";

const fx = (name: string) => Deno.readFile(new URL(name, FIXTURE_DIR));

const filing = (kind: keyof typeof REPORT_NM, rcept_no: string = RCEPT[kind]): FilingRef => ({
  rcept_no,
  report_nm: REPORT_NM[kind],
  rcept_dt: rcept_no.slice(0, 8),
});

async function read(file: string, f: FilingRef): Promise<IpoDocumentFacts> {
  const { facts } = await readIpoFiling(await fx(file), f);
  IpoDocumentFacts.parse(facts);
  return facts;
}

/** The values of a facts tree without provenance (and without printed labels when `noLabels`). */
function values(x: unknown, noLabels = false): unknown {
  if (Array.isArray(x)) return x.map((v) => values(v, noLabels));
  if (x && typeof x === "object") {
    const o = x as Record<string, unknown>;
    if ("src" in o && "value" in o) return values(o.value, noLabels);
    return Object.fromEntries(
      Object.entries(o)
        .filter(([k]) => k !== "src" && !(noLabels && (k === "label" || k === "row")))
        .map(([k, v]) => [k, values(v, noLabels)]),
    );
  }
  return x;
}

const registration = () => read(`registration_${RCEPT.registration}.zip`, filing("registration"));
const terms = () => read(`terms_${RCEPT.terms}_cp949.zip`, filing("terms"));
const prospectus = () => read(`prospectus_${RCEPT.prospectus}.zip`, filing("prospectus"));
const result = () => read(`result_${RCEPT.result}.zip`, filing("result"));

Deno.test("증권신고서: band, shares, allocation ranges, underwriters, terms, schedule, float", async () => {
  const f = await registration();
  const o = f.offering;
  assert.deepEqual(
    [o.price_band_low?.value, o.price_band_high?.value, o.final_price, o.par_value?.value],
    [16_500, 19_500, null, 500],
  );
  assert.deepEqual(
    [o.shares_total?.value, o.shares_new?.value, o.shares_secondary?.value],
    [2_400_000, 2_000_000, 400_000],
  );
  assert.equal(o.offer_amount, null, "a pre-pricing filing states no final amount");
  assert.equal(o.offer_amount_planned?.value, 39_600_000_000);
  assert.deepEqual(values(o.selling_holders), [{
    name: "한결벤처투자조합제3호",
    relation: "주주",
    shares_before: 1_250_000,
    shares_sold: 400_000,
    shares_after: 850_000,
  }]);
  // Provenance of the band: the 공모가격 산정 개요 table, its row, the filing.
  const src = o.price_band_low!.src;
  assert.equal(src.rcept_no, RCEPT.registration);
  assert.equal(src.report_nm, "증권신고서(지분증권)");
  assert.equal(src.rcept_dt, "2026-06-02");
  assert.deepEqual(src.section.slice(-2), ["3. 공모가격 결정방법", "나. 공모가격 산정 개요"]);
  assert.equal(src.row, "희망공모가액");
  assert.equal(src.column, "내 용");
  assert.equal(src.text, "16,500원 ~ 19,500원");
  assert.equal(typeof src.table?.index, "number");
  assert.deepEqual(values(f.allocation), [
    {
      group: "employees",
      label: "우리사주조합",
      shares: 240_000,
      shares_range: null,
      pct: 10,
      pct_range: null,
    },
    {
      group: "institutions",
      label: "기관투자자 > 소 계",
      shares: null,
      shares_range: { min: 1_440_000, max: 1_560_000 },
      pct: null,
      pct_range: { min: 60, max: 65 },
    },
    {
      group: "priority",
      label: "기관투자자 > 벤처기업투자신탁 우선배정",
      shares: null,
      shares_range: { min: 576_000, max: 624_000 },
      pct: null,
      pct_range: { min: 24, max: 26 },
    },
    {
      group: "retail",
      label: "일반청약자 > 소 계",
      shares: null,
      shares_range: { min: 600_000, max: 720_000 },
      pct: null,
      pct_range: { min: 25, max: 30 },
    },
    {
      group: "retail_equal",
      label: "일반청약자 > 균등방식 배정",
      shares: null,
      shares_range: { min: 300_000, max: 360_000 },
      pct: null,
      pct_range: { min: 12.5, max: 15 },
    },
    {
      group: "retail_proportional",
      label: "일반청약자 > 비례방식 배정",
      shares: null,
      shares_range: { min: 300_000, max: 360_000 },
      pct: null,
      pct_range: { min: 12.5, max: 15 },
    },
  ]);
  assert.deepEqual(values(f.underwriters), [
    {
      name: "한결투자증권",
      role: "lead",
      role_text: "대표주관회사",
      shares: 1_680_000,
      amount: 27_720_000_000,
      fee: 831_600_000,
      method: "총액인수",
    },
    {
      name: "새빛증권",
      role: "underwriter",
      role_text: "인수회사",
      shares: 720_000,
      amount: 11_880_000_000,
      fee: 356_400_000,
      method: "총액인수",
    },
  ]);
  assert.deepEqual(values(f.subscription_terms), {
    deposit_rate: 50,
    min_shares: 10,
    limits: [
      { underwriter: "한결투자증권", tier: "general", max_shares: 15_000 },
      { underwriter: "한결투자증권", tier: "preferred", max_shares: 30_000 },
      { underwriter: "새빛증권", tier: "general", max_shares: 6_000 },
      { underwriter: "새빛증권", tier: "preferred", max_shares: 9_000 },
    ],
    putback_granted: true,
    putback_price: 14_850,
    putback_period: "상장일로부터 6개월",
    overallotment_granted: false,
    overallotment_shares: null,
  });
  assert.equal(
    f.subscription_terms.deposit_rate!.src.table,
    null,
    "read from the 청약방법 sentence",
  );
  assert.deepEqual(values(f.schedule), {
    bookbuilding: { from: "2026-07-02", to: "2026-07-08" },
    subscription: { from: "2026-07-13", to: "2026-07-14" },
    allotment_notice: "2026-07-16",
    refund: "2026-07-16",
    payment: "2026-07-16",
    listing: null,
  });
  assert.deepEqual(values(f.float), {
    listed_shares: 10_000_000,
    tradable_shares: 4_400_000,
    tradable_pct: 44,
    restricted_shares: 5_600_000,
    restricted_pct: 56,
  });
  assert.deepEqual(
    f.lockup_schedule.map((r) => [r.holder, r.months, r.shares?.value, r.pct?.value]),
    [
      ["최대주주 등", 6, 4_200_000, 42],
      ["우리사주조합", 12, 240_000, 2.4],
      ["상장주선인 의무인수분", 3, 60_000, 0.6],
      ["벤처금융 및 전문투자자", 1, 1_100_000, 11],
    ],
  );
  assert.equal(f.demand.participants, null, "no 수요예측 before pricing");
  assert.deepEqual(f.issues, []);
});

Deno.test("[발행조건확정] (CP949): final terms and 수요예측 participation, prices, 확약 over two tables", async () => {
  const f = await terms();
  const o = f.offering;
  // The 요약정보 table repeats the band-low draft first; the last (정정 후) 공모개요 counts.
  assert.equal(o.final_price?.value, 19_500);
  assert.deepEqual(o.final_price?.src.section.slice(-1), ["1. 공모개요"]);
  assert.equal(o.offer_amount?.value, 46_800_000_000);
  assert.equal(o.offer_amount_planned, null);
  const d = f.demand;
  assert.deepEqual(
    [d.participants?.value, d.shares?.value, d.competition?.value],
    [2_181, 1_671_000_000, 1_071.15],
  );
  assert.equal(d.competition?.src.row, "경쟁률");
  assert.equal(d.competition?.src.column, "합 계");
  assert.equal(d.competition?.src.unit, "(단위: 건, 주)");
  assert.deepEqual(
    d.by_class.map((c) => [c.label, c.count?.value, c.shares?.value, c.competition?.value]),
    [
      ["국내기관투자자 > 운용사(집합) (주1) > 공모", 612, 520_420_000, 333.6],
      ["국내기관투자자 > 운용사(집합) (주1) > 사모", 455, 310_115_000, 198.79],
      ["국내기관투자자 > 운용사(고유)", 98, 90_350_000, 57.92],
      ["국내기관투자자 > 투자매매ㆍ중개업자", 110, 80_140_000, 51.37],
      ["국내기관투자자 > 연기금,은행, 보험", 72, 70_210_000, 45.01],
      ["국내기관투자자 > 투자일임사(고유, 일임)", 301, 150_633_000, 96.56],
      ["국내기관투자자 > 기타", 250, 45_320_000, 29.05],
      ["해외기관투자자 > 거래실적 유(주2)", 280, 402_812_000, 258.21],
      ["해외기관투자자 > 거래실적 무", 3, 1_000_000, 0.64],
    ],
  );
  assert.deepEqual(
    d.price_distribution.map((p) => [
      p.bucket,
      p.count?.value ?? null,
      p.count_pct?.value ?? null,
      p.shares?.value ?? null,
      p.shares_pct?.value ?? null,
    ]),
    [
      ["no_price", 17, 0.78, 14_833_000, 0.89],
      ["above", 62, 2.84, 40_879_000, 2.45],
      ["top", 2_087, 95.69, 1_599_650_000, 95.73],
      ["inside", 3, 0.14, 2_974_000, 0.18],
      ["bottom", 12, 0.55, 12_664_000, 0.76],
      ["below", null, 0, null, 0],
    ],
  );
  assert.deepEqual(
    d.lockup.map((r) => [r.period, r.count?.value, r.shares?.value, r.pct?.value]),
    [
      ["6개월", 10, 9_029_000, 0.5403],
      ["3개월", 7, 5_471_000, 0.3274],
      ["1개월", 42, 36_284_000, 2.1714],
      ["15일", 144, 135_191_000, 8.0904],
      ["미확약", 1_978, 1_485_025_000, 88.8704],
    ],
  );
  // The 합계 column group is in the second table.
  assert.equal(d.lockup[0].shares?.src.column, "합 계 > 수량");
  assert.equal(d.lockup_ratio?.value, 11.1296);
  assert.match(d.lockup_ratio!.src.derived!.formula, /확약 신청수량 합 ÷ 신청수량 합계/);
  assert.equal(d.lockup_ratio!.src.derived!.from.length, 5);
  assert.deepEqual(
    f.allocation.map((a) => [a.group, a.shares?.value, a.pct?.value]),
    [
      ["employees", 240_000, 10],
      ["institutions", 1_560_000, 65],
      ["priority", 624_000, 26],
      ["retail", 600_000, 25],
      ["retail_equal", 300_000, 12.5],
      ["retail_proportional", 300_000, 12.5],
    ],
  );
  assert.equal(f.schedule.listing?.value, "2026-07-24");
  // Only the &cr; line breaks (in header labels) were repaired.
  assert.deepEqual(f.issues.map((i) => [i.code, i.severity, i.message]), [
    ["markup_repaired", "info", "표기 수리 4건 (&cr; 4, & 0, < 0, 속성 따옴표 0)"],
  ]);
});

Deno.test("other column orders and orientations give the same facts", async () => {
  const pairs: [string, string, FilingRef][] = [
    [
      `registration_${RCEPT.registration}.zip`,
      `registration_${RCEPT.registration}_reordered.zip`,
      filing("registration"),
    ],
    [`terms_${RCEPT.terms}_cp949.zip`, `terms_${RCEPT.terms}_reordered.zip`, filing("terms")],
    [`result_${RCEPT.result}.zip`, `result_${RCEPT.result}_reordered.zip`, filing("result")],
  ];
  for (const [a, b, f] of pairs) {
    const { issues: i1, ...base } = await read(a, f);
    const { issues: i2, ...other } = await read(b, f);
    assert.deepEqual(values(other, true), values(base, true), b);
    assert.deepEqual([...i1, ...i2].filter((i) => i.severity !== "info"), []);
    // Not vacuous: the tables really differ.
    const text = (z: string) =>
      Deno.readTextFile(new URL(z.replace(/\.zip$/, ".xml.txt"), FIXTURE_DIR));
    const [textA, textB] = [await text(a), await text(b)];
    assert.notEqual(textA, textB);
  }
});

Deno.test("hand-written real-layout [발행조건확정] (dart3 G1, CP949, &cr;, bare & and <, split digits)", async () => {
  const q = await read(`terms_${RCEPT.quirks}_quirks_cp949.zip`, filing("terms", RCEPT.quirks));
  const t = await terms();
  assert.equal(q.offering.final_price?.value, 19_500);
  assert.equal(q.offering.offer_amount?.value, 46_800_000_000, "46,800,&cr;000,000");
  assert.equal(q.offering.shares_total?.value, 2_400_000);
  // Band from the sentence "희망공모가액을 16,500원 ~ 19,500원으로".
  assert.deepEqual([q.offering.price_band_low?.value, q.offering.price_band_high?.value], [
    16_500,
    19_500,
  ]);
  assert.equal(q.offering.price_band_low?.src.table, null);
  assert.match(q.offering.price_band_low!.src.text!, /희망공모가액을 16,500원 ~ 19,500원/);
  // Same 수요예측 numbers as the generated document of the same deal.
  assert.deepEqual(values(q.demand.by_class), values(t.demand.by_class));
  assert.deepEqual(values(q.demand.lockup), values(t.demand.lockup));
  assert.deepEqual(
    [
      q.demand.participants?.value,
      q.demand.shares?.value,
      q.demand.competition?.value,
      q.demand.lockup_ratio?.value,
    ],
    [2_181, 1_671_000_000, 1_071.15, 11.1296],
  );
  assert.deepEqual(values(q.schedule), values(t.schedule));
  assert.equal(q.subscription_terms.putback_granted?.value, false);
  assert.match(q.subscription_terms.putback_granted!.src.text!, /해당사항 없습니다/);
  assert.deepEqual(
    [
      q.subscription_terms.overallotment_granted?.value,
      q.subscription_terms.overallotment_shares?.value,
    ],
    [true, 360_000],
  );
  const repaired = q.issues.find((i) => i.code === "markup_repaired");
  assert.ok(repaired, "repairs are reported");
  assert.match(repaired!.message, /&cr; 4, & 1, < 2, 속성 따옴표 1/);
  assert.deepEqual(
    q.issues.filter((i) => i.code !== "markup_repaired"),
    [],
    "the 정정 table is not read as 수요예측",
  );
});

Deno.test("a table that cannot be mapped is a quality issue and gives no number", async () => {
  const f = await read(
    `terms_${RCEPT.unmappable}_unmappable.zip`,
    filing("terms", RCEPT.unmappable),
  );
  // The one-row participation table still maps.
  assert.deepEqual(
    [f.demand.participants?.value, f.demand.shares?.value, f.demand.competition?.value],
    [1_212, 612_345_000, 612.35],
  );
  assert.deepEqual(f.demand.by_class, []);
  assert.deepEqual(f.demand.price_distribution, []);
  assert.deepEqual(f.demand.lockup, []);
  assert.equal(f.demand.lockup_ratio, null);
  assert.deepEqual(f.allocation, []);
  const issues = f.issues.map((i) => [i.code, i.field, i.table?.title]);
  assert.deepEqual(issues, [
    ["check_failed", "demand.lockup", "(다) 의무보유확약기간별 수요예측 참여내역"],
    ["table_unmapped", "demand", "(나) 수요예측 신청가격 분포"],
    ["table_unmapped", "allocation", "[배정대상]"],
  ]);
  assert.match(f.issues[0].message, /합\(611700000\)이 합계\(612345000\)와 다릅니다/);
  assert.deepEqual(f.issues[1].section.slice(-2), [
    "(13) 수요예측 결과",
    "(나) 수요예측 신청가격 분포",
  ]);
});

Deno.test("증권발행실적보고서: 청약 및 배정현황 by ACODE, 경쟁률 derived, 확약기간별 배정", async () => {
  const f = await result();
  assert.deepEqual(
    f.subscription.groups.map((g) => [
      g.group,
      g.initial_shares?.value,
      g.applications?.value,
      g.applied_shares?.value,
      g.applied_amount?.value,
      g.final_shares?.value,
      g.final_pct?.value,
    ]),
    [
      ["employees", 240_000, 85, 231_420, 4_512_690_000, 231_420, 9.64],
      ["institutions", 1_560_000, 1_893, 1_560_000, 30_420_000_000, 1_560_000, 65],
      ["retail", 600_000, 412_306, 812_345_670, 15_840_740_565_000, 608_580, 25.36],
    ],
  );
  const retail = f.subscription.groups[2];
  assert.equal(retail.applied_shares?.src.text, "812,345,670");
  assert.equal(retail.applied_shares?.src.column, "청약 현황 > 수량");
  assert.equal(f.subscription.competition?.value, 1_334.82);
  assert.equal(
    f.subscription.competition!.src.derived!.formula,
    "일반 청약주식수 ÷ 일반 최종 배정주식수",
  );
  assert.deepEqual(
    f.subscription.lockup_allocated.map((r) => [r.period, r.shares?.value, r.pct?.value]),
    [["15일", 83_150, 5.33], ["1개월", 151_465, 9.71], ["3개월", 520_076, 33.34], [
      "6개월",
      205_309,
      13.16,
    ], ["미확약", 600_000, 38.46]],
  );
  assert.equal(f.subscription.lockup_allocated[0].shares?.src.table?.group, "INS_ASS");
});

Deno.test("merge of the four filings: latest wins, derived 시가총액, 비례 경쟁률, 증거금, 해제일", async () => {
  const parts = [await result(), await prospectus(), await registration(), await terms()];
  const m = IpoDocumentFacts.parse(mergeIpoDocumentFacts(parts));
  assert.deepEqual(m.documents.map((d) => d.kind), [
    "registration",
    "terms",
    "prospectus",
    "result",
  ]);
  assert.equal(m.offering.final_price?.value, 19_500);
  assert.equal(m.offering.offer_amount_planned?.value, 39_600_000_000, "kept from the 증권신고서");
  assert.equal(m.allocation[1].shares?.value, 1_560_000, "the final allocation replaced the range");
  assert.equal(m.allocation[1].shares?.src.rcept_no, RCEPT.prospectus);
  assert.deepEqual(
    [
      m.offering.market_cap_band_low?.value,
      m.offering.market_cap_band_high?.value,
      m.offering.market_cap_final?.value,
    ],
    [165_000_000_000, 195_000_000_000, 195_000_000_000],
  );
  assert.equal(m.subscription.competition_proportional?.value, 2_707.82);
  assert.deepEqual(
    m.subscription.competition_proportional?.src.derived?.from.map((p) => p.rcept_no),
    [RCEPT.result, RCEPT.prospectus],
  );
  assert.equal(m.subscription.deposit_total?.value, 7_920_370_282_500);
  assert.deepEqual(
    m.lockup_schedule.map((r) => [r.holder, r.release_date?.value]),
    [
      ["최대주주 등", "2027-01-24"],
      ["우리사주조합", "2027-07-24"],
      ["상장주선인 의무인수분", "2026-10-24"],
      ["벤처금융 및 전문투자자", "2026-08-24"],
    ],
  );
  assert.equal(m.schedule.listing?.src.rcept_no, RCEPT.prospectus);
});

Deno.test("units: a 백만원 table becomes 원; a cell's own suffix wins", () => {
  const doc = parseDartDocument(`<?xml version="1.0" encoding="utf-8"?>
<DOCUMENT xmlns:xsi="x" xsi:noNamespaceSchemaLocation="dart4.xsd"><BODY>
<SECTION-1><TITLE>Ⅰ. 모집 또는 매출에 관한 일반사항</TITLE>
<P>5. 인수 등에 관한 사항</P>
<TABLE BORDER="0"><TBODY><TR><TD></TD><TD>(단위 : 주, 백만원)</TD></TR></TBODY></TABLE>
<TABLE BORDER="1"><TBODY>
<TR><TD>인수인</TD><TD>인수인 명칭</TD><TD>인수수량</TD><TD>인수금액</TD><TD>인수대가</TD></TR>
<TR><TD>대표주관회사</TD><TD>한결투자증권</TD><TD>1,680,000</TD><TD>32,760</TD><TD>982.8</TD></TR>
<TR><TD>인수회사</TD><TD>새빛증권</TD><TD>720,000</TD><TD>14,040,000,000원</TD><TD>421,200천원</TD></TR>
</TBODY></TABLE></SECTION-1></BODY></DOCUMENT>`);
  const f = mapIpoDocument(doc, filing("registration"));
  assert.deepEqual(
    f.underwriters.map((u) => [u.name, u.shares?.value, u.amount?.value, u.fee?.value]),
    [
      ["한결투자증권", 1_680_000, 32_760_000_000, 982_800_000],
      ["새빛증권", 720_000, 14_040_000_000, 421_200_000],
    ],
  );
  assert.equal(f.underwriters[0].amount?.src.unit, "(단위 : 주, 백만원)");
  assert.equal(f.underwriters[1].amount?.src.unit, "원");
  assert.equal(f.underwriters[1].fee?.src.unit, "천원");
});

Deno.test("an unreadable document.xml answer is an issue, not an exception", async () => {
  const body = new TextEncoder().encode(
    "<result><status>014</status><message>파일이 존재하지 않습니다.</message></result>",
  );
  const { facts, doc } = await readIpoFiling(body, filing("result"));
  assert.equal(doc, null);
  assert.deepEqual(facts.issues.map((i) => [i.code, i.severity, i.rcept_no]), [
    ["document_unreadable", "error", RCEPT.result],
  ]);
  assert.equal(facts.documents[0].rcept_no, RCEPT.result);
});
