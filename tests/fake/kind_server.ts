/**
 * A fake KIND on loopback (`127.0.0.1`, random port) for client tests. It serves a
 * {@linkcode KindDataset} through `createKindFixtureFetch` and can inject faults per screen
 * (`pubofrprogcom`, `listingtype`, `listinvstgcom`, `pubofrschdl`, `corpList`):
 *
 * - `{kind: "timeout"}` — never answers until the server closes;
 * - `{kind: "status", status: 500, body?}` — that HTTP status with an HTML body;
 * - `{kind: "maintenance"}` — HTTP 200 with KIND's `페이지 오류` / 시스템 점검 page;
 * - `{kind: "body", body, contentType?, status?}` — any body (malformed markup, …);
 * - `{kind: "delay", ms}` — answer normally after a delay;
 * - `{kind: "echo", status?, contentType?}` — a page quoting the request back (`loopback.ts`).
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
import { type CommonFault, commonFault, FaultTable, serveLoopback } from "./loopback.ts";

/** One injectable fault. */
export type KindFault = (CommonFault | { kind: "maintenance" }) & { times?: number };

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
  const faults = new FaultTable<KindFault>();
  const setFault = (screen: string, fault: KindFault | null) => faults.set(screen, fault);
  for (const [s, f] of Object.entries(opts.faults ?? {})) setFault(s, f);
  const calls: KindCall[] = [];

  const server = await serveLoopback(async (req, server) => {
    const url = new URL(req.url);
    const bodyText = req.method === "POST" ? await req.text() : "";
    const form = new URLSearchParams(url.search);
    for (const [k, v] of new URLSearchParams(bodyText)) form.set(k, v);
    calls.push({ method: req.method, url, form, headers: req.headers });
    const screen = SCREEN_BY_PATH.find(([p]) => url.pathname.endsWith(p))?.[1] ?? "";
    // Main pages (the Referer warm-up) are never faulted: only the data (Sub) requests.
    const f = (form.get("method") ?? "").endsWith("Main") ? null : faults.take(screen);
    if (f?.kind === "maintenance") {
      return new Response(kindErrorPage(), {
        headers: { "content-type": "text/html;charset=UTF-8" },
      });
    }
    if (f) {
      const res = await commonFault(f, server, "text/html;charset=UTF-8", {
        method: req.method,
        url,
        headers: req.headers,
        body: bodyText,
      });
      if (res) return res;
    }
    return await fixture(
      new Request(req.url, {
        method: req.method,
        headers: req.headers,
        body: bodyText || undefined,
      }),
    );
  });
  return { url: server.origin, calls, setFault, close: server.close };
}
