/**
 * The code list the bridge registers: fixed (BRIDGE_CODES) or read from kdesk's
 * `GET /api/v1/live/codes` (recently viewed pages + featured codes) and refreshed.
 */
import { log } from "./log.ts";

const CODE_RE = /^[0-9][0-9A-Z]{5}$/;

/** Fetches kdesk's live code list. */
export async function fetchCodes(
  kdeskUrl: string,
  fetchImpl: typeof fetch = fetch,
) {
  const res = await fetchImpl(`${kdeskUrl}/api/v1/live/codes`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GET /api/v1/live/codes: HTTP ${res.status}`);
  const body = await res.json() as { codes?: unknown };
  if (!Array.isArray(body.codes)) {
    throw new Error("GET /api/v1/live/codes: no codes array");
  }
  return body.codes.filter((c): c is string => typeof c === "string" && CODE_RE.test(c));
}

/** Polls the list every `ms` and calls `onCodes` when it changed. Returns a stop function. */
export function watchCodes(
  kdeskUrl: string,
  ms: number,
  onCodes: (codes: string[]) => void,
): () => void {
  let last = "";
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    try {
      const codes = await fetchCodes(kdeskUrl);
      const key = [...codes].sort().join(",");
      if (key !== last) {
        last = key;
        log.info("live code list", { count: codes.length });
        onCodes(codes);
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
