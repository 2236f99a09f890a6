/**
 * In sample mode the IPO pages count D-days from the sample's as-of day (the jobs context's
 * clock), so badges agree with the stages the sample shows; a live context counts from now.
 */
import assert from "node:assert/strict";
import { parse } from "node-html-parser";
import { loadConfig } from "../config.ts";
import { sampleJobsContext } from "../lib/jobs/context.ts";
import { loadSampleData } from "../lib/etl/sample.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { createApp } from "../routes/app.ts";

Deno.test("[ipo pages] sample mode: D-day badges count from the sample's as-of day", async () => {
  const kv = await Deno.openKv(":memory:");
  const snapshots = new SnapshotCache(kv);
  try {
    await loadSampleData(kv);
    const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "on" });
    const app = createApp({
      kv,
      config,
      snapshots,
      islandBundle: null,
      jobs: sampleJobsContext(kv),
    });
    const html = await (await app.request("/ipo")).text();
    const badges = parse(html).querySelectorAll(".ipo-dday").map((b) => b.text.trim());
    assert.ok(badges.length > 0, "the board shows D-day badges");
    // 에이스테크 lists on 2026-11-25: five days after the sample's 2026-11-20.
    const listing = parse(html).querySelectorAll(".ipo-dday")
      .find((b) => b.getAttribute("title")?.endsWith("2026-11-25"));
    assert.ok(listing, `a badge for 2026-11-25 among ${badges.join(", ")}`);
    assert.match(listing.text, /D-5$/);
  } finally {
    await snapshots.close();
    kv.close();
  }
});
