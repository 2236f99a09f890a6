/**
 * Builds the browser assets into static/build/, every file under a content-hashed name
 * (cached forever by routes/assets.ts):
 *
 * - one entry per registered island (islands/mod.ts), `island-<Name>-<hash>.js`, which
 *   hydrates that island's markers (islands/client.ts). esbuild's code splitting puts what
 *   entries share (preact, signals, the live price feed) into `chunk-<hash>.js` files and each
 *   island's dynamic imports (the chart.js drawing code) into chunks of their own, fetched
 *   only when a chart renders. A page loads just the islands it rendered
 *   (components/Layout.tsx), so a page without charts loads no chart code;
 * - `enhance-<hash>.js`: the progressive enhancements (sortable tables), without preact;
 * - `kdesk-<hash>.css`: static/kdesk.css, minified;
 * - the API reference page (/api/docs): swagger-ui-dist's bundle and stylesheet, copied, and
 *   `api-docs-<hash>.js` (islands/api_docs.ts), which starts it;
 * - next to every .js and .css file a brotli (`.br`, quality 11) and a gzip (`.gz`, level 9)
 *   copy, which routes/assets.ts sends to browsers that accept them;
 * - `manifest.json` ({@link BuildManifest}): public paths by entry, the files written and
 *   the inputs.
 *
 * {@link ensureBuild} rebuilds only when an output is missing or an input changed: the inputs
 * hash covers every source file the last build bundled (from esbuild's metafile), the island
 * registry, deno.json (dependency versions) and this script. Run it directly with
 * `deno run -A scripts/build.ts [--force]`; it prints each entry's size.
 *
 * @module
 */
import * as esbuild from "esbuild";
import zlib from "node:zlib";
import type { ClientAssets, ClientEntry } from "../components/Island.tsx";
import { islands } from "../islands/mod.ts";

const ROOT = new URL("../", import.meta.url);
const ROOT_PATH = decodeURIComponent(ROOT.pathname);
const OUT_DIR = new URL("static/build/", ROOT);
const MANIFEST = new URL("manifest.json", OUT_DIR);
const SWAGGER_DIR = new URL("node_modules/swagger-ui-dist/", ROOT);
/** Public URL prefix of OUT_DIR. */
export const PUBLIC_PREFIX = "/static/build/";

/** Files that decide a rebuild besides the bundled sources (the registry, versions, this). */
export const INPUT_FILES = ["deno.json", "scripts/build.ts", "islands/mod.ts"];
/** Names of the files a build writes (hashed .js/.css and their .br/.gz copies). */
export const OUTPUT_RE = /^[A-Za-z0-9_-]+-[A-Za-z0-9]{8,}\.(js|css)(\.br|\.gz)?$/;

/** The contents of static/build/manifest.json. */
export interface BuildManifest extends ClientAssets {
  version: 2;
  /** ISO time of the build. */
  built_at: string;
  /** SHA-256 (hex) over the input files' paths and contents. */
  inputs_hash: string;
  /** Repository-relative source files the build bundled (from esbuild's metafile). */
  inputs: string[];
  /** Every file the build wrote under static/build (compressed copies included). */
  files: string[];
}

async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 over the paths and contents of `files` (repository-relative) and INPUT_FILES. */
export async function inputsHash(files: string[]): Promise<string> {
  const parts: string[] = [];
  for (const f of [...new Set([...INPUT_FILES, ...files])].sort()) {
    let text = "";
    try {
      text = await Deno.readTextFile(new URL(f, ROOT));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      text = "\0missing";
    }
    parts.push(`${f}\n${text.length}\n${text}`);
  }
  return await sha256Hex(parts.join("\n"));
}

/** Reads the manifest, or null when it is missing, malformed or of an older layout. */
export async function readManifest(): Promise<BuildManifest | null> {
  try {
    const m = JSON.parse(await Deno.readTextFile(MANIFEST));
    return m?.version === 2 && typeof m.inputs_hash === "string" && Array.isArray(m.files) &&
        Array.isArray(m.inputs) && m.islands && m.enhance && m.docs
      ? m
      : null;
  } catch {
    return null;
  }
}

async function exists(url: URL): Promise<boolean> {
  try {
    return (await Deno.stat(url)).isFile;
  } catch {
    return false;
  }
}

/** Writes a file under a temporary name and renames it, so no reader sees half a file. */
async function writeAtomic(name: string, bytes: Uint8Array): Promise<void> {
  const tmp = new URL(`.${name}.${crypto.randomUUID().slice(0, 8)}.tmp`, OUT_DIR);
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, new URL(name, OUT_DIR));
}

/** Brotli at the highest quality: done once per content-hashed file. */
export function brotli(bytes: Uint8Array): Uint8Array {
  return zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

/**
 * Writes an output file and its .br and .gz copies. Names are content-hashed, so a file that
 * exists already is left as it is (its compressed copies too).
 */
async function writeOutput(name: string, bytes: Uint8Array, files: string[]): Promise<void> {
  files.push(name);
  if (!(await exists(new URL(name, OUT_DIR)))) await writeAtomic(name, bytes);
  if (!/\.(js|css)$/.test(name)) return;
  for (const [ext, compress] of [[".br", brotli], [".gz", gzip9]] as const) {
    files.push(name + ext);
    if (!(await exists(new URL(name + ext, OUT_DIR)))) {
      await writeAtomic(name + ext, compress(bytes));
    }
  }
}

const gzip9 = (bytes: Uint8Array) => zlib.gzipSync(bytes, { level: 9 });

/** The entry module of an island: hydrate its markers with the registered component. */
function islandEntry(name: string): string {
  return `import { hydrateIsland } from "./client.ts";\n` +
    `import { ${name} } from "./${name}.tsx";\n` +
    `hydrateIsland(${JSON.stringify(name)}, ${name});\n`;
}
const ENHANCE_ENTRY =
  `import { enhanceSortableTables } from "./sortable.ts";\nenhanceSortableTables(document);\n`;

/** Resolves `kdesk-entry:<name>` to generated entry modules (resolved from islands/). */
function virtualEntries(contents: Map<string, string>): esbuild.Plugin {
  return {
    name: "kdesk-entries",
    setup(b) {
      b.onResolve({ filter: /^kdesk-entry:/ }, (a) => ({
        path: a.path.slice("kdesk-entry:".length),
        namespace: "kdesk-entry",
      }));
      b.onLoad({ filter: /.*/, namespace: "kdesk-entry" }, (a) => ({
        contents: contents.get(a.path),
        loader: "ts",
        resolveDir: `${ROOT_PATH}islands`,
      }));
    },
  };
}

/** The island names of the registry, each checked to live in islands/<Name>.tsx. */
async function islandNames(): Promise<string[]> {
  const names = Object.keys(islands).sort();
  for (const n of names) {
    if (!(await exists(new URL(`islands/${n}.tsx`, ROOT)))) {
      throw new Error(`island ${n} is registered but islands/${n}.tsx does not exist`);
    }
  }
  return names;
}

/** Copies a swagger-ui-dist file under a content-hashed name (its source-map comment cut). */
async function vendorFile(file: string, files: string[]): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(new URL(file, SWAGGER_DIR));
  } catch (err) {
    throw new Error(
      `swagger-ui-dist/${file} not found (run \`deno install\`): ${(err as Error).message}`,
    );
  }
  text = text.replace(/\n?(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=\S+ ?\*\/)\s*$/, "\n");
  const bytes = new TextEncoder().encode(text);
  const dot = file.lastIndexOf(".");
  const name = `${file.slice(0, dot)}-${(await sha256Hex(bytes)).slice(0, 10)}${file.slice(dot)}`;
  await writeOutput(name, bytes, files);
  return PUBLIC_PREFIX + name;
}

/** Runs esbuild and writes everything; returns the manifest (not yet written). */
async function build(): Promise<BuildManifest> {
  const names = await islandNames();
  const virtual = new Map<string, string>([
    ...names.map((n) => [`island-${n}`, islandEntry(n)] as [string, string]),
    ["enhance", ENHANCE_ENTRY],
  ]);
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [
        ...[...virtual.keys()].map((k) => ({ in: `kdesk-entry:${k}`, out: k })),
        { in: "islands/api_docs.ts", out: "api-docs" },
        { in: "static/kdesk.css", out: "kdesk" },
      ],
      absWorkingDir: ROOT_PATH,
      outdir: "static/build",
      entryNames: "[name]-[hash]",
      chunkNames: "chunk-[hash]",
      bundle: true,
      splitting: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "browser",
      target: ["es2020"],
      jsx: "automatic",
      jsxImportSource: "preact",
      minify: true,
      legalComments: "none",
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "silent",
      plugins: [virtualEntries(virtual)],
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(
      `island build failed: ${msg}` +
        (/Could not resolve/.test(msg)
          ? "\n(run `deno install` so node_modules/ is populated)"
          : ""),
    );
  } finally {
    await esbuild.stop();
  }

  await Deno.mkdir(OUT_DIR, { recursive: true });
  const files: string[] = [];
  const publicOf = (outPath: string) => PUBLIC_PREFIX + outPath.slice("static/build/".length);
  for (const f of result.outputFiles) {
    await writeOutput(f.path.slice(f.path.lastIndexOf("/") + 1), f.contents, files);
  }

  // Each entry with the chunks it imports statically (transitively), from the metafile.
  const outputs = result.metafile.outputs;
  const byEntry = new Map<string, string>();
  for (const [path, o] of Object.entries(outputs)) {
    if (o.entryPoint) byEntry.set(o.entryPoint, path);
  }
  const entry = (input: string): ClientEntry => {
    const path = byEntry.get(input);
    if (!path) throw new Error(`esbuild produced no output for ${input}`);
    const seen = new Set<string>();
    const walk = (p: string) => {
      for (const i of outputs[p]?.imports ?? []) {
        if (i.kind === "import-statement" && !seen.has(i.path)) {
          seen.add(i.path);
          walk(i.path);
        }
      }
    };
    walk(path);
    return { src: publicOf(path), preload: [...seen].sort().map(publicOf) };
  };

  const docs = {
    script: await vendorFile("swagger-ui-bundle.js", files),
    css: await vendorFile("swagger-ui.css", files),
    init: entry("islands/api_docs.ts").src,
  };
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes(":") && !p.startsWith("node_modules/")).sort();
  return {
    version: 2,
    islands: Object.fromEntries(names.map((n) => [n, entry(`kdesk-entry:island-${n}`)])),
    enhance: entry("kdesk-entry:enhance"),
    css: entry("static/kdesk.css").src,
    docs,
    built_at: new Date().toISOString(),
    inputs_hash: await inputsHash(inputs),
    inputs,
    files: [...new Set(files)].sort(),
  };
}

/** Deletes build outputs that neither the new nor the previous manifest names. */
async function prune(keep: Set<string>): Promise<void> {
  for await (const e of Deno.readDir(OUT_DIR)) {
    const old = /^islands-[A-Za-z0-9]+\.js$/.test(e.name); // the single bundle of earlier builds
    if (e.isFile && (OUTPUT_RE.test(e.name) || old) && !keep.has(e.name)) {
      await Deno.remove(new URL(e.name, OUT_DIR)).catch(() => {});
    }
  }
}

let inFlight: Promise<BuildManifest> | null = null;

/** Options of {@link ensureBuild}. */
export interface EnsureBuildOptions {
  /** Rebuild even when the build is up to date. */
  force?: boolean;
}

/** True when every file of the manifest exists and no input changed. */
async function isFresh(m: BuildManifest): Promise<boolean> {
  if ((await inputsHash(m.inputs)) !== m.inputs_hash) return false;
  for (const f of m.files) if (!(await exists(new URL(f, OUT_DIR)))) return false;
  return true;
}

/**
 * Makes sure an up-to-date build exists and returns its manifest. Rebuilds only when an
 * output is missing or an input changed (or with `force`). Concurrent calls in one process
 * share one build. When the file system is read-only (Deno Deploy) and an earlier build
 * exists, that build is returned instead of failing.
 */
export function ensureBuild(opts: EnsureBuildOptions = {}): Promise<BuildManifest> {
  if (inFlight) return inFlight;
  inFlight = (async () => {
    const previous = await readManifest();
    if (previous && !opts.force && await isFresh(previous)) return previous;
    try {
      const manifest = await build();
      await writeAtomic(
        "manifest.json",
        new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"),
      );
      await prune(new Set([...manifest.files, ...(previous?.files ?? [])]));
      return manifest;
    } catch (err) {
      // A read-only file system (Deno Deploy) or a sandbox without write permission: fall
      // back to the last build when there is one.
      const cannotWrite = err instanceof Deno.errors.PermissionDenied ||
        err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.NotSupported ||
        (err instanceof Error && /read-only|EROFS/i.test(err.message));
      if (cannotWrite && previous) return previous;
      throw err;
    }
  })().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/** Size of a public build file and of its gzip copy, in bytes. */
export async function fileSizes(publicPath: string): Promise<{ raw: number; gzip: number }> {
  const file = new URL(publicPath.slice(PUBLIC_PREFIX.length), OUT_DIR);
  const [raw, gz] = await Promise.all([Deno.stat(file), Deno.stat(new URL(`${file.href}.gz`))]);
  return { raw: raw.size, gzip: gz.size };
}

if (import.meta.main) {
  const t0 = performance.now();
  const m = await ensureBuild({ force: Deno.args.includes("--force") });
  const ms = Math.round(performance.now() - t0);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const rows: [string, ClientEntry][] = [
    ...Object.entries(m.islands),
    ["(enhance)", m.enhance],
  ];
  for (const [name, e] of rows) {
    const sizes = await Promise.all([e.src, ...e.preload].map(fileSizes));
    const raw = sizes.reduce((s, x) => s + x.raw, 0), gz = sizes.reduce((s, x) => s + x.gzip, 0);
    // deno-lint-ignore no-console
    console.log(`${name.padEnd(16)} ${kb(raw).padStart(10)} ${kb(gz).padStart(10)} gzip  ${e.src}`);
  }
  // deno-lint-ignore no-console
  console.log(`${m.files.length} files in static/build (${ms} ms)`);
}
