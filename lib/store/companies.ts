/**
 * Normalized company data: profiles, disclosures (with per-corp and per-date indexes),
 * financial statements and indicators.
 *
 * @module
 */
import type { Disclosure, Financials, IndicatorSet, Profile } from "../etl/schemas.ts";
import { keys } from "./keys.ts";
import { AtomicBatcher, listAll, listPage, type Page } from "./kv.ts";
import { fromStored, type StoredJson, toStored } from "./json.ts";

/** Stores a profile; returns true when it changed. */
export async function putProfile(kv: Deno.Kv, p: Profile): Promise<boolean> {
  const old = await kv.get<Profile>(keys.profile(p.corp_code));
  if (old.value && JSON.stringify(old.value) === JSON.stringify(p)) return false;
  await kv.set(keys.profile(p.corp_code), p);
  return true;
}

/** Reads a profile. */
export async function getProfile(kv: Deno.Kv, corpCode: string): Promise<Profile | null> {
  return (await kv.get<Profile>(keys.profile(corpCode))).value;
}

export interface UpsertCounts {
  new: number;
  changed: number;
  unchanged: number;
}

/**
 * Writes disclosures with their per-corp and per-date index entries in one commit each.
 * Unchanged rows are not rewritten. Returns counts and the rcept_nos that were new or changed.
 */
export async function upsertDisclosures(
  kv: Deno.Kv,
  items: Disclosure[],
): Promise<UpsertCounts & { touched: Disclosure[] }> {
  const counts = { new: 0, changed: 0, unchanged: 0 };
  const touched: Disclosure[] = [];
  const batch = new AtomicBatcher(kv);
  for (let i = 0; i < items.length; i += 10) {
    const slice = items.slice(i, i + 10);
    const olds = await kv.getMany<Disclosure[]>(slice.map((d) => keys.disclosure(d.rcept_no)));
    for (let j = 0; j < slice.length; j++) {
      const d = slice[j], old = olds[j].value;
      if (old && JSON.stringify(old) === JSON.stringify(d)) {
        counts.unchanged++;
        continue;
      }
      if (old) counts.changed++;
      else counts.new++;
      touched.push(d);
      await batch.group(3, 2400);
      await batch.set(keys.disclosure(d.rcept_no), d, 800);
      await batch.set(keys.disclosureByCorp(d.corp_code, d.rcept_no), d, 800);
      await batch.set(keys.disclosureByDate(d.rcept_dt, d.rcept_no), d, 800);
    }
  }
  await batch.flush();
  return { ...counts, touched };
}

/** Reads one disclosure. */
export async function getDisclosure(kv: Deno.Kv, rceptNo: string): Promise<Disclosure | null> {
  return (await kv.get<Disclosure>(keys.disclosure(rceptNo))).value;
}

/** All stored disclosures of a corp, newest first (rcept_no order). */
export function listDisclosuresByCorp(
  kv: Deno.Kv,
  corpCode: string,
  opts: { limit?: number; cursor?: string } = {},
): Promise<Page<Disclosure>> {
  return listPage<Disclosure>(kv, { prefix: keys.disclosureByCorpPrefix(corpCode) }, {
    limit: opts.limit ?? 1000,
    cursor: opts.cursor,
    reverse: true,
  });
}

/** The newest disclosures market-wide (latest versions only), newest first. */
export async function latestDisclosures(kv: Deno.Kv, limit: number): Promise<Disclosure[]> {
  const out: Disclosure[] = [];
  const iter = kv.list<Disclosure>({ prefix: keys.disclosureByDatePrefix() }, {
    reverse: true,
    batchSize: Math.min(500, limit * 2),
  });
  for await (const e of iter) {
    if (e.value.superseded) continue;
    out.push(e.value);
    if (out.length >= limit) break;
  }
  return out;
}

/** Stores one statement set (large sets spill into the blob store). */
export async function putFinancials(kv: Deno.Kv, f: Financials): Promise<void> {
  const stored = await toStored(kv, JSON.stringify(f));
  await kv.set(keys.financials(f.corp_code, f.bsns_year, f.reprt_code, f.fs_div, f.scope), stored);
}

/** Reads statement sets of a corp, optionally filtered; oldest year first. */
export async function listFinancials(
  kv: Deno.Kv,
  corpCode: string,
  filter: { year?: string; report?: string; fs_div?: string } = {},
): Promise<Financials[]> {
  const prefix = keys.financialsPrefix(corpCode, filter.year, filter.report, filter.fs_div);
  const out: Financials[] = [];
  for (const v of await listAll<StoredJson>(kv, { prefix })) {
    const f = JSON.parse(await fromStored(kv, v)) as Financials;
    if (filter.report && f.reprt_code !== filter.report) continue;
    if (filter.fs_div && f.fs_div !== filter.fs_div) continue;
    out.push(f);
  }
  return out;
}

/** Stores an indicator set. */
export async function putIndicators(kv: Deno.Kv, s: IndicatorSet): Promise<void> {
  await kv.set(keys.indicators(s.corp_code, s.bsns_year, s.reprt_code), s);
}

/** Reads indicator sets of a corp, oldest first. */
export function listIndicators(kv: Deno.Kv, corpCode: string): Promise<IndicatorSet[]> {
  return listAll<IndicatorSet>(kv, { prefix: keys.indicatorsPrefix(corpCode) });
}
