/**
 * A polite client for 38커뮤니케이션 (an optional second source, never the only one): at most
 * one request per `minIntervalMs` (1 s by default; calls queue), answers cached by URL for
 * `cacheTtlMs`, an injected `fetch` and base URL, and an `enabled` flag — when it is false the
 * client never calls `fetch` and every method throws {@linkcode X38DisabledError}. No config
 * wiring here: the caller passes the settings.
 *
 * @module
 */
import {
  decodeX38,
  parseX38DemandResults,
  parseX38Detail,
  parseX38List,
  parseX38NewListings,
} from "./parse.ts";
import type { X38DemandRow, X38Detail, X38ListingRow, X38ListRow, X38Page } from "./types.ts";

/** The source is switched off; nothing was fetched. */
export class X38DisabledError extends Error {
  constructor() {
    super("38커뮤니케이션 source is disabled");
    this.name = "X38DisabledError";
  }
}

/** 38 answered with an HTTP error. */
export class X38HttpError extends Error {
  readonly status: number;
  readonly url: string;
  constructor(status: number, url: string) {
    super(`38 ${url}: HTTP ${status}`);
    this.name = "X38HttpError";
    this.status = status;
    this.url = url;
  }
}

export interface X38ClientOptions {
  /** When false, no request is ever made. */
  enabled: boolean;
  /** Default `https://www.38.co.kr`. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Minimum time between request starts (default 1000 ms). */
  minIntervalMs?: number;
  /** How long an answer is reused (default 10 minutes). */
  cacheTtlMs?: number;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
  /** Waits `ms` (default `setTimeout`). */
  sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rate-limited, cached access to the 38 IPO pages. */
export class X38Client {
  readonly enabled: boolean;
  readonly baseUrl: string;
  #fetch: typeof fetch;
  #interval: number;
  #ttl: number;
  #now: () => number;
  #sleep: (ms: number) => Promise<void>;
  #timeout: number;
  #cache = new Map<string, { at: number; text: string }>();
  #queue: Promise<unknown> = Promise.resolve();
  #lastStart = -Infinity;
  /** Requests actually sent (cache misses). */
  requests = 0;

  constructor(opts: X38ClientOptions) {
    this.enabled = opts.enabled;
    this.baseUrl = (opts.baseUrl ?? "https://www.38.co.kr").replace(/\/+$/, "");
    this.#fetch = opts.fetch ?? fetch;
    this.#interval = opts.minIntervalMs ?? 1000;
    this.#ttl = opts.cacheTtlMs ?? 10 * 60_000;
    this.#now = opts.now ?? Date.now;
    this.#sleep = opts.sleep ?? defaultSleep;
    this.#timeout = opts.timeoutMs ?? 15_000;
  }

  /** The URL of a page path (`/html/fund/?o=k&page=1`). */
  url(path: string): string {
    return `${this.baseUrl}${path.startsWith("/") ? "" : "/"}${path}`;
  }

  /** A page's decoded text (cached, rate-limited). */
  async page(path: string): Promise<string> {
    if (!this.enabled) throw new X38DisabledError();
    const url = this.url(path);
    const hit = this.#cache.get(url);
    if (hit && this.#now() - hit.at < this.#ttl) return hit.text;
    const run = this.#queue.then(() => this.#get(url));
    this.#queue = run.catch(() => undefined);
    return await run;
  }

  async #get(url: string): Promise<string> {
    // A request queued behind one for the same URL may find it cached now.
    const hit = this.#cache.get(url);
    if (hit && this.#now() - hit.at < this.#ttl) return hit.text;
    const wait = this.#lastStart + this.#interval - this.#now();
    if (wait > 0) await this.#sleep(wait);
    this.#lastStart = this.#now();
    this.requests++;
    const signal = AbortSignal.timeout(this.#timeout);
    const res = await this.#fetch(url, {
      signal,
      headers: { "accept": "text/html", "user-agent": "kdesk/1 (+IPO desk; 1 req/s)" },
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new X38HttpError(res.status, url);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = decodeX38(bytes, res.headers.get("content-type") ?? "");
    this.#cache.set(url, { at: this.#now(), text });
    return text;
  }

  /** `o=k` 공모주 청약일정. */
  async list(page = 1): Promise<X38Page<X38ListRow>> {
    return parseX38List(await this.page(`/html/fund/?o=k&page=${page}`));
  }

  /** `o=v` detail of a 38 id. */
  async detail(no: string): Promise<X38Detail> {
    if (!/^\d+$/.test(no)) throw new RangeError(`38 id must be digits: ${no}`);
    return parseX38Detail(await this.page(`/html/fund/?o=v&no=${no}&l=&page=1`));
  }

  /** `o=r1` 수요예측 결과. */
  async demandResults(page = 1): Promise<X38Page<X38DemandRow>> {
    return parseX38DemandResults(await this.page(`/html/fund/index.htm?o=r1&page=${page}`));
  }

  /** `o=nw` 신규상장. */
  async newListings(page = 1): Promise<X38Page<X38ListingRow>> {
    return parseX38NewListings(await this.page(`/html/fund/index.htm?o=nw&page=${page}`));
  }
}
