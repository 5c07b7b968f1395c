package dev.tollgate.it;

import static dev.tollgate.it.support.PolicyStubs.connectionReset;
import static dev.tollgate.it.support.PolicyStubs.firstChats;
import static dev.tollgate.it.support.PolicyStubs.rateLimited;
import static dev.tollgate.it.support.PolicyStubs.unavailable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.CuttingSseServer;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.PolicyStubs;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.Recording;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.Served;
import dev.tollgate.it.support.TelemetryChecks;
import dev.tollgate.it.support.TelemetryChecks.CallContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Retries, end to end: the provider answers 429 with {@code retry-after: 1} once (a WireMock
 * scenario), and the app, which asked for retries with {@code Helicone-Retry-*} headers, gets the
 * recorded answer about a second later as if nothing had failed; blocking and async clients alike,
 * the async ones without blocking the caller or the client's threads. One span for the logical
 * call, one {@code tollgate.attempt} event per attempt.
 *
 * <p>The apps' retry headers: enabled, 2 retries, factor 2, min 200 ms, max 2000 ms.
 */
class RetryPolicyTest extends PolicyItBase {
  /** retry-after: 1 must be honoured: about a second, not much more. */
  static final long RETRY_AFTER_MIN_MS = 900;
  static final long RETRY_AFTER_MAX_MS = 3000;

  static Stream<Arguments> apps() {
    return Stream.of(Arguments.of(SampleApp.openAiJava()), Arguments.of(SampleApp.jdkHttpClient()), Arguments.of(SampleApp.okHttp()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void rateLimitedOnceThenServed(SampleApp app) {
    checkRetriedAfterOneSecond(app, "retry");
  }

  /** sendAsync / enqueue / the SDK's async client: the retry waits on a scheduler, nobody else waits with it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void asyncCallsRetryWithoutBlocking(SampleApp app) {
    PolicyRun agent = checkRetriedAfterOneSecond(app, "async-retry");
    String returned = app.label().equals("openai-java") ? "create-returned-ms"
        : app.label().equals("okhttp") ? "enqueue-returned-ms" : "send-returned-ms";
    checkWaitedWithoutBlocking(app, agent, returned);
  }

  /**
   * The app's stderr timings of an async retry: the call returned at once ({@code returned}), the
   * call took the retry-after second, and the app's own work (ticks, or /health calls through the
   * same client) went on meanwhile.
   */
  static void checkWaitedWithoutBlocking(SampleApp app, PolicyRun agent, String returned) {
    Map<String, Long> times = stderrNumbers(agent.app());
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(times).as("the app's timings on stderr\n" + agent.app().describe()).containsKeys(returned, "call-ms");
    if (times.containsKey(returned) && times.containsKey("call-ms")) {
      soft.assertThat(times.get("call-ms")).as("call-ms: the retried call took the retry-after second").isGreaterThanOrEqualTo(RETRY_AFTER_MIN_MS);
      soft.assertThat(times.get(returned)).as(returned + ": the async call returned its future at once, long before the retried call "
          + "completed (call-ms " + times.get("call-ms") + ")").isLessThanOrEqualTo(times.get("call-ms") - 700);
    }
    if (app.label().equals("openai-java")) {
      soft.assertThat(times.get("ticks-while-waiting")).as("the main thread's 50 ms work ticks while the call was in flight")
          .isNotNull().isGreaterThanOrEqualTo(5L);
    } else {
      // A client held by the wait would finish at most one /health call in that second (after
      // the wait); three or more prove its threads were free. Not a bound on each call's time:
      // on a loaded machine one /health call alone can take most of a second.
      soft.assertThat(times.get("health-checks-while-waiting")).as("/health calls through the same client while the chat "
              + "waited (the slowest took " + times.get("worst-ms") + " ms)")
          .isNotNull().isGreaterThanOrEqualTo(3L);
      soft.assertThat(agent.served().stream().filter(s -> s.path().equals("/health")).count())
          .as("/health requests the provider answered").isGreaterThanOrEqualTo(3L);
    }
    report(soft, "in how the async call waited");
  }

  static PolicyRun checkRetriedAfterOneSecond(SampleApp app, String scenario) {
    baseline(app, scenario); // starts in the background
    PolicyRun agent = underAgent(app, scenario, "RetryPolicyTest-" + scenario + "-" + app.label(), firstChats(rateLimited(1)));
    ProviderRun plain = cleanBaseline(app, scenario);
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());

    List<Served> chats = agent.chats();
    assertThat(chats.stream().map(Served::status).toList()).as("what the provider answered, in order: " + agent.served())
        .containsExactly(429, 200);
    RecordedRequest sent = chatRequests(plain).get(0);
    assertForwarded("attempt 1", sent, chats.get(0).request(), agent.app().apiKey());
    assertForwarded("attempt 2", sent, chats.get(1).request(), agent.app().apiKey());
    assertThat(gapsMillis(chats).get(0)).as("ms between the 429 and the retry (retry-after: 1)")
        .isBetween(RETRY_AFTER_MIN_MS, RETRY_AFTER_MAX_MS);

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(span, ExpectedCall.CHAT, new CallContext(scenario, agent.app().runId(), agent.port())),
        () -> {
          SoftAssertions soft = new SoftAssertions();
          soft.assertThat(span.attrs().lng("tollgate.retry.count")).as("tollgate.retry.count").isEqualTo(1L);
          checkAttempts(soft, span, List.of(Attempt.first(429, "gpt-4o-mini"),
              Attempt.after(RETRY_AFTER_MIN_MS, RETRY_AFTER_MAX_MS, 200, "gpt-4o-mini")));
          soft.assertThat(span.durationSeconds()).as("the span covers both attempts and the wait").isGreaterThanOrEqualTo(0.9);
          report(soft, "in the retries recorded on " + span);
        },
        () -> TelemetryChecks.assertLlmMetrics(awaitMetrics(agent.app(), List.of(ExpectedCall.CHAT)), List.of(ExpectedCall.CHAT)),
        () -> assertNoSecretLeaks(agent.app()));
    return agent;
  }

  /** A connection reset before any answer is retried too (the JDK client never retries a POST itself). */
  @Test
  void connectionFailureIsRetried() {
    SampleApp app = SampleApp.jdkHttpClient();
    baseline(app, "retry");
    PolicyRun agent = underAgent(app, "retry", "RetryPolicyTest-connection-reset", firstChats(connectionReset()));
    ProviderRun plain = cleanBaseline(app, "retry");
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());
    List<Served> chats = agent.chats();
    assertThat(chats).as("exchanges: " + agent.served()).hasSize(2);
    assertThat(chats.get(0).fault()).as("the first exchange was cut (harness sanity)").isEqualTo("CONNECTION_RESET_BY_PEER");
    assertForwarded("the retry", chatRequests(plain).get(0), chats.get(1).request(), agent.app().apiKey());
    assertThat(gapsMillis(chats).get(0)).as("ms before the retry (min 200, max 2000)").isBetween(150L, 2500L);

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(span, ExpectedCall.CHAT, new CallContext("retry", agent.app().runId(), agent.port())),
        () -> {
          SoftAssertions soft = new SoftAssertions();
          soft.assertThat(span.attrs().lng("tollgate.retry.count")).as("tollgate.retry.count").isEqualTo(1L);
          checkAttempts(soft, span, List.of(Attempt.first(NO_RESPONSE, "gpt-4o-mini"), Attempt.after(200, 2000, 200, "gpt-4o-mini")));
          report(soft, "in the retries recorded on " + span);
        });
  }

  /** Always 503: two retries (Helicone-Retry-Num: 2), then the app gets the provider's last answer unchanged. */
  @Test
  void whenRetriesRunOutTheLastAnswerIsPassedOn() {
    SampleApp app = SampleApp.jdkHttpClient();
    PolicyRun plain = run(AppRunner.launch(app, "retry").withAgent(false).testName("RetryPolicyTest-exhausted-plain"),
        PolicyStubs.everyChat(unavailable()));
    PolicyRun agent = underAgent(app, "retry", "RetryPolicyTest-exhausted", PolicyStubs.everyChat(unavailable()));
    assertExitedCleanly(plain.app());
    assertExitedCleanly(agent.app());
    assertThat(plain.app().stdout()).as("without the agent the app sees the 503 (harness sanity)").contains("status: 503")
        .contains(PolicyStubs.OVERLOADED_BODY);
    assertSameStdout(plain.app(), agent.app());
    assertThat(agent.chats()).as("the first attempt and two retries: " + agent.served()).hasSize(3);
    for (Served s : agent.chats()) {
      assertForwarded("attempt", plain.chatRequests().get(0), s.request(), agent.app().apiKey());
    }

    ReceivedSpan span = awaitOneSpan(agent.app());
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(span.attrs().lng("http.response.status_code")).as("http.response.status_code").isEqualTo(503L);
    soft.assertThat(span.attrs().str("error.type")).as("error.type").isEqualTo("503");
    soft.assertThat(span.attrs().lng("tollgate.retry.count")).as("tollgate.retry.count").isEqualTo(2L);
    checkAttempts(soft, span, List.of(Attempt.first(503, "gpt-4o-mini"), Attempt.after(200, 2000, 503, "gpt-4o-mini"),
        Attempt.after(200, 2000, 503, "gpt-4o-mini")));
    report(soft, "in " + span);
  }

  /**
   * A 200 stream that breaks after its first events is not retried: those events already reached
   * the app, which sees the break exactly as without the agent.
   */
  @Test
  void aStreamThatBreaksMidWayIsNotRetried() throws Exception {
    SampleApp app = SampleApp.jdkHttpClient();
    AppRun plain;
    try (CuttingSseServer server = new CuttingSseServer(Recording.CHAT_STREAM, 3)) {
      plain = AppRunner.launch(app, "stream").withAgent(false).testName("RetryPolicyTest-cut-plain").baseUrl(server.baseUrl()).run();
    }
    assertThat(plain.exitCode()).as("without the agent the app fails on the cut stream (harness sanity)\n" + plain.describe())
        .isEqualTo(1);
    try (CuttingSseServer server = new CuttingSseServer(Recording.CHAT_STREAM, 3)) {
      AppRun agent = AppRunner.launch(app, "stream").withAgent(true).testName("RetryPolicyTest-cut")
          .sysProp("tollgate.retry.enabled", "true").sysProp("tollgate.retry.min-delay", "100ms")
          .baseUrl(server.baseUrl()).run();
      allOf(
          () -> assertThat(agent.exitCode()).as("exit code under the agent\n" + agent.describe()).isEqualTo(plain.exitCode()),
          () -> assertSameStdout(plain, agent),
          () -> assertThat(server.requests()).as("requests: the stream that broke, and no retry").hasSize(1),
          () -> {
            ReceivedSpan span = awaitOneSpan(agent);
            assertThat(span.attrs().lng("tollgate.retry.count")).as("tollgate.retry.count " + span).isEqualTo(0L);
          });
    }
  }

  /** {@code -Dtollgate.retry.enabled=true} with short delays, an app that sends no retry header: 503, 503, 200. */
  @Test
  void thePropertyRetriesEveryCall() {
    SampleApp app = SampleApp.jdkHttpClient();
    baseline(app, "chat");
    PolicyRun agent = underAgent(app, "chat", "RetryPolicyTest-props", firstChats(unavailable(), unavailable()),
        r -> r.sysProp("tollgate.retry.enabled", "true").sysProp("tollgate.retry.min-delay", "100ms")
            .sysProp("tollgate.retry.max-delay", "300ms"));
    ProviderRun plain = cleanBaseline(app, "chat");
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());
    assertThat(agent.chats().stream().map(Served::status).toList()).as("answers: " + agent.served()).containsExactly(503, 503, 200);
    assertThat(gapsMillis(agent.chats())).as("ms between attempts (min-delay 100ms, max-delay 300ms)")
        .allSatisfy(gap -> assertThat(gap).isBetween(80L, 1500L));
    for (Served s : agent.chats()) {
      assertForwarded("attempt", chatRequests(plain).get(0), s.request(), agent.app().apiKey());
    }

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(span, ExpectedCall.CHAT, new CallContext("chat", agent.app().runId(), agent.port())),
        () -> {
          SoftAssertions soft = new SoftAssertions();
          soft.assertThat(span.attrs().lng("tollgate.retry.count")).as("tollgate.retry.count").isEqualTo(2L);
          checkAttempts(soft, span, List.of(Attempt.first(503, "gpt-4o-mini"), Attempt.after(100, 400, 503, "gpt-4o-mini"),
              Attempt.after(100, 400, 200, "gpt-4o-mini")));
          report(soft, "in the retries recorded on " + span);
        });
  }
}
