/**
 * `/api/docs`: a readable page generated from the OpenAPI document (no CDN needed: the
 * machine kdesk runs on may be offline).
 *
 * @module
 */
import { Hono } from "hono";
import { Layout, renderDocument } from "../components/Layout.tsx";
import { listSnapshotCorps } from "../lib/store/snapshots.ts";
import { apiRoutes } from "./api.ts";
import { type AppDeps, shellOf } from "./deps.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function typeOf(s: Json): string {
  if (!s) return "";
  if (s.$ref) return String(s.$ref).split("/").pop()!;
  if (s.enum) return s.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" | ");
  if (s.type === "array") return `${typeOf(s.items)}[]`;
  const t = Array.isArray(s.type) ? s.type.join(" | ") : s.type ?? "object";
  return s.pattern ? `${t} (${s.pattern})` : t;
}

function Operation(
  { method, path, op, example }: { method: string; path: string; op: Json; example: string },
) {
  const params: Json[] = op.parameters ?? [];
  return (
    <section class="card api-op" id={`${method}-${path}`}>
      <h3>
        <code class="method">{method.toUpperCase()}</code> <code>{path}</code>
      </h3>
      <p>
        <strong>{op.summary}</strong>
        {op.description ? ` — ${op.description}` : ""}
      </p>
      {params.length > 0 && (
        <table class="data">
          <thead>
            <tr>
              <th>parameter</th>
              <th>in</th>
              <th>required</th>
              <th>type</th>
              <th>description</th>
            </tr>
          </thead>
          <tbody>
            {params.map((p) => (
              <tr key={`${p.in}:${p.name}`}>
                <td>
                  <code>{p.name}</code>
                </td>
                <td>{p.in}</td>
                <td>{p.required ? "yes" : "no"}</td>
                <td>
                  <code>{typeOf(p.schema)}</code>
                </td>
                <td>{p.description ?? p.schema?.description ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        Responses:{" "}
        {Object.entries(op.responses ?? {}).map(([code, r]: [string, Json]) => (
          <span key={code} class="badge">{code} {r.description}</span>
        ))}
      </p>
      {example && (
        <p>
          Try:{" "}
          <a href={example}>
            <code>{example}</code>
          </a>
        </p>
      )}
    </section>
  );
}

function Schema({ name, schema }: { name: string; schema: Json }) {
  const props = Object.entries(schema.properties ?? {}) as [string, Json][];
  const required = new Set<string>(schema.required ?? []);
  return (
    <section class="card" id={`schema-${name}`}>
      <h3>
        <code>{name}</code>
      </h3>
      <table class="data">
        <tbody>
          {props.map(([k, v]) => (
            <tr key={k}>
              <td>
                <code>{k}</code>
                {required.has(k) ? "" : "?"}
              </td>
              <td>
                <code>{typeOf(v)}</code>
              </td>
              <td>{v.description ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The docs page route. */
export function docsRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  let doc: Json = null;
  app.get("/api/docs", async (c) => {
    doc ??= apiRoutes(deps).getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: "kdesk API", version: "1.0.0" },
    });
    const first = (await listSnapshotCorps(deps.kv, 1))[0]?.corp_code ?? "00126380";
    const examples: Record<string, string> = {
      "/api/v1/company/snapshot": `/api/v1/company/snapshot?corp_code=${first}`,
      "/api/v1/company/{corp_code}/financials": `/api/v1/company/${first}/financials?report=11011`,
      "/api/v1/company/search": "/api/v1/company/search?q=전자",
    };
    const ops = Object.entries(doc.paths ?? {}).flatMap(([path, item]: [string, Json]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op }))
    );
    return c.html(renderDocument(
      <Layout title="API 문서" {...shellOf(deps)}>
        <h1>kdesk API</h1>
        <p>
          JSON over HTTP. Amounts are in 원 (KRW), dates in KST. Errors are{" "}
          <code>application/problem+json</code> (RFC 9457). The machine-readable description is at
          {" "}
          <a href="/api/openapi.json">
            <code>/api/openapi.json</code>
          </a>{" "}
          (OpenAPI 3.1).
        </p>
        <h2>Endpoints</h2>
        {ops.map((o) => (
          <Operation key={`${o.method} ${o.path}`} {...o} example={examples[o.path] ?? ""} />
        ))}
        <h2>Schemas</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, s]) => (
          <Schema key={name} name={name} schema={s} />
        ))}
      </Layout>,
    ));
  });
  return app;
}
