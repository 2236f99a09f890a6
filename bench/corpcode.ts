// deno-lint-ignore-file no-console
/**
 * Benchmark: a generated 100,000-row corpCode ZIP (the real CORPCODE.xml layout) is
 * fetched by the real DartClient from an in-process fixture OpenDART, kept in the raw store
 * (gzip blob, masked request), unzipped, parsed, normalized and stored into a fresh
 * file-backed KV; then the same file is synced again (the incremental path: nothing
 * changed). Prints one JSON line.
 *
 * Run: deno run -A bench/corpcode.ts [rows]
 */
import JSZip from "jszip";
import { parseCorpCodeXml, parseCorpCodeZip } from "../lib/sources/dart/parse.ts";
import { DartClient } from "../lib/sources/dart/client.ts";
import { HttpClient } from "../lib/http/mod.ts";
import { listRaw } from "../lib/store/raw.ts";
import { syncCorpMaster } from "../lib/etl/dart_collect.ts";
import { searchCorps } from "../lib/store/corps.ts";

const rows = Number(Deno.args[0] ?? 100_000);

function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
function corpXml(n: number): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<result>\n'];
  for (let i = 0; i < n; i++) {
    const listed = i % 25 === 0;
    const code = String(434003 + i * 7).padStart(8, "0");
    const stock = listed ? String(100000 + i).slice(-6) : " ";
    parts.push(
      `    <list>\n        <corp_code>${code}</corp_code>\n        <corp_name>${
        esc(`가상기업${i}`)
      }</corp_name>\n        <corp_eng_name>${
        i % 3 ? esc(`Virtual & Co ${i}`) : " "
      }</corp_eng_name>\n        <stock_code>${stock}</stock_code>\n        <modify_date>2026${
        String(1 + (i % 12)).padStart(2, "0")
      }15</modify_date>\n    </list>\n`,
    );
  }
  parts.push("</result>\n");
  return parts.join("");
}

const zip = new JSZip();
zip.file("CORPCODE.xml", corpXml(rows));
const zipBytes = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
const rssBefore = peakRssMb();

const dir = await Deno.makeTempDir({ prefix: "kdesk-bench-" });
const kv = await Deno.openKv(`${dir}/kv.sqlite`);
// The real client against a fetch that serves the generated ZIP as OpenDART would.
const KEY = "bench-key-0000000000000000000000000000000";
const fakeFetch = (input: RequestInfo | URL) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!url.pathname.endsWith("/corpCode.xml") || url.searchParams.get("crtfc_key") !== KEY) {
    return Promise.resolve(new Response("not found", { status: 404 }));
  }
  return Promise.resolve(
    new Response(zipBytes as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "application/x-msdownload" },
    }),
  );
};
const api = new DartClient({
  kv,
  apiKey: KEY,
  baseUrl: "https://opendart.bench.invalid/api",
  http: new HttpClient({ source: "dart", retries: 0, fetch: fakeFetch as typeof fetch }),
});

let t = performance.now();
const parsed = await parseCorpCodeZip(zipBytes);
const parseMs = performance.now() - t;

// Baseline in the same run: unzip + fast-xml-parser over the whole document (STACK.md's path).
t = performance.now();
const xml = await (await JSZip.loadAsync(zipBytes)).file("CORPCODE.xml")!.async("string");
parseCorpCodeXml(xml, { fast: false });
const baselineMs = performance.now() - t;

t = performance.now();
const first = await syncCorpMaster(kv, api);
const fullMs = performance.now() - t;

t = performance.now();
const second = await syncCorpMaster(kv, api);
const incrementalMs = performance.now() - t;

t = performance.now();
const hits = await searchCorps(kv, "가상기업9999", 5);
const searchColdMs = performance.now() - t;
t = performance.now();
await searchCorps(kv, "가상기업12345", 5);
const searchWarmMs = performance.now() - t;

const raws = (await listRaw(kv, "dart", { limit: 10 })).values;
kv.close();
await Deno.remove(dir, { recursive: true });

console.log(JSON.stringify({
  rows,
  parsed: parsed.length,
  zip_bytes: zipBytes.length,
  parse_ms: Math.round(parseMs),
  baseline_xmlparser_ms: Math.round(baselineMs),
  parse_and_store_ms: Math.round(fullMs),
  incremental_ms: Math.round(incrementalMs),
  first,
  second: { added: second.added, changed: second.changed, removed: second.removed },
  search_cold_ms: Math.round(searchColdMs),
  search_warm_ms: Math.round(searchWarmMs * 10) / 10,
  search_top: hits[0]?.corp_name,
  raw_records: raws.length,
  raw_bytes: raws[0]?.size,
  peak_rss_mb_before: rssBefore,
  peak_rss_mb: peakRssMb(),
}));
