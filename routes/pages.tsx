/**
 * Server-rendered pages: home, market, search, the company and stock pages (data in
 * `routes/company_pages.ts`), plus the 404/500 pages used by the app's error handlers.
 * Every page works without JavaScript except the chart islands and live prices.
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
import { listSnapshotCorps } from "../lib/store/snapshots.ts";
import { isDate } from "../lib/market/range.ts";
import { MarketPage } from "../components/MarketPage.tsx";
import { stockUrl } from "../components/links.ts";
import { type AppDeps, shellOf } from "./deps.ts";
import { companyView, SEARCH_MAX_PAGE, searchView, stockView } from "./company_pages.ts";
import { homeIndices, marketPageData } from "./market_pages.ts";

/** Rows on the home page's latest-disclosures table. */
export const HOME_DISCLOSURES = 30;
/** Companies listed on the home page. */
export const HOME_CORPS = 100;
const MAX_QUERY = 100;
const CORP_CODE_RE = /^\d{8}$/;
const STOCK_CODE_RE = /^[0-9A-Za-z]{6}$|^[A-Za-z]{2}[0-9A-Za-z]{10}$/;

const shell = shellOf;

function html(page: VNode, status = 200): Response {
  return new Response(renderDocument(page), {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

/** The page routes, mounted at "/". */
export function pageRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  /** 400: a malformed code in the path, echoed back as text. */
  const badCode = (title: string, rule: string, got: string) =>
    html(
      <ErrorPage {...shell(deps)} status={400} title={title}>
        <p>
          {rule} 받은 값: <code>{got.slice(0, 40)}</code>
        </p>
        <p>회사명이나 종목코드로 검색해 보세요.</p>
      </ErrorPage>,
      400,
    );
  /** 404: a well-formed code nothing is known by. */
  const unknown = (title: string, label: string, code: string, what: string) =>
    html(
      <NotFound
        {...shell(deps)}
        title={title}
        message={
          <p>
            {label} <code>{code}</code>에 해당하는 {what} 없습니다.
          </p>
        }
      />,
      404,
    );

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
    const asked = Number(c.req.query("page") ?? "1");
    const page = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, SEARCH_MAX_PAGE) : 1;
    const view = await searchView(deps, q, page);
    if (view.redirect) return c.redirect(view.redirect, 302);
    return html(<SearchPage {...shell(deps)} {...view} />);
  });

  app.get("/company/:corp_code", async (c) => {
    const corpCode = c.req.param("corp_code");
    // A 종목코드 or ISIN where a 고유번호 belongs: the stock page knows its company.
    if (!CORP_CODE_RE.test(corpCode) && STOCK_CODE_RE.test(corpCode)) {
      return c.redirect(stockUrl(corpCode.toUpperCase()), 302);
    }
    if (!CORP_CODE_RE.test(corpCode)) {
      return badCode("잘못된 고유번호", "DART 고유번호(corp_code)는 8자리 숫자입니다.", corpCode);
    }
    const view = await companyView(deps, corpCode);
    if (!view) return unknown("기업을 찾을 수 없습니다", "고유번호", corpCode, "기업이");
    return html(<CompanyPage {...shell(deps)} {...view} />);
  });

  app.get("/stock/:code", async (c) => {
    const code = c.req.param("code");
    if (!STOCK_CODE_RE.test(code)) {
      return badCode(
        "잘못된 종목코드",
        "종목코드는 6자리(예: 005930), ISIN은 12자리(예: KR7005930003)입니다.",
        code,
      );
    }
    const answer = await stockView(deps, code);
    if (answer && "redirect" in answer) return c.redirect(answer.redirect, 302);
    if (!answer) return unknown("종목을 찾을 수 없습니다", "종목코드", code, "KRX 종목이나 기업이");
    return html(<CompanyPage {...shell(deps)} {...answer.view} />);
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
