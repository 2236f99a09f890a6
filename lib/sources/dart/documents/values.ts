/**
 * Cell text → value, units and labels of DART filing tables (`research/dart_documents.md` §1.4):
 * DART prints `-` or `해당사항 없음` for none, thousands separators, `(1,234)` or `△1,234` for
 * negatives, percentages with or without `%`, ratios as `1,187.74 : 1`, ranges with `~`, `～`
 * or `∼`, and numbers padded or split by stray whitespace (`" 10,970,482"`, a newline between
 * digit groups). Units come from a caption (`(단위 : 원, 주, %)`), a `TU AUNIT` code or a
 * column header (`신청수량(주)`, `금액(백만원)`). Pure functions.
 *
 * @module
 */

/** A normalized cell. */
export interface CellValue {
  /** The number printed (negatives applied), or null (none, blank, text). */
  num: number | null;
  /** `[min, max]` when the cell is a range (`12,000 ~ 14,000원`). */
  range: [number, number] | null;
  /** The text printed a `%`. */
  pct: boolean;
  /** The text is a ratio `x : 1` (`num` is x). */
  ratio: boolean;
  /** The cell means "none" (`-`, blank, `해당사항 없음`). */
  empty: boolean;
  /** The text is a date (`2026년 07월 13일`, `2026.07.13`); see {@linkcode parseKoDate}. */
  date: boolean;
}

/** Whitespace (incl. NBSP and full-width space) collapsed, trimmed. */
export const clean = (s: string): string => s.replace(/[\s\u00a0\u3000]+/g, " ").trim();

const NONE_RE = /^(?:-|－|—|–|―|\.|해당\s*사항\s*없음|해당\s*없음|해당사항\s*무|없음|미정|n\/?a)$/i;

/** Joins digit groups split by whitespace: `"1,234,\n567"` → `"1,234,567"`. */
function joinDigits(t: string): string {
  return t.replace(/([\d,.])\s+(?=[\d,.])/g, (m, a: string) => (/[\d,]/.test(a) ? a : m));
}

const NUM = String.raw`[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+`;
const SUFFIX = String.raw`(?:원|주|건|%|배|명|천원|백만원|억원)?`;
const NUM_RE = new RegExp(`^(${NUM})\\s*(${SUFFIX})$`);
const RANGE_RE = new RegExp(`^(${NUM})\\s*(${SUFFIX})\\s*[~～∼〜]\\s*(${NUM})\\s*(${SUFFIX})$`);
const RATIO_RE = new RegExp(`^(${NUM})\\s*(?:대|:)\\s*1$`);

const toNum = (s: string) => Number(s.replace(/,/g, ""));

/** Parses one cell's text; see {@linkcode CellValue}. */
export function parseCell(text: string): CellValue {
  const out: CellValue = {
    num: null,
    range: null,
    pct: false,
    ratio: false,
    empty: false,
    date: false,
  };
  let t = joinDigits(clean(text));
  if (t === "" || NONE_RE.test(t)) {
    out.empty = true;
    return out;
  }
  if (parseKoDate(t) !== null) {
    out.date = true;
    return out;
  }
  let neg = false;
  const paren = /^\((.+)\)$/.exec(t);
  if (paren && /\d/.test(paren[1])) {
    neg = true;
    t = paren[1].trim();
  } else if (/^[△▲▽]/.test(t)) {
    neg = true;
    t = t.slice(1).trim();
  }
  const ratio = RATIO_RE.exec(t);
  if (ratio) {
    out.num = toNum(ratio[1]);
    out.ratio = true;
    return out;
  }
  const range = RANGE_RE.exec(t);
  if (range) {
    out.range = [toNum(range[1]), toNum(range[3])];
    out.pct = range[2] === "%" || range[4] === "%";
    return out;
  }
  const m = NUM_RE.exec(t);
  if (m) {
    const n = toNum(m[1]);
    if (Number.isFinite(n)) {
      out.num = neg ? -n : n;
      out.pct = m[2] === "%";
    }
  }
  return out;
}

/** True when a cell holds a value rather than a label (number, range, ratio or date). */
export const isDataLike = (v: CellValue): boolean =>
  v.num !== null || v.range !== null || v.ratio || v.date;

const KO_DATE_RE =
  /(\d{4})\s*(?:년|[.\-/])\s*(\d{1,2})\s*(?:월|[.\-/])\s*(\d{1,2})\s*일?(?:\s*\([월화수목금토일]\))?/;

/** `"2026년 07월 13일"`, `"2026.07.13"`, `"2026-07-13"` → `2026-07-13`; null when none. */
export function parseKoDate(text: string): string | null {
  const m = KO_DATE_RE.exec(text);
  if (!m) return null;
  const [mo, d] = [Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const iso = `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  const check = new Date(`${iso}T00:00:00Z`);
  return check.getUTCDate() === d ? iso : null;
}

/**
 * A date range as printed: `"2026년 07월 13일 ~ 2026년 07월 14일"`, `"2026.07.13 ~ 07.14"`,
 * `"2026년 07월 13일 ~ 14일"`, or one date (a one-day range). The end inherits the start's
 * year (and month) when it omits them, rolling the year over when it would go backwards.
 */
export function parseKoRange(text: string): { from: string; to: string } | null {
  const t = clean(text);
  const [a, b] = t.split(/\s*[~～∼〜]\s*/);
  const from = parseKoDate(a ?? "");
  if (!from) return null;
  if (b === undefined || b.trim() === "") return { from, to: from };
  const full = parseKoDate(b);
  if (full) return { from, to: full };
  const md = /^(?:(\d{1,2})\s*(?:월|[.\-/])\s*)?(\d{1,2})\s*일?/.exec(b.trim());
  if (!md) return { from, to: from };
  let y = Number(from.slice(0, 4));
  const mo = md[1] ? Number(md[1]) : Number(from.slice(5, 7));
  if (mo < Number(from.slice(5, 7))) y += 1;
  const to = parseKoDate(`${y}.${mo}.${md[2]}`);
  return to ? { from, to } : { from, to: from };
}

// ---------------------------------------------------------------------------------------
// units

/** A table's or column's unit: multipliers to 원 and 주, and which other units it names. */
export interface Unit {
  /** As printed, e.g. `(단위 : 백만원, 주)`, or the AUNIT code. */
  text: string;
  /** Multiplier from a printed amount to 원 (`백만원` → 1,000,000); null when none named. */
  money: number | null;
  /** Multiplier from a printed quantity to 주 (`천주` → 1,000); null when none named. */
  shares: number | null;
  /** `건` named. */
  count: boolean;
  /** `%` named. */
  percent: boolean;
}

const MONEY: [RegExp, number][] = [
  [/^조원$/, 1e12],
  [/^십억원$/, 1e9],
  [/^억원$/, 1e8],
  [/^백만원$/, 1e6],
  [/^천원$/, 1e3],
  [/^원$/, 1],
];
const SHARES: [RegExp, number][] = [[/^백만주$/, 1e6], [/^천주$/, 1e3], [/^주$/, 1]];

/** Units named by the AUNIT codes seen on `TU` caption cells. */
const AUNIT_CODES: Record<string, Omit<Unit, "text">> = {
  WONSTOCKPERCENT: { money: 1, shares: 1, count: false, percent: true },
  STOCKPERCENT: { money: null, shares: 1, count: false, percent: true },
  WONSTOCK: { money: 1, shares: 1, count: false, percent: false },
  WON: { money: 1, shares: null, count: false, percent: false },
  STOCK: { money: null, shares: 1, count: false, percent: false },
  PERCENT: { money: null, shares: null, count: false, percent: true },
};

/** The unit of an AUNIT code (`WONSTOCKPERCENT`); null for codes that name no unit (dates). */
export function unitFromCode(code: string): Unit | null {
  const u = AUNIT_CODES[code.trim().toUpperCase()];
  return u ? { text: code.trim(), ...u } : null;
}

function unitFromTokens(text: string, tokens: string[]): Unit | null {
  const u: Unit = { text, money: null, shares: null, count: false, percent: false };
  let any = false;
  for (const raw of tokens) {
    const tok = raw.replace(/\s/g, "");
    const money = MONEY.find(([re]) => re.test(tok));
    const shares = SHARES.find(([re]) => re.test(tok));
    if (money) [any, u.money] = [true, money[1]];
    else if (shares) [any, u.shares] = [true, shares[1]];
    else if (tok === "건") [any, u.count] = [true, true];
    else if (tok === "%") [any, u.percent] = [true, true];
  }
  return any ? u : null;
}

/** The unit of a caption line: `(단위 : 원, 주, %)`, `[단위: 백만원]`, `단위:주`; else null. */
export function unitFromText(text: string): Unit | null {
  const t = clean(text);
  const m = /단\s*위\s*[:：]?\s*([^)\]]+)/.exec(t);
  if (!m) return null;
  return unitFromTokens(t, m[1].split(/[,，、/·ㆍ\s]+/));
}

/**
 * A unit named by a column header's parentheses: `신청수량(주)`, `금액(백만원)`,
 * `참여건수 (단위:건)`, `비율(%)`; null when the header names none.
 */
export function unitFromHeader(label: string): Unit | null {
  const inCaption = unitFromText(label);
  if (inCaption) return inCaption;
  const tokens = [...label.matchAll(/[(\[]([^)\]]+)[)\]]/g)].map((m) => m[1]);
  return tokens.length ? unitFromTokens(label, tokens.flatMap((t) => t.split(/[,，]/))) : null;
}

// ---------------------------------------------------------------------------------------
// labels

/**
 * A label for matching: whitespace and footnote markers (`(주1)`, `주2)`, `(*1)`, `※`) removed,
 * `ㆍ`/`·` unified. Shares/won units in parentheses stay (`신청수량(주)`).
 */
export function normLabel(s: string): string {
  return clean(s)
    .replace(/\(\s*주\s*\d+\s*\)|주\s*\d+\s*\)|\(\s*\*\s*\d*\s*\)|\*\d+|※/g, "")
    .replace(/[ㆍ·•]/g, "·")
    .replace(/\s+/g, "");
}

/** Editor residue in DART text (`◆click◆『…』 삽입`, template file names). */
export function stripEditorResidue(s: string): string {
  return s
    .replace(/◆click◆[^◆]*?(?:삽입|입력|선택)/g, "")
    .replace(/\b\d{5}#\*[^\s]*?\.dsl\b/g, "")
    .replace(/\S*LCorrect\b/g, "");
}
