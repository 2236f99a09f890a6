/**
 * A per-source circuit breaker. After `failureThreshold` consecutive failures
 * (network errors, timeouts, 5xx) the circuit opens and requests are refused for
 * `cooldownMs`; then it half-opens and lets one trial request through. A success closes it,
 * a failure opens it again.
 *
 * @module
 */

/** Breaker state. */
export type CircuitState = "closed" | "open" | "half-open";

/** Options of {@linkcode CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before a trial request (default 30 000 ms). */
  cooldownMs?: number;
  /** Clock in epoch ms (injectable for tests; default `Date.now`). */
  now?: () => number;
}

/** Counts consecutive failures and refuses requests while open. */
export class CircuitBreaker {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** Open period before a half-open trial. */
  readonly cooldownMs: number;
  #now: () => number;
  #state: CircuitState = "closed";
  #failures = 0;
  #openedAt: number | null = null;
  /** When the half-open trial was handed out (null: none in flight). */
  #trialAt: number | null = null;

  /** Creates a closed breaker. */
  constructor(opts: CircuitBreakerOptions = {}) {
    this.failureThreshold = Math.max(1, opts.failureThreshold ?? 5);
    this.cooldownMs = Math.max(0, opts.cooldownMs ?? 30_000);
    this.#now = opts.now ?? Date.now;
  }

  /** Current state; an open circuit reads as half-open once the cooldown has passed. */
  get state(): CircuitState {
    if (
      this.#state === "open" && this.#openedAt !== null &&
      this.#now() - this.#openedAt >= this.cooldownMs
    ) {
      this.#state = "half-open";
      this.#trialAt = null;
    }
    return this.#state;
  }

  /**
   * Whether a request may go out now. Closed: yes. Open: no. Half-open: yes for exactly one
   * trial (a trial that reports nothing for `cooldownMs` is considered abandoned).
   */
  canRequest(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open") return false;
    const now = this.#now();
    if (this.#trialAt !== null && now - this.#trialAt < this.cooldownMs) return false;
    this.#trialAt = now;
    return true;
  }

  /** Records a success: closes the circuit and resets the failure count. */
  onSuccess(): void {
    this.#state = "closed";
    this.#failures = 0;
    this.#openedAt = null;
    this.#trialAt = null;
  }

  /** Records a failure: opens the circuit at the threshold, or again after a failed trial. */
  onFailure(): void {
    const state = this.state;
    this.#failures++;
    if (state === "half-open" || (state === "closed" && this.#failures >= this.failureThreshold)) {
      this.#state = "open";
      this.#openedAt = this.#now();
      this.#trialAt = null;
    }
  }

  /** Gives back a half-open trial that was granted but never sent (e.g. quota refused it). */
  release(): void {
    if (this.#state === "half-open") this.#trialAt = null;
  }

  /** When a request may next be tried; null when the circuit is closed. */
  get retryAt(): Date | null {
    const state = this.state;
    if (state === "closed") return null;
    if (state === "open") return new Date((this.#openedAt ?? this.#now()) + this.cooldownMs);
    return new Date(this.#trialAt === null ? this.#now() : this.#trialAt + this.cooldownMs);
  }

  /** State for health pages and logs. */
  snapshot(): { state: CircuitState; failures: number; opened_at: string | null } {
    const state = this.state;
    return {
      state,
      failures: this.#failures,
      opened_at: this.#openedAt === null ? null : new Date(this.#openedAt).toISOString(),
    };
  }
}

const breakers = new Map<string, CircuitBreaker>();

/** One breaker per source name, shared process-wide. */
export function breakerFor(source: string): CircuitBreaker {
  let b = breakers.get(source);
  if (!b) {
    b = new CircuitBreaker();
    breakers.set(source, b);
  }
  return b;
}
