/**
 * The company snapshot's price section: built from the market store by both snapshot
 * builders (refreshCompany, rebuildSnapshot), with the IPO return since the offer price,
 * published in the snapshot API's schema, and small (no bar arrays).
 */
import assert from "node:assert/strict";
import { refreshCompany } from "../lib/etl/company.ts";
import { marketSection, refreshMarketSection } from "../lib/etl/company_market.ts";
import { sampleDartClient, sampleNow } from "../lib/etl/sample.ts";
import { emptyFacts, type IpoItem } from "../lib/ipo/model.ts";
import type { JobsContext } from "../lib/jobs/runtime.ts";
import { rebuildSnapshot } from "../lib/jobs/runtime.ts";
import { returnPct, sinceOffer } from "../lib/market/summary.ts";
import { latestBarDay, priceSummary } from "../lib/store/market.ts";
import { listedDeal } from "../lib/store/market_cache.ts";
import { getCompanySnapshot, putCompanySnapshot } from "../lib/store/snapshots.ts";
import { buildTestApp } from "./helpers/app.ts";
import { contract } from "./helpers/contract.ts";
import {
  buildMarketApp,
  HANBIT_CORP,
  HARAM_CORP,
  IPO_CODE,
  IPO_DEAL_ID,
  IPO_FIRST_CLOSE,
  IPO_FIRST_OPEN,
  IPO_LISTING,
  IPO_OFFER,
  LATEST,
  NO_BARS,
  seedMarket,
} from "./helpers/market.ts";

Deno.test("[market snapshot] returnPct and sinceOffer", () => {
  assert.equal(returnPct(25_200, 21_000), 20);
  assert.equal(returnPct(14_700, 21_000), -30);
  assert.equal(returnPct(1, 3), -66.67);
  assert.equal(returnPct(null, 21_000), null);
  assert.equal(returnPct(100, 0), null);
  assert.equal(returnPct(100, null), null);
  const s = sinceOffer(
    { pipeline_id: "K1", offer_price: 20_000, listing_date: "2026-08-11" },
    { date: "2026-08-11", open: 40_000, close: 26_000 },
    30_000,
  );
  assert.equal(s.first_day_return_pct, 30);
  assert.equal(s.return_since_offer_pct, 50);
  const none = sinceOffer(
    { pipeline_id: "K1", offer_price: 20_000, listing_date: "x" },
    null,
    null,
  );
  assert.equal(none.first_day_close, null);
  assert.equal(none.return_since_offer_pct, null);
});

Deno.test("[market snapshot] listedDeal picks the latest listing with a price", () => {
  const deal = (
    id: string,
    stage: IpoItem["stage"],
    listing: string | null,
    price: number | null,
  ) =>
    ({
      pipeline_id: id,
      corp_name: "x",
      corp_code: "00000001",
      stock_code: "0091A0",
      stage,
      facts: { ...emptyFacts(), listing_date: listing, final_price: price },
      history: [],
      filings: [],
      matches: [],
      flags: [],
    }) as IpoItem;
  const deals = [
    deal("K1", "철회", "2024-01-10", 10_000),
    deal("K2", "상장", "2025-03-02", 12_000),
    deal("K3", "상장", "2026-08-11", 21_000),
    deal("K4", "상장", "2026-09-01", null),
    deal("K5", "청약", "2026-12-01", 30_000),
  ];
  assert.equal(listedDeal(deals, "0091A0")?.pipeline_id, "K3");
  assert.equal(listedDeal(deals, "402760"), null, "another stock's listing does not count");
  assert.equal(listedDeal(deals.slice(0, 1), "0091A0"), null);
});

Deno.test("[market snapshot] marketSection: summary, instrument, IPO return", async () => {
  const t = await buildMarketApp();
  try {
    const bars = t.seeded.bars.get(IPO_CODE)!;
    const last = bars.at(-1)!;
    const m = (await marketSection(t.kv, IPO_CODE, HARAM_CORP))!;
    assert.equal(m.date, LATEST);
    assert.equal(m.close, last.close);
    assert.equal(m.market_cap, last.market_cap);
    assert.equal(m.name, "하람로보틱스");
    assert.equal(m.market, "KOSDAQ");
    assert.equal(m.first_date, IPO_LISTING);
    assert.deepEqual(m.ipo, {
      pipeline_id: IPO_DEAL_ID,
      offer_price: IPO_OFFER,
      listing_date: IPO_LISTING,
      first_day_date: IPO_LISTING,
      first_day_open: IPO_FIRST_OPEN,
      first_day_close: IPO_FIRST_CLOSE,
      first_day_return_pct: 30,
      return_since_offer_pct: returnPct(last.close, IPO_OFFER),
    });
    // as of an earlier day
    const past = (await marketSection(t.kv, IPO_CODE, HARAM_CORP, { asOf: "2026-09-01" }))!;
    assert.equal(past.date, bars.filter((b) => b.date <= "2026-09-01").at(-1)!.date);
    assert.equal(
      past.ipo!.return_since_offer_pct,
      returnPct(bars.filter((b) => b.date <= "2026-09-01").at(-1)!.close, IPO_OFFER),
    );
    const hanbit = (await marketSection(t.kv, "402760", HANBIT_CORP))!;
    assert.equal(hanbit.ipo, null, "no IPO deal");
    assert.equal(await marketSection(t.kv, null, "00091234"), null, "unlisted");
    assert.equal(await marketSection(t.kv, NO_BARS, null), null, "no bars yet");

    // the stored snapshots carry it, and the snapshot API publishes it in its schema
    const check = await contract(t.app);
    const SNAP = "/api/v1/company/snapshot";
    const s = await check(`${SNAP}?corp_code=${HARAM_CORP}`, SNAP, 200);
    assert.equal(s.market.close, last.close);
    assert.equal(s.market.ipo.offer_price, IPO_OFFER);
    assert.ok(JSON.stringify(s.market).length < 1_500, "no bar arrays in the snapshot");
  } finally {
    await t.close();
  }
});

Deno.test("[market snapshot] refreshCompany and rebuildSnapshot fill the price section", async () => {
  const t = await buildTestApp();
  try {
    // snapshots built before any price was stored keep working without the section
    const before = (await getCompanySnapshot(t.kv, HARAM_CORP))!;
    assert.ok(before.market === null || before.market === undefined || before.market.date);
    await seedMarket(t.kv, { from: "2025-06-02" });
    const latest = (await latestBarDay(t.kv))!;

    await rebuildSnapshot({ kv: t.kv, sample: true } as unknown as JobsContext, HARAM_CORP);
    const rebuilt = (await getCompanySnapshot(t.kv, HARAM_CORP))!;
    const summary = (await priceSummary(t.kv, IPO_CODE, latest))!;
    assert.equal(rebuilt.market?.date, latest);
    assert.equal(rebuilt.market?.close, summary.close);
    assert.equal(rebuilt.market?.high_52w, summary.high_52w);
    // the sample's 하람로보틱스 deal: listed 2026-08-11 at 21,000
    assert.equal(rebuilt.market?.ipo?.offer_price, IPO_OFFER);
    assert.equal(rebuilt.market?.ipo?.listing_date, IPO_LISTING);
    assert.equal(rebuilt.market?.ipo?.return_since_offer_pct, returnPct(summary.close, IPO_OFFER));
    assert.deepEqual(rebuilt.financials, before.financials, "the rest is unchanged");

    const ctx = { kv: t.kv, dart: sampleDartClient(t.kv), now: sampleNow, sample: true };
    const r = await refreshCompany(ctx, "00912345");
    assert.equal(r.error, null);
    assert.equal(r.snapshot.market?.close, (await priceSummary(t.kv, "402760", latest))!.close);
    assert.equal(r.snapshot.market?.ipo, null);
    const unlisted = await refreshCompany(ctx, "00091234");
    assert.equal(unlisted.snapshot.market, null);

    const check = await contract(t.app);
    const SNAP = "/api/v1/company/snapshot";
    const s = await check(`${SNAP}?corp_code=00912345`, SNAP, 200);
    assert.equal(s.market.code, "402760");
  } finally {
    await t.close();
  }
});

Deno.test("[market snapshot] refreshMarketSection rewrites only a changed price section", async () => {
  const t = await buildMarketApp();
  try {
    const snap = (await getCompanySnapshot(t.kv, HARAM_CORP))!;
    assert.equal(await refreshMarketSection(t.kv, HARAM_CORP), false, "already current");
    await putCompanySnapshot(t.kv, { ...snap, market: null });
    assert.equal(await refreshMarketSection(t.kv, HARAM_CORP), true);
    const after = (await getCompanySnapshot(t.kv, HARAM_CORP))!;
    assert.deepEqual(after.market, snap.market);
    assert.deepEqual({ ...after, market: null }, { ...snap, market: null }, "nothing else moved");
    assert.equal(await refreshMarketSection(t.kv, "99999999"), false, "no snapshot");
  } finally {
    await t.close();
  }
});

Deno.test("[market snapshot] the sample: listed companies carry prices, the IPO its return", async () => {
  const t = await buildTestApp();
  try {
    const latest = (await latestBarDay(t.kv))!;
    assert.ok(latest, "the sample stores a KRX market");
    const haram = (await getCompanySnapshot(t.kv, HARAM_CORP))!;
    const summary = (await priceSummary(t.kv, IPO_CODE, latest))!;
    assert.equal(haram.market?.close, summary.close);
    assert.equal(haram.market?.ipo?.offer_price, IPO_OFFER, "the sample deal's 확정공모가");
    assert.equal(haram.market?.ipo?.listing_date, IPO_LISTING);
    assert.equal(haram.market?.ipo?.return_since_offer_pct, returnPct(summary.close, IPO_OFFER));
    const unlisted = (await getCompanySnapshot(t.kv, "00091234"))!;
    assert.equal(unlisted.market, null);
  } finally {
    await t.close();
  }
});
