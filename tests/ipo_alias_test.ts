/**
 * Pipeline id aliases and the current source status on deal pages, on an in-memory KV loaded
 * with the offline sample (KIND and DART fixtures through the real clients):
 *
 * - a deal KIND does not list is a DART-only `D…` deal; once KIND lists it the refresh gives it
 *   a `K…` id and the old id answers 301 (API and page) to the new one;
 * - chains collapse (D → K(공모) → K(예비심사) leaves D → K(예비심사) in KV);
 * - an id never seen stays 404;
 * - a KIND outage after a deal was built shows on the unchanged deal (API and page), and so
 *   does the recovery.
 */
import assert from "node:assert/strict";
import { contract, type Json } from "./helpers/contract.ts";
import { fixtureKindClient, refreshIpoPipeline } from "../lib/etl/ipo.ts";
import { sampleDartClient, sampleNow } from "../lib/etl/sample.ts";
import { type KindDataset, kindErrorPage } from "../lib/sources/kind/fixture_fetch.ts";
import { keys } from "../lib/store/keys.ts";
import { SAMPLE_IPO_FACTS } from "../sample/ipo_deals.ts";
import { buildKindSampleDataset } from "../sample/kind_sample.ts";
import { buildTestApp, type TestApp } from "./helpers/app.ts";

const DEAL = "/api/v1/ipo/{pipeline_id}";
const HARAM = "K20260310000077";

// 비츠헬스케어: 예비심사 + 공모 in KIND, a 증권신고서 chain in DART, not listed yet
const BITS = SAMPLE_IPO_FACTS.find((f) => f.key === "bits")!;
const K_REV = `K${BITS.review_biz_proc_no}`;
const K_OFF = `K${BITS.offering_biz_proc_no}`;
const D_ID = `D${BITS.dart.registration}`;

/** The KIND sample without 비츠헬스케어's review and/or offering rows. */
function kindWithout(parts: { review?: boolean; offering?: boolean }): KindDataset {
  const ds = buildKindSampleDataset();
  if (parts.review) {
    ds.reviews = ds.reviews.filter((r) => r.biz_proc_no !== BITS.review_biz_proc_no);
  }
  if (parts.offering) {
    ds.offerings = ds.offerings.filter((o) => o.biz_proc_no !== BITS.offering_biz_proc_no);
  }
  return ds;
}

let hour = 0;
/** One refresh, an hour after the previous one, with `kind` as the KIND source. */
const refresh = (t: TestApp, kind: KindDataset | typeof fetch) => {
  hour++;
  return refreshIpoPipeline({
    kv: t.kv,
    kind: typeof kind === "function"
      ? fixtureKindClient(t.kv, buildKindSampleDataset(), kind)
      : fixtureKindClient(t.kv, kind),
    dart: sampleDartClient(t.kv),
    now: () => new Date(sampleNow().getTime() + hour * 3600_000),
    sample: true,
  });
};

const maintenance: typeof fetch = () =>
  Promise.resolve(
    new Response(kindErrorPage(), {
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8" },
    }),
  );

const aliasOf = async (t: TestApp, id: string) => (await t.kv.get<string>(keys.ipoAlias(id))).value;

Deno.test("[ipo alias] a DART-only D deal listed by KIND becomes K; the D id redirects (API, page)", async () => {
  const t = await buildTestApp();
  try {
    assert.ok(BITS.review_biz_proc_no && BITS.offering_biz_proc_no && BITS.dart.registration);
    const check = await contract(t.app);
    await check(`/api/v1/ipo/${K_REV}`, DEAL, 200);

    // KIND does not show the deal: DART alone makes it a D deal
    const dartOnly = await refresh(t, kindWithout({ review: true, offering: true }));
    assert.ok(dartOnly.touched.includes(D_ID), JSON.stringify(dartOnly.touched));
    assert.ok(dartOnly.removed.includes(K_REV));
    const d = await check(`/api/v1/ipo/${D_ID}`, DEAL, 200);
    assert.equal(d.item.pipeline_id, D_ID);
    assert.ok(d.item.flags.includes("kind_unmatched"));

    // KIND lists it: the refresh gives it its K id and leaves D → K
    const listed = await refresh(t, buildKindSampleDataset());
    assert.ok(listed.touched.includes(K_REV));
    assert.ok(listed.removed.includes(D_ID));
    assert.equal(listed.aliased[D_ID], K_REV);
    assert.equal(await aliasOf(t, D_ID), K_REV);
    assert.equal(await aliasOf(t, K_REV), null, "a deal written again drops its own alias");

    // API: 301 + Location to the K id; the 301 is documented in the OpenAPI document
    const res = await t.app.request(`/api/v1/ipo/${D_ID}`);
    assert.equal(res.status, 301);
    assert.equal(res.headers.get("location"), `/api/v1/ipo/${K_REV}`);
    await res.body?.cancel();
    const k = await check(res.headers.get("location")!, DEAL, 200);
    assert.equal(k.item.pipeline_id, K_REV);
    assert.deepEqual(
      k.item.matches.map((m: Json) => m.source),
      ["kind_review", "kind_offering", "dart"],
    );
    const doc: Json = await (await t.app.request("/api/openapi.json")).json();
    const op = doc.paths[DEAL].get;
    assert.ok(op.responses["301"]?.headers?.Location, "OpenAPI documents the 301 and Location");
    assert.match(op.description, /301/);

    // page: 301 to /ipo/K…, which renders
    const page = await t.app.request(`/ipo/${D_ID}`);
    assert.equal(page.status, 301);
    assert.equal(page.headers.get("location"), `/ipo/${K_REV}`);
    await page.body?.cancel();
    const html = await t.app.request(`/ipo/${K_REV}`);
    assert.equal(html.status, 200);
    assert.match(await html.text(), /비츠헬스케어/);

    // a truly unknown id stays a 404 (problem+json on the API)
    const unknown = await check(`/api/v1/ipo/D99999999999999`, DEAL, 404);
    assert.equal(unknown.status, 404);
    const unknownPage = await t.app.request(`/ipo/D99999999999999`);
    assert.equal(unknownPage.status, 404);
    await unknownPage.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("[ipo alias] chains collapse: D → K(공모) → K(예비심사) leaves D → K(예비심사)", async () => {
  const t = await buildTestApp();
  try {
    await refresh(t, kindWithout({ review: true, offering: true }));
    // KIND shows the offering first (no review row): the deal is keyed by the offering
    const offered = await refresh(t, kindWithout({ review: true }));
    assert.ok(offered.touched.includes(K_OFF), JSON.stringify(offered.touched));
    assert.deepEqual(offered.aliased, { [D_ID]: K_OFF });
    assert.equal(await aliasOf(t, D_ID), K_OFF);
    const r1 = await t.app.request(`/api/v1/ipo/${D_ID}`);
    assert.equal(r1.status, 301);
    assert.equal(r1.headers.get("location"), `/api/v1/ipo/${K_OFF}`);
    await r1.body?.cancel();

    // the review shows up: the offering joins it, the deal is re-keyed K(공모) → K(예비심사)
    const reviewed = await refresh(t, buildKindSampleDataset());
    assert.deepEqual(reviewed.aliased, { [K_OFF]: K_REV });
    assert.equal(await aliasOf(t, K_OFF), K_REV);
    assert.equal(await aliasOf(t, D_ID), K_REV, "D's alias collapsed onto the newest id");
    assert.equal(await aliasOf(t, K_REV), null);
    for (const [from, path] of [[D_ID, "/api/v1/ipo/"], [K_OFF, "/api/v1/ipo/"], [D_ID, "/ipo/"]]) {
      const r = await t.app.request(`${path}${from}`);
      assert.equal(r.status, 301, `${path}${from}`);
      assert.equal(r.headers.get("location"), `${path}${K_REV}`);
      await r.body?.cancel();
    }
    assert.equal((await t.app.request(`/api/v1/ipo/${K_REV}`)).status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("[ipo alias] deal API and page show the pipeline's current source_status", async () => {
  const t = await buildTestApp();
  try {
    const check = await contract(t.app);
    const kindOn = async (ok: boolean) => {
      const d = await check(`/api/v1/ipo/${HARAM}`, DEAL, 200);
      assert.equal(d.source_status.kind.ok, ok, JSON.stringify(d.source_status.kind));
      assert.equal(d.partial, !ok);
      const html = await (await t.app.request(`/ipo/${HARAM}`)).text();
      assert.match(
        html,
        new RegExp(`class="source-status ${ok ? "ok" : "fail"}" data-source="kind"`),
      );
      return d;
    };
    const built = await kindOn(true);

    // KIND down: the deal is rebuilt from the last KIND rows, unchanged, yet shows the failure
    const down = await refresh(t, maintenance);
    assert.equal(down.partial, true);
    assert.deepEqual(down.touched, [], "the deal snapshot is not rebuilt");
    const failed = await kindOn(false);
    assert.match(failed.source_status.kind.error, /Kind\w*Error/);
    assert.equal(failed.built_at, built.built_at, "the deal's own build time stays");

    // KIND back: ok again, still without a rebuild
    const up = await refresh(t, buildKindSampleDataset());
    assert.equal(up.partial, false);
    assert.deepEqual(up.touched, []);
    await kindOn(true);

    // KIND down with no KIND rows kept: only the pipeline header changes; the deal follows it
    await t.kv.delete(keys.ipoKindState());
    const headerOnly = await refresh(t, () => Promise.reject(new TypeError("connection refused")));
    assert.deepEqual(headerOnly.touched, []);
    const d = await kindOn(false);
    assert.match(d.source_status.kind.error, /connection refused/);
  } finally {
    await t.close();
  }
});
