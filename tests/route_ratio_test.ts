/**
 * bench/route_ratio.ts works: it starts the real app, captures two routes' exact answers,
 * serves them from the raw server (checked byte for byte by the tool itself) and measures
 * both with wrk. One second per measurement, on a machine shared with other tests: this
 * proves the tool, it is not a benchmark, so no ratio or latency is asserted.
 */
import assert from "node:assert/strict";
import { ROUTES, selectRoutes } from "../bench/route_ratio.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("[bench] route_ratio selects routes by name or prefix and refuses unknown ones", () => {
  assert.deepEqual(selectRoutes("snapshot_gzip").map((r) => r.name), ["snapshot_gzip"]);
  assert.deepEqual(
    selectRoutes("ipo_pipeline").map((r) => r.name),
    ["ipo_pipeline_gzip", "ipo_pipeline_identity", "ipo_pipeline_filtered_gzip"],
  );
  assert.equal(selectRoutes(undefined).length, ROUTES.length);
  assert.throws(() => selectRoutes("snapshot_gzip,nope"), /unknown route nope/);
  assert.equal(new Set(ROUTES.map((r) => r.name)).size, ROUTES.length, "names are unique");
});

Deno.test("[bench] route_ratio --quick measures the app and the raw server on two routes", async () => {
  const names = ["snapshot_gzip", "ipo_pipeline_identity"];
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "bench/route_ratio.ts",
      "--quick",
      "--seconds",
      "1",
      "--settle",
      "0",
      "--routes",
      names.join(","),
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `route_ratio failed:\n${stderr}`);
  const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  assert.equal(r.bench, "route_ratio");
  assert.equal(r.rounds, 1);
  assert.equal(r.seconds, 1);
  assert.deepEqual(r.routes.map((x: { name: string }) => x.name), names);
  const [gz, identity] = r.routes;
  assert.equal(gz.headers["content-encoding"], "gzip", "captured as sent, not decompressed");
  assert.equal(identity.headers["content-encoding"], undefined);
  assert.ok(identity.bytes > gz.bytes);
  for (const x of r.routes) {
    assert.equal(x.status, 200);
    assert.equal(x.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(x.headers["date"], undefined, "server-written headers are not copied");
    for (const side of [x.app, x.raw]) {
      assert.equal(side.runs.length, 1);
      assert.ok(side.requests > 0 && side.rps > 0, JSON.stringify(side));
      assert.ok(side.p99_ms > 0);
    }
    assert.equal(typeof x.ratio, "number");
    assert.equal(x.ratio, Math.round((x.app.rps / x.raw.rps) * 1000) / 1000);
    assert.equal(typeof x.pass, "boolean");
    assert.equal(x.stable, true);
  }
  assert.match(
    stderr,
    /\n\| snapshot_gzip \| `\/api\/v1\/company\/snapshot\?corp_code=\d{8}`, gzip \| [\d,]+ \| [\d,]+ \|/,
    "the Markdown table is printed",
  );
});
