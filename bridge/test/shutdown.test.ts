/**
 * The bridge process on SIGTERM/SIGINT (`node --import tsx src/main.ts`, as kdesk starts
 * it): with Kiwoom keys it revokes its token (au10002) once and exits 0, also when the
 * revoke fails; the simulator revokes nothing. Secrets never reach its log.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, test } from "node:test";
import { FakeKiwoom, until } from "./fake_kiwoom.ts";

const INGEST_TOKEN = "ingest-secret-shutdown-1";
let fake: FakeKiwoom;
let kdesk: ReturnType<typeof createServer>;
let kdeskUrl = "";

before(async () => {
  fake = await FakeKiwoom.start();
  // A minimal kdesk: accepts every batch, serves no code list (BRIDGE_CODES is fixed).
  kdesk = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.statusCode = 202;
      res.end('{"accepted":0,"ticks":0,"books":0,"last_seq":0,"duplicate":false}');
    });
  });
  await new Promise<void>((r) => kdesk.listen(0, "127.0.0.1", r));
  kdeskUrl = `http://127.0.0.1:${(kdesk.address() as AddressInfo).port}`;
});
beforeEach(() => {
  fake.revokes = [];
  fake.revokeStatus = 200;
  fake.dropAll();
});
after(async () => {
  await fake.close();
  await new Promise<void>((r) => kdesk.close(() => r()));
});

interface Run {
  child: ChildProcess;
  log: () => string;
  exit: Promise<number | null>;
}

function startBridge(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
    cwd: new URL("..", import.meta.url).pathname,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      KDESK_URL: kdeskUrl,
      INGEST_TOKEN,
      BRIDGE_CODES: "005930",
      LOG_LEVEL: "debug",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr!.on("data", (d) => (log += d));
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, log: () => log, exit };
}

const withKeys = () => ({
  KIWOOM_APP_KEY: fake.appKey,
  KIWOOM_SECRET_KEY: fake.secretKey,
  KIWOOM_REST_URL: fake.restBase,
  KIWOOM_WS_URL: fake.wsUrl,
});

function assertNoSecrets(log: string): void {
  assert.ok(!log.includes(fake.appKey), "app key not logged");
  assert.ok(!log.includes(fake.secretKey), "secret key not logged");
  assert.ok(!log.includes(INGEST_TOKEN), "ingest token not logged");
  for (const t of fake.tokensEver) assert.ok(!log.includes(t), "Kiwoom token not logged");
}

test("SIGTERM with Kiwoom keys: one revoke of the issued token, then exit 0", async () => {
  const issued = fake.tokensEver.length;
  const run = startBridge(withKeys());
  await until(() => run.log().includes("kiwoom logged in"), 15_000, "bridge login");
  assert.equal(fake.tokensEver.length, issued + 1);
  const token = fake.tokensEver.at(-1)!;
  run.child.kill("SIGTERM");
  assert.equal(await run.exit, 0);
  assert.equal(fake.revokes.length, 1, run.log());
  assert.deepEqual(fake.revokes[0].body, {
    appkey: fake.appKey,
    secretkey: fake.secretKey,
    token,
  });
  assert.equal(fake.revokes[0].headers["api-id"], "au10002");
  assert.ok(run.log().includes("kiwoom token revoked"));
  assertNoSecrets(run.log());
});

test("SIGINT with a failing revoke (HTTP 500): a warning, still exit 0", async () => {
  fake.revokeStatus = 500;
  const run = startBridge(withKeys());
  await until(() => run.log().includes("kiwoom logged in"), 15_000, "bridge login");
  run.child.kill("SIGINT");
  assert.equal(await run.exit, 0);
  assert.equal(fake.revokes.length, 1);
  const warn = run.log().split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((l) =>
    l.msg === "kiwoom token revoke failed"
  );
  assert.equal(warn?.level, "warn");
  assert.equal(warn?.status, 500);
  assertNoSecrets(run.log());
});

test("the simulator (no keys, or --simulate with keys) revokes nothing", async () => {
  const issued = fake.tokensEver.length;
  for (
    const env of [
      { KIWOOM_REST_URL: fake.restBase, KIWOOM_WS_URL: fake.wsUrl },
      { ...withKeys(), BRIDGE_SIMULATE: "1" },
    ]
  ) {
    const run = startBridge({ ...env, BRIDGE_IGNORE_SESSIONS: "1" });
    await until(() => run.log().includes('"mode":"simulator"'), 15_000, "simulator start");
    run.child.kill("SIGTERM");
    assert.equal(await run.exit, 0);
    assertNoSecrets(run.log());
  }
  assert.equal(fake.tokensEver.length, issued, "no token issued");
  assert.equal(fake.revokes.length, 0, "no revoke call");
});
