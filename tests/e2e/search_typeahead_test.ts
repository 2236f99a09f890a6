/**
 * The header search box's typeahead in a real browser: typing 초성 or a name shows
 * suggestions (combobox + listbox roles, market and price per option), ↓/↑ move the active
 * option (aria-activedescendant), Esc closes, Enter opens the highlighted company; with no
 * option highlighted, Enter submits the plain form to the search page.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../helpers/app.ts";
import { launchBrowser, type TestBrowser, watchProblems } from "./browser.ts";

Deno.test({
  name: "[e2e] header search: typeahead suggestions, keyboard navigation, Enter opens the page",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const app = await startTestApp();
    let browser: TestBrowser | undefined;
    try {
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      const problems = watchProblems(page);
      const searches: string[] = [];
      page.on("request", (r) => {
        if (r.url().includes("/api/v1/search")) searches.push(new URL(r.url()).search);
      });

      await page.goto(`${app.url}/market`, { waitUntil: "load" });
      const box = page.locator("#site-q");
      const list = page.locator("#site-q-list");
      assert.equal(await box.getAttribute("role"), "combobox");
      assert.equal(await box.getAttribute("aria-controls"), "site-q-list");
      assert.equal(await box.getAttribute("aria-expanded"), "false");
      assert.equal(await list.getAttribute("role"), "listbox");
      // Hydrated: the island's script ran (the bundle is on the page).
      await page.waitForFunction(() => document.querySelector("script[type=module]") !== null);

      // 초성: "ㅎㅂ" suggests 한빛반도체 with its market and price.
      await box.click();
      await page.keyboard.type("ㅎㅂ", { delay: 30 });
      await page.waitForSelector('#site-q-list [role="option"]', { state: "visible" });
      assert.equal(await box.getAttribute("aria-expanded"), "true");
      const first = page.locator('#site-q-list [role="option"]').first();
      assert.match(await first.textContent() ?? "", /한빛반도체.*402760.*KOSPI.*[\d,]+/);
      assert.ok(searches.length >= 1 && searches.length <= 2, `debounced: ${searches.join(" ")}`);

      // ↓ highlights the first option, ↓↑ come back to it; Esc closes the list.
      await page.keyboard.press("ArrowDown");
      const firstId = await first.getAttribute("id");
      assert.equal(await box.getAttribute("aria-activedescendant"), firstId);
      assert.equal(await first.getAttribute("aria-selected"), "true");
      await page.keyboard.press("ArrowDown");
      assert.notEqual(await box.getAttribute("aria-activedescendant"), firstId);
      await page.keyboard.press("ArrowUp");
      assert.equal(await box.getAttribute("aria-activedescendant"), firstId);
      await page.keyboard.press("Escape");
      assert.equal(await box.getAttribute("aria-expanded"), "false");
      assert.ok(await list.isHidden());

      // A name: type it, pick the suggestion with the keyboard, land on the company.
      await box.fill("");
      await page.keyboard.type("누리바이오", { delay: 20 });
      await page.waitForFunction(() =>
        [...document.querySelectorAll('#site-q-list [role="option"]')].some((o) =>
          o.textContent?.includes("누리바이오")
        )
      );
      await page.keyboard.press("ArrowDown");
      const picked = await page.locator('#site-q-list [aria-selected="true"]').getAttribute(
        "data-url",
      );
      assert.match(picked ?? "", /^\/company\/\d{8}$/);
      await Promise.all([page.waitForURL(`${app.url}${picked}`), page.keyboard.press("Enter")]);
      assert.match(await page.locator("h1").textContent() ?? "", /누리바이오/);

      // No option highlighted: Enter submits the form (the search page, as without JS).
      const box2 = page.locator("#site-q");
      await box2.click();
      await page.keyboard.type("ㅅ", { delay: 20 });
      await page.waitForSelector('#site-q-list [role="option"]', { state: "visible" });
      await Promise.all([
        page.waitForURL(/\/company\?q=%E3%85%85$/),
        page.keyboard.press("Enter"),
      ]);
      assert.ok((await page.locator("#search-results tbody tr").count()) > 1);

      assert.deepEqual(problems, []);
    } finally {
      await browser?.close();
      await app.close();
    }
  },
});
