/**
 * A small Prometheus metrics registry (text exposition format 0.0.4). Histograms keep their
 * bucket counts in preallocated `Float64Array`s per label set, so an observation is a map
 * lookup, a short linear scan and three additions: cheap enough for every HTTP request.
 *
 * @module
 */

type Labels = Record<string, string>;

const escapeLabel = (v: string) =>
  v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i])}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(",")}}` : "";
}

const fmt = (n: number) => Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";

interface Series {
  values: string[];
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A histogram with fixed buckets and fixed label names. */
export class Histogram {
  #series = new Map<string, Series>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {}

  /** The series of a label-value tuple (created once; hold on to it on hot paths). */
  series(...values: string[]): Series {
    const k = values.join("\u0000");
    let s = this.#series.get(k);
    if (!s) {
      s = { values, counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.#series.set(k, s);
    }
    return s;
  }

  /** Records one observation (seconds, usually) into a series. */
  observeSeries(s: Series, v: number): void {
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]) {
        s.counts[i]++;
        break;
      }
    }
    s.sum += v;
    s.count++;
  }

  /**
   * Hot path for two-label histograms: nested maps, so no key string is built per call.
   */
  observe2(v: number, a: string, b: string): void {
    let inner = this.#byTwo.get(a);
    if (!inner) this.#byTwo.set(a, inner = new Map());
    let s = inner.get(b);
    if (!s) inner.set(b, s = this.series(a, b));
    this.observeSeries(s, v);
  }
  #byTwo = new Map<string, Map<string, Series>>();

  observe(v: number, ...values: string[]): void {
    this.observeSeries(this.series(...values), v);
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const s of this.#series.values()) {
      let cum = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cum += s.counts[i];
        out.push(
          `${this.name}_bucket${
            labelText(this.labelNames, s.values, `le="${this.buckets[i]}"`)
          } ${cum}`,
        );
      }
      out.push(
        `${this.name}_bucket${labelText(this.labelNames, s.values, 'le="+Inf"')} ${s.count}`,
      );
      out.push(`${this.name}_sum${labelText(this.labelNames, s.values)} ${fmt(s.sum)}`);
      out.push(`${this.name}_count${labelText(this.labelNames, s.values)} ${s.count}`);
    }
  }
}

/** A counter or gauge with fixed label names. */
export class Scalar {
  #values = new Map<string, { labels: string[]; v: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge",
    readonly labelNames: readonly string[],
  ) {}
  inc(by = 1, ...labels: string[]): void {
    const k = labels.join("\u0000");
    const e = this.#values.get(k);
    if (e) e.v += by;
    else this.#values.set(k, { labels, v: by });
  }
  set(v: number, ...labels: string[]): void {
    this.#values.set(labels.join("\u0000"), { labels, v });
  }
  get(...labels: string[]): number {
    return this.#values.get(labels.join("\u0000"))?.v ?? 0;
  }
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`);
    for (const e of this.#values.values()) {
      out.push(`${this.name}${labelText(this.labelNames, e.labels)} ${fmt(e.v)}`);
    }
  }
}

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const JOB_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900, 1800];

/** The process's metrics. Gauges read from KV are refreshed by `/metrics` before rendering. */
export class Metrics {
  readonly httpDuration = new Histogram(
    "kdesk_http_request_duration_seconds",
    "HTTP request latency by route pattern and method.",
    ["route", "method"],
    HTTP_BUCKETS,
  );
  readonly jobDuration = new Histogram(
    "kdesk_job_duration_seconds",
    "Duration of scheduled/manual job runs and queue message handlers.",
    ["job"],
    JOB_BUCKETS,
  );
  readonly jobRuns = new Scalar(
    "kdesk_job_runs_total",
    "Finished job runs by job and status.",
    "counter",
    ["job", "status"],
  );
  readonly queueDepth = new Scalar(
    "kdesk_queue_depth",
    "Queue messages enqueued and not yet processed, dropped or dead-lettered.",
    "gauge",
    [],
  );
  readonly deadLetters = new Scalar(
    "kdesk_dead_letters",
    "Queue messages in the dead-letter list.",
    "gauge",
    [],
  );
  readonly sourceErrors = new Scalar(
    "kdesk_source_errors_total",
    "Failed source calls seen by jobs and health checks.",
    "counter",
    ["source"],
  );
  readonly quotaUsed = new Scalar(
    "kdesk_source_quota_used",
    "API calls spent in the current quota window (KST day).",
    "gauge",
    ["source"],
  );
  readonly quotaLimit = new Scalar(
    "kdesk_source_quota_limit",
    "API calls allowed per quota window (KST day).",
    "gauge",
    ["source"],
  );
  readonly sourceUp = new Scalar(
    "kdesk_source_up",
    "1 when the source's last health check succeeded.",
    "gauge",
    ["source"],
  );

  readonly responseCacheAnswers = new Scalar(
    "kdesk_response_cache_answers_total",
    "Answers of the prebuilt-response caches (market, search) by result: hit (a prebuilt response), miss (computed), shared (joined a computation under way), evicted (entries dropped for room).",
    "counter",
    ["cache", "result"],
  );
  readonly responseCacheEntries = new Scalar(
    "kdesk_response_cache_entries",
    "Answers kept by the prebuilt-response caches.",
    "gauge",
    ["cache"],
  );
  readonly responseCacheBytes = new Scalar(
    "kdesk_response_cache_bytes",
    "Bytes kept by the prebuilt-response caches (identity and gzip copies).",
    "gauge",
    ["cache"],
  );

  /**
   * Called before each render: fills series whose sources count on their own hot paths
   * (plain numbers there, no label lookup per request).
   */
  readonly collectors: (() => void)[] = [];

  /** Prometheus text exposition. */
  render(): string {
    for (const collect of this.collectors) collect();
    const out: string[] = [];
    this.httpDuration.render(out);
    this.jobDuration.render(out);
    this.jobRuns.render(out);
    this.queueDepth.render(out);
    this.deadLetters.render(out);
    this.sourceErrors.render(out);
    this.quotaUsed.render(out);
    this.quotaLimit.render(out);
    this.sourceUp.render(out);
    this.responseCacheAnswers.render(out);
    this.responseCacheEntries.render(out);
    this.responseCacheBytes.render(out);
    return out.join("\n") + "\n";
  }
}

/** The process-wide registry. */
export const metrics = new Metrics();

/** Content type of the text exposition format. */
export const PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type { Labels };
