/**
 * The 38커뮤니케이션 page parsers on EUC-KR fixtures in the real page structure
 * (`tests/fixtures/x38/`, README there): layout tables nesting the data tables, `<font>` and
 * `<b>` markup, mixed-case `<Tr>…</tr>`, `-` and blanks for unknowns, `(유가)`/`(구.…)` in
 * names, and the `(비례 n:1)` part of the 청약경쟁률 cell.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  competition,
  decodeX38,
  parseX38DemandResults,
  parseX38Detail,
  parseX38List,
  parseX38NewListings,
  X38Detail,
  X38FormatError,
  X38ListRow,
} from "../lib/sources/x38/mod.ts";

const page = async (name: string) =>
  decodeX38(await Deno.readFile(new URL(`./fixtures/x38/${name}`, import.meta.url)));

Deno.test("fixtures are EUC-KR bytes (not UTF-8)", async () => {
  for (const f of ["list_k.html", "detail_v_2395.html", "demand_r1.html", "new_listings_nw.html"]) {
    const bytes = await Deno.readFile(new URL(`./fixtures/x38/${f}`, import.meta.url));
    assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes), f);
    assert.match(new TextDecoder("euc-kr").decode(bytes), /charset=euc-kr/);
  }
});

Deno.test("경쟁률 cell: ratio, (비례 n:1), commas, '-'", () => {
  assert.deepEqual(competition("666.78:1 (비례 1334:1)"), { ratio: 666.78, proportional: 1334 });
  assert.deepEqual(competition("1,334.82:1"), { ratio: 1334.82, proportional: null });
  assert.deepEqual(competition("2013:1"), { ratio: 2013, proportional: null });
  assert.deepEqual(competition("-"), { ratio: null, proportional: null });
  assert.deepEqual(competition(""), { ratio: null, proportional: null });
});

Deno.test("o=k 공모주 청약일정: rows, ids, (유가), (구.), year roll-over, '-' and blank", async () => {
  const p = parseX38List(await page("list_k.html"));
  assert.equal(p.last_page, 25);
  for (const r of p.rows) X38ListRow.parse(r);
  assert.deepEqual(p.rows.map((r) => [r.no, r.name, r.kospi, r.former_name]), [
    ["2412", "새봄로보틱스", true, null],
    ["2409", "그린온스팩4호", false, null],
    ["2398", "다온테크", false, "다온정밀"],
    ["2395", "한울바이오텍", false, null],
  ]);
  assert.deepEqual(p.rows[0].subscription, { from: "2026-12-30", to: "2027-01-02" });
  assert.equal(p.rows[0].final_price, null, "'-' before pricing");
  assert.equal(p.rows[0].competition, null, "blank before subscription");
  assert.deepEqual(p.rows[1].band, { low: 2_000, high: 2_000 });
  assert.deepEqual(p.rows[3], {
    no: "2395",
    name: "한울바이오텍",
    kospi: false,
    former_name: null,
    subscription: { from: "2026-07-13", to: "2026-07-14" },
    final_price: 19_500,
    band: { low: 16_500, high: 19_500 },
    competition: 1_334.82,
    underwriters: ["한결투자증권", "새빛증권"],
  });
});

Deno.test("o=v detail: nested tables, label cells, 그룹별배정, 확약/참여/가격분포 tables", async () => {
  const d = X38Detail.parse(parseX38Detail(await page("detail_v_2395.html")));
  assert.deepEqual(
    [d.name, d.stock_code, d.market, d.status, d.industry],
    ["한울바이오텍", "0199K0", "코스닥", "공모주", "생물학적 제제 제조업"],
  );
  assert.deepEqual(
    [d.shares_total, d.shares_new, d.shares_secondary, d.par_value, d.final_price],
    [2_400_000, 2_000_000, 400_000, 500, 19_500],
  );
  assert.deepEqual(d.band, { low: 16_500, high: 19_500 });
  assert.equal(d.offer_amount, 46_800_000_000, "46,800 (백만원)");
  assert.deepEqual([d.competition, d.competition_proportional], [1_334.82, 2_670]);
  assert.deepEqual(d.lead_underwriters, ["한결투자증권", "새빛증권"]);
  assert.deepEqual(d.underwriters, [
    {
      name: "한결투자증권",
      shares: { min: 420_000, max: 504_000 },
      limit: { min: 15_000, max: 15_000 },
      role: "대표",
    },
    { name: "새빛증권", shares: { min: 180_000, max: 216_000 }, limit: null, role: "인수" },
  ]);
  assert.deepEqual(d.schedule, {
    bookbuilding: { from: "2026-07-02", to: "2026-07-08" },
    subscription: { from: "2026-07-13", to: "2026-07-14" },
    allotment_notice: "2026-07-16",
    payment: "2026-07-16",
    refund: "2026-07-17",
    listing: "2026-07-24",
  });
  assert.deepEqual(d.allocation, {
    employees: { shares: 240_000, pct: 10 },
    institutions: { shares: 1_560_000, pct: 65 },
    retail: { shares: 600_000, pct: 25 },
  });
  assert.equal(d.deposit_rate, 50, "the 일반청약자 rate, not the 우리사주 100%");
  assert.deepEqual(d.retail_limit, { min: 15_000, max: 30_000 });
  assert.deepEqual([d.inst_competition, d.lockup_ratio], [1_071.15, 11.13]);
  assert.deepEqual(d.lockup.map((l) => [l.period, l.shares]), [
    ["6개월 확약", 9_029_000],
    ["3개월 확약", 5_471_000],
    ["1개월 확약", 36_284_000],
    ["15일 확약", 135_191_000],
    ["합계", 185_975_000],
  ]);
  assert.deepEqual(d.demand, { participants: 2_181, shares: 1_671_000_000, competition: 1_071.15 });
  assert.deepEqual(d.price_distribution.map((r) => [r.label, r.count, r.shares, r.pct]), [
    ["가격미제시", 17, 14_833_000, 0.9],
    ["19,500원 초과", 62, 40_879_000, 2.4],
    ["19,500원 (상단)", 2_087, 1_599_650_000, 95.7],
    ["16,500원 초과 ~ 19,500원 미만", 3, 2_974_000, 0.2],
    ["16,500원 (하단)", 12, 12_664_000, 0.8],
    ["16,500원 미만", null, 0, null],
  ]);
});

Deno.test("o=r1 수요예측 결과 and o=nw 신규상장", async () => {
  const r = parseX38DemandResults(await page("demand_r1.html"));
  assert.equal(r.last_page, 18);
  assert.deepEqual(r.rows[1], {
    no: "2395",
    name: "한울바이오텍",
    date: "2026-07-08",
    band: { low: 16_500, high: 19_500 },
    final_price: 19_500,
    offer_amount: 46_800_000_000,
    inst_competition: 1_071.15,
    lockup_ratio: 11.13,
    underwriters: ["한결투자증권", "새빛증권"],
  });
  assert.deepEqual(
    [r.rows[2].name, r.rows[2].final_price, r.rows[2].inst_competition, r.rows[2].lockup_ratio],
    ["누리에너지", null, null, null],
  );
  const n = parseX38NewListings(await page("new_listings_nw.html"));
  assert.equal(n.last_page, 40);
  assert.deepEqual(n.rows[0], {
    no: "2395",
    name: "한울바이오텍",
    kospi: false,
    listing_date: "2026-07-24",
    current_price: 24_350,
    change_pct: -1.42,
    offer_price: 19_500,
    return_vs_offer_pct: 24.87,
    open_price: 31_200,
    open_vs_offer_pct: 60,
    first_close: 27_800,
  });
  assert.deepEqual([n.rows[1].name, n.rows[1].kospi, n.rows[1].return_vs_offer_pct], [
    "온빛머티리얼즈",
    true,
    -13.13,
  ]);
  assert.deepEqual([n.rows[2].open_price, n.rows[2].open_vs_offer_pct], [null, null]);
});

Deno.test("a page without the expected tables is a format error, not zero rows", async () => {
  const html =
    `<html><head><meta charset=euc-kr><title>점검</title></head><body><table><tr><td>서비스 점검 중입니다</td></tr></table></body></html>`;
  assert.throws(() => parseX38List(html), X38FormatError);
  assert.throws(() => parseX38Detail(html), X38FormatError);
  assert.throws(() => parseX38DemandResults(html), X38FormatError);
  assert.throws(() => parseX38NewListings(html), X38FormatError);
  // The detail page's tables do not make a list page.
  const detail = await page("detail_v_2395.html");
  assert.throws(() => parseX38List(detail), X38FormatError);
});
