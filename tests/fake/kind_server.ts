/**
 * A fake KIND on loopback (`127.0.0.1`, random port) for client tests. It serves a
 * {@linkcode KindDataset} through `createKindFixtureFetch` and can inject faults per screen
 * (`pubofrprogcom`, `listingtype`, `listinvstgcom`, `pubofrschdl`, `corpList`):
 *
 * - `{kind: "timeout"}` — never answers until the server closes;
 * - `{kind: "status", status: 500, body?}` — that HTTP status with an HTML body;
 * - `{kind: "maintenance"}` — HTTP 200 with KIND's `페이지 오류` / 시스템 점검 page;
 * - `{kind: "body", body, contentType?, status?}` — any body (malformed markup, …);
 * - `{kind: "delay", ms}` — answer normally after a delay.
 *
 * Any fault may carry `times: n` to hit only the next n calls of that screen.
 *
 * @module
 */
import {
  createKindFixtureFetch,
  KIND_PATHS,
  type KindDataset,
  kindErrorPage,
} from "../../lib/sources/kind/fixture_fetch.ts";

/** One injectable fault. */
export type KindFault =
  & (
    | { kind: "timeout" }
    | { kind: "status"; status: number; body?: string }
    | { kind: "maintenance" }
    | { kind: "body"; body: string | Uint8Array; contentType?: string; status?: number }
    | { kind: "delay"; ms: number }
  )
  & { times?: number };

/** One request as received. */
export interface KindCall {
  method: string;
  url: URL;
  /** The form fields (POST body merged over the query). */
  form: URLSearchParams;
  headers: Headers;
}

/** Options of {@linkcode startFakeKind}. */
export interface FakeKindOptions {
  dataset: KindDataset;
  faults?: Record<string, KindFault>;
}

/** A running fake KIND. */
export interface FakeKind {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  calls: KindCall[];
  setFault(screen: string, fault: KindFault | null): void;
  close(): Promise<void>;
}

const SCREEN_BY_PATH: [string, string][] = [
  [KIND_PATHS.offerings, "pubofrprogcom"],
  [KIND_PATHS.listings, "listingtype"],
  [KIND_PATHS.reviews, "listinvstgcom"],
  [KIND_PATHS.schedule, "pubofrschdl"],
  [KIND_PATHS.corpList, "corpList"],
];

/** Starts the fake server on `127.0.0.1` with an OS-assigned port. */
export async function startFakeKind(opts: FakeKindOptions): Promise<FakeKind> {
  const fixture = createKindFixtureFetch(opts.dataset);
  const faults = new Map<string, { fault: KindFault; left: number }>();
  const setFault = (screen: string, fault: KindFault | null) => {
    if (fault === null) faults.delete(screen);
    else faults.set(screen, { fault, left: fault.times ?? Infinity });
  };
  for (const [s, f] of Object.entries(opts.faults ?? {})) setFault(s, f);
  const calls: KindCall[] = [];
  const pending = new Set<() => void>();
  const closing = new AbortController();

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const bodyText = req.method === "POST" ? await req.text() : "";
    const form = new URLSearchParams(url.search);
    for (const [k, v] of new URLSearchParams(bodyText)) form.set(k, v);
    calls.push({ method: req.method, url, form, headers: req.headers });
    const screen = SCREEN_BY_PATH.find(([p]) => url.pathname.endsWith(p))?.[1] ?? "";
    const slot = faults.get(screen);
    if (slot && slot.left > 0 && !(form.get("method") ?? "").endsWith("Main")) {
      slot.left--;
      const f = slot.fault;
      switch (f.kind) {
        case "timeout":
          return await new Promise<Response>((resolve) => {
            const done = () => {
              pending.delete(done);
              resolve(new Response("closed", { status: 503 }));
            };
            pending.add(done);
            if (closing.signal.aborted) done();
          });
        case "status":
          return new Response(
            f.body ??
              `<!DOCTYPE html><html><head><title>${f.status} Error</title></head><body><h1>${f.status}</h1></body></html>`,
            { status: f.status, headers: { "content-type": "text/html;charset=UTF-8" } },
          );
        case "maintenance":
          return new Response(kindErrorPage(), {
            headers: { "content-type": "text/html;charset=UTF-8" },
          });
        case "body":
          return new Response(f.body as BodyInit, {
            status: f.status ?? 200,
            headers: { "content-type": f.contentType ?? "text/html;charset=UTF-8" },
          });
        case "delay":
          await new Promise((r) => setTimeout(r, f.ms));
          break;
      }
    }
    return await fixture(
      new Request(req.url, {
        method: req.method,
        headers: req.headers,
        body: bodyText || undefined,
      }),
    );
  };

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: closing.signal,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, handler);
  const addr = await listening.promise;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    calls,
    setFault,
    close: async () => {
      closing.abort();
      for (const done of [...pending]) done();
      await server.finished;
    },
  };
}
