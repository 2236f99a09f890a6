/**
 * {@linkcode DartClient}: typed calls to OpenDART over the shared {@linkcode HttpClient}.
 *
 * Every answer that reaches us (HTTP 2xx) is saved with `saveRaw` (source `dart`, dataset =
 * endpoint name, request URL with `crtfc_key` masked) **before** it is parsed, so a malformed
 * body is still kept; a parse or status error thrown afterwards carries that raw id
 * (`err.rawId`). Transport failures (timeouts, 5xx after retries, network errors, open circuit,
 * local quota) are the fetch layer's `HttpError`s and propagate unchanged; a non-2xx answer is
 * not saved because the fetch layer keeps only a snippet of its body.
 *
 * The key travels only in the `crtfc_key` query parameter, is registered with the logger's
 * secret masking, and is scrubbed from every error message that passes through the client.
 *
 * @module
 */
import { log, maskSecrets, registerSecret } from "../../log.ts";
import { type RawRecord, saveRaw } from "../../store/raw.ts";
import type { HttpClient } from "../../http/mod.ts";
import { DartApiError, DartFormatError, DartNoFileError } from "./errors.ts";
import {
  addDaysYmd,
  maxListEnd,
  parseCompany,
  parseCorpCodeZip,
  parseDocumentZip,
  parseEstkRs,
  parseList,
  parseSingleAcnt,
  parseSingleAcntAll,
  parseSingleIndx,
} from "./parse.ts";
import type {
  CorpCodeRow,
  DartAcntAllRow,
  DartAcntRow,
  DartCompany,
  DartDocumentFile,
  DartEndpoint,
  DartIndxRow,
  DartListItem,
  DartListPage,
  EstkRs,
} from "./types.ts";

/** A parsed answer with the raw record it was parsed from. */
export interface DartResult<T> {
  data: T;
  /** True for status 013 (or a 000 answer without rows). */
  empty: boolean;
  raw: RawRecord;
}

/** Options of {@linkcode DartClient}. */
export interface DartClientOptions {
  kv: Deno.Kv;
  /** The 40-character OpenDART key. */
  apiKey: string;
  /** e.g. `https://opendart.fss.or.kr/api` (no trailing slash needed). */
  baseUrl: string;
  http: HttpClient;
  /** Clock for `fetched_at` (default `new Date()`). */
  now?: () => Date;
}

/** list.json parameters (dates `YYYYMMDD`). */
export interface ListParams {
  corp_code?: string;
  bgn_de: string;
  end_de: string;
  /** Default `"Y"` (final versions only). */
  last_reprt_at?: "Y" | "N";
  pblntf_ty?: string;
  pblntf_detail_ty?: string;
  corp_cls?: "Y" | "K" | "N" | "E";
  /** Default 1. */
  page_no?: number;
  /** Default 100 (DART's maximum). */
  page_count?: number;
}

/** The outcome of {@linkcode DartClient.listAll}. */
export interface ListAllResult {
  /** Unique by `rcept_no`, in the order first seen (newest window first, date desc). */
  items: DartListItem[];
  raws: RawRecord[];
  /** list.json calls made. */
  calls: number;
}

/** Financial-statement call parameters. */
export interface AcntParams {
  corp_code: string;
  bsns_year: string;
  /** 11013 1분기, 11012 반기, 11014 3분기, 11011 사업보고서. */
  reprt_code: string;
}

/**
 * Splits `bgn..end` into consecutive windows a list.json search without `corp_code` accepts
 * (each at most three months, see `maxListEnd`). Returned oldest first.
 */
export function listWindows(bgn_de: string, end_de: string): [string, string][] {
  const out: [string, string][] = [];
  for (let start = bgn_de; start <= end_de;) {
    const limit = maxListEnd(start);
    const end = limit < end_de ? limit : end_de;
    out.push([start, end]);
    start = addDaysYmd(end, 1);
  }
  return out;
}

/** OpenDART client: one method per endpoint, each saving the raw answer before parsing. */
export class DartClient {
  #kv: Deno.Kv;
  #apiKey: string;
  #base: string;
  #http: HttpClient;
  #now: () => Date;

  /** Creates a client; registers the key with the log masker. */
  constructor(opts: DartClientOptions) {
    this.#kv = opts.kv;
    this.#apiKey = opts.apiKey;
    this.#base = opts.baseUrl.replace(/\/+$/, "");
    this.#http = opts.http;
    this.#now = opts.now ?? (() => new Date());
    registerSecret(opts.apiKey);
  }

  #scrub<E>(err: E): E {
    if (err instanceof Error) {
      try {
        const key = this.#apiKey;
        let msg = maskSecrets(err.message);
        if (key) msg = msg.split(key).join("***");
        if (msg !== err.message) err.message = msg;
      } catch {
        // a frozen error: leave it
      }
    }
    return err;
  }

  async #call<T>(
    endpoint: DartEndpoint,
    params: Record<string, string | number | undefined>,
    parse: (body: Uint8Array) => T | Promise<T>,
    isEmpty: (data: T) => boolean,
  ): Promise<DartResult<T>> {
    const url = new URL(`${this.#base}/${endpoint}`);
    url.searchParams.set("crtfc_key", this.#apiKey);
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
    }
    const masked = maskSecrets(url.href);
    let res;
    try {
      res = await this.#http.request(url);
    } catch (err) {
      throw this.#scrub(err);
    }
    const raw = await saveRaw(this.#kv, {
      source: "dart",
      dataset: endpoint,
      request: masked,
      http_status: res.status,
      content_type: res.headers.get("content-type") ?? "",
      body: res.body,
      fetched_at: this.#now(),
    });
    let data: T;
    try {
      data = await parse(res.body);
    } catch (err) {
      const e = err instanceof DartApiError ? err : new DartFormatError(
        `unexpected parse failure: ${err instanceof Error ? err.message : String(err)}`,
        endpoint,
        { cause: err },
      );
      e.rawId = raw.id;
      // 014 (no file for this filing) is an ordinary answer, not a fault of the source.
      (e instanceof DartNoFileError ? log.info : log.warn)("dart call failed", {
        endpoint,
        status: e.status,
        error: `${e.name}: ${e.message}`,
        raw_id: raw.id,
        request: masked,
      });
      throw this.#scrub(e);
    }
    const empty = isEmpty(data);
    log.debug("dart call", {
      endpoint,
      raw_id: raw.id,
      bytes: res.body.length,
      empty,
      ms: res.elapsedMs,
      attempts: res.attempts,
    });
    return { data, empty, raw };
  }

  /** corpCode.xml: the whole corp master (~100k rows in production). */
  corpCodes(): Promise<DartResult<CorpCodeRow[]>> {
    return this.#call("corpCode.xml", {}, parseCorpCodeZip, (d) => d.length === 0);
  }

  /** company.json: 기업개황; `data` is null when DART has no such company (013). */
  company(corp_code: string): Promise<DartResult<DartCompany | null>> {
    return this.#call("company.json", { corp_code }, parseCompany, (d) => d === null);
  }

  /**
   * list.json: one page. Always sends `sort=date&sort_mth=desc`, `last_reprt_at` (default Y)
   * and `page_count` (default 100). 013 → an empty page.
   */
  list(params: ListParams): Promise<DartResult<DartListPage>> {
    const page_no = params.page_no ?? 1;
    const page_count = params.page_count ?? 100;
    return this.#call(
      "list.json",
      {
        corp_code: params.corp_code,
        bgn_de: params.bgn_de,
        end_de: params.end_de,
        last_reprt_at: params.last_reprt_at ?? "Y",
        pblntf_ty: params.pblntf_ty,
        pblntf_detail_ty: params.pblntf_detail_ty,
        corp_cls: params.corp_cls,
        sort: "date",
        sort_mth: "desc",
        page_no,
        page_count,
      },
      (body) => {
        const r = parseList(body);
        if ("page" in r) return r.page;
        return { page_no, page_count, total_count: 0, total_page: 0, list: [] };
      },
      (d) => d.list.length === 0,
    );
  }

  /**
   * Pages through list.json (`page_no` 1..`total_page`), de-duplicating by `rcept_no`. Without
   * `corp_code` the range is searched in windows of at most three months (DART answers 100 to
   * longer spans), newest window first.
   */
  async listAll(params: Omit<ListParams, "page_no">): Promise<ListAllResult> {
    const windows = params.corp_code
      ? [[params.bgn_de, params.end_de] as [string, string]]
      : listWindows(params.bgn_de, params.end_de).reverse();
    const seen = new Set<string>();
    const items: DartListItem[] = [];
    const raws: RawRecord[] = [];
    let calls = 0;
    for (const [bgn_de, end_de] of windows) {
      for (let page_no = 1;; page_no++) {
        const r = await this.list({ ...params, bgn_de, end_de, page_no });
        calls++;
        raws.push(r.raw);
        for (const it of r.data.list) {
          if (seen.has(it.rcept_no)) continue;
          seen.add(it.rcept_no);
          items.push(it);
        }
        if (r.empty || page_no >= r.data.total_page) break;
      }
    }
    return { items, raws, calls };
  }

  /** fnlttSinglAcnt.json: 주요계정 (CFS and OFS rows together). */
  singleAcnt(p: AcntParams): Promise<DartResult<DartAcntRow[]>> {
    return this.#call(
      "fnlttSinglAcnt.json",
      { corp_code: p.corp_code, bsns_year: p.bsns_year, reprt_code: p.reprt_code },
      parseSingleAcnt,
      (d) => d.length === 0,
    );
  }

  /** fnlttSinglAcntAll.json: 전체 재무제표 for one `fs_div`. */
  singleAcntAll(p: AcntParams & { fs_div: "CFS" | "OFS" }): Promise<DartResult<DartAcntAllRow[]>> {
    return this.#call(
      "fnlttSinglAcntAll.json",
      {
        corp_code: p.corp_code,
        bsns_year: p.bsns_year,
        reprt_code: p.reprt_code,
        fs_div: p.fs_div,
      },
      parseSingleAcntAll,
      (d) => d.length === 0,
    );
  }

  /** fnlttSinglIndx.json: 주요 재무지표 of one class (`M210000`..`M240000`). */
  singleIndx(p: AcntParams & { idx_cl_code: string }): Promise<DartResult<DartIndxRow[]>> {
    return this.#call(
      "fnlttSinglIndx.json",
      {
        corp_code: p.corp_code,
        bsns_year: p.bsns_year,
        reprt_code: p.reprt_code,
        idx_cl_code: p.idx_cl_code,
      },
      parseSingleIndx,
      (d) => d.length === 0,
    );
  }

  /** estkRs.json: 증권신고서(지분증권) key facts filed in `bgn_de..end_de`. */
  estkRs(p: { corp_code: string; bgn_de: string; end_de: string }): Promise<DartResult<EstkRs>> {
    return this.#call(
      "estkRs.json",
      { corp_code: p.corp_code, bgn_de: p.bgn_de, end_de: p.end_de },
      parseEstkRs,
      (d) => d.titles.length === 0,
    );
  }

  /** document.xml: the filing's XML files (body first). A missing file → `DartNoFileError`. */
  document(rcept_no: string): Promise<DartResult<DartDocumentFile[]>> {
    return this.#call("document.xml", { rcept_no }, parseDocumentZip, (d) => d.length === 0);
  }
}
