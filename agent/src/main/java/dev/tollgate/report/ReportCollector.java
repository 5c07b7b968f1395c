package dev.tollgate.report;

import dev.tollgate.telemetry.CallRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Adds up every finished LLM call for the HTML report, in memory that does not grow with the
 * number of calls: totals, {@link TimeSeries time buckets}, {@link TopTable bounded tables} per
 * model, user and custom property value, and the few most expensive calls. No call record is
 * kept, and no prompt or completion text is ever read.
 *
 * <p>Fed once per call from {@code Gateway.complete}, after pricing, on whichever thread ended
 * the call: one short lock per call (a few map updates), nothing that can block on I/O.
 */
public final class ReportCollector {
  /** Models kept by name (with percentiles). */
  static final int MODELS_KEPT = 50;
  static final int USERS_KEPT = 200;
  /** Property names followed; values of later names are not broken down. */
  static final int PROPERTY_NAMES_KEPT = 20;
  static final int VALUES_KEPT_PER_PROPERTY = 100;
  /** Rows shown per table before "other". */
  static final int SHOWN = 10;
  static final int MOST_EXPENSIVE_KEPT = 10;
  static final String NO_MODEL = "(unknown model)";

  /** One of the most expensive calls: who and what, never any content. */
  record ExpensiveCall(long epochMillis, String model, String provider, String userId, double costUsd,
      long inputTokens, long outputTokens, double durationMillis, int statusCode) {}

  private final Clock clock;
  private final long startedAtMillis;
  private final Object lock = new Object();
  private final Totals all = new Totals(true);
  private final TimeSeries series = new TimeSeries();
  private final TopTable models = new TopTable(MODELS_KEPT, true);
  private final TopTable users = new TopTable(USERS_KEPT, false);
  private final Map<String, TopTable> properties = new LinkedHashMap<>();
  private long propertyNamesIgnored;
  private final GatewayActivity gateway = new GatewayActivity();
  private final PriorityQueue<ExpensiveCall> mostExpensive =
      new PriorityQueue<>(Comparator.comparingDouble(ExpensiveCall::costUsd));

  public ReportCollector(Clock clock) {
    this.clock = clock;
    this.startedAtMillis = clock.millis();
  }

  /** Counts one finished call. */
  public void record(CallRecord record) {
    add(CallFacts.of(record));
  }

  void add(CallFacts call) {
    String model = call.model != null ? call.model : NO_MODEL;
    long now = clock.millis();
    synchronized (lock) {
      all.add(call);
      series.add(call, now);
      gateway.add(call);
      models.add(model, call);
      users.add(call.userId != null ? call.userId : "", call);
      for (Map.Entry<String, String> p : call.properties.entrySet()) {
        TopTable values = properties.get(p.getKey());
        if (values == null) {
          if (properties.size() >= PROPERTY_NAMES_KEPT) {
            propertyNamesIgnored++;
            continue;
          }
          values = new TopTable(VALUES_KEPT_PER_PROPERTY, false);
          properties.put(p.getKey(), values);
        }
        values.add(p.getValue() == null ? "" : p.getValue(), call);
      }
      if (call.costUsd != null && call.costUsd > 0) {
        ExpensiveCall e = new ExpensiveCall(call.epochMillis, model, call.provider, call.userId, call.costUsd,
            call.inputTokens, call.outputTokens, call.durationMillis, call.statusCode);
        if (mostExpensive.size() < MOST_EXPENSIVE_KEPT) {
          mostExpensive.add(e);
        } else if (mostExpensive.peek().costUsd() < e.costUsd()) {
          mostExpensive.poll();
          mostExpensive.add(e);
        }
      }
    }
  }

  /** Everything counted so far as one JSON object, safe to embed in a {@code <script>} element. */
  public String snapshotJson(String serviceName, long intervalMillis) {
    return snapshotJson(serviceName, intervalMillis, null);
  }

  /**
   * @param budgets each configured budget's burn, read just before (outside this collector's
   *     lock); null when no budget is configured
   */
  String snapshotJson(String serviceName, long intervalMillis, List<BudgetBurn.Budget> budgets) {
    long now = clock.millis();
    StringBuilder out = new StringBuilder(16_384);
    synchronized (lock) {
      out.append('{');
      ReportJson.field(out, "generatedAt", now);
      ReportJson.field(out, "startedAt", startedAtMillis);
      ReportJson.field(out, "service", serviceName);
      ReportJson.field(out, "intervalMillis", intervalMillis);
      ReportJson.field(out, "shown", SHOWN);
      ReportJson.name(out, "totals");
      totals(out, all);
      out.append(',');
      ReportJson.name(out, "series");
      out.append('[');
      for (TimeSeries.Bucket b : series.buckets(now)) {
        out.append('{');
        ReportJson.field(out, "t", b.start);
        ReportJson.field(out, "w", b.width);
        ReportJson.field(out, "requests", b.requests);
        ReportJson.field(out, "errors", b.errors);
        ReportJson.field(out, "refused", b.refused);
        ReportJson.field(out, "cost", b.costUsd);
        ReportJson.field(out, "otherCost", b.otherModelsCostUsd);
        ReportJson.name(out, "byModel");
        out.append('{');
        b.costByModel.forEach((model, cost) -> ReportJson.field(out, model, cost));
        ReportJson.close(out, '}');
        out.append("},");
      }
      ReportJson.close(out, ']');
      out.append(',');
      ReportJson.field(out, "callsOlderThanSeries", series.callsTooOld());
      ReportJson.name(out, "models");
      rows(out, models.top(SHOWN));
      out.append(',');
      ReportJson.name(out, "users");
      rows(out, users.top(SHOWN));
      out.append(',');
      ReportJson.name(out, "properties");
      out.append('[');
      for (Map.Entry<String, TopTable> p : properties.entrySet()) {
        out.append('{');
        ReportJson.field(out, "name", p.getKey());
        ReportJson.name(out, "rows");
        rows(out, p.getValue().top(SHOWN));
        out.append("},");
      }
      ReportJson.close(out, ']');
      out.append(',');
      ReportJson.field(out, "propertyNamesIgnored", propertyNamesIgnored);
      ReportJson.name(out, "mostExpensive");
      out.append('[');
      List<ExpensiveCall> expensive = new ArrayList<>(mostExpensive);
      expensive.sort(Comparator.comparingDouble(ExpensiveCall::costUsd).reversed());
      for (ExpensiveCall e : expensive) {
        out.append('{');
        ReportJson.field(out, "t", e.epochMillis());
        ReportJson.field(out, "model", e.model());
        ReportJson.field(out, "provider", e.provider());
        ReportJson.field(out, "user", e.userId());
        ReportJson.field(out, "cost", e.costUsd());
        ReportJson.field(out, "in", e.inputTokens());
        ReportJson.field(out, "out", e.outputTokens());
        ReportJson.field(out, "ms", Math.round(e.durationMillis()));
        ReportJson.field(out, "status", e.statusCode());
        ReportJson.close(out, '}');
        out.append(',');
      }
      ReportJson.close(out, ']');
      out.append(',');
      ReportJson.name(out, "budgets");
      if (budgets == null) {
        out.append("null");
      } else {
        BudgetBurn.json(out, budgets);
      }
      out.append(',');
      gatewayActivity(out);
      out.append('}');
    }
    return out.toString();
  }

  /** Refusals, alerts and provider headroom: the fields {@code refusals}, {@code alerts}, {@code headroom}. */
  private void gatewayActivity(StringBuilder out) {
    ReportJson.name(out, "refusals");
    out.append('{');
    ReportJson.field(out, "total", gateway.refusedTotal());
    ReportJson.name(out, "reasons");
    out.append('[');
    for (Map.Entry<String, GatewayActivity.Refusals> e : gateway.refusals().entrySet()) {
      refusal(out, e.getKey(), e.getValue());
    }
    GatewayActivity.Refusals other = gateway.otherRefusals();
    if (other.count > 0) {
      refusal(out, null, other);
    }
    ReportJson.close(out, ']');
    out.append("},");
    ReportJson.name(out, "alerts");
    out.append('{');
    ReportJson.field(out, "total", gateway.alertsTotal());
    ReportJson.name(out, "last");
    out.append('[');
    for (CallFacts.AlertFact a : gateway.lastAlerts()) {
      out.append('{');
      ReportJson.field(out, "t", a.epochMillis());
      ReportJson.field(out, "kind", a.kind());
      ReportJson.field(out, "name", a.name());
      ReportJson.field(out, "message", a.message());
      ReportJson.close(out, '}');
      out.append(',');
    }
    ReportJson.close(out, ']');
    out.append("},");
    ReportJson.name(out, "headroom");
    out.append('{');
    ReportJson.field(out, "dropped", gateway.headroomPairsDropped());
    ReportJson.name(out, "rows");
    out.append('[');
    for (GatewayActivity.Headroom h : gateway.headroom()) {
      out.append('{');
      ReportJson.field(out, "provider", h.provider);
      ReportJson.field(out, "model", h.model);
      ReportJson.field(out, "t", h.reportedAtMillis);
      optional(out, "limitRequests", h.limitRequests);
      optional(out, "remainingRequests", h.remainingRequests);
      optional(out, "limitTokens", h.limitTokens);
      optional(out, "remainingTokens", h.remainingTokens);
      ReportJson.close(out, '}');
      out.append(',');
    }
    ReportJson.close(out, ']');
    out.append('}');
  }

  private static void refusal(StringBuilder out, String reason, GatewayActivity.Refusals r) {
    out.append('{');
    if (reason == null) {
      ReportJson.field(out, "other", true);
    } else {
      ReportJson.field(out, "reason", reason);
    }
    ReportJson.field(out, "count", r.count);
    ReportJson.field(out, "first", r.firstMillis);
    ReportJson.field(out, "last", r.lastMillis);
    ReportJson.close(out, '}');
    out.append(',');
  }

  private static void optional(StringBuilder out, String name, Long value) {
    if (value != null) {
      ReportJson.field(out, name, value);
    }
  }

  private static void rows(StringBuilder out, List<TopTable.Row> rows) {
    out.append('[');
    for (TopTable.Row row : rows) {
      out.append('{');
      if (row.key() == null) {
        ReportJson.field(out, "other", true);
      } else {
        ReportJson.field(out, "key", row.key());
      }
      ReportJson.name(out, "totals");
      totals(out, row.totals());
      out.append("},");
    }
    ReportJson.close(out, ']');
  }

  private static void totals(StringBuilder out, Totals t) {
    out.append('{');
    ReportJson.field(out, "requests", t.requests);
    ReportJson.field(out, "errors", t.errors);
    ReportJson.field(out, "priced", t.pricedRequests);
    ReportJson.field(out, "cost", t.costUsd);
    ReportJson.field(out, "inputTokens", t.inputTokens);
    ReportJson.field(out, "outputTokens", t.outputTokens);
    ReportJson.field(out, "cachedTokens", t.cachedTokens);
    ReportJson.field(out, "cacheHits", t.cacheHits);
    ReportJson.field(out, "cacheMisses", t.cacheMisses);
    ReportJson.field(out, "saved", t.savedUsd);
    if (t.latency != null && t.latency.count() > 0) {
      ReportJson.name(out, "latency");
      percentiles(out, t.latency);
      out.append(',');
    }
    if (t.firstChunk != null && t.firstChunk.count() > 0) {
      ReportJson.name(out, "firstChunk");
      percentiles(out, t.firstChunk);
      out.append(',');
    }
    ReportJson.close(out, '}');
  }

  private static void percentiles(StringBuilder out, LatencyHistogram h) {
    out.append('{');
    ReportJson.field(out, "count", h.count());
    ReportJson.field(out, "p50", round1(h.percentile(0.50)));
    ReportJson.field(out, "p95", round1(h.percentile(0.95)));
    ReportJson.field(out, "p99", round1(h.percentile(0.99)));
    ReportJson.close(out, '}');
  }

  private static double round1(double millis) {
    return Math.round(millis * 10) / 10.0;
  }

  // -- for tests: the bounds hold
  int modelsKept() {
    synchronized (lock) {
      return models.size();
    }
  }

  int usersKept() {
    synchronized (lock) {
      return users.size();
    }
  }

  int propertyNamesKept() {
    synchronized (lock) {
      return properties.size();
    }
  }

  int headroomPairsKept() {
    synchronized (lock) {
      return gateway.headroomPairsKept();
    }
  }

  int bucketsKept() {
    synchronized (lock) {
      return series.minuteBuckets() + series.hourBuckets();
    }
  }
}
