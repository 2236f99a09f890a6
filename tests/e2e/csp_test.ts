/**
 * The pages' Content-Security-Policy in a real browser: every page is served with the
 * policy (script-src 'self', frame-ancestors 'none'), and Chromium reports no violation on
 * any of them — not while loading, not while the islands hydrate and draw — and the islands
 * did run (so the bundle was allowed). A page in a cross-origin frame is refused, and the
 * export form, posted by the browser itself, passes the same-site check.
 */
import assert from "node:assert/strict";
import type { JobsContext, JobsDart } from "../../lib/jobs/runtime.ts";
import { listExportJobs } from "../../lib/store/exports.ts";
import { buildTestApp } from "../helpers/app.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";

Deno.test({
  name: "[e2e] no CSP violation on any page; islands still hydrate; framing is refused",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await buildTestApp({ bundle: true });
    // a queue for the export form (messages just wait: nothing listens)
    t.deps.jobs = {
      kv: t.kv,
      dart: {} as JobsDart,
      now: () => new Date(),
      sample: false,
      backoffSchedule: [],
      probes: [],
    } satisfies JobsContext;
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    // another origin (other port) that tries to frame the app
    const framer = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () =>
        new Response(`<!DOCTYPE html><iframe id="f" src="${base}/market"></iframe>`, {
          headers: { "content-type": "text/html" },
        }),
    );
    let browser: TestBrowser | undefined;
    try {
      const pipeline = await (await t.app.request("/api/v1/ipo/pipeline?limit=1")).json();
      const deal = pipeline.items[0].id as string;
      const pages = [
        "/",
        "/market",
        "/ipo",
        "/ipo?view=table",
        "/ipo/calendar",
        `/ipo/${deal}`,
        `/company/${t.corpCode}`,
        "/company?q=바이오",
        "/exports",
        "/ops",
        "/api/docs",
      ];
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      // Listens in the page itself (an init script runs outside the page's policy).
      await page.addInitScript(() => {
        const w = globalThis as unknown as { __csp: string[] };
        w.__csp = [];
        document.addEventListener("securitypolicyviolation", (e) => {
          w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
        });
      });
      const problems: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) {
          problems.push(`console: ${m.text()}`);
        }
      });
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));

      for (const path of pages) {
        const res = await page.goto(`${base}${path}`, { waitUntil: "networkidle" });
        assert.equal(res?.status(), 200, path);
        const csp = (await res!.allHeaders())["content-security-policy"] ?? "";
        assert.match(csp, /script-src 'self'/, `${path}: served with the policy`);
        assert.match(csp, /frame-ancestors 'none'/, path);
        await page.waitForTimeout(300); // charts draw, live prices connect
        const seen = await page.evaluate(() =>
          (globalThis as unknown as { __csp: string[] }).__csp
        );
        for (const v of seen) problems.push(`${path}: ${v}`);
      }

      // The islands ran under the policy: the company page's chart drew on its canvas and
      // the board's sortable tables were enhanced.
      await page.goto(`${base}/company/${t.corpCode}`, { waitUntil: "networkidle" });
      const drawn = await page.locator("canvas").first().evaluate((c: HTMLCanvasElement) =>
        c.width > 0 && c.height > 0
      );
      assert.ok(drawn, "the chart island drew under the policy");

      // The browser's own form post (Origin / Sec-Fetch-Site: same-origin) creates the export.
      await page.goto(`${base}/exports`, { waitUntil: "load" });
      await Promise.all([
        page.waitForURL(/\/exports\?job=\w+/),
        page.locator("form.export-form [type=submit]").click(),
      ]);
      assert.equal((await listExportJobs(t.kv)).length, 1, "the form created one export");

      // Framed by another origin: the browser refuses to render it.
      const fp = await browser.context.newPage();
      const blocked: string[] = [];
      fp.on("console", (m) => blocked.push(m.text()));
      await fp.goto(`http://127.0.0.1:${framer.addr.port}/`, { waitUntil: "load" });
      await fp.waitForTimeout(300);
      const frame = fp.frames().find((f) => f.url().startsWith(base));
      const framedText = frame ? await frame.evaluate(() => document.body?.innerText ?? "") : "";
      assert.ok(!framedText.includes("kdesk"), "the framed page did not render");

      assert.deepEqual(problems, []);
    } finally {
      await browser?.close();
      await framer.shutdown();
      await server.shutdown();
      await t.close();
    }
  },
});
