/**
 * Server rendering of the market UI: the company price card (Korean colours, 억/조, 52-week
 * range, IPO return), the PriceChart island's first render, index cards with SVG
 * sparklines, the home and market pages, and the IPO pages' return since the offer price.
 */
import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { CompanyPage } from "../components/CompanyPage.tsx";
import { HomePage } from "../components/HomePage.tsx";
import { IndexCards, sparkPoints } from "../components/IndexCards.tsx";
import { changeText, PriceCard, rangePosition } from "../components/PriceCard.tsx";
import { buildCompanySnapshot } from "../lib/etl/company_snapshot.ts";
import type { CompanySnapshot } from "../lib/etl/schemas.ts";
import { formatPct } from "../lib/format.ts";
import type { MarketSection } from "../lib/market/summary.ts";
import { returnPct } from "../lib/market/summary.ts";
import { putCompanySnapshot } from "../lib/store/snapshots.ts";
import { chartSummary, PriceChart } from "../islands/PriceChart.tsx";
import {
  buildMarketApp,
  HANBIT_CORP,
  HARAM_CORP,
  IPO_CODE,
  IPO_DEAL_ID,
  IPO_OFFER,
  LATEST,
} from "./helpers/market.ts";

const shell = { sample: false, bundle: null };

const section = (over: Partial<MarketSection> = {}): MarketSection => ({
  code: "402760",
  date: "2026-11-20",
  close: 51_200,
  change: 1_200,
  change_pct: 2.4,
  volume: 1_234_567,
  market_cap: 51_200 * 120_000_000,
  shares: 120_000_000,
  high_52w: 60_000,
  high_52w_date: "2026-03-04",
  low_52w: 40_000,
  low_52w_date: "2025-12-01",
  first_date: "2021-01-04",
  name: "한빛반도체",
  market: "KOSPI",
  ipo: null,
  ...over,
});

function islandProps(html: string, name: string): Record<string, unknown> {
  const m = new RegExp(`data-island="${name}" data-props="([^"]*)"`).exec(html);
  if (!m) throw new assert.AssertionError({ message: `island ${name} marker missing` });
  return JSON.parse(m[1].replaceAll("&quot;", '"').replaceAll("&amp;", "&"));
}

Deno.test("[market ui] changeText, rangePosition, sparkPoints", () => {
  assert.equal(changeText(1_200, 2.4), "▲ +1,200 (+2.40%)");
  assert.equal(changeText(-300, -0.58), "▼ -300 (-0.58%)");
  assert.equal(changeText(0, 0), "0 (0.00%)");
  assert.equal(changeText(12.345, 0.47, 2), "▲ +12.35 (+0.47%)");
  assert.equal(changeText(null, null), "—");
  assert.equal(rangePosition({ close: 50, low_52w: 40, high_52w: 60 }), 50);
  assert.equal(rangePosition({ close: 70, low_52w: 40, high_52w: 60 }), 100);
  assert.equal(rangePosition({ close: 50, low_52w: 50, high_52w: 50 }), null);
  assert.equal(rangePosition({ close: null, low_52w: 40, high_52w: 60 }), null);
  assert.equal(sparkPoints([1, 3, 2], 100, 20, 0), "0,20 50,0 100,10");
  assert.equal(sparkPoints([5, null, 5], 100, 20, 0), "0,10 100,10", "gaps skipped, flat mid");
  assert.equal(sparkPoints([1], 100, 20), "");
});

Deno.test("[market ui] price card: Korean colours, 억/조, 52-week range, chart island", () => {
  const html = renderToString(
    h(PriceCard, { market: section(), stockCode: "402760", name: "한빛반도체" }),
  );
  assert.match(html, /class="price-close up" id="price-close" data-close="51200">51,200<small>원/);
  assert.match(html, /class="price-change up" id="price-change">▲ \+1,200 \(\+2\.40%\)/);
  assert.match(html, /id="price-mcap" title="6,144,000,000,000원">6조 1,440억원</);
  assert.match(html, /id="price-shares">120,000,000주</);
  assert.match(
    html,
    /id="price-high52"><span class="up">60,000원<\/span><span class="muted">\(2026\.03\.04\)/,
  );
  assert.match(
    html,
    /id="price-low52"><span class="down">40,000원<\/span><span class="muted">\(2025\.12\.01\)/,
  );
  assert.match(html, /기준일 <time id="price-date" datetime="2026-11-20">2026\.11\.20/);
  assert.match(html, /aria-label="52주 범위에서 현재가 위치 56%/);
  assert.doesNotMatch(html, /공모가/);
  assert.deepEqual(islandProps(html, "PriceChart"), {
    code: "402760",
    name: "한빛반도체",
    range: "1Y",
  });
  // the island's first render: pressed 1Y, loading, fixed-height box, table fallback
  assert.match(html, /<button type="button" data-range="1Y" aria-pressed="true">1년<\/button>/);
  assert.match(html, /<button type="button" data-range="1M" aria-pressed="false">1개월<\/button>/);
  assert.match(html, /data-state="loading"/);
  assert.match(html, /data-chart-ready="false"/);
  assert.match(html, /class="price-chart-canvas" aria-busy="true"/);
  assert.match(html, /aria-live="polite">1년 일별 종가를 불러오는 중…</);
  assert.match(html, /최근 10거래일 표/);

  const down = renderToString(
    h(PriceCard, {
      market: section({ change: -300, change_pct: -0.58, market_cap: 230_787_530_000 }),
      stockCode: "402760",
      name: "한빛반도체",
    }),
  );
  assert.match(down, /class="price-close down"/);
  assert.match(down, /▼ -300 \(-0\.58%\)/);
  assert.match(down, />2,308억원</);
  const flat = renderToString(
    h(PriceCard, { market: section({ change: 0, change_pct: 0 }), stockCode: "402760", name: "x" }),
  );
  assert.match(flat, /class="price-close flat"/);
});

Deno.test("[market ui] price card: IPO return since the offer price; no prices yet", () => {
  const html = renderToString(
    h(PriceCard, {
      market: section({
        code: IPO_CODE,
        close: 25_200,
        ipo: {
          pipeline_id: IPO_DEAL_ID,
          offer_price: 21_000,
          listing_date: "2026-08-11",
          first_day_date: "2026-08-11",
          first_day_open: 30_000,
          first_day_close: 27_300,
          first_day_return_pct: 30,
          return_since_offer_pct: 20,
        },
      }),
      stockCode: IPO_CODE,
      name: "하람로보틱스",
    }),
  );
  assert.match(html, new RegExp(`<a href="/ipo/${IPO_DEAL_ID}">21,000원</a>`));
  assert.match(html, /\(상장 2026\.08\.11\)/);
  assert.match(html, /id="price-vs-offer" class="up">\+20\.00%</);
  assert.match(html, /27,300원 <span class="up">\(\+30\.00%\)<\/span>/);

  const none = renderToString(h(PriceCard, { market: null, stockCode: "402760", name: "x" }));
  assert.match(none, /KRX 일별 시세가 아직 수집되지 않았습니다/);
  assert.doesNotMatch(none, /data-island/);
});

Deno.test("[market ui] PriceChart summary sentence", () => {
  const s = chartSummary({
    range: "1M",
    from: "2026-10-21",
    to: "2026-11-20",
    dates: ["2026-10-21", "2026-11-19", "2026-11-20"],
    closes: [20_000, 26_000, 22_000],
    volumes: [1, 2, 3],
    changes: [0, 0, 0],
  });
  assert.equal(
    s,
    "1개월 (2026.10.21 ~ 11.20, 3거래일): 종가 22,000원, 기간 등락률 +10.00%, 기간 최고 종가 26,000원, 최저 종가 20,000원",
  );
  const html = renderToString(h(PriceChart, { code: "402760", name: "한빛반도체", range: "5Y" }));
  assert.match(html, /data-range="5Y" aria-pressed="true"/);
  assert.match(html, /aria-label="한빛반도체 5년 일별 종가와 거래량 차트"/);
});

Deno.test("[market ui] index cards: close, coloured change, server-side sparkline", () => {
  const closes = Array.from({ length: 60 }, (_, i) => 2_500 + i);
  const html = renderToString(
    h(IndexCards, {
      items: [
        {
          index_code: "KOSPI",
          name: "코스피",
          date: "2026-11-20",
          close: 2_634.45,
          change: 12.3,
          change_pct: 0.47,
          closes,
        },
        {
          index_code: "KOSDAQ",
          name: "코스닥",
          date: "2026-11-20",
          close: 861.2,
          change: -4.5,
          change_pct: -0.52,
          closes: [...closes].reverse(),
        },
      ],
      href: "/market",
    }),
  );
  assert.match(html, /<a class="index-card card" href="\/market" data-index="KOSPI">/);
  assert.match(html, /class="index-close up">2,634\.45</);
  assert.match(html, /class="index-change up">▲ \+12\.30 \(\+0\.47%\)</);
  assert.match(html, /class="index-close down">861\.20</);
  assert.match(html, /<svg class="sparkline up"/);
  assert.match(html, /<svg class="sparkline down"/);
  const points = /<polyline points="([^"]+)"/.exec(html)![1].split(" ");
  assert.equal(points.length, 60);
  assert.match(html, /aria-label="최근 60거래일 종가 추이: 2,500\.00에서 2,559\.00로 \+2\.36%"/);
  // the sparkline's period is visible (its colour follows it, not the day's change)
  assert.match(html, /2026\.11\.20 종가 · 그래프 최근 60거래일/);
  assert.equal(renderToString(h(IndexCards, { items: [] })), "");
});

Deno.test("[market ui] company and home pages place the market parts", () => {
  const base = buildCompanySnapshot({
    corp_code: "00912345",
    built_at: "2026-11-20T09:00:00.000Z",
    sample: false,
    profile: {
      corp_code: "00912345",
      corp_name: "한빛반도체",
      corp_name_eng: null,
      stock_name: "한빛반도체",
      stock_code: "402760",
      ceo_nm: null,
      corp_cls: "Y",
      market: "유가증권",
      jurir_no: null,
      bizr_no: null,
      adres: null,
      hm_url: null,
      ir_url: null,
      phn_no: null,
      fax_no: null,
      induty_code: null,
      est_dt: null,
      acc_mt: null,
    },
    financials: [],
    indicators: [],
    disclosures: [],
    source_status: {},
    failed_sections: [],
    market: section(),
  });
  const page = renderToString(h(CompanyPage, { ...shell, snap: base }));
  assert.match(page, /id="price-card"/);
  assert.match(page, /data-island="PriceChart"/);
  const stale = renderToString(h(CompanyPage, { ...shell, snap: { ...base, market: undefined } }));
  assert.match(stale, /KRX 일별 시세가 아직 수집되지 않았습니다/);
  const unlisted: CompanySnapshot = {
    ...base,
    profile: { ...base.profile!, stock_code: null },
  };
  assert.doesNotMatch(renderToString(h(CompanyPage, { ...shell, snap: unlisted })), /price-card/);

  const home = renderToString(
    h(HomePage, {
      ...shell,
      disclosures: [],
      corps: [],
      indices: [{
        index_code: "KOSPI",
        name: "코스피",
        date: "2026-11-20",
        close: 2_600,
        change: -1,
        change_pct: -0.04,
        closes: [2_601, 2_600],
      }],
    }),
  );
  assert.match(home, /id="indices-h">시장 지수</);
  assert.match(home, /data-index="KOSPI"/);
  assert.doesNotMatch(
    renderToString(h(HomePage, { ...shell, disclosures: [], corps: [] })),
    /시장 지수/,
  );
});

Deno.test("[market ui] GET /, /market and /company render stored market data", async () => {
  const t = await buildMarketApp();
  try {
    const home = await (await t.app.request("/")).text();
    const kospi = t.seeded.indices.get("KOSPI")!;
    assert.match(home, /data-index="KOSPI"/);
    assert.match(home, /data-index="KOSDAQ"/);
    assert.doesNotMatch(home, /data-index="KOSPI200"/, "home shows KOSPI and KOSDAQ only");
    const last = kospi.at(-1)!;
    const close = last.close!.toLocaleString("en-US", { minimumFractionDigits: 2 });
    assert.ok(home.includes(`>${close}<`), `KOSPI close ${close}`);
    const cls = last.change! > 0 ? "up" : last.change! < 0 ? "down" : "flat";
    assert.ok(home.includes(`class="index-close ${cls}"`));
    const spark = /data-index="KOSPI"[\s\S]*?<polyline points="([^"]+)"/.exec(home)![1];
    assert.equal(spark.split(" ").length, 60, "last 60 closes");
    assert.match(home, /<a href="\/market">시장 현황 →<\/a>/);

    const market = await t.app.request("/market");
    assert.equal(market.status, 200);
    const mh = await market.text();
    assert.match(mh, /id="market-date">2026\.11\.20</);
    assert.match(mh, /id="gainers-KOSDAQ"/);
    assert.match(mh, /id="active-KOSPI"/);
    assert.match(mh, /id="flow-KOSPI"/);
    assert.match(mh, /id="indices-table"/);
    assert.match(mh, /data-index="KOSPI200"/);
    assert.match(mh, /aria-current="page">시장</);
    const holiday = await (await t.app.request("/market?date=2026-10-09")).text();
    assert.match(
      holiday,
      /id="market-notice">2026\.10\.09은\(는\) 거래일이 아닙니다 \(휴장일: 한글날\)/,
    );
    assert.equal((await t.app.request("/market?date=2026-02-30")).status, 400);

    const haram = await (await t.app.request(`/company/${HARAM_CORP}`)).text();
    const bars = t.seeded.bars.get(IPO_CODE)!;
    const pct = formatPct(returnPct(bars.at(-1)!.close, IPO_OFFER), { digits: 2 });
    assert.ok(haram.includes(`id="price-vs-offer" class="`), "IPO return row");
    assert.ok(haram.includes(`>${pct}<`), `공모가 대비 ${pct}`);
    assert.match(
      haram,
      /data-island="PriceChart" data-props="\{&quot;code&quot;:&quot;0091A0&quot;/,
    );

    // a snapshot built before prices were stored: the page reads the section itself
    const snap = (await t.deps.snapshots.get(HANBIT_CORP))!;
    await putCompanySnapshot(t.kv, { ...snap, market: undefined });
    const hanbit = await (await t.app.request(`/company/${HANBIT_CORP}`)).text();
    const close402 = t.seeded.bars.get("402760")!.at(-1)!.close!.toLocaleString("en-US");
    assert.ok(
      hanbit.includes(`data-close="${t.seeded.bars.get("402760")!.at(-1)!.close}">${close402}`),
    );
    assert.match(hanbit, new RegExp(`기준일 <time id="price-date" datetime="${LATEST}"`));
  } finally {
    await t.close();
  }
});

Deno.test("[market ui] IPO pages show the return since the offer price of listed deals", async () => {
  const t = await buildMarketApp();
  try {
    const last = t.seeded.bars.get(IPO_CODE)!.at(-1)!;
    const pct = formatPct(returnPct(last.close, IPO_OFFER), { digits: 1 });
    const table = await (await t.app.request("/ipo?view=table")).text();
    assert.match(table, /<th scope="col">공모가 대비<\/th>/);
    const row = new RegExp(`<tr data-id="${IPO_DEAL_ID}">[\\s\\S]*?</tr>`).exec(table)![0];
    assert.ok(row.includes(`>${pct}</span>`), `row shows ${pct}`);
    assert.ok(row.includes(`data-sort="${returnPct(last.close, IPO_OFFER)}"`));
    const board = await (await t.app.request("/ipo")).text();
    assert.ok(board.includes(`공모가 대비 <span class="`), "listed card");

    const deal = await (await t.app.request(`/ipo/${IPO_DEAL_ID}`)).text();
    assert.match(deal, /id="after-open">30,000원</);
    assert.match(deal, /id="after-first">27,300원 <span class="up">\(\+30\.00%\)<\/span>/);
    assert.ok(
      deal.includes(
        `id="after-close">${last.close!.toLocaleString("en-US")}원 (${
          LATEST.replaceAll("-", ".")
        })<`,
      ),
    );
    const pct2 = formatPct(returnPct(last.close, IPO_OFFER), { digits: 2 });
    assert.ok(deal.includes(`>${pct2}</span></dd>`), `deal shows ${pct2}`);
  } finally {
    await t.close();
  }
});
