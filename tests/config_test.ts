/** Settings: every env variable config.ts reads is documented in README's settings table. */
import assert from "node:assert/strict";
import { ConfigSchema, loadConfig } from "../config.ts";

const README = await Deno.readTextFile(new URL("../README.md", import.meta.url));

/** The settings table rows: variable names → default column. */
function settingsTable(): Map<string, string> {
  const section = README.slice(README.indexOf("## Settings"));
  const rows = new Map<string, string>();
  for (const line of section.split("\n").slice(1)) {
    if (line.startsWith("## ")) break;
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 4 || !cells[1].startsWith("`")) continue;
    for (const m of cells[1].matchAll(/`([A-Z0-9_]+)`/g)) rows.set(m[1], cells[2]);
  }
  return rows;
}

Deno.test("[config] README's settings table lists every setting with its default", () => {
  const rows = settingsTable();
  const defaults = loadConfig({}) as Record<string, unknown>;
  for (const key of Object.keys(ConfigSchema.shape)) {
    assert.ok(rows.has(key), `${key} is missing from README's settings table`);
    const def = defaults[key];
    if (def !== undefined) {
      assert.equal(rows.get(key), `\`${def}\``, `${key}: README default vs config.ts`);
    }
  }
});

Deno.test("[config] KIND_BASE_URL: KIND's origin, overridable, validated", () => {
  assert.equal(loadConfig({}).KIND_BASE_URL, "https://kind.krx.co.kr");
  assert.equal(
    loadConfig({ KIND_BASE_URL: "http://127.0.0.1:9" }).KIND_BASE_URL,
    "http://127.0.0.1:9",
  );
  assert.throws(() => loadConfig({ KIND_BASE_URL: "not a url" }), /KIND_BASE_URL/);
});
