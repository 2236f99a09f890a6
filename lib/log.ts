/**
 * Structured logging with secret masking. Every line goes through {@linkcode maskSecrets},
 * so a DART key carried in a URL (`crtfc_key=`) or a registered secret value — raw,
 * percent- or form-encoded, escaped, or base64 ({@linkcode secretForms}) — never reaches the
 * output. {@linkcode maskSecretBytes} does the same for payloads (the raw store).
 *
 * @module
 */

import { Buffer } from "node:buffer";

export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const secrets = new Set<string>();
let minLevel: Level = "info";
// deno-lint-ignore no-console
let sink: (line: string, level: Level) => void = (line) => console.error(line);

/** One regex over every form of every registered secret; rebuilt when the set changes. */
let textMatcher: RegExp | null = null;
/** The same over the forms' UTF-8 bytes read as latin1 (one char per byte). */
let byteMatcher: RegExp | null = null;
let matchersStale = false;

/** Registers values to mask in every log line and error message (e.g. API keys). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4 && !secrets.has(value)) {
    secrets.add(value);
    matchersStale = true;
  }
}

/** Forgets registered secrets (tests). */
export function clearSecrets(): void {
  secrets.clear();
  matchersStale = true;
}

const utf8 = new TextEncoder();
/** Bytes as a string of one char per byte (latin1: U+0000–U+00FF), so indexes are offsets. */
const bytesAsText = (b: Uint8Array) =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");

function base64(text: string): string {
  let bin = "";
  for (const b of utf8.encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}
const base64url = (b64: string) => b64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

/** Base64 text shorter than this is not masked inside longer base64 (too likely by chance). */
const MIN_BASE64_CORE = 8;
/** Shortest secret form {@linkcode maskSecretBytes} replaces in payloads. */
const MIN_BYTE_FORM = 8;

/**
 * Every form a secret takes on the way out: raw; percent-encoded (`%2B`, upper- and
 * lower-case hex, and encoded twice); form-encoded (`application/x-www-form-urlencoded`,
 * space as `+`) and the form-decoded misreading of a raw `+` as a space; JSON- and
 * HTML-escaped; base64 and base64url of the raw, percent- and form-encoded value, whole and
 * as the three "cores" a longer base64 text holds it in (Basic auth `id:pw`, a gateway's
 * base64 dump of a request): the base64 of its whole 3-byte groups at each alignment.
 */
export function secretForms(secret: string): string[] {
  const pct = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const textual = [
    secret,
    pct,
    lowerHex(pct),
    encodeURIComponent(pct),
    form,
    lowerHex(form),
    secret.replaceAll("+", " "),
    JSON.stringify(secret).slice(1, -1),
    secret.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;").replaceAll("'", "&#39;"),
  ];
  const out = new Set(textual);
  for (const t of new Set([secret, pct, form])) {
    const whole = base64(t);
    out.add(whole);
    out.add(base64url(whole));
    const bytes = utf8.encode(t);
    for (let shift = 0; shift < 3; shift++) {
      const off = (3 - shift) % 3;
      const len = Math.floor((bytes.length - off) / 3) * 3;
      let bin = "";
      for (const b of bytes.subarray(off, off + len)) bin += String.fromCharCode(b);
      const core = btoa(bin);
      if (core.length < MIN_BASE64_CORE) continue;
      out.add(core);
      out.add(base64url(core));
    }
  }
  return [...out].filter((f) => f.length >= 4);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

type Trie = Map<string, Trie> & { end?: boolean };

/**
 * One regex matching any of `words`, prefix-factored (a trie: `ab(?:c|d)` rather than
 * `abc|abd`), which scans several times faster than a flat alternation. At a branch the
 * longer continuations come before the end of a word, so the longest form is masked.
 */
function wordsRegex(words: Iterable<string>): RegExp | null {
  const root: Trie = new Map();
  let any = false;
  for (const w of words) {
    let n = root;
    for (const ch of w) {
      let c = n.get(ch);
      if (!c) n.set(ch, c = new Map());
      n = c;
    }
    n.end = any = true;
  }
  const emit = (n: Trie): string => {
    const alts = [...n].map(([ch, c]) => escapeRe(ch) + emit(c));
    if (!alts.length) return "";
    if (alts.length === 1 && !n.end) return alts[0];
    return `(?:${alts.join("|")}${n.end ? "|" : ""})`;
  };
  return any ? new RegExp(emit(root), "g") : null;
}

function matchers(): { text: RegExp | null; bytes: RegExp | null } {
  if (matchersStale) {
    const forms = new Set<string>();
    for (const s of secrets) for (const f of secretForms(s)) forms.add(f);
    textMatcher = wordsRegex(forms);
    // Payloads are data: a short secret (a 4-character member id) would match ordinary
    // text in them and corrupt it, so bytes are masked for forms of 8 characters or more.
    byteMatcher = wordsRegex(
      new Set(
        [...forms].filter((f) => f.length >= MIN_BYTE_FORM).map((f) => bytesAsText(utf8.encode(f))),
      ),
    );
    matchersStale = false;
  }
  return { text: textMatcher, bytes: byteMatcher };
}

const PARAM_RE =
  /((?:crtfc_key|api_key|apikey|auth_key|access_token|appkey|secretkey|token|password|pw)=)[^&\s"'#]+/gi;
const HEADER_RE =
  /((?:authorization|auth_key|appkey|secretkey)["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token|digest)\s+)?)[^\s"',}]+/gi;

/**
 * Replaces every form of a registered secret ({@linkcode secretForms}), secret query
 * parameters and auth headers with `***`.
 */
export function maskSecrets(text: string): string {
  const m = matchers().text;
  const out = m ? text.replace(m, "***") : text;
  return out.replace(PARAM_RE, "$1***").replace(HEADER_RE, "$1***");
}

const STARS = utf8.encode("***");

/**
 * {@linkcode maskSecrets} for bytes (a payload as received): every form of a registered
 * secret (of 8 characters or more: shorter ones would hit ordinary data) is replaced by
 * `***`, the other bytes are kept as they are (any encoding, binary included). Returns the
 * same array when nothing matched.
 */
export function maskSecretBytes(body: Uint8Array): Uint8Array {
  const m = matchers().bytes;
  if (!m || body.length === 0) return body;
  const text = bytesAsText(body);
  m.lastIndex = 0;
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let hit = m.exec(text); hit; hit = m.exec(text)) {
    parts.push(body.subarray(from, hit.index), STARS);
    from = hit.index + hit[0].length;
  }
  if (!parts.length) return body;
  parts.push(body.subarray(from));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An error as one masked line, `Name: message` (or the value as text). */
export const errText = (e: unknown): string =>
  maskSecrets(e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * A masked copy of an error's cause chain (Deno's fetch errors embed the full URL, key
 * included, in `cause`; parser errors can quote a body that echoes it). Causes for which
 * `keep` is true (errors that are already masked) are kept as they are.
 */
export function maskedCause(
  cause: unknown,
  keep: (e: unknown) => boolean = () => false,
  depth = 0,
): unknown {
  if (keep(cause)) return cause;
  if (cause instanceof Error) {
    const nested = cause.cause === undefined || depth >= 4
      ? undefined
      : { cause: maskedCause(cause.cause, keep, depth + 1) };
    const copy = new Error(maskSecrets(cause.message), nested);
    copy.name = cause.name;
    return copy;
  }
  return maskSecrets(String(cause));
}

/** Sets the minimum level and, optionally, where lines go (tests capture them). */
export function configureLog(
  opts: { level?: Level; sink?: (line: string, level: Level) => void },
): void {
  if (opts.level) minLevel = opts.level;
  if (opts.sink) sink = opts.sink;
}

/** True when lines of `level` are written (lets hot paths skip building fields). */
export function logEnabled(level: Level): boolean {
  return ORDER[level] >= ORDER[minLevel];
}

function emit(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < ORDER[minLevel]) return;
  const rec: Record<string, unknown> = { t: new Date().toISOString(), level, msg, ...fields };
  for (const [k, v] of Object.entries(rec)) {
    if (v instanceof Error) rec[k] = `${v.name}: ${v.message}`;
  }
  sink(maskSecrets(JSON.stringify(rec)), level);
}

/** The application logger: one JSON object per line on stderr. */
export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => emit("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => emit("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => emit("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => emit("error", msg, fields),
};
