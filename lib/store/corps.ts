/**
 * The corp master (corpCode.xml): one record per DART filer, a unique index by stock code,
 * and a compact search index (code, name, stock code) kept as one blob: name search loads
 * it once per process and version, instead of scanning 100,000 KV entries.
 *
 * @module
 */
import { type Corp, MARKET_LABEL, type Profile } from "../etl/schemas.ts";
import { getBlob, putBlob } from "./blobs.ts";
import { keys } from "./keys.ts";
import { AtomicBatcher } from "./kv.ts";

export interface CorpMasterMeta {
  total: number;
  listed: number;
  updated_at: string;
  /** Blob hash of the search index. */
  search_blob: string;
}

export interface CorpMasterResult {
  total: number;
  added: number;
  changed: number;
  removed: number;
  commits: number;
}

export interface CorpHit {
  corp_code: string;
  corp_name: string;
  stock_code: string | null;
  market: string | null;
}

/** Normalizes a company name for matching: drops 주식회사/(주), spaces and case. */
export function normalizeName(name: string): string {
  return name
    .replace(/\(주\)|㈜|주식회사|\(유\)|유한회사/g, "")
    .replace(/[\s·.,&()\-]/g, "")
    .toLowerCase();
}

const same = (a: Corp, b: Corp) =>
  a.corp_name === b.corp_name && a.corp_eng_name === b.corp_eng_name &&
  a.stock_code === b.stock_code && a.modify_date === b.modify_date;

/**
 * Writes the corp master incrementally: only new or changed rows are written; rows gone from
 * the source are removed with their index entries. Each corp and its indexes share a commit.
 */
export async function upsertCorpMaster(kv: Deno.Kv, corps: Corp[]): Promise<CorpMasterResult> {
  const existing = new Map<string, Corp>();
  for await (const e of kv.list<Corp>({ prefix: keys.corpPrefix() }, { batchSize: 1000 })) {
    existing.set(e.value.corp_code, e.value);
  }
  const batch = new AtomicBatcher(kv);
  let added = 0, changed = 0, removed = 0;
  const seen = new Set<string>();
  for (const c of corps) {
    if (seen.has(c.corp_code)) continue;
    seen.add(c.corp_code);
    const old = existing.get(c.corp_code);
    if (old && same(old, c)) continue;
    await batch.group(3, 400);
    if (old) {
      changed++;
      if (old.stock_code && old.stock_code !== c.stock_code) {
        await batch.delete(keys.corpByStock(old.stock_code));
      }
    } else added++;
    await batch.set(keys.corp(c.corp_code), c, 200);
    if (c.stock_code) await batch.set(keys.corpByStock(c.stock_code), c.corp_code, 64);
  }
  for (const [code, old] of existing) {
    if (seen.has(code)) continue;
    removed++;
    await batch.group(2, 200);
    await batch.delete(keys.corp(code));
    if (old.stock_code) await batch.delete(keys.corpByStock(old.stock_code));
  }
  await batch.flush();

  const rows = corps.filter((c) => seen.delete(c.corp_code)); // first occurrence of each code
  const index = rows.map((c) => [c.corp_code, c.corp_name, c.stock_code ?? ""]);
  const blob = await putBlob(
    kv,
    new TextEncoder().encode(JSON.stringify(index)),
    "application/json",
  );
  const meta: CorpMasterMeta = {
    total: rows.length,
    listed: rows.filter((c) => c.stock_code).length,
    updated_at: new Date().toISOString(),
    search_blob: blob.hash,
  };
  await kv.set(keys.corpMasterMeta(), meta);
  return { total: rows.length, added, changed, removed, commits: batch.commits };
}

/** Reads the corp master meta, or null before the first sync. */
export async function getCorpMasterMeta(kv: Deno.Kv): Promise<CorpMasterMeta | null> {
  return (await kv.get<CorpMasterMeta>(keys.corpMasterMeta())).value;
}

/** Reads one corp. */
export async function getCorp(kv: Deno.Kv, corpCode: string): Promise<Corp | null> {
  return (await kv.get<Corp>(keys.corp(corpCode))).value;
}

/** Finds the corp_code of a stock code (unique index). */
export async function corpCodeByStock(kv: Deno.Kv, stockCode: string): Promise<string | null> {
  return (await kv.get<string>(keys.corpByStock(stockCode))).value;
}

interface SearchIndex {
  blob: string;
  rows: { code: string; name: string; norm: string; stock: string }[];
}
const searchCache = new WeakMap<Deno.Kv, SearchIndex>();

async function loadSearchIndex(kv: Deno.Kv): Promise<SearchIndex | null> {
  const meta = await getCorpMasterMeta(kv);
  if (!meta) return null;
  const cached = searchCache.get(kv);
  if (cached?.blob === meta.search_blob) return cached;
  const bytes = await getBlob(kv, meta.search_blob);
  if (!bytes) return null;
  const raw = JSON.parse(new TextDecoder().decode(bytes)) as [string, string, string][];
  const idx: SearchIndex = {
    blob: meta.search_blob,
    rows: raw.map(([code, name, stock]) => ({ code, name, norm: normalizeName(name), stock })),
  };
  searchCache.set(kv, idx);
  return idx;
}

/**
 * Searches corps by corp_code, stock code, or name (exact, then prefix, then substring;
 * listed companies first within each rank). Markets come from stored profiles.
 */
export async function searchCorps(kv: Deno.Kv, q: string, limit = 20): Promise<CorpHit[]> {
  const query = q.trim();
  if (!query) return [];
  const idx = await loadSearchIndex(kv);
  if (!idx) return [];
  const upper = query.toUpperCase();
  const norm = normalizeName(query);
  const scored: { row: SearchIndex["rows"][number]; score: number }[] = [];
  for (const row of idx.rows) {
    let score = 0;
    if (row.code === query || (row.stock && row.stock === upper)) score = 100;
    else if (norm && row.norm === norm) score = 90;
    else if (norm && row.norm.startsWith(norm)) score = 70;
    else if (norm && row.norm.includes(norm)) score = 50;
    else if (/^[0-9A-Z]{2,}$/.test(upper) && row.stock.startsWith(upper)) score = 40;
    if (!score) continue;
    if (row.stock) score += 5;
    scored.push({ row, score });
  }
  scored.sort((a, b) =>
    b.score - a.score || a.row.name.length - b.row.name.length ||
    a.row.name.localeCompare(b.row.name, "ko")
  );
  const top = scored.slice(0, limit).map((s) => s.row);
  const markets = new Map<string, string>();
  for (let i = 0; i < top.length; i += 10) {
    const got = await kv.getMany<Profile[]>(top.slice(i, i + 10).map((r) => keys.profile(r.code)));
    for (const g of got) {
      if (g.value) markets.set(g.value.corp_code, MARKET_LABEL[g.value.corp_cls]);
    }
  }
  return top.map((r) => ({
    corp_code: r.code,
    corp_name: r.name,
    stock_code: r.stock || null,
    market: markets.get(r.code) ?? null,
  }));
}
