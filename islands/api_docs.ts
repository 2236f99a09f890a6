/**
 * The start-up script of /api/docs (a static file, so the page needs no inline script under
 * its Content-Security-Policy): renders Swagger UI (swagger-ui-dist's bundle, loaded by the
 * page before this module) into `#swagger-ui` from the OpenAPI document named by the
 * element's `data-openapi-url`. Descriptions are rendered as markdown by Swagger UI. Nothing
 * is fetched from another origin (no validator badge, no fonts).
 *
 * @module
 */

type SwaggerUI = (options: Record<string, unknown>) => unknown;

const el = document.getElementById("swagger-ui");
const SwaggerUIBundle = (globalThis as { SwaggerUIBundle?: SwaggerUI }).SwaggerUIBundle;
if (el && SwaggerUIBundle) {
  el.replaceChildren();
  SwaggerUIBundle({
    url: el.dataset.openapiUrl ?? "/api/openapi.json",
    domNode: el,
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayOperationId: true,
    filter: true,
    validatorUrl: null,
  });
}
