/**
 * The code list the bridge registers: fixed (BRIDGE_CODES) or read from kdesk's
 * `GET /api/v1/live/codes` (recently viewed pages + featured codes, with each code's last
 * stored KRX close, the simulator's base price) and refreshed.
 */
import { log } from "./log.ts";

const CODE_RE = /^[0-9][0-9A-Z]{5}$/;

/** kdesk's live code list: the codes, and the last KRX close of those that have one. */
export interface LiveCodes {
  codes: string[];
  closes: Record<string, number>;
}

/** Fetches kdesk's live code list. */
export async function fetchCodes(
  kdeskUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<LiveCodes> {
  const res = await fetchImpl(`${kdeskUrl}/api/v1/live/codes`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GET /api/v1/live/codes: HTTP ${res.status}`);
  const body = await res.json() as { codes?: unknown; closes?: unknown };
  if (!Array.isArray(body.codes)) {
    throw new Error("GET /api/v1/live/codes: no codes array");
  }
  const codes = body.codes.filter((c): c is string => typeof c === "string" && CODE_RE.test(c));
  const closes: Record<string, number> = {};
  if (body.closes && typeof body.closes === "object") {
    for (const [code, v] of Object.entries(body.closes as Record<string, unknown>)) {
      if (CODE_RE.test(code) && typeof v === "number" && Number.isFinite(v) && v > 0) {
        closes[code] = v;
      }
    }
  }
  return { codes, closes };
}

/** Polls the list every `ms` and calls `onCodes` when it changed. Returns a stop function. */
export function watchCodes(
  kdeskUrl: string,
  ms: number,
  onCodes: (codes: string[], closes: Record<string, number>) => void,
): () => void {
  let last = "";
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    try {
      const { codes, closes } = await fetchCodes(kdeskUrl);
      const key = [...codes].sort().map((c) => `${c}:${closes[c] ?? ""}`).join(",");
      if (key !== last) {
        last = key;
        log.info("live code list", {
          count: codes.length,
          with_close: Object.keys(closes).length,
        });
        onCodes(codes, closes);
      }
    } catch (e) {
      log.warn("code list refresh failed", { error: e as Error });
    }
    if (!stopped) timer = setTimeout(tick, last ? ms : Math.min(ms, 1000));
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
