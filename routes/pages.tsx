/**
 * Server-rendered pages: home, market, company search and the company snapshot page, plus
 * the 404/500 pages used by the app's error handlers. Every page works without JavaScript
 * except the chart islands.
 *
 * @module
 */
import { Hono } from "hono";
import type { VNode } from "preact";
import { CompanyPage } from "../components/CompanyPage.tsx";
import { ErrorPage } from "../components/ErrorPage.tsx";
import { HomePage } from "../components/HomePage.tsx";
import { renderDocument } from "../components/Layout.tsx";
import { NotFound } from "../components/NotFound.tsx";
import { SearchPage } from "../components/SearchPage.tsx";
import { latestDisclosures } from "../lib/store/companies.ts";
import { type CorpHit, normalizeName, searchCorps } from "../lib/store/corps.ts";
import { listSnapshotCorps } from "../lib/store/snapshots.ts";
import { marketSection } from "../lib/etl/company_market.ts";
import { isDate } from "../lib/market/range.ts";
import { MarketPage } from "../components/MarketPage.tsx";
import { type AppDeps, ensureSnapshot, shellOf } from "./deps.ts";
import { companyLiveProps } from "./live.ts";
import { homeIndices, marketPageData } from "./market_pages.ts";

/** Rows on the home page's latest-disclosures table. */
export const HOME_DISCLOSURES = 30;
/** Companies listed on the home page. */
export const HOME_CORPS = 100;
/** Search results per page. */
export const SEARCH_LIMIT = 50;
const MAX_QUERY = 100;
const CORP_CODE_RE = /^\d{8}$/;

const shell = shellOf;

function html(page: VNode, status = 200): Response {
  return new Response(renderDocument(page), {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

/**
 * The hit a query names exactly (고유번호, 종목코드 or the normalized name), when exactly
 * one hit does; searching by a code or a full name then goes straight to the company.
 */
export function exactHit(q: string, hits: CorpHit[]): CorpHit | null {
  const query = q.trim();
  const upper = query.toUpperCase();
  const norm = normalizeName(query);
  const exact = hits.filter((h) =>
    h.corp_code === query || h.stock_code === upper ||
    (norm !== "" && normalizeName(h.corp_name) === norm)
  );
  return exact.length === 1 ? exact[0] : null;
}

/** The page routes, mounted at "/". */
export function pageRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.get("/", async () => {
    const [disclosures, corps, indices] = await Promise.all([
      latestDisclosures(deps.kv, HOME_DISCLOSURES),
      listSnapshotCorps(deps.kv, HOME_CORPS),
      homeIndices(deps),
    ]);
    return html(
      <HomePage {...shell(deps)} disclosures={disclosures} corps={corps} indices={indices} />,
    );
  });

  app.get("/market", async (c) => {
    // A form: blank is the latest trading day; a date that is not one shows the latest day
    // with a note next to the field.
    const asked = (c.req.query("date") ?? "").trim();
    const ok = asked === "" || isDate(asked);
    const data = await marketPageData(deps, ok && asked ? asked : null);
    return html(
      <MarketPage
        {...shell(deps)}
        {...data}
        dateError={ok ? undefined : "날짜를 2026-11-19처럼 연-월-일로 입력해 주세요."}
        askedDate={ok ? undefined : asked.slice(0, 40)}
      />,
      ok ? 200 : 400,
    );
  });

  app.get("/company", async (c) => {
    const q = (c.req.query("q") ?? "").trim().slice(0, MAX_QUERY);
    const hits = q ? await searchCorps(deps.kv, q, SEARCH_LIMIT) : [];
    const exact = q ? exactHit(q, hits) : null;
    if (exact) return c.redirect(`/company/${exact.corp_code}`, 302);
    return html(<SearchPage {...shell(deps)} q={q} hits={hits} limit={SEARCH_LIMIT} />);
  });

  app.get("/company/:corp_code", async (c) => {
    const corpCode = c.req.param("corp_code");
    if (!CORP_CODE_RE.test(corpCode)) {
      return html(
        <ErrorPage {...shell(deps)} status={400} title="잘못된 고유번호">
          <p>
            DART 고유번호(corp_code)는 8자리 숫자입니다. 받은 값:{" "}
            <code>{corpCode.slice(0, 40)}</code>
          </p>
          <p>회사명이나 종목코드로 검색해 보세요.</p>
        </ErrorPage>,
        400,
      );
    }
    const snap = await ensureSnapshot(deps, corpCode) ? await deps.snapshots.get(corpCode) : null;
    if (!snap) {
      return html(
        <NotFound
          {...shell(deps)}
          title="기업을 찾을 수 없습니다"
          message={
            <p>
              고유번호 <code>{corpCode}</code>에 해당하는 기업 스냅샷이 없습니다.
            </p>
          }
        />,
        404,
      );
    }
    const stock = snap.profile?.stock_code;
    const [live, market] = await Promise.all([
      companyLiveProps(deps, stock),
      // A snapshot built before its prices were stored has no section yet: read it now.
      !snap.market && stock ? marketSection(deps.kv, stock, corpCode) : snap.market,
    ]);
    return html(<CompanyPage {...shell(deps)} snap={snap} live={live} market={market ?? null} />);
  });

  return app;
}

/** The HTML 404 response for the app's notFound handler. */
export function notFoundPage(deps: AppDeps, path: string): Response {
  return html(<NotFound {...shell(deps)} path={path.slice(0, 200)} />, 404);
}

/** The HTML 500 response for the app's error handler; `id` is the logged error id. */
export function serverErrorPage(deps: AppDeps, id: string): Response {
  return html(
    <ErrorPage {...shell(deps)} status={500} title="일시적인 오류가 발생했습니다">
      <p>
        요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요. 오류 번호: <code>{id}</code>
      </p>
    </ErrorPage>,
    500,
  );
}
