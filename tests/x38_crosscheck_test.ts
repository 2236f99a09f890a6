/**
 * Cross-checking 38 against the DART filings of the same (fictional) deal: DART wins, every
 * disagreement is a `source_conflict` record with both values, 38's rounding is tolerated,
 * and a value only 38 has is returned apart.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type IpoDocumentFacts,
  mergeIpoDocumentFacts,
  QualityIssue,
  readIpoFiling,
} from "../lib/sources/dart/documents/mod.ts";
import {
  crossCheckX38,
  decodeX38,
  parseX38DemandResults,
  parseX38Detail,
  parseX38List,
} from "../lib/sources/x38/mod.ts";
import { FIXTURE_DIR, RCEPT, REPORT_NM } from "./helpers/ipo_doc_fixtures.ts";

async function dart(kinds: (keyof typeof REPORT_NM)[]): Promise<IpoDocumentFacts> {
  const files: Record<keyof typeof REPORT_NM, string> = {
    registration: `registration_${RCEPT.registration}.zip`,
    terms: `terms_${RCEPT.terms}_cp949.zip`,
    prospectus: `prospectus_${RCEPT.prospectus}.zip`,
    result: `result_${RCEPT.result}.zip`,
  };
  const parts = [];
  for (const k of kinds) {
    const bytes = await Deno.readFile(new URL(files[k], FIXTURE_DIR));
    const f = { rcept_no: RCEPT[k], report_nm: REPORT_NM[k], rcept_dt: RCEPT[k].slice(0, 8) };
    parts.push((await readIpoFiling(bytes, f)).facts);
  }
  return mergeIpoDocumentFacts(parts);
}

const page = async (name: string) =>
  decodeX38(await Deno.readFile(new URL(`./fixtures/x38/${name}`, import.meta.url)));

Deno.test("38 vs DART: agreements within 38's rounding, conflicts carry both values, DART kept", async () => {
  const d = await dart(["registration", "terms", "prospectus", "result"]);
  const before = structuredClone(d);
  const detail = parseX38Detail(await page("detail_v_2395.html"));
  const demand = parseX38DemandResults(await page("demand_r1.html")).rows[1];
  const list = parseX38List(await page("list_k.html")).rows[3];
  const r = crossCheckX38(d, { detail, demand, list });
  assert.deepEqual(d, before, "DART facts are not changed");
  for (const i of r.issues) QualityIssue.parse(i);
  assert.deepEqual(
    r.issues.map((i) => [i.code, i.field, i.values]),
    [
      ["source_conflict", "subscription.competition_proportional", { dart: 2_707.82, x38: 2_670 }],
      ["source_conflict", "schedule.refund", { dart: "2026-07-16", x38: "2026-07-17" }],
    ],
  );
  assert.equal(r.issues[1].rcept_no, RCEPT.result, "the latest DART filing stating it");
  assert.deepEqual(r.only_x38, []);
  assert.equal(r.compared - r.agreed, 2);
  // Agreements include rounded ones: 46,800 백만원 vs 46,800,000,000원, 11.13 % vs 11.1296 %.
  assert.ok(r.agreed >= 20, `agreed ${r.agreed}`);
});

Deno.test("values only 38 has are returned apart (the 증권신고서 alone has no 확정가 or 경쟁률)", async () => {
  const d = await dart(["registration"]);
  const detail = parseX38Detail(await page("detail_v_2395.html"));
  const r = crossCheckX38(d, { detail });
  const only = Object.fromEntries(r.only_x38.map((o) => [o.field, o.value]));
  assert.equal(only["offering.final_price"], 19_500);
  assert.equal(only["demand.competition"], 1_071.15);
  assert.equal(only["demand.lockup_ratio"], 11.13);
  assert.equal(only["subscription.competition"], 1_334.82);
  assert.equal(only["schedule.listing"], "2026-07-24");
  // The pre-pricing allocation is a range, so 38's fixed numbers are not compared with it.
  assert.equal(only["allocation.institutions"], 1_560_000);
  assert.deepEqual(r.issues.map((i) => i.field), ["schedule.refund"], "the rest agrees");
});

Deno.test("a different underwriter set is a conflict; broker spellings are normalised", async () => {
  const d = await dart(["terms"]);
  const list = parseX38List(await page("list_k.html")).rows[3];
  assert.deepEqual(
    crossCheckX38(d, { list: { ...list, underwriters: ["한결투자증권(주)", "새빛증권"] } }).issues,
    [],
  );
  const r = crossCheckX38(d, { list: { ...list, underwriters: ["한결투자증권", "케이비증권"] } });
  assert.deepEqual(r.issues.map((i) => [i.field, i.values]), [
    ["underwriters", { dart: ["한결투자증권", "새빛증권"], x38: ["한결투자증권", "케이비증권"] }],
  ]);
});
