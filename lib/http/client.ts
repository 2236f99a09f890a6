/**
 * {@linkcode HttpClient}: one HTTP request with a per-attempt timeout, retries with
 * exponential backoff and full jitter (honouring `Retry-After`), a per-source circuit
 * breaker and an optional KV-backed quota. Secrets in URLs are masked in every error and
 * log line.
 *
 * Business-level errors sent with HTTP 200 (DART `status` codes) are not handled here: that
 * is each source client's job.
 *
 * @module
 */

import { log, maskSecrets } from "../log.ts";
import { breakerFor, type CircuitBreaker } from "./breaker.ts";
import {
  CircuitOpenError,
  HttpError,
  HttpStatusError,
  NetworkError,
  QuotaExceededError,
  TimeoutError,
} from "./errors.ts";
import type { KvRateLimiter } from "./rate_limit.ts";

/** Options of {@linkcode HttpClient}. */
export interface HttpClientOptions {
  /** "dart", "kind", "krx" — names the breaker and log lines. */
  source: string;
  /** Per-attempt timeout covering the headers and the whole body (default 15 000 ms). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3, so up to 4 attempts). */
  retries?: number;
  /** Backoff base (default 500 ms): the n-th retry waits `random() * min(max, base * 2^n)`. */
  baseDelayMs?: number;
  /** Cap of one backoff or `Retry-After` wait (default 10 000 ms). */
  maxDelayMs?: number;
  /** Circuit breaker (default `breakerFor(source)`). */
  breaker?: CircuitBreaker;
  /** Optional quota; one `take()` per attempt (retries spend quota too). */
  limiter?: KvRateLimiter;
  /** Injectable fetch (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Injectable wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable random source in [0, 1) for the jitter. */
  random?: () => number;
}

/** A successful (2xx) response, body fully read. */
export interface HttpResponse {
  /** Final URL (after redirects), masked. */
  url: string;
  /** HTTP status (2xx). */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The whole body. */
  body: Uint8Array;
  /** Wall time of the whole request including retries and waits. */
  elapsedMs: number;
  /** Attempts made (1 = no retry). */
  attempts: number;
}

interface RawResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  url: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Parses `Retry-After` (delta seconds or HTTP date) into ms; null when absent or invalid. */
function retryAfterMs(value: string | null): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - Date.now());
}

/** A source's HTTP client: timeouts, retries, circuit breaker and quota. */
export class HttpClient {
  #source: string;
  #timeoutMs: number;
  #retries: number;
  #baseDelayMs: number;
  #maxDelayMs: number;
  #breaker: CircuitBreaker;
  #limiter?: KvRateLimiter;
  #fetch: typeof fetch;
  #sleep: (ms: number) => Promise<void>;
  #random: () => number;

  /** Creates a client for one source. */
  constructor(opts: HttpClientOptions) {
    this.#source = opts.source;
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
    this.#retries = Math.max(0, Math.floor(opts.retries ?? 3));
    this.#baseDelayMs = opts.baseDelayMs ?? 500;
    this.#maxDelayMs = opts.maxDelayMs ?? 10_000;
    this.#breaker = opts.breaker ?? breakerFor(opts.source);
    this.#limiter = opts.limiter;
    this.#fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#sleep = opts.sleep ?? defaultSleep;
    this.#random = opts.random ?? Math.random;
  }

  /** The breaker this client reports to. */
  get breaker(): CircuitBreaker {
    return this.#breaker;
  }

  /**
   * GET/POST with retries on network errors, timeouts and 5xx/429 (honouring `Retry-After`,
   * capped by `maxDelayMs`); other 4xx throw {@linkcode HttpStatusError} at once. Non-2xx
   * after the retries → `HttpStatusError`. Network errors, timeouts and 5xx count as breaker
   * failures; any other answer counts as a success. While the breaker is open →
   * {@linkcode CircuitOpenError} without calling fetch. A used-up quota →
   * {@linkcode QuotaExceededError}. An abort through `init.signal` rethrows its reason
   * without retrying. A `ReadableStream` body cannot be replayed, so it disables retries.
   */
  async request(url: string | URL, init: RequestInit = {}): Promise<HttpResponse> {
    const source = this.#source;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new HttpError(`${source}: invalid URL ${String(url)}`, { source, url: String(url) });
    }
    const masked = maskSecrets(target.href);
    const started = performance.now();
    const maxAttempts = init.body instanceof ReadableStream ? 1 : this.#retries + 1;
    const userSignal = init.signal ?? undefined;
    let lastError: HttpError | undefined;

    for (let attempt = 1;; attempt++) {
      userSignal?.throwIfAborted();
      if (!this.#breaker.canRequest()) {
        throw new CircuitOpenError({
          source,
          url: masked,
          retryAt: this.#breaker.retryAt ?? new Date(),
          cause: lastError,
        });
      }
      if (this.#limiter) {
        try {
          await this.#limiter.take();
        } catch (err) {
          this.#breaker.release();
          if (err instanceof QuotaExceededError) {
            throw new QuotaExceededError({
              source,
              url: masked,
              bucket: err.bucket,
              limit: err.limit,
              resetAt: err.resetAt,
            });
          }
          throw err;
        }
      }

      let error: HttpError;
      let retryable: boolean;
      let waitHint: number | null = null;
      try {
        const res = await this.#attempt(target, masked, init, userSignal);
        if (res.status >= 200 && res.status < 300) {
          this.#breaker.onSuccess();
          return {
            url: maskSecrets(res.url),
            status: res.status,
            headers: res.headers,
            body: res.body,
            elapsedMs: Math.round(performance.now() - started),
            attempts: attempt,
          };
        }
        if (res.status >= 500) this.#breaker.onFailure();
        else this.#breaker.onSuccess(); // the server answered: 4xx never trips the breaker
        error = new HttpStatusError({ source, url: masked, status: res.status, body: res.body });
        retryable = res.status >= 500 || res.status === 429;
        if (retryable) waitHint = retryAfterMs(res.headers.get("retry-after"));
      } catch (err) {
        if (!(err instanceof TimeoutError || err instanceof NetworkError)) {
          this.#breaker.release();
          throw err; // the caller's own abort
        }
        this.#breaker.onFailure();
        error = err;
        retryable = true;
      }

      lastError = error;
      const willRetry = retryable && attempt < maxAttempts;
      const delay = willRetry ? this.#delay(attempt, waitHint) : null;
      log.warn("http attempt failed", {
        source,
        url: masked,
        attempt,
        max_attempts: maxAttempts,
        status: error instanceof HttpStatusError ? error.status : null,
        error: `${error.name}: ${error.message}`,
        retry_in_ms: delay,
      });
      if (delay === null) throw error;
      await this.#sleep(delay);
    }
  }

  /** Wait before retry number `attempt` (1-based): `Retry-After` if given, else jittered backoff. */
  #delay(attempt: number, hint: number | null): number {
    if (hint !== null) return Math.min(this.#maxDelayMs, hint);
    const cap = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * cap);
  }

  /** One fetch with the per-attempt timeout; reads the whole body. */
  async #attempt(
    target: URL,
    masked: string,
    init: RequestInit,
    userSignal: AbortSignal | undefined,
  ): Promise<RawResponse> {
    const source = this.#source;
    const timeout = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      timeout.abort();
    }, this.#timeoutMs);
    const signal = userSignal ? AbortSignal.any([timeout.signal, userSignal]) : timeout.signal;
    try {
      const res = await this.#fetch(target, { ...init, signal });
      const body = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, headers: res.headers, body, url: res.url || target.href };
    } catch (err) {
      if (userSignal?.aborted && !timedOut) throw userSignal.reason;
      if (timedOut) {
        throw new TimeoutError({ source, url: masked, timeoutMs: this.#timeoutMs });
      }
      throw new NetworkError({ source, url: masked, cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}
