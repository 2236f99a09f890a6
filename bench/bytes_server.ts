/**
 * The ceiling for a cached-document route: a raw Deno.serve handler (no router, no logic)
 * answering every request with the bytes of a file, sent gzip-encoded as they are.
 */
const [port, file] = [Number(Deno.args[0]), Deno.args[1]];
const body = await Deno.readFile(file);
const headers: [string, string][] = [
  ["content-type", "application/json; charset=utf-8"],
  ["content-encoding", "gzip"],
];
Deno.serve(
  { hostname: "127.0.0.1", port, onListen: () => {} },
  () => new Response(body, { headers }),
);
