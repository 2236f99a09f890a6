/**
 * The Kiwoom client against the fake Kiwoom server: LOGIN before REG, a two-tick REAL
 * frame, PING echo, reconnect with re-REG after a dropped connection, SYSTEM notices, and
 * the token revoke (au10002) on stop().
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import type { OrderBook, Tick } from "../../lib/live/types.ts";
import { KiwoomClient, kiwoomCode, parseExpires } from "../src/kiwoom.ts";
import { configureLog } from "../src/log.ts";
import { FakeKiwoom, until } from "./fake_kiwoom.ts";

const lines: string[] = [];
configureLog({ level: "debug", sink: (l) => lines.push(l) });

let fake: FakeKiwoom;
let client: KiwoomClient | null = null;
let ticks: Tick[] = [];
let books: OrderBook[] = [];
let systems: { code: string; message: string }[] = [];
let states: string[] = [];

function newClient(
  backoff = { minMs: 30, maxMs: 200 },
  revokeTimeoutMs?: number,
): KiwoomClient {
  client = new KiwoomClient({
    revokeTimeoutMs,
    restBase: fake.restBase,
    wsUrl: fake.wsUrl,
    appKey: fake.appKey,
    secretKey: fake.secretKey,
    onTicks: (t) => ticks.push(...t),
    onBooks: (b) => books.push(...b),
    onSystem: (s) => systems.push(s),
    onState: (s) => states.push(s),
    backoff,
  });
  return client;
}

before(async () => {
  fake = await FakeKiwoom.start();
});
beforeEach(async () => {
  await client?.stop();
  client = null;
  fake.dropAll();
  fake.received = [];
  fake.conns = [];
  fake.rejectedBeforeLogin = 0;
  fake.revokes = [];
  fake.revokeStatus = 200;
  fake.revokeDelayMs = 0;
  fake.tokenDelayMs = 0;
  ticks = [];
  books = [];
  systems = [];
  states = [];
});
after(async () => {
  await client?.stop();
  await fake.close();
});

// Values from kiwoom.md §3.4/§3.9 (doc 0B example + the live capture's sign conventions).
const entry = (item: string, time: string, price: string, vol: string) => ({
  values: {
    "20": time,
    "10": price,
    "11": "-50",
    "12": "-0.24",
    "27": "-20800",
    "28": "-20750",
    "15": vol,
    "13": "1134",
    "14": "24",
    "16": "20850",
    "17": "+20900",
    "18": "-20700",
    "25": "5",
    "1315": " 0",
    "9081": "KRX",
  },
  type: "0B",
  name: "주식체결",
  item,
});

test("LOGIN is sent first and REG only after the LOGIN ack", async () => {
  fake.loginAckDelayMs = 150;
  const c = newClient();
  c.setCodes(["402760", "0091A0"]);
  c.start();
  await until(() => fake.regs().length > 0, 5000, "REG");
  const conn = fake.conns.at(-1)!;
  const first = fake.received.find((r) => r.conn === conn.id)!;
  assert.equal(first.msg?.trnm, "LOGIN");
  assert.equal(
    first.msg?.token,
    fake.tokensIssued.at(-1),
    "bare token, no 'Bearer '",
  );
  const reg = fake.received.find((r) => r.conn === conn.id && r.msg?.trnm === "REG")!;
  assert.ok(reg.at >= conn.loginAckAt!, "REG after the LOGIN ack");
  assert.equal(fake.rejectedBeforeLogin, 0, "nothing was sent before the ack");
  assert.deepEqual(reg.msg, {
    trnm: "REG",
    grp_no: "1",
    refresh: "1",
    data: [{ item: ["402760", "0091A0"], type: ["0B", "0D"] }],
  });
  // A code added later is registered on the live socket, a dropped one removed.
  c.setCodes(["402760", "005930"]);
  await until(
    () => fake.received.some((r) => r.msg?.trnm === "REMOVE"),
    2000,
    "REMOVE",
  );
  const regs = fake.regs(conn.id);
  assert.deepEqual((regs.at(-1)!.data as { item: string[] }[])[0].item, [
    "005930",
  ]);
  const rm = fake.received.find((r) => r.msg?.trnm === "REMOVE")!.msg!;
  assert.deepEqual((rm.data as { item: string[] }[])[0].item, ["0091A0"]);
  fake.loginAckDelayMs = 80;
});

test("a REAL frame with two ticks yields two normalized ticks; 0D yields a book", async () => {
  const c = newClient();
  c.setCodes(["005930"]);
  c.start();
  await until(() => c.loggedIn && fake.regs().length > 0, 5000, "login");
  fake.sendReal([
    entry("005930", "115618", "-20800", "+19"),
    entry("005930", "115619", "-20750", "-7"),
  ]);
  await until(() => ticks.length === 2, 2000, "two ticks");
  assert.equal(ticks[0].code, "005930");
  assert.equal(ticks[0].price, 20800, "direction prefix stripped");
  assert.equal(ticks[0].change, -50);
  assert.equal(ticks[0].change_rate, -0.24);
  assert.equal(ticks[0].side, "buy");
  assert.equal(ticks[0].volume, 19);
  assert.equal(ticks[1].side, "sell");
  assert.equal(ticks[1].price, 20750);
  assert.equal(ticks[0].best_ask, 20800);
  assert.equal(ticks[0].best_bid, 20750);
  assert.equal(ticks[0].high, 20900);
  assert.equal(ticks[0].low, 20700);
  assert.equal(ticks[0].cum_volume, 1134);
  assert.equal(ticks[0].simulated, false);
  assert.ok(
    ticks[1].time - ticks[0].time === 1000,
    "HHMMSS times one second apart",
  );
  const kst = new Date(ticks[0].time + 9 * 3600_000).toISOString().slice(
    11,
    19,
  );
  assert.equal(kst, "11:56:18");

  fake.sendReal([{
    values: {
      "21": "115620",
      "41": "-20800",
      "61": "82",
      "42": "+20900",
      "62": "100",
      "51": "-20700",
      "71": "50",
      "52": "",
      "72": "",
      "121": "182",
      "125": "50",
    },
    type: "0D",
    name: "주식호가잔량",
    item: "005930_NX",
  }]);
  await until(() => books.length === 1, 2000, "book");
  assert.deepEqual(books[0].asks, [{ price: 20800, qty: 82 }, {
    price: 20900,
    qty: 100,
  }]);
  assert.deepEqual(books[0].bids, [{ price: 20700, qty: 50 }]);
  assert.equal(books[0].code, "005930");
  assert.equal(books[0].total_ask_qty, 182);
});

test("PING is echoed unchanged (JSON and bare)", async () => {
  const c = newClient();
  c.start();
  await until(() => c.loggedIn, 5000, "login");
  const ping = '{"trnm":"PING"}';
  fake.sendRaw(ping);
  fake.sendRaw("PING");
  await until(() => c.stats.pings === 2, 2000, "pings");
  await until(
    () => fake.received.filter((r) => r.text === ping).length === 1,
    2000,
    "echo",
  );
  assert.equal(fake.received.filter((r) => r.text === "PING").length, 1);
});

test("a dropped connection reconnects, logs in again and re-registers", async () => {
  const c = newClient();
  c.setCodes(["402760", "0091A0"]);
  c.start();
  await until(() => fake.regs().length === 1, 5000, "first REG");
  const firstConn = fake.conns.at(-1)!.id;
  fake.dropAll();
  await until(
    () => fake.conns.length === 2 && fake.regs(fake.conns[1].id).length === 1,
    5000,
    "re-REG",
  );
  const second = fake.conns[1];
  assert.notEqual(second.id, firstConn);
  const msgs = fake.received.filter((r) => r.conn === second.id).map((r) => r.msg?.trnm);
  assert.equal(msgs[0], "LOGIN", "LOGIN first on the new connection");
  assert.deepEqual(
    (fake.regs(second.id)[0].data as { item: string[] }[])[0].item,
    ["402760", "0091A0"],
  );
  assert.equal(fake.rejectedBeforeLogin, 0);
  assert.equal(c.stats.logins, 2);
  // Ticks flow on the new connection.
  fake.sendReal([entry("402760", "100000", "+51200", "+3")]);
  await until(() => ticks.length === 1, 2000, "tick after reconnect");
  assert.equal(ticks[0].price, 51200);
});

test("SYSTEM R10002 is logged, not echoed, and the close that follows reconnects", async () => {
  const c = newClient();
  c.setCodes(["402760"]);
  c.start();
  await until(
    () => c.loggedIn && fake.regs().length === 1,
    5000,
    "login + REG",
  );
  const before = fake.received.length;
  fake.sendSystem(
    "R10002",
    "사용자 프로그램으로부터 Heartbeat(연결유지) 메시지가 오지않아서 접속을 종료합니다",
  );
  await until(() => systems.length === 1, 2000, "system");
  assert.equal(systems[0].code, "R10002");
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(fake.received.length, before, "SYSTEM is not echoed");
  fake.closeAll(1000);
  await until(
    () => fake.conns.length === 2 && fake.regs(fake.conns[1].id).length === 1,
    5000,
    "reconnect",
  );
});

test("SYSTEM R10001 (same app key elsewhere) waits the longest backoff before reconnecting", async () => {
  const c = newClient({ minMs: 20, maxMs: 600 });
  c.start();
  await until(() => c.loggedIn, 5000, "login");
  fake.sendSystem(
    "R10001",
    "동일한 App key로 접속이 되었습니다. 기존 세션은 종료가 됩니다",
  );
  await until(() => systems.length === 1, 2000, "system");
  const t0 = Date.now();
  fake.closeAll(1000);
  await until(() => fake.conns.length === 2, 5000, "reconnect");
  const waited = Date.now() - t0;
  assert.ok(
    waited >= 450,
    `waited ${waited} ms (maxMs 600 ± 20 % jitter), not the 20 ms minimum`,
  );
  assert.equal(systems[0].code, "R10001");
});

test("LOGIN rejected with 8005 re-issues the token", async () => {
  const c = newClient();
  await c.token();
  fake.tokensIssued = []; // every issued token is now unknown to the fake → 8005
  c.start();
  await until(() => states.includes("closed"), 5000, "rejected login");
  await until(() => c.loggedIn, 5000, "login with a new token");
  assert.equal(
    fake.tokensIssued.length,
    1,
    "a fresh token was issued after 8005",
  );
});

test("stop() revokes the issued token once (au10002) and does not reconnect", async () => {
  const c = newClient();
  c.setCodes(["005930"]);
  c.start();
  await until(() => c.loggedIn, 5000, "login");
  const token = fake.tokensIssued.at(-1)!;
  const conns = fake.conns.length;
  await c.stop();
  await c.stop(); // a second stop finds nothing left to revoke
  assert.equal(fake.revokes.length, 1, "exactly one revoke");
  const call = fake.revokes[0];
  assert.deepEqual(call.body, {
    appkey: fake.appKey,
    secretkey: fake.secretKey,
    token,
  });
  assert.equal(call.headers["api-id"], "au10002");
  assert.match(String(call.headers["content-type"]), /^application\/json/);
  assert.equal(call.headers.authorization, undefined, "the token travels in the body only");
  assert.ok(!fake.tokensIssued.includes(token), "the fake accepted the revoke");
  assert.ok(lines.some((l) => l.includes("kiwoom token revoked")));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(fake.conns.length, conns, "no reconnect after stop");
  assert.equal(c.loggedIn, false);
});

test("a failing revoke (HTTP 500) is a warning and stop() still resolves", async () => {
  const c = newClient();
  c.start();
  await until(() => c.loggedIn, 5000, "login");
  const token = fake.tokensIssued.at(-1)!;
  fake.revokeStatus = 500;
  const from = lines.length;
  await c.stop();
  assert.equal(fake.revokes.length, 1);
  assert.equal(fake.revokes[0].body?.token, token);
  const warn = lines.slice(from).map((l) => JSON.parse(l)).find((l) =>
    l.msg === "kiwoom token revoke failed"
  );
  assert.ok(warn, `warning logged: ${lines.slice(from).join("\n")}`);
  assert.equal(warn.level, "warn");
  assert.equal(warn.status, 500);
});

test("a revoke that does not answer times out; stop() resolves within the timeout", async () => {
  const c = newClient(undefined, 200);
  c.start();
  await until(() => c.loggedIn, 5000, "login");
  fake.revokeDelayMs = 5000;
  const t0 = Date.now();
  await c.stop();
  const took = Date.now() - t0;
  assert.equal(fake.revokes.length, 1);
  assert.ok(took >= 150 && took < 1500, `stop took ${took} ms (revoke timeout 200 ms)`);
  assert.ok(
    lines.slice(-5).some((l) => l.includes("kiwoom token revoke failed")),
    "timeout logged as a warning",
  );
});

test("stop() during the token request waits for it and revokes that token", async () => {
  fake.tokenDelayMs = 150;
  const c = newClient();
  c.start();
  const issued = fake.tokensEver.length;
  await new Promise((r) => setTimeout(r, 30)); // the au10001 request is in flight
  assert.equal(fake.tokensEver.length, issued, "not answered yet");
  await c.stop();
  assert.equal(fake.tokensEver.length, issued + 1);
  const token = fake.tokensEver.at(-1)!;
  assert.equal(fake.revokes.length, 1);
  assert.equal(fake.revokes[0].body?.token, token);
  assert.ok(!fake.tokensIssued.includes(token), "the fresh token was revoked");
  assert.equal(fake.conns.length, 0, "no socket was opened after stop");
});

test("no token, no revoke: stop() before any token was issued calls nothing", async () => {
  const c = newClient();
  await c.stop();
  assert.equal(fake.revokes.length, 0);
});

test("helpers: kiwoomCode and parseExpires", () => {
  assert.equal(
    kiwoomCode({
      return_code: 3,
      return_msg: "[8005:Token이 유효하지 않습니다]",
    }),
    8005,
  );
  assert.equal(
    kiwoomCode({ return_code: 1, return_msg: "오류 CODE=8031" }),
    8031,
  );
  assert.equal(kiwoomCode({ return_code: 0, return_msg: "" }), 0);
  assert.equal(
    new Date(parseExpires("20260912072914")).toISOString(),
    "2026-09-11T22:29:14.000Z",
  );
});

test("secrets never reach the log", () => {
  const all = lines.join("\n");
  assert.ok(lines.length > 0);
  assert.ok(!all.includes(fake.appKey) && !all.includes(fake.secretKey));
  assert.ok(fake.tokensEver.length > 0);
  for (const t of fake.tokensEver) assert.ok(!all.includes(t));
});
