// deno-lint-ignore-file no-console
/**
 * Benchmark: the in-memory search index (lib/search.ts) over a generated corp master and
 * instrument list — by default ~3,000 entries (2,700 listed companies, each with its KRX
 * instrument, plus 300 unlisted corps), names drawn from Korean syllables — then a
 * 100,000-row corp master like DART's. For each size: build time, and the median and p95
 * time of a query over typical inputs (a 종목코드, a name, a prefix, 초성, a one-syllable
 * query that matches many, a miss). Prints one JSON line.
 *
 * Run: deno run -A bench/search.ts [entries] [big]
 */
import { type CorpRecord, type InstrumentRecord, SearchIndex } from "../lib/search.ts";

const small = Number(Deno.args[0] ?? 3_000);
const big = Number(Deno.args[1] ?? 100_000);

const SYL = "가나다라마바사아자차카타파하한빛누리세온미르하람다온솔빛새롬나린에이스테크온비트라오";
function names(n: number): string[] {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 2 + Math.floor(rnd() * 4);
    let s = "";
    for (let k = 0; k < len; k++) s += SYL[Math.floor(rnd() * SYL.length)];
    out.push(`${s}${["전자", "바이오", "화학", "건설", "테크", ""][i % 6]}`);
  }
  return out;
}

function data(n: number, listedShare: number) {
  const ns = names(n);
  const corps: CorpRecord[] = [];
  const instruments: InstrumentRecord[] = [];
  ns.forEach((name, i) => {
    const listed = i < n * listedShare;
    const stock = listed ? String(100_000 + i * 7).slice(-6) : "";
    corps.push({
      corp_code: String(100_000 + i * 13).padStart(8, "0"),
      corp_name: name,
      corp_eng_name: `CORP ${i}`,
      stock_code: stock,
    });
    if (listed) {
      instruments.push({
        code: stock,
        isin: `KR7${stock}003`,
        name,
        market: i % 3 ? "KOSDAQ" : "KOSPI",
      });
    }
  });
  return { corps, instruments, sampleName: ns[Math.floor(n / 2)] };
}

function measure(n: number, listedShare: number) {
  const { corps, instruments, sampleName } = data(n, listedShare);
  let t0 = performance.now();
  const idx = SearchIndex.build(corps, instruments);
  const buildMs = performance.now() - t0;
  const queries = [
    instruments[Math.floor(instruments.length / 3)].code,
    sampleName,
    sampleName.slice(0, 2),
    "ㅎㅂ",
    "가",
    "없는회사이름",
  ];
  for (let round = 0; round < 3; round++) for (const q of queries) idx.search(q); // JIT warm-up
  const times: number[] = [];
  const perQuery: Record<string, number[]> = {};
  const hits: Record<string, number> = {};
  for (let round = 0; round < 20; round++) {
    for (const q of queries) {
      t0 = performance.now();
      const page = idx.search(q, { limit: 20 });
      const ms = performance.now() - t0;
      times.push(ms);
      (perQuery[q] ??= []).push(ms);
      hits[q] = page.total;
    }
  }
  const pct = (list: number[], p: number) => {
    const s = [...list].sort((a, b) => a - b);
    return Math.round(s[Math.floor(p * (s.length - 1))] * 1000) / 1000;
  };
  return {
    entries: idx.size,
    build_ms: Math.round(buildMs),
    query_ms_p50: pct(times, 0.5),
    query_ms_p95: pct(times, 0.95),
    query_ms_max: pct(times, 1),
    median_ms_by_query: Object.fromEntries(
      Object.entries(perQuery).map(([q, t]) => [`${q} (${hits[q]} hits)`, pct(t, 0.5)]),
    ),
  };
}

console.log(JSON.stringify({
  bench: "search",
  small: measure(small, 0.9),
  big: measure(big, 0.04),
}));
