/**
 * Errors thrown by the fetch layer. Every message and every `url` field passes through
 * {@linkcode maskSecrets}, so an API key carried in a query string (`crtfc_key=`) never
 * reaches a log line or an error report. Raw causes (whose messages often embed the URL)
 * are replaced by masked copies.
 *
 * @module
 */

import { maskedCause, maskSecrets } from "../log.ts";

/** Common constructor options of every {@linkcode HttpError}. */
export interface HttpErrorOptions {
  /** Source name ("dart", "kind", "krx"). */
  source: string;
  /** The requested URL; stored masked. */
  url: string | URL;
  /** The underlying error; stored as a masked copy unless it is already an `HttpError`. */
  cause?: unknown;
}

/** A masked copy of a cause chain; causes that are already HttpErrors are kept. */
const safeCause = (cause: unknown) => maskedCause(cause, (e) => e instanceof HttpError);

/** The messages of a cause chain joined by ": ", without Deno's "error sending request for url (…)". */
function causeDetail(cause: unknown): string {
  const parts: string[] = [];
  let c = cause;
  for (let depth = 0; c !== undefined && c !== null && depth < 5; depth++) {
    const msg = c instanceof Error ? c.message : String(c);
    const cleaned = msg.replace(/error sending request for url \(.*?\):\s*/, "").trim();
    if (cleaned && !parts.includes(cleaned)) parts.push(cleaned);
    c = c instanceof Error ? c.cause : undefined;
  }
  return parts.join(": ");
}

/** Base class of every fetch-layer error: carries the source name and the masked URL. */
export class HttpError extends Error {
  /** Source name ("dart", "kind", "krx"). */
  readonly source: string;
  /** The requested URL, masked. */
  readonly url: string;
  /** Builds an error; `message` is masked before it is stored. */
  constructor(message: string, opts: HttpErrorOptions) {
    super(
      maskSecrets(message),
      opts.cause === undefined ? undefined : { cause: safeCause(opts.cause) },
    );
    this.name = "HttpError";
    this.source = opts.source;
    this.url = maskSecrets(String(opts.url));
  }
}

const decoder = new TextDecoder();
const SNIPPET_DECODE_BYTES = 64 * 1024;

/** A non-2xx answer (after retries for 5xx/429, at once for other 4xx). */
export class HttpStatusError extends HttpError {
  /** HTTP status code. */
  readonly status: number;
  /** The first 200 characters of the response body, masked. */
  readonly bodySnippet: string;
  /** Builds the error; `body` is decoded as UTF-8, masked, then cut to 200 characters. */
  constructor(
    opts: HttpErrorOptions & { status: number; body?: string | Uint8Array },
  ) {
    super(`${opts.source}: HTTP ${opts.status} from ${opts.url}`, opts);
    this.name = "HttpStatusError";
    this.status = opts.status;
    const body = opts.body ?? "";
    const text = typeof body === "string"
      ? body.slice(0, SNIPPET_DECODE_BYTES)
      : decoder.decode(body.subarray(0, SNIPPET_DECODE_BYTES));
    // Mask before cutting so a secret straddling the cut is never half-shown.
    this.bodySnippet = maskSecrets(text).slice(0, 200);
  }
}

/** No complete answer within the per-attempt timeout. */
export class TimeoutError extends HttpError {
  /** The per-attempt timeout that elapsed. */
  readonly timeoutMs: number;
  /** Builds the error. */
  constructor(opts: HttpErrorOptions & { timeoutMs: number }) {
    super(`${opts.source}: no response within ${opts.timeoutMs} ms from ${opts.url}`, opts);
    this.name = "TimeoutError";
    this.timeoutMs = opts.timeoutMs;
  }
}

/** Connection refused/reset, DNS or TLS failure, or a broken body stream. */
export class NetworkError extends HttpError {
  /** Builds the error; the cause chain's messages (masked) go into the message. */
  constructor(opts: HttpErrorOptions) {
    const detail = opts.cause === undefined ? "" : causeDetail(opts.cause);
    super(`${opts.source}: network error${detail ? ` (${detail})` : ""} for ${opts.url}`, opts);
    this.name = "NetworkError";
  }
}

/** The source's circuit breaker is open: the request was refused without calling fetch. */
export class CircuitOpenError extends HttpError {
  /** When the breaker will allow a trial request again. */
  readonly retryAt: Date;
  /** Builds the error. */
  constructor(opts: HttpErrorOptions & { retryAt: Date }) {
    super(
      `${opts.source}: circuit open, not calling ${opts.url} before ${opts.retryAt.toISOString()}`,
      opts,
    );
    this.name = "CircuitOpenError";
    this.retryAt = opts.retryAt;
  }
}

/** The daily call quota of a rate-limit bucket is used up. */
export class QuotaExceededError extends HttpError {
  /** Rate-limit bucket name. */
  readonly bucket: string;
  /** The per-day limit that was reached. */
  readonly limit: number;
  /** Start of the next quota day (KST midnight). */
  readonly resetAt: Date;
  /** Builds the error; `url` may be empty when raised by the limiter itself. */
  constructor(
    opts: Omit<HttpErrorOptions, "url"> & {
      url?: string | URL;
      bucket: string;
      limit: number;
      resetAt: Date;
    },
  ) {
    super(
      `${opts.source}: daily quota of ${opts.limit} calls for "${opts.bucket}" used up; ` +
        `resets at ${opts.resetAt.toISOString()}${opts.url ? `; request ${opts.url}` : ""}`,
      { ...opts, url: opts.url ?? "" },
    );
    this.name = "QuotaExceededError";
    this.bucket = opts.bucket;
    this.limit = opts.limit;
    this.resetAt = opts.resetAt;
  }
}
