/**
 * The search index (lib/search.ts) and its store side (CompanySearch in lib/store/corps.ts):
 * 초성, jamo of a syllable being typed, codes and ISIN, ranking, paging, the join of the
 * corp master with KRX instruments, quotes, and rebuilds only when the data changes.
 */
import assert from "node:assert/strict";
import {
  type CorpRecord,
  initialsOf,
  type InstrumentRecord,
  isInitials,
  normalizeName,
  SearchIndex,
  searchTextWork,
} from "../lib/search.ts";
import { CompanySearch, upsertCorpMaster } from "../lib/store/corps.ts";
import { putBars, putInstruments } from "../lib/store/market.ts";
import { marketCacheFor } from "../lib/store/market_cache.ts";
import type { DailyBar, Instrument } from "../lib/market/model.ts";
import { withKv } from "./helpers/kv.ts";

const corps: CorpRecord[] = [
  { corp_code: "00126380", corp_name: "삼성전자", stock_code: "005930", corp_eng_name: "SAMSUNG" },
  { corp_code: "00126381", corp_name: "삼성SDI", stock_code: "006400" },
  { corp_code: "00126382", corp_name: "삼성출판사", stock_code: "068290" },
  { corp_code: "00200001", corp_name: "사무라이", stock_code: null },
  { corp_code: "00300001", corp_name: "가람에너지", stock_code: "336150" },
  { corp_code: "00300002", corp_name: "한가람", stock_code: null },
  { corp_code: "00300003", corp_name: "가람", stock_code: null },
  { corp_code: "00400001", corp_name: "과일나라", stock_code: null },
  { corp_code: "00500001", corp_name: "주식회사 한빛테크", stock_code: null },
  { corp_code: "00600001", corp_name: "동녘물산", stock_code: null },
  { corp_code: "00600002", corp_name: "동녘물산", stock_code: "123450" },
];
const inst = (code: string, name: string, market = "KOSPI"): InstrumentRecord => ({
  code,
  isin: `KR7${code}003`,
  name,
  market,
});
const instruments: InstrumentRecord[] = [
  inst("005930", "삼성전자"),
  inst("006400", "삼성SDI"),
  inst("068290", "삼성출판사", "KOSDAQ"),
  inst("336150", "가람에너지", "KOSDAQ"),
  { ...inst("069500", "샘플200"), name_en: "SAMPLE 200 ETF" }, // no corp: an ETF
];
const index = SearchIndex.build(corps, instruments);
const names = (q: string, limit = 20) => index.search(q, { limit }).hits.map((h) => h.name);
const matches = (q: string) =>
  index.search(q, { limit: 50 }).hits.map((h) => `${h.name}:${h.match}`);

Deno.test("[search] normalizeName, 초성 helpers (es-hangul)", () => {
  assert.equal(normalizeName("(주)한빛 테크"), "한빛테크");
  assert.equal(normalizeName("주식회사 Hanbit-Tech."), "hanbittech");
  assert.equal(initialsOf("가람에너지"), "ㄱㄹㅇㄴㅈ");
  assert.equal(initialsOf("lg에너지솔루션"), "ㅇㄴㅈㅅㄹㅅ");
  assert.ok(isInitials("ㅅㅅ") && isInitials("ㄲㅆ"));
  assert.ok(!isInitials("삼ㅅ") && !isInitials("ㅏ") && !isInitials(""));
});

Deno.test("[search] one entry per listing or company: instruments joined to the corp master", () => {
  assert.equal(index.size, corps.length + 1, "every corp once, plus the ETF");
  const samsung = index.byStock("005930")!;
  assert.deepEqual(
    [samsung.corp_code, samsung.market, samsung.isin],
    ["00126380", "KOSPI", "KR7005930003"],
  );
  assert.equal(index.byStock("KR7005930003")?.corp_code, "00126380", "by ISIN");
  const etf = index.byStock("069500")!;
  assert.deepEqual([etf.corp_code, etf.market, etf.name], [null, "KOSPI", "샘플200"]);
  const unlisted = index.byCorp("00200001")!;
  assert.deepEqual([unlisted.stock_code, unlisted.market], [null, null]);
  // A listed corp-master row without an instrument keeps its stock code, no market.
  assert.deepEqual(
    [index.byStock("123450")?.corp_code, index.byStock("123450")?.market],
    ["00600002", null],
  );
});

Deno.test('[search] 초성: "ㄱㄹ" finds names whose initials start with or contain it', () => {
  assert.deepEqual(matches("ㄱㄹ"), [
    "가람에너지:initials_prefix", // listed first
    "가람:initials_prefix",
    "한가람:initials_contains",
  ]);
  // "삼성" and "ㅅㅅ" both find 삼성전자.
  assert.ok(names("삼성").includes("삼성전자"));
  assert.ok(names("ㅅㅅ").includes("삼성전자"));
  assert.deepEqual(names("ㅅㅅ").slice(0, 3).sort(), ["삼성SDI", "삼성전자", "삼성출판사"].sort());
  assert.deepEqual(names("ㅎㅂㅌㅋ"), ["주식회사 한빛테크"]);
  assert.deepEqual(names("ㅋㅋㅋ"), []);
});

Deno.test("[search] the syllable still being typed (IME composition)", () => {
  assert.deepEqual(names("삼서").sort(), ["삼성SDI", "삼성전자", "삼성출판사"].sort());
  assert.deepEqual(names("삼ㅅ").sort(), ["삼성SDI", "삼성전자", "삼성출판사"].sort());
  // "사": 사무라이 starts with it; 삼성… may be what is being typed (ranked after).
  assert.deepEqual(matches("사").slice(0, 1), ["사무라이:name_prefix"]);
  assert.ok(matches("사").includes("삼성전자:partial"));
  // "삼": the final ㅁ may still move on: 사무라이.
  assert.ok(matches("삼").includes("사무라이:partial"));
  // "고" may become "과".
  assert.deepEqual(matches("고"), ["과일나라:partial"]);
});

Deno.test("[search] codes: 종목코드, 고유번호 and ISIN, exact and prefix", () => {
  assert.deepEqual(matches("005930")[0], "삼성전자:code");
  assert.deepEqual(matches("00126381")[0], "삼성SDI:code");
  assert.deepEqual(matches("kr7006400003")[0], "삼성SDI:code", "ISIN, case ignored");
  assert.deepEqual(matches("KR7068"), ["삼성출판사:code_prefix"]);
  assert.deepEqual(names("0059"), ["삼성전자"]);
  assert.deepEqual(names("0012638").sort(), ["삼성SDI", "삼성전자", "삼성출판사"].sort());
  // Two digits: 종목코드 prefixes (and names with "00"), but no flood of 고유번호 prefixes.
  assert.deepEqual(names("00"), ["삼성전자", "삼성SDI", "샘플200"]);
});

Deno.test("[search] ranking: code, name, code prefix, name prefix, 초성, contains, English", () => {
  const idx = SearchIndex.build(
    [
      { corp_code: "00000001", corp_name: "가람", stock_code: "000010" },
      { corp_code: "00000002", corp_name: "가람전자", stock_code: null },
      { corp_code: "00000003", corp_name: "한가람", stock_code: null },
      { corp_code: "00000004", corp_name: "나가람산업", stock_code: null },
      { corp_code: "00000005", corp_name: "다온", corp_eng_name: "GARAM HOLDINGS" },
    ],
    [{ code: "000010", isin: null, name: "가람", market: "KONEX" }],
  );
  assert.deepEqual(
    idx.search("가람", { limit: 10 }).hits.map((h) => `${h.name}:${h.match}`),
    ["가람:name", "가람전자:name_prefix", "한가람:name_contains", "나가람산업:name_contains"],
  );
  assert.deepEqual(idx.search("garam").hits.map((h) => `${h.name}:${h.match}`), [
    "다온:other_name",
  ]);
  // Within a rank: listed first, then shorter names, then 가나다.
  assert.deepEqual(names("삼성"), ["삼성전자", "삼성SDI", "삼성출판사"]);
  assert.deepEqual(names("동녘물산").length, 2, "a shared name lists both");
  assert.equal(index.search("동녘물산").hits[0].stock_code, "123450", "the listed one first");
  assert.deepEqual(index.search("   ").hits, []);
  assert.deepEqual(index.search("(주)").hits, []);
});

Deno.test("[search] paging: pages concatenate to the whole ranked list, no repeats", () => {
  const many: CorpRecord[] = Array.from({ length: 137 }, (_, i) => ({
    corp_code: String(10_000_000 + i),
    corp_name: `가온${String(i).padStart(3, "0")}`,
  }));
  const idx = SearchIndex.build(many, []);
  const all = idx.search("가온", { limit: 1000 });
  assert.equal(all.total, 137);
  const paged: string[] = [];
  for (let offset = 0; offset < all.total; offset += 20) {
    const page = idx.search("가온", { offset, limit: 20 });
    assert.equal(page.total, 137);
    assert.equal(page.offset, offset);
    paged.push(...page.hits.map((h) => h.corp_code!));
  }
  assert.deepEqual(paged, all.hits.map((h) => h.corp_code));
  assert.equal(new Set(paged).size, 137);
  assert.deepEqual(idx.search("가온", { offset: 200, limit: 20 }).hits, []);
});

Deno.test("[search] a query over ~3,000 entries only compares: text work is done once, at build", () => {
  const syl = "가나다라마바사아자차카타파하한빛누리세온";
  const corps: CorpRecord[] = [];
  const insts: InstrumentRecord[] = [];
  for (let i = 0; i < 3_000; i++) {
    const name = [...String(i * 7919)].map((d) => syl[Number(d) * 2 % syl.length]).join("") +
      ["전자", "바이오", "화학"][i % 3];
    const stock = String(100_000 + i);
    corps.push({ corp_code: String(20_000_000 + i), corp_name: name, stock_code: stock });
    if (i < 2_700) insts.push({ code: stock, isin: null, name, market: "KOSDAQ" });
  }
  const w0 = searchTextWork();
  const idx = SearchIndex.build(corps, insts);
  const built = searchTextWork() - w0;
  assert.equal(idx.size, 3_000);
  assert.ok(built >= 3_000 && built <= 3_000 * 6, `${built} text operations to build`);
  const small = SearchIndex.build(corps.slice(0, 30), insts.slice(0, 30));
  // Counted, not timed (bench/search.ts: ~0.3 ms a query on a quiet machine): the text work
  // of a query is the query's own, the same over 30 entries as over 3,000.
  const queries = ["가", "ㄱㄴ", "100200", "한빛", "없는회사", "누리바", "Hanbit", "삼ㅅ"];
  const work = (index: SearchIndex) => {
    const before = searchTextWork();
    for (const q of queries) index.search(q, { limit: 20 });
    return searchTextWork() - before;
  };
  const perQueries = work(idx);
  assert.equal(perQueries, work(small));
  assert.ok(perQueries <= 2 * queries.length, `${perQueries} text operations for 8 queries`);
  assert.ok(idx.search("가", { limit: 20 }).total > 100, "a query that matches many");
});

const bar = (code: string, date: string, close: number, change: number): DailyBar => ({
  date,
  code,
  open: close,
  high: close,
  low: close,
  close,
  change,
  change_pct: Math.round(change / (close - change) * 10000) / 100,
  volume: 1000,
  value: close * 1000,
  market_cap: close * 1_000_000,
  shares: 1_000_000,
});
const instrument = (code: string, name: string): Instrument => ({
  code,
  isin: null,
  name,
  name_full: null,
  name_en: null,
  market: "KOSDAQ",
  sector: null,
  security_group: "주권",
  stock_kind: "보통주",
  par_value: 500,
  listing_date: "2020-01-02",
  shares: 1_000_000,
});
const corp = (code: string, name: string, stock: string | null) => ({
  corp_code: code,
  corp_name: name,
  corp_eng_name: null,
  stock_code: stock,
  modify_date: "2026-01-01",
});

Deno.test("[search] CompanySearch: quotes, and a rebuild only when the corp master or instruments change", () =>
  withKv(async (kv) => {
    marketCacheFor(kv, { ttlMs: 0 });
    const s = new CompanySearch(kv, { checkMs: 0 });
    await upsertCorpMaster(kv, [corp("00000001", "한빛전자", "000010")]);
    await putInstruments(kv, [instrument("000010", "한빛전자")]);
    await putBars(kv, "KOSDAQ", [
      bar("000010", "2026-11-19", 10_000, 0),
      bar("000010", "2026-11-20", 10_500, 500),
    ]);
    const page = await s.search("한빛");
    assert.deepEqual(page.hits[0].quote, {
      date: "2026-11-20",
      close: 10_500,
      change: 500,
      change_pct: 5,
    });
    assert.equal(s.builds, 1);
    await s.search("한빛");
    await upsertCorpMaster(kv, [corp("00000001", "한빛전자", "000010")]); // unchanged sync
    await putBars(kv, "KOSDAQ", [bar("000010", "2026-11-23", 10_400, -100)]); // prices only
    assert.equal((await s.search("한빛")).hits[0].quote?.close, 10_400, "quotes follow prices");
    assert.equal(s.builds, 1, "no rebuild for new prices or an unchanged corp master");

    await upsertCorpMaster(kv, [
      corp("00000001", "한빛전자", "000010"),
      corp("00000002", "누리바이오", null),
    ]);
    assert.deepEqual((await s.search("누리")).hits.map((h) => h.corp_code), ["00000002"]);
    assert.equal(s.builds, 2, "a changed corp master rebuilds");
    await putInstruments(kv, [instrument("069500", "샘플200")]);
    const etf = (await s.search("샘플")).hits[0];
    assert.deepEqual([etf.stock_code, etf.corp_code], ["069500", null]);
    assert.equal(s.builds, 3, "a new instrument rebuilds");
  }));
