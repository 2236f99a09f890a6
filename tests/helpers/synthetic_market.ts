/**
 * A seeded synthetic market for screening tests and benchmarks (issue #16): N instruments over
 * D trading days with daily bars, three market indices, quarterly point-in-time filings (with
 * dividends and a few amended reports), per-investor flows, foreign ownership and status
 * flags. The same seed gives the same market, byte for byte.
 *
 * Shape (defaults: 2,800 instruments × 1,250 days ≈ 5 years):
 * - markets 30 % KOSPI, 65 % KOSDAQ, 5 % KONEX; 24 sectors; benchmark = its market index;
 * - prices: daily return = β·market + idiosyncratic (σ 1–3.5 %), ±30 % limits, integer 원;
 *   open/high/low around it; about 0.3 % halted days (volume 0, no open/high/low, close carried);
 * - about 8 % list during the window (공모가 below the first close), 1 % delist;
 * - filings: every quarter from four years before the window (KONEX: annual only), public 45 days
 *   (quarters) or 80 days (annual) after the period end, year-to-date flows; 2 % amended later;
 * - flows: eight investor types, net value ≈ N(0, 10 % of the day's value), foreigners and
 *   institutions autocorrelated; 외국인 지분율 random walk.
 *
 * OHLC are stored as Float32Array (integer 원 below 2^24 are exact), the rest as Float64Array.
 *
 * @module
 */
import {
  type Filing,
  FLAG_BITS,
  type InstrumentInfo,
  INVESTOR_KEYS,
  type InvestorKey,
  type Market,
  type MarketInput,
  type Series,
} from "../../lib/screen/types.ts";

/** Options of {@linkcode syntheticMarket}. */
export interface SyntheticOptions {
  instruments?: number;
  days?: number;
  seed?: number;
  /** Last trading day (`YYYY-MM-DD`); default 2026-11-20 (the sample as-of day). */
  end?: string;
}

/** mulberry32: a small, fast, seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(r: () => number): () => number {
  let spare = NaN;
  return () => {
    if (spare === spare) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const u = r() || 1e-12, v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    spare = m * Math.sin(2 * Math.PI * v);
    return m * Math.cos(2 * Math.PI * v);
  };
}

const SECTORS = [
  "반도체",
  "전기전자",
  "화학",
  "의약품",
  "제약",
  "바이오",
  "자동차",
  "운송장비",
  "철강금속",
  "기계",
  "건설",
  "유통",
  "음식료",
  "섬유의복",
  "통신",
  "IT서비스",
  "소프트웨어",
  "게임",
  "미디어",
  "금융",
  "보험",
  "증권",
  "에너지",
  "운수창고",
];

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/** `days` weekdays ending at `end` (weekends skipped; no holiday calendar). */
export function tradingDays(days: number, end: string): string[] {
  const out: string[] = [];
  const d = new Date(`${end}T00:00:00Z`);
  while (out.length < days) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(ymd(d));
    d.setUTCDate(d.getUTCDate() - 1);
  }
  return out.reverse();
}

const addDays = (s: string, n: number) => {
  const d = new Date(`${s}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return ymd(d);
};

/** Builds the market (deterministic for a seed). */
export function syntheticMarket(opts: SyntheticOptions = {}): MarketInput {
  const N = opts.instruments ?? 2800;
  const T = opts.days ?? 1250;
  const r = rng(opts.seed ?? 16);
  const z = normal(r);
  const dates = tradingDays(T, opts.end ?? "2026-11-20");

  // market factors
  const idxNames: Market[] = ["KOSPI", "KOSDAQ", "KONEX"];
  const mret = idxNames.map(() => new Float64Array(T));
  const index: Record<string, Series> = {};
  idxNames.forEach((m, k) => {
    const s = new Float64Array(T);
    let lvl = [2500, 850, 600][k];
    for (let t = 0; t < T; t++) {
      const ret = t === 0 ? 0 : 0.0003 + [0.011, 0.014, 0.016][k] * z();
      mret[k][t] = ret;
      lvl *= 1 + ret;
      s[t] = Math.round(lvl * 100) / 100;
    }
    index[m] = s;
  });

  const instruments: InstrumentInfo[] = [];
  const keys = ["open", "high", "low", "close", "volume", "value", "mcap", "shares"] as const;
  const bars = Object.fromEntries(keys.map((k) => [k, [] as Series[]])) as MarketInput["bars"];
  const filings: Filing[][] = [];
  const flows = Object.fromEntries(INVESTOR_KEYS.map((k) => [k, [] as Series[]])) as Record<
    InvestorKey,
    Series[]
  >;
  const foreign_pct: Series[] = [];
  const foreign_limit_pct: Series[] = [];
  const flags: Uint16Array[] = [];

  for (let i = 0; i < N; i++) {
    const u = r();
    const market: Market = u < 0.3 ? "KOSPI" : u < 0.95 ? "KOSDAQ" : "KONEX";
    const mk = idxNames.indexOf(market);
    const code = String(100000 + i * 7).padStart(6, "0");
    const ipo = r() < 0.08;
    const listAt = ipo ? Math.floor(r() * (T - 30)) + 1 : 0;
    const delistAt = !ipo && r() < 0.01 ? Math.floor(T * (0.3 + 0.6 * r())) : T;
    const listing_date = ipo ? dates[listAt] : addDays(dates[0], -Math.floor(200 + r() * 8000));
    const beta = 0.4 + 1.2 * r();
    const sigma = 0.01 + 0.025 * r();
    let price = Math.exp(Math.log(1000) + r() * Math.log(300)); // 1,000 … 300,000 원
    let shares = Math.round(Math.exp(Math.log(3e6) + r() * Math.log(100)));
    const baseVol = Math.exp(Math.log(2e4) + r() * Math.log(200));
    const issueAt = r() < 0.05 ? Math.floor(r() * T) : -1;

    const O = new Float32Array(T).fill(NaN), H = new Float32Array(T).fill(NaN);
    const L = new Float32Array(T).fill(NaN), Cl = new Float32Array(T).fill(NaN);
    const V = new Float64Array(T).fill(NaN), VA = new Float64Array(T).fill(NaN);
    const MC = new Float64Array(T).fill(NaN), SH = new Float64Array(T).fill(NaN);
    const FL = new Uint16Array(T);
    let first = NaN;
    for (let t = listAt; t < delistAt; t++) {
      if (t === issueAt) shares = Math.round(shares * 1.05);
      const halted = t > listAt && r() < 0.003;
      const prev = price;
      if (!halted && t > listAt) {
        let ret = beta * mret[mk][t] + sigma * z();
        ret = Math.max(-0.3, Math.min(0.3, ret));
        price = Math.max(1, Math.round(prev * (1 + ret)));
      } else {
        price = Math.max(1, Math.round(price));
      }
      Cl[t] = price;
      SH[t] = shares;
      MC[t] = price * shares;
      if (halted) {
        V[t] = 0;
        VA[t] = 0;
        FL[t] |= FLAG_BITS.halted;
        continue;
      }
      const o = Math.max(1, Math.round(prev * (1 + (sigma / 3) * z())));
      const hi = Math.round(Math.max(o, price) * (1 + Math.abs((sigma / 2) * z())));
      const lo = Math.max(1, Math.round(Math.min(o, price) * (1 - Math.abs((sigma / 2) * z()))));
      O[t] = o;
      H[t] = hi;
      L[t] = lo;
      const vol = Math.round(baseVol * Math.exp(0.5 * z()) * (1 + 8 * Math.abs(price / prev - 1)));
      V[t] = vol;
      VA[t] = Math.round(vol * (hi + lo + price) / 3);
      if (first !== first) first = price;
    }
    // status flags: a few administrative / caution spans
    if (r() < 0.02) {
      const a = Math.floor(r() * T), b = Math.min(T, a + 60 + Math.floor(r() * 200));
      for (let t = a; t < b; t++) FL[t] |= FLAG_BITS.administrative;
    }
    if (r() < 0.05) {
      const a = Math.floor(r() * T), b = Math.min(T, a + 5 + Math.floor(r() * 20));
      for (let t = a; t < b; t++) {
        FL[t] |= r() < 0.7 ? FLAG_BITS.investment_caution : FLAG_BITS.investment_warning;
      }
    }
    bars.open.push(O);
    bars.high.push(H);
    bars.low.push(L);
    bars.close.push(Cl);
    bars.volume.push(V);
    bars.value.push(VA);
    bars.mcap.push(MC);
    bars.shares.push(SH);
    flags.push(FL);
    instruments.push({
      code,
      name: `합성${i}`,
      market,
      sector: r() < 0.97 ? SECTORS[Math.floor(r() * SECTORS.length)] : null,
      listing_date,
      offer_price: ipo ? Math.max(1, Math.round(first / (1 + r()))) : null,
      float_ratio: r() < 0.9 ? Math.round((0.2 + 0.75 * r()) * 1000) / 1000 : null,
      benchmark: market,
    });
    filings.push(
      makeFilings(r, z, market, dates, MC[Math.max(listAt, 0)] || price * shares, shares),
    );

    // flows and foreign ownership
    for (const k of INVESTOR_KEYS) {
      const s = new Float32Array(T).fill(NaN);
      const k_ = k === "foreign" || k === "institution" ? 0.12 : 0.06;
      let prevZ = 0;
      for (let t = listAt; t < delistAt; t++) {
        const persist = k === "foreign" || k === "institution" ? 0.4 : 0;
        prevZ = persist * prevZ + Math.sqrt(1 - persist * persist) * z();
        s[t] = Math.round(prevZ * k_ * VA[t]);
      }
      flows[k].push(s);
    }
    const fp = new Float32Array(T).fill(NaN), fl = new Float32Array(T).fill(NaN);
    let own = market === "KONEX" ? 1 + 3 * r() : 2 + 40 * r();
    const limitShare = r() < 0.03 ? 0.49 : 1;
    for (let t = listAt; t < delistAt; t++) {
      own = Math.max(0, Math.min(100 * limitShare, own + 0.15 * z()));
      fp[t] = Math.round(own * 100) / 100;
      fl[t] = Math.round((own / limitShare) * 100) / 100;
    }
    foreign_pct.push(fp);
    foreign_limit_pct.push(fl);
  }
  return { dates, instruments, bars, index, filings, flows, foreign_pct, foreign_limit_pct, flags };
}

function makeFilings(
  r: () => number,
  z: () => number,
  market: Market,
  dates: string[],
  mcap0: number,
  shares: number,
): Filing[] {
  const y0 = Number(dates[0].slice(0, 4)) - 4;
  const y1 = Number(dates[dates.length - 1].slice(0, 4));
  let revenue = mcap0 * (0.3 + 2.7 * r()); // annual
  const g = 0.06 + 0.15 * z();
  const gm = 0.15 + 0.35 * r();
  const om = 0.07 + 0.08 * z();
  const assetsToRev = 0.8 + 1.2 * r();
  const eqShare = 0.3 + 0.4 * r();
  const payer = r() < 0.6;
  const payout = 0.1 + 0.4 * r();
  const capital = Math.round(shares * (market === "KOSPI" ? 5000 : 500));
  let retained = revenue * 0.3;
  const out: Filing[] = [];
  for (let y = y0; y <= y1; y++) {
    revenue *= 1 + g + 0.08 * z();
    const ytd = { revenue: 0, gp: 0, oi: 0, pti: 0, ni: 0, cfo: 0, capex: 0, da: 0, int: 0 };
    for (let q = 1; q <= 4; q++) {
      const qr = (revenue / 4) * (1 + 0.05 * z());
      const qom = om + 0.03 * z();
      const da = qr * 0.04;
      const assets = revenue * assetsToRev;
      const equity = assets * eqShare;
      const liab = assets - equity;
      const debt = liab * (0.2 + 0.4 * r());
      const qoi = qr * qom;
      const qint = (debt * 0.045) / 4;
      const qpti = qoi - qint;
      const qni = qpti * 0.78;
      ytd.revenue += qr;
      ytd.gp += qr * (gm + 0.02 * z());
      ytd.oi += qoi;
      ytd.pti += qpti;
      ytd.ni += qni;
      ytd.cfo += qni * (0.8 + 0.8 * r()) + da;
      ytd.capex += da * (0.8 + 0.7 * r());
      ytd.da += da;
      ytd.int += qint;
      retained += qni * 0.7;
      const periodEnd = `${y}-${["03-31", "06-30", "09-30", "12-31"][q - 1]}`;
      if (market === "KONEX" && q < 4) continue;
      const lag = q === 4 ? 75 + Math.floor(r() * 15) : 40 + Math.floor(r() * 5);
      const ca = assets * (0.3 + 0.3 * r());
      const f: Filing = {
        rcept_dt: addDays(periodEnd, lag),
        fiscal_year: y,
        quarter: q as 1 | 2 | 3 | 4,
        period_end: periodEnd,
        consolidated: market !== "KONEX",
        revenue: Math.round(ytd.revenue),
        gross_profit: Math.round(ytd.gp),
        operating_income: Math.round(ytd.oi),
        pretax_income: Math.round(ytd.pti),
        net_income: Math.round(ytd.ni),
        cfo: Math.round(ytd.cfo),
        capex: Math.round(ytd.capex),
        depreciation: Math.round(ytd.da),
        interest_expense: Math.round(ytd.int),
        total_assets: Math.round(assets),
        total_liabilities: Math.round(liab),
        total_equity: Math.round(equity),
        current_assets: Math.round(ca),
        current_liabilities: Math.round(liab * (0.4 + 0.4 * r())),
        cash: Math.round(ca * (0.15 + 0.35 * r())),
        debt: Math.round(debt),
        capital_stock: capital,
        retained_earnings: Math.round(retained),
        shares,
        dps: q === 4 ? (payer && ytd.ni > 0 ? Math.round((ytd.ni * payout) / shares) : 0) : null,
        payout_ratio: q === 4 && payer && ytd.ni > 0 ? Math.round(payout * 10000) / 100 : null,
      };
      out.push(f);
      if (r() < 0.02) {
        out.push({
          ...f,
          rcept_dt: addDays(f.rcept_dt, 20 + Math.floor(r() * 40)),
          revenue: Math.round(f.revenue! * 1.01),
          net_income: Math.round(f.net_income! * 0.97),
        });
      }
    }
  }
  return out;
}

/** Bytes the input's typed arrays hold. */
export function inputBytes(m: MarketInput): number {
  let b = 0;
  const add = (xs: ArrayLike<unknown>[] | undefined) => {
    for (const x of xs ?? []) b += (x as unknown as ArrayBufferView).byteLength;
  };
  for (const list of Object.values(m.bars)) add(list);
  for (const list of Object.values(m.flows ?? {})) add(list);
  add(m.foreign_pct);
  add(m.foreign_limit_pct);
  add(m.flags);
  return b;
}
