/**
 * The market-data API on a seeded market: every route's shape against its OpenAPI schema,
 * windows and ranges, 400/404 problems, holiday vs not-collected days, search and paging,
 * ETag revalidation after a write, and the price route's last-close fallback.
 */
import assert from "node:assert/strict";
import { BAR_FIELDS, type DailyBar } from "../lib/market/model.ts";
import { addDays, rangeStart } from "../lib/market/range.ts";
import { getBars, getDay, putBars } from "../lib/store/market.ts";
import { HOLIDAY_PROBLEM, NOT_COLLECTED_PROBLEM } from "../routes/market.ts";
import { instrumentRank as searchRank } from "../lib/search.ts";
import { contract, type Json } from "./helpers/contract.ts";
import {
  buildMarketApp,
  COLLECTED_HOLIDAY,
  FILLERS,
  HANBIT_CORP,
  IPO_CODE,
  LATEST,
  NO_BARS,
  STOCKS,
} from "./helpers/market.ts";

const LIST = "/api/v1/market/instruments";
const ONE = "/api/v1/market/instruments/{code}";
const DAILY = "/api/v1/market/instruments/{code}/daily";
const DAY = "/api/v1/market/days/{date}";
const INDICES = "/api/v1/market/indices";
const INDEX_DAILY = "/api/v1/market/indices/{index_code}/daily";
const FLOWS = "/api/v1/market/flows";

const DAILY_BAR_KEYS = ["date", "code", ...BAR_FIELDS].sort();

Deno.test("[market api] instruments: list, market filter, search ranking, cursor paging", async () => {
  const t = await buildMarketApp();
  try {
    const check = await contract(t.app);
    const all = await check(LIST, LIST, 200);
    const total = STOCKS.length + FILLERS.length + 1;
    assert.equal(all.total, total);
    assert.equal(all.items.length, 50 > total ? total : 50);
    const codes = all.items.map((i: Json) => i.code);
    assert.deepEqual(codes, [...codes].sort(), "by code");
    assert.ok(all.items.every((i: Json) => !("updated_at" in i)), "store fields stay internal");

    const konex = await check(`${LIST}?market=KONEX`, LIST, 200);
    assert.deepEqual(konex.items.map((i: Json) => i.code), ["278690"]);

    // exact code first, then name matches; ISIN and English names are searchable
    const q = await check(`${LIST}?q=${encodeURIComponent("한빛")}`, LIST, 200);
    assert.deepEqual(q.items.map((i: Json) => i.code), ["402760"]);
    const byCode = await check(`${LIST}?q=0091a0`, LIST, 200);
    assert.equal(byCode.items[0].code, IPO_CODE);
    const isin = await check(`${LIST}?q=KR7402760008`, LIST, 200);
    assert.equal(isin.items[0].code, "402760");
    const en = await check(`${LIST}?q=hanbit%20semi`, LIST, 200);
    assert.equal(en.items[0].code, "402760");
    const fill = await check(
      `${LIST}?q=${encodeURIComponent("테스트 종목0")}&limit=100`,
      LIST,
      200,
    );
    assert.equal(fill.total, 9, "테스트종목01..09, spaces ignored");
    const none = await check(`${LIST}?q=zzzz`, LIST, 200);
    assert.equal(none.total, 0);
    assert.equal(none.next_cursor, null);

    // cursor paging visits every instrument once
    const seen: string[] = [];
    let url = `${LIST}?market=KOSDAQ&limit=7`;
    for (let i = 0; i < 20; i++) {
      const page = await check(url, LIST, 200);
      seen.push(...page.items.map((x: Json) => x.code));
      if (!page.next_cursor) break;
      url = `${LIST}?market=KOSDAQ&limit=7&cursor=${page.next_cursor}`;
    }
    const kosdaq = STOCKS.filter((s) => s.market === "KOSDAQ").length + FILLERS.length + 1;
    assert.equal(seen.length, kosdaq);
    assert.equal(new Set(seen).size, kosdaq);

    const bad = await check(`${LIST}?cursor=nope`, LIST, 400);
    assert.equal(bad.errors[0].path, "cursor");
    await check(`${LIST}?limit=0`, LIST, 400);
    await check(`${LIST}?limit=501`, LIST, 400);
    await check(`${LIST}?market=NYSE`, LIST, 400);
    await check(`${LIST}?q=${"x".repeat(101)}`, LIST, 400);
  } finally {
    await t.close();
  }
});

Deno.test("[market api] searchRank orders code, name, prefix, contains", () => {
  const inst = {
    code: "402760",
    isin: "KR7402760008",
    name: "한빛반도체",
    name_full: "한빛반도체 보통주",
    name_en: "HANBIT SEMICONDUCTOR",
    market: "KOSPI" as const,
    sector: null,
    security_group: null,
    stock_kind: null,
    par_value: null,
    listing_date: null,
    shares: null,
    updated_at: "",
  };
  assert.equal(searchRank(inst, "402760"), 0);
  assert.equal(searchRank(inst, "kr7402760008"), 0);
  assert.equal(searchRank(inst, "한빛 반도체"), 1);
  assert.equal(searchRank(inst, "4027"), 2);
  assert.equal(searchRank(inst, "한빛"), 3);
  assert.equal(searchRank(inst, "반도체"), 4);
  assert.equal(searchRank(inst, "보통주"), 5);
  assert.equal(searchRank(inst, "삼성"), null);
  assert.equal(searchRank(inst, "  "), null);
});

Deno.test("[market api] instrument: summary matches the bars; ISIN; 400 and 404", async () => {
  const t = await buildMarketApp();
  try {
    const check = await contract(t.app);
    const d = await check(`/api/v1/market/instruments/402760`, ONE, 200);
    assert.equal(d.instrument.code, "402760");
    assert.equal(d.instrument.name, "한빛반도체");
    assert.equal(d.corp_code, HANBIT_CORP);
    const bars = t.seeded.bars.get("402760")!;
    const last = bars.at(-1)!;
    assert.equal(d.price.date, LATEST);
    assert.equal(d.price.close, last.close);
    assert.equal(d.price.change, last.change);
    assert.equal(d.price.market_cap, last.market_cap);
    assert.equal(d.price.shares, last.shares);
    // 52 weeks: the 365 days ending at the latest day
    const year = bars.filter((b) => b.date > addDays(LATEST, -365));
    const hi = Math.max(...year.map((b) => b.high!));
    const lo = Math.min(...year.map((b) => b.low!));
    assert.equal(d.price.high_52w, hi);
    assert.equal(d.price.low_52w, lo);
    assert.equal(d.price.high_52w_date, year.find((b) => b.high === hi)!.date);
    assert.equal(d.price.low_52w_date, year.find((b) => b.low === lo)!.date);
    assert.equal(d.price.first_date, bars[0].date);

    const byIsin = await check(`/api/v1/market/instruments/KR7402760008`, ONE, 200);
    assert.equal(byIsin.instrument.code, "402760");
    const fresh = await check(`/api/v1/market/instruments/${NO_BARS}`, ONE, 200);
    assert.equal(fresh.price, null);
    assert.equal(fresh.corp_code, null);
    const nf = await check(`/api/v1/market/instruments/999999`, ONE, 404);
    assert.match(nf.detail, /999999/);
    await check(`/api/v1/market/instruments/12345`, ONE, 400);
    await check(`/api/v1/market/instruments/abcdef`, ONE, 400);
  } finally {
    await t.close();
  }
});

Deno.test("[market api] daily: ranges relative to the latest day, windows, bar shapes", async () => {
  const t = await buildMarketApp();
  try {
    const check = await contract(t.app);
    const bars = t.seeded.bars.get("402760")!;
    const between = (from: string, to: string) =>
      bars.filter((b) => b.date >= from && b.date <= to);
    const url = (q: string) => `/api/v1/market/instruments/402760/daily${q}`;

    const def = await check(url(""), DAILY, 200);
    assert.equal(def.code, "402760");
    assert.equal(def.to, LATEST);
    assert.equal(def.from, rangeStart(LATEST, "1Y"));
    assert.equal(def.from, "2025-11-21");
    assert.deepEqual(def.bars, between(def.from, LATEST), "exactly the stored DailyBars");
    for (const b of def.bars) assert.deepEqual(Object.keys(b).sort(), DAILY_BAR_KEYS);

    const counts: Record<string, number> = {};
    for (const r of ["1M", "3M", "6M", "1Y", "5Y", "10Y", "MAX"]) {
      const res = await check(url(`?range=${r}`), DAILY, 200);
      counts[r] = res.bars.length;
      assert.deepEqual(res.bars, between(res.from, res.to), r);
      assert.equal(res.bars.at(-1).date, LATEST);
    }
    assert.equal(counts["1M"], between("2026-10-21", LATEST).length);
    assert.ok(counts["1M"] >= 18 && counts["1M"] <= 23, `1M: ${counts["1M"]}`);
    assert.ok(counts["1M"] < counts["3M"] && counts["3M"] < counts["6M"]);
    assert.ok(counts["6M"] < counts["1Y"] && counts["1Y"] < counts["5Y"]);
    assert.equal(counts["5Y"], bars.length, "5Y covers the whole seeded history (from 2022)");
    assert.equal(counts["MAX"], bars.length);
    // the window served starts at the first stored day, not at 1956 or five years back
    const max = await check(url("?range=MAX"), DAILY, 200);
    assert.equal(max.from, bars[0].date);
    const fiveY = await check(url("?range=5Y"), DAILY, 200);
    assert.equal(fiveY.from, "2022-01-03");

    const win = await check(url("?from=2026-03-02&to=2026-03-31"), DAILY, 200);
    assert.deepEqual(win.bars, between("2026-03-02", "2026-03-31"));
    assert.equal(win.from, "2026-03-02");
    const toOnly = await check(url("?to=2024-06-28&range=1M"), DAILY, 200);
    assert.equal(toOnly.from, "2024-05-29");
    assert.equal(toOnly.bars.at(-1).date, "2024-06-28");
    const fromOnly = await check(url("?from=2026-11-16"), DAILY, 200);
    assert.equal(fromOnly.bars.length, 5);
    const old = await check(url("?from=1990-01-01&to=2000-12-31"), DAILY, 200);
    assert.deepEqual(old.bars, []);
    assert.deepEqual([old.from, old.to], ["1990-01-01", "2000-12-31"], "an empty window as asked");
    const ipo = await check(`/api/v1/market/instruments/${IPO_CODE}/daily?range=5Y`, DAILY, 200);
    assert.equal(ipo.bars[0].date, "2026-08-11", "a new listing starts at its first day");
    const empty = await check(`/api/v1/market/instruments/${NO_BARS}/daily`, DAILY, 200);
    assert.deepEqual(empty.bars, []);

    const inverted = await check(url("?from=2026-03-31&to=2026-03-02"), DAILY, 400);
    assert.equal(inverted.errors[0].path, "from");
    const afterLatest = await check(url("?from=2026-12-01"), DAILY, 400);
    assert.match(afterLatest.detail, /after/);
    await check(url("?from=2026-02-30"), DAILY, 400);
    await check(url("?to=20260301"), DAILY, 400);
    const both = await check(url("?range=1M&from=2026-01-02"), DAILY, 400);
    assert.equal(both.errors[0].path, "range");
    await check(url("?range=2Y"), DAILY, 400);
    await check(`/api/v1/market/instruments/999999/daily`, DAILY, 404);
    await check(`/api/v1/market/instruments/12/daily`, DAILY, 400);
  } finally {
    await t.close();
  }
});

Deno.test("[market api] days: the cross-section; holidays and uncollected days are told apart", async () => {
  const t = await buildMarketApp();
  try {
    const check = await contract(t.app);
    const day = await check(`/api/v1/market/days/${LATEST}`, DAY, 200);
    assert.equal(day.date, LATEST);
    assert.equal(day.market, null);
    assert.equal(day.count, STOCKS.length);
    assert.deepEqual(day.bars.map((b: Json) => b.code), [
      "204320",
      "402760", // KOSPI
      "0091A0",
      "298040",
      "336150",
      "389470", // KOSDAQ
      "278690", // KONEX
    ]);
    for (const b of day.bars) assert.deepEqual(Object.keys(b).sort(), DAILY_BAR_KEYS);
    // the same numbers as the instrument's series
    const hanbit = day.bars.find((b: Json) => b.code === "402760");
    assert.deepEqual(hanbit, (await getBars(t.kv, "402760", LATEST, LATEST))[0]);

    const kosdaq = await check(`/api/v1/market/days/${LATEST}?market=KOSDAQ`, DAY, 200);
    assert.equal(kosdaq.market, "KOSDAQ");
    assert.deepEqual(kosdaq.bars, await getDay(t.kv, LATEST, "KOSDAQ"));

    const weekend = await check(`/api/v1/market/days/2026-11-21`, DAY, 404);
    assert.equal(weekend.type, HOLIDAY_PROBLEM);
    assert.match(weekend.detail, /weekend/);
    const hangul = await check(`/api/v1/market/days/2026-10-09`, DAY, 404);
    assert.equal(hangul.type, HOLIDAY_PROBLEM);
    assert.match(hangul.detail, /한글날/);
    const collected = await check(`/api/v1/market/days/${COLLECTED_HOLIDAY}`, DAY, 404);
    assert.equal(collected.type, HOLIDAY_PROBLEM);
    assert.match(collected.detail, /KRX reported no trading/);
    const future = await check(`/api/v1/market/days/2026-11-23`, DAY, 404);
    assert.equal(future.type, NOT_COLLECTED_PROBLEM);
    assert.match(future.detail, /not been collected/);

    await check(`/api/v1/market/days/2026-13-01`, DAY, 400);
    await check(`/api/v1/market/days/${LATEST}?market=NYSE`, DAY, 400);
  } finally {
    await t.close();
  }
});

Deno.test("[market api] indices and their daily bars; flows", async () => {
  const t = await buildMarketApp();
  try {
    const check = await contract(t.app);
    const list = await check(INDICES, INDICES, 200);
    assert.equal(list.date, LATEST);
    assert.deepEqual(
      list.items.map((i: Json) => i.index_code),
      ["KOSPI", "KOSDAQ", "KOSPI200", "KRX:코리아 밸류업 지수"],
    );
    const kospi = list.items[0];
    assert.deepEqual(kospi.bar, t.seeded.indices.get("KOSPI")!.at(-1));

    const d = await check(`/api/v1/market/indices/KOSPI/daily?range=3M`, INDEX_DAILY, 200);
    assert.equal(d.name, "코스피");
    assert.equal(d.series, "KOSPI");
    const want = t.seeded.indices.get("KOSPI")!.filter((b) => b.date >= d.from);
    assert.deepEqual(d.bars, want);
    const code = encodeURIComponent("KRX:코리아 밸류업 지수");
    const long = await check(`/api/v1/market/indices/${code}/daily?range=1M`, INDEX_DAILY, 200);
    assert.equal(long.index_code, "KRX:코리아 밸류업 지수");
    assert.ok(long.bars.length >= 18);
    const max = await check(`/api/v1/market/indices/KOSDAQ/daily?range=MAX`, INDEX_DAILY, 200);
    assert.equal(max.bars.length, t.seeded.days.length);
    assert.equal(max.from, t.seeded.days[0]);
    await check(`/api/v1/market/indices/NOPE/daily`, INDEX_DAILY, 404);
    await check(`/api/v1/market/indices/KOSPI/daily?from=x`, INDEX_DAILY, 400);

    const flows = await check(FLOWS, FLOWS, 200);
    assert.equal(flows.to, LATEST);
    assert.equal(flows.from, rangeStart(LATEST, "1M"));
    assert.ok(flows.items.length > 30, "two markets");
    assert.ok(flows.items.every((f: Json) => f.date >= flows.from && f.date <= LATEST));
    const kospiFlows = await check(`${FLOWS}?market=KOSPI&range=3M`, FLOWS, 200);
    assert.equal(kospiFlows.items.length, 30, "every seeded KOSPI day");
    assert.ok(kospiFlows.items.every((f: Json) => f.market === "KOSPI"));
    const seeded = t.seeded.flows.find((f) => f.market === "KOSPI" && f.date === LATEST)!;
    assert.deepEqual(kospiFlows.items.at(-1), seeded);
    await check(`${FLOWS}?from=2026-11-20&to=2026-11-01`, FLOWS, 400);
  } finally {
    await t.close();
  }
});

Deno.test("[market api] cache headers: ETag 304 until a market write, gzip for big bodies", async () => {
  const t = await buildMarketApp();
  try {
    const url = `/api/v1/market/instruments/402760/daily?range=5Y`;
    const a = await t.app.request(url);
    assert.equal(a.status, 200);
    assert.match(a.headers.get("cache-control") ?? "", /public, max-age=60/);
    const etag = a.headers.get("etag")!;
    assert.match(etag, /^W\/"mkt-/);
    await a.body?.cancel();
    const same = await t.app.request(url, { headers: { "if-none-match": etag } });
    assert.equal(same.status, 304);
    assert.equal(await same.text(), "");
    const gz = await t.app.request(url, { headers: { "accept-encoding": "gzip" } });
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    await gz.body?.cancel();

    // a new day moves the epoch: new ETag, new latest day, ranges re-anchored
    const next: DailyBar = {
      ...t.seeded.bars.get("402760")!.at(-1)!,
      date: "2026-11-23",
      close: 99_990,
    };
    await putBars(t.kv, "KOSPI", [next]);
    const after = await t.app.request(url, { headers: { "if-none-match": etag } });
    assert.equal(after.status, 200);
    assert.notEqual(after.headers.get("etag"), etag);
    const body = await after.json();
    assert.equal(body.to, "2026-11-23");
    assert.equal(body.bars.at(-1).close, 99_990);
    const summary = await (await t.app.request("/api/v1/market/instruments/402760")).json();
    assert.equal(summary.price.close, 99_990);
  } finally {
    await t.close();
  }
});

Deno.test("[market api] /api/v1/price falls back to the last KRX close", async () => {
  const t = await buildMarketApp();
  try {
    const check = await contract(t.app);
    const p = await check(`/api/v1/price/402760`, "/api/v1/price/{code}", 200);
    const last = t.seeded.bars.get("402760")!.at(-1)!;
    assert.equal(p.source, "last_close");
    assert.equal(p.price, last.close);
    assert.equal(p.change, last.change);
    assert.equal(p.change_rate, last.change_pct);
    assert.equal(p.time, Date.parse(`${LATEST}T15:30:00+09:00`));
    assert.equal(p.tick, null);
    const none = await check(`/api/v1/price/999999`, "/api/v1/price/{code}", 200);
    assert.equal(none.source, "none");
    assert.equal(none.price, null);
  } finally {
    await t.close();
  }
});

Deno.test("[market api] OpenAPI documents every market route and schema", async () => {
  const t = await buildMarketApp();
  try {
    const doc: Json = await (await t.app.request("/api/openapi.json")).json();
    for (const path of [LIST, ONE, DAILY, DAY, INDICES, INDEX_DAILY, FLOWS]) {
      const op = doc.paths[path]?.get;
      assert.ok(op, `GET ${path}`);
      assert.ok(op.responses["200"].headers?.ETag, `${path} documents its ETag`);
    }
    for (const id of ["DailyBar", "IndexBar", "Instrument", "InvestorFlow", "PriceSummary"]) {
      assert.ok(doc.components.schemas[id], id);
    }
    assert.ok(doc.components.schemas.CompanyMarket, "the snapshot's market section");
    const params = doc.paths[DAILY].get.parameters.map((p: Json) => p.name).sort();
    assert.deepEqual(params, ["code", "from", "range", "to"]);
    assert.equal(doc.paths[DAY].get.operationId, "getMarketDay");
  } finally {
    await t.close();
  }
});
