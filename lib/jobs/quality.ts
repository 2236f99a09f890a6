/**
 * Data-quality checks. Each returns the issues it found (not yet stored); the caller adds
 * them to its run with `addIssues`, which sets the run's status (WARN only → PARTIAL, any
 * ERROR → FAILED).
 *
 * | code | severity | what |
 * |---|---|---|
 * | `SCHEMA_CHANGED` | WARN when fields were added, ERROR when fields disappeared | a source response's field set differs from the registry's |
 * | `DISCLOSURE_VOLUME_LOW` | WARN | a day has < half the disclosures of the same weekday's average (previous 4 weeks) |
 * | `CORP_MASTER_MISSING` | WARN | a disclosure names a corp with a stock_code that has no corp-master row |
 * | `FS_TOTALS_MISMATCH` | ERROR | 자산총계 ≠ 부채총계 + 자본총계 in a stored statement |
 * | `DATA_GAP` | WARN | weekdays without any disclosure (overall or for a market) in a window |
 *
 * @module
 */
import type { Disclosure, Financials } from "../etl/schemas.ts";
import { getBlob } from "../store/blobs.ts";
import { keys } from "../store/keys.ts";
import { contentionPause, KvContentionError } from "../store/kv.ts";
import type { RawRecord } from "../store/raw.ts";
import {
  type DatasetSchema,
  getDatasetSchema,
  putDatasetSchema,
  type QualityIssue,
} from "../store/quality.ts";

export type NewIssue = Omit<QualityIssue, "id" | "created_at">;

/** A short hex SHA-256 of a text. */
async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The field set of a JSON response: top-level keys, and `key[].field` for every field of
 * the objects of a top-level array. Null for a body that is not a successful JSON object
 * (DART status other than 000, XML, ZIP): those say nothing about the data schema.
 */
export function responseFields(body: Uint8Array): string[] | null {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return null;
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if ("status" in o && o.status !== "000") return null;
  const fields = new Set<string>();
  for (const [k, val] of Object.entries(o)) {
    if (Array.isArray(val)) {
      fields.add(`${k}[]`);
      for (const item of val) {
        if (item && typeof item === "object" && !Array.isArray(item)) {
          for (const f of Object.keys(item)) fields.add(`${k}[].${f}`);
        }
      }
    } else fields.add(k);
  }
  return [...fields].sort();
}

/** Field-set hashes known to be the registry's, per KV handle and `source/dataset`. */
const knownSchemas = new WeakMap<Deno.Kv, Map<string, string>>();

/**
 * Compares the field set of a dataset's latest responses with the registry's. The first
 * sighting registers it; a change raises `SCHEMA_CHANGED` and records the new set (so the
 * issue is raised once per change).
 *
 * The registry key is shared by every response of a dataset (one per KRX day of a backfill),
 * so it is written only when the field set changes: a hash this process already saw in the
 * registry costs nothing, an unchanged one costs one read, and a lost race on a real change
 * is re-read (the winner's set usually equals ours). Persistent contention throws
 * `KvContentionError`, which the queue retries later without spending a try.
 */
export async function checkSchema(
  kv: Deno.Kv,
  p: { source: string; dataset: string; fields: string[]; run_id: string | null; now?: Date },
): Promise<NewIssue[]> {
  const now = (p.now ?? new Date()).toISOString();
  const hash = (await sha256(p.fields.join("\n"))).slice(0, 16);
  const name = `${p.source}/${p.dataset}`;
  let known = knownSchemas.get(kv);
  if (!known) knownSchemas.set(kv, known = new Map());
  if (known.get(name) === hash) return [];
  for (let i = 0;; i++) {
    const prev = await getDatasetSchema(kv, p.source, p.dataset);
    const old = prev.value;
    if (old && old.hash === hash) {
      known.set(name, hash);
      return [];
    }
    const next: DatasetSchema = {
      source: p.source,
      dataset: p.dataset,
      hash,
      fields: p.fields,
      first_seen_at: old?.first_seen_at ?? now,
      changed_at: now,
      checked_at: now,
    };
    if (!(await putDatasetSchema(kv, prev, next))) {
      if (i >= 100) throw new KvContentionError(`schema registry ${name}`);
      await contentionPause(i);
      continue;
    }
    known.set(name, hash);
    if (!old) return [];
    const before = new Set(old.fields), after = new Set(p.fields);
    const added = p.fields.filter((f) => !before.has(f));
    const removed = old.fields.filter((f) => !after.has(f));
    return [{
      code: "SCHEMA_CHANGED",
      severity: removed.length ? "ERROR" : "WARN",
      source: p.source,
      subject: name,
      message: `response fields changed (hash ${old.hash} → ${hash}); added: ${
        added.join(", ") || "none"
      }; removed: ${removed.join(", ") || "none"}`,
      run_id: p.run_id,
    }];
  }
}

/** Runs {@linkcode checkSchema} on the union of fields of stored raw responses. */
export async function checkRawSchema(
  kv: Deno.Kv,
  raws: RawRecord[],
  p: { source: string; run_id: string | null; now?: Date },
): Promise<NewIssue[]> {
  const byDataset = new Map<string, Set<string>>();
  for (const raw of raws.slice(0, 5)) {
    const body = await getBlob(kv, raw.hash);
    const f = body && responseFields(body);
    if (!f) continue;
    const set = byDataset.get(raw.dataset) ?? new Set<string>();
    for (const x of f) set.add(x);
    byDataset.set(raw.dataset, set);
  }
  const out: NewIssue[] = [];
  for (const [dataset, set] of byDataset) {
    out.push(...await checkSchema(kv, { ...p, dataset, fields: [...set].sort() }));
  }
  return out;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) =>
  isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000));

/** Stored disclosures filed on a day (`YYYY-MM-DD`), all versions. */
export async function disclosuresOn(kv: Deno.Kv, day: string): Promise<Disclosure[]> {
  const out: Disclosure[] = [];
  for await (
    const e of kv.list<Disclosure>({ prefix: [...keys.disclosureByDatePrefix(), day] }, {
      batchSize: 1000,
    })
  ) out.push(e.value);
  return out;
}

/**
 * `DISCLOSURE_VOLUME_LOW` when `day` has fewer than half the disclosures of the average of
 * the same weekday over the previous four weeks (weeks without any data are left out).
 */
export async function checkDisclosureVolume(
  kv: Deno.Kv,
  day: string,
  run_id: string | null,
): Promise<NewIssue[]> {
  const count = (await disclosuresOn(kv, day)).length;
  const history: number[] = [];
  for (let w = 1; w <= 4; w++) {
    const n = (await disclosuresOn(kv, addDays(day, -7 * w))).length;
    if (n > 0) history.push(n);
  }
  if (history.length === 0) return [];
  const avg = history.reduce((a, b) => a + b, 0) / history.length;
  if (count >= avg * 0.5) return [];
  return [{
    code: "DISCLOSURE_VOLUME_LOW",
    severity: "WARN",
    source: "dart",
    subject: day,
    message: `${count} disclosures on ${day}, expected about ${
      Math.round(avg)
    } (average of the same weekday over ${history.length} previous weeks)`,
    run_id,
  }];
}

/**
 * `CORP_MASTER_MISSING` for disclosures whose corp has a stock_code but no corp-master row.
 * Skipped until the corp master has been synced once.
 */
export async function checkCorpMaster(
  kv: Deno.Kv,
  items: Disclosure[],
  run_id: string | null,
): Promise<NewIssue[]> {
  if ((await kv.get(keys.corpMasterMeta())).versionstamp === null) return [];
  const corps = [...new Map(items.filter((d) => d.stock_code).map((d) => [d.corp_code, d]))
    .values()];
  const out: NewIssue[] = [];
  for (let i = 0; i < corps.length; i += 10) {
    const slice = corps.slice(i, i + 10);
    const got = await kv.getMany(slice.map((d) => keys.corp(d.corp_code)));
    got.forEach((g, j) => {
      if (g.versionstamp !== null) return;
      const d = slice[j];
      out.push({
        code: "CORP_MASTER_MISSING",
        severity: "WARN",
        source: "dart",
        subject: d.corp_code,
        message:
          `${d.corp_name} (stock_code ${d.stock_code}) filed ${d.rcept_no} but has no corp-master row`,
        run_id,
      });
    });
  }
  return out;
}

const TOTAL_IDS = {
  assets: ["ifrs-full_Assets", "ifrs_Assets"],
  liabilities: ["ifrs-full_Liabilities", "ifrs_Liabilities"],
  equity: ["ifrs-full_Equity", "ifrs_Equity"],
};
const TOTAL_NAMES = { assets: "자산총계", liabilities: "부채총계", equity: "자본총계" };

function total(f: Financials, which: keyof typeof TOTAL_IDS): number | null {
  const bs = f.lines.filter((l) => l.sj_div === "BS");
  const hit = bs.find((l) => l.account_id && TOTAL_IDS[which].includes(l.account_id)) ??
    bs.find((l) => l.account_nm.replace(/\s/g, "") === TOTAL_NAMES[which]);
  return hit?.thstrm ?? null;
}

/**
 * `FS_TOTALS_MISMATCH` when a statement's 자산총계 differs from 부채총계 + 자본총계 by more
 * than 0.1% (and more than 1,000,000 원, to ignore rounding of small filers).
 */
export function checkFinancialTotals(f: Financials, run_id: string | null): NewIssue[] {
  const a = total(f, "assets"), l = total(f, "liabilities"), e = total(f, "equity");
  if (a === null || l === null || e === null) return [];
  const diff = Math.abs(a - (l + e));
  if (diff <= Math.max(1_000_000, Math.abs(a) * 0.001)) return [];
  return [{
    code: "FS_TOTALS_MISMATCH",
    severity: "ERROR",
    source: "dart",
    subject: f.corp_code,
    message:
      `${f.bsns_year} ${f.reprt_code} ${f.fs_div} (${f.scope}, rcept_no ${f.rcept_no}): 자산총계 ${a} ≠ 부채총계 ${l} + 자본총계 ${e} (difference ${diff})`,
    run_id,
  }];
}

/**
 * `DATA_GAP` for runs of weekdays (`from..to`, `YYYY-MM-DD`) without any stored disclosure,
 * overall and per market (유가증권 Y, 코스닥 K) on days when the market overall was active.
 */
export async function checkDataGaps(
  kv: Deno.Kv,
  from: string,
  to: string,
  run_id: string | null,
): Promise<NewIssue[]> {
  const gaps: Record<string, string[]> = { all: [], Y: [], K: [] };
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    const items = await disclosuresOn(kv, d);
    if (items.length === 0) {
      gaps.all.push(d);
      continue;
    }
    if (items.length < 20) continue; // too quiet a day to expect every market
    for (const m of ["Y", "K"] as const) {
      if (!items.some((x) => x.corp_cls === m)) gaps[m].push(d);
    }
  }
  const out: NewIssue[] = [];
  for (const [market, days] of Object.entries(gaps)) {
    if (!days.length) continue;
    out.push({
      code: "DATA_GAP",
      severity: "WARN",
      source: "dart",
      subject: market === "all" ? `${from}..${to}` : `${market}:${from}..${to}`,
      message: `${days.length} weekday(s) without disclosures${
        market === "all" ? "" : ` for market ${market}`
      }: ${days.slice(0, 10).join(", ")}${
        days.length > 10 ? ", …" : ""
      } (holidays excluded only if no data)`,
      run_id,
    });
  }
  return out;
}
