/**
 * `/api/docs`: the API reference, Swagger UI from the `swagger-ui-dist` npm package rendering
 * `/api/openapi.json` (operations by tag, parameters, schemas, markdown descriptions, "Try it
 * out" against this server). Its files are copied into the build (scripts/build.ts) and
 * served by this app, so nothing comes from a CDN (the machine may be offline), and the page
 * has no inline script: the start-up code is a static file (islands/api_docs.ts), so it runs
 * under {@link DOCS_CSP}.
 *
 * @module
 */
import { Hono } from "hono";
import { Layout, renderDocument } from "../components/Layout.tsx";
import { type AppDeps, shellOf } from "./deps.ts";

/** Where the page reads the OpenAPI document from. */
export const OPENAPI_PATH = "/api/openapi.json";

/**
 * The Content-Security-Policy the docs page is sent with (checked in Chromium: Swagger UI
 * renders under it without a violation). `img-src data:` is for the SVG icons in Swagger
 * UI's stylesheet.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** The docs page route. */
export function docsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/api/docs", () => {
    const docs = deps.islandBundle?.docs;
    const html = renderDocument(
      <Layout
        title="API 문서"
        {...shellOf(deps)}
        description="kdesk JSON API 레퍼런스 (OpenAPI 3.1)"
        head={docs && <link rel="stylesheet" href={docs.css} />}
        scripts={docs && (
          <>
            <script src={docs.script} defer />
            <script type="module" src={docs.init} />
          </>
        )}
      >
        <h1>API 문서</h1>
        <p>
          kdesk JSON API의 레퍼런스입니다. 기계가 읽는 문서(OpenAPI 3.1):{" "}
          <a href={OPENAPI_PATH}>
            <code>{OPENAPI_PATH}</code>
          </a>
        </p>
        <div id="swagger-ui" class="api-reference" data-openapi-url={OPENAPI_PATH}>
          <p class="muted">
            {docs
              ? "API 레퍼런스를 불러오는 중입니다… (JavaScript가 필요합니다)"
              : "API 레퍼런스 UI가 빌드되지 않았습니다."}{" "}
            <a href={OPENAPI_PATH}>OpenAPI 문서 (JSON)</a>
          </p>
        </div>
      </Layout>,
    );
    return new Response(html, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": DOCS_CSP,
        "x-content-type-options": "nosniff",
      },
    });
  });
  return app;
}
