/**
 * Pure parsers for 38커뮤니케이션's IPO pages (`shared/sources/krx-kind.md` §4): the `o=k`
 * 공모주 청약일정 list, the `o=v` detail page, the `o=r1` 수요예측 결과 and `o=nw` 신규상장
 * lists. Pages are EUC-KR; layout tables nest inside each other, values sit in `<font>`/`<b>`
 * markup, unknowns print as `-` or nothing, and the 청약경쟁률 cell carries the 비례 ratio
 * (`666.78:1 (비례 1334:1)`). Tables are found by their `summary` attribute or by their header
 * texts (never by position); a page without them throws {@linkcode X38FormatError}.
 *
 * @module
 */
import { HTMLElement, parse as parseHtml } from "node-html-parser";
import { decodeKind } from "../kind/parse.ts";
import { clean, parseKoDate, parseKoRange } from "../dart/documents/values.ts";
import {
  type X38DemandRow,
  type X38Detail,
  type X38ListingRow,
  type X38ListRow,
  type X38Page,
  type X38Underwriter,
} from "./types.ts";

/** The page is not the shape the parser knows. */
export class X38FormatError extends Error {
  readonly page: string;
  constructor(message: string, page: string) {
    super(`38 ${page}: ${message}`);
    this.name = "X38FormatError";
    this.page = page;
  }
}

/** Decodes a 38 page (EUC-KR per its `<meta>`, or the `Content-Type` charset). */
export function decodeX38(bytes: Uint8Array, contentType = ""): string {
  return decodeKind(bytes, contentType);
}

const text = (el: HTMLElement | null | undefined) => clean(el?.text ?? "");
const UNKNOWN = /^(?:-|－|)$/;

/** `"2,565,000 주"` → 2565000; `-`, blank → null. */
export function num(s: string | null | undefined): number | null {
  const t = clean(s ?? "").replace(/[()]/g, " ").trim();
  if (UNKNOWN.test(t)) return null;
  const m = /-?\d[\d,]*(?:\.\d+)?/.exec(t);
  if (!m) return null;
  const n = Number(m[0].replace(/,/g, ""));
  return Number.isFinite(n) ? n : null;
}

function numRange(s: string): { min: number; max: number } | null {
  const m = /(\d[\d,]*(?:\.\d+)?)\s*~\s*(\d[\d,]*(?:\.\d+)?)/.exec(s);
  if (m) return { min: num(m[1])!, max: num(m[2])! };
  const n = num(s);
  return n === null ? null : { min: n, max: n };
}

function band(s: string): { low: number; high: number } | null {
  const r = numRange(s);
  return r ? { low: r.min, high: r.max } : null;
}

/** `666.78:1 (비례 1334:1)` → {ratio, proportional}. */
export function competition(s: string): { ratio: number | null; proportional: number | null } {
  const t = clean(s);
  const main = /^(\d[\d,]*(?:\.\d+)?)\s*:\s*1/.exec(t);
  const prop = /비례\s*(\d[\d,]*(?:\.\d+)?)\s*:\s*1/.exec(t);
  return {
    ratio: main ? num(main[1]) : /^\d/.test(t) ? num(t) : null,
    proportional: prop ? num(prop[1]) : null,
  };
}

/** Direct rows of a table (through THEAD/TBODY), each as its direct cells. */
function rowsOf(table: HTMLElement): HTMLElement[][] {
  const out: HTMLElement[][] = [];
  const visit = (el: HTMLElement) => {
    for (const c of el.childNodes) {
      if (!(c instanceof HTMLElement)) continue;
      const t = c.rawTagName.toLowerCase();
      if (t === "tr") {
        out.push(
          c.childNodes.filter((x): x is HTMLElement =>
            x instanceof HTMLElement && /^t[dh]$/i.test(x.rawTagName)
          ),
        );
      } else if (t === "thead" || t === "tbody" || t === "tfoot") visit(c);
    }
  };
  visit(table);
  return out;
}

const tables = (root: HTMLElement) =>
  root.getElementsByTagName("table").filter((t) => t instanceof HTMLElement);

function bySummary(root: HTMLElement, summary: string): HTMLElement | null {
  return tables(root).find((t) => clean(t.getAttribute("summary") ?? "") === summary) ?? null;
}

/** A table whose first row's cell texts include every header (normalized, spaces removed). */
function byHeaders(root: HTMLElement, headers: string[]): HTMLElement | null {
  const norm = (s: string) => s.replace(/\s+/g, "");
  return tables(root).find((t) => {
    const first = rowsOf(t)[0];
    if (!first || first.some((c) => tables(c).length > 0)) return false;
    const texts = first.map((c) => norm(text(c)));
    return headers.every((h) => texts.some((x) => x.includes(norm(h))));
  }) ?? null;
}

const lastPage = (root: HTMLElement, o: string) => {
  let max = 1;
  for (const a of root.getElementsByTagName("a")) {
    const href = a.getAttribute("href") ?? "";
    if (!href.includes(`o=${o}`)) continue;
    const m = /[?&]page=(\d+)/.exec(href);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
};

function nameParts(raw: string): { name: string; kospi: boolean; former_name: string | null } {
  let name = clean(raw);
  const kospi = /\(유가\)/.test(name);
  name = name.replace(/\(유가\)/g, "").trim();
  const former = /\(구\.?\s*([^)]+)\)/.exec(name);
  if (former) name = name.replace(former[0], "").trim();
  return { name, kospi, former_name: former ? former[1].trim() : null };
}

const noOf = (cell: HTMLElement) => {
  const href = cell.querySelector("a")?.getAttribute("href") ?? "";
  return /[?&]no=(\d+)/.exec(href.replace(/&amp;/g, "&"))?.[1] ?? null;
};

const root = (html: string) => parseHtml(html, { comment: false, lowerCaseTagName: true });

/** The columns of a header row, by label. */
function headerIndex(first: HTMLElement[], wanted: Record<string, RegExp>, page: string) {
  const labels = first.map((c) => text(c).replace(/\s+/g, ""));
  const idx: Record<string, number> = {};
  for (const [k, re] of Object.entries(wanted)) {
    const i = labels.findIndex((l) => re.test(l));
    if (i < 0) throw new X38FormatError(`column ${k} not found in ${labels.join("|")}`, page);
    idx[k] = i;
  }
  return idx;
}

const uws = (s: string) =>
  clean(s).split(/[,，/]/).map((x) => x.trim()).filter((x) => x && !UNKNOWN.test(x));

/**
 * A list page's data table (by `summary`, else by header words), its header row, the column
 * index of each wanted column, and the data rows (as many cells as the header, less one at most).
 */
function listTable<K extends string>(
  html: string,
  page: string,
  summary: string,
  headers: string[],
  columns: Record<K, RegExp>,
) {
  const doc = root(html);
  const table = bySummary(doc, summary) ?? byHeaders(doc, headers);
  if (!table) throw new X38FormatError(`no ${summary} table`, page);
  const rows = rowsOf(table);
  const first = new RegExp(headers[0]);
  const head = rows.find((r) => r.some((c) => first.test(text(c))));
  if (!head) throw new X38FormatError("no header row", page);
  const ix = headerIndex(head, columns, page) as Record<K, number>;
  const body = rows.filter((r) => r !== head && r.length >= head.length - 1);
  return { doc, ix, body };
}

// ---------------------------------------------------------------------------------------
// o=k

/** Parses the `o=k` 공모주 청약일정 list page. */
export function parseX38List(html: string): X38Page<X38ListRow> {
  const { doc, ix, body } = listTable(html, "o=k", "공모주 청약일정", ["종목명", "공모주일정"], {
    name: /종목명/,
    schedule: /공모주일정|청약일/,
    final: /확정공모가/,
    band: /희망공모가/,
    comp: /청약경쟁률|경쟁률/,
    uw: /주간사/,
  });
  const out: X38ListRow[] = [];
  for (const r of body) {
    const no = noOf(r[ix.name]);
    if (!no) continue;
    const n = nameParts(text(r[ix.name]));
    out.push({
      no,
      ...n,
      subscription: parseKoRange(text(r[ix.schedule])),
      final_price: num(text(r[ix.final])),
      band: band(text(r[ix.band])),
      competition: competition(text(r[ix.comp])).ratio,
      underwriters: uws(text(r[ix.uw])),
    });
  }
  return { rows: out, last_page: lastPage(doc, "k") };
}

// ---------------------------------------------------------------------------------------
// o=v

interface Pair {
  label: string;
  value: HTMLElement;
  row: HTMLElement[];
}

/** Label → value cells of a (possibly nested) key-value table. */
function pairs(table: HTMLElement): Pair[] {
  const out: Pair[] = [];
  const all = [table, ...tables(table)];
  for (const t of all) {
    for (const row of rowsOf(t)) {
      for (let i = 0; i < row.length; i++) {
        const c = row[i];
        const bg = (c.getAttribute("bgcolor") ?? "").replace("#", "").toUpperCase();
        const label = text(c);
        if ((bg === "F1F4F7" || bg === "F5F5F2") && label && row[i + 1]) {
          out.push({ label: label.replace(/\s+/g, ""), value: row[i + 1], row });
        }
        // "주당액면가 : 500 원" style cells
        const m = /^([^:：]{2,12})\s*[:：]\s*(.*)$/.exec(label);
        if (m && !tables(c).length) {
          const holder = parseHtml(`<td>${m[2]}</td>`).querySelector("td")!;
          out.push({ label: m[1].replace(/\s+/g, ""), value: holder, row });
        }
      }
    }
  }
  return out;
}

function valueOf(ps: Pair[], re: RegExp): string | null {
  const p = ps.find((x) => re.test(x.label) && tables(x.value).length === 0);
  return p ? text(p.value) : null;
}

const dateOrNull = (s: string | null) => (s ? parseKoDate(s) : null);

function groupRow(
  t: HTMLElement,
  re: RegExp,
): { shares: number | null; pct: number | null; rest: string[] } {
  for (const tb of [t, ...tables(t)]) {
    for (const row of rowsOf(tb)) {
      const i = row.findIndex((c) => re.test(text(c).replace(/\s+/g, "")));
      if (i < 0 || !row[i + 1]) continue;
      const v = text(row[i + 1]);
      const pct = /\(\s*([\d.]+)\s*%\s*\)/.exec(v);
      return {
        shares: num(v.replace(/\(.*\)/, "")),
        pct: pct ? Number(pct[1]) : null,
        rest: row.slice(i + 2).map(text),
      };
    }
  }
  return { shares: null, pct: null, rest: [] };
}

/** Parses the `o=v` detail page. */
export function parseX38Detail(html: string): X38Detail {
  const page = "o=v";
  const doc = root(html);
  const overview = bySummary(doc, "기업개요");
  const offer = bySummary(doc, "공모정보");
  const sched = bySummary(doc, "공모청약일정");
  if (!overview || !offer || !sched) {
    throw new X38FormatError("기업개요 / 공모정보 / 공모청약일정 table missing", page);
  }
  const ov = pairs(overview);
  const of = pairs(offer);
  const sc = pairs(sched);
  const name = valueOf(ov, /^종목명$/);
  if (!name) throw new X38FormatError("no 종목명", page);
  const listing = clean(valueOf(of, /^상장공모$/) ?? "");
  const newM = /신주모집\s*:\s*([\d,]+)/.exec(listing);
  const oldM = /구주매출\s*:\s*([\d,]+)/.exec(listing);
  const comp = competition(valueOf(of, /^청약경쟁률$/) ?? "");
  const amount = valueOf(of, /^공모금액$/) ?? valueOf(sc, /^공모금액$/);
  const amountMult = /백만원/.test(amount ?? "") ? 1e6 : 1;
  const amountNum = num(amount);

  // 인수회사 table: header 인수회사 | 주식수 | 청약한도 | 기타
  const uwTable = byHeaders(doc, ["인수회사", "주식수", "청약한도"]);
  const underwriters: X38Underwriter[] = [];
  if (uwTable) {
    const rows = rowsOf(uwTable);
    for (const r of rows.slice(1)) {
      if (r.length < 4) continue;
      const n = text(r[0]);
      if (!n) continue;
      underwriters.push({
        name: n,
        shares: numRange(text(r[1])),
        limit: numRange(text(r[2])),
        role: UNKNOWN.test(text(r[3])) ? null : text(r[3]),
      });
    }
  }

  const emp = groupRow(sched, /^우리사주조합$/);
  const inst = groupRow(sched, /^기관투자자등?$/);
  const retail = groupRow(sched, /^일반청약자$/);
  const deposit = retail.rest.map((s) => /청약증거금율?률?\s*:\s*([\d.]+)\s*%/.exec(s)).find((m) =>
    m
  );
  const limitText = sc.find((p) => /청약최고한도/.test(p.label));

  // 의무보유 확약비율: 구분 | 신청수량; 수요예측 참여내역: 참여건수 | 신청주식수 | 단순경쟁;
  // 신청가격분포: 구분 | 참여건수 | 신청주식수 | 비율.
  const lockTable = byHeaders(doc, ["구분", "신청수량"]);
  const lockup: X38Detail["lockup"] = [];
  if (lockTable) {
    for (const r of rowsOf(lockTable).slice(1)) {
      const label = text(r[0]);
      if (!/확약|합계/.test(label)) continue;
      lockup.push({ period: label.replace(/\s+/g, " "), shares: num(text(r[1])) });
    }
  }
  const demandTable = byHeaders(doc, ["참여건수", "신청주식수", "경쟁"]);
  let demand: X38Detail["demand"] = null;
  if (demandTable) {
    const r = rowsOf(demandTable)[1];
    if (r) {
      demand = {
        participants: num(text(r[0])),
        shares: num(text(r[1])),
        competition: competition(text(r[2])).ratio,
      };
    }
  }
  const priceTable = byHeaders(doc, ["구분", "참여건수", "신청주식수", "비율"]);
  const price_distribution: X38Detail["price_distribution"] = [];
  if (priceTable) {
    for (const r of rowsOf(priceTable).slice(1)) {
      const label = text(r[0]);
      if (!label || /합계/.test(label)) continue;
      price_distribution.push({
        label,
        count: num(text(r[1])),
        shares: num(text(r[2])),
        pct: num(text(r[3])),
      });
    }
  }
  const lockupRatio = valueOf(sc, /^의무보유확약$/);
  return {
    name: nameParts(name).name,
    stock_code: (() => {
      const v = valueOf(ov, /^종목코드$/);
      return v && /^[0-9A-Z]{6}$/.test(v) ? v : null;
    })(),
    market: valueOf(ov, /^시장구분$/) || null,
    status: valueOf(ov, /^진행상황$/) || null,
    industry: valueOf(ov, /^업종$/) || null,
    shares_total: num(valueOf(of, /^총공모주식수$/)),
    shares_new: newM ? num(newM[1]) : null,
    shares_secondary: oldM ? num(oldM[1]) : newM ? 0 : null,
    par_value: num(valueOf(of, /^액면가$/)),
    band: band(valueOf(of, /^희망공모가액$/) ?? ""),
    final_price: num(valueOf(of, /^확정공모가$/)),
    offer_amount: amountNum === null ? null : amountNum * amountMult,
    competition: comp.ratio,
    competition_proportional: comp.proportional,
    underwriters,
    lead_underwriters: uws(valueOf(of, /^주간사$/) ?? ""),
    schedule: {
      bookbuilding: parseKoRange(valueOf(sc, /^수요예측일$/) ?? ""),
      subscription: parseKoRange(valueOf(sc, /^공모청약일$/) ?? ""),
      allotment_notice: dateOrNull(valueOf(sc, /^배정공고일/)),
      payment: dateOrNull(valueOf(sc, /^납입일$/)),
      refund: dateOrNull(valueOf(sc, /^환불일$/)),
      listing: dateOrNull(valueOf(sc, /^상장일$/)),
    },
    allocation: {
      employees: { shares: emp.shares, pct: emp.pct },
      institutions: { shares: inst.shares, pct: inst.pct },
      retail: { shares: retail.shares, pct: retail.pct },
    },
    deposit_rate: deposit ? Number(deposit[1]) : null,
    retail_limit: limitText ? numRange(text(limitText.value)) : null,
    inst_competition: competition(valueOf(sc, /^기관경쟁률$/) ?? "").ratio,
    lockup_ratio: num(lockupRatio),
    lockup,
    demand,
    price_distribution,
  };
}

// ---------------------------------------------------------------------------------------
// o=r1, o=nw

/** Parses the `o=r1` 수요예측 결과 list page. */
export function parseX38DemandResults(html: string): X38Page<X38DemandRow> {
  const { doc, ix, body } = listTable(html, "o=r1", "수요예측결과", ["기업명", "예측일"], {
    name: /기업명/,
    date: /예측일/,
    band: /희망/,
    price: /^공모가/,
    amount: /공모금액/,
    comp: /경쟁률/,
    lockup: /확약/,
    uw: /주간사/,
  });
  const out: X38DemandRow[] = [];
  for (const r of body) {
    const name = text(r[ix.name]);
    if (!name) continue;
    const amount = num(text(r[ix.amount]));
    out.push({
      no: noOf(r[ix.name]),
      name: nameParts(name).name,
      date: parseKoDate(text(r[ix.date])),
      band: band(text(r[ix.band])),
      final_price: num(text(r[ix.price])),
      offer_amount: amount === null ? null : amount * 1e6,
      inst_competition: competition(text(r[ix.comp])).ratio,
      lockup_ratio: num(text(r[ix.lockup])),
      underwriters: uws(text(r[ix.uw])),
    });
  }
  return { rows: out, last_page: lastPage(doc, "r1") };
}

/** Parses the `o=nw` 신규상장 list page. */
export function parseX38NewListings(html: string): X38Page<X38ListingRow> {
  const { doc, ix, body } = listTable(html, "o=nw", "신규상장종목", ["기업명", "신규상장일"], {
    name: /기업명/,
    date: /신규상장일|상장일/,
    current: /현재가/,
    change: /전일비/,
    offer: /^공모가\(/,
    ret: /공모가대비/,
    open: /^시초가/,
    openRet: /시초\/공모/,
    close: /첫날종가/,
  });
  const out: X38ListingRow[] = [];
  for (const r of body) {
    const name = text(r[ix.name]);
    if (!name) continue;
    const n = nameParts(name);
    out.push({
      no: noOf(r[ix.name]),
      name: n.name,
      kospi: n.kospi,
      listing_date: parseKoDate(text(r[ix.date])),
      current_price: num(text(r[ix.current])),
      change_pct: num(text(r[ix.change])),
      offer_price: num(text(r[ix.offer])),
      return_vs_offer_pct: num(text(r[ix.ret])),
      open_price: num(text(r[ix.open])),
      open_vs_offer_pct: num(text(r[ix.openRet])),
      first_close: num(text(r[ix.close])),
    });
  }
  return { rows: out, last_page: lastPage(doc, "nw") };
}
