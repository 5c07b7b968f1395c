package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plain java.net.HttpURLConnection (getOutputStream, getResponseCode, getInputStream read whole
 * or line by line), with and without the agent: the same checks as the other client apps, and the
 * non-LLM and malformed-body cases of {@link NonLlmRequestTest} and {@link MalformedJsonTest}.
 */
class UrlConnectionAppTest extends ItBase {

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("chat", ExpectedCall.CHAT),
        Arguments.of("stream", ExpectedCall.CHAT_STREAM),
        Arguments.of("embeddings", ExpectedCall.EMBEDDINGS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(String scenario, ExpectedCall call) {
    checkLlmScenario(SampleApp.urlConnection(), scenario, "UrlConnectionAppTest-" + scenario, call);
  }

  @Test
  void nonLlmRequestsPassThroughUntouched() {
    SampleApp app = SampleApp.urlConnection();
    ProviderRun[] runs = plainAndAgent(app, "non-llm", "UrlConnectionAppTest-non-llm", r -> r);
    ProviderRun plain = runs[0];
    ProviderRun agent = runs[1];
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());
    assertThat(plain.requests()).as("the app makes two requests").hasSize(2);
    assertProviderSawTheSame(plain, agent, false);
    for (RecordedRequest request : agent.requests()) {
      assertThat(request.firstHeader("Helicone-Property-Scenario"))
          .as("a non-LLM request keeps even its Helicone headers: " + request).isEqualTo("non-llm");
    }
    assertNothingExported(agent.app());
  }

  @Test
  void aBrokenBodyReachesTheAppUnchanged() {
    SampleApp app = SampleApp.urlConnection();
    ProviderRun[] runs = plainAndAgent(app, "raw", "UrlConnectionAppTest-raw", r -> r);
    assertExitedCleanly(runs[1].app());
    assertThat(runs[0].app().stdout()).as("the app prints the malformed body (harness sanity)")
        .contains(new String(FakeProvider.MALFORMED_BODY, StandardCharsets.UTF_8));
    assertSameStdout(runs[0].app(), runs[1].app());
    assertProviderSawTheSame(runs[0], runs[1], true);
    assertThat(awaitOneSpan(runs[1].app()).name()).isEqualTo("chat gpt-4o-mini");
  }
}
