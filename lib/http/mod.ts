/**
 * The fetch layer every source connector uses: {@linkcode HttpClient} (timeouts, retries
 * with backoff, circuit breaker, KV-backed quota), and its errors.
 *
 * @module
 */

export * from "./errors.ts";
export * from "./breaker.ts";
export * from "./rate_limit.ts";
export * from "./client.ts";
