/**
 * data_quality_issues and the dataset schema registry.
 *
 * An issue belongs to the run that found it; adding one bumps that run's issue counter (and
 * so its status) in the same atomic. The schema registry keeps, per source dataset, the hash
 * of the set of fields its responses carry.
 *
 * @module
 */
import { timeId } from "./raw.ts";
import { keys } from "./keys.ts";
import { assertCommitted } from "./kv.ts";
import { addRunCounts } from "./runs.ts";
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

/** An issue before it is stored (no id, no time yet). */
export type NewQualityIssue = Omit<QualityIssue, "id" | "created_at">;

/** Gives issues their ids and time, secrets masked in their messages. */
export function stampIssues(issues: NewQualityIssue[], now = new Date()): QualityIssue[] {
  return issues.map((i) => ({
    ...i,
    message: maskSecrets(i.message),
    id: timeId(now.getTime()),
    created_at: now.toISOString(),
  }));
}

/** Mutations an issue costs in an atomic (see {@linkcode addIssueMutations}). */
export const ISSUE_MUTATIONS = 4;

/**
 * Adds stamped issues to an atomic: each issue, its per-run index, and its run's issue
 * counter (a `sum`, so the run's status follows in the same commit without a read-modify-write
 * of the run record).
 */
export function addIssueMutations(
  op: Deno.AtomicOperation,
  issues: QualityIssue[],
): Deno.AtomicOperation {
  for (const issue of issues) {
    op.set(keys.qualityIssue(issue.id), issue);
    if (!issue.run_id) continue;
    op.set(keys.qualityIssueByRun(issue.run_id, issue.id), issue);
    addRunCounts(op, issue.run_id, {
      [issue.severity === "ERROR" ? "issues_error" : "issues_warn"]: 1,
    });
  }
  return op;
}

/** Stores issues with their per-run index and run counts (100 issues per commit). */
export async function addIssues(
  kv: Deno.Kv,
  issues: NewQualityIssue[],
  now = new Date(),
): Promise<QualityIssue[]> {
  const out = stampIssues(issues, now);
  for (let i = 0; i < out.length; i += 100) {
    const chunk = out.slice(i, i + 100);
    assertCommitted(
      await addIssueMutations(kv.atomic(), chunk).commit(),
      `issues ${chunk[0].id}…`,
    );
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
  /** When the entry was last written (= `changed_at`: an unchanged set is not rewritten). */
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
