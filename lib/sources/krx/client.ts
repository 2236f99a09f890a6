/**
 * {@linkcode KrxClient}: the KRX OpenAPI (`shared/sources/krx-kind.md` §1) over the shared
 * {@linkcode HttpClient}.
 *
 * Each call is `GET ${base}/${category}/${api_id}?basDd=YYYYMMDD` with the key in the
 * `AUTH_KEY` **header** (never in the URL, so it never reaches a raw record or a log line; it
 * is also registered with `registerSecret`). Every 2xx answer is saved with `saveRaw`
 * (source `krx`, dataset = `api_id`, request = `GET <url>`) **before** it is parsed; a parse
 * error carries that raw id (`err.rawId`). A holiday is HTTP 200 `{"OutBlock_1": []}` → `[]`.
 *
 * Errors: HTTP 401 (`Unauthorized API Call`: the key is not approved for that API) →
 * {@linkcode KrxUnauthorizedError} naming the `api_id` (the HttpClient never retries a 4xx
 * other than 429, so a 401 costs one call); timeouts, 5xx and network failures stay the fetch
 * layer's errors (retried there).
 *
 * Quota: KRX allows {@linkcode KRX_DAILY_QUOTA} calls per key per day. It is enforced by the
 * `KvRateLimiter` the caller passes inside the HttpClient (e.g. `new KvRateLimiter(kv,
 * { bucket: "krx", perDay: KRX_DAILY_QUOTA, perMinute: 600 })`); retries spend quota too.
 *
 * @module
 */
import { log, registerSecret } from "../../log.ts";
import { type RawRecord, saveRaw } from "../../store/raw.ts";
import { type HttpClient, HttpStatusError } from "../../http/mod.ts";
import {
  type DailyBar,
  type IndexBar,
  type IndexSeries,
  type Instrument,
  type KrxMarket,
  toBasDd,
} from "../../market/model.ts";
import { KrxError, KrxFormatError, KrxUnauthorizedError } from "./errors.ts";
import { parseBaseInfo, parseIndex, parseTrades } from "./parse.ts";
import type { KrxApi, KrxResult } from "./types.ts";

/** The OpenAPI call host. */
export const KRX_OPENAPI_BASE = "https://data-dbg.krx.co.kr/svc/apis";

/** Calls per key per KST day allowed by the OpenAPI terms. */
export const KRX_DAILY_QUOTA = 10_000;

/** `api_id` of each call, by market or index family. */
export const KRX_APIS = {
  trades: { KOSPI: "stk_bydd_trd", KOSDAQ: "ksq_bydd_trd", KONEX: "knx_bydd_trd" },
  baseInfo: { KOSPI: "stk_isu_base_info", KOSDAQ: "ksq_isu_base_info", KONEX: "knx_isu_base_info" },
  index: { KRX: "krx_dd_trd", KOSPI: "kospi_dd_trd", KOSDAQ: "kosdaq_dd_trd" },
} as const satisfies {
  trades: Record<KrxMarket, string>;
  baseInfo: Record<KrxMarket, string>;
  index: Record<IndexSeries, string>;
};

/** Every `api_id` this connector calls. */
export type KrxApiId =
  | typeof KRX_APIS.trades[KrxMarket]
  | typeof KRX_APIS.baseInfo[KrxMarket]
  | typeof KRX_APIS.index[IndexSeries];

/** The URL category (`sto` stocks, `idx` indices) of each `api_id`. */
export const KRX_API_CATEGORY: Record<KrxApiId, "sto" | "idx"> = {
  stk_bydd_trd: "sto",
  ksq_bydd_trd: "sto",
  knx_bydd_trd: "sto",
  stk_isu_base_info: "sto",
  ksq_isu_base_info: "sto",
  knx_isu_base_info: "sto",
  krx_dd_trd: "idx",
  kospi_dd_trd: "idx",
  kosdaq_dd_trd: "idx",
};

/** What each `api_id` serves (the fixture fetch uses it to route). */
export const KRX_API_TARGET: Record<
  KrxApiId,
  { kind: "trades" | "baseInfo"; market: KrxMarket } | { kind: "index"; series: IndexSeries }
> = {
  stk_bydd_trd: { kind: "trades", market: "KOSPI" },
  ksq_bydd_trd: { kind: "trades", market: "KOSDAQ" },
  knx_bydd_trd: { kind: "trades", market: "KONEX" },
  stk_isu_base_info: { kind: "baseInfo", market: "KOSPI" },
  ksq_isu_base_info: { kind: "baseInfo", market: "KOSDAQ" },
  knx_isu_base_info: { kind: "baseInfo", market: "KONEX" },
  krx_dd_trd: { kind: "index", series: "KRX" },
  kospi_dd_trd: { kind: "index", series: "KOSPI" },
  kosdaq_dd_trd: { kind: "index", series: "KOSDAQ" },
};

/** Options of {@linkcode KrxClient}. */
export interface KrxClientOptions {
  kv: Deno.Kv;
  /** The `krx` HttpClient (its limiter enforces the daily quota). */
  http: HttpClient;
  /** The OpenAPI key (`AUTH_KEY`), approved for each API called. */
  apiKey: string;
  /** Default {@linkcode KRX_OPENAPI_BASE}. */
  baseUrl?: string;
  /** Clock for `fetched_at` (default `new Date()`). */
  now?: () => Date;
}

const YMD = /^\d{4}-\d{2}-\d{2}$/;

/** KRX OpenAPI client: one method per dataset, each saving the raw answer before parsing. */
export class KrxClient implements KrxApi {
  #kv: Deno.Kv;
  #http: HttpClient;
  #key: string;
  #base: string;
  #now: () => Date;

  /** Creates a client; throws a `TypeError` without a key. */
  constructor(opts: KrxClientOptions) {
    if (!opts.apiKey) throw new TypeError("KrxClient: apiKey (KRX OpenAPI AUTH_KEY) is required");
    registerSecret(opts.apiKey);
    this.#kv = opts.kv;
    this.#http = opts.http;
    this.#key = opts.apiKey;
    this.#base = (opts.baseUrl ?? KRX_OPENAPI_BASE).replace(/\/+$/, "");
    this.#now = opts.now ?? (() => new Date());
  }

  /** 일별매매정보 of one market on `date` (`YYYY-MM-DD`); a holiday → `[]`. */
  dailyTrades(market: KrxMarket, date: string): Promise<KrxResult<DailyBar[]>> {
    const api = KRX_APIS.trades[market];
    return this.#get(api, date, (b, rawId) => parseTrades(b, { api, market, rawId }));
  }

  /** 종목기본정보 of one market as of `date`. */
  baseInfo(market: KrxMarket, date: string): Promise<KrxResult<Instrument[]>> {
    const api = KRX_APIS.baseInfo[market];
    return this.#get(api, date, (b, rawId) => parseBaseInfo(b, { api, market, rawId }));
  }

  /** 지수 일별시세 of one family on `date`. */
  indexDaily(series: IndexSeries, date: string): Promise<KrxResult<IndexBar[]>> {
    const api = KRX_APIS.index[series];
    return this.#get(api, date, (b, rawId) => parseIndex(b, { api, series, rawId }));
  }

  async #get<T>(
    api: KrxApiId,
    date: string,
    parse: (body: Uint8Array, rawId: string) => T,
  ): Promise<KrxResult<T>> {
    if (!YMD.test(date)) throw new RangeError(`KRX dates must be YYYY-MM-DD: ${date}`);
    const url = `${this.#base}/${KRX_API_CATEGORY[api]}/${api}?basDd=${toBasDd(date)}`;
    let res;
    try {
      res = await this.#http.request(url, {
        method: "GET",
        headers: { "AUTH_KEY": this.#key, "accept": "application/json" },
      });
    } catch (err) {
      if (err instanceof HttpStatusError && err.status === 401) {
        const respMsg = /"respMsg"\s*:\s*"([^"]*)"/.exec(err.bodySnippet)?.[1];
        const e = new KrxUnauthorizedError(api, { respMsg, cause: err });
        log.warn("krx call failed", { api, error: `${e.name}: ${e.message}` });
        throw e;
      }
      throw err;
    }
    const raw: RawRecord = await saveRaw(this.#kv, {
      source: "krx",
      dataset: api,
      request: `GET ${url}`,
      http_status: res.status,
      content_type: res.headers.get("content-type") ?? "",
      body: res.body,
      fetched_at: this.#now(),
    });
    let data: T;
    try {
      data = parse(res.body, raw.id);
    } catch (err) {
      const e = err instanceof KrxError ? err : new KrxFormatError(
        `unexpected parse failure: ${err instanceof Error ? err.message : String(err)}`,
        "krx",
        api,
        { cause: err },
      );
      e.rawId = raw.id;
      log.warn("krx call failed", { api, error: `${e.name}: ${e.message}`, raw_id: raw.id });
      throw e;
    }
    log.debug("krx call", { api, date, raw_id: raw.id, bytes: res.body.length, ms: res.elapsedMs });
    return { data, raw };
  }
}
