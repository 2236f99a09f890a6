/**
 * The /ops page: schedules with their next fire time, source health and quota gauges, the
 * collection runs (filterable), data-quality issues and dead letters.
 *
 * @module
 */
import { Layout, type ShellProps } from "../Layout.tsx";
import { formatKstDateTime } from "../../lib/format.ts";
import type { SourceHealthView } from "../../lib/jobs/health.ts";
import type { DeadLetter } from "../../lib/store/jobs.ts";
import type { QualityIssue } from "../../lib/store/quality.ts";
import type { CollectionRun, RunStatus, RunTrigger } from "../../lib/store/runs.ts";

export interface ScheduleRow {
  name: string;
  handler: string;
  cron: string;
  kst: string;
  source: string;
  next: Date;
  active: boolean;
}

export interface OpsPageProps extends ShellProps {
  schedules: ScheduleRow[];
  sources: SourceHealthView[];
  runs: CollectionRun[];
  issues: QualityIssue[];
  deadLetters: DeadLetter[];
  queue: { depth: number; dead: number; enqueued: number; processed: number };
  filter: { job?: string; status?: string };
  jobNames: string[];
  adminEnabled: boolean;
}

const STATUS_LABEL: Record<RunStatus, string> = {
  RUNNING: "실행 중",
  SUCCEEDED: "성공",
  PARTIAL: "부분 성공",
  FAILED: "실패",
};

const TRIGGER_LABEL: Record<RunTrigger, string> = {
  schedule: "예약",
  manual: "수동",
  backfill: "백필",
  queue: "큐",
  startup: "시작 시",
};

const when = (iso: string | null) => (iso ? formatKstDateTime(new Date(iso)) : "–");

/** Queued work of a run: days done / total, failed days, days not yet enqueued. */
function RunProgressCell({ p }: { p: NonNullable<CollectionRun["progress"]> }) {
  const waiting = p.total - p.enqueued;
  return (
    <span class="run-progress" data-progress={`${p.done}/${p.total}`}>
      {" "}
      <meter min={0} max={p.total || 1} value={p.done + p.failed}>
        {p.done}/{p.total}
      </meter>{" "}
      {p.done}/{p.total}
      {p.failed > 0 && ` (실패 ${p.failed})`}
      {waiting > 0 && ` (등록 대기 ${waiting})`}
    </span>
  );
}

function Gauge({ used, max }: { used: number; max: number }) {
  const pct = max ? Math.round((used / max) * 1000) / 10 : 0;
  return (
    <span class="quota-gauge">
      <meter min={0} max={max} low={max * 0.7} high={max * 0.9} optimum={0} value={used}>
        {pct}%
      </meter>{" "}
      {used.toLocaleString("ko-KR")} / {max.toLocaleString("ko-KR")} ({pct}%)
    </span>
  );
}

/** The operations page. */
export function OpsPage(p: OpsPageProps) {
  return (
    <Layout title="운영" active="ops" sample={p.sample} bundle={p.bundle} now={p.now}>
      <h1>운영 · 수집 상태</h1>
      <p class="muted">
        큐 대기 {p.queue.depth}건 · 데드레터 {p.queue.dead}건 · 처리{" "}
        {`${p.queue.processed}/${p.queue.enqueued}`}건. {p.adminEnabled
          ? "관리 작업은 Authorization: Bearer ADMIN_TOKEN 으로 /api/dart/admin/*, /api/ops/dead-letters/* 에 요청합니다."
          : "ADMIN_TOKEN이 설정되지 않아 관리 API가 꺼져 있습니다."}
      </p>

      <section id="sources" class="section ops-section">
        <h2>소스 상태 · 할당량</h2>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>소스</th>
                <th>상태</th>
                <th>회로</th>
                <th>최근 성공</th>
                <th>최근 오류</th>
                <th>지연</th>
                <th>오늘 할당량</th>
              </tr>
            </thead>
            <tbody>
              {p.sources.map((s) => (
                <tr>
                  <td>{s.source}</td>
                  <td>
                    {!s.configured ? "미연결" : s.ok ? "정상" : s.checked_at ? "오류" : "미점검"}
                  </td>
                  <td>{s.circuit}</td>
                  <td>{when(s.last_success_at)}</td>
                  <td>
                    {s.last_error
                      ? [s.last_error_at && when(s.last_error_at), s.last_error].filter(Boolean)
                        .join(" ")
                      : "–"}
                  </td>
                  <td>{s.latency_ms === null ? "–" : `${s.latency_ms} ms`}</td>
                  <td>
                    {s.quota ? <Gauge used={s.quota.used_today} max={s.quota.per_day} /> : "–"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section id="schedules" class="section ops-section">
        <h2>스케줄</h2>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>이름</th>
                <th>작업</th>
                <th>cron (UTC)</th>
                <th>KST</th>
                <th>다음 실행 (KST)</th>
                <th>등록</th>
              </tr>
            </thead>
            <tbody>
              {p.schedules.map((s) => (
                <tr>
                  <td>
                    <code>{s.name}</code>
                  </td>
                  <td>{s.handler}</td>
                  <td>
                    <code>{s.cron}</code>
                  </td>
                  <td>{s.kst}</td>
                  <td>{formatKstDateTime(s.next)}</td>
                  <td>{s.active ? "예" : "아니오 (커넥터 없음/샘플)"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section id="runs" class="section ops-section">
        <h2>수집 실행</h2>
        <form method="get" action="/ops" class="filters">
          <label>
            작업{" "}
            <select name="job">
              <option value="">전체</option>
              {p.jobNames.map((j) => (
                <option key={j} value={j} selected={p.filter.job === j}>{j}</option>
              ))}
            </select>
          </label>{" "}
          <label>
            상태{" "}
            <select name="status">
              <option value="">전체</option>
              {(Object.keys(STATUS_LABEL) as RunStatus[]).map((s) => (
                <option value={s} selected={p.filter.status === s}>{STATUS_LABEL[s]}</option>
              ))}
            </select>
          </label>{" "}
          <button type="submit">필터</button>
        </form>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>시작 (KST)</th>
                <th>작업</th>
                <th>트리거</th>
                <th>상태</th>
                <th>수집/신규/변경/실패</th>
                <th>API 호출</th>
                <th>큐 등록</th>
                <th>이슈 E/W</th>
                <th>소요</th>
              </tr>
            </thead>
            <tbody>
              {p.runs.length === 0 && (
                <tr>
                  <td colSpan={9}>실행 기록이 없습니다.</td>
                </tr>
              )}
              {p.runs.map((r) => (
                <tr data-run={r.id}>
                  <td>{when(r.started_at)}</td>
                  <td>{r.job}</td>
                  <td title={r.trigger}>{TRIGGER_LABEL[r.trigger] ?? r.trigger}</td>
                  <td class={`run-${r.status.toLowerCase()}`} title={r.error ?? undefined}>
                    {STATUS_LABEL[r.status]}
                    {r.progress && <RunProgressCell p={r.progress} />}
                  </td>
                  <td>
                    {r.counts.fetched}/{r.counts.new}/{r.counts.changed}/{r.counts.failed}
                  </td>
                  <td>{r.api_calls}</td>
                  <td>{r.enqueued}</td>
                  <td>
                    {r.issues.ERROR}/{r.issues.WARN}
                  </td>
                  <td>
                    {r.finished_at
                      ? `${
                        ((Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000).toFixed(1)
                      } s`
                      : "–"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section id="issues" class="section ops-section">
        <h2>데이터 품질 이슈</h2>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>시각 (KST)</th>
                <th>등급</th>
                <th>코드</th>
                <th>소스</th>
                <th>대상</th>
                <th>내용</th>
              </tr>
            </thead>
            <tbody>
              {p.issues.length === 0 && (
                <tr>
                  <td colSpan={6}>이슈가 없습니다.</td>
                </tr>
              )}
              {p.issues.map((i) => (
                <tr>
                  <td>{when(i.created_at)}</td>
                  <td class={`sev-${i.severity.toLowerCase()}`}>{i.severity}</td>
                  <td>
                    <code>{i.code}</code>
                  </td>
                  <td>{i.source}</td>
                  <td>{i.subject}</td>
                  <td>{i.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section id="dead-letters" class="section ops-section">
        <h2>데드레터</h2>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>ID</th>
                <th>종류</th>
                <th>키</th>
                <th>등록 (KST)</th>
                <th>재시도 / 삭제 (관리자)</th>
              </tr>
            </thead>
            <tbody>
              {p.deadLetters.length === 0 && (
                <tr>
                  <td colSpan={5}>데드레터가 없습니다.</td>
                </tr>
              )}
              {p.deadLetters.map((d) => (
                <tr>
                  <td>
                    <code>{d.id}</code>
                  </td>
                  <td>{d.message.kind}</td>
                  <td>
                    <code>{d.message.key}</code>
                  </td>
                  <td>{when(d.message.enqueued_at)}</td>
                  <td>
                    <code>POST /api/ops/dead-letters/{d.id}/retry</code> ·{" "}
                    <code>DELETE /api/ops/dead-letters/{d.id}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}
