/**
 * One IPO deal (`/ipo/{pipeline_id}`): the stage timeline, offering terms, demand and
 * subscription figures, underwriters, the DART filing chains with viewer links, how each
 * source was matched, and after listing the post-listing figures the API serves with the
 * deal (시초가, 상장일 종가, 최근 종가, returns against the offer price; "—" where kdesk has
 * no price).
 *
 * @module
 */
import {
  changeClass,
  EMPTY,
  formatDate,
  formatDateRange,
  formatKrw,
  formatNumber,
  formatPct,
} from "../../lib/format.ts";
import { dealBadge } from "../../lib/ipo/dday.ts";
import { type DealSnapshot, FORWARD_STAGES, type StageEvent } from "../../lib/ipo/model.ts";
import { Layout, type ShellProps } from "../Layout.tsx";
import {
  DdayTag,
  FLAG_HELP,
  FLAG_LABEL,
  IpoStatusLine,
  IpoStyles,
  MATCH_LABEL,
  ratioText,
  SOURCE_LABEL,
  StageBadge,
  wonText,
} from "./common.tsx";

export interface IpoDealPageProps extends ShellProps {
  /**
   * The deal as `GET /api/v1/ipo/{pipeline_id}` serves it, post-listing figures included
   * (`last_close`, `last_close_date`, `after_listing`).
   */
  snap: DealSnapshot;
  today: string;
}

function Timeline({ history, end }: { history: StageEvent[]; end: boolean }) {
  const by = new Map(history.map((h) => [h.stage, h]));
  const ends = history.filter((h) => h.stage === "철회" || h.stage === "미승인");
  const stages = end
    ? FORWARD_STAGES.filter((s) => by.has(s))
    : FORWARD_STAGES as readonly string[];
  return (
    <ol class="ipo-timeline" id="ipo-timeline">
      {stages.map((s) => {
        const h = by.get(s as StageEvent["stage"]);
        return (
          <li class={h?.status ?? "pending"} data-stage={s} data-status={h?.status ?? "pending"}>
            <strong>{s}</strong>
            <span class="when">
              {h ? `${formatDate(h.date)}${h.status === "scheduled" ? " (예정)" : ""}` : EMPTY}
              {h && <span class="muted">{` · ${h.source.toUpperCase()}`}</span>}
            </span>
          </li>
        );
      })}
      {ends.map((h) => (
        <li class="end" data-stage={h.stage} data-status={h.status}>
          <strong>{h.stage}</strong>
          <span class="when">{formatDate(h.date)}</span>
        </li>
      ))}
    </ol>
  );
}

function Row({ k, v, id }: { k: string; v: preact.ComponentChildren; id?: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd id={id}>{v}</dd>
    </>
  );
}

/** The deal page. */
export function IpoDealPage({ snap, today, ...shell }: IpoDealPageProps) {
  const it = snap.item;
  const f = it.facts;
  const ended = it.stage === "철회" || it.stage === "미승인";
  const listed = it.stage === "상장";
  const close = snap.last_close ?? null;
  const since = snap.after_listing ?? null;
  const vsOffer = since?.return_since_offer_pct ?? null;
  return (
    <Layout
      {...shell}
      sample={shell.sample || snap.sample}
      title={`${it.corp_name} IPO`}
      active="ipo"
      description={`${it.corp_name} 공모 일정, 공모가, 수요예측·청약 경쟁률, 증권신고서`}
    >
      <IpoStyles />
      <p>
        <a href="/ipo">← IPO 파이프라인</a>
      </p>
      <div class="page-head">
        <div>
          <h1>
            {it.corp_name}
            {it.stock_code && <span class="code">{it.stock_code}</span>}
            {f.market && <span class="badge badge-market">{f.market}</span>}{" "}
            <StageBadge stage={it.stage} />
          </h1>
          <p class="sub">
            파이프라인 ID <code>{it.pipeline_id}</code>
            <DdayTag
              badge={dealBadge(
                {
                  stage: it.stage,
                  book: f.bookbuilding,
                  sub: f.subscription,
                  list: f.listing_date,
                },
                today,
              )}
            />
          </p>
        </div>
      </div>
      <IpoStatusLine builtAt={snap.built_at} status={snap.source_status} />
      {it.flags.length > 0 && (
        <div class="notice warn" role="note" id="ipo-flags">
          <strong>확인 필요</strong>
          <ul>
            {it.flags.map((fl) => (
              <li>
                <span class="ipo-flag">{FLAG_LABEL[fl]}</span> {FLAG_HELP[fl]}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div class="ipo-actions">
        <a class="muted" href={`/api/v1/ipo/${it.pipeline_id}`}>JSON</a>
        {it.corp_code && <a href={`/company/${it.corp_code}`}>기업 정보</a>}
        {it.corp_code && (
          <a
            class="ipo-button"
            id="company-export"
            href={`/api/v1/export/company/${it.corp_code}.xlsx`}
            download
          >
            기업 엑셀 내려받기
          </a>
        )}
      </div>

      <section class="section">
        <h2>진행 단계</h2>
        <Timeline history={it.history} end={ended} />
      </section>

      <div class="grid-2">
        <section class="section card">
          <h2>공모 조건</h2>
          <dl class="kv" id="ipo-terms">
            <Row
              k="희망공모가"
              id="term-band"
              v={f.price_band_low === null
                ? EMPTY
                : `${wonText(f.price_band_low)} ~ ${wonText(f.price_band_high)}`}
            />
            <Row k="확정공모가" id="term-price" v={wonText(f.final_price)} />
            <Row
              k="공모주식수"
              v={f.offer_shares === null ? EMPTY : `${formatNumber(f.offer_shares)}주`}
            />
            <Row k="공모금액" id="term-amount" v={formatKrw(f.offer_amount)} />
            <Row k="공모방법" v={f.offering_method ?? EMPTY} />
            <Row k="시장" v={f.market ?? EMPTY} />
            <Row k="주관사" id="term-uw" v={f.underwriters.join(", ") || EMPTY} />
          </dl>
        </section>
        <section class="section card">
          <h2>수요예측·청약</h2>
          <dl class="kv" id="ipo-demand">
            <Row
              k="수요예측일"
              v={f.bookbuilding ? formatDateRange(f.bookbuilding.from, f.bookbuilding.to) : EMPTY}
            />
            <Row k="수요예측 경쟁률" id="fig-demand" v={ratioText(f.demand_competition)} />
            <Row
              k="의무보유확약"
              id="fig-lockup"
              v={formatPct(f.lockup_ratio, { signed: false, digits: 2 })}
            />
            <Row
              k="청약일"
              v={f.subscription ? formatDateRange(f.subscription.from, f.subscription.to) : EMPTY}
            />
            <Row k="청약경쟁률" id="fig-sub" v={ratioText(f.subscription_competition)} />
            <Row k="환불·납입일" v={formatDate(f.payment_date)} />
            <Row k="상장일" v={formatDate(f.listing_date)} />
          </dl>
        </section>
      </div>

      {listed && (
        <section class="section card" id="ipo-after">
          <h2>상장 후 주가</h2>
          <dl class="kv">
            <Row k="공모가" v={wonText(f.final_price)} />
            {since && <Row k="시초가" id="after-open" v={wonText(since.first_day_open)} />}
            {since && (
              <Row
                k="상장일 종가"
                id="after-first"
                v={
                  <>
                    {wonText(since.first_day_close)}{" "}
                    {since.first_day_return_pct !== null && (
                      <span class={changeClass(since.first_day_return_pct)}>
                        ({formatPct(since.first_day_return_pct, { digits: 2 })})
                      </span>
                    )}
                  </>
                }
              />
            )}
            <Row
              k="최근 종가"
              id="after-close"
              v={close === null
                ? EMPTY
                : `${wonText(close)}${
                  snap.last_close_date ? ` (${formatDate(snap.last_close_date)})` : ""
                }`}
            />
            <Row
              k="공모가 대비"
              id="after-vs"
              v={vsOffer === null
                ? EMPTY
                : <span class={changeClass(vsOffer)}>{formatPct(vsOffer, { digits: 2 })}</span>}
            />
          </dl>
          {close === null
            ? <p class="muted">시세 데이터(KRX)가 아직 없어 종가를 표시하지 않습니다.</p>
            : (
              <p class="muted" id="after-basis">
                KRX 일별 시세 기준 ({formatDate(snap.last_close_date)}{" "}
                종가). 수정주가가 아닌 원시 종가라 상장 후 액면분할·무상증자가 있으면 수익률이
                달라집니다.
              </p>
            )}
        </section>
      )}

      <section class="section">
        <h2>증권신고서 등 공시 (정정 이력)</h2>
        {it.filings.length === 0
          ? <p class="muted">연결된 DART 공시가 없습니다.</p>
          : (
            <div class="table-wrap">
              <table class="data" id="ipo-filings">
                <thead>
                  <tr>
                    <th scope="col">공시</th>
                    <th scope="col">버전</th>
                    <th scope="col">접수일</th>
                    <th scope="col">보고서명</th>
                    <th scope="col">DART</th>
                  </tr>
                </thead>
                <tbody>
                  {it.filings.flatMap((fl) =>
                    fl.versions.map((v, i) => (
                      <tr
                        data-root={fl.root}
                        class={v.rcept_no === fl.latest.rcept_no ? "latest" : "superseded"}
                      >
                        {i === 0 && (
                          <th scope="rowgroup" rowSpan={fl.versions.length}>{fl.base_name}</th>
                        )}
                        <td>
                          {i + 1}/{fl.versions.length}
                          {v.rcept_no === fl.latest.rcept_no && fl.versions.length > 1 && (
                            <span class="badge badge-amend">최신</span>
                          )}
                        </td>
                        <td>{formatDate(v.rcept_dt)}</td>
                        <td>{v.report_nm}</td>
                        <td>
                          <a href={v.viewer_url} target="_blank" rel="noopener">{v.rcept_no}</a>
                        </td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
          )}
      </section>

      <section class="section">
        <h2>출처 연결</h2>
        <div class="table-wrap">
          <table class="data" id="ipo-matches">
            <thead>
              <tr>
                <th scope="col">출처</th>
                <th scope="col">식별자</th>
                <th scope="col">연결 방법</th>
              </tr>
            </thead>
            <tbody>
              {it.matches.map((m) => (
                <tr>
                  <td>{SOURCE_LABEL[m.source] ?? m.source}</td>
                  <td class="mono">{m.ref}</td>
                  <td>{MATCH_LABEL[m.matched_by] ?? m.matched_by}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}
