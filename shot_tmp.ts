import { chromium } from "playwright-core";
const dir = await Deno.makeTempDir();
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--headless","--no-sandbox","--disable-gpu","--disable-quic","--no-first-run","--disable-background-networking","--disable-component-update","--disable-sync"],
  viewport: { width: 1280, height: 900 },
});
const page = await ctx.newPage();
for (const [name, path] of Deno.args.map((a) => a.split("="))) {
  await page.goto(`http://127.0.0.1:8123${path}`, { waitUntil: "networkidle" });
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/tmp/kd/${name}.png`, fullPage: true });
}
await ctx.close();
