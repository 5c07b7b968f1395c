package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.CallRecord;
import dev.tollgate.telemetry.OtelTelemetry;
import dev.tollgate.telemetry.PresetSpanIds;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TraceHeadersTest {
  private static final byte[] BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
  private static final String HEX32 = "[0-9a-f]{32}";
  private static final String HEX16 = "[0-9a-f]{16}";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().setIdGenerator(PresetSpanIds.INSTANCE)
          .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();

  @AfterEach
  void shutdown() {
    sdk.close();
  }

  @Test
  void withoutAParentTheHeaderNamesANewSampledTraceAndTheCallSpan() {
    CallRecord r = new CallRecord();

    List<Map.Entry<String, String>> headers = TraceHeaders.forCall(r).forRequest(HeaderLookup.NONE);

    assertThat(r.presetTraceId).matches(HEX32).isNotEqualTo("0".repeat(32));
    assertThat(r.presetSpanId).matches(HEX16).isNotEqualTo("0".repeat(16));
    assertThat(headers).containsExactly(Map.entry("traceparent", "00-" + r.presetTraceId + "-" + r.presetSpanId + "-01"));
  }

  @Test
  void withAParentTheHeaderKeepsItsTraceItsFlagAndItsTraceState() {
    CallRecord r = new CallRecord();
    Map<String, String> state = new LinkedHashMap<>();
    state.put("vendor", "v1");
    state.put("other", "o2");
    r.parent = new CallRecord.ParentSpan("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", (byte) 0, state, false);
    r.presetSpanId = "00f067aa0ba902b7"; // chosen for nesting: kept

    List<Map.Entry<String, String>> headers = TraceHeaders.forCall(r).forRequest(HeaderLookup.NONE);

    assertThat(r.presetTraceId).isNull();
    assertThat(headers).containsExactly(
        Map.entry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-00"),
        Map.entry("tracestate", "vendor=v1,other=o2"));
  }

  @Test
  void onlyTheSampledFlagIsWritten() {
    assertThat(TraceHeaders.traceparent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", (byte) 0x03))
        .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(TraceHeaders.tracestate(Map.of())).isNull();
  }

  @Test
  void aRequestThatAlreadyHasATraceparentGetsNeitherHeader() {
    CallRecord r = new CallRecord();
    r.parent = new CallRecord.ParentSpan("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", (byte) 1,
        Map.of("vendor", "v1"), false);
    TraceHeaders t = TraceHeaders.forCall(r);

    assertThat(t.forRequest(name -> name.equals("traceparent") ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" : null))
        .isEmpty();
    assertThat(t.forRequest(name -> null)).hasSize(2);
  }

  @Test
  void byDefaultACallAddsNoHeaderAndPresetsNoTrace() {
    LlmCall call = start(gateway(Map.of()));

    assertThat(call.traceHeaders(HeaderLookup.NONE)).isEmpty();
    assertThat(call.record().presetTraceId).isNull();
    assertThat(call.record().presetSpanId).isNull();
  }

  @Test
  void withPropagateTheExportedRootSpanHasExactlyTheIdsTheHeaderNamed() {
    LlmCall call = start(gateway(Map.of("tollgate.propagate", "true")));
    List<Map.Entry<String, String>> headers = call.traceHeaders(HeaderLookup.NONE);
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onComplete();

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(headers).containsExactly(Map.entry("traceparent", "00-" + span.getTraceId() + "-" + span.getSpanId() + "-01"));
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(span.getSpanContext().isSampled()).isTrue();
  }

  @Test
  void withPropagateUnderAnApplicationSpanTheHeaderNamesTheChildSpanInTheApplicationsTrace() {
    SpanContext app = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(),
        TraceState.builder().put("vendor", "v1").build());
    LlmCall call;
    try (Scope ignored = Context.root().with(Span.wrap(app)).makeCurrent()) {
      call = start(gateway(Map.of("tollgate.propagate", "true")));
    }
    List<Map.Entry<String, String>> headers = call.traceHeaders(HeaderLookup.NONE);
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onComplete();

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(headers).containsExactly(
        Map.entry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-" + span.getSpanId() + "-01"),
        Map.entry("tracestate", "vendor=v1"));
  }

  private Gateway gateway(Map<String, String> settings) {
    return new Gateway(TollgateConfig.of(settings), () -> (record, prefixes) -> { }, () -> new OtelTelemetry(sdk));
  }

  private static LlmCall start(Gateway g) {
    Endpoint e = g.recognize("api.openai.com", 443, "/v1/chat/completions", HeaderLookup.NONE);
    return g.start(e, "api.openai.com", 443, "/v1/chat/completions", ControlHeaders.builder().build(), BODY);
  }
}
