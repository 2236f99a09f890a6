/**
 * /api/dart/*: disclosure search (corp, dates, type, text, paging), one filing with its
 * amendment chain, stats per day and type, and the admin backfill through the queue.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import type { Disclosure } from "../lib/etl/schemas.ts";
import { getRun } from "../lib/store/runs.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { createApp } from "../routes/app.ts";
import { jobsRig } from "./jobs_rig_test.ts";

const TOKEN = "dart-api-admin-token-0123456789abcdef";

Deno.test("[dart api] search, detail with chain, stats, validation", async () => {
  const r = await jobsRig();
  const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "on" });
  const snapshots = new SnapshotCache(r.kv);
  const app = createApp({ kv: r.kv, config, snapshots, islandBundle: null, jobs: r.ctx });
  const json = async (p: string) => {
    const res = await app.request(p);
    assert.equal(res.status, 200, `${p}: ${res.status}`);
    return await res.json();
  };
  try {
    const all = await json("/api/dart/disclosures?limit=500&from=2020-01-01");
    assert.ok(all.items.length > 20);
    assert.ok(all.items.every((d: Disclosure) => !d.superseded), "latest versions by default");
    const dates = all.items.map((d: Disclosure) => d.rcept_dt);
    assert.deepEqual(dates, [...dates].sort().reverse(), "newest first");

    const byCorp = await json("/api/dart/disclosures?corp_code=01358027&type=사업보고서&limit=50");
    assert.ok(byCorp.items.length >= 1);
    assert.ok(
      byCorp.items.every((d: Disclosure) =>
        d.corp_code === "01358027" && d.base_name.startsWith("사업보고서")
      ),
    );
    const versions = await json(
      "/api/dart/disclosures?corp_code=01358027&type=사업보고서&all_versions=true&limit=50",
    );
    assert.ok(versions.items.length > byCorp.items.length, "amended originals included");

    const text = await json("/api/dart/disclosures?q=누리바이오&from=2025-01-01&to=2025-12-31");
    assert.ok(text.items.length >= 1);
    assert.ok(
      text.items.every((d: Disclosure) =>
        d.corp_name.includes("누리바이오") && d.rcept_dt >= "2025-01-01" &&
        d.rcept_dt <= "2025-12-31"
      ),
    );

    // Paging with the cursor gives the same rows as one big page.
    const p1 = await json("/api/dart/disclosures?limit=5&from=2020-01-01");
    assert.ok(p1.cursor);
    const p2 = await json(`/api/dart/disclosures?limit=5&from=2020-01-01&cursor=${p1.cursor}`);
    assert.deepEqual(
      [...p1.items, ...p2.items].map((d: Disclosure) => d.rcept_no),
      all.items.slice(0, 10).map((d: Disclosure) => d.rcept_no),
    );

    const amended = versions.items.find((d: Disclosure) => d.chain.length > 1);
    assert.ok(amended, "the sample has an amendment chain");
    const detail = await json(`/api/dart/disclosures/${amended.rcept_no}`);
    assert.equal(detail.disclosure.rcept_no, amended.rcept_no);
    assert.deepEqual(detail.chain.map((d: Disclosure) => d.rcept_no), amended.chain);
    assert.equal((await app.request("/api/dart/disclosures/20990101000000")).status, 404);
    assert.equal((await app.request("/api/dart/disclosures/123")).status, 400);

    const stats = await json("/api/dart/stats?from=2026-08-23&to=2026-11-20");
    const inRange = all.items.filter((d: Disclosure) =>
      d.rcept_dt >= "2026-08-23" && d.rcept_dt <= "2026-11-20"
    ).length;
    assert.equal(
      stats.by_day.reduce((a: number, d: { latest: number }) => a + d.latest, 0),
      inRange,
    );
    assert.equal(
      stats.by_type.reduce((a: number, t: { count: number }) => a + t.count, 0),
      stats.total,
    );
    const bad = await app.request("/api/dart/stats?from=2020-01-01&to=2026-01-01");
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).detail, /at most 92 days/);
    assert.equal((await app.request("/api/dart/disclosures?from=2026-13-01")).status, 400);
  } finally {
    await snapshots.close();
    await r.close();
  }
});

Deno.test("[dart api] an admin backfill enqueues one message per 3-month window and collects them", async () => {
  const r = await jobsRig({ sample: false });
  const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "on", ADMIN_TOKEN: TOKEN });
  const snapshots = new SnapshotCache(r.kv);
  const app = createApp({ kv: r.kv, config, snapshots, islandBundle: null, jobs: r.ctx });
  try {
    r.listen();
    const res = await app.request("/api/dart/admin/backfill", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ from: "2025-01-01", to: "2025-12-31" }),
    });
    assert.equal(res.status, 202);
    const { run_id, enqueued } = await res.json();
    assert.equal(enqueued, 4);
    await r.drain();
    const run = await getRun(r.kv, run_id);
    const expected = r.dataset.filings.filter((f) => f.rcept_dt.startsWith("2025")).length;
    assert.equal(run?.counts.fetched, expected);
    assert.equal(run?.counts.new, expected);
    assert.equal(run?.status, "SUCCEEDED");
    assert.deepEqual(run?.progress, { total: 4, enqueued: 4, done: 4, failed: 0 });
    assert.ok((run?.api_calls ?? 0) >= 4);
    const listed = await (await app.request(
      "/api/dart/disclosures?from=2025-01-01&to=2025-12-31&all_versions=true&limit=500",
    )).json();
    assert.equal(listed.items.length, expected);
    const notJson = await app.request("/api/dart/admin/backfill", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: "nope",
    });
    assert.equal(notJson.status, 415, "text/plain is not JSON");
    await notJson.body?.cancel();
    const noBody = await app.request("/api/dart/admin/backfill", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: "nope",
    });
    assert.equal(noBody.status, 400);
  } finally {
    await snapshots.close();
    await r.close();
  }
});
