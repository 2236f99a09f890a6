/**
 * The page shell shared by every server-rendered page: header with navigation, the
 * "샘플 데이터 · sample data" banner, footer with the KST render time, the stylesheet and the
 * script tags of just the islands (and enhancements) the page rendered.
 *
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import { useContext } from "preact/hooks";
import { renderToString } from "preact-render-to-string";
import { formatKstDateTime } from "../lib/format.ts";
import { maskSecrets } from "../lib/log.ts";
import type { ClockSpec } from "../lib/time/clock.ts";
import {
  type ClientAssets,
  type ClientEntry,
  type ClientNeeds,
  ClientNeedsContext,
} from "./Island.tsx";
import { HeaderSearch } from "./SearchForm.tsx";

/** Per-request settings every page passes through to the layout. */
export interface ShellProps {
  /** True when the app serves the bundled sample dataset. */
  sample: boolean;
  /** What the build made for the browser (scripts/build.ts), or null when it was not built. */
  bundle: ClientAssets | null;
  /**
   * The app clock's now (routes/deps.ts `shellOf`): the footer's 기준 time. In sample mode
   * it is the sample's as-of day. Default: the wall clock (pages rendered outside an app).
   */
  now?: Date;
  /** The app clock, for islands that keep time in the browser (the session badge). */
  clock?: ClockSpec;
}

/** Top navigation; `key` is what {@link LayoutProps.active} refers to. */
export const NAV = [
  { key: "home", href: "/", label: "홈" },
  { key: "company", href: "/company", label: "기업 검색" },
  { key: "ipo", href: "/ipo", label: "IPO" },
  { key: "market", href: "/market", label: "시장" },
  { key: "exports", href: "/exports", label: "내보내기" },
  { key: "ops", href: "/ops", label: "운영" },
] as const;

/** Props of {@link Layout}. */
export interface LayoutProps extends ShellProps {
  /** Page title; " · kdesk" is appended. */
  title: string;
  /** Highlighted navigation entry. */
  active?: (typeof NAV)[number]["key"];
  /** Meta description. */
  description?: string;
  /** Extra elements at the end of `<head>` (stylesheets of a page-specific UI). */
  head?: ComponentChildren;
  /** Extra script tags at the end of `<body>` (static files only: pages carry a CSP). */
  scripts?: ComponentChildren;
  /** The header's search box (default true; off where the page has its own). */
  search?: boolean;
  children?: ComponentChildren;
}

/** The stylesheet's public path when no build exists (the build serves a hashed copy). */
export const STYLESHEET = "/static/kdesk.css";

/** The full HTML document around a page body. */
export function Layout(props: LayoutProps) {
  const needs: ClientNeeds = { islands: new Set(), enhance: false };
  return (
    <html lang="ko">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · kdesk`}</title>
        <meta
          name="description"
          content={props.description ?? "kdesk — 한국 IPO·공시·시장 데이터 데스크"}
        />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={props.bundle?.css ?? STYLESHEET} />
        {props.head}
      </head>
      <body>
        <ClientNeedsContext.Provider value={needs}>
          <a class="skip-link" href="#main">본문 바로가기</a>
          <SiteHeader active={props.active} search={props.search ?? true} />
          {props.sample && <SampleBanner />}
          <main id="main" class="wrap">{props.children}</main>
          <SiteFooter now={props.now ?? new Date()} sample={props.sample} />
          <ClientScripts assets={props.bundle} />
          {props.scripts}
        </ClientNeedsContext.Provider>
      </body>
    </html>
  );
}

function SiteHeader({ active, search }: { active?: string; search: boolean }) {
  return (
    <header class="site-header">
      <div class="wrap site-header-inner">
        <a class="brand" href="/">
          kdesk<span class="brand-sub">IPO · 공시 · 재무</span>
        </a>
        <nav class="site-nav" aria-label="주 메뉴">
          {NAV.map((n) => (
            <a href={n.href} aria-current={n.key === active ? "page" : undefined}>{n.label}</a>
          ))}
        </nav>
        {search && <HeaderSearch />}
      </div>
    </header>
  );
}

/** The sample-data banner shown on every page when the sample dataset is served. */
export function SampleBanner() {
  return (
    <div class="sample-banner" role="note">
      <div class="wrap">
        <strong>샘플 데이터 · sample data</strong>
        {" — DART_API_KEY가 없어 예시 데이터를 보여 줍니다. "}
        <span class="sample-note">
          This page shows the bundled sample dataset, not live DART data.
        </span>
      </div>
    </div>
  );
}

function SiteFooter({ now, sample }: { now: Date; sample: boolean }) {
  return (
    <footer class="site-footer">
      <div class="wrap">
        <span>기준: {formatKstDateTime(now)}</span>
        <span>출처: 금융감독원 전자공시(DART){sample ? " · 샘플 데이터" : ""}</span>
        <a href="/api/docs">API 문서</a>
      </div>
    </footer>
  );
}

/**
 * The entry scripts of the islands the page rendered (and of the enhancements, when a table
 * asked for them), with `modulepreload` links for the chunks they import so the browser
 * fetches them in parallel. Rendered last, so it sees what the page body registered.
 */
function ClientScripts({ assets }: { assets: ClientAssets | null }) {
  const needs = useContext(ClientNeedsContext);
  if (!assets || !needs) return null;
  const entries: ClientEntry[] = [...needs.islands].sort().flatMap((name) =>
    assets.islands[name] ? [assets.islands[name]] : []
  );
  if (needs.enhance) entries.push(assets.enhance);
  if (entries.length === 0) return null;
  const srcs = new Set(entries.map((e) => e.src));
  const preload = [...new Set(entries.flatMap((e) => e.preload))].filter((p) => !srcs.has(p));
  return (
    <>
      {preload.map((href) => <link key={href} rel="modulepreload" href={href} />)}
      {entries.map((e) => <script key={e.src} type="module" src={e.src} />)}
    </>
  );
}

/**
 * Renders a page element (normally a {@link Layout}) to a complete HTML document string.
 * Any form of a registered secret in it (a reflected path or query, a quoted upstream error)
 * is masked: pages are the one output no other layer sees whole.
 *
 * @example
 * renderDocument(<Layout title="홈" sample={false} bundle={null}>…</Layout>);
 */
export function renderDocument<P>(page: VNode<P>): string {
  return maskSecrets(`<!DOCTYPE html>${renderToString(page)}`);
}
