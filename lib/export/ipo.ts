/**
 * The pipeline workbook (`ipo.xlsx`): one row per deal with its terms, figures and schedule,
 * and the "정보" sheet. Pure: rows in, bytes out.
 *
 * @module
 */
import type { SourceStatus } from "../etl/schemas.ts";
import type { PipelineRow } from "../ipo/model.ts";
import {
  addInfoSheet,
  addTableSheet,
  type Col,
  kstDay,
  newWorkbook,
  pctValue,
  toBytes,
} from "./xlsx.ts";

/** Sheet names. */
export const IPO_SHEET = "IPO 파이프라인";

const FLAG_LABEL: Record<string, string> = {
  kind_unmatched: "KIND 미확인",
  dart_unmatched: "DART 미확인",
  listing_unmatched: "상장 미확인",
  ambiguous_name: "동명 회사",
  listing_only: "공모 미확인",
};

/** The pipeline columns. */
export const IPO_COLUMNS: Col<PipelineRow>[] = [
  { header: "파이프라인 ID", kind: "text", width: 18, value: (r) => r.id },
  { header: "회사명", kind: "text", width: 22, value: (r) => r.name },
  { header: "종목코드", kind: "text", width: 10, value: (r) => r.stock_code },
  { header: "고유번호", kind: "text", width: 11, value: (r) => r.corp_code },
  { header: "시장", kind: "text", width: 9, value: (r) => r.market },
  { header: "단계", kind: "text", width: 12, value: (r) => r.stage },
  { header: "희망공모가 하단", kind: "krw", width: 15, value: (r) => r.band[0] },
  { header: "희망공모가 상단", kind: "krw", width: 15, value: (r) => r.band[1] },
  { header: "확정공모가", kind: "krw", width: 13, value: (r) => r.price },
  { header: "공모금액", kind: "krw", width: 20, value: (r) => r.amount },
  { header: "수요예측 경쟁률", kind: "ratio", width: 15, value: (r) => r.demand },
  { header: "의무보유확약", kind: "pct", width: 12, value: (r) => pctValue(r.lockup) },
  { header: "청약경쟁률", kind: "ratio", width: 13, value: (r) => r.sub_comp },
  { header: "주관사", kind: "text", width: 26, value: (r) => r.uw.join(", ") },
  { header: "신고서·청구일", kind: "date", width: 13, value: (r) => kstDay(r.filed) },
  { header: "청약 시작", kind: "date", width: 12, value: (r) => kstDay(r.sub?.from) },
  { header: "청약 종료", kind: "date", width: 12, value: (r) => kstDay(r.sub?.to) },
  { header: "납입일", kind: "date", width: 12, value: (r) => kstDay(r.pay) },
  { header: "상장일", kind: "date", width: 12, value: (r) => kstDay(r.list) },
  {
    header: "확인 필요",
    kind: "text",
    width: 20,
    value: (r) => r.flags.map((f) => FLAG_LABEL[f] ?? f).join(", ") || null,
  },
];

export interface IpoWorkbookInput {
  rows: PipelineRow[];
  built_at: Date;
  snapshot_built_at: string | null;
  source_status: Record<string, SourceStatus>;
  filters: Record<string, string>;
  sample: boolean;
}

const statusText = (s: SourceStatus | undefined) =>
  !s
    ? "—"
    : s.ok
    ? `정상 (${s.checked_at})`
    : `실패: ${s.error ?? "unknown"} (마지막 성공 ${s.last_success_at ?? "없음"})`;

/** Builds ipo.xlsx. */
export async function buildIpoWorkbook(i: IpoWorkbookInput): Promise<Uint8Array> {
  const wb = newWorkbook(i.built_at);
  addTableSheet(wb, IPO_SHEET, IPO_COLUMNS, i.rows);
  addInfoSheet(wb, {
    title: "kdesk IPO 파이프라인",
    built_at: i.built_at,
    snapshot_built_at: i.snapshot_built_at,
    sources: [
      { name: "KIND (한국거래소 기업공시채널)", status: statusText(i.source_status.kind) },
      { name: "DART (금융감독원 전자공시)", status: statusText(i.source_status.dart) },
    ],
    filters: i.filters,
    sample: i.sample,
    rows: i.rows.length,
  });
  return await toBytes(wb);
}
