/**
 * Launches the system Chromium through playwright-core for browser tests: headless, no
 * sandbox, no background networking, a fresh temporary profile that is deleted on close.
 *
 * @module
 */
import { type BrowserContext, chromium, type Page, type Request } from "playwright-core";

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** The flags every browser test runs with. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A running browser context and how to dispose of it. */
export interface TestBrowser {
  context: BrowserContext;
  /** Closes the browser and deletes its temporary profile. */
  close(): Promise<void>;
}

/** Throws a clear error when Chromium is not installed. */
export async function assertChromium(path = CHROMIUM_PATH): Promise<void> {
  try {
    const info = await Deno.stat(path);
    if (info.isFile || info.isSymlink) return;
  } catch {
    // fall through
  }
  throw new Error(
    `Chromium not found at ${path}. Install it with \`apt-get install -y chromium\` ` +
      "(the test task installs it) and run the browser tests again.",
  );
}

/** Options of {@link watchProblems}. */
export interface WatchOptions {
  /** Prefixes every problem with where it happened (say, the viewport and page URL). */
  where?: () => string;
  /** Also records failed requests (`requestfailed`), except {@link isSseAbort}. */
  failedRequests?: boolean;
}

/** The live-price stream (lib/live/browser_feed.ts). */
export const SSE_PATH = "/api/v1/stream/prices";

/**
 * The one request failure that is not a problem: the long-lived live-price SSE stream,
 * which never finishes by itself, aborted because the page navigated away.
 */
export function isSseAbort(req: Request): boolean {
  return new URL(req.url()).pathname === SSE_PATH &&
    req.failure()?.errorText === "net::ERR_ABORTED";
}

/**
 * Collects what went wrong on a page while a test drives it: uncaught errors, console
 * errors and responses ≥ 400 (and, with `failedRequests`, requests that failed). A test
 * ends with `assert.deepEqual(problems, [])`.
 */
export function watchProblems(page: Page, opts: WatchOptions = {}): string[] {
  const problems: string[] = [];
  const add = (p: string) => problems.push(opts.where ? `${opts.where()}: ${p}` : p);
  page.on("pageerror", (e) => add(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") add(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) add(`HTTP ${r.status()}: ${r.url()}`);
  });
  if (opts.failedRequests) {
    page.on("requestfailed", (r) => {
      if (!isSseAbort(r)) add(`failed request: ${r.url()} (${r.failure()?.errorText})`);
    });
  }
  return problems;
}

/** Launches Chromium with a fresh user-data-dir. */
export async function launchBrowser(
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<TestBrowser> {
  await assertChromium();
  const profile = await Deno.makeTempDir({ prefix: "kdesk-chromium-" });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: opts.viewport ?? { width: 1280, height: 900 },
      locale: "ko-KR",
      timezoneId: "Asia/Seoul",
    });
  } catch (err) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw err;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        await Deno.remove(profile, { recursive: true }).catch(() => {});
      }
    },
  };
}
