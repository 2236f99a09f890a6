/**
 * What the start pages cost and whether they still work, in a real browser (Chromium):
 *
 * - the JavaScript each page transfers, from the browser's resource timings (encoded body
 *   bytes of every script the page fetched, modulepreloads and chart chunks included), and
 *   the gzip size of the same files (their stored .gz copies). A page that renders no chart
 *   must stay within {@link CHARTLESS_LIMIT} of gzip JavaScript and load no chart.js;
 * - the islands still hydrate: the company page's charts draw, its live price follows a
 *   tick posted to the ingest route, sortable tables sort;
 * - /api/docs renders every operation of the OpenAPI document with Swagger UI, markdown
 *   descriptions rendered, under its CSP, with no console error.
 *
 * The figures are printed as a table and written to `.e2e/page_weight.json`
 * (docs/BENCHMARKS.md, "Page weight").
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { fileSizes, PUBLIC_PREFIX } from "../../scripts/build.ts";
import { buildTestApp } from "../helpers/app.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";

/** The most gzip JavaScript a page without charts may load. */
export const CHARTLESS_LIMIT = 80 * 1024;
const CHART_ISLANDS = ["PriceChart", "FinancialChart"];
/** A string only chart.js's core contains. */
const CHART_JS = "Canvas is already in use";
const OUT = new URL("../../.e2e/", import.meta.url);

interface Weight {
  page: string;
  islands: string[];
  scripts: number;
  /** Encoded (as transferred: brotli from the stored copies) bytes. */
  transferred: number;
  /** The same files' gzip copies. */
  gzip: number;
  /** Decoded bytes. */
  raw: number;
  chartJs: boolean;
}

/** Collects what a loaded page fetched and rendered. */
async function weigh(page: Page, path: string, readJs: (p: string) => Promise<string>) {
  const entries = await page.evaluate(() =>
    performance.getEntriesByType("resource").map((e) => {
      const r = e as PerformanceResourceTiming;
      return { name: r.name, encoded: r.encodedBodySize, decoded: r.decodedBodySize };
    })
  );
  const js = entries.filter((e) => new URL(e.name).pathname.endsWith(".js"));
  let gzip = 0, chartJs = false;
  for (const e of js) {
    const p = new URL(e.name).pathname;
    assert.ok(p.startsWith(PUBLIC_PREFIX), `${path}: ${p} is a build file`);
    assert.ok(e.encoded > 0 && e.encoded < e.decoded, `${path}: ${p} came compressed`);
    gzip += (await fileSizes(p)).gzip;
    chartJs ||= (await readJs(p)).includes(CHART_JS);
  }
  const islands = await page.evaluate(() =>
    [
      ...new Set([...document.querySelectorAll<HTMLElement>("[data-island]")]
        .map((el) => el.dataset.island!)),
    ].sort()
  );
  return {
    page: path,
    islands,
    scripts: js.length,
    transferred: js.reduce((s, e) => s + e.encoded, 0),
    gzip,
    raw: js.reduce((s, e) => s + e.decoded, 0),
    chartJs,
  } satisfies Weight;
}

Deno.test({
  name: "[e2e] start pages: JS per page (≤ 80 KB gzip without charts), islands hydrate, /api/docs",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const token = crypto.randomUUID();
    const base = await buildTestApp({ bundle: true });
    const t = await buildTestApp({
      bundle: true,
      deps: { config: { ...base.deps.config, INGEST_TOKEN: token } },
    });
    await base.close();
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
    const url = `http://127.0.0.1:${server.addr.port}`;
    let browser: TestBrowser | undefined;
    const readJs = async (p: string) => await (await fetch(url + p)).text();
    try {
      browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
      const problems: string[] = [];
      const open = async (path: string) => {
        const page = await browser!.context.newPage();
        page.on("pageerror", (e) => problems.push(`${path} pageerror: ${e.message}`));
        page.on("console", (m) => {
          if (m.type() === "error") problems.push(`${path} console: ${m.text()}`);
        });
        page.on("requestfailed", (r) => problems.push(`${path} failed: ${r.url()}`));
        page.on("response", (r) => {
          if (r.status() >= 400) problems.push(`${path} HTTP ${r.status()}: ${r.url()}`);
        });
        const res = await page.goto(url + path, { waitUntil: "networkidle" });
        assert.equal(res?.status(), 200, path);
        return page;
      };

      const company = `/company/${t.corpCode}`;
      const weights: Weight[] = [];
      for (const path of ["/", "/market", "/ipo", "/ipo/calendar", company, "/exports", "/ops"]) {
        const page = await open(path);
        if (path === company) {
          // Charts draw (chart.js loaded on demand), then the weight includes their chunks.
          for (const island of CHART_ISLANDS) {
            await page.waitForSelector(
              `[data-island="${island}"] [data-chart-ready="true"] canvas`,
              { timeout: 20_000 },
            );
          }
          await page.waitForLoadState("networkidle");
        }
        const w = await weigh(page, path, readJs);
        weights.push(w);
        const charts = w.islands.some((i) => CHART_ISLANDS.includes(i));
        if (!charts) {
          assert.ok(w.gzip <= CHARTLESS_LIMIT, `${path}: ${w.gzip} B gzip JS`);
          assert.ok(!w.chartJs, `${path} loads no chart.js`);
        } else {
          assert.ok(w.chartJs, `${path}: the charts brought chart.js`);
        }
        if (path !== company) await page.close();
        else {
          // The live price follows a tick posted to the ingest route (SSE → island).
          const box = page.locator('[data-island="LivePrice"] .live-price');
          const code = await box.getAttribute("data-code");
          const before = Number(await box.getAttribute("data-price") || 0) || 50_000;
          const price = before + 1234;
          const res = await fetch(`${url}/api/v1/ticks`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({
              source: "e2e",
              ticks: [{
                code,
                price,
                change: 1234,
                change_rate: 2.5,
                volume: 10,
                cum_volume: 1000,
                time: Date.now(),
                side: "buy",
                best_bid: null,
                best_ask: null,
                open: null,
                high: null,
                low: null,
                simulated: true,
              }],
            }),
          });
          assert.equal(res.status, 202, await res.text());
          await page.waitForFunction(
            (p) =>
              document.querySelector<HTMLElement>('[data-island="LivePrice"] .live-price')
                ?.dataset.price === String(p),
            price,
            { timeout: 15_000 },
          );
          await page.close();
        }
      }

      // Sortable tables sort (the enhancement script alone, on a page without islands).
      const market = await open("/market");
      const table = market.locator("table[data-sortable]").first();
      const header = table.locator("thead th").nth(1);
      await header.locator("button.sort-button").click();
      assert.match((await header.getAttribute("aria-sort")) ?? "", /^(ascending|descending)$/);
      await market.close();

      // /api/docs: every operation rendered, markdown descriptions, under the page's CSP.
      const docs = await open("/api/docs");
      const doc = await (await fetch(`${url}/api/openapi.json`)).json();
      const operations = Object.values(doc.paths as Record<string, object>)
        .reduce((n, item) => n + Object.keys(item).length, 0);
      await docs.waitForSelector(".opblock", { timeout: 20_000 });
      assert.equal(await docs.locator(".opblock").count(), operations);
      assert.ok((await docs.locator(".opblock-tag").count()) >= 8, "grouped by tag");
      await docs.locator("#operations-Companies-getCompanySnapshot .opblock-summary").click();
      const description = docs.locator(
        "#operations-Companies-getCompanySnapshot .opblock-description-wrapper",
      );
      await description.waitFor();
      assert.ok(
        (await description.locator("code").allInnerTexts()).includes("partial"),
        "backticks render as <code>",
      );
      assert.ok(!(await description.innerText()).includes("`"), "no raw backticks");
      const height = await docs.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(height < 12_000, `docs page ${height}px tall`);
      await docs.close();

      assert.deepEqual(problems, []);

      const kb = (n: number) => (n / 1024).toFixed(1);
      const table_ = weights.map((w) =>
        `${w.page.padEnd(22)} ${String(w.scripts).padStart(3)} files ${
          kb(w.transferred).padStart(6)
        } KB br ${kb(w.gzip).padStart(6)} KB gzip ${kb(w.raw).padStart(7)} KB raw  ${
          w.islands.join(",") || "-"
        }`
      );
      // deno-lint-ignore no-console
      console.log(`JS per page (cold):\n${table_.join("\n")}`);
      await Deno.mkdir(OUT, { recursive: true });
      await Deno.writeTextFile(
        new URL("page_weight.json", OUT),
        JSON.stringify({ measured_at: new Date().toISOString(), pages: weights }, null, 2),
      );
    } finally {
      await browser?.close();
      await server.shutdown();
      await t.close();
    }
  },
});
