/**
 * DART payload rows -> kdesk records. Inputs are rows as the DART parsers return them
 * (trimmed strings, exactly DART's field names); outputs are validated with the zod
 * schemas of `schemas.ts`, so a row that cannot be normalized fails loudly with the field.
 *
 * @module
 */
import { AMENDMENT_PREFIXES, parseReportName } from "../sources/dart/parse.ts";
import {
  Corp,
  CorpCls,
  Disclosure,
  Financials,
  type Indicator,
  MARKET_LABEL,
  Profile,
  type StatementLine,
  STOCK_CODE_RE,
} from "./schemas.ts";

type Row = Record<string, string | undefined>;

/** `YYYYMMDD` -> `YYYY-MM-DD`; blank or malformed -> null. */
export function isoDate(ymd: string | undefined): string | null {
  const s = (ymd ?? "").trim();
  const m = /^(\d{4})[.\-]?(\d{2})[.\-]?(\d{2})$/.exec(s);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** Parses DART amounts: "1,234", "-6,916,333,493", "455905980000000"; "-" or "" -> null. */
export function parseAmount(v: string | undefined): number | null {
  const s = (v ?? "").trim().replace(/,/g, "");
  if (s === "" || s === "-") return null;
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

const blankToNull = (v: string | undefined) => {
  const s = (v ?? "").trim();
  return s === "" || s === "-" ? null : s;
};

const stockOrNull = (v: string | undefined) => {
  const s = (v ?? "").trim();
  return STOCK_CODE_RE.test(s) ? s : null;
};

/** corpCode.xml row -> Corp. */
export function normalizeCorp(r: Row): Corp {
  return Corp.parse({
    corp_code: (r.corp_code ?? "").trim(),
    corp_name: (r.corp_name ?? "").trim(),
    corp_eng_name: blankToNull(r.corp_eng_name),
    stock_code: stockOrNull(r.stock_code),
    modify_date: isoDate(r.modify_date) ?? "1970-01-01",
  });
}

function url(v: string | undefined): string | null {
  const s = blankToNull(v);
  if (!s) return null;
  return /^https?:\/\//i.test(s) ? s : `http://${s}`;
}

/** company.json body -> Profile. */
export function normalizeCompany(r: Row): Profile {
  const cls = CorpCls.parse((r.corp_cls ?? "").trim());
  return Profile.parse({
    corp_code: (r.corp_code ?? "").trim(),
    corp_name: (r.corp_name ?? "").trim(),
    corp_name_eng: blankToNull(r.corp_name_eng),
    stock_name: blankToNull(r.stock_name),
    stock_code: stockOrNull(r.stock_code),
    ceo_nm: blankToNull(r.ceo_nm),
    corp_cls: cls,
    market: MARKET_LABEL[cls],
    jurir_no: blankToNull(r.jurir_no),
    bizr_no: blankToNull(r.bizr_no),
    adres: blankToNull(r.adres)?.replace(/\s{2,}/g, " ") ?? null,
    hm_url: url(r.hm_url),
    ir_url: url(r.ir_url),
    phn_no: blankToNull(r.phn_no),
    fax_no: blankToNull(r.fax_no),
    induty_code: blankToNull(r.induty_code),
    est_dt: isoDate(r.est_dt),
    acc_mt: blankToNull(r.acc_mt),
  });
}

/** The DART viewer link of a filing. */
export const viewerUrl = (rceptNo: string) =>
  `https://dart.fss.or.kr/dsaf001/main.do?rcpNo=${rceptNo}`;

/** list.json row -> Disclosure (chain fields describe a lone filing until chains are built). */
export function normalizeListItem(r: Row): Disclosure {
  const { name, base, prefixes } = parseReportName(r.report_nm ?? "");
  const rcept = (r.rcept_no ?? "").trim();
  return Disclosure.parse({
    rcept_no: rcept,
    corp_code: (r.corp_code ?? "").trim(),
    corp_name: (r.corp_name ?? "").trim(),
    stock_code: stockOrNull(r.stock_code),
    corp_cls: (r.corp_cls ?? "").trim(),
    report_nm: name,
    base_name: base,
    prefixes,
    flr_nm: (r.flr_nm ?? "").trim(),
    rcept_dt: isoDate(r.rcept_dt),
    rm: (r.rm ?? "").trim(),
    chain_root: rcept,
    chain: [rcept],
    superseded: false,
    viewer_url: viewerUrl(rcept),
  });
}

/**
 * Links amended filings into version chains: per corp and base report name, a filing without
 * an amending prefix starts a chain, and each amending filing joins the latest chain before
 * it. Every member gets the chain (oldest first) and all but the newest are `superseded`.
 * An amendment whose original is not in `items` starts its own chain.
 */
export function buildChains(items: Disclosure[]): Disclosure[] {
  const sorted = [...new Map(items.map((d) => [d.rcept_no, d])).values()]
    .sort((a, b) => a.rcept_no.localeCompare(b.rcept_no));
  const open = new Map<string, string[]>(); // corp|base -> current chain
  const chains: string[][] = [];
  for (const d of sorted) {
    const k = `${d.corp_code}|${d.base_name}`;
    const amending = d.prefixes.some((p) => AMENDMENT_PREFIXES.has(p));
    const current = open.get(k);
    if (amending && current) current.push(d.rcept_no);
    else {
      const chain = [d.rcept_no];
      chains.push(chain);
      open.set(k, chain);
    }
  }
  const byNo = new Map(sorted.map((d) => [d.rcept_no, d]));
  const out: Disclosure[] = [];
  for (const chain of chains) {
    chain.forEach((no, i) => {
      const d = byNo.get(no)!;
      out.push({ ...d, chain_root: chain[0], chain, superseded: i < chain.length - 1 });
    });
  }
  return out.sort((a, b) => b.rcept_no.localeCompare(a.rcept_no));
}

/** fnlttSinglAcnt rows (CFS and OFS mixed) -> one key-account Financials per fs_div. */
export function normalizeSingleAcnt(rows: Row[]): Financials[] {
  const byFs = new Map<string, Row[]>();
  for (const r of rows) {
    const fs = (r.fs_div ?? "").trim();
    if (!byFs.has(fs)) byFs.set(fs, []);
    byFs.get(fs)!.push(r);
  }
  return [...byFs].map(([fs, rs]) =>
    Financials.parse({
      corp_code: rs[0].corp_code,
      bsns_year: rs[0].bsns_year,
      reprt_code: rs[0].reprt_code,
      fs_div: fs,
      rcept_no: rs[0].rcept_no,
      currency: blankToNull(rs[0].currency) ?? "KRW",
      scope: "key",
      lines: rs.map((r, i) => line(r, i)),
    })
  );
}

/** fnlttSinglAcntAll rows of one fs_div (the request's) -> one full Financials. */
export function normalizeSingleAcntAll(rows: Row[], fsDiv: "CFS" | "OFS"): Financials {
  const first = rows[0] ?? {};
  return Financials.parse({
    corp_code: first.corp_code,
    bsns_year: first.bsns_year,
    reprt_code: first.reprt_code,
    fs_div: fsDiv,
    rcept_no: first.rcept_no,
    currency: blankToNull(first.currency) ?? "KRW",
    scope: "full",
    lines: rows.map((r, i) => line(r, i)),
  });
}

function line(r: Row, i: number): StatementLine {
  const id = blankToNull(r.account_id);
  const ord = Number.parseInt(r.ord ?? "", 10);
  return {
    sj_div: (r.sj_div ?? "").trim() as StatementLine["sj_div"],
    account_id: id === "-표준계정코드 미사용-" ? null : id,
    account_nm: (r.account_nm ?? "").trim(),
    account_detail: blankToNull(r.account_detail),
    ord: Number.isFinite(ord) ? ord : i + 1,
    thstrm: parseAmount(r.thstrm_amount),
    frmtrm: parseAmount(r.frmtrm_amount),
    bfefrmtrm: parseAmount(r.bfefrmtrm_amount),
    thstrm_add: parseAmount(r.thstrm_add_amount),
  };
}

/** fnlttSinglIndx rows -> indicators. */
export function normalizeIndicators(rows: Row[]): Indicator[] {
  return rows.map((r) => ({
    idx_cl_code: (r.idx_cl_code ?? "").trim(),
    idx_cl_nm: (r.idx_cl_nm ?? "").trim(),
    idx_code: (r.idx_code ?? "").trim(),
    idx_nm: (r.idx_nm ?? "").trim(),
    idx_val: parseAmount(r.idx_val),
    stlm_dt: isoDate(r.stlm_dt),
  }));
}
