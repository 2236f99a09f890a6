// deno-lint-ignore-file no-console
/**
 * Runs every benchmark in turn, each in its own process, and prints their JSON lines.
 * Results are copied into docs/BENCHMARKS.md by hand, with the machine and date.
 *
 * Run: deno task bench [name ...] [--flag ...]   (names: the keys of ALL below; arguments
 * starting with `--`, and the value after a `--flag` that takes one, go to every benchmark
 * named, e.g. `deno task bench route_ratio --quick` or `… route_ratio --routes market`)
 */
const ALL: Record<string, string[]> = {
  corpcode: ["bench/corpcode.ts"],
  search: ["bench/search.ts", "3000", "100000"],
  route_ratio: ["bench/route_ratio.ts"], // 3 rounds x 10 s unless --quick or --rounds/--seconds
  snapshot_load: ["bench/snapshot_load.ts", "3", "10"],
  daily_collection: ["bench/daily_collection.ts", "2000", "400"],
  sse_latency: ["bench/sse_latency.ts", "1000", "30", "100"],
  sse_latency_5k: ["bench/sse_latency.ts", "5000", "30", "100"],
  ipo_load: ["bench/ipo_load.ts", "3", "10", "2000"],
  xlsx: ["bench/xlsx.ts", "2000", "5"],
  sample_build: ["bench/sample_build.ts", "7"],
  backtest_export: ["bench/backtest_export.ts", "2700", "250", "3"],
  body_size: ["bench/body_size.ts", "3", "5"],
  screen_indicators: ["bench/screen_indicators.ts", "2800", "1250", "all", "3"],
  screen_query: ["bench/screen_query.ts", "2800", "1250", "300"],
};
/** Flags without a value; any other `--flag` takes the next argument as its value. */
const SWITCHES = new Set(["--quick", "--dry-run", "--list"]);
const picked: string[] = [], passed: string[] = [];
for (let i = 0; i < Deno.args.length; i++) {
  const a = Deno.args[i];
  if (!a.startsWith("--")) picked.push(a);
  else if (SWITCHES.has(a) || a.includes("=")) passed.push(a);
  else passed.push(a, Deno.args[++i] ?? "");
}
const names = picked.length ? picked : Object.keys(ALL);
for (const name of names) {
  const args = ALL[name];
  if (!args) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(ALL).join(", ")}`);
  console.error(`== ${name}`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args, ...passed],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`${name} failed`);
  console.log(new TextDecoder().decode(out.stdout).trim());
}
