/**
 * The browser crawl (issue 13, acceptance 1): the sample app on a clean in-memory KV, served
 * on 127.0.0.1, crawled breadth-first in a real Chromium at 1440×900 and 390×844 from the
 * start pages a newcomer opens. It visits every same-origin link (`a[href]`, deduplicated
 * by path + query): all links of the start pages, and beyond them up to {@link PER_PATTERN}
 * pages per route pattern (`/company/:corp`, `/ipo/:id`, …), so every pattern is reached
 * without opening all 5,000 company pages. It submits every GET form as rendered (blank
 * fields stay blank; the browser's own `required` check is switched off so the server sees
 * the blank submission a script-less or older browser would send) and checks the page it
 * lands on. Download links (.xlsx, .parquet, .csv) are fetched, not navigated: status < 400
 * and the file's content type.
 *
 * On every page: responses ≥ 400 (the page and everything it loads), console errors,
 * uncaught errors, failed requests (except the live-price SSE stream aborted by leaving the
 * page), horizontal overflow, and on calendar pages every event entry whole (not cut, not
 * ellipsis-clipped, its company named). Every problem is printed with its viewport and page.
 */
import assert from "node:assert/strict";
import type { Page, Request } from "playwright-core";
import { buildTestApp } from "../helpers/app.ts";
import { DOWNLOAD_TYPES, downloadKind, routePattern, START_PAGES } from "../helpers/crawl.ts";
import { launchBrowser, SSE_PATH, type TestBrowser, watchProblems } from "./browser.ts";

const VIEWPORTS = [{ width: 1440, height: 900 }, { width: 390, height: 844 }];
/** Pages visited per route pattern beyond the start pages' own links. */
const PER_PATTERN = 3;
/** A crawl that runs away (a link generator) stops here, and fails. */
const MAX_PAGES = 400;
/** How long a page may keep requests open after `load` (the SSE stream aside). */
const SETTLE_MAX_MS = 15_000;

/** A page to check: a link to follow, or a GET form to submit on the page it is on. */
type Visit =
  & { url: string; from: string }
  & ({ kind: "link" } | { kind: "form"; page: string; index: number });

/** What one look at a loaded page finds (one round trip to the browser per page). */
interface Inspection {
  /** `document.documentElement.scrollWidth` and `innerWidth`. */
  width: { page: number; window: number };
  /** An HTML document (not a JSON or text answer shown by the browser). */
  html: boolean;
  /** `YYYY-MM-DD` dates in the visible text. */
  isoDates: string[];
  links: { href: string; download: boolean }[];
  /** Forms, with the URL each submits to as rendered (GET forms). */
  forms: { index: number; method: string; target: string }[];
}

/** Looks at the page: its width, its visible dates, its links and forms. */
function inspect(page: Page): Promise<Inspection> {
  return page.evaluate(() => {
    const submitterOf = (f: HTMLFormElement) =>
      f.querySelector<HTMLButtonElement | HTMLInputElement>(
        "button:not([type]), button[type=submit], input[type=submit]",
      ) ?? undefined;
    const html = document.contentType === "text/html";
    return {
      width: { page: document.documentElement.scrollWidth, window: globalThis.innerWidth },
      html,
      isoDates: html
        ? [...document.body.innerText.matchAll(/\b\d{4}-\d{2}-\d{2}\b/g)].map((m) => m[0])
        : [],
      links: [...document.querySelectorAll<HTMLAnchorElement>("a[href]")].map((a) => ({
        href: a.href,
        download: a.hasAttribute("download"),
      })),
      forms: [...document.forms].map((f, index) => {
        const u = new URL(f.action);
        const data = new FormData(f, submitterOf(f));
        u.search = new URLSearchParams(data as unknown as Record<string, string>).toString();
        return { index, method: f.method, target: u.href };
      }),
    };
  });
}

/** Submits the page's `index`-th form as rendered (its own submit button, no validation). */
function submitForm(page: Page, index: number): Promise<void> {
  return page.evaluate((i) => {
    const f = document.forms[i];
    f.noValidate = true;
    f.requestSubmit(
      f.querySelector<HTMLButtonElement | HTMLInputElement>(
        "button:not([type]), button[type=submit], input[type=submit]",
      ) ?? undefined,
    );
  }, index);
}

/** Calendar entries that are not whole: cut, ellipsis-clipped or without a company. */
function cutCalendarEntries(page: Page): Promise<{ checked: number; cut: string[] }> {
  return page.evaluate(() => {
    const shown = (el: Element) => el.getClientRects().length > 0;
    const cut: string[] = [];
    let checked = 0;
    for (const scope of document.querySelectorAll("#ipo-calendar, #ipo-agenda")) {
      if (!shown(scope)) continue;
      for (const ev of scope.querySelectorAll<HTMLElement>(".ipo-ev")) {
        if (!shown(ev)) continue;
        checked++;
        const text = ev.innerText.replace(/\s+/g, " ").trim();
        const name = ev.querySelector<HTMLElement>(".ipo-ev-name");
        const why: string[] = [];
        if (!name || !name.innerText.trim() || !shown(name)) why.push("no company name");
        for (const el of [ev, ...ev.querySelectorAll<HTMLElement>("*")]) {
          // (inline elements measure 0: their box, the entry, is measured instead)
          if (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight + 1) {
            const how = getComputedStyle(el).textOverflow === "ellipsis" ? "ellipsis" : "cut";
            why.push(
              `.${el.className} ${how}: ${el.scrollWidth}×${el.scrollHeight} content in ` +
                `${el.clientWidth}×${el.clientHeight}`,
            );
          }
        }
        const r = ev.getBoundingClientRect();
        if (r.left < 0 || r.right > document.documentElement.clientWidth) {
          why.push(`outside the window (${Math.round(r.left)}–${Math.round(r.right)} px)`);
        }
        if (why.length) cut.push(`"${text}" ${why.join(", ")}`);
      }
    }
    return { checked, cut };
  });
}

/** Requests a page still waits for (the SSE stream never finishes, so it does not count). */
function trackInflight(page: Page): Set<Request> {
  const inflight = new Set<Request>();
  page.on("request", (r) => {
    if (new URL(r.url()).pathname !== SSE_PATH) inflight.add(r);
  });
  page.on("requestfinished", (r) => inflight.delete(r));
  page.on("requestfailed", (r) => inflight.delete(r));
  return inflight;
}

/** Resolves after the page's next frame (when Preact has run the effects it scheduled). */
function nextFrame(page: Page): Promise<void> {
  return page.evaluate(() =>
    new Promise<void>((done) => {
      requestAnimationFrame(() => setTimeout(done, 0));
      setTimeout(done, 500); // a page the browser does not paint
    })
  );
}

/**
 * Waits until the page is done: no request open (the SSE stream aside) through a frame and
 * 50 ms more. A frame, because islands start work in effects Preact runs after the next
 * paint: a chart fetches its bars, then (a frame later) imports its drawing code.
 */
async function settle(page: Page, inflight: Set<Request>): Promise<string | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < SETTLE_MAX_MS) {
    await nextFrame(page);
    if (!inflight.size) {
      await page.waitForTimeout(50);
      if (!inflight.size) return null;
    } else await page.waitForTimeout(50);
  }
  return `requests still open after ${SETTLE_MAX_MS} ms: ${
    [...inflight].map((r) => r.url()).join(", ")
  }`;
}

interface CrawlStats {
  pages: number;
  forms: number;
  calendarEntries: number;
  patterns: Set<string>;
  ms: number;
}

Deno.test({
  name: "[e2e] browser crawl at 1440 and 390 px: no error, no failed request, no overflow",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await buildTestApp({ bundle: true });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    let browser: TestBrowser | undefined;
    try {
      browser = await launchBrowser();
      const context = browser.context;
      /** Downloads are the same at every width: each is fetched once. */
      const downloads = new Map<string, Promise<string | null>>();
      const fetchDownload = (url: string, kind: string | null): Promise<string | null> => {
        let p = downloads.get(url);
        if (!p) {
          p = context.request.get(base + url).then(async (res) => {
            const type = res.headers()["content-type"] ?? "";
            const size = (await res.body()).length;
            if (res.status() >= 400) return `HTTP ${res.status()}`;
            const want = kind ? DOWNLOAD_TYPES[kind] : /^(?!text\/html)\S/;
            if (!want.test(type)) return `content-type "${type}" for a ${kind ?? "file"}`;
            if (!size) return "empty file";
            return null;
          }, (e: Error) => `fetch failed: ${e.message}`);
          downloads.set(url, p);
        }
        return p;
      };

      const crawl = async (
        viewport: { width: number; height: number },
        problems: string[],
      ): Promise<CrawlStats> => {
        const t0 = performance.now();
        const page = await context.newPage();
        await page.setViewportSize(viewport);
        // Every page as a first visit (DevTools' "Disable cache"): all it loads comes from the
        // server and is checked. With the HTTP cache, a market answer older than its max-age
        // is shown from the cache while Chromium revalidates it in the background, and that
        // revalidation (answered 304) is never reported finished, then aborted on leaving.
        const cdp = await context.newCDPSession(page);
        await cdp.send("Network.enable");
        await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
        const vw = `@${viewport.width}`;
        let at = "(none)";
        const where = () => `${vw} ${at}`;
        const watched = watchProblems(page, { where, failedRequests: true });
        const inflight = trackInflight(page);
        const stats: CrawlStats = {
          pages: 0,
          forms: 0,
          calendarEntries: 0,
          patterns: new Set(),
          ms: 0,
        };
        const seen = new Set<string>();
        const perPattern = new Map<string, number>();
        const starts = new Set(START_PAGES);
        /** Queues `url` unless seen, or its pattern is full (links of start pages always go). */
        const admit = (key: string, url: string, always: boolean): boolean => {
          if (seen.has(url)) return false;
          const n = perPattern.get(key) ?? 0;
          if (!always && n >= PER_PATTERN) return false;
          perPattern.set(key, n + 1);
          seen.add(url);
          return true;
        };
        const queue: Visit[] = START_PAGES.map((url) => ({ url, from: "(start)", kind: "link" }));
        for (const url of START_PAGES) admit(routePattern(url), url, true);
        const pending: Promise<void>[] = [];

        while (queue.length) {
          if (stats.pages >= MAX_PAGES) {
            problems.push(`${vw}: the crawl ran past ${MAX_PAGES} pages (${queue.length} left)`);
            break;
          }
          const v = queue.shift()!;
          at = v.kind === "form" ? `${v.url} (form ${v.index} on ${v.page})` : v.url;
          try {
            if (v.kind === "form") {
              if (new URL(page.url()).pathname + new URL(page.url()).search !== v.page) {
                await page.goto(base + v.page, { waitUntil: "load" });
                await settle(page, inflight);
              }
              const target = new URL(base + v.url).href;
              await Promise.all([
                page.waitForURL((u) => u.href === target, { waitUntil: "load" }),
                submitForm(page, v.index),
              ]);
              stats.forms++;
            } else {
              const res = await page.goto(base + v.url, { waitUntil: "load" });
              if (!res) problems.push(`${where()}: no response`);
            }
          } catch (e) {
            const msg = (e as Error).message;
            if (/Download is starting/.test(msg)) {
              // a link that answers with a file: check it as one
              pending.push(
                fetchDownload(v.url, downloadKind(v.url)).then((p) => {
                  if (p) problems.push(`${vw} download ${v.url} (from ${v.from}): ${p}`);
                }),
              );
            } else problems.push(`${where()}: navigation failed: ${msg.split("\n")[0]}`);
            continue;
          }
          const open = await settle(page, inflight);
          if (open) problems.push(`${where()}: ${open}`);
          stats.pages++;
          stats.patterns.add(routePattern(v.url));
          const here = new URL(page.url());
          if (here.origin !== base) {
            problems.push(`${where()}: left the site for ${here.href}`);
            continue;
          }
          const look = await inspect(page);
          // Overflow: the page is never wider than the window.
          if (look.width.page > look.width.window) {
            problems.push(
              `${where()}: page is ${look.width.page}px wide in a ${look.width.window}px window`,
            );
          }
          if (here.pathname === "/ipo/calendar") {
            const { checked, cut } = await cutCalendarEntries(page);
            stats.calendarEntries += checked;
            for (const c of cut) problems.push(`${where()}: calendar entry cut: ${c}`);
          }
          if (!look.html) continue;
          // Dates are shown as 2026.11.19 (the API reference documents the JSON format).
          if (look.isoDates.length && here.pathname !== "/api/docs") {
            problems.push(`${where()}: ISO dates in the text: ${look.isoDates.join(", ")}`);
          }

          // What to visit next.
          const fromStart = v.kind === "link" && starts.has(v.url);
          const { links, forms } = look;
          for (const { href, download } of links) {
            const u = new URL(href);
            if (u.origin !== base) continue; // external (DART viewer, homepages)
            const url = u.pathname + u.search;
            const kind = downloadKind(url);
            if (kind || download) {
              if (seen.has(url)) continue;
              seen.add(url);
              pending.push(
                fetchDownload(url, kind).then((p) => {
                  if (p) problems.push(`${vw} download ${url} (from ${v.url}): ${p}`);
                }),
              );
            } else if (admit(routePattern(url), url, fromStart)) {
              queue.push({ url, from: v.url, kind: "link" });
            }
          }
          const pageUrl = here.pathname + here.search;
          for (const f of forms) {
            const u = new URL(f.target);
            if (f.method !== "get" || u.origin !== base) continue;
            const url = u.pathname + u.search;
            if (admit(`form ${routePattern(url)}`, url, fromStart)) {
              queue.push({ url, from: v.url, kind: "form", page: pageUrl, index: f.index });
            }
          }
        }
        await Promise.all(pending);
        problems.push(...watched);
        await page.close();
        stats.ms = Math.round(performance.now() - t0);
        return stats;
      };

      const t0 = performance.now();
      const problems: string[] = [];
      const results = await Promise.all(VIEWPORTS.map((v) => crawl(v, problems)));
      const ms = Math.round(performance.now() - t0);
      for (const [i, s] of results.entries()) {
        // deno-lint-ignore no-console
        console.log(
          `crawl @${VIEWPORTS[i].width}: ${s.pages} pages (${s.forms} form submissions, ` +
            `${s.patterns.size} route patterns, ${s.calendarEntries} calendar entries) ` +
            `in ${s.ms} ms`,
        );
      }
      // deno-lint-ignore no-console
      console.log(`crawl: ${downloads.size} downloads checked; both widths in ${ms} ms`);
      assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join("\n")}`);

      // The crawl saw what it is about (so it cannot pass by seeing little).
      for (const [i, s] of results.entries()) {
        const vw = `@${VIEWPORTS[i].width}`;
        for (
          const p of [
            "/company/:corp",
            "/stock/:code",
            "/ipo/:id",
            "/ipo?view=table",
            "/ipo/calendar?month",
            "/market?date",
            "/api/docs",
          ]
        ) assert.ok(s.patterns.has(p), `${vw}: the crawl reached no ${p}`);
        assert.ok(s.pages >= 100, `${vw}: only ${s.pages} pages`);
        assert.ok(s.forms >= 3, `${vw}: only ${s.forms} forms submitted`);
        assert.ok(s.calendarEntries >= 10, `${vw}: only ${s.calendarEntries} calendar entries`);
      }
      assert.ok(
        [...downloads.keys()].filter((u) => u.endsWith(".xlsx") || u.includes(".xlsx?")).length >=
          2,
        "the crawl fetched the Excel exports",
      );
    } finally {
      await browser?.close();
      await server.shutdown();
      await t.close();
    }
  },
});
