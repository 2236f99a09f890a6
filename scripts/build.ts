/**
 * Builds the island bundle: `islands/client.ts` (which imports every registered island)
 * bundled by esbuild into one content-hashed file `static/build/islands-<hash>.js`, plus
 * `static/build/manifest.json` `{ bundle, built_at, inputs_hash }`.
 *
 * {@link ensureBuild} rebuilds only when the bundle is missing or stale: the inputs hash
 * covers every source file under islands/ and components/, lib/format.ts, deno.json
 * (dependency versions) and this script. Run it directly with
 * `deno run -A scripts/build.ts [--force]`.
 *
 * @module
 */
import * as esbuild from "esbuild";

const ROOT = new URL("../", import.meta.url);
const OUT_DIR = new URL("static/build/", ROOT);
const MANIFEST = new URL("manifest.json", OUT_DIR);
const ENTRY = new URL("islands/client.ts", ROOT);
/** Public URL prefix of OUT_DIR. */
export const PUBLIC_PREFIX = "/static/build/";

/** Directories (recursive) and files whose contents decide whether to rebuild. */
export const INPUT_DIRS = ["islands", "components", "lib/live", "lib/market"];
export const INPUT_FILES = ["lib/format.ts", "deno.json", "scripts/build.ts"];
const SOURCE_EXT = /\.(ts|tsx|js|jsx|mjs|json|css)$/;

/** The contents of static/build/manifest.json. */
export interface BuildManifest {
  /** Public path of the bundle, e.g. "/static/build/islands-ab12cd34.js". */
  bundle: string;
  /** ISO time of the build. */
  built_at: string;
  /** SHA-256 (hex) over the input files' paths and contents. */
  inputs_hash: string;
}

async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function listFiles(dir: URL, rel: string, out: string[]): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  for (const e of entries) {
    const childRel = `${rel}/${e.name}`;
    if (e.isDirectory) await listFiles(new URL(`${e.name}/`, dir), childRel, out);
    else if (e.isFile && SOURCE_EXT.test(e.name)) out.push(childRel);
  }
}

/** The input files (repository-relative, sorted) that the inputs hash covers. */
export async function inputFiles(): Promise<string[]> {
  const files: string[] = [...INPUT_FILES];
  for (const d of INPUT_DIRS) await listFiles(new URL(`${d}/`, ROOT), d, files);
  return [...new Set(files)].sort();
}

/** SHA-256 over the paths and contents of {@link inputFiles}. */
export async function inputsHash(): Promise<string> {
  const parts: string[] = [];
  for (const f of await inputFiles()) {
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

/** Reads the manifest, or null when it is missing or malformed. */
export async function readManifest(): Promise<BuildManifest | null> {
  try {
    const m = JSON.parse(await Deno.readTextFile(MANIFEST));
    return typeof m?.bundle === "string" && typeof m?.inputs_hash === "string" ? m : null;
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

function bundleFile(publicPath: string): URL | null {
  if (!publicPath.startsWith(PUBLIC_PREFIX)) return null;
  const name = publicPath.slice(PUBLIC_PREFIX.length);
  return /^islands-[A-Za-z0-9]+\.js$/.test(name) ? new URL(name, OUT_DIR) : null;
}

/** Bundles the client entry and returns the minified code. */
async function bundle(): Promise<Uint8Array> {
  try {
    const result = await esbuild.build({
      entryPoints: [decodeURIComponent(ENTRY.pathname)],
      absWorkingDir: decodeURIComponent(ROOT.pathname),
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      target: ["es2020"],
      jsx: "automatic",
      jsxImportSource: "preact",
      minify: true,
      legalComments: "none",
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "silent",
    });
    const out = result.outputFiles[0];
    if (!out) throw new Error("esbuild produced no output");
    return out.contents;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(
      `island bundle failed: ${msg}` +
        (/Could not resolve/.test(msg)
          ? "\n(run `deno install` so node_modules/ is populated)"
          : ""),
    );
  } finally {
    await esbuild.stop();
  }
}

/** Deletes bundles other than the ones to keep (the new and the previous one). */
async function pruneBundles(keep: Set<string>): Promise<void> {
  for await (const e of Deno.readDir(OUT_DIR)) {
    if (e.isFile && /^islands-[A-Za-z0-9]+\.js$/.test(e.name) && !keep.has(e.name)) {
      await Deno.remove(new URL(e.name, OUT_DIR)).catch(() => {});
    }
  }
}

async function build(hash: string, previous: BuildManifest | null): Promise<string> {
  const code = await bundle();
  const name = `islands-${(await sha256Hex(code)).slice(0, 10)}.js`;
  await Deno.mkdir(OUT_DIR, { recursive: true });
  const file = new URL(name, OUT_DIR);
  // Write under a temporary name and rename, so a concurrent reader never sees half a file.
  const tmp = new URL(`.${name}.${crypto.randomUUID().slice(0, 8)}.tmp`, OUT_DIR);
  await Deno.writeFile(tmp, code);
  await Deno.rename(tmp, file);
  const manifest: BuildManifest = {
    bundle: `${PUBLIC_PREFIX}${name}`,
    built_at: new Date().toISOString(),
    inputs_hash: hash,
  };
  const tmpManifest = new URL(`.manifest.${crypto.randomUUID().slice(0, 8)}.tmp`, OUT_DIR);
  await Deno.writeTextFile(tmpManifest, JSON.stringify(manifest, null, 2) + "\n");
  await Deno.rename(tmpManifest, MANIFEST);
  const keep = new Set([name]);
  const prev = previous && bundleFile(previous.bundle);
  if (prev) keep.add(prev.pathname.split("/").pop()!);
  await pruneBundles(keep);
  return manifest.bundle;
}

let inFlight: Promise<string> | null = null;

/** Options of {@link ensureBuild}. */
export interface EnsureBuildOptions {
  /** Rebuild even when the bundle is up to date. */
  force?: boolean;
}

/**
 * Makes sure an up-to-date island bundle exists and returns its public path, e.g.
 * "/static/build/islands-ab12cd34ef.js". Rebuilds only when the bundle or manifest is
 * missing or the inputs hash changed (or with `force`). Concurrent calls in one process
 * share one build. When the file system is read-only (Deno Deploy) and a bundle from an
 * earlier build exists, that bundle is returned instead of failing.
 */
export function ensureBuild(opts: EnsureBuildOptions = {}): Promise<string> {
  if (inFlight) return inFlight;
  inFlight = (async () => {
    const [hash, manifest] = await Promise.all([inputsHash(), readManifest()]);
    const file = manifest && bundleFile(manifest.bundle);
    const fresh = !!manifest && !!file && manifest.inputs_hash === hash && await exists(file);
    if (fresh && !opts.force) return manifest!.bundle;
    try {
      return await build(hash, manifest);
    } catch (err) {
      // A read-only file system (Deno Deploy) or a sandbox without write permission: fall
      // back to the last build when there is one.
      const cannotWrite = err instanceof Deno.errors.PermissionDenied ||
        err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.NotSupported ||
        (err instanceof Error && /read-only|EROFS/i.test(err.message));
      if (cannotWrite && manifest && file && await exists(file)) return manifest.bundle;
      throw err;
    }
  })().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

if (import.meta.main) {
  const t0 = performance.now();
  const path = await ensureBuild({ force: Deno.args.includes("--force") });
  const info = await Deno.stat(new URL(path.slice(PUBLIC_PREFIX.length), OUT_DIR));
  // deno-lint-ignore no-console
  console.log(
    `${path} (${(info.size / 1024).toFixed(1)} KiB, ${Math.round(performance.now() - t0)} ms)`,
  );
}
