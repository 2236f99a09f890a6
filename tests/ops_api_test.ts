/**
 * The ops API against the real queue: a handler that fails three times lands in the
 * dead-letter list, an admin retry succeeds once the fake source recovers, drops work, and
 * admin routes refuse missing/wrong tokens, are disabled without ADMIN_TOKEN, and are
 * rate-limited. Also the /ops page and manual runs.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { enqueue } from "../lib/jobs/runtime.ts";
import { keys } from "../lib/store/keys.ts";
import { listDeadLetters, queueStats } from "../lib/store/jobs.ts";
import { getRun } from "../lib/store/runs.ts";
import { getCompanySnapshot } from "../lib/store/snapshots.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { createApp } from "../routes/app.ts";
import { type JobsRig, jobsRig, waitFor } from "./jobs_rig_test.ts";

const TOKEN = "ops-admin-token-for-tests-0123456789";
const CORP = "00387461";

function app(r: JobsRig, token: string | null = TOKEN) {
  const config = loadConfig({
    KDESK_KV_PATH: ":memory:",
    KDESK_SAMPLE: "on",
    ...(token ? { ADMIN_TOKEN: token } : {}),
  });
  const snapshots = new SnapshotCache(r.kv);
  const a = createApp({ kv: r.kv, config, snapshots, islandBundle: null, jobs: r.ctx });
  return {
    req: (path: string, init: RequestInit = {}) => a.request(path, init),
    admin: (path: string, init: RequestInit = {}) =>
      a.request(path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      }),
    close: () => snapshots.close(),
  };
}

const companyCalls = (r: JobsRig) =>
  r.fake.calls.filter((u) =>
    u.pathname.endsWith("/company.json") && u.searchParams.get("corp_code") === CORP
  )
    .length;

Deno.test("[ops] a message failing 3 times is dead-lettered; an admin retry succeeds after recovery", async () => {
  const r = await jobsRig();
  const http = app(r);
  try {
    r.listen();
    r.fake.setFault("company.json", { kind: "status", status: 500 });
    const [msg] = await enqueue(r.ctx, [{
      kind: "refresh_company",
      corp_code: CORP,
      reason: "test",
      key: `refresh:${CORP}:dl`,
      run_id: null,
    }]);
    await waitFor(async () => (await listDeadLetters(r.kv)).length === 1, 15_000, "dead letter");
    assert.equal(companyCalls(r), 3, "1 try + 2 retries");
    const listed = await (await http.req("/api/ops/dead-letters")).json();
    assert.equal(listed.dead_letters.length, 1);
    assert.equal(listed.dead_letters[0].id, msg.id);
    assert.equal(listed.dead_letters[0].message.key, `refresh:${CORP}:dl`);
    assert.equal(listed.queue.depth, 0);
    assert.equal(listed.queue.dead, 1);
    assert.equal((await r.kv.get(keys.jobDone(msg.key))).versionstamp, null);

    // Not without the token, not with a wrong one.
    const anon = await http.req(`/api/ops/dead-letters/${msg.id}/retry`, { method: "POST" });
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get("content-type"), "application/problem+json; charset=utf-8");
    const wrong = await http.req(`/api/ops/dead-letters/${msg.id}/retry`, {
      method: "POST",
      headers: { authorization: "Bearer nope" },
    });
    assert.equal(wrong.status, 403);
    assert.ok(!(await wrong.text()).includes(TOKEN));

    r.fake.setFault("company.json", null); // the source recovers
    const ok = await http.admin(`/api/ops/dead-letters/${msg.id}/retry`, { method: "POST" });
    assert.equal(ok.status, 202);
    await r.drain();
    assert.equal((await listDeadLetters(r.kv)).length, 0);
    assert.ok((await r.kv.get(keys.jobDone(msg.key))).value);
    const snap = await getCompanySnapshot(r.kv, CORP);
    assert.equal(snap?.source_status.dart.ok, true);
    assert.equal(snap?.partial, false);
    assert.equal(companyCalls(r), 4);
    // Retrying again: nothing to retry.
    const gone = await http.admin(`/api/ops/dead-letters/${msg.id}/retry`, { method: "POST" });
    assert.equal(gone.status, 404);

    // A dead letter can also be dropped.
    r.fake.setFault("company.json", { kind: "status", status: 500 });
    const [m2] = await enqueue(r.ctx, [{
      kind: "refresh_company",
      corp_code: CORP,
      reason: "test",
      key: `refresh:${CORP}:drop`,
      run_id: null,
    }]);
    await waitFor(async () => (await listDeadLetters(r.kv)).length === 1, 15_000, "dead letter 2");
    const dropped = await http.admin(`/api/ops/dead-letters/${m2.id}`, { method: "DELETE" });
    assert.equal(dropped.status, 200);
    assert.equal((await listDeadLetters(r.kv)).length, 0);
    const q = await queueStats(r.kv);
    assert.equal(q.depth, 0);
    assert.equal(q.dropped, 1);
  } finally {
    await http.close();
    await r.close();
  }
});

Deno.test("[ops] admin routes: disabled without ADMIN_TOKEN; failed attempts throttled", async () => {
  const r = await jobsRig({ sample: false });
  const off = app(r, null);
  const on = app(r, "another-token-for-rate-limit-tests-xyz");
  try {
    const res = await off.req("/api/dart/admin/run", {
      method: "POST",
      headers: { authorization: "Bearer whatever" },
      body: JSON.stringify({ job: "dart_poll" }),
    });
    assert.equal(res.status, 403);
    assert.match((await res.json()).detail, /disabled: set ADMIN_TOKEN/);

    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const x = await on.req("/api/dart/admin/run", {
        method: "POST",
        headers: { authorization: "Bearer wrong" },
        body: "{}",
      });
      statuses.push(x.status);
      await x.body?.cancel();
    }
    assert.equal(statuses.filter((s) => s === 403).length, 10, "10 failures a minute");
    assert.equal(statuses.at(-1), 429);
  } finally {
    await off.close();
    await on.close();
    await r.close();
  }
});

Deno.test("[ops] a manual run through the admin API is recorded and listed; /ops renders it", async () => {
  const r = await jobsRig();
  const http = app(r);
  try {
    const bad = await http.admin("/api/dart/admin/run", {
      method: "POST",
      body: JSON.stringify({ job: "nope" }),
    });
    assert.equal(bad.status, 400);
    const kind = await http.admin("/api/dart/admin/run", {
      method: "POST",
      body: JSON.stringify({ job: "kind_ipo" }),
    });
    assert.equal(kind.status, 409);

    const res = await http.admin("/api/dart/admin/run", {
      method: "POST",
      body: JSON.stringify({ job: "dart_poll" }),
    });
    assert.equal(res.status, 202);
    const { run_id } = await res.json();
    await waitFor(async () => !!(await getRun(r.kv, run_id))?.finished_at, 10_000, "run");
    const runs = (await (await http.req("/api/ops/runs?job=dart_poll")).json()).runs;
    assert.equal(runs[0].id, run_id);
    assert.equal(runs[0].trigger, "manual");
    assert.equal(runs[0].status, "SUCCEEDED");
    assert.equal((await (await http.req("/api/ops/runs?status=FAILED")).json()).runs.length, 0);
    assert.equal((await http.req("/api/ops/runs?status=BOGUS")).status, 400);

    const page = await http.req("/ops?job=dart_poll");
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes(`data-run="${run_id}"`));
    assert.match(html, new RegExp(`data-run="${run_id}"[\\s\\S]*?<td title="manual">수동</td>`));
    assert.ok(html.includes("dart_poll_day"));
    assert.ok(html.includes("*/5 0-10 * * MON-FRI"));
    const schedules = (await (await http.req("/api/ops/schedules")).json()).schedules;
    assert.equal(schedules.length, 12); // incl. dart_corp_master_weekly, exports_sweep, krx_catchup
    assert.ok(schedules.every((s: { next: string }) => Date.parse(s.next) > Date.now()));
  } finally {
    await http.close();
    await r.close();
  }
});
