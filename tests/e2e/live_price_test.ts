/**
 * Live prices in a real browser: the company page's LivePrice island receives ticks that
 * the simulator bridge (a real Node child process, on the sample clock) posts to ingest, and
 * the price changes with the red/blue up/down class and flash. The simulated prices sit
 * next to the KRX close the page shows (on its grid, inside its ±30 % limits), and the
 * session badge says "모의 시세 · 장중" while they tick.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { LiveService } from "../../lib/live/service.ts";
import { onGrid, priceLimits } from "../../lib/market/tick_size.ts";
import { createApp } from "../../routes/app.ts";
import { SAMPLE_AS_OF } from "../../sample/dart_sample.ts";
import { startSimulatorBridge } from "../../scripts/start_bridge.ts";
import { buildTestApp } from "../helpers/app.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";

Deno.test({
  name: "[e2e] company page: live price moves with up/down class from the simulator bridge",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const token = crypto.randomUUID();
    const config = {
      ...loadConfig({ KDESK_SAMPLE: "on", KDESK_KV_PATH: ":memory:" }),
      INGEST_TOKEN: token,
    };
    const t = await buildTestApp({ bundle: true, deps: { config } });
    const live = new LiveService(t.kv, { mode: "simulator" });
    const app = createApp({ ...t.deps, live });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
    const url = `http://127.0.0.1:${server.addr.port}`;
    let browser: TestBrowser | undefined;
    const bridge = await startSimulatorBridge({
      port: server.addr.port,
      token,
      clock: { mode: "sample", as_of: SAMPLE_AS_OF },
      ticksPerSec: 40,
    });
    try {
      assert.ok(bridge, "bridge/ is installed (cd bridge && npm ci)");
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      const res = await page.goto(`${url}/company/${t.corpCode}`, { waitUntil: "load" });
      assert.equal(res?.status(), 200);
      const box = page.locator('[data-island="LivePrice"] .live-price');
      assert.equal(await box.getAttribute("data-code"), "402760");
      // Record every price and class the island shows.
      await page.evaluate(() => {
        const el = document.querySelector<HTMLElement>('[data-island="LivePrice"] .live-price')!;
        const seen: { price: string; move: string; cls: string }[] = [];
        (globalThis as unknown as { __seen: typeof seen }).__seen = seen;
        new MutationObserver(() => {
          const v = el.querySelector(".live-price-value")!;
          seen.push({
            price: el.dataset.price ?? "",
            move: el.dataset.move ?? "",
            cls: v.className,
          });
        }).observe(el, { attributes: true, subtree: true, childList: true, characterData: true });
      });
      await page.waitForFunction(
        () => {
          const seen =
            (globalThis as unknown as { __seen: { price: string; move: string; cls: string }[] })
              .__seen;
          const prices = new Set(seen.map((s) => s.price).filter(Boolean));
          return prices.size >= 3 && seen.some((s) => /flash-(up|down)/.test(s.cls));
        },
        undefined,
        { timeout: 20_000 },
      );
      const seen = await page.evaluate(() =>
        (globalThis as unknown as { __seen: { price: string; move: string; cls: string }[] }).__seen
      );
      const moves = seen.filter((s) => /flash-(up|down)/.test(s.cls));
      for (const m of moves) {
        const dir = /flash-up/.test(m.cls) ? "up" : "down";
        assert.equal(m.move, dir, "the flash matches the move direction");
      }
      assert.equal(
        await page.locator(".live-price .live-simulated").count(),
        1,
        "labelled 모의 시세",
      );
      assert.equal(await page.locator(".live-price").getAttribute("data-state"), "live");
      assert.equal(await page.locator(".live-price .live-state").textContent(), "수신 중");
      assert.equal(
        await page.locator('[data-island="SessionBadge"] .session-badge').textContent(),
        "모의 시세 · 장중",
        "ticking simulated prices: the badge says the (simulated) market is open",
      );
      // Every simulated price is on the KRX grid inside the limits of the close shown below.
      const close = Number(await page.locator("#price-close").getAttribute("data-close"));
      const { upper, lower } = priceLimits(close);
      const prices = seen.map((s) => Number(s.price)).filter((p) => p > 0);
      assert.ok(prices.length >= 3);
      for (const p of prices) {
        assert.ok(onGrid(p) && p >= lower && p <= upper, `${p} vs close ${close}`);
      }
      assert.ok(
        Math.abs(prices[0] - close) / close < 0.05,
        `the first price ${prices[0]} starts at the close ${close}`,
      );
      // The order book starts collapsed; opening it shows the live levels.
      await page.click("details.order-book-box > summary");
      await page.waitForSelector('[data-island="OrderBook"] table.order-book tbody tr', {
        timeout: 10_000,
      });
      // Drop every SSE connection: the island shows "재연결 중…", then resumes.
      await page.evaluate(() => {
        const el = document.querySelector<HTMLElement>('[data-island="LivePrice"] .live-price')!;
        const states: string[] = [];
        (globalThis as unknown as { __states: string[] }).__states = states;
        new MutationObserver(() => states.push(el.dataset.state ?? "")).observe(el, {
          attributes: true,
          attributeFilter: ["data-state"],
        });
      });
      live.broadcaster.close();
      await page.waitForFunction(
        () => {
          const s = (globalThis as unknown as { __states: string[] }).__states;
          return s.includes("reconnecting") && s.at(-1) === "live";
        },
        undefined,
        { timeout: 15_000 },
      );
      assert.ok(live.broadcaster.stats().clients >= 1, "the page reconnected");
      assert.deepEqual(problems, []);
    } finally {
      await browser?.close();
      await bridge?.stop();
      live.close();
      await server.shutdown();
      await t.close();
    }
  },
});
