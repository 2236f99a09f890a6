/**
 * The market page (`/market`): index cards with sparklines, every index's latest close,
 * and per market the day's breadth, top gainers and losers, the most traded stocks and
 * investor flows — all from stored KRX data, server-rendered.
 *
 * @module
 */
import {
  changeClass,
  EMPTY,
  formatDate,
  formatKrw,
  formatKrwCompact,
  formatNumber,
  formatPct,
} from "../lib/format.ts";
import type { InvestorFlow, KrxMarket } from "../lib/market/model.ts";
import { stockUrl } from "./links.ts";
import { type IndexCardData, IndexCards } from "./IndexCards.tsx";
import { Layout, type ShellProps } from "./Layout.tsx";
import { changeText } from "./PriceCard.tsx";
import { EmptyRow, SortableTable } from "./table.tsx";

/** A stock in a movers table. */
export interface MoverRow {
  code: string;
  name: string;
  close: number | null;
  change_pct: number | null;
  value: number | null;
}

/** One market's day. */
export interface MarketDay {
  market: KrxMarket;
  count: number;
  up: number;
  down: number;
  flat: number;
  gainers: MoverRow[];
  losers: MoverRow[];
  active: MoverRow[];
  flow: InvestorFlow | null;
}

/** An index row of the table. */
export interface IndexRow {
  index_code: string;
  name: string;
  series: string;
  date: string | null;
  close: number | null;
  change: number | null;
  change_pct: number | null;
}

/** Props of {@link MarketPage}. */
export interface MarketPageProps extends ShellProps {
  /** The day shown (null: no data at all). */
  date: string | null;
  /** The latest stored trading day. */
  latest: string | null;
  cards: IndexCardData[];
  indices: IndexRow[];
  markets: MarketDay[];
  /** Why the asked day has no bars (holiday, not collected). */
  notice?: string | null;
  /** A Korean message when the asked date was not understood (the latest day is shown). */
  dateError?: string;
  /** The value that was not understood, shown back in the field. */
  askedDate?: string;
}

function Movers({ title, rows, id }: { title: string; rows: MoverRow[]; id: string }) {
  return (
    <div class="table-wrap">
      <table class="data movers" id={id}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">종목</th>
            <th scope="col">종가</th>
            <th scope="col">등락률</th>
            <th scope="col">거래대금</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && <EmptyRow colSpan={4}>해당 종목 없음</EmptyRow>}
          {rows.map((r) => (
            <tr data-code={r.code}>
              <th scope="row">
                <a href={stockUrl(r.code)}>{r.name}</a> <span class="mono muted">{r.code}</span>
              </th>
              <td class="num">{formatNumber(r.close)}</td>
              <td class={`num ${changeClass(r.change_pct)}`}>
                {formatPct(r.change_pct, { digits: 2 })}
              </td>
              <td class="num">{r.value === null ? EMPTY : `${formatKrwCompact(r.value)}원`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const FLOW_COLS = ["개인", "외국인", "기관합계"] as const;

function flowValue(f: InvestorFlow, col: typeof FLOW_COLS[number]): number | null {
  return col === "기관합계" ? f.institutions : f.net[col] ?? null;
}

/** The market page. */
export function MarketPage(props: MarketPageProps) {
  const { date, latest, cards, indices, markets } = props;
  return (
    <Layout
      {...props}
      title="시장"
      active="market"
      description="KOSPI·KOSDAQ 지수, 등락 상위, 거래대금 상위, 투자자별 순매수"
    >
      <div class="page-head">
        <div>
          <h1>시장 현황</h1>
          <p class="sub">
            KRX 일별 시세 · 기준일 <strong id="market-date">{formatDate(date)}</strong>
            {latest && date !== latest && (
              <>
                {" · "}
                <a href="/market">최근 거래일 ({formatDate(latest)})</a>
              </>
            )}
          </p>
        </div>
        <form class="market-date-form" method="get" action="/market" aria-label="기준일">
          <label class={props.dateError ? "has-error" : undefined}>
            기준일{" "}
            <input
              type="date"
              name="date"
              value={props.askedDate ?? date ?? ""}
              max={latest ?? undefined}
              aria-invalid={props.dateError ? "true" : undefined}
              aria-describedby={props.dateError ? "err-date" : undefined}
            />
            {props.dateError && <span class="field-error" id="err-date">{props.dateError}</span>}
          </label>
          <button type="submit">조회</button>
        </form>
      </div>
      {props.notice && <div class="notice warn" role="note" id="market-notice">{props.notice}</div>}
      {!latest ? <p class="muted">KRX 시세가 아직 수집되지 않았습니다.</p> : (
        <>
          <IndexCards items={cards} />
          {markets.map((m) => (
            <section class="section" aria-labelledby={`mkt-${m.market}`} data-market={m.market}>
              <div class="section-head">
                <h2 id={`mkt-${m.market}`}>{m.market}</h2>
                <span class="muted">
                  {formatNumber(m.count)}종목 · <span class="up">상승 {formatNumber(m.up)}</span>
                  {" · "}
                  <span class="down">하락 {formatNumber(m.down)}</span> · 보합{" "}
                  {formatNumber(m.flat)}
                </span>
              </div>
              <div class="movers-grid">
                <Movers title="상승률 상위" rows={m.gainers} id={`gainers-${m.market}`} />
                <Movers title="하락률 상위" rows={m.losers} id={`losers-${m.market}`} />
                <Movers title="거래대금 상위" rows={m.active} id={`active-${m.market}`} />
              </div>
              {m.flow && (
                <p class="flow-line" id={`flow-${m.market}`}>
                  <span class="muted">
                    투자자별 순매수 ({m.flow.measure === "value" ? "거래대금" : "거래량"})
                  </span>
                  {FLOW_COLS.map((col) => {
                    const v = flowValue(m.flow!, col);
                    return (
                      <span class={`flow ${changeClass(v)}`}>
                        {col} {m.flow!.measure === "value"
                          ? formatKrw(v, { minUnit: "eok" })
                          : `${formatNumber(v)}주`}
                      </span>
                    );
                  })}
                </p>
              )}
            </section>
          ))}
          <section class="section" aria-labelledby="indices-h">
            <div class="section-head">
              <h2 id="indices-h">지수</h2>
              <a class="muted" href="/api/v1/market/indices">JSON</a>
            </div>
            <SortableTable id="indices-table" caption="지수 목록" captionHidden>
              <thead>
                <tr>
                  <th scope="col">지수</th>
                  <th scope="col">구분</th>
                  <th scope="col">종가</th>
                  <th scope="col">대비</th>
                  <th scope="col">등락률</th>
                  <th scope="col">일자</th>
                </tr>
              </thead>
              <tbody>
                {indices.length === 0 && <EmptyRow colSpan={6}>지수 데이터 없음</EmptyRow>}
                {indices.map((r) => (
                  <tr data-index={r.index_code}>
                    <th scope="row">{r.name}</th>
                    <td>{r.series}</td>
                    <td class="num" data-sort={r.close ?? ""}>{formatNumber(r.close, 2)}</td>
                    <td class={`num ${changeClass(r.change)}`} data-sort={r.change ?? ""}>
                      {changeText(r.change, null, 2)}
                    </td>
                    <td class={`num ${changeClass(r.change_pct)}`} data-sort={r.change_pct ?? ""}>
                      {formatPct(r.change_pct, { digits: 2 })}
                    </td>
                    <td>{formatDate(r.date)}</td>
                  </tr>
                ))}
              </tbody>
            </SortableTable>
          </section>
        </>
      )}
    </Layout>
  );
}
