/**
 * DartClient against the fake OpenDART on loopback (`tests/fake/dart_server.ts`), plus the
 * list.json emulation of the fixture fetch. KV is `:memory:`; retries and timeouts are small.
 *
 * @module
 */
import assert from "node:assert/strict";
import { configureLog, type Level } from "../lib/log.ts";
import {
  CircuitBreaker,
  CircuitOpenError,
  HttpClient,
  HttpStatusError,
  KvRateLimiter,
  NetworkError,
  QuotaExceededError,
  TimeoutError,
} from "../lib/http/mod.ts";
import { getRaw, getRawBody, listRaw, type RawRecord } from "../lib/store/raw.ts";
import {
  createFixtureFetch,
  DartAuthError,
  DartClient,
  type DartDataset,
  DartFormatError,
  DartNoFileError,
  DartQuotaError,
  DartRequestError,
  loadDatasetFromDir,
  SPAN_MESSAGE,
} from "../lib/sources/dart/mod.ts";
import { fixtureListIndexBuilds } from "../lib/sources/dart/fixture_fetch.ts";
import { type DartFault, type FakeDart, startFakeDart } from "./fake/dart_server.ts";

const DATASET_DIR = new URL("./fixtures/dart/dataset/", import.meta.url).pathname;

// Every log line of this file is captured (and checked for the key in the leak test).
const logLines: string[] = [];
configureLog({ level: "debug", sink: (line: string, _level: Level) => void logLines.push(line) });

interface Env {
  dataset: DartDataset;
  server: FakeDart;
  kv: Deno.Kv;
  client: DartClient;
  http: HttpClient;
  close(): Promise<void>;
}

async function setup(opts: {
  faults?: Record<string, DartFault>;
  onRequest?: (url: URL, n: number) => void;
  apiKey?: string;
  datasetKey?: string;
  timeoutMs?: number;
  retries?: number;
  breaker?: CircuitBreaker;
  limiter?: (kv: Deno.Kv) => KvRateLimiter;
} = {}): Promise<Env> {
  const dataset = await loadDatasetFromDir(DATASET_DIR);
  if (opts.datasetKey) dataset.apiKey = opts.datasetKey;
  const server = await startFakeDart({
    dataset,
    faults: opts.faults,
    onRequest: opts.onRequest,
    today: () => "20240331",
  });
  const kv = await Deno.openKv(":memory:");
  const http = new HttpClient({
    source: "dart",
    timeoutMs: opts.timeoutMs ?? 2000,
    retries: opts.retries ?? 1,
    baseDelayMs: 1,
    maxDelayMs: 5,
    breaker: opts.breaker ?? new CircuitBreaker({ failureThreshold: 100 }),
    limiter: opts.limiter?.(kv),
    sleep: () => Promise.resolve(),
  });
  const client = new DartClient({
    kv,
    apiKey: opts.apiKey ?? dataset.apiKey!,
    baseUrl: server.url,
    http,
    now: () => new Date("2024-03-31T01:00:00Z"),
  });
  return {
    dataset,
    server,
    kv,
    client,
    http,
    close: async () => {
      await server.close();
      kv.close();
    },
  };
}

async function allRaws(kv: Deno.Kv): Promise<RawRecord[]> {
  return (await listRaw(kv, "dart", { limit: 1000 })).values;
}

async function catchErr(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new assert.AssertionError({ message: "expected a rejection" });
}

const callsTo = (s: FakeDart, ep: string) => s.calls.filter((u) => u.pathname.endsWith(`/${ep}`));

// ---------------------------------------------------------------------------------------
// happy paths

Deno.test("client: every endpoint parses and saves its raw answer first", async () => {
  const env = await setup();
  try {
    const { client, kv } = env;
    const corps = await client.corpCodes();
    assert.equal(corps.data.length, 8);
    assert.equal(corps.data[0].corp_code, "00123456");
    assert.equal(corps.empty, false);

    const company = await client.company("01234567");
    assert.equal(company.data?.corp_name, "한빛전자(주)");

    const page = await client.list({ bgn_de: "20240101", end_de: "20240331" });
    assert.equal(page.data.page_count, 100);
    assert.equal(page.data.total_page, 1);
    // last_reprt_at=Y by default: the two superseded 증권신고서 rows are gone.
    assert.equal(page.data.total_count, 8);
    assert.ok(!page.data.list.some((r) => r.rcept_no === "20240205000111"));

    const acnt = await client.singleAcnt({
      corp_code: "01234567",
      bsns_year: "2023",
      reprt_code: "11011",
    });
    assert.equal(acnt.data.length, 26);
    assert.equal(acnt.data[0].thstrm_amount, "412,385,120,331");
    const all = await client.singleAcntAll({
      corp_code: "01234567",
      bsns_year: "2023",
      reprt_code: "11011",
      fs_div: "CFS",
    });
    assert.equal(all.data.length, 47);
    const indx = await client.singleIndx({
      corp_code: "01234567",
      bsns_year: "2023",
      reprt_code: "11011",
      idx_cl_code: "M210000",
    });
    assert.equal(indx.data[0].idx_val, "5.973");
    const estk = await client.estkRs({
      corp_code: "00987654",
      bgn_de: "20240101",
      end_de: "20240331",
    });
    assert.equal(estk.data.groups["자금의사용목적"].length, 2);
    const doc = await client.document("20240318000333");
    assert.deepEqual(doc.data.map((f) => f.encoding), ["utf-8", "euc-kr"]);

    const results = [corps, company, page, acnt, all, indx, estk, doc];
    const raws = await allRaws(kv);
    assert.equal(raws.length, results.length);
    for (const r of results) {
      const rec = await getRaw(kv, r.raw.id);
      assert.ok(rec, "raw record stored");
      assert.equal(rec.source, "dart");
      assert.equal(rec.http_status, 200);
      assert.equal(rec.fetched_at, "2024-03-31T01:00:00.000Z");
      assert.match(rec.request, /crtfc_key=\*\*\*/);
      assert.ok(!rec.request.includes(env.dataset.apiKey!));
      assert.ok((await getRawBody(kv, rec))!.length > 0);
    }
    assert.deepEqual(
      new Set(raws.map((r) => r.dataset)),
      new Set([
        "corpCode.xml",
        "company.json",
        "list.json",
        "fnlttSinglAcnt.json",
        "fnlttSinglAcntAll.json",
        "fnlttSinglIndx.json",
        "estkRs.json",
        "document.xml",
      ]),
    );
    const zipRaw = raws.find((r) => r.dataset === "document.xml")!;
    assert.equal(zipRaw.content_type, "application/x-msdownload");
    const body = await getRawBody(kv, zipRaw);
    assert.equal(String.fromCharCode(body![0], body![1]), "PK");
  } finally {
    await env.close();
  }
});

Deno.test("client: list sends explicit sort, last_reprt_at and page_count", async () => {
  const env = await setup();
  try {
    await env.client.list({
      corp_code: "01234567",
      bgn_de: "20230101",
      end_de: "20240331",
      pblntf_ty: "A",
      page_no: 1,
    });
    const url = env.server.calls.at(-1)!;
    const q = url.searchParams;
    assert.equal(url.pathname, "/api/list.json");
    assert.equal(q.get("sort"), "date");
    assert.equal(q.get("sort_mth"), "desc");
    assert.equal(q.get("last_reprt_at"), "Y");
    assert.equal(q.get("page_count"), "100");
    assert.equal(q.get("page_no"), "1");
    assert.equal(q.get("pblntf_ty"), "A");
    assert.equal(q.get("crtfc_key"), env.dataset.apiKey);
    assert.equal(q.get("corp_cls"), null, "unset parameters are not sent");
  } finally {
    await env.close();
  }
});

// ---------------------------------------------------------------------------------------
// listAll

Deno.test("listAll: all companies, steps 3-month windows newest first and pages each", async () => {
  const env = await setup();
  try {
    const r = await env.client.listAll({
      bgn_de: "20231001",
      end_de: "20240331",
      last_reprt_at: "N",
      page_count: 3,
    });
    // Q1 2024: 10 rows -> 4 pages; Q4 2023: 2 rows -> 1 page.
    assert.equal(r.calls, 5);
    assert.equal(r.raws.length, 5);
    assert.equal(env.server.calls.length, 5);
    assert.equal(r.items.length, 12);
    assert.equal(new Set(r.items.map((i) => i.rcept_no)).size, 12);
    assert.equal(r.items[0].rcept_no, "20240320000444");
    assert.equal(r.items.at(-1)!.rcept_no, "20231114000888");
    const windows = env.server.calls.map((u) =>
      `${u.searchParams.get("bgn_de")}-${u.searchParams.get("end_de")}#${
        u.searchParams.get("page_no")
      }`
    );
    assert.deepEqual(windows, [
      "20240101-20240331#1",
      "20240101-20240331#2",
      "20240101-20240331#3",
      "20240101-20240331#4",
      "20231001-20231231#1",
    ]);
  } finally {
    await env.close();
  }
});

Deno.test("listAll: with corp_code one window covers a long range", async () => {
  const env = await setup();
  try {
    const r = await env.client.listAll({
      corp_code: "01234567",
      bgn_de: "20230101",
      end_de: "20240331",
      page_count: 2,
    });
    assert.equal(r.items.length, 5);
    assert.equal(r.calls, 3);
    assert.ok(env.server.calls.every((u) => u.searchParams.get("bgn_de") === "20230101"));
  } finally {
    await env.close();
  }
});

Deno.test("listAll: a filing arriving mid-paging shifts rows; duplicates are dropped", async () => {
  let pushed = false;
  let dataset: DartDataset | null = null;
  const env = await setup({
    onRequest: (url) => {
      if (!pushed && url.searchParams.get("page_no") === "2") {
        pushed = true;
        dataset!.filings.push({
          corp_code: "00311223",
          corp_name: "대한중공업",
          stock_code: "012340",
          corp_cls: "Y",
          report_nm: "기업설명회(IR)개최",
          rcept_no: "20240329800100",
          flr_nm: "대한중공업",
          rcept_dt: "20240329",
          rm: "유",
        });
      }
    },
  });
  dataset = env.dataset;
  try {
    const r = await env.client.listAll({
      bgn_de: "20240101",
      end_de: "20240331",
      last_reprt_at: "N",
      page_count: 5,
    });
    // Page 1 (before): A..E; page 2 (after the push): E..I; page 3: J.
    assert.equal(r.calls, 3);
    const seenOnPages = r.raws.length;
    assert.equal(seenOnPages, 3);
    assert.equal(r.items.length, 10);
    assert.equal(new Set(r.items.map((i) => i.rcept_no)).size, 10);
    assert.ok(!r.items.some((i) => i.rcept_no === "20240329800100"), "landed on page 1, missed");
  } finally {
    await env.close();
  }
});

Deno.test("list without corp_code over 3 months -> DartRequestError 100, raw kept", async () => {
  const env = await setup();
  try {
    const err = await catchErr(env.client.list({ bgn_de: "20231001", end_de: "20240331" }));
    assert.ok(err instanceof DartRequestError);
    assert.equal(err.status, "100");
    assert.equal(err.dartMessage, SPAN_MESSAGE);
    assert.ok(err.rawId);
    const rec = await getRaw(env.kv, err.rawId);
    assert.equal(rec?.dataset, "list.json");
  } finally {
    await env.close();
  }
});

// ---------------------------------------------------------------------------------------
// failures

Deno.test("timeout: the fetch layer's TimeoutError, nothing saved", async () => {
  const env = await setup({
    timeoutMs: 100,
    retries: 0,
    faults: { "company.json": { kind: "timeout" } },
  });
  try {
    const err = await catchErr(env.client.company("01234567"));
    assert.ok(err instanceof TimeoutError, String(err));
    assert.equal((await allRaws(env.kv)).length, 0);
  } finally {
    await env.close();
  }
});

Deno.test("HTTP 500 once, then recovery on the retry", async () => {
  const env = await setup({
    retries: 2,
    faults: { "/api/company.json": { kind: "status", status: 500, times: 1 } },
  });
  try {
    const r = await env.client.company("01234567");
    assert.equal(r.data?.corp_code, "01234567");
    assert.equal(callsTo(env.server, "company.json").length, 2);
    assert.equal((await allRaws(env.kv)).length, 1);
    // Exhausted retries -> HttpStatusError.
    env.server.setFault("company.json", { kind: "status", status: 503 });
    const err = await catchErr(env.client.company("01234567"));
    assert.ok(err instanceof HttpStatusError);
    assert.equal(err.status, 503);
    env.server.setFault("company.json", null);
    assert.equal((await env.client.company("01234567")).empty, false);
  } finally {
    await env.close();
  }
});

Deno.test("status 020 -> DartQuotaError with the raw id", async () => {
  const env = await setup({ faults: { "list.json": { kind: "dart", status: "020" } } });
  try {
    const err = await catchErr(env.client.list({ bgn_de: "20240101", end_de: "20240131" }));
    assert.ok(err instanceof DartQuotaError);
    assert.equal(err.status, "020");
    const rec = await getRaw(env.kv, err.rawId!);
    const body = new TextDecoder().decode((await getRawBody(env.kv, rec!))!);
    assert.deepEqual(JSON.parse(body), { status: "020", message: "요청 제한을 초과하였습니다." });
  } finally {
    await env.close();
  }
});

Deno.test("status 013 -> empty results, not errors", async () => {
  const env = await setup();
  try {
    const c = await env.client.company("99999999");
    assert.equal(c.empty, true);
    assert.equal(c.data, null);
    const l = await env.client.list({
      corp_code: "00123456",
      bgn_de: "20240101",
      end_de: "20240331",
    });
    assert.equal(l.empty, true);
    assert.deepEqual(l.data, {
      page_no: 1,
      page_count: 100,
      total_count: 0,
      total_page: 0,
      list: [],
    });
    const a = await env.client.singleAcnt({
      corp_code: "01234567",
      bsns_year: "2015",
      reprt_code: "11011",
    });
    assert.deepEqual([a.empty, a.data], [true, []]);
    const e = await env.client.estkRs({
      corp_code: "00987654",
      bgn_de: "20230101",
      end_de: "20231231",
    });
    assert.equal(e.empty, true);
    const all = await env.client.listAll({
      corp_code: "00123456",
      bgn_de: "20240101",
      end_de: "20240331",
    });
    assert.deepEqual([all.items.length, all.calls], [0, 1]);
    assert.equal((await allRaws(env.kv)).length, 5);
  } finally {
    await env.close();
  }
});

Deno.test("malformed JSON -> DartFormatError, raw still saved", async () => {
  const malformed = await Deno.readTextFile(
    new URL("./fixtures/dart/malformed_json.txt", import.meta.url),
  );
  const env = await setup({ faults: { "list.json": { kind: "body", body: malformed } } });
  try {
    const err = await catchErr(env.client.list({ bgn_de: "20240101", end_de: "20240131" }));
    assert.ok(err instanceof DartFormatError);
    assert.match(err.message, /malformed JSON/);
    const rec = await getRaw(env.kv, err.rawId!);
    assert.equal(new TextDecoder().decode((await getRawBody(env.kv, rec!))!), malformed);
  } finally {
    await env.close();
  }
});

Deno.test("XML error body where a ZIP was expected -> typed errors", async () => {
  const env = await setup({ faults: { "corpCode.xml": { kind: "xml-error", status: "020" } } });
  try {
    const quota = await catchErr(env.client.corpCodes());
    assert.ok(quota instanceof DartQuotaError);
    assert.ok(quota.rawId);
    assert.equal(
      (await getRaw(env.kv, quota.rawId))?.content_type,
      "application/xml;charset=UTF-8",
    );
    const missing = await catchErr(env.client.document("20240101000001"));
    assert.ok(missing instanceof DartNoFileError);
    assert.equal(missing.status, "014");
    env.server.setFault("document.xml", {
      kind: "body",
      body: "<!DOCTYPE html><html><head><title>점검 중</title></head><body></body></html>",
      contentType: "text/html;charset=UTF-8",
    });
    const html = await catchErr(env.client.document("20240318000333"));
    assert.ok(html instanceof DartFormatError);
    assert.match(html.message, /점검 중/);
    env.server.setFault("document.xml", { kind: "xml-error" });
    assert.ok(await catchErr(env.client.document("20240318000333")) instanceof DartNoFileError);
  } finally {
    await env.close();
  }
});

Deno.test("wrong key -> DartAuthError (010) on JSON and ZIP endpoints", async () => {
  const env = await setup({ apiKey: "WRONGKEY00000000000000000000000000000000" });
  try {
    const a = await catchErr(env.client.company("01234567"));
    assert.ok(a instanceof DartAuthError);
    assert.equal(a.status, "010");
    assert.ok(await catchErr(env.client.corpCodes()) instanceof DartAuthError);
  } finally {
    await env.close();
  }
});

// ---------------------------------------------------------------------------------------
// the key never leaks

Deno.test("the API key appears in no log line, error or raw record", async () => {
  const KEY = "KDESKTESTKEY0123456789abcdefABCDEF012345";
  const start = logLines.length;
  const errors: unknown[] = [];
  const grab = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      errors.push(e);
    }
  };
  const env = await setup({ datasetKey: KEY, apiKey: KEY, timeoutMs: 100, retries: 1 });
  const kvs: Deno.Kv[] = [env.kv];
  try {
    const { client, server } = env;
    await client.company("01234567");
    await client.listAll({ bgn_de: "20231001", end_de: "20240331", page_count: 4 });
    server.setFault("company.json", { kind: "timeout" });
    await grab(client.company("01234567"));
    server.setFault("company.json", { kind: "status", status: 500 });
    await grab(client.company("01234567"));
    server.setFault("company.json", { kind: "dart", status: "020" });
    await grab(client.company("01234567"));
    server.setFault("company.json", { kind: "dart", status: "010" });
    await grab(client.company("01234567"));
    server.setFault("company.json", {
      kind: "body",
      body: `{"status":"000","message":"echo crtfc_key=${KEY}"`,
    });
    await grab(client.company("01234567"));
    server.setFault("company.json", { kind: "body", body: "<html><title>오류</title></html>" });
    await grab(client.company("01234567"));
    server.setFault("company.json", {
      kind: "dart",
      status: "100",
      message: `잘못된 키 ${KEY}`,
    });
    await grab(client.company("01234567"));
    server.setFault("corpCode.xml", { kind: "xml-error", status: "900" });
    await grab(client.corpCodes());
    await grab(client.document("20240101000001"));
    await grab(client.list({ bgn_de: "20231001", end_de: "20240331" }));

    // Network error: a closed port.
    const closed = await startFakeDart({ dataset: env.dataset });
    const closedUrl = closed.url;
    await closed.close();
    const kv2 = await Deno.openKv(":memory:");
    kvs.push(kv2);
    const mk = (http: HttpClient) =>
      new DartClient({ kv: kv2, apiKey: KEY, baseUrl: closedUrl, http });
    await grab(
      mk(new HttpClient({ source: "dart", retries: 0, breaker: new CircuitBreaker() })).company(
        "01234567",
      ),
    );
    // Circuit open.
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    const tripped = mk(new HttpClient({ source: "dart", retries: 0, breaker }));
    await grab(tripped.company("01234567"));
    await grab(tripped.company("01234567"));
    // Local quota used up.
    const limiter = new KvRateLimiter(kv2, { bucket: "dart-test", perDay: 0, perMinute: 10 });
    await grab(
      new DartClient({
        kv: kv2,
        apiKey: KEY,
        baseUrl: server.url,
        http: new HttpClient({
          source: "dart",
          retries: 0,
          limiter,
          breaker: new CircuitBreaker(),
        }),
      }).company("01234567"),
    );

    const kinds = new Set(errors.map((e) => (e as Error).name));
    for (
      const k of [
        "TimeoutError",
        "HttpStatusError",
        "DartQuotaError",
        "DartAuthError",
        "DartFormatError",
        "DartRequestError",
        "DartUnavailableError",
        "DartNoFileError",
        "NetworkError",
        "CircuitOpenError",
        "QuotaExceededError",
      ]
    ) assert.ok(kinds.has(k), `exercised ${k}; got ${[...kinds].join(", ")}`);
    assert.ok(errors.some((e) => e instanceof NetworkError));
    assert.ok(errors.some((e) => e instanceof CircuitOpenError));
    assert.ok(errors.some((e) => e instanceof QuotaExceededError));

    const texts: string[] = [...logLines.slice(start)];
    for (const e of errors) {
      let c: unknown = e;
      for (let depth = 0; c && depth < 6; depth++) {
        const err = c as Error & Record<string, unknown>;
        texts.push(String(err), err.message ?? "", err.stack ?? "");
        texts.push(JSON.stringify(Object.fromEntries(Object.entries(err))));
        c = err.cause;
      }
    }
    for (const kv of kvs) {
      for (const rec of await allRaws(kv)) texts.push(JSON.stringify(rec));
      for await (const entry of kv.list({ prefix: [] })) {
        texts.push(JSON.stringify(entry.key));
        if (!(entry.value instanceof Uint8Array)) texts.push(JSON.stringify(entry.value));
      }
    }
    assert.ok(texts.length > 50, `collected ${texts.length} texts`);
    assert.ok(logLines.length > start, "log lines were captured");
    const leaks = texts.filter((t) => t.includes(KEY));
    assert.deepEqual(leaks, []);
    assert.ok(texts.some((t) => t.includes("crtfc_key=***")), "masked form is present");
  } finally {
    await env.close();
    for (const kv of kvs.slice(1)) kv.close();
  }
});

// ---------------------------------------------------------------------------------------
// the fixture fetch's list.json model (direct, no server)

Deno.test("fixture fetch list.json: filters, last_reprt_at rule, sorting, paging, errors", async () => {
  const ds = await loadDatasetFromDir(DATASET_DIR);
  const f = createFixtureFetch(ds, { today: () => "20240331" });
  const base = `https://example.test/api/list.json?crtfc_key=${ds.apiKey}`;
  const get = async (q: string) => await (await f(`${base}&${q}`)).json();
  const nos = (b: { list: { rcept_no: string }[] }) => b.list.map((r) => r.rcept_no);

  const y = await get("corp_code=00987654&bgn_de=20240101&end_de=20240331&last_reprt_at=Y");
  assert.deepEqual(nos(y), ["20240320000444", "20240318000333"]);
  const n = await get("corp_code=00987654&bgn_de=20240101&end_de=20240331&last_reprt_at=N");
  assert.equal(n.total_count, 4);
  const dflt = await get("corp_code=00987654&bgn_de=20240101&end_de=20240331");
  assert.equal(dflt.total_count, 4, "default last_reprt_at is N");

  const c001 = await get("bgn_de=20240101&end_de=20240331&pblntf_detail_ty=C001&last_reprt_at=N");
  assert.deepEqual(nos(c001), ["20240318000333", "20240226000222", "20240205000111"]);
  const typeC = await get("bgn_de=20240101&end_de=20240331&pblntf_ty=C");
  assert.ok(nos(typeC).includes("20240320000444"), "untagged 투자설명서 inferred as C");
  const typeE = await get("bgn_de=20240101&end_de=20240331&pblntf_ty=E");
  assert.deepEqual(nos(typeE), ["20240306000789"], "주주총회소집공고 inferred as E");
  const kosdaq = await get("bgn_de=20240101&end_de=20240331&corp_cls=K");
  assert.ok(kosdaq.list.every((r: { corp_cls: string }) => r.corp_cls === "K"));
  const byStock = await get("corp_code=234560&bgn_de=20240101&end_de=20240331");
  assert.equal(byStock.total_count, 3, "a 6-character corp_code matches stock_code");

  const asc = await get("bgn_de=20240101&end_de=20240331&sort_mth=asc&page_count=2");
  assert.deepEqual(nos(asc), ["20240110000555", "20240129000666"]);
  assert.deepEqual([asc.total_count, asc.total_page, asc.page_count], [10, 5, 2]);
  const crp = await get("bgn_de=20240101&end_de=20240331&sort=crp&sort_mth=asc");
  assert.equal(crp.list[0].corp_name, "대한중공업");
  const past = await get("bgn_de=20240101&end_de=20240331&page_no=9&page_count=5");
  assert.deepEqual([past.status, past.list.length, past.total_page], ["000", 0, 2]);
  const defaults = await get("");
  assert.equal(defaults.status, "013", "default range is today only");
  const today = await get("bgn_de=20240320");
  assert.deepEqual(nos(today), ["20240320000444"]);

  assert.deepEqual(await get("bgn_de=20240101&end_de=20240401"), {
    status: "100",
    message: SPAN_MESSAGE,
  });
  assert.equal((await get("bgn_de=20240101&end_de=20240331")).status, "000", "exactly 3 months ok");
  assert.equal((await get("bgn_de=20240101&end_de=20240131&page_count=101")).status, "100");
  assert.equal((await get("bgn_de=2024-01-01")).status, "100");
  const wrongKey = await (await f(
    "https://example.test/api/list.json?crtfc_key=nope&bgn_de=20240101",
  )).json();
  assert.equal(wrongKey.status, "010");
  const none = await get("corp_code=01776655&bgn_de=20240101&end_de=20240331");
  assert.deepEqual(none, { status: "013", message: "조회된 데이타가 없습니다." });

  const r404 = await f("https://example.test/api/nope.json");
  assert.equal(r404.status, 404);
  await r404.body?.cancel();
});

Deno.test("fixture fetch: 2,000 filings page from one index (built once, not per page)", async () => {
  const ds = await loadDatasetFromDir(DATASET_DIR);
  for (let i = 0; i < 2000; i++) {
    const d = `2024${String(1 + (i % 3)).padStart(2, "0")}${String(1 + (i % 28)).padStart(2, "0")}`;
    ds.filings.push({
      corp_code: String(10_000_000 + (i % 150)),
      corp_name: `회사${i % 150}`,
      stock_code: "",
      corp_cls: "E",
      report_nm: i % 7 ? "증권신고서(지분증권)" : "[기재정정]증권신고서(지분증권)",
      rcept_no: `${d}${String(100_000 + i)}`,
      flr_nm: `회사${i % 150}`,
      rcept_dt: d,
      rm: "",
    });
  }
  const f = createFixtureFetch(ds, { today: () => "20240331" });
  // Counted, not timed: the per-filing work (report names, amendment chains, types) is done
  // once for all 21 pages; each page is a filter of the index.
  const builds = fixtureListIndexBuilds();
  let total = 0;
  for (let p = 1; p <= 21; p++) {
    const res = await f(
      `https://x/api/list.json?crtfc_key=${ds.apiKey}&bgn_de=20240101&end_de=20240331&last_reprt_at=N&page_no=${p}&page_count=100`,
    );
    total += (await res.json()).list.length;
  }
  assert.equal(total, 2010);
  assert.equal(fixtureListIndexBuilds() - builds, 1, "one index for 21 pages");
  // A new filing is a new index (once), and is listed.
  ds.filings.push({ ...ds.filings.at(-1)!, rcept_no: "20240331999999", rcept_dt: "20240331" });
  const first = await (await f(
    `https://x/api/list.json?crtfc_key=${ds.apiKey}&bgn_de=20240101&end_de=20240331&page_count=100`,
  )).json();
  assert.equal(first.total_count, 2011);
  assert.equal(first.list[0].rcept_no, "20240331999999");
  await (await f(
    `https://x/api/list.json?crtfc_key=${ds.apiKey}&bgn_de=20240101&end_de=20240331&page_no=2`,
  )).arrayBuffer();
  assert.equal(fixtureListIndexBuilds() - builds, 2);
});
