/**
 * The browser build (scripts/build.ts) and what pages load from it: one entry per island
 * with code splitting, chart.js only behind the chart islands' dynamic imports, stored
 * brotli/gzip copies equal to the files, and a page's script tags naming just the islands it
 * rendered.
 */
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { h } from "preact";
import type { ClientAssets } from "../components/Island.tsx";
import { Layout, renderDocument } from "../components/Layout.tsx";
import { islands } from "../islands/mod.ts";
import { ensureBuild, PUBLIC_PREFIX, readManifest } from "../scripts/build.ts";
import { buildTestApp } from "./helpers/app.ts";

const OUT = new URL("../static/build/", import.meta.url);
const file = (publicPath: string) => new URL(publicPath.slice(PUBLIC_PREFIX.length), OUT);
const read = (publicPath: string) => Deno.readFile(file(publicPath));
/** A string only chart.js's core contains. */
const CHART_JS = "Canvas is already in use";

/** Every module a page gets by loading `entry`: its static imports (what it runs at once). */
async function staticClosure(src: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(src)) return seen;
  seen.add(src);
  const code = new TextDecoder().decode(await read(src));
  for (const m of code.matchAll(/(?:import|from)\s*["']\.\/([^"']+)["']/g)) {
    await staticClosure(PUBLIC_PREFIX + m[1], seen);
  }
  return seen;
}

Deno.test({
  name: "[build] one entry per island; chart.js only behind the chart islands' dynamic imports",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const m = await ensureBuild();
    assert.deepEqual(Object.keys(m.islands).sort(), Object.keys(islands).sort());
    const again = await ensureBuild();
    assert.equal(again.built_at, m.built_at, "same inputs: no rebuild");
    assert.deepEqual(await readManifest(), m);

    for (const [name, entry] of Object.entries(m.islands)) {
      assert.match(entry.src, new RegExp(`^/static/build/island-${name}-[A-Z0-9]{8}\\.js$`));
      const closure = await staticClosure(entry.src);
      assert.deepEqual(
        [...closure].filter((p) => p !== entry.src).sort(),
        [...entry.preload].sort(),
        `${name}: the manifest preloads exactly what the entry imports`,
      );
      for (const p of closure) {
        const code = new TextDecoder().decode(await read(p));
        assert.ok(!code.includes(CHART_JS), `${name} loads no chart.js up front (${p})`);
        if (name.endsWith("Chart")) continue;
        assert.ok(!/import\(/.test(code), `${name} imports nothing on demand (${p})`);
      }
    }
    // The chart islands reach chart.js through a dynamic import.
    for (const name of ["PriceChart", "FinancialChart"]) {
      const code = new TextDecoder().decode(await read(m.islands[name].src));
      const lazy = [...code.matchAll(/import\("\.\/([^"]+)"\)/g)].map((x) => x[1]);
      assert.ok(lazy.length >= 1, `${name} has a dynamic import`);
      const behind = await staticClosure(PUBLIC_PREFIX + lazy[0]);
      const texts = await Promise.all([...behind].map(read));
      assert.ok(texts.some((b) => new TextDecoder().decode(b).includes(CHART_JS)), name);
    }
    // The enhancement (sortable tables) is tiny and has no preact.
    const enhance = await staticClosure(m.enhance.src);
    let bytes = 0;
    for (const p of enhance) bytes += (await read(p)).length;
    assert.ok(bytes < 4096, `enhance is ${bytes} bytes`);

    // Every js/css file has stored copies that decompress to the same bytes.
    const outputs = m.files.filter((f) => /\.(js|css)$/.test(f));
    assert.ok(outputs.length >= Object.keys(islands).length + 4);
    for (const f of outputs) {
      const raw = await Deno.readFile(new URL(f, OUT));
      const br = await Deno.readFile(new URL(`${f}.br`, OUT));
      const gz = await Deno.readFile(new URL(`${f}.gz`, OUT));
      assert.deepEqual(new Uint8Array(zlib.brotliDecompressSync(br)), raw, `${f}.br`);
      assert.deepEqual(new Uint8Array(zlib.gunzipSync(gz)), raw, `${f}.gz`);
      assert.ok(br.length < raw.length && gz.length < raw.length, f);
    }
    for (const p of [m.css, m.docs.css, m.docs.script, m.docs.init]) {
      assert.ok(m.files.includes(p.slice(PUBLIC_PREFIX.length)), p);
    }
    const css = new TextDecoder().decode(await read(m.css));
    assert.ok(css.includes(".site-header"), "the stylesheet is the app's");
  },
});

Deno.test({
  name: "[build] a page loads the scripts of just the islands it rendered",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await buildTestApp({ bundle: true });
    try {
      const build = t.deps.islandBundle as ClientAssets;
      const scripts = (html: string) =>
        [...html.matchAll(/<script type="module" src="([^"]+)"/g)].map((x) => x[1]).sort();
      const preloads = (html: string) =>
        [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((x) => x[1]).sort();
      const rendered = (html: string) =>
        [...new Set([...html.matchAll(/data-island="(\w+)"/g)].map((x) => x[1]))].sort();

      // The company page: its islands (charts, live price, session badge…) and tables.
      const company = await (await t.app.request(`/company/${t.corpCode}`)).text();
      const names = rendered(company);
      assert.ok(names.includes("PriceChart") && names.includes("LivePrice"), names.join());
      assert.deepEqual(
        scripts(company),
        [...names.map((n) => build.islands[n].src), build.enhance.src].sort(),
      );
      const chunks = [...new Set(names.flatMap((n) => build.islands[n].preload))].sort();
      assert.deepEqual(preloads(company), chunks, "shared chunks preloaded once each");
      assert.ok(!company.includes(build.islands.Watchlist.src), "no island it did not render");

      // A page of sortable tables only: the enhancement and the header's search box (the
      // one island every page has), no chart code.
      const search = build.islands.SearchBox;
      for (const path of ["/", "/market", "/ipo?view=table"]) {
        const html = await (await t.app.request(path)).text();
        assert.deepEqual(rendered(html), ["SearchBox"], `${path} renders only the search box`);
        assert.deepEqual(scripts(html), [search.src, build.enhance.src].sort(), path);
        assert.deepEqual(
          preloads(html),
          [...new Set([...search.preload, ...build.enhance.preload])].sort(),
          path,
        );
      }
      // A page with no island and no table (and no header search) loads no script at all.
      const plain = renderDocument(
        h(Layout, { title: "t", sample: false, bundle: build, search: false }),
      );
      assert.deepEqual([scripts(plain), preloads(plain)], [[], []]);
      // No inline script anywhere (pages carry a CSP).
      for (const html of [company, await (await t.app.request("/api/docs")).text()]) {
        assert.ok(!/<script(?![^>]*\ssrc=)[^>]*>/.test(html), "every script has a src");
      }
      // Without a build the page still renders, with the plain stylesheet and no scripts.
      const unbuilt = renderDocument(h(Layout, { title: "t", sample: false, bundle: null }));
      assert.ok(unbuilt.includes('href="/static/kdesk.css"') && !unbuilt.includes("<script"));
    } finally {
      await t.close();
    }
  },
});
