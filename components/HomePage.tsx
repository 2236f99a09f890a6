/**
 * The home page: search, KOSPI/KOSDAQ index cards, the latest disclosures market-wide,
 * and the companies that have snapshots.
 *
 * @module
 */
import type { Disclosure } from "../lib/etl/schemas.ts";
import { DisclosureTable } from "./DisclosureTable.tsx";
import { type IndexCardData, IndexCards } from "./IndexCards.tsx";
import { Layout, type ShellProps } from "./Layout.tsx";
import { SearchForm } from "./SearchForm.tsx";

/** A company listed on the home page. */
export interface KnownCorp {
  corp_code: string;
  corp_name: string;
  market: string | null;
}

/** Props of {@link HomePage}. */
export interface HomePageProps extends ShellProps {
  disclosures: Disclosure[];
  corps: KnownCorp[];
  /** KOSPI and KOSDAQ cards (none before KRX data is collected). */
  indices?: IndexCardData[];
}

/** The home page. */
export function HomePage({ disclosures, corps, indices = [], ...shell }: HomePageProps) {
  const example = corps[0];
  return (
    <Layout {...shell} title="홈" active="home" search={false}>
      <section class="hero">
        <h1>기업 검색</h1>
        <SearchForm large />
        <p class="muted hint">
          회사명·종목명 일부, 초성(예: ㅅㅅ), 종목코드(6자리) 또는 DART 고유번호(8자리)
          {example && (
            <>
              {" — 예: "}
              <a href={`/company?q=${encodeURIComponent(example.corp_name)}`}>
                {example.corp_name}
              </a>
              {", "}
              <a href={`/company?q=${example.corp_code}`} class="mono">{example.corp_code}</a>
            </>
          )}
        </p>
      </section>
      {indices.length > 0 && (
        <section class="section" aria-labelledby="indices-h">
          <div class="section-head">
            <h2 id="indices-h">시장 지수</h2>
            <a href="/market">시장 현황 →</a>
          </div>
          <IndexCards items={indices} href="/market" />
        </section>
      )}
      <div class="grid-2 grid-wide-left">
        <section class="section" aria-labelledby="latest-h">
          <div class="section-head">
            <h2 id="latest-h">최근 공시</h2>
            <span class="muted">최신 버전만 · {disclosures.length}건</span>
          </div>
          <DisclosureTable
            items={disclosures}
            showCompany
            caption="최근 공시"
            id="latest-disclosures"
          />
        </section>
        <section class="section" aria-labelledby="corps-h">
          <div class="section-head">
            <h2 id="corps-h">기업</h2>
            <span class="muted">{corps.length}개사</span>
          </div>
          {corps.length === 0
            ? <p class="muted">아직 스냅샷이 만들어진 기업이 없습니다.</p>
            : (
              <ul class="corp-list">
                {corps.map((c) => (
                  <li>
                    <a href={`/company/${c.corp_code}`}>{c.corp_name}</a>
                    {c.market && <span class="badge badge-market">{c.market}</span>}
                    <span class="mono muted">{c.corp_code}</span>
                  </li>
                ))}
              </ul>
            )}
        </section>
      </div>
    </Layout>
  );
}
