/**
 * A fake Kiwoom server speaking the real protocol (kiwoom.md §2.2, §3) on 127.0.0.1, port 0:
 * POST /oauth2/token (au10001), POST /oauth2/revoke (au10002, every call recorded in
 * `revokes`), and the WebSocket at /api/dostk/websocket with LOGIN ack,
 * the 100013 rejection of anything sent before the LOGIN ack, REG/REMOVE acks, REAL
 * frames, server PINGs and SYSTEM notices. Every frame received is recorded.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";

export interface Received {
  conn: number;
  at: number;
  text: string;
  msg: Record<string, unknown> | null;
}

/** One POST /oauth2/revoke as received. */
export interface RevokeCall {
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | null;
}

interface Conn {
  id: number;
  ws: WebSocket;
  loggedIn: boolean;
  loginAckAt: number | null;
}

export class FakeKiwoom {
  readonly appKey = "fake-app-key-123456";
  readonly secretKey = "fake-secret-key-abcdef";
  /** Delay before the LOGIN ack (ms): makes a REG-before-ack race observable. */
  loginAckDelayMs = 80;
  received: Received[] = [];
  /** Tokens currently valid (issued, not revoked). */
  tokensIssued: string[] = [];
  /** Every token ever issued (for secret checks). */
  tokensEver: string[] = [];
  /** Every au10002 call, in order. */
  revokes: RevokeCall[] = [];
  /** HTTP status of revoke answers (set 500 to make revokes fail). */
  revokeStatus = 200;
  /** Delay before answering a revoke (ms): makes a revoke timeout observable. */
  revokeDelayMs = 0;
  /** Delay before answering a token request (ms). */
  tokenDelayMs = 0;
  /** 100013 rejections sent (REG etc. before LOGIN ack). */
  rejectedBeforeLogin = 0;
  conns: Conn[] = [];
  #server: ReturnType<typeof createServer>;
  #wss: WebSocketServer;
  #nextConn = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (req.method === "POST" && req.url === "/oauth2/token") {
          let b: Record<string, string> = {};
          try {
            b = JSON.parse(body);
          } catch { /* empty */ }
          res.setHeader("content-type", "application/json;charset=UTF-8");
          if (
            b.grant_type !== "client_credentials" || b.appkey !== this.appKey ||
            b.secretkey !== this.secretKey
          ) {
            res.end(
              JSON.stringify({
                return_code: 3,
                return_msg: "[8001:App Key와 Secret Key 검증에 실패했습니다]",
              }),
            );
            return;
          }
          const token = `tok-${this.tokensIssued.length + 1}-${
            Math.random().toString(36).slice(2)
          }`;
          const exp = new Date(Date.now() + 9 * 3600_000 + 24 * 3600_000);
          const dt = exp.toISOString().replace(/[-:T]/g, "").slice(0, 14);
          setTimeout(() => {
            this.tokensIssued.push(token);
            this.tokensEver.push(token);
            res.end(JSON.stringify({
              expires_dt: dt,
              token_type: "Bearer",
              token,
              return_code: 0,
              return_msg: "정상적으로 처리되었습니다",
            }));
          }, this.tokenDelayMs);
          return;
        }
        if (req.method === "POST" && req.url === "/oauth2/revoke") {
          this.#onRevoke(req.headers, body, (status, answer) => {
            if (res.destroyed) return;
            res.statusCode = status;
            res.setHeader("content-type", "application/json;charset=UTF-8");
            res.end(JSON.stringify(answer));
          });
          return;
        }
        res.statusCode = 404;
        res.end();
      });
    });
    // Cast: Deno and @types/ws may carry different @types/node copies of the same Server type.
    this.#wss = new WebSocketServer({
      server: this.#server as unknown as never,
      path: "/api/dostk/websocket",
    });
    this.#wss.on("connection", (ws) => {
      const conn: Conn = {
        id: ++this.#nextConn,
        ws,
        loggedIn: false,
        loginAckAt: null,
      };
      this.conns.push(conn);
      ws.on("message", (data) => this.#onMessage(conn, data.toString()));
    });
  }

  #onRevoke(
    headers: RevokeCall["headers"],
    text: string,
    reply: (status: number, body: unknown) => void,
  ): void {
    let b: Record<string, unknown> | null = null;
    try {
      b = JSON.parse(text);
    } catch { /* recorded as null */ }
    this.revokes.push({ headers, body: b });
    setTimeout(() => {
      if (this.revokeStatus !== 200) {
        reply(this.revokeStatus, { return_code: 1, return_msg: "internal error (fake)" });
        return;
      }
      const i = this.tokensIssued.indexOf(String(b?.token));
      if (b?.appkey !== this.appKey || b?.secretkey !== this.secretKey || i < 0) {
        reply(200, { return_code: 3, return_msg: "[8016:revoke failed (fake)]" });
        return;
      }
      this.tokensIssued.splice(i, 1); // a revoked token no longer logs in
      reply(200, { return_code: 0, return_msg: "정상적으로 처리되었습니다" });
    }, this.revokeDelayMs);
  }

  static async start(): Promise<FakeKiwoom> {
    const f = new FakeKiwoom();
    await new Promise<void>((r) => f.#server.listen(0, "127.0.0.1", r));
    return f;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }
  get restBase(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/api/dostk/websocket`;
  }

  #onMessage(conn: Conn, text: string): void {
    let msg: Record<string, unknown> | null = null;
    try {
      msg = JSON.parse(text);
    } catch { /* bare text */ }
    this.received.push({ conn: conn.id, at: performance.now(), text, msg });
    const trnm = msg?.trnm;
    if (trnm === "LOGIN") {
      const ok = this.tokensIssued.includes(String(msg!.token));
      setTimeout(() => {
        if (ok) {
          conn.loggedIn = true;
          conn.loginAckAt = performance.now();
          conn.ws.send(
            JSON.stringify({
              trnm: "LOGIN",
              return_code: 0,
              return_msg: "",
              sor_yn: "Y",
            }),
          );
        } else {
          conn.ws.send(
            JSON.stringify({
              trnm: "LOGIN",
              return_code: 1,
              return_msg: "[8005:Token이 유효하지 않습니다]",
            }),
          );
        }
      }, this.loginAckDelayMs);
      return;
    }
    if (!conn.loggedIn) {
      this.rejectedBeforeLogin++;
      conn.ws.send(JSON.stringify({
        trnm,
        return_code: 100013,
        return_msg:
          `로그인 인증이 들어오기 전에 다른 전문이 들어왔습니다. 해당 전문은 무시됩니다. (TRNM=${trnm})`,
      }));
      return;
    }
    if (trnm === "REG" || trnm === "REMOVE") {
      conn.ws.send(JSON.stringify({ trnm, return_code: 0, return_msg: "" }));
    }
  }

  /** REG requests accepted (after login) on a connection, in order. */
  regs(conn?: number): Record<string, unknown>[] {
    return this.received.filter((r) =>
      r.msg?.trnm === "REG" && (conn === undefined || r.conn === conn) &&
      this.conns.find((c) => c.id === r.conn)!.loginAckAt !== null &&
      r.at >= this.conns.find((c) => c.id === r.conn)!.loginAckAt!
    ).map((r) => r.msg!);
  }

  #live(): Conn[] {
    return this.conns.filter((c) => c.loggedIn && c.ws.readyState === WebSocket.OPEN);
  }

  /** Sends a REAL frame (live key order: data before trnm). */
  sendReal(data: unknown[]): void {
    const text = JSON.stringify({ data, trnm: "REAL" });
    for (const c of this.#live()) c.ws.send(text);
  }

  sendRaw(text: string): void {
    for (const c of this.#live()) c.ws.send(text);
  }

  sendSystem(code: string, message: string): void {
    this.sendRaw(JSON.stringify({ trnm: "SYSTEM", code, message }));
  }

  /** Kills every socket without a close handshake (a dropped connection). */
  dropAll(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  closeAll(code = 1000): void {
    for (const c of this.conns) {
      if (c.ws.readyState === WebSocket.OPEN) c.ws.close(code);
    }
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((r) => this.#wss.close(() => r()));
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

/** Resolves when `cond` holds, polling every 5 ms; rejects after `ms`. */
export async function until(
  cond: () => boolean,
  ms = 5000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
