package dev.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What makes Helicone's dashboard panels possible from OTLP: chosen dimensions, savings, headroom, budgets, alerts. */
class AnalyticsMetricsTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .setLoggerProvider(SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
      .build();

  @AfterEach
  void shutdown() {
    sdk.close();
  }

  private OtelTelemetry telemetry(String attributes, int maxValues) {
    List<String> rejected = new ArrayList<>();
    MetricDimensions d = MetricDimensions.of(attributes, maxValues, rejected);
    assertThat(rejected).isEmpty();
    return new OtelTelemetry(sdk, ms -> { }, d);
  }

  private static void end(OtelTelemetry t, CallRecord r) {
    t.end(t.start(r), r);
  }

  private MetricData metric(Collection<MetricData> all, String name) {
    List<MetricData> found = all.stream().filter(m -> m.getName().equals(name)).collect(Collectors.toList());
    assertThat(found).as("metric %s", name).hasSize(1);
    return found.get(0);
  }

  @Test
  void onlyTheChosenAttributesGoOntoMetricsEachCappedInDistinctValues() {
    OtelTelemetry t = telemetry(" user.id, tollgate.property.team ,user.id", 2);
    for (String user : List.of("alice", "bob", "carol", "alice")) {
      CallRecord r = CallAttributesTest.full();
      r.userId = user;
      end(t, r);
    }
    Collection<MetricData> all = metrics.collectAllMetrics();
    Set<String> users = metric(all, "tollgate.client.requests").getLongSumData().getPoints().stream()
        .map(p -> p.getAttributes().get(AttributeKey.stringKey("user.id"))).collect(Collectors.toSet());
    assertThat(users).containsExactlyInAnyOrder("alice", "bob", MetricDimensions.OTHER);
    assertThat(metric(all, "tollgate.client.cost").getDoubleSumData().getPoints())
        .allSatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("tollgate.property.team")))
            .as("property names are matched without case").isEqualTo("search"))
        .allSatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("session.id"))).isNull());
    assertThat(metric(all, "gen_ai.client.token.usage").getHistogramData().getPoints())
        .allSatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("user.id"))).isNotNull());

    List<String> rejected = new ArrayList<>();
    assertThat(MetricDimensions.of("user.id,gen_ai.prompt,api.key,tollgate.property.", 5, rejected).names())
        .containsExactly("user.id");
    assertThat(rejected).containsExactly("gen_ai.prompt", "api.key", "tollgate.property.");
  }

  @Test
  void withoutChosenAttributesMetricsStayAsTheyWere() {
    OtelTelemetry t = telemetry(null, 100);
    end(t, CallAttributesTest.full());
    assertThat(metric(metrics.collectAllMetrics(), "tollgate.client.requests").getLongSumData().getPoints())
        .singleElement().satisfies(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("user.id"))).isNull());
  }

  @Test
  void aCacheHitCountsTheMoneySavedAndABlockedCallSaysWhy() {
    OtelTelemetry t = telemetry(null, 100);
    CallRecord hit = CallAttributesTest.full();
    hit.cacheStatus = "hit";
    hit.costUsd = 0.0;
    hit.cacheSavedUsd = 0.004;
    end(t, hit);
    CallRecord blocked = CallAttributesTest.full();
    blocked.statusCode = 429;
    blocked.errorType = "429";
    blocked.blockedBy = "budget:team";
    end(t, blocked);
    Collection<MetricData> all = metrics.collectAllMetrics();
    assertThat(metric(all, "tollgate.client.cache.saved").getDoubleSumData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(0.004));
    assertThat(metric(all, "tollgate.client.cache.saved").getUnit()).isEqualTo("USD");
    assertThat(metric(all, "tollgate.client.requests").getLongSumData().getPoints())
        .anySatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("tollgate.blocked_by")))
            .isEqualTo("budget:team"));
    assertThat(spans.getFinishedSpanItems().get(1).getAttributes().get(AttributeKey.stringKey("tollgate.blocked_by")))
        .isEqualTo("budget:team");
  }

  @Test
  void theProvidersRateLimitsAreGaugesOfTheLastReport() {
    OtelTelemetry t = telemetry(null, 100);
    end(t, CallAttributesTest.full());
    CallRecord later = CallAttributesTest.full();
    later.rateLimitRemainingRequests = 9_000L;
    later.rateLimitRequests = null;
    later.rateLimitTokens = null;
    later.rateLimitRemainingTokens = null;
    later.retryAfterMillis = 1500L;
    end(t, later);
    Collection<MetricData> all = metrics.collectAllMetrics();
    Map<String, Long> remaining = metric(all, "tollgate.provider.ratelimit.remaining").getLongGaugeData().getPoints()
        .stream().collect(Collectors.toMap(p -> p.getAttributes().get(AttributeKey.stringKey("tollgate.ratelimit.unit")),
            LongPointData::getValue));
    assertThat(remaining).containsEntry("requests", 9_000L).containsEntry("tokens", 29_999_850L);
    assertThat(metric(all, "tollgate.provider.ratelimit.limit").getLongGaugeData().getPoints())
        .extracting(LongPointData::getValue).containsExactlyInAnyOrder(10_000L, 30_000_000L);
    assertThat(metric(all, "tollgate.provider.ratelimit.limit").getLongGaugeData().getPoints())
        .allSatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
            .isEqualTo("gpt-4o-mini"));
    assertThat(spans.getFinishedSpanItems().get(1).getAttributes()
        .get(AttributeKey.longKey("tollgate.ratelimit.retry_after_ms"))).isEqualTo(1500L);
  }

  @Test
  void budgetsAreGaugesReadWhenMetricsAreCollected() {
    OtelTelemetry t = telemetry(null, 100);
    List<OtelTelemetry.BudgetReading> now = new ArrayList<>(List.of(
        new OtelTelemetry.BudgetReading("team", null, 3.5, 10.0),
        new OtelTelemetry.BudgetReading("per-user", "alice", 0.25, 1.0)));
    t.observeBudgets(() -> now);
    Collection<MetricData> all = metrics.collectAllMetrics();
    assertThat(metric(all, "tollgate.budget.spent").getDoubleGaugeData().getPoints())
        .anySatisfy(p -> {
          assertThat(p.getValue()).isEqualTo(3.5);
          assertThat(p.getAttributes()).isEqualTo(Attributes.of(AttributeKey.stringKey("tollgate.budget.name"), "team"));
        })
        .anySatisfy(p -> {
          assertThat(p.getValue()).isEqualTo(0.25);
          assertThat(p.getAttributes().get(AttributeKey.stringKey("tollgate.budget.scope_value"))).isEqualTo("alice");
        });
    assertThat(metric(all, "tollgate.budget.limit").getDoubleGaugeData().getPoints()).hasSize(2);
    now.set(0, new OtelTelemetry.BudgetReading("team", null, 4.0, 10.0));
    assertThat(metric(metrics.collectAllMetrics(), "tollgate.budget.spent").getDoubleGaugeData().getPoints())
        .anySatisfy(p -> assertThat(p.getValue()).isEqualTo(4.0));
  }

  @Test
  void anAlertIsASpanEventAndALogRecordInTheCallsTrace() {
    OtelTelemetry t = telemetry(null, 100);
    CallRecord r = CallAttributesTest.full();
    r.alerts.add(new CallRecord.Alert("budget", "team", "budget 'team' reached 80%", r.startEpochNanos + 5,
        Map.of("tollgate.alert.threshold_percent", 80L, "tollgate.alert.spent_usd", 8.0, "tollgate.alert.window", "2026-11-26 (Z)")));
    end(t, r);
    SpanData span = spans.getFinishedSpanItems().get(0);
    EventData event = span.getEvents().stream().filter(e -> e.getName().equals("tollgate.alert")).findFirst().orElseThrow();
    assertThat(event.getAttributes().get(AttributeKey.stringKey("tollgate.alert.kind"))).isEqualTo("budget");
    assertThat(event.getAttributes().get(AttributeKey.longKey("tollgate.alert.threshold_percent"))).isEqualTo(80L);
    assertThat(event.getAttributes().get(AttributeKey.doubleKey("tollgate.alert.spent_usd"))).isEqualTo(8.0);
    assertThat(event.getEpochNanos()).isEqualTo(r.startEpochNanos + 5);

    LogRecordData log = logs.getFinishedLogRecordItems().get(0);
    assertThat(log.getInstrumentationScopeInfo().getName()).isEqualTo("dev.tollgate");
    assertThat(log.getSeverity()).isEqualTo(Severity.WARN);
    assertThat(log.getBodyValue().asString()).isEqualTo("budget 'team' reached 80%");
    assertThat(log.getAttributes().get(AttributeKey.stringKey("tollgate.alert.name"))).isEqualTo("team");
    assertThat(log.getSpanContext().getSpanId()).as("in the call's trace").isEqualTo(span.getSpanId());
  }
}
