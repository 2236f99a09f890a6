/**
 * Rewrites the IPO document fixture ZIPs of `tests/fixtures/dart/documents/` (and the readable
 * `*.xml.txt` copies of the generated ones) from `tests/helpers/ipo_doc_fixtures.ts`.
 *
 *   deno run -A scripts/ipo_doc_fixtures.ts
 *
 * @module
 */
import { FIXTURE_DIR, fixtureZips } from "../tests/helpers/ipo_doc_fixtures.ts";
import { writeDocumentZip } from "../lib/sources/dart/documents/mod.ts";

for (const z of await fixtureZips()) {
  await Deno.writeFile(new URL(z.file, FIXTURE_DIR), await writeDocumentZip(z.members));
  if (z.readable) {
    await Deno.writeTextFile(
      new URL(z.file.replace(/\.zip$/, ".xml.txt"), FIXTURE_DIR),
      z.readable,
    );
  }
  // deno-lint-ignore no-console
  console.log(z.file);
}
