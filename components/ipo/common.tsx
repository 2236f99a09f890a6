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

/**
 * Styles of the IPO pages (the shared stylesheet has none for them): a static file, so the
 * pages' Content-Security-Policy needs no inline style.
 */
export function IpoStyles() {
  return <link rel="stylesheet" href="/static/ipo.css" />;
}
