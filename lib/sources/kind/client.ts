/**
 * {@linkcode KindClient}: the KIND IPO screens over the shared {@linkcode HttpClient}.
 *
 * Each call POSTs the screen's Sub form (`application/x-www-form-urlencoded`: `method`,
 * `forward`, `currentPageSize`, `pageIndex`, the dates, `searchMode=1`, …) with the Main page as
 * `Referer` and `X-Requested-With: XMLHttpRequest`. Every 2xx answer is saved with `saveRaw`
 * (source `kind`, dataset = screen name, request = `POST <url>?<form>`) **before** it is parsed,
 * so a maintenance page or changed markup is kept; the typed error thrown afterwards carries
 * that raw id (`err.rawId`). Transport failures are the fetch layer's `HttpError`s, unchanged.
 *
 * @module
 */
import { log } from "../../log.ts";
import { type RawRecord, saveRaw } from "../../store/raw.ts";
import type { HttpClient } from "../../http/mod.ts";
import { KindError, KindFormatError } from "./errors.ts";
import { KIND_MAIN_METHODS, KIND_PATHS } from "./fixture_fetch.ts";
import {
  decodeKind,
  parseCorpListDownload,
  parseListings,
  parseOfferings,
  parseReviews,
  parseSchedule,
} from "./parse.ts";
import type {
  KindCorpListRow,
  KindListing,
  KindOffering,
  KindPage,
  KindReview,
  KindScheduleEvent,
  KindScreen,
} from "./types.ts";

/** The default KIND origin. */
export const KIND_BASE_URL = "https://kind.krx.co.kr";

/** A parsed answer with the raw record it was parsed from. */
export interface KindResult<T> {
  data: T;
  raw: RawRecord;
}

/** Options of {@linkcode KindClient}. */
export interface KindClientOptions {
  kv: Deno.Kv;
  http: HttpClient;
  /** Default {@linkcode KIND_BASE_URL}. */
  baseUrl?: string;
  /** Clock for `fetched_at` (default `new Date()`). */
  now?: () => Date;
}

/** A date range (`YYYY-MM-DD`, inclusive) and paging. */
export interface KindRangeParams {
  fromDate: string;
  toDate: string;
  /** 1-based, default 1. */
  page?: number;
  /** `currentPageSize`, default 100. */
  pageSize?: number;
  /** `marketType`: `1` 유가증권, `2` 코스닥, "" all (default). */
  marketType?: string;
  /** `searchCorpName`. */
  corpName?: string;
}

/** 신규상장 parameters: `choices` = `choicTypeArrStr` codes (default all five extra columns). */
export interface KindListingParams extends KindRangeParams {
  choices?: ("01" | "02" | "03" | "04" | "05")[];
}

/** The outcome of a paged-through call. */
export interface KindAllResult<T> {
  rows: T[];
  total: number;
  raws: RawRecord[];
  /** Sub calls made. */
  calls: number;
}

const YMD = /^\d{4}-\d{2}-\d{2}$/;

/** KIND client: one method per screen, each saving the raw answer before parsing. */
export class KindClient {
  #kv: Deno.Kv;
  #http: HttpClient;
  #base: string;
  #now: () => Date;

  /** Creates a client. */
  constructor(opts: KindClientOptions) {
    this.#kv = opts.kv;
    this.#http = opts.http;
    this.#base = (opts.baseUrl ?? KIND_BASE_URL).replace(/\/+$/, "");
    this.#now = opts.now ?? (() => new Date());
  }

  async #post<T>(
    screen: KindScreen,
    path: string,
    mainMethod: string | null,
    form: Record<string, string | undefined>,
    parse: (body: Uint8Array, contentType: string) => T,
  ): Promise<KindResult<T>> {
    const url = `${this.#base}${path}`;
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v);
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
      "accept": "text/html, */*; q=0.01",
      "x-requested-with": "XMLHttpRequest",
    };
    if (mainMethod) headers["referer"] = `${url}?method=${mainMethod}`;
    const res = await this.#http.request(url, { method: "POST", headers, body: body.toString() });
    const contentType = res.headers.get("content-type") ?? "";
    const raw = await saveRaw(this.#kv, {
      source: "kind",
      dataset: screen,
      request: `POST ${url}?${body}`,
      http_status: res.status,
      content_type: contentType,
      body: res.body,
      fetched_at: this.#now(),
    });
    let data: T;
    try {
      data = parse(res.body, contentType);
    } catch (err) {
      const e = err instanceof KindError ? err : new KindFormatError(
        `unexpected parse failure: ${err instanceof Error ? err.message : String(err)}`,
        screen,
        { cause: err },
      );
      e.rawId = raw.id;
      log.warn("kind call failed", { screen, error: `${e.name}: ${e.message}`, raw_id: raw.id });
      throw e;
    }
    log.debug("kind call", { screen, raw_id: raw.id, bytes: res.body.length, ms: res.elapsedMs });
    return { data, raw };
  }

  #range(p: KindRangeParams): Record<string, string> {
    if (!YMD.test(p.fromDate) || !YMD.test(p.toDate)) {
      throw new RangeError(`KIND dates must be YYYY-MM-DD: ${p.fromDate}..${p.toDate}`);
    }
    return {
      currentPageSize: String(p.pageSize ?? 100),
      pageIndex: String(p.page ?? 1),
      fromDate: p.fromDate,
      toDate: p.toDate,
      marketType: p.marketType ?? "",
      searchCorpName: p.corpName ?? "",
      searchCorpNameTmp: p.corpName ?? "",
    };
  }

  /** 공모기업현황 (filter on 신고서제출일), one page. */
  offerings(p: KindRangeParams): Promise<KindResult<KindPage<KindOffering>>> {
    return this.#post("pubofrprogcom", KIND_PATHS.offerings, KIND_MAIN_METHODS.offerings, {
      method: "searchPubofrProgComSub",
      forward: "pubofrprogcom_sub",
      searchMode: "1",
      searchCodeType: "",
      isurCd: "",
      bzProcsNo: "",
      repMajAgntComp: "",
      designAdvserComp: "",
      ...this.#range(p),
    }, (b, ct) => parseOfferings(decodeKind(b, ct)));
  }

  /** 공모기업현황, every page of the range (stops at the footer's page count). */
  async offeringsAll(
    range: Omit<KindRangeParams, "page">,
  ): Promise<KindAllResult<KindOffering>> {
    const rows: KindOffering[] = [];
    const raws: RawRecord[] = [];
    const seen = new Set<string>();
    let total = 0;
    let calls = 0;
    for (let page = 1;; page++) {
      const r = await this.offerings({ ...range, page });
      calls++;
      raws.push(r.raw);
      total = r.data.total;
      for (const o of r.data.rows) {
        if (seen.has(o.biz_proc_no)) continue;
        seen.add(o.biz_proc_no);
        rows.push(o);
      }
      if (r.data.rows.length === 0 || page >= r.data.pages) break;
    }
    return { rows, total, raws, calls };
  }

  /** 신규상장기업현황 (filter on 상장일), one page, with the chosen extra columns. */
  listings(p: KindListingParams): Promise<KindResult<KindPage<KindListing>>> {
    const choices = p.choices ?? ["01", "02", "03", "04", "05"];
    return this.#post("listingtype", KIND_PATHS.listings, KIND_MAIN_METHODS.listings, {
      method: "searchListingTypeSub",
      forward: "listingtype_sub",
      searchMode: "1",
      orderMode: "1",
      orderStat: "D",
      listTypeArrStr: "01|02|03|04|05|",
      secuGrpArrStr: "0|ST|FS|MF|SC|RT|IF|DR|",
      choicTypeArrStr: choices.map((c) => `${c}|`).join(""),
      ...this.#range(p),
    }, (b, ct) => parseListings(decodeKind(b, ct)));
  }

  /** 상장예비심사 청구/승인 현황 (filter on 청구일), one page. */
  reviews(p: KindRangeParams): Promise<KindResult<KindPage<KindReview>>> {
    return this.#post("listinvstgcom", KIND_PATHS.reviews, KIND_MAIN_METHODS.reviews, {
      method: "searchListInvstgCorpSub",
      forward: "listinvstgcom_sub",
      searchMode: "1",
      orderMode: "2",
      orderStat: "D",
      listTypeArrStr: "01|02|03|04|05|06|07|",
      invstgRsltArrStr: "01|02|03|04|05|08|07|06|",
      ...this.#range(p),
    }, (b, ct) => parseReviews(decodeKind(b, ct)));
  }

  /** 공모일정 calendar of one month. */
  schedule(year: number, month: number): Promise<KindResult<KindScheduleEvent[]>> {
    if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
      throw new RangeError(`KIND schedule month must be 1..12: ${year}-${month}`);
    }
    return this.#post("pubofrschdl", KIND_PATHS.schedule, KIND_MAIN_METHODS.schedule, {
      method: "searchPubofrScholCalnd",
      forward: "pubofrSchol_sub",
      selYear: String(year),
      selMonth: String(month).padStart(2, "0"),
      scholType: "",
      marketType: "",
    }, (b, ct) => parseSchedule(decodeKind(b, ct), year, month));
  }

  /** 상장법인목록 download (EUC-KR "xls"); `market` = `stockMkt` | `kosdaqMkt` | `konexMkt` | all. */
  corpList(market = ""): Promise<KindResult<KindCorpListRow[]>> {
    return this.#post("corpList", KIND_PATHS.corpList, null, {
      method: "download",
      searchType: "13",
      marketType: market,
    }, (b, ct) => parseCorpListDownload(b, ct));
  }
}
