/**
 * IPO filing documents in the real DART layout, from typed inputs ({@linkcode IpoDocInput}):
 * 증권신고서(지분증권) and its `[기재정정]`, `[발행조건확정]`, 투자설명서 and
 * 증권발행실적보고서, with the sections and tables `research/dart_documents.md` §2 describes
 * (요약정보, 공모개요, 공모방법, 배정, 공모가격 결정방법 with the (13) 수요예측 결과 tables,
 * 모집일정, 청약방법, 인수, 매출인, 환매청구권/초과배정옵션, 유통가능물량, and the result
 * report's `DST_CD`/`INS_ASS` form tables). The template computes totals, ratios and 경쟁률 as a
 * filer would; `variant: "reordered"` prints the same facts with other column orders and
 * orientations (a transposed 수요예측 table, one 확약 table instead of two, the result table
 * without ACODEs). Shapes the research could not observe (청약한도, 환매청구권, 초과배정옵션,
 * 인수인 headers) are constructed and said so in the fixtures' README.
 *
 * @module
 */
import type { FilingKind } from "./facts.ts";
import type { BlockSpec, CellSpec, DocSpec, RowSpec, TableSpec } from "./writer.ts";

/** A date range (ISO dates). */
export interface IsoRange {
  from: string;
  to: string;
}

/** One investor class of the 수요예측 tables (path = header path, e.g. 국내기관투자자 › 운용사(집합) › 공모). */
export interface DemandClassInput {
  path: string[];
  count: number;
  shares: number;
  /** 확약 by period: count and shares per period (미확약 = the rest). */
  lockup: { period: "6개월" | "3개월" | "1개월" | "15일"; count: number; shares: number }[];
  /** Weighted average bid (원) printed in the 확약 table. */
  avgPrice: number;
}

export interface IpoDocInput {
  kind: Exclude<FilingKind, "other">;
  rcept_no: string;
  corp_code: string;
  /** As the filing prints it, e.g. `(주)하람로보틱스`. */
  company: string;
  par: number;
  band: [number, number];
  final_price: number | null;
  shares_new: number;
  shares_old: number;
  sellers: { name: string; relation: string; before: number; sold: number; after: number }[];
  /** Allocation plan. Institutions/retail are ranges before pricing. */
  allocation: {
    employees: number;
    institutions: number | [number, number];
    retail: number | [number, number];
    /** Share of 일반청약자 allocated 균등 (%), e.g. 50. */
    retail_equal_pct: number;
    /** 우선배정 inside 기관투자자 (e.g. 벤처기업투자신탁), shares. */
    priority?: { label: string; shares: number | [number, number] };
  };
  underwriters: {
    name: string;
    role: "대표주관회사" | "공동주관회사" | "인수회사";
    address: string;
    shares: number;
    fee_pct: number;
  }[];
  schedule: {
    bookbuilding: IsoRange;
    subscription: IsoRange;
    allotment_notice: string;
    refund: string;
    payment: string;
    listing: string | null;
  };
  terms: {
    deposit_rate: number;
    min_shares: number;
    limits: { name: string; general: number; preferred: number }[];
    putback: { price_pct: number; months: number } | null;
    overallotment: { shares: number } | null;
  };
  demand?: {
    classes: DemandClassInput[];
    /** 기관 최종 배정 수량 the 경쟁률 are computed on. */
    inst_allocation: number;
    /** 신청가격 분포 rows in print order (가격 미제시 first). */
    prices: { label: string; count: number; shares: number }[];
    /** Split the 확약 table after this many classes (the real two-table form); 0 = one table. */
    split_at: number;
  };
  result?: {
    groups: {
      label: "우리사주조합" | "기관투자자" | "일반투자자";
      initial: number;
      applications: number;
      applied: number;
      final_count: number;
      final: number;
    }[];
    lockup_allocated: { period: "15일" | "1개월" | "3개월" | "6개월" | "미확약"; shares: number }[];
  };
  float?: {
    listed: number;
    rows: {
      group: "유통제한물량" | "유통가능물량";
      holder: string;
      shares: number;
      period: string;
    }[];
  };
  options?: {
    schema?: "dart3" | "dart4";
    header?: "G1" | "flat";
    crEntity?: boolean;
    variant?: "standard" | "reordered";
  };
}

// ---------------------------------------------------------------------------------------
// formatting

export const comma = (n: number): string => {
  const [i, f] = String(Math.abs(n)).split(".");
  const s = i.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${n < 0 ? "-" : ""}${s}${f ? `.${f}` : ""}`;
};
const fix2 = (n: number) => {
  const [i, f] = n.toFixed(2).split(".");
  return `${comma(Number(i))}.${f}`;
};
const koDate = (iso: string) => `${iso.slice(0, 4)}년 ${iso.slice(5, 7)}월 ${iso.slice(8, 10)}일`;
const koRange = (r: IsoRange) => `${koDate(r.from)} ~ ${koDate(r.to)}`;
const span = (v: number | [number, number], f: (n: number) => string = comma) =>
  Array.isArray(v) ? `${f(v[0])} ~ ${f(v[1])}` : f(v);
const lo = (v: number | [number, number]) => (Array.isArray(v) ? v[0] : v);
const hi = (v: number | [number, number]) => (Array.isArray(v) ? v[1] : v);

const p = (text: string, usermark?: string): BlockSpec => ({ kind: "p", text, usermark });
const th = (text: string, o: Partial<CellSpec> = {}): CellSpec => ({ text, ...o });
const te = (text: string, acode: string): CellSpec => ({ text, tag: "TE", acode, align: "RIGHT" });
const r = (text: string): CellSpec => ({ text, align: "RIGHT" });

// ---------------------------------------------------------------------------------------
// sections

function summaryTable(d: IpoDocInput, price: number): TableSpec {
  const total = d.shares_new + d.shares_old;
  return {
    kind: "table",
    form: true,
    unit: { text: "(단위 : 원, 주)", aunit: "WONSTOCK" },
    head: [[
      "증권의 종류",
      "증권수량",
      "액면가액",
      "모집(매출)가액",
      "모집(매출)총액",
      "모집(매출)방법",
    ]],
    rows: [[
      "기명식보통주",
      r(comma(total)),
      r(comma(d.par)),
      r(comma(price)),
      r(comma(total * price)),
      "일반공모",
    ]],
  };
}

function scheduleSummary(d: IpoDocInput): TableSpec {
  const s = d.schedule;
  return {
    kind: "table",
    form: true,
    head: [["청약기일", "납입기일", "청약공고일", "배정공고일", "배정기준일"]],
    rows: [[
      koRange(s.subscription),
      koDate(s.payment),
      koDate(s.subscription.from),
      koDate(s.allotment_notice),
      "-",
    ]],
  };
}

function offerSplit(d: IpoDocInput, reordered: boolean): TableSpec {
  const total = d.shares_new + d.shares_old;
  const pct = (n: number) => `${fix2((n / total) * 100)}%`;
  const old = d.shares_old ? comma(d.shares_old) : "-";
  if (reordered) {
    return {
      kind: "table",
      caption: "[공모방법 : 일반공모]",
      unit: { text: "(단위 : 주)" },
      head: [["구 분", "구주매출", "신주모집", "합 계"]],
      rows: [["공모주식수", r(old), r(comma(d.shares_new)), r(comma(total))]],
    };
  }
  return {
    kind: "table",
    caption: "[공모방법 : 일반공모]",
    unit: { text: "(단위 : 주)" },
    head: [["공모방법", "공모주식수", "비 율", "비 고"]],
    rows: [
      ["신주모집", r(comma(d.shares_new)), r(pct(d.shares_new)), "-"],
      ["구주매출", r(old), r(d.shares_old ? pct(d.shares_old) : "-"), d.shares_old ? "주1)" : "-"],
      ["합 계", r(comma(total)), r("100.00%"), "-"],
    ],
    notes: d.shares_old
      ? ["주1) 구주매출 주식의 매출인에 관한 사항은 '매출인에 관한 사항'을 참고하시기 바랍니다."]
      : undefined,
  };
}

function allocationTable(d: IpoDocInput, reordered: boolean): TableSpec {
  const a = d.allocation;
  const total = d.shares_new + d.shares_old;
  const pct = (v: number | [number, number]) =>
    Array.isArray(v)
      ? `${fix2((v[0] / total) * 100)} ~ ${fix2((v[1] / total) * 100)}`
      : fix2((v / total) * 100);
  const eq = (v: number | [number, number]): number | [number, number] =>
    Array.isArray(v)
      ? [
        Math.floor((v[0] * a.retail_equal_pct) / 100),
        Math.floor((v[1] * a.retail_equal_pct) / 100),
      ]
      : Math.floor((v * a.retail_equal_pct) / 100);
  const equal = eq(a.retail);
  const prop: number | [number, number] = Array.isArray(a.retail)
    ? [a.retail[0] - lo(equal), a.retail[1] - hi(equal)]
    : a.retail - lo(equal);
  type Row = { label: [string, string | null]; span: number; shares: number | [number, number] };
  const rows: Row[] = [{ label: ["우리사주조합", null], span: 1, shares: a.employees }];
  if (a.priority) {
    rows.push({ label: ["기관투자자", "소 계"], span: 2, shares: a.institutions });
    rows.push({ label: ["기관투자자", a.priority.label], span: 0, shares: a.priority.shares });
  } else rows.push({ label: ["기관투자자", null], span: 1, shares: a.institutions });
  rows.push({ label: ["일반청약자", "소 계"], span: 3, shares: a.retail });
  rows.push({ label: ["일반청약자", "균등방식 배정"], span: 0, shares: equal });
  rows.push({ label: ["일반청약자", "비례방식 배정"], span: 0, shares: prop });
  const body: RowSpec[] = rows.map((row) => {
    const cells: RowSpec = [];
    if (row.label[1] === null) cells.push({ text: row.label[0], colspan: 2 });
    else {
      if (row.span > 0) cells.push({ text: row.label[0], rowspan: row.span });
      cells.push(row.label[1]);
    }
    const s = r(span(row.shares));
    const pc = r(pct(row.shares));
    if (reordered) cells.push("-", pc, s);
    else cells.push(s, pc, "-");
    return cells;
  });
  body.push([
    { text: "합 계", colspan: 2 },
    ...(reordered ? ["-", r("100.00"), r(comma(total))] : [r(comma(total)), r("100.00"), "-"]),
  ]);
  return {
    kind: "table",
    caption: "[배정대상별 공모주식수]",
    unit: { text: "(단위 : 주, %)" },
    head: [[
      { text: "공모대상", colspan: 2 },
      ...(reordered ? ["비 고", "배정비율", "주식수"] : ["주식수", "배정비율", "비 고"]),
    ]],
    rows: body,
    notes: [
      `주1) 일반청약자 배정분의 ${a.retail_equal_pct}% 이상을 균등방식으로 배정합니다.`,
      ...(Array.isArray(a.institutions)
        ? [
          "주2) 기관투자자 및 일반청약자 배정주식수는 수요예측 결과 및 우리사주조합 청약결과에 따라 변동될 수 있습니다.",
        ]
        : []),
    ],
  };
}

function priceTable(d: IpoDocInput): TableSpec {
  const rows: RowSpec[] = [["희망공모가액", r(`${comma(d.band[0])}원 ~ ${comma(d.band[1])}원`)]];
  if (d.final_price !== null && !isPre(d)) {
    rows.push(["확정공모가액", r(`${comma(d.final_price)}원`)]);
  }
  return { kind: "table", head: [["구 분", "내 용"]], rows };
}

const isPre = (d: IpoDocInput) => d.kind === "registration" || d.kind === "amendment";

/** (가) 참여내역 header rows from the class paths. */
function pathHeader(
  paths: string[][],
  sub: string[],
  leading: string,
  trailing: string | null,
): RowSpec[] {
  const depth = Math.max(...paths.map((p) => p.length));
  const subRow = sub.length > 1;
  const nrows = depth + (subRow ? 1 : 0);
  const w = subRow ? sub.length : 1;
  const rows: RowSpec[] = Array.from({ length: nrows }, () => []);
  rows[0].push({ text: leading, rowspan: nrows });
  for (let level = 0; level < depth; level++) {
    let i = 0;
    while (i < paths.length) {
      const p = paths[i];
      if (p.length <= level) {
        i++;
        continue;
      }
      let j = i + 1;
      while (
        j < paths.length && paths[j].length > level &&
        paths[j].slice(0, level + 1).join("|") === p.slice(0, level + 1).join("|")
      ) j++;
      const leaf = p.length === level + 1;
      rows[level].push({
        text: p[level],
        colspan: (j - i) * w,
        rowspan: leaf ? depth - level : 1,
      });
      i = j;
    }
  }
  if (trailing) rows[0].push({ text: trailing, rowspan: subRow ? depth : nrows, colspan: w });
  if (subRow) {
    const n = paths.length + (trailing ? 1 : 0);
    for (let k = 0; k < n; k++) rows[depth].push(...sub);
  }
  return rows;
}

function demandSections(d: IpoDocInput, reordered: boolean): BlockSpec[] {
  const dm = d.demand!;
  const totalCount = dm.classes.reduce((a, c) => a + c.count, 0);
  const totalShares = dm.classes.reduce((a, c) => a + c.shares, 0);
  const comp = (s: number) => fix2(s / dm.inst_allocation);
  const out: BlockSpec[] = [p("(13) 수요예측 결과", "B"), p("(가) 수요예측 참여 내역", "B")];
  const dash = (n: number) => (n === 0 ? "-" : comma(n));
  if (reordered) {
    out.push({
      kind: "table",
      unit: { text: "(단위: 건, 주)" },
      head: [["구 분", "참여건수", "신청수량", "경쟁률"]],
      rows: [
        ...dm.classes.map((
          c,
        ) => [
          c.path.join(" "),
          r(dash(c.count)),
          r(dash(c.shares)),
          r(c.shares ? `${comp(c.shares)} : 1` : "-"),
        ]),
        ["합 계", r(comma(totalCount)), r(comma(totalShares)), r(`${comp(totalShares)} : 1`)],
      ],
    });
  } else {
    out.push({
      kind: "table",
      unit: { text: "(단위: 건, 주)" },
      head: pathHeader(dm.classes.map((c) => c.path), [], "구 분", "합 계"),
      rows: [
        ["건수", ...dm.classes.map((c) => r(dash(c.count))), r(comma(totalCount))],
        ["수량", ...dm.classes.map((c) => r(dash(c.shares))), r(comma(totalShares))],
        [
          "경쟁률",
          ...dm.classes.map((c) => r(c.shares ? `  ${comp(c.shares)} ` : "-")),
          r(` ${comp(totalShares)} `),
        ],
      ],
      notes: [
        "주1) 운용사(집합)는 집합투자재산을 운용하는 집합투자업자 및 고위험고수익투자신탁, 벤처기업투자신탁을 포함합니다.",
        `주2) 경쟁률은 최종 기관투자자 배정주식수인 ${
          comma(dm.inst_allocation)
        }주를 기준으로 산출된 단순경쟁률입니다.`,
      ],
    });
  }
  // SPACs (one fixed price) print no price distribution.
  if (dm.prices.length) {
    out.push(p("(나) 수요예측 신청가격 분포", "B"));
    const pc = (n: number, t: number) => `${fix2((n / t) * 100)}%`;
    out.push({
      kind: "table",
      unit: { text: "(단위: 건, 주)" },
      head: [
        [{ text: "구 분", rowspan: 2 }, { text: "참여건수 기준", colspan: 2 }, {
          text: "신청수량 기준",
          colspan: 2,
        }],
        ["참여건수(건)", "비율", "신청수량(주)", "비율"],
      ],
      rows: [
        ...dm.prices.map((
          x,
        ) => [
          x.label,
          r(dash(x.count)),
          r(pc(x.count, totalCount)),
          r(dash(x.shares)),
          r(pc(x.shares, totalShares)),
        ]),
        ["합 계", r(comma(totalCount)), r("100.00%"), r(comma(totalShares)), r("100.00%")],
      ],
    });
  }
  out.push(p("(다) 의무보유확약기간별 수요예측 참여내역", "B"));
  const periods = ["6개월", "3개월", "1개월", "15일"] as const;
  const cellsFor = (c: DemandClassInput, per: (typeof periods)[number] | "미확약" | "합계") => {
    if (per === "합계") return [dash(c.count), dash(c.shares), c.shares ? comma(c.avgPrice) : "-"];
    if (per === "미확약") {
      const cc = c.count - c.lockup.reduce((a, x) => a + x.count, 0);
      const ss = c.shares - c.lockup.reduce((a, x) => a + x.shares, 0);
      return [dash(cc), dash(ss), ss ? comma(c.avgPrice) : "-"];
    }
    const x = c.lockup.find((l) => l.period === per);
    return [dash(x?.count ?? 0), dash(x?.shares ?? 0), x?.shares ? comma(c.avgPrice) : "-"];
  };
  const rowKeys = [...periods, "미확약", "합계"] as const;
  const label = (
    k: (typeof rowKeys)[number],
  ) => (k === "미확약" ? "미확약" : k === "합계" ? "합 계" : `${k} 확약`);
  const totalsFor = (k: (typeof rowKeys)[number]) => {
    const parts = dm.classes.map((c) => cellsFor(c, k));
    const sum = (i: number) =>
      parts.reduce((a, x) => a + (x[i] === "-" ? 0 : Number(x[i].replace(/,/g, ""))), 0);
    const s = sum(1);
    const avg = s
      ? Math.round(
        dm.classes.reduce((a, c, i) =>
          a + (parts[i][1] === "-" ? 0 : Number(parts[i][1].replace(/,/g, "")) * c.avgPrice), 0) /
          s,
      )
      : 0;
    return [dash(sum(0)), dash(s), s ? comma(avg) : "-"];
  };
  const sub = ["건수", "수량", "신청가격"];
  const lockTable = (
    classes: DemandClassInput[],
    withLabel: boolean,
    withTotal: boolean,
  ): TableSpec => ({
    kind: "table",
    unit: { text: "(단위 : 건, 주, 원)" },
    head: pathHeader(classes.map((c) => c.path), sub, "구 분", withTotal ? "합 계" : null).map((
      row,
      i,
    ) => withLabel ? row : i === 0 ? row.slice(1) : row),
    rows: rowKeys.map((k) => [
      ...(withLabel ? [label(k)] : []),
      ...classes.flatMap((c) => cellsFor(c, k).map(r)),
      ...(withTotal ? totalsFor(k).map(r) : []),
    ]),
  });
  if (reordered || dm.split_at <= 0 || dm.split_at >= dm.classes.length) {
    // One table, the 합계 group first.
    const t = lockTable(dm.classes, true, false);
    const head = pathHeader(dm.classes.map((c) => c.path), sub, "구 분", null);
    const depth = head.length;
    head[0].splice(1, 0, { text: "합 계", colspan: 3, rowspan: depth - 1 });
    head[depth - 1].unshift(...sub);
    out.push({
      ...t,
      head,
      rows: rowKeys.map((
        k,
      ) => [label(k), ...totalsFor(k).map(r), ...dm.classes.flatMap((c) => cellsFor(c, k).map(r))]),
    });
  } else {
    out.push(lockTable(dm.classes.slice(0, dm.split_at), true, false));
    out.push(lockTable(dm.classes.slice(dm.split_at), true, true));
  }
  return out;
}

function scheduleTable(d: IpoDocInput): TableSpec {
  const s = d.schedule;
  return {
    kind: "table",
    head: [["구 분", "일 자", "비 고"]],
    rows: [
      ["수요예측일", koRange(s.bookbuilding), "기관투자자"],
      ["청약기일", koRange(s.subscription), "일반청약자"],
      ["배정공고일", koDate(s.allotment_notice), "-"],
      ["납입기일", koDate(s.payment), "-"],
      ["환불일", koDate(s.refund), "-"],
      ["상장예정일", s.listing ? koDate(s.listing) : "-", "주1)"],
    ],
    notes: ["주1) 상장예정일은 한국거래소의 상장심사 결과에 따라 변경될 수 있습니다."],
  };
}

function underwriterTable(d: IpoDocInput, price: number, reordered: boolean): TableSpec {
  const rows = d.underwriters.map((u) => {
    const amount = u.shares * price;
    const fee = Math.round((amount * u.fee_pct) / 100);
    const cells = {
      role: u.role,
      name: u.name,
      addr: u.address,
      kind: "기명식보통주",
      shares: r(comma(u.shares)),
      amount: r(comma(amount)),
      fee: r(comma(fee)),
      method: "총액인수",
    };
    return reordered
      ? [
        cells.name,
        cells.shares,
        cells.method,
        cells.fee,
        cells.amount,
        cells.role,
        cells.kind,
        cells.addr,
      ]
      : [
        cells.role,
        cells.name,
        cells.addr,
        cells.kind,
        cells.shares,
        cells.amount,
        cells.fee,
        cells.method,
      ];
  });
  return {
    kind: "table",
    caption: "[인수방법 : 총액인수]",
    unit: { text: "(단위 : 주, 원)" },
    head: [
      reordered
        ? [
          "인수인 명칭",
          "인수수량",
          "인수방법",
          "인수대가",
          "인수금액",
          "인수인 구분",
          "증권의 종류",
          "주 소",
        ]
        : [
          "인수인",
          "인수인\n명칭",
          "주 소",
          "증권의 종류",
          "인수수량",
          "인수금액",
          "인수대가",
          "인수방법",
        ],
    ],
    rows,
    notes: [
      isPre(d)
        ? `주1) 인수금액은 희망공모가액 하단인 ${comma(price)}원 기준입니다.`
        : "주1) 인수금액은 확정공모가액 기준입니다.",
    ],
  };
}

function termsBlocks(d: IpoDocInput): BlockSpec[] {
  const t = d.terms;
  return [
    p("라. 청약방법"),
    p(`(1) 청약증거금: 일반청약자의 청약증거금은 청약금액의 ${t.deposit_rate}%에 해당하는 금액으로 합니다.`),
    p(`(2) 최저 청약주식수는 ${
      comma(t.min_shares)
    }주이며, 청약단위는 청약주식수에 따라 달리 적용됩니다.`),
    {
      kind: "table",
      caption: "[인수회사별 청약한도]",
      unit: { text: "(단위 : 주)" },
      head: [["인수회사", "일반청약자\n청약한도", "우대청약자\n청약한도"]],
      rows: t.limits.map((l) => [l.name, r(comma(l.general)), r(comma(l.preferred))]),
    },
    p("마. 청약결과 배정에 관한 사항"),
    p("일반청약자 배정분은 균등방식 배정 후 잔여주식을 비례방식으로 배정합니다."),
  ];
}

function optionBlocks(d: IpoDocInput): BlockSpec[] {
  const t = d.terms;
  const price = d.final_price ?? d.band[0];
  const out: BlockSpec[] = [p("1. 일반청약자의 환매청구권")];
  if (t.putback) {
    out.push({
      kind: "table",
      head: [["구 분", "내 용"]],
      rows: [
        ["부여사유", "코스닥시장 상장규정에 따른 일반청약자 환매청구권 부여"],
        ["행사가능 투자자", "공모주식을 배정받은 일반청약자"],
        ["부여수량", "일반청약자가 배정받은 주식수"],
        ["행사기간", `상장일로부터 ${t.putback.months}개월`],
        ["행사가격", r(`${comma(Math.round((price * t.putback.price_pct) / 100))}원`)],
      ],
    });
  } else out.push(p("해당사항 없습니다."));
  out.push(p("2. 초과배정옵션에 관한 사항"));
  if (t.overallotment) {
    out.push({
      kind: "table",
      head: [["구 분", "내 용"]],
      rows: [["초과배정수량", r(`${comma(t.overallotment.shares)}주`)], [
        "초과배정 주관회사",
        d.underwriters[0].name,
      ]],
    });
  } else out.push(p("해당사항 없습니다."));
  return out;
}

function sellerTable(d: IpoDocInput): TableSpec {
  return {
    kind: "table",
    unit: { text: "(단위 : 주)" },
    head: [[
      "보유자",
      "회사와의 관계",
      "증권의 종류",
      "매출전\n보유증권수",
      "매출증권수",
      "매출후 보유증권수",
    ]],
    rows: d.sellers.map((
      s,
    ) => [
      s.name,
      s.relation,
      "기명식보통주",
      r(comma(s.before)),
      r(comma(s.sold)),
      r(comma(s.after)),
    ]),
  };
}

function floatBlocks(d: IpoDocInput, reordered: boolean): BlockSpec[] {
  const f = d.float!;
  const pct = (n: number) => fix2((n / f.listed) * 100);
  const restricted = f.rows.filter((x) => x.group === "유통제한물량");
  const tradable = f.rows.filter((x) => x.group === "유통가능물량");
  const sum = (xs: typeof f.rows) => xs.reduce((a, x) => a + x.shares, 0);
  const tr = sum(tradable);
  const out: BlockSpec[] = [
    p("(1) 상장 후 유통물량 출회에 따른 주가 하락 위험"),
    p(
      `공모 후 상장예정주식수 ${comma(f.listed)}주 중 ${pct(tr)}%에 해당하는 ${
        comma(tr)
      }주는 상장 직후 유통가능 물량에 해당합니다.`,
    ),
    p("[공모 후 유통가능물량 및 매각제한물량]"),
  ];
  const body: RowSpec[] = [];
  for (const [group, xs] of [["유통제한물량", restricted], ["유통가능물량", tradable]] as const) {
    xs.forEach((x, i) => {
      const lead: RowSpec = i === 0 ? [{ text: group, rowspan: xs.length + 1 }] : [];
      const nums = reordered
        ? [r(pct(x.shares)), r(comma(x.shares))]
        : [r(comma(x.shares)), r(pct(x.shares))];
      body.push([...lead, x.holder, ...(reordered ? [r("-"), r("-")] : []), ...nums, x.period]);
    });
    const s = sum(xs);
    const nums = reordered ? [r(pct(s)), r(comma(s))] : [r(comma(s)), r(pct(s))];
    body.push(["소 계", ...(reordered ? [r("-"), r("-")] : []), ...nums, "-"]);
  }
  body.push([
    { text: "합 계", colspan: 2 },
    ...(reordered
      ? [r("-"), r("-"), r("100.00"), r(comma(f.listed))]
      : [r(comma(f.listed)), r("100.00")]),
    "-",
  ]);
  out.push({
    kind: "table",
    unit: { text: "(단위 : 주, %)" },
    head: reordered
      ? [
        [
          { text: "구 분", rowspan: 2 },
          { text: "주주명", rowspan: 2 },
          { text: "공모 전", colspan: 2 },
          { text: "공모 후", colspan: 2 },
          { text: "매각제한기간", rowspan: 2 },
        ],
        ["주식수", "비율", "비율", "주식수"],
      ]
      : [
        [{ text: "구 분", rowspan: 2 }, { text: "주주명", rowspan: 2 }, {
          text: "공모 후",
          colspan: 2,
        }, { text: "매각제한기간", rowspan: 2 }],
        ["주식수", "비율"],
      ],
    rows: body,
    notes: [
      "주1) 매각제한기간은 상장일로부터의 기간입니다.",
      "주2) 기관투자자의 의무보유확약 수량은 수요예측 결과에 따라 달라질 수 있어 반영하지 않았습니다.",
    ],
  });
  return out;
}

function resultBlocks(d: IpoDocInput, reordered: boolean): BlockSpec[] {
  const res = d.result!;
  const price = d.final_price!;
  const total = res.groups.reduce((a, g) => a + g.initial, 0);
  const finalTotal = res.groups.reduce((a, g) => a + g.final, 0);
  const appliedTotal = res.groups.reduce((a, g) => a + g.applied, 0);
  const pct = (n: number, t: number) => fix2((n / t) * 100);
  const out: BlockSpec[] = [
    p("3. 청약 및 배정현황"),
  ];
  if (reordered) {
    out.push({
      kind: "table",
      unit: { text: "(단위 : 원, 주, %)" },
      head: [
        [{ text: "구 분", rowspan: 2 }, { text: "최종 배정 현황", colspan: 4 }, {
          text: "청약 현황",
          colspan: 4,
        }, { text: "최초 배정", colspan: 2 }],
        ["수량", "건수", "비율", "금액", "수량", "건수", "비율", "금액", "비율", "수량"],
      ],
      rows: [
        ...res.groups.map((g) => [
          g.label,
          r(comma(g.final)),
          r(comma(g.final_count)),
          r(pct(g.final, finalTotal)),
          r(comma(g.final * price)),
          r(comma(g.applied)),
          r(comma(g.applications)),
          r(pct(g.applied, appliedTotal)),
          r(comma(g.applied * price)),
          r(pct(g.initial, total)),
          r(comma(g.initial)),
        ]),
      ],
    });
  } else {
    out.push({
      kind: "table",
      group: "DST_CD",
      form: true,
      unit: { text: "(단위 : 원, 주, %)", aunit: "WONSTOCKPERCENT" },
      head: [
        [
          th("구  분", { rowspan: 2, eng: "Category" }),
          th("최초 배정", { colspan: 2, eng: "Initial allotment" }),
          th("청약 현황", { colspan: 4, eng: "Subscription status" }),
          th("최종 배정 현황", { colspan: 4, eng: "Final allotment status" }),
        ],
        ["수량", "비율", "건수", "수량", "금액", "비율", "건수", "수량", "금액", "비율"],
      ],
      rows: [
        ...res.groups.map((g) => [
          te(g.label, "DST_CD"),
          te(comma(g.initial), "FST_DV_CNT"),
          te(pct(g.initial, total), "FST_DV_RT"),
          te(comma(g.applications), "SB_CNT"),
          te(g.label === "일반투자자" ? ` ${comma(g.applied)}` : comma(g.applied), "SB_ST_CNT"),
          te(comma(g.applied * price), "SB_AMT"),
          te(pct(g.applied, appliedTotal), "SB_RT"),
          te(comma(g.final_count), "DV_CNT"),
          te(comma(g.final), "DV_ST_CNT"),
          te(comma(g.final * price), "DV_AMT"),
          te(pct(g.final, finalTotal), "DV_RT"),
        ]),
        [
          "계",
          te(comma(total), "FST_DV_CNT_TOT"),
          r("100"),
          te(comma(res.groups.reduce((a, g) => a + g.applications, 0)), "SB_CNT_TOT"),
          te(comma(appliedTotal), "SB_ST_CNT_TOT"),
          te(comma(appliedTotal * price), "SB_AMT_TOT"),
          r("100"),
          te(comma(res.groups.reduce((a, g) => a + g.final_count, 0)), "DV_CNT_TOT"),
          te(comma(finalTotal), "DV_ST_CNT_TOT"),
          te(comma(finalTotal * price), "DV_AMT_TOT"),
          r("100"),
        ],
      ],
    });
  }
  out.push(p("4. 기관투자자 의무보유확약기간별 배정현황"));
  const lt = res.lockup_allocated.reduce((a, x) => a + x.shares, 0);
  const rows: RowSpec[] = res.lockup_allocated.map((x) => {
    const label = x.period === "미확약" ? "미확약" : `${x.period} 확약`;
    return [
      x.period === "미확약" ? label : te(label, "ASS_PRD"),
      te(comma(x.shares), x.period === "미확약" ? "NTOT_CNT" : "TOT_CNT"),
      te(x.shares ? pct(x.shares, lt) : "-", x.period === "미확약" ? "NTOT_RT" : "TOT_RT"),
    ];
  });
  rows.push(["계", te(comma(lt), "TTOT_CNT"), te("100.00", "TTOT_RT")]);
  out.push({
    kind: "table",
    group: "INS_ASS",
    form: true,
    unit: { text: "(단위 : 주, %)", aunit: "STOCKPERCENT" },
    head: [[th("확약기간", { rowspan: 2 }), th("합계", { colspan: 2 })], ["수량", "비중"]],
    rows,
  });
  return out;
}

// ---------------------------------------------------------------------------------------
// documents

const ACODE: Record<IpoDocInput["kind"], string> = {
  registration: "10001",
  amendment: "10001",
  terms: "10001",
  prospectus: "10002",
  result: "10800",
};

/** The document's XML spec. */
export function ipoDocSpec(d: IpoDocInput): DocSpec {
  const o = d.options ?? {};
  const reordered = o.variant === "reordered";
  const pre = isPre(d);
  const price = pre || d.final_price === null ? d.band[0] : d.final_price;
  const name = d.kind === "prospectus"
    ? "투자설명서"
    : d.kind === "result"
    ? "증권발행실적보고서"
    : "증권신고서(지분증권)";
  const cover = d.kind === "terms"
    ? "[발행조건확정] 증권신고서(지분증권)"
    : d.kind === "amendment"
    ? "[기재정정] 증권신고서(지분증권)"
    : name;
  const base = {
    schema: o.schema ?? "dart4",
    header: o.header ?? "flat",
    documentName: name,
    acode: ACODE[d.kind],
    formulaVersion: d.kind === "result" ? "1.4" : "6.1",
    formulaDate: "20250901",
    companyName: d.company,
    corpCode: d.corp_code,
    coverTitle: cover,
    crEntity: o.crEntity,
  } as const;
  if (d.kind === "result") {
    const s = d.schedule;
    return {
      ...base,
      body: [{
        kind: "section",
        level: 1,
        title: "증권발행실적보고서",
        children: [
          p("1. 공모의 개요"),
          summaryTable(d, price),
          p("2. 모집 또는 매출 일정"),
          {
            kind: "table",
            head: [["구 분", "일 자"]],
            rows: [
              ["청약기일", koRange(s.subscription)],
              ["배정공고일", koDate(s.allotment_notice)],
              ["납입기일", koDate(s.payment)],
              ["환불일", koDate(s.refund)],
            ],
          },
          ...resultBlocks(d, reordered),
        ],
      }],
    };
  }
  const correction: BlockSpec[] = d.kind === "terms"
    ? [
      p("정정사유: 수요예측 결과에 따른 발행조건 확정"),
      {
        kind: "table",
        head: [["정정사항", "정정 전", "정정 후"]],
        rows: [
          [
            "모집(매출)가액",
            `${comma(d.band[0])}원 ~ ${comma(d.band[1])}원`,
            `${comma(d.final_price!)}원`,
          ],
          [
            "모집(매출)총액",
            `${comma((d.shares_new + d.shares_old) * d.band[0])}원`,
            `${comma((d.shares_new + d.shares_old) * d.final_price!)}원`,
          ],
        ],
      },
    ]
    : d.kind === "amendment"
    ? [p("정정사유: 투자위험요소 기재 보완 및 공모일정 변경")]
    : [];
  const general: BlockSpec[] = [
    p("1. 공모개요"),
    summaryTable(d, price),
    ...(d.shares_old ? [p("[매출인에 관한 사항]"), sellerTable(d)] : []),
    p("2. 공모방법"),
    offerSplit(d, reordered),
    allocationTable(d, reordered),
    p("3. 공모가격 결정방법"),
    p("가. 공모가격 결정 절차"),
    p("나. 공모가격 산정 개요"),
    p(`희망공모가액은 ${comma(d.band[0])}원 ~ ${comma(d.band[1])}원으로 결정하였습니다.`),
    priceTable(d),
    p("다. 수요예측에 관한 사항"),
    ...(d.demand && !pre
      ? demandSections(d, reordered)
      : [p("수요예측 결과는 발행조건 확정 시 기재할 예정입니다.")]),
    p("4. 모집 또는 매출절차 등에 관한 사항"),
    p("가. 모집 또는 매출일정"),
    scheduleTable(d),
    ...termsBlocks(d),
    p("5. 인수 등에 관한 사항"),
    underwriterTable(d, price, reordered),
  ];
  const body: BlockSpec[] = [
    {
      kind: "section",
      level: 1,
      title: "요약정보",
      children: [{
        kind: "section",
        level: 2,
        title: "2. 모집 또는 매출에 관한 일반사항",
        children: [summaryTable(d, d.band[0]), scheduleSummary(d)],
      }],
    },
    {
      kind: "section",
      level: 1,
      title: "제1부 모집 또는 매출에 관한 사항",
      assocNote: "D-0-1-0-0",
      children: [
        {
          kind: "section",
          level: 2,
          title: "Ⅰ. 모집 또는 매출에 관한 일반사항",
          assocNote: "D-0-1-1-0",
          children: general,
        },
        {
          kind: "section",
          level: 2,
          title: "Ⅲ. 투자위험요소",
          children: [p("3. 기타 투자위험"), ...(d.float ? floatBlocks(d, reordered) : [])],
        },
        {
          kind: "section",
          level: 2,
          title: "Ⅵ. 그 밖에 투자자보호를 위해 필요한 사항",
          children: optionBlocks(d),
        },
      ],
    },
  ];
  return { ...base, correction, body };
}

export { koDate, koRange };
