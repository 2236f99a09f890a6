/**
 * Read-side queries over stored DART disclosures for `/api/dart/*`: search (corp, date
 * range, report type, text), one filing with its amendment chain, and counts per day and
 * per report type. Scans are bounded.
 *
 * @module
 */
import type { Disclosure } from "../etl/schemas.ts";
import { keys } from "../store/keys.ts";

export interface DisclosureSearch {
  corp_code?: string;
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  /** Report type: a base-name prefix, e.g. "사업보고서" or "증권신고서". */
  type?: string;
  /** Text in the corp name or report name. */
  q?: string;
  /** Include superseded versions (default false: latest versions only). */
  all_versions?: boolean;
  limit: number;
  cursor?: string;
}

/** A search cursor the store cannot continue from (not one it gave, or another query's). */
export class InvalidCursorError extends Error {
  constructor() {
    super("not a cursor from this API");
    this.name = "InvalidCursorError";
  }
}

/** How many entries one search may scan before it returns what it has (with a cursor). */
export const SCAN_LIMIT = 20_000;

/** Searches disclosures, newest first; `cursor` continues a previous page. */
export async function searchDisclosures(
  kv: Deno.Kv,
  s: DisclosureSearch,
): Promise<{ items: Disclosure[]; cursor: string | null; scanned: number }> {
  const selector: Deno.KvListSelector = s.corp_code
    ? { prefix: keys.disclosureByCorpPrefix(s.corp_code) }
    : {
      start: [...keys.disclosureByDatePrefix(), s.from ?? "0000-00-00"],
      end: [...keys.disclosureByDatePrefix(), `${s.to ?? "9999-99-99"}~`],
    };
  const iter = kv.list<Disclosure>(selector, {
    reverse: true,
    cursor: s.cursor || undefined,
    batchSize: 500,
  });
  const q = s.q?.toLowerCase();
  const items: Disclosure[] = [];
  let scanned = 0;
  // KV checks a cursor when the first batch is read: a bad one is a TypeError there.
  const entries = iter[Symbol.asyncIterator]();
  let first: IteratorResult<Deno.KvEntry<Disclosure>>;
  try {
    first = await entries.next();
  } catch (e) {
    if (s.cursor && e instanceof TypeError) throw new InvalidCursorError();
    throw e;
  }
  for (let e = first; !e.done; e = await entries.next()) {
    const d = e.value.value;
    if (++scanned > SCAN_LIMIT) return { items, cursor: iter.cursor, scanned };
    if (!s.all_versions && d.superseded) continue;
    if (s.from && d.rcept_dt < s.from) continue;
    if (s.to && d.rcept_dt > s.to) continue;
    if (s.type && !d.base_name.startsWith(s.type)) continue;
    if (q && !d.corp_name.toLowerCase().includes(q) && !d.report_nm.toLowerCase().includes(q)) {
      continue;
    }
    items.push(d);
    if (items.length >= s.limit) return { items, cursor: iter.cursor, scanned };
  }
  return { items, cursor: null, scanned };
}

/** One filing and every version of its amendment chain (oldest first). */
export async function disclosureDetail(
  kv: Deno.Kv,
  rceptNo: string,
): Promise<{ disclosure: Disclosure; chain: Disclosure[] } | null> {
  const d = (await kv.get<Disclosure>(keys.disclosure(rceptNo))).value;
  if (!d) return null;
  const chain: Disclosure[] = [];
  for (let i = 0; i < d.chain.length; i += 10) {
    const got = await kv.getMany<Disclosure[]>(
      d.chain.slice(i, i + 10).map((r) => keys.disclosure(r)),
    );
    for (const g of got) if (g.value) chain.push(g.value);
  }
  return { disclosure: d, chain };
}

export interface DisclosureStats {
  from: string;
  to: string;
  total: number;
  by_day: { date: string; count: number; latest: number }[];
  by_type: { type: string; count: number }[];
}

/** Counts per filing day and per report type (base name up to its first space or bracket). */
export async function disclosureStats(
  kv: Deno.Kv,
  from: string,
  to: string,
): Promise<DisclosureStats> {
  const days = new Map<string, { count: number; latest: number }>();
  const types = new Map<string, number>();
  let total = 0;
  for await (
    const e of kv.list<Disclosure>({
      start: [...keys.disclosureByDatePrefix(), from],
      end: [...keys.disclosureByDatePrefix(), `${to}~`],
    }, { batchSize: 1000 })
  ) {
    const d = e.value;
    total++;
    const day = days.get(d.rcept_dt) ?? { count: 0, latest: 0 };
    day.count++;
    if (!d.superseded) day.latest++;
    days.set(d.rcept_dt, day);
    const t = d.base_name.split(/[\s(]/)[0] || d.base_name;
    types.set(t, (types.get(t) ?? 0) + 1);
  }
  return {
    from,
    to,
    total,
    by_day: [...days].map(([date, v]) => ({ date, ...v })).sort((a, b) =>
      a.date.localeCompare(b.date)
    ),
    by_type: [...types].map(([type, count]) => ({ type, count })).sort((a, b) =>
      b.count - a.count || a.type.localeCompare(b.type)
    ),
  };
}
