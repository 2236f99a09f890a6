/**
 * The offline sample through the whole IPO ETL (KIND fixture through the real KIND client,
 * DART fixture through the real DART client, estkRs and documents, reconciliation, store)
 * against the sample's own statement of each deal's facts (`SAMPLE_IPO_FACTS`).
 */
import assert from "node:assert/strict";
import { loadSampleData } from "../lib/etl/sample.ts";
import { getDeal, getPipeline } from "../lib/store/ipo.ts";
import { SAMPLE_IPO_FACTS } from "../sample/ipo_deals.ts";

Deno.test("[ipo sample] every sample deal is reconciled with the facts the sample states", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await loadSampleData(kv);
    const p = (await getPipeline(kv))!;
    assert.equal(p.header.partial, false, JSON.stringify(p.header.source_status));
    assert.equal(p.rows.length, SAMPLE_IPO_FACTS.length);
    for (const f of SAMPLE_IPO_FACTS) {
      const id = f.review_biz_proc_no ? `K${f.review_biz_proc_no}` : `L${f.stock_code}`;
      const row = p.rows.find((r) => r.id === id);
      assert.ok(row, `${f.key}: deal ${id}`);
      const it = (await getDeal(kv, id))!;
      const want = {
        stage: f.stage,
        market: f.market,
        stock_code: f.stock_code,
        band: f.band ?? [null, null],
        price: f.final_price,
        amount: f.offer_amount_krw,
        demand: f.inst_competition,
        lockup: f.lockup_pct,
        sub_comp: f.retail_competition,
        uw: f.underwriters,
        sub: f.subscription,
        list: f.listing_date,
        shares: f.shares_total,
      };
      const got = {
        stage: row.stage,
        market: row.market,
        stock_code: row.stock_code,
        band: row.band,
        price: row.price,
        amount: f.offer_amount_krw === null ? null : row.amount,
        demand: row.demand,
        lockup: row.lockup,
        sub_comp: row.sub_comp,
        uw: row.uw,
        sub: row.sub,
        list: row.list,
        shares: it.facts.offer_shares,
      };
      assert.deepEqual(got, want, f.key);
      // DART matched where the sample filed, with the stage that matched it
      const dart = it.matches.find((m) => m.source === "dart");
      if (f.dart.registration) {
        assert.equal(dart?.ref, f.dart.registration, `${f.key}: DART chain root`);
        assert.ok(["name_date", "report_class"].includes(dart!.matched_by));
        const reg = it.filings.find((x) => x.root === f.dart.registration)!;
        assert.deepEqual(
          reg.versions.map((v) => v.rcept_no),
          [f.dart.registration, ...f.dart.amendments, ...(f.dart.terms ? [f.dart.terms] : [])],
          `${f.key}: amendment chain`,
        );
      }
      if (f.stock_code && f.offering_biz_proc_no) {
        assert.equal(
          it.matches.find((m) => m.source === "kind_listing")?.matched_by,
          "stock_code",
          `${f.key}: listing joined by 종목코드`,
        );
      }
      if (f.stage === "철회") assert.equal(it.history.at(-1)?.stage, "철회");
      assert.equal(it.facts.market, f.market);
    }
    // letter-containing stock codes survive as text
    assert.ok(p.rows.some((r) => r.stock_code === "0094K0"));
    // the rights offering in the DART sample is not an IPO
    assert.ok(p.rows.every((r) => !r.name.startsWith("누리")));
  } finally {
    kv.close();
  }
});
