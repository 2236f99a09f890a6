/**
 * The ceiling for a read route: a raw Deno.serve handler (no router, no logic) answering
 * each path of a manifest with the exact bytes, status and headers the app sent for it,
 * captured by bench/route_ratio.ts. Each answer is built once and cloned per request (a
 * clone shares the static body and copies the header list: measured ~50x cheaper than
 * `new Response(bytes, {headers})` on Deno 2.9), looked up by the request's path and query.
 *
 * Run: deno run -A bench/raw_server.ts <port> <manifest.json>
 * manifest: [{ "path": "/0/api/…?…", "status": 200, "headers": [[name, value], …],
 *              "file": "<body file>" }, …]
 */
export interface RawEntry {
  path: string;
  status: number;
  headers: [string, string][];
  file: string;
}

const [port, manifest] = [Number(Deno.args[0]), Deno.args[1]];
const entries = JSON.parse(await Deno.readTextFile(manifest)) as RawEntry[];
const responses = new Map<string, Response>();
for (const e of entries) {
  const body = await Deno.readFile(e.file);
  responses.set(e.path, new Response(body, { status: e.status, headers: e.headers }));
}
const notFound = new Response(null, { status: 404 });
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (req) => {
  const url = req.url; // "http://host:port/path?query": the path starts at the third "/"
  return (responses.get(url.slice(url.indexOf("/", 8))) ?? notFound).clone();
});
