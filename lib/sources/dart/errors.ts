/**
 * Typed OpenDART errors. DART answers business errors with HTTP 200 and a `status` code
 * (JSON `{"status","message"}` or, on ZIP endpoints, `<result><status/><message/></result>`);
 * {@linkcode dartStatusError} maps a code to its class:
 *
 * | class | codes | what to do |
 * |---|---|---|
 * | {@linkcode DartAuthError} | 010 011 012 901 | stop and report (key / IP problem) |
 * | {@linkcode DartQuotaError} | 020 | back off (daily cap) |
 * | {@linkcode DartRequestError} | 021 100 101 | fix the request |
 * | {@linkcode DartUnavailableError} | 800 900 | retry later |
 * | {@linkcode DartNoFileError} | 014 | the document is not stored |
 * | {@linkcode DartFormatError} | — | the body is not what the endpoint should send |
 *
 * `000` (정상) and `013` (조회된 데이타가 없습니다 = empty result) are not errors. Messages pass
 * through `maskSecrets`, so they never carry the API key.
 *
 * @module
 */
import { maskedCause, maskSecrets } from "../../log.ts";

/** A masked copy of a cause chain; causes that are already DartApiErrors are kept. */
const safeCause = (cause: unknown) => maskedCause(cause, (e) => e instanceof DartApiError);

/** Base class of every OpenDART error. */
export class DartApiError extends Error {
  /** DART status code (`"020"`), or `"format"` for {@linkcode DartFormatError}. */
  readonly status: string;
  /** Endpoint name, e.g. `list.json`. */
  readonly endpoint: string;
  /** DART's own message text. */
  readonly dartMessage: string;
  /** Id of the raw record holding the payload, when one was saved. */
  rawId?: string;

  constructor(
    status: string,
    message: string,
    endpoint: string,
    opts: { rawId?: string; cause?: unknown } = {},
  ) {
    const safe = maskSecrets(message);
    super(
      maskSecrets(`DART ${endpoint} status ${status}: ${safe}`),
      opts.cause === undefined ? undefined : { cause: safeCause(opts.cause) },
    );
    this.name = new.target.name;
    this.status = status;
    this.endpoint = endpoint;
    this.dartMessage = safe;
    this.rawId = opts.rawId;
  }
}

/** 010/011/012/901: key not registered, suspended, IP refused, or expired. Stop and report. */
export class DartAuthError extends DartApiError {}
/** 020: request cap exceeded. Back off (the cap is usually per day). */
export class DartQuotaError extends DartApiError {}
/** 021/100/101: too many companies, an invalid field value, or an improper access. */
export class DartRequestError extends DartApiError {}
/** 800/900: maintenance or an undefined server error. Retry later. */
export class DartUnavailableError extends DartApiError {}
/** 014: the file does not exist (document.xml). */
export class DartNoFileError extends DartApiError {}

/** The body is malformed or not the shape the endpoint sends. */
export class DartFormatError extends DartApiError {
  constructor(message: string, endpoint: string, opts: { rawId?: string; cause?: unknown } = {}) {
    super("format", message, endpoint, opts);
  }
}

const AUTH = new Set(["010", "011", "012", "901"]);
const REQUEST = new Set(["021", "100", "101"]);
const UNAVAILABLE = new Set(["800", "900"]);

/**
 * The error for a DART `status`, or null for `000` (정상) and `013` (no data). An unknown
 * code maps to the base {@linkcode DartApiError}.
 */
export function dartStatusError(
  status: string,
  message: string,
  endpoint: string,
): DartApiError | null {
  if (status === "000" || status === "013") return null;
  if (AUTH.has(status)) return new DartAuthError(status, message, endpoint);
  if (status === "020") return new DartQuotaError(status, message, endpoint);
  if (REQUEST.has(status)) return new DartRequestError(status, message, endpoint);
  if (UNAVAILABLE.has(status)) return new DartUnavailableError(status, message, endpoint);
  if (status === "014") return new DartNoFileError(status, message, endpoint);
  return new DartApiError(status, message, endpoint);
}
