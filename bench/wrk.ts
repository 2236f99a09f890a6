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
  cwd?: string,
): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    env,
    cwd,
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

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (listen on port 0, close), for a child
 * server that must be told its port up front. Parallel runs then never share a fixed port.
 */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // Fields after the command name (which may contain spaces) start at state (field 3).
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/**
 * Waits until a server process is quiet: every `windowMs` window of the last `quietMs` under
 * `maxCpu` (a fraction of one core), for at most `maxMs`. A freshly started app keeps working
 * after it answers (kdesk in sample mode: the background build of the other sample companies,
 * then, about 17 s later, V8's memory reducer compacting the ~200 MB heap it left: ~0.5 s of
 * CPU seen with --trace-gc); measuring it then would measure that work.
 */
export async function waitIdle(
  pid: number,
  opts: { maxMs: number; quietMs: number; windowMs?: number; maxCpu?: number },
): Promise<{ waited_ms: number; settled: boolean; last_busy_cpu: number | null }> {
  const windowMs = opts.windowMs ?? 1000, maxCpu = opts.maxCpu ?? 0.05;
  const t0 = Date.now();
  let quietSince = t0, lastBusy: number | null = null;
  let before = await cpuSeconds(pid);
  while (Date.now() - t0 < opts.maxMs) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = await cpuSeconds(pid);
    const cpu = (now - before) / (windowMs / 1000);
    before = now;
    if (cpu >= maxCpu) [quietSince, lastBusy] = [Date.now(), cpu];
    if (Date.now() - quietSince >= opts.quietMs) {
      return { waited_ms: Date.now() - t0, settled: true, last_busy_cpu: lastBusy };
    }
  }
  return { waited_ms: Date.now() - t0, settled: false, last_busy_cpu: lastBusy };
}
