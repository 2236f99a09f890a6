/**
 * data_quality_issues and the dataset schema registry.
 *
 * An issue belongs to the run that found it; adding one bumps that run's issue counts (and
 * so its status) in the same step. The schema registry keeps, per source dataset, the hash
 * of the set of fields its responses carry.
 *
 * @module
 */
import { timeId } from "./raw.ts";
import { keys } from "./keys.ts";
import { assertCommitted } from "./kv.ts";
import { updateRun } from "./runs.ts";
import { maskSecrets } from "../log.ts";

export type Severity = "ERROR" | "WARN";

export interface QualityIssue {
  id: string;
  code: string;
  severity: Severity;
  source: string;
  /** What the issue is about: a corp_code, a date, "dart/list.json", … */
  subject: string;
  message: string;
  run_id: string | null;
  created_at: string;
}

/** Stores issues (with their per-run index) and bumps the run's counts. */
export async function addIssues(
  kv: Deno.Kv,
  issues: Omit<QualityIssue, "id" | "created_at">[],
  now = new Date(),
): Promise<QualityIssue[]> {
  const out: QualityIssue[] = [];
  for (const i of issues) {
    const issue: QualityIssue = {
      ...i,
      message: maskSecrets(i.message),
      id: timeId(now.getTime()),
      created_at: now.toISOString(),
    };
    let op = kv.atomic().set(keys.qualityIssue(issue.id), issue);
    if (issue.run_id) op = op.set(keys.qualityIssueByRun(issue.run_id, issue.id), issue);
    assertCommitted(await op.commit(), `issue ${issue.id}`);
    out.push(issue);
  }
  const byRun = new Map<string, { ERROR: number; WARN: number }>();
  for (const i of out) {
    if (!i.run_id) continue;
    const c = byRun.get(i.run_id) ?? { ERROR: 0, WARN: 0 };
    c[i.severity]++;
    byRun.set(i.run_id, c);
  }
  for (const [runId, c] of byRun) {
    await updateRun(kv, runId, (r) => {
      r.issues.ERROR += c.ERROR;
      r.issues.WARN += c.WARN;
    });
  }
  return out;
}

/** Newest issues first, optionally filtered. */
export async function listIssues(
  kv: Deno.Kv,
  filter: { severity?: Severity; source?: string; code?: string; run_id?: string; limit?: number } =
    {},
): Promise<QualityIssue[]> {
  const limit = filter.limit ?? 100;
  const prefix = filter.run_id
    ? keys.qualityIssueByRunPrefix(filter.run_id)
    : keys.qualityIssuePrefix();
  const out: QualityIssue[] = [];
  let scanned = 0;
  for await (const e of kv.list<QualityIssue>({ prefix }, { reverse: true, batchSize: 200 })) {
    if (++scanned > 5000) break;
    const i = e.value;
    if (filter.severity && i.severity !== filter.severity) continue;
    if (filter.source && i.source !== filter.source) continue;
    if (filter.code && i.code !== filter.code) continue;
    out.push(i);
    if (out.length >= limit) break;
  }
  return out;
}

/** A registered dataset schema. */
export interface DatasetSchema {
  source: string;
  dataset: string;
  hash: string;
  fields: string[];
  first_seen_at: string;
  changed_at: string;
  checked_at: string;
}

export async function getDatasetSchema(
  kv: Deno.Kv,
  source: string,
  dataset: string,
): Promise<Deno.KvEntryMaybe<DatasetSchema>> {
  return await kv.get<DatasetSchema>(keys.datasetSchema(source, dataset));
}

/** Writes a schema entry if the stored one is still `prev` (returns false on a lost race). */
export async function putDatasetSchema(
  kv: Deno.Kv,
  prev: Deno.KvEntryMaybe<DatasetSchema>,
  s: DatasetSchema,
): Promise<boolean> {
  const res = await kv.atomic().check(prev).set(keys.datasetSchema(s.source, s.dataset), s)
    .commit();
  return res.ok;
}

/** Every registered dataset schema. */
export async function listDatasetSchemas(kv: Deno.Kv): Promise<DatasetSchema[]> {
  const out: DatasetSchema[] = [];
  for await (const e of kv.list<DatasetSchema>({ prefix: keys.datasetSchemaPrefix() })) {
    out.push(e.value);
  }
  return out;
}
