/**
 * The sample's DART data for every company the KRX sample trades (buildSampleDataset
 * ({ tradedCompanies: true })): the same OpenDART formats as the featured companies, one
 * company.json per instrument with the instrument's market, statements that add up,
 * deterministic and quick to build; and sample mode builds those companies through the ETL
 * on demand and in the background (sampleCompanies).
 */
import { strict as assert } from "node:assert";
import { buildSampleDataset, SAMPLE_AS_OF, SAMPLE_CORP_CODES } from "../sample/dart_sample.ts";
import { krxSampleModel } from "../sample/krx_sample.ts";
import { CLS_OF_MARKET } from "../sample/listings.ts";
import {
  DartAcntAllRow,
  DartAcntRow,
  DartCompany,
  DartIndxRow,
  DartListItem,
} from "../lib/sources/dart/types.ts";
import { loadSampleData, sampleCompanies } from "../lib/etl/sample.ts";
import { getCompanySnapshot, listSnapshotCorps } from "../lib/store/snapshots.ts";

const ds = buildSampleDataset({ tradedCompanies: true });
const AS_OF = SAMPLE_AS_OF.replaceAll("-", "");
const num = (v: string) => Number(v.replaceAll(",", ""));

Deno.test("[sample companies] every KRX sample instrument is a DART company of its market", () => {
  const byStock = new Map(ds.corps.filter((c) => c.stock_code).map((c) => [c.stock_code, c]));
  const instruments = krxSampleModel().instruments;
  assert.equal(instruments.length, 71);
  for (const i of instruments) {
    const corp = byStock.get(i.code);
    assert.ok(corp, `${i.code} ${i.name}: no corp-master row`);
    const co = ds.companies[corp.corp_code];
    assert.ok(co, `${i.code} ${i.name}: no company.json`);
    assert.equal(co.corp_cls, CLS_OF_MARKET[i.market], `${i.code}: corp_cls vs ${i.market}`);
    assert.equal(co.stock_code, i.code);
    assert.equal(co.stock_name, i.name);
    const annual = Object.keys(ds.singleAcnt).filter((k) => k.startsWith(`${corp.corp_code}|`));
    // A SPAC founded this year has filed no 사업보고서 yet; everyone else has statements.
    if (co.est_dt >= "20250101") assert.deepEqual(annual, [], i.name);
    else assert.ok(annual.length >= 1, `${i.name}: no statements`);
    const filings = ds.filings.filter((f) => f.corp_code === corp.corp_code);
    assert.ok(filings.length >= 3, `${i.name}: ${filings.length} filings`);
  }
  // The base dataset (what the DART tests pin) is untouched by the option.
  assert.deepEqual(Object.keys(buildSampleDataset().companies).length, 8);
});

Deno.test("[sample companies] the added companies use the exact OpenDART formats", () => {
  const base = new Set(Object.keys(buildSampleDataset({ ipoDeals: true }).companies));
  const added = Object.keys(ds.companies).filter((c) => !base.has(c));
  assert.ok(added.length >= 60, `${added.length} added`);
  const receipts = new Set(ds.filings.map((f) => f.rcept_no));
  assert.equal(receipts.size, ds.filings.length, "rcept_no unique");
  for (const f of ds.filings) {
    DartListItem.parse(f);
    assert.ok(f.rcept_no.startsWith(f.rcept_dt) && f.rcept_dt <= AS_OF, f.rcept_no);
    assert.equal(f.corp_cls, ds.companies[f.corp_code].corp_cls, f.report_nm);
  }
  for (const corp of added) {
    const co = DartCompany.parse(ds.companies[corp]);
    assert.match(co.jurir_no, /^\d{13}$/);
    assert.match(co.bizr_no, /^\d{10}$/);
    for (const [key, rows] of Object.entries(ds.singleAcnt)) {
      if (!key.startsWith(`${corp}|`)) continue;
      for (const r of rows) DartAcntRow.parse(r);
      assert.ok(receipts.has(rows[0].rcept_no), `${key}: statements of an unfiled report`);
      // 자산총계 = 부채총계 + 자본총계, in both statement sets and every column.
      for (const fs of ["CFS", "OFS"]) {
        const get = (nm: string) => rows.find((r) => r.fs_div === fs && r.account_nm === nm)!;
        for (const col of ["thstrm_amount", "frmtrm_amount"]) {
          assert.equal(
            num(get("자산총계")[col]),
            num(get("부채총계")[col]) + num(get("자본총계")[col]),
            `${key} ${fs} ${col}`,
          );
        }
      }
    }
    for (const [key, rows] of Object.entries(ds.singleAcntAll)) {
      if (key.startsWith(`${corp}|`)) { for (const r of rows) DartAcntAllRow.parse(r); }
    }
    for (const [key, rows] of Object.entries(ds.singleIndx)) {
      if (key.startsWith(`${corp}|`)) { for (const r of rows) DartIndxRow.parse(r); }
    }
  }
});

Deno.test("[sample companies] deterministic, and quick because statements are built on read", () => {
  const a = buildSampleDataset({ tradedCompanies: true });
  const t0 = performance.now();
  const json = JSON.stringify(buildSampleDataset({ tradedCompanies: true }));
  const ms = performance.now() - t0;
  assert.equal(JSON.stringify(a), json, "the fingerprint's JSON is stable");
  assert.deepEqual(a, ds, "equal rows when read");
  // The JSON names the inputs of unread statements instead of building them.
  assert.ok(json.includes('"lazy":'));
  assert.ok(ms < 400, `build + JSON ${ms.toFixed(0)} ms`);
});

Deno.test({
  name: "[sample companies] sample mode builds them through the ETL: on request, and by warm()",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const kv = await Deno.openKv(":memory:");
    try {
      await loadSampleData(kv);
      const featured = new Set<string>(SAMPLE_CORP_CODES);
      assert.deepEqual(
        (await listSnapshotCorps(kv, 1000)).map((e) => e.corp_code).sort(),
        [...featured].sort(),
        "only the featured companies at load",
      );
      const companies = sampleCompanies(kv);
      const other = Object.keys(ds.companies).find((c) => !featured.has(c))!;
      // Concurrent requests share one build.
      await Promise.all([companies.refresh(other), companies.refresh(other)]);
      const snap = await getCompanySnapshot(kv, other);
      assert.equal(snap?.sample, true);
      assert.equal(snap?.profile?.corp_code, other);
      // A corp-master row without company.json is not built.
      const bare = ds.corps.find((c) => !ds.companies[c.corp_code])!;
      await companies.refresh(bare.corp_code);
      assert.equal(await getCompanySnapshot(kv, bare.corp_code), null);

      const total = Object.keys(ds.companies).length;
      assert.equal(await companies.warm(), total - featured.size - 1, "all the others");
      assert.equal(await companies.warm(), 0, "then nothing");
      const built = await listSnapshotCorps(kv, 1000);
      assert.equal(built.length, total);
      assert.ok(built.every((e) => e.corp_name), "every snapshot has its profile");
    } finally {
      kv.close();
    }
  },
});
