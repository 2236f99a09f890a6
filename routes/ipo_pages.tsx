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
import {
  BOARD_FIELDS,
  BOARD_PER_COLUMN,
  type BoardField,
  type BoardQuery,
  IpoBoard,
} from "../components/ipo/IpoBoard.tsx";
import { IpoCalendar } from "../components/ipo/IpoCalendar.tsx";
import { IpoDealPage } from "../components/ipo/IpoDealPage.tsx";
import { renderDocument } from "../components/Layout.tsx";
import { NotFound } from "../components/NotFound.tsx";
import { type DealSnapshot, MARKETS, PIPELINE_ID_RE, rowRef, Stage } from "../lib/ipo/model.ts";
import { isValidIsoDate } from "../lib/format.ts";
import { marketCacheFor } from "../lib/store/market_cache.ts";
import { decodeCursor, filterRows, pageRows, type PipelineFilter } from "../lib/ipo/query.ts";
import { type AppDeps, clockOf, shellOf } from "./deps.ts";
import { aliasRedirect, dealBody, ipoCache } from "./ipo.ts";

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

/** The board form read forgivingly: what applies, what to show back, what was wrong. */
export interface BoardForm {
  filter: PipelineFilter;
  /** The values to show in the form (as typed, blanks dropped). */
  query: BoardQuery;
  errors: Partial<Record<BoardField, string>>;
}

const MAX_TEXT: Partial<Record<BoardField, number>> = { underwriter: 50, q: 100 };

/**
 * Reads the board's query like a form: a blank field is no filter; a field that is not
 * understood gets a Korean message and is left out, the other fields still apply. (The JSON
 * API reads the same parameters strictly and answers problem+json.)
 */
export function readBoardForm(raw: Record<string, string>): BoardForm {
  const v = (k: BoardField) => {
    const s = (raw[k] ?? "").trim();
    return s === "" ? undefined : s;
  };
  const errors: BoardForm["errors"] = {};
  const query: BoardQuery = { view: raw.view === "table" ? "table" : "board" };
  const filter: PipelineFilter = {};
  for (const k of BOARD_FIELDS) {
    const s = v(k);
    if (s !== undefined) query[k] = s;
  }
  if (query.stage) {
    const parts = query.stage.split(",").map((p) => p.trim()).filter(Boolean);
    const bad = parts.filter((p) => !Stage.safeParse(p).success);
    if (bad.length) errors.stage = `알 수 없는 단계입니다: ${bad.join(", ").slice(0, 40)}`;
    else filter.stage = parts as Stage[];
  }
  if (query.market) {
    if ((MARKETS as readonly string[]).includes(query.market)) {
      filter.market = query.market as PipelineFilter["market"];
    } else errors.market = `시장은 ${MARKETS.join(", ")} 중 하나입니다.`;
  }
  for (const k of ["from", "to"] as const) {
    const d = query[k];
    if (d === undefined) continue;
    if (isValidIsoDate(d)) filter[k] = d;
    else errors[k] = "날짜를 2026-11-19처럼 연-월-일로 입력해 주세요.";
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    errors.to = "종료일이 시작일보다 빠릅니다.";
    delete filter.to;
  }
  for (const k of ["underwriter", "q"] as const) {
    const s = query[k];
    if (s === undefined) continue;
    if (s.length > MAX_TEXT[k]!) errors[k] = `${MAX_TEXT[k]}자 이하로 입력해 주세요.`;
    else filter[k] = s;
  }
  return { filter, query, errors };
}

/** The IPO page routes. */
export function ipoPageRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const cache = ipoCache(deps);
  const shell = () => shellOf(deps);
  // The app's one clock: in sample mode the sample's as-of day, so D-day badges, "this week"
  // and the calendar month agree with the stages the sample shows.
  const clock = clockOf(deps);

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
    const form = readBoardForm(raw);
    // A cursor that is not ours starts at the first page.
    const offset = raw.cursor ? decodeCursor(raw.cursor) ?? 0 : 0;
    const bad = Object.keys(form.errors).length > 0;
    const s = await cache.state();
    if (!s) return notBuilt();
    const rows = filterRows(s.rows, form.filter);
    const view = form.query.view ?? "board";
    const page = pageRows(rows, offset, BOARD_PAGE);
    // figures for the rows shown: the table page, or the 상장 column's cards
    const shown = view === "table"
      ? page.items
      : rows.filter((r) => r.stage === "상장").slice(0, BOARD_PER_COLUMN);
    const today = clock.today();
    const week = weekOf(today);
    const inWeek = (d: string | null | undefined) => !!d && d >= week.from && d <= week.to;
    const live = s.rows.filter((r) => r.stage !== "철회" && r.stage !== "미승인");
    // Only the filters that apply go into the export and JSON links.
    const filterQs = new URLSearchParams(
      BOARD_FIELDS.flatMap((k) =>
        form.query[k] !== undefined && !form.errors[k] ? [[k, form.query[k]!]] : []
      ),
    ).toString();
    return html(
      <IpoBoard
        {...shell()}
        sample={deps.config.sample || s.header.sample}
        query={form.query}
        errors={bad ? form.errors : undefined}
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
      bad ? 400 : 200,
    );
  });

  app.get("/ipo/calendar", async (c) => {
    const today = clock.today();
    const asked = (c.req.query("month") ?? "").trim();
    // Blank: this month. Not a month: this month, with a note.
    const ok = asked === "" || /^\d{4}-(0[1-9]|1[0-2])$/.test(asked);
    const month = asked && ok ? asked : today.slice(0, 7);
    const s = await cache.state();
    if (!s) return notBuilt();
    return html(
      <IpoCalendar
        {...shell()}
        sample={deps.config.sample || s.header.sample}
        month={month}
        rows={s.rows}
        today={today}
        error={ok ? undefined : `월을 2026-11처럼 연-월로 입력해 주세요. 이번 달을 보여 줍니다.`}
      />,
      ok ? 200 : 400,
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
    return html(<IpoDealPage {...shell()} snap={snap} today={clock.today()} />);
  });

  return app;
}
