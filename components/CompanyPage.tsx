/**
 * The company and stock page: price card with its chart (listed companies), live price,
 * IPO deals, and the DART sections — profile, status, financial chart and table,
 * indicators and disclosures. A company without a DART snapshot (a corp-master row only)
 * and an instrument without a DART company get the same page with the market parts and a
 * note saying the DART data is absent. Everything except the charts and the live price
 * works without JavaScript.
 *
 * @module
 */
import type { CompanySnapshot, Corp } from "../lib/etl/schemas.ts";
import type { IpoItem } from "../lib/ipo/model.ts";
import { formatDate, formatDateRange, formatNumber, toKstDate } from "../lib/format.ts";
import type { MarketSection } from "../lib/market/summary.ts";
import type { StoredInstrument } from "../lib/store/market.ts";
import type { CompanyLiveProps } from "../routes/live.ts";
import { StageBadge } from "./ipo/common.tsx";
import { DisclosureTable } from "./DisclosureTable.tsx";
import { financialsBasis, FinancialsTable } from "./FinancialsTable.tsx";
import { indicatorsBasis, IndicatorsTable } from "./IndicatorsTable.tsx";
import { Island } from "./Island.tsx";
import { Layout, type ShellProps } from "./Layout.tsx";
import { PriceCard } from "./PriceCard.tsx";
import { ProfileCard } from "./ProfileCard.tsx";
import { PartialNotice, SnapshotStatusLine } from "./SnapshotStatus.tsx";

/** The public JSON address of a snapshot. */
export function snapshotJsonUrl(corpCode: string): string {
  return `/api/v1/company/snapshot?corp_code=${encodeURIComponent(corpCode)}`;
}

/** Props of {@link CompanyPage}. */
export interface CompanyPageProps extends ShellProps {
  /** The DART snapshot; null for a company or instrument without one. */
  snap: CompanySnapshot | null;
  /** The corp-master row of a company without a snapshot. */
  corp?: Corp | null;
  /** The KRX instrument (listed companies and instruments). */
  instrument?: StoredInstrument | null;
  /** How many disclosures to list (default 50). */
  disclosureLimit?: number;
  /** Live price, order book and session badge (listed companies only). */
  live?: CompanyLiveProps;
  /** The price section when the route resolved one; default the snapshot's. */
  market?: MarketSection | null;
  /** IPO deals of the company. */
  deals?: IpoItem[];
}

/** The company page (and the stock page: `snap` null, no `corp`). */
export function CompanyPage(
  {
    snap,
    corp,
    instrument,
    disclosureLimit = 50,
    live,
    market,
    deals = [],
    ...shell
  }: CompanyPageProps,
) {
  const p = snap?.profile ?? null;
  const stockCode = p?.stock_code ?? corp?.stock_code ?? instrument?.code ?? null;
  const name = p?.corp_name ?? corp?.corp_name ?? instrument?.name ?? snap?.corp_code ?? "";
  const corpCode = snap?.corp_code ?? corp?.corp_code ?? null;
  const marketBadge = p?.market ?? instrument?.market ?? null;
  const priced = market === undefined ? snap?.market ?? null : market;
  return (
    <Layout
      {...shell}
      sample={shell.sample || !!snap?.sample}
      title={stockCode ? `${name} (${stockCode})` : name}
      active="company"
      description={snap
        ? `${name} 주가, 기업개황, 연도별 재무, 재무지표, 공시`
        : `${name} 주가와 종목 정보`}
    >
      <div class="page-head">
        <div>
          <h1>
            {name}
            {stockCode && <span class="code">{stockCode}</span>}
            {marketBadge && <span class="badge badge-market">{marketBadge}</span>}
          </h1>
          {(p?.corp_name_eng ?? corp?.corp_eng_name ?? instrument?.name_en) && (
            <p class="sub">{p?.corp_name_eng ?? corp?.corp_eng_name ?? instrument?.name_en}</p>
          )}
        </div>
      </div>
      {live && (
        <section class="card live-card" aria-labelledby="live-h">
          <div class="section-head">
            <h2 id="live-h">시세</h2>
            <Island
              name="SessionBadge"
              props={{ now: live.now, simulated: live.simulated, clock: live.clock }}
            />
          </div>
          <Island name="LivePrice" props={{ code: live.code, initial: live.tick }} />
          {/* Closed by default: ten levels a side would push the profile and financials down. */}
          <details class="order-book-box">
            <summary>호가창</summary>
            <Island name="OrderBook" props={{ code: live.code, initial: live.book }} />
          </details>
        </section>
      )}
      {snap && <SnapshotStatusLine snap={snap} />}
      {snap && (
        <p class="json-links">
          JSON: <a href={snapshotJsonUrl(snap.corp_code)}>{snapshotJsonUrl(snap.corp_code)}</a>
          {" · "}
          <a id="company-export" href={`/api/v1/export/company/${snap.corp_code}.xlsx`} download>
            엑셀 내려받기
          </a>
        </p>
      )}
      {snap && <PartialNotice snap={snap} />}
      {stockCode && (instrument || priced || snap) && (
        <PriceCard
          market={priced}
          stockCode={stockCode}
          name={p?.stock_name ?? instrument?.name ?? name}
        />
      )}
      {deals.length > 0 && <IpoDeals deals={deals} today={toKstDate(shell.now ?? new Date())} />}
      {snap ? <DartSections snap={snap} name={name} disclosureLimit={disclosureLimit} /> : (
        <NoDart
          sample={shell.sample}
          corpCode={corpCode}
          stockCode={stockCode}
          instrument={instrument ?? null}
          listed={!!(instrument || priced)}
        />
      )}
    </Layout>
  );
}

/** The DART sections of a snapshot: profile, financial chart and table, indicators, disclosures. */
function DartSections(
  { snap, name, disclosureLimit }: { snap: CompanySnapshot; name: string; disclosureLimit: number },
) {
  const p = snap.profile;
  const years = snap.financials.years;
  const indBasis = indicatorsBasis(snap.indicators);
  const disclosures = snap.disclosures.slice(0, disclosureLimit);
  return (
    <>
      <div class="grid-2">
        {p ? <ProfileCard profile={p} /> : (
          <section class="card">
            <h2>기업개황</h2>
            <p class="muted">기업개황 정보가 없습니다.</p>
          </section>
        )}
        <section class="card chart-card" aria-labelledby="chart-h">
          <h2 id="chart-h">실적 추이</h2>
          {years.length > 0
            ? (
              <>
                <Island
                  name="FinancialChart"
                  props={{
                    years: years.map((y) => y.bsns_year),
                    revenue: years.map((y) => y.revenue),
                    operatingIncome: years.map((y) => y.operating_income),
                    netIncome: years.map((y) => y.net_income),
                    label: `${name} 연도별 매출액, 영업이익, 당기순이익`,
                  }}
                />
                <noscript>
                  <p class="muted">차트는 JavaScript가 필요합니다. 수치는 아래 표에 있습니다.</p>
                </noscript>
              </>
            )
            : <p class="muted">재무 데이터가 없습니다.</p>}
        </section>
      </div>

      <section class="section" aria-labelledby="fin-h">
        <div class="section-head">
          <h2 id="fin-h">연도별 주요 재무</h2>
          <span class="muted">
            {financialsBasis(snap.financials)} · 금액에 마우스를 올리면 원 단위
          </span>
        </div>
        <FinancialsTable financials={snap.financials} />
      </section>

      <div class="grid-2 grid-wide-right">
        <section class="section" aria-labelledby="ind-h">
          <div class="section-head">
            <h2 id="ind-h">주요 재무지표</h2>
            {indBasis && <span class="muted">{indBasis}</span>}
          </div>
          <IndicatorsTable indicators={snap.indicators} />
        </section>
        <section class="section" aria-labelledby="disc-h">
          <div class="section-head">
            <h2 id="disc-h">공시</h2>
            <span class="muted">
              최신 버전만 표시 · {snap.disclosures.length > disclosures.length
                ? `최근 ${disclosures.length}건 / 전체 ${snap.disclosures.length}건`
                : `${disclosures.length}건`}
            </span>
          </div>
          <DisclosureTable
            items={disclosures}
            caption={`${name} 공시 목록`}
            id="disclosures-table"
          />
        </section>
      </div>
    </>
  );
}

/**
 * A deal's most telling date (listing, else 청약, else the filing, else the review claim),
 * as the UI writes dates; a listing after `today` is 상장 예정일.
 */
function dealDate(f: IpoItem["facts"], today: string): string | null {
  if (f.listing_date) {
    return `${f.listing_date > today ? "상장 예정일" : "상장일"} ${formatDate(f.listing_date)}`;
  }
  if (f.subscription) return `청약 ${formatDateRange(f.subscription.from, f.subscription.to)}`;
  if (f.filing_date) return `증권신고서 ${formatDate(f.filing_date)}`;
  return f.review_filed_date ? `예비심사 청구 ${formatDate(f.review_filed_date)}` : null;
}

/** "공모가 12,000원" or "희망가 10,000~12,000원". */
function dealPrice(f: IpoItem["facts"]): string | null {
  if (f.final_price !== null) return `공모가 ${formatNumber(f.final_price)}원`;
  if (f.price_band_low === null || f.price_band_high === null) return null;
  return `희망가 ${formatNumber(f.price_band_low)}~${formatNumber(f.price_band_high)}원`;
}

/** The company's IPO deals: stage, key date, price and a link to each deal page. */
function IpoDeals({ deals, today }: { deals: IpoItem[]; today: string }) {
  return (
    <section class="card ipo-deals-card" id="company-ipo" aria-labelledby="company-ipo-h">
      <h2 id="company-ipo-h">IPO</h2>
      <ul class="ipo-deal-list">
        {deals.map((d) => {
          const extra = [dealDate(d.facts, today), dealPrice(d.facts)].filter(Boolean).join(" · ");
          return (
            <li>
              <StageBadge stage={d.stage} /> <a href={`/ipo/${d.pipeline_id}`}>{d.corp_name}</a>
              {extra && <span class="muted">{` ${extra}`}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Why a page has no DART sections, and where to look instead. */
function NoDart(
  { sample, corpCode, stockCode, instrument, listed }: {
    sample: boolean;
    corpCode: string | null;
    stockCode: string | null;
    instrument: StoredInstrument | null;
    listed: boolean;
  },
) {
  return (
    <section class="card no-dart" id="no-dart" aria-labelledby="no-dart-h">
      <h2 id="no-dart-h">DART 기업 정보</h2>
      <p class="muted">
        {corpCode
          ? sample
            ? "샘플 데이터셋에는 이 기업의 DART 기업개황, 재무제표, 공시가 없습니다 (DART 고유번호 목록에만 있는 기업)."
            : "이 기업의 DART 기업개황, 재무제표, 공시를 아직 가져오지 못했습니다."
          : "이 종목에 연결된 DART 고유번호가 없어 기업개황, 재무제표, 공시가 없습니다 (ETF, 우선주 등 DART 기업 목록에 없는 종목)."}
        {!listed && stockCode && " KRX 시세도 수집되지 않았습니다."}
      </p>
      <dl class="kv">
        {corpCode && (
          <>
            <dt>고유번호</dt>
            <dd class="mono">{corpCode}</dd>
          </>
        )}
        {stockCode && (
          <>
            <dt>종목코드</dt>
            <dd class="mono">{stockCode}</dd>
          </>
        )}
        {instrument?.isin && (
          <>
            <dt>ISIN</dt>
            <dd class="mono">{instrument.isin}</dd>
          </>
        )}
        {instrument?.name_full && (
          <>
            <dt>한글 종목명</dt>
            <dd>{instrument.name_full}</dd>
          </>
        )}
        {instrument && (
          <>
            <dt>시장</dt>
            <dd>{instrument.market}{instrument.sector ? ` · ${instrument.sector}` : ""}</dd>
            <dt>상장일</dt>
            <dd>{formatDate(instrument.listing_date)}</dd>
            <dt>상장주식수</dt>
            <dd>{instrument.shares === null ? "—" : `${formatNumber(instrument.shares)}주`}</dd>
          </>
        )}
      </dl>
      {stockCode && (
        <p class="muted">
          투자자별 매매동향은 시장 단위로 수집됩니다: <a href="/market">시장 현황</a>
        </p>
      )}
    </section>
  );
}
