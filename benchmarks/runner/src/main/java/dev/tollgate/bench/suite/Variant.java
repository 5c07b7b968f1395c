package dev.tollgate.bench.suite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One way to run the load app: no agent, Tollgate (observing; all policies on), the OpenTelemetry Java agent. */
enum Variant {
  NONE("no agent"),
  TOLLGATE("Tollgate"),
  TOLLGATE_POLICIES("Tollgate, all policies"),
  OTEL("OTel agent 2.33.1"),
  /** {@code scripts/bench.sh --compare <ref>}: Tollgate as built at another commit. */
  BASELINE("Tollgate before");

  final String title;

  Variant(String title) {
    this.title = title;
  }

  /**
   * JVM options of this variant. Both agents export to the same OTLP sink. "All policies" turns on
   * every policy Tollgate has, set so that none triggers on a healthy provider: cache (every body is
   * unique: a miss and a write per call), retries, a fallback model, a rate limit, a budget and both
   * health alerts, with limits far above what the run reaches.
   */
  List<String> jvmOptions(Path tollgateJar, Path otelJar, Path baselineJar, String otlpEndpoint) {
    List<String> o = new ArrayList<>();
    switch (this) {
      case NONE -> { }
      case BASELINE -> {
        o.add("-javaagent:" + baselineJar);
        o.add("-Dotel.exporter.otlp.endpoint=" + otlpEndpoint);
        o.add("-Dotel.service.name=bench");
      }
      case TOLLGATE, TOLLGATE_POLICIES -> {
        o.add("-javaagent:" + tollgateJar);
        o.add("-Dotel.exporter.otlp.endpoint=" + otlpEndpoint);
        o.add("-Dotel.service.name=bench");
        if (this == TOLLGATE_POLICIES) {
          o.add("-Dtollgate.cache.enabled=true");
          o.add("-Dtollgate.retry.enabled=true");
          o.add("-Dtollgate.fallback.gpt-4o-mini=gpt-4o");
          o.add("-Dtollgate.ratelimit.bench=100000000;w=60");
          o.add("-Dtollgate.budget.bench=1000000;w=daily");
          o.add("-Dtollgate.alerts.error-rate=50%;w=5m;min=20");
          o.add("-Dtollgate.alerts.latency=60s;w=5m;p=99;min=20");
        }
      }
      case OTEL -> {
        o.add("-javaagent:" + otelJar);
        o.add("-Dotel.exporter.otlp.endpoint=" + otlpEndpoint);
        o.add("-Dotel.service.name=bench");
      }
    }
    return o;
  }
}
