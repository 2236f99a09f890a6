import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { CompanyPage } from "../components/CompanyPage.tsx";
import { ErrorPage } from "../components/ErrorPage.tsx";
import { HomePage } from "../components/HomePage.tsx";
import { type ClientAssets, Island, serializeProps } from "../components/Island.tsx";
import { Layout, renderDocument } from "../components/Layout.tsx";
import { NotFound } from "../components/NotFound.tsx";
import { type SearchHit, SearchPage } from "../components/SearchPage.tsx";
import { loadConfig } from "../config.ts";
import type { CompanySnapshot, Disclosure } from "../lib/etl/schemas.ts";
import { putCompanySnapshot, SnapshotCache } from "../lib/store/snapshots.ts";
import { assetRoutes, IMMUTABLE, safeSegments } from "../routes/assets.ts";
import type { AppDeps } from "../routes/deps.ts";
import { pageRoutes } from "../routes/pages.tsx";
import { exactHit } from "../routes/company_pages.ts";
import { islands } from "../islands/mod.ts";

const PREACT = "/static/build/chunk-PREACT00.js";
/** A build as scripts/build.ts describes it: one entry per island, preact in a shared chunk. */
const BUNDLE: ClientAssets = {
  islands: Object.fromEntries(
    Object.keys(islands).map((n) => [n, {
      src: `/static/build/island-${n}-0123ABCD.js`,
      preload: [PREACT, `/static/build/chunk-${n.toUpperCase().slice(0, 8)}.js`],
    }]),
  ),
  enhance: { src: "/static/build/enhance-0123ABCD.js", preload: [] },
  css: "/static/build/kdesk-0123ABCD.css",
  docs: {
    script: "/static/build/swagger-ui-bundle-0123456789.js",
    css: "/static/build/swagger-ui-0123456789.css",
    init: "/static/build/api-docs-0123ABCD.js",
  },
};

function disclosure(over: Partial<Disclosure>): Disclosure {
  const rcept = over.rcept_no ?? "20260315000123";
  return {
    rcept_no: rcept,
    corp_code: "00900001",
    corp_name: "한빛테크<&>",
    stock_code: "900001",
    corp_cls: "K",
    report_nm: "사업보고서 (2025.12)",
    base_name: "사업보고서 (2025.12)",
    prefixes: [],
    flr_nm: "한빛테크",
    rcept_dt: "2026-03-15",
    rm: "",
    chain_root: rcept,
    chain: [rcept],
    superseded: false,
    viewer_url: `https://dart.fss.or.kr/dsaf001/main.do?rcpNo=${rcept}`,
    ...over,
  };
}

function snapshot(over: Partial<CompanySnapshot> = {}): CompanySnapshot {
  return {
    corp_code: "00900001",
    built_at: "2026-11-23T05:05:00Z",
    sample: false,
    profile: {
      corp_code: "00900001",
      corp_name: "한빛테크<&>",
      corp_name_eng: "Hanbit Tech Co., Ltd.",
      stock_name: "한빛테크",
      stock_code: "900001",
      ceo_nm: "김한빛",
      corp_cls: "K",
      market: "코스닥",
      jurir_no: null,
      bizr_no: null,
      adres: "서울특별시 강남구 테헤란로 1",
      hm_url: "www.hanbit.example",
      ir_url: null,
      phn_no: null,
      fax_no: null,
      induty_code: null,
      est_dt: "2001-05-04",
      acc_mt: "12",
    },
    financials: {
      fs_div: "CFS",
      currency: "KRW",
      years: [
        {
          bsns_year: "2024",
          reprt_code: "11011",
          fs_div: "CFS",
          revenue: 1_100_000_000_000,
          operating_income: 80_000_000_000,
          net_income: -5_000_000_000,
          total_assets: 2_000_000_000_000,
          total_liabilities: 800_000_000_000,
          total_equity: 1_200_000_000_000,
          revenue_yoy: null,
          operating_income_yoy: null,
          net_income_yoy: null,
          operating_margin: 7.27,
          debt_ratio: 66.67,
        },
        {
          bsns_year: "2025",
          reprt_code: "11011",
          fs_div: "CFS",
          revenue: 1_234_567_890_000,
          operating_income: 52_300_000_000,
          net_income: 523_000_000,
          total_assets: 2_100_000_000_000,
          total_liabilities: 850_000_000_000,
          total_equity: 1_250_000_000_000,
          revenue_yoy: 12.23,
          operating_income_yoy: -34.63,
          net_income_yoy: null,
          operating_margin: 4.24,
          debt_ratio: 68,
        },
      ],
    },
    indicators: {
      bsns_year: "2025",
      reprt_code: "11011",
      items: [{
        idx_cl_code: "M210000",
        idx_cl_nm: "수익성지표",
        idx_code: "M211200",
        idx_nm: "영업이익률",
        idx_val: 4.236,
        stlm_dt: "2025-12-31",
      }],
    },
    disclosures: [
      disclosure({
        rcept_no: "20260320000456",
        report_nm: "[기재정정]증권신고서(지분증권)",
        base_name: "증권신고서(지분증권)",
        prefixes: ["기재정정"],
        chain_root: "20260301000001",
        chain: ["20260301000001", "20260310000002", "20260320000456"],
        rcept_dt: "2026-03-20",
        rm: "정",
      }),
      disclosure({}),
    ],
    source_status: {
      dart: {
        ok: true,
        checked_at: "2026-11-23T05:00:00Z",
        last_success_at: "2026-11-23T05:00:00Z",
        error: null,
      },
    },
    partial: false,
    missing_sections: [],
    ...over,
  };
}

function islandProps(html: string, name: string): unknown {
  const m = new RegExp(`data-island="${name}" data-props="([^"]*)"`).exec(html);
  if (!m) throw new assert.AssertionError({ message: `island ${name} marker missing` });
  const attr = m[1].replaceAll("&quot;", '"').replaceAll("&amp;", "&");
  return JSON.parse(attr);
}

Deno.test("[ui] serializeProps escapes HTML-significant characters", () => {
  const props = { s: "</script><!-- & \u2028\u2029 'q' \"dq\"" };
  const json = serializeProps(props);
  assert.ok(!/[<>&\u2028\u2029]/.test(json), json);
  assert.ok(json.includes("\\u003c/script\\u003e"));
  assert.ok(json.includes("\\u0026"));
  assert.ok(json.includes("\\u2028") && json.includes("\\u2029"));
  assert.deepEqual(JSON.parse(json), props);
  assert.equal(serializeProps(undefined), "{}");
});

Deno.test("[ui] Island renders the component inside its marker", () => {
  const html = renderToString(
    h(Island<"FinancialChart">, {
      name: "FinancialChart",
      props: {
        years: ["2025"],
        revenue: [1],
        operatingIncome: [2],
        netIncome: [null],
        label: "<b>",
      },
    }),
  );
  assert.match(
    html,
    /^<div data-island="FinancialChart" data-props="[^"<>]*"><div class="fin-chart"/,
  );
  assert.ok(html.includes("<canvas"));
  assert.ok(!html.includes("<b>"), "label escaped");
  assert.deepEqual(islandProps(html, "FinancialChart"), {
    years: ["2025"],
    revenue: [1],
    operatingIncome: [2],
    netIncome: [null],
    label: "<b>",
  });
});

Deno.test("[ui] company page", async (t) => {
  const html = renderDocument(h(CompanyPage, { snap: snapshot(), sample: false, bundle: BUNDLE }));

  await t.step("Should be a Korean HTML document with the title and profile", () => {
    assert.ok(html.startsWith('<!DOCTYPE html><html lang="ko">'));
    assert.ok(html.includes("<title>한빛테크&lt;&amp;> (900001) · kdesk</title>"));
    for (
      const label of [
        "기업개황",
        "시장",
        "코스닥",
        "종목코드",
        "대표자",
        "김한빛",
        "설립일",
        "2001.05.04",
      ]
    ) {
      assert.ok(html.includes(label), label);
    }
    assert.ok(html.includes("결산월</dt><dd>12월"));
    assert.ok(html.includes('href="http://www.hanbit.example/"'), "homepage link gets a scheme");
    assert.ok(!html.includes("한빛테크<&>"), "names are escaped");
  });

  await t.step("Should format amounts with 억/조 and keep exact values in title", () => {
    assert.ok(html.includes('title="1,234,567,890,000원">1조 2,346억원</td>'));
    assert.ok(html.includes(">523억원</td>"));
    assert.ok(html.includes('data-sort="523000000"'));
    assert.ok(html.includes(">5억원</td>"), "table cells round to whole 억");
    assert.ok(html.includes(">-50억원</td>"));
    assert.ok(html.includes(">4.2%</td>"), "operating margin unsigned");
    assert.ok(html.includes(">68.0%</td>"), "debt ratio");
    for (
      const h of [
        "매출액",
        "영업이익",
        "당기순이익",
        "자산총계",
        "부채총계",
        "자본총계",
        "영업이익률",
        "부채비율",
      ]
    ) {
      assert.ok(html.includes(`>${h}</th>`), h);
    }
    assert.ok(html.includes("연결재무제표 · 사업보고서 · 통화 KRW"));
  });

  await t.step("Should colour YoY red when up and blue when down", () => {
    assert.ok(html.includes('<td class="num up" data-sort="12.23">+12.2%</td>'));
    assert.ok(html.includes('<td class="num down" data-sort="-34.63">-34.6%</td>'));
    assert.ok(html.includes('<td class="num flat" data-sort>—</td>'));
  });

  await t.step("Should list newest year first", () => {
    assert.ok(html.indexOf('data-sort="2025">2025') < html.indexOf('data-sort="2024">2024'));
  });

  await t.step("Should render the chart island with escaped props and the bundle", () => {
    const props = islandProps(html, "FinancialChart") as Record<string, unknown>;
    assert.deepEqual(props.years, ["2024", "2025"]);
    assert.deepEqual(props.revenue, [1_100_000_000_000, 1_234_567_890_000]);
    assert.deepEqual(props.netIncome, [-5_000_000_000, 523_000_000]);
    assert.equal(props.label, "한빛테크<&> 연도별 매출액, 영업이익, 당기순이익");
    assert.ok(html.includes("\\u003c\\u0026\\u003e"), "props JSON escapes < & >");
    const fin = BUNDLE.islands.FinancialChart;
    assert.ok(html.includes(`<script type="module" src="${fin.src}"></script>`));
    assert.ok(html.includes(`<link rel="modulepreload" href="${PREACT}"/>`));
    assert.ok(html.includes(`<script type="module" src="${BUNDLE.enhance.src}"></script></body>`));
    assert.ok(html.includes("<noscript>"));
  });

  await t.step("Should show disclosures with badges and DART links", () => {
    assert.ok(html.includes('<span class="badge badge-prefix">[기재정정]</span>'));
    assert.ok(html.includes("정정 2회"));
    assert.ok(html.includes("https://dart.fss.or.kr/dsaf001/main.do?rcpNo=20260320000456"));
    assert.ok(html.includes(">증권신고서(지분증권)</a>"));
    assert.equal(html.match(/정정 \d+회/g)?.length, 1, "originals get no amendment badge");
  });

  await t.step("Should link the JSON snapshot and show status", () => {
    assert.ok(html.includes('href="/api/v1/company/snapshot?corp_code=00900001"'));
    assert.ok(html.includes("스냅샷 생성"));
    assert.ok(html.includes("2026.11.23 14:05 KST"));
    assert.ok(html.includes("DART 정상"));
    assert.ok(!html.includes("샘플 데이터"), "no sample banner for live data");
    assert.ok(!html.includes("일부 데이터 누락"));
    assert.ok(html.includes("data-sortable"), "tables are sortable");
    assert.ok(html.includes('href="/api/docs"'));
    assert.ok(html.includes(`<link rel="stylesheet" href="${BUNDLE.css}"/>`), "hashed css");
    const unbuilt = renderDocument(
      h(CompanyPage, { snap: snapshot(), sample: false, bundle: null }),
    );
    assert.ok(unbuilt.includes('<link rel="stylesheet" href="/static/kdesk.css"/>'));
  });
});

Deno.test("[ui] company page: sample, partial, failed source, no financials", () => {
  const snap = snapshot({
    sample: true,
    partial: true,
    missing_sections: ["financials", "indicators"],
    financials: { fs_div: null, currency: "KRW", years: [] },
    indicators: { bsns_year: null, reprt_code: null, items: [] },
    source_status: {
      dart: {
        ok: false,
        checked_at: "2026-11-23T05:00:00Z",
        last_success_at: "2026-11-22T05:00:00Z",
        error: "DART status 020 (key masked)",
      },
    },
  });
  const html = renderDocument(h(CompanyPage, { snap, sample: false, bundle: BUNDLE }));
  assert.ok(html.includes("샘플 데이터 · sample data"), "snapshot.sample shows the banner");
  assert.ok(html.includes("DART_API_KEY가 없어 예시 데이터를 보여 줍니다"));
  assert.ok(html.includes("일부 데이터 누락"));
  assert.ok(html.includes("재무제표, 재무지표"));
  assert.ok(html.includes("DART 오류"));
  assert.ok(html.includes('title="DART status 020 (key masked)"'));
  assert.ok(html.includes("재무 데이터가 없습니다."));
  assert.ok(!html.includes('data-island="FinancialChart"'), "no chart without years");
  // Sortable tables still want their script (progressive enhancement).
  assert.ok(html.includes(`src="${BUNDLE.enhance.src}"`));
});

Deno.test("[ui] layout adds the bundle only when the page needs it", () => {
  const plain = renderDocument(
    h(Layout, {
      title: "t",
      sample: true,
      bundle: BUNDLE,
      now: new Date("2026-11-23T05:05:00Z"),
      search: false,
    }),
  );
  assert.ok(!plain.includes("<script"));
  assert.ok(plain.includes("샘플 데이터 · sample data"));
  assert.ok(plain.includes("기준: 2026.11.23 14:05 KST"));
  for (const nav of ["홈", "기업 검색", "IPO", "운영"]) {
    assert.ok(plain.includes(`>${nav}</a>`), nav);
  }

  const noBundle = renderDocument(
    h(CompanyPage, { snap: snapshot(), sample: false, bundle: null }),
  );
  assert.ok(!noBundle.includes("<script"), "no script when the bundle was not built");

  // The header's search box is an island (its typeahead): a plain GET form without JS.
  const withSearch = renderDocument(h(Layout, { title: "t", sample: false, bundle: BUNDLE }));
  assert.ok(withSearch.includes('data-island="SearchBox"'));
  assert.ok(withSearch.includes(`src="${BUNDLE.islands.SearchBox.src}"`));
  assert.match(withSearch, /<form class="search-form typeahead" method="get" action="\/company"/);
  assert.match(withSearch, /<input id="site-q" type="search" name="q"[^>]* role="combobox"/);
});

Deno.test("[ui] home, search, error pages", () => {
  const home = renderDocument(
    h(HomePage, {
      sample: true,
      bundle: BUNDLE,
      disclosures: snapshot().disclosures,
      corps: [{ corp_code: "00900001", corp_name: "한빛테크", market: "코스닥" }],
    }),
  );
  assert.ok(home.includes('action="/company"') && home.includes('name="q"'));
  assert.ok(home.includes('<a href="/company/00900001">한빛테크</a>'));
  assert.ok(home.includes("최근 공시") && home.includes("[기재정정]"));
  assert.ok(home.includes('aria-current="page">홈</a>'));

  const hit = (o: Partial<SearchHit> & { name: string }): SearchHit => ({
    corp_code: null,
    stock_code: null,
    market: null,
    url: "/company",
    quote: null,
    ...o,
  });
  const search = renderDocument(
    h(SearchPage, {
      sample: false,
      bundle: null,
      q: "한빛",
      page: 1,
      pageSize: 2,
      total: 5,
      hits: [
        hit({
          corp_code: "00900001",
          name: "한빛테크",
          stock_code: "900001",
          market: "KOSDAQ",
          url: "/company/00900001",
          quote: { date: "2026-11-20", close: 12_300, change: -200, change_pct: -1.6 },
        }),
        hit({ corp_code: "00900002", name: "한빛바이오", url: "/company/00900002" }),
      ],
    }),
  );
  assert.ok(search.includes('value="한빛"'));
  assert.ok(search.includes("5건 중 1–2"));
  assert.ok(search.includes('<a href="/company/00900001">한빛테크</a>'));
  assert.match(
    search,
    /<td class="num down"[^>]*>12,300<\/td><td class="num down">▼ -200 \(-1\.60%\)/,
  );
  assert.ok(
    search.includes('<td class="mono">—</td><td class="mono">00900002</td><td>비상장</td>'),
  );
  assert.ok(search.includes('href="/company?q=%ED%95%9C%EB%B9%9B&amp;page=2" rel="next"'));
  assert.ok(search.includes('<a href="/company?q=%ED%95%9C%EB%B9%9B&amp;page=3">3</a>'));

  const empty = renderDocument(
    h(SearchPage, {
      sample: false,
      bundle: null,
      q: "없음",
      page: 1,
      pageSize: 50,
      total: 0,
      hits: [],
    }),
  );
  assert.ok(empty.includes("검색 결과가 없습니다"));
  assert.ok(!empty.includes('class="pager"'));

  const nf = renderDocument(h(NotFound, { sample: false, bundle: null, path: "/x<y>" }));
  assert.ok(nf.includes("페이지를 찾을 수 없습니다"));
  assert.ok(nf.includes("<code>/x&lt;y></code>"));
  assert.ok(nf.includes('name="q"'), "404 has a search box");

  const bad = renderDocument(
    h(ErrorPage, { sample: false, bundle: BUNDLE, status: 400, title: "잘못된 요청" }),
  );
  assert.ok(bad.includes(">400</p>") && bad.includes('name="q"'));
});

Deno.test("[ui] exactHit: a code, or the one exact name", () => {
  const h = (name: string, match: string) => ({ name, match });
  assert.equal(exactHit([h("한빛테크", "code"), h("한빛", "name_prefix")])?.name, "한빛테크");
  assert.equal(
    exactHit([h("한빛테크", "name"), h("한빛테크놀로지", "name_prefix")])?.name,
    "한빛테크",
  );
  assert.equal(exactHit([h("동녘물산", "name"), h("동녘물산", "name")]), null, "a shared name");
  assert.equal(exactHit([h("한빛테크", "name_prefix")]), null);
  assert.equal(exactHit([]), null);
});

async function withPages(fn: (app: ReturnType<typeof pageRoutes>, kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  const snapshots = new SnapshotCache(kv);
  const deps: AppDeps = {
    kv,
    config: loadConfig({ KDESK_SAMPLE: "on" }),
    snapshots,
    islandBundle: BUNDLE,
  };
  try {
    await fn(pageRoutes(deps), kv);
  } finally {
    await snapshots.close();
    kv.close();
  }
}

Deno.test("[ui] page routes", async (t) => {
  await withPages(async (app, kv) => {
    await t.step("GET / renders on an empty store", async () => {
      const res = await app.request("/");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html; charset=utf-8/);
      const body = await res.text();
      assert.ok(body.includes("샘플 데이터 · sample data"));
      assert.ok(body.includes("아직 스냅샷이 만들어진 기업이 없습니다"));
    });

    await t.step("GET /company/:corp_code validates and 404s", async () => {
      const bad = await app.request("/company/abc");
      assert.equal(bad.status, 400);
      assert.ok((await bad.text()).includes("8자리 숫자"));
      const missing = await app.request("/company/00000000");
      assert.equal(missing.status, 404);
      assert.ok((await missing.text()).includes("기업을 찾을 수 없습니다"));
    });

    await t.step("GET /company/:corp_code renders a stored snapshot", async () => {
      await putCompanySnapshot(kv, snapshot({ sample: true }));
      const res = await app.request("/company/00900001");
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.ok(body.includes("1조 2,346억원"));
      assert.ok(body.includes('data-island="FinancialChart"'));
      assert.ok(body.includes(`src="${BUNDLE.islands.FinancialChart.src}"`));
    });

    await t.step("GET /company without q shows the form; with q searches", async () => {
      const res = await app.request("/company");
      assert.equal(res.status, 200);
      assert.ok((await res.text()).includes("DART 고유번호(8자리)"));
      const q = await app.request("/company?q=%EC%97%86%EB%8A%94%ED%9A%8C%EC%82%AC");
      assert.equal(q.status, 200);
      assert.ok((await q.text()).includes("검색 결과가 없습니다"));
    });
  });
});

Deno.test("[ui] static assets", async (t) => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/build`);
  await Deno.writeTextFile(`${root}/kdesk.css`, "body{}");
  await Deno.writeTextFile(`${root}/build/island-Chart-ABCD1234.js`, "export{}");
  await Deno.writeTextFile(`${root}/.secret.css`, "x");
  await Deno.writeTextFile(`${root}/../kdesk-outside-${root.split("/").pop()}.css`, "x");
  const app = assetRoutes({ root: new URL(`file://${root}/`) });
  try {
    await t.step("Should serve css with a short cache and an ETag", async () => {
      const res = await app.request("/static/kdesk.css");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/css; charset=utf-8");
      assert.match(res.headers.get("cache-control") ?? "", /max-age=300/);
      assert.equal(await res.text(), "body{}");
      const etag = res.headers.get("etag")!;
      const again = await app.request("/static/kdesk.css", { headers: { "if-none-match": etag } });
      assert.equal(again.status, 304);
      await again.body?.cancel();
    });
    await t.step("Should cache hashed bundles forever", async () => {
      const res = await app.request("/static/build/island-Chart-ABCD1234.js");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
      assert.equal(res.headers.get("cache-control"), IMMUTABLE);
      await res.body?.cancel();
    });
    await t.step("Should 404 missing files, directories and traversal", async () => {
      const outside = `kdesk-outside-${root.split("/").pop()}.css`;
      for (
        const p of [
          "/static/missing.css",
          "/static/build",
          "/static/build/",
          "/static/.secret.css",
          `/static/..%2F${outside}`,
          `/static/%2e%2e/${outside}`,
          `/static/build/..%2F..%2F${outside}`,
          "/static/..%5C..%5Cetc%5Cpasswd",
          "/static/%00.css",
          "/static/kdesk.css%00",
          "/static/build/island-Chart-ABCD1234.exe",
          "/static/build/island-Chart-ABCD1234.js.br",
        ]
      ) {
        const res = await app.request(p);
        assert.equal(res.status, 404, p);
        await res.body?.cancel();
      }
    });
    await t.step("safeSegments rejects anything but plain names", () => {
      assert.deepEqual(safeSegments("build/islands-ab12.js"), ["build", "islands-ab12.js"]);
      assert.equal(safeSegments("../x.css"), null);
      assert.equal(safeSegments("a//b.css"), null);
      assert.equal(safeSegments("%E0%A4%A.css"), null);
      assert.equal(safeSegments("a%2Fb.css"), null);
      assert.equal(safeSegments(""), null);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(`${root}/../kdesk-outside-${root.split("/").pop()}.css`).catch(() => {});
  }
});
