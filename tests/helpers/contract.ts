/**
 * Test helper: validates API responses against the schema the app's OpenAPI document
 * publishes for them (ajv, JSON Schema 2020-12), checking status, then content type, then
 * body — the same check as tests/api_test.ts, reusable by other API tests.
 */
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** Something that answers requests (a Hono app). */
export interface Requester {
  request(url: string, init?: RequestInit): Response | Promise<Response>;
}

/** A checker: `check(url, documentedPath, status)` returns the validated body. */
export type ContractCheck = (
  url: string,
  path: string,
  status: number,
  init?: RequestInit,
) => Promise<Json>;

/** Validates a body against the schema documented for (method, path, status, type). */
export type BodyValidator = (
  method: "get" | "post",
  path: string,
  status: number,
  body: Json,
  type?: string,
) => void;

/** Loads the OpenAPI document of `app` and returns a body validator. */
export async function openApiValidator(app: Requester): Promise<BodyValidator> {
  const res = await app.request("/api/openapi.json");
  assert.equal(res.status, 200);
  const doc: Json = await res.json();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // deno-lint-ignore no-explicit-any
  (addFormats as any).default ? (addFormats as any).default(ajv) : (addFormats as any)(ajv);
  ajv.addSchema({ $id: "openapi.json", components: doc.components }, "openapi.json");
  return (method, path, status, body, type) => {
    const t = type ?? (status < 400 ? "application/json" : "application/problem+json");
    const op = doc.paths[path]?.[method];
    assert.ok(op, `OpenAPI has ${method.toUpperCase()} ${path}`);
    const schema = op.responses[String(status)]?.content?.[t]?.schema;
    assert.ok(schema, `OpenAPI documents ${status} ${t} for ${method.toUpperCase()} ${path}`);
    const validate = ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"openapi.json#/components')),
    );
    assert.ok(validate(body), `${path} ${status}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  };
}

/**
 * Returns a GET checker: `check(url, documentedPath, status)` requests `url`, checks the
 * status and content type, validates the body and returns it.
 */
export async function contract(app: Requester): Promise<ContractCheck> {
  const validate = await openApiValidator(app);
  return async (url, path, status, init) => {
    const r = await app.request(url, init);
    assert.equal(r.status, status, `${url}: status`);
    const type = status < 400 ? "application/json" : "application/problem+json";
    assert.match(r.headers.get("content-type") ?? "", new RegExp(`^${type.replace("+", "\\+")}`));
    const body: Json = await r.json();
    validate("get", path, status, body, type);
    return body;
  };
}
