import assert from "node:assert/strict";
import {
  buildChains,
  isoDate,
  normalizeCompany,
  normalizeCorp,
  normalizeListItem,
  normalizeSingleAcnt,
  parseAmount,
} from "../lib/etl/normalize.ts";
import { annualFigures, buildCompanySnapshot } from "../lib/etl/company_snapshot.ts";
import type { Financials } from "../lib/etl/schemas.ts";

Deno.test("[etl] amounts and dates parse in DART's formats", () => {
  assert.equal(parseAmount("455905980000000"), 455905980000000);
  assert.equal(parseAmount("-6,916,333,493"), -6916333493);
  assert.equal(parseAmount("5.981"), 5.981);
  assert.equal(parseAmount("-"), null);
  assert.equal(parseAmount(""), null);
  assert.equal(parseAmount(undefined), null);
  assert.equal(parseAmount("N/A"), null);
  assert.equal(isoDate("20260131"), "2026-01-31");
  assert.equal(isoDate("2026.01.31"), "2026-01-31");
  assert.equal(isoDate(" "), null);
});

Deno.test("[etl] corp rows keep leading zeros, blank stock codes become null", () => {
  const c = normalizeCorp({
    corp_code: "00434003",
    corp_name: "다코",
    corp_eng_name: "",
    stock_code: "",
    modify_date: "20170630",
  });
  assert.deepEqual(c, {
    corp_code: "00434003",
    corp_name: "다코",
    corp_eng_name: null,
    stock_code: null,
    modify_date: "2017-06-30",
  });
  assert.equal(
    normalizeCorp({
      corp_code: "01234567",
      corp_name: "x",
      stock_code: "0091A0",
      modify_date: "20260101",
    })
      .stock_code,
    "0091A0",
  );
  assert.throws(() =>
    normalizeCorp({ corp_code: "434003", corp_name: "x", modify_date: "20260101" })
  );
});

Deno.test("[etl] company.json normalizes urls, dates and the market label", () => {
  const p = normalizeCompany({
    status: "000",
    message: "정상",
    corp_code: "00126380",
    corp_name: "예시전자(주)",
    corp_name_eng: "EXAMPLE CO,.LTD",
    stock_name: "예시전자",
    stock_code: "005930",
    ceo_nm: "홍길동, 김철수",
    corp_cls: "Y",
    jurir_no: "1301110006246",
    bizr_no: "1248100998",
    adres: "경기도 수원시 영통구  삼성로 129",
    hm_url: "www.example.co.kr",
    ir_url: "",
    phn_no: "02-000-0000",
    fax_no: "",
    induty_code: "264",
    est_dt: "19690113",
    acc_mt: "12",
  });
  assert.equal(p.market, "유가증권");
  assert.equal(p.hm_url, "http://www.example.co.kr");
  assert.equal(p.ir_url, null);
  assert.equal(p.adres, "경기도 수원시 영통구 삼성로 129");
  assert.equal(p.est_dt, "1969-01-13");
  assert.throws(() => normalizeCompany({ corp_code: "00126380", corp_name: "x", corp_cls: "Z" }));
});

const row = (no: string, name: string, corp = "01234567") => ({
  corp_code: corp,
  corp_name: "한빛전자",
  stock_code: "123450",
  corp_cls: "K",
  report_nm: name,
  rcept_no: no,
  flr_nm: "한빛전자",
  rcept_dt: no.slice(0, 8),
  rm: "",
});

Deno.test("[etl] amendment chains: original, corrections and final terms in one chain", () => {
  const items = [
    row("20260301000001", "증권신고서(지분증권)"),
    row("20260310000002", "[기재정정]증권신고서(지분증권)"),
    row("20260320000003", "[발행조건확정]증권신고서(지분증권)"),
    row("20260305000004", "주요사항보고서(유상증자결정)"),
    row("20260306000005", "주요사항보고서(유상증자결정)"), // a second, separate event
    row("20260307000006", "[기재정정]주요사항보고서(유상증자결정)"),
    row("20260308000007", "[기재정정]감사보고서"), // original not in the window
    row("20260309000008", "증권신고서(지분증권)", "07654321"), // other company, same name
  ].map(normalizeListItem);
  const chained = buildChains(items);
  const by = new Map(chained.map((d) => [d.rcept_no, d]));
  assert.deepEqual(by.get("20260320000003")!.chain, [
    "20260301000001",
    "20260310000002",
    "20260320000003",
  ]);
  assert.equal(by.get("20260301000001")!.superseded, true);
  assert.equal(by.get("20260310000002")!.superseded, true);
  assert.equal(by.get("20260320000003")!.superseded, false);
  assert.deepEqual(by.get("20260305000004")!.chain, ["20260305000004"]);
  assert.deepEqual(by.get("20260307000006")!.chain, ["20260306000005", "20260307000006"]);
  assert.deepEqual(by.get("20260308000007")!.chain, ["20260308000007"]);
  assert.deepEqual(by.get("20260309000008")!.chain, ["20260309000008"]);
  assert.deepEqual(
    chained.map((d) => d.rcept_no),
    [...chained.map((d) => d.rcept_no)].sort().reverse(),
  );
});

function acnt(year: string, fs: string, figures: Record<string, [string, string, string]>) {
  return Object.entries(figures).map(([name, [th, fr, bf]], i) => ({
    rcept_no: `${Number(year) + 1}0315000001`,
    bsns_year: year,
    corp_code: "01234567",
    stock_code: "123450",
    reprt_code: "11011",
    account_nm: name,
    fs_div: fs,
    fs_nm: fs === "CFS" ? "연결재무제표" : "재무제표",
    sj_div: ["매출액", "영업이익", "당기순이익"].includes(name) ? "IS" : "BS",
    sj_nm: "",
    thstrm_amount: th,
    frmtrm_amount: fr,
    bfefrmtrm_amount: bf,
    ord: String(i + 1),
    currency: "KRW",
  }));
}

Deno.test("[etl] annual figures: YoY, margins, and years filled from prior-period columns", () => {
  const f2025 = normalizeSingleAcnt(acnt("2025", "CFS", {
    "매출액": ["1,200", "1,000", "800"],
    "영업이익": ["-60", "100", "80"],
    "당기순이익": ["-50", "70", "60"],
    "자산총계": ["3,000", "2,800", "2,500"],
    "부채총계": ["1,000", "900", "800"],
    "자본총계": ["2,000", "1,900", "1,700"],
  }));
  const f2025ofs = normalizeSingleAcnt(acnt("2025", "OFS", { "매출액": ["999", "", ""] }));
  const { fsDiv, years } = annualFigures([...f2025, ...f2025ofs] as Financials[]);
  assert.equal(fsDiv, "CFS");
  assert.deepEqual(years.map((y) => y.bsns_year), ["2023", "2024", "2025"]);
  const y25 = years[2];
  assert.equal(y25.revenue, 1200);
  assert.equal(y25.revenue_yoy, 20);
  assert.equal(y25.operating_income_yoy, -160); // 100 -> -60
  assert.equal(y25.operating_margin, -5);
  assert.equal(y25.debt_ratio, 50);
  assert.equal(years[0].revenue_yoy, null);
});

Deno.test("[etl] snapshot is partial and names missing sections and failed sources", () => {
  const s = buildCompanySnapshot({
    corp_code: "01234567",
    built_at: "2026-11-20T00:00:00.000Z",
    sample: false,
    profile: null,
    financials: [],
    indicators: [],
    disclosures: [normalizeListItem(row("20261101000001", "사업보고서 (2025.12)"))],
    source_status: {
      dart: { ok: false, checked_at: "x", last_success_at: null, error: "TimeoutError: timed out" },
    },
    failed_sections: ["profile"],
  });
  assert.equal(s.partial, true);
  assert.deepEqual(s.missing_sections, ["financials", "indicators", "profile"]);
  assert.equal(s.disclosures.length, 1);
  assert.equal(s.source_status.dart.ok, false);
});
