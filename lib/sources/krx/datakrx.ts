/**
 * {@linkcode DataKrxClient}: investor flows from data.krx.co.kr (`shared/sources/krx-kind.md`
 * §2), which needs a logged-in member session since the Data Marketplace switch (2025-12-27).
 *
 * Login (as pykrx does, §2.2), with the cookies of every answer kept (`JSESSIONID`):
 * 1. `GET /contents/MDC/COMS/client/MDCCOMS001.cmd`;
 * 2. `GET /contents/MDC/COMS/client/view/login.jsp?site=mdc`;
 * 3. `POST /contents/MDC/COMS/client/MDCCOMS001D1.cmd` with `mbrId`, `pw`, `mbrNm`, `telNo`,
 *    `di`, `certType` (empty) → JSON `_error_code`: `CD001` ok; `CD011` (already logged in
 *    elsewhere) → the same form again with `skipDup=Y`; `CD010` (password change required) and
 *    anything else → {@linkcode KrxLoginError}.
 *
 * A session is assumed to last {@linkcode DATA_KRX_SESSION_MS} (1 hour): an older one is
 * renewed before the call, and a data call answering `LOGOUT` (HTTP 200 or 4xx) logs in again
 * and is retried once. Without `id`/`pw` nothing is sent. The password is registered with
 * `registerSecret`, never logged, never part of a raw record or an error message.
 *
 * Data: `POST /comm/bldAttendant/getJsonData.cmd` (form: `bld`, `strtDd`, `endDd`, `mktId`,
 * `etf`/`etn`/`elw` empty, `trdVolVal=2` 거래대금, `askBid=3` 순매수, `detailView=1`) with
 * `User-Agent: Mozilla/5.0`, the outerLoader `Referer` and `X-Requested-With: XMLHttpRequest`.
 * Every 2xx answer is saved (source `datakrx`, dataset `MDCSTAT02203`) before it is parsed.
 *
 * @module
 */
import { log, registerSecret } from "../../log.ts";
import { saveRaw } from "../../store/raw.ts";
import { type HttpClient, type HttpResponse, HttpStatusError } from "../../http/mod.ts";
import { type InvestorFlow, type KrxMarket, MARKET_ID, toBasDd } from "../../market/model.ts";
import { KrxError, KrxFormatError, KrxLoginError } from "./errors.ts";
import { decodeKrx, FLOW_SCREEN, parseDataKrxFlows } from "./parse.ts";
import type { DataKrxApi, KrxResult } from "./types.ts";

/** The default data.krx.co.kr origin. */
export const DATA_KRX_BASE = "https://data.krx.co.kr";

/** Paths (relative to the origin). */
export const DATA_KRX_PATHS = {
  loginPage: "/contents/MDC/COMS/client/MDCCOMS001.cmd",
  loginJsp: "/contents/MDC/COMS/client/view/login.jsp",
  login: "/contents/MDC/COMS/client/MDCCOMS001D1.cmd",
  data: "/comm/bldAttendant/getJsonData.cmd",
  referer: "/contents/MDC/MDI/outerLoader/index.cmd",
} as const;

/** `bld` of 투자자별 거래실적 시장 일별추이 (상세). */
export const FLOW_BLD = `dbms/MDC/STAT/standard/${FLOW_SCREEN}`;

/** Assumed session lifetime (pykrx's 1 hour). */
export const DATA_KRX_SESSION_MS = 60 * 60 * 1000;

/** Longest `strtDd..endDd` span per call (pykrx splits ranges into 730-day windows). */
export const DATA_KRX_MAX_RANGE_DAYS = 730;

/** The browser-like User-Agent data.krx.co.kr wants (an HTML error page otherwise, §2.2). */
export const DATA_KRX_USER_AGENT = "Mozilla/5.0";

/** Options of {@linkcode DataKrxClient}. */
export interface DataKrxClientOptions {
  kv: Deno.Kv;
  /** The `datakrx` HttpClient. */
  http: HttpClient;
  /** KRX member id (`KRX_ID`). */
  id?: string;
  /** KRX member password (`KRX_PW`). */
  pw?: string;
  /** Default {@linkcode DATA_KRX_BASE}. */
  baseUrl?: string;
  /** Clock for the session age and `fetched_at` (default `new Date()`). */
  now?: () => Date;
}

const YMD = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** data.krx.co.kr client with a login session. */
export class DataKrxClient implements DataKrxApi {
  #kv: Deno.Kv;
  #http: HttpClient;
  #id: string;
  #pw: string;
  #base: string;
  #now: () => Date;
  #cookies = new Map<string, string>();
  #loginAt: number | null = null;
  /** Bumped by every successful login, so concurrent LOGOUTs re-login once. */
  #generation = 0;
  #loggingIn: Promise<void> | null = null;

  /** Creates a client; no call is made before the first {@linkcode investorFlows}. */
  constructor(opts: DataKrxClientOptions) {
    this.#kv = opts.kv;
    this.#http = opts.http;
    this.#id = opts.id ?? "";
    this.#pw = opts.pw ?? "";
    registerSecret(this.#pw);
    this.#base = (opts.baseUrl ?? DATA_KRX_BASE).replace(/\/+$/, "");
    this.#now = opts.now ?? (() => new Date());
  }

  /** Whether both `id` and `pw` are set. */
  get hasCredentials(): boolean {
    return this.#id !== "" && this.#pw !== "";
  }

  /** Whether a session younger than {@linkcode DATA_KRX_SESSION_MS} is held. */
  get loggedIn(): boolean {
    return this.#loginAt !== null && this.#now().getTime() - this.#loginAt < DATA_KRX_SESSION_MS;
  }

  /**
   * 순매수 거래대금 by investor type for each trading day in `[from, to]` (`YYYY-MM-DD`, at most
   * {@linkcode DATA_KRX_MAX_RANGE_DAYS} days), oldest first; a range without trading days → `[]`.
   */
  async investorFlows(
    market: KrxMarket,
    from: string,
    to: string,
  ): Promise<KrxResult<InvestorFlow[]>> {
    if (!YMD.test(from) || !YMD.test(to) || from > to) {
      throw new RangeError(`data.krx dates must be YYYY-MM-DD with from <= to: ${from}..${to}`);
    }
    const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
    if (span >= DATA_KRX_MAX_RANGE_DAYS) {
      throw new RangeError(
        `data.krx range ${from}..${to} is longer than ${DATA_KRX_MAX_RANGE_DAYS} days: split it`,
      );
    }
    this.#requireCredentials(FLOW_SCREEN);
    if (!this.loggedIn) await this.login();
    const generation = this.#generation;
    try {
      return await this.#flows(market, from, to);
    } catch (err) {
      if (!(err instanceof KrxLoginError && err.reason === "logout")) throw err;
      log.info("datakrx session lost, logging in again", { screen: FLOW_SCREEN });
      if (this.#generation === generation) await this.login();
      return await this.#flows(market, from, to);
    }
  }

  /** Logs in (again), replacing the session; concurrent callers share one login. */
  login(): Promise<void> {
    this.#requireCredentials("login");
    this.#loggingIn ??= this.#login().finally(() => (this.#loggingIn = null));
    return this.#loggingIn;
  }

  #requireCredentials(api: string): void {
    if (this.hasCredentials) return;
    throw new KrxLoginError(
      "KRX_ID/KRX_PW not set: data.krx.co.kr needs a logged-in KRX member session " +
        "(since 2025-12-27); set both to collect investor flows",
      api,
      { reason: "no_credentials" },
    );
  }

  async #login(): Promise<void> {
    // The cookies are kept (as a browser would): renewing a live session from the same
    // JSESSIONID is not a duplicate login; a dead one is replaced by the login pages.
    this.#loginAt = null;
    const page = `${this.#base}${DATA_KRX_PATHS.loginPage}`;
    const browser = { "user-agent": DATA_KRX_USER_AGENT, "accept": "text/html,*/*" };
    await this.#send(page, { method: "GET", headers: browser });
    await this.#send(`${this.#base}${DATA_KRX_PATHS.loginJsp}?site=mdc`, {
      method: "GET",
      headers: { ...browser, "referer": page },
    });
    const form: Record<string, string> = {
      mbrNm: "",
      telNo: "",
      di: "",
      certType: "",
      mbrId: this.#id,
      pw: this.#pw,
    };
    let answer = await this.#postLogin(form, page);
    if (answer.code === "CD011") {
      log.info("datakrx duplicate login (CD011), resending with skipDup=Y", {});
      answer = await this.#postLogin({ ...form, skipDup: "Y" }, page);
    }
    if (answer.code !== "CD001") {
      const message = answer.code === "CD010"
        ? "login refused (_error_code CD010): the KRX account must change its password; " +
          "log in once at data.krx.co.kr and change it"
        : `login refused (_error_code ${answer.code || "missing"}${
          answer.message ? `: ${answer.message}` : ""
        })`;
      throw new KrxLoginError(message, "login", { reason: "rejected", code: answer.code });
    }
    this.#loginAt = this.#now().getTime();
    this.#generation++;
    log.info("datakrx login ok", { cookies: [...this.#cookies.keys()].join(",") });
  }

  async #postLogin(
    form: Record<string, string>,
    referer: string,
  ): Promise<{ code: string; message: string }> {
    const res = await this.#send(`${this.#base}${DATA_KRX_PATHS.login}`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
        "user-agent": DATA_KRX_USER_AGENT,
        "referer": referer,
        "accept": "application/json, text/javascript, */*; q=0.01",
      },
      body: new URLSearchParams(form).toString(),
    });
    const text = decodeKrx(res.body).trim();
    if (text.startsWith("<")) {
      throw new KrxLoginError("login answered an HTML page instead of JSON", "login", {
        reason: "html",
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      throw new KrxLoginError("login answered something other than a JSON object", "login", {
        reason: "format",
      });
    }
    const o = json as Record<string, unknown>;
    return {
      code: typeof o._error_code === "string" ? o._error_code : "",
      message: typeof o._error_message === "string" ? o._error_message : "",
    };
  }

  async #flows(
    market: KrxMarket,
    from: string,
    to: string,
  ): Promise<KrxResult<InvestorFlow[]>> {
    const url = `${this.#base}${DATA_KRX_PATHS.data}`;
    const form = new URLSearchParams({
      bld: FLOW_BLD,
      strtDd: toBasDd(from),
      endDd: toBasDd(to),
      mktId: MARKET_ID[market],
      etf: "",
      etn: "",
      elw: "",
      trdVolVal: "2",
      askBid: "3",
      detailView: "1",
    });
    let res: HttpResponse;
    try {
      res = await this.#send(url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
          "user-agent": DATA_KRX_USER_AGENT,
          "referer": `${this.#base}${DATA_KRX_PATHS.referer}`,
          "x-requested-with": "XMLHttpRequest",
          "accept": "application/json, text/javascript, */*; q=0.01",
        },
        body: form.toString(),
      });
    } catch (err) {
      // LOGOUT has been reported with HTTP 400 and 404 as well as 200.
      if (err instanceof HttpStatusError && err.bodySnippet.trim() === "LOGOUT") {
        throw new KrxLoginError(
          `answered LOGOUT (HTTP ${err.status}): no valid session`,
          FLOW_SCREEN,
          {
            reason: "logout",
            cause: err,
          },
        );
      }
      throw err;
    }
    const raw = await saveRaw(this.#kv, {
      source: "datakrx",
      dataset: FLOW_SCREEN,
      request: `POST ${url}?${form}`,
      http_status: res.status,
      content_type: res.headers.get("content-type") ?? "",
      body: res.body,
      fetched_at: this.#now(),
    });
    try {
      const data = parseDataKrxFlows(res.body, market, { rawId: raw.id });
      log.debug("datakrx call", { screen: FLOW_SCREEN, raw_id: raw.id, rows: data.length });
      return { data, raw };
    } catch (err) {
      const e = err instanceof KrxError ? err : new KrxFormatError(
        `unexpected parse failure: ${err instanceof Error ? err.message : String(err)}`,
        "datakrx",
        FLOW_SCREEN,
        { cause: err },
      );
      e.rawId = raw.id;
      log.warn("datakrx call failed", { error: `${e.name}: ${e.message}`, raw_id: raw.id });
      throw e;
    }
  }

  /** One request with the session cookies; keeps the cookies the answer sets. */
  async #send(url: string, init: RequestInit & { headers: Record<string, string> }) {
    const headers = { ...init.headers };
    if (this.#cookies.size) {
      headers["cookie"] = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    }
    const res = await this.#http.request(url, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(";", 1)[0];
      const eq = pair.indexOf("=");
      if (eq > 0) this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }
}
