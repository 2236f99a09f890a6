/**
 * A raw Deno.serve handler (no router, no logic) answering every request with a fixed body
 * of N bytes: used to show what body size alone costs on this machine.
 *
 * Run: deno run -A bench/body_server.ts <port> <bytes>
 */
const [port, size] = [Number(Deno.args[0]), Number(Deno.args[1])];
const body = new Uint8Array(size).fill(0x78); // "xxx…"
const headers: [string, string][] = [["content-type", "application/octet-stream"]];
Deno.serve(
  { hostname: "127.0.0.1", port, onListen: () => {} },
  () => new Response(body, { headers }),
);
