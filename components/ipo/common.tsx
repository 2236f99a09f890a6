/**
 * Shared pieces of the IPO pages: labels, D-day badges, the status line and the page styles
 * (scoped to `.ipo-*` classes).
 *
 * @module
 */
import type { SourceStatus } from "../../lib/etl/schemas.ts";
import { EMPTY, formatDate, formatKstDateTime, formatNumber } from "../../lib/format.ts";
import { type DdayBadge, dealBadge } from "../../lib/ipo/dday.ts";
import type { IpoFlag, PipelineRow, Stage } from "../../lib/ipo/model.ts";

/** Reconciliation flags in Korean. */
export const FLAG_LABEL: Record<IpoFlag, string> = {
  kind_unmatched: "KIND 미확인",
  dart_unmatched: "DART 미확인",
  listing_unmatched: "상장 미확인",
  ambiguous_name: "동명 회사",
  listing_only: "공모 미확인",
};

export const FLAG_HELP: Record<IpoFlag, string> = {
  kind_unmatched: "DART 증권신고서만 있고 KIND 공모·심사 기록과 연결되지 않았습니다.",
  dart_unmatched: "KIND에는 있으나 DART 증권신고서와 연결되지 않았습니다.",
  listing_unmatched: "상장일이 지났지만 KIND 신규상장 기록과 연결되지 않았습니다.",
  ambiguous_name: "같은 이름의 회사가 있어 날짜로 구분했습니다.",
  listing_only: "KIND 신규상장 기록만 있고 공모·심사·증권신고서와 연결되지 않았습니다.",
};

export const MATCH_LABEL: Record<string, string> = {
  key: "기준 레코드",
  name_date: "1단계: 회사명 + 일자",
  report_class: "2단계: 공시 유형 + 일정",
  stock_code: "3단계: 종목코드",
};

export const SOURCE_LABEL: Record<string, string> = {
  kind_review: "KIND 상장예비심사",
  kind_offering: "KIND 공모기업현황",
  kind_listing: "KIND 신규상장",
  dart: "DART 증권신고서",
};

/** Stage badge class suffix. */
export function stageClass(s: Stage): string {
  if (s === "철회" || s === "미승인") return "end";
  if (s === "상장") return "listed";
  if (s === "청약" || s === "수요예측" || s === "납입") return "live";
  return "early";
}

export function StageBadge({ stage }: { stage: Stage }) {
  return <span class={`ipo-stage ipo-stage-${stageClass(stage)}`}>{stage}</span>;
}

/** A D-day badge (lib/ipo/dday.ts decides the text); nothing for null. */
export function DdayTag({ badge }: { badge: DdayBadge | null }) {
  if (!badge) return null;
  return (
    <span
      class={`ipo-dday ipo-dday-${badge.tone}`}
      data-event={badge.event}
      title={`${badge.event} ${formatDate(badge.date)}`}
    >
      {badge.text}
    </span>
  );
}

/** The one badge of a board row (its next event). */
export function RowDday({ r, today }: { r: PipelineRow; today: string }) {
  return <DdayTag badge={dealBadge(r, today)} />;
}

/** `1,021.37:1` or —. */
export const ratioText = (n: number | null) => n === null ? EMPTY : `${formatNumber(n, 2)}:1`;
/** `21,000원` or —. */
export const wonText = (n: number | null) => n === null ? EMPTY : `${formatNumber(n)}원`;

/** Build time and source states of an IPO snapshot. */
export function IpoStatusLine(
  { builtAt, status }: { builtAt: string; status: Record<string, SourceStatus> },
) {
  return (
    <p class="status-line">
      <span>
        스냅샷 생성 <time datetime={builtAt}>{formatKstDateTime(builtAt)}</time>
      </span>
      {Object.entries(status).sort(([a], [b]) => b.localeCompare(a)).map(([name, s]) => (
        <span
          class={`source-status ${s.ok ? "ok" : "fail"}`}
          data-source={name}
          title={s.error ?? `마지막 확인 ${formatKstDateTime(s.checked_at)}`}
        >
          {name.toUpperCase()} {s.ok ? "정상" : "오류"}
          {!s.ok && (
            <span class="muted">
              {` (${s.error ?? "unknown"}${
                s.last_success_at ? `, 마지막 성공 ${formatKstDateTime(s.last_success_at)}` : ""
              })`}
            </span>
          )}
        </span>
      ))}
    </p>
  );
}

/** Styles of the IPO pages (the shared stylesheet has none for them). */
export function IpoStyles() {
  return (
    <style>
      {`
.ipo-stage{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.85em;white-space:nowrap;border:1px solid #c9d3e3;background:#f3f6fb}
.ipo-stage-live{background:#fff1e6;border-color:#f3b27a;color:#8a3d00}
.ipo-stage-listed{background:#e9f7ef;border-color:#86c9a0;color:#1b5e36}
.ipo-stage-end{background:#f2f2f2;border-color:#bbb;color:#555;text-decoration:line-through}
.ipo-dday{display:inline-block;margin-left:4px;padding:0 6px;border-radius:8px;background:#1f4e9c;color:#fff;font-size:.78em;white-space:nowrap}
.ipo-dday-ongoing{background:#b45309}
.ipo-dday-today{background:#c62828}
.ipo-flag{display:inline-block;margin-left:4px;padding:0 6px;border-radius:8px;background:#fff4d6;border:1px solid #e8c15a;color:#6b4d00;font-size:.78em}
.ipo-filters{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin:12px 0}
.ipo-filters label{display:flex;flex-direction:column;font-size:.85em;gap:2px}
.ipo-actions{display:flex;gap:12px;flex-wrap:wrap;align-items:center;margin:8px 0}
.ipo-button{display:inline-block;padding:6px 12px;border:1px solid #1f4e9c;border-radius:6px;color:#1f4e9c;background:#fff;text-decoration:none}
.ipo-button.primary{background:#1f4e9c;color:#fff}
.ipo-board{display:grid;grid-template-columns:repeat(9,minmax(118px,1fr));gap:8px;overflow-x:auto;padding-bottom:8px}
.ipo-col{background:#f6f8fb;border:1px solid #dde3ec;border-radius:8px;padding:6px;min-height:80px}
.ipo-col h3{margin:0 0 6px;font-size:.95em;display:flex;justify-content:space-between}
.ipo-card{display:block;background:#fff;border:1px solid #dde3ec;border-radius:6px;padding:6px;margin-bottom:6px;color:inherit;text-decoration:none;font-size:.85em}
.ipo-card strong{display:block}
.ipo-week{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.ipo-timeline{list-style:none;display:flex;flex-wrap:wrap;gap:0;padding:0;margin:12px 0}
.ipo-timeline li{flex:1 1 110px;border-top:4px solid #d5dbe5;padding:6px 8px 0 0;font-size:.9em}
.ipo-timeline li.done{border-color:#1f4e9c}
.ipo-timeline li.scheduled{border-color:#f3b27a}
.ipo-timeline li.end{border-color:#999}
.ipo-timeline .when{display:block;color:#555;font-size:.85em}
.ipo-cal{width:100%;border-collapse:collapse;table-layout:fixed}
.ipo-cal td,.ipo-cal th{border:1px solid #dde3ec;vertical-align:top;padding:4px;height:86px;font-size:.82em}
.ipo-cal th{height:auto;background:#f6f8fb}
.ipo-cal .out{background:#fafafa;color:#aaa}
.ipo-cal .today{outline:2px solid #c62828}
.ipo-cal-day{display:block}
.ipo-ev{display:block;margin-top:2px;padding:1px 4px;border-radius:4px;line-height:1.35;overflow-wrap:break-word}
.ipo-ev-kind{font-weight:600}
.ipo-ev-book{background:#f1eafd}
.ipo-ev-sub{background:#fff1e6}
.ipo-ev-pay{background:#eef2fb}
.ipo-ev-list{background:#e9f7ef}
.ipo-legend{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}
.ipo-legend .ipo-ev{display:inline-block;margin:0}
.ipo-agenda{display:none}
.ipo-agenda-day h2{font-size:1em;margin:14px 0 4px;display:flex;gap:6px;align-items:center}
.ipo-agenda ul{list-style:none;padding:0;margin:0}
.ipo-agenda li{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:baseline;padding:4px 0;border-bottom:1px solid #e6eaf0}
.ipo-agenda li .ipo-ev{display:inline-block;margin:0}
.ipo-agenda-day.today h2{color:#c62828}
@media (max-width: 900px){.ipo-cal{display:none}.ipo-agenda{display:block}}
@media (max-width: 600px){.ipo-week{grid-template-columns:1fr}}
`}
    </style>
  );
}
