package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.OtelTelemetry;
import dev.tollgate.telemetry.PresetSpanIds;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tollgate.otel.use-global=true}. The OpenTelemetry API on the test class path plays the
 * application's own copy (unrelocated here, as in the app), and an SDK registered as its
 * {@code GlobalOpenTelemetry} plays the application's SDK; Tollgate's "own" SDK is a second one.
 * Every call is made twice, once per mode, so the span the application's SDK gets is compared
 * with the one Tollgate's own SDK makes, attribute by attribute and event by event.
 */
class UseGlobalTest {
  private static final URI URI_OPENAI = URI.create("https://api.openai.com/v1/chat/completions");
  private static final byte[] BODY = ("{\"model\":\"gpt-4o\",\"temperature\":0.5,\"stop\":[\"x\"],"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8);
  private static final byte[] ANSWER = ("{\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}").getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> RETRY_ONCE = Map.of("Helicone-Retry-Enabled", "true",
      "Helicone-Retry-Num", "1", "Helicone-Property-Feature", "search", "Helicone-User-Id", "alice");
  private static final SpanContext APP_SPAN = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
      TraceFlags.getSampled(), TraceState.getDefault());

  private final InMemorySpanExporter appSpans = InMemorySpanExporter.create();
  private final InMemorySpanExporter ownSpans = InMemorySpanExporter.create();
  private final InMemoryMetricReader ownMetrics = InMemoryMetricReader.create();
  private OpenTelemetrySdk appSdk;
  private OpenTelemetrySdk ownSdk;

  @BeforeEach
  void setUp() {
    GlobalOpenTelemetry.resetForTest();
    appSdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(appSpans))
            .setResource(Resource.getDefault().merge(Resource.create(io.opentelemetry.api.common.Attributes.of(
                AttributeKey.stringKey("service.name"), "the-app")))).build())
        .build();
    ownSdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(ownSpans))
            .setIdGenerator(PresetSpanIds.INSTANCE).build()) // as TelemetrySdk builds it
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(ownMetrics).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    GlobalOpenTelemetry.resetForTest();
    appSdk.close();
    ownSdk.close();
  }

  private Gateway gateway(boolean useGlobal) {
    Map<String, String> settings = new HashMap<>();
    settings.put("tollgate.otel.use-global", Boolean.toString(useGlobal));
    settings.put("tollgate.budget.watch", "0.1;alert=100"); // the call's cost crosses it: an alert event
    return new Gateway(TollgateConfig.of(settings), () -> (r, p) -> r.costUsd = 0.25, () -> new OtelTelemetry(ownSdk));
  }

  /** A call retried once after a 500, answered 200, inside the application's span; returns the call. */
  private static LlmCall retriedCall(Gateway g, SpanContext parent) {
    try (Scope ignored = Context.root().with(Span.wrap(parent)).makeCurrent()) {
      LlmCall call = TestCalls.start(g, URI_OPENAI, BODY, RETRY_ONCE);
      call.firstAttempt();
      assertThat(call.afterResponse(500, HeaderLookup.NONE)).isNotNull();
      assertThat(call.afterResponse(200, HeaderLookup.NONE)).isNull();
      call.onResponseHead(200, name -> name.equalsIgnoreCase("content-type") ? "application/json" : null);
      call.onBytes(ANSWER, 0, ANSWER.length);
      call.onComplete();
      return call;
    }
  }

  @Test
  void theCallSpanGoesThroughTheApplicationsSdkWithEverythingTollgatesOwnSpanHas() {
    LlmCall own = retriedCall(gateway(false), APP_SPAN);
    assertThat(ownSpans.getFinishedSpanItems()).hasSize(1);
    SpanData expected = ownSpans.getFinishedSpanItems().get(0);
    ownSpans.reset();
    GlobalOpenTelemetry.set(appSdk);

    LlmCall viaApp = retriedCall(gateway(true), APP_SPAN);

    assertThat(ownSpans.getFinishedSpanItems()).as("Tollgate's own SDK exports no span").isEmpty();
    assertThat(appSpans.getFinishedSpanItems()).hasSize(1);
    SpanData span = appSpans.getFinishedSpanItems().get(0);
    assertThat(span.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("the-app");
    assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("dev.tollgate");
    assertThat(span.getName()).isEqualTo(expected.getName()).isEqualTo("chat gpt-4o");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getTraceId()).isEqualTo(APP_SPAN.getTraceId());
    assertThat(span.getParentSpanId()).isEqualTo(APP_SPAN.getSpanId());
    assertThat(span.getStartEpochNanos()).isEqualTo(viaApp.record().startEpochNanos);
    assertThat(span.getEndEpochNanos()).isEqualTo(OtelTelemetry.endEpochNanos(viaApp.record()));
    assertThat(span.getAttributes().asMap()).as("every attribute, as Tollgate's own SDK has it")
        .isEqualTo(expected.getAttributes().asMap()).isNotEmpty();
    assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.request.stop_sequences"))).containsExactly("x");
    assertThat(events(span)).as("attempt and alert events").isEqualTo(events(expected))
        .extracting(e -> e.name).containsExactly("tollgate.attempt", "tollgate.attempt", "tollgate.alert");
    assertThat(span.getEvents().get(0).getEpochNanos()).isEqualTo(viaApp.record().attempts.get(0).startEpochNanos);
    assertThat(own.record().attempts).hasSize(2);
    assertThat(requestsCounted()).as("the metrics stay on Tollgate's own SDK").isEqualTo(2);
  }

  @Test
  void aFailedCallHasTheErrorStatus() {
    GlobalOpenTelemetry.set(appSdk);
    Gateway g = gateway(true);
    LlmCall call = TestCalls.start(g, URI_OPENAI, BODY, Map.of());
    call.onResponseHead(503, HeaderLookup.NONE);
    call.onComplete();

    SpanData span = appSpans.getFinishedSpanItems().get(0);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
    assertThat(span.getParentSpanContext().isValid()).as("no current span: a root span").isFalse();
  }

  @Test
  void anUnsampledParentRecordsNoSpanWhileTheMetricsCountTheCall() {
    GlobalOpenTelemetry.set(appSdk);
    SpanContext unsampled = SpanContext.create(APP_SPAN.getTraceId(), APP_SPAN.getSpanId(), TraceFlags.getDefault(),
        TraceState.getDefault());

    retriedCall(gateway(true), unsampled);

    assertThat(appSpans.getFinishedSpanItems()).as("the app's sampler (parent-based) drops it").isEmpty();
    assertThat(ownSpans.getFinishedSpanItems()).as("and it is not sent the other way instead").isEmpty();
    assertThat(requestsCounted()).isEqualTo(1);
  }

  @Test
  void whileAnAttemptRunsTheApplicationsCallSpanIsCurrent() {
    GlobalOpenTelemetry.set(appSdk);
    Gateway g = gateway(true);
    SpanContext during;
    LlmCall call;
    try (Scope ignored = Context.root().with(Span.wrap(APP_SPAN)).makeCurrent()) {
      call = TestCalls.start(g, URI_OPENAI, BODY, Map.of());
    }
    try (ApplicationSpanScope attempt = call.enterApplicationSpan()) {
      during = Span.current().getSpanContext();
    }
    assertThat(Span.current().getSpanContext().isValid()).as("restored after the attempt").isFalse();
    assertThat(call.record().presetSpanId).as("no preset id: the app's SDK chose it").isNull();
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onComplete();

    SpanData span = appSpans.getFinishedSpanItems().get(0);
    assertThat(during.getSpanId()).as("the exported span is the one attempts nest under").isEqualTo(span.getSpanId());
    assertThat(during.getTraceId()).isEqualTo(APP_SPAN.getTraceId());
  }

  @Test
  void withNoGlobalRegisteredTheOwnSdkRecordsTheSpanAndTheGlobalIsLeftUnset() {
    LlmCall call;
    try (Scope ignored = Context.root().with(Span.wrap(APP_SPAN)).makeCurrent()) {
      call = TestCalls.start(gateway(true), URI_OPENAI, BODY, Map.of());
    }
    SpanContext during;
    try (ApplicationSpanScope attempt = call.enterApplicationSpan()) {
      during = Span.current().getSpanContext();
    }
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onComplete();

    assertThat(GlobalOpenTelemetry.isSet()).as("the application can still register its own").isFalse();
    assertThat(appSpans.getFinishedSpanItems()).isEmpty();
    SpanData span = ownSpans.getFinishedSpanItems().get(0);
    assertThat(span.getParentSpanId()).isEqualTo(APP_SPAN.getSpanId());
    assertThat(during.getSpanId()).as("nesting as without the setting (preset id)").isEqualTo(span.getSpanId());
    GlobalOpenTelemetry.set(appSdk); // and it can, and the next call's span goes there
    LlmCall next = TestCalls.start(gateway(true), URI_OPENAI, BODY, Map.of());
    next.onResponseHead(200, HeaderLookup.NONE);
    next.onComplete();
    assertThat(appSpans.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void theNoOpGlobalIsNoUsableGlobal() {
    GlobalOpenTelemetry.set(OpenTelemetry.noop());

    retriedCall(gateway(true), APP_SPAN);

    assertThat(ownSpans.getFinishedSpanItems()).hasSize(1);
    assertThat(ownSpans.getFinishedSpanItems().get(0).getParentSpanId()).isEqualTo(APP_SPAN.getSpanId());
  }

  @Test
  void offByDefault() {
    GlobalOpenTelemetry.set(appSdk);
    Gateway g = new Gateway(TollgateConfig.of(Map.of()), () -> (r, p) -> r.costUsd = 0.25, () -> new OtelTelemetry(ownSdk));

    retriedCall(g, APP_SPAN);

    assertThat(appSpans.getFinishedSpanItems()).isEmpty();
    assertThat(ownSpans.getFinishedSpanItems()).hasSize(1);
  }

  private long requestsCounted() {
    return ownMetrics.collectAllMetrics().stream().filter(m -> m.getName().equals("tollgate.client.requests"))
        .flatMap(m -> m.getLongSumData().getPoints().stream()).mapToLong(p -> p.getValue()).sum();
  }

  private record Event(String name, Map<AttributeKey<?>, Object> attributes) {}

  private static List<Event> events(SpanData span) {
    return span.getEvents().stream().map((EventData e) -> new Event(e.getName(), e.getAttributes().asMap())).toList();
  }
}
