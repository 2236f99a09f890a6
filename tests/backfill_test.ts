/**
 * `deno task backfill` as a subprocess against a fake OpenDART on 127.0.0.1: killed midway
 * and restarted it ends with the same stored disclosures as an uninterrupted run, resumes
 * instead of starting over, and never spends more calls than the configured quota.
 */
import assert from "node:assert/strict";
import { progressLine } from "../scripts/backfill.ts";
import type { Disclosure } from "../lib/etl/schemas.ts";
import { keys } from "../lib/store/keys.ts";
import { buildSampleDataset, SAMPLE_AS_OF } from "../sample/dart_sample.ts";
import { type FakeDart, startFakeDart } from "./fake/dart_server.ts";
import { KEY } from "./jobs_rig_test.ts";

const FROM = "2022-01-01", TO = "2026-11-20";

function backfill(
  kvPath: string,
  dartUrl: string,
  env: Record<string, string> = {},
  reserve = "0",
) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "scripts/backfill.ts",
      "--source",
      "dart",
      "--from",
      FROM,
      "--to",
      TO,
      "--page-count",
      "10",
      "--reserve",
      reserve,
    ],
    env: {
      KDESK_KV_PATH: kvPath,
      DART_API_KEY: KEY,
      DART_BASE_URL: dartUrl,
      HTTP_RETRIES: "0",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function fake(onRequest?: (n: number) => void): Promise<FakeDart> {
  return await startFakeDart({
    dataset: { ...buildSampleDataset(), apiKey: KEY },
    today: () => SAMPLE_AS_OF.replaceAll("-", ""),
    onRequest: (_u, n) => onRequest?.(n),
  });
}

async function stored(path: string): Promise<unknown[]> {
  const kv = await Deno.openKv(path);
  try {
    const out: unknown[] = [];
    for await (const e of kv.list<Disclosure>({ prefix: keys.disclosureByDatePrefix() })) {
      const d = e.value;
      const [primary, byCorp] = await kv.getMany([
        keys.disclosure(d.rcept_no),
        keys.disclosureByCorp(d.corp_code, d.rcept_no),
      ]);
      out.push([e.key, d, primary.value, byCorp.value]);
    }
    return out;
  } finally {
    kv.close();
  }
}

Deno.test("[backfill] killed midway and restarted, it stores exactly what an uninterrupted run stores", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kdesk-backfill-" });
  try {
    // Uninterrupted.
    const f1 = await fake();
    const full = backfill(`${dir}/full.sqlite`, f1.url);
    const out1 = await full.output();
    await f1.close();
    const err1 = new TextDecoder().decode(out1.stderr);
    assert.equal(out1.code, 0, err1);
    const sum1 = JSON.parse(new TextDecoder().decode(out1.stdout).trim());
    assert.equal(sum1.outcome, "done");
    assert.ok(sum1.fetched >= 183, JSON.stringify(sum1));
    assert.match(err1, /window \d+\/\d+ page/);
    assert.match(err1, /ETA/);
    const fullCalls = f1.calls.length;
    assert.equal(sum1.calls, fullCalls);

    // Killed at the 12th request.
    let child: Deno.ChildProcess | null = null;
    const f2 = await fake((n) => {
      if (n === 12) child?.kill("SIGKILL");
    });
    child = backfill(`${dir}/resumed.sqlite`, f2.url);
    const killed = await child.output();
    assert.notEqual(killed.code, 0, "the first run was killed");
    assert.ok(f2.calls.length >= 12 && f2.calls.length < fullCalls);
    // Restarted: resumes from the cursor and finishes.
    const before = f2.calls.length;
    const again = await backfill(`${dir}/resumed.sqlite`, f2.url).output();
    await f2.close();
    assert.equal(again.code, 0, new TextDecoder().decode(again.stderr));
    const sum2 = JSON.parse(new TextDecoder().decode(again.stdout).trim());
    assert.equal(sum2.outcome, "done");
    const resumedCalls = f2.calls.length - before;
    assert.ok(resumedCalls < fullCalls - 5, `resumed (${resumedCalls} calls), not restarted`);
    assert.ok(resumedCalls + 11 >= fullCalls, "every page was still collected");

    assert.deepEqual(await stored(`${dir}/resumed.sqlite`), await stored(`${dir}/full.sqlite`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[backfill] never spends more than the configured quota, and resumes nothing until it resets", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kdesk-backfill-quota-" });
  const f = await fake();
  try {
    const env = { DART_DAILY_QUOTA: "7" };
    const r1 = await backfill(`${dir}/kv.sqlite`, f.url, env).output();
    const err = new TextDecoder().decode(r1.stderr);
    assert.equal(r1.code, 3, err);
    assert.match(err, /stopped before the quota \(7\/7 used today/);
    assert.equal(f.calls.length, 7, "exactly the quota, never more");
    const sum = JSON.parse(new TextDecoder().decode(r1.stdout).trim());
    assert.equal(sum.outcome, "quota");
    assert.equal(sum.calls, 7);
    assert.ok(!err.includes(KEY) && !new TextDecoder().decode(r1.stdout).includes(KEY));

    const r2 = await backfill(`${dir}/kv.sqlite`, f.url, env).output();
    assert.equal(r2.code, 3);
    assert.equal(f.calls.length, 7, "no call once the quota is used up");

    // A reserve keeps calls back for the scheduled jobs.
    const at = f.calls.length;
    const r3 = await backfill(`${dir}/kv2.sqlite`, f.url, env, "3").output();
    assert.equal(r3.code, 3);
    assert.equal(f.calls.length - at, 4, "quota 7 minus reserve 3");
  } finally {
    await f.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[backfill] the progress line shows bar, window, page, counts and ETA", () => {
  const line = progressLine({
    cursor: {
      source: "dart",
      from: "20220101",
      to: "20221231",
      windows: [["20220101", "20220331"], ["20220401", "20220630"]],
      window: 1,
      page: 3,
      window_pages: 4,
      calls: 9,
      fetched: 812,
      new: 800,
      changed: 12,
      done: false,
      started_at: "",
      updated_at: "",
    },
    fraction: 0.75,
    elapsedMs: 30_000,
    etaMs: 10_000,
  }, 20);
  assert.equal(
    line,
    "[###############-----]  75.0%  window 2/2 page 3/4  calls 9  rows 812 (new 800, changed 12)  ETA 10s",
  );
});
