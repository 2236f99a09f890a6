/**
 * Reconciliation of KIND and DART into IPO deals: the three matching stages, a same-name
 * pair, an amended filing chain, a withdrawn deal, a letter-containing stock code, facts from
 * estkRs and the [발행조건확정] document, and unmatched records staying visible.
 */
import assert from "node:assert/strict";
import type { Disclosure } from "../lib/etl/schemas.ts";
import { buildChains, normalizeListItem } from "../lib/etl/normalize.ts";
import { factsFromDocument, factsFromEstk, koDate, koRange } from "../lib/ipo/facts.ts";
import type { KindListing, KindOffering, KindReview } from "../lib/ipo/kind_rows.ts";
import { IpoItem } from "../lib/ipo/model.ts";
import { dartDeals, reconcile } from "../lib/ipo/reconcile.ts";
import { decodeCursor, encodeCursor, filterRows, pageRows } from "../lib/ipo/query.ts";
import { toRow } from "../lib/ipo/model.ts";

let seq = 0;
function filing(
  corp_code: string,
  corp_name: string,
  date: string,
  report_nm: string,
  stock_code = "",
): Disclosure {
  seq++;
  return normalizeListItem({
    rcept_no: `${date.replace(/-/g, "")}${String(seq).padStart(6, "0")}`,
    corp_code,
    corp_name,
    stock_code,
    corp_cls: "E",
    report_nm,
    flr_nm: corp_name,
    rcept_dt: date.replace(/-/g, ""),
    rm: "",
  });
}

function review(p: Partial<KindReview> & { biz_proc_no: string; corp_name: string }): KindReview {
  return {
    market: "코스닥",
    listing_type: "신규상장",
    filed_date: "2026-01-05",
    decided_date: "2026-03-02",
    result_text: "심사승인",
    result: "approved",
    underwriters: ["한결투자증권"],
    ...p,
  };
}

function offering(
  p: Partial<KindOffering> & { biz_proc_no: string; corp_name: string },
): KindOffering {
  return {
    market: "코스닥",
    filing_date: "2026-06-12",
    bookbuilding: { from: "2026-07-20", to: "2026-07-24" },
    subscription: { from: "2026-07-29", to: "2026-07-30" },
    payment_date: "2026-08-03",
    final_price: 21000,
    offer_amount_mkrw: 50400,
    listing_date: "2026-08-11",
    underwriters: ["한결투자증권", "새빛증권"],
    ...p,
  };
}

function listing(p: Partial<KindListing> & { stock_code: string; corp_name: string }): KindListing {
  return {
    company_code: p.stock_code.slice(0, 5),
    market: "코스닥",
    listing_date: "2026-08-11",
    listing_type: "신규상장",
    security_type: "주권",
    industry: "특수 목적용 기계 제조업",
    nationality: "대한민국",
    underwriters: ["한결투자증권"],
    par_value: 500,
    offer_price: 21000,
    offer_amount_mkrw: 50400,
    products: "산업용 로봇",
    listed_shares: 10_000_000,
    ...p,
  };
}

const IPO_DOC = `<TABLE><TBODY>
<TR><TH>구분</TH><TH>내용</TH></TR>
<TR><TD ALIGN="CENTER">희망공모가액</TD><TD>18,000원 ~ 21,000원</TD></TR>
<TR><TD>확정공모가액</TD><TD>21,000원</TD></TR>
<TR><TD>공모주식수</TD><TD>2,400,000주 (신주모집 2,000,000주, 구주매출 400,000주)</TD></TR>
<TR><TD>공모금액</TD><TD>50,400,000,000원</TD></TR>
<TR><TD>수요예측일</TD><TD>2026년 07월 20일 ~ 2026년 07월 24일</TD></TR>
<TR><TD>수요예측 경쟁률</TD><TD>1,021.37 : 1</TD></TR>
<TR><TD>의무보유확약 비율</TD><TD>18.64%</TD></TR>
<TR><TD>청약일</TD><TD>2026년 07월 29일 ~ 2026년 07월 30일</TD></TR>
<TR><TD>납입일</TD><TD>2026년 08월 03일</TD></TR>
<TR><TD>상장예정일</TD><TD>2026년 08월 11일</TD></TR>
<TR><TD>대표주관회사</TD><TD>한결투자증권</TD></TR>
</TBODY></TABLE>`;

Deno.test("facts: Korean dates, ranges and the [발행조건확정] table", () => {
  assert.equal(koDate("2023년 06월 01일"), "2023-06-01");
  assert.equal(koDate("-"), null);
  assert.deepEqual(koRange("2023년 06월 01일 ~ 2023년 06월 02일"), {
    from: "2023-06-01",
    to: "2023-06-02",
  });
  const f = factsFromDocument(IPO_DOC);
  assert.equal(f.price_band_low, 18000);
  assert.equal(f.price_band_high, 21000);
  assert.equal(f.final_price, 21000);
  assert.equal(f.offer_shares, 2_400_000);
  assert.equal(f.offer_amount, 50_400_000_000);
  assert.equal(f.demand_competition, 1021.37);
  assert.equal(f.lockup_ratio, 18.64);
  assert.deepEqual(f.bookbuilding, { from: "2026-07-20", to: "2026-07-24" });
  assert.equal(f.listing_date, "2026-08-11");
  assert.deepEqual(f.underwriters, ["한결투자증권"]);
});

Deno.test("facts: estkRs groups give schedule, shares, method and underwriters (lead first)", () => {
  const ids = { rcept_no: "20260703000123", corp_cls: "E", corp_code: "01843756", corp_name: "x" };
  const f = factsFromEstk({
    titles: ["일반사항", "증권의종류", "인수인정보"],
    groups: {
      일반사항: [{ ...ids, sbd: "2026년 07월 29일 ~ 2026년 07월 30일", pymd: "2026년 08월 03일" }],
      증권의종류: [{ ...ids, stkcnt: "2,400,000", slprc: "18,000", slmthn: "일반공모" }],
      인수인정보: [
        { ...ids, actsen: "인수회사", actnmn: "새빛증권" },
        { ...ids, actsen: "대표주관회사", actnmn: "한결투자증권" },
      ],
    },
  });
  assert.equal(f.rcept_no, "20260703000123");
  assert.deepEqual(f.subscription, { from: "2026-07-29", to: "2026-07-30" });
  assert.equal(f.payment_date, "2026-08-03");
  assert.equal(f.offer_shares, 2_400_000);
  assert.equal(f.offering_method, "일반공모");
  assert.deepEqual(f.underwriters, ["한결투자증권", "새빛증권"]);
  assert.equal("final_price" in f, false, "slprc of a registration is not the final price");
});

Deno.test("reconcile: amended chain, stages 1 and 3, letter stock code, facts from DART", () => {
  const corp = "01843756";
  const reg = filing(corp, "하람로보틱스", "2026-06-12", "증권신고서(지분증권)");
  const amended = filing(corp, "하람로보틱스", "2026-07-03", "[기재정정]증권신고서(지분증권)");
  const fixed = filing(corp, "하람로보틱스", "2026-07-27", "[발행조건확정]증권신고서(지분증권)");
  const prospectus = filing(corp, "하람로보틱스", "2026-07-27", "투자설명서");
  const result = filing(corp, "하람로보틱스", "2026-08-04", "증권발행실적보고서");
  const other = filing(
    corp,
    "하람로보틱스",
    "2026-08-12",
    "임원ㆍ주요주주특정증권등소유상황보고서",
  );
  const disclosures = buildChains([reg, amended, fixed, prospectus, result, other]);
  const items = reconcile({
    asOf: "2026-11-20",
    kind: {
      reviews: [review({ biz_proc_no: "20260105000011", corp_name: "하람로보틱스" })],
      offerings: [offering({ biz_proc_no: "20260612000021", corp_name: "하람로보틱스(주)" })],
      // KIND lists it under another name: only the stock code can join it (stage 3)
      listings: [listing({ stock_code: "0088M0", corp_name: "HR로보틱스" })],
    },
    disclosures,
    documents: new Map([[fixed.rcept_no, factsFromDocument(IPO_DOC)]]),
    estk: new Map([[amended.rcept_no, { offer_shares: 2_400_000, offering_method: "일반공모" }]]),
    stockByCorp: new Map([[corp, "0088M0"]]),
  });
  assert.equal(items.length, 1);
  const it = IpoItem.parse(items[0]);
  assert.equal(it.pipeline_id, "K20260105000011", "stable id: the first KIND 업무처리번호");
  assert.equal(it.stage, "상장");
  assert.equal(it.stock_code, "0088M0");
  assert.equal(it.corp_code, corp);
  assert.deepEqual(it.flags, []);
  assert.deepEqual(
    it.matches.map((m) => [m.source, m.matched_by]),
    [
      ["kind_review", "key"],
      ["kind_offering", "name_date"],
      ["dart", "name_date"],
      ["kind_listing", "stock_code"],
    ],
  );
  // the chain: 3 versions, the latest is [발행조건확정]
  const chain = it.filings.find((f) => f.base_name === "증권신고서(지분증권)")!;
  assert.deepEqual(chain.versions.map((v) => v.rcept_no), [
    reg.rcept_no,
    amended.rcept_no,
    fixed.rcept_no,
  ]);
  assert.equal(chain.latest.rcept_no, fixed.rcept_no);
  assert.match(chain.latest.viewer_url, /rcpNo=\d{14}$/);
  assert.deepEqual(it.filings.map((f) => f.base_name), [
    "증권신고서(지분증권)",
    "투자설명서",
    "증권발행실적보고서",
  ]);
  // facts: KIND for schedule and price, document for band / demand / lockup
  assert.equal(it.facts.final_price, 21000);
  assert.equal(it.facts.price_band_low, 18000);
  assert.equal(it.facts.demand_competition, 1021.37);
  assert.equal(it.facts.lockup_ratio, 18.64);
  assert.equal(it.facts.offer_amount, 50_400_000_000, "exact 원 from the document");
  assert.equal(it.facts.offering_method, "일반공모");
  assert.deepEqual(it.history.map((h) => h.stage), [
    "예비심사청구",
    "심사승인",
    "증권신고서",
    "수요예측",
    "청약",
    "납입",
    "상장",
  ]);
  assert.ok(it.history.every((h) => h.status === "done"));
});

Deno.test("reconcile: a same-name pair stays apart, matched by dates", () => {
  const a = "00000101", b = "00000202";
  const regA = filing(a, "세온테크", "2025-05-14", "증권신고서(지분증권)");
  const regB = filing(b, "세온테크", "2026-09-01", "증권신고서(지분증권)");
  const items = reconcile({
    asOf: "2026-09-10",
    kind: {
      reviews: [],
      offerings: [
        offering({
          biz_proc_no: "20260901000002",
          corp_name: "세온테크",
          filing_date: "2026-09-02",
          bookbuilding: { from: "2026-09-21", to: "2026-09-25" },
          subscription: { from: "2026-10-01", to: "2026-10-02" },
          payment_date: "2026-10-06",
          listing_date: null,
          final_price: null,
        }),
        offering({
          biz_proc_no: "20250514000001",
          corp_name: "(주)세온테크",
          filing_date: "2025-05-14",
          bookbuilding: { from: "2025-06-02", to: "2025-06-05" },
          subscription: { from: "2025-06-10", to: "2025-06-11" },
          payment_date: "2025-06-13",
          listing_date: "2025-06-20",
        }),
      ],
      listings: [],
    },
    disclosures: buildChains([regA, regB]),
  });
  assert.equal(items.length, 2);
  const byId = new Map(items.map((i) => [i.pipeline_id, i]));
  const old = byId.get("K20250514000001")!, fresh = byId.get("K20260901000002")!;
  assert.equal(old.corp_code, a);
  assert.equal(fresh.corp_code, b);
  assert.equal(old.stage, "상장");
  assert.equal(fresh.stage, "증권신고서");
  assert.ok(old.flags.includes("ambiguous_name") && fresh.flags.includes("ambiguous_name"));
  assert.ok(old.flags.includes("listing_unmatched"), "listed per KIND offering, no listing row");
  // future stages are scheduled, not done
  assert.deepEqual(
    fresh.history.filter((h) => h.status === "scheduled").map((h) => h.stage),
    ["수요예측", "청약", "납입"],
  );
});

Deno.test("reconcile: a withdrawn deal ends at 철회 with nothing scheduled", () => {
  const corp = "00000303";
  const reg = filing(corp, "미르바이오", "2026-04-01", "증권신고서(지분증권)");
  const amend = filing(corp, "미르바이오", "2026-04-20", "[기재정정]증권신고서(지분증권)");
  const wd = filing(corp, "미르바이오", "2026-05-06", "철회신고서");
  const items = reconcile({
    asOf: "2026-06-01",
    kind: {
      reviews: [review({
        biz_proc_no: "20251110000031",
        corp_name: "미르바이오",
        filed_date: "2025-11-10",
        decided_date: "2026-05-07",
        result_text: "공모철회",
        result: "offering_withdrawn",
      })],
      offerings: [],
      listings: [],
    },
    disclosures: buildChains([reg, amend, wd]),
  });
  assert.equal(items.length, 1);
  const it = items[0];
  assert.equal(it.stage, "철회");
  assert.equal(it.history.at(-1)!.stage, "철회");
  assert.equal(it.history.at(-1)!.date, "2026-05-07");
  assert.ok(it.history.every((h) => h.status === "done"));
  assert.equal(it.matches.find((m) => m.source === "dart")?.matched_by, "name_date");
  assert.ok(it.filings.some((f) => f.base_name === "철회신고서"));
  assert.equal(it.filings[0].versions.length, 2);
});

Deno.test("reconcile: stage 2 joins a renamed company by report class and schedule", () => {
  const corp = "00000404";
  const reg = filing(corp, "누리에이아이", "2026-03-03", "증권신고서(지분증권)");
  const fixed = filing(corp, "누리에이아이", "2026-03-27", "[발행조건확정]증권신고서(지분증권)");
  const items = reconcile({
    asOf: "2026-03-28",
    kind: {
      reviews: [],
      offerings: [offering({
        biz_proc_no: "20260303000041",
        corp_name: "누리AI",
        filing_date: "2026-03-04",
        bookbuilding: { from: "2026-03-20", to: "2026-03-26" },
        subscription: { from: "2026-03-30", to: "2026-03-31" },
        payment_date: "2026-04-02",
        listing_date: "2026-04-09",
      })],
      listings: [],
    },
    disclosures: buildChains([reg, fixed]),
  });
  assert.equal(items.length, 1);
  assert.equal(items[0].matches.find((m) => m.source === "dart")?.matched_by, "report_class");
  assert.equal(items[0].stage, "수요예측");
  assert.equal(items[0].corp_code, corp);
});

Deno.test("reconcile: unmatched records stay visible and flagged; rights offerings are not IPOs", () => {
  const reg = filing("00000505", "가람정밀", "2026-02-02", "증권신고서(지분증권)");
  const rights = filing("00000606", "온누리화학", "2026-02-03", "증권신고서(지분증권)");
  const items = reconcile({
    asOf: "2026-03-01",
    kind: {
      reviews: [review({ biz_proc_no: "20260110000051", corp_name: "초롱소재", result: "filed" })],
      offerings: [offering({
        biz_proc_no: "20260201000061",
        corp_name: "별빛전자",
        filing_date: "2026-02-01",
        listing_date: null,
      })],
      listings: [],
    },
    disclosures: buildChains([reg, rights]),
    estk: new Map([[rights.rcept_no, { offering_method: "주주배정후 실권주 일반공모" }]]),
  });
  const byName = new Map(items.map((i) => [i.corp_name, i]));
  assert.equal(byName.has("온누리화학"), false);
  assert.deepEqual(byName.get("가람정밀")!.flags, ["kind_unmatched"]);
  assert.equal(byName.get("가람정밀")!.pipeline_id, `D${reg.rcept_no}`);
  assert.deepEqual(byName.get("별빛전자")!.flags, ["dart_unmatched"]);
  assert.deepEqual(byName.get("초롱소재")!.flags, [], "a review alone needs no DART filing");
  assert.equal(byName.get("초롱소재")!.stage, "예비심사청구");
});

Deno.test("dartDeals: a second registration of one company starts a second deal", () => {
  const c = "00000707";
  const ds = buildChains([
    filing(c, "다온", "2024-01-10", "증권신고서(지분증권)"),
    filing(c, "다온", "2024-02-20", "철회신고서"),
    filing(c, "다온", "2025-03-10", "증권신고서(지분증권)"),
    filing(c, "다온", "2025-04-10", "투자설명서"),
  ]);
  const deals = dartDeals(ds);
  assert.equal(deals.length, 2);
  assert.equal(deals[0].withdrawn, true);
  assert.equal(deals[1].withdrawn, false);
  assert.equal(deals[1].chains.length, 2);
});

Deno.test("query: filters, window and cursor paging", () => {
  const items = reconcile({
    asOf: "2026-08-01",
    kind: {
      reviews: [],
      offerings: Array.from({ length: 30 }, (_, i) =>
        offering({
          biz_proc_no: `202601010000${String(i).padStart(2, "0")}`,
          corp_name: `회사${i}`,
          market: i % 2 ? "유가증권" : "코스닥",
          underwriters: [i % 3 ? "한결투자증권" : "새빛증권"],
        })),
      listings: [],
    },
    disclosures: [],
  });
  const rows = items.map(toRow);
  assert.equal(filterRows(rows, { market: "유가증권" }).length, 15);
  assert.equal(filterRows(rows, { underwriter: "새빛" }).length, 10);
  assert.equal(filterRows(rows, { stage: ["수요예측"] }).length, 0);
  assert.equal(filterRows(rows, { stage: ["청약", "납입"] }).length, 30);
  assert.equal(filterRows(rows, { from: "2026-08-11", to: "2026-08-11" }).length, 30);
  assert.equal(filterRows(rows, { from: "2026-09-01" }).length, 0);
  const p1 = pageRows(rows, 0, 20);
  assert.equal(p1.items.length, 20);
  const off = decodeCursor(p1.next_cursor!);
  assert.equal(off, 20);
  const p2 = pageRows(rows, off!, 20);
  assert.equal(p2.items.length, 10);
  assert.equal(p2.next_cursor, null);
  assert.equal(decodeCursor("garbage!"), null);
  assert.equal(decodeCursor(encodeCursor(7)), 7);
});

Deno.test("reconcile: a KIND listing nothing explains stays visible as L+종목코드, flagged", () => {
  const items = reconcile({
    asOf: "2026-09-01",
    kind: {
      reviews: [],
      offerings: [],
      listings: [
        listing({ stock_code: "4567B0", corp_name: "너울소프트", listing_type: "이전상장" }),
      ],
    },
    disclosures: [],
  });
  assert.equal(items.length, 1);
  const it = IpoItem.parse(items[0]);
  assert.equal(it.pipeline_id, "L4567B0");
  assert.equal(it.stock_code, "4567B0");
  assert.equal(it.stage, "상장");
  assert.deepEqual(it.flags, ["listing_only"]);
});
