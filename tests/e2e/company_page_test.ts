/**
 * The company page in a real browser: server-rendered tables, the chart island hydrated
 * from its hashed entry and drawn by chart.js, sortable headers, and a screenshot in
 * `.e2e/company.png` for a human look.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../helpers/app.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";

const SCREENSHOT_DIR = new URL("../../.e2e/", import.meta.url);

Deno.test({
  name: "[e2e] GET /company/:corp_code hydrates the chart and renders the tables",
  // playwright keeps its own pipes and timers; both are closed in `finally`.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const app = await startTestApp();
    let browser: TestBrowser | undefined;
    try {
      assert.match(app.url, /^http:\/\/127\.0\.0\.1:\d+$/, "served on loopback only");
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()}`));
      page.on("response", (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });

      const res = await page.goto(`${app.url}/company/${app.corpCode}`, { waitUntil: "load" });
      assert.equal(res?.status(), 200);
      assert.equal(await page.locator("html").getAttribute("lang"), "ko");

      // The island entries are served with a year-long immutable cache.
      const script = await page.locator('script[type=module][src*="/island-PriceChart-"]')
        .getAttribute("src");
      assert.match(script ?? "", /^\/static\/build\/island-PriceChart-[A-Z0-9]{8}\.js$/);
      const bundle = await page.request.get(`${app.url}${script}`);
      assert.equal(bundle.status(), 200);
      assert.match(bundle.headers()["cache-control"] ?? "", /immutable/);

      // The chart: hydrated, drawn, non-empty.
      await page.waitForSelector('[data-chart-ready="true"] canvas', { timeout: 20_000 });
      const chart = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>(
          '[data-chart-ready="true"] canvas',
        )!;
        const ctx = canvas.getContext("2d")!;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        const colors = new Set<string>();
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 0) {
            painted++;
            if (colors.size < 64) colors.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
          }
        }
        const rect = canvas.getBoundingClientRect();
        return {
          width: rect.width,
          height: rect.height,
          painted,
          total: data.length / 4,
          colors: colors.size,
          dataUrlLength: canvas.toDataURL().length,
        };
      });
      assert.ok(
        chart.width > 100 && chart.height > 100,
        `canvas size ${chart.width}x${chart.height}`,
      );
      assert.ok(chart.painted > chart.total * 0.01, `painted ${chart.painted}/${chart.total}`);
      assert.ok(chart.colors >= 3, `distinct colours ${chart.colors}`);
      assert.ok(chart.dataUrlLength > 5_000, `data URL ${chart.dataUrlLength}`);

      // Financials table: Korean headers, 억/조 amounts with exact values in title.
      const fin = page.locator("#financials-table");
      await fin.waitFor();
      for (const h of ["매출액", "영업이익", "당기순이익", "부채비율"]) {
        assert.ok((await fin.locator("thead").innerText()).includes(h), h);
      }
      const finRows = await fin.locator("tbody tr").count();
      assert.ok(finRows >= 1, "financial rows");
      const amount = fin.locator("tbody tr td.num[title]").first();
      assert.match(await amount.innerText(), /[조억만]?.*원$/);
      assert.match((await amount.getAttribute("title")) ?? "", /^-?[\d,]+원$/);

      // The default view, before any interaction.
      await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({
        path: new URL("company.png", SCREENSHOT_DIR).pathname,
        fullPage: true,
      });

      // Sortable headers (progressive enhancement): sort by year ascending.
      const yearHeader = fin.locator("thead th").first();
      const years = async () =>
        await fin.locator("tbody tr th[scope=row]").evaluateAll((els) =>
          els.map((e) => e.textContent?.trim() ?? "")
        );
      const before = await years();
      await yearHeader.locator("button.sort-button").click(); // descending first
      await yearHeader.locator("button.sort-button").click(); // then ascending
      assert.equal(await yearHeader.getAttribute("aria-sort"), "ascending");
      assert.deepEqual(await years(), [...before].sort());

      // Disclosures: rows linking to the DART viewer.
      const disc = page.locator("#disclosures-table");
      assert.ok((await disc.locator("tbody tr").count()) >= 1, "disclosure rows");
      const href = await disc.locator('a[href*="dart.fss.or.kr/dsaf001/main.do?rcpNo="]').first()
        .getAttribute("href");
      assert.match(href ?? "", /rcpNo=\d{14}$/);

      // The JSON link and the sample-data banner.
      assert.equal(
        await page.locator(`a[href="/api/v1/company/snapshot?corp_code=${app.corpCode}"]`).count(),
        1,
      );
      assert.ok((await page.locator(".sample-banner").innerText()).includes("sample data"));

      assert.deepEqual(problems, [], "no page errors or failed requests");
    } finally {
      await browser?.close();
      await app.close();
    }
  },
});
