/**
 * The IPO pages in a real browser: the board's stage columns and this week's section, a
 * deal page's timeline and DART filing chain, the calendar, and the xlsx download (read
 * back with exceljs). Screenshots go to `.e2e/ipo*.png` for a human look.
 */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { IPO_SHEET } from "../../lib/export/ipo.ts";
import { SAMPLE_IPO_FACTS } from "../../sample/ipo_deals.ts";
import { buildTestApp } from "../helpers/app.ts";
import { launchBrowser, type TestBrowser, watchProblems } from "./browser.ts";

const SCREENSHOT_DIR = new URL("../../.e2e/", import.meta.url);

Deno.test({
  name: "[e2e] /ipo board, a deal page with its filing chain, and the xlsx download",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await buildTestApp({ bundle: true });
    const namesAt = (stage: string) =>
      SAMPLE_IPO_FACTS.filter((f) => f.stage === stage).map((f) => f.dart_name).sort();
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    let browser: TestBrowser | undefined;
    try {
      browser = await launchBrowser({ viewport: { width: 1440, height: 1000 } });
      const page = await browser.context.newPage();
      const problems = watchProblems(page);
      await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });

      // Board: every stage column, the cards in the right columns.
      const res = await page.goto(`${base}/ipo`, { waitUntil: "load" });
      assert.equal(res?.status(), 200);
      const columns = await page.locator("#ipo-board .ipo-col").evaluateAll((els) =>
        els.map((e) => e.getAttribute("data-stage"))
      );
      assert.deepEqual(columns, [
        "예비심사청구",
        "심사승인",
        "증권신고서",
        "수요예측",
        "청약",
        "납입",
        "상장",
        "철회",
        "미승인",
      ]);
      const inCol = async (stage: string) =>
        await page.locator(`.ipo-col[data-stage="${stage}"] .ipo-card strong`).allInnerTexts();
      for (const stage of columns) {
        const want = namesAt(stage!);
        const got = (await inCol(stage!)).sort();
        // KIND may spell a name with (주): compare without it
        assert.deepEqual(got.map((n) => n.replace("(주)", "")), want, stage!);
      }
      assert.equal(await page.locator("#ipo-total").innerText(), String(SAMPLE_IPO_FACTS.length));
      assert.ok(await page.locator("#ipo-week").isVisible());
      await page.screenshot({ path: new URL("ipo.png", SCREENSHOT_DIR).pathname, fullPage: true });

      // Table view with a filter, sortable in the browser.
      await page.goto(`${base}/ipo?view=table&market=코스닥`, { waitUntil: "load" });
      assert.equal(
        await page.locator("#ipo-table tbody tr").count(),
        SAMPLE_IPO_FACTS.filter((f) => f.market === "코스닥").length,
      );
      await page.screenshot({
        path: new URL("ipo_table.png", SCREENSHOT_DIR).pathname,
        fullPage: true,
      });

      // The deal page, reached from the board.
      await page.goto(`${base}/ipo`, { waitUntil: "load" });
      await page.locator('.ipo-card[data-id="K20260310000077"]').click();
      await page.waitForURL(/\/ipo\/K20260310000077$/);
      const timeline = await page.locator("#ipo-timeline li").evaluateAll((els) =>
        els.map((e) => `${e.getAttribute("data-stage")}:${e.getAttribute("data-status")}`)
      );
      assert.deepEqual(timeline, [
        "예비심사청구:done",
        "심사승인:done",
        "증권신고서:done",
        "수요예측:done",
        "청약:done",
        "납입:done",
        "상장:done",
      ]);
      const chain = page.locator("#ipo-filings tbody tr");
      assert.equal(
        await chain.count(),
        5,
        "3 versions of the registration + 투자설명서 + 실적보고서",
      );
      const names = await chain.locator("td:nth-last-child(2)").allInnerTexts();
      assert.deepEqual(names.slice(0, 3).map((n) => n.replace(/\d{14}/, "")), [
        "증권신고서(지분증권)",
        "[기재정정]증권신고서(지분증권)",
        "[발행조건확정]증권신고서(지분증권)",
      ]);
      const links = await chain.locator('a[href*="dart.fss.or.kr/dsaf001/main.do?rcpNo="]').count();
      assert.equal(links, 5);
      assert.equal((await page.locator("#term-price").innerText()).trim(), "21,000원");
      assert.equal((await page.locator("#fig-demand").innerText()).trim(), "1,021.37:1");
      // the stored last close of the sample market with its date, and the return vs 공모가
      assert.match(
        (await page.locator("#after-close").innerText()).trim(),
        /^[\d,]+원 \(\d{4}\.\d{2}\.\d{2}\)$/,
      );
      assert.match((await page.locator("#after-vs").innerText()).trim(), /^[+-]?\d+\.\d{2}%$/);
      // the same numbers as the deal API
      const api = await (await page.request.get(`${base}/api/v1/ipo/K20260310000077`)).json();
      const won = (n: number) => `${n.toLocaleString("en-US")}원`;
      const signed = (x: number) => `${x > 0 ? "+" : ""}${x.toFixed(2)}%`;
      const text = async (id: string) => (await page.locator(`#${id}`).innerText()).trim();
      assert.equal(await text("after-open"), won(api.after_listing.first_day_open));
      assert.equal(
        await text("after-first"),
        `${won(api.after_listing.first_day_close)} (${
          signed(api.after_listing.first_day_return_pct)
        })`,
      );
      assert.equal(
        await text("after-close"),
        `${won(api.last_close)} (${api.last_close_date.replaceAll("-", ".")})`,
      );
      assert.equal(await text("after-vs"), signed(api.after_listing.return_since_offer_pct));
      await page.screenshot({
        path: new URL("ipo_deal.png", SCREENSHOT_DIR).pathname,
        fullPage: true,
      });

      // The calendar.
      await page.goto(`${base}/ipo/calendar?month=2026-11`, { waitUntil: "load" });
      assert.ok(
        (await page.locator('td[data-date="2026-11-19"] .ipo-ev-sub').allInnerTexts()).some((x) =>
          x.includes("비츠헬스케어")
        ),
      );
      await page.screenshot({
        path: new URL("ipo_calendar.png", SCREENSHOT_DIR).pathname,
        fullPage: true,
      });

      // The export button downloads a workbook that reads back.
      await page.goto(`${base}/ipo`, { waitUntil: "load" });
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.locator("#ipo-export").click(),
      ]);
      assert.match(download.suggestedFilename(), /^kdesk-ipo-\d{8}\.xlsx$/);
      const path = await download.path();
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path);
      const ws = wb.getWorksheet(IPO_SHEET)!;
      assert.equal(ws.rowCount, 1 + SAMPLE_IPO_FACTS.length);
      const names2 = (ws.getColumn(2).values as unknown[]).slice(2) as string[];
      assert.ok(names2.includes("하람로보틱스") && names2.includes("테라웨이브"));

      assert.deepEqual(problems, [], "no page errors or failed requests");
    } finally {
      await browser?.close();
      await server.shutdown();
      await t.close();
    }
  },
});
