package dev.tollgate.it.support;

import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How the OpenTelemetry Collector's {@code prometheus} exporter names what Tollgate exports, with
 * {@code translation_strategy: UnderscoreEscapingWithSuffixes} (deploy/otel-collector/config.yaml).
 * The rule is the OpenTelemetry → Prometheus compatibility specification as
 * {@code prometheus/otlptranslator} implements it; deploy/README.md shows its results.
 *
 * <ul>
 *   <li>metric name: split at every character outside {@code [a-zA-Z0-9:]}, joined with
 *       {@code _}; then the unit's suffix ({@code s} → {@code seconds}, {@code ms} →
 *       {@code milliseconds}, {@code By} → {@code bytes}, {@code 1} → none, a unit in braces
 *       such as {@code {token}} → none, any other unit as it is, e.g. {@code USD}) unless the
 *       name already has that word; then {@code total} for a monotonic sum (a counter), and
 *       {@code ratio} for a gauge of unit {@code 1};
 *   <li>series: a histogram is {@code <name>_bucket} (with {@code le}), {@code _sum},
 *       {@code _count};
 *   <li>label: every character outside {@code [a-zA-Z0-9_]} becomes {@code _}; a leading digit
 *       gets {@code key_} in front;
 *   <li>added labels: {@code job} (the resource's service.name, prefixed by service.namespace/),
 *       {@code instance} (service.instance.id), {@code otel_scope_name} /
 *       {@code otel_scope_version} (the instrumentation scope).
 * </ul>
 */
public final class PrometheusNaming {
  private PrometheusNaming() {}

  private static final Map<String, String> UNITS = Map.ofEntries(
      Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"), Map.entry("s", "seconds"),
      Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
      Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"), Map.entry("MiBy", "mebibytes"),
      Map.entry("KBy", "kilobytes"), Map.entry("MBy", "megabytes"), Map.entry("1", ""), Map.entry("%", "percent"));
  private static final Map<String, String> PER_UNITS = Map.of(
      "s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

  /** The Prometheus metric family name of an OTLP metric (before {@code _bucket}/{@code _sum}/{@code _count}). */
  public static String metricName(Metric metric) {
    List<String> tokens = new ArrayList<>(Arrays.stream(metric.getName().split("[^a-zA-Z0-9:]+"))
        .filter(t -> !t.isEmpty()).toList());
    String[] unit = metric.getUnit().split("/", 2);
    String main = unitWord(unit[0], UNITS);
    String per = unit.length > 1 ? unitWord(unit[1], PER_UNITS) : "";
    if (!main.isEmpty() && !tokens.contains(main)) {
      tokens.add(main);
    }
    if (!per.isEmpty() && !tokens.contains("per_" + per)) {
      tokens.add("per_" + per);
    }
    boolean counter = metric.hasSum() && metric.getSum().getIsMonotonic();
    if (counter) {
      tokens.remove("total");
      tokens.add("total");
    }
    if ("1".equals(metric.getUnit()) && metric.hasGauge()) {
      tokens.remove("ratio");
      tokens.add("ratio");
    }
    String name = String.join("_", tokens);
    return !name.isEmpty() && Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  /** Every series name Prometheus stores for this metric. */
  public static List<String> seriesNames(Metric metric) {
    String name = metricName(metric);
    if (metric.hasHistogram()) {
      return List.of(name + "_bucket", name + "_sum", name + "_count");
    }
    return List.of(name);
  }

  /** The Prometheus label name of an OTLP attribute key. */
  public static String labelName(String attributeKey) {
    String label = attributeKey.replaceAll("[^a-zA-Z0-9_]", "_");
    return !label.isEmpty() && Character.isDigit(label.charAt(0)) ? "key_" + label : label;
  }

  private static String unitWord(String otelUnit, Map<String, String> table) {
    String u = otelUnit.trim();
    if (u.isEmpty() || u.contains("{") || u.contains("}")) {
      return "";
    }
    String word = table.getOrDefault(u, u);
    return word.replaceAll("[^a-zA-Z0-9:]+", "_").replaceAll("^_+|_+$", "");
  }
}
