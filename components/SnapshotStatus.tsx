/**
 * Freshness and completeness of a snapshot: when it was built, the state of each source
 * and, for partial snapshots, which sections are missing.
 *
 * @module
 */
import type { CompanySnapshot } from "../lib/etl/schemas.ts";
import { formatKstDateTime } from "../lib/format.ts";

/** Korean names of snapshot sections. */
export const SECTION_LABEL: Record<string, string> = {
  profile: "기업개황",
  financials: "재무제표",
  indicators: "재무지표",
  disclosures: "공시",
};

const SOURCE_LABEL: Record<string, string> = { dart: "DART", kind: "KIND", krx: "KRX" };

/** "생성 … KST · DART 정상 …" line. */
export function SnapshotStatusLine({ snap }: { snap: CompanySnapshot }) {
  const sources = Object.entries(snap.source_status).sort(([a], [b]) => a.localeCompare(b));
  return (
    <p class="status-line">
      <span>
        스냅샷 생성 <time datetime={snap.built_at}>{formatKstDateTime(snap.built_at)}</time>
      </span>
      {sources.map(([name, s]) => (
        <span
          class={`source-status ${s.ok ? "ok" : "fail"}`}
          title={s.error ?? `마지막 확인 ${formatKstDateTime(s.checked_at)}`}
        >
          {SOURCE_LABEL[name] ?? name.toUpperCase()} {s.ok ? "정상" : "오류"}
          {!s.ok && s.last_success_at && (
            <span class="muted">(마지막 성공 {formatKstDateTime(s.last_success_at)})</span>
          )}
        </span>
      ))}
    </p>
  );
}

/** The warning shown when a snapshot is partial. */
export function PartialNotice({ snap }: { snap: CompanySnapshot }) {
  if (!snap.partial) return null;
  const names = snap.missing_sections.map((s) => SECTION_LABEL[s] ?? s);
  return (
    <div class="notice warn" role="alert">
      <strong>일부 데이터 누락</strong>
      {" — 다음 항목을 가져오지 못했습니다: "}
      {names.length ? names.join(", ") : "알 수 없음"}
      {"."}
    </div>
  );
}
