/**
 * Runs before `deno task test`: makes sure what the suite needs is on the machine.
 * Chromium (for the browser tests) comes from Debian's package when we are root.
 */
const CHROMIUM = "/usr/bin/chromium";

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

if (!(await exists(CHROMIUM))) {
  if (Deno.uid() === 0) {
    // deno-lint-ignore no-console
    console.error("test setup: installing chromium (apt-get) for the browser tests …");
    const env = ["DEBIAN_FRONTEND=noninteractive"];
    const ok = (await run("env", [...env, "apt-get", "update", "-qq"])) &&
      (await run("env", [...env, "apt-get", "install", "-y", "-qq", "chromium"]));
    if (!ok) {
      // deno-lint-ignore no-console
      console.error("test setup: chromium install failed; the browser tests will fail.");
    }
  } else {
    // deno-lint-ignore no-console
    console.error(
      "test setup: /usr/bin/chromium is missing. Install it with `sudo apt-get install -y chromium`; the browser tests need it.",
    );
  }
}
