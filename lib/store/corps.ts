/**
 * The corp master (corpCode.xml): one record per DART filer, a unique index by stock code,
 * and a compact copy (code, name, stock code, English name) kept as one blob, from which
 * {@linkcode CompanySearch} builds the in-memory search index (`lib/search.ts`) over the
 * corp master and the KRX instruments: loaded once per process and version instead of
 * scanning 100,000 KV entries, rebuilt when either list changes.
 *
 * @module
 */
import { type Corp, MARKET_LABEL, type Profile } from "../etl/schemas.ts";
import { KRX_MARKETS } from "../market/model.ts";
import {
  type CorpRecord,
  normalizeName,
  type SearchHit,
  SearchIndex,
  type SearchOptions,
  type SearchPage,
} from "../search.ts";
import { getBlob, putBlob } from "./blobs.ts";
import { type DataVersion, EpochPoll } from "./epoch.ts";
import { keys } from "./keys.ts";
import { AtomicBatcher } from "./kv.ts";
import { getDay, type StoredInstrument } from "./market.ts";
import { marketCacheFor } from "./market_cache.ts";

export { normalizeName };

export interface CorpMasterMeta {
  total: number;
  listed: number;
  updated_at: string;
  /** Blob hash of the compact copy search is built from (`[code, name, stock, eng][]`). */
  search_blob: string;
}

export interface CorpMasterResult {
  total: number;
  added: number;
  changed: number;
  removed: number;
  commits: number;
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
  const index = rows.map((c) => [
    c.corp_code,
    c.corp_name,
    c.stock_code ?? "",
    c.corp_eng_name ?? "",
  ]);
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

/** Last close and change of a listed code, as of the latest stored trading day. */
export interface Quote {
  date: string;
  close: number | null;
  change: number | null;
  change_pct: number | null;
}

/** A search hit with its quote (null: no stored price). */
export interface QuotedHit extends SearchHit {
  quote: Quote | null;
}

/** A page of quoted hits. */
export interface QuotedPage extends Omit<SearchPage, "hits"> {
  hits: QuotedHit[];
}

interface Built {
  index: SearchIndex;
  /** Corp-master meta versionstamp and blob the index was built from. */
  metaEpoch: string | null;
  blob: string;
  /** The instrument list (the market cache's array) and its signature. */
  instruments: StoredInstrument[];
  instSig: string;
}

/** Instruments are only added or rewritten (with a new `updated_at`), never deleted. */
function instrumentSignature(list: StoredInstrument[]): string {
  let latest = "";
  for (const i of list) if (i.updated_at > latest) latest = i.updated_at;
  return `${list.length}|${latest}`;
}

/** Options of {@linkcode CompanySearch}. */
export interface CompanySearchOptions {
  /** How long a read of the corp master's version is trusted (default 1 s). */
  checkMs?: number;
  /** The clock of that trust (tests). */
  now?: () => number;
}

/** How long a read of the corp master's version is trusted. */
const MASTER_CHECK_MS = 1_000;

/**
 * Search over a KV's corp master and KRX instruments (one per KV: {@linkcode companySearch}).
 * The index is rebuilt when the corp master's blob or the instrument list changes; the
 * version checks cost one `kv.get` per second at most (the market cache's epoch read covers
 * the instruments). Quotes come from the latest trading day's cross-sections, read once per
 * market epoch.
 */
export class CompanySearch {
  #built: Built | null = null;
  #building: Promise<Built> | null = null;
  #master: EpochPoll;
  /** Indexes built so far (a rebuild counter, for tests and metrics). */
  builds = 0;

  /** `checkMs`: how long a read of the corp master's version is trusted (default 1 s). */
  constructor(private kv: Deno.Kv, private opts: CompanySearchOptions = {}) {
    this.#master = new EpochPoll(kv, keys.corpMasterMeta(), undefined, () => {}, opts.now);
  }

  /**
   * The version of the data search answers from (and that maps stock codes to corp codes):
   * the market epoch and the corp master's version ({@linkcode dataVersion}).
   */
  async version(): Promise<string> {
    await this.#master.fresh(this.opts.checkMs ?? MASTER_CHECK_MS);
    const market = await marketCacheFor(this.kv).epoch();
    return this.#versionOf(market, this.#master.epoch);
  }

  /** {@linkcode version} when both reads are fresh, synchronously; else undefined. */
  peekVersion(): string | undefined {
    const master = this.#master.peek(this.opts.checkMs ?? MASTER_CHECK_MS);
    if (master === undefined) return undefined;
    const market = marketCacheFor(this.kv).peekEpoch();
    return market === undefined ? undefined : this.#versionOf(market, master);
  }

  /** The version string of two epochs (the last one is reused: no string per request). */
  #versionOf(market: string | null, master: string | null): string {
    const v = this.#lastVersion;
    if (v && v.market === market && v.master === master) return v.text;
    return (this.#lastVersion = { market, master, text: `${market}|${master}` }).text;
  }
  #lastVersion: { market: string | null; master: string | null; text: string } | null = null;

  /** The current index (built or rebuilt first when the data changed). */
  async index(): Promise<SearchIndex> {
    await this.#master.fresh(this.opts.checkMs ?? MASTER_CHECK_MS);
    const instruments = await marketCacheFor(this.kv).instruments();
    const b = this.#built;
    if (b && b.metaEpoch === this.#master.epoch && b.instruments === instruments) return b.index;
    this.#building ??= this.#rebuild(instruments).finally(() => this.#building = null);
    return (await this.#building).index;
  }

  async #rebuild(instruments: StoredInstrument[]): Promise<Built> {
    const metaEpoch = this.#master.epoch;
    const meta = await getCorpMasterMeta(this.kv);
    const blob = meta?.search_blob ?? "";
    const instSig = instrumentSignature(instruments);
    const b = this.#built;
    if (b && b.blob === blob && b.instSig === instSig) {
      // A new version of the same data (a sync that changed nothing): keep the index.
      return this.#built = { ...b, metaEpoch, instruments };
    }
    const bytes = blob ? await getBlob(this.kv, blob) : null;
    const rows = bytes
      ? (JSON.parse(new TextDecoder().decode(bytes)) as string[][]).map((
        [corp_code, corp_name, stock_code, corp_eng_name],
      ): CorpRecord => ({ corp_code, corp_name, stock_code, corp_eng_name }))
      : [];
    const index = SearchIndex.build(rows, instruments);
    this.builds++;
    return this.#built = { index, metaEpoch, blob, instruments, instSig };
  }

  /** One page of hits for `q`, each with its quote. */
  async search(q: string, opts: SearchOptions = {}): Promise<QuotedPage> {
    const page = (await this.index()).search(q, opts);
    const quotes = await this.quotes(page.hits.flatMap((h) => (h.market ? [h.stock_code!] : [])));
    return {
      ...page,
      hits: page.hits.map((h) => ({
        ...h,
        quote: h.stock_code ? quotes.get(h.stock_code) ?? null : null,
      })),
    };
  }

  /**
   * Quotes of listed codes: the latest stored trading day's bar, else (a code that did not
   * trade that day) its price summary. Codes without any stored price are left out.
   */
  async quotes(codes: string[]): Promise<Map<string, Quote>> {
    const cache = marketCacheFor(this.kv);
    const day = await cache.memo("search:latest_quotes", async () => {
      const date = await cache.latestDay();
      const m = new Map<string, Quote>();
      if (!date) return m;
      for (const mk of KRX_MARKETS) {
        for (const b of await getDay(this.kv, date, mk)) {
          m.set(b.code, { date, close: b.close, change: b.change, change_pct: b.change_pct });
        }
      }
      return m;
    });
    const out = new Map<string, Quote>();
    for (const code of codes) {
      const q = day.get(code);
      if (q) {
        out.set(code, q);
        continue;
      }
      const s = await cache.summary(code);
      if (s) {
        out.set(code, { date: s.date, close: s.close, change: s.change, change_pct: s.change_pct });
      }
    }
    return out;
  }
}

const searches = new WeakMap<Deno.Kv, CompanySearch>();

/** The shared {@linkcode CompanySearch} of a KV (`opts` apply when this call creates it). */
export function companySearch(kv: Deno.Kv, opts?: CompanySearchOptions): CompanySearch {
  let s = searches.get(kv);
  if (!s) searches.set(kv, s = new CompanySearch(kv, opts));
  return s;
}

/**
 * The version of a KV's market data and corp master (moves on every market write and corp
 * master sync): what cached search and market answers are keyed by.
 */
export function dataVersion(kv: Deno.Kv): DataVersion {
  const s = companySearch(kv);
  return { peek: () => s.peekVersion(), read: () => s.version() };
}

/** A company search hit (`GET /api/v1/company/search`). */
export interface CorpHit {
  corp_code: string;
  corp_name: string;
  stock_code: string | null;
  market: string | null;
}

/** Market labels of KRX markets, as DART's corp_cls labels them. */
const KRX_MARKET_LABEL: Record<string, string> = {
  KOSPI: MARKET_LABEL.Y,
  KOSDAQ: MARKET_LABEL.K,
  KONEX: MARKET_LABEL.N,
};

/**
 * Companies only (entries with a corp_code), best first, as {@linkcode CompanySearch}
 * ranks them. The market is the KRX instrument's, else the stored profile's (유가증권,
 * 코스닥, 코넥스, 기타).
 */
export async function searchCorps(kv: Deno.Kv, q: string, limit = 20): Promise<CorpHit[]> {
  const index = await companySearch(kv).index();
  const top: SearchHit[] = [];
  for (let offset = 0; top.length < limit; offset += 100) {
    const page = index.search(q, { offset, limit: 100 });
    top.push(...page.hits.filter((h) => h.corp_code).slice(0, limit - top.length));
    if (offset + 100 >= page.total) break;
  }
  const markets = new Map<string, string>();
  const unknown = top.filter((h) => !h.market).map((h) => h.corp_code!);
  for (let i = 0; i < unknown.length; i += 10) {
    const got = await kv.getMany<Profile[]>(unknown.slice(i, i + 10).map((c) => keys.profile(c)));
    for (const g of got) {
      if (g.value) markets.set(g.value.corp_code, MARKET_LABEL[g.value.corp_cls]);
    }
  }
  return top.map((h) => ({
    corp_code: h.corp_code!,
    corp_name: h.corp_name ?? h.name,
    stock_code: h.stock_code,
    market: (h.market ? KRX_MARKET_LABEL[h.market] : markets.get(h.corp_code!)) ?? null,
  }));
}
