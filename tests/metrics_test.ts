/**
 * /metrics is valid Prometheus text (parsed with parse-prometheus-text-format) and carries
 * HTTP latency by route pattern, job durations, queue depth, dead letters, source errors
 * and quota; /health/sources reports each source; /health stays cheap.
 */
import assert from "node:assert/strict";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { loadConfig } from "../config.ts";
import { runScheduled } from "../cron/handlers.ts";
import { KvRateLimiter } from "../lib/http/rate_limit.ts";
import { Histogram, Metrics } from "../lib/jobs/metrics.ts";
import { SnapshotCache } from "../lib/store/snapshots.ts";
import { createApp } from "../routes/app.ts";
import { jobsRig } from "./jobs_rig_test.ts";

interface Family {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string> }[];
}

Deno.test("[metrics] /metrics parses as Prometheus text and has the ops series", async () => {
  const r = await jobsRig();
  const limiter = new KvRateLimiter(r.kv, { bucket: "dart", perDay: 500, perMinute: 100 });
  r.ctx.probes = [{
    source: "dart",
    check: async () => {
      await limiter.take();
      await r.dart.list({ bgn_de: "20261120", end_de: "20261120", page_count: 1 });
    },
    quota: limiter,
  }];
  const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "on" });
  const snapshots = new SnapshotCache(r.kv);
  const app = createApp({ kv: r.kv, config, snapshots, islandBundle: null, jobs: r.ctx });
  const num = (text: string, series: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };
  const SNAP =
    'kdesk_http_request_duration_seconds_count{route="/api/v1/company/snapshot",method="GET"}';
  const POLL = 'kdesk_job_duration_seconds_count{job="dart_poll"}';
  const RUNS = 'kdesk_job_runs_total{job="dart_poll",status="SUCCEEDED"}';
  try {
    // The registry is process-wide: compare against counts before this test.
    const t0 = await (await app.request("/metrics")).text();
    await runScheduled(r.ctx, "source_health", "manual");
    await runScheduled(r.ctx, "dart_poll", "manual");
    for (const corp of ["00912345", "01358027"]) {
      const res = await app.request(`/api/v1/company/snapshot?corp_code=${corp}`);
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    await (await app.request("/no/such/page")).body?.cancel();

    const res = await app.request("/metrics");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const families = parsePrometheusTextFormat(text) as Family[];
    const byName = new Map(families.map((f) => [f.name, f]));

    // The parser validates histogram syntax but flattens labelled series into one object
    // (a limitation of parse-prometheus-text-format), so series labels are read from the text.
    assert.equal(byName.get("kdesk_http_request_duration_seconds")?.type, "HISTOGRAM");
    assert.equal(byName.get("kdesk_job_duration_seconds")?.type, "HISTOGRAM");
    assert.equal(num(text, SNAP) - num(t0, SNAP), 2, "labelled by route pattern");
    assert.match(
      text,
      /^kdesk_http_request_duration_seconds_bucket\{route="\/api\/v1\/company\/snapshot",method="GET",le="\+Inf"\} \d+$/m,
    );
    assert.ok(!/route="[^"]*00912345/.test(text), "not raw paths");
    assert.equal(num(text, POLL) - num(t0, POLL), 1);
    assert.equal(num(text, RUNS) - num(t0, RUNS), 1);
    assert.match(text, /^kdesk_job_duration_seconds_count\{job="source_health"\} \d+$/m);
    assert.equal(byName.get("kdesk_queue_depth")?.type, "GAUGE");
    assert.equal(byName.get("kdesk_dead_letters")?.metrics[0].value, "0");
    const quota = byName.get("kdesk_source_quota_used")!.metrics.find((m) =>
      m.labels?.source === "dart"
    );
    assert.equal(quota?.value, "1", "the health probe spent one call");
    assert.equal(
      byName.get("kdesk_source_quota_limit")!.metrics.find((m) => m.labels?.source === "dart")
        ?.value,
      "500",
    );
    assert.equal(
      byName.get("kdesk_source_up")!.metrics.find((m) => m.labels?.source === "dart")?.value,
      "1",
    );
    assert.ok(byName.has("kdesk_source_errors_total"));

    const health = await (await app.request("/health/sources")).json();
    const dart = health.sources.find((s: { source: string }) => s.source === "dart");
    assert.equal(dart.ok, true);
    assert.equal(dart.quota.used_today, 1);
    assert.equal(dart.circuit, "closed");
    assert.ok(dart.latency_ms !== null);
    const kind = health.sources.find((s: { source: string }) => s.source === "kind");
    assert.equal(kind.configured, false);

    // A failing probe is recorded with its error (masked) and counted.
    r.fake.setFault("list.json", { kind: "status", status: 503 });
    const run = await runScheduled(r.ctx, "source_health", "manual");
    assert.equal(run.status, "PARTIAL");
    const h2 = await (await app.request("/health/sources")).json();
    const d2 = h2.sources.find((s: { source: string }) => s.source === "dart");
    assert.equal(d2.ok, false);
    assert.match(d2.last_error, /HTTP 503/);
    assert.ok(!d2.last_error.includes("KDESKJOBSKEY"));
    assert.ok(d2.last_success_at);
    assert.equal(h2.status, "degraded");
    const t2 = await (await app.request("/metrics")).text();
    parsePrometheusTextFormat(t2);
    assert.match(t2, /kdesk_source_up\{source="dart"\} 0/);
    assert.match(t2, /kdesk_source_errors_total\{source="dart"\} [1-9]/);
  } finally {
    await snapshots.close();
    await r.close();
  }
});

Deno.test("[metrics] histogram text: cumulative buckets, +Inf, sum and count; labels escaped", () => {
  const h = new Histogram("x_seconds", "help", ["route"], [0.1, 1]);
  h.observe(0.05, 'a"b');
  h.observe(0.5, 'a"b');
  h.observe(5, 'a"b');
  const m = new Metrics();
  const out: string[] = [];
  h.render(out);
  assert.deepEqual(out, [
    "# HELP x_seconds help",
    "# TYPE x_seconds histogram",
    'x_seconds_bucket{route="a\\"b",le="0.1"} 1',
    'x_seconds_bucket{route="a\\"b",le="1"} 2',
    'x_seconds_bucket{route="a\\"b",le="+Inf"} 3',
    'x_seconds_sum{route="a\\"b"} 5.55',
    'x_seconds_count{route="a\\"b"} 3',
  ]);
  parsePrometheusTextFormat(out.join("\n") + "\n");
  m.httpDuration.observe2(0.002, "/x", "GET");
  m.httpDuration.observe2(0.002, "/x", "GET");
  assert.match(
    m.render(),
    /kdesk_http_request_duration_seconds_count\{route="\/x",method="GET"\} 2/,
  );
});
