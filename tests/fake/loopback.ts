/**
 * What every fake source server shares: a fault table (per endpoint or screen, optionally for
 * the next n calls only), the faults all sources answer the same way, and a server on
 * `127.0.0.1` (random port) that holds "timeout" requests until it closes.
 *
 * @module
 */

/**
 * Faults every fake source understands. `echo` answers (default HTTP 400, HTML) with a page
 * that quotes the request back the way misbehaving upstreams and gateways do: the request
 * line, every header, the body, the decoded query and form fields, and the whole request
 * base64- and base64url-encoded (API-gateway style) — so a key or password the client sent
 * comes back raw, percent-encoded and base64-encoded (the secrets-masking test's probe).
 */
export type CommonFault =
  | { kind: "timeout" }
  | { kind: "status"; status: number; body?: string }
  | { kind: "body"; body: string | Uint8Array; contentType?: string; status?: number }
  | { kind: "delay"; ms: number }
  | { kind: "echo"; status?: number; contentType?: string };

/** The request a fault may quote back (`echo`). */
export interface EchoedRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The request body as text ("" for none). */
  body: string;
}

const b64 = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
};

/** The `echo` fault's page for a request. */
export function echoPage(req: EchoedRequest, status = 400): string {
  const headers = [...req.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
  const head = `${req.method} ${req.url.pathname}${req.url.search}`;
  const decoded = (p: URLSearchParams) => [...p].map(([k, v]) => `${k} = ${v}`).join("\n");
  const whole = `${head}\n${headers}\n\n${req.body}`;
  return `<!DOCTYPE html><html><head><title>${status} Error</title></head><body>` +
    `<h1>${status} Bad Request</h1><p>${head}</p><pre>${headers}</pre><pre>${req.body}</pre>` +
    `<pre>query:\n${decoded(req.url.searchParams)}</pre>` +
    `<pre>form:\n${decoded(new URLSearchParams(req.body))}</pre>` +
    `<p>request (base64): ${b64(whole)}</p>` +
    `<p>request (base64url): ${
      b64(whole).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")
    }</p></body></html>`;
}

/** Faults by name; each counts down its `times` (default: every call). */
export class FaultTable<F extends { times?: number }> {
  #slots = new Map<string, { fault: F; left: number }>();

  /** Sets (or clears with null) the fault of a name. */
  set(name: string, fault: F | null): void {
    if (fault === null) this.#slots.delete(name);
    else this.#slots.set(name, { fault, left: fault.times ?? Infinity });
  }

  /** The fault this call of `name` gets (counted), or null. */
  take(name: string): F | null {
    const slot = this.#slots.get(name);
    if (!slot || slot.left <= 0) return null;
    slot.left--;
    return slot.fault;
  }
}

/** A running loopback server. */
export interface Loopback {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** A response held until the server closes (the client should time out first). */
  hold(): Promise<Response>;
  /** Answers held requests and stops the server. */
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 with an OS-assigned port. */
export async function serveLoopback(
  handler: (req: Request, server: Loopback) => Promise<Response>,
): Promise<Loopback> {
  const pending = new Set<() => void>();
  const closing = new AbortController();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const loop: Loopback = {
    origin: "",
    // Held until close(): `req.signal` would also fire on normal responses (Deno's legacy
    // abort behaviour, which warns), so it is not used.
    hold: () =>
      new Promise<Response>((resolve) => {
        const done = () => {
          pending.delete(done);
          resolve(new Response("closed", { status: 503 }));
        };
        pending.add(done);
        if (closing.signal.aborted) done();
      }),
    close: async () => {
      closing.abort();
      for (const done of [...pending]) done();
      await server.finished;
    },
  };
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: closing.signal,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, (req) => handler(req, loop));
  loop.origin = `http://127.0.0.1:${(await listening.promise).port}`;
  return loop;
}

/**
 * Answers a common fault. `delay` waits and returns null: the request then proceeds
 * normally. `body` faults default to `bodyType`. `echo` quotes `req` back.
 */
export async function commonFault(
  f: CommonFault,
  server: Loopback,
  bodyType: string,
  req?: EchoedRequest,
): Promise<Response | null> {
  switch (f.kind) {
    case "echo": {
      if (!req) throw new Error("echo fault: no request to echo");
      const status = f.status ?? 400;
      return new Response(echoPage(req, status), {
        status,
        headers: { "content-type": f.contentType ?? "text/html;charset=UTF-8" },
      });
    }
    case "timeout":
      return await server.hold();
    case "status":
      return new Response(
        f.body ??
          `<!DOCTYPE html><html><head><title>${f.status} Error</title></head><body><h1>${f.status}</h1></body></html>`,
        { status: f.status, headers: { "content-type": "text/html;charset=UTF-8" } },
      );
    case "body":
      return new Response(f.body as BodyInit, {
        status: f.status ?? 200,
        headers: { "content-type": f.contentType ?? bodyType },
      });
    case "delay":
      await new Promise((r) => setTimeout(r, f.ms));
      return null;
  }
}
