/**
 * The committed IPO document fixtures are what `tests/helpers/ipo_doc_fixtures.ts` builds
 * (regenerate with `deno run -A scripts/ipo_doc_fixtures.ts`), and the CP949 ones really are
 * CP949 bytes under an `encoding="utf-8"` declaration.
 *
 * @module
 */
import assert from "node:assert/strict";
import JSZip from "jszip";
import { buildFixtureZips, FIXTURE_DIR, fixtureZips } from "./helpers/ipo_doc_fixtures.ts";

Deno.test("committed document ZIPs and readable copies match a rebuild", async () => {
  const built = await buildFixtureZips();
  assert.equal(built.size, 9);
  for (const [file, bytes] of built) {
    const committed = await Deno.readFile(new URL(file, FIXTURE_DIR));
    assert.deepEqual(committed, bytes, `${file} is stale: run scripts/ipo_doc_fixtures.ts`);
  }
  for (const z of await fixtureZips()) {
    if (!z.readable) continue;
    const txt = await Deno.readTextFile(new URL(z.file.replace(/\.zip$/, ".xml.txt"), FIXTURE_DIR));
    assert.equal(txt, z.readable, z.file);
  }
});

Deno.test("CP949 fixtures hold CP949 bytes (not UTF-8) under a utf-8 declaration", async () => {
  const cases = [
    ["terms_20260709000412_cp949.zip", "terms_20260709000412_cp949.xml.txt"],
    ["terms_20260709000412_quirks_cp949.zip", "handwritten_terms_quirks.xml.txt"],
  ];
  for (const [file, source] of cases) {
    const zip = await JSZip.loadAsync(await Deno.readFile(new URL(file, FIXTURE_DIR)));
    const main = Object.values(zip.files).find((f) => /\d{14}\.xml$/.test(f.name))!;
    const bytes = await main.async("uint8array");
    assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes), file);
    const text = new TextDecoder("euc-kr", { fatal: true }).decode(bytes);
    assert.match(text, /^<\?xml version="1\.0" encoding="utf-8"\?>/);
    // Every character survived the encoding (none became "?").
    assert.equal(text, await Deno.readTextFile(new URL(source, FIXTURE_DIR)), file);
  }
});
