package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.OtelTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's way of recording: finished calls go to one thread of their own. */
class CallRecorderTest {
  private static final URI URI_OPENAI = URI.create("https://api.openai.com/v1/chat/completions");
  private static final byte[] BODY =
      "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ANSWER = ("{\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}").getBytes(StandardCharsets.UTF_8);

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final List<String> endingThreads = new CopyOnWriteArrayList<>();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {}

            @Override
            public boolean isStartRequired() {
              return false;
            }

            @Override
            public void onEnd(ReadableSpan span) {
              endingThreads.add(Thread.currentThread().getName());
            }

            @Override
            public boolean isEndRequired() {
              return true;
            }
          })
          .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();

  @AfterEach
  void close() {
    sdk.close();
  }

  private Gateway gateway(Map<String, String> settings) {
    Gateway g = new Gateway(TollgateConfig.of(settings), () -> (r, p) -> r.costUsd = 0.25, () -> new OtelTelemetry(sdk));
    g.recordOnOwnThread();
    return g;
  }

  private static void deliver(LlmCall call) {
    call.onResponseHead(200, name -> name.equalsIgnoreCase("content-type") ? "application/json" : null,
        List.of(Map.entry("Content-Type", "application/json")));
    call.onBytes(ANSWER, 0, ANSWER.length);
  }

  private List<SpanData> awaitSpans(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (spans.getFinishedSpanItems().size() < n && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    return spans.getFinishedSpanItems();
  }

  @Test
  void anObservedCallIsParsedPricedAndRecordedOnTheRecordingThreadAfterTheApplicationGotItsEnd()
      throws Exception {
    Gateway g = gateway(Map.of());
    LlmCall call = TestCalls.start(g, URI_OPENAI, BODY, Map.of("Authorization", "Bearer k"));
    deliver(call);
    AtomicInteger deliveredTokens = new AtomicInteger(-1);
    call.onComplete(() -> deliveredTokens.set(call.record().inputTokens == null ? 0 : 1));

    assertThat(deliveredTokens.get()).as("the response was not even parsed while the application waited").isZero();
    SpanData span = awaitSpans(1).get(0);
    assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(10L);
    assertThat(span.getAttributes().get(AttributeKey.doubleKey("tollgate.cost.usd"))).isEqualTo(0.25);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("gpt-4o-2024-08-06");
    assertThat(endingThreads).containsExactly("tollgate-recorder");
  }

  @Test
  void aCachedAnswerIsStoredBeforeTheApplicationSeesItsEnd() throws Exception {
    Gateway g = gateway(Map.of());
    Map<String, String> headers = Map.of("Authorization", "Bearer k", "Helicone-Cache-Enabled", "true");
    LlmCall first = TestCalls.start(g, URI_OPENAI, BODY, headers);
    assertThat(first.cachedReply()).isNull();
    first.firstAttempt();
    assertThat(first.afterResponse(200, HeaderLookup.NONE)).isNull();
    deliver(first);
    boolean[] hitSeenByTheApp = new boolean[1];
    first.onComplete(() -> hitSeenByTheApp[0] =
        TestCalls.start(g, URI_OPENAI, BODY, headers).cachedReply() != null);

    assertThat(hitSeenByTheApp[0]).as("the next identical call, made as soon as the app has its answer, hits").isTrue();
    assertThat(first.record().inputTokens).as("a call with policies is parsed before the app sees its end")
        .isEqualTo(10L);
    assertThat(awaitSpans(1)).isNotEmpty();
  }

  @Test
  void whatTheApplicationThrowsWhenGivenItsEndReachesItAndTheCallIsStillRecorded() throws Exception {
    Gateway g = gateway(Map.of());
    LlmCall call = TestCalls.start(g, URI_OPENAI, BODY, Map.of());
    deliver(call);
    IllegalStateException thrown = new IllegalStateException("the app's subscriber failed");
    try {
      call.onComplete(() -> {
        throw thrown;
      });
    } catch (IllegalStateException e) {
      assertThat(e).isSameAs(thrown);
    }
    assertThat(awaitSpans(1)).hasSize(1);
  }

  @Test
  void aFullQueueIsRecordedByTheCallerInsteadOfGrowing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger recorded = new AtomicInteger();
    CallRecorder recorder = new CallRecorder(call -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      recorded.incrementAndGet();
    });
    LlmCall call = TestCalls.start(new Gateway(TollgateConfig.of(Map.of()), () -> (r, p) -> { }, () -> null),
        URI_OPENAI, BODY, Map.of());
    int accepted = 0;
    for (int i = 0; i < CallRecorder.CAPACITY + 10; i++) {
      if (recorder.offer(call)) {
        accepted++;
      }
    }
    // the thread took one and waits on it; the queue holds CAPACITY more
    assertThat(accepted).isBetween(CallRecorder.CAPACITY, CallRecorder.CAPACITY + 1);
    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (recorded.get() < accepted && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(recorded.get()).isEqualTo(accepted);
  }

  @Test
  void aRecorderThatFellAsleepWhileIdleIsWokenByTheNextCall() throws Exception {
    AtomicInteger recorded = new AtomicInteger();
    CallRecorder recorder = new CallRecorder(call -> recorded.incrementAndGet());
    LlmCall call = TestCalls.start(new Gateway(TollgateConfig.of(Map.of()), () -> (r, p) -> { }, () -> null),
        URI_OPENAI, BODY, Map.of());
    assertThat(recorder.offer(call)).isTrue();
    awaitCount(recorded, 1);
    Thread.sleep(CallRecorder.IDLE_MILLIS * 3); // idle: the thread now sleeps until woken
    assertThat(recorder.offer(call)).isTrue();
    awaitCount(recorded, 2);
    assertThat(recorded.get()).isEqualTo(2);
  }

  private static void awaitCount(AtomicInteger n, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (n.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }
}
