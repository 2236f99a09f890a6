/**
 * The IPO pipeline ETL: collect KIND (all pages of 상장예비심사, 공모기업현황, 신규상장) and
 * the stored DART securities-filing family, fetch DART facts (estkRs, the [발행조건확정]
 * document) once per filing, reconcile, and write only the deals whose content changed, with
 * their deal snapshots, then the pipeline snapshot.
 *
 * When KIND fails, the last KIND rows read are used, the pipeline is marked `partial` and
 * `source_status.kind` names the failure; with no earlier KIND rows, the last pipeline
 * snapshot is kept as it is and only its status changes.
 *
 * @module
 */
import { CircuitBreaker } from "../http/breaker.ts";
import { HttpClient } from "../http/mod.ts";
import { errText } from "../log.ts";
import { KindClient } from "../sources/kind/client.ts";
import { createKindFixtureFetch, type KindDataset } from "../sources/kind/fixture_fetch.ts";
import type { DartDocumentFile, EstkRs } from "../sources/dart/types.ts";
import {
  factsFromDocument,
  factsFromEstk,
  isRightsOffering,
  type PartialFacts,
} from "../ipo/facts.ts";
import { DartNoFileError } from "../sources/dart/errors.ts";
import type { KindData, KindPage, KindSource } from "../ipo/kind_rows.ts";
import { type DealSnapshot, type IpoItem, toRow } from "../ipo/model.ts";
import { NO_PERFORMANCE } from "../market/summary.ts";
import { isIpoFiling, reconcile, successorIds } from "../ipo/reconcile.ts";
import { sha256Hex } from "../store/blobs.ts";
import { keys } from "../store/keys.ts";
import {
  getDeal,
  getKindState,
  getPipelineHeader,
  listDealHashes,
  putDeals,
  putKindState,
  putPipeline,
  putPipelineHeader,
} from "../store/ipo.ts";
import { mergeDisclosures } from "./company.ts";
import { buildChains, normalizeListItem } from "./normalize.ts";
import type { Disclosure, SourceStatus } from "./schemas.ts";
import { kstYmd } from "./company.ts";

/** The DART calls the IPO ETL makes (implemented by `DartClient`). */
export interface IpoDartApi {
  estkRs(p: { corp_code: string; bgn_de: string; end_de: string }): Promise<{ data: EstkRs }>;
  document(rcept_no: string): Promise<{ data: DartDocumentFile[] }>;
  /** list.json over a range (optional: without it only stored filings are used). */
  listAll?(p: {
    bgn_de: string;
    end_de: string;
    last_reprt_at?: "Y" | "N";
    pblntf_ty?: string;
  }): Promise<{ items: unknown[] }>;
}

/**
 * Collects the 증권신고 (pblntf_ty C) filings, every version, since the last collection
 * (first run: the whole window) and merges them into the disclosure store, which rebuilds
 * the amendment chains of the companies touched.
 */
async function collectIpoFilings(
  ctx: IpoEtlContext,
  from: string,
  asOf: string,
): Promise<number> {
  if (!ctx.dart?.listAll) return 0;
  const state = await ctx.kv.get<{ through: string }>(keys.syncState("dart", "ipo_filings"));
  const since = state.value
    ? new Date(Date.parse(`${state.value.through}T00:00:00Z`) - 7 * 86400_000)
      .toISOString().slice(0, 10)
    : from;
  const { items } = await ctx.dart.listAll({
    bgn_de: (since > from ? since : from).replace(/-/g, ""),
    end_de: asOf.replace(/-/g, ""),
    last_reprt_at: "N",
    pblntf_ty: "C",
  });
  const rows: Disclosure[] = [];
  for (const row of items as Record<string, string>[]) {
    try {
      const d = normalizeListItem(row);
      if (isIpoFiling(d)) rows.push(d);
    } catch {
      // a malformed row is skipped; the company ETL logs list rows
    }
  }
  await mergeDisclosures(ctx.kv, rows);
  await ctx.kv.set(keys.syncState("dart", "ipo_filings"), { through: asOf });
  return rows.length;
}

export interface IpoEtlContext {
  kv: Deno.Kv;
  /** KIND client; null when KIND is not configured (its section is then missing). */
  kind: KindSource | null;
  /** DART client for facts; null to use stored filings only. */
  dart: IpoDartApi | null;
  now: () => Date;
  sample: boolean;
}

export interface IpoRefreshResult {
  deals: number;
  /** Deals whose snapshot was rebuilt (new or changed). */
  touched: string[];
  removed: string[];
  /** Removed ids that now redirect to the deal carrying on their offering: old → new. */
  aliased: Record<string, string>;
  partial: boolean;
  source_status: Record<string, SourceStatus>;
  dart_calls: number;
  ms: number;
}

/** How far back the pipeline looks, in days. */
export const IPO_WINDOW_DAYS = 730;
const PAGE_SIZE = 1000;
const MAX_PAGES = 50;

async function allPages<T>(
  call: (page: number) => Promise<KindPage<T>>,
): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const p = await call(page);
    out.push(...p.rows);
    if (p.page >= p.pages || p.rows.length === 0) break;
  }
  return out;
}

/** Reads every KIND row the pipeline needs in the window. */
export async function collectKind(
  kind: KindSource,
  from: string,
  to: string,
): Promise<KindData> {
  const range = { fromDate: from, toDate: to, pageSize: PAGE_SIZE };
  const [reviews, offerings, listings] = await Promise.all([
    allPages(async (page) => (await kind.reviews({ ...range, page })).data),
    kind.offeringsAll(range).then((r) => r.rows),
    allPages(async (page) => (await kind.listings({ ...range, page })).data),
  ]);
  return { reviews, offerings, listings };
}

/** The stored IPO-family disclosures filed in [from, to], with chains rebuilt. */
export async function storedIpoFilings(
  kv: Deno.Kv,
  from: string,
  to: string,
): Promise<Disclosure[]> {
  const out: Disclosure[] = [];
  for await (
    const e of kv.list<Disclosure>({
      start: keys.disclosureByDate(from, ""),
      end: keys.disclosureByDate(`${to}\uffff`, ""),
    }, { batchSize: 1000 })
  ) if (isIpoFiling(e.value)) out.push(e.value);
  return buildChains(out);
}

/**
 * DART facts per rcept_no, each fetched once and kept in KV: estkRs (one call per company,
 * stored under the registration versions it covers) and document tables: per registration
 * chain the [발행조건확정] version (final price, demand, lockup), the newest version before
 * it and the original (band, shares, schedule; newer versions win), and the 증권발행실적보고서 (subscription competition).
 * Rights offerings (known from estkRs) are not IPOs: their documents are not read.
 */
async function dartFacts(
  ctx: IpoEtlContext,
  filings: Disclosure[],
  status: { ok: boolean; error: string | null; calls: number },
): Promise<{ estk: Map<string, PartialFacts>; documents: Map<string, PartialFacts> }> {
  type Stored = { facts: PartialFacts; by?: string };
  const regs = filings.filter((d) => d.base_name === "증권신고서(지분증권)");
  const docs: Disclosure[] = [];
  const chains = new Map<string, Disclosure[]>();
  for (const d of regs) {
    if (!chains.has(d.chain_root)) chains.set(d.chain_root, []);
    chains.get(d.chain_root)!.push(d);
  }
  for (const c of chains.values()) {
    c.sort((a, b) => a.rcept_no.localeCompare(b.rcept_no));
    const fixed = c.find((d) => d.prefixes.includes("발행조건확정"));
    const before = c.filter((d) => !d.prefixes.includes("발행조건확정")).at(-1);
    // the original too: an amendment's document may be missing (status 014)
    for (const d of new Set([fixed, before, c[0]])) if (d) docs.push(d);
  }
  for (const d of filings) {
    if (d.base_name.startsWith("증권발행실적보고서") && d.rcept_no === d.chain.at(-1)) docs.push(d);
  }
  const estkRegs = regs.filter((d) => !d.prefixes.includes("발행조건확정"));

  const load = async (kind: "estk" | "doc", nos: string[]) => {
    const out = new Map<string, Stored>();
    for (let i = 0; i < nos.length; i += 10) {
      const slice = nos.slice(i, i + 10);
      const got = await ctx.kv.getMany<Stored[]>(slice.map((k) => keys.ipoDartFacts(kind, k)));
      got.forEach((g, j) => g.value && out.set(slice[j], g.value));
    }
    return out;
  };
  const estkStored = await load("estk", estkRegs.map((d) => d.rcept_no));
  const docStored = await load("doc", [...new Set(docs.map((d) => d.rcept_no))]);

  // estkRs: one call per company with a registration not read yet
  const corps = new Map<string, Disclosure[]>();
  for (const d of estkRegs) {
    if (!corps.has(d.corp_code)) corps.set(d.corp_code, []);
    corps.get(d.corp_code)!.push(d);
  }
  for (const [corp, ds] of corps) {
    if (!ctx.dart || ds.every((d) => estkStored.has(d.rcept_no))) continue;
    const dates = ds.map((d) => d.rcept_dt.replace(/-/g, "")).sort();
    try {
      status.calls++;
      const res = await ctx.dart.estkRs({
        corp_code: corp,
        bgn_de: dates[0],
        end_de: dates.at(-1)!,
      });
      const { rcept_no, ...facts } = factsFromEstk(res.data);
      const by = rcept_no ?? ds.at(-1)!.rcept_no;
      for (const d of ds) {
        const v: Stored = { facts: d.rcept_no === by ? facts : {}, by };
        estkStored.set(d.rcept_no, v);
        await ctx.kv.set(keys.ipoDartFacts("estk", d.rcept_no), v);
      }
    } catch (e) {
      status.ok = false;
      status.error = errText(e);
    }
  }
  const rightsCorps = new Set(
    estkRegs.filter((d) => isRightsOffering(estkStored.get(d.rcept_no)?.facts.offering_method))
      .map((d) => d.corp_code),
  );

  for (const d of docs) {
    if (!ctx.dart || docStored.has(d.rcept_no) || rightsCorps.has(d.corp_code)) continue;
    let v: Stored;
    try {
      status.calls++;
      const files = (await ctx.dart.document(d.rcept_no)).data;
      const body = files.find((f) => f.name === `${d.rcept_no}.xml`) ?? files[0];
      v = { facts: body ? factsFromDocument(body.text) : {} };
    } catch (e) {
      if (!(e instanceof DartNoFileError)) {
        status.ok = false;
        status.error = errText(e);
        continue;
      }
      v = { facts: {} }; // status 014: DART has no document; nothing to read, not a failure
    }
    docStored.set(d.rcept_no, v);
    await ctx.kv.set(keys.ipoDartFacts("doc", d.rcept_no), v);
  }

  const estk = new Map<string, PartialFacts>();
  for (const [k, v] of estkStored) if (Object.keys(v.facts).length) estk.set(k, v.facts);
  const documents = new Map<string, PartialFacts>();
  for (const [k, v] of docStored) documents.set(k, v.facts);
  return { estk, documents };
}

/** corp_code -> stock_code from the corp master, for the given corps. */
async function stockCodes(kv: Deno.Kv, corps: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < corps.length; i += 10) {
    const slice = corps.slice(i, i + 10);
    const got = await kv.getMany<{ stock_code: string | null }[]>(
      slice.map((c) => keys.corp(c)),
    );
    got.forEach((g, j) => g.value?.stock_code && out.set(slice[j], g.value.stock_code));
  }
  return out;
}

/** Collect → reconcile → store → snapshots, rebuilding only deals that changed. */
export async function refreshIpoPipeline(ctx: IpoEtlContext): Promise<IpoRefreshResult> {
  const t0 = performance.now();
  const now = ctx.now();
  const nowIso = now.toISOString();
  const asOf = kstYmd(now).replace(/^(\d{4})(\d{2})(\d{2})$/, "$1-$2-$3");
  const from = kstYmd(new Date(now.getTime() - IPO_WINDOW_DAYS * 86400_000))
    .replace(/^(\d{4})(\d{2})(\d{2})$/, "$1-$2-$3");
  const to = kstYmd(new Date(now.getTime() + 120 * 86400_000))
    .replace(/^(\d{4})(\d{2})(\d{2})$/, "$1-$2-$3");
  const prevHeader = await getPipelineHeader(ctx.kv);
  const prevKind = prevHeader?.source_status.kind;

  // KIND
  let kind: KindData | null = null;
  let kindStatus: SourceStatus;
  if (!ctx.kind) {
    kindStatus = {
      ok: false,
      checked_at: nowIso,
      last_success_at: null,
      error: "KIND is not configured",
    };
  } else {
    try {
      kind = await collectKind(ctx.kind, from, to);
      await putKindState(ctx.kv, kind, nowIso);
      kindStatus = { ok: true, checked_at: nowIso, last_success_at: nowIso, error: null };
    } catch (e) {
      const last = await getKindState(ctx.kv);
      kind = last?.data ?? null;
      kindStatus = {
        ok: false,
        checked_at: nowIso,
        last_success_at: last?.at ?? prevKind?.last_success_at ?? null,
        error: errText(e),
      };
    }
  }

  // DART (new filings of the family, then stored filings + facts)
  const ds = { ok: true, error: null as string | null, calls: 0 };
  try {
    await collectIpoFilings(ctx, from, asOf);
  } catch (e) {
    ds.ok = false;
    ds.error = errText(e);
  }
  const filings = await storedIpoFilings(ctx.kv, from, to);
  const facts = await dartFacts(ctx, filings, ds);
  const dartStatus: SourceStatus = {
    ok: ds.ok,
    checked_at: nowIso,
    last_success_at: ds.ok ? nowIso : prevHeader?.source_status.dart?.last_success_at ?? null,
    error: ds.error,
  };
  const source_status = { kind: kindStatus, dart: dartStatus };
  const missing: ("kind" | "dart")[] = [];
  if (!kind) missing.push("kind");
  const partial = !kindStatus.ok || !dartStatus.ok || missing.length > 0;

  if (!kind && ctx.kind && prevHeader) {
    // KIND failed and no KIND rows were ever kept: keep the last snapshot, mark it.
    await putPipelineHeader(ctx.kv, {
      ...prevHeader,
      partial: true,
      source_status: { ...prevHeader.source_status, kind: kindStatus },
    });
    return {
      deals: prevHeader.count,
      touched: [],
      removed: [],
      aliased: {},
      partial: true,
      source_status: { ...prevHeader.source_status, kind: kindStatus },
      dart_calls: ds.calls,
      ms: Math.round(performance.now() - t0),
    };
  }

  const corps = [...new Set(filings.map((d) => d.corp_code))];
  const items = reconcile({
    asOf,
    kind,
    disclosures: filings,
    estk: facts.estk,
    documents: facts.documents,
    stockByCorp: await stockCodes(ctx.kv, corps),
  });
  return await storeItems(ctx, items, {
    built_at: nowIso,
    partial,
    source_status,
    missing,
    t0,
    calls: ds.calls,
  });
}

/** Writes changed deals and the pipeline snapshot. Exported for loaders and benchmarks. */
export async function storeItems(
  ctx: Pick<IpoEtlContext, "kv" | "sample">,
  items: IpoItem[],
  meta: {
    built_at: string;
    partial: boolean;
    source_status: Record<string, SourceStatus>;
    missing: ("kind" | "dart")[];
    t0?: number;
    calls?: number;
  },
): Promise<IpoRefreshResult> {
  const t0 = meta.t0 ?? performance.now();
  const hashes = await listDealHashes(ctx.kv);
  const changed: Parameters<typeof putDeals>[1] = [];
  const seen = new Set<string>();
  const enc = new TextEncoder();
  for (const item of items) {
    seen.add(item.pipeline_id);
    const json = JSON.stringify(item);
    const hash = (await sha256Hex(enc.encode(json))).slice(0, 32);
    if (hashes.get(item.pipeline_id) === hash) continue;
    let prevCorp: string | null = null;
    if (hashes.has(item.pipeline_id)) {
      prevCorp = (await getDeal(ctx.kv, item.pipeline_id))?.corp_code ?? null;
    }
    // Prices are not frozen into the snapshot (it is rebuilt only when the deal's facts
    // change): the API and the pages lay the post-listing figures over it when they read it.
    const snapshot: DealSnapshot = {
      built_at: meta.built_at,
      sample: ctx.sample,
      item,
      ...NO_PERFORMANCE,
      source_status: meta.source_status,
      partial: meta.partial,
      missing_sections: meta.missing,
    };
    changed.push({ item, hash, snapshot, prevCorp });
  }
  const removed: { id: string; corp: string | null; alias: string | null }[] = [];
  const dropped: IpoItem[] = [];
  for (const id of hashes.keys()) {
    if (seen.has(id)) continue;
    const old = await getDeal(ctx.kv, id);
    if (old) dropped.push(old);
    removed.push({ id, corp: old?.corp_code ?? null, alias: null });
  }
  // A removed id whose offering lives on under another id (a D… deal KIND now lists as K…,
  // a K… deal re-keyed by a review found later) keeps answering: ["ipo_alias", old] → new,
  // written with the removal (putDeals) so old links and API clients get a redirect.
  const next = successorIds(dropped, items);
  for (const r of removed) r.alias = next.get(r.id) ?? null;
  await putDeals(ctx.kv, changed, removed);
  await putPipeline(ctx.kv, {
    built_at: meta.built_at,
    sample: ctx.sample,
    partial: meta.partial,
    source_status: meta.source_status,
    missing_sections: meta.missing,
  }, items.map(toRow));
  return {
    deals: items.length,
    touched: changed.map((c) => c.item.pipeline_id),
    removed: removed.map((r) => r.id),
    aliased: Object.fromEntries(removed.flatMap((r) => r.alias ? [[r.id, r.alias]] : [])),
    partial: meta.partial,
    source_status: meta.source_status,
    dart_calls: meta.calls ?? 0,
    ms: Math.round(performance.now() - t0),
  };
}

/** A KIND client answering from a fixture dataset (the sample, tests, benchmarks). */
export function fixtureKindClient(
  kv: Deno.Kv,
  dataset: KindDataset,
  fetchImpl: typeof fetch = createKindFixtureFetch(dataset),
): KindClient {
  const http = new HttpClient({
    source: "kind",
    retries: 0,
    timeoutMs: 30_000,
    breaker: new CircuitBreaker(),
    fetch: fetchImpl,
  });
  return new KindClient({ kv, http, baseUrl: "https://kind.sample.invalid" });
}

/**
 * Builds the IPO pipeline of the sample: DART filings already loaded by the sample DART
 * load, KIND from `kind` (a fixture dataset) when given; without one, KIND is reported as
 * not configured and DART-only deals are flagged.
 */
export async function loadIpoSample(
  kv: Deno.Kv,
  dart: IpoDartApi,
  now: () => Date,
  kind?: KindDataset,
): Promise<IpoRefreshResult> {
  return await refreshIpoPipeline({
    kv,
    dart,
    kind: kind ? fixtureKindClient(kv, kind) : null,
    now,
    sample: true,
  });
}
