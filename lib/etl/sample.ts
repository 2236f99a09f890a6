/**
 * The offline default: the bundled sample dataset (fictional companies in the exact
 * OpenDART formats) is served by an in-process fake OpenDART and loaded through the same
 * client, raw store, normalizers and snapshot builder as live data.
 *
 * The dataset has every company the sample knows as a DART filer: the featured ones, the
 * IPO deals' companies and every other company the KRX sample trades
 * (`buildSampleDataset({ tradedCompanies: true })`). {@linkcode loadSampleData} builds the
 * featured companies' snapshots at start; {@linkcode sampleCompanies} builds the others on
 * their first request (sample mode's `refreshCompany`, as live mode builds a company on its
 * first visit) and in the background after start — the same ETL either way. Building all
 * ~85 at start would cost ~0.4 s each on a file KV (one commit per raw payload).
 *
 * @module
 */
import { HttpClient } from "../http/mod.ts";
import { CircuitBreaker } from "../http/breaker.ts";
import { DartClient } from "../sources/dart/client.ts";
import { createFixtureFetch, type DartDataset } from "../sources/dart/fixture_fetch.ts";
import { sha256Hex } from "../store/blobs.ts";
import { keys } from "../store/keys.ts";
import { listSnapshotCorps } from "../store/snapshots.ts";
import { buildSampleDataset, SAMPLE_AS_OF, SAMPLE_CORP_CODES } from "../../sample/dart_sample.ts";
import { type EtlContext, refreshCompany } from "./company.ts";
import { collectDisclosures, syncCorpMaster } from "./dart_collect.ts";
import { loadIpoSample } from "./ipo.ts";
import { refreshMarketSection } from "./company_market.ts";
import { buildKindSampleDataset } from "../../sample/kind_sample.ts";
import { log } from "../log.ts";
import {
  KRX_SAMPLE_HISTORY_FROM,
  krxSampleFingerprint,
  krxSampleModel,
  loadKrxSample,
} from "../../sample/krx_sample.ts";

/** Not a secret: the sample fake only accepts this key. */
const SAMPLE_KEY = "kdesk-sample-dataset-key-0000000000000000";
const SAMPLE_BASE = "https://opendart.sample.invalid/api";

export interface SampleLoad {
  companies: number;
  disclosures: number;
  skipped: boolean;
  ms: number;
  /** The KRX sample market (absent when skipped). */
  krx?: { instruments: number; stored_days: number; bars: number; ms: number };
}

/** The dataset the app's sample mode serves (every company; see the module doc). */
export const appSampleDataset = (): DartDataset => buildSampleDataset({ tradedCompanies: true });

/** A DART client answering from the sample dataset (or another dataset, for tests). */
export function sampleDartClient(
  kv: Deno.Kv,
  dataset: DartDataset = appSampleDataset(),
): DartClient {
  const today = SAMPLE_AS_OF.replace(/-/g, "");
  const http = new HttpClient({
    source: "dart",
    retries: 0,
    timeoutMs: 30_000,
    breaker: new CircuitBreaker(),
    fetch: createFixtureFetch({ ...dataset, apiKey: SAMPLE_KEY }, { today: () => today }),
  });
  return new DartClient({ kv, apiKey: SAMPLE_KEY, baseUrl: SAMPLE_BASE, http });
}

/**
 * Bumped when the stored IPO pipeline rows gain a field (v2: `book`, the 수요예측 dates), so
 * a sample KV loaded by an older kdesk is rebuilt once instead of serving rows without it.
 */
const IPO_ROWS_VERSION = 2;

/** The sample's "today": noon KST of SAMPLE_AS_OF. */
export const sampleNow = () => new Date(`${SAMPLE_AS_OF}T12:00:00+09:00`);

/**
 * Loads the sample dataset into `kv` unless this exact dataset was loaded before
 * (`force` reloads). Marks every snapshot `sample: true`. The KRX sample market
 * (`sample/krx_sample.ts`) is stored from `krxHistoryFrom` (default
 * `KRX_SAMPLE_HISTORY_FROM`) before the company snapshots are built, so their price
 * sections have data.
 */
export async function loadSampleData(
  kv: Deno.Kv,
  opts: { force?: boolean; krxHistoryFrom?: string } = {},
): Promise<SampleLoad> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const dataset = appSampleDataset();
  const krxFrom = opts.krxHistoryFrom ?? KRX_SAMPLE_HISTORY_FROM;
  const fingerprint = await sha256Hex(
    new TextEncoder().encode(
      `${JSON.stringify(dataset)}\nkrx:${await krxSampleFingerprint(
        krxSampleModel(dataset),
      )}:${krxFrom}\nipo-rows:${IPO_ROWS_VERSION}`,
    ),
  );
  const marker = await kv.get<{ fingerprint: string }>(keys.syncState("sample", "loaded"));
  if (!opts.force && marker.value?.fingerprint === fingerprint) {
    return { companies: SAMPLE_CORP_CODES.length, disclosures: 0, skipped: true, ms: 0 };
  }
  const dart = sampleDartClient(kv, dataset);
  const ctx: EtlContext = { kv, dart, now: sampleNow, sample: true };
  const asOf = SAMPLE_AS_OF.replace(/-/g, "");
  const from = new Date(sampleNow().getTime() - 90 * 86400_000);
  // The KRX market loads meanwhile (other keys); the snapshots below wait for it.
  const [krxDone, feedDone] = await Promise.allSettled([
    loadKrxSample(kv, { dart: dataset, historyFrom: krxFrom }),
    (async () => {
      await syncCorpMaster(kv, dart);
      return await collectDisclosures(kv, dart, {
        bgn_de: from.toISOString().slice(0, 10).replace(/-/g, ""),
        end_de: asOf,
      });
    })(),
  ]);
  if (krxDone.status === "rejected") throw krxDone.reason;
  if (feedDone.status === "rejected") throw feedDone.reason;
  const krx = krxDone.value, feed = feedDone.value;
  if (krx.issues.length) {
    log.warn("sample KRX days raised quality issues", {
      issues: krx.issues.length,
      first: `${krx.issues[0].code} ${krx.issues[0].subject}`,
    });
  }
  for (const corp of SAMPLE_CORP_CODES) {
    const r = await refreshCompany(ctx, corp);
    if (r.error) throw new Error(`sample company ${corp} failed to load: ${r.error}`);
  }
  // IPO pipeline: the KIND sample reconciled with the sample's DART filings.
  await loadIpoSample(kv, dart, sampleNow, buildKindSampleDataset());
  // The snapshots above were built before the deals: add the since-offer figures of listings.
  for (const corp of SAMPLE_CORP_CODES) await refreshMarketSection(kv, corp);
  const loaded: SampleMarker = { fingerprint, at: new Date().toISOString(), started_at: startedAt };
  await kv.set(keys.syncState("sample", "loaded"), loaded);
  return {
    companies: SAMPLE_CORP_CODES.length,
    disclosures: feed.fetched,
    skipped: false,
    ms: Math.round(performance.now() - t0),
    krx: { instruments: krx.instruments, stored_days: krx.stored_days, bars: krx.bars, ms: krx.ms },
  };
}

/** What a finished sample load records (`sync_state/sample/loaded`). */
interface SampleMarker {
  fingerprint: string;
  /** When the load ended and began. */
  at: string;
  started_at?: string;
}

/** Sample mode's on-demand company builds (see the module doc). */
export interface SampleCompanies {
  /**
   * Builds (or rebuilds) one company of the dataset through the ETL; concurrent calls for
   * the same company share one build. A corp the dataset has no company.json for (a
   * corp-master row only) is left alone.
   */
  refresh(corpCode: string): Promise<void>;
  /**
   * Builds, one after the other, every company of the dataset whose snapshot is missing or
   * older than the last sample load. Resolves with the number built.
   */
  warm(): Promise<number>;
}

/** {@linkcode SampleCompanies} on `kv` (the sample must have been loaded into it). */
export function sampleCompanies(
  kv: Deno.Kv,
  dataset: DartDataset = appSampleDataset(),
): SampleCompanies {
  const ctx: EtlContext = { kv, dart: sampleDartClient(kv, dataset), now: sampleNow, sample: true };
  const building = new Map<string, Promise<void>>();
  const refresh = (corp: string): Promise<void> => {
    if (!dataset.companies[corp]) return Promise.resolve();
    let p = building.get(corp);
    if (!p) {
      p = refreshCompany(ctx, corp).then((r) => {
        if (r.error) log.warn("sample company build failed", { corp_code: corp, error: r.error });
      }).finally(() => building.delete(corp));
      building.set(corp, p);
    }
    return p;
  };
  return {
    refresh,
    async warm() {
      // Snapshots built since the last load began are current (the featured ones included).
      const marker = await kv.get<SampleMarker>(keys.syncState("sample", "loaded"));
      const loadedAt = marker.value?.started_at ?? marker.value?.at ?? "";
      const builtAt = new Map(
        (await listSnapshotCorps(kv, 100_000)).map((e) => [e.corp_code, e.built_at]),
      );
      let built = 0;
      for (const corp of Object.keys(dataset.companies)) {
        if ((builtAt.get(corp) ?? "") >= loadedAt && builtAt.has(corp)) continue;
        await refresh(corp);
        built++;
      }
      return built;
    },
  };
}
