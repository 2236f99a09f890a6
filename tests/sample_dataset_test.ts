// `node:assert` strict mode (= node:assert/strict). The `/strict` subpath has no types while
// jszip pulls @types/node@14 into the graph (via fixture_fetch.ts), so import it this way.
import { strict as assert } from "node:assert";
import {
  buildSampleDataset,
  type DartDataset,
  SAMPLE_AS_OF,
  SAMPLE_CORP_CODES,
  sampleStatementWork,
} from "../sample/dart_sample.ts";
import { createFixtureFetch } from "../lib/sources/dart/fixture_fetch.ts";
import {
  parseCorpCodeZip,
  parseDocumentZip,
  parseEstkRs,
  parseList,
  parseSingleAcnt,
} from "../lib/sources/dart/parse.ts";
import {
  CorpCodeRow,
  DartAcntAllRow,
  DartAcntRow,
  DartCompany,
  DartIndxRow,
  DartListItem,
} from "../lib/sources/dart/types.ts";

const ds = buildSampleDataset();
const AS_OF = SAMPLE_AS_OF.replaceAll("-", "");

type Row = Record<string, string>;

/** "1,234" / "-1,234" / "1234" → number. */
function num(v: string | undefined): number {
  assert.ok(v !== undefined && v !== "", `amount missing: ${v}`);
  return Number(v.replaceAll(",", ""));
}

function isCalendarDate(ymd: string): boolean {
  if (!/^\d{8}$/.test(ymd)) return false;
  const d = new Date(Date.UTC(+ymd.slice(0, 4), +ymd.slice(4, 6) - 1, +ymd.slice(6, 8)));
  return d.getUTCFullYear() === +ymd.slice(0, 4) && d.getUTCMonth() + 1 === +ymd.slice(4, 6) &&
    d.getUTCDate() === +ymd.slice(6, 8);
}

function baseName(report_nm: string): string {
  return report_nm.trim().replace(/^(\[[^\]]*\])+/, "");
}

/** Amounts of one account in one statement block, by column. */
function amounts(rows: Row[], fs: string, account: string): Record<string, number | undefined> {
  const r = rows.find((x) => x.fs_div === fs && x.account_nm === account);
  assert.ok(r, `no ${fs} ${account}`);
  const get = (k: string) => (r[k] === undefined ? undefined : num(r[k]));
  return {
    thstrm: get("thstrm_amount"),
    frmtrm: get("frmtrm_amount"),
    bfefrmtrm: get("bfefrmtrm_amount"),
  };
}

Deno.test("[sample] determinism and the work of a build", async (t) => {
  await t.step("Should build an equal but fresh dataset on every call", () => {
    const a = buildSampleDataset();
    const b = buildSampleDataset();
    assert.deepEqual(a, b);
    assert.deepEqual(a, ds);
    assert.notEqual(a, b);
    assert.notEqual(a.filings, b.filings);
    a.filings[0].rm = "changed";
    assert.notEqual(buildSampleDataset().filings[0].rm, "changed");
  });

  await t.step(
    "Should generate each statement once: one series per company, one row set per entry",
    () => {
      // The build's cost is its statements; counted, not timed (bench/sample_build.ts times it).
      const w0 = sampleStatementWork();
      const d = buildSampleDataset();
      const w1 = sampleStatementWork();
      const maps = [d.singleAcnt, d.singleAcntAll, d.singleIndx];
      const entries = maps.reduce((n, m) => n + Object.keys(m).length, 0);
      const companies = new Set(maps.flatMap((m) => Object.keys(m).map((k) => k.split("|")[0])));
      assert.ok(companies.size >= 5 && entries > 100, `${companies.size} companies, ${entries}`);
      assert.deepEqual(
        { series: w1.series - w0.series, rowSets: w1.rowSets - w0.rowSets },
        { series: companies.size, rowSets: entries },
      );
      // Reading them builds nothing more (the base dataset is built eagerly).
      assert.ok(maps.every((m) => Object.values(m).every((rows) => rows.length > 0)));
      assert.deepEqual(sampleStatementWork(), w1);
    },
  );
});

Deno.test("[sample] identifiers", async (t) => {
  await t.step("Should have 8-digit unique corp_codes and well-formed stock codes", () => {
    const seen = new Set<string>();
    const stocks = new Set<string>();
    for (const c of ds.corps) {
      assert.match(c.corp_code, /^\d{8}$/);
      assert.ok(!seen.has(c.corp_code), `duplicate corp_code ${c.corp_code}`);
      seen.add(c.corp_code);
      assert.match(c.stock_code, /^(?:[0-9A-Z]{6})?$/);
      if (c.stock_code) {
        assert.ok(!stocks.has(c.stock_code), `duplicate stock_code ${c.stock_code}`);
        stocks.add(c.stock_code);
      }
      assert.ok(isCalendarDate(c.modify_date) && c.modify_date <= AS_OF, c.modify_date);
    }
    assert.ok(ds.corps.length >= 300, `only ${ds.corps.length} corps`);
    assert.ok(ds.corps.some((c) => c.corp_eng_name.includes("&")));
    assert.ok(ds.corps.some((c) => c.stock_code === ""));
    assert.ok(ds.corps.some((c) => c.corp_eng_name === ""), "a blank English name");
    assert.ok(ds.corps.some((c) => /[A-Z]/.test(c.stock_code)));
  });

  await t.step("Should have 14-digit unique rcept_no starting with rcept_dt", () => {
    const seen = new Set<string>();
    for (const f of ds.filings) {
      assert.match(f.rcept_no, /^\d{14}$/);
      assert.ok(f.rcept_no.startsWith(f.rcept_dt), `${f.rcept_no} vs ${f.rcept_dt}`);
      assert.ok(isCalendarDate(f.rcept_dt) && f.rcept_dt <= AS_OF, f.rcept_dt);
      assert.ok(!seen.has(f.rcept_no), `duplicate rcept_no ${f.rcept_no}`);
      seen.add(f.rcept_no);
      assert.match(f.corp_code, /^\d{8}$/);
      assert.match(f.stock_code, /^(?:[0-9A-Z]{6})?$/);
      assert.ok(ds.companies[f.corp_code], `filing of unknown company ${f.corp_code}`);
      assert.equal(f.corp_cls, ds.companies[f.corp_code].corp_cls);
      assert.match(f.rm, /^[유코채넥공연정철]*$/);
      assert.match(f.pblntf_detail_ty ?? "", /^[A-J]\d{3}$/, f.report_nm);
      assert.equal(f.pblntf_ty, f.pblntf_detail_ty![0]);
    }
    for (const f of ds.filings.filter((f) => f.report_nm === "감사보고서제출")) {
      assert.equal(f.pblntf_ty, "I", "the exchange's 감사보고서제출 is not an F001 audit report");
    }
  });

  await t.step("Should feature 8 companies across Y/K/N/E with the documented quirks", () => {
    assert.equal(SAMPLE_CORP_CODES.length, 8);
    const corpCodes = new Set(ds.corps.map((c) => c.corp_code));
    for (const code of SAMPLE_CORP_CODES) {
      assert.ok(ds.companies[code], code);
      assert.ok(corpCodes.has(code), code);
    }
    const cos = SAMPLE_CORP_CODES.map((c) => ds.companies[c]);
    assert.deepEqual(new Set(cos.map((c) => c.corp_cls)), new Set(["Y", "K", "N", "E"]));
    assert.ok(cos.some((c) => c.corp_code.startsWith("00")));
    for (const c of cos) {
      assert.match(c.jurir_no, /^\d{13}$/);
      assert.match(c.bizr_no, /^\d{10}$/);
      assert.match(c.est_dt, /^\d{8}$/);
      assert.equal(c.acc_mt, "12");
      assert.ok(!/^https?:/.test(c.hm_url), c.hm_url);
      assert.equal(c.stock_code === "", c.corp_cls === "E");
    }
    assert.ok(cos.some((c) => c.ceo_nm.includes(", ")));
    assert.ok(cos.some((c) => c.adres.includes("  ")));
    assert.ok(cos.some((c) => /^[0-9A-Z]{6}$/.test(c.stock_code) && /[A-Z]/.test(c.stock_code)));
  });
});

Deno.test("[sample] formats match the DART schemas", async (t) => {
  await t.step("Should parse with the connector's zod schemas", () => {
    for (const c of ds.corps) CorpCodeRow.parse(c);
    for (const c of Object.values(ds.companies)) DartCompany.parse(c);
    for (const f of ds.filings) DartListItem.parse(f);
    for (const rows of Object.values(ds.singleAcnt)) for (const r of rows) DartAcntRow.parse(r);
    for (const rows of Object.values(ds.singleAcntAll)) {
      for (const r of rows) DartAcntAllRow.parse(r);
    }
    for (const rows of Object.values(ds.singleIndx)) for (const r of rows) DartIndxRow.parse(r);
  });

  await t.step("Should write comma amounts in fnlttSinglAcnt and plain digits in ...All", () => {
    const commaRe = /^-?\d{1,3}(?:,\d{3})*$/;
    for (const rows of Object.values(ds.singleAcnt)) {
      assert.equal(rows.length, 26);
      for (const r of rows) {
        for (const k of Object.keys(r).filter((k) => k.endsWith("_amount"))) {
          assert.match(r[k], commaRe, `${k}=${r[k]}`);
        }
      }
    }
    for (const rows of Object.values(ds.singleAcntAll)) {
      for (const r of rows) {
        for (const k of Object.keys(r).filter((k) => k.endsWith("_amount"))) {
          if (k === "thstrm_add_amount" && r.reprt_code === "11011") assert.equal(r[k], "");
          else assert.match(r[k], /^-?\d+$/, `${k}=${r[k]}`);
        }
        if (r.reprt_code === "11011") {
          assert.equal("thstrm_add_amount" in r, r.sj_div === "IS" || r.sj_div === "CIS");
        }
      }
      const sj = new Set(rows.map((r) => r.sj_div));
      for (const s of ["BS", "IS", "CIS", "CF"]) assert.ok(sj.has(s), s);
      assert.ok(rows.some((r) => r.account_id === "-표준계정코드 미사용-"));
    }
    assert.ok(Object.keys(ds.singleAcntAll).some((k) => k.endsWith("|OFS")));
  });

  await t.step("Should name periods 제 N 기 with DART's date texts", () => {
    for (const rows of Object.values(ds.singleAcnt)) {
      for (const r of rows) {
        const y = r.bsns_year;
        if (r.reprt_code === "11011") {
          assert.match(r.thstrm_nm, /^제 \d+ 기$/);
          assert.equal(
            r.thstrm_dt,
            r.sj_div === "BS" ? `${y}.12.31 현재` : `${y}.01.01 ~ ${y}.12.31`,
          );
        } else {
          assert.match(r.thstrm_nm, r.sj_div === "BS" ? /^제 \d+ 기3분기말$/ : /^제 \d+ 기3분기$/);
          assert.equal(r.bfefrmtrm_amount, undefined);
          assert.equal(r.thstrm_add_amount === undefined, r.sj_div === "BS");
        }
      }
    }
  });
});

Deno.test("[sample] statements", async (t) => {
  const BS_IDENTITIES: [string, string[]][] = [
    ["자산총계", ["부채총계", "자본총계"]],
    ["자산총계", ["유동자산", "비유동자산"]],
    ["부채총계", ["유동부채", "비유동부채"]],
  ];

  await t.step("Should balance every balance sheet in fnlttSinglAcnt", () => {
    let checked = 0;
    for (const [key, rows] of Object.entries(ds.singleAcnt)) {
      for (const fs of ["CFS", "OFS"]) {
        for (const col of ["thstrm", "frmtrm", "bfefrmtrm"] as const) {
          for (const [total, parts] of BS_IDENTITIES) {
            const t = amounts(rows, fs, total)[col];
            if (t === undefined) continue;
            const sum = parts.reduce((s, p) => s + amounts(rows, fs, p)[col]!, 0);
            assert.equal(t, sum, `${key} ${fs} ${col} ${total}`);
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 500, `${checked}`);
  });

  await t.step("Should balance fnlttSinglAcntAll and reconcile cash", () => {
    const ids: Record<string, string> = {
      자산총계: "ifrs-full_Assets",
      부채총계: "ifrs-full_Liabilities",
      자본총계: "ifrs-full_Equity",
      유동자산: "ifrs-full_CurrentAssets",
      비유동자산: "ifrs-full_NoncurrentAssets",
      유동부채: "ifrs-full_CurrentLiabilities",
      비유동부채: "ifrs-full_NoncurrentLiabilities",
    };
    for (const [key, rows] of Object.entries(ds.singleAcntAll)) {
      const byId = (sj: string, id: string) => {
        const r = rows.find((x) => x.sj_div === sj && x.account_id === id);
        assert.ok(r, `${key} ${sj} ${id}`);
        return r;
      };
      for (const col of ["thstrm_amount", "frmtrm_amount", "bfefrmtrm_amount"]) {
        for (const [total, parts] of BS_IDENTITIES) {
          const t = byId("BS", ids[total])[col];
          if (t === undefined) continue;
          const sum = parts.reduce((s, p) => s + num(byId("BS", ids[p])[col]), 0);
          assert.equal(num(t), sum, `${key} ${col} ${total}`);
        }
        const cf = (id: string) => byId("CF", id)[col];
        if (cf("ifrs-full_IncreaseDecreaseInCashAndCashEquivalents") === undefined) continue;
        const d = num(cf("ifrs-full_IncreaseDecreaseInCashAndCashEquivalents"));
        assert.equal(
          num(cf("dart_CashAndCashEquivalentsAtEndOfPeriod")),
          num(cf("dart_CashAndCashEquivalentsAtBeginningOfPeriod")) + d,
          `${key} ${col} cash roll`,
        );
        assert.equal(
          num(cf("ifrs-full_CashFlowsFromUsedInOperatingActivities")) +
            num(cf("ifrs-full_CashFlowsFromUsedInInvestingActivities")) +
            num(cf("ifrs-full_CashFlowsFromUsedInFinancingActivities")),
          d,
          `${key} ${col} cash flow sum`,
        );
      }
      const reprt = key.split("|")[2];
      if (reprt === "11011") {
        assert.equal(
          byId("BS", "ifrs-full_CashAndCashEquivalents").thstrm_amount,
          byId("CF", "dart_CashAndCashEquivalentsAtEndOfPeriod").thstrm_amount,
          `${key} BS cash = CF closing cash`,
        );
      }
      // Income statement internal arithmetic.
      const is = (id: string) => num(byId("IS", id).thstrm_amount);
      assert.equal(
        is("ifrs-full_Revenue") - is("ifrs-full_CostOfSales"),
        is("ifrs-full_GrossProfit"),
      );
      assert.equal(
        is("ifrs-full_ProfitLossBeforeTax") - is("ifrs-full_IncomeTaxExpenseContinuingOperations"),
        is("ifrs-full_ProfitLoss"),
      );
    }
  });

  await t.step("Should carry frmtrm of year Y = thstrm of Y-1 (and bfefrmtrm = Y-2)", () => {
    let checked = 0;
    for (const [key, rows] of Object.entries(ds.singleAcnt)) {
      const [corp, year, reprt] = key.split("|");
      const y = Number(year);
      const prev = ds.singleAcnt[`${corp}|${y - 1}|11011`];
      const prev2 = ds.singleAcnt[`${corp}|${y - 2}|11011`];
      for (const r of rows) {
        const find = (list: Row[]) =>
          list.find((x) => x.fs_div === r.fs_div && x.account_nm === r.account_nm)!;
        if (prev && (reprt === "11011" || r.sj_div === "BS")) {
          const p = find(prev);
          assert.equal(r.frmtrm_amount, p.thstrm_amount, `${key} ${r.fs_div} ${r.account_nm}`);
          assert.equal(r.frmtrm_dt, p.thstrm_dt);
          if (reprt === "11011") assert.equal(r.frmtrm_nm, p.thstrm_nm);
          checked++;
        }
        if (prev2 && reprt === "11011") {
          assert.equal(r.bfefrmtrm_amount, find(prev2).thstrm_amount);
        }
      }
    }
    for (const [key, rows] of Object.entries(ds.singleAcntAll)) {
      const [corp, year, reprt, fs] = key.split("|");
      const prev = ds.singleAcntAll[`${corp}|${Number(year) - 1}|11011|${fs}`];
      if (!prev) continue;
      for (const r of rows) {
        if (reprt !== "11011" && r.sj_div !== "BS") continue;
        const p = prev.find((x) => x.sj_div === r.sj_div && x.account_id === r.account_id)!;
        assert.equal(r.frmtrm_amount, p.thstrm_amount, `${key} ${r.sj_div} ${r.account_id}`);
      }
    }
    assert.ok(checked > 300, `${checked}`);
  });

  await t.step("Should tie every statement rcept_no to its periodic filing", () => {
    const byRcept = new Map(ds.filings.map((f) => [f.rcept_no, f]));
    const all = [
      ...Object.entries(ds.singleAcnt),
      ...Object.entries(ds.singleAcntAll),
    ];
    for (const [key, rows] of all) {
      const [corp, year, reprt] = key.split("|");
      const rcepts = new Set(rows.map((r) => r.rcept_no));
      assert.equal(rcepts.size, 1, key);
      const f = byRcept.get([...rcepts][0]);
      assert.ok(f, `${key}: rcept_no not among filings`);
      assert.equal(f.corp_code, corp);
      const expected = reprt === "11011" ? `사업보고서 (${year}.12)` : `분기보고서 (${year}.09)`;
      assert.equal(baseName(f.report_nm), expected, key);
      // The statements point at the latest body version (a [첨부정정] keeps the original).
      const later = ds.filings.filter((g) =>
        g.corp_code === corp && g.report_nm.startsWith("[기재정정]") &&
        baseName(g.report_nm) === expected && g.rcept_no > f.rcept_no
      );
      assert.deepEqual(later, [], key);
    }
    // Every annual 사업보고서 year that has statements has exactly one original filing.
    for (const key of Object.keys(ds.singleAcnt).filter((k) => k.endsWith("|11011"))) {
      const [corp, year] = key.split("|");
      const originals = ds.filings.filter((f) =>
        f.corp_code === corp && f.report_nm === `사업보고서 (${year}.12)`
      );
      assert.equal(originals.length, 1, key);
    }
  });

  await t.step("Should cover growth, decline, losses and the partial companies", () => {
    const revenue = (corp: string, year: number) => {
      const rows = ds.singleAcnt[`${corp}|${year}|11011`];
      return rows ? amounts(rows, "CFS", "매출액").thstrm : undefined;
    };
    const trend = (corp: string) =>
      [2021, 2022, 2023, 2024, 2025].map((y) => revenue(corp, y)).filter((v) => v !== undefined);
    const monotone = (xs: (number | undefined)[], up: boolean) =>
      xs.every((v, i) => i === 0 || (up ? v! > xs[i - 1]! : v! < xs[i - 1]!));
    const codes = Object.keys(ds.companies);
    assert.ok(codes.some((c) => trend(c).length === 5 && monotone(trend(c), true)), "a grower");
    assert.ok(codes.some((c) => trend(c).length === 5 && monotone(trend(c), false)), "a decliner");
    const lossYear = Object.values(ds.singleAcnt).some((rows) => {
      const op = amounts(rows, "CFS", "영업이익").thstrm!;
      const ni = amounts(rows, "CFS", "당기순이익").thstrm!;
      return rows[0].reprt_code === "11011" && op < 0 && ni < 0;
    });
    assert.ok(lossYear, "a loss-making year");
    // A profitable company that also has a loss year (a cyclical dip, not a perennial loss).
    assert.ok(codes.some((c) => {
      const ops = [2021, 2022, 2023, 2024, 2025].map((y) => ds.singleAcnt[`${c}|${y}|11011`])
        .filter(Boolean).map((rows) => amounts(rows, "CFS", "영업이익").thstrm!);
      return ops.some((v) => v < 0) && ops.some((v) => v > 0);
    }));

    const withStatements = codes.filter((c) =>
      Object.keys(ds.singleAcnt).some((k) => k.startsWith(`${c}|`))
    );
    const without = codes.filter((c) => !withStatements.includes(c));
    assert.equal(without.length, 1);
    assert.equal(ds.companies[without[0]].corp_cls, "E");
    assert.ok(
      withStatements.some((c) =>
        !ds.singleAcnt[`${c}|2021|11011`] && ds.singleAcnt[`${c}|2022|11011`]
      ),
      "one company lacks FY2021",
    );
    for (const c of withStatements) {
      const interim = ds.companies[c].corp_cls !== "N";
      assert.equal(Boolean(ds.singleAcnt[`${c}|2026|11014`]), interim, c);
    }
  });

  await t.step("Should compute fnlttSinglIndx from the statements (2023–2025)", () => {
    const keys = Object.keys(ds.singleIndx);
    assert.ok(keys.length > 0);
    for (const key of keys) {
      const [corp, year, reprt, cl] = key.split("|");
      assert.equal(reprt, "11011");
      assert.ok(Number(year) >= 2023 && Number(year) <= 2025, key);
      assert.ok(cl === "M210000" || cl === "M220000", key);
      const rows = ds.singleIndx[key];
      const acnt = ds.singleAcnt[`${corp}|${year}|11011`];
      assert.ok(acnt, key);
      const v = (nm: string) => amounts(acnt, "CFS", nm).thstrm!;
      const want: Record<string, number> = {
        M211000: v("영업이익") / v("매출액"),
        M211200: v("당기순이익") / v("매출액"),
        M211550: v("당기순이익") / v("자본총계"),
        M221100: v("부채총계") / v("자본총계"),
        M221200: v("유동자산") / v("유동부채"),
      };
      for (const r of rows) {
        assert.match(r.idx_val, /^-?\d+\.\d{3}$/);
        assert.equal(r.stlm_dt, `${year}-12-31`);
        assert.equal(r.idx_cl_code, cl);
        if (want[r.idx_code] !== undefined) {
          const w = (want[r.idx_code] * 100).toFixed(3);
          assert.equal(r.idx_val, w === "-0.000" ? "0.000" : w, `${key} ${r.idx_code}`);
        }
      }
    }
  });
});

Deno.test("[sample] filings", async (t) => {
  const inWindow = (f: DartDataset["filings"][number]) => f.rcept_dt >= "20250101";

  await t.step("Should hold 15–30 window filings per listed, interim-filing company", () => {
    for (const code of SAMPLE_CORP_CODES) {
      const n = ds.filings.filter((f) => f.corp_code === code && inWindow(f)).length;
      const cls = ds.companies[code].corp_cls;
      if (cls === "Y" || cls === "K") assert.ok(n >= 15 && n <= 30, `${code}: ${n}`);
      else assert.ok(n >= 2, `${code}: ${n}`);
    }
  });

  await t.step("Should have amendment chains with 정 on the original", () => {
    const chains = ds.filings.filter((f) => f.report_nm.startsWith("[기재정정]")).map((a) => {
      const orig = ds.filings.find((f) =>
        f.corp_code === a.corp_code && f.report_nm === baseName(a.report_nm) &&
        f.rcept_no < a.rcept_no
      );
      return { a, orig };
    });
    assert.ok(chains.length >= 2, `${chains.length} chains`);
    for (const { a, orig } of chains) {
      assert.ok(orig, `no original for ${a.report_nm}`);
      assert.ok(orig.rm.includes("정"), `${orig.report_nm} rm=${orig.rm}`);
      assert.ok(!a.rm.includes("정") || a.report_nm.includes("증권신고서"), a.report_nm);
    }
    assert.ok(ds.filings.some((f) => f.report_nm.startsWith("[첨부정정]")));
  });

  await t.step("Should use market rm flags and DART's naming quirks", () => {
    const flag = { Y: "유", K: "코", N: "넥" } as Record<string, string>;
    for (const cls of ["Y", "K", "N"]) {
      assert.ok(
        ds.filings.some((f) => f.corp_cls === cls && f.rm.startsWith(flag[cls])),
        `rm ${flag[cls]}`,
      );
    }
    assert.ok(
      ds.filings.some((f) =>
        / {14}$/.test(f.report_nm) && f.report_nm.trim() === "기타경영사항(자율공시)"
      ),
    );
    const insider = ds.filings.filter((f) =>
      f.report_nm === "임원ㆍ주요주주특정증권등소유상황보고서"
    );
    assert.ok(insider.length > 0);
    assert.ok(insider.every((f) => f.flr_nm !== f.corp_name && !f.flr_nm.includes("(주)")));
    for (const m of ["사업보고서 (2025.12)", "반기보고서 (2026.06)", "분기보고서 (2026.09)"]) {
      assert.ok(ds.filings.some((f) => f.report_nm === m), m);
    }
  });

  await t.step("Should hold a complete 2026 KOSDAQ IPO chain with estkRs and a document", () => {
    const names = [
      "증권신고서(지분증권)",
      "[기재정정]증권신고서(지분증권)",
      "[발행조건확정]증권신고서(지분증권)",
      "투자설명서",
      "증권발행실적보고서",
    ];
    const ipoCorps = Object.keys(ds.companies).filter((c) =>
      ds.filings.some((f) =>
        f.corp_code === c && f.report_nm === names[2] && f.rcept_dt.startsWith("2026")
      )
    );
    assert.equal(ipoCorps.length, 1);
    const corp = ipoCorps[0];
    assert.equal(ds.companies[corp].corp_cls, "K");
    const chain = names.map((n) =>
      ds.filings.find((f) => f.corp_code === corp && f.report_nm === n && f.rcept_dt >= "20260101")!
    );
    chain.forEach((f, i) => assert.ok(f, names[i]));
    for (let i = 1; i < chain.length; i++) {
      assert.ok(chain[i].rcept_no > chain[i - 1].rcept_no, `${names[i]} after ${names[i - 1]}`);
    }

    const groups = ds.estkRs[corp];
    assert.deepEqual(groups.map((g) => g.title), [
      "일반사항",
      "증권의종류",
      "인수인정보",
      "자금의사용목적",
      "매출인에관한사항",
    ]);
    const rcepts = new Set(ds.filings.map((f) => f.rcept_no));
    for (const g of groups) {
      for (const r of g.list) {
        assert.ok(rcepts.has(r.rcept_no), r.rcept_no);
        assert.equal(r.corp_code, corp);
        for (const v of Object.values(r)) assert.equal(typeof v, "string");
      }
    }
    assert.equal(groups[3].list.length, 2);
    const gen = groups[0].list[0];
    assert.match(gen.sbd, /^\d{4}년 \d{2}월 \d{2}일 ~ \d{4}년 \d{2}월 \d{2}일$/);
    assert.equal(gen.exprc, "-");
    const kind = groups[1].list[0];
    assert.equal(kind.slmthn, "일반공모");
    assert.equal(num(kind.slta), num(kind.stkcnt) * num(kind.slprc));
    assert.equal(
      groups[2].list.reduce((s, r) => s + num(r.udtcnt), 0),
      num(kind.stkcnt),
      "underwriters take the whole offering",
    );

    const docs = ds.documents[chain[2].rcept_no];
    assert.ok(docs && docs.length >= 2);
    assert.equal(docs[0].name, `${chain[2].rcept_no}.xml`);
    assert.match(docs[0].content, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<DOCUMENT /);
    assert.match(docs[0].content, /<DOCUMENT-NAME ACODE="\d+">/);
    assert.ok(docs[0].content.includes(`<COMPANY-NAME AREGCIK="${corp}">`));
    assert.match(docs[0].content, /<BODY>[\s\S]*<TABLE[\s\S]*<\/BODY>/);
    assert.match(docs[1].name, new RegExp(`^${chain[2].rcept_no}_\\d{5}\\.xml$`));
  });

  await t.step("Should mark a rights offering apart from the IPO via slmthn", () => {
    const rights = Object.entries(ds.estkRs).filter(([, g]) =>
      g.find((x) => x.title === "증권의종류")!.list[0].slmthn !== "일반공모"
    );
    assert.equal(rights.length, 1);
    assert.match(rights[0][1][1].list[0].slmthn, /주주배정/);
  });
});

Deno.test("[sample] served through the fixture OpenDART", async (t) => {
  const fetchDart = createFixtureFetch(ds, { today: () => AS_OF });
  const get = async (path: string, params: Record<string, string>) => {
    const q = new URLSearchParams({ crtfc_key: "k".repeat(40), ...params });
    const res = await fetchDart(`https://opendart.fss.or.kr/api/${path}?${q}`);
    assert.equal(res.status, 200);
    return new Uint8Array(await res.arrayBuffer());
  };
  const ipoCorp = "01843756";

  await t.step("Should serve the corp master ZIP with every corp", async () => {
    const rows = await parseCorpCodeZip(await get("corpCode.xml", {}));
    assert.equal(rows.length, ds.corps.length);
    assert.ok(rows.some((r) => r.corp_eng_name.includes("&")));
  });

  await t.step("Should serve the IPO chain as C001 and keep only final versions", async () => {
    const all = parseList(
      await get("list.json", {
        corp_code: ipoCorp,
        bgn_de: "20260101",
        end_de: AS_OF,
        pblntf_detail_ty: "C001",
        page_count: "100",
      }),
    );
    assert.ok("page" in all);
    assert.equal(all.page.list.length, 5);
    const last = parseList(
      await get("list.json", {
        corp_code: ipoCorp,
        bgn_de: "20260101",
        end_de: AS_OF,
        pblntf_detail_ty: "C001",
        last_reprt_at: "Y",
        page_count: "100",
      }),
    );
    assert.ok("page" in last);
    assert.deepEqual(
      last.page.list.map((r) => r.report_nm).sort(),
      ["[발행조건확정]증권신고서(지분증권)", "증권발행실적보고서", "투자설명서"],
    );
  });

  await t.step("Should serve estkRs, statements and the EUC-KR attachment", async () => {
    const estk = parseEstkRs(
      await get("estkRs.json", { corp_code: ipoCorp, bgn_de: "20260101", end_de: AS_OF }),
    );
    assert.equal(estk.titles.length, 5);
    const fixed = ds.filings.find((f) =>
      f.corp_code === ipoCorp && f.report_nm.startsWith("[발행조건확정]")
    )!;
    const files = await parseDocumentZip(await get("document.xml", { rcept_no: fixed.rcept_no }));
    const want = ds.documents[fixed.rcept_no];
    assert.equal(files.length, want.length);
    for (const w of want) {
      const f = files.find((x) => x.name === w.name)!;
      assert.ok(f, w.name);
      assert.equal(f.text, w.content);
      assert.equal(f.encoding, w.encoding ?? "utf-8");
    }
    const rows = parseSingleAcnt(
      await get("fnlttSinglAcnt.json", {
        corp_code: ipoCorp,
        bsns_year: "2026",
        reprt_code: "11014",
      }),
    );
    assert.equal(rows.length, 26);
    const none = await get("fnlttSinglAcnt.json", {
      corp_code: "00091234",
      bsns_year: "2025",
      reprt_code: "11011",
    });
    assert.equal(JSON.parse(new TextDecoder().decode(none)).status, "013");
  });
});
