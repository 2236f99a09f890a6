/**
 * Live mode end to end: `main.ts` in a subprocess with DART, KRX (OpenAPI + data.krx login)
 * and admin keys, every source's base URL on a loopback fake (tests/helpers/live_boot.ts).
 * It must boot, register every schedule with the real `Deno.cron`, run the start-up pass
 * (corp master, health, poll, KIND, KRX catch-up), serve what it collected, build a company
 * snapshot on request from the fake's data, and report every source healthy.
 */
import assert from "node:assert/strict";
import { SCHEDULES } from "../cron/schedules.ts";
import { bootLive, LIVE_CORP } from "./helpers/live_boot.ts";
import { buildSampleDataset } from "../sample/dart_sample.ts";
import { buildKindSampleDataset } from "../sample/kind_sample.ts";

interface Run {
  job: string;
  trigger: string;
  status: string;
  counts: { fetched: number; new: number; changed: number; failed: number };
  api_calls: number;
  error: string | null;
}

Deno.test({
  name: "[live] main.ts boots with keys against fake DART/KIND/KRX and serves collected data",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const boot = await bootLive();
    try {
      const get = async (path: string) => {
        const r = await fetch(`${boot.origin}${path}`);
        const text = await r.text();
        return { status: r.status, text, json: () => JSON.parse(text) };
      };

      // Boots in live mode.
      const health = await get("/health");
      assert.equal(health.status, 200);
      assert.deepEqual(health.json(), { status: "ok", sample: false });
      assert.equal(boot.logs().find((l) => l.msg === "kdesk ready")?.mode, "live DART");

      // Every schedule registered with Deno.cron, and listed active.
      const registered = boot.logs().find((l) => l.msg === "schedules registered");
      assert.equal(registered?.count, SCHEDULES.length, "every schedule registered");
      const schedules = (await get("/api/ops/schedules")).json().schedules as {
        name: string;
        active: boolean;
      }[];
      assert.deepEqual(
        schedules.filter((s) => !s.active).map((s) => s.name),
        [],
        "all schedules active",
      );

      // The start-up pass: corp master (first start), health, poll, KIND, KRX catch-up.
      const startup = await boot.waitLog((l) => l.msg === "start-up runs", "start-up runs", 60_000);
      assert.deepEqual(startup.runs, [
        "dart_corp_master:SUCCEEDED",
        "source_health:SUCCEEDED",
        "dart_poll:SUCCEEDED",
        "kind_ipo:SUCCEEDED",
        "krx_daily:SUCCEEDED",
      ]);
      const runs = (await get("/api/ops/runs?limit=20")).json().runs as Run[];
      const run = (job: string) => runs.find((r) => r.job === job && r.trigger === "startup")!;
      const dataset = buildSampleDataset();
      assert.equal(run("dart_corp_master").counts.new, dataset.corps.length);
      assert.equal(run("dart_poll").counts.new, 2, "the two filings of yesterday and today");
      assert.equal(run("source_health").api_calls, 3, "one probe call per source");
      const deals = (await get("/api/v1/ipo/pipeline?limit=1")).json().total;
      assert.ok(deals >= buildKindSampleDataset().offerings.length, "every KIND offering a deal");
      assert.equal(run("kind_ipo").counts.fetched, deals);
      assert.ok(run("krx_daily").counts.new > 0, "KRX bars stored");
      assert.deepEqual((await get("/api/ops/issues")).json().issues, []);

      // It called the fakes (and nothing else could have answered).
      const dartEndpoints = new Set(boot.dart.calls.map((u) => u.pathname.split("/").pop()));
      for (const ep of ["corpCode.xml", "list.json"]) assert.ok(dartEndpoints.has(ep), ep);
      assert.ok(boot.kind.calls.some((c) => c.url.pathname.endsWith("pubofrprogcom.do")));
      assert.ok(boot.krx.callsOf("stk_bydd_trd").length > 0, "KRX daily trades");
      assert.ok(boot.krx.callsOf("login").length > 0, "data.krx login for flows");

      // What it collected is served.
      const disclosures = (await get("/api/dart/disclosures?limit=5")).json().items as {
        rcept_no: string;
      }[];
      assert.match(disclosures[0].rcept_no, /^\d{8}000902$/, "today's amended filing first");
      const pipeline = await get("/api/v1/ipo/pipeline?limit=100");
      assert.equal(pipeline.status, 200);
      assert.equal(pipeline.json().sample, false);
      assert.ok(pipeline.json().total > 0, "IPO board built from KIND");
      const indices = (await get(`/api/v1/market/indices?date=${boot.krxDay}`)).json();
      assert.equal(indices.date, boot.krxDay);
      assert.ok(indices.items.length > 0, "KRX indices of the catch-up day");
      for (const page of ["/", "/ipo", "/market", "/ops"]) {
        assert.equal((await get(page)).status, 200, page);
      }

      // A company snapshot, built on request from the fake's company.json and statements
      // (세온모빌리티: untouched by the poll, so nothing built it before).
      const corp = "00387461";
      assert.notEqual(corp, LIVE_CORP);
      const before = boot.dart.calls.length;
      const snap = await get(`/api/v1/company/snapshot?corp_code=${corp}`);
      assert.equal(snap.status, 200, snap.text);
      const s = snap.json();
      assert.equal(s.sample, false);
      assert.equal(s.profile.corp_name, dataset.companies[corp].corp_name);
      assert.equal(s.profile.stock_code, dataset.companies[corp].stock_code);
      assert.ok(s.financials.years.length > 0, "statements from fnlttSinglAcnt");
      assert.deepEqual(s.missing_sections, []);
      assert.ok(
        boot.dart.calls.slice(before).some((u) => u.pathname.endsWith("company.json")),
        "built from the fake's company.json",
      );
      // The poll's refresh_company message built the polled company's snapshot.
      const polled = await get(`/api/v1/company/snapshot?corp_code=${LIVE_CORP}`);
      assert.equal(polled.status, 200);
      assert.match(polled.json().disclosures[0].rcept_no, /^\d{8}000902$/);

      // Sources healthy.
      const sources = (await get("/health/sources")).json();
      assert.equal(sources.status, "ok");
      for (const name of ["dart", "kind", "krx"]) {
        const src = sources.sources.find((x: { source: string }) => x.source === name);
        assert.ok(src?.configured && src.ok, `${name}: ${JSON.stringify(src)}`);
      }

      // No error lines in the whole boot.
      const errors = boot.logs().filter((l) => l.level === "error");
      assert.deepEqual(errors, []);
    } finally {
      await boot.stop();
      await boot.cleanup();
    }
  },
});
