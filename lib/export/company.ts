/**
 * The company workbook (`company/{corp_code}.xlsx`): 개요, 재무요약 (multi-year key
 * figures), 재무제표 (every account line per year), 주요지표, 공시, IPO 이력 and 정보.
 * Pure: records in, bytes out.
 *
 * @module
 */
import type {
  CompanySnapshot,
  Disclosure,
  Financials,
  IndicatorSet,
  YearFigures,
} from "../etl/schemas.ts";
import { REPORT_LABEL } from "../etl/schemas.ts";
import type { IpoItem } from "../ipo/model.ts";
import {
  addInfoSheet,
  addTableSheet,
  type Col,
  kstDay,
  newWorkbook,
  pctValue,
  toBytes,
} from "./xlsx.ts";

export interface CompanyWorkbookInput {
  snapshot: CompanySnapshot;
  financials: Financials[];
  indicators: IndicatorSet[];
  disclosures: Disclosure[];
  deals: IpoItem[];
  built_at: Date;
}

const SJ_LABEL: Record<string, string> = {
  BS: "재무상태표",
  IS: "손익계산서",
  CIS: "포괄손익계산서",
  CF: "현금흐름표",
  SCE: "자본변동표",
};

const SUMMARY: Col<YearFigures>[] = [
  { header: "사업연도", kind: "text", width: 10, value: (y) => y.bsns_year },
  { header: "구분", kind: "text", width: 8, value: (y) => (y.fs_div === "CFS" ? "연결" : "별도") },
  { header: "매출액", kind: "krw", width: 22, value: (y) => y.revenue },
  { header: "영업이익", kind: "krw", width: 22, value: (y) => y.operating_income },
  { header: "당기순이익", kind: "krw", width: 22, value: (y) => y.net_income },
  { header: "자산총계", kind: "krw", width: 22, value: (y) => y.total_assets },
  { header: "부채총계", kind: "krw", width: 22, value: (y) => y.total_liabilities },
  { header: "자본총계", kind: "krw", width: 22, value: (y) => y.total_equity },
  { header: "매출 증감률", kind: "pct", width: 12, value: (y) => pctValue(y.revenue_yoy) },
  { header: "영업이익률", kind: "pct", width: 12, value: (y) => pctValue(y.operating_margin) },
  { header: "부채비율", kind: "pct", width: 12, value: (y) => pctValue(y.debt_ratio) },
];

/** Statement lines as rows, one column per year (annual reports of one fs_div). */
function statementRows(fin: Financials[], fsDiv: string | null) {
  const annual = fin.filter((f) => f.reprt_code === "11011" && (!fsDiv || f.fs_div === fsDiv));
  const byYear = new Map<string, Financials>();
  for (const f of annual) {
    const cur = byYear.get(f.bsns_year);
    if (!cur || (cur.scope === "key" && f.scope === "full")) byYear.set(f.bsns_year, f);
  }
  const years = [...byYear.keys()].sort();
  const lines = new Map<
    string,
    { sj: string; name: string; ord: number; v: Map<string, number | null> }
  >();
  for (const y of years) {
    for (const l of byYear.get(y)!.lines) {
      const k = `${l.sj_div}|${l.account_id ?? l.account_nm}|${l.account_nm}`;
      if (!lines.has(k)) {
        lines.set(k, { sj: l.sj_div, name: l.account_nm, ord: l.ord, v: new Map() });
      }
      lines.get(k)!.v.set(y, l.thstrm);
    }
  }
  const order = ["BS", "IS", "CIS", "CF", "SCE"];
  const rows = [...lines.values()].sort((a, b) =>
    order.indexOf(a.sj) - order.indexOf(b.sj) || a.ord - b.ord
  );
  return { years, rows };
}

/** Builds the company workbook. */
export async function buildCompanyWorkbook(i: CompanyWorkbookInput): Promise<Uint8Array> {
  const s = i.snapshot;
  const p = s.profile;
  const wb = newWorkbook(i.built_at);

  const profile: [string, string | Date | null][] = [
    ["회사명", p?.corp_name ?? null],
    ["영문명", p?.corp_name_eng ?? null],
    ["고유번호", s.corp_code],
    ["종목코드", p?.stock_code ?? null],
    ["시장", p?.market ?? null],
    ["대표자", p?.ceo_nm ?? null],
    ["설립일", kstDay(p?.est_dt)],
    ["결산월", p?.acc_mt ? `${p.acc_mt}월` : null],
    ["업종코드", p?.induty_code ?? null],
    ["법인등록번호", p?.jurir_no ?? null],
    ["사업자등록번호", p?.bizr_no ?? null],
    ["주소", p?.adres ?? null],
    ["홈페이지", p?.hm_url ?? null],
    ["전화", p?.phn_no ?? null],
  ];
  const ws = addTableSheet(wb, "개요", [
    { header: "항목", kind: "text", width: 16, value: (r: typeof profile[number]) => r[0] },
    { header: "내용", kind: "text", width: 60, value: (r) => r[1] },
  ], profile);
  ws.getCell("B8").numFmt = "yyyy-mm-dd";

  addTableSheet(wb, "재무요약", SUMMARY, s.financials.years);

  const st = statementRows(i.financials, s.financials.fs_div);
  type StRow = (typeof st.rows)[number];
  addTableSheet(wb, "재무제표", [
    { header: "재무제표", kind: "text", width: 14, value: (r: StRow) => SJ_LABEL[r.sj] ?? r.sj },
    { header: "계정명", kind: "text", width: 30, value: (r) => r.name },
    ...st.years.map((y): Col<StRow> => ({
      header: `${y}년`,
      kind: "krw",
      width: 22,
      value: (r) => r.v.get(y) ?? null,
    })),
  ], st.rows);

  const idx = i.indicators.flatMap((set) =>
    set.items.map((it) => ({ ...it, bsns_year: set.bsns_year, reprt_code: set.reprt_code }))
  );
  type IdxRow = (typeof idx)[number];
  addTableSheet(wb, "주요지표", [
    { header: "사업연도", kind: "text", width: 10, value: (r: IdxRow) => r.bsns_year },
    { header: "보고서", kind: "text", width: 12, value: (r) => REPORT_LABEL[r.reprt_code] },
    { header: "분류", kind: "text", width: 14, value: (r) => r.idx_cl_nm },
    { header: "지표", kind: "text", width: 22, value: (r) => r.idx_nm },
    { header: "값", kind: "int", width: 12, value: (r) => r.idx_val },
    { header: "결산기준일", kind: "date", width: 12, value: (r) => kstDay(r.stlm_dt) },
  ], idx).getColumn(5).numFmt = "#,##0.00";

  addTableSheet(wb, "공시", [
    { header: "접수일", kind: "date", width: 12, value: (d: Disclosure) => kstDay(d.rcept_dt) },
    { header: "보고서명", kind: "text", width: 44, value: (d) => d.report_nm },
    { header: "제출인", kind: "text", width: 18, value: (d) => d.flr_nm },
    { header: "접수번호", kind: "text", width: 16, value: (d) => d.rcept_no },
    { header: "정정 이력", kind: "int", width: 10, value: (d) => d.chain.length },
    { header: "DART 링크", kind: "text", width: 52, value: (d) => d.viewer_url },
  ], i.disclosures);

  addTableSheet(wb, "IPO 이력", [
    { header: "파이프라인 ID", kind: "text", width: 18, value: (d: IpoItem) => d.pipeline_id },
    { header: "단계", kind: "text", width: 10, value: (d) => d.stage },
    { header: "시장", kind: "text", width: 9, value: (d) => d.facts.market },
    { header: "확정공모가", kind: "krw", width: 13, value: (d) => d.facts.final_price },
    { header: "공모금액", kind: "krw", width: 20, value: (d) => d.facts.offer_amount },
    {
      header: "수요예측 경쟁률",
      kind: "ratio",
      width: 15,
      value: (d) => d.facts.demand_competition,
    },
    {
      header: "의무보유확약",
      kind: "pct",
      width: 12,
      value: (d) => pctValue(d.facts.lockup_ratio),
    },
    {
      header: "청약 시작",
      kind: "date",
      width: 12,
      value: (d) => kstDay(d.facts.subscription?.from),
    },
    { header: "상장일", kind: "date", width: 12, value: (d) => kstDay(d.facts.listing_date) },
    { header: "주관사", kind: "text", width: 26, value: (d) => d.facts.underwriters.join(", ") },
  ], i.deals);

  addInfoSheet(wb, {
    title: `kdesk 기업 자료: ${p?.corp_name ?? s.corp_code}`,
    built_at: i.built_at,
    snapshot_built_at: s.built_at,
    sources: Object.entries(s.source_status).map(([name, st]) => ({
      name: name === "dart" ? "DART (금융감독원 전자공시)" : name,
      status: st.ok ? `정상 (${st.checked_at})` : `실패: ${st.error ?? "unknown"}`,
    })),
    sample: s.sample,
    rows: st.rows.length,
  });
  return await toBytes(wb);
}
