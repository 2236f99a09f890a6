/**
 * The one place environment variables are read. Every setting has a safe default so
 * `deno task start` works on a fresh machine with nothing configured.
 *
 * @module
 */
import { z } from "zod";

const optionalSecret = z.string().trim().min(1).optional().catch(undefined);
const int = (def: number) => z.coerce.number().int().positive().default(def);

/** The environment schema. Descriptions are copied into README's settings table. */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOSTNAME: z.string().default("0.0.0.0"),
  /** `./data/kdesk.sqlite` (default), `:memory:`, or a KV Connect URL (Deno Deploy / denokv). */
  KDESK_KV_PATH: z.string().min(1).default("./data/kdesk.sqlite"),
  /** `auto` loads the bundled sample dataset when no DART_API_KEY is set. */
  KDESK_SAMPLE: z.enum(["auto", "on", "off"]).default("auto"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /**
   * Reverse proxies of ours in front of the server. 0: the client is the connection's address
   * and X-Forwarded-For is ignored; N: the client is the N-th X-Forwarded-For entry from the right.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** `auto`: start the Kiwoom bridge (simulator without Kiwoom keys) as a child; `off`: don't. */
  KDESK_BRIDGE: z.enum(["auto", "off"]).default("auto"),
  DART_API_KEY: optionalSecret,
  DART_BASE_URL: z.url().default("https://opendart.fss.or.kr/api"),
  /** Calls per day per key before the client refuses to spend more (DART's cap is 20,000). */
  DART_DAILY_QUOTA: int(19000),
  /** Calls per minute (DART restricts heavy per-minute use; dart-fss cites 1,000/min). */
  DART_PER_MINUTE: int(300),
  HTTP_TIMEOUT_MS: int(15000),
  HTTP_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  KRX_API_KEY: optionalSecret,
  /** KRX Data Marketplace OpenAPI host (each API must be approved for the key). */
  KRX_BASE_URL: z.url().default("https://data-dbg.krx.co.kr/svc/apis"),
  /** Calls per day per key before the client refuses to spend more (KRX's cap is 10,000). */
  KRX_DAILY_QUOTA: int(9500),
  /** data.krx.co.kr login (investor flows; required since 2025-12-27). */
  KRX_ID: optionalSecret,
  KRX_PW: optionalSecret,
  DATA_KRX_BASE_URL: z.url().default("https://data.krx.co.kr"),
  /** KIND (IPO screens, no key) origin. */
  KIND_BASE_URL: z.url().default("https://kind.krx.co.kr"),
  /** Directory backtest export files are also written to (besides KV); unset = KV only. */
  EXPORT_DIR: z.string().trim().min(1).optional().catch(undefined),
  KIWOOM_APP_KEY: optionalSecret,
  KIWOOM_SECRET_KEY: optionalSecret,
  INGEST_TOKEN: optionalSecret,
  ADMIN_TOKEN: optionalSecret,
  JWT_SECRET: optionalSecret,
});

export type Config = z.infer<typeof ConfigSchema> & {
  /** True when the sample dataset is served (no DART key, or KDESK_SAMPLE=on). */
  sample: boolean;
};

/** Names of settings whose values must never be printed. */
export const SECRET_SETTINGS = [
  "DART_API_KEY",
  "KRX_API_KEY",
  "KRX_ID",
  "KRX_PW",
  "KIWOOM_APP_KEY",
  "KIWOOM_SECRET_KEY",
  "INGEST_TOKEN",
  "ADMIN_TOKEN",
  "JWT_SECRET",
] as const;

/**
 * Parses settings from an environment map. Errors name the variable and the rule, never
 * the offending value (it may be a secret).
 */
export function loadConfig(env: Record<string, string | undefined> = readEnv()): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== "") picked[key] = v;
  }
  const parsed = ConfigSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const c = parsed.data;
  const sample = c.KDESK_SAMPLE === "on" || (c.KDESK_SAMPLE === "auto" && !c.DART_API_KEY);
  return { ...c, sample };
}

/** The secret values present in a config, for the log masker. */
export function secretValues(c: Config): string[] {
  return SECRET_SETTINGS.map((k) => c[k]).filter((v): v is string => !!v);
}

function readEnv(): Record<string, string | undefined> {
  try {
    return Deno.env.toObject();
  } catch {
    return {}; // no --allow-env: defaults only
  }
}
