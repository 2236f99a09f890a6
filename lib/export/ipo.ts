/**
 * The pipeline workbook (`ipo.xlsx`): one row per deal with its terms, figures, schedule
 * and, for listed deals, the post-listing figures the deal API serves (시초가, 상장일 종가,
 * 최근 종가, returns against the offer price), and the "정보" sheet. Pure: rows and figures
 * in, bytes out.
 *
 * @module
 */
import type { SourceStatus } from "../etl/schemas.ts";
import type { PipelineRow } from "../ipo/model.ts";
import type { DealPerformance } from "../market/summary.ts";
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

/** A sheet row: the board row and its post-listing figures (null: none known). */
export type IpoSheetRow = PipelineRow & { after: DealPerformance | null };

/** The pipeline columns. Returns are fractions in a % format, like 의무보유확약. */
export const IPO_COLUMNS: Col<IpoSheetRow>[] = [
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
    header: "시초가",
    kind: "krw",
    width: 12,
    value: (r) => r.after?.after_listing?.first_day_open,
  },
  {
    header: "상장일 종가",
    kind: "krw",
    width: 13,
    value: (r) => r.after?.after_listing?.first_day_close,
  },
  {
    header: "상장일 수익률(%)",
    kind: "pct",
    width: 16,
    value: (r) => pctValue(r.after?.after_listing?.first_day_return_pct),
  },
  { header: "최근 종가", kind: "krw", width: 12, value: (r) => r.after?.last_close },
  {
    header: "최근 종가일",
    kind: "date",
    width: 12,
    value: (r) => kstDay(r.after?.last_close_date),
  },
  {
    header: "공모가 대비 수익률(%)",
    kind: "pct",
    width: 20,
    value: (r) => pctValue(r.after?.after_listing?.return_since_offer_pct),
  },
  {
    header: "확인 필요",
    kind: "text",
    width: 20,
    value: (r) => r.flags.map((f) => FLAG_LABEL[f] ?? f).join(", ") || null,
  },
];

export interface IpoWorkbookInput {
  rows: PipelineRow[];
  /**
   * Listed deals' post-listing figures by pipeline id (`MarketCache.dealPerformances`);
   * rows without an entry get empty cells.
   */
  performance?: ReadonlyMap<string, DealPerformance>;
  /** The latest KRX trading day stored, which the figures are as of; null: no prices. */
  prices_as_of?: string | null;
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
  const perf = i.performance;
  addTableSheet(
    wb,
    IPO_SHEET,
    IPO_COLUMNS,
    i.rows.map((r): IpoSheetRow => ({ ...r, after: perf?.get(r.id) ?? null })),
  );
  const asOf = i.prices_as_of ?? null;
  const info = addInfoSheet(wb, {
    title: "kdesk IPO 파이프라인",
    built_at: i.built_at,
    snapshot_built_at: i.snapshot_built_at,
    sources: [
      { name: "KIND (한국거래소 기업공시채널)", status: statusText(i.source_status.kind) },
      { name: "DART (금융감독원 전자공시)", status: statusText(i.source_status.dart) },
      {
        name: "KRX (한국거래소 일별 시세)",
        status: asOf
          ? `${asOf} 종가까지 저장된 시세 (시초가, 상장일 종가, 최근 종가, 수익률)`
          : "저장된 시세 없음: 시세 열은 비어 있습니다",
      },
    ],
    filters: i.filters,
    sample: i.sample,
    rows: i.rows.length,
  });
  info.addRow([
    "시세 기준",
    `${asOf ? `KRX ${asOf} 기준. ` : ""}` +
    "상장 종목만: 시초가·상장일 종가는 상장일(또는 그 뒤 첫 거래일), 최근 종가는 종목의 마지막 저장 " +
    "거래일 값. 수익률은 확정공모가 대비이며 수정주가가 아닌 원시 종가 기준.",
  ]);
  return await toBytes(wb);
}
