package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.DeployFiles;
import dev.tollgate.it.support.DeployFiles.Query;
import dev.tollgate.it.support.PromQlReferences;
import dev.tollgate.it.support.PrometheusNaming;
import dev.tollgate.it.support.ReceivedMetric;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.TelemetryChecks;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards of deploy/ ask only for what the agent really exports. Two runs of the
 * JDK HttpClient app under the agent, with the settings deploy/README.md suggests
 * ({@code tollgate.metrics.attributes=user.id,tollgate.property.feature}, a property, budgets):
 * a streamed chat twice with the cache on (tokens, cost, latency, time to first chunk, a miss
 * and a hit, money saved, the provider's rate-limit headers of the recording, budget gauges),
 * and a chat twice under a client-side rate limit of one call (the second is the agent's own
 * 429: {@code error.type}, {@code tollgate.blocked_by}). Their OTLP metrics are named the way
 * the collector's Prometheus exporter names them ({@link PrometheusNaming}); then every
 * metric, label and matcher value in every dashboard query must be among them, and every
 * metric the agent exports must be on a dashboard.
 */
class DashboardMetricsTest extends ItBase {
  static final String FEATURE = "trip-planner";

  /** What Prometheus would hold for one series name: the OTLP metric behind it and its labels with the values seen. */
  record Exported(String otlpName, Map<String, Set<String>> labels) {}

  @Test
  void everyDashboardQueryNamesMetricsAndLabelsTheAgentExports() {
    UnaryOperator<AppRunner> deploySettings = r -> r
        .sysProp("tollgate.metrics.attributes", "user.id,tollgate.property.feature")
        .sysProp("tollgate.properties.feature", FEATURE)
        .sysProp("tollgate.budget.demo", "1")
        .sysProp("tollgate.budget.per-user", "0.5;s=user");
    CompletableFuture<ProviderRun> usage = inBackground(() -> againstFakeProvider(deploySettings.apply(
        AppRunner.launch(SampleApp.jdkHttpClient(), "cache-stream").withAgent(true).testName("DashboardMetricsTest-usage"))));
    ProviderRun refused = againstFakeProvider(deploySettings.apply(
        AppRunner.launch(SampleApp.jdkHttpClient(), "chat-twice").withAgent(true).testName("DashboardMetricsTest-refused"))
        .sysProp("tollgate.ratelimit.demo", "1;w=60"));
    ProviderRun used = usage.join();
    assertExitedCleanly(used.app());
    assertExitedCleanly(refused.app());
    assertThat(refused.app().stdout()).as("the second chat is refused by the agent's rate limit\n" + refused.app().describe())
        .contains("429");

    List<Query> queries = DeployFiles.prometheusQueries();
    assertThat(queries).as("Prometheus queries in deploy/grafana/dashboards/*.json").hasSizeGreaterThan(10);
    Set<String> wanted = queries.stream().flatMap(q -> PromQlReferences.of(q.expr()).metrics().stream()).collect(Collectors.toSet());

    Map<String, Exported> exported = awaitExported(List.of(used.app(), refused.app()), wanted);
    System.out.println("[DashboardMetricsTest] Prometheus series of the agent's metrics:");
    exported.forEach((name, e) -> System.out.println("  " + name + "  <-  " + e.otlpName() + "  labels " + e.labels().keySet()));

    List<String> problems = new ArrayList<>();
    Set<String> usedSeries = new HashSet<>();
    for (Query query : queries) {
      PromQlReferences refs = PromQlReferences.of(query.expr());
      if (refs.metrics().isEmpty()) {
        problems.add(query + "\n    names no metric");
      }
      Map<String, Set<String>> labels = new TreeMap<>();
      for (String metric : refs.metrics()) {
        Exported e = exported.get(metric);
        if (e == null) {
          problems.add(query + "\n    metric " + metric + " is not exported by the agent (exported: " + exported.keySet() + ")");
          continue;
        }
        usedSeries.add(metric);
        e.labels().forEach((label, values) -> labels.computeIfAbsent(label, l -> new TreeSet<>()).addAll(values));
      }
      for (String label : refs.labels()) {
        if (!labels.containsKey(label)) {
          problems.add(query + "\n    label " + label + " is on none of " + refs.metrics() + " (their labels: " + labels.keySet() + ")");
        }
      }
      for (PromQlReferences.Matcher m : refs.matchers()) {
        Set<String> seen = labels.getOrDefault(m.label(), Set.of());
        String problem = matcherProblem(m, seen);
        if (problem != null) {
          problems.add(query + "\n    " + m.label() + m.op() + "\"" + m.value() + "\": " + problem + " (values seen: " + seen + ")");
        }
      }
    }
    Set<String> families = exported.values().stream().map(Exported::otlpName).collect(Collectors.toCollection(TreeSet::new));
    Set<String> onDashboards = usedSeries.stream().map(s -> exported.get(s).otlpName()).collect(Collectors.toSet());
    Set<String> missing = new TreeSet<>(families);
    missing.removeAll(onDashboards);
    if (!missing.isEmpty()) {
      problems.add("metrics the agent exports that no dashboard shows: " + missing);
    }
    assertThat(problems).as(queries.size() + " dashboard queries against the agent's export").isEmpty();
    assertThat(families).as("the agent's metrics that the two runs exported").containsExactlyInAnyOrder(
        "gen_ai.client.token.usage", "gen_ai.client.operation.duration", "gen_ai.client.operation.time_to_first_chunk",
        "tollgate.client.cost", "tollgate.client.requests", "tollgate.client.cache.saved",
        "tollgate.provider.ratelimit.limit", "tollgate.provider.ratelimit.remaining",
        "tollgate.budget.spent", "tollgate.budget.limit");
  }

  /** Null when the agent's export satisfies the matcher; else why not. */
  static String matcherProblem(PromQlReferences.Matcher m, Set<String> seen) {
    if (m.value().contains("$")) {
      return null; // a Grafana variable: any value
    }
    switch (m.op()) {
      case "=":
        return seen.contains(m.value()) ? null : "the agent never sets this value";
      case "!=":
        if (m.value().isEmpty()) {
          return seen.stream().anyMatch(v -> !v.isEmpty()) ? null : "the agent never sets this label";
        }
        return null;
      case "=~":
        if (m.value().matches("[\\w.:-]+(\\|[\\w.:-]+)*")) {
          List<String> never = java.util.Arrays.stream(m.value().split("\\|")).filter(v -> !seen.contains(v)).toList();
          return never.isEmpty() ? null : "the agent never sets " + never;
        }
        return null;
      default:
        return null;
    }
  }

  /** The runs' metrics (Tollgate's scope), by Prometheus series name, once every wanted name arrived or the wait ran out. */
  static Map<String, Exported> awaitExported(List<AppRun> runs, Set<String> wanted) {
    java.util.function.Supplier<List<ReceivedMetric>> query = () -> runs.stream()
        .flatMap(r -> OTLP.metricsWithResourceAttribute(AppRunner.RUN_RESOURCE_ATTRIBUTE, r.runId()).stream())
        .filter(m -> TelemetryChecks.SCOPE.equals(m.scopeName()))
        .toList();
    List<ReceivedMetric> metrics = OTLP.await(query,
        list -> byPrometheusName(list).keySet().containsAll(wanted), EXPORT_WAIT);
    return byPrometheusName(metrics);
  }

  static Map<String, Exported> byPrometheusName(List<ReceivedMetric> metrics) {
    Map<String, Exported> out = new TreeMap<>();
    for (ReceivedMetric received : metrics) {
      Metric metric = received.metric();
      Map<String, Set<String>> labels = new TreeMap<>();
      for (List<KeyValue> attributes : pointAttributes(metric)) {
        for (KeyValue kv : attributes) {
          labels.computeIfAbsent(PrometheusNaming.labelName(kv.getKey()), k -> new TreeSet<>()).add(text(kv.getValue()));
        }
      }
      // what the exporter adds from the resource and the scope
      String service = received.resourceAttrs().str("service.name");
      if (service != null) {
        String namespace = received.resourceAttrs().str("service.namespace");
        labels.computeIfAbsent("job", k -> new TreeSet<>()).add(namespace == null ? service : namespace + "/" + service);
      }
      String instance = received.resourceAttrs().str("service.instance.id");
      if (instance != null) {
        labels.computeIfAbsent("instance", k -> new TreeSet<>()).add(instance);
      }
      labels.computeIfAbsent("otel_scope_name", k -> new TreeSet<>()).add(received.scopeName());
      if (!received.scope().getVersion().isEmpty()) {
        labels.computeIfAbsent("otel_scope_version", k -> new TreeSet<>()).add(received.scope().getVersion());
      }
      for (String series : PrometheusNaming.seriesNames(metric)) {
        Map<String, Set<String>> seriesLabels = new TreeMap<>(labels);
        if (series.endsWith("_bucket") && metric.hasHistogram()) {
          seriesLabels.put("le", new TreeSet<>(Set.of("+Inf")));
        }
        Exported previous = out.get(series);
        if (previous != null) {
          previous.labels().forEach((k, v) -> seriesLabels.merge(k, v, (a, b) -> {
            Set<String> union = new TreeSet<>(a);
            union.addAll(b);
            return union;
          }));
        }
        out.put(series, new Exported(metric.getName(), seriesLabels));
      }
    }
    return out;
  }

  private static List<List<KeyValue>> pointAttributes(Metric metric) {
    return switch (metric.getDataCase()) {
      case SUM -> metric.getSum().getDataPointsList().stream().map(p -> p.getAttributesList()).toList();
      case GAUGE -> metric.getGauge().getDataPointsList().stream().map(p -> p.getAttributesList()).toList();
      case HISTOGRAM -> metric.getHistogram().getDataPointsList().stream().map(p -> p.getAttributesList()).toList();
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsList().stream().map(p -> p.getAttributesList()).toList();
      default -> List.of();
    };
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> v.toString();
    };
  }
}
