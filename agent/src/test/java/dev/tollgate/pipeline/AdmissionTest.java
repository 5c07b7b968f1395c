package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.limit.Limits;
import dev.tollgate.policy.CachedResponse;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.OtelTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Rate limits and budgets driven by hand, as an adapter drives a call: the refusal is served
 * like a cache hit (no attempt is planned), with the provider's error format and the
 * rate-limit headers; the span says who refused.
 */
class AdmissionTest {
  private static final byte[] OPENAI_BODY =
      "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ANSWER = ("{\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}").getBytes(StandardCharsets.UTF_8);
  private static final AttributeKey<String> BLOCKED_BY = AttributeKey.stringKey("tollgate.blocked_by");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

  private Gateway gateway(Map<String, String> settings) {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    TollgateConfig config = TollgateConfig.of(settings);
    Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
    return new Gateway(config, () -> (r, p) -> r.costUsd = r.inputTokens == null ? null : 0.25,
        () -> new OtelTelemetry(sdk),
        () -> new Limits(config.rateLimits(), config.budgets(), nanos::get, clock));
  }

  private static LlmCall start(Gateway g, String url, byte[] body, Map<String, String> requestHeaders) {
    return TestCalls.start(g, URI.create(url), body, requestHeaders);
  }


  private static LlmCall openAi(Gateway g, Map<String, String> headers) {
    return start(g, "https://api.openai.com/v1/chat/completions", OPENAI_BODY, headers);
  }

  /** What an adapter does: serve the local answer, or make the attempt and deliver the provider's. */
  private static CachedResponse run(LlmCall call) {
    CachedResponse local = call.hasPolicies() ? call.cachedReply() : null;
    if (local != null) {
      call.onResponseHead(local.status(), name -> {
        for (Map.Entry<String, String> h : local.headers()) {
          if (h.getKey().equalsIgnoreCase(name)) {
            return h.getValue();
          }
        }
        return null;
      });
      byte[] body = local.body();
      call.onBytes(body, 0, body.length);
      call.onComplete();
      return local;
    }
    if (call.hasPolicies()) {
      call.firstAttempt();
      assertThat(call.afterResponse(200, HeaderLookup.NONE)).isNull();
    }
    call.onResponseHead(200, name -> name.equalsIgnoreCase("content-type") ? "application/json" : null,
        List.of(Map.entry("Content-Type", "application/json")));
    call.onBytes(ANSWER, 0, ANSWER.length);
    call.onComplete();
    return null;
  }

  private static <T> T attr(SpanData span, AttributeKey<T> key) {
    return span.getAttributes().get(key);
  }

  @Test
  void aCallsOwnPolicyAdmitsItsQuotaThenTheAgentAnswers429ItselfInOpenAisFormat() {
    Gateway g = gateway(Map.of());
    Map<String, String> headers = Map.of("Helicone-RateLimit-Policy", "2;w=60", "Authorization", "Bearer sk-secret");
    LlmCall first = openAi(g, headers);
    assertThat(run(first)).isNull();
    assertThat(first.extraResponseHeaders()).contains(Map.entry("Tollgate-RateLimit-Limit", "2"),
        Map.entry("Tollgate-RateLimit-Remaining", "1"), Map.entry("Tollgate-RateLimit-Policy", "2;w=60;u=request"),
        Map.entry("Helicone-RateLimit-Remaining", "1"));
    assertThat(run(openAi(g, headers))).isNull();

    LlmCall third = openAi(g, headers);
    CachedResponse refusal = run(third);
    assertThat(refusal).isNotNull();
    assertThat(refusal.status()).isEqualTo(429);
    assertThat(new String(refusal.body(), StandardCharsets.UTF_8))
        .startsWith("{\"error\":{\"message\":\"Tollgate rate limit reached: policy 'header' (2;w=60;u=request)")
        .contains("\"code\":\"rate_limit_exceeded\"").doesNotContain("sk-secret");
    assertThat(refusal.headers()).contains(Map.entry("retry-after", "61"));
    assertThat(third.extraResponseHeaders()).contains(Map.entry("Tollgate-RateLimit-Remaining", "0"),
        Map.entry("Helicone-RateLimit-Policy", "2;w=60;u=request"));

    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).hasSize(3);
    SpanData refused = all.get(2);
    assertThat(attr(refused, BLOCKED_BY)).isEqualTo("ratelimit:header");
    assertThat(attr(refused, AttributeKey.longKey("http.response.status_code"))).isEqualTo(429);
    assertThat(attr(refused, AttributeKey.stringKey("error.type"))).isEqualTo("429");
    assertThat(attr(refused, AttributeKey.doubleKey("tollgate.cost.usd"))).isEqualTo(0.0);
    assertThat(attr(all.get(0), BLOCKED_BY)).isNull();

    nanos.addAndGet(61_000_000_000L);
    assertThat(run(openAi(g, headers))).as("the window slid on").isNull();
  }

  @Test
  void aConfiguredPolicyGuardsEveryCallPerUser() {
    Gateway g = gateway(Map.of("tollgate.ratelimit.per-user", "1;w=3600;s=user"));
    assertThat(run(openAi(g, Map.of("Helicone-User-Id", "alice")))).isNull();
    assertThat(run(openAi(g, Map.of("Helicone-User-Id", "bob")))).isNull();
    CachedResponse refusal = run(openAi(g, Map.of("Tollgate-User-Id", "alice")));
    assertThat(refusal).isNotNull();
    assertThat(spans.getFinishedSpanItems().get(2).getAttributes().get(BLOCKED_BY)).isEqualTo("ratelimit:per-user");
  }

  @Test
  void aCentsPolicyCountsWhatCallsCost() {
    Gateway g = gateway(Map.of("tollgate.ratelimit.spend", "50;w=60;u=cents"));
    assertThat(run(openAi(g, Map.of()))).isNull(); // 25 cents
    assertThat(run(openAi(g, Map.of()))).isNull(); // 50 cents
    assertThat(run(openAi(g, Map.of()))).isNotNull();
  }

  @Test
  void aBlockingBudgetRefusesOnceSpentInAnthropicsFormatAndSaysNotToRetry() {
    Gateway g = gateway(Map.of("tollgate.budget.daily-cap", "0.5;mode=block"));
    assertThat(run(openAi(g, Map.of()))).isNull();
    assertThat(run(openAi(g, Map.of()))).isNull();
    LlmCall anthropic = start(g, "https://api.anthropic.com/v1/messages",
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[]}".getBytes(StandardCharsets.UTF_8), Map.of());
    CachedResponse refusal = run(anthropic);
    assertThat(refusal).isNotNull();
    assertThat(new String(refusal.body(), StandardCharsets.UTF_8))
        .startsWith("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Tollgate budget 'daily-cap'");
    assertThat(refusal.headers()).contains(Map.entry("x-should-retry", "false"));
    assertThat(anthropic.extraResponseHeaders()).as("no rate limit applied").isEmpty();
    assertThat(spans.getFinishedSpanItems().get(2).getAttributes().get(BLOCKED_BY)).isEqualTo("budget:daily-cap");
  }

  @Test
  void anAlertOnlyBudgetNeverRefusesNorMakesCallsGoThroughThePolicyEngine() {
    Gateway g = gateway(Map.of("tollgate.budget.watch", "0.1"));
    LlmCall call = openAi(g, Map.of());
    assertThat(call.hasPolicies()).isFalse();
    run(call);
    assertThat(run(openAi(g, Map.of()))).isNull();
    assertThat(g.limits().budgets().spent(g.config().budgets().get(0), null)).isEqualTo(0.5);
  }

  @Test
  void aBadPolicyHeaderIsRecordedAndTheCallGoesAhead() {
    Gateway g = gateway(Map.of());
    LlmCall call = openAi(g, Map.of("Helicone-RateLimit-Policy", "10;w=5"));
    assertThat(run(call)).isNull();
    assertThat(spans.getFinishedSpanItems().get(0).getAttributes().get(AttributeKey.stringArrayKey("tollgate.config.error")))
        .containsExactly("RateLimit-Policy: '10;w=5': the window w must be 60..31536000 seconds; ignored");
  }

  @Test
  void aBudgetSeesEveryCostAtOnceEvenWhileTheWarmUpStillBuildsTheSdk() throws Exception {
    java.util.concurrent.CountDownLatch sdkReady = new java.util.concurrent.CountDownLatch(1);
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    TollgateConfig config = TollgateConfig.of(Map.of("tollgate.budget.cap", "0.5;mode=block"));
    Gateway g = new Gateway(config, () -> (r, p) -> r.costUsd = r.inputTokens == null ? null : 0.25, () -> {
      try {
        sdkReady.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new OtelTelemetry(sdk);
    }, () -> new Limits(config.rateLimits(), config.budgets(), nanos::get,
        Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC)));
    g.warmUp();
    assertThat(run(openAi(g, Map.of()))).isNull();
    assertThat(run(openAi(g, Map.of()))).isNull();
    assertThat(run(openAi(g, Map.of()))).as("the first two calls' cost counted before their spans exist").isNotNull();
    assertThat(spans.getFinishedSpanItems()).isEmpty();

    sdkReady.countDown();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (spans.getFinishedSpanItems().size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).extracting(span -> span.getAttributes().get(AttributeKey.doubleKey("tollgate.cost.usd")))
        .containsExactly(0.25, 0.25, 0.0);
    assertThat(g.limits().budgets().spent(config.budgets().get(0), null)).as("each cost counted once").isEqualTo(0.5);
  }
}
