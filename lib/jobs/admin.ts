/**
 * Admin access for operations routes until the users issue replaces it: a static bearer
 * token (`ADMIN_TOKEN`), compared in constant time. No token configured → admin routes are
 * disabled.
 *
 * Two separate budgets, so strangers cannot lock the operator out: requests with the valid
 * token share `perMinute` (30), and failed attempts (no token, a wrong one) are throttled
 * per client address (`failuresPerMinute`, 10). A client over its failure budget gets 429
 * without its token being looked at; a request carrying the valid token never counts
 * against, nor is stopped by, any client's failure budget.
 *
 * @module
 */
import { SlidingWindowLimiter } from "../http/rate_limit.ts";

export type AdminVerdict =
  | { ok: true }
  | { ok: false; status: 401 | 403 | 429; detail: string; retryAfterS?: number };

const enc = new TextEncoder();

/** Constant-time comparison of two strings (length leaks, content does not). */
export function safeEqual(a: string, b: string): boolean {
  const x = enc.encode(a), y = enc.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Options of {@linkcode AdminGuard}. */
export interface AdminGuardOptions {
  /** Requests with the valid token per minute (default 30). */
  perMinute?: number;
  /** Failed attempts per client address per minute (default 10). */
  failuresPerMinute?: number;
  now?: () => number;
}

const retryAfterS = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Checks admin requests: the token, the valid token's budget, failures per client. */
export class AdminGuard {
  #token: string | undefined;
  #valid: SlidingWindowLimiter;
  #failures: SlidingWindowLimiter;

  constructor(token: string | undefined, opts: AdminGuardOptions = {}) {
    this.#token = token;
    this.#valid = new SlidingWindowLimiter({ limit: opts.perMinute ?? 30, now: opts.now });
    this.#failures = new SlidingWindowLimiter({
      limit: opts.failuresPerMinute ?? 10,
      now: opts.now,
    });
  }

  get enabled(): boolean {
    return !!this.#token;
  }

  /** Judges one request by its `Authorization` header and its client's address. */
  check(authorization: string | undefined, client: string): AdminVerdict {
    if (!this.#token) {
      return {
        ok: false,
        status: 403,
        detail: "Admin routes are disabled: set ADMIN_TOKEN on the server to enable them.",
      };
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization?.slice(0, 1024) ?? "");
    if (m && safeEqual(m[1], this.#token)) {
      const v = this.#valid.take("token");
      if (v.ok) return { ok: true };
      return {
        ok: false,
        status: 429,
        detail: `Too many admin requests: at most ${this.#valid.limit} per minute.`,
        retryAfterS: retryAfterS(v.retryAfterMs),
      };
    }
    const f = this.#failures.take(client);
    if (!f.ok) {
      return {
        ok: false,
        status: 429,
        detail:
          `Too many failed admin attempts from this client: at most ${this.#failures.limit} per minute.`,
        retryAfterS: retryAfterS(f.retryAfterMs),
      };
    }
    if (!m) {
      return {
        ok: false,
        status: 401,
        detail: "Admin token required: Authorization: Bearer <ADMIN_TOKEN>.",
      };
    }
    return { ok: false, status: 403, detail: "The admin token is not valid." };
  }
}

const guards = new WeakMap<object, AdminGuard>();

/** One guard per config object (so every router of an app shares the budgets). */
export function adminGuardFor(config: { ADMIN_TOKEN?: string }): AdminGuard {
  let g = guards.get(config);
  if (!g) guards.set(config, g = new AdminGuard(config.ADMIN_TOKEN));
  return g;
}
