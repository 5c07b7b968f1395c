package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.internal.TollgateLogCapture;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.CallRecord;
import dev.tollgate.telemetry.OtelTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayTest {
  private static final byte[] BODY =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] CHUNK = "data: {}\n\n".getBytes(StandardCharsets.UTF_8);

  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<Double> COST = AttributeKey.doubleKey("tollgate.cost.usd");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();

  /** What the pricer saw, one entry per call it priced. */
  private final List<List<String>> pricedPrefixes = new ArrayList<>();
  private final AtomicInteger pricerFactoryCalls = new AtomicInteger();
  private final AtomicInteger telemetryFactoryCalls = new AtomicInteger();

  @AfterEach
  void shutdown() {
    sdk.close();
  }

  private Gateway gateway(Map<String, String> settings) {
    return new Gateway(TollgateConfig.of(settings),
        () -> {
          pricerFactoryCalls.incrementAndGet();
          return (record, prefixes) -> {
            pricedPrefixes.add(prefixes);
            record.costUsd = 0.0025;
            record.pricingModel = "test-model";
          };
        },
        () -> {
          telemetryFactoryCalls.incrementAndGet();
          return new OtelTelemetry(sdk);
        });
  }

  private static HeaderLookup headers(Map<String, String> map) {
    Map<String, String> lower = new HashMap<>();
    map.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return name -> lower.get(name.toLowerCase(Locale.ROOT));
  }

  private static LlmCall start(Gateway g, String host, String path, ControlHeaders control) {
    Endpoint e = g.recognize(host, 443, path, HeaderLookup.NONE);
    assertThat(e).as("%s%s is an LLM call", host, path).isNotNull();
    return g.start(e, host, 443, path, control, BODY);
  }

  private static LlmCall start(Gateway g) {
    return start(g, "api.openai.com", "/v1/chat/completions", ControlHeaders.builder().build());
  }

  private SpanData onlySpan() {
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(1);
    return finished.get(0);
  }

  @Test
  void aCallDrivenByHandEndsOneSpan() {
    Gateway g = gateway(Map.of("tollgate.properties.App", "checkout", "tollgate.properties.Env", "from-config"));
    ControlHeaders control = ControlHeaders.builder()
        .accept("Helicone-Property-Env", "prod")
        .accept("Tollgate-Property-Feature", "search")
        .accept("Helicone-User-Id", "alice")
        .accept("Helicone-Session-Id", "sess-1")
        .accept("Helicone-Session-Path", "/plan")
        .accept("Helicone-Session-Name", "Trip")
        .build();

    LlmCall call = start(g, "api.openai.com", "/v1/chat/completions", control);
    assertThat(spans.getFinishedSpanItems()).as("not ended before the response").isEmpty();
    call.onResponseHead(200, headers(Map.of(
        "Content-Type", "application/json",
        "x-ratelimit-limit-requests", "500",
        "x-ratelimit-remaining-requests", "499")));
    call.onBytes(BODY, 0, BODY.length);
    call.onComplete();

    assertThat(call.ended()).isTrue();
    SpanData span = onlySpan();
    Attributes a = span.getAttributes();
    assertThat(span.getName()).startsWith("chat");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("dev.tollgate");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(a.get(STATUS)).isEqualTo(200L);
    assertThat(a.get(ERROR_TYPE)).isNull();
    assertThat(a.get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
    assertThat(a.get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
    assertThat(a.get(AttributeKey.stringKey("server.address"))).isEqualTo("api.openai.com");
    assertThat(a.get(AttributeKey.longKey("server.port"))).isEqualTo(443L);
    assertThat(a.get(AttributeKey.stringKey("tollgate.property.app"))).isEqualTo("checkout");
    assertThat(a.get(AttributeKey.stringKey("tollgate.property.env"))).as("the header wins").isEqualTo("prod");
    assertThat(a.get(AttributeKey.stringKey("tollgate.property.feature"))).isEqualTo("search");
    assertThat(a.get(AttributeKey.stringKey("user.id"))).isEqualTo("alice");
    assertThat(a.get(AttributeKey.stringKey("session.id"))).isEqualTo("sess-1");
    assertThat(a.get(AttributeKey.stringKey("tollgate.session.path"))).isEqualTo("/plan");
    assertThat(a.get(AttributeKey.stringKey("tollgate.session.name"))).isEqualTo("Trip");
    assertThat(a.get(AttributeKey.longKey("tollgate.ratelimit.limit_requests"))).isEqualTo(500L);
    assertThat(a.get(AttributeKey.longKey("tollgate.ratelimit.remaining_requests"))).isEqualTo(499L);
    assertThat(a.get(COST)).isEqualTo(0.0025);
    assertThat(a.get(AttributeKey.stringKey("tollgate.pricing.model"))).isEqualTo("test-model");
    assertThat(span.getEndEpochNanos()).isGreaterThanOrEqualTo(span.getStartEpochNanos());
    assertThat(pricedPrefixes).containsExactly(List.of());
  }

  @Test
  void requestsMetricIsRecorded() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onComplete();

    MetricData requests = metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("tollgate.client.requests")).findFirst().orElseThrow();
    assertThat(requests.getLongSumData().getPoints()).singleElement().satisfies(p -> {
      assertThat(p.getValue()).isEqualTo(1);
      assertThat(p.getAttributes().get(STATUS)).isEqualTo(200L);
      assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
    });
  }

  @Test
  void thePricerGetsTheVendorsPricingPrefixes() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g, "api.groq.com", "/openai/v1/chat/completions", ControlHeaders.builder().build());
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onComplete();

    assertThat(pricedPrefixes).containsExactly(List.of("groq/"));
    assertThat(onlySpan().getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("groq");
  }

  @Test
  void theCallEndsExactlyOnceWhateverComesAfter() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onBytes(CHUNK, 0, CHUNK.length);
    call.onComplete();
    long endNanos = call.record().endNanos;
    call.onClosedEarly();
    call.onError(new IOException("late"));
    call.onComplete();
    call.onBytes(CHUNK, 0, CHUNK.length);

    assertThat(call.ended()).isTrue();
    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(ERROR_TYPE)).as("a late error changes nothing").isNull();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(call.record().endNanos).isEqualTo(endNanos);
    assertThat(call.record().errorType).isNull();
    assertThat(pricedPrefixes).hasSize(1);
  }

  @Test
  void closedEarlyEndsTheCall() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onClosedEarly();
    call.onComplete();

    assertThat(call.ended()).isTrue();
    assertThat(onlySpan().getAttributes().get(STATUS)).isEqualTo(200L);
  }

  @Test
  void concurrentEndsStillEndOnce() throws InterruptedException {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.onResponseHead(200, HeaderLookup.NONE);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        switch (n % 3) {
          case 0 -> call.onComplete();
          case 1 -> call.onClosedEarly();
          default -> call.onError(new IOException());
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    assertThat(pricedPrefixes).hasSize(1);
  }

  @Test
  void anIoErrorSetsErrorTypeToTheExceptionClass() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.onError(new IOException("connection reset"));

    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("java.io.IOException");
    assertThat(span.getAttributes().get(STATUS)).as("no response").isNull();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void anErrorAfterASuccessfulHeadUsesTheExceptionClass() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onBytes(CHUNK, 0, CHUNK.length);
    call.onError(new ConnectException());

    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("java.net.ConnectException");
    assertThat(span.getAttributes().get(STATUS)).isEqualTo(200L);
  }

  @Test
  void anErrorWithoutAThrowableStillEndsAsAnError() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.onError(null);

    assertThat(call.ended()).isTrue();
    assertThat(onlySpan().getAttributes().get(ERROR_TYPE)).isNotNull();
  }

  @Test
  void a429SetsErrorTypeToTheStatus() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.onResponseHead(429, headers(Map.of("content-type", "application/json")));
    call.onBytes(CHUNK, 0, CHUNK.length);
    call.onComplete();

    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("429");
    assertThat(span.getAttributes().get(STATUS)).isEqualTo(429L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void aStatusErrorIsNotReplacedByALaterException() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.onResponseHead(503, HeaderLookup.NONE);
    call.onError(new IOException());

    assertThat(onlySpan().getAttributes().get(ERROR_TYPE)).isEqualTo("503");
  }

  @Test
  void aPricerThatThrowsStillEndsTheSpan() {
    Gateway g = new Gateway(TollgateConfig.of(Map.of()),
        () -> (record, prefixes) -> {
          throw new IllegalStateException("price table broken");
        },
        () -> new OtelTelemetry(sdk));
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      LlmCall call = start(g);
      call.onResponseHead(200, HeaderLookup.NONE);

      assertThatCode(call::onComplete).doesNotThrowAnyException();

      assertThat(call.ended()).isTrue();
      SpanData span = onlySpan();
      assertThat(span.getAttributes().get(STATUS)).isEqualTo(200L);
      assertThat(span.getAttributes().get(COST)).as("unpriced").isNull();
      assertThat(log.text()).contains("pricing failed").contains("IllegalStateException");
    }
  }

  @Test
  void aPricerFactoryThatThrowsStillEndsTheSpan() {
    Gateway g = new Gateway(TollgateConfig.of(Map.of()),
        () -> {
          throw new IllegalStateException("no price table");
        },
        () -> new OtelTelemetry(sdk));
    try (TollgateLogCapture ignored = TollgateLogCapture.start()) {
      LlmCall call = start(g);
      call.onResponseHead(200, HeaderLookup.NONE);

      assertThatCode(call::onComplete).doesNotThrowAnyException();

      assertThat(onlySpan().getAttributes().get(STATUS)).isEqualTo(200L);
    }
  }

  @Test
  void aTelemetryFactoryThatThrowsLeavesCallsWorking() {
    AtomicInteger attempts = new AtomicInteger();
    Gateway g = new Gateway(TollgateConfig.of(Map.of()),
        () -> (record, prefixes) -> pricedPrefixes.add(prefixes),
        () -> {
          attempts.incrementAndGet();
          throw new IllegalStateException("no OTLP");
        });
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      for (int i = 0; i < 2; i++) {
        LlmCall[] call = new LlmCall[1];
        assertThatCode(() -> {
          call[0] = start(g);
          call[0].onResponseHead(200, headers(Map.of("content-type", "text/event-stream")));
          call[0].onBytes(CHUNK, 0, CHUNK.length);
          call[0].onComplete();
        }).doesNotThrowAnyException();
        assertThat(call[0].ended()).isTrue();
        assertThat(call[0].record().statusCode).isEqualTo(200);
      }

      assertThat(attempts).as("tried once, not on every call").hasValue(1);
      assertThat(pricedPrefixes).as("calls are still priced").hasSize(2);
      assertThat(log.text()).contains("OpenTelemetry could not be set up");
      assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
  }

  @Test
  void heavyPartsAreBuiltLazilyAndOnce() {
    Gateway g = gateway(Map.of());
    assertThat(pricerFactoryCalls).hasValue(0);
    assertThat(telemetryFactoryCalls).hasValue(0);

    for (int i = 0; i < 3; i++) {
      LlmCall call = start(g);
      call.onResponseHead(200, HeaderLookup.NONE);
      call.onComplete();
    }

    assertThat(pricerFactoryCalls).hasValue(1);
    assertThat(telemetryFactoryCalls).hasValue(1);
    assertThat(spans.getFinishedSpanItems()).hasSize(3);
  }

  @Test
  void timeToFirstChunkIsTakenFromTheFirstBytes() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    CallRecord r = call.record();
    call.onResponseHead(200, headers(Map.of("content-type", "text/event-stream")));
    call.onBytes(CHUNK, 0, 0);
    assertThat(r.firstChunkNanos).as("empty reads are not a chunk").isZero();

    call.onBytes(CHUNK, 0, CHUNK.length);
    long first = r.firstChunkNanos;
    assertThat(first).isNotZero();
    assertThat(first - r.startNanos).isGreaterThanOrEqualTo(0);
    call.onBytes(CHUNK, 0, CHUNK.length);
    assertThat(r.firstChunkNanos).as("later chunks don't move it").isEqualTo(first);

    r.stream = true; // what the codec reads from the request
    call.onComplete();

    Double ttfc = onlySpan().getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk"));
    assertThat(ttfc).isNotNull();
    assertThat(ttfc).isEqualTo((first - r.startNanos) / 1e9);
    assertThat(ttfc).isBetween(0.0, r.durationSeconds());
    assertThat(metrics.collectAllMetrics()).extracting(MetricData::getName)
        .contains("gen_ai.client.operation.time_to_first_chunk");
  }

  @Test
  void noBytesNoFirstChunk() {
    Gateway g = gateway(Map.of());
    LlmCall call = start(g);
    call.record().stream = true;
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onComplete();

    assertThat(call.record().firstChunkNanos).isZero();
    assertThat(onlySpan().getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
        .isNull();
  }

  @Test
  void contentCaptureFollowsConfigAndOmitHeaders() {
    Gateway off = gateway(Map.of());
    LlmCall plain = start(off);
    assertThat(plain.record().captureInput).isFalse();
    assertThat(plain.record().captureOutput).isFalse();

    Gateway on = gateway(Map.of("tollgate.capture-content", "true"));
    LlmCall both = start(on);
    assertThat(both.record().captureInput).isTrue();
    assertThat(both.record().captureOutput).isTrue();

    LlmCall omitted = start(on, "api.openai.com", "/v1/chat/completions",
        ControlHeaders.builder().accept("Helicone-Omit-Request", "true").build());
    assertThat(omitted.record().captureInput).isFalse();
    assertThat(omitted.record().captureOutput).isTrue();
  }

  @Test
  void startNeverThrowsOnANullBody() {
    Gateway g = gateway(Map.of());
    Endpoint e = g.recognize("api.openai.com", 443, "/v1/chat/completions", HeaderLookup.NONE);
    LlmCall[] call = new LlmCall[1];

    assertThatCode(() -> call[0] = g.start(e, "api.openai.com", 443, "/v1/chat/completions",
        ControlHeaders.builder().build(), null)).doesNotThrowAnyException();
    call[0].onComplete();
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void consoleLinePerCall() {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Gateway g;
    try {
      g = gateway(Map.of("tollgate.console", "true"));
    } finally {
      System.setErr(original);
    }
    LlmCall call = start(g);
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onComplete();

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .startsWith("[tollgate] openai chat")
        .contains("-> 200")
        .contains("cost $0.00250000");
  }

  @Test
  void recognizeUsesTheConfiguredEndpoints() {
    Gateway g = gateway(Map.of("tollgate.endpoints", "localhost:8089=openai", "tollgate.detect-by-path", "false"));

    assertThat(g.recognize("localhost", 8089, "/v1/chat/completions", HeaderLookup.NONE)).isNotNull();
    assertThat(g.recognize("localhost", 8090, "/v1/chat/completions", HeaderLookup.NONE)).isNull();
    assertThat(g.recognize("example.com", 443, "/", HeaderLookup.NONE)).isNull();
    assertThat(g.config().detectByPath()).isFalse();
  }

  @Test
  void whileTheWarmUpBuildsTheSdkACallDoesNotWaitAndItsSpanFollows() throws Exception {
    java.util.concurrent.CountDownLatch sdkReady = new java.util.concurrent.CountDownLatch(1);
    Gateway g = new Gateway(TollgateConfig.of(Map.of()), () -> (record, prefixes) -> record.costUsd = 0.5, () -> {
      try {
        sdkReady.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new OtelTelemetry(sdk);
    });
    g.warmUp();

    LlmCall call = start(g);
    call.onResponseHead(200, HeaderLookup.NONE);
    call.onComplete();
    assertThat(call.ended()).as("the call ended without waiting for the SDK").isTrue();
    assertThat(spans.getFinishedSpanItems()).isEmpty();

    sdkReady.countDown();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (spans.getFinishedSpanItems().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(COST)).isEqualTo(0.5);
    assertThat(span.getStartEpochNanos()).as("the span keeps the call's own start time")
        .isEqualTo(call.record().startEpochNanos);
  }
}
