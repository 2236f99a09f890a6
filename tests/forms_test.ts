/**
 * Forms forgive: a blank field is no filter (a GET form submitted with its blank defaults
 * answers 200), a value that is not understood re-renders the whole page with a Korean
 * message next to its field, and the other fields still apply. The JSON API keeps strict
 * problem+json answers for the same parameters.
 */
import assert from "node:assert/strict";
import { parse } from "node-html-parser";
import { sampleJobsContext } from "../lib/jobs/context.ts";
import { getExportJob } from "../lib/store/exports.ts";
import { SAMPLE_IPO_FACTS } from "../sample/ipo_deals.ts";
import { buildTestApp, type TestApp } from "./helpers/app.ts";

const BLANK = "stage=&market=&from=&to=&underwriter=&q=";
const N = SAMPLE_IPO_FACTS.length;
const KOSDAQ = SAMPLE_IPO_FACTS.filter((f) => f.market === "코스닥").length;

async function page(t: TestApp, url: string, init?: RequestInit) {
  const res = await t.app.request(url, init);
  const html = await res.text();
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    doc: parse(html),
    html,
  };
}

/** A full page: the layout's header, navigation and footer are there. */
function assertWholePage(doc: ReturnType<typeof parse>, what: string) {
  assert.ok(doc.querySelector(".site-header nav"), `${what}: navigation`);
  assert.ok(doc.querySelector(".site-footer"), `${what}: footer`);
}

Deno.test("[forms] /ipo: blank fields are no filter, in the board and the table", async () => {
  const t = await buildTestApp();
  try {
    const board = await page(t, `/ipo?${BLANK}&view=board`);
    assert.equal(board.status, 200, board.html.slice(0, 300));
    assert.equal(board.doc.querySelector("#ipo-total")!.text, String(N));
    assert.equal(board.doc.querySelector("#filter-errors"), null);
    const table = await page(t, `/ipo?${BLANK}&view=table`);
    assert.equal(table.status, 200);
    assert.equal(table.doc.querySelectorAll("#ipo-table tbody tr[data-id]").length, N);
    // blank fields stay out of the export and JSON links
    assert.equal(
      table.doc.querySelector("#ipo-export")!.getAttribute("href"),
      "/api/v1/export/ipo.xlsx",
    );
    // the same query with one real filter filters
    const kosdaq = await page(t, `/ipo?${BLANK.replace("market=", "market=코스닥")}&view=table`);
    assert.equal(kosdaq.doc.querySelectorAll("#ipo-table tbody tr[data-id]").length, KOSDAQ);
  } finally {
    await t.close();
  }
});

Deno.test("[forms] /ipo: a value not understood gets a Korean message by its field", async () => {
  const t = await buildTestApp();
  try {
    const r = await page(t, "/ipo?from=2026-13-01&market=코스닥&view=table");
    assert.equal(r.status, 400);
    assert.match(r.type, /text\/html/);
    assertWholePage(r.doc, "/ipo bad from");
    const err = r.doc.querySelector("#err-from")!;
    assert.match(err.text, /연-월-일/);
    assert.equal(r.doc.querySelector('input[name="from"]')!.getAttribute("aria-invalid"), "true");
    assert.equal(r.doc.querySelector('input[name="from"]')!.getAttribute("value"), "2026-13-01");
    assert.ok(r.doc.querySelector("#filter-errors"));
    assert.doesNotMatch(r.html, /must be YYYY-MM-DD|Invalid option/, "no raw validator text");
    // the other filter still applies and the rest of the page is there
    assert.equal(r.doc.querySelectorAll("#ipo-table tbody tr[data-id]").length, KOSDAQ);
    assert.ok(r.doc.querySelector("#ipo-week"));
    assert.equal(
      r.doc.querySelector("#ipo-export")!.getAttribute("href"),
      "/api/v1/export/ipo.xlsx?market=%EC%BD%94%EC%8A%A4%EB%8B%A5",
    );

    const stage = await page(t, "/ipo?stage=없는단계");
    assert.equal(stage.status, 400);
    assert.match(stage.doc.querySelector("#err-stage")!.text, /알 수 없는 단계/);
    assert.ok(stage.doc.querySelector("#ipo-board"));
    const market = await page(t, "/ipo?market=NASDAQ");
    assert.match(market.doc.querySelector("#err-market")!.text, /유가증권, 코스닥, 코넥스/);
    const order = await page(t, "/ipo?from=2026-11-20&to=2026-11-01");
    assert.equal(order.doc.querySelector("#err-to")!.text, "종료일이 시작일보다 빠릅니다.");
    const long = await page(t, `/ipo?q=${"가".repeat(101)}`);
    assert.match(long.doc.querySelector("#err-q")!.text, /100자 이하/);
    // a cursor that is not ours starts at the first page
    assert.equal((await page(t, "/ipo?view=table&cursor=zzz")).status, 200);

    // The API keeps its strict answers.
    const api = await t.app.request("/api/v1/ipo/pipeline?from=2026/11/01");
    assert.equal(api.status, 400);
    assert.match(api.headers.get("content-type")!, /application\/problem\+json/);
  } finally {
    await t.close();
  }
});

Deno.test("[forms] /ipo/calendar and /market: blank is the default, bad input a note", async () => {
  const t = await buildTestApp();
  try {
    const cal = await page(t, "/ipo/calendar?month=");
    assert.equal(cal.status, 200);
    assert.match(cal.doc.querySelector("h1")!.text, /2026년 11월/);
    const badCal = await page(t, "/ipo/calendar?month=2026-13");
    assert.equal(badCal.status, 400);
    assertWholePage(badCal.doc, "calendar");
    assert.match(badCal.doc.querySelector("#month-error")!.text, /연-월/);
    assert.ok(badCal.doc.querySelector("#ipo-calendar td"), "the calendar is still there");

    const market = await page(t, "/market?date=");
    assert.equal(market.status, 200);
    assert.equal(market.doc.querySelector("#market-date")!.text, "2026.11.20");
    const bad = await page(t, "/market?date=2026-02-30");
    assert.equal(bad.status, 400);
    assertWholePage(bad.doc, "market");
    assert.match(bad.doc.querySelector("#err-date")!.text, /연-월-일/);
    assert.equal(bad.doc.querySelector('input[name="date"]')!.getAttribute("value"), "2026-02-30");
    assert.equal(bad.doc.querySelector("#market-date")!.text, "2026.11.20", "the latest day");
    assert.ok(bad.doc.querySelector("[data-market]"), "market sections still shown");
  } finally {
    await t.close();
  }
});

Deno.test("[forms] /exports: blank dates are the default year, errors in Korean by field", async () => {
  const t = await buildTestApp();
  const app = (await import("../routes/app.ts")).createApp({
    ...t.deps,
    jobs: sampleJobsContext(t.kv),
  });
  const post = (fields: Record<string, string>) =>
    app.request("/exports", {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "sec-fetch-site": "same-origin" },
    });
  try {
    const blank = await post({ market_code: "", date_from: "", date_to: "", output_format: "" });
    assert.equal(blank.status, 303, await blank.clone().text().then((h) => h.slice(0, 200)));
    const id = /job=(\w+)/.exec(blank.headers.get("location")!)![1];
    const job = (await getExportJob(t.kv, id))!;
    assert.equal(job.request.market_code, "KOSPI");
    assert.equal(job.request.date_to, "2026-11-20", "the latest stored day");
    assert.equal(job.request.date_from, "2025-11-20");

    const order = await post({
      market_code: "KOSPI",
      date_from: "2026-11-20",
      date_to: "2026-01-01",
    });
    assert.equal(order.status, 400);
    const doc = parse(await order.text());
    assertWholePage(doc, "/exports");
    assert.equal(doc.querySelector("#err-date_to")!.text, "종료일이 시작일보다 빠릅니다.");
    assert.equal(doc.querySelector('input[name="date_from"]')!.getAttribute("value"), "2026-11-20");
    const unknown = parse(
      await (await app.request("/exports", {
        method: "POST",
        headers: { "sec-fetch-site": "same-origin" },
        body: new URLSearchParams([["market_code", "KOSPI"], ["index_codes", "NOPE"]]),
      })).text(),
    );
    assert.equal(unknown.querySelector("#err-index_codes")!.text, "저장되지 않은 지수입니다: NOPE");
    const badDate = parse(await (await post({ date_from: "11/20/2026" })).text());
    assert.match(badDate.querySelector("#err-date_from")!.text, /연-월-일/);
    assert.doesNotMatch(badDate.toString(), /must be YYYY-MM-DD/);
  } finally {
    await t.close();
  }
});
