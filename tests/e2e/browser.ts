/**
 * Launches the system Chromium through playwright-core for browser tests: headless, no
 * sandbox, no background networking, a fresh temporary profile that is deleted on close.
 *
 * @module
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";

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

/**
 * Starts collecting what a page did wrong: uncaught errors, console errors and responses
 * with status ≥ 400. Returns the (live) list; assert it is empty at the end.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}
