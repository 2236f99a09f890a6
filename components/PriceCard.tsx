/**
 * The company page's price card: the latest KRX close with 대비/등락률 in Korean colours
 * (up red, down blue), 시가총액 in 억/조 원, the 52-week range with its dates, 상장주식수,
 * 기준일 and — for a company listed through a tracked IPO — the return since the offer
 * price, next to the PriceChart island (closes and volume, 1M/3M/1Y/5Y).
 *
 * @module
 */
import {
  changeClass,
  EMPTY,
  formatDate,
  formatKrw,
  formatKrwExact,
  formatNumber,
  formatPct,
} from "../lib/format.ts";
import type { MarketSection } from "../lib/market/summary.ts";
import { Island } from "./Island.tsx";

/** "▲ +1,200 (+2.40%)", "▼ -300 (-0.58%)", "0 (0.00%)"; "—" without a change. */
export function changeText(change: number | null, pct: number | null, digits = 0): string {
  if (change === null) return EMPTY;
  const arrow = change > 0 ? "▲ " : change < 0 ? "▼ " : "";
  const sign = change > 0 ? "+" : "";
  const p = pct === null ? "" : ` (${formatPct(pct, { digits: 2 })})`;
  return `${arrow}${sign}${formatNumber(change, digits)}${p}`;
}

/** Where `close` sits in the 52-week range, 0–100 (null when unknown or flat). */
export function rangePosition(m: {
  close: number | null;
  low_52w: number | null;
  high_52w: number | null;
}): number | null {
  if (m.close === null || m.low_52w === null || m.high_52w === null) return null;
  if (m.high_52w <= m.low_52w) return null;
  const p = ((m.close - m.low_52w) / (m.high_52w - m.low_52w)) * 100;
  return Math.round(Math.min(100, Math.max(0, p)));
}

const won = (n: number | null) => (n === null ? EMPTY : `${formatNumber(n)}원`);

/** Props of {@link PriceCard}. */
export interface PriceCardProps {
  /** The snapshot's price section (null: listed, but no price stored yet). */
  market: MarketSection | null;
  stockCode: string;
  name: string;
}

/** The price card with the chart island. */
export function PriceCard({ market: m, stockCode, name }: PriceCardProps) {
  if (!m) {
    return (
      <section class="card price-card" id="price-card" aria-labelledby="price-h">
        <h2 id="price-h">주가</h2>
        <p class="muted">
          KRX 일별 시세가 아직 수집되지 않았습니다. 수집 후 종가, 시가총액, 52주 범위와 차트가
          표시됩니다.
        </p>
      </section>
    );
  }
  const cls = changeClass(m.change);
  const pos = rangePosition(m);
  const ipo = m.ipo;
  return (
    <section class="card price-card" id="price-card" aria-labelledby="price-h">
      <div class="section-head">
        <h2 id="price-h">주가</h2>
        <span class="muted">
          KRX 일별 종가 · 기준일 <time id="price-date" dateTime={m.date}>{formatDate(m.date)}</time>
        </span>
      </div>
      <div class="price-grid">
        <div class="price-figures">
          <p class="price-line">
            <strong class={`price-close ${cls}`} id="price-close" data-close={m.close ?? ""}>
              {formatNumber(m.close)}
              <small>원</small>
            </strong>
            <span class={`price-change ${cls}`} id="price-change">
              {changeText(m.change, m.change_pct)}
            </span>
          </p>
          <dl class="kv price-kv">
            <dt>시가총액</dt>
            <dd id="price-mcap" title={formatKrwExact(m.market_cap)}>
              {formatKrw(m.market_cap, { minUnit: "eok" })}
            </dd>
            <dt>상장주식수</dt>
            <dd id="price-shares">{m.shares === null ? EMPTY : `${formatNumber(m.shares)}주`}</dd>
            <dt>거래량</dt>
            <dd>{m.volume === null ? EMPTY : `${formatNumber(m.volume)}주`}</dd>
            <dt>52주 최고</dt>
            <dd id="price-high52">
              <span class="up">{won(m.high_52w)}</span>
              {m.high_52w_date && <span class="muted">({formatDate(m.high_52w_date)})</span>}
            </dd>
            <dt>52주 최저</dt>
            <dd id="price-low52">
              <span class="down">{won(m.low_52w)}</span>
              {m.low_52w_date && <span class="muted">({formatDate(m.low_52w_date)})</span>}
            </dd>
          </dl>
          {pos !== null && (
            <div
              class="range52"
              role="img"
              aria-label={`52주 범위에서 현재가 위치 ${pos}% (최저 0%, 최고 100%)`}
            >
              <span class="range52-track">
                <span class="range52-mark" style={`left:${pos}%`} />
              </span>
              <span class="range52-labels muted">
                <span>최저</span>
                <span>최고</span>
              </span>
            </div>
          )}
          {ipo && (
            <dl class="kv price-kv price-ipo" id="price-ipo">
              <dt>공모가</dt>
              <dd>
                <a href={`/ipo/${ipo.pipeline_id}`}>{won(ipo.offer_price)}</a>
                <span class="muted">(상장 {formatDate(ipo.listing_date)})</span>
              </dd>
              <dt>공모가 대비</dt>
              <dd id="price-vs-offer" class={changeClass(ipo.return_since_offer_pct)}>
                {formatPct(ipo.return_since_offer_pct, { digits: 2 })}
              </dd>
              <dt>상장일 종가</dt>
              <dd>
                {won(ipo.first_day_close)}{" "}
                {ipo.first_day_return_pct !== null && (
                  <span class={changeClass(ipo.first_day_return_pct)}>
                    ({formatPct(ipo.first_day_return_pct, { digits: 2 })})
                  </span>
                )}
              </dd>
            </dl>
          )}
          <p class="muted price-note">
            수정주가가 아닌 KRX 원종가 기준입니다.{" "}
            <a href={`/api/v1/market/instruments/${stockCode}`}>JSON</a>
          </p>
        </div>
        <div class="price-chart-box">
          <Island name="PriceChart" props={{ code: stockCode, name, range: "1Y" }} />
          <noscript>
            <p class="muted">
              차트는 JavaScript가 필요합니다. 일별 시세:{" "}
              <a href={`/api/v1/market/instruments/${stockCode}/daily?range=1Y`}>JSON</a>
            </p>
          </noscript>
        </div>
      </div>
    </section>
  );
}
