/**
 * The screening engine and its query schema on hand-made day matrices: every operator, SQL
 * three-valued logic, percentile ranks, crossings over earlier days, filters, sorting with
 * nulls last, columns, cursor paging, the normalized key, errors naming the bad path, presets.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runScreen, screen, type ScreenInput } from "../lib/screen/engine.ts";
import { type DayMatrix, NO_SECTOR } from "../lib/screen/matrix.ts";
import {
  normalizeQuery,
  parseScreenQuery,
  queryKey,
  type ScreenQuery,
  ScreenQueryError,
} from "../lib/screen/query.ts";
import { PRESETS } from "../lib/screen/presets.ts";
import { MarketComputer } from "../lib/screen/compute.ts";
import { column } from "../lib/screen/matrix.ts";
import { FLAG_BITS, MARKETS } from "../lib/screen/types.ts";
import { syntheticMarket } from "./helpers/synthetic_market.ts";

const IDS = ["price", "mcap", "per", "roe", "sma_20", "sma_60", "ret_3m"];

interface Row {
  code: string;
  market?: typeof MARKETS[number];
  sector?: string | null;
  flags?: number;
  v: Partial<Record<string, number>>;
}

function mat(date: string, rows: Row[]): DayMatrix {
  const sectors = [...new Set(rows.map((r) => r.sector).filter((s) => s))].sort() as string[];
  return {
    date,
    ids: IDS,
    codes: rows.map((r) => r.code),
    names: rows.map((r) => `종목${r.code}`),
    market: Uint8Array.from(rows, (r) => MARKETS.indexOf(r.market ?? "KOSPI")),
    sector: Uint16Array.from(rows, (r) => (r.sector ? sectors.indexOf(r.sector) : NO_SECTOR)),
    sectors,
    flags: Uint16Array.from(rows, (r) => r.flags ?? 0),
    cols: IDS.map((id) => Float64Array.from(rows, (r) => r.v[id] ?? NaN)),
  };
}

const DAY = mat("2026-11-20", [
  {
    code: "000010",
    sector: "반도체",
    v: { price: 100, mcap: 900, per: 5, roe: 20, sma_20: 11, sma_60: 10, ret_3m: 30 },
  },
  {
    code: "000020",
    sector: "반도체",
    v: { price: 200, mcap: 800, per: 15, roe: 8, sma_20: 9, sma_60: 10, ret_3m: 10 },
  },
  {
    code: "000030",
    market: "KOSDAQ",
    sector: "바이오",
    v: { price: 300, mcap: 700, roe: -5, sma_20: 12, sma_60: 10, ret_3m: 50 },
  },
  {
    code: "000040",
    market: "KOSDAQ",
    sector: "바이오",
    flags: FLAG_BITS.administrative,
    v: { price: 400, mcap: 600, per: 8, roe: 12, sma_20: 10, sma_60: 10, ret_3m: 10 },
  },
  {
    code: "000050",
    market: "KOSDAQ",
    sector: null,
    v: { price: 500, mcap: 500, per: 30, roe: 3, ret_3m: -20 },
  },
  {
    code: "000060",
    market: "KONEX",
    sector: "바이오",
    flags: FLAG_BITS.halted | FLAG_BITS.investment_warning,
    v: { price: 600, mcap: 400, per: 5, roe: 25, sma_20: 8, sma_60: 10, ret_3m: 0 },
  },
]);

const codes = (q: unknown, input: ScreenInput = { matrix: DAY }) =>
  screen(q, input).rows.map((r) => r.code);

function rejects(q: unknown, path: string, re?: RegExp): void {
  try {
    parseScreenQuery(q);
  } catch (e) {
    assert.ok(e instanceof ScreenQueryError, String(e));
    const hit = e.issues.find((i) => i.path === path);
    assert.ok(hit, `no issue at ${path}: ${JSON.stringify(e.issues)}`);
    if (re) assert.match(hit.message, re);
    return;
  }
  assert.fail(`accepted ${JSON.stringify(q)}`);
}

Deno.test("comparisons, between, in, is_null/not_null; nulls never match a comparison", () => {
  const sort = [{ by: "code", dir: "asc" }];
  assert.deepEqual(codes({ where: { op: "lt", ind: "per", value: 10 }, sort }), [
    "000010",
    "000040",
    "000060",
  ]);
  assert.deepEqual(codes({ where: { op: "lte", ind: "per", value: 8 }, sort }), [
    "000010",
    "000040",
    "000060",
  ]);
  assert.deepEqual(codes({ where: { op: "gt", ind: "per", value: 8 }, sort }), [
    "000020",
    "000050",
  ]);
  assert.deepEqual(codes({ where: { op: "gte", ind: "per", value: 15 }, sort }), [
    "000020",
    "000050",
  ]);
  assert.deepEqual(codes({ where: { op: "eq", ind: "per", value: 5 }, sort }), [
    "000010",
    "000060",
  ]);
  assert.deepEqual(codes({ where: { op: "ne", ind: "per", value: 5 }, sort }), [
    "000020",
    "000040",
    "000050",
  ], "000030 (null PER) is not ≠ 5");
  assert.deepEqual(codes({ where: { op: "between", ind: "roe", min: 8, max: 20 }, sort }), [
    "000010",
    "000020",
    "000040",
  ]);
  assert.deepEqual(codes({ where: { op: "in", ind: "per", values: [30, 15] }, sort }), [
    "000020",
    "000050",
  ]);
  assert.deepEqual(codes({ where: { op: "is_null", ind: "per" }, sort }), ["000030"]);
  assert.equal(codes({ where: { op: "not_null", ind: "sma_20" }, sort }).length, 5);
});

Deno.test("three-valued logic: not(unknown) is unknown, or with a true is true, and with a false is false", () => {
  const sort = [{ by: "code", dir: "asc" }];
  // 000030 has no PER: per < 10 is unknown there
  assert.deepEqual(codes({ where: { op: "not", of: { op: "lt", ind: "per", value: 10 } }, sort }), [
    "000020",
    "000050",
  ]);
  assert.deepEqual(
    codes({
      where: {
        op: "or",
        of: [{ op: "lt", ind: "per", value: 10 }, { op: "gt", ind: "ret_3m", value: 40 }],
      },
      sort,
    }),
    ["000010", "000030", "000040", "000060"],
  );
  assert.deepEqual(
    codes({
      where: {
        op: "and",
        of: [{ op: "lt", ind: "per", value: 10 }, { op: "gt", ind: "roe", value: 15 }],
      },
      sort,
    }),
    ["000010", "000060"],
  );
  // nested groups
  assert.deepEqual(
    codes({
      where: {
        op: "and",
        of: [
          {
            op: "or",
            of: [{ op: "eq", ind: "roe", value: 20 }, { op: "eq", ind: "roe", value: 25 }],
          },
          { op: "not", of: { op: "flag", flag: "halted", is: true } },
        ],
      },
    }),
    ["000010"],
  );
});

Deno.test("indicator vs indicator (sma_20 > sma_60), with a factor", () => {
  const sort = [{ by: "code", dir: "asc" }];
  assert.deepEqual(codes({ where: { op: "gt", ind: "sma_20", ref: "sma_60" }, sort }), [
    "000010",
    "000030",
  ]);
  assert.deepEqual(
    codes({ where: { op: "gte", ind: "sma_20", ref: "sma_60", factor: 1.1 }, sort }),
    ["000010", "000030"],
  );
  assert.deepEqual(
    codes({ where: { op: "gt", ind: "sma_20", ref: "sma_60", factor: 1.15 }, sort }),
    ["000030"],
  );
  assert.deepEqual(codes({ where: { op: "eq", ind: "sma_20", ref: "sma_60" }, sort }), ["000040"]);
});

Deno.test("percentile rank within market, sector and all; ties share the lowest rank; nulls are not ranked", () => {
  const sort = [{ by: "code", dir: "asc" }];
  // ret_3m all: -20, 0, 10, 10, 30, 50 → ranks 0, 20, 40, 40, 80, 100
  assert.deepEqual(codes({ where: { op: "gte", ind: "ret_3m", pct: "all", value: 80 }, sort }), [
    "000010",
    "000030",
  ]);
  assert.deepEqual(codes({ where: { op: "eq", ind: "ret_3m", pct: "all", value: 40 }, sort }), [
    "000020",
    "000040",
  ]);
  // KOSDAQ: 50, 10, -20 → 100, 50, 0; KOSPI: 30, 10 → 100, 0; KONEX alone → 0
  assert.deepEqual(codes({ where: { op: "eq", ind: "ret_3m", pct: "market", value: 100 }, sort }), [
    "000010",
    "000030",
  ]);
  assert.deepEqual(codes({ where: { op: "eq", ind: "ret_3m", pct: "market", value: 0 }, sort }), [
    "000020",
    "000050",
    "000060",
  ]);
  assert.deepEqual(
    codes({ where: { op: "between", ind: "ret_3m", pct: "market", min: 40, max: 60 }, sort }),
    ["000040"],
  );
  // sector 바이오: 50, 10, 0 → 100, 50, 0; 000050 has no sector → unknown
  assert.deepEqual(codes({ where: { op: "lte", ind: "ret_3m", pct: "sector", value: 50 }, sort }), [
    "000020",
    "000040",
    "000060",
  ]);
  // PER null for 000030: not ranked; KOSDAQ PERs 8, 30 → 0, 100
  assert.deepEqual(codes({ where: { op: "eq", ind: "per", pct: "market", value: 100 }, sort }), [
    "000020",
    "000050",
  ]);
});

Deno.test("crosses within N days reads the earlier days' matrices by code; missing days give a warning", () => {
  const d1 = mat("2026-11-19", [
    { code: "000010", v: { sma_20: 9, sma_60: 10 } },
    { code: "000020", v: { sma_20: 11, sma_60: 10 } },
    { code: "000030", v: { sma_20: 11, sma_60: 10 } },
    { code: "000040", v: { sma_20: 10, sma_60: 10 } },
  ]);
  const d2 = mat("2026-11-18", [
    { code: "000030", v: { sma_20: 9, sma_60: 10 } },
    { code: "000040", v: { sma_20: 9, sma_60: 10 } },
  ]);
  const input = { matrix: DAY, history: [d1, d2] };
  const sort = [{ by: "code", dir: "asc" }];
  // today: 000010 11>10 (yesterday 9 ≤ 10: crossed today); 000030 12>10 (crossed 2 days ago)
  assert.deepEqual(
    codes({ where: { op: "crosses_above", ind: "sma_20", ref: "sma_60", within: 1 }, sort }, input),
    ["000010"],
  );
  assert.deepEqual(
    codes({ where: { op: "crosses_above", ind: "sma_20", ref: "sma_60", within: 2 }, sort }, input),
    ["000010", "000030"],
  );
  // 000020 fell below today (9 < 10 after 11)
  assert.deepEqual(
    codes({ where: { op: "crosses_below", ind: "sma_20", ref: "sma_60", within: 1 }, sort }, input),
    ["000020"],
  );
  assert.deepEqual(
    codes({ where: { op: "crosses_above", ind: "ret_3m", value: 20, within: 1 }, sort }, input),
    [],
  );
  const r = screen(
    { where: { op: "crosses_above", ind: "sma_20", ref: "sma_60", within: 5 } },
    input,
  );
  assert.equal(r.total, 2);
  assert.match(r.warnings[0], /within 5 days: only 2 earlier day/);
});

Deno.test("universe filters: markets, sectors, excluded flags, flag conditions", () => {
  const sort = [{ by: "code", dir: "asc" }];
  assert.deepEqual(codes({ markets: ["KOSDAQ"], sort }), ["000030", "000040", "000050"]);
  assert.deepEqual(codes({ markets: ["KONEX", "KOSPI"], sectors: ["반도체", "바이오"], sort }), [
    "000010",
    "000020",
    "000060",
  ]);
  assert.deepEqual(codes({ exclude_flags: ["administrative", "halted"], sort }), [
    "000010",
    "000020",
    "000030",
    "000050",
  ]);
  assert.deepEqual(codes({ where: { op: "flag", flag: "investment_warning", is: true } }), [
    "000060",
  ]);
  const r = screen({ where: { op: "flag", flag: "halted", is: true }, columns: ["price"] }, {
    matrix: DAY,
  });
  assert.deepEqual(r.rows[0].flags, ["halted", "investment_warning"]);
  assert.equal(r.rows[0].market, "KONEX");
  assert.equal(
    screen({ where: { op: "eq", ind: "price", value: 500 } }, { matrix: DAY }).rows[0].sector,
    null,
  );
});

Deno.test("sorting: by any indicator, nulls last in both directions, then by code; several keys", () => {
  assert.deepEqual(codes({ sort: [{ by: "per", dir: "asc" }] }), [
    "000010",
    "000060",
    "000040",
    "000020",
    "000050",
    "000030",
  ]);
  assert.deepEqual(codes({ sort: [{ by: "per", dir: "desc" }] }), [
    "000050",
    "000020",
    "000040",
    "000010",
    "000060",
    "000030",
  ]);
  assert.deepEqual(codes({ sort: [{ by: "ret_3m", dir: "desc" }, { by: "price", dir: "desc" }] }), [
    "000030",
    "000010",
    "000040",
    "000020",
    "000060",
    "000050",
  ]);
  assert.deepEqual(
    codes({}),
    ["000010", "000020", "000030", "000040", "000050", "000060"],
    "default: market cap desc",
  );
  assert.deepEqual(codes({ sort: [{ by: "name", dir: "desc" }] }).slice(0, 2), [
    "000060",
    "000050",
  ]);
});

Deno.test("columns and cursor paging: pages cover every match once; a cursor of another query is refused", () => {
  const q: ScreenQuery = {
    sort: [{ by: "price", dir: "asc" }],
    columns: ["price", "per"],
    limit: 4,
  };
  const p1 = screen(q, { matrix: DAY });
  assert.equal(p1.total, 6);
  assert.deepEqual(p1.columns, ["price", "per"]);
  assert.deepEqual(p1.rows.map((r) => r.values), [[100, 5], [200, 15], [300, null], [400, 8]]);
  assert.ok(p1.next_cursor);
  const p2 = screen({ ...q, cursor: p1.next_cursor! }, { matrix: DAY });
  assert.deepEqual(p2.rows.map((r) => r.code), ["000050", "000060"]);
  assert.equal(p2.next_cursor, null);
  assert.throws(
    () =>
      screen({ ...q, sort: [{ by: "price", dir: "desc" }], cursor: p1.next_cursor! }, {
        matrix: DAY,
      }),
    (e) => e instanceof ScreenQueryError && e.issues[0].path === "cursor",
  );
  assert.throws(() => screen({ ...q, cursor: "!!" }, { matrix: DAY }), ScreenQueryError);
  assert.throws(
    () => screen({ ...q, as_of: "2026-11-19" }, { matrix: DAY }),
    (e) => e instanceof ScreenQueryError && e.issues[0].path === "as_of",
  );
  // default columns: price, ret_1d, mcap, the sort keys and the indicators used
  const n = normalizeQuery(
    parseScreenQuery({ where: { op: "gt", ind: "roe", ref: "per" }, sort: [{ by: "sma_20" }] }),
  );
  assert.deepEqual(n.columns, ["price", "ret_1d", "mcap", "sma_20", "roe", "per"]);
});

Deno.test("invalid queries name the bad path", () => {
  rejects(
    {
      where: {
        op: "and",
        of: [{ op: "gt", ind: "per", value: 1 }, { op: "gt", ind: "nope", value: 1 }],
      },
    },
    "where.of[1].ind",
    /unknown indicator "nope"/,
  );
  rejects({ where: { op: "between", ind: "per", min: 5, max: 1 } }, "where.max", /≥ min/);
  rejects(
    { where: { op: "gt", ind: "per", value: 1, ref: "roe" } },
    "where.value",
    /either value or ref/,
  );
  rejects({ where: { op: "gt", ind: "per" } }, "where.value");
  rejects({ where: { op: "gt", ind: "per", value: "3" } }, "where.value");
  rejects({ where: { op: "gt", ind: "per", value: 1, extra: true } }, "where");
  rejects({ where: { op: "maybe", ind: "per" } }, "where.op");
  rejects(
    { where: { op: "crosses_above", ind: "sma_20", ref: "sma_60", within: 0 } },
    "where.within",
  );
  rejects({ where: { op: "in", ind: "per", values: [] } }, "where.values");
  rejects({ where: { op: "flag", flag: "bankrupt", is: true } }, "where.flag");
  rejects({ limit: 501 }, "limit");
  rejects({ markets: ["NASDAQ"] }, "markets[0]");
  rejects({ sort: [{ by: "nope" }] }, "sort[0].by");
  rejects({ columns: ["per", "x"] }, "columns[1]");
  rejects({ as_of: "2026/11/20" }, "as_of");
  let deep: unknown = { op: "gt", ind: "per", value: 1 };
  for (let k = 0; k < 10; k++) deep = { op: "not", of: deep };
  rejects({ where: deep }, "where.of.of.of.of.of.of.of.of.of", /deeper than 8/);
  rejects({
    where: {
      op: "and",
      of: Array.from({ length: 201 }, () => ({ op: "gt", ind: "per", value: 1 })),
    },
  }, "where.of");
});

Deno.test("normalized key: order of and/or children, markets and in-values does not matter; conditions and sort do", () => {
  const key = (q: ScreenQuery) => queryKey(normalizeQuery(parseScreenQuery(q)));
  const a = key({
    markets: ["KOSPI", "KOSDAQ"],
    where: {
      op: "and",
      of: [{ op: "lt", ind: "per", value: 10 }, {
        op: "and",
        of: [{ op: "in", ind: "roe", values: [3, 1] }, { op: "gt", ind: "roe", value: 5 }],
      }],
    },
  });
  const b = key({
    markets: ["KOSDAQ", "KOSPI", "KOSDAQ"],
    where: {
      op: "and",
      of: [{ op: "gt", ind: "roe", value: 5 }, { op: "in", ind: "roe", values: [1, 3, 3] }, {
        op: "lt",
        ind: "per",
        value: 10,
      }],
    },
    columns: ["per"],
    limit: 10,
  });
  assert.equal(a, b);
  assert.match(a, /^sq1-[0-9a-f]{16}$/);
  assert.notEqual(
    key({ where: { op: "lt", ind: "per", value: 10 } }),
    key({ where: { op: "lt", ind: "per", value: 11 } }),
  );
  assert.notEqual(
    key({ sort: [{ by: "per", dir: "asc" }] }),
    key({ sort: [{ by: "per", dir: "desc" }] }),
  );
  assert.equal(
    key({ where: { op: "not", of: { op: "not", of: { op: "gt", ind: "per", value: 1 } } } }),
    key({ where: { op: "gt", ind: "per", value: 1 } }),
  );
  assert.equal(
    key({ where: { op: "gt", ind: "sma_20", ref: "sma_60", factor: 1 } }),
    key({ where: { op: "gt", ind: "sma_20", ref: "sma_60" } }),
  );
  // a normalized query gives the same rows as the raw one
  const raw = {
    where: {
      op: "or",
      of: [{ op: "gt", ind: "roe", value: 10 }, { op: "lt", ind: "per", value: 6 }],
    },
  } as ScreenQuery;
  assert.deepEqual(
    runScreen(normalizeQuery(parseScreenQuery(raw)), { matrix: DAY }).rows,
    screen(raw, { matrix: DAY }).rows,
  );
});

Deno.test("presets: the seven issue presets validate, run on a synthetic market, and their rows satisfy them", () => {
  assert.deepEqual(PRESETS.map((p) => p.name_ko), [
    "가치",
    "성장",
    "모멘텀",
    "배당",
    "퀄리티",
    "저변동성",
    "신규상장",
  ]);
  const m = syntheticMarket({ instruments: 400, days: 400, seed: 21 });
  const matrix = new MarketComputer(m).computeDay(399);
  for (const p of PRESETS) {
    const r = screen({ ...p.query, limit: 500 }, { matrix });
    assert.ok(r.total > 0, `${p.id} found nothing`);
    for (const row of r.rows) assert.ok(!row.flags.includes("halted"), p.id);
  }
  const value = screen({ ...presetOf("value"), limit: 500 }, { matrix });
  const per = column(matrix, "per")!;
  for (const row of value.rows) {
    const v = per[matrix.codes.indexOf(row.code)];
    assert.ok(v >= 0 && v <= 10, `PER ${v}`);
  }
  const pers = value.rows.map((row) => per[matrix.codes.indexOf(row.code)]);
  assert.deepEqual(pers, [...pers].sort((a, b) => a - b), "sorted by PER ascending");
});

function presetOf(id: string): ScreenQuery {
  return PRESETS.find((p) => p.id === id)!.query;
}
