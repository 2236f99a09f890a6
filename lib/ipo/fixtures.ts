/**
 * Synthetic IPO data for load and export benchmarks and scale tests: N fictional deals as
 * KIND rows + DART filings. (The offline sample's deals live in `sample/ipo_deals.ts`.)
 *
 * @module
 */
import { buildChains, normalizeListItem } from "../etl/normalize.ts";
import type { Disclosure } from "../etl/schemas.ts";
import type { KindListing, KindOffering, KindReview } from "./kind_rows.ts";

const PRE = [
  "가온",
  "나래",
  "다솜",
  "라온",
  "마루",
  "바른",
  "아라",
  "하늘",
  "해솔",
  "별빛",
  "은하",
  "청솔",
];
const SUF = [
  "전자",
  "바이오",
  "소재",
  "로보틱스",
  "에너지",
  "헬스케어",
  "반도체",
  "모빌리티",
  "게임즈",
];
const UW = ["한결투자증권", "새빛증권", "누리투자증권", "바른증권", "은하금융투자"];
const MKT = ["코스닥", "유가증권", "코넥스"] as const;

const ymd = (t: number) => new Date(t).toISOString().slice(0, 10);

/** A seeded PRNG (mulberry32). */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` synthetic deals ending around `asOf`: each has a 상장예비심사 row, most a 공모 row and
 * DART filings (증권신고서 with an amendment, [발행조건확정], 투자설명서), older ones a
 * listing; some are withdrawn. Deterministic for a seed.
 */
export function syntheticIpoData(n: number, asOf = "2026-11-20", seed = 7): {
  kind: { reviews: KindReview[]; offerings: KindOffering[]; listings: KindListing[] };
  disclosures: Disclosure[];
} {
  const r = rng(seed);
  const end = Date.parse(`${asOf}T00:00:00Z`);
  const reviews: KindReview[] = [];
  const offerings: KindOffering[] = [];
  const listings: KindListing[] = [];
  const raw: Disclosure[] = [];
  let seq = 0;
  const filing = (corp: string, name: string, t: number, nm: string) => {
    seq++;
    const d = ymd(t).replace(/-/g, "");
    raw.push(normalizeListItem({
      rcept_no: `${d}${String(seq).padStart(6, "0")}`,
      corp_code: corp,
      corp_name: name,
      stock_code: "",
      corp_cls: "E",
      report_nm: nm,
      flr_nm: name,
      rcept_dt: d,
      rm: "",
    }));
  };
  for (let i = 0; i < n; i++) {
    const name = `${PRE[i % PRE.length]}${SUF[Math.floor(i / PRE.length) % SUF.length]}${
      Math.floor(i / (PRE.length * SUF.length)) || ""
    }`;
    const corp = String(10_000_000 + i);
    const market = MKT[Math.floor(r() * 10) < 6 ? 0 : Math.floor(r() * 10) < 8 ? 1 : 2];
    const uw = [UW[i % UW.length], ...(r() < 0.4 ? [UW[(i + 2) % UW.length]] : [])];
    const filed = end - Math.floor(r() * 700) * 86400_000;
    const biz = `${ymd(filed).replace(/-/g, "")}${String(100000 + i).slice(-6)}`;
    const withdrawn = r() < 0.06;
    const decided = filed + 60 * 86400_000;
    reviews.push({
      biz_proc_no: biz,
      corp_name: name,
      market,
      listing_type: "신규상장",
      filed_date: ymd(filed),
      decided_date: decided <= end ? ymd(decided) : null,
      result_text: withdrawn ? "심사철회" : decided <= end ? "심사승인" : "청구서접수",
      result: withdrawn ? "withdrawn" : decided <= end ? "approved" : "filed",
      underwriters: uw,
    });
    const reg = decided + 20 * 86400_000;
    if (withdrawn || reg > end + 30 * 86400_000) continue;
    const bb = reg + 30 * 86400_000, sub = bb + 9 * 86400_000;
    const pay = sub + 4 * 86400_000, list = pay + 7 * 86400_000;
    const lo = (5 + Math.floor(r() * 40)) * 1000;
    const hi = lo + 4000;
    const price = r() < 0.7 ? hi : lo;
    const shares = (5 + Math.floor(r() * 50)) * 100_000;
    offerings.push({
      biz_proc_no: `${ymd(reg).replace(/-/g, "")}${String(500000 + i).slice(-6)}`,
      corp_name: name,
      market,
      filing_date: ymd(reg),
      bookbuilding: { from: ymd(bb), to: ymd(bb + 4 * 86400_000) },
      subscription: { from: ymd(sub), to: ymd(sub + 86400_000) },
      payment_date: ymd(pay),
      final_price: sub <= end ? price : null,
      offer_amount_mkrw: Math.round((price * shares) / 1_000_000),
      listing_date: ymd(list),
      underwriters: uw,
    });
    if (reg <= end) {
      filing(corp, name, reg, "증권신고서(지분증권)");
      if (reg + 14 * 86400_000 <= end) {
        filing(corp, name, reg + 14 * 86400_000, "[기재정정]증권신고서(지분증권)");
      }
      if (sub - 2 * 86400_000 <= end) {
        filing(corp, name, sub - 2 * 86400_000, "[발행조건확정]증권신고서(지분증권)");
        filing(corp, name, sub - 2 * 86400_000, "투자설명서");
      }
    }
    if (list <= end) {
      const code = `${String(100 + (i % 900)).padStart(3, "0")}${
        String.fromCharCode(65 + (i % 26))
      }${String(i % 10)}0`;
      listings.push({
        company_code: code.slice(0, 5),
        stock_code: code,
        corp_name: name,
        market,
        listing_date: ymd(list),
        listing_type: "신규상장",
        security_type: "주권",
        industry: "기타",
        nationality: "대한민국",
        underwriters: uw,
        par_value: 500,
        offer_price: price,
        offer_amount_mkrw: Math.round((price * shares) / 1_000_000),
        products: null,
        listed_shares: shares * 4,
      });
    }
  }
  return { kind: { reviews, offerings, listings }, disclosures: buildChains(raw) };
}
