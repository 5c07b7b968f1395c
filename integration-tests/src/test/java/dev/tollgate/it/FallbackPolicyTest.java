package dev.tollgate.it;

import static dev.tollgate.it.support.PolicyStubs.model;
import static dev.tollgate.it.support.PolicyStubs.serverError;
import static dev.tollgate.it.support.PolicyStubs.unavailable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.PolicyStubs;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.Served;
import dev.tollgate.it.support.TelemetryChecks;
import dev.tollgate.it.support.TelemetryChecks.CallContext;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model fallback, end to end: the provider answers 503 to every request for gpt-4o (WireMock
 * matches the body's model) and the recorded answer to gpt-4o-mini. An app that asked for gpt-4o
 * with {@code Helicone-Fallback-Model: gpt-4o-mini} / {@code Helicone-Fallback-OnCodes: 503} (or
 * under {@code -Dtollgate.fallback.gpt-4o=gpt-4o-mini}) gets the gpt-4o-mini answer; the second
 * request is the first with only its model rewritten; the span keeps the model asked for, names
 * the one that answered and is priced by it.
 */
class FallbackPolicyTest extends PolicyItBase {
  static final ExpectedCall ASKED_GPT_4O = ExpectedCall.CHAT.withRequestModel("gpt-4o");

  static Stream<Arguments> apps() {
    return Stream.of(Arguments.of(SampleApp.openAiJava()), Arguments.of(SampleApp.jdkHttpClient()), Arguments.of(SampleApp.okHttp()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void unavailableModelFallsBack(SampleApp app) {
    checkFellBack(app, "fallback", UnaryOperator.identity(), "");
  }

  /** No header, only {@code -Dtollgate.fallback.gpt-4o=gpt-4o-mini}. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("propertyApps")
  void thePropertyFallsBack(SampleApp app) {
    checkFellBack(app, "chat-gpt-4o", r -> r.sysProp("tollgate.fallback.gpt-4o", "gpt-4o-mini"), "-props");
  }

  static Stream<Arguments> propertyApps() {
    return Stream.of(Arguments.of(SampleApp.openAiJava()), Arguments.of(SampleApp.jdkHttpClient()));
  }

  static void checkFellBack(SampleApp app, String scenario, UnaryOperator<AppRunner> custom, String suffix) {
    baseline(app, scenario); // starts in the background: gpt-4o answers there
    PolicyRun agent = underAgent(app, scenario, "FallbackPolicyTest-" + scenario + suffix + "-" + app.label(),
        model("gpt-4o", unavailable()), custom);
    ProviderRun plain = cleanBaseline(app, scenario);
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());

    List<Served> chats = agent.chats();
    assertThat(chats.stream().map(Served::status).toList()).as("what the provider answered: " + agent.served())
        .containsExactly(503, 200);
    RecordedRequest sent = chatRequests(plain).get(0);
    assertForwarded("the request for gpt-4o", sent, chats.get(0).request(), agent.app().apiKey());
    assertForwarded("the fallback request", sent, chats.get(1).request(), agent.app().apiKey(),
        withModel(sent.bodyText(), "gpt-4o", "gpt-4o-mini"));

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        // name "chat gpt-4o", request model gpt-4o, response model gpt-4o-mini-2024-07-18, priced by it
        () -> TelemetryChecks.assertLlmSpan(span, ASKED_GPT_4O, new CallContext(scenario, agent.app().runId(), agent.port())),
        () -> {
          SoftAssertions soft = new SoftAssertions();
          soft.assertThat(span.attrs().lng("tollgate.fallback.index")).as("tollgate.fallback.index").isEqualTo(1L);
          checkAttempts(soft, span, List.of(Attempt.first(503, "gpt-4o"), Attempt.after(0, 1000, 200, "gpt-4o-mini")));
          report(soft, "in the fallback recorded on " + span);
        },
        () -> TelemetryChecks.assertLlmMetrics(awaitMetrics(agent.app(), List.of(ASKED_GPT_4O)), List.of(ASKED_GPT_4O)),
        () -> assertNoSecretLeaks(agent.app()));
  }

  /** A status not in Fallback-OnCodes (500 when only 503 is named) is passed on as it came: one request. */
  @Test
  void otherStatusesDoNotFallBack() {
    SampleApp app = SampleApp.jdkHttpClient();
    PolicyRun agent = underAgent(app, "fallback", "FallbackPolicyTest-500", model("gpt-4o", serverError()));
    assertExitedCleanly(agent.app());
    allOf(
        () -> assertThat(agent.app().stdout()).as("the app sees the 500\n" + agent.app().describe())
            .startsWith("status: 500\n").contains(PolicyStubs.SERVER_ERROR_BODY),
        () -> assertThat(agent.chats()).as("requests: " + agent.served()).hasSize(1),
        () -> {
          ReceivedSpan span = awaitOneSpan(agent.app());
          assertThat(span.attrs().lng("http.response.status_code")).as(span.toString()).isEqualTo(500L);
          assertThat(span.attrs().lng("tollgate.fallback.index")).as("no fallback served: " + span).isIn(null, 0L);
        });
  }

  /**
   * {@code Helicone-Fallbacks}: on a 503 from this endpoint, the same path at another
   * OpenAI-compatible endpoint (target-url, as Helicone defines it: the origin; the path is kept),
   * with that endpoint's own key and the model overridden.
   */
  @Test
  void fallbacksHeaderSwitchesEndpoint() {
    checkFallbacksSwitchEndpoint(SampleApp.jdkHttpClient());
  }

  /** The app's {@code fallbacks} scenario: 503 at the primary endpoint, then the second endpoint with its own key. */
  static void checkFallbacksSwitchEndpoint(SampleApp app) {
    String otherKey = "sk-test-SECRET-" + UUID.randomUUID();
    baseline(app, "fallbacks");
    try (FakeProvider primary = FakeProvider.start(); FakeProvider secondary = FakeProvider.start()) {
      model("gpt-4o", unavailable()).accept(primary);
      AppRun agent = AppRunner.launch(app, "fallbacks").withAgent(true).testName("FallbackPolicyTest-fallbacks-" + app.label())
          .baseUrl(primary.baseUrl())
          .env("FALLBACK_TARGET_URL", "http://127.0.0.1:" + secondary.port())
          .env("FALLBACK_API_KEY", otherKey)
          .run();
      ProviderRun plain = cleanBaseline(app, "fallbacks");
      assertExitedCleanly(agent);
      assertSameStdout(plain.app(), agent);

      List<Served> first = primary.served();
      List<Served> second = secondary.served();
      assertThat(first.stream().map(Served::status).toList()).as("the primary endpoint: " + first).containsExactly(503);
      assertThat(second.stream().map(Served::status).toList()).as("the fallback endpoint: " + second).containsExactly(200);
      RecordedRequest sent = chatRequests(plain).get(0);
      assertForwarded("the request to the primary", sent, first.get(0).request(), agent.apiKey());
      assertForwarded("the request to the fallback endpoint", sent, second.get(0).request(), otherKey,
          withModel(sent.bodyText(), "gpt-4o", "gpt-4o-mini"));

      ReceivedSpan span = awaitOneSpan(agent);
      allOf(
          () -> TelemetryChecks.assertLlmSpan(span, ASKED_GPT_4O, new CallContext("fallbacks", agent.runId(), -1)),
          () -> assertThat(span.attrs().lng("server.port")).as("server.port: one of the two endpoints " + span)
              .isIn((long) primary.port(), (long) secondary.port()),
          () -> assertThat(span.attrs().lng("tollgate.fallback.index")).as("tollgate.fallback.index " + span).isEqualTo(1L),
          () -> assertNoSecretLeaks(agent),
          () -> {
            String secretPart = otherKey.substring("sk-test-SECRET-".length());
            assertThat(OTLP.anyBodyContains(secretPart)).as("the fallback endpoint's key (from the Fallbacks header) in an export").isFalse();
            assertThat(agent.stdout() + agent.stderr()).as("the fallback endpoint's key in the app's output").doesNotContain(secretPart);
          });
    }
  }
}
