/**
 * The OpenAPI document as API users meet it: it passes Redocly CLI's recommended rules with
 * no error and no warning; every operation has a stable camelCase operationId, tags and the
 * right security; the committed client types (openapi-typescript) match it; a client built
 * from them (openapi-fetch) calls the running app on 127.0.0.1 and gets typed answers and
 * typed problems; /api/docs serves the Swagger UI page without inline scripts.
 */
import assert from "node:assert/strict";
import createClient from "openapi-fetch";
import {
  generateTypes,
  lintDocument,
  openApiDocument,
  TYPES_FILE,
  withDocumentFile,
} from "../scripts/openapi.ts";
import { DOCS_CSP } from "../routes/docs.tsx";
import { TAGS } from "../routes/get.ts";
import type { components, operations, paths } from "./generated/kdesk-api.d.ts";
import { buildTestApp } from "./helpers/app.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
const METHODS = ["get", "put", "post", "delete", "patch"];

Deno.test("[openapi] Redocly CLI (recommended rules): 0 errors, 0 warnings", async () => {
  const problems = await withDocumentFile(lintDocument);
  assert.deepEqual(
    problems.map((p) => `${p.severity} ${p.rule} ${p.pointer}: ${p.message}`),
    [],
  );
});

Deno.test("[openapi] operationIds, tags, security schemes and servers", async () => {
  const doc: Json = JSON.parse(await openApiDocument());
  const ids = new Set<string>();
  const admin: string[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const method of METHODS.filter((m) => item[m])) {
      const op = item[method];
      const what = `${method.toUpperCase()} ${path}`;
      assert.match(op.operationId ?? "", /^[a-z][A-Za-z0-9]+$/, `${what}: camelCase operationId`);
      assert.ok(!ids.has(op.operationId), `${what}: unique operationId ${op.operationId}`);
      ids.add(op.operationId);
      assert.equal(op.tags?.length, 1, `${what}: one tag`);
      assert.ok(Object.keys(op.responses).some((c) => /^4/.test(c)), `${what}: a 4xx`);
      if (/\/admin\//.test(path) || method === "delete") {
        assert.deepEqual(op.security, [{ adminToken: [] }], `${what}: admin token`);
        admin.push(what);
      }
    }
  }
  assert.ok(ids.size >= 30, `${ids.size} operations`);
  assert.ok(admin.length >= 4, admin.join());
  for (
    const [id, op] of [
      ["getCompanySnapshot", "GET /api/v1/company/snapshot"],
      ["listIpoPipeline", "GET /api/v1/ipo/pipeline"],
      ["listInstruments", "GET /api/v1/market/instruments"],
      ["searchCompanies", "GET /api/v1/company/search"],
      ["ingestTicks", "POST /api/v1/ticks"],
    ]
  ) {
    const [method, path] = op.split(" ");
    assert.equal(doc.paths[path][method.toLowerCase()].operationId, id, op);
  }
  assert.deepEqual(doc.paths["/api/v1/ticks"].post.security, [{ ingestToken: [] }]);
  assert.deepEqual(doc.security, [], "everything else is public");
  for (const name of ["adminToken", "ingestToken"]) {
    assert.deepEqual(
      { type: doc.components.securitySchemes[name].type, scheme: "bearer" },
      { type: "http", scheme: doc.components.securitySchemes[name].scheme },
    );
  }
  assert.deepEqual(doc.servers.map((s: Json) => s.url), ["/"]);
  assert.deepEqual(
    doc.tags.map((t: Json) => t.name),
    Object.values(TAGS).map((t) => t.name),
  );
  assert.ok(doc.tags.every((t: Json) => t.description.length > 20));
  assert.ok(doc.info.license.name);
});

Deno.test("[openapi] the committed client types are generated from the current document", async () => {
  const fresh = await withDocumentFile(generateTypes);
  const committed = await Deno.readTextFile(TYPES_FILE);
  assert.ok(
    fresh === committed,
    "tests/generated/kdesk-api.d.ts is out of date: run `deno task openapi types`",
  );
});

Deno.test({
  name: "[openapi] a client generated from the document calls the running app",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await buildTestApp();
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
    try {
      const client = createClient<paths>({ baseUrl: `http://127.0.0.1:${server.addr.port}` });

      // Typed by operationId: these names exist only because the document declares them.
      type Snapshot = operations["getCompanySnapshot"]["responses"][200]["content"][
        "application/json"
      ];
      type Problem = components["schemas"]["Problem"];

      const snap = await client.GET("/api/v1/company/snapshot", {
        params: { query: { corp_code: t.corpCode } },
      });
      assert.equal(snap.response.status, 200);
      const body: Snapshot = snap.data!;
      assert.equal(body.corp_code, t.corpCode);
      assert.ok(body.profile?.corp_name, "a profile with a name");

      const pipeline = await client.GET("/api/v1/ipo/pipeline", {
        params: { query: { limit: 5, stage: "상장" } },
      });
      assert.equal(pipeline.response.status, 200);
      assert.ok(pipeline.data!.items.length > 0 && pipeline.data!.items.length <= 5);
      assert.ok(pipeline.data!.items.every((i) => i.stage === "상장"));
      assert.equal(typeof pipeline.data!.total, "number");

      const instruments = await client.GET("/api/v1/market/instruments", {
        params: { query: { limit: 3, market: "KOSDAQ" } },
      });
      assert.equal(instruments.response.status, 200);
      assert.equal(instruments.data!.items.length, 3);
      assert.ok(instruments.data!.items.every((i) => i.market === "KOSDAQ"));
      assert.ok(instruments.data!.next_cursor, "a next page");

      const search = await client.GET("/api/v1/company/search", {
        params: { query: { q: body.profile!.corp_name, limit: 5 } },
      });
      assert.equal(search.response.status, 200);
      assert.equal(search.data!.hits[0].corp_code, t.corpCode);

      // A bad call: the typed problem, with the offending parameter.
      const bad = await client.GET("/api/v1/company/snapshot", {
        params: { query: { corp_code: "123" } },
      });
      assert.equal(bad.data, undefined);
      const problem: Problem | undefined = bad.error;
      assert.equal(problem?.status, 400);
      assert.equal(
        bad.response.headers.get("content-type"),
        "application/problem+json; charset=utf-8",
      );
      assert.equal(problem?.errors?.[0].path, "corp_code");
      const missing = await client.GET("/api/v1/market/instruments/{code}", {
        params: { path: { code: "999999" } },
      });
      assert.equal(missing.error?.status, 404);
      assert.match(missing.error?.detail ?? "", /999999/);
    } finally {
      await server.shutdown();
      await t.close();
    }
  },
});

Deno.test({
  name: "[openapi] /api/docs serves the Swagger UI page: local files, no inline script, a CSP",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await buildTestApp({ bundle: true });
    try {
      const build = t.deps.islandBundle!;
      const res = await t.app.request("/api/docs");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-security-policy"), DOCS_CSP);
      assert.match(DOCS_CSP, /script-src 'self'(;|$)/);
      const html = await res.text();
      assert.ok(html.includes('<div id="swagger-ui" class="api-reference" data-openapi-url='));
      const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
      assert.ok(scripts.length >= 2 && scripts.every((a) => /\ssrc="\/static\//.test(a)), "local");
      for (const path of [build.docs.script, build.docs.css, build.docs.init]) {
        assert.ok(html.includes(`"${path}"`), path);
        const file = await t.app.request(path);
        assert.equal(file.status, 200, path);
        await file.body?.cancel();
      }
      assert.ok(
        !/cdn|unpkg|jsdelivr|https?:\/\/(?!www\.rfc)/i.test(html.replace(/<a [^>]*>/g, "")),
      );
    } finally {
      await t.close();
    }
  },
});
