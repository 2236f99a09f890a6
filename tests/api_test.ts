/**
 * API contract tests: every response is validated against the schema the OpenAPI document
 * publishes for it (ajv, JSON Schema 2020-12), checking status, then content type, then body.
 */
import assert from "node:assert/strict";
import { contract, type Json } from "./helpers/contract.ts";
import { buildTestApp, routeCount } from "./helpers/app.ts";

const SNAP = "/api/v1/company/snapshot";
const FIN = "/api/v1/company/{corp_code}/financials";
const SEARCH = "/api/v1/company/search";

Deno.test("[api] snapshot by corp_code, stock_code and name matches the OpenAPI schema", async () => {
  const t = await buildTestApp();
  try {
    const check = await contract(t.app);
    const a = await check(`${SNAP}?corp_code=${t.corpCode}`, SNAP, 200);
    assert.equal(a.corp_code, t.corpCode);
    assert.equal(a.sample, true);
    assert.equal(a.partial, false);
    assert.ok(a.financials.years.length >= 3);
    assert.ok(a.disclosures.length > 0);
    assert.ok(a.disclosures.every((d: Json) => !d.superseded));
    const b = await check(`${SNAP}?stock_code=${a.profile.stock_code}`, SNAP, 200);
    assert.equal(b.corp_code, t.corpCode);
    const c = await check(`${SNAP}?q=${encodeURIComponent(a.profile.stock_name)}`, SNAP, 200);
    assert.equal(c.corp_code, t.corpCode);
  } finally {
    await t.close();
  }
});

Deno.test("[api] snapshot is gzip-encoded for clients that accept it", async () => {
  const t = await buildTestApp();
  try {
    const url = `${SNAP}?corp_code=${t.corpCode}`;
    const plain = await t.app.request(url);
    const text = await plain.text();
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.equal(plain.headers.get("vary"), "accept-encoding");
    const res = await t.app.request(url, { headers: { "accept-encoding": "br, gzip, deflate" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-encoding"), "gzip");
    const zipped = new Uint8Array(await res.arrayBuffer());
    assert.ok(zipped.length < text.length / 3);
    const unzipped = await new Response(
      new Blob([zipped]).stream().pipeThrough(new DecompressionStream("gzip")),
    ).text();
    assert.equal(unzipped, text);
  } finally {
    await t.close();
  }
});

Deno.test("[api] the cached-snapshot fast path answers exactly as the full path", async () => {
  const t = await buildTestApp();
  try {
    const url = `${SNAP}?corp_code=${t.corpCode}`;
    const gz = { headers: { "accept-encoding": "gzip" } };
    t.deps.snapshots.invalidate();
    assert.equal(t.deps.snapshots.peek(t.corpCode), null, "cold cache: the full path runs");
    const cold = [await t.app.request(url), await t.app.request(url, gz)];
    assert.ok(t.deps.snapshots.peek(t.corpCode), "the full path filled the cache");
    const warm = [await t.app.request(url), await t.app.request(url, gz)];
    for (let i = 0; i < 2; i++) {
      assert.equal(warm[i].status, 200);
      assert.deepEqual([...warm[i].headers], [...cold[i].headers]);
      assert.deepEqual(
        new Uint8Array(await warm[i].arrayBuffer()),
        new Uint8Array(await cold[i].arrayBuffer()),
      );
    }
    // A clone's headers are its own: changing one response leaves the next intact.
    const a = await t.app.request(url);
    a.headers.set("x-test", "1");
    assert.equal((await t.app.request(url)).headers.get("x-test"), null);
    // Input the fast path does not recognise still goes through validation.
    assert.equal((await t.app.request(`${SNAP}?corp_code=123`)).status, 400);
    assert.equal((await t.app.request(`${url}&stock_code=005930`)).status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("[api] the outer layer keeps a cached hit synchronous and still times and labels it", async () => {
  const t = await buildTestApp();
  const count = (route: string) => routeCount(t.app, route);
  try {
    const url = `http://localhost${SNAP}?corp_code=${t.corpCode}`;
    await (await t.app.fetch(new Request(url))).body?.cancel(); // fills the cache
    const before = await count(SNAP);
    // A global Hono middleware would make every answer a Promise (Hono's async compose):
    // the hot path must stay a plain Response.
    const res = t.app.fetch(new Request(url));
    assert.ok(res instanceof Response, "a cached snapshot is answered synchronously");
    await res.body?.cancel();
    assert.equal(await count(SNAP) - before, 1, "the synchronous answer is timed too");

    // Pages get the default headers on the finished response; routes label by pattern.
    const pageBefore = await count("/company/:corp_code");
    const page = await t.app.request(`/company/${t.corpCode}`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
    assert.equal(page.headers.get("referrer-policy"), "same-origin");
    await page.body?.cancel();
    assert.equal(await count("/company/:corp_code") - pageBefore, 1);
    const missing = await t.app.request("/no/such/path/42");
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("x-content-type-options"), "nosniff");
    await missing.body?.cancel();
    const text = await (await t.app.request("/metrics")).text();
    assert.ok(!text.includes("/no/such/path/42"), "unmatched paths are not labels");
  } finally {
    await t.close();
  }
});
Deno.test("[api] a company without statements is served partial with missing sections", async () => {
  const t = await buildTestApp();
  try {
    const check = await contract(t.app);
    const s = await check(`${SNAP}?corp_code=00091234`, SNAP, 200);
    assert.equal(s.partial, true);
    assert.ok(s.missing_sections.includes("financials"));
    assert.equal(s.source_status.dart.ok, true); // missing data, not a failure
  } finally {
    await t.close();
  }
});

Deno.test("[api] bad input is a 400 problem, unknown codes a 404 problem", async () => {
  const t = await buildTestApp();
  try {
    const check = await contract(t.app);
    const none = await check(SNAP, SNAP, 400);
    assert.match(none.detail, /exactly one of corp_code, stock_code or q/);
    await check(`${SNAP}?corp_code=${t.corpCode}&q=x`, SNAP, 400);
    const bad = await check(`${SNAP}?corp_code=12345`, SNAP, 400);
    assert.equal(bad.errors[0].path, "corp_code");
    await check(`${SNAP}?stock_code=12345!`, SNAP, 400);
    const unknown = await check(`${SNAP}?corp_code=99999999`, SNAP, 404);
    assert.match(unknown.detail, /99999999/);
    await check(`${SNAP}?q=${encodeURIComponent("존재하지않는회사명")}`, SNAP, 404);
    await check(`/api/v1/company/12/financials`, FIN, 400);
    await check(`/api/v1/company/${t.corpCode}/financials?report=99999`, FIN, 400);
    await check(`/api/v1/company/99999999/financials`, FIN, 404);
    await check(`${SEARCH}?q=`, SEARCH, 400);
    await check(`${SEARCH}?q=a&limit=1000`, SEARCH, 400);
    const r = await t.app.request("/api/v1/nope");
    assert.equal(r.status, 404);
    assert.match(r.headers.get("content-type")!, /problem\+json/);
  } finally {
    await t.close();
  }
});

Deno.test("[api] financials filter by year, report and fs_div", async () => {
  const t = await buildTestApp();
  try {
    const check = await contract(t.app);
    const all = await check(`/api/v1/company/${t.corpCode}/financials`, FIN, 200);
    assert.ok(all.items.length >= 5);
    const one = await check(
      `/api/v1/company/${t.corpCode}/financials?year=2025&report=11011&fs_div=CFS`,
      FIN,
      200,
    );
    assert.ok(one.items.length >= 1);
    assert.ok(one.items.every((f: Json) => f.bsns_year === "2025" && f.fs_div === "CFS"));
    assert.ok(one.items.some((f: Json) => f.scope === "full"));
    const bs = one.items[0].lines.find((l: Json) => l.account_nm === "자산총계");
    assert.equal(typeof bs.thstrm, "number");
  } finally {
    await t.close();
  }
});

Deno.test("[api] search ranks the exact name first and returns markets", async () => {
  const t = await buildTestApp();
  try {
    const check = await contract(t.app);
    const r = await check(`${SEARCH}?q=${encodeURIComponent("한빛반도체")}`, SEARCH, 200);
    assert.equal(r.hits[0].corp_code, "00912345");
    assert.equal(r.hits[0].market, "유가증권");
    const limited = await check(`${SEARCH}?q=${encodeURIComponent("한빛")}&limit=2`, SEARCH, 200);
    assert.equal(limited.hits.length, 2);
  } finally {
    await t.close();
  }
});

Deno.test("[api] the OpenAPI document describes every route", async () => {
  const t = await buildTestApp();
  try {
    const doc: Json = await (await t.app.request("/api/openapi.json")).json();
    for (
      const path of [
        "/api/v1/company/search",
        "/api/v1/company/snapshot",
        "/api/v1/company/{corp_code}/financials",
      ]
    ) assert.ok(doc.paths[path]?.get, `OpenAPI lists GET ${path}`);
    for (const id of ["CompanySnapshot", "Problem", "Financials", "Disclosure"]) {
      assert.ok(doc.components.schemas[id], id);
    }
    // The docs page (Swagger UI over this document) is tested in tests/openapi_test.ts.
  } finally {
    await t.close();
  }
});
