/**
 * The sample dataset's IPO deals get full-depth filing documents (`sample/ipo_documents.ts`):
 * deterministic, attached to the dataset's own C001 receipts, servable by the in-process
 * fixture OpenDART (`document.xml`), and read back by the document mappers to the same facts
 * as the deal table (`SAMPLE_IPO_FACTS`) for every deal with an offering.
 *
 * @module
 */
import assert from "node:assert/strict";
import { buildSampleDataset } from "../sample/dart_sample.ts";
import { SAMPLE_IPO_FACTS } from "../sample/ipo_deals.ts";
import {
  sampleIpoDocumentList,
  sampleIpoDocuments,
  sampleIpoDocumentZips,
} from "../sample/ipo_documents.ts";
import { createFixtureFetch } from "../lib/sources/dart/fixture_fetch.ts";
import {
  IpoDocumentFacts,
  mergeIpoDocumentFacts,
  readIpoFiling,
} from "../lib/sources/dart/documents/mod.ts";

const r2 = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 100) / 100);

Deno.test("sample IPO documents: deterministic, one per C001 filing of every offering", async () => {
  const ds = buildSampleDataset({ ipoDeals: true });
  const a = sampleIpoDocumentList(ds);
  const b = sampleIpoDocumentList(buildSampleDataset({ ipoDeals: true }));
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  const zipsA = await sampleIpoDocumentZips(ds);
  const zipsB = await sampleIpoDocumentZips(buildSampleDataset({ ipoDeals: true }));
  assert.deepEqual([...zipsA.entries()], [...zipsB.entries()], "byte-identical ZIPs");
  const filings = new Map(ds.filings.map((f) => [f.rcept_no, f]));
  for (const d of a) {
    const f = filings.get(d.rcept_no);
    assert.ok(f, `${d.deal} ${d.rcept_no} is a dataset filing`);
    assert.equal(f!.corp_code, d.corp_code);
    assert.equal(f!.report_nm, d.report_nm);
  }
  const kinds = (key: string) => a.filter((d) => d.deal === key).map((d) => d.kind);
  assert.deepEqual(kinds("acetech"), ["registration"]);
  assert.deepEqual(kinds("lumi"), ["registration", "amendment"]);
  assert.deepEqual(kinds("bits"), ["registration", "amendment", "terms", "prospectus"]);
  assert.deepEqual(kinds("terawave"), ["registration", "terms", "prospectus", "result"]);
  assert.deepEqual(kinds("haram"), ["registration", "amendment", "terms", "prospectus"]);
  assert.deepEqual(kinds("evergreen"), ["registration"]);
  assert.ok(a.some((d) => d.entries[0].encoding === "euc-kr"), "some served as CP949");
});

Deno.test("every sample deal's documents, served as document.xml, parse back to the deal's facts", async () => {
  const ds = buildSampleDataset({ ipoDeals: true });
  const list = sampleIpoDocumentList(ds);
  ds.documents = { ...ds.documents, ...sampleIpoDocuments(ds) };
  const fetchDart = createFixtureFetch(ds);
  let checked = 0;
  for (const deal of SAMPLE_IPO_FACTS) {
    const docs = list.filter((d) => d.deal === deal.key);
    if (deal.band === null) {
      assert.equal(docs.length, 0, deal.key);
      continue;
    }
    const parts = [];
    for (const d of docs) {
      const res = await fetchDart(
        `https://opendart.fss.or.kr/api/document.xml?crtfc_key=k&rcept_no=${d.rcept_no}`,
      );
      const bytes = new Uint8Array(await res.arrayBuffer());
      parts.push((await readIpoFiling(bytes, d)).facts);
    }
    const f = IpoDocumentFacts.parse(mergeIpoDocumentFacts(parts));
    const at = deal.key;
    const priced = docs.some((d) => d.kind === "terms");
    assert.equal(priced, deal.final_price !== null && deal.participants !== null, at);
    assert.deepEqual(f.issues.filter((i) => i.severity !== "info"), [], at);
    const o = f.offering;
    assert.deepEqual([o.price_band_low?.value, o.price_band_high?.value], deal.band, at);
    assert.equal(o.shares_total?.value, deal.shares_total, at);
    assert.equal(o.shares_new?.value, deal.shares_new, at);
    assert.equal(o.shares_secondary?.value, deal.shares_old, at);
    assert.equal(o.final_price?.value ?? null, priced ? deal.final_price : null, at);
    assert.equal(o.offer_amount?.value ?? null, priced ? deal.offer_amount_krw : null, at);
    assert.deepEqual(f.schedule.bookbuilding?.value, deal.bookbuilding, at);
    assert.deepEqual(f.schedule.subscription?.value, deal.subscription, at);
    assert.equal(f.schedule.payment?.value, deal.payment_date, at);
    assert.deepEqual(
      f.underwriters.map((u) => u.name),
      deal.underwriters,
      at,
    );
    assert.equal(f.underwriters[0].role, "lead", at);
    // Allocation and float add up.
    const alloc = (g: string) => f.allocation.find((a) => a.group === g);
    const sum = ["employees", "institutions", "retail"].reduce(
      (s, g) => s + (alloc(g)?.shares?.value ?? alloc(g)?.shares_range?.value.min ?? 0),
      0,
    );
    if (priced) assert.equal(sum, deal.shares_total, `${at} allocation`);
    assert.equal(
      (f.float.tradable_shares?.value ?? 0) + (f.float.restricted_shares?.value ?? 0),
      f.float.listed_shares?.value,
      `${at} float`,
    );
    if (priced) {
      assert.equal(f.schedule.listing?.value ?? null, deal.listing_date, at);
      assert.equal(f.demand.participants?.value, deal.participants, at);
      assert.equal(f.demand.competition?.value, deal.inst_competition, at);
      assert.equal(r2(f.demand.lockup_ratio?.value ?? 0), deal.lockup_pct, at);
      assert.equal(f.demand.by_class.length, 9, at);
      if (deal.band[0] !== deal.band[1]) {
        assert.equal(f.demand.price_distribution.length, 6, at);
        const top = f.demand.price_distribution.reduce((a, p) =>
          (p.shares?.value ?? 0) > (a.shares?.value ?? 0) ? p : a
        );
        const expected = deal.final_price! > deal.band[1]
          ? "above"
          : deal.final_price === deal.band[1]
          ? "top"
          : "inside";
        assert.equal(top.bucket, expected, `${at} most orders where the price was set`);
      }
      if (deal.lockup_pct! > 0) assert.equal(f.demand.lockup.length, 5, at);
    }
    if (deal.retail_competition !== null) {
      assert.equal(f.subscription.competition?.value, deal.retail_competition, at);
      assert.equal(
        f.subscription.groups.find((g) => g.group === "retail")?.final_shares?.value,
        alloc("retail")?.shares?.value,
        at,
      );
      assert.ok(f.subscription.deposit_total!.value > 0, at);
    } else {
      assert.equal(f.subscription.competition, null, at);
    }
    checked++;
  }
  assert.equal(checked, SAMPLE_IPO_FACTS.filter((d) => d.band !== null).length);
  assert.ok(checked >= 10);
});
