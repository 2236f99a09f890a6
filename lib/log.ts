/**
 * Structured logging with secret masking. Every line goes through {@linkcode maskSecrets},
 * so a DART key carried in a URL (`crtfc_key=`) or a registered secret value never reaches
 * the output.
 *
 * @module
 */

export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const secrets = new Set<string>();
let minLevel: Level = "info";
// deno-lint-ignore no-console
let sink: (line: string, level: Level) => void = (line) => console.error(line);

/** Registers values to mask in every log line and error message (e.g. API keys). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Forgets registered secrets (tests). */
export function clearSecrets(): void {
  secrets.clear();
}

const PARAM_RE =
  /((?:crtfc_key|api_key|apikey|auth_key|access_token|appkey|secretkey|token|password|pw)=)[^&\s"'#]+/gi;
const HEADER_RE =
  /((?:authorization|auth_key|appkey|secretkey)["']?\s*[:=]\s*["']?(?:bearer\s+)?)[^\s"',}]+/gi;

/** Replaces secret values, secret query parameters and auth headers with `***`. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("***");
  return out.replace(PARAM_RE, "$1***").replace(HEADER_RE, "$1***");
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
