/**
 * KrxClient and DataKrxClient against the fake KRX on loopback (`tests/fake/krx_server.ts`),
 * and the fixture fetch on its own (the sample-mode path). KV is `:memory:`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { configureLog, type Level } from "../lib/log.ts";
import { CircuitBreaker, HttpClient, HttpStatusError, TimeoutError } from "../lib/http/mod.ts";
import { getRawBody, listRaw, type RawRecord } from "../lib/store/raw.ts";
import type { DailyBar, InvestorFlow } from "../lib/market/model.ts";
import {
  createKrxFixtureFetch,
  DataKrxClient,
  dataKrxErrorPage,
  emptyKrxDataset,
  flowRow,
  KRX_UNAUTHORIZED_BODY,
  KrxClient,
  type KrxDataset,
  KrxFormatError,
  KrxLoginError,
  KrxUnauthorizedError,
  tradeRow,
} from "../lib/sources/krx/mod.ts";
import {
  type FakeKrx,
  type FakeKrxOptions,
  loadKrxFixtureDataset,
  startFakeKrx,
} from "./fake/krx_server.ts";

const logLines: string[] = [];
configureLog({ level: "debug", sink: (line: string, _level: Level) => void logLines.push(line) });

const KEY = "f3Kx9QzR7tLmW2vB8nYc4HdJ6pAs1GeU0oIk5ZrX";
const ID = "kdesk-member";
const PW = "Tr0ub4dor&3-krx";

async function catchErr(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new assert.AssertionError({ message: "expected a rejection" });
}

function http(source: string, opts: { timeoutMs?: number; retries?: number } = {}) {
  return new HttpClient({
    source,
    timeoutMs: opts.timeoutMs ?? 2000,
    retries: opts.retries ?? 2,
    baseDelayMs: 1,
    maxDelayMs: 5,
    breaker: new CircuitBreaker({ failureThreshold: 100 }),
    sleep: () => Promise.resolve(),
  });
}

interface Env {
  server: FakeKrx;
  kv: Deno.Kv;
  krx: KrxClient;
  close(): Promise<void>;
}

async function setup(
  opts: Partial<FakeKrxOptions> & { timeoutMs?: number; retries?: number } = {},
): Promise<Env> {
  const { timeoutMs, retries, ...fake } = opts;
  const server = await startFakeKrx({
    dataset: loadKrxFixtureDataset(),
    apiKey: KEY,
    login: { id: ID, pw: PW },
    ...fake,
  });
  const kv = await Deno.openKv(":memory:");
  const krx = new KrxClient({
    kv,
    http: http("krx", { timeoutMs, retries }),
    apiKey: KEY,
    baseUrl: server.apiUrl,
    now: () => new Date("2024-01-04T09:00:00Z"),
  });
  return {
    server,
    kv,
    krx,
    close: async () => {
      await server.close();
      kv.close();
    },
  };
}

async function raws(kv: Deno.Kv, source: string): Promise<RawRecord[]> {
  return (await listRaw(kv, source, { limit: 1000 })).values;
}

const D = "2024-01-04";

// ---------------------------------------------------------------------------------------
// OpenAPI

Deno.test("[krx client] dailyTrades: AUTH_KEY header only, raw saved, bars parsed", async () => {
  const env = await setup();
  try {
    const { krx, server, kv } = env;
    const r = await krx.dailyTrades("KOSPI", D);
    assert.equal(r.data.length, 4);
    assert.deepEqual(r.data[0], {
      date: D,
      code: "095570",
      open: 5200,
      high: 5290,
      low: 5100,
      close: 5220,
      change: 20,
      change_pct: 0.38,
      volume: 219508,
      value: 1144821080,
      market_cap: 236219401980,
      shares: 45252759,
    });

    const [call] = server.callsOf("stk_bydd_trd");
    assert.equal(call.method, "GET");
    assert.equal(call.url.pathname, "/svc/apis/sto/stk_bydd_trd");
    assert.equal(call.url.search, "?basDd=20240104");
    assert.equal(call.headers.get("auth_key"), KEY);
    assert.ok(!call.url.href.includes(KEY));

    const saved = await raws(kv, "krx");
    assert.equal(saved.length, 1);
    assert.equal(saved[0].id, r.raw.id);
    assert.equal(saved[0].dataset, "stk_bydd_trd");
    assert.equal(saved[0].request, `GET ${server.apiUrl}/sto/stk_bydd_trd?basDd=20240104`);
    assert.equal(saved[0].fetched_at, "2024-01-04T09:00:00.000Z");
    const body = new TextDecoder().decode((await getRawBody(kv, saved[0]))!);
    assert.match(body, /"ISU_NM":"AJ네트웍스"/);
    // Nothing had to be masked: the key never reached a URL, a raw record or a log line.
    for (const s of [saved[0].request, ...logLines]) {
      assert.ok(!s.includes(KEY) && !s.includes("***"), s);
    }
  } finally {
    await env.close();
  }
});

Deno.test("[krx client] every endpoint: category, api_id and parsed records", async () => {
  const env = await setup();
  try {
    const { krx, server } = env;
    const ksq = await krx.dailyTrades("KOSDAQ", D);
    assert.equal(ksq.data.length, 6);
    const knx = await krx.dailyTrades("KONEX", D);
    assert.equal(knx.data[0].open, null);
    const kospiInfo = await krx.baseInfo("KOSPI", D);
    assert.equal(kospiInfo.data.find((i) => i.code === "088980")!.par_value, null);
    const ksqInfo = await krx.baseInfo("KOSDAQ", D);
    assert.equal(ksqInfo.data.find((i) => i.code === "900070")!.par_value, 0.5);
    assert.deepEqual((await krx.baseInfo("KONEX", D)).data, []);
    const kospi = await krx.indexDaily("KOSPI", D);
    assert.equal(kospi.data.find((b) => b.index_code === "KOSPI")!.close, 2587.02);
    const krxIdx = await krx.indexDaily("KRX", D);
    assert.equal(krxIdx.data.find((b) => b.index_code === "KRX:코리아 밸류업 지수")!.open, null);
    const kosdaq = await krx.indexDaily("KOSDAQ", D);
    assert.equal(kosdaq.data[0].index_code, "KOSDAQ");
    assert.equal(kosdaq.raw.dataset, "kosdaq_dd_trd");

    assert.deepEqual(server.calls.map((c) => c.url.pathname.replace("/svc/apis/", "")), [
      "sto/ksq_bydd_trd",
      "sto/knx_bydd_trd",
      "sto/stk_isu_base_info",
      "sto/ksq_isu_base_info",
      "sto/knx_isu_base_info",
      "idx/kospi_dd_trd",
      "idx/krx_dd_trd",
      "idx/kosdaq_dd_trd",
    ]);
    assert.ok(server.calls.every((c) => c.headers.get("auth_key") === KEY));
  } finally {
    await env.close();
  }
});

Deno.test("[krx client] a holiday is [] with the raw kept", async () => {
  const env = await setup();
  try {
    const r = await env.krx.dailyTrades("KOSPI", "2024-01-01");
    assert.deepEqual(r.data, []);
    const body = new TextDecoder().decode((await getRawBody(env.kv, r.raw))!);
    assert.deepEqual(JSON.parse(body), { OutBlock_1: [] });
    assert.deepEqual((await env.krx.indexDaily("KRX", "2024-01-01")).data, []);
  } finally {
    await env.close();
  }
});

Deno.test("[krx client] 401 → KrxUnauthorizedError naming the API, one call, no retry", async () => {
  const env = await setup({ approved: ["stk_bydd_trd", "ksq_isu_base_info"] });
  try {
    const { krx, server, kv } = env;
    const err = await catchErr(krx.baseInfo("KOSPI", D));
    assert.ok(err instanceof KrxUnauthorizedError, String(err));
    assert.equal(err.api, "stk_isu_base_info");
    assert.equal(err.retryable, false);
    assert.match(err.message, /HTTP 401 Unauthorized API Call/);
    assert.match(err.message, /not approved for stk_isu_base_info/);
    assert.match(err.message, /"API 이용신청"\) at openapi\.krx\.co\.kr/);
    assert.ok(err.cause instanceof HttpStatusError);
    assert.equal(err.cause.bodySnippet, KRX_UNAUTHORIZED_BODY);
    assert.equal(server.callsOf("stk_isu_base_info").length, 1);
    assert.equal((await raws(kv, "krx")).length, 0);
    assert.ok(!err.message.includes(KEY) && !String(err.stack).includes(KEY));

    // Authorization is per endpoint: the same key still works where it is approved.
    assert.equal((await krx.dailyTrades("KOSPI", D)).data.length, 4);
    assert.equal((await krx.baseInfo("KOSDAQ", D)).data.length, 3);
  } finally {
    await env.close();
  }
});

Deno.test("[krx client] a wrong key is 401 on every API", async () => {
  const env = await setup();
  try {
    const wrong = new KrxClient({
      kv: env.kv,
      http: http("krx"),
      apiKey: "not-the-key-0000",
      baseUrl: env.server.apiUrl,
    });
    const err = await catchErr(wrong.indexDaily("KOSPI", D));
    assert.ok(err instanceof KrxUnauthorizedError, String(err));
    assert.match(err.message, /kospi_dd_trd/);
    assert.equal(env.server.calls.length, 1);
    assert.throws(
      () => new KrxClient({ kv: env.kv, http: http("krx"), apiKey: "" }),
      /apiKey .* is required/,
    );
  } finally {
    await env.close();
  }
});

Deno.test("[krx client] the raw is saved before parsing: a bad body keeps its raw id", async () => {
  const truncated = `{"OutBlock_1":[{"BAS_DD":"20240104","ISU_CD":"095570"`;
  const env = await setup({
    faults: { stk_bydd_trd: { kind: "body", body: truncated, times: 1 } },
  });
  try {
    const { krx, kv } = env;
    const err = await catchErr(krx.dailyTrades("KOSPI", D));
    assert.ok(err instanceof KrxFormatError, String(err));
    assert.match(err.message, /stk_bydd_trd: expected a JSON body/);
    const saved = await raws(kv, "krx");
    assert.equal(saved.length, 1);
    assert.equal(saved[0].id, err.rawId);
    assert.equal(new TextDecoder().decode((await getRawBody(kv, saved[0]))!), truncated);
    assert.ok(logLines.some((l) => l.includes("krx call failed") && l.includes(err.rawId!)));

    // A value that is not a number names the field; the fault is over, the data is back.
    env.server.setFault("ksq_bydd_trd", {
      kind: "body",
      body: `{"OutBlock_1":[{"BAS_DD":"20240104","ISU_CD":"241820","ISU_NM":"한결소재",` +
        `"MKT_NM":"KOSDAQ","SECT_TP_NM":"우량기업부","TDD_CLSPRC":"거래정지",` +
        `"CMPPREVDD_PRC":"0","FLUC_RT":"0.00","TDD_OPNPRC":"0","TDD_HGPRC":"0","TDD_LWPRC":"0",` +
        `"ACC_TRDVOL":"0","ACC_TRDVAL":"0","MKTCAP":"0","LIST_SHRS":"18230400"}]}`,
      times: 1,
    });
    const bad = await catchErr(krx.dailyTrades("KOSDAQ", D));
    assert.ok(bad instanceof KrxFormatError, String(bad));
    assert.match(bad.message, /TDD_CLSPRC: expected a number, got "거래정지"/);
    assert.ok(bad.rawId);
    assert.equal((await krx.dailyTrades("KOSPI", D)).data.length, 4);
    assert.equal((await raws(kv, "krx")).length, 3);
  } finally {
    await env.close();
  }
});

Deno.test("[krx client] a 5xx is retried and recovers", async () => {
  const env = await setup({
    faults: { kospi_dd_trd: { kind: "status", status: 503, times: 2 } },
  });
  try {
    const r = await env.krx.indexDaily("KOSPI", D);
    assert.equal(r.data.length, 4);
    assert.equal(env.server.callsOf("kospi_dd_trd").length, 3);
    assert.equal((await raws(env.kv, "krx")).length, 1, "only the 2xx answer is kept");
  } finally {
    await env.close();
  }
});

Deno.test("[krx client] a lasting 500 and a timeout stay transport errors", async () => {
  const env = await setup({
    timeoutMs: 150,
    retries: 1,
    faults: {
      stk_bydd_trd: { kind: "status", status: 500 },
      krx_dd_trd: { kind: "timeout" },
    },
  });
  try {
    const s = await catchErr(env.krx.dailyTrades("KOSPI", D));
    assert.ok(s instanceof HttpStatusError, String(s));
    assert.equal(s.status, 500);
    assert.equal(env.server.callsOf("stk_bydd_trd").length, 2);
    const t = await catchErr(env.krx.indexDaily("KRX", D));
    assert.ok(t instanceof TimeoutError, String(t));
    assert.equal((await raws(env.kv, "krx")).length, 0);
    await assert.rejects(env.krx.dailyTrades("KOSPI", "20240104"), RangeError);
    assert.equal(env.server.callsOf("stk_bydd_trd").length, 2, "a bad date makes no call");
  } finally {
    await env.close();
  }
});

// ---------------------------------------------------------------------------------------
// data.krx.co.kr

function dataKrx(env: Env, opts: { id?: string; pw?: string; now?: () => Date } = {}) {
  return new DataKrxClient({
    kv: env.kv,
    http: http("datakrx"),
    id: opts.id,
    pw: opts.pw,
    baseUrl: env.server.url,
    now: opts.now,
  });
}

const names = (s: FakeKrx) => s.calls.map((c) => c.name);

Deno.test("[datakrx] no KRX_ID/KRX_PW → KrxLoginError without any call", async () => {
  const env = await setup();
  try {
    for (const creds of [{}, { id: ID }, { pw: PW }]) {
      const err = await catchErr(dataKrx(env, creds).investorFlows("KOSPI", D, D));
      assert.ok(err instanceof KrxLoginError, String(err));
      assert.equal(err.reason, "no_credentials");
      assert.match(err.message, /KRX_ID\/KRX_PW not set/);
    }
    assert.equal(env.server.calls.length, 0);
  } finally {
    await env.close();
  }
});

Deno.test("[datakrx] login flow, then MDCSTAT02203 with the session cookie", async () => {
  const env = await setup();
  try {
    const { server, kv } = env;
    const client = dataKrx(env, { id: ID, pw: PW });
    const r = await client.investorFlows("KOSPI", "2024-01-02", "2024-01-05");
    assert.deepEqual(r.data.map((f) => f.date), [
      "2024-01-02",
      "2024-01-03",
      "2024-01-04",
      "2024-01-05",
    ]);
    assert.equal(r.data[3].net["외국인"], 196978497600);
    assert.equal(r.data[3].institutions, 80160686700);
    assert.deepEqual(names(server), ["loginPage", "loginPage", "login", "MDCSTAT02203"]);
    assert.equal(
      server.calls[1].url.pathname + server.calls[1].url.search,
      "/contents/MDC/COMS/client/view/login.jsp?site=mdc",
    );

    const login = server.callsOf("login")[0];
    assert.equal(login.method, "POST");
    assert.deepEqual(Object.fromEntries(login.form), {
      mbrNm: "",
      telNo: "",
      di: "",
      certType: "",
      mbrId: ID,
      pw: PW,
    });
    assert.ok(!login.url.href.includes(PW), "the password is in the body only");
    assert.match(login.headers.get("cookie") ?? "", /^JSESSIONID=/);

    const data = server.callsOf("MDCSTAT02203")[0];
    assert.equal(data.url.pathname, "/comm/bldAttendant/getJsonData.cmd");
    assert.deepEqual(Object.fromEntries(data.form), {
      bld: "dbms/MDC/STAT/standard/MDCSTAT02203",
      strtDd: "20240102",
      endDd: "20240105",
      mktId: "STK",
      etf: "",
      etn: "",
      elw: "",
      trdVolVal: "2",
      askBid: "3",
      detailView: "1",
    });
    assert.equal(data.headers.get("user-agent"), "Mozilla/5.0");
    assert.equal(
      data.headers.get("referer"),
      `${server.url}/contents/MDC/MDI/outerLoader/index.cmd`,
    );
    assert.equal(data.headers.get("x-requested-with"), "XMLHttpRequest");
    assert.equal(data.headers.get("cookie"), login.headers.get("cookie"));

    const saved = await raws(kv, "datakrx");
    assert.equal(saved.length, 1);
    assert.equal(saved[0].dataset, "MDCSTAT02203");
    assert.equal(saved[0].content_type, "text/html; charset=utf-8");
    assert.match(
      saved[0].request,
      /^POST http:\/\/127\.0\.0\.1:\d+\/comm\/bldAttendant\/getJsonData\.cmd\?bld=/,
    );
    const body = new TextDecoder().decode((await getRawBody(kv, saved[0]))!);
    assert.match(body, /"CURRENT_DATETIME":"\d{4}\.\d{2}\.\d{2} [AP]M \d{2}:\d{2}:\d{2}"/);
    assert.match(body, /"TRDVAL1":"124,567,867,100"/);

    // The session is reused; another market without rows is [].
    const ksq = await client.investorFlows("KOSDAQ", "2024-01-02", "2024-01-05");
    assert.deepEqual(ksq.data, []);
    assert.equal(server.callsOf("MDCSTAT02203")[1].form.get("mktId"), "KSQ");
    assert.equal(server.callsOf("login").length, 1);
  } finally {
    await env.close();
  }
});

Deno.test("[datakrx] a session older than 1 hour is renewed before the call", async () => {
  const env = await setup();
  try {
    let now = new Date("2024-01-05T08:00:00Z");
    const client = dataKrx(env, { id: ID, pw: PW, now: () => now });
    await client.investorFlows("KOSPI", D, D);
    now = new Date("2024-01-05T08:59:00Z");
    await client.investorFlows("KOSPI", D, D);
    assert.equal(env.server.callsOf("login").length, 1);
    now = new Date("2024-01-05T09:00:00Z");
    assert.equal(client.loggedIn, false);
    const r = await client.investorFlows("KOSPI", D, D);
    assert.equal(r.data.length, 1);
    assert.equal(env.server.callsOf("login").length, 2);
    assert.equal(env.server.callsOf("MDCSTAT02203").length, 3, "no LOGOUT round trip");
  } finally {
    await env.close();
  }
});

for (const logoutStatus of [400, 200]) {
  Deno.test(`[datakrx] LOGOUT (HTTP ${logoutStatus}) mid-session → one re-login, then data`, async () => {
    const env = await setup({ logoutStatus });
    try {
      const client = dataKrx(env, { id: ID, pw: PW });
      await client.investorFlows("KOSPI", D, D);
      env.server.setFault("MDCSTAT02203", { kind: "logout", times: 1 });
      const r = await client.investorFlows("KOSPI", "2024-01-03", "2024-01-04");
      assert.equal(r.data.length, 2);
      assert.deepEqual(names(env.server).slice(4), [
        "MDCSTAT02203",
        "loginPage",
        "loginPage",
        "login",
        "MDCSTAT02203",
      ]);
      const cookies = env.server.callsOf("MDCSTAT02203").map((c) => c.headers.get("cookie"));
      assert.equal(cookies[0], cookies[1]);
      assert.notEqual(cookies[2], cookies[1], "a new session after the re-login");
      // A 2xx LOGOUT is kept as a raw record like any other answer; a 4xx is not.
      const saved = await raws(env.kv, "datakrx");
      assert.equal(saved.length, logoutStatus === 200 ? 3 : 2);
    } finally {
      await env.close();
    }
  });
}

Deno.test("[datakrx] LOGOUT again after the re-login → KrxLoginError (one retry only)", async () => {
  const env = await setup({ logoutStatus: 200 });
  try {
    const client = dataKrx(env, { id: ID, pw: PW });
    await client.investorFlows("KOSPI", D, D);
    env.server.setFault("MDCSTAT02203", { kind: "logout", times: 2 });
    const err = await catchErr(client.investorFlows("KOSPI", D, D));
    assert.ok(err instanceof KrxLoginError, String(err));
    assert.equal(err.reason, "logout");
    assert.ok(err.rawId, "the LOGOUT body is kept");
    assert.equal(env.server.callsOf("login").length, 2);
    assert.equal(env.server.callsOf("MDCSTAT02203").length, 3);
  } finally {
    await env.close();
  }
});

Deno.test("[datakrx] duplicate login CD011 → skipDup=Y; the other session is logged out", async () => {
  const env = await setup();
  try {
    const a = dataKrx(env, { id: ID, pw: PW });
    const b = dataKrx(env, { id: ID, pw: PW });
    await a.investorFlows("KOSPI", D, D);
    assert.equal(env.server.callsOf("login").length, 1);

    const rb = await b.investorFlows("KOSPI", D, D);
    assert.equal(rb.data.length, 1);
    const logins = env.server.callsOf("login");
    assert.equal(logins.length, 3);
    assert.equal(logins[1].form.get("skipDup"), null);
    assert.equal(logins[2].form.get("skipDup"), "Y");
    assert.ok(logLines.some((l) => l.includes("CD011")));

    // B took the session over: A's next call answers LOGOUT, A logs in again and succeeds.
    const ra = await a.investorFlows("KOSPI", "2024-01-02", D);
    assert.equal(ra.data.length, 3);
    assert.equal(env.server.callsOf("login").length, 5);
  } finally {
    await env.close();
  }
});

Deno.test("[datakrx] CD010 and wrong credentials → KrxLoginError, the password nowhere", async () => {
  const env = await setup({ login: { id: ID, pw: PW, mustChangePassword: true } });
  try {
    const err = await catchErr(dataKrx(env, { id: ID, pw: PW }).investorFlows("KOSPI", D, D));
    assert.ok(err instanceof KrxLoginError, String(err));
    assert.equal(err.reason, "rejected");
    assert.equal(err.code, "CD010");
    assert.match(err.message, /CD010.*change its password/);
    assert.equal(env.server.callsOf("MDCSTAT02203").length, 0);

    const wrongPw = "Wr0ng-Passw0rd!";
    const wrong = await catchErr(
      dataKrx(env, { id: ID, pw: wrongPw }).investorFlows("KOSPI", D, D),
    );
    assert.ok(wrong instanceof KrxLoginError, String(wrong));
    assert.equal(wrong.code, "CD002");
    assert.match(wrong.message, /login refused \(_error_code CD002/);

    const texts = [
      err.message,
      String(err.stack),
      wrong.message,
      String(wrong.stack),
      ...logLines,
      ...(await raws(env.kv, "datakrx")).map((r) => r.request),
    ];
    for (const t of texts) assert.ok(!t.includes(PW) && !t.includes(wrongPw), t);
  } finally {
    await env.close();
  }
});

Deno.test("[datakrx] an HTML page is a KrxLoginError with the raw kept", async () => {
  const env = await setup({
    faults: {
      MDCSTAT02203: {
        kind: "body",
        body: dataKrxErrorPage(),
        contentType: "text/html; charset=utf-8",
        times: 1,
      },
    },
  });
  try {
    const client = dataKrx(env, { id: ID, pw: PW });
    const err = await catchErr(client.investorFlows("KOSPI", D, D));
    assert.ok(err instanceof KrxLoginError, String(err));
    assert.equal(err.reason, "html");
    assert.match(err.message, /Error - KRX \| Market Data System/);
    const saved = await raws(env.kv, "datakrx");
    assert.equal(saved[0].id, err.rawId);
    assert.equal(env.server.callsOf("login").length, 1, "not a logout: no re-login");
    // No password in any raw request, error or log line so far.
    for (const t of [...saved.map((r) => r.request), err.message, ...logLines]) {
      assert.ok(!t.includes(PW), t);
    }
  } finally {
    await env.close();
  }
});

Deno.test("[datakrx] bad ranges are RangeErrors without a call", async () => {
  const env = await setup();
  try {
    const client = dataKrx(env, { id: ID, pw: PW });
    await assert.rejects(client.investorFlows("KOSPI", "2024-01-05", "2024-01-02"), RangeError);
    await assert.rejects(client.investorFlows("KOSPI", "20240102", "2024-01-05"), RangeError);
    await assert.rejects(client.investorFlows("KOSPI", "2022-01-01", "2024-01-05"), /730 days/);
    assert.equal(env.server.calls.length, 0);
  } finally {
    await env.close();
  }
});

// ---------------------------------------------------------------------------------------
// the fixture fetch (sample mode)

Deno.test("[krx fixture] OpenAPI answers: 401 body, holiday, query key, pretty", async () => {
  const f = createKrxFixtureFetch(loadKrxFixtureDataset(), {
    apiKey: KEY,
    approved: ["stk_bydd_trd"],
    format: "pretty",
  });
  const base = "https://data-dbg.krx.co.kr/svc/apis";
  const noKey = await f(`${base}/sto/stk_bydd_trd?basDd=20240104`);
  assert.equal(noKey.status, 401);
  assert.equal(await noKey.text(), KRX_UNAUTHORIZED_BODY);
  const notApproved = await f(`${base}/idx/krx_dd_trd?basDd=20240104`, {
    headers: { AUTH_KEY: KEY },
  });
  assert.equal(notApproved.status, 401);
  await notApproved.body?.cancel();
  const viaQuery = await f(`${base}/sto/stk_bydd_trd.json?basDd=20240104&AUTH_KEY=${KEY}`);
  assert.equal(viaQuery.status, 200);
  assert.match(await viaQuery.text(), /^\{\n {2}"OutBlock_1": \[\n {4}\{\n {6}"ACC_TRDVAL"/);
  const holiday = await f(`${base}/sto/stk_bydd_trd?basDd=20240106`, {
    headers: { AUTH_KEY: KEY },
  });
  assert.deepEqual(await holiday.json(), { OutBlock_1: [] });
  const bad = await f(`${base}/sto/stk_bydd_trd?basDd=2024-01-04`, { headers: { AUTH_KEY: KEY } });
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
});

Deno.test("[krx fixture] data.krx answers: UA check, LOGOUT, text/html JSON", async () => {
  const fx = createKrxFixtureFetch(loadKrxFixtureDataset(), {
    now: () => new Date("2026-01-25T11:28:39Z"),
  });
  const url = "https://data.krx.co.kr/comm/bldAttendant/getJsonData.cmd";
  const form = "bld=dbms/MDC/STAT/standard/MDCSTAT02203&mktId=STK&strtDd=20240104&endDd=20240104" +
    "&trdVolVal=2&askBid=3&detailView=1";
  const noUa = await fx(url, { method: "POST", body: form });
  assert.match(await noUa.text(), /<title>Error - KRX \| Market Data System<\/title>/);
  const ua = { "user-agent": "Mozilla/5.0", "content-type": "application/x-www-form-urlencoded" };
  const anon = await fx(url, { method: "POST", body: form, headers: ua });
  assert.equal(anon.status, 400);
  assert.equal(await anon.text(), "LOGOUT");

  const page = await fx("https://data.krx.co.kr/contents/MDC/COMS/client/MDCCOMS001.cmd");
  await page.body?.cancel();
  const cookie = page.headers.get("set-cookie")!.split(";")[0];
  const login = await fx("https://data.krx.co.kr/contents/MDC/COMS/client/MDCCOMS001D1.cmd", {
    method: "POST",
    headers: { ...ua, cookie },
    body: "mbrId=any&pw=anything&mbrNm=&telNo=&di=&certType=",
  });
  assert.deepEqual(await login.json(), { _error_code: "CD001", _error_message: "" });
  const data = await fx(url, { method: "POST", body: form, headers: { ...ua, cookie } });
  assert.equal(data.headers.get("content-type"), "text/html; charset=utf-8");
  const json = await data.json();
  assert.equal(json.CURRENT_DATETIME, "2026.01.25 PM 08:28:39");
  assert.equal(json.output.length, 1);
  assert.equal(json.output[0].TRD_DD, "2024/01/04");
});

Deno.test("[krx fixture] a dataset built from normalized records round-trips (sample path)", async () => {
  const bar: DailyBar = {
    date: "2026-11-20",
    code: "0091A0",
    open: 25000,
    high: 26500,
    low: 24800,
    close: 26100,
    change: 1100,
    change_pct: 4.4,
    volume: 512340,
    value: 13261093000,
    market_cap: 260999999800,
    shares: 9999998,
  };
  const halted: DailyBar = {
    ...bar,
    code: "054620",
    open: null,
    high: null,
    low: null,
    change: 0,
    change_pct: 0,
    volume: 0,
    value: 0,
  };
  const flow: InvestorFlow = {
    date: "2026-11-20",
    market: "KOSDAQ",
    measure: "value",
    net: {
      "금융투자": -1200000000,
      "보험": 300000000,
      "투신": 0,
      "사모": 50000000,
      "은행": -10000000,
      "기타금융": 0,
      "연기금": 2100000000,
      "기타법인": -340000000,
      "개인": -5400000000,
      "외국인": 4500000000,
      "기타외국인": 0,
    },
    institutions: 1240000000,
  };
  const dataset: KrxDataset = emptyKrxDataset();
  dataset.trades["20261120"] = {
    KOSPI: [],
    KOSDAQ: [
      tradeRow(bar, "하람로보틱스", "KOSDAQ", "기술성장기업부"),
      tradeRow(halted, "여명테크", "KOSDAQ", "관리종목(소속부없음)"),
    ],
    KONEX: [],
  };
  dataset.flows = { KSQ: { "20261120": flowRow(flow) } };

  const kv = await Deno.openKv(":memory:");
  try {
    const fetch = createKrxFixtureFetch(dataset);
    const viaFixture = (source: string) =>
      new HttpClient({ source, fetch, retries: 0, breaker: new CircuitBreaker() });
    const krx = new KrxClient({ kv, http: viaFixture("krx"), apiKey: "sample-key" });
    const r = await krx.dailyTrades("KOSDAQ", "2026-11-20");
    assert.deepEqual(r.data, [bar, halted]);
    assert.deepEqual((await krx.dailyTrades("KOSDAQ", "2026-11-21")).data, []);

    const dk = new DataKrxClient({
      kv,
      http: viaFixture("datakrx"),
      id: "sample",
      pw: "sample-pw",
    });
    const fl = await dk.investorFlows("KOSDAQ", "2026-11-16", "2026-11-20");
    assert.deepEqual(fl.data, [flow]);
  } finally {
    kv.close();
  }
});
