/**
 * Typed KRX errors, for both KRX sources (`shared/sources/krx-kind.md` §1.7, §2.2):
 *
 * | class | when | what to do |
 * |---|---|---|
 * | {@linkcode KrxUnauthorizedError} | OpenAPI HTTP 401 `{"respMsg":"Unauthorized API Call","respCode":"401"}` | apply for that API ("API 이용신청") at openapi.krx.co.kr; retrying never helps |
 * | {@linkcode KrxFormatError} | not JSON, no `OutBlock_1`/`output`, a value that is not a number/date, an unknown market | the payload changed: look at the raw record (`rawId`) |
 * | {@linkcode KrxLoginError} | data.krx.co.kr: body `LOGOUT`, an HTML page, a login `_error_code` other than `CD001`, no `KRX_ID`/`KRX_PW` | fix the account or log in again; an HTML or `LOGOUT` answer is never data |
 *
 * Transport failures (timeouts, 5xx, network) stay the fetch layer's `HttpError`s. Every
 * message passes through `maskSecrets`, and no message is ever built from a password.
 *
 * @module
 */
import { maskSecrets } from "../../log.ts";

/** Which KRX service answered: the OpenAPI (`krx`) or the data.krx.co.kr site (`datakrx`). */
export type KrxSource = "krx" | "datakrx";

/** Options of every {@linkcode KrxError}. */
export interface KrxErrorOptions {
  /** Id of the raw record holding the payload, when one was saved. */
  rawId?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** Base class of every KRX error. */
export class KrxError extends Error {
  /** `krx` (OpenAPI) or `datakrx` (data.krx.co.kr). */
  readonly source: KrxSource;
  /** OpenAPI `api_id` (e.g. `stk_bydd_trd`) or data.krx screen (e.g. `MDCSTAT02203`, `login`). */
  readonly api: string;
  /** Id of the raw record holding the payload, when one was saved. */
  rawId?: string;
  /** Whether the same call may succeed later without a change on our side. */
  readonly retryable: boolean = false;

  /** Builds the error; the message is prefixed with the source and api, then masked. */
  constructor(message: string, source: KrxSource, api: string, opts: KrxErrorOptions = {}) {
    const label = source === "krx" ? "KRX OpenAPI" : "data.krx.co.kr";
    super(
      maskSecrets(`${label} ${api}: ${message}`),
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.name = new.target.name;
    this.source = source;
    this.api = api;
    this.rawId = opts.rawId;
  }
}

/**
 * The OpenAPI refused the key for this API (HTTP 401 `Unauthorized API Call`). A key is
 * approved per API, so the message names the `api_id` to apply for. Not retryable.
 */
export class KrxUnauthorizedError extends KrxError {
  /** HTTP status (401). */
  readonly status = 401;

  /** Builds the error for `apiId`; `respMsg` is KRX's message when the body had one. */
  constructor(apiId: string, opts: KrxErrorOptions & { respMsg?: string } = {}) {
    super(
      `HTTP 401 ${opts.respMsg ?? "Unauthorized API Call"}: the AUTH_KEY is not approved for ` +
        `${apiId}. Apply for this API ("API 이용신청") at openapi.krx.co.kr and wait for the ` +
        `approval; a key is approved per API, so other endpoints may still work`,
      "krx",
      apiId,
      opts,
    );
  }
}

/** The payload is not the documented shape (the message names what was expected). */
export class KrxFormatError extends KrxError {}

/** Why a {@linkcode KrxLoginError} was raised. */
export type KrxLoginReason =
  /** `KRX_ID`/`KRX_PW` not configured: no call was made. */
  | "no_credentials"
  /** The login answered an `_error_code` other than `CD001` (see `code`). */
  | "rejected"
  /** A data call answered `LOGOUT` (no or expired session). */
  | "logout"
  /** An HTML page where JSON was expected (error page, login page, anti-bot page). */
  | "html"
  /** The login answer was not the documented JSON. */
  | "format";

/** data.krx.co.kr refused the session or the credentials. */
export class KrxLoginError extends KrxError {
  /** What went wrong. */
  readonly reason: KrxLoginReason;
  /** The login `_error_code` (e.g. `CD010`), when the login answered one. */
  readonly code?: string;

  /** Builds the error; never pass a password in `message`. */
  constructor(
    message: string,
    api: string,
    opts: KrxErrorOptions & { reason: KrxLoginReason; code?: string },
  ) {
    super(message, "datakrx", api, opts);
    this.reason = opts.reason;
    this.code = opts.code;
  }
}
