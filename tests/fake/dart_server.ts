/**
 * A fake OpenDART on loopback (`127.0.0.1`, random port) for client tests and load tests. It
 * serves a {@linkcode DartDataset} through `createFixtureFetch` and can inject faults per
 * endpoint:
 *
 * - `{kind: "timeout"}` — never answers until the server closes (the client times out);
 * - `{kind: "status", status: 500, body?}` — that HTTP status with an HTML body;
 * - `{kind: "dart", status: "020", message?}` — HTTP 200 with a DART status body (JSON on
 *   `.json`, the XML `<result>` body on ZIP endpoints);
 * - `{kind: "body", body, contentType?, status?}` — any body (malformed JSON, HTML, …);
 * - `{kind: "xml-error", status?, message?}` — the XML `<result><status/>` body (default 014),
 *   whatever the endpoint;
 * - `{kind: "delay", ms}` — answer normally after a delay.
 *
 * Any fault may carry `times: n` to hit only the next n calls of that endpoint. Faults are keyed
 * by endpoint name (`"list.json"`; `"/list.json"` and `"/api/list.json"` are accepted too).
 *
 * @module
 */
import {
  createFixtureFetch,
  type DartDataset,
  dartJsonStatusBody,
  dartXmlStatusBody,
  type FixtureFetchOptions,
} from "../../lib/sources/dart/fixture_fetch.ts";

/** One injectable fault. */
export type DartFault =
  & (
    | { kind: "timeout" }
    | { kind: "status"; status: number; body?: string }
    | { kind: "dart"; status: string; message?: string }
    | { kind: "body"; body: string | Uint8Array; contentType?: string; status?: number }
    | { kind: "xml-error"; status?: string; message?: string }
    | { kind: "delay"; ms: number }
  )
  & { times?: number };

/** Options of {@linkcode startFakeDart}. */
export interface FakeDartOptions extends FixtureFetchOptions {
  dataset: DartDataset;
  /** Initial faults by endpoint. */
  faults?: Record<string, DartFault>;
  /** Called for every request before it is answered (tests use it to mutate the dataset). */
  onRequest?: (url: URL, n: number) => void | Promise<void>;
}

/** A running fake OpenDART. */
export interface FakeDart {
  /** Base URL, e.g. `http://127.0.0.1:41234/api`. */
  url: string;
  /** Every request URL received, in order. */
  calls: URL[];
  /** Sets (or clears with null) the fault of an endpoint. */
  setFault(path: string, fault: DartFault | null): void;
  /** Answers pending `timeout` requests and stops the server. */
  close(): Promise<void>;
}

const endpointOf = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/** Starts the fake server on `127.0.0.1` with an OS-assigned port. */
export async function startFakeDart(opts: FakeDartOptions): Promise<FakeDart> {
  const fixture = createFixtureFetch(opts.dataset, { today: opts.today });
  const faults = new Map<string, { fault: DartFault; left: number }>();
  const setFault = (path: string, fault: DartFault | null) => {
    const ep = endpointOf(path);
    if (fault === null) faults.delete(ep);
    else faults.set(ep, { fault, left: fault.times ?? Infinity });
  };
  for (const [p, f] of Object.entries(opts.faults ?? {})) setFault(p, f);

  const calls: URL[] = [];
  const pending = new Set<() => void>();
  const closing = new AbortController();

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    calls.push(url);
    await opts.onRequest?.(url, calls.length);
    const ep = endpointOf(url.pathname);
    const zipEndpoint = ep.endsWith(".xml");
    const slot = faults.get(ep);
    if (slot && slot.left > 0) {
      slot.left--;
      const f = slot.fault;
      switch (f.kind) {
        case "timeout":
          return await new Promise<Response>((resolve) => {
            const done = () => {
              pending.delete(done);
              resolve(new Response("closed", { status: 503 }));
            };
            // Held until close(): `req.signal` would also fire on normal responses (Deno's
            // legacy abort behaviour, which warns), so it is not used.
            pending.add(done);
            if (closing.signal.aborted) done();
          });
        case "status":
          return new Response(
            f.body ??
              `<!DOCTYPE html><html><head><title>${f.status} Error</title></head><body><h1>${f.status}</h1></body></html>`,
            { status: f.status, headers: { "content-type": "text/html;charset=UTF-8" } },
          );
        case "dart":
          return zipEndpoint
            ? new Response(dartXmlStatusBody(f.status, f.message), {
              headers: { "content-type": "application/xml;charset=UTF-8" },
            })
            : new Response(dartJsonStatusBody(f.status, f.message), {
              headers: { "content-type": "application/json;charset=UTF-8" },
            });
        case "body":
          return new Response(f.body as BodyInit, {
            status: f.status ?? 200,
            headers: { "content-type": f.contentType ?? "application/json;charset=UTF-8" },
          });
        case "xml-error":
          return new Response(dartXmlStatusBody(f.status ?? "014", f.message), {
            headers: { "content-type": "application/xml;charset=UTF-8" },
          });
        case "delay":
          await new Promise((r) => setTimeout(r, f.ms));
          break;
      }
    }
    return await fixture(url);
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
    url: `http://127.0.0.1:${addr.port}/api`,
    calls,
    setFault,
    close: async () => {
      closing.abort();
      for (const done of [...pending]) done();
      await server.finished;
    },
  };
}
