/**
 * The pages at 1440 px and 390 px in a real Chromium (sample mode): no horizontal page
 * overflow, Korean words never broken inside (keep-all: no 에이/스테/크, no 수요예측 경/쟁률),
 * dates shown as 2026.11.19 (no YYYY-MM-DD in the visible text), and the IPO calendar shows
 * 수요예측, 청약, 환불·납입 and 상장 with every company name readable — a grid on wide screens,
 * an agenda on small ones, no entry cut. Screenshots go to `.e2e/layout-*.png`.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { calendarEvents } from "../../components/ipo/IpoCalendar.tsx";
import type { PipelineRow } from "../../lib/ipo/model.ts";
import { buildTestApp } from "../helpers/app.ts";
import { launchBrowser, type TestBrowser, watchProblems } from "./browser.ts";

const SCREENSHOT_DIR = new URL("../../.e2e/", import.meta.url);
const WIDTHS = [1440, 390];

/** Words (runs without spaces) of `selector`'s text that the layout broke across lines. */
function brokenWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll(sel)) {
      if (!(el as HTMLElement).offsetParent) continue; // hidden
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? "";
        for (const m of text.matchAll(/[^\s~·,()]+/g)) {
          if (!/[가-힣]/.test(m[0])) continue;
          const r = document.createRange();
          r.setStart(n, m.index!);
          r.setEnd(n, m.index! + m[0].length);
          const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
          if (tops.size > 1) out.push(m[0]);
        }
      }
    }
    return out;
  }, selector);
}

Deno.test({
  name: "[e2e] pages at 1440 and 390 px: no overflow, unbroken words, readable calendar",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await buildTestApp({ bundle: true });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    const rows: PipelineRow[] =
      (await (await t.app.request("/api/v1/ipo/pipeline?limit=200")).json()).items;
    const deals = rows.filter((r) => r.sub).map((r) => r.id).slice(0, 4);
    const pages = [
      "/",
      "/market",
      "/ipo",
      "/ipo?view=table",
      "/ipo/calendar",
      "/ipo/calendar?month=2026-12",
      ...deals.map((id) => `/ipo/${id}`),
      `/company/${t.corpCode}`,
      "/exports",
      "/ops",
    ];
    let browser: TestBrowser | undefined;
    try {
      await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
      for (const width of WIDTHS) {
        browser = await launchBrowser({ viewport: { width, height: 900 } });
        const page = await browser.context.newPage();
        const problems = watchProblems(page);
        for (const path of pages) {
          const res = await page.goto(base + path, { waitUntil: "load" });
          assert.equal(res?.status(), 200, `${path} @${width}`);
          const [sw, iw] = await page.evaluate(() => [
            document.documentElement.scrollWidth,
            globalThis.innerWidth,
          ]);
          assert.ok(sw <= iw, `${path} @${width}: page is ${sw}px wide in a ${iw}px window`);
          // On a phone the header's search box takes the row (not a stub with its hint cut).
          const box = page.locator(".header-search #site-q"); // (not on the home page)
          const search = (await box.count()) ? await box.boundingBox() : null;
          if (search && width < 700) {
            assert.ok(search.width >= width * 0.6, `${path} @${width}: search ${search.width}px`);
          }
          assert.equal(
            await page.evaluate(() => getComputedStyle(document.body).wordBreak),
            "keep-all",
          );
          const broken = await brokenWords(
            page,
            "main h1, main h2, main h3, .kv dt, .ipo-card strong, #ipo-week a, .ipo-ev-name, " +
              ".ipo-timeline strong, .ipo-filters label, .page-head .sub",
          );
          assert.deepEqual(broken, [], `${path} @${width}: words broken across lines`);
          // Dates are shown as 2026.11.19, never as YYYY-MM-DD.
          const isoDates = await page.evaluate(() =>
            [...document.body.innerText.matchAll(/\b\d{4}-\d{2}-\d{2}\b/g)].map((m) => m[0])
          );
          assert.deepEqual(isoDates, [], `${path} @${width}: ISO dates in the visible text`);
          const name = path.replace(/[/?=&]+/g, "_").replace(/^_|_$/g, "") || "home";
          await page.screenshot({
            path: new URL(`layout-${name}-${width}.png`, SCREENSHOT_DIR).pathname,
            fullPage: true,
          });
        }

        // The calendar: every event of the month readable, with its company.
        for (const month of ["2026-11", "2026-12"]) {
          await page.goto(`${base}/ipo/calendar?month=${month}`, { waitUntil: "load" });
          const grid = await page.locator("#ipo-calendar").isVisible();
          const agenda = await page.locator("#ipo-agenda").isVisible();
          assert.equal(grid, width > 900, `grid at ${width}`);
          assert.equal(agenda, width <= 900, `agenda at ${width}`);
          const scope = grid ? "#ipo-calendar" : "#ipo-agenda";
          const entries = await page.locator(`${scope} .ipo-ev`).evaluateAll((els) =>
            els.map((e) => ({
              text: (e as HTMLElement).innerText.replace(/\s+/g, " ").trim(),
              kind: e.getAttribute("data-kind"),
              date: e.closest("[data-date]")?.getAttribute("data-date") ?? "",
              cut: e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight + 1,
            }))
          );
          assert.deepEqual(entries.filter((e) => e.cut), [], `${month} @${width}: cut entries`);
          const [y, m] = month.split("-").map(Number);
          const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
          const want = [...calendarEvents(rows, `${month}-01`, last)].flatMap(([d, evs]) =>
            evs.map((e) => `${d} ${e.label} ${e.row.name}`)
          ).sort();
          const got = entries.filter((e) => e.date.startsWith(month))
            .map((e) => `${e.date} ${e.text}`).sort();
          assert.deepEqual(got, want, `${month} @${width}: every event with its company`);
          const kinds = new Set(entries.map((e) => e.kind));
          if (month === "2026-11") {
            for (const k of ["book", "sub", "pay", "list"]) assert.ok(kinds.has(k), k);
          }
        }
        assert.deepEqual(problems, [], `@${width}`);
        await browser.close();
        browser = undefined;
      }
    } finally {
      await browser?.close();
      await server.shutdown();
      await t.close();
    }
  },
});
