/**
 * Admin access for operations routes until the users issue replaces it: a static bearer
 * token (`ADMIN_TOKEN`), compared in constant time, behind a fixed-window rate limit that
 * also counts failed attempts. No token configured → admin routes are disabled.
 *
 * @module
 */

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

/** Checks admin requests: token, then a per-minute request budget shared by all of them. */
export class AdminGuard {
  #token: string | undefined;
  #perMinute: number;
  #window = -1;
  #used = 0;
  #now: () => number;

  constructor(token: string | undefined, opts: { perMinute?: number; now?: () => number } = {}) {
    this.#token = token;
    this.#perMinute = opts.perMinute ?? 30;
    this.#now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return !!this.#token;
  }

  /** Judges one request by its `Authorization` header. */
  check(authorization: string | undefined): AdminVerdict {
    if (!this.#token) {
      return {
        ok: false,
        status: 403,
        detail: "Admin routes are disabled: set ADMIN_TOKEN on the server to enable them.",
      };
    }
    const now = this.#now();
    const w = Math.floor(now / 60_000);
    if (w !== this.#window) {
      this.#window = w;
      this.#used = 0;
    }
    if (++this.#used > this.#perMinute) {
      return {
        ok: false,
        status: 429,
        detail: `Too many admin requests: at most ${this.#perMinute} per minute.`,
        retryAfterS: Math.max(1, Math.ceil(((w + 1) * 60_000 - now) / 1000)),
      };
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!m) {
      return {
        ok: false,
        status: 401,
        detail: "Admin token required: Authorization: Bearer <ADMIN_TOKEN>.",
      };
    }
    if (!safeEqual(m[1], this.#token)) {
      return { ok: false, status: 403, detail: "The admin token is not valid." };
    }
    return { ok: true };
  }
}

const guards = new WeakMap<object, AdminGuard>();

/** One guard per config object (so every router of an app shares the budget). */
export function adminGuardFor(config: { ADMIN_TOKEN?: string }): AdminGuard {
  let g = guards.get(config);
  if (!g) guards.set(config, g = new AdminGuard(config.ADMIN_TOKEN));
  return g;
}
