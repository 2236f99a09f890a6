/**
 * Data-quality checks and run status: WARN-only runs are PARTIAL, a run with an ERROR is
 * FAILED (also when the ERROR comes from a queue message after the run finished); each
 * check on crafted data; the daily collection.
 */
import assert from "node:assert/strict";
import { runScheduled } from "../cron/handlers.ts";
import { normalizeListItem } from "../lib/etl/normalize.ts";
import type { Financials } from "../lib/etl/schemas.ts";
import {
  checkCorpMaster,
  checkDataGaps,
  checkDisclosureVolume,
  checkFinancialTotals,
  responseFields,
} from "../lib/jobs/quality.ts";
import { withRun } from "../lib/jobs/runtime.ts";
import { upsertDisclosures } from "../lib/store/companies.ts";
import { listIssues } from "../lib/store/quality.ts";
import { getRun } from "../lib/store/runs.ts";
import { getCompanySnapshot } from "../lib/store/snapshots.ts";
import { jobsRig } from "./jobs_rig_test.ts";

function filing(corp: string, rcept: string, stock = "") {
  return normalizeListItem({
    corp_code: corp,
    corp_name: `회사${corp}`,
    stock_code: stock,
    corp_cls: "K",
    report_nm: "주요사항보고서(자기주식취득결정)",
    rcept_no: rcept,
    flr_nm: "x",
    rcept_dt: rcept.slice(0, 8),
    rm: "",
  });
}

Deno.test("[quality] WARN only → PARTIAL; any ERROR → FAILED; a thrown error → FAILED", async () => {
  const r = await jobsRig({ sample: false });
  try {
    const warn = await withRun(r.ctx, { job: "t", source: "dart", trigger: "manual" }, (s) => {
      s.issues.push({
        code: "X",
        severity: "WARN",
        source: "dart",
        subject: "a",
        message: "m",
        run_id: null,
      });
      return Promise.resolve();
    });
    assert.equal(warn.status, "PARTIAL");
    assert.deepEqual(warn.issues, { ERROR: 0, WARN: 1 });
    const err = await withRun(r.ctx, { job: "t", source: "dart", trigger: "manual" }, (s) => {
      s.issues.push({
        code: "X",
        severity: "WARN",
        source: "dart",
        subject: "a",
        message: "m",
        run_id: null,
      });
      s.issues.push({
        code: "Y",
        severity: "ERROR",
        source: "dart",
        subject: "b",
        message: "m",
        run_id: null,
      });
      return Promise.resolve();
    });
    assert.equal(err.status, "FAILED");
    const ok = await withRun(
      r.ctx,
      { job: "t", source: "dart", trigger: "manual" },
      () => Promise.resolve(),
    );
    assert.equal(ok.status, "SUCCEEDED");
    const thrown = await withRun(r.ctx, { job: "t", source: "dart", trigger: "manual" }, () => {
      throw new Error("boom crtfc_key=SECRETSECRET");
    });
    assert.equal(thrown.status, "FAILED");
    assert.match(thrown.error ?? "", /boom crtfc_key=\*\*\*/);
    assert.equal((await listIssues(r.kv, { run_id: err.id })).length, 2);
  } finally {
    await r.close();
  }
});

Deno.test("[quality] weekly financials: statements whose totals do not add up make the run FAILED", async () => {
  const r = await jobsRig();
  try {
    r.listen();
    const clean = await runScheduled(r.ctx, "dart_financials_weekly", "manual");
    assert.equal(clean.enqueued, 8);
    await r.drain(60_000);
    assert.equal((await getRun(r.kv, clean.id))?.status, "SUCCEEDED");
    assert.equal((await getRun(r.kv, clean.id))?.issues.ERROR, 0);
    assert.ok(((await getRun(r.kv, clean.id))?.api_calls ?? 0) > 8, "refresh calls are counted");

    const row = r.dataset.singleAcnt["00912345|2025|11011"]
      .find((x) => x.fs_div === "CFS" && x.account_nm === "자산총계")!;
    row.thstrm_amount = "1,000,000,000";
    const base = r.ctx.now();
    r.ctx.now = () => new Date(base.getTime() + 7 * 86400_000); // next week
    const bad = await runScheduled(r.ctx, "dart_financials_weekly", "manual");
    await r.drain(60_000);
    const done = await getRun(r.kv, bad.id);
    assert.equal(done?.status, "FAILED");
    const issues = await listIssues(r.kv, { run_id: bad.id });
    assert.ok(issues.length >= 1);
    assert.ok(issues.every((i) => i.code === "FS_TOTALS_MISMATCH" && i.subject === "00912345"));
    assert.match(issues[0].message, /자산총계 1000000000/);
  } finally {
    await r.close();
  }
});

Deno.test("[quality] checks: totals, volume vs weekday average, corp master, gaps, schema fields", async () => {
  const r = await jobsRig();
  try {
    const fin: Financials = {
      corp_code: "00000001",
      bsns_year: "2025",
      reprt_code: "11011",
      fs_div: "CFS",
      rcept_no: "20260301000001",
      currency: "KRW",
      scope: "full",
      lines: [
        ["ifrs-full_Assets", "자산총계", 1_000_000_000],
        ["ifrs-full_Liabilities", "부채총계", 400_000_000],
        ["ifrs-full_Equity", "자본총계", 600_000_000],
      ].map(([id, nm, v], i) => ({
        sj_div: "BS" as const,
        account_id: id as string,
        account_nm: nm as string,
        account_detail: null,
        ord: i,
        thstrm: v as number,
        frmtrm: null,
        bfefrmtrm: null,
        thstrm_add: null,
      })),
    };
    assert.deepEqual(checkFinancialTotals(fin, null), []);
    fin.lines[2].thstrm = 500_000_000;
    assert.equal(checkFinancialTotals(fin, "r")[0].severity, "ERROR");

    // Four previous Wednesdays with 10 filings, this Wednesday with 2 (dates far from the
    // sample data).
    const items = [];
    for (const day of ["20291205", "20291212", "20291219", "20291226"]) {
      for (let i = 0; i < 10; i++) {
        items.push(filing("09000001", `${day}9${String(i).padStart(5, "0")}`));
      }
    }
    items.push(filing("09000001", "20300102900001"), filing("09000001", "20300102900002"));
    await upsertDisclosures(r.kv, items);
    const low = await checkDisclosureVolume(r.kv, "2030-01-02", null);
    assert.equal(low.length, 1);
    assert.equal(low[0].code, "DISCLOSURE_VOLUME_LOW");
    assert.match(low[0].message, /2 disclosures on 2030-01-02, expected about 10/);
    assert.deepEqual(await checkDisclosureVolume(r.kv, "2029-12-26", null), []);

    const orphan = filing("09999999", "20261111900003", "999990");
    const known = filing("00912345", "20261111900004", "112340");
    const missing = await checkCorpMaster(r.kv, [orphan, known], null);
    assert.deepEqual(missing.map((i) => i.subject), ["09999999"]);

    const gaps = await checkDataGaps(r.kv, "2029-12-31", "2030-01-06", null);
    assert.equal(gaps.length, 1);
    assert.match(
      gaps[0].message,
      /^4 weekday\(s\) without disclosures: 2029-12-31, 2030-01-01, 2030-01-03, 2030-01-04/,
    );

    assert.deepEqual(
      responseFields(
        new TextEncoder().encode('{"status":"000","message":"정상","list":[{"a":"1"},{"b":"2"}]}'),
      ),
      ["list[]", "list[].a", "list[].b", "message", "status"],
    );
    assert.equal(responseFields(new TextEncoder().encode('{"status":"013","message":"x"}')), null);
  } finally {
    await r.close();
  }
});

Deno.test("[quality] the daily collection stores the day's filings and rebuilds affected snapshots", async () => {
  const r = await jobsRig();
  try {
    r.listen();
    const filed = r.dataset.filings.find((f) => f.rcept_dt === "20261110")!;
    const before = (await getCompanySnapshot(r.kv, filed.corp_code))!.built_at;
    // A new filing that day for the same company.
    r.dataset.filings.push({
      ...filed,
      rcept_no: "20261110009999",
      report_nm: "기타경영사항(자율공시)",
    });
    await new Promise((res) => setTimeout(res, 5));
    const calls = r.fake.calls.length;
    const run = await runScheduled(r.ctx, "dart_daily", "manual", { day: "2026-11-10" });
    assert.equal(run.counts.new, 1);
    assert.equal(run.enqueued, 1);
    await r.drain();
    const snap = await getCompanySnapshot(r.kv, filed.corp_code);
    assert.notEqual(snap!.built_at, before);
    assert.ok(snap!.disclosures.some((d) => d.rcept_no === "20261110009999"));
    assert.equal(r.fake.calls.length - calls, run.api_calls, "rebuilds make no source calls");
    assert.equal(run.detail?.day, "20261110");
  } finally {
    await r.close();
  }
});
