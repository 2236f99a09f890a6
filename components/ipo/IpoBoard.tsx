/**
 * The IPO board (`/ipo`): filters, this week's subscriptions and listings with D-day
 * badges, and the deals either as by-stage columns or as a paged table. Works without
 * JavaScript (filters are a GET form; the table is sortable when the bundle loads).
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
import { listingBadge, subscriptionBadge } from "../../lib/ipo/dday.ts";
import { MARKETS, type PipelineRow, STAGES } from "../../lib/ipo/model.ts";
import { Layout, type ShellProps } from "../Layout.tsx";
import { EmptyRow, SortableTable } from "../table.tsx";
import {
  DdayTag,
  FLAG_HELP,
  FLAG_LABEL,
  IpoStatusLine,
  IpoStyles,
  ratioText,
  RowDday,
  StageBadge,
  wonText,
} from "./common.tsx";
import type { SourceStatus } from "../../lib/etl/schemas.ts";
import type { DealPerformance } from "../../lib/market/summary.ts";

/** Cards shown per board column before "더 보기". */
export const BOARD_PER_COLUMN = 25;

/** The board's query, as received (strings). */
export interface BoardQuery {
  stage?: string;
  market?: string;
  from?: string;
  to?: string;
  underwriter?: string;
  q?: string;
  view?: "board" | "table";
}

/** The filter fields of the board's form. */
export const BOARD_FIELDS = ["stage", "market", "from", "to", "underwriter", "q"] as const;
export type BoardField = typeof BOARD_FIELDS[number];

export interface IpoBoardProps extends ShellProps {
  query: BoardQuery;
  /**
   * Korean messages of filter fields that were not understood, shown next to them; those
   * fields are left out of the filter, the others apply.
   */
  errors?: Partial<Record<BoardField, string>>;
  /** Rows matching the filters (all of them, for the board and the counts). */
  rows: PipelineRow[];
  /** The table page: rows and the next page's cursor. */
  page: { items: PipelineRow[]; next_cursor: string | null; offset: number };
  /** This week's events (unfiltered). */
  week: { subs: PipelineRow[]; listings: PipelineRow[]; from: string; to: string };
  today: string;
  builtAt: string;
  status: Record<string, SourceStatus>;
  partial: boolean;
  /** Query string of the filters (for the export and JSON links). */
  filterQs: string;
  /** Cards per board column (default {@linkcode BOARD_PER_COLUMN}). */
  perColumn?: number;
  /**
   * Listed deals' post-listing figures by deal id (`MarketCache.dealPerformance`, the same
   * values as the deal page and the API, read at render time; absent = no price stored).
   * Only the rows shown need one: the 상장 column's cards, or the table page.
   */
  vsOffer?: ReadonlyMap<string, DealPerformance>;
}

function VsOffer({ v }: { v: DealPerformance | undefined }) {
  if (!v) return <>{EMPTY}</>;
  const pct = v.after_listing?.return_since_offer_pct ?? null;
  return (
    <span
      class={changeClass(pct)}
      title={`${formatDate(v.last_close_date)} 종가 ${formatNumber(v.last_close)}원`}
    >
      {formatPct(pct, { digits: 1 })}
    </span>
  );
}

function Flags({ r }: { r: PipelineRow }) {
  return (
    <>
      {r.flags.map((f) => <span key={f} class="ipo-flag" title={FLAG_HELP[f]}>{FLAG_LABEL[f]}
      </span>)}
    </>
  );
}

function Card({ r, today, vs }: { r: PipelineRow; today: string; vs?: DealPerformance }) {
  return (
    <a class="ipo-card" href={`/ipo/${r.id}`} data-id={r.id}>
      <strong>{r.name}</strong>
      <span class="muted">{r.market ?? EMPTY}</span>
      {r.uw[0] && <span class="muted">· {r.uw[0]}</span>}
      <br />
      {r.sub && (
        <span class="ipo-when">청약 {formatDateRange(r.sub.from, r.sub.to, { year: false })}</span>
      )}
      {r.list && (
        <span class="ipo-when">{r.sub ? " · " : ""}상장 {formatDate(r.list, { year: false })}</span>
      )}
      <br />
      <RowDday r={r} today={today} />
      {vs && (
        <span class="ipo-vs">
          공모가 대비 <VsOffer v={vs} />
        </span>
      )}
      <Flags r={r} />
    </a>
  );
}

const qs = (q: Record<string, string | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : "";
};

/** The aria attributes of a field with an error. */
function invalid(name: BoardField, errors: IpoBoardProps["errors"]) {
  return errors?.[name]
    ? { "aria-invalid": "true" as const, "aria-describedby": `err-${name}` }
    : {};
}

/** A labelled filter field with its inline error. */
function Field(
  { name, label, errors, children }: {
    name: BoardField;
    label: string;
    errors: IpoBoardProps["errors"];
    children: preact.ComponentChildren;
  },
) {
  const msg = errors?.[name];
  return (
    <label class={msg ? "has-error" : undefined}>
      {label}
      {children}
      {msg && <span class="field-error" id={`err-${name}`}>{msg}</span>}
    </label>
  );
}

/** The board page. */
export function IpoBoard(props: IpoBoardProps) {
  const { query, rows, today, errors } = props;
  const view = query.view === "table" ? "table" : "board";
  const per = props.perColumn ?? BOARD_PER_COLUMN;
  const exportHref = `/api/v1/export/ipo.xlsx${props.filterQs ? `?${props.filterQs}` : ""}`;
  const jsonHref = `/api/v1/ipo/pipeline${props.filterQs ? `?${props.filterQs}` : ""}`;
  return (
    <Layout
      {...props}
      title="IPO 파이프라인"
      active="ipo"
      description="공모주 단계별 현황, 청약·상장 일정"
    >
      <IpoStyles />
      <div class="page-head">
        <div>
          <h1>IPO 파이프라인</h1>
          <p class="sub">
            KIND 상장예비심사·공모기업현황·신규상장과 DART 증권신고서를 맞춰 본 공모 현황
          </p>
        </div>
      </div>
      <IpoStatusLine builtAt={props.builtAt} status={props.status} />
      {props.partial && (
        <div class="notice warn" role="alert" id="ipo-partial">
          <strong>일부 데이터 누락</strong>
          {" — 출처 하나 이상을 가져오지 못해 마지막 스냅샷을 보여 줍니다."}
        </div>
      )}

      {errors && Object.keys(errors).length > 0 && (
        <div class="notice warn" role="alert" id="filter-errors">
          <strong>필터를 확인해 주세요.</strong>
          {" 알 수 없는 조건은 빼고 나머지 조건으로 보여 줍니다."}
        </div>
      )}
      <form class="ipo-filters" method="get" action="/ipo" aria-label="필터">
        <Field name="stage" label="단계" errors={errors}>
          <select name="stage" {...invalid("stage", errors)}>
            <option value="">전체</option>
            {STAGES.map((s) => <option key={s} value={s} selected={query.stage === s}>{s}</option>)}
          </select>
        </Field>
        <Field name="market" label="시장" errors={errors}>
          <select name="market" {...invalid("market", errors)}>
            <option value="">전체</option>
            {MARKETS.map((m) => <option key={m} value={m} selected={query.market === m}>{m}
            </option>)}
          </select>
        </Field>
        <Field name="from" label="시작일" errors={errors}>
          <input type="date" name="from" value={query.from ?? ""} {...invalid("from", errors)} />
        </Field>
        <Field name="to" label="종료일" errors={errors}>
          <input type="date" name="to" value={query.to ?? ""} {...invalid("to", errors)} />
        </Field>
        <Field name="underwriter" label="주관사" errors={errors}>
          <input
            type="text"
            name="underwriter"
            value={query.underwriter ?? ""}
            size={10}
            {...invalid("underwriter", errors)}
          />
        </Field>
        <Field name="q" label="회사" errors={errors}>
          <input type="search" name="q" value={query.q ?? ""} size={12} {...invalid("q", errors)} />
        </Field>
        <input type="hidden" name="view" value={view} />
        <button type="submit" class="ipo-button primary">적용</button>
        <a class="ipo-button" href="/ipo">초기화</a>
      </form>

      <div class="ipo-actions">
        <span>
          <strong id="ipo-total">{rows.length.toLocaleString("en-US")}</strong>건
        </span>
        <a
          class="ipo-button"
          href={`/ipo${qs({ ...query, view: "board" })}`}
          aria-current={view === "board" ? "page" : undefined}
        >
          단계별 보드
        </a>
        <a
          class="ipo-button"
          href={`/ipo${qs({ ...query, view: "table" })}`}
          aria-current={view === "table" ? "page" : undefined}
        >
          표
        </a>
        <a class="ipo-button" href={`/ipo/calendar`}>일정 달력</a>
        <a class="ipo-button primary" id="ipo-export" href={exportHref} download>
          엑셀 내려받기 (ipo.xlsx)
        </a>
        <a class="muted" href={jsonHref}>JSON</a>
      </div>

      <section class="section" id="ipo-week">
        <h2>
          이번 주 청약·상장{" "}
          <span class="muted">({formatDateRange(props.week.from, props.week.to)})</span>
        </h2>
        <div class="ipo-week">
          <div>
            <h3>청약</h3>
            {props.week.subs.length === 0 ? <p class="muted">이번 주 청약 없음</p> : (
              <ul>
                {props.week.subs.map((r) => (
                  <li>
                    <a href={`/ipo/${r.id}`}>{r.name}</a>{" "}
                    <span class="ipo-when">{formatDateRange(r.sub!.from, r.sub!.to)}</span>{" "}
                    <DdayTag badge={subscriptionBadge(r.sub, today)} />
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h3>상장</h3>
            {props.week.listings.length === 0 ? <p class="muted">이번 주 상장 없음</p> : (
              <ul>
                {props.week.listings.map((r) => (
                  <li>
                    <a href={`/ipo/${r.id}`}>{r.name}</a>{" "}
                    <span class="ipo-when">{formatDate(r.list)}</span>{" "}
                    <DdayTag badge={listingBadge(r.list, today)} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </section>

      {view === "board"
        ? (
          <section class="section" aria-label="단계별 보드">
            <div class="ipo-board" id="ipo-board">
              {STAGES.map((s) => {
                const col = rows.filter((r) => r.stage === s);
                return (
                  <div class="ipo-col" data-stage={s}>
                    <h3>
                      <StageBadge stage={s} />
                      <span class="muted">{col.length}</span>
                    </h3>
                    {col.slice(0, per).map((r) => (
                      <Card key={r.id} r={r} today={today} vs={props.vsOffer?.get(r.id)} />
                    ))}
                    {col.length > per && (
                      <a href={`/ipo${qs({ ...query, stage: s, view: "table" })}`}>
                        +{col.length - per}건 더 보기
                      </a>
                    )}
                  </div>
                );
              })}
            </div>
          </section>
        )
        : (
          <section class="section">
            <SortableTable id="ipo-table" caption="IPO 딜 목록" captionHidden>
              <thead>
                <tr>
                  <th scope="col">회사</th>
                  <th scope="col">단계</th>
                  <th scope="col">시장</th>
                  <th scope="col">희망공모가</th>
                  <th scope="col">확정공모가</th>
                  <th scope="col">공모금액</th>
                  <th scope="col">수요예측</th>
                  <th scope="col">확약</th>
                  <th scope="col">청약</th>
                  <th scope="col">상장일</th>
                  <th scope="col">공모가 대비</th>
                  <th scope="col">주관사</th>
                </tr>
              </thead>
              <tbody>
                {props.page.items.length === 0 && (
                  <EmptyRow colSpan={12}>조건에 맞는 딜이 없습니다.</EmptyRow>
                )}
                {props.page.items.map((r) => (
                  <tr data-id={r.id}>
                    <th scope="row">
                      <a href={`/ipo/${r.id}`}>{r.name}</a>
                      <Flags r={r} />
                    </th>
                    <td data-sort={STAGES.indexOf(r.stage)}>
                      <StageBadge stage={r.stage} />
                    </td>
                    <td>{r.market ?? EMPTY}</td>
                    <td class="num">
                      {r.band[0] === null ? EMPTY : `${wonText(r.band[0])} ~ ${wonText(r.band[1])}`}
                    </td>
                    <td class="num" data-sort={r.price ?? ""}>{wonText(r.price)}</td>
                    <td class="num" data-sort={r.amount ?? ""}>
                      {formatKrw(r.amount, { minUnit: "eok" })}
                    </td>
                    <td class="num" data-sort={r.demand ?? ""}>{ratioText(r.demand)}</td>
                    <td class="num" data-sort={r.lockup ?? ""}>
                      {formatPct(r.lockup, { signed: false, digits: 2 })}
                    </td>
                    <td data-sort={r.sub?.from ?? ""}>
                      {r.sub ? formatDateRange(r.sub.from, r.sub.to) : EMPTY}
                      <DdayTag badge={subscriptionBadge(r.sub, today)} />
                    </td>
                    <td data-sort={r.list ?? ""}>
                      {formatDate(r.list)}
                      <DdayTag badge={listingBadge(r.list, today)} />
                    </td>
                    <td
                      class="num col-vs"
                      data-sort={props.vsOffer?.get(r.id)?.after_listing?.return_since_offer_pct ??
                        ""}
                    >
                      <VsOffer v={props.vsOffer?.get(r.id)} />
                    </td>
                    <td>{r.uw.join(", ") || EMPTY}</td>
                  </tr>
                ))}
              </tbody>
            </SortableTable>
            <p class="ipo-actions">
              <span class="muted">
                {props.page.offset + 1}–{props.page.offset + props.page.items.length} /{" "}
                {rows.length}
              </span>
              {props.page.next_cursor && (
                <a
                  class="ipo-button"
                  rel="next"
                  href={`/ipo${qs({ ...query, view: "table", cursor: props.page.next_cursor })}`}
                >
                  다음 →
                </a>
              )}
            </p>
          </section>
        )}
    </Layout>
  );
}
