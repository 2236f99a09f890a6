/**
 * A KRX backfill survives `kill -9`: a backfill process (tests/helpers/krx_backfill_worker.ts:
 * `startKrxBackfill` + the queue listener, on a sqlite KV file, against the fake KRX on
 * loopback) is SIGKILLed at seeded random points — during start-up and enqueueing, and at
 * random request counts while days are collected — restarted after each kill and let finish.
 * Its stored days (status, cross-sections, series, indices, instruments, flows), quality
 * issues and run record (counts, calls, issues, progress, status) must equal an uninterrupted
 * run's, with no dead letter and an empty queue.
 *
 * Also two backfills of the same range at once: no dead letter, every day stored once, and
 * every row counted once over both runs.
 */
import assert from "node:assert/strict";
import { listIssues } from "../lib/store/quality.ts";
import { listDeadLetters, queueStats } from "../lib/store/jobs.ts";
import {
  getBars,
  getDay,
  getDayStatus,
  getFlows,
  getIndexBars,
  listIndices,
  listInstruments,
} from "../lib/store/market.ts";
import { listRuns } from "../lib/store/runs.ts";
import { KRX_MARKETS } from "../lib/market/model.ts";
import { tradingDaysBetween } from "../lib/market/sessions.ts";
import { startFakeKrx } from "./fake/krx_server.ts";
import {
  INDEX_ROWS,
  KRX_TEST_KEY,
  KRX_TEST_LOGIN,
  krxTestInstruments,
  krxTestMarket,
  seededRandom,
} from "./helpers/krx_days.ts";
import { KEY as DART_KEY } from "./jobs_rig_test.ts";

const FROM = "2026-09-01", TO = "2026-10-16";
const DAYS = tradingDaysBetween(FROM, TO);
const BAD = [DAYS[3], DAYS[17]];
const LOW = [DAYS[9]];
const dataset = () => krxTestMarket(DAYS, { badOhlc: BAD, lowCoverage: LOW });

function worker(kvPath: string, fake: { url: string; apiUrl: string }, runs = 1) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tests/helpers/krx_backfill_worker.ts",
      "--from",
      FROM,
      "--to",
      TO,
      "--runs",
      String(runs),
    ],
    env: {
      KDESK_KV_PATH: kvPath,
      KDESK_SAMPLE: "off",
      DART_API_KEY: DART_KEY,
      DART_BASE_URL: "http://127.0.0.1:9/api",
      KRX_API_KEY: KRX_TEST_KEY,
      KRX_BASE_URL: fake.apiUrl,
      KRX_ID: KRX_TEST_LOGIN.id,
      KRX_PW: KRX_TEST_LOGIN.pw,
      DATA_KRX_BASE_URL: fake.url,
      HTTP_RETRIES: "0",
      LOG_LEVEL: "error",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs a worker to its end; returns its exit code and output. */
async function finish(p: Deno.ChildProcess, timeoutMs: number) {
  const timer = setTimeout(() => {
    try {
      p.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, timeoutMs);
  const out = await p.output();
  clearTimeout(timer);
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything a backfill leaves in the store, without ids and clock times. */
async function stored(path: string) {
  const kv = await Deno.openKv(path);
  try {
    const statuses = [];
    const cross = [];
    for (const d of DAYS) {
      const s = await getDayStatus(kv, d);
      statuses.push(s && { ...s, collected_at: undefined, run_id: undefined });
      for (const m of KRX_MARKETS) cross.push([d, m, await getDay(kv, d, m)]);
    }
    const series = [];
    for (const i of krxTestInstruments()) {
      series.push([i.code, await getBars(kv, i.code, FROM, TO)]);
    }
    const indices = [];
    for (const ix of await listIndices(kv)) {
      indices.push([ix, await getIndexBars(kv, ix.index_code, FROM, TO)]);
    }
    const instruments = (await listInstruments(kv)).map((i) => ({ ...i, updated_at: undefined }));
    const flows = [];
    for (const m of KRX_MARKETS) flows.push(await getFlows(kv, m, FROM, TO));
    const runs = [];
    const issues = [];
    for (const r of await listRuns(kv, { job: "krx_backfill", limit: 100 })) {
      const { id: _id, started_at: _s, finished_at: _f, ...rest } = r;
      runs.push(rest);
      issues.push(
        (await listIssues(kv, { run_id: r.id, limit: 1000 }))
          .map((i) => `${i.severity} ${i.code} ${i.subject} ${i.message}`)
          .sort(),
      );
    }
    return {
      data: { statuses, cross, series, indices, instruments, flows },
      runs,
      issues,
      dead: (await listDeadLetters(kv, 1000)).length,
      queue: await queueStats(kv),
    };
  } finally {
    kv.close();
  }
}

Deno.test("[krx backfill] kill -9 at seeded random points, restart: the same data, issues and counts as a clean run, no dead letter", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kdesk-krx-restart-" });
  const clean = await startFakeKrx({
    dataset: dataset(),
    apiKey: KRX_TEST_KEY,
    login: KRX_TEST_LOGIN,
  });
  const killed = await startFakeKrx({
    dataset: dataset(),
    apiKey: KRX_TEST_KEY,
    login: KRX_TEST_LOGIN,
  });
  const rand = seededRandom(20261122);
  try {
    // Uninterrupted.
    const c = await finish(worker(`${dir}/clean.sqlite`, clean), 180_000);
    assert.equal(c.code, 0, c.stderr);
    const want = await stored(`${dir}/clean.sqlite`);
    const calls = clean.calls.filter((x) => x.name !== "login" && x.name !== "loginPage").length;
    assert.equal(calls, DAYS.length * 12, "every day collected once");

    // Killed: once at a random moment of start-up, then at seeded random points spread over
    // the collection (request counts of the fake KRX).
    const path = `${dir}/killed.sqlite`;
    const kills: string[] = [];
    const points = [rand(), rand(), rand()].sort().map((r) => Math.floor(calls * (0.05 + 0.9 * r)));
    for (let k = 0; k < 4; k++) {
      const p = worker(path, killed);
      const status = p.status;
      let exited = false;
      status.then(() => (exited = true));
      if (k === 0) await sleep(300 + Math.floor(rand() * 1200));
      else {
        const at = Math.max(points[k - 1], killed.calls.length + 1);
        const t0 = Date.now();
        while (!exited && killed.calls.length < at && Date.now() - t0 < 60_000) await sleep(5);
      }
      if (!exited) {
        p.kill("SIGKILL");
        kills.push(`kill ${k + 1} at request ${killed.calls.length}`);
      }
      await status;
      await p.stdout.cancel().catch(() => {});
      await p.stderr.cancel().catch(() => {});
      // A killed process's in-flight messages come back once their 5 s deadline passes.
      await sleep(6_000);
    }
    assert.ok(kills.length >= 3, `killed at least 3 times: ${kills.join("; ")}`);
    const last = await finish(worker(path, killed), 180_000);
    assert.equal(last.code, 0, last.stderr);
    const got = await stored(path);

    assert.equal(got.dead, 0, "no dead letter");
    assert.equal(got.queue.depth, 0);
    assert.equal(got.queue.processed, got.queue.enqueued, JSON.stringify(got.queue));
    assert.equal(got.runs.length, 1, "one run, resumed");
    assert.deepEqual(got.issues, want.issues, "quality issues");
    assert.deepEqual(got.runs, want.runs, `run counts and status (${kills.join("; ")})`);
    assert.deepEqual(got.data, want.data, "stored data");

    // …and the clean run is what the dataset says.
    const [run] = want.runs;
    const n = DAYS.length, bars = 30 * n - 2 * LOW.length;
    assert.equal(run.status, "FAILED", "two OHLC_INVALID ERRORs");
    assert.deepEqual(run.issues, { ERROR: BAD.length, WARN: LOW.length });
    assert.deepEqual(run.counts, {
      fetched: bars + 30 * n + INDEX_ROWS * n + 3 * n,
      new: bars + 30 + INDEX_ROWS * n + 3 * n,
      changed: 0,
      failed: 0,
    });
    assert.equal(run.api_calls, 12 * n);
    assert.equal(want.dead, 0);
  } finally {
    await clean.close();
    await killed.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[krx backfill] two overlapping backfills of one range: no dead letter, each day stored once, each row counted once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kdesk-krx-overlap-" });
  const fake = await startFakeKrx({
    dataset: dataset(),
    apiKey: KRX_TEST_KEY,
    login: KRX_TEST_LOGIN,
  });
  try {
    const r = await finish(worker(`${dir}/kv.sqlite`, fake, 2), 240_000);
    assert.equal(r.code, 0, r.stderr);
    const got = await stored(`${dir}/kv.sqlite`);
    assert.equal(got.dead, 0, "no dead letter");
    assert.equal(got.queue.depth, 0);
    assert.equal(got.runs.length, 2);
    const n = DAYS.length, bars = 30 * n - 2 * LOW.length;
    // Every day stored once: each instrument's series has each of its days exactly once.
    for (const [code, list] of got.data.series as [string, { date: string }[]][]) {
      const dates = list.map((b) => b.date);
      assert.equal(new Set(dates).size, dates.length, `${code}: a day twice`);
      const missing = code === "100000" || code === "100010" ? LOW.length : 0;
      assert.equal(dates.length, n - missing, `${code}: every day`);
    }
    for (const s of got.data.statuses) assert.equal(s?.holiday, false);
    const total = (k: "new" | "changed") => got.runs.reduce((a, x) => a + x.counts[k], 0);
    assert.equal(
      total("new"),
      bars + 30 + INDEX_ROWS * n + 3 * n,
      "every row counted new once overall",
    );
    assert.equal(total("changed"), 0);
    for (const run of got.runs) {
      assert.deepEqual(run.issues, { ERROR: BAD.length, WARN: LOW.length }, "issues once per run");
      assert.equal(run.status, "FAILED");
    }
    for (const list of got.issues) assert.equal(list.length, BAD.length + LOW.length);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});
