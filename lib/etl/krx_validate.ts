/**
 * Validation of one KRX trading day (pure: no I/O). The collector runs it on every market's
 * bars before storing them; bad bars are flagged, not dropped (only a repeated code is
 * dropped, after its first row).
 *
 * | code | severity | what |
 * |---|---|---|
 * | `OHLC_INVALID` | ERROR | not `low ≤ open ≤ high` and `low ≤ close ≤ high` (null fields skipped: a halted stock has no open/high/low) |
 * | `NEGATIVE_AMOUNT` | ERROR | volume or value below 0 |
 * | `PRICE_LIMIT` | ERROR | high, low or close more than ±30 % from KRX's own base price (`close − change`) |
 * | `PRICE_JUMP` | WARN | more than ±30 % from our stored previous close but within KRX's base: the base was reset (split, rights issue, merger) |
 * | `DUPLICATE_BAR` | ERROR | the same code twice in one day (identical rows too); the first row is kept |
 * | `COVERAGE_LOW` | WARN | fewer than 95 % of the instruments listed on the day (per market) have a bar |
 *
 * Price checks skip a listing day (the instrument's `listing_date` is the day, or it has no
 * previous close): KRX sets a new listing's base from its offer price, with a wider range.
 * Limits compare with `0.3 + 1e-9` (KRX's limit width is rounded down to the tick, so a real
 * bar never exceeds 30 % of its base).
 *
 * More than {@linkcode ISSUE_CAP} issues of one code in a day become {@linkcode ISSUE_CAP}
 * issues plus one summary (count and codes), so a broken payload cannot write thousands.
 *
 * @module
 */
import type { DailyBar, Instrument, KrxMarket } from "../market/model.ts";
import type { NewIssue } from "../jobs/quality.ts";

/** Share of the listed instruments a day must have (per market). */
export const MIN_COVERAGE = 0.95;
/** Daily price limit (±30 %), with room for rounding. */
export const PRICE_LIMIT = 0.3;
const EPS = 1e-9;
/** Individual issues kept per issue code and day; the rest are summarized in one issue. */
export const ISSUE_CAP = 20;

/** Input of {@linkcode validateDay}. */
export interface ValidateDayInput {
  /** The trading day, `YYYY-MM-DD`. */
  date: string;
  /** The market of every bar (else each bar's market comes from `listed`). */
  market?: KrxMarket;
  /** The day's bars as received (may contain duplicates). */
  bars: DailyBar[];
  /** Close of the previous stored trading day, by code. */
  previousClose: Map<string, number>;
  /** Instruments listed per base info (membership as of the query: later listings too). */
  listed: Instrument[];
  /** Listing dates (`YYYY-MM-DD`) by code, overriding `listed`'s. */
  listingDates?: Map<string, string>;
  /** Run the issues belong to (default null). */
  run_id?: string | null;
}

/** What {@linkcode validateDay} found. */
export interface ValidateDayResult {
  /** The bars without repeated codes (first row kept), in input order. */
  bars: DailyBar[];
  issues: NewIssue[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** `1234567.5` → `"1,234,567.5"` (no Intl: cheap enough for thousands of rows). */
const won = (n: number) => {
  const [i, f] = String(Math.abs(n)).split(".");
  return `${n < 0 ? "-" : ""}${i.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${f ? `.${f}` : ""}`;
};

/** Validates one day's bars (see the module header for the rules). */
export function validateDay(input: ValidateDayInput): ValidateDayResult {
  const { date } = input;
  const runId = input.run_id ?? null;
  const marketOf = new Map<string, KrxMarket>();
  const listingOf = new Map<string, string>();
  for (const i of input.listed) {
    marketOf.set(i.code, i.market);
    if (i.listing_date) listingOf.set(i.code, i.listing_date);
  }
  for (const [code, d] of input.listingDates ?? []) listingOf.set(code, d);
  const mkt = (code: string) => input.market ?? marketOf.get(code) ?? "KRX";

  const found: NewIssue[] = [];
  const issue = (
    code: string,
    severity: NewIssue["severity"],
    subject: string,
    message: string,
  ) => found.push({ code, severity, source: "krx", subject, message, run_id: runId });

  // Duplicates: keep the first row of a code.
  const seen = new Map<string, number>();
  const bars: DailyBar[] = [];
  for (const b of input.bars) {
    const n = seen.get(b.code) ?? 0;
    seen.set(b.code, n + 1);
    if (n === 0) bars.push(b);
  }
  for (const [code, n] of seen) {
    if (n < 2) continue;
    issue(
      "DUPLICATE_BAR",
      "ERROR",
      `${mkt(code)} ${code} ${date}`,
      `${code} appears ${n} times on ${date}; the first row is kept`,
    );
  }

  for (const b of bars) {
    const subject = `${mkt(b.code)} ${b.code} ${date}`;
    const { open, high, low, close } = b;
    const bad: string[] = [];
    if (low !== null && high !== null && low > high) {
      bad.push(`low ${won(low)} > high ${won(high)}`);
    }
    for (const [name, v] of [["open", open], ["close", close]] as const) {
      if (v === null) continue;
      if (low !== null && v < low) bad.push(`${name} ${won(v)} < low ${won(low)}`);
      if (high !== null && v > high) bad.push(`${name} ${won(v)} > high ${won(high)}`);
    }
    if (bad.length) {
      issue("OHLC_INVALID", "ERROR", subject, `OHLC out of order: ${bad.join(", ")}`);
    }
    const neg: string[] = [];
    if (b.volume !== null && b.volume < 0) neg.push(`volume ${won(b.volume)}`);
    if (b.value !== null && b.value < 0) neg.push(`value ${won(b.value)}`);
    if (neg.length) issue("NEGATIVE_AMOUNT", "ERROR", subject, `negative ${neg.join(", ")}`);

    // Price limits (not on a listing day).
    const prev = input.previousClose.get(b.code);
    if (close === null || listingOf.get(b.code) === date || prev === undefined) continue;
    const prices = [high, low, close].filter((v): v is number => v !== null);
    const worst = (base: number) => {
      let w = 0, at = close;
      for (const p of prices) {
        const d = Math.abs(p / base - 1);
        if (d > w) [w, at] = [d, p];
      }
      return { dev: w, at };
    };
    const krxBase = b.change === null ? null : close - b.change;
    if (krxBase !== null && krxBase > 0) {
      const r = worst(krxBase);
      if (r.dev > PRICE_LIMIT + EPS) {
        issue(
          "PRICE_LIMIT",
          "ERROR",
          subject,
          `${won(r.at)} is ${pct(r.dev)} from KRX's base price ${won(krxBase)} ` +
            `(close ${won(close)} − change ${won(b.change!)}); the daily limit is ±30%`,
        );
        continue;
      }
    }
    if (prev > 0) {
      const r = worst(prev);
      if (r.dev <= PRICE_LIMIT + EPS) continue;
      if (krxBase !== null && krxBase > 0) {
        issue(
          "PRICE_JUMP",
          "WARN",
          subject,
          `${won(r.at)} is ${pct(r.dev)} from the previous close ${won(prev)} but within ±30% ` +
            `of KRX's base price ${won(krxBase)}: the base was reset (corporate action?)`,
        );
      } else {
        issue(
          "PRICE_LIMIT",
          "ERROR",
          subject,
          `${won(r.at)} is ${pct(r.dev)} from the previous close ${won(prev)} ` +
            `(no KRX change to explain it); the daily limit is ±30%`,
        );
      }
    }
  }

  // Completeness per market: instruments listed on or before the day that have a bar.
  const present = new Set(bars.map((b) => b.code));
  const markets = input.market ? [input.market] : [...new Set(input.listed.map((i) => i.market))];
  for (const m of markets) {
    let expected = 0, have = 0;
    for (const i of input.listed) {
      if (i.market !== m) continue;
      const listedOn = listingOf.get(i.code) ?? null;
      if (listedOn !== null && listedOn > date) continue;
      expected++;
      if (present.has(i.code)) have++;
    }
    if (expected === 0 || have / expected >= MIN_COVERAGE) continue;
    issue(
      "COVERAGE_LOW",
      "WARN",
      `${m} ${date}`,
      `${m} ${date}: ${have} of ${expected} listed instruments have a bar (${
        pct(have / expected)
      }, below ${pct(MIN_COVERAGE)})`,
    );
  }

  return { bars, issues: capIssues(found, ISSUE_CAP) };
}

/**
 * Keeps at most `cap` issues per (code, severity) and folds the rest into one summary issue
 * naming how many there were and their subjects (the first 20).
 */
export function capIssues(issues: NewIssue[], cap = ISSUE_CAP): NewIssue[] {
  const groups = new Map<string, NewIssue[]>();
  for (const i of issues) {
    const k = `${i.code}|${i.severity}`;
    let g = groups.get(k);
    if (!g) groups.set(k, g = []);
    g.push(i);
  }
  const out: NewIssue[] = [];
  for (const g of groups.values()) {
    if (g.length <= cap) {
      out.push(...g);
      continue;
    }
    out.push(...g.slice(0, cap));
    const rest = g.slice(cap);
    const first = g[0];
    const names = rest.slice(0, 20).map((i) => i.subject).join("; ");
    // "KOSPI 005930 2026-11-20" → "KOSPI 2026-11-20"
    const parts = first.subject.split(" ");
    out.push({
      ...first,
      subject: parts.length === 3 ? `${parts[0]} ${parts[2]}` : first.subject,
      message: `${rest.length} more ${first.code} issues like the ${cap} above: ${names}${
        rest.length > 20 ? "; …" : ""
      }`,
    });
  }
  return out;
}
