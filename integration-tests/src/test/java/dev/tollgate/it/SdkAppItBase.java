package dev.tollgate.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.Served;
import dev.tollgate.it.support.TelemetryChecks;
import dev.tollgate.it.support.TelemetryChecks.CallContext;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.assertj.core.api.SoftAssertions;

/**
 * A cache hit, a retry and a fallback through a real SDK's stack, whatever its provider: the SDK
 * apps print only what the SDK parsed (no cache headers), so a hit shows as the same stdout as the
 * baseline with one provider request fewer; a retry as the same stdout with a 429 answered first;
 * a fallback as the same stdout with a 503 for the model asked for answered first.
 */
abstract class SdkAppItBase extends PolicyItBase {
  /** The retry headers the apps send: min 200 ms, factor 2, max 2 s (and jitter). */
  static final long RETRY_MIN_MS = 150;
  static final long RETRY_MAX_MS = 2500;

  /** Anthropic's error shape (as in shared/data/wire/anthropic/messages-error-404.vcr.yaml), written by hand for a 429. */
  static final String ANTHROPIC_RATE_LIMIT_BODY =
      "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}";
  /** Google's error shape (as in shared/data/wire/gemini/generate-content-error-400...), written by hand for a 429. */
  static final String GEMINI_RATE_LIMIT_BODY = """
      {
        "error": {
          "code": 429,
          "message": "Resource has been exhausted (e.g. check quota).",
          "status": "RESOURCE_EXHAUSTED"
        }
      }
      """;

  /** Anthropic's error shape, written by hand for a 503 (Anthropic's own overload status is 529, not a default fallback code). */
  static final String ANTHROPIC_UNAVAILABLE_BODY =
      "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Service temporarily unavailable\"}}";
  /** Google's error shape, written by hand for a 503. */
  static final String GEMINI_UNAVAILABLE_BODY = """
      {
        "error": {
          "code": 503,
          "message": "The model is overloaded. Please try again later.",
          "status": "UNAVAILABLE"
        }
      }
      """;

  static ResponseDefinitionBuilder unavailable(String body) {
    return aResponse().withStatus(503).withHeader("Content-Type", "application/json").withBody(body);
  }

  /** Anthropic Messages requests for {@code model} get a 503; other models the recordings. */
  static Consumer<FakeProvider> anthropicModelUnavailable(String model) {
    return provider -> provider.stubFor(post(urlPathEqualTo(FakeProvider.ANTHROPIC_PATH)).atPriority(1)
        .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
        .willReturn(unavailable(ANTHROPIC_UNAVAILABLE_BODY)));
  }

  /** Gemini generateContent for {@code model} (in the path) gets a 503; other models the recording. */
  static Consumer<FakeProvider> geminiModelUnavailable(String model) {
    return provider -> provider.stubFor(post(urlPathMatching("/v1(beta)?/models/" + model + ":generateContent")).atPriority(1)
        .willReturn(unavailable(GEMINI_UNAVAILABLE_BODY)));
  }

  /**
   * The request with its body's one {@code "model":"from"} turned into {@code "model":"to"}, the
   * whitespace around the colon kept (LangChain4j pretty-prints its bodies).
   */
  static UnaryOperator<RecordedRequest> bodyModel(String from, String to) {
    return r -> {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\"model\"\\s*:\\s*)\"" + java.util.regex.Pattern.quote(from) + "\"")
          .matcher(r.bodyText());
      assertThat(m.find()).as("the app's body names model " + from + ": " + r.bodyText()).isTrue();
      String body = r.bodyText().substring(0, m.start()) + m.group(1) + "\"" + to + "\"" + r.bodyText().substring(m.end());
      assertThat(m.find()).as("only once: " + r.bodyText()).isFalse();
      return new RecordedRequest(r.method(), r.url(), r.headers(), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    };
  }

  /** The request with the model in its Gemini path ({@code /models/{model}:...}) replaced. */
  static UnaryOperator<RecordedRequest> pathModel(String from, String to) {
    return r -> {
      String needle = "/models/" + from + ":";
      assertThat(r.url()).as("the app's request names " + from + " in its path").contains(needle);
      return new RecordedRequest(r.method(), r.url().replace(needle, "/models/" + to + ":"), r.headers(), r.body());
    };
  }

  static ResponseDefinitionBuilder rateLimited(String body) {
    return aResponse().withStatus(429).withHeader("Content-Type", "application/json").withBody(body);
  }

  /** The first request on {@code pathRegex} gets {@code answer}; later ones the recordings. */
  static Consumer<FakeProvider> firstOn(String pathRegex, ResponseDefinitionBuilder answer) {
    return provider -> provider.stubFor(post(urlPathMatching(pathRegex)).atPriority(1)
        .inScenario("first").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered").willReturn(answer));
  }

  static List<Served> on(List<Served> served, String pathRegex) {
    return served.stream().filter(s -> s.path().matches(pathRegex)).toList();
  }

  static List<RecordedRequest> requestsOn(ProviderRun run, String pathRegex) {
    return run.requests().stream().filter(r -> r.url().split("\\?")[0].matches(pathRegex)).toList();
  }

  /** The scenario makes the same call twice with Helicone-Cache-Enabled: the second is a hit. */
  static void checkCacheHit(SampleApp app, String scenario, String pathRegex, ExpectedCall call) {
    checkCacheHit(app, scenario, pathRegex, call, UnaryOperator.identity());
  }

  static void checkCacheHit(SampleApp app, String scenario, String pathRegex, ExpectedCall call,
      UnaryOperator<AppRunner> agentLaunch) {
    String testName = app.label() + "-" + scenario;
    baseline(app, scenario); // starts in the background
    PolicyRun agent = underAgent(app, scenario, testName, noStubs(), agentLaunch);
    ProviderRun plain = cleanBaseline(app, scenario);
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());
    List<RecordedRequest> sent = requestsOn(plain, pathRegex);
    assertThat(sent).as("without the agent both calls reach the provider (harness sanity)").hasSize(2);
    List<Served> served = on(agent.served(), pathRegex);
    assertThat(served).as("requests that reached the provider under the agent (the second was a hit): " + agent.served())
        .hasSize(1);
    assertForwarded("the one request", sent.get(0), served.get(0).request(), agent.app().apiKey());

    List<ReceivedSpan> spans = awaitSpans(agent.app(), 2);
    assertThat(spans).as("spans (one per call, the hit included)").hasSize(2);
    CallContext ctx = new CallContext(scenario, agent.app().runId(), agent.port());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(spans.get(0), call, ctx),
        () -> assertThat(spans.get(0).attrs().str("tollgate.cache.status")).as("cache status of the first call " + spans.get(0))
            .isEqualTo("miss"),
        () -> TelemetryChecks.assertLlmSpan(spans.get(1), call, ctx, false),
        () -> {
          SoftAssertions hit = new SoftAssertions();
          checkCacheHit(hit, spans.get(1), call);
          report(hit, "on the cache hit");
        },
        () -> {
          SoftAssertions m = new SoftAssertions();
          checkCacheMetrics(m, awaitRunMetrics(agent.app()), Map.of("miss", 1, "hit", 1), TelemetryChecks.expectedCost(call));
          report(m, "in the metrics");
        },
        () -> assertNoSecretLeaks(agent.app()));
  }

  /** The scenario sends Helicone-Retry-* headers (SDK retries off); the provider answers 429 once. */
  static void checkRetry(SampleApp app, String scenario, String pathRegex, ExpectedCall call, ResponseDefinitionBuilder failure) {
    checkRetry(app, scenario, pathRegex, call, failure, UnaryOperator.identity());
  }

  static void checkRetry(SampleApp app, String scenario, String pathRegex, ExpectedCall call, ResponseDefinitionBuilder failure,
      UnaryOperator<AppRunner> agentLaunch) {
    baseline(app, scenario); // starts in the background
    PolicyRun agent = underAgent(app, scenario, app.label() + "-" + scenario, firstOn(pathRegex, failure), agentLaunch);
    ProviderRun plain = cleanBaseline(app, scenario);
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());

    List<Served> served = on(agent.served(), pathRegex);
    assertThat(served.stream().map(Served::status).toList()).as("what the provider answered, in order: " + agent.served())
        .containsExactly(429, 200);
    RecordedRequest sent = requestsOn(plain, pathRegex).get(0);
    assertForwarded("attempt 1", sent, served.get(0).request(), agent.app().apiKey());
    assertForwarded("attempt 2", sent, served.get(1).request(), agent.app().apiKey());

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(span, call, new CallContext(scenario, agent.app().runId(), agent.port())),
        () -> {
          SoftAssertions soft = new SoftAssertions();
          soft.assertThat(span.attrs().lng("tollgate.retry.count")).as("tollgate.retry.count").isEqualTo(1L);
          checkAttempts(soft, span, List.of(Attempt.first(429, call.requestModel()),
              Attempt.after(RETRY_MIN_MS, RETRY_MAX_MS, 200, call.requestModel())));
          report(soft, "in the retries recorded on " + span);
        },
        () -> TelemetryChecks.assertLlmMetrics(awaitMetrics(agent.app(), List.of(call)), List.of(call)),
        () -> assertNoSecretLeaks(agent.app()));
  }

  /**
   * The scenario asks for a model the provider answers 503 for, with Helicone-Fallback-Model naming
   * one it serves (SDK retries off): the app gets the fallback's answer; the second request is the
   * first with only the model changed ({@code rewritten}: in the body, or in Gemini's path); the span
   * keeps the model asked for, names the one that answered and is priced by it.
   */
  static void checkFallback(SampleApp app, String scenario, String pathRegex, Consumer<FakeProvider> askedIsUnavailable,
      ExpectedCall asked, String fallbackModel, UnaryOperator<RecordedRequest> rewritten) {
    baseline(app, scenario); // starts in the background: the recording answers any model there
    PolicyRun agent = underAgent(app, scenario, app.label() + "-" + scenario, askedIsUnavailable);
    ProviderRun plain = cleanBaseline(app, scenario);
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());

    List<Served> served = on(agent.served(), pathRegex);
    assertThat(served.stream().map(Served::status).toList()).as("what the provider answered, in order: " + agent.served())
        .containsExactly(503, 200);
    RecordedRequest sent = requestsOn(plain, pathRegex).get(0);
    assertForwarded("the request for " + asked.requestModel(), sent, served.get(0).request(), agent.app().apiKey());
    RecordedRequest fallback = rewritten.apply(sent);
    assertForwarded("the fallback request", fallback, served.get(1).request(), agent.app().apiKey(), fallback.bodyText());

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(span, asked, new CallContext(scenario, agent.app().runId(), agent.port())),
        () -> {
          SoftAssertions soft = new SoftAssertions();
          soft.assertThat(span.attrs().lng("tollgate.fallback.index")).as("tollgate.fallback.index").isEqualTo(1L);
          checkAttempts(soft, span, List.of(Attempt.first(503, asked.requestModel()), Attempt.after(0, 1000, 200, fallbackModel)));
          report(soft, "in the fallback recorded on " + span);
        },
        () -> TelemetryChecks.assertLlmMetrics(awaitMetrics(agent.app(), List.of(asked)), List.of(asked)),
        () -> assertNoSecretLeaks(agent.app()));
  }
}
