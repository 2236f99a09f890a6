/**
 * Kiwoom REST token (au10001) and real-time WebSocket client (kiwoom.md §2.2, §3).
 *
 * Protocol as implemented:
 * - token: POST {rest}/oauth2/token `{grant_type:"client_credentials", appkey, secretkey}` →
 *   `{token, expires_dt (YYYYMMDDHHMMSS KST), return_code:0}`; re-issued 600 s before
 *   expiry and after a LOGIN failure 8005/8031/8103.
 * - socket: open {ws}, send `{"trnm":"LOGIN","token":<bare token>}`, wait for the LOGIN ack
 *   with return_code 0 — only then send REG (a REG before the ack is dropped, 100013).
 * - REG `{"trnm":"REG","grp_no":"1","refresh":"1","data":[{"item":[…],"type":["0B","0D"]}]}`
 *   in chunks of 100 codes (no documented limit; 100 is the OpenAPI+ per-call limit);
 *   codes dropped from the list are sent as REMOVE.
 * - PING (`{"trnm":"PING"}` or bare `PING`) is echoed unchanged. SYSTEM is never echoed:
 *   R10001 (same app key logged in elsewhere) waits the longest backoff before trying
 *   again (two bridges on one key would knock each other off); other SYSTEM codes such as
 *   R10002 (heartbeat timeout) are logged and the close that follows reconnects.
 * - on close: reconnect with exponential backoff + jitter, LOGIN again, wait for the ack,
 *   re-send every REG.
 * - stop(): closes the socket, then revokes the token once (au10002: POST {rest}/oauth2/revoke
 *   `{appkey, secretkey, token}` → `{return_code:0}`) with a short timeout; a failed revoke
 *   is logged as a warning (without the token) and stop() still resolves.
 */
import WebSocket from "ws";
import type { OrderBook, Tick } from "../../lib/live/types.ts";
import { parseReal } from "./fids.ts";
import { log, registerSecret } from "./log.ts";

export const REAL_HOST = {
  rest: "https://api.kiwoom.com",
  ws: "wss://api.kiwoom.com:10000",
};
export const MOCK_HOST = {
  rest: "https://mockapi.kiwoom.com",
  ws: "wss://mockapi.kiwoom.com:10000",
};
export const WS_PATH = "/api/dostk/websocket";

const AUTH_RETRY_CODES = new Set([8005, 8031, 8103]);
const REG_CHUNK = 100;

export interface KiwoomOptions {
  restBase: string;
  wsUrl: string;
  appKey: string;
  secretKey: string;
  onTicks: (ticks: Tick[]) => void;
  onBooks: (books: OrderBook[]) => void;
  onSystem?: (msg: { code: string; message: string }) => void;
  /** Observability hook for tests: every state change. */
  onState?: (
    state: "connecting" | "login_sent" | "logged_in" | "closed",
  ) => void;
  backoff?: { minMs: number; maxMs: number };
  /** Timeout of the au10002 revoke on stop() (ms, default 3000). */
  revokeTimeoutMs?: number;
  /** Kiwoom real types to register (default 0B and 0D). */
  types?: string[];
  fetchImpl?: typeof fetch;
}

/** Parses a Kiwoom 4-digit code from return_code or `[8005:…]` / `CODE=8005` in the message. */
export function kiwoomCode(
  body: { return_code?: unknown; return_msg?: unknown },
): number {
  const msg = String(body.return_msg ?? "");
  const m = /\[(\d{4})[:\]]/.exec(msg) ?? /CODE=(\d{4})/.exec(msg);
  if (m) return Number(m[1]);
  return Number(body.return_code ?? 0);
}

/** "20260912072914" (KST) → epoch ms. */
export function parseExpires(dt: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(dt.trim());
  if (!m) return Date.now() + 3600_000;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] - 9, +m[5], +m[6]);
}

export class KiwoomClient {
  #opts: KiwoomOptions;
  #token: { value: string; expires: number } | null = null;
  /** The au10001 request in flight, if any. */
  #issuing: Promise<string> | null = null;
  #ws: WebSocket | null = null;
  #loggedIn = false;
  #codes = new Set<string>();
  #registered = new Set<string>();
  #attempt = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #nextDelay: number | null = null;
  /** Counters for tests and logs. */
  readonly stats = {
    connects: 0,
    logins: 0,
    pings: 0,
    frames: 0,
    ticks: 0,
    books: 0,
  };

  constructor(opts: KiwoomOptions) {
    this.#opts = opts;
    registerSecret(opts.appKey);
    registerSecret(opts.secretKey);
  }

  get loggedIn(): boolean {
    return this.#loggedIn;
  }

  /** Issues (or reuses) the access token. Concurrent calls share one request. */
  async token(force = false): Promise<string> {
    if (!force && this.#token && this.#token.expires - Date.now() > 600_000) {
      return this.#token.value;
    }
    this.#issuing ??= this.#issue().finally(() => {
      this.#issuing = null;
    });
    return await this.#issuing;
  }

  async #issue(): Promise<string> {
    const f = this.#opts.fetchImpl ?? fetch;
    const res = await f(`${this.#opts.restBase}/oauth2/token`, {
      method: "POST",
      headers: {
        "content-type": "application/json;charset=UTF-8",
        "api-id": "au10001",
      },
      body: JSON.stringify({
        grant_type: "client_credentials",
        appkey: this.#opts.appKey,
        secretkey: this.#opts.secretKey,
      }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let body: {
      token?: string;
      expires_dt?: string;
      return_code?: number;
      return_msg?: string;
    };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`token request: HTTP ${res.status}, not JSON`);
    }
    if (!res.ok || !body.token || kiwoomCode(body) !== 0) {
      throw new Error(
        `token request failed: HTTP ${res.status}, code ${kiwoomCode(body)} ${
          String(body.return_msg ?? "").slice(0, 200)
        }`,
      );
    }
    registerSecret(body.token);
    this.#token = {
      value: body.token,
      expires: parseExpires(body.expires_dt ?? ""),
    };
    return body.token;
  }

  /** Sets the code list; registers additions and removes drops when logged in. */
  setCodes(codes: Iterable<string>): void {
    this.#codes = new Set(codes);
    if (!this.#loggedIn) return;
    const add = [...this.#codes].filter((c) => !this.#registered.has(c));
    const drop = [...this.#registered].filter((c) => !this.#codes.has(c));
    if (add.length) this.#reg(add);
    if (drop.length) this.#remove(drop);
  }

  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  /**
   * Stops reconnecting, closes the socket and revokes the access token (au10002) once.
   * Resolves when the revoke answered, failed or timed out; never rejects.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#ws?.close();
    this.#ws = null;
    this.#loggedIn = false;
    const timeout = this.#opts.revokeTimeoutMs ?? 3000;
    if (this.#issuing) {
      // A token being issued right now would outlive us unrevoked: wait for it (bounded).
      let t: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#issuing.catch(() => {}),
        new Promise((r) => (t = setTimeout(r, timeout))),
      ]);
      clearTimeout(t);
    }
    const token = this.#token;
    this.#token = null; // a second stop() finds nothing to revoke
    if (token && token.expires > Date.now()) await this.#revoke(token.value, timeout);
  }

  async #revoke(token: string, timeoutMs: number): Promise<void> {
    const f = this.#opts.fetchImpl ?? fetch;
    try {
      const res = await f(`${this.#opts.restBase}/oauth2/revoke`, {
        method: "POST",
        headers: {
          "content-type": "application/json;charset=UTF-8",
          "api-id": "au10002",
        },
        body: JSON.stringify({
          appkey: this.#opts.appKey,
          secretkey: this.#opts.secretKey,
          token,
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let body: { return_code?: unknown; return_msg?: unknown } = {};
      try {
        body = JSON.parse(text);
      } catch { /* not JSON: judged by the status */ }
      const code = kiwoomCode(body);
      if (!res.ok || code !== 0) {
        log.warn("kiwoom token revoke failed", {
          status: res.status,
          code,
          detail: String(body.return_msg ?? "").slice(0, 200),
        });
        return;
      }
      log.info("kiwoom token revoked");
    } catch (e) {
      log.warn("kiwoom token revoke failed", { error: e as Error });
    }
  }

  #types(): string[] {
    return this.#opts.types ?? ["0B", "0D"];
  }

  #send(msg: unknown): void {
    if (this.#ws?.readyState === WebSocket.OPEN) {
      this.#ws.send(JSON.stringify(msg));
    }
  }

  #reg(codes: string[]): void {
    for (let i = 0; i < codes.length; i += REG_CHUNK) {
      const chunk = codes.slice(i, i + REG_CHUNK);
      this.#send({
        trnm: "REG",
        grp_no: "1",
        refresh: "1",
        data: [{ item: chunk, type: this.#types() }],
      });
      for (const c of chunk) this.#registered.add(c);
    }
    log.info("kiwoom REG sent", { codes: codes.length });
  }

  #remove(codes: string[]): void {
    for (let i = 0; i < codes.length; i += REG_CHUNK) {
      const chunk = codes.slice(i, i + REG_CHUNK);
      this.#send({
        trnm: "REMOVE",
        grp_no: "1",
        data: [{ item: chunk, type: this.#types() }],
      });
      for (const c of chunk) this.#registered.delete(c);
    }
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#opts.onState?.("connecting");
    let token: string;
    try {
      token = await this.token();
    } catch (e) {
      log.warn("kiwoom token failed", { error: e as Error });
      this.#scheduleReconnect();
      return;
    }
    if (this.#stopped) return;
    this.stats.connects++;
    const ws = new WebSocket(this.#opts.wsUrl);
    this.#ws = ws;
    ws.on("open", () => {
      ws.send(JSON.stringify({ trnm: "LOGIN", token }));
      this.#opts.onState?.("login_sent");
    });
    ws.on("message", (data) => this.#onMessage(ws, data.toString()));
    ws.on(
      "error",
      (e) => log.warn("kiwoom socket error", { error: e as Error }),
    );
    ws.on("close", (code) => {
      if (this.#ws === ws) this.#ws = null;
      this.#loggedIn = false;
      this.#registered.clear();
      this.#opts.onState?.("closed");
      log.warn("kiwoom socket closed", { code });
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    if (this.#stopped || this.#timer) return;
    const { minMs, maxMs } = this.#opts.backoff ??
      { minMs: 1000, maxMs: 60_000 };
    const base = this.#nextDelay ?? Math.min(maxMs, minMs * 2 ** this.#attempt);
    this.#nextDelay = null;
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.#attempt++;
    log.info("kiwoom reconnect scheduled", {
      delay_ms: delay,
      attempt: this.#attempt,
    });
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, delay);
  }

  #onMessage(ws: WebSocket, text: string): void {
    if (text === "PING") {
      ws.send(text);
      this.stats.pings++;
      return;
    }
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text);
    } catch {
      log.warn("kiwoom frame is not JSON", { bytes: text.length });
      return;
    }
    switch (msg.trnm) {
      case "PING":
        ws.send(text); // echo unchanged
        this.stats.pings++;
        return;
      case "LOGIN": {
        const code = kiwoomCode(msg);
        if (code !== 0) {
          log.error("kiwoom LOGIN rejected", {
            code,
            detail: String(msg.return_msg ?? ""),
          });
          if (AUTH_RETRY_CODES.has(code)) this.#token = null;
          ws.close();
          return;
        }
        this.#loggedIn = true;
        this.#attempt = 0;
        this.stats.logins++;
        this.#opts.onState?.("logged_in");
        log.info("kiwoom logged in");
        if (this.#codes.size) this.#reg([...this.#codes]);
        return;
      }
      case "REG":
      case "REMOVE": {
        const code = Number(msg.return_code ?? 0);
        if (code !== 0) {
          log.warn(`kiwoom ${msg.trnm} rejected`, {
            code,
            msg: String(msg.return_msg ?? ""),
          });
        }
        return;
      }
      case "REAL": {
        this.stats.frames++;
        const { ticks, books } = parseReal(msg);
        this.stats.ticks += ticks.length;
        this.stats.books += books.length;
        if (ticks.length) this.#opts.onTicks(ticks);
        if (books.length) this.#opts.onBooks(books);
        return;
      }
      case "SYSTEM": {
        const code = String(msg.code ?? msg.return_code ?? "");
        const message = String(msg.message ?? msg.return_msg ?? "");
        log.warn("kiwoom SYSTEM notice", { code, message });
        if (code === "R10001") {
          // Another session took this app key over; back off fully before retrying.
          this.#nextDelay = (this.#opts.backoff ?? { minMs: 1000, maxMs: 60_000 }).maxMs;
        }
        this.#opts.onSystem?.({ code, message });
        return;
      }
      default:
        log.debug("kiwoom frame ignored", { trnm: String(msg.trnm) });
    }
  }
}
