/**
 * Pure parsers from OpenDART response bytes to validated payloads (no I/O, no KV).
 *
 * JSON endpoints: the body is decoded as UTF-8, `status` is checked first (`013` = empty,
 * other non-`000` codes throw the typed error from `errors.ts`), then the payload is validated
 * against `types.ts`. HTML/XML where JSON was expected, malformed JSON and shape mismatches
 * throw {@linkcode DartFormatError}.
 *
 * ZIP endpoints (`corpCode.xml`, `document.xml`): a body that does not start with the `PK`
 * magic is read as DART's XML error body `<result><status/><message/></result>` (or a JSON
 * status body) and thrown as the typed error; anything else is a {@linkcode DartFormatError}.
 *
 * @module
 */
import JSZip from "jszip";
import { XMLParser } from "fast-xml-parser";
import type { z } from "zod";
import { DartFormatError, DartNoFileError, dartStatusError } from "./errors.ts";
import {
  CORP_CODE_RE,
  CorpCodeRow,
  DartAcntAllRow,
  DartAcntRow,
  DartCompany,
  type DartDocumentFile,
  type DartEndpoint,
  DartIndxRow,
  DartListPage,
  type EstkRs,
  EstkRsGroup,
  STOCK_CODE_OR_BLANK_RE,
} from "./types.ts";

const utf8 = new TextDecoder("utf-8");

/**
 * A fresh XML parser with kdesk's settings (STACK.md P4: values stay strings, so codes keep
 * their leading zeros), plus `htmlEntities` so numeric character references (`&#38;`) decode.
 */
export function dartXmlParser(): XMLParser {
  return new XMLParser({
    parseTagValue: false,
    htmlEntities: true,
    trimValues: true,
    ignoreAttributes: true,
    isArray: (t: string) => t === "list",
  });
}

// ---------------------------------------------------------------------------------------
// shared helpers

/** `path: message` of the first `max` zod issues (`list[3].thstrm_amount: …`). */
export function issuesText(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((i) => {
    let path = "";
    for (const p of i.path) {
      path += typeof p === "number" ? `[${p}]` : path ? `.${String(p)}` : String(p);
    }
    return `${path || "(root)"}: ${i.message}`;
  });
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : "";
  return parts.join("; ") + more;
}

function validate<T>(
  schema: z.ZodType<T>,
  value: unknown,
  endpoint: string,
  what: string,
): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new DartFormatError(`${what} failed validation: ${issuesText(r.error)}`, endpoint);
  }
  return r.data;
}

function snippet(text: string, n = 80): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const s = (title ?? text).replace(/\s+/g, " ").trim();
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * Reads DART's XML status body (`<result><status>014</status><message>…</message></result>`).
 * Returns null when the text is not that shape.
 */
export function parseDartXmlStatus(text: string): { status: string; message: string } | null {
  if (!/<status>/i.test(text)) return null;
  try {
    const doc = dartXmlParser().parse(text) as Record<string, unknown>;
    const result = doc?.result as Record<string, unknown> | undefined;
    if (!result || typeof result !== "object") return null;
    const status = result.status;
    if (typeof status !== "string" || !/^\d{3}$/.test(status)) return null;
    const message = typeof result.message === "string" ? result.message : "";
    return { status, message };
  } catch {
    return null;
  }
}

interface JsonEnvelope {
  status: string;
  message: string;
  body: Record<string, unknown>;
}

/**
 * Decodes a JSON endpoint body and checks `status`. Throws the typed error for error codes;
 * returns the envelope for `000` and `013`.
 */
export function readJsonEnvelope(bytes: Uint8Array, endpoint: string): JsonEnvelope {
  const text = utf8.decode(bytes).replace(/^\uFEFF/, "").trim();
  if (text === "") throw new DartFormatError("empty body where JSON was expected", endpoint);
  if (text.startsWith("<")) {
    const st = parseDartXmlStatus(text);
    if (st) {
      const err = dartStatusError(st.status, st.message, endpoint);
      if (err) throw err;
      throw new DartFormatError(`XML status ${st.status} body where JSON was expected`, endpoint);
    }
    const kind = /<html|<!doctype html/i.test(text) ? "HTML" : "XML";
    throw new DartFormatError(`${kind} where JSON was expected: ${snippet(text)}`, endpoint);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DartFormatError(`malformed JSON: ${(e as Error).message}`, endpoint, { cause: e });
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new DartFormatError("JSON body is not an object", endpoint);
  }
  const body = parsed as Record<string, unknown>;
  const rawStatus = body.status;
  if (typeof rawStatus !== "string" && typeof rawStatus !== "number") {
    throw new DartFormatError("JSON body has no status field", endpoint);
  }
  const status = String(rawStatus).padStart(3, "0");
  const message = typeof body.message === "string" ? body.message : "";
  const err = dartStatusError(status, message, endpoint);
  if (err) throw err;
  return { status, message, body };
}

function listOf(body: Record<string, unknown>, endpoint: string): unknown[] {
  const list = body.list;
  if (!Array.isArray(list)) throw new DartFormatError("status 000 without a list array", endpoint);
  return list;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
}

/** Throws the error a non-ZIP body on a ZIP endpoint stands for. */
function throwNotZip(bytes: Uint8Array, endpoint: DartEndpoint): never {
  const text = utf8.decode(bytes.subarray(0, 64 * 1024)).replace(/^\uFEFF/, "").trim();
  if (text.startsWith("<")) {
    const st = parseDartXmlStatus(text);
    if (st) {
      const err = dartStatusError(st.status, st.message, endpoint);
      if (err) throw err;
      if (st.status === "013") throw new DartNoFileError(st.status, st.message, endpoint);
      throw new DartFormatError(`XML status ${st.status} body where a ZIP was expected`, endpoint);
    }
    throw new DartFormatError(`expected a ZIP, got markup: ${snippet(text)}`, endpoint);
  }
  if (text.startsWith("{")) {
    // Some gateways answer JSON even on .xml endpoints; honour its status.
    readJsonEnvelope(bytes, endpoint);
    throw new DartFormatError("JSON status body where a ZIP was expected", endpoint);
  }
  throw new DartFormatError(
    bytes.length === 0 ? "empty body where a ZIP was expected" : "expected a ZIP (no PK magic)",
    endpoint,
  );
}

async function loadZip(bytes: Uint8Array, endpoint: DartEndpoint): Promise<JSZip> {
  if (!isZip(bytes)) throwNotZip(bytes, endpoint);
  try {
    return await JSZip.loadAsync(bytes);
  } catch (e) {
    throw new DartFormatError(`corrupt ZIP: ${(e as Error).message}`, endpoint, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------
// corpCode.xml

const ENTITY_RE = /&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g;
function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(ENTITY_RE, (all, e: string) => {
    switch (e) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
    }
    const cp = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
  });
}

const HEAD_RE = /^\s*(?:<\?xml[^>]*\?>)?\s*<result>\s*$/;
const NAME_RE = /^[A-Za-z_][\w.-]*$/;

function isWs(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

/**
 * Fast path for the flat CORPCODE.xml layout (`<result>` + `<list>` rows of simple text
 * elements), scanning with `indexOf` only. Returns null as soon as anything else appears
 * (attributes, CDATA, comments, nesting, text between elements), so the caller can fall back
 * to the full XML parser.
 */
function scanFlatList(xml: string): Record<string, string>[] | null {
  const first = xml.indexOf("<list>");
  if (first < 0 || !HEAD_RE.test(xml.slice(0, first))) return null;
  const rows: Record<string, string>[] = [];
  let pos = first;
  for (;;) {
    pos += 6; // "<list>"
    const row: Record<string, string> = {};
    for (;;) {
      const lt = xml.indexOf("<", pos);
      if (lt < 0 || !isWs(xml, pos, lt)) return null;
      if (xml.startsWith("</list>", lt)) {
        pos = lt + 7;
        break;
      }
      const gt = xml.indexOf(">", lt);
      if (gt < 0) return null;
      let tag = xml.slice(lt + 1, gt);
      if (tag.endsWith("/")) {
        tag = tag.slice(0, -1).trimEnd();
        if (!NAME_RE.test(tag)) return null;
        row[tag] = "";
        pos = gt + 1;
        continue;
      }
      if (!NAME_RE.test(tag)) return null;
      const end = xml.indexOf("<", gt + 1);
      if (end < 0 || xml.charCodeAt(end + 1) !== 47 /* / */) return null;
      if (!xml.startsWith(tag, end + 2) || xml.charCodeAt(end + 2 + tag.length) !== 62) return null;
      row[tag] = decodeEntities(xml.slice(gt + 1, end)).trim();
      pos = end + 3 + tag.length;
    }
    rows.push(row);
    const next = xml.indexOf("<", pos);
    if (next < 0 || !isWs(xml, pos, next)) return null;
    if (xml.startsWith("<list>", next)) {
      pos = next;
      continue;
    }
    if (xml.startsWith("</result>", next) && isWs(xml, next + 9, xml.length)) return rows;
    return null;
  }
}

/** Plain-code check of one row (the hot path); null sends the row to zod for the error. */
function quickCorpRow(r: Record<string, unknown>): CorpCodeRow | null {
  const { corp_code, corp_name, stock_code } = r;
  const eng = r.corp_eng_name ?? "";
  const date = r.modify_date ?? "";
  if (
    typeof corp_code !== "string" || !CORP_CODE_RE.test(corp_code) ||
    typeof corp_name !== "string" || typeof stock_code !== "string" ||
    !STOCK_CODE_OR_BLANK_RE.test(stock_code) || typeof eng !== "string" ||
    typeof date !== "string"
  ) return null;
  return { corp_code, corp_name, corp_eng_name: eng, stock_code, modify_date: date };
}

function fullParseList(xml: string, endpoint: DartEndpoint): Record<string, unknown>[] {
  let doc: Record<string, unknown>;
  try {
    doc = dartXmlParser().parse(xml) as Record<string, unknown>;
  } catch (e) {
    throw new DartFormatError(`malformed XML: ${(e as Error).message}`, endpoint, { cause: e });
  }
  const result = doc?.result;
  if (result === "" || result === undefined || result === null) {
    if (result === "") return [];
    throw new DartFormatError("XML has no <result> root", endpoint);
  }
  if (typeof result !== "object") {
    throw new DartFormatError("unexpected <result> content", endpoint);
  }
  const r = result as Record<string, unknown>;
  if (typeof r.status === "string" && r.list === undefined) {
    const err = dartStatusError(r.status, String(r.message ?? ""), endpoint);
    if (err) throw err;
  }
  const list = (r.list ?? []) as unknown[];
  return list.map((row) => (row && typeof row === "object" ? row : {}) as Record<string, unknown>);
}

/** The CORPCODE.xml work done so far ({@linkcode corpCodeParseWork}). */
const corpWork = { scanned: 0, fullParses: 0, quickRows: 0, schemaRows: 0 };

/**
 * What {@linkcode parseCorpCodeXml} has done so far in this process: documents read by the
 * flat scanner (`scanned`) or the full XML parser (`fullParses`), rows taken by the quick
 * check (`quickRows`) or validated with the zod schema (`schemaRows`). The lean path for
 * DART's 100,000 rows is one scan and quick rows only (tests count it; bench/corpcode.ts
 * times it).
 */
export function corpCodeParseWork(): typeof corpWork {
  return { ...corpWork };
}

/**
 * Parses CORPCODE.xml text (the content of the corpCode.xml ZIP). `fast: false` forces the
 * full XML parser (tests compare both paths).
 */
export function parseCorpCodeXml(
  xml: string,
  opts: { fast?: boolean } = {},
): CorpCodeRow[] {
  const endpoint = "corpCode.xml";
  const scanned = (opts.fast ?? true) ? scanFlatList(xml) : null;
  if (scanned) corpWork.scanned++;
  else corpWork.fullParses++;
  const rows = scanned ?? fullParseList(xml, endpoint);
  const out: CorpCodeRow[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const quick = quickCorpRow(rows[i]);
    if (quick) {
      out[i] = quick;
      corpWork.quickRows++;
      continue;
    }
    corpWork.schemaRows++;
    const r = CorpCodeRow.safeParse(rows[i]);
    if (!r.success) {
      throw new DartFormatError(
        `CORPCODE.xml row ${i} failed validation: ${issuesText(r.error)}`,
        endpoint,
      );
    }
    out[i] = r.data;
  }
  return out;
}

/** Unzips corpCode.xml and parses its CORPCODE.xml into validated rows (leading zeros kept). */
export async function parseCorpCodeZip(bytes: Uint8Array): Promise<CorpCodeRow[]> {
  const endpoint = "corpCode.xml";
  const zip = await loadZip(bytes, endpoint);
  const files = Object.values(zip.files).filter((f) => !f.dir);
  const entry = files.find((f) => f.name.toUpperCase() === "CORPCODE.XML") ??
    files.find((f) => /\.xml$/i.test(f.name));
  if (!entry) throw new DartFormatError("ZIP holds no CORPCODE.xml", endpoint);
  let xml: string;
  try {
    xml = await entry.async("string");
  } catch (e) {
    throw new DartFormatError(`corrupt ZIP entry: ${(e as Error).message}`, endpoint, { cause: e });
  }
  return parseCorpCodeXml(xml);
}

// ---------------------------------------------------------------------------------------
// JSON endpoints

/** Parses company.json; null for status 013. */
export function parseCompany(bytes: Uint8Array): DartCompany | null {
  const env = readJsonEnvelope(bytes, "company.json");
  if (env.status === "013") return null;
  return validate(DartCompany, env.body, "company.json", "company");
}

/** Parses list.json: a validated page, or `{empty: true}` for status 013. */
export function parseList(bytes: Uint8Array): { page: DartListPage } | { empty: true } {
  const env = readJsonEnvelope(bytes, "list.json");
  if (env.status === "013") return { empty: true };
  listOf(env.body, "list.json");
  return { page: validate(DartListPage, env.body, "list.json", "page") };
}

function parseRows<T>(bytes: Uint8Array, endpoint: DartEndpoint, schema: z.ZodType<T>): T[] {
  const env = readJsonEnvelope(bytes, endpoint);
  if (env.status === "013") return [];
  const list = listOf(env.body, endpoint);
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) out.push(validate(schema, list[i], endpoint, `list[${i}]`));
  return out;
}

/** Parses fnlttSinglAcnt.json (주요계정, CFS and OFS rows together); `[]` for status 013. */
export function parseSingleAcnt(bytes: Uint8Array): DartAcntRow[] {
  return parseRows(bytes, "fnlttSinglAcnt.json", DartAcntRow);
}

/** Parses fnlttSinglAcntAll.json (전체 재무제표); `[]` for status 013. */
export function parseSingleAcntAll(bytes: Uint8Array): DartAcntAllRow[] {
  return parseRows(bytes, "fnlttSinglAcntAll.json", DartAcntAllRow);
}

/** Parses fnlttSinglIndx.json (주요 재무지표); `[]` for status 013. */
export function parseSingleIndx(bytes: Uint8Array): DartIndxRow[] {
  return parseRows(bytes, "fnlttSinglIndx.json", DartIndxRow);
}

/** Parses estkRs.json (grouped `group: [{title, list}]`); no groups for status 013. */
export function parseEstkRs(bytes: Uint8Array): EstkRs {
  const endpoint = "estkRs.json";
  const env = readJsonEnvelope(bytes, endpoint);
  const out: EstkRs = { titles: [], groups: {} };
  if (env.status === "013") return out;
  let groups = env.body.group;
  if (groups && typeof groups === "object" && !Array.isArray(groups)) groups = [groups];
  if (!Array.isArray(groups)) {
    throw new DartFormatError("status 000 without a group array", endpoint);
  }
  for (let i = 0; i < groups.length; i++) {
    const g = validate(EstkRsGroup, groups[i], endpoint, `group[${i}]`);
    if (!out.groups[g.title]) {
      out.titles.push(g.title);
      out.groups[g.title] = [];
    }
    out.groups[g.title].push(...g.list);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// document.xml

const EUC_KR_NAMES = /^(?:euc-?kr|ks_c_5601-1987|cp949|windows-949|x-windows-949|ksc5601)$/i;

/**
 * Decodes one XML entry: EUC-KR when the declaration says so (UTF-8 if that fails), otherwise
 * UTF-8, falling back to EUC-KR when the bytes are not valid UTF-8. When neither decodes
 * strictly, the reading with fewer replacement characters wins.
 */
export function decodeDocumentBytes(
  bytes: Uint8Array,
): { text: string; encoding: "utf-8" | "euc-kr" } {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const declared = /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1] ?? "";
  const order: ("utf-8" | "euc-kr")[] = EUC_KR_NAMES.test(declared)
    ? ["euc-kr", "utf-8"]
    : ["utf-8", "euc-kr"];
  for (const enc of order) {
    try {
      const text = new TextDecoder(enc, { fatal: true }).decode(bytes);
      return { text: text.replace(/^\uFEFF/, ""), encoding: enc };
    } catch {
      // try the next one
    }
  }
  // Neither decodes cleanly (a stray byte in a cp949 document): keep the reading with fewer
  // replacement characters, so one bad byte does not turn every Korean character into U+FFFD.
  const lossy = order.map((enc) => {
    const text = new TextDecoder(enc).decode(bytes).replace(/^\uFEFF/, "");
    return { text, encoding: enc, bad: text.split("\uFFFD").length - 1 };
  });
  const best = lossy[1].bad < lossy[0].bad ? lossy[1] : lossy[0];
  return { text: best.text, encoding: best.encoding };
}

/**
 * Unzips document.xml into its decoded entries, sorted by name with the body
 * (`{rcept_no}.xml`) first.
 */
export async function parseDocumentZip(bytes: Uint8Array): Promise<DartDocumentFile[]> {
  const endpoint = "document.xml";
  const zip = await loadZip(bytes, endpoint);
  const entries = Object.values(zip.files).filter((f) => !f.dir);
  if (entries.length === 0) throw new DartFormatError("empty ZIP", endpoint);
  const out: DartDocumentFile[] = [];
  for (const e of entries) {
    let raw: Uint8Array;
    try {
      raw = await e.async("uint8array");
    } catch (err) {
      throw new DartFormatError(
        `corrupt ZIP entry ${e.name}: ${(err as Error).message}`,
        endpoint,
        {
          cause: err,
        },
      );
    }
    const { text, encoding } = decodeDocumentBytes(raw);
    out.push({ name: e.name, text, encoding });
  }
  const isBody = (n: string) => /^\d{14}\.xml$/i.test(n);
  out.sort((a, b) =>
    (isBody(a.name) ? 0 : 1) - (isBody(b.name) ? 0 : 1) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
  return out;
}

// ---------------------------------------------------------------------------------------
// report names and dates

/** A parsed `report_nm`. */
export interface ReportName {
  /** The whole name, trimmed. */
  name: string;
  /** The name without its leading bracket prefixes, e.g. `증권신고서(지분증권)`. */
  base: string;
  /** Bracket prefixes in order, without brackets, e.g. `["기재정정", "발행조건확정"]`. */
  prefixes: string[];
}

/**
 * Prefixes that make a filing a new version of an earlier one (the amendment chain; DART's
 * `last_reprt_at=Y` keeps only the newest).
 */
export const AMENDMENT_PREFIXES: ReadonlySet<string> = new Set([
  "기재정정",
  "첨부정정",
  "첨부추가",
  "발행조건확정",
  "정정명령부과",
  "정정제출요구",
]);

/** Splits `"[기재정정][발행조건확정]증권신고서(지분증권) "` into name, base and prefixes. */
export function parseReportName(report_nm: string): ReportName {
  const name = report_nm.trim();
  const prefixes: string[] = [];
  let rest = name;
  for (let m = /^\[([^\]]*)\]\s*/.exec(rest); m; m = /^\[([^\]]*)\]\s*/.exec(rest)) {
    prefixes.push(m[1].trim());
    rest = rest.slice(m[0].length);
  }
  return { name, base: rest.trim(), prefixes };
}

function ymdToDate(ymd: string): Date {
  if (!/^\d{8}$/.test(ymd)) throw new RangeError(`not a YYYYMMDD date: ${ymd}`);
  return new Date(Date.UTC(+ymd.slice(0, 4), +ymd.slice(4, 6) - 1, +ymd.slice(6, 8)));
}
function dateToYmd(d: Date): string {
  return `${String(d.getUTCFullYear()).padStart(4, "0")}${
    String(d.getUTCMonth() + 1).padStart(2, "0")
  }${String(d.getUTCDate()).padStart(2, "0")}`;
}

/** Adds days to a `YYYYMMDD` date. */
export function addDaysYmd(ymd: string, days: number): string {
  const d = ymdToDate(ymd);
  d.setUTCDate(d.getUTCDate() + days);
  return dateToYmd(d);
}

/** Adds calendar months to a `YYYYMMDD` date, clamping the day (20231130 + 3 → 20240229). */
export function addMonthsYmd(ymd: string, months: number): string {
  const d = ymdToDate(ymd);
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + months, day = d.getUTCDate();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return dateToYmd(new Date(Date.UTC(y, m, Math.min(day, last))));
}

/**
 * The last day a list.json search without `corp_code` may reach from `bgn_de`: three calendar
 * months minus one day (20240101 → 20240331). The fixture server refuses anything longer with
 * status 100, and `DartClient.listAll` steps in windows of exactly this size.
 */
export function maxListEnd(bgn_de: string): string {
  return addDaysYmd(addMonthsYmd(bgn_de, 3), -1);
}

/** `true` when `text` is a `YYYYMMDD` calendar date. */
export function isYmd(text: string): boolean {
  if (!/^\d{8}$/.test(text)) return false;
  return dateToYmd(ymdToDate(text)) === text;
}
