/**
 * Every company and instrument reachable, and search, on the sample app:
 * `GET /api/v1/search` (contract, 초성, codes, ISIN, quotes, cursor paging, errors), the
 * search page (hits with market and price, page links, exact hits redirecting, the plain
 * form), company and stock URLs both ways, a corp-master row without DART data, an
 * instrument without a DART company, and DART sections for every sample instrument.
 */
import assert from "node:assert/strict";
import { parse } from "node-html-parser";
import { contract, type Json } from "./helpers/contract.ts";
import { buildTestApp, type TestApp } from "./helpers/app.ts";
import { putBars, putInstruments } from "../lib/store/market.ts";
import { marketCacheFor } from "../lib/store/market_cache.ts";
import { appSampleDataset } from "../lib/etl/sample.ts";
import { SAMPLE_AS_OF } from "../sample/dart_sample.ts";
import { isinOf } from "../sample/krx_sample.ts";

const SEARCH = "/api/v1/search";
const HANBIT = { corp: "00912345", stock: "402760", name: "한빛반도체" };
const q = (s: string) => encodeURIComponent(s);

async function withApp(
  fn: (t: TestApp, check: Awaited<ReturnType<typeof contract>>) => Promise<void>,
) {
  const t = await buildTestApp();
  try {
    await fn(t, await contract(t.app));
  } finally {
    await t.close();
  }
}

async function page(t: TestApp, url: string) {
  const res = await t.app.request(url);
  return { res, status: res.status, location: res.headers.get("location"), html: await res.text() };
}

Deno.test({
  name: "[search api] GET /api/v1/search: 초성, names, codes, ISIN, quotes and cursor paging",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withApp(async (t, check) => {
      // 초성 and name both find 한빛반도체, with its market, page and the close the market API serves.
      const price: Json = await (await t.app.request(`/api/v1/market/instruments/${HANBIT.stock}`))
        .json();
      for (const query of ["ㅎㅂ", "한빛", "한빛 반도체", "HANBIT"]) {
        const r = await check(`${SEARCH}?q=${q(query)}`, SEARCH, 200);
        const hit = r.items.find((i: Json) => i.corp_code === HANBIT.corp);
        assert.ok(hit, `${query} finds 한빛반도체`);
        assert.equal(hit.market, "KOSPI");
        assert.equal(hit.url, `/company/${HANBIT.corp}`);
        assert.deepEqual(hit.quote, {
          date: price.price.date,
          close: price.price.close,
          change: price.price.change,
          change_pct: price.price.change_pct,
        });
      }
      const exact = await check(`${SEARCH}?q=${q(HANBIT.name)}`, SEARCH, 200);
      assert.deepEqual([exact.items[0].corp_code, exact.items[0].match], [HANBIT.corp, "name"]);
      for (const code of [HANBIT.stock, HANBIT.corp, isinOf(HANBIT.stock)]) {
        const r = await check(`${SEARCH}?q=${code}`, SEARCH, 200);
        assert.deepEqual([r.items[0].corp_code, r.items[0].match], [HANBIT.corp, "code"], code);
      }
      // Unlisted companies are there too, without market or price.
      const unlisted = await check(`${SEARCH}?q=${q("온새미로")}`, SEARCH, 200);
      assert.deepEqual(
        [unlisted.items[0].corp_code, unlisted.items[0].market, unlisted.items[0].quote],
        ["00091234", null, null],
      );

      // Cursor paging walks the whole ranked list exactly once.
      const all = await check(`${SEARCH}?q=${q("ㄱ")}&limit=50`, SEARCH, 200);
      assert.ok(all.total > 20, `ㄱ: ${all.total}`);
      const walked: string[] = [];
      let cursor: string | null = "";
      while (cursor !== null) {
        const r: Json = await check(
          `${SEARCH}?q=${q("ㄱ")}&limit=7${cursor ? `&cursor=${cursor}` : ""}`,
          SEARCH,
          200,
        );
        assert.equal(r.total, all.total);
        assert.ok(r.items.length <= 7);
        walked.push(...r.items.map((i: Json) => i.url));
        cursor = r.next_cursor;
      }
      assert.equal(walked.length, all.total);
      assert.equal(new Set(walked).size, all.total);
      assert.deepEqual(walked.slice(0, 50), all.items.map((i: Json) => i.url));

      // Bad input: 400 problems naming the parameter.
      for (
        const [url, param] of [
          [SEARCH, "q"],
          [`${SEARCH}?q=`, "q"],
          [`${SEARCH}?q=a&limit=0`, "limit"],
          [`${SEARCH}?q=a&limit=51`, "limit"],
          [`${SEARCH}?q=a&cursor=nope`, "cursor"],
          [`${SEARCH}?q=${"가".repeat(101)}`, "q"],
        ]
      ) {
        const p = await check(url, SEARCH, 400);
        assert.ok(p.errors.some((e: Json) => e.path === param), `${url}: ${JSON.stringify(p)}`);
      }
      // The route is documented with an operationId.
      const doc: Json = await (await t.app.request("/api/openapi.json")).json();
      assert.equal(doc.paths[SEARCH].get.operationId, "search");
    }),
});

Deno.test({
  name:
    "[search api] the search page: market and price per hit, page links, exact hits open their page",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withApp(async (t) => {
      const { status, html } = await page(t, `/company?q=${q("ㄱ")}`);
      assert.equal(status, 200);
      const doc = parse(html);
      const rows = doc.querySelectorAll("#search-results tbody tr");
      assert.equal(rows.length, 50, "a full first page");
      const listed = rows.filter((r) => r.querySelector("td:nth-child(4)")?.text === "KOSDAQ");
      assert.ok(listed.length > 0);
      for (const r of listed) {
        assert.match(r.querySelector("td:nth-child(5)")!.text, /^[\d,]+$/, "close");
        assert.match(r.querySelector("td:nth-child(6)")!.text, /^(▲ \+|▼ -|0 )/, "change");
      }
      // Page links, and page 2 continues where page 1 stopped.
      const next = doc.querySelector('.pager a[rel="next"]')!.getAttribute("href")!;
      assert.equal(next, `/company?q=${q("ㄱ")}&page=2`);
      const second = parse((await page(t, next)).html);
      const api: Json = await (await t.app.request(
        `${SEARCH}?q=${q("ㄱ")}&limit=50&cursor=${btoa("o:50").replace(/=+$/, "")}`,
      )).json();
      assert.deepEqual(
        second.querySelectorAll("#search-results tbody th a").map((a) => a.getAttribute("href")),
        api.items.map((i: Json) => i.url),
      );
      assert.equal((await page(t, `/company?q=${q("ㄱ")}&page=0`)).status, 200, "page 0 is page 1");

      // A code, an ISIN, a 고유번호 or the one exact name opens the page.
      for (
        const query of [HANBIT.stock, isinOf(HANBIT.stock), HANBIT.corp, HANBIT.name, "한빛 반도체"]
      ) {
        const r = await page(t, `/company?q=${q(query)}`);
        assert.deepEqual([r.status, r.location], [302, `/company/${HANBIT.corp}`], query);
      }
      // A name two companies share lists both.
      assert.equal((await page(t, `/company?q=${q("동녘물산")}`)).status, 200);

      // Without JavaScript the search box is a GET form to /company with q.
      const form = parse((await page(t, "/market")).html).querySelector("#site-q")!;
      assert.equal(form.getAttribute("name"), "q");
      assert.equal(form.getAttribute("role"), "combobox");
      assert.equal(form.closest("form")!.getAttribute("action"), "/company");
    }),
});

Deno.test({
  name: "[search api] company and stock URLs resolve both ways; every page answers",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withApp(async (t) => {
      const expect = async (url: string, status: number, location?: string) => {
        const r = await page(t, url);
        assert.equal(r.status, status, url);
        if (location) assert.equal(r.location, location, url);
        return r.html;
      };
      await expect(`/stock/${HANBIT.stock}`, 302, `/company/${HANBIT.corp}`);
      await expect(`/stock/${isinOf(HANBIT.stock)}`, 302, `/stock/${HANBIT.stock}`);
      await expect(`/stock/0091a0`, 302, `/stock/0091A0`);
      await expect(`/company/${HANBIT.stock}`, 302, `/stock/${HANBIT.stock}`);
      // The old search link of a /market row still lands on the company.
      await expect(`/company?q=${HANBIT.stock}`, 302, `/company/${HANBIT.corp}`);
      const company = await expect(`/company/${HANBIT.corp}`, 200);
      assert.ok(company.includes('id="price-card"') && company.includes('id="profile-h"'));
      // Its IPO deals: tied by 고유번호, or (a KIND listing without a DART match) by stock code.
      const haram = parse(await expect("/company/01843756", 200));
      assert.ok(haram.querySelector('#company-ipo a[href^="/ipo/K"]'), "하람로보틱스's deal");
      const sodam = await page(t, "/stock/495070");
      const sodamHtml = parse(await expect(sodam.location!, 200));
      assert.ok(
        sodamHtml.querySelector('#company-ipo a[href="/ipo/L495070"]'),
        "소담푸드's listing",
      );
      await expect("/stock/999999", 404);
      await expect("/stock/KR7999999990", 404);
      await expect("/stock/12", 400);
      await expect("/company/00000000", 404);

      // A corp-master row the sample has no DART data for: its page, saying so.
      const ds = appSampleDataset();
      const bare = ds.corps.find((c) => !c.stock_code && !ds.companies[c.corp_code])!;
      const bareHtml = await expect(`/company/${bare.corp_code}`, 200);
      assert.ok(bareHtml.includes(bare.corp_name));
      assert.ok(bareHtml.includes('id="no-dart"'));
      assert.ok(bareHtml.includes("샘플 데이터셋에는 이 기업의 DART"));
      assert.ok(!bareHtml.includes("company-export"), "nothing to export: no workbook link");

      // An instrument without a DART company (an ETF): its stock page, market parts only.
      marketCacheFor(t.kv).invalidate();
      await putInstruments(t.kv, [{
        code: "069500",
        isin: isinOf("069500"),
        name: "샘플200",
        name_full: "샘플 200 상장지수투자신탁",
        name_en: "SAMPLE 200 ETF",
        market: "KOSPI",
        sector: null,
        security_group: "ETF",
        stock_kind: null,
        par_value: null,
        listing_date: "2002-10-14",
        shares: 10_000_000,
      }]);
      await putBars(t.kv, "KOSPI", [{
        date: SAMPLE_AS_OF,
        code: "069500",
        open: 35_000,
        high: 35_400,
        low: 34_900,
        close: 35_250,
        change: 150,
        change_pct: 0.43,
        volume: 100_000,
        value: 3_525_000_000,
        market_cap: 352_500_000_000,
        shares: 10_000_000,
      }]);
      marketCacheFor(t.kv).invalidate();
      const etf = await expect("/stock/069500", 200);
      assert.ok(etf.includes("샘플200") && etf.includes('id="price-close" data-close="35250"'));
      assert.ok(etf.includes("이 종목에 연결된 DART 고유번호가 없어"));
      assert.ok(etf.includes(isinOf("069500")));
      const found: Json = await (await t.app.request(`${SEARCH}?q=${q("샘플200")}`)).json();
      assert.deepEqual(
        [found.items[0].corp_code, found.items[0].url, found.items[0].quote.close],
        [null, "/stock/069500", 35_250],
      );
    }),
});

Deno.test({
  name:
    "[search api] every sample instrument has a page with the DART profile, financials and disclosures",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    withApp(async (t) => {
      const list: Json = await (await t.app.request("/api/v1/market/instruments?limit=500")).json();
      assert.ok(list.items.length >= 70, `${list.items.length} instruments`);
      const ds = appSampleDataset();
      const noStatements: string[] = [];
      for (const inst of list.items) {
        const r = await page(t, `/stock/${inst.code}`);
        assert.equal(r.status, 302, `/stock/${inst.code}`);
        const co = await page(t, r.location!);
        assert.equal(co.status, 200, r.location!);
        const doc = parse(co.html);
        const corp = r.location!.slice("/company/".length);
        assert.ok(doc.querySelector("#price-card"), `${inst.code}: price card`);
        assert.ok(doc.querySelector("#profile-h"), `${inst.code}: DART profile`);
        const filled = (sel: string) =>
          doc.querySelectorAll(`${sel} tbody tr`).filter((tr) =>
            !tr.classList.contains("empty-row")
          )
            .length;
        assert.ok(filled("#disclosures-table") > 0, `${inst.code}: disclosures`);
        assert.ok(doc.querySelector("#company-export"), `${inst.code}: workbook link`);
        if (filled("#financials-table") < 3) {
          noStatements.push(`${inst.name} (${ds.companies[corp]?.est_dt})`);
        }
      }
      // Only a SPAC founded this year has filed no annual report yet.
      assert.deepEqual(noStatements, ["그린온스팩3호 (20260602)"]);
    }),
});
