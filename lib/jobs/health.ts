/**
 * Source health: each source's cheap probe result (last success, last error, latency), kept
 * in KV so every process sees it, plus the live circuit state and today's quota use.
 *
 * @module
 */
import { log } from "../log.ts";
import { keys } from "../store/keys.ts";
import { metrics as globalMetrics } from "./metrics.ts";
import { errText } from "../log.ts";
import type { JobsContext, SourceProbe } from "./runtime.ts";

export interface SourceHealthRecord {
  source: string;
  ok: boolean;
  checked_at: string;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  latency_ms: number | null;
}

export interface SourceHealthView extends SourceHealthRecord {
  circuit: string;
  quota: { used_today: number; per_day: number; day: string } | null;
  configured: boolean;
}

/** Runs one probe and stores its result. Never throws. */
export async function checkSource(
  ctx: Pick<JobsContext, "kv" | "metrics">,
  probe: SourceProbe,
): Promise<SourceHealthRecord> {
  const m = ctx.metrics ?? globalMetrics;
  const key = keys.sourceHealth(probe.source);
  const prev = (await ctx.kv.get<SourceHealthRecord>(key)).value;
  const t0 = performance.now();
  const at = new Date().toISOString();
  let rec: SourceHealthRecord;
  try {
    await probe.check();
    rec = {
      source: probe.source,
      ok: true,
      checked_at: at,
      last_success_at: at,
      last_error: prev?.last_error ?? null,
      last_error_at: prev?.last_error_at ?? null,
      latency_ms: Math.round(performance.now() - t0),
    };
  } catch (e) {
    m.sourceErrors.inc(1, probe.source);
    rec = {
      source: probe.source,
      ok: false,
      checked_at: at,
      last_success_at: prev?.last_success_at ?? null,
      last_error: errText(e),
      last_error_at: at,
      latency_ms: Math.round(performance.now() - t0),
    };
    log.warn("source health check failed", { source: probe.source, error: rec.last_error });
  }
  m.sourceUp.set(rec.ok ? 1 : 0, probe.source);
  await ctx.kv.set(key, rec);
  return rec;
}

/** Sources the desk knows about (shown even before they have a connector). */
export const KNOWN_SOURCES = ["dart", "kind", "krx"] as const;

/** Stored health + circuit + quota for every known source (cheap: KV reads only). */
export async function sourceHealth(
  ctx: Pick<JobsContext, "kv" | "probes">,
): Promise<SourceHealthView[]> {
  const names = [...new Set([...KNOWN_SOURCES, ...ctx.probes.map((p) => p.source)])];
  const stored = await ctx.kv.getMany<SourceHealthRecord[]>(names.map((s) => keys.sourceHealth(s)));
  const out: SourceHealthView[] = [];
  for (let i = 0; i < names.length; i++) {
    const probe = ctx.probes.find((p) => p.source === names[i]);
    const rec = stored[i].value;
    let quota: SourceHealthView["quota"] = null;
    if (probe?.quota) {
      const u = await probe.quota.usage();
      quota = { used_today: u.used_today, per_day: u.per_day, day: u.day };
    }
    out.push({
      source: names[i],
      ok: rec?.ok ?? false,
      checked_at: rec?.checked_at ?? "",
      last_success_at: rec?.last_success_at ?? null,
      last_error: rec?.last_error ?? (probe ? null : "no connector configured"),
      last_error_at: rec?.last_error_at ?? null,
      latency_ms: rec?.latency_ms ?? null,
      circuit: probe?.breaker?.state ?? (probe ? "closed" : "n/a"),
      quota,
      configured: !!probe,
    });
  }
  return out;
}
