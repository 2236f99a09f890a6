/**
 * Helpers for load benchmarks: start a server process, wait for it, run wrk, parse its
 * output. Traffic goes to 127.0.0.1 only.
 */

export interface WrkResult {
  rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  requests: number;
  errors: number;
  non2xx: number;
}

function ms(v: string, unit: string): number {
  const n = Number(v);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : n;
}

/** Parses `wrk --latency` output. */
export function parseWrk(out: string): WrkResult {
  const lat = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? Math.round(ms(m[1], m[2]) * 100) / 100 : NaN;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50_ms: lat("50"), p90_ms: lat("90"), p99_ms: lat("99"), requests, errors, non2xx };
}

/** Runs wrk against a loopback URL. */
export async function wrk(
  url: string,
  opts: { connections?: number; seconds?: number; threads?: number; headers?: string[] } = {},
): Promise<WrkResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error("load only on 127.0.0.1");
  const out = await new Deno.Command("wrk", {
    args: [
      `-t${opts.threads ?? 2}`,
      `-c${opts.connections ?? 64}`,
      `-d${opts.seconds ?? 10}s`,
      "--latency",
      ...(opts.headers ?? []).flatMap((h) => ["-H", h]),
      url,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
  return parseWrk(text);
}

/** Starts a Deno script as a server and waits until `readyUrl` answers 200. */
export async function startServer(
  script: string,
  args: string[],
  readyUrl: string,
  env: Record<string, string> = {},
): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    env,
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(readyUrl);
      await r.body?.cancel();
      if (r.ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`${script} did not become ready at ${readyUrl}`);
}

/** Stops a server process. */
export async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // already gone
  }
  await child.status;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
