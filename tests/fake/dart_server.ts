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
 * - `{kind: "delay", ms}` — answer normally after a delay;
 * - `{kind: "echo", status?, contentType?}` — a page quoting the request back (key included,
 *   raw, percent- and base64-encoded; see `loopback.ts`).
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
import { type CommonFault, commonFault, FaultTable, serveLoopback } from "./loopback.ts";

/** One injectable fault. */
export type DartFault =
  & (
    | CommonFault
    | { kind: "dart"; status: string; message?: string }
    | { kind: "xml-error"; status?: string; message?: string }
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
  const faults = new FaultTable<DartFault>();
  const setFault = (path: string, fault: DartFault | null) => faults.set(endpointOf(path), fault);
  for (const [p, f] of Object.entries(opts.faults ?? {})) setFault(p, f);
  const calls: URL[] = [];

  const server = await serveLoopback(async (req, server) => {
    const url = new URL(req.url);
    calls.push(url);
    await opts.onRequest?.(url, calls.length);
    const ep = endpointOf(url.pathname);
    const f = faults.take(ep);
    if (f?.kind === "dart") {
      return ep.endsWith(".xml") // ZIP endpoints answer with the XML <result> body
        ? new Response(dartXmlStatusBody(f.status, f.message), {
          headers: { "content-type": "application/xml;charset=UTF-8" },
        })
        : new Response(dartJsonStatusBody(f.status, f.message), {
          headers: { "content-type": "application/json;charset=UTF-8" },
        });
    }
    if (f?.kind === "xml-error") {
      return new Response(dartXmlStatusBody(f.status ?? "014", f.message), {
        headers: { "content-type": "application/xml;charset=UTF-8" },
      });
    }
    if (f) {
      const res = await commonFault(f, server, "application/json;charset=UTF-8", {
        method: req.method,
        url,
        headers: req.headers,
        body: req.method === "POST" ? await req.text() : "",
      });
      if (res) return res;
    }
    return await fixture(url);
  });
  return { url: `${server.origin}/api`, calls, setFault, close: server.close };
}
