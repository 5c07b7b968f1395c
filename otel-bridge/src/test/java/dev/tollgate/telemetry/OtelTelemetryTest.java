package dev.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtelTelemetryTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  private final OtelTelemetry telemetry = new OtelTelemetry(sdk);

  @AfterEach
  void shutdown() {
    sdk.close();
  }

  private SpanData record(CallRecord r) {
    telemetry.end(telemetry.start(r), r);
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(1);
    return finished.get(0);
  }

  private MetricData metric(String name) {
    Collection<MetricData> all = metrics.collectAllMetrics();
    List<MetricData> found = all.stream().filter(m -> m.getName().equals(name)).collect(Collectors.toList());
    assertThat(found).as("metric %s in %s", name, all).hasSize(1);
    assertThat(found.get(0).getInstrumentationScopeInfo().getName()).isEqualTo("dev.tollgate");
    return found.get(0);
  }

  private boolean hasMetric(String name) {
    return metrics.collectAllMetrics().stream().anyMatch(m -> m.getName().equals(name));
  }

  @Test
  void spanOfAFullRecord() {
    CallRecord r = CallAttributesTest.full();

    SpanData span = record(r);

    assertThat(span.getName()).isEqualTo("chat gpt-4o-mini");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("dev.tollgate");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    // every start and end attribute, nothing else
    Attributes expected = CallAttributes.start(r).toBuilder().putAll(CallAttributes.end(r)).build();
    assertThat(span.getAttributes().asMap()).isEqualTo(expected.asMap());
    assertThat(span.getAttributes().get(AttributeKey.stringKey("tollgate.property.environment"))).isEqualTo("prod");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("tollgate.property.team"))).isEqualTo("search");
    assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
        .isCloseTo(0.2, within(1e-9));
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("gen_ai.request.stream"))).isTrue();
    assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.request.choice.count"))).isEqualTo(2L);
  }

  @Test
  void spanTimestampsComeFromTheRecord() {
    CallRecord r = CallAttributesTest.full();

    SpanData span = record(r);

    assertThat(span.getStartEpochNanos()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(span.getEndEpochNanos()).isEqualTo(1_700_000_000_000_000_000L + 1_500_000_000L);
  }

  @Test
  void spanIsAChildOfTheCurrentSpan() {
    Span parent = sdk.getTracer("app").spanBuilder("parent").startSpan();
    CallRecord r = CallAttributesTest.full();
    OtelTelemetry.CallSpan call;
    try (Scope ignored = parent.makeCurrent()) {
      call = telemetry.start(r);
    }
    telemetry.end(call, r);
    parent.end();

    SpanData child = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("chat gpt-4o-mini")).findFirst().orElseThrow();
    assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(child.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
  }

  @Test
  void spanIsAChildOfTheApplicationsSpanCopiedAtCallStart() {
    CallRecord r = CallAttributesTest.full();
    r.parent = new CallRecord.ParentSpan("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", (byte) 1,
        new java.util.LinkedHashMap<>(java.util.Map.of("app", "x")), false);

    SpanData span = record(r);

    assertThat(span.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(span.getParentSpanContext().isRemote()).isFalse();
    assertThat(span.getSpanContext().getTraceState().get("app")).isEqualTo("x");
    assertThat(span.getSpanContext().isSampled()).isTrue();
  }

  @Test
  void theSpanTakesThePresetIdWithPresetSpanIdsAndOnlyThatSpan() {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (OpenTelemetrySdk presetting = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setIdGenerator(PresetSpanIds.INSTANCE)
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
        .build()) {
      OtelTelemetry withPresets = new OtelTelemetry(presetting);
      CallRecord r = CallAttributesTest.full();
      r.parent = new CallRecord.ParentSpan("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", (byte) 1, null, false);
      r.presetSpanId = "00f067aa0ba902b7";
      withPresets.end(withPresets.start(r), r);
      presetting.getTracer("app").spanBuilder("next").startSpan().end();

      assertThat(exported.getFinishedSpanItems()).hasSize(2);
      assertThat(exported.getFinishedSpanItems().get(0).getSpanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(exported.getFinishedSpanItems().get(0).getParentSpanId()).isEqualTo("b7ad6b7169203331");
      assertThat(exported.getFinishedSpanItems().get(1).getSpanId()).as("the next span's id is random again")
          .isNotEqualTo("00f067aa0ba902b7");
    }
  }

  @Test
  void withoutAParentTheSpanTakesThePresetTraceAndSpanIdsAndOnlyThatSpan() {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (OpenTelemetrySdk presetting = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setIdGenerator(PresetSpanIds.INSTANCE)
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
        .build()) {
      OtelTelemetry withPresets = new OtelTelemetry(presetting);
      CallRecord r = CallAttributesTest.full();
      r.presetTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      r.presetSpanId = "00f067aa0ba902b7";
      withPresets.end(withPresets.start(r), r);
      presetting.getTracer("app").spanBuilder("next").startSpan().end();

      List<SpanData> finished = exported.getFinishedSpanItems();
      assertThat(finished).hasSize(2);
      assertThat(finished.get(0).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(finished.get(0).getSpanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(finished.get(0).getParentSpanContext().isValid()).isFalse();
      assertThat(finished.get(0).getSpanContext().isSampled()).isTrue();
      assertThat(finished.get(1).getTraceId()).as("the next root span's trace id is random again")
          .isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(finished.get(1).getSpanId()).isNotEqualTo("00f067aa0ba902b7");
    }
  }

  @Test
  void aParentsTraceIdWinsOverAPresetOneAndThePresetIsNotLeftForTheNextSpan() {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (OpenTelemetrySdk presetting = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setIdGenerator(PresetSpanIds.INSTANCE)
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
        .build()) {
      OtelTelemetry withPresets = new OtelTelemetry(presetting);
      CallRecord r = CallAttributesTest.full();
      r.parent = new CallRecord.ParentSpan("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", (byte) 1, null, false);
      r.presetTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      r.presetSpanId = "00f067aa0ba902b7";
      withPresets.end(withPresets.start(r), r);
      presetting.getTracer("app").spanBuilder("next").startSpan().end();

      List<SpanData> finished = exported.getFinishedSpanItems();
      assertThat(finished.get(0).getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
      assertThat(finished.get(0).getSpanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(finished.get(1).getTraceId()).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }
  }

  @Test
  void traceStateKeepsTheApplicationsOrder() {
    java.util.Map<String, String> state = new java.util.LinkedHashMap<>();
    state.put("first", "1");
    state.put("second", "2");
    CallRecord r = CallAttributesTest.full();
    r.parent = new CallRecord.ParentSpan("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", (byte) 1, state, true);

    SpanData span = record(r);

    assertThat(span.getParentSpanContext().isRemote()).isTrue();
    assertThat(span.getSpanContext().getTraceState().asMap().keySet()).containsExactly("first", "second");
  }

  @Test
  void anUnsampledApplicationSpanGivesNoRecordedSpanButTheCallIsCounted() {
    CallRecord r = CallAttributesTest.full();
    r.parent = new CallRecord.ParentSpan("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", (byte) 0, null, false);

    telemetry.end(telemetry.start(r), r);

    assertThat(spans.getFinishedSpanItems()).isEmpty();
    assertThat(metric("tollgate.client.requests").getLongSumData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(1L));
  }

  @Test
  void anInvalidApplicationSpanContextLeavesTheCurrentContextAsParent() {
    CallRecord r = CallAttributesTest.full();
    r.parent = new CallRecord.ParentSpan("00000000000000000000000000000000", "0000000000000000", (byte) 1, null, false);

    SpanData span = record(r);

    assertThat(span.getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void spanNameIsUpdatedWhenTheModelIsOnlyKnownAtTheEnd() {
    CallRecord r = CallAttributesTest.minimal();
    OtelTelemetry.CallSpan call = telemetry.start(r);
    r.responseModel = "gpt-4o-2024-08-06";
    r.endNanos = 1;
    telemetry.end(call, r);

    assertThat(spans.getFinishedSpanItems()).singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("chat gpt-4o-2024-08-06"));
  }

  @Test
  void startAttributesThatChangedBeforeTheEndAreSetAgainAndTheOthersKept() {
    CallRecord r = CallAttributesTest.minimal();
    r.serverAddress = "api.openai.com";
    r.serverPort = 443;
    OtelTelemetry.CallSpan call = telemetry.start(r);
    r.requestModel = "gpt-4o-mini"; // read from a body that arrived after the start
    r.endNanos = 1;
    telemetry.end(call, r);

    assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo("chat gpt-4o-mini");
      assertThat(s.getAttributes().get(GenAiAttributes.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
      assertThat(s.getAttributes().get(GenAiAttributes.SERVER_ADDRESS)).isEqualTo("api.openai.com");
      assertThat(s.getAttributes().get(GenAiAttributes.SERVER_PORT)).isEqualTo(443L);
      assertThat(s.getAttributes().get(GenAiAttributes.OPERATION_NAME)).isEqualTo("chat");
    });
  }

  @Test
  void choiceCountOfOneIsLeftOut() {
    CallRecord r = CallAttributesTest.full();
    r.choiceCount = 1L;
    assertThat(record(r).getAttributes().get(AttributeKey.longKey("gen_ai.request.choice.count"))).isNull();
  }

  @Test
  void nonStreamsHaveNoStreamFlagNorTimeToFirstChunk() {
    CallRecord r = CallAttributesTest.full();
    r.stream = false;

    SpanData span = record(r);

    assertThat(span.getAttributes().get(AttributeKey.booleanKey("gen_ai.request.stream"))).isNull();
    assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk"))).isNull();
    assertThat(hasMetric("gen_ai.client.operation.time_to_first_chunk")).isFalse();
  }

  @Test
  void zeroCostIsPresent() {
    CallRecord r = CallAttributesTest.full();
    r.costUsd = 0.0;

    assertThat(record(r).getAttributes().get(AttributeKey.doubleKey("tollgate.cost.usd"))).isEqualTo(0.0);
    assertThat(metric("tollgate.client.cost").getDoubleSumData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(0.0));
  }

  @Test
  void nullCostIsAbsent() {
    CallRecord r = CallAttributesTest.full();
    r.costUsd = null;
    r.pricingModel = null;

    SpanData span = record(r);

    assertThat(span.getAttributes().get(AttributeKey.doubleKey("tollgate.cost.usd"))).isNull();
    assertThat(span.getAttributes().get(AttributeKey.stringKey("tollgate.pricing.model"))).isNull();
    assertThat(hasMetric("tollgate.client.cost")).isFalse();
  }

  @Test
  void errorTypeSetsTheErrorStatus() {
    CallRecord r = CallAttributesTest.full();
    r.statusCode = 503;
    r.errorType = "503";

    SpanData span = record(r);

    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
    assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(503L);
  }

  @Test
  void tokenUsageMetric() {
    CallRecord r = CallAttributesTest.full();
    record(r);

    MetricData m = metric("gen_ai.client.token.usage");
    assertThat(m.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    assertThat(m.getUnit()).isEqualTo("{token}");
    Collection<HistogramPointData> points = m.getHistogramData().getPoints();
    assertThat(points).hasSize(2);
    Attributes base = CallAttributes.metricBase(r).build();
    assertThat(points).anySatisfy(p -> {
      assertThat(p.getAttributes()).isEqualTo(base.toBuilder().put("gen_ai.token.type", "input").build());
      assertThat(p.getSum()).isEqualTo(120.0);
      assertThat(p.getCount()).isEqualTo(1);
    });
    assertThat(points).anySatisfy(p -> {
      assertThat(p.getAttributes()).isEqualTo(base.toBuilder().put("gen_ai.token.type", "output").build());
      assertThat(p.getSum()).isEqualTo(30.0);
    });
  }

  @Test
  void noUsageNoTokenMetric() {
    CallRecord r = CallAttributesTest.full();
    r.inputTokens = null;
    r.outputTokens = null;
    record(r);
    assertThat(hasMetric("gen_ai.client.token.usage")).isFalse();
  }

  @Test
  void durationMetric() {
    CallRecord r = CallAttributesTest.full();
    record(r);

    MetricData m = metric("gen_ai.client.operation.duration");
    assertThat(m.getUnit()).isEqualTo("s");
    assertThat(m.getHistogramData().getPoints()).singleElement().satisfies(p -> {
      assertThat(p.getSum()).isCloseTo(1.5, within(1e-9));
      assertThat(p.getAttributes()).isEqualTo(CallAttributes.metricBase(r).build());
      assertThat(p.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
    });
  }

  @Test
  void durationMetricCarriesTheErrorType() {
    CallRecord r = CallAttributesTest.full();
    r.statusCode = -1;
    r.errorType = "java.net.ConnectException";
    record(r);

    assertThat(metric("gen_ai.client.operation.duration").getHistogramData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("error.type")))
            .isEqualTo("java.net.ConnectException"));
  }

  @Test
  void timeToFirstChunkMetricForStreams() {
    CallRecord r = CallAttributesTest.full();
    record(r);

    MetricData m = metric("gen_ai.client.operation.time_to_first_chunk");
    assertThat(m.getUnit()).isEqualTo("s");
    assertThat(m.getHistogramData().getPoints()).singleElement().satisfies(p -> {
      assertThat(p.getSum()).isCloseTo(0.2, within(1e-9));
      assertThat(p.getAttributes()).isEqualTo(CallAttributes.metricBase(r).build());
    });
  }

  @Test
  void costMetric() {
    CallRecord r = CallAttributesTest.full();
    record(r);

    MetricData m = metric("tollgate.client.cost");
    assertThat(m.getUnit()).isEqualTo("USD");
    assertThat(m.getDoubleSumData().isMonotonic()).isTrue();
    assertThat(m.getDoubleSumData().getPoints()).singleElement().satisfies((DoublePointData p) -> {
      assertThat(p.getValue()).isCloseTo(0.0000375, within(1e-15));
      assertThat(p.getAttributes()).isEqualTo(CallAttributes.metricBase(r).build());
    });
  }

  @Test
  void requestsMetric() {
    CallRecord r = CallAttributesTest.full();
    record(r);
    CallRecord failed = CallAttributesTest.full();
    failed.statusCode = 429;
    failed.errorType = "429";
    record2(failed);

    MetricData m = metric("tollgate.client.requests");
    assertThat(m.getLongSumData().isMonotonic()).isTrue();
    Collection<LongPointData> points = m.getLongSumData().getPoints();
    assertThat(points).hasSize(2);
    assertThat(points).anySatisfy(p -> {
      assertThat(p.getValue()).isEqualTo(1);
      assertThat(p.getAttributes()).isEqualTo(Attributes.builder()
          .put("gen_ai.provider.name", "openai")
          .put("gen_ai.request.model", "gpt-4o-mini")
          .put("http.response.status_code", 200L)
          .build());
    });
    assertThat(points).anySatisfy(p -> {
      assertThat(p.getValue()).isEqualTo(1);
      assertThat(p.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(429L);
      assertThat(p.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("429");
    });
  }

  @Test
  void requestsMetricWithoutResponse() {
    CallRecord r = CallAttributesTest.minimal();
    r.provider = null;
    r.endNanos = 1;
    record(r);

    assertThat(metric("tollgate.client.requests").getLongSumData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getAttributes()).isEqualTo(
            Attributes.builder().put("gen_ai.provider.name", "unknown").build()));
  }

  private void record2(CallRecord r) {
    telemetry.end(telemetry.start(r), r);
  }
}
