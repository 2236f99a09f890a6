/**
 * No queue message is lost across a worker crash: a worker subprocess on a file KV is
 * killed (SIGKILL) while it handles messages; a restarted worker processes every message
 * (the ones that were in flight, too: their "running" deadline expires and they are requeued).
 */
import assert from "node:assert/strict";
import { keys } from "../lib/store/keys.ts";
import { enqueueJobs, queueStats } from "../lib/store/jobs.ts";
import { getCompanySnapshot } from "../lib/store/snapshots.ts";
import { buildSampleDataset, SAMPLE_AS_OF, SAMPLE_CORP_CODES } from "../sample/dart_sample.ts";
import { startFakeDart } from "./fake/dart_server.ts";
import { KEY, waitFor } from "./jobs_rig_test.ts";

function worker(kvPath: string, dartUrl: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cron/worker.ts"],
    env: {
      KDESK_KV_PATH: kvPath,
      KDESK_SAMPLE: "off",
      DART_API_KEY: KEY,
      DART_BASE_URL: dartUrl,
      HTTP_RETRIES: "0",
      LOG_LEVEL: "error",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

Deno.test("[jobs] messages survive a killed worker and are all processed after a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kdesk-restart-" });
  const kvPath = `${dir}/kv.sqlite`;
  const fake = await startFakeDart({
    dataset: { ...buildSampleDataset(), apiKey: KEY },
    today: () => SAMPLE_AS_OF.replaceAll("-", ""),
    faults: { "company.json": { kind: "delay", ms: 700 } },
  });
  const corps = SAMPLE_CORP_CODES.slice(0, 4);
  let a: Deno.ChildProcess | null = null, b: Deno.ChildProcess | null = null;
  try {
    const kv = await Deno.openKv(kvPath);
    await enqueueJobs(
      kv,
      corps.map((c) => ({
        kind: "refresh_company" as const,
        corp_code: c,
        reason: "test",
        key: `refresh:${c}:restart`,
        run_id: null,
      })),
      { backoffSchedule: [200, 400] },
    );
    kv.close();

    a = worker(kvPath, fake.url);
    await waitFor(
      () => fake.calls.some((u) => u.pathname.endsWith("/company.json")),
      30_000,
      "first worker to start a message",
    );
    a.kill("SIGKILL");
    await a.status;
    a = null;
    const seenByFirst = fake.calls.length;
    // KV marks a dequeued message "running" with a 5 s deadline that its process keeps
    // extending; a new process requeues expired ones when it opens the store (and every
    // 60 s after). A supervisor restarting the worker a few seconds later is the case here.
    await new Promise((r) => setTimeout(r, 7000));

    b = worker(kvPath, fake.url);
    const check = await Deno.openKv(kvPath);
    try {
      await waitFor(
        async () => {
          const got = await check.getMany(corps.map((c) => keys.jobDone(`refresh:${c}:restart`)));
          return got.every((g) => g.versionstamp !== null);
        },
        60_000,
        "every message processed by the restarted worker",
      );
      for (const c of corps) assert.ok(await getCompanySnapshot(check, c), `snapshot ${c}`);
      const q = await queueStats(check);
      assert.equal(q.dead, 0);
      assert.equal(q.depth, 0);
      assert.ok(fake.calls.length > seenByFirst, "the second worker did the remaining work");
    } finally {
      check.close();
    }
  } finally {
    for (const p of [a, b]) {
      if (!p) continue;
      try {
        p.kill("SIGKILL");
      } catch {
        // already gone
      }
      await p.status;
    }
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});
