/**
 * Full-depth filing documents (`document.xml` entries) for the sample IPO deals of
 * `sample/ipo_deals.ts`, written through the same DSD writer and IPO templates as the test
 * fixtures (`lib/sources/dart/documents/`), so the fixture OpenDART can serve them and the
 * document mappers read them back. Deterministic: every number is derived by arithmetic from a
 * deal's band, 확정가, shares, 참여건수, 경쟁률 and 확약 비율, and from the dataset's estkRs
 * (인수인, 매출인) — never drawn at random.
 *
 * Which filing gets which document (receipt numbers from the dataset's C001 rows):
 * 증권신고서 and each [기재정정] → the pre-pricing document (band, ranges, plan);
 * [발행조건확정] and 투자설명서 → final terms with the 수요예측 results (when the deal has them);
 * 증권발행실적보고서 → 청약 및 배정현황 (when the deal has a 청약경쟁률). 하람로보틱스 has no
 * 청약경쟁률 in the deal table, so its 증권발행실적보고서 gets no document. The 철회신고서 gets
 * none. Every other [발행조건확정] of an odd-numbered deal is served as CP949 bytes (as older
 * DART entries are).
 *
 * Not wired in: `buildSampleDataset` still serves the one-table documents; the integration
 * phase swaps them for {@linkcode sampleIpoDocuments}.
 *
 * @module
 */
import type { DartDataset, DartDatasetDocument } from "../lib/sources/dart/fixture_fetch.ts";
import {
  type DemandClassInput,
  type IpoDocInput,
  ipoDocSpec,
  writeDocumentZip,
  writeDsd,
} from "../lib/sources/dart/documents/mod.ts";
import { IPO_DEALS, type IpoDeal } from "./ipo_deals.ts";

type Kind = IpoDocInput["kind"];

/** One generated document with the inputs it was written from. */
export interface SampleIpoDocument {
  deal: string;
  corp_code: string;
  rcept_no: string;
  report_nm: string;
  rcept_dt: string;
  kind: Kind;
  input: IpoDocInput;
  entries: DartDatasetDocument[];
}

const num = (s: string | undefined) => Number((s ?? "").replace(/,/g, "")) || 0;
const floor = Math.floor;
const round = Math.round;

/** Splits `total` by `weights` into integers (multiples of `step`), the remainder to index 0. */
function split(total: number, weights: number[], step = 1): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  const out = weights.map((w) => floor((total * w) / sum / step) * step);
  out[0] += total - out.reduce((a, x) => a + x, 0);
  return out;
}

const CLASS_PATHS: string[][] = [
  ["국내기관투자자", "운용사(집합)", "공모"],
  ["국내기관투자자", "운용사(집합)", "사모"],
  ["국내기관투자자", "운용사(고유)"],
  ["국내기관투자자", "투자매매ㆍ중개업자"],
  ["국내기관투자자", "연기금,은행, 보험"],
  ["국내기관투자자", "투자일임사(고유, 일임)"],
  ["국내기관투자자", "기타"],
  ["해외기관투자자", "거래실적 유"],
  ["해외기관투자자", "거래실적 무"],
];
const SHARE_W = [31, 19, 5, 5, 4, 9, 3, 23.5, 0.5];
const COUNT_W = [28, 21, 4.5, 5, 3.3, 13.8, 11.5, 12.8, 0.1];
/** 확약 by period as shares of a class's committed quantity. */
const PERIOD_W: [DemandClassInput["lockup"][number]["period"], number][] = [
  ["6개월", 15],
  ["3개월", 20],
  ["1개월", 30],
  ["15일", 35],
];

function allocationOf(d: IpoDeal, pre: boolean): IpoDocInput["allocation"] {
  const o = d.offering!;
  const t = o.shares_new + o.shares_old;
  const employees = d.spac ? 0 : floor(t * 0.1);
  const retail = floor(t * 0.25);
  const institutions = t - employees - retail;
  const band = floor(t * 0.05);
  const priority = !d.spac && d.market === "코스닥" ? floor(t * 0.25) : null;
  return {
    employees,
    institutions: pre ? [institutions - band, institutions] : institutions,
    retail: pre ? [retail, retail + band] : retail,
    retail_equal_pct: 50,
    ...(priority ? { priority: { label: "벤처기업투자신탁 우선배정", shares: priority } } : {}),
  };
}

function demandOf(d: IpoDeal, institutions: number): IpoDocInput["demand"] {
  const o = d.offering!;
  const total = round((o.inst_competition! * institutions) / 1000) * 1000;
  const shares = split(total, SHARE_W, 1000);
  const counts = split(o.participants!, COUNT_W).map((c) => Math.max(1, c));
  counts[0] -= counts.reduce((a, c) => a + c, 0) - o.participants!;
  const committed = round((o.lockup_pct! / 100) * total);
  // Commitments go to classes with enough bidders to split them over four periods.
  const perClass = split(committed, shares.map((s, i) => (counts[i] >= 8 ? s : 0)));
  const price = o.final_price!;
  const classes: DemandClassInput[] = CLASS_PATHS.map((path, i) => ({
    path,
    count: counts[i],
    shares: shares[i],
    avgPrice: price,
    lockup: perClass[i] > 0
      ? split(perClass[i], PERIOD_W.map(([, w]) => w)).map((s, k) => ({
        period: PERIOD_W[k][0],
        count: Math.max(1, floor((counts[i] * o.lockup_pct! * PERIOD_W[k][1]) / 10_000)),
        shares: s,
      })).filter((x) => x.shares > 0)
      : [],
  }));
  const [low, high] = o.band;
  const fr = price > high
    ? [1, 92, 5, 1, 0.5, 0.5]
    : price === high
    ? [1, 6, 88, 3, 1, 1]
    : price > low
    ? [2, 1, 15, 62, 12, 8]
    : [2, 0, 5, 20, 50, 23];
  const c = (n: number) => n.toLocaleString("en-US");
  const labels = [
    "가격 미제시",
    `${c(high)}원(상단) 초과`,
    `${c(high)}원(상단)`,
    `${c(low)}원 초과 ~ ${c(high)}원 미만`,
    `${c(low)}원(하단)`,
    `${c(low)}원(하단) 미만`,
  ];
  const major = fr.indexOf(Math.max(...fr));
  const rotate = <T>(xs: T[]) => [xs[major], ...xs.filter((_, i) => i !== major)];
  const unrotate = (xs: number[]) => {
    const out = xs.slice(1);
    out.splice(major, 0, xs[0]);
    return out;
  };
  const pShares = unrotate(split(total, rotate(fr), 1000));
  const pCounts = unrotate(split(o.participants!, rotate(fr)));
  return {
    classes,
    inst_allocation: institutions,
    split_at: 5,
    prices: o.band[0] === o.band[1]
      ? []
      : labels.map((label, i) => ({ label, count: pCounts[i], shares: pShares[i] })),
  };
}

function floatOf(d: IpoDeal, employees: number): IpoDocInput["float"] {
  const o = d.offering!;
  const t = o.shares_new + o.shares_old;
  const pre = d.listing?.listed_shares ? d.listing.listed_shares - o.shares_new : o.shares_new * 4;
  const listed = pre + o.shares_new;
  if (d.spac) {
    return {
      listed,
      rows: [
        {
          group: "유통제한물량",
          holder: "최대주주 등 (발기인)",
          shares: pre,
          period: "상장 후 3년",
        },
        { group: "유통가능물량", holder: "공모주주", shares: t, period: "-" },
      ],
    };
  }
  const major = round(pre * 0.45);
  const vc = round(pre * 0.15);
  const rows: NonNullable<IpoDocInput["float"]>["rows"] = [
    { group: "유통제한물량", holder: "최대주주 등", shares: major, period: "상장 후 6개월" },
  ];
  if (employees > 0) {
    rows.push({
      group: "유통제한물량",
      holder: "우리사주조합",
      shares: employees,
      period: "상장 후 1년",
    });
  }
  rows.push(
    {
      group: "유통제한물량",
      holder: "벤처금융 및 전문투자자",
      shares: vc,
      period: "상장 후 1개월",
    },
    {
      group: "유통가능물량",
      holder: "기존주주",
      shares: pre - o.shares_old - major - vc,
      period: "-",
    },
    { group: "유통가능물량", holder: "공모주주", shares: t - employees, period: "-" },
  );
  return { listed, rows };
}

function resultOf(d: IpoDeal, alloc: IpoDocInput["allocation"], demand: IpoDocInput["demand"]) {
  const o = d.offering!;
  const e = alloc.employees;
  const i = alloc.institutions as number;
  const r = alloc.retail as number;
  const applied = round(o.retail_competition! * r);
  const groups: NonNullable<IpoDocInput["result"]>["groups"] = [
    {
      label: "기관투자자",
      initial: i,
      applications: o.participants!,
      applied: i,
      final_count: o.participants!,
      final: i,
    },
    {
      label: "일반투자자",
      initial: r,
      applications: Math.max(1, floor(applied / 1_800)),
      applied,
      final_count: Math.max(1, floor(applied / 1_800)),
      final: r,
    },
  ];
  if (e > 0) {
    const n = Math.max(1, floor(e / 2_500));
    groups.unshift({
      label: "우리사주조합",
      initial: e,
      applications: n,
      applied: e,
      final_count: n,
      final: e,
    });
  }
  // 확약 기관 get priority: the allocated shares per period are 1.2 × their 신청 share.
  const total = demand?.classes.reduce((a, c) => a + c.shares, 0) ?? 0;
  const periods = (["15일", "1개월", "3개월", "6개월"] as const).map((period) => {
    const s = demand?.classes.reduce(
      (a, c) => a + (c.lockup.find((l) => l.period === period)?.shares ?? 0),
      0,
    ) ?? 0;
    return { period, shares: total ? floor((i * s * 1.2) / total) : 0 };
  });
  const committed = periods.reduce((a, p) => a + p.shares, 0);
  return {
    groups,
    lockup_allocated: [...periods, { period: "미확약" as const, shares: i - committed }],
  };
}

/** The documents of every sample deal, for the filings of `ds` (built with `ipoDeals: true`). */
export function sampleIpoDocumentList(ds: DartDataset): SampleIpoDocument[] {
  const out: SampleIpoDocument[] = [];
  IPO_DEALS.forEach((d, index) => {
    const o = d.offering;
    if (!o) return;
    const rows = ds.filings.filter((f) => f.corp_code === d.corp_code).sort((a, b) =>
      a.rcept_no.localeCompare(b.rcept_no)
    );
    const byName = (re: RegExp) => rows.filter((f) => re.test(f.report_nm));
    const estk = ds.estkRs[d.corp_code] ?? [];
    const group = (title: string) => estk.find((g) => g.title === title)?.list ?? [];
    const underwriters = group("인수인정보").map((u) => ({
      name: u.actnmn,
      role: (/대표/.test(u.actsen)
        ? "대표주관회사"
        : /공동/.test(u.actsen)
        ? "공동주관회사"
        : "인수회사") as
          | "대표주관회사"
          | "공동주관회사"
          | "인수회사",
      address: "서울특별시 영등포구 여의대로",
      shares: num(u.udtcnt),
      fee_pct: 3,
    }));
    const sellers = group("매출인에관한사항").filter((s) =>
      s.hdr && s.hdr !== "-"
    ).map((s) => ({
      name: s.hdr,
      relation: s.rl_cmp,
      before: num(s.bfsl_hdstk),
      sold: num(s.slstk),
      after: num(s.atsl_hdstk),
    }));
    const company = ds.companies[d.corp_code]?.corp_name ?? `${d.dart_name}(주)`;
    const t = o.shares_new + o.shares_old;
    const priced = o.final_price !== null && o.participants !== null &&
      o.inst_competition !== null &&
      o.lockup_pct !== null;
    const base = (kind: Kind, rcept_no: string): IpoDocInput => {
      const pre = kind === "registration" || kind === "amendment";
      const allocation = allocationOf(d, pre);
      const retail = Array.isArray(allocation.retail) ? allocation.retail[0] : allocation.retail;
      // 청약한도: the underwriter's part of the 일반 allocation / 20, in lots of 10 (우대 = 2×).
      const limits = underwriters.map((u) => {
        const general = Math.max(10, floor((retail * u.shares) / t / 20 / 10) * 10);
        return { name: u.name, general, preferred: general * 2 };
      });
      return {
        kind,
        rcept_no,
        corp_code: d.corp_code,
        company,
        par: o.par,
        band: o.band,
        final_price: pre ? null : o.final_price,
        shares_new: o.shares_new,
        shares_old: o.shares_old,
        sellers,
        allocation,
        underwriters,
        schedule: {
          bookbuilding: o.bookbuilding,
          subscription: o.subscription,
          allotment_notice: o.payment_date,
          refund: o.payment_date,
          payment: o.payment_date,
          listing: pre ? null : o.listing_date,
        },
        terms: {
          deposit_rate: 50,
          min_shares: 10,
          limits,
          putback: o.final_price !== null && o.final_price > o.band[1]
            ? { price_pct: 90, months: 6 }
            : null,
          overallotment: d.market === "유가증권" && !d.spac ? { shares: floor(t * 0.15) } : null,
        },
        float: floatOf(d, allocation.employees),
      };
    };
    const add = (kind: Kind, f: (typeof rows)[number], input: IpoDocInput, euc = false) => {
      out.push({
        deal: d.key,
        corp_code: d.corp_code,
        rcept_no: f.rcept_no,
        report_nm: f.report_nm,
        rcept_dt: f.rcept_dt,
        kind,
        input,
        entries: [{
          name: `${f.rcept_no}.xml`,
          content: writeDsd(ipoDocSpec(input)),
          ...(euc ? { encoding: "euc-kr" as const } : {}),
        }],
      });
    };
    const reg = byName(/^증권신고서\(지분증권\)$/)[0];
    if (reg) add("registration", reg, base("registration", reg.rcept_no));
    for (const a of byName(/^\[기재정정\]증권신고서\(지분증권\)$/)) {
      add("amendment", a, base("amendment", a.rcept_no));
    }
    if (!priced) return;
    for (
      const [kind, re] of [["terms", /^\[발행조건확정\]/], ["prospectus", /^투자설명서$/]] as const
    ) {
      const f = byName(re)[0];
      if (!f) continue;
      const input = base(kind, f.rcept_no);
      input.demand = demandOf(d, input.allocation.institutions as number);
      add(kind, f, input, kind === "terms" && index % 2 === 1);
    }
    const res = byName(/^증권발행실적보고서$/)[0];
    if (res && o.retail_competition !== null) {
      const input = base("result", res.rcept_no);
      input.result = resultOf(
        d,
        input.allocation,
        demandOf(d, input.allocation.institutions as number),
      );
      add("result", res, input);
    }
  });
  return out;
}

/** rcept_no → document.xml entries (the shape of `DartDataset.documents`). */
export function sampleIpoDocuments(ds: DartDataset): Record<string, DartDatasetDocument[]> {
  return Object.fromEntries(sampleIpoDocumentList(ds).map((d) => [d.rcept_no, d.entries]));
}

/** rcept_no → the document.xml ZIP bytes, through the fixtures' ZIP writer. */
export async function sampleIpoDocumentZips(ds: DartDataset): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const d of sampleIpoDocumentList(ds)) out.set(d.rcept_no, await writeDocumentZip(d.entries));
  return out;
}
