/**
 * The incremental DART poll, driven directly (no cron minute): new and amended filings
 * refresh exactly the affected companies, through the real queue, idempotently.
 */
import assert from "node:assert/strict";
import { dartPoll, runScheduled } from "../cron/handlers.ts";
import { enqueue } from "../lib/jobs/runtime.ts";
import { getDisclosure } from "../lib/store/companies.ts";
import { keys } from "../lib/store/keys.ts";
import { getCompanySnapshot } from "../lib/store/snapshots.ts";
import { queueStats } from "../lib/store/jobs.ts";
import { listIssues } from "../lib/store/quality.ts";
import { SAMPLE_CORP_CODES } from "../sample/dart_sample.ts";
import { jobsRig } from "./jobs_rig_test.ts";

const NEW_CORP = "00387461"; // 세온모빌리티
const AMENDED_CORP = "01358027"; // 누리바이오
const ORIGINAL = "20250320002134"; // 누리바이오 사업보고서 (2024.12)

async function builtAt(kv: Deno.Kv): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const c of SAMPLE_CORP_CODES) m.set(c, (await getCompanySnapshot(kv, c))!.built_at);
  return m;
}

Deno.test("[jobs] a poll with one new and one amended filing refreshes exactly those two companies", async () => {
  const r = await jobsRig();
  try {
    r.listen();
    // Baseline: nothing new in the window yet.
    const first = await runScheduled(r.ctx, "dart_poll", "manual");
    assert.equal(first.status, "SUCCEEDED", JSON.stringify(first));
    assert.equal(first.enqueued, 0);
    assert.ok(first.api_calls >= 1);
    const before = await builtAt(r.kv);
    await new Promise((res) => setTimeout(res, 5)); // built_at has ms resolution

    r.dataset.filings.push({
      corp_code: NEW_CORP,
      corp_name: "세온모빌리티",
      stock_code: "204320",
      corp_cls: "Y",
      report_nm: "주요사항보고서(자기주식취득결정)",
      rcept_no: "20261120000101",
      flr_nm: "세온모빌리티",
      rcept_dt: "20261120",
      rm: "유",
    }, {
      corp_code: AMENDED_CORP,
      corp_name: "누리바이오",
      stock_code: "389470",
      corp_cls: "K",
      report_nm: "[기재정정]사업보고서 (2024.12)",
      rcept_no: "20261120000102",
      flr_nm: "누리바이오",
      rcept_dt: "20261120",
      rm: "연",
    });
    const callsBefore = r.fake.calls.length;
    const run = await runScheduled(r.ctx, "dart_poll", "manual");
    assert.equal(run.status, "SUCCEEDED", JSON.stringify(run));
    assert.equal(run.enqueued, 2);
    assert.equal(run.counts.new, 2);
    await r.drain();

    const after = await builtAt(r.kv);
    const rebuilt = SAMPLE_CORP_CODES.filter((c) => after.get(c) !== before.get(c));
    assert.deepEqual(rebuilt.sort(), [NEW_CORP, AMENDED_CORP].sort());
    // Only those two companies were fetched by the refreshes.
    const corpsCalled = new Set(
      r.fake.calls.slice(callsBefore).map((u) => u.searchParams.get("corp_code")).filter(Boolean),
    );
    assert.deepEqual([...corpsCalled].sort(), [NEW_CORP, AMENDED_CORP].sort());

    const original = await getDisclosure(r.kv, ORIGINAL);
    assert.equal(original?.superseded, true);
    const snapB = await getCompanySnapshot(r.kv, AMENDED_CORP);
    assert.ok(snapB!.disclosures.some((d) => d.rcept_no === "20261120000102"));
    assert.ok(!snapB!.disclosures.some((d) => d.rcept_no === ORIGINAL));
    const snapA = await getCompanySnapshot(r.kv, NEW_CORP);
    assert.equal(snapA!.disclosures[0].rcept_no, "20261120000101");

    // Polling again finds nothing new: no refresh, no snapshot change.
    const again = await runScheduled(r.ctx, "dart_poll", "manual");
    assert.equal(again.enqueued, 0);
    assert.equal(again.counts.new + again.counts.changed, 0);
    await r.drain();
    assert.deepEqual(await builtAt(r.kv), after);
    const q = await queueStats(r.kv);
    assert.equal(q.processed, 2);
    assert.equal(q.dead, 0);
  } finally {
    await r.close();
  }
});

Deno.test("[jobs] a duplicated message changes nothing twice", async () => {
  const r = await jobsRig();
  try {
    r.listen();
    const job = {
      kind: "refresh_company" as const,
      corp_code: NEW_CORP,
      reason: "test",
      key: `refresh:${NEW_CORP}:v1`,
      run_id: null,
    };
    await enqueue(r.ctx, [job]);
    await r.drain();
    const built = (await getCompanySnapshot(r.kv, NEW_CORP))!.built_at;
    const calls = r.fake.calls.length;
    await enqueue(r.ctx, [job, job]);
    await r.drain();
    assert.equal((await getCompanySnapshot(r.kv, NEW_CORP))!.built_at, built);
    assert.equal(r.fake.calls.length, calls, "no source call for a processed key");
    assert.ok((await r.kv.get(keys.jobDone(job.key))).value);
    assert.equal((await queueStats(r.kv)).processed, 3);
  } finally {
    await r.close();
  }
});

Deno.test("[jobs] the poll cursor persists and the window starts at the last polled day", async () => {
  const r = await jobsRig();
  try {
    await r.kv.set(keys.syncState("dart", "poll_cursor"), { last_day: "20261110", at: "x" });
    const run = await runScheduled(r.ctx, "dart_poll", "manual");
    assert.equal(run.detail?.window, "20261110..20261120");
    assert.ok(run.counts.fetched >= 1, "the 2026-11-10 filing is in the window");
    const cur = await r.kv.get<{ last_day: string }>(keys.syncState("dart", "poll_cursor"));
    assert.equal(cur.value?.last_day, "20261120");
    assert.equal(typeof dartPoll, "function");
  } finally {
    await r.close();
  }
});

Deno.test("[jobs] a changed list.json shape raises SCHEMA_CHANGED and the run is PARTIAL", async () => {
  const r = await jobsRig();
  try {
    // First poll registers the schema (a filing is in the window so rows are seen).
    await r.kv.set(keys.syncState("dart", "poll_cursor"), { last_day: "20261110", at: "x" });
    const ok = await runScheduled(r.ctx, "dart_poll", "manual");
    assert.equal(ok.status, "SUCCEEDED");
    // DART adds a field to every row.
    const row = r.dataset.filings.find((f) => f.rcept_dt === "20261110")!;
    const body = JSON.stringify({
      status: "000",
      message: "정상",
      page_no: 1,
      page_count: 100,
      total_count: 1,
      total_page: 1,
      list: [{ ...row, pblntf_ty: undefined, pblntf_detail_ty: undefined, new_flag: "N" }],
    });
    r.fake.setFault("list.json", { kind: "body", body });
    await r.kv.set(keys.syncState("dart", "poll_cursor"), { last_day: "20261110", at: "x" });
    const run = await runScheduled(r.ctx, "dart_poll", "manual");
    assert.equal(run.status, "PARTIAL", JSON.stringify(run));
    const issues = await listIssues(r.kv, { run_id: run.id });
    assert.equal(issues.length, 1);
    assert.equal(issues[0].code, "SCHEMA_CHANGED");
    assert.equal(issues[0].severity, "WARN");
    assert.match(issues[0].message, /added: list\[\]\.new_flag/);
    // Same new shape again: registered now, no second issue.
    await r.kv.set(keys.syncState("dart", "poll_cursor"), { last_day: "20261110", at: "x" });
    const next = await runScheduled(r.ctx, "dart_poll", "manual");
    assert.equal(next.status, "SUCCEEDED");
  } finally {
    await r.close();
  }
});
