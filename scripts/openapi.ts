/**
 * The OpenAPI document's tooling, pinned: Redocly CLI's recommended rules (`lint`) and the
 * TypeScript types that openapi-typescript generates from it (`types` rewrites the committed
 * tests/generated/kdesk-api.d.ts; `check` fails when that file is out of date). Both tools
 * run through `npx -y <package>@<exact version>`, so nothing is added to the app's
 * dependencies. tests/openapi_test.ts runs the lint and the check in `deno task test`.
 *
 * ```
 * deno task openapi lint    # 0 errors and 0 warnings, or exit 1 listing them
 * deno task openapi types   # regenerate tests/generated/kdesk-api.d.ts
 * deno task openapi check   # exit 1 when the committed types differ from the document's
 * ```
 *
 * @module
 */
import { loadConfig } from "../config.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { apiRoutes } from "../routes/api.ts";

/** Redocly CLI, pinned. */
export const REDOCLY = "@redocly/cli@2.77.0";
/** openapi-typescript, pinned. */
export const OPENAPI_TYPESCRIPT = "openapi-typescript@7.13.0";
/** The committed types generated from the document. */
export const TYPES_FILE = new URL("../tests/generated/kdesk-api.d.ts", import.meta.url);

/** The document as `/api/openapi.json` serves it (built on an empty in-memory KV). */
export async function openApiDocument(): Promise<string> {
  const kv = await Deno.openKv(":memory:");
  const snapshots = new SnapshotCache(kv);
  try {
    const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "on" });
    const app = apiRoutes({ kv, config, snapshots, islandBundle: null });
    const res = await app.request("/api/openapi.json");
    if (!res.ok) throw new Error(`/api/openapi.json answered ${res.status}`);
    return await res.text();
  } finally {
    await snapshots.close();
    kv.close();
  }
}

async function npx(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("npx", {
      args: ["-y", ...args],
      stdout: "piped",
      stderr: "piped",
      env: {
        NO_COLOR: "1",
        NO_UPDATE_NOTIFIER: "1",
        REDOCLY_TELEMETRY: "off",
        npm_config_prefer_offline: "true",
        npm_config_fund: "false",
      },
    }).output();
  } catch (err) {
    throw new Error(`npx is needed (Node.js and npm): ${(err as Error).message}`);
  }
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** One finding of the lint. */
export interface LintProblem {
  rule: string;
  severity: string;
  message: string;
  pointer: string;
}

/** Runs Redocly's recommended rules over `docPath`; every error and warning is returned. */
export async function lintDocument(docPath: string): Promise<LintProblem[]> {
  const r = await npx([REDOCLY, "lint", "--extends=recommended", "--format=json", docPath]);
  const start = r.stdout.indexOf("{");
  if (start < 0) throw new Error(`redocly printed no report (exit ${r.code}): ${r.stderr}`);
  // deno-lint-ignore no-explicit-any
  const report: any = JSON.parse(r.stdout.slice(start));
  // deno-lint-ignore no-explicit-any
  return (report.problems ?? []).map((p: any) => ({
    rule: p.ruleId,
    severity: p.severity,
    message: p.message,
    pointer: p.location?.[0]?.pointer ?? "",
  }));
}

/** Generates the TypeScript types of `docPath` (openapi-typescript's output, unchanged). */
export async function generateTypes(docPath: string): Promise<string> {
  const out = await Deno.makeTempFile({ suffix: ".d.ts" });
  try {
    const r = await npx([OPENAPI_TYPESCRIPT, docPath, "-o", out]);
    if (r.code !== 0) throw new Error(`openapi-typescript failed: ${r.stderr}`);
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}

/** Writes the document to a temporary file for the tools; removed after `fn`. */
export async function withDocumentFile<T>(fn: (path: string) => Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, await openApiDocument());
    return await fn(path);
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}

if (import.meta.main) {
  const cmd = Deno.args[0];
  const fail = (msg: string): never => {
    // deno-lint-ignore no-console
    console.error(msg);
    Deno.exit(1);
  };
  if (cmd === "lint") {
    const problems = await withDocumentFile(lintDocument);
    for (const p of problems) {
      // deno-lint-ignore no-console
      console.error(`${p.severity} ${p.rule} ${p.pointer}: ${p.message}`);
    }
    if (problems.length) fail(`openapi lint: ${problems.length} problems (${REDOCLY})`);
    // deno-lint-ignore no-console
    console.log(`openapi lint: 0 errors, 0 warnings (${REDOCLY}, recommended)`);
  } else if (cmd === "types" || cmd === "check") {
    const types = await withDocumentFile(generateTypes);
    const current = await Deno.readTextFile(TYPES_FILE).catch(() => "");
    if (cmd === "types") {
      await Deno.writeTextFile(TYPES_FILE, types);
      // deno-lint-ignore no-console
      console.log(`wrote ${TYPES_FILE.pathname}${current === types ? " (unchanged)" : ""}`);
    } else if (current !== types) {
      fail("tests/generated/kdesk-api.d.ts is out of date: run `deno task openapi types`");
    }
  } else {
    fail("usage: deno run -A scripts/openapi.ts lint|types|check");
  }
}
