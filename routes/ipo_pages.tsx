/**
 * IPO pages: the board (`/ipo`), the calendar (`/ipo/calendar`) and a deal
 * (`/ipo/{pipeline_id}`), rendered from the IPO snapshots. A deal id a refresh replaced
 * (D… → K… once KIND lists the deal) redirects 301 to the current one.
 *
 * @module
 */
import { Hono } from "hono";
import type { VNode } from "preact";
import { ErrorPage } from "../components/ErrorPage.tsx";
import { BOARD_PER_COLUMN, IpoBoard } from "../components/ipo/IpoBoard.tsx";
import { IpoCalendar } from "../components/ipo/IpoCalendar.tsx";
import { IpoDealPage } from "../components/ipo/IpoDealPage.tsx";
import { kstToday } from "../components/ipo/common.tsx";
import { renderDocument, type ShellProps } from "../components/Layout.tsx";
import { NotFound } from "../components/NotFound.tsx";
import { type DealSnapshot, PIPELINE_ID_RE, rowRef } from "../lib/ipo/model.ts";
import { marketCacheFor } from "../lib/store/market_cache.ts";
import { decodeCursor, filterRows, pageRows } from "../lib/ipo/query.ts";
import type { AppDeps } from "./deps.ts";
import { aliasRedirect, dealBody, ipoCache, PipelineQuery, toFilter } from "./ipo.ts";

/** Rows per table page on the board. */
export const BOARD_PAGE = 50;

function html(page: VNode, status = 200): Response {
  return new Response(renderDocument(page), {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

/** Monday and Sunday of the KST week containing `today`. */
export function weekOf(today: string): { from: string; to: string } {
  const t = Date.parse(`${today}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  const from = new Date(t - dow * 86400_000).toISOString().slice(0, 10);
  const to = new Date(t + (6 - dow) * 86400_000).toISOString().slice(0, 10);
  return { from, to };
}

/** The IPO page routes. */
export function ipoPageRoutes(deps: AppDeps, opts: { now?: () => Date } = {}): Hono {
  const app = new Hono();
  const cache = ipoCache(deps);
  const shell = (): ShellProps => ({ sample: deps.config.sample, bundle: deps.islandBundle });
  // The jobs context's clock: in sample mode that is the sample's as-of day, so D-day badges
  // and "this week" agree with the stages the sample shows.
  const now = opts.now ?? deps.jobs?.now ?? (() => new Date());

  // Listed deals' post-listing figures are read at render time (cached per market epoch),
  // not baked into the IPO snapshots: those are rebuilt only when a deal's facts change,
  // while prices move every trading day. The deal page renders the API's own document.
  const market = marketCacheFor(deps.kv);

  const notBuilt = () =>
    html(
      <ErrorPage {...shell()} status={503} title="IPO 파이프라인 준비 중">
        <p>IPO 스냅샷이 아직 만들어지지 않았습니다. 잠시 후 다시 시도해 주세요.</p>
      </ErrorPage>,
      503,
    );

  app.get("/ipo", async (c) => {
    const raw = c.req.query();
    const parsed = PipelineQuery.safeParse({ ...raw, limit: String(BOARD_PAGE) });
    const offset = raw.cursor ? decodeCursor(raw.cursor) : 0;
    if (!parsed.success || offset === null) {
      const msg = parsed.success
        ? "cursor: 잘못된 값"
        : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      return html(
        <ErrorPage {...shell()} status={400} title="잘못된 필터">
          <p>{msg}</p>
          <p>
            <a href="/ipo">필터 초기화</a>
          </p>
        </ErrorPage>,
        400,
      );
    }
    const s = await cache.state();
    if (!s) return notBuilt();
    const rows = filterRows(s.rows, toFilter(parsed.data));
    const view = raw.view === "table" ? "table" : "board";
    const page = pageRows(rows, offset, BOARD_PAGE);
    // figures for the rows shown: the table page, or the 상장 column's cards
    const shown = view === "table"
      ? page.items
      : rows.filter((r) => r.stage === "상장").slice(0, BOARD_PER_COLUMN);
    const today = kstToday(now());
    const week = weekOf(today);
    const inWeek = (d: string | null | undefined) => !!d && d >= week.from && d <= week.to;
    const live = s.rows.filter((r) => r.stage !== "철회" && r.stage !== "미승인");
    const filterQs = new URLSearchParams(
      Object.entries(raw).filter(([k, v]) =>
        v && ["stage", "market", "from", "to", "underwriter", "q"].includes(k)
      ),
    ).toString();
    return html(
      <IpoBoard
        {...shell()}
        sample={deps.config.sample || s.header.sample}
        query={{
          stage: raw.stage,
          market: raw.market,
          from: raw.from,
          to: raw.to,
          underwriter: raw.underwriter,
          q: raw.q,
          view,
        }}
        rows={rows}
        page={{ ...page, offset }}
        week={{
          ...week,
          subs: live.filter((r) => r.sub && (inWeek(r.sub.from) || inWeek(r.sub.to)))
            .sort((a, b) => a.sub!.from.localeCompare(b.sub!.from)),
          listings: live.filter((r) => inWeek(r.list)).sort((a, b) =>
            a.list!.localeCompare(b.list!)
          ),
        }}
        today={today}
        builtAt={s.header.built_at}
        status={s.header.source_status}
        partial={s.header.partial}
        filterQs={filterQs}
        vsOffer={await market.dealPerformances(shown.map(rowRef))}
      />,
    );
  });

  app.get("/ipo/calendar", async (c) => {
    const today = kstToday(now());
    const month = c.req.query("month") ?? today.slice(0, 7);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
      return html(
        <ErrorPage {...shell()} status={400} title="잘못된 월">
          <p>month는 YYYY-MM 형식입니다.</p>
        </ErrorPage>,
        400,
      );
    }
    const s = await cache.state();
    if (!s) return notBuilt();
    return html(
      <IpoCalendar
        {...shell()}
        sample={deps.config.sample || s.header.sample}
        month={month}
        rows={s.rows}
        today={today}
      />,
    );
  });

  app.get("/ipo/:id", async (c) => {
    const id = c.req.param("id");
    if (!PIPELINE_ID_RE.test(id)) {
      return html(<NotFound {...shell()} path={c.req.path.slice(0, 200)} />, 404);
    }
    const body = await dealBody(deps, id);
    if (!body) {
      const to = await cache.alias(id);
      if (to && await cache.deal(to)) return aliasRedirect(c.req.url, c.req.path, to);
      return html(
        <NotFound
          {...shell()}
          title="IPO 딜을 찾을 수 없습니다"
          message={
            <p>
              파이프라인 ID <code>{id}</code>에 해당하는 딜이 없습니다.
            </p>
          }
        />,
        404,
      );
    }
    const snap = JSON.parse(body.json) as DealSnapshot;
    return html(<IpoDealPage {...shell()} snap={snap} today={kstToday(now())} />);
  });

  return app;
}
