// deno-lint-ignore-file no-console
/**
 * What the size of a response body alone costs Deno.serve here: a bare Hono hello-world
 * against raw handlers (no router, no logic) sending N bytes, alternating in the same run
 * (wrk -t2 -c64, loopback). The sizes bracket the step where Deno 2.9.6 starts writing the
 * body with a second send() after the headers (seen with `strace -e trace=sendto`): with
 * this handler's 117 bytes of headers, a 380-byte body goes out in one send (497 bytes), a
 * 420-byte body in two (117 + 420). 2,850 B and 17,600 B are the snapshot's gzip and
 * identity sizes. Prints one JSON line with medians and ratios.
 *
 * Run: deno run -A bench/body_size.ts [rounds=3] [seconds=5]
 */
import { median, startServer, stop, wrk } from "./wrk.ts";

const rounds = Number(Deno.args[0] ?? 3);
const seconds = Number(Deno.args[1] ?? 5);
const SIZES = [13, 256, 380, 420, 1024, 2850, 17600];
const HELLO = 8121;

const hello = await startServer(
  "bench/hello_server.ts",
  [String(HELLO)],
  `http://127.0.0.1:${HELLO}/hello`,
);
const servers: Deno.ChildProcess[] = [];
try {
  for (const [i, size] of SIZES.entries()) {
    const port = HELLO + 1 + i;
    servers.push(
      await startServer(
        "bench/body_server.ts",
        [String(port), String(size)],
        `http://127.0.0.1:${port}/`,
      ),
    );
  }
  const hellos: number[] = [];
  const bySize = new Map<number, number[]>(SIZES.map((s) => [s, []]));
  await wrk(`http://127.0.0.1:${HELLO}/hello`, { seconds: 2 }); // warm-up
  for (let r = 0; r < rounds; r++) {
    hellos.push((await wrk(`http://127.0.0.1:${HELLO}/hello`, { seconds })).rps);
    for (const [i, size] of SIZES.entries()) {
      bySize.get(size)!.push((await wrk(`http://127.0.0.1:${HELLO + 1 + i}/`, { seconds })).rps);
    }
  }
  const h = median(hellos);
  console.log(JSON.stringify({
    bench: "body_size",
    rounds,
    seconds,
    hello_rps: Math.round(h),
    sizes: SIZES.map((size) => {
      const rps = median(bySize.get(size)!);
      return { bytes: size, rps: Math.round(rps), ratio: Math.round((rps / h) * 1000) / 1000 };
    }),
  }));
} finally {
  for (const s of servers) await stop(s);
  await stop(hello);
}
