/**
 * Refreshing one company: DART -> raw (inside the client) -> normalized records -> snapshot.
 *
 * Each section (profile, disclosures, financials, indicators) is fetched and stored on its
 * own. When a section fails, the records stored by earlier runs stay in place, so the new
 * snapshot still carries the previous data for it, marked `partial` with the failure named
 * in `source_status.dart`. Auth and quota errors stop the remaining calls of the run.
 *
 * @module
 */
import { CircuitOpenError, QuotaExceededError } from "../http/errors.ts";
import { errText, log } from "../log.ts";
import { DartAuthError, DartQuotaError } from "../sources/dart/errors.ts";
import {
  getProfile,
  listDisclosuresByCorp,
  listFinancials,
  listIndicators,
  putFinancials,
  putIndicators,
  putProfile,
  upsertDisclosures,
} from "../store/companies.ts";
import { getCompanySnapshot, putCompanySnapshot } from "../store/snapshots.ts";
import { buildCompanySnapshot } from "./company_snapshot.ts";
import { marketSection } from "./company_market.ts";
import {
  buildChains,
  normalizeCompany,
  normalizeIndicators,
  normalizeListItem,
  normalizeSingleAcnt,
  normalizeSingleAcntAll,
} from "./normalize.ts";
import type { CompanySnapshot, Disclosure, SnapshotSection, SourceStatus } from "./schemas.ts";

type Row = Record<string, string | undefined>;
interface Result<T> {
  data: T;
  empty: boolean;
}

/** The DART calls the ETL needs (implemented by `DartClient`). */
export interface DartApi {
  company(corpCode: string): Promise<Result<unknown>>;
  listAll(params: {
    corp_code?: string;
    bgn_de: string;
    end_de: string;
    last_reprt_at?: "Y" | "N";
  }): Promise<{ items: unknown[]; calls: number }>;
  singleAcnt(
    p: { corp_code: string; bsns_year: string; reprt_code: string },
  ): Promise<Result<unknown>>;
  singleAcntAll(
    p: { corp_code: string; bsns_year: string; reprt_code: string; fs_div: "CFS" | "OFS" },
  ): Promise<Result<unknown>>;
  singleIndx(
    p: { corp_code: string; bsns_year: string; reprt_code: string; idx_cl_code: string },
  ): Promise<Result<unknown>>;
}

export interface EtlContext {
  kv: Deno.Kv;
  dart: DartApi;
  /** "Today" for date windows (the sample dataset has its own). */
  now: () => Date;
  sample: boolean;
}

export interface RefreshOptions {
  /** Annual reports to look back (default 5). */
  years?: number;
  /** Disclosure window in days (default 730). */
  disclosureDays?: number;
}

export interface RefreshResult {
  corp_code: string;
  snapshot: CompanySnapshot;
  failed: SnapshotSection[];
  error: string | null;
}

/** `Date` -> `YYYYMMDD` in KST. */
export function kstYmd(d: Date): string {
  return new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "");
}

const FATAL = [DartAuthError, DartQuotaError, QuotaExceededError, CircuitOpenError];
const isFatal = (e: unknown) => FATAL.some((c) => e instanceof c);

const INDICATOR_CLASSES = ["M210000", "M220000", "M230000", "M240000"];

/**
 * Merges incoming disclosures with the stored ones of the same companies, rebuilds their
 * amendment chains and writes what changed. Returns the disclosures that were new or changed.
 */
export async function mergeDisclosures(kv: Deno.Kv, incoming: Disclosure[]): Promise<Disclosure[]> {
  const byCorp = new Map<string, Disclosure[]>();
  for (const d of incoming) {
    if (!byCorp.has(d.corp_code)) byCorp.set(d.corp_code, []);
    byCorp.get(d.corp_code)!.push(d);
  }
  const touched: Disclosure[] = [];
  for (const [corp, items] of byCorp) {
    const stored = (await listDisclosuresByCorp(kv, corp, { limit: 5000 })).values;
    const fresh = new Set(items.map((d) => d.rcept_no));
    const merged = buildChains([...stored.filter((d) => !fresh.has(d.rcept_no)), ...items]);
    touched.push(...(await upsertDisclosures(kv, merged)).touched);
  }
  return touched;
}

/** Refreshes one company from DART and rebuilds its snapshot. Never throws for source errors. */
export async function refreshCompany(
  ctx: EtlContext,
  corpCode: string,
  opts: RefreshOptions = {},
): Promise<RefreshResult> {
  const { kv, dart } = ctx;
  const now = ctx.now();
  const failed: SnapshotSection[] = [];
  let firstError: string | null = null;
  let stop = false;

  async function section(name: SnapshotSection, fn: () => Promise<void>): Promise<void> {
    if (stop) {
      failed.push(name);
      return;
    }
    try {
      await fn();
    } catch (e) {
      failed.push(name);
      firstError ??= errText(e);
      if (isFatal(e)) stop = true;
      log.warn("company section failed", { corp_code: corpCode, section: name, error: errText(e) });
    }
  }

  await section("profile", async () => {
    const r = await dart.company(corpCode);
    if (!r.empty) await putProfile(kv, normalizeCompany(r.data as Row));
  });

  await section("disclosures", async () => {
    const from = new Date(now.getTime() - (opts.disclosureDays ?? 730) * 86400_000);
    const { items } = await dart.listAll({
      corp_code: corpCode,
      bgn_de: kstYmd(from),
      end_de: kstYmd(now),
      last_reprt_at: "N",
    });
    await mergeDisclosures(kv, (items as Row[]).map(normalizeListItem));
  });

  const thisYear = Number(kstYmd(now).slice(0, 4));
  const stored = await listFinancials(kv, corpCode, {});
  const have = new Set(stored.map((f) => `${f.bsns_year}|${f.reprt_code}|${f.scope}`));
  let latestAnnual: string | null = null;
  await section("financials", async () => {
    for (let back = 1; back <= (opts.years ?? 5); back++) {
      const year = String(thisYear - back);
      // The two latest years can still be amended; older ones are fetched once.
      if (back > 2 && have.has(`${year}|11011|key`)) {
        latestAnnual ??= year;
        continue;
      }
      const r = await dart.singleAcnt({
        corp_code: corpCode,
        bsns_year: year,
        reprt_code: "11011",
      });
      if (r.empty) continue;
      latestAnnual ??= year;
      for (const f of normalizeSingleAcnt(r.data as Row[])) await putFinancials(kv, f);
    }
    if (latestAnnual) {
      for (const fs of ["CFS", "OFS"] as const) {
        const r = await dart.singleAcntAll({
          corp_code: corpCode,
          bsns_year: latestAnnual,
          reprt_code: "11011",
          fs_div: fs,
        });
        if (!r.empty && (r.data as Row[]).length) {
          await putFinancials(kv, normalizeSingleAcntAll(r.data as Row[], fs));
        }
      }
    }
  });

  await section("indicators", async () => {
    const year = latestAnnual ?? String(thisYear - 1);
    if (Number(year) < 2023) return; // DART serves indicators from 2023 on
    const items = [];
    for (const cl of INDICATOR_CLASSES) {
      const r = await dart.singleIndx({
        corp_code: corpCode,
        bsns_year: year,
        reprt_code: "11011",
        idx_cl_code: cl,
      });
      if (!r.empty) items.push(...normalizeIndicators(r.data as Row[]));
    }
    if (items.length) {
      await putIndicators(kv, { corp_code: corpCode, bsns_year: year, reprt_code: "11011", items });
    }
  });

  const previous = await getCompanySnapshot(kv, corpCode);
  const at = new Date().toISOString();
  const status: SourceStatus = {
    ok: failed.length === 0,
    checked_at: at,
    last_success_at: failed.length === 0
      ? at
      : previous?.source_status.dart?.last_success_at ?? null,
    error: firstError,
  };
  const profile = await getProfile(kv, corpCode);
  const snapshot = buildCompanySnapshot({
    corp_code: corpCode,
    built_at: at,
    sample: ctx.sample,
    profile,
    financials: await listFinancials(kv, corpCode, {}),
    indicators: await listIndicators(kv, corpCode),
    disclosures: (await listDisclosuresByCorp(kv, corpCode, { limit: 200 })).values,
    source_status: { dart: status },
    failed_sections: failed,
    market: await marketSection(kv, profile?.stock_code, corpCode),
  });
  await putCompanySnapshot(kv, snapshot);
  return { corp_code: corpCode, snapshot, failed, error: firstError };
}
