/**
 * KIND parsers against the hand-written fixtures (`tests/fixtures/kind/`), plus round trips
 * through the fixture renderer.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  createKindFixtureFetch,
  decodeKind,
  KindFormatError,
  KindUnavailableError,
  normalizeUnderwriter,
  parseCorpListDownload,
  parseListings,
  parseOfferings,
  parseReviews,
  parseSchedule,
  renderOfferingsSub,
  reviewResultOf,
} from "../lib/sources/kind/mod.ts";
import { encodeEucKr } from "../lib/sources/dart/fixture_fetch.ts";
import { buildKindSampleDataset } from "../sample/kind_sample.ts";

const dir = new URL("./fixtures/kind/", import.meta.url);
const text = (name: string) => Deno.readTextFileSync(new URL(name, dir));
const bytes = (name: string) => Deno.readFileSync(new URL(name, dir));

function throwsKind(fn: () => unknown, cls: typeof KindFormatError, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    assert.match((e as Error).message, re);
    return true;
  });
}

Deno.test("[kind parse] 공모기업현황", async (t) => {
  await t.step("Should read every column of a page and the footer", () => {
    const page = parseOfferings(text("offerings_p1.html"));
    assert.deepEqual({ total: page.total, page: page.page, pages: page.pages }, {
      total: 7,
      page: 1,
      pages: 2,
    });
    assert.equal(page.rows.length, 4);
    assert.deepEqual(page.rows[0], {
      biz_proc_no: "20261014000076",
      corp_name: "비츠헬스케어",
      market: "코스닥",
      filing_date: "2026-10-14",
      bookbuilding: { from: "2026-11-06", to: "2026-11-12" },
      subscription: { from: "2026-11-19", to: "2026-11-20" },
      payment_date: "2026-11-24",
      final_price: 27000,
      offer_amount_mkrw: 40500,
      listing_date: "2026-12-01",
      underwriters: ["미래에셋증권", "NH투자증권"],
    });
    const darae = page.rows[1];
    assert.equal(darae.market, "유가증권");
    assert.deepEqual(darae.underwriters, ["KB증권", "삼성증권", "하나증권"]);
    assert.equal(darae.offer_amount_mkrw, 180000);
  });

  await t.step("Should read '-', &nbsp; and blank as null before pricing", () => {
    const ace = parseOfferings(text("offerings_p1.html")).rows[2];
    assert.equal(ace.corp_name, "에이스테크");
    assert.equal(ace.final_price, null);
    assert.equal(ace.offer_amount_mkrw, null);
    assert.equal(ace.listing_date, null);
    assert.deepEqual(ace.bookbuilding, { from: "2026-11-30", to: "2026-12-04" });
  });

  await t.step("Should read the SPAC row", () => {
    const spac = parseOfferings(text("offerings_p1.html")).rows[3];
    assert.equal(spac.corp_name, "그린온스팩3호");
    assert.equal(spac.final_price, 2000);
    assert.deepEqual(spac.underwriters, ["유안타증권"]);
  });

  await t.step("Should give zero rows and total 0 for the empty-result row", () => {
    const page = parseOfferings(text("offerings_empty.html"));
    assert.deepEqual(page, { rows: [], total: 0, page: 1, pages: 0 });
  });

  await t.step("Should throw KindUnavailableError for the maintenance page, never 0 rows", () => {
    throwsKind(() => parseOfferings(text("maintenance.html")), KindUnavailableError, /페이지 오류/);
    throwsKind(() => parseReviews(text("maintenance.html")), KindUnavailableError, /listinvstgcom/);
    throwsKind(
      () => parseSchedule(text("maintenance.html"), 2026, 11),
      KindUnavailableError,
      /pubofrschdl/,
    );
  });

  await t.step("Should throw KindFormatError naming what was expected", () => {
    throwsKind(
      () => parseOfferings(text("malformed_colcount.html")),
      KindFormatError,
      /row 1 has 8 cells, expected 9/,
    );
    throwsKind(() => parseOfferings(text("no_table.html")), KindFormatError, /expected a <table>/);
    // A listing page is not an offering page.
    throwsKind(
      () => parseOfferings(text("listings_basic.html")),
      KindFormatError,
      /expected columns 회사명, 신고서제출일/,
    );
    // No footer on a Sub page.
    const noFooter = text("offerings_p1.html").replace(/<div class="info[^]*?<\/div>/, "");
    throwsKind(() => parseOfferings(noFooter), KindFormatError, /paging footer/);
    // A date that is not a date.
    const badDate = text("offerings_p1.html").replace("2026-10-14</td>", "2026-13-45</td>");
    throwsKind(() => parseOfferings(badDate), KindFormatError, /신고서제출일: expected YYYY-MM-DD/);
    const badNum = text("offerings_p1.html").replace("27,000", "미정");
    throwsKind(() => parseOfferings(badNum), KindFormatError, /확정공모가: expected a number/);
    const noKey = text("offerings_p1.html").replace("fnDetailView('20261014000076')", "");
    throwsKind(() => parseOfferings(noKey), KindFormatError, /no fnDetailView/);
  });

  await t.step("Should take titles from the summary when the script is missing", () => {
    const noScript = text("offerings_p1.html").replace(/<script[^]*<\/script>/, "");
    assert.equal(parseOfferings(noScript).rows.length, 4);
  });
});

Deno.test("[kind parse] 신규상장기업현황", async (t) => {
  await t.step("Should read the extra choicType columns by title", () => {
    const page = parseListings(text("listings_choice.html"));
    assert.equal(page.total, 4);
    const [spac, konex, haram, kx] = page.rows;
    assert.deepEqual(spac, {
      company_code: "49352",
      stock_code: "493520",
      corp_name: "그린온스팩3호",
      market: "코스닥",
      listing_date: "2026-11-13",
      listing_type: "신규상장",
      security_type: "주권",
      industry: "금융 지원 서비스업",
      nationality: "대한민국",
      underwriters: ["유안타증권"],
      par_value: 100,
      offer_price: 2000,
      offer_amount_mkrw: 11000,
      products: "기업인수합병",
      listed_shares: 5750000,
    });
    assert.equal(konex.market, "코넥스");
    assert.deepEqual(konex.underwriters, ["IBK투자증권"]);
    assert.equal(konex.offer_price, null);
    assert.equal(konex.offer_amount_mkrw, null);
    assert.equal(haram.company_code, "0091A");
    assert.equal(haram.stock_code, "0091A0");
    assert.equal(haram.listed_shares, null);
    assert.equal(kx.market, "코넥스", "icn_t_kx.gif without alt");
    assert.equal(kx.products, null);
    assert.deepEqual(kx.underwriters, ["DB금융투자"]);
  });

  await t.step("Should give null extras when the columns are not requested", () => {
    const [onbit, tera] = parseListings(text("listings_basic.html")).rows;
    assert.equal(onbit.market, "유가증권");
    assert.deepEqual(onbit.underwriters, ["NH투자증권", "한국투자증권", "KB증권"]);
    for (
      const k of ["par_value", "offer_price", "offer_amount_mkrw", "products", "listed_shares"]
    ) {
      assert.equal((onbit as Record<string, unknown>)[k], null, k);
    }
    assert.equal(tera.corp_name, "테라웨이브(주)");
    assert.equal(tera.stock_code, "0094K0");
  });

  await t.step("Should reject a title list that does not match the cells", () => {
    const html = text("listings_basic.html").replace(
      'fn_InitTitle("회사명,상장일,상장유형,증권구분,업종,국적,상장주선인/지정자문인")',
      'fn_InitTitle("회사명,상장일,상장유형,증권구분,업종,국적,상장주선인/지정자문인,공모가(원)")',
    );
    throwsKind(() => parseListings(html), KindFormatError, /7 cells, expected 8/);
  });
});

Deno.test("[kind parse] 상장예비심사", async (t) => {
  await t.step("Should map every 심사결과 text", () => {
    const page = parseReviews(text("reviews.html"));
    assert.equal(page.total, 8);
    assert.deepEqual(
      page.rows.map((r) => [r.corp_name, r.result, r.decided_date]),
      [
        ["새롬에너지솔루션", "filed", null],
        ["솔빛바이오", "filed", null],
        ["그린온스팩3호", "listing_approved", "2026-09-03"],
        ["나린모빌리티", "approved", "2026-10-08"],
        ["아이언웍스", "withdrawn", "2026-09-30"],
        ["제니스바이오", "rejected", "2026-08-27"],
        ["에버그린로보", "offering_withdrawn", "2026-10-19"],
        ["여명테크", "listing_withdrawn", "2026-02-05"],
      ],
    );
    const first = page.rows[0];
    assert.equal(first.biz_proc_no, "20261103000042");
    assert.equal(first.market, "유가증권");
    assert.equal(first.result_text, null);
    assert.deepEqual(first.underwriters, ["NH투자증권", "KB증권"]);
    assert.equal(page.rows[1].result_text, "청구서 접수");
    assert.equal(page.rows[7].listing_type, "이전상장");
  });

  await t.step("Should call an unseen result text unknown", () => {
    assert.equal(reviewResultOf("재심사청구"), "unknown");
    assert.equal(reviewResultOf(" 심사 승인 "), "approved");
  });
});

Deno.test("[kind parse] 공모일정 calendar", async (t) => {
  await t.step("Should list events by day with their 업무처리번호", () => {
    const ev = parseSchedule(text("schedule_2026_11.html"), 2026, 11);
    assert.equal(ev.length, 16);
    assert.deepEqual(ev.filter((e) => e.date === "2026-11-13"), [
      { date: "2026-11-13", kind: "IR", corp_name: "루미센서", biz_proc_no: "20261023000047" },
      {
        date: "2026-11-13",
        kind: "상장",
        corp_name: "그린온스팩3호",
        biz_proc_no: "20260921000061",
      },
    ]);
    assert.deepEqual(
      ev.filter((e) => e.corp_name === "루미센서" && e.kind === "수요예측").map((e) => e.date),
      ["2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20"],
    );
    assert.ok(ev.some((e) => e.kind === "납입" && e.date === "2026-11-17"));
  });

  await t.step("Should refuse a grid for another month length", () => {
    throwsKind(
      () => parseSchedule(text("schedule_2026_11.html"), 2026, 12),
      KindFormatError,
      /30 days, expected 31/,
    );
  });
});

Deno.test("[kind parse] decoding and the corpList download", async (t) => {
  await t.step("Should keep the fixture EUC-KR on disk", () => {
    const raw = bytes("corplist_euckr.html");
    assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(raw));
    assert.ok(decodeKind(raw).includes("하람로보틱스"), "meta charset sniffed");
    assert.ok(decodeKind(raw, "text/html; charset=EUC-KR").includes("회사명"));
  });

  await t.step("Should parse the real layout: <col>s before the header row, no thead", () => {
    const raw = bytes("corplist_euckr.html");
    const html = decodeKind(raw);
    assert.match(html, /<title>상장법인목록\(EXCEL\)<\/title>/);
    assert.ok(html.indexOf("<col width") < html.indexOf("<th"), "the fixture has <col>s first");
    assert.ok(!html.includes("<thead"));
    const rows = parseCorpListDownload(raw, "application/vnd.ms-excel");
    assert.equal(rows.length, 4);
    assert.deepEqual(rows.map((r) => [r.corp_name, r.stock_code, r.market]), [
      ["하람로보틱스", "0091A0", "코스닥"],
      ["온빛케미칼", "489730", "유가증권"],
      ["동녘물산", "024110", "유가증권"],
      ["소담푸드", "495070", "코넥스"],
    ]);
    assert.equal(rows[0].ceo, "임재성, 배소율");
    assert.equal(rows[0].homepage, "http://www.haramrobotics.example.kr");
    assert.equal(rows[1].homepage, "", "a blank, whitespace-only cell");
    assert.equal(rows[0].listing_date, "2026-08-11");
  });

  await t.step("Should re-pad a 종목코드 that lost its leading zero to 6", () => {
    const html = decodeKind(bytes("corplist_euckr.html")).replace(">024110<", ">24110<");
    const rows = parseCorpListDownload(encodeEucKr(html), "text/html; charset=euc-kr");
    assert.equal(rows[2].stock_code, "024110");
  });

  await t.step("Should decode UTF-8 by default and when declared", () => {
    const utf8 = new TextEncoder().encode("<p>공모</p>");
    assert.equal(decodeKind(utf8), "<p>공모</p>");
    assert.equal(decodeKind(utf8, "text/html;charset=UTF-8"), "<p>공모</p>");
    assert.equal(
      decodeKind(encodeEucKr("<p>공모</p>"), "text/html; charset=ks_c_5601-1987"),
      "<p>공모</p>",
    );
  });
});

Deno.test("[kind parse] header detection does not depend on what precedes the header row", async (t) => {
  const real = decodeKind(bytes("corplist_euckr.html"));
  const want = parseCorpListDownload(encodeEucKr(real), "text/html; charset=euc-kr");
  const head = real.slice(real.indexOf("\t<tr>"), real.indexOf("</tr>") + 5);
  const body = real.slice(real.indexOf("</tr>") + 5, real.indexOf("</table>"));
  const table = (before: string, header = head, rows = body) =>
    real.slice(0, real.indexOf("<table")) +
    `<table border="1">${before}${header}${rows}</table>` +
    real.slice(real.indexOf("</table>") + 8);
  const variants: Record<string, string> = {
    "<col>s with closing slashes (the real file)": table(real.slice(
      real.indexOf("\t<col"),
      real.indexOf("\t<tr>"),
    )),
    "a <colgroup>": table(`<colgroup><col width="20%" /><col width="10%" /></colgroup>`),
    "<col>s without closing tags": table(`<col width=20%><col width=10%><col width=15%>`),
    "a <caption> and a <colgroup> of bare <col>s": table(
      `<caption>상장법인목록</caption><colgroup><col width=20%><col width=10%></colgroup>`,
    ),
    "blank rows": table(`<tr></tr><tr><td></td><td>&nbsp;</td></tr>\n`),
    "<thead> and <tbody>": table(
      `<colgroup><col /></colgroup><thead>`,
      `${head}</thead><tbody>`,
      `${body}</tbody>`,
    ),
    "nothing (a first-child header row)": table(""),
  };
  for (const [name, html] of Object.entries(variants)) {
    await t.step(name, () => {
      const got = parseCorpListDownload(encodeEucKr(html), "text/html; charset=euc-kr");
      assert.deepEqual(got, want);
    });
  }

  await t.step("a header row written in <td>s is found by its titles", () => {
    const tds = head.replaceAll("<th", "<td").replaceAll("</th>", "</td>");
    const got = parseCorpListDownload(
      encodeEucKr(table(`<colgroup><col width=20%></colgroup>`, tds)),
      "text/html; charset=euc-kr",
    );
    assert.deepEqual(got, want);
  });

  await t.step("a table without the columns is still a KindFormatError", () => {
    throwsKind(
      () =>
        parseCorpListDownload(
          encodeEucKr(table(`<col width=20%>`, "<tr><th>회사명</th><th>비고</th></tr>", "")),
          "text/html; charset=euc-kr",
        ),
      KindFormatError,
      /expected columns/,
    );
  });

  await t.step(
    "_down variants with <col>s before the header (the fake KIND's layout)",
    async () => {
      const ds = buildKindSampleDataset();
      const f = createKindFixtureFetch(ds);
      const html = await (await f("https://kind.krx.co.kr/listinvstg/pubofrprogcom.do", {
        method: "POST",
        body: new URLSearchParams({
          method: "searchPubofrProgComSub",
          forward: "pubofrprogcom_down",
        }),
      })).text();
      assert.ok(html.indexOf("<col width") < html.indexOf("<th"));
      const colgroup = html.replace(
        /(\t<col [^>]*\/>\n)+/,
        "<colgroup><col width=30%><col></colgroup>\n",
      );
      for (const h of [html, colgroup]) {
        assert.equal(parseOfferings(h, { download: true }).rows.length, ds.offerings.length);
      }
    },
  );
});

Deno.test("[kind parse] underwriter names", () => {
  assert.equal(normalizeUnderwriter("엔에이치투자증권(주)"), "NH투자증권");
  assert.equal(normalizeUnderwriter("주식회사 케이비증권"), "KB증권");
  assert.equal(normalizeUnderwriter("㈜아이비케이투자증권"), "IBK투자증권");
  assert.equal(normalizeUnderwriter(" 한국투자증권 "), "한국투자증권");
});

Deno.test("[kind parse] round trip through the fixture renderer", async (t) => {
  const ds = buildKindSampleDataset();

  await t.step("Should parse back every sample offering", () => {
    const page = parseOfferings(renderOfferingsSub(ds.offerings, {
      total: ds.offerings.length,
      page: 1,
      pages: 1,
    }));
    assert.equal(page.rows.length, ds.offerings.length);
    for (const [i, o] of ds.offerings.entries()) {
      assert.deepEqual(
        { ...page.rows[i], underwriters: [] },
        { ...o, underwriters: [] },
        o.corp_name,
      );
      assert.deepEqual(page.rows[i].underwriters, o.underwriters.map(normalizeUnderwriter));
    }
  });

  await t.step('Should parse the _down ("Excel") variants: header <th>s, no footer', async () => {
    const f = createKindFixtureFetch(ds);
    const post = async (path: string, form: Record<string, string>) =>
      await (await f(`https://kind.krx.co.kr${path}`, {
        method: "POST",
        body: new URLSearchParams(form),
      })).text();
    const off = parseOfferings(
      await post("/listinvstg/pubofrprogcom.do", {
        method: "searchPubofrProgComSub",
        forward: "pubofrprogcom_down",
      }),
      { download: true },
    );
    assert.equal(off.rows.length, ds.offerings.length);
    assert.equal(off.total, ds.offerings.length);
    assert.ok(off.rows.every((o) => o.market === null), "no icons in the download");
    const lst = parseListings(
      await post("/listinvstg/listingcompany.do", {
        method: "searchListingTypeSub",
        forward: "listingtype_down",
        choicTypeArrStr: "02|05|",
      }),
      { download: true },
    );
    assert.equal(lst.rows.length, ds.listings.length);
    const h = lst.rows.find((l) => l.stock_code === "0091A0")!;
    assert.equal(h.offer_price, 21000);
    assert.equal(h.par_value, null);
  });

  await t.step("Should serve the Main page and the error page for bad input", async () => {
    const f = createKindFixtureFetch(ds);
    const main = await f(
      "https://kind.krx.co.kr/listinvstg/pubofrprogcom.do?method=searchPubofrProgComMain",
    );
    assert.match(await main.text(), /<title>KIND - 공모기업현황<\/title>/);
    const bad = await f("https://kind.krx.co.kr/listinvstg/pubofrprogcom.do", {
      method: "POST",
      body: new URLSearchParams({ method: "searchPubofrProgComSub", fromDate: "20261101" }),
    });
    const body = new Uint8Array(await bad.arrayBuffer());
    throwsKind(() => parseOfferings(decodeKind(body)), KindUnavailableError, /페이지 오류/);
  });
});
