/**
 * Search over every company and instrument kdesk knows: the DART corp master (corpCode.xml)
 * and the KRX instruments, joined by stock code into one entry per company or listing. An
 * in-memory {@linkcode SearchIndex} is built once from both lists (the store rebuilds it when
 * either changes, `lib/store/corps.ts`) and answers a query by one pass over precomputed keys.
 *
 * A query matches by code (종목코드, 고유번호, ISIN), by name (spaces, punctuation, case and
 * legal forms such as (주) ignored), by 초성 ("ㄱㄹ" finds 가람에너지: the initial consonants
 * start with or contain the query) and by jamo, so a syllable still being composed in an IME
 * ("삼서" on the way to "삼성") already finds its names. Hangul disassembly is es-hangul's.
 *
 * Ranks, best first ({@linkcode MatchKind}): exact code, exact name, code prefix, name
 * prefix, 초성 prefix, name contains, 초성 contains, jamo prefix (the last syllable still
 * being typed), English or full name contains. Within a rank: KRX instruments first, then
 * other listed companies, then shorter names, then 가나다 order.
 *
 * Pure: no I/O.
 *
 * @module
 */
import {
  canBeChoseong,
  canBeJongseong,
  combineCharacter,
  disassemble,
  disassembleCompleteCharacter,
  getChoseong,
} from "es-hangul";

/** A corp-master row as search needs it. */
export interface CorpRecord {
  corp_code: string;
  corp_name: string;
  corp_eng_name?: string | null;
  /** 종목코드 when listed ("" or null otherwise). */
  stock_code?: string | null;
}

/** A KRX instrument as search needs it. */
export interface InstrumentRecord {
  code: string;
  isin: string | null;
  name: string;
  name_full?: string | null;
  name_en?: string | null;
  market: string;
}

/** One searchable entity: a company, an instrument, or both joined by stock code. */
export interface SearchEntry {
  /** DART 고유번호; null for an instrument no corp-master row lists. */
  corp_code: string | null;
  /** 종목코드 (the instrument's, else the corp master's); null when unlisted. */
  stock_code: string | null;
  isin: string | null;
  /** The display name: the instrument's 종목명 when it is one, else the corp name. */
  name: string;
  /** The corp-master name (null without a corp). */
  corp_name: string | null;
  /** KRX market of the instrument (KOSPI, KOSDAQ, KONEX); null when not a KRX instrument. */
  market: string | null;
}

/** How a hit matched, best first. */
export const MATCH_KINDS = [
  "code",
  "name",
  "code_prefix",
  "name_prefix",
  "initials_prefix",
  "name_contains",
  "initials_contains",
  "partial",
  "other_name",
] as const;
export type MatchKind = typeof MATCH_KINDS[number];

/** One hit. */
export interface SearchHit extends SearchEntry {
  match: MatchKind;
}

/** One page of hits. */
export interface SearchPage {
  /** The query as searched (trimmed). */
  query: string;
  /** Hits in all pages. */
  total: number;
  offset: number;
  hits: SearchHit[];
}

/** Names normalized and 초성 taken so far ({@linkcode searchTextWork}). */
let textWork = 0;

/**
 * How many names this process has normalized ({@linkcode normalizeName}) or taken the 초성
 * of ({@linkcode initialsOf}): the per-entry text work, which {@linkcode SearchIndex} does
 * once when built, so a query only compares (tests count it; bench/search.ts times queries).
 */
export function searchTextWork(): number {
  return textWork;
}

/**
 * Normalizes a company name for matching: drops legal forms (주식회사, (주), ㈜, 유한회사),
 * spaces and punctuation, and lower-cases Latin letters.
 */
export function normalizeName(name: string): string {
  textWork++;
  return name
    .replace(/\(주\)|㈜|주식회사|\(유\)|유한회사/g, "")
    .replace(/[\s·.,&()\-]/g, "")
    .toLowerCase();
}

/** Whether `s` is made only of Hangul initial consonants (ㄱ…ㅎ), e.g. "ㅅㅅ". */
export function isInitials(s: string): boolean {
  return /^[\u3131-\u314e]+$/.test(s);
}

/** The 초성 of a normalized name ("가람에너지" → "ㄱㄹㅇㄴㅈ"); non-Hangul characters drop. */
export function initialsOf(normalized: string): string {
  textWork++;
  return getChoseong(normalized).replace(/\s/g, "");
}

/**
 * The instrument list's order (`GET /api/v1/market/instruments?q=`): exact code or ISIN
 * (0), exact name (1), code prefix (2), name prefix (3), name contains (4), full or English
 * name contains (5); null = no match.
 */
export function instrumentRank(i: InstrumentRecord, q: string): number | null {
  const upper = q.trim().toUpperCase();
  const k = normalizeName(q);
  if (!k) return null;
  if (i.code === upper || i.isin === upper) return 0;
  const name = normalizeName(i.name);
  if (name === k) return 1;
  if (i.code.startsWith(upper)) return 2;
  if (name.startsWith(k)) return 3;
  if (name.includes(k)) return 4;
  if (normalizeName(i.name_full ?? "").includes(k) || normalizeName(i.name_en ?? "").includes(k)) {
    return 5;
  }
  return null;
}

interface Row {
  e: SearchEntry;
  stock: string;
  corp: string;
  isin: string;
  /** Normalized names (display and corp name, distinct). */
  names: string[];
  /** 초성 of `names`. */
  initials: string[];
  /** Normalized English and full names. */
  other: string[];
  /** Position in the tie-break order. */
  order: number;
}

/** Options of {@linkcode SearchIndex.search}. */
export interface SearchOptions {
  offset?: number;
  limit?: number;
}

const CODE_RE = /^[0-9A-Z]+$/;

/** The in-memory index (immutable once built). */
export class SearchIndex {
  readonly #rows: Row[];
  readonly #byStock = new Map<string, Row>();
  readonly #byIsin = new Map<string, Row>();
  readonly #byCorp = new Map<string, Row>();

  private constructor(rows: Row[]) {
    this.#rows = rows;
    for (const r of rows) {
      if (r.stock && !this.#byStock.has(r.stock)) this.#byStock.set(r.stock, r);
      if (r.isin) this.#byIsin.set(r.isin, r);
      if (r.corp && !this.#byCorp.has(r.corp)) this.#byCorp.set(r.corp, r);
    }
  }

  /**
   * Builds the index: one entry per instrument (joined with the corp-master row of its
   * stock code when there is one), and one per corp-master row no instrument took.
   */
  static build(
    corps: Iterable<CorpRecord>,
    instruments: Iterable<InstrumentRecord>,
  ): SearchIndex {
    const corpByStock = new Map<string, CorpRecord>();
    const allCorps: CorpRecord[] = [];
    const seenCorp = new Set<string>();
    for (const c of corps) {
      if (seenCorp.has(c.corp_code)) continue;
      seenCorp.add(c.corp_code);
      allCorps.push(c);
      if (c.stock_code && !corpByStock.has(c.stock_code)) corpByStock.set(c.stock_code, c);
    }
    const rows: Row[] = [];
    const joined = new Set<string>();
    const seenCode = new Set<string>();
    for (const i of instruments) {
      if (seenCode.has(i.code)) continue;
      seenCode.add(i.code);
      const c = corpByStock.get(i.code);
      if (c) joined.add(c.corp_code);
      rows.push(row(
        {
          corp_code: c?.corp_code ?? null,
          stock_code: i.code,
          isin: i.isin,
          name: i.name,
          corp_name: c?.corp_name ?? null,
          market: i.market,
        },
        [i.name_en ?? "", i.name_full ?? "", c?.corp_eng_name ?? ""],
      ));
    }
    for (const c of allCorps) {
      if (joined.has(c.corp_code)) continue;
      rows.push(row(
        {
          corp_code: c.corp_code,
          stock_code: c.stock_code || null,
          isin: null,
          name: c.corp_name,
          corp_name: c.corp_name,
          market: null,
        },
        [c.corp_eng_name ?? ""],
      ));
    }
    // Tie-break order: KRX instruments first, then other listed companies, shorter names,
    // then code points (가나다 for Hangul).
    const sorted = rows.slice().sort((a, b) =>
      (a.e.market ? 0 : 1) - (b.e.market ? 0 : 1) ||
      (a.stock ? 0 : 1) - (b.stock ? 0 : 1) ||
      a.e.name.length - b.e.name.length ||
      (a.e.name < b.e.name ? -1 : a.e.name > b.e.name ? 1 : 0) ||
      (a.stock + a.corp < b.stock + b.corp ? -1 : 1)
    );
    sorted.forEach((r, i) => r.order = i);
    return new SearchIndex(rows);
  }

  /** Entries in the index. */
  get size(): number {
    return this.#rows.length;
  }

  /** The entry of a 종목코드 or ISIN. */
  byStock(codeOrIsin: string): SearchEntry | null {
    const k = codeOrIsin.toUpperCase();
    return (this.#byStock.get(k) ?? this.#byIsin.get(k))?.e ?? null;
  }

  /** The entry of a DART 고유번호. */
  byCorp(corpCode: string): SearchEntry | null {
    return this.#byCorp.get(corpCode)?.e ?? null;
  }

  /** Ranks every entry against `q` and returns one page of hits (default 20 from 0). */
  search(q: string, opts: SearchOptions = {}): SearchPage {
    const query = q.trim();
    const offset = Math.max(0, opts.offset ?? 0);
    const limit = Math.max(0, opts.limit ?? 20);
    const match = matcher(query);
    if (!match) return { query, total: 0, offset, hits: [] };
    const found: { r: Row; rank: number }[] = [];
    for (const r of this.#rows) {
      const rank = match(r);
      if (rank >= 0) found.push({ r, rank });
    }
    found.sort((a, b) => a.rank - b.rank || a.r.order - b.r.order);
    return {
      query,
      total: found.length,
      offset,
      hits: found.slice(offset, offset + limit).map((f) => ({
        ...f.r.e,
        match: MATCH_KINDS[f.rank],
      })),
    };
  }
}

function row(e: SearchEntry, others: string[]): Row {
  const names = [...new Set([e.name, e.corp_name ?? ""].map(normalizeName).filter(Boolean))];
  return {
    e,
    stock: e.stock_code ?? "",
    corp: e.corp_code ?? "",
    isin: e.isin ?? "",
    names,
    initials: names.map(initialsOf).filter(Boolean),
    other: others.map(normalizeName).filter(Boolean),
    order: 0,
  };
}

/** The rank function of a query (index into MATCH_KINDS, -1: no match); null: empty query. */
function matcher(query: string): ((r: Row) => number) | null {
  if (!query) return null;
  const upper = query.toUpperCase();
  const norm = normalizeName(query);
  const code = CODE_RE.test(upper) ? upper : null;
  const corpPrefix = /^\d{4,7}$/.test(query) ? query : null;
  const initials = norm && isInitials(norm) ? norm : null;
  const partial = norm && !initials ? partialMatcher(norm) : null;
  return (r) => {
    if (r.stock === upper || r.corp === query || r.isin === upper) return 0;
    if (norm) {
      for (const n of r.names) if (n === norm) return 1;
    }
    if (code && code.length >= 2) {
      if (r.stock.startsWith(code)) return 2;
      if (corpPrefix && r.corp.startsWith(corpPrefix)) return 2;
      if (code.length >= 4 && r.isin.startsWith(code)) return 2;
    }
    if (!norm) return -1;
    for (const n of r.names) if (n.startsWith(norm)) return 3;
    if (initials) {
      for (const i of r.initials) if (i.startsWith(initials)) return 4;
    }
    for (const n of r.names) if (n.includes(norm)) return 5;
    if (initials) {
      for (const i of r.initials) if (i.includes(initials)) return 6;
    } else if (partial) {
      for (const n of r.names) if (partial(n)) return 7;
    }
    for (const o of r.other) if (o.includes(norm)) return 8;
    return -1;
  };
}

// ---------------------------------------------------------------------------------------
// the syllable still being typed

/** Compatibility jamo consonants (ㄱ…ㅎ) and vowels (ㅏ…ㅣ). */
const CONSONANTS = Array.from(
  { length: 0x314e - 0x3131 + 1 },
  (_, i) => String.fromCharCode(0x3131 + i),
);
const VOWELS = Array.from(
  { length: 0x3163 - 0x314f + 1 },
  (_, i) => String.fromCharCode(0x314f + i),
);
/** Medial vowels, disassembled ("ㅘ" → "ㅗㅏ"). */
const JUNGSEONGS = VOWELS.map((v) => disassemble(v));
/** Finals, disassembled ("ㄺ" → "ㄹㄱ"), with "" for none. */
const JONGSEONGS = ["", ...CONSONANTS.map((c) => disassemble(c)).filter((c) => canBeJongseong(c))];

/** Every syllable with this initial (588 of them). */
function syllablesWithInitial(cho: string): Set<string> {
  const out = new Set<string>();
  for (const jung of JUNGSEONGS) {
    for (const jong of JONGSEONGS) out.add(combineCharacter(cho, jung, jong));
  }
  return out;
}

/**
 * A test for names that start like `norm` once its last syllable is finished: Korean IMEs
 * show a syllable while it is being composed, so "삼서" is on its way to "삼성", "사" may
 * become "삼", "과" or "산", and the final of "삼" may still move to the next syllable
 * ("사무"). Null when the query does not end in Hangul.
 */
function partialMatcher(norm: string): ((name: string) => boolean) | null {
  const last = norm.at(-1)!;
  const head = norm.slice(0, -1);
  if (canBeChoseong(last)) {
    // A lone consonant after a syllable: the next syllable's initial ("삼ㅅ" → 삼성).
    if (!head) return null;
    const next = syllablesWithInitial(last);
    return (n) => n.startsWith(head) && next.has(n[head.length]);
  }
  const parts = disassembleCompleteCharacter(last);
  if (!parts) return null;
  const { choseong, jungseong, jongseong } = parts;
  // The last syllable as typed so far, grown by more of its vowel or final.
  const grown = new Set<string>();
  for (const jung of JUNGSEONGS) {
    if (!jung.startsWith(jungseong)) continue;
    for (const jong of JONGSEONGS) {
      if (jung === jungseong ? jong.startsWith(jongseong) : !jongseong) {
        grown.add(combineCharacter(choseong, jung, jong));
      }
    }
  }
  // Its final (last consonant of it) moved to the next syllable's initial.
  let moved: { stem: string; next: Set<string> } | null = null;
  if (jongseong) {
    const tail = jongseong.at(-1)!;
    if (canBeChoseong(tail)) {
      moved = {
        stem: head + combineCharacter(choseong, jungseong, jongseong.slice(0, -1)),
        next: syllablesWithInitial(tail),
      };
    }
  }
  return (n) =>
    (n.startsWith(head) && grown.has(n[head.length])) ||
    (moved !== null && n.startsWith(moved.stem) && moved.next.has(n[moved.stem.length]));
}
