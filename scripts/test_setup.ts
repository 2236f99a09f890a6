/**
 * Runs before `deno task test`: makes sure what the suite needs is on the machine.
 * Chromium (for the browser tests), faketime (tests/cron_deno_test.ts fires the real
 * `Deno.cron` at chosen instants) and wrk (tests/route_ratio_test.ts runs the route benchmark
 * for a second) come from Debian's packages when we are root.
 */
const CHROMIUM = "/usr/bin/chromium";
const FAKETIME = "/usr/bin/faketime";
const WRK = "/usr/bin/wrk";

async function exists(p: string): Promise<boolean> {
  try {
    await Deno.stat(p);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<boolean> {
  const p = new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" });
  return (await p.output()).success;
}

const missing = [
  ...(await exists(CHROMIUM) ? [] : ["chromium"]),
  ...(await exists(FAKETIME) ? [] : ["faketime"]),
  ...(await exists(WRK) ? [] : ["wrk"]),
];
if (missing.length) {
  if (Deno.uid() === 0) {
    // deno-lint-ignore no-console
    console.error(`test setup: installing ${missing.join(", ")} (apt-get) for the tests …`);
    const env = ["DEBIAN_FRONTEND=noninteractive"];
    const ok = (await run("env", [...env, "apt-get", "update", "-qq"])) &&
      (await run("env", [...env, "apt-get", "install", "-y", "-qq", ...missing]));
    if (!ok) {
      // deno-lint-ignore no-console
      console.error(
        `test setup: installing ${missing.join(", ")} failed; tests needing it will fail.`,
      );
    }
  } else {
    // deno-lint-ignore no-console
    console.error(
      `test setup: ${missing.join(", ")} missing. Install with \`sudo apt-get install -y ${
        missing.join(" ")
      }\`; the browser, cron and bench tests need them.`,
    );
  }
}
