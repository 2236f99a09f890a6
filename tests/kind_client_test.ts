/**
 * KindClient against the fake KIND on loopback (`tests/fake/kind_server.ts`), and the offline
 * IPO sample (KIND rows ↔ DART additions ↔ SAMPLE_IPO_FACTS). KV is `:memory:`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { configureLog, type Level } from "../lib/log.ts";
import { CircuitBreaker, HttpClient, HttpStatusError, TimeoutError } from "../lib/http/mod.ts";
import { getRawBody, listRaw, type RawRecord } from "../lib/store/raw.ts";
import {
  createKindFixtureFetch,
  KindClient,
  type KindDataset,
  KindFormatError,
  KindUnavailableError,
  normalizeUnderwriter,
} from "../lib/sources/kind/mod.ts";
import { type FakeKind, type KindFault, startFakeKind } from "./fake/kind_server.ts";
import { buildKindSampleDataset } from "../sample/kind_sample.ts";
import { IPO_AS_OF, IPO_DEALS, SAMPLE_IPO_FACTS } from "../sample/ipo_deals.ts";
import { buildSampleDataset, SAMPLE_AS_OF, sampleStatementWork } from "../sample/dart_sample.ts";
import { parseDocumentZip, parseEstkRs, parseList } from "../lib/sources/dart/parse.ts";
import { createFixtureFetch } from "../lib/sources/dart/fixture_fetch.ts";

const logLines: string[] = [];
configureLog({ level: "debug", sink: (line: string, _level: Level) => void logLines.push(line) });

interface Env {
  dataset: KindDataset;
  server: FakeKind;
  kv: Deno.Kv;
  client: KindClient;
  close(): Promise<void>;
}

async function setup(
  opts: { faults?: Record<string, KindFault>; timeoutMs?: number; retries?: number } = {},
): Promise<Env> {
  const dataset = buildKindSampleDataset();
  const server = await startFakeKind({ dataset, faults: opts.faults });
  const kv = await Deno.openKv(":memory:");
  const http = new HttpClient({
    source: "kind",
    timeoutMs: opts.timeoutMs ?? 2000,
    retries: opts.retries ?? 1,
    baseDelayMs: 1,
    maxDelayMs: 5,
    breaker: new CircuitBreaker({ failureThreshold: 100 }),
    sleep: () => Promise.resolve(),
  });
  const client = new KindClient({
    kv,
    http,
    baseUrl: server.url,
    now: () => new Date("2026-11-20T03:00:00Z"),
  });
  return {
    dataset,
    server,
    kv,
    client,
    close: async () => {
      await server.close();
      kv.close();
    },
  };
}

async function raws(kv: Deno.Kv): Promise<RawRecord[]> {
  return (await listRaw(kv, "kind", { limit: 1000 })).values;
}

async function catchErr(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new assert.AssertionError({ message: "expected a rejection" });
}

const ALL = { fromDate: "2026-01-01", toDate: "2026-12-31" };

Deno.test("[kind client] offerings: the form, the headers, raw first, paging", async () => {
  const env = await setup();
  try {
    const { client, server, kv, dataset } = env;
    const r = await client.offerings({ ...ALL, pageSize: 3 });
    assert.equal(r.data.total, dataset.offerings.length);
    assert.equal(r.data.pages, Math.ceil(dataset.offerings.length / 3));
    assert.equal(r.data.rows.length, 3);
    // newest 신고서제출일 first
    assert.deepEqual(r.data.rows.map((o) => o.corp_name), ["아토메디칼", "에이스테크", "루미센서"]);

    const call = server.calls.at(-1)!;
    assert.equal(call.method, "POST");
    assert.equal(call.url.pathname, "/listinvstg/pubofrprogcom.do");
    assert.equal(call.form.get("method"), "searchPubofrProgComSub");
    assert.equal(call.form.get("forward"), "pubofrprogcom_sub");
    assert.equal(call.form.get("currentPageSize"), "3");
    assert.equal(call.form.get("pageIndex"), "1");
    assert.equal(call.form.get("searchMode"), "1");
    assert.equal(call.form.get("fromDate"), "2026-01-01");
    assert.equal(call.form.get("toDate"), "2026-12-31");
    assert.match(call.headers.get("content-type")!, /^application\/x-www-form-urlencoded/);
    assert.equal(call.headers.get("x-requested-with"), "XMLHttpRequest");
    assert.equal(
      call.headers.get("referer"),
      `${server.url}/listinvstg/pubofrprogcom.do?method=searchPubofrProgComMain`,
    );

    const saved = await raws(kv);
    assert.equal(saved.length, 1);
    assert.equal(saved[0].id, r.raw.id);
    assert.equal(saved[0].source, "kind");
    assert.equal(saved[0].dataset, "pubofrprogcom");
    assert.match(
      saved[0].request,
      /^POST http:\/\/127\.0\.0\.1:\d+\/listinvstg\/pubofrprogcom\.do\?/,
    );
    const body = new TextDecoder().decode((await getRawBody(kv, saved[0]))!);
    assert.match(body, /fn_InitTitle\("회사명,신고서제출일/);

    const p2 = await client.offerings({ ...ALL, pageSize: 3, page: 2 });
    assert.equal(p2.data.page, 2);
    assert.deepEqual(p2.data.rows.map((o) => o.corp_name), [
      "비츠헬스케어",
      "다래소재",
      "그린온스팩3호",
    ]);
  } finally {
    await env.close();
  }
});

Deno.test("[kind client] offeringsAll pages through every page", async () => {
  const env = await setup();
  try {
    const all = await env.client.offeringsAll({ ...ALL, pageSize: 2 });
    const n = env.dataset.offerings.length;
    assert.equal(all.calls, Math.ceil(n / 2));
    assert.equal(all.raws.length, all.calls);
    assert.equal(all.total, n);
    assert.equal(all.rows.length, n);
    assert.deepEqual(
      new Set(all.rows.map((o) => o.biz_proc_no)),
      new Set(env.dataset.offerings.map((o) => o.biz_proc_no)),
    );
    assert.deepEqual(
      env.server.calls.map((c) => c.form.get("pageIndex")),
      ["1", "2", "3", "4", "5"].slice(0, all.calls),
    );
    const haram = all.rows.find((o) => o.corp_name === "하람로보틱스")!;
    assert.deepEqual(haram.underwriters, ["한결투자증권", "새빛증권"]);
  } finally {
    await env.close();
  }
});

Deno.test("[kind client] listings, reviews, schedule, corpList", async () => {
  const env = await setup();
  try {
    const { client, server } = env;
    const l = await client.listings(ALL);
    assert.equal(server.calls.at(-1)!.form.get("choicTypeArrStr"), "01|02|03|04|05|");
    assert.equal(l.data.total, 5);
    const konex = l.data.rows.find((x) => x.market === "코넥스")!;
    assert.equal(konex.stock_code, "495070");
    assert.deepEqual(konex.underwriters, ["IBK투자증권"]);
    const plain = await client.listings({ ...ALL, choices: ["02"] });
    assert.equal(plain.data.rows[0].offer_price, 2000);
    assert.equal(plain.data.rows[0].par_value, null);

    const rv = await client.reviews(ALL);
    assert.equal(server.calls.at(-1)!.form.get("orderMode"), "2");
    assert.equal(rv.data.total, env.dataset.reviews.length);
    const byName = new Map(rv.data.rows.map((r) => [r.corp_name, r.result]));
    assert.equal(byName.get("제니스바이오"), "rejected");
    assert.equal(byName.get("새롬에너지솔루션"), "filed");

    const sc = await client.schedule(2026, 11);
    assert.equal(server.calls.at(-1)!.form.get("selMonth"), "11");
    const thisWeek = sc.data.filter((e) => e.date >= "2026-11-16" && e.date <= "2026-11-20");
    assert.ok(thisWeek.some((e) => e.kind === "수요예측" && e.corp_name === "루미센서"));
    assert.ok(thisWeek.some((e) => e.kind === "청약" && e.corp_name === "비츠헬스케어"));
    assert.ok(sc.data.some((e) => e.kind === "IR" && e.date === "2026-11-13"));

    const cl = await client.corpList();
    assert.equal(cl.raw.dataset, "corpList");
    assert.equal(cl.raw.content_type, "application/vnd.ms-excel");
    assert.ok(cl.data.some((r) => r.stock_code === "0091A0" && r.corp_name === "하람로보틱스"));
  } finally {
    await env.close();
  }
});

Deno.test("[kind client] an empty range is zero rows, not an error", async () => {
  const env = await setup();
  try {
    const r = await env.client.offerings({ fromDate: "2019-01-01", toDate: "2019-12-31" });
    assert.deepEqual(r.data, { rows: [], total: 0, page: 1, pages: 0 });
    assert.equal((await raws(env.kv)).length, 1);
  } finally {
    await env.close();
  }
});

Deno.test("[kind client] maintenance page → KindUnavailableError with the raw kept", async () => {
  const env = await setup({ faults: { pubofrprogcom: { kind: "maintenance", times: 1 } } });
  try {
    const err = await catchErr(env.client.offerings(ALL));
    assert.ok(err instanceof KindUnavailableError, String(err));
    assert.ok(err.rawId);
    const saved = await raws(env.kv);
    assert.equal(saved.length, 1);
    assert.equal(saved[0].id, err.rawId);
    const body = new TextDecoder().decode((await getRawBody(env.kv, saved[0]))!);
    assert.match(body, /<title>페이지 오류<\/title>/);
    assert.ok(logLines.some((l) => l.includes("kind call failed") && l.includes(err.rawId!)));
    // the fault was one-shot: the next call works
    assert.ok((await env.client.offerings(ALL)).data.rows.length > 0);
  } finally {
    await env.close();
  }
});

Deno.test("[kind client] malformed markup → KindFormatError with the raw kept", async () => {
  const html = buildBrokenPage();
  const env = await setup({ faults: { listinvstgcom: { kind: "body", body: html } } });
  try {
    const err = await catchErr(env.client.reviews(ALL));
    assert.ok(err instanceof KindFormatError, String(err));
    assert.match(err.message, /row 1 has 5 cells, expected 6/);
    assert.equal((await raws(env.kv))[0].id, (err as KindFormatError).rawId);
  } finally {
    await env.close();
  }
});

function buildBrokenPage(): string {
  return `<table class="list type-00 tmt30" summary="회사명, 상장유형, 청구일, 결과확정일, 심사결과, 상장주선인">
<thead><tr class="first" id="title-contents"></tr></thead>
<tbody><tr onclick="fnDetailView('20261015000087')"><td class="first">솔빛바이오</td><td>신규상장</td><td>2026-10-15</td><td>&nbsp;</td><td>한국투자증권</td></tr></tbody>
</table>
<div class="info type-00">전체 <em>1</em>건 : <strong>1</strong>/1</div>
<script type="text/javascript">fn_InitTitle("회사명,상장유형,청구일,결과확정일,심사결과,상장주선인");</script>`;
}

Deno.test("[kind client] timeout and 500 are transport errors, nothing saved", async () => {
  const env = await setup({
    timeoutMs: 150,
    retries: 1,
    faults: {
      pubofrschdl: { kind: "timeout" },
      listingtype: { kind: "status", status: 500 },
    },
  });
  try {
    const t = await catchErr(env.client.schedule(2026, 11));
    assert.ok(t instanceof TimeoutError, String(t));
    const s = await catchErr(env.client.listings(ALL));
    assert.ok(s instanceof HttpStatusError, String(s));
    assert.equal(s.status, 500);
    assert.equal(
      env.server.calls.filter((c) => c.url.pathname.endsWith("listingcompany.do")).length,
      2,
    );
    assert.equal((await raws(env.kv)).length, 0);
  } finally {
    await env.close();
  }
});

Deno.test("[kind client] a 500 then success is retried", async () => {
  const env = await setup({ faults: { listinvstgcom: { kind: "status", status: 503, times: 1 } } });
  try {
    const r = await env.client.reviews(ALL);
    assert.ok(r.data.rows.length > 0);
    assert.equal(env.server.calls.length, 2);
  } finally {
    await env.close();
  }
});

// ---------------------------------------------------------------------------------------
// the offline IPO sample

Deno.test("[kind sample] every stage, deterministic and cheap to build", async (t) => {
  await t.step("Should cover every stage with 14–20 deals", () => {
    assert.ok(SAMPLE_IPO_FACTS.length >= 14 && SAMPLE_IPO_FACTS.length <= 20);
    const stages = new Set(SAMPLE_IPO_FACTS.map((f) => f.stage));
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
        "미승인",
      ]
    ) {
      assert.ok(stages.has(s as never), s);
    }
    assert.equal(IPO_AS_OF, SAMPLE_AS_OF);
  });

  await t.step("Should build equal fresh datasets, with no statement work for the deals", () => {
    assert.deepEqual(buildKindSampleDataset(), buildKindSampleDataset());
    assert.notEqual(buildKindSampleDataset().offerings, buildKindSampleDataset().offerings);
    // What keeps the IPO sample cheap, counted (its times: bench/sample_build.ts): KIND rows
    // are one per deal at most, and the deals' DART side (filings, company.json) generates no
    // statements beyond the base dataset's.
    const kind = buildKindSampleDataset();
    for (const rows of [kind.offerings, kind.listings, kind.reviews]) {
      assert.ok(rows.length > 0 && rows.length <= IPO_DEALS.length);
    }
    const w0 = sampleStatementWork();
    buildSampleDataset();
    const w1 = sampleStatementWork();
    const withDeals = buildSampleDataset({ ipoDeals: true });
    const w2 = sampleStatementWork();
    assert.deepEqual(
      { series: w2.series - w1.series, rowSets: w2.rowSets - w1.rowSets },
      { series: w1.series - w0.series, rowSets: w1.rowSets - w0.rowSets },
    );
    assert.ok(withDeals.filings.length > buildSampleDataset().filings.length, "the deals' filings");
  });

  await t.step("Should keep stages consistent with the dates as of SAMPLE_AS_OF", () => {
    const asOf = IPO_AS_OF;
    for (const f of SAMPLE_IPO_FACTS) {
      const inRange = (r: { from: string; to: string } | null) =>
        r && r.from <= asOf && asOf <= r.to;
      switch (f.stage) {
        case "수요예측":
          assert.ok(inRange(f.bookbuilding), f.key);
          break;
        case "청약":
          assert.ok(inRange(f.subscription), f.key);
          assert.ok(f.final_price !== null && f.inst_competition !== null, f.key);
          break;
        case "납입":
          assert.ok(f.payment_date! <= asOf && f.listing_date! > asOf, f.key);
          break;
        case "상장":
          assert.ok(f.listing_date! <= asOf && f.stock_code, f.key);
          break;
        case "증권신고서":
          assert.ok(f.filing_date! <= asOf && f.bookbuilding!.from > asOf && f.band, f.key);
          break;
        case "예비심사청구":
          assert.ok(f.review_biz_proc_no && !f.offering_biz_proc_no, f.key);
          break;
      }
      for (
        const d of [
          f.filing_date,
          f.payment_date,
          f.listing_date,
          f.bookbuilding?.from,
          f.subscription?.to,
        ]
      ) {
        if (d) {
          assert.ok(
            [1, 2, 3, 4, 5].includes(new Date(`${d}T00:00:00Z`).getUTCDay()),
            `${f.key} ${d} weekday`,
          );
        }
      }
      if (f.final_price !== null) {
        assert.equal(f.offer_amount_krw, f.final_price * f.shares_total!);
      }
    }
  });
});

Deno.test("[kind sample] KIND rows ↔ DART additions ↔ facts", async (t) => {
  const kind = buildKindSampleDataset();
  const dart = buildSampleDataset({ ipoDeals: true });
  const base = buildSampleDataset();
  const fetchDart = createFixtureFetch(dart, { today: () => "20261120" });
  const get = async (path: string, params: Record<string, string>) => {
    const q = new URLSearchParams({ crtfc_key: "k".repeat(40), ...params });
    const res = await fetchDart(`https://opendart.fss.or.kr/api/${path}?${q}`);
    return new Uint8Array(await res.arrayBuffer());
  };

  await t.step("Should leave the base dataset's companies and filings untouched", () => {
    for (const [code, c] of Object.entries(base.companies)) {
      assert.deepEqual(dart.companies[code], c);
    }
    const rcepts = new Set(dart.filings.map((f) => f.rcept_no));
    for (const f of base.filings) assert.ok(rcepts.has(f.rcept_no));
    assert.equal(new Set(dart.filings.map((f) => f.rcept_no)).size, dart.filings.length);
    assert.equal(new Set(dart.corps.map((c) => c.corp_code)).size, dart.corps.length);
  });

  await t.step("Should hold a same-name pair with different corp_codes", () => {
    const aces = dart.corps.filter((c) => c.corp_name === "에이스테크");
    assert.equal(aces.length, 2);
    assert.notEqual(aces[0].corp_code, aces[1].corp_code);
    assert.ok(aces.every((c) => c.stock_code === ""));
    const withC001 = aces.filter((c) =>
      dart.filings.some((f) => f.corp_code === c.corp_code && f.pblntf_detail_ty === "C001")
    );
    assert.equal(withC001.length, 1);
  });

  await t.step("Should match KIND rows to the facts (names normalised)", () => {
    for (const f of SAMPLE_IPO_FACTS) {
      const o = kind.offerings.find((x) => x.biz_proc_no === f.offering_biz_proc_no);
      if (f.offering_biz_proc_no && f.stage !== "철회") {
        assert.ok(o, f.key);
        assert.equal(o.final_price, f.final_price, f.key);
        assert.deepEqual(o.underwriters.map(normalizeUnderwriter), f.underwriters, f.key);
        assert.equal(o.corp_name, f.kind_name);
      } else assert.equal(o, undefined, f.key);
      const l = kind.listings.find((x) => x.corp_name === f.kind_name);
      assert.equal(Boolean(l), f.stage === "상장", f.key);
      if (l) assert.equal(l.stock_code, f.stock_code);
    }
    assert.ok(
      SAMPLE_IPO_FACTS.some((f) => f.kind_name !== f.dart_name),
      "a KIND/DART name difference",
    );
  });

  await t.step("Should serve each offered deal's C001 chain, estkRs and documents", async () => {
    for (const f of SAMPLE_IPO_FACTS) {
      if (!f.offering_biz_proc_no || f.key === "haram") continue;
      const list = parseList(
        await get("list.json", {
          corp_code: f.corp_code,
          bgn_de: "20260101",
          end_de: "20261120",
          pblntf_detail_ty: "C001",
          page_count: "100",
        }),
      );
      assert.ok("page" in list, f.key);
      const names = list.page.list.map((r) => r.report_nm);
      assert.ok(names.includes("증권신고서(지분증권)"), f.key);
      assert.equal(
        names.includes("[발행조건확정]증권신고서(지분증권)"),
        Boolean(f.dart.terms),
        f.key,
      );
      assert.equal(names.includes("철회신고서"), f.stage === "철회", f.key);
      const estk = parseEstkRs(
        await get("estkRs.json", {
          corp_code: f.corp_code,
          bgn_de: "20260101",
          end_de: "20261120",
        }),
      );
      assert.equal(estk.titles.length, 5, f.key);
      const docNo = f.dart.terms ?? f.dart.registration!;
      const files = await parseDocumentZip(await get("document.xml", { rcept_no: docNo }));
      const body = files[0].text;
      assert.ok(body.includes(`${f.band![0].toLocaleString("en-US")}원 ~`), f.key);
      if (f.dart.terms) {
        assert.ok(body.includes(`<TD ALIGN="CENTER" VALIGN="MIDDLE">수요예측 경쟁률</TD>`), f.key);
        assert.ok(body.includes(`${f.final_price!.toLocaleString("en-US")}원</TD>`), f.key);
        assert.ok(body.includes(`${f.lockup_pct!.toFixed(2)}%`), f.key);
      }
      if (f.retail_competition !== null) {
        const rep = await parseDocumentZip(
          await get("document.xml", { rcept_no: f.dart.result_report! }),
        );
        assert.ok(rep[0].text.includes("청약경쟁률"), f.key);
      }
    }
  });

  await t.step("Should agree with the existing 하람로보틱스 chain", () => {
    const h = SAMPLE_IPO_FACTS.find((f) => f.key === "haram")!;
    const deal = IPO_DEALS.find((d) => d.key === "haram")!;
    const fixed = dart.filings.find((f) =>
      f.corp_code === h.corp_code && f.report_nm === "[발행조건확정]증권신고서(지분증권)"
    )!;
    assert.equal(fixed.rcept_dt, deal.offering!.terms_date!.replaceAll("-", ""));
    const reg = dart.filings.find((f) =>
      f.corp_code === h.corp_code && f.report_nm === "증권신고서(지분증권)"
    )!;
    assert.equal(reg.rcept_dt, h.filing_date!.replaceAll("-", ""));
    const doc = dart.documents[fixed.rcept_no][0].content;
    assert.ok(doc.includes("1,021.37 : 1") && doc.includes("18.64%") && doc.includes("21,000원"));
    assert.ok(doc.includes("2026년 07월 29일 ~ 2026년 07월 30일"));
    assert.equal(dart.companies[h.corp_code].stock_code, h.stock_code);
  });

  await t.step("Should run the KIND sample through the fixture fetch", async () => {
    const f = createKindFixtureFetch(kind);
    const res = await f("https://kind.krx.co.kr/listinvstg/listinvstgcom.do", {
      method: "POST",
      body: new URLSearchParams({
        method: "searchListInvstgCorpSub",
        fromDate: "2026-01-01",
        toDate: "2026-12-31",
        currentPageSize: "100",
      }),
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /전체 <em>15<\/em>건/);
  });
});
