/**
 * The PriceChart island in Chromium: the company page hydrates it, chart.js draws the 1Y
 * closes (red or blue by the window's trend) with volume underneath, 1M and 5Y fetch their
 * windows and change the drawn point count, a range fetched once is not fetched again, and
 * loading never shifts the page. Screenshots go to /tmp for a human look.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { rangeStart } from "../lib/market/range.ts";
import { launchBrowser, type TestBrowser } from "./e2e/browser.ts";
import { buildMarketApp, HANBIT_CORP, LATEST } from "./helpers/market.ts";

const SHOTS = "/tmp";

/** Pixels painted and whether the canvas shows a colour (within a tolerance). */
async function canvasStats(page: Page, rgb: [number, number, number]) {
  return await page.evaluate((want) => {
    const canvas = document.querySelector<HTMLCanvasElement>(".price-chart canvas")!;
    const ctx = canvas.getContext("2d")!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0, hits = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      painted++;
      if (
        Math.abs(data[i] - want[0]) < 24 && Math.abs(data[i + 1] - want[1]) < 24 &&
        Math.abs(data[i + 2] - want[2]) < 24 && data[i + 3] > 200
      ) hits++;
    }
    const r = canvas.getBoundingClientRect();
    return { painted, total: data.length / 4, hits, width: r.width, height: r.height };
  }, rgb);
}

const chart = (page: Page, range: string) =>
  page.waitForSelector(`.price-chart[data-range="${range}"][data-chart-ready="true"]`, {
    timeout: 20_000,
  });

/** A date as the pages show it (2026.11.20), escaped for a RegExp. */
const dotted = (iso: string) => iso.replaceAll("-", "\\.");

Deno.test({
  name: "[market e2e] company page price chart: draw, 1M and 5Y, no layout shift",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await buildMarketApp({ bundle: true });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    let browser: TestBrowser | undefined;
    try {
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      page.on("requestfailed", (r) => {
        // the live-price stream is aborted by navigating away; anything else is a failure
        if (!r.url().includes("/api/v1/stream/")) problems.push(`requestfailed: ${r.url()}`);
      });
      const fetched: string[] = [];
      // Hold each daily response a little, so the loading state can be measured.
      await page.route("**/api/v1/market/instruments/*/daily*", async (route) => {
        fetched.push(new URL(route.request().url()).search);
        await new Promise((r) => setTimeout(r, 400));
        await route.continue();
      });

      const res = await page.goto(`${base}/company/${HANBIT_CORP}`, { waitUntil: "load" });
      assert.equal(res?.status(), 200);
      await page.waitForSelector('.price-chart[data-state="loading"]');
      const loadingBox = await page.locator("#price-card").boundingBox();
      const loadingTable = await page.locator("#financials-table").boundingBox();

      const bars = t.seeded.bars.get("402760")!;
      const count = (from: string) => bars.filter((b) => b.date >= from).length;
      const closes = (from: string) => bars.filter((b) => b.date >= from).map((b) => b.close!);

      // 1Y by default: drawn, sized, painted in the trend's colour
      await chart(page, "1Y");
      const pts1y = Number(await page.locator(".price-chart").getAttribute("data-points"));
      assert.equal(pts1y, count(rangeStart(LATEST, "1Y")));
      const c1y = closes(rangeStart(LATEST, "1Y"));
      const up = c1y.at(-1)! > c1y[0];
      const color: [number, number, number] = up ? [214, 0, 0] : [0, 81, 199];
      const s = await canvasStats(page, color);
      assert.ok(s.width > 300 && s.height >= 280, `canvas ${s.width}x${s.height}`);
      assert.ok(s.painted > s.total * 0.02, `painted ${s.painted}/${s.total}`);
      assert.ok(s.hits > 200, `${up ? "red" : "blue"} line pixels: ${s.hits}`);
      assert.match(
        await page.locator(".chart-summary").innerText(),
        new RegExp(
          `^1년 \\(${dotted(rangeStart(LATEST, "1Y").slice(0, 8))}\\d\\d ~ ${
            dotted(LATEST)
          }, ${pts1y}거래일\\)`,
        ),
      );

      // no layout shift: the card and what follows it kept their place and size
      const readyBox = await page.locator("#price-card").boundingBox();
      const readyTable = await page.locator("#financials-table").boundingBox();
      assert.equal(readyBox?.height, loadingBox?.height, "price card height");
      assert.equal(readyTable?.y, loadingTable?.y, "content below the chart did not move");
      await page.screenshot({ path: `${SHOTS}/kdesk-market-company.png`, fullPage: true });
      await page.locator("#price-card").screenshot({ path: `${SHOTS}/kdesk-market-card-1y.png` });

      // 1M: fewer points, the button pressed
      await page.click('.range-buttons button[data-range="1M"]');
      await chart(page, "1M");
      const pts1m = Number(await page.locator(".price-chart").getAttribute("data-points"));
      assert.equal(pts1m, count(rangeStart(LATEST, "1M")));
      assert.ok(pts1m < pts1y && pts1m >= 18, `1M points ${pts1m}`);
      assert.equal(
        await page.locator('.range-buttons button[data-range="1M"]').getAttribute("aria-pressed"),
        "true",
      );
      assert.equal(
        await page.locator('.range-buttons button[data-range="1Y"]').getAttribute("aria-pressed"),
        "false",
      );
      await page.locator("#price-card").screenshot({ path: `${SHOTS}/kdesk-market-card-1m.png` });

      // 5Y: the whole seeded history
      await page.click('.range-buttons button[data-range="5Y"]');
      await chart(page, "5Y");
      const pts5y = Number(await page.locator(".price-chart").getAttribute("data-points"));
      assert.equal(pts5y, bars.length);
      assert.ok(pts5y > pts1y * 4, `5Y points ${pts5y}`);
      assert.equal((await canvasStats(page, color)).width, s.width, "same canvas size");
      await page.locator("#price-card").screenshot({ path: `${SHOTS}/kdesk-market-card-5y.png` });

      // back to 1M: drawn from what was fetched, no new request
      await page.click('.range-buttons button[data-range="1M"]');
      await chart(page, "1M");
      assert.equal(Number(await page.locator(".price-chart").getAttribute("data-points")), pts1m);
      assert.deepEqual(fetched, ["?range=1Y", "?range=1M", "?range=5Y"]);

      // the table fallback lists the latest sessions
      await page.locator(".chart-table summary").click();
      const first = await page.locator(".chart-table tbody tr th").first().innerText();
      assert.equal(first, LATEST.replaceAll("-", "."));
      assert.equal(await page.locator(".chart-table tbody tr").count(), 10);

      // keyboard: the range buttons are focusable buttons
      await page.focus('.range-buttons button[data-range="3M"]');
      await page.keyboard.press("Enter");
      await chart(page, "3M");

      // the home page's index cards and the market page, for a look
      await page.goto(`${base}/`, { waitUntil: "load" });
      assert.equal(await page.locator("#index-cards .index-card").count(), 2);
      await page.locator("#index-cards").screenshot({
        path: `${SHOTS}/kdesk-market-home-cards.png`,
      });
      await page.goto(`${base}/market`, { waitUntil: "load" });
      await page.screenshot({ path: `${SHOTS}/kdesk-market-page.png`, fullPage: true });

      assert.deepEqual(problems, [], "no page errors or failed requests");
    } finally {
      await browser?.close();
      await server.shutdown();
      await t.close();
    }
  },
});
