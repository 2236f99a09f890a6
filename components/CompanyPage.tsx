/**
 * The company snapshot page: price card with its chart (listed companies), profile, status,
 * financial chart and table, indicators and disclosures. Everything except the charts and
 * the live price works without JavaScript.
 *
 * @module
 */
import type { CompanySnapshot } from "../lib/etl/schemas.ts";
import type { MarketSection } from "../lib/market/summary.ts";
import type { CompanyLiveProps } from "../routes/live.ts";
import { DisclosureTable } from "./DisclosureTable.tsx";
import { financialsBasis, FinancialsTable } from "./FinancialsTable.tsx";
import { indicatorsBasis, IndicatorsTable } from "./IndicatorsTable.tsx";
import { Island } from "./Island.tsx";
import { Layout, type ShellProps } from "./Layout.tsx";
import { PriceCard } from "./PriceCard.tsx";
import { ProfileCard } from "./ProfileCard.tsx";
import { SearchForm } from "./SearchForm.tsx";
import { PartialNotice, SnapshotStatusLine } from "./SnapshotStatus.tsx";

/** The public JSON address of a snapshot. */
export function snapshotJsonUrl(corpCode: string): string {
  return `/api/v1/company/snapshot?corp_code=${encodeURIComponent(corpCode)}`;
}

/** Props of {@link CompanyPage}. */
export interface CompanyPageProps extends ShellProps {
  snap: CompanySnapshot;
  /** How many disclosures to list (default 50). */
  disclosureLimit?: number;
  /** Live price, order book and session badge (listed companies only). */
  live?: CompanyLiveProps;
  /** The price section when the route resolved one; default the snapshot's. */
  market?: MarketSection | null;
}

/** The company page. */
export function CompanyPage(
  { snap, disclosureLimit = 50, live, market, ...shell }: CompanyPageProps,
) {
  const p = snap.profile;
  const name = p?.corp_name ?? snap.corp_code;
  const years = snap.financials.years;
  const indBasis = indicatorsBasis(snap.indicators);
  const disclosures = snap.disclosures.slice(0, disclosureLimit);
  return (
    <Layout
      {...shell}
      sample={shell.sample || snap.sample}
      title={p?.stock_code ? `${name} (${p.stock_code})` : name}
      active="company"
      description={`${name} 주가, 기업개황, 연도별 재무, 재무지표, 공시`}
    >
      <div class="page-head">
        <div>
          <h1>
            {name}
            {p?.stock_code && <span class="code">{p.stock_code}</span>}
            {p?.market && <span class="badge badge-market">{p.market}</span>}
          </h1>
          {p?.corp_name_eng && <p class="sub">{p.corp_name_eng}</p>}
        </div>
        <SearchForm />
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
      <SnapshotStatusLine snap={snap} />
      <p class="json-links">
        JSON: <a href={snapshotJsonUrl(snap.corp_code)}>{snapshotJsonUrl(snap.corp_code)}</a>
        {" · "}
        <a id="company-export" href={`/api/v1/export/company/${snap.corp_code}.xlsx`} download>
          엑셀 내려받기
        </a>
      </p>
      <PartialNotice snap={snap} />
      {p?.stock_code && (
        <PriceCard
          market={market === undefined ? snap.market ?? null : market}
          stockCode={p.stock_code}
          name={p.stock_name ?? name}
        />
      )}

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
    </Layout>
  );
}
