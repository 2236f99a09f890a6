/**
 * JSON-lines logging to stderr with secret masking: every registered secret value (app
 * key, secret key, ingest token, Kiwoom token) is replaced by `***` in every line.
 */
const secrets = new Set<string>();

/** Registers a value that must never be printed. Values shorter than 4 chars are ignored. */
export function registerSecret(v: string | undefined | null): void {
  if (v && v.length >= 4) secrets.add(v);
}

/** Replaces every registered secret in `text`. */
export function mask(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("***");
  return out;
}

export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};
let min: Level = (process.env.LOG_LEVEL as Level) in ORDER
  ? process.env.LOG_LEVEL as Level
  : "info";
let sink: (line: string) => void = (line) => process.stderr.write(line + "\n");

/** Test hook: capture lines and set the level. */
export function configureLog(
  opts: { level?: Level; sink?: (line: string) => void },
): void {
  if (opts.level) min = opts.level;
  if (opts.sink) sink = opts.sink;
}

function emit(
  level: Level,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  if (ORDER[level] < ORDER[min]) return;
  const f: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    f[k] = v instanceof Error ? `${v.name}: ${v.message}` : v;
  }
  sink(
    mask(
      JSON.stringify({
        t: new Date().toISOString(),
        level,
        mod: "bridge",
        msg,
        ...f,
      }),
    ),
  );
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => emit("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => emit("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => emit("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => emit("error", m, f),
};
