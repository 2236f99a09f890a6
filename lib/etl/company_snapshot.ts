/**
 * Builds the company snapshot document from normalized records. Pure: no I/O.
 *
 * @module
 */
import {
  type CompanySnapshot,
  type Disclosure,
  type Financials,
  type IndicatorSet,
  type Profile,
  type SnapshotSection,
  type SourceStatus,
  type StatementLine,
  type YearFigures,
} from "./schemas.ts";
import type { MarketSection } from "../market/summary.ts";

type Figure =
  | "revenue"
  | "operating_income"
  | "net_income"
  | "total_assets"
  | "total_liabilities"
  | "total_equity";

/** How each key figure is found: XBRL ids first, then account names, within statement kinds. */
const FIGURES: Record<Figure, { sj: string[]; ids: string[]; names: string[] }> = {
  revenue: {
    sj: ["IS", "CIS"],
    ids: ["ifrs-full_Revenue"],
    names: ["매출액", "수익(매출액)", "영업수익", "매출"],
  },
  operating_income: {
    sj: ["IS", "CIS"],
    ids: ["dart_OperatingIncomeLoss"],
    names: ["영업이익", "영업이익(손실)", "영업손익"],
  },
  net_income: {
    sj: ["IS", "CIS"],
    ids: ["ifrs-full_ProfitLoss"],
    names: ["당기순이익", "당기순이익(손실)", "당기순손익", "연결당기순이익"],
  },
  total_assets: { sj: ["BS"], ids: ["ifrs-full_Assets"], names: ["자산총계"] },
  total_liabilities: { sj: ["BS"], ids: ["ifrs-full_Liabilities"], names: ["부채총계"] },
  total_equity: { sj: ["BS"], ids: ["ifrs-full_Equity"], names: ["자본총계"] },
};

const clean = (s: string) => s.replace(/\s+/g, "").replace(/\(\*\d*\)$/, "");

/** Finds a figure's line in a statement set. */
export function findLine(f: Financials, fig: Figure): StatementLine | undefined {
  const spec = FIGURES[fig];
  const lines = f.lines.filter((l) => spec.sj.includes(l.sj_div));
  return lines.find((l) => l.account_id && spec.ids.includes(l.account_id)) ??
    lines.find((l) => spec.names.includes(clean(l.account_nm)));
}

const pct = (cur: number | null, prev: number | null) =>
  cur === null || prev === null || prev === 0
    ? null
    : Math.round(((cur - prev) / Math.abs(prev)) * 10000) / 100;
const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || b === 0 ? null : Math.round((a / b) * 10000) / 100;

/**
 * Annual key figures per year for the chosen fs_div (CFS when any consolidated statement
 * exists). A year without its own report is filled from the next year's 전기/전전기 columns.
 */
export function annualFigures(
  all: Financials[],
): { fsDiv: "CFS" | "OFS" | null; years: YearFigures[] } {
  const annual = all.filter((f) => f.reprt_code === "11011");
  const fsDiv = annual.some((f) => f.fs_div === "CFS")
    ? "CFS"
    : annual.some((f) => f.fs_div === "OFS")
    ? "OFS"
    : null;
  if (!fsDiv) return { fsDiv: null, years: [] };
  const chosen = annual.filter((f) => f.fs_div === fsDiv);
  // per year: values from its own report (priority 0), else from a later report's columns
  const cells = new Map<string, { prio: number; v: Record<Figure, number | null> }>();
  const put = (year: string, prio: number, v: Record<Figure, number | null>) => {
    const cur = cells.get(year);
    if (!cur || prio < cur.prio) cells.set(year, { prio, v });
  };
  for (
    const f of chosen.sort((a, b) => (a.scope === "full" ? -1 : 1) - (b.scope === "full" ? -1 : 1))
  ) {
    const cols = ["thstrm", "frmtrm", "bfefrmtrm"] as const;
    cols.forEach((col, back) => {
      const v = {} as Record<Figure, number | null>;
      let any = false;
      for (const fig of Object.keys(FIGURES) as Figure[]) {
        const val = findLine(f, fig)?.[col] ?? null;
        v[fig] = val;
        if (val !== null) any = true;
      }
      if (any) put(String(Number(f.bsns_year) - back), back, v);
    });
  }
  const years = [...cells.keys()].sort();
  const out: YearFigures[] = [];
  years.forEach((y, i) => {
    const v = cells.get(y)!.v;
    const prev = i > 0 && Number(years[i - 1]) === Number(y) - 1
      ? cells.get(years[i - 1])!.v
      : null;
    out.push({
      bsns_year: y,
      reprt_code: "11011",
      fs_div: fsDiv,
      ...v,
      revenue_yoy: pct(v.revenue, prev?.revenue ?? null),
      operating_income_yoy: pct(v.operating_income, prev?.operating_income ?? null),
      net_income_yoy: pct(v.net_income, prev?.net_income ?? null),
      operating_margin: ratio(v.operating_income, v.revenue),
      debt_ratio: ratio(v.total_liabilities, v.total_equity),
    });
  });
  return { fsDiv, years: out };
}

export interface SnapshotInput {
  corp_code: string;
  built_at: string;
  sample: boolean;
  profile: Profile | null;
  financials: Financials[];
  indicators: IndicatorSet[];
  disclosures: Disclosure[];
  source_status: Record<string, SourceStatus>;
  /** Sections whose refresh failed this time (their data may be older). */
  failed_sections: SnapshotSection[];
  /** How many disclosures to keep (latest versions). */
  disclosure_limit?: number;
  /** The price section (`lib/etl/company_market.ts`); null for unlisted or unpriced. */
  market?: MarketSection | null;
}

/** Assembles the snapshot; `partial` when a section is missing or a source failed. */
export function buildCompanySnapshot(i: SnapshotInput): CompanySnapshot {
  const { fsDiv, years } = annualFigures(i.financials);
  const latestIdx = [...i.indicators]
    .filter((s) => s.items.length > 0)
    .sort((a, b) =>
      a.bsns_year.localeCompare(b.bsns_year) ||
      (a.reprt_code === "11011" ? 1 : 0) - (b.reprt_code === "11011" ? 1 : 0)
    )
    .at(-1);
  const disclosures = i.disclosures
    .filter((d) => !d.superseded)
    .sort((a, b) => b.rcept_no.localeCompare(a.rcept_no))
    .slice(0, i.disclosure_limit ?? 40);
  const missing = new Set<SnapshotSection>(i.failed_sections);
  if (!i.profile) missing.add("profile");
  if (years.length === 0) missing.add("financials");
  if (!latestIdx) missing.add("indicators");
  if (disclosures.length === 0) missing.add("disclosures");
  const anyFailed = Object.values(i.source_status).some((s) => !s.ok);
  return {
    corp_code: i.corp_code,
    built_at: i.built_at,
    sample: i.sample,
    profile: i.profile,
    financials: {
      fs_div: fsDiv,
      currency: i.financials.find((f) => f.fs_div === fsDiv)?.currency ?? "KRW",
      years,
    },
    indicators: {
      bsns_year: latestIdx?.bsns_year ?? null,
      reprt_code: latestIdx?.reprt_code ?? null,
      items: latestIdx?.items ?? [],
    },
    disclosures,
    market: i.market ?? null,
    source_status: i.source_status,
    partial: anyFailed || missing.size > 0,
    missing_sections: [...missing].sort(),
  };
}
