/**
 * The /exports page: a form that creates a backtest export (market, benchmark indices,
 * dates, quality issues, format) with a plain form POST (no JavaScript needed), and the
 * recent exports with their status, progress, files and manifest. While an export is
 * pending or running the page reloads itself every few seconds.
 *
 * @module
 */
import { Layout, type ShellProps } from "./Layout.tsx";
import { formatDateRange, formatKstDateTime, formatNumber } from "../lib/format.ts";
import { MAX_EXPORT_YEARS } from "../lib/export/backtest.ts";
import type { ExportJob, ExportStatus } from "../lib/store/exports.ts";

/** One index the form offers. */
export interface IndexOption {
  index_code: string;
  name: string;
  series: string;
}

/** Values shown in the form (defaults, or what was submitted when it had errors). */
export interface ExportFormValues {
  market_code: string;
  index_codes: string[];
  date_from: string;
  date_to: string;
  include_issues: boolean;
  output_format: string;
}

/** The form's fields. */
export type ExportField =
  | "market_code"
  | "index_codes"
  | "date_from"
  | "date_to"
  | "output_format";
/** Korean messages by field. */
export type ExportFieldErrors = Partial<Record<ExportField, string>>;

/** One validation problem of a submitted form: the field (or "" for the whole form). */
export interface FormIssue {
  field: string;
  message: string;
}

const DATE_HELP = "날짜를 2026-11-19처럼 연-월-일로 입력해 주세요.";

/**
 * The Korean messages of a rejected export form: one per field (shown next to it) and the
 * problems that belong to no field (shown above the form).
 */
export function exportFormErrors(
  issues: FormIssue[],
): { fields: ExportFieldErrors; general: string[] } {
  const fields: ExportFieldErrors = {};
  const general: string[] = [];
  const unknown: string[] = [];
  for (const { field, message } of issues) {
    const m = /^unknown index code (.+)$/.exec(message);
    if (m) unknown.push(m[1]);
    else if (field === "market_code") fields.market_code = "시장을 목록에서 골라 주세요.";
    else if (field === "index_codes") fields.index_codes = "같은 지수가 두 번 선택되었습니다.";
    else if (field === "output_format") fields.output_format = "Parquet 또는 CSV를 골라 주세요.";
    else if (field === "date_to" && /before/.test(message)) {
      fields.date_to = "종료일이 시작일보다 빠릅니다.";
    } else if (field === "date_to" && /at most/.test(message)) {
      fields.date_to = `기간은 최대 ${MAX_EXPORT_YEARS}년입니다.`;
    } else if (field === "date_from" || field === "date_to") fields[field] ??= DATE_HELP;
    else if (message === "jobs off") {
      general.push("이 프로세스에서는 작업 큐가 실행되지 않아 내보내기를 만들 수 없습니다.");
    } else if (message === "queue failed") {
      general.push("작업을 큐에 넣지 못했습니다. 잠시 후 다시 시도해 주세요.");
    } else general.push("입력값을 확인해 주세요.");
  }
  if (unknown.length) fields.index_codes = `저장되지 않은 지수입니다: ${unknown.join(", ")}`;
  return { fields, general: [...new Set(general)] };
}

export interface ExportsPageProps extends ShellProps {
  indices: IndexOption[];
  jobs: ExportJob[];
  form: ExportFormValues;
  /** Problems of the submitted form that belong to no field (Korean). */
  errors?: string[];
  /** Problems of the submitted form by field (Korean), shown next to the fields. */
  fieldErrors?: ExportFieldErrors;
  /** False when this process runs no job queue (exports cannot be created). */
  jobsEnabled: boolean;
  /** The job just created (highlighted). */
  highlight?: string;
  /** Seconds between reloads while a job is unfinished. */
  refreshSeconds?: number;
}

const STATUS_LABEL: Record<ExportStatus, string> = {
  PENDING: "대기",
  RUNNING: "실행 중",
  SUCCEEDED: "완료",
  FAILED: "실패",
};

const MARKETS = [
  ["ALL", "전체 (KOSPI·KOSDAQ·KONEX)"],
  ["KOSPI", "KOSPI (유가증권)"],
  ["KOSDAQ", "KOSDAQ (코스닥)"],
  ["KONEX", "KONEX (코넥스)"],
] as const;

const api = (id: string) => `/api/v1/backtest/exports/${id}`;

const size = (bytes: number) =>
  bytes >= 1 << 20
    ? `${(bytes / (1 << 20)).toFixed(1)} MB`
    : bytes >= 1024
    ? `${Math.round(bytes / 1024)} KB`
    : `${bytes} B`;

function JobRow({ job, highlight }: { job: ExportJob; highlight: boolean }) {
  const r = job.request;
  return (
    <tr data-job={job.job_id} class={highlight ? "highlight" : undefined}>
      <td>
        <code>{job.job_id}</code>
        <br />
        <span class="muted">{formatKstDateTime(job.created_at)}</span>
      </td>
      <td>
        {r.market_code}
        <br />
        <span class="muted">
          {formatDateRange(r.date_from, r.date_to)}
        </span>
      </td>
      <td>{r.index_codes.length ? r.index_codes.join(", ") : "—"}</td>
      <td>
        {r.output_format}
        {r.include_issues ? " + 이슈" : ""}
      </td>
      <td class={`run-${job.status.toLowerCase()}`}>
        {STATUS_LABEL[job.status]}
        {(job.status === "RUNNING" || job.status === "PENDING") && (
          <>
            {" "}
            <progress max={100} value={job.progress}>{job.progress}%</progress> {job.progress}%
          </>
        )}
        {job.error && (
          <>
            <br />
            <span class="muted">{job.error}</span>
          </>
        )}
      </td>
      <td>
        {job.status === "SUCCEEDED"
          ? (
            <ul class="plain">
              {job.files.map((f) => (
                <li key={f.name}>
                  <a href={`${api(job.job_id)}/files/${f.name}`} download={f.name}>{f.name}</a>{" "}
                  <span class="muted">
                    {formatNumber(f.rows)}행 · {size(f.bytes)}
                  </span>
                </li>
              ))}
              <li>
                <a href={`${api(job.job_id)}/manifest`}>manifest.json</a>
              </li>
            </ul>
          )
          : "—"}
      </td>
    </tr>
  );
}

/** The exports page. */
export function ExportsPage(p: ExportsPageProps) {
  const unfinished = p.jobs.some((j) => j.status === "PENDING" || j.status === "RUNNING");
  const f = p.form;
  const fe = p.fieldErrors ?? {};
  const invalid = (name: ExportField) =>
    fe[name] ? { "aria-invalid": "true" as const, "aria-describedby": `err-${name}` } : {};
  const FieldError = ({ name }: { name: ExportField }) =>
    fe[name] ? <span class="field-error" id={`err-${name}`}>{fe[name]}</span> : null;
  return (
    <Layout
      title="백테스트 내보내기"
      active="exports"
      sample={p.sample}
      bundle={p.bundle}
      now={p.now}
    >
      {unfinished && <meta http-equiv="refresh" content={String(p.refreshSeconds ?? 3)} />}
      <h1>백테스트 데이터 내보내기</h1>
      <p class="muted">
        종목 마스터, 일별 시세 (원, 수정주가 아님), 벤치마크 지수와 데이터 품질 이슈를 Parquet 또는
        CSV로 내보냅니다. 작업은 큐에서 실행되고, 파일은 SHA-256이 적힌 manifest와 함께 저장됩니다.
        API: <code>POST /api/v1/backtest/exports</code> (<a href="/api/docs">API 문서</a>).
      </p>

      {!p.jobsEnabled && (
        <div class="notice warn" role="alert">
          이 프로세스에서는 작업 큐가 실행되지 않아 새 내보내기를 만들 수 없습니다.
        </div>
      )}
      {((p.errors?.length ?? 0) > 0 || Object.keys(p.fieldErrors ?? {}).length > 0) && (
        <div class="notice warn" role="alert" id="form-errors">
          <strong>입력을 확인해 주세요.</strong>
          {(p.errors?.length ?? 0) > 0 && (
            <ul>
              {p.errors!.map((e) => <li key={e}>{e}</li>)}
            </ul>
          )}
        </div>
      )}

      <section class="card section" id="create">
        <h2>새 내보내기</h2>
        <form method="post" action="/exports" class="filters export-form">
          <p>
            <label class={fe.market_code ? "has-error" : undefined}>
              시장{" "}
              <select name="market_code" {...invalid("market_code")}>
                {MARKETS.map(([v, label]) => (
                  <option key={v} value={v} selected={f.market_code === v}>{label}</option>
                ))}
              </select>
              <FieldError name="market_code" />
            </label>{" "}
            <label class={fe.date_from ? "has-error" : undefined}>
              시작일{" "}
              <input type="date" name="date_from" value={f.date_from} {...invalid("date_from")} />
              <FieldError name="date_from" />
            </label>{" "}
            <label class={fe.date_to ? "has-error" : undefined}>
              종료일 <input type="date" name="date_to" value={f.date_to} {...invalid("date_to")} />
              <FieldError name="date_to" />
            </label>
          </p>
          <p class="hint muted">비워 두면 저장된 마지막 거래일까지 1년입니다.</p>
          <fieldset class={fe.index_codes ? "has-error" : undefined}>
            <legend>벤치마크 지수</legend>
            <FieldError name="index_codes" />
            {p.indices.length === 0 && <span class="muted">저장된 지수가 없습니다.</span>}
            {p.indices.map((i) => (
              <label key={i.index_code} class="check">
                <input
                  type="checkbox"
                  name="index_codes"
                  value={i.index_code}
                  checked={f.index_codes.includes(i.index_code)}
                />{" "}
                {i.name} <code>{i.index_code}</code>
              </label>
            ))}
          </fieldset>
          <p>
            <label class="check">
              <input type="checkbox" name="include_issues" value="on" checked={f.include_issues} />
              {" "}
              데이터 품질 이슈 포함
            </label>{" "}
            <label class={fe.output_format ? "has-error" : undefined}>
              형식{" "}
              <select name="output_format" {...invalid("output_format")}>
                <option value="parquet" selected={f.output_format === "parquet"}>Parquet</option>
                <option value="csv" selected={f.output_format === "csv"}>CSV (UTF-8)</option>
              </select>
              <FieldError name="output_format" />
            </label>{" "}
            <button type="submit" disabled={!p.jobsEnabled}>내보내기 만들기</button>
          </p>
        </form>
      </section>

      <section class="section" id="jobs">
        <h2>최근 내보내기</h2>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>작업 ID · 생성 (KST)</th>
                <th>시장 · 기간</th>
                <th>지수</th>
                <th>형식</th>
                <th>상태</th>
                <th>파일</th>
              </tr>
            </thead>
            <tbody>
              {p.jobs.length === 0 && (
                <tr>
                  <td colSpan={6}>아직 내보내기가 없습니다.</td>
                </tr>
              )}
              {p.jobs.map((j) => (
                <JobRow key={j.job_id} job={j} highlight={j.job_id === p.highlight} />
              ))}
            </tbody>
          </table>
        </div>
        {unfinished && (
          <p class="hint">
            진행 중인 작업이 있어 이 페이지는 자동으로 새로 고칩니다.
          </p>
        )}
      </section>
    </Layout>
  );
}
