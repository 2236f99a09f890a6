/**
 * From the data.krx fixtures to screening inputs: MDCSTAT02001 flags → the flag bitmask a
 * screen filters on; MDCSTAT02401 one-day answers → per-stock flow series (absent = 0 on a
 * collected day); MDCSTAT03701 → foreign ownership series; then the flow indicators on them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { flagBits, putFlowDay, putForeignDay } from "../lib/screen/adapters.ts";
import { MarketComputer } from "../lib/screen/compute.ts";
import { screen } from "../lib/screen/engine.ts";
import { column, rowOf } from "../lib/screen/matrix.ts";
import { FLAG_BITS, type MarketInput } from "../lib/screen/types.ts";
import {
  parseForeignHoldings,
  parseNetPurchases,
  parseStatusFlags,
} from "../lib/sources/krx/datakrx_screens.ts";

const FIX = new URL("./fixtures/krx/", import.meta.url);
const fx = (name: string) => Deno.readFileSync(new URL(name, FIX));

Deno.test("MDCSTAT02001 → flag bits: designated flags set bits, unknown ones set none", () => {
  const rows = parseStatusFlags(fx("datakrx_MDCSTAT02001_ALL.json"));
  const bits = new Map(rows.map((r) => [r.code, flagBits(r.flags)]));
  assert.equal(bits.get("095570"), 0);
  assert.equal(bits.get("003560"), FLAG_BITS.halted);
  assert.equal(
    bits.get("054620"),
    FLAG_BITS.administrative | FLAG_BITS.halted | FLAG_BITS.unfaithful_disclosure,
  );
  assert.equal(bits.get("418250"), FLAG_BITS.investment_warning | FLAG_BITS.investment_caution);
  assert.equal(flagBits({ halted: null, administrative: true }), FLAG_BITS.administrative);
});

Deno.test("MDCSTAT02401 + MDCSTAT03701 days → series → flow indicators; flags → screen filter", () => {
  const codes = ["241820", "418250", "053290", "054620"];
  const index = new Map(codes.map((c, i) => [c, i]));
  const dates = [
    "2023-12-27",
    "2023-12-28",
    "2024-01-02",
    "2024-01-03",
    "2024-01-04",
    "2024-01-05",
  ];
  const T = dates.length;
  const nan = () => codes.map(() => new Float64Array(T).fill(NaN));
  const individual = nan();
  const answer = parseNetPurchases(fx("datakrx_MDCSTAT02401_KSQ_8000_20240104_20240104.json"), {
    market: "KOSDAQ",
    investor: "8000",
    from: "2024-01-04",
    to: "2024-01-04",
  });
  // the first day was not collected; the same one-day answer stands in for the five others
  for (let t = 1; t < T; t++) {
    putFlowDay(individual, index, t, { ...answer, from: dates[t], to: dates[t] });
  }
  assert.ok(Number.isNaN(individual[0][0]), "a day not collected stays NaN");
  assert.equal(individual[0][4], 2_695_037_100 - 3_776_553_300);
  assert.equal(individual[3][4], 0, "여명테크 did not trade: 0 on a collected day");
  assert.throws(
    () => putFlowDay(individual, index, 2, { ...answer, from: "2024-01-02", to: "2024-01-04" }),
    /one-day answer/,
  );
  const fpct = [new Float64Array(T).fill(NaN)], flim = [new Float64Array(T).fill(NaN)];
  const holdings = parseForeignHoldings(fx("datakrx_MDCSTAT03701_STK_20240104.json"), {
    date: "2024-01-04",
  });
  putForeignDay(fpct, flim, new Map([["012340", 0]]), 4, holdings);
  assert.deepEqual([fpct[0][4], flim[0][4]], [25.92, 52.89]);

  const close = [38_450, 12_840, 7_420, 1_985];
  const shares = [18_230_400, 9_310_000, 12_500_000, 22_145_000];
  const flags = parseStatusFlags(fx("datakrx_MDCSTAT02001_ALL.json"));
  const flat = (_k: number, v: number) => new Float64Array(T).fill(v);
  const m: MarketInput = {
    dates,
    instruments: codes.map((code) => ({
      code,
      name: code,
      market: "KOSDAQ",
      sector: null,
      listing_date: null,
      offer_price: null,
      float_ratio: null,
      benchmark: "KOSDAQ",
    })),
    bars: {
      open: close.map((c, k) => flat(k, c)),
      high: close.map((c, k) => flat(k, c)),
      low: close.map((c, k) => flat(k, c)),
      close: close.map((c, k) => flat(k, c)),
      volume: close.map((_, k) => flat(k, 1000)),
      value: close.map((c, k) => flat(k, c * 1000)),
      mcap: close.map((c, k) => flat(k, c * shares[k])),
      shares: shares.map((s, k) => flat(k, s)),
    },
    index: {},
    filings: codes.map(() => []),
    flows: { individual },
    flags: codes.map((c) =>
      new Uint16Array(T).fill(flagBits(flags.find((r) => r.code === c)?.flags ?? {}))
    ),
  };
  const mat = new MarketComputer(m).computeDay(5);
  const row = (c: string) => rowOf(mat, c);
  const net5 = column(mat, "net_individual_5")!;
  assert.equal(
    net5[row("241820")],
    (5 * (2_695_037_100 - 3_776_553_300) / (38_450 * 18_230_400)) * 100,
  );
  assert.equal(net5[row("054620")], 0);
  assert.ok(
    Number.isNaN(column(new MarketComputer(m).computeDay(4), "net_individual_5")![0]),
    "a window with an uncollected day",
  );
  assert.ok(Number.isNaN(column(mat, "net_individual_20")![row("241820")]), "not 20 days yet");
  assert.ok(column(mat, "foreign_pct")!.every(Number.isNaN), "no ownership series in this input");
  assert.ok(column(mat, "net_foreign_5")!.every(Number.isNaN), "no foreign flows in this input");
  const r = screen({ exclude_flags: ["administrative"], sort: [{ by: "code", dir: "asc" }] }, {
    matrix: mat,
  });
  assert.deepEqual(r.rows.map((x) => x.code), ["053290", "241820", "418250"]);
  const warned = screen({ where: { op: "flag", flag: "investment_warning", is: true } }, {
    matrix: mat,
  });
  assert.deepEqual(warned.rows.map((x) => x.code), ["418250"]);
});
