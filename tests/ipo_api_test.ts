/**
 * The IPO pipeline end to end on an in-memory KV loaded with the offline sample (KIND and
 * DART fixtures through the real clients): the ETL (incremental rebuilds, KIND failure), the
 * JSON API checked against its OpenAPI schemas, and the pages.
 */
import assert from "node:assert/strict";
import { contract } from "./helpers/contract.ts";
import { fixtureKindClient, refreshIpoPipeline } from "../lib/etl/ipo.ts";
import { sampleDartClient, sampleNow } from "../lib/etl/sample.ts";
import { kindErrorPage } from "../lib/sources/kind/fixture_fetch.ts";
import { keys } from "../lib/store/keys.ts";
import { getPipelineHeader } from "../lib/store/ipo.ts";
import { SAMPLE_IPO_FACTS } from "../sample/ipo_deals.ts";
import { buildKindSampleDataset } from "../sample/kind_sample.ts";
import { buildTestApp, routeCount, type TestApp } from "./helpers/app.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const PIPE = "/api/v1/ipo/pipeline";
const DEAL = "/api/v1/ipo/{pipeline_id}";

const HARAM = "K20260310000077";
const N = SAMPLE_IPO_FACTS.length;
const count = (f: (x: (typeof SAMPLE_IPO_FACTS)[number]) => boolean) =>
  SAMPLE_IPO_FACTS.filter(f).length;

async function setup(): Promise<TestApp> {
  const t = await buildTestApp();
  const h = await getPipelineHeader(t.kv);
  assert.equal(h?.partial, false, JSON.stringify(h?.source_status));
  return t;
}

const refresh = (t: TestApp, kind = fixtureKindClient(t.kv, buildKindSampleDataset())) =>
  refreshIpoPipeline({
    kv: t.kv,
    kind,
    dart: sampleDartClient(t.kv),
    now: sampleNow,
    sample: true,
  });

Deno.test("[ipo api] pipeline and deal match their OpenAPI schemas; sources reconciled", async () => {
  const t = await setup();
  try {
    const check = await contract(t.app);
    const p = await check(`${PIPE}?limit=50`, PIPE, 200);
    assert.equal(p.partial, false);
    assert.equal(p.source_status.kind.ok, true);
    assert.equal(p.total, N);
    const haram = p.items.find((r: Json) => r.id === HARAM);
    assert.equal(haram.name, "하람로보틱스");
    assert.equal(haram.stage, "상장");
    assert.equal(haram.stock_code, "0091A0", "letter-containing stock code kept as text");
    assert.deepEqual(haram.band, [18000, 21000]);
    assert.equal(haram.demand, 1021.37);
    assert.deepEqual(haram.flags, []);
    const byStage = (xs: { stage: string }[]) =>
      Object.fromEntries(
        [...new Set(xs.map((x) => x.stage))].sort().map((s) => [
          s,
          xs.filter((x) => x.stage === s).length,
        ]),
      );
    assert.deepEqual(byStage(p.items), byStage([...SAMPLE_IPO_FACTS]));
    // the rights offering of the sample (누리…) is not an IPO
    assert.ok(p.items.every((r: Json) => !r.name.startsWith("누리")));

    const d = await check(`/api/v1/ipo/${HARAM}`, DEAL, 200);
    assert.equal(d.item.corp_code, "01843756");
    // the latest KRX close of the sample market, read when the deal is served
    const price = (await (await t.app.request("/api/v1/market/instruments/0091A0")).json()).price;
    assert.equal(d.last_close, price.close);
    assert.equal(d.last_close_date, price.date);
    assert.equal(d.after_listing.offer_price, 21000);
    const reg = d.item.filings.find((f: Json) => f.base_name === "증권신고서(지분증권)");
    assert.equal(reg.versions.length, 3, "original, [기재정정], [발행조건확정]");
    assert.match(reg.latest.report_nm, /^\[발행조건확정\]/);
    assert.deepEqual(
      d.item.matches.map((m: Json) => `${m.source}:${m.matched_by}`),
      ["kind_review:key", "kind_offering:name_date", "dart:name_date", "kind_listing:stock_code"],
    );
    await check(`/api/v1/ipo/K99999999999999`, DEAL, 404);
    await check(`/api/v1/ipo/nope`, DEAL, 400);
    await check(`${PIPE}?stage=상장중`, PIPE, 400);
    await check(`${PIPE}?from=2026-13`, PIPE, 400);
    await check(`${PIPE}?limit=0`, PIPE, 400);
  } finally {
    await t.close();
  }
});

Deno.test("[ipo api] filters and cursor paging", async () => {
  const t = await setup();
  try {
    const get = async (q: string) => await (await t.app.request(`${PIPE}?${q}`)).json();
    assert.equal((await get("market=유가증권")).total, count((f) => f.market === "유가증권"));
    assert.equal(
      (await get("stage=철회,미승인")).total,
      count((f) => f.stage === "철회" || f.stage === "미승인"),
    );
    assert.equal(
      (await get("underwriter=NH투자")).total,
      count((f) => f.underwriters.some((u) => u.includes("NH투자"))),
    );
    const win = await get("from=2026-11-25&to=2026-11-26");
    assert.deepEqual(
      win.items.map((r: Json) => r.name).sort(),
      SAMPLE_IPO_FACTS.filter((f) =>
        [f.filing_date, f.subscription?.from, f.subscription?.to, f.payment_date, f.listing_date]
          .some((d) => d && d >= "2026-11-25" && d <= "2026-11-26")
      ).map((f) => f.dart_name).sort(),
    );
    assert.equal((await get("q=0094K0")).items[0].stock_code, "0094K0");
    assert.deepEqual((await get("flagged=1")).items.map((r: Json) => r.flags), [["listing_only"]]);
    // paging: every deal exactly once over pages of 5
    const ids: string[] = [];
    let cursor = "";
    for (let i = 0; i < 10; i++) {
      const page = await get(`limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      assert.ok(page.items.length <= 5);
      ids.push(...page.items.map((r: Json) => r.id));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    assert.equal(ids.length, N);
    assert.equal(new Set(ids).size, N);
    // gzip when accepted and large enough; identical JSON either way
    const big = await t.app.request(`${PIPE}?limit=200`, {
      headers: { "accept-encoding": "gzip" },
    });
    assert.equal(big.headers.get("content-encoding"), "gzip");
    const text = await new Response(big.body!.pipeThrough(new DecompressionStream("gzip"))).text();
    assert.equal(JSON.parse(text).total, N);
  } finally {
    await t.close();
  }
});

Deno.test("[ipo api] a cached pipeline page is a synchronous Response, as the full path answers it", async () => {
  const t = await setup();
  const count = (route: string) => routeCount(t.app, route);
  try {
    const filtered = `${PIPE}?stage=${encodeURIComponent("상장")}&market=${
      encodeURIComponent("코스닥")
    }`;
    for (const path of [PIPE, filtered]) {
      for (const headers of [{ "accept-encoding": "gzip" }, {}] as Record<string, string>[]) {
        const url = `http://localhost${path}`;
        const full = await t.app.fetch(new Request(url, { headers })); // fills the cache
        const fullBytes = new Uint8Array(await full.arrayBuffer());
        const before = await count(PIPE);
        // `/api/v1/ipo/pipeline` must not also match the deal route `/api/v1/ipo/:pipeline_id`:
        // two matched handlers run through Hono's async composition (a Promise).
        const res = t.app.fetch(new Request(url, { headers }));
        assert.ok(res instanceof Response, `${path} ${JSON.stringify(headers)}: synchronous`);
        assert.equal(res.status, 200);
        assert.deepEqual([...res.headers], [...full.headers]);
        assert.deepEqual(new Uint8Array(await res.arrayBuffer()), fullBytes);
        assert.equal(await count(PIPE) - before, 1, "timed and labelled as the pipeline route");
      }
    }
    // The deal route is unchanged around it: a deal, a malformed id (400), an unknown one (404).
    const dealsBefore = await count("/api/v1/ipo/:pipeline_id");
    const deal = await t.app.request(`/api/v1/ipo/${HARAM}`);
    assert.equal(deal.status, 200);
    assert.equal((await deal.json()).item.pipeline_id, HARAM);
    assert.equal(
      await count("/api/v1/ipo/:pipeline_id") - dealsBefore,
      1,
      "labelled by its pattern without the router regex",
    );
    const cases: [string, number][] = [["pipelinex", 400], ["Pipeline", 400], [
      "D00000000000000",
      404,
    ]];
    for (const [id, status] of cases) {
      const res = await t.app.request(`/api/v1/ipo/${id}`);
      assert.equal(res.status, status, id);
      assert.equal(res.headers.get("content-type"), "application/problem+json; charset=utf-8");
      await res.body?.cancel();
    }
  } finally {
    await t.close();
  }
});

Deno.test("[ipo etl] only touched deals are rebuilt", async () => {
  const t = await setup();
  try {
    const again = await refresh(t);
    assert.deepEqual(again.touched, [], "nothing changed, nothing rebuilt");
    assert.equal(again.dart_calls, 0, "DART facts are fetched once per filing");
    const ds = buildKindSampleDataset();
    const lumi = ds.offerings.findIndex((o) => o.corp_name.startsWith("루미"));
    assert.ok(lumi >= 0);
    ds.offerings[lumi] = { ...ds.offerings[lumi], final_price: 17500 };
    ds.offerings.push({
      biz_proc_no: "20261110000209",
      corp_name: "은하모빌리티",
      market: "코스닥",
      filing_date: "2026-11-10",
      bookbuilding: { from: "2026-12-01", to: "2026-12-05" },
      subscription: { from: "2026-12-10", to: "2026-12-11" },
      payment_date: "2026-12-15",
      final_price: null,
      offer_amount_mkrw: null,
      listing_date: null,
      underwriters: ["바른증권"],
    });
    const changed = await refresh(t, fixtureKindClient(t.kv, ds));
    const lumiId = `K${SAMPLE_IPO_FACTS.find((f) => f.key === "lumi")!.review_biz_proc_no}`;
    assert.deepEqual(changed.touched.sort(), [lumiId, "K20261110000209"].sort());
    const p = await (await t.app.request(`${PIPE}?q=루미`)).json();
    assert.equal(p.items[0].price, 17500, "the API serves the new snapshot at once");
  } finally {
    await t.close();
  }
});

Deno.test("[ipo etl] KIND failing: 200 from the last snapshot, partial, source_status.kind", async () => {
  const t = await setup();
  try {
    const before = await (await t.app.request(`${PIPE}?limit=50`)).json();
    // KIND answers its maintenance page
    const failing = fixtureKindClient(t.kv, buildKindSampleDataset(), () =>
      Promise.resolve(
        new Response(kindErrorPage(), {
          status: 200,
          headers: { "content-type": "text/html; charset=utf-8" },
        }),
      ));
    const r = await refreshIpoPipeline({
      kv: t.kv,
      kind: failing,
      dart: sampleDartClient(t.kv),
      now: () => new Date(sampleNow().getTime() + 3600_000),
      sample: true,
    });
    assert.equal(r.partial, true);
    assert.deepEqual(r.touched, [], "deals are rebuilt from the last KIND rows: unchanged");
    const res = await t.app.request(`${PIPE}?limit=50`);
    assert.equal(res.status, 200);
    const p = await res.json();
    assert.equal(p.partial, true);
    assert.equal(p.source_status.kind.ok, false);
    assert.match(p.source_status.kind.error, /Kind\w*Error/);
    assert.equal(p.source_status.kind.last_success_at, before.source_status.kind.last_success_at);
    assert.ok(p.missing_sections.length === 0, "KIND rows of the last success are still used");
    assert.deepEqual(p.items.map((x: Json) => x.id), before.items.map((x: Json) => x.id));
    const header = await getPipelineHeader(t.kv);
    assert.equal(header?.partial, true);
    // the board says so too
    const page = await (await t.app.request("/ipo")).text();
    assert.match(page, /id="ipo-partial"/);
    assert.match(page, /data-source="kind"/);
  } finally {
    await t.close();
  }
});

Deno.test("[ipo etl] KIND failing with no KIND rows kept: the last snapshot stays as it is", async () => {
  const t = await setup();
  try {
    const before = await (await t.app.request(`${PIPE}?limit=50`)).json();
    await t.kv.delete(keys.ipoKindState()); // as if KIND had never answered in this store
    const failing = fixtureKindClient(
      t.kv,
      buildKindSampleDataset(),
      () => Promise.reject(new TypeError("connection refused")),
    );
    const r = await refresh(t, failing);
    assert.deepEqual(r.touched, []);
    const res = await t.app.request(`${PIPE}?limit=50`);
    assert.equal(res.status, 200);
    const p = await res.json();
    assert.equal(p.partial, true);
    assert.match(p.source_status.kind.error, /connection refused/);
    assert.deepEqual(p.items, before.items);

    // KIND not configured at all: DART-only deals, flagged, KIND missing
    const r2 = await refreshIpoPipeline({
      kv: t.kv,
      kind: null,
      dart: sampleDartClient(t.kv),
      now: sampleNow,
      sample: true,
    });
    assert.equal(r2.partial, true);
    const p2 = await (await t.app.request(`${PIPE}?limit=50`)).json();
    assert.deepEqual(p2.missing_sections, ["kind"]);
    assert.ok(
      p2.items.length > 0 && p2.items.every((x: Json) => x.flags.includes("kind_unmatched")),
    );
  } finally {
    await t.close();
  }
});

Deno.test("[ipo pages] board, table, deal and calendar render from the snapshots", async () => {
  const t = await setup();
  try {
    const board = await t.app.request("/ipo");
    assert.equal(board.status, 200);
    const html = await board.text();
    for (
      const s of [
        "예비심사청구",
        "심사승인",
        "증권신고서",
        "수요예측",
        "청약",
        "납입",
        "상장",
        "철회",
      ]
    ) {
      assert.ok(html.includes(`data-stage="${s}"`), `column ${s}`);
    }
    assert.match(html, /href="\/api\/v1\/export\/ipo\.xlsx"/);
    assert.match(html, /id="ipo-week"/);
    const table = await (await t.app.request("/ipo?view=table&market=코스닥")).text();
    assert.match(table, /id="ipo-table"/);
    assert.match(table, /href="\/api\/v1\/export\/ipo\.xlsx\?market=%EC%BD%94%EC%8A%A4%EB%8B%A5"/);
    assert.equal(
      (table.match(/<tr data-id=/g) ?? []).length,
      count((f) => f.market === "코스닥"),
    );

    const deal = await (await t.app.request(`/ipo/${HARAM}`)).text();
    assert.match(deal, /id="ipo-timeline"/);
    assert.equal((deal.match(/data-status="done"/g) ?? []).length, 7);
    assert.match(deal, /dart\.fss\.or\.kr\/dsaf001\/main\.do\?rcpNo=\d{14}/);
    assert.match(deal, /\[발행조건확정\]증권신고서\(지분증권\)/);
    // after listing: the stored last close (the sample market), never a made-up number
    const price = (await (await t.app.request("/api/v1/market/instruments/0091A0")).json()).price;
    assert.ok(
      deal.includes(
        `id="after-close">${price.close.toLocaleString("en-US")}원 (${
          price.date.replaceAll("-", ".")
        })<`,
      ),
      "the stored last close and its date",
    );
    assert.match(deal, /href="\/api\/v1\/export\/company\/01843756\.xlsx"/);

    const cal = await (await t.app.request("/ipo/calendar?month=2026-11")).text();
    assert.match(
      cal,
      /data-date="2026-11-19"[^>]*>.*?청약<\/span> <span class="ipo-ev-name">비츠/s,
    );
    assert.equal((await t.app.request("/ipo/calendar?month=2026-13")).status, 400);
    assert.equal((await t.app.request("/ipo/K00000000000000")).status, 404);
    assert.equal((await t.app.request("/ipo?from=bad")).status, 400);
  } finally {
    await t.close();
  }
});
