package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.OtelTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The policy engine driven by hand, as an adapter drives it: which attempt comes next, what
 * the span says, what the cache keeps. No network, no wall-clock waits (delays are only
 * planned here; adapters do the waiting).
 */
class PolicyDriverTest {
  private static final URI URI_OPENAI = URI.create("https://api.openai.com/v1/chat/completions");
  private static final byte[] BODY =
      "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ANSWER = ("{\"id\":\"c1\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}").getBytes(StandardCharsets.UTF_8);

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private Gateway gateway;

  @BeforeEach
  void setUp() {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    gateway = new Gateway(TollgateConfig.of(Map.of()), () -> (r, p) -> r.costUsd = 0.25, () -> new OtelTelemetry(sdk));
  }

  private LlmCall start(Map<String, String> requestHeaders) {
    return TestCalls.start(gateway, URI_OPENAI, BODY, requestHeaders);
  }


  private static void deliver(LlmCall call, int status) {
    call.onResponseHead(status, name -> name.equalsIgnoreCase("content-type") ? "application/json" : null,
        List.of(Map.entry("Content-Type", "application/json"), Map.entry("x-request-id", "req-1"),
            Map.entry("Content-Length", Integer.toString(ANSWER.length))));
    call.onBytes(ANSWER, 0, ANSWER.length);
    call.onComplete();
  }

  private SpanData onlySpan() {
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    return spans.getFinishedSpanItems().get(0);
  }

  private static <T> T attr(SpanData span, AttributeKey<T> key) {
    return span.getAttributes().get(key);
  }

  @Test
  void withoutPolicyHeadersThereIsNothingToDrive() {
    LlmCall call = start(Map.of("Authorization", "Bearer k"));
    assertThat(call.hasPolicies()).isFalse();
    assertThat(call.afterResponse(503, HeaderLookup.NONE)).isNull();
    assertThat(call.extraResponseHeaders()).isEmpty();
  }

  @Test
  void retriesTheStatusesItShouldThenDeliversTheLastAnswer() {
    LlmCall call = start(Map.of("Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "2",
        "Helicone-Retry-Min-Timeout", "10", "Helicone-Retry-Max-Timeout", "20"));
    assertThat(call.hasPolicies()).isTrue();
    AttemptPlan first = call.firstAttempt();
    assertThat(first.number()).isEqualTo(1);
    assertThat(first.delayMillis()).isZero();
    assertThat(first.isOriginalRequest()).isTrue();

    AttemptPlan second = call.afterResponse(503, HeaderLookup.NONE);
    assertThat(second.number()).isEqualTo(2);
    assertThat(second.delayMillis()).isBetween(10L, 20L);
    assertThat(second.isOriginalRequest()).isTrue();
    AttemptPlan third = call.afterResponse(429, name -> name.equals("retry-after-ms") ? "1500" : null);
    assertThat(third.delayMillis()).as("the provider's retry-after-ms wins").isEqualTo(1500L);
    assertThat(call.afterResponse(503, HeaderLookup.NONE)).as("retries used up: deliver the 503").isNull();
    deliver(call, 503);

    SpanData span = onlySpan();
    assertThat(attr(span, AttributeKey.longKey("tollgate.retry.count"))).isEqualTo(2L);
    assertThat(span.getEvents()).extracting(EventData::getName).containsOnly("tollgate.attempt").hasSize(3);
    assertThat(span.getEvents()).extracting(e -> e.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .containsExactly(503L, 429L, 503L);
    assertThat(span.getEvents().get(2).getAttributes().get(AttributeKey.longKey("tollgate.attempt.delay_ms")))
        .isEqualTo(1500L);
  }

  @Test
  void aStatusNotInTheListIsDeliveredAtOnce() {
    LlmCall call = start(Map.of("Tollgate-Retry-Enabled", "true"));
    call.firstAttempt();
    assertThat(call.afterResponse(400, HeaderLookup.NONE)).isNull();
    assertThat(call.afterResponse(200, HeaderLookup.NONE)).isNull();
  }

  @Test
  void connectionFailuresAreRetriedButNotBugsOrInterrupts() {
    LlmCall call = start(Map.of("Helicone-Retry-Enabled", "true", "Helicone-Retry-Min-Timeout", "1",
        "Helicone-Retry-Max-Timeout", "2"));
    call.firstAttempt();
    AttemptPlan next = call.afterFailure(new java.net.ConnectException("refused"));
    assertThat(next).isNotNull();
    assertThat(next.number()).isEqualTo(2);
    assertThat(call.afterFailure(new IllegalStateException("a bug"))).isNull();
  }

  @Test
  void fallbackRewritesTheModelAndTheSpanKeepsWhatTheAppAskedFor() {
    LlmCall call = start(Map.of("Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503"));
    call.firstAttempt();
    assertThat(call.afterResponse(500, HeaderLookup.NONE)).as("500 is not a fallback code here").isNull();

    LlmCall second = start(Map.of("Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503"));
    second.firstAttempt();
    AttemptPlan fallback = second.afterResponse(503, HeaderLookup.NONE);
    assertThat(fallback.isOriginalRequest()).isFalse();
    assertThat(fallback.fallbackIndex()).isEqualTo(1);
    assertThat(fallback.model()).isEqualTo("gpt-4o-mini");
    assertThat(new String(fallback.body(), StandardCharsets.UTF_8))
        .isEqualTo(new String(BODY, StandardCharsets.UTF_8).replace("\"gpt-4o\"", "\"gpt-4o-mini\""));
    assertThat(fallback.uri()).isEqualTo(URI_OPENAI);
    assertThat(fallback.removedHeaders()).as("same host: credentials stay").isEmpty();
    assertThat(second.afterResponse(200, HeaderLookup.NONE)).isNull();
    assertThat(second.extraResponseHeaders()).contains(Map.entry("Tollgate-Fallback-Index", "1"),
        Map.entry("Helicone-Fallback-Index", "1"));
    deliver(second, 200);

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("chat gpt-4o");
    assertThat(attr(span, AttributeKey.longKey("tollgate.fallback.index"))).isEqualTo(1L);
    assertThat(attr(span, AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(span.getEvents()).extracting(e -> e.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
        .containsExactly("gpt-4o", "gpt-4o-mini");
  }

  /** Azure OpenAI: the deployment is in the path; Fallback-Model names the deployment to try. */
  @Test
  void anAzureFallbackRewritesTheDeploymentInThePath() {
    URI azure = URI.create("https://my-resource.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
    byte[] noModel = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = Map.of("Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503");
    ControlHeaders.Builder control = ControlHeaders.builder();
    headers.forEach(control::accept);
    Endpoint endpoint = gateway.recognize(azure.getHost(), 443, azure.getRawPath(), HeaderLookup.NONE);
    assertThat(endpoint.vendor().providerName()).isEqualTo("azure.ai.openai");

    LlmCall call = gateway.start(endpoint, azure, azure.getHost(), 443, azure.getRawPath(), control.build(),
        HeaderLookup.NONE, noModel);
    call.firstAttempt();
    AttemptPlan fallback = call.afterResponse(503, HeaderLookup.NONE);
    assertThat(fallback.uri()).isEqualTo(URI.create(
        "https://my-resource.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21"));
    assertThat(fallback.body()).as("a body without a model gets none").isEqualTo(noModel);
    assertThat(fallback.model()).isEqualTo("gpt-4o-mini");
    assertThat(fallback.removedHeaders()).as("same host: the api-key stays").isEmpty();

    LlmCall withModel = gateway.start(endpoint, azure, azure.getHost(), 443, azure.getRawPath(), control.build(),
        HeaderLookup.NONE, BODY);
    withModel.firstAttempt();
    AttemptPlan both = withModel.afterResponse(503, HeaderLookup.NONE);
    assertThat(both.uri().getRawPath()).isEqualTo("/openai/deployments/gpt-4o-mini/chat/completions");
    assertThat(new String(both.body(), StandardCharsets.UTF_8))
        .isEqualTo(new String(BODY, StandardCharsets.UTF_8).replace("\"gpt-4o\"", "\"gpt-4o-mini\""));
  }

  @Test
  void aFallbackToAnotherHostNeverCarriesTheAppsApiKey() {
    LlmCall call = start(Map.of("Authorization", "Bearer sk-original",
        "Helicone-Fallbacks", "[{\"target-url\": \"https://api.groq.com/openai\", \"onCodes\": [503],"
            + " \"bodyKeyOverride\": {\"model\": \"llama-3.3-70b-versatile\"}}]"));
    call.firstAttempt();
    AttemptPlan next = call.afterResponse(503, HeaderLookup.NONE);
    assertThat(next.uri().getHost()).isEqualTo("api.groq.com");
    assertThat(next.removedHeaders()).contains("authorization", "x-api-key", "api-key", "x-goog-api-key");
    assertThat(next.model()).isEqualTo("llama-3.3-70b-versatile");
    assertThat(new String(next.body(), StandardCharsets.UTF_8)).contains("\"model\":\"llama-3.3-70b-versatile\"");
  }

  @Test
  void aCacheHitIsFreeAndSaysWhatItSaved() {
    Map<String, String> headers = Map.of("Authorization", "Bearer k1", "Helicone-Cache-Enabled", "true");
    LlmCall first = start(headers);
    assertThat(first.cachedReply()).isNull();
    assertThat(first.extraResponseHeaders()).contains(Map.entry("Tollgate-Cache", "MISS"), Map.entry("Helicone-Cache", "MISS"));
    first.firstAttempt();
    assertThat(first.afterResponse(200, HeaderLookup.NONE)).isNull();
    assertThat(first.wantsResponseHeaders()).isTrue();
    deliver(first, 200);

    LlmCall second = start(headers);
    var hit = second.cachedReply();
    assertThat(hit).isNotNull();
    assertThat(hit.body()).isEqualTo(ANSWER);
    assertThat(hit.headers()).extracting(Map.Entry::getKey).contains("Content-Type", "x-request-id")
        .doesNotContain("Content-Length");
    assertThat(second.extraResponseHeaders()).contains(Map.entry("Tollgate-Cache", "HIT"));
    deliver(second, hit.status());

    LlmCall otherKey = start(Map.of("Authorization", "Bearer k2", "Helicone-Cache-Enabled", "true"));
    assertThat(otherKey.cachedReply()).as("another credential never sees the entry").isNull();

    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).extracting(s -> attr(s, AttributeKey.stringKey("tollgate.cache.status"))).containsExactly("miss", "hit");
    assertThat(attr(all.get(0), AttributeKey.doubleKey("tollgate.cost.usd"))).isEqualTo(0.25);
    assertThat(attr(all.get(1), AttributeKey.doubleKey("tollgate.cost.usd"))).isEqualTo(0.0);
    assertThat(attr(all.get(1), AttributeKey.doubleKey("tollgate.cache.saved_usd"))).isEqualTo(0.25);
  }

  @Test
  void anAnswerEndingDuringTheWarmUpIsAHitAtOnceAndItsSavingFollows() throws Exception {
    java.util.concurrent.CountDownLatch sdkReady = new java.util.concurrent.CountDownLatch(1);
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    gateway = new Gateway(TollgateConfig.of(Map.of()), () -> (r, p) -> r.costUsd = 0.25, () -> {
      try {
        sdkReady.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new OtelTelemetry(sdk);
    });
    gateway.warmUp();
    Map<String, String> headers = Map.of("Helicone-Cache-Enabled", "true");
    LlmCall first = start(headers);
    first.cachedReply();
    first.firstAttempt();
    deliver(first, 200);

    LlmCall second = start(headers);
    assertThat(second.cachedReply()).as("stored when the call ended, not when the warm-up let it be priced").isNotNull();
    deliver(second, 200);
    assertThat(spans.getFinishedSpanItems()).isEmpty();

    sdkReady.countDown();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (spans.getFinishedSpanItems().size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).extracting(s -> attr(s, AttributeKey.stringKey("tollgate.cache.status"))).containsExactly("miss", "hit");
    assertThat(attr(all.get(1), AttributeKey.doubleKey("tollgate.cost.usd"))).isEqualTo(0.0);
    assertThat(attr(all.get(1), AttributeKey.doubleKey("tollgate.cache.saved_usd"))).isEqualTo(0.25);
  }

  @Test
  void aCutOrFailedAnswerIsNeverStored() {
    Map<String, String> headers = Map.of("Helicone-Cache-Enabled", "true");
    LlmCall cut = start(headers);
    cut.cachedReply();
    cut.firstAttempt();
    cut.onResponseHead(200, name -> null, List.of(Map.entry("Content-Type", "application/json")));
    cut.onBytes(ANSWER, 0, ANSWER.length / 2);
    cut.onError(new IOException("connection reset"));

    LlmCall failed = start(headers);
    assertThat(failed.cachedReply()).isNull();
    failed.firstAttempt();
    deliver(failed, 503);

    assertThat(start(headers).cachedReply()).isNull();
  }

  @Test
  void writeOnlyIsABypassAndReadOnlyNeverWrites() {
    LlmCall save = start(Map.of("Helicone-Cache-Save", "true"));
    assertThat(save.cachedReply()).isNull();
    save.firstAttempt();
    deliver(save, 200);
    LlmCall read = start(Map.of("Helicone-Cache-Read", "true"));
    assertThat(read.cachedReply()).as("the write-only call stored it").isNotNull();
    assertThat(spans.getFinishedSpanItems().get(0).getAttributes().get(AttributeKey.stringKey("tollgate.cache.status")))
        .isEqualTo("bypass");
  }

  @Test
  void badControlInputIsRecordedAndIgnored() {
    LlmCall call = start(Map.of("Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "lots"));
    assertThat(call.hasPolicies()).as("retry still on, with the default count").isTrue();
    call.firstAttempt();
    deliver(call, 200);
    assertThat(onlySpan().getAttributes().get(AttributeKey.stringArrayKey("tollgate.config.error")))
        .singleElement().asString().contains("Retry-Num");
  }
}
