package dev.tollgate.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.TelemetryChecks;
import dev.tollgate.it.support.TelemetryChecks.CallContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A known LLM host's paths that are not LLM calls pass through untouched (SPEC.md: "its other
 * paths (/health, /v1/models) pass through untouched"). The fake provider is made a known host with
 * {@code tollgate.endpoints=127.0.0.1:<port>=openai}; the app sends {@code GET /v1/models} and
 * {@code POST /v1/files} carrying Helicone-/Tollgate- control headers, then a chat on the same host.
 * The first two keep every header exactly as sent (control headers are only read and removed on
 * LLM calls) and get no span; the chat, proving the host is handled, loses its Helicone headers
 * and gets the one span of the run.
 */
class UnknownPathTest extends ItBase {
  static final String MODELS_BODY = "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\",\"object\":\"model\","
      + "\"created\":1721172741,\"owned_by\":\"system\"}]}";
  static final String FILE_BODY = "{\"object\":\"file\",\"id\":\"file-abc123\",\"purpose\":\"batch\","
      + "\"filename\":\"requests.jsonl\",\"bytes\":0,\"created_at\":1721172741,\"status\":\"uploaded\"}";

  static ProviderRun run(boolean agent, String testName) {
    try (FakeProvider provider = FakeProvider.start()) {
      provider.stubFor(get(urlPathEqualTo("/v1/models")).atPriority(1)
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS_BODY)));
      provider.stubFor(post(urlPathEqualTo("/v1/files")).atPriority(1)
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(FILE_BODY)));
      AppRunner launch = AppRunner.launch(SampleApp.jdkHttpClient(), "unknown-paths").withAgent(agent).testName(testName)
          .baseUrl(provider.baseUrl());
      if (agent) {
        launch = launch.sysProp("tollgate.endpoints", "127.0.0.1:" + provider.port() + "=openai");
      }
      AppRun app = launch.run();
      return new ProviderRun(app, provider.requests(), provider.port());
    }
  }

  @Test
  void otherPathsOfAKnownHostPassThroughWithTheirHeaders() {
    var plainRun = inBackground(() -> run(false, "baseline-UnknownPathTest"));
    ProviderRun agent = run(true, "UnknownPathTest");
    ProviderRun plain = plainRun.join();
    assertExitedCleanly(plain.app());
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());
    assertThat(plain.app().stdout()).as("the baseline got the stubbed answers")
        .contains("GET /models\nstatus: 200\n").contains("POST /files\nstatus: 200\n");

    List<RecordedRequest> before = plain.requests();
    List<RecordedRequest> after = agent.requests();
    assertThat(after.stream().map(r -> r.method() + " " + r.url()).toList()).as("requests with the agent")
        .containsExactly("GET /v1/models", "POST /v1/files", "POST /v1/chat/completions");
    ProviderRun plainNonLlm = new ProviderRun(plain.app(), before.subList(0, 2), plain.port());
    ProviderRun agentNonLlm = new ProviderRun(agent.app(), after.subList(0, 2), agent.port());
    // every header compared, Helicone-/Tollgate- ones included
    assertProviderSawTheSame(plainNonLlm, agentNonLlm, false);
    allOf(
        () -> assertThat(headers(after.get(0), "Helicone-Property-Scenario", "Helicone-Cache-Enabled", "Tollgate-User-Id"))
            .as("GET /v1/models keeps its control headers " + after.get(0))
            .isEqualTo(Map.of("Helicone-Property-Scenario", "unknown-paths", "Helicone-Cache-Enabled", "true",
                "Tollgate-User-Id", "demo-user")),
        () -> assertThat(headers(after.get(1), "Helicone-Retry-Enabled", "Helicone-Fallback-Model", "Helicone-User-Id"))
            .as("POST /v1/files keeps its control headers " + after.get(1))
            .isEqualTo(Map.of("Helicone-Retry-Enabled", "true", "Helicone-Fallback-Model", "gpt-4o-mini",
                "Helicone-User-Id", "demo-user")),
        () -> assertThat(after.get(0).credential()).as("the key reaches the provider").isEqualTo(agent.app().apiKey()),
        () -> assertThat(after.get(2).gatewayHeaderNames()).as("the chat on the same host is handled: its Helicone headers are removed")
            .isEmpty());

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        () -> assertThat(span.name()).as("the one span is the chat's").isEqualTo("chat gpt-4o-mini"),
        () -> TelemetryChecks.assertLlmSpan(span, ExpectedCall.CHAT, new CallContext("unknown-paths", agent.app().runId(), agent.port())),
        () -> assertNoSecretLeaks(agent.app()));
  }

  /** The first value of each named header (any case); a missing one maps to "-". */
  static Map<String, String> headers(RecordedRequest request, String... names) {
    Map<String, String> values = new java.util.LinkedHashMap<>();
    for (String name : names) {
      String value = request.firstHeader(name);
      values.put(name, value == null ? "-" : value);
    }
    return values;
  }
}
