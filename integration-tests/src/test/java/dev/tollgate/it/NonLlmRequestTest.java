package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that are not LLM calls ({@code GET /health} and a JSON {@code POST /health} on the
 * same server) pass through untouched: same headers (Helicone ones included), same body, same
 * answer, and no span. So does an LLM call through a client Tollgate does not intercept
 * (Reactor Netty's own {@code HttpClient}, without Spring).
 */
class NonLlmRequestTest extends ItBase {

  static Stream<SampleApp> apps() {
    return Stream.of(SampleApp.jdkHttpClient(), SampleApp.okHttp());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void passesThroughUntouched(SampleApp app) {
    ProviderRun[] runs = plainAndAgent(app, "non-llm", "NonLlmRequestTest-" + app.label(), r -> r);
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

  /** A chat through Reactor Netty without Spring: not intercepted, so untouched, Helicone headers and all. */
  @org.junit.jupiter.api.Test
  void anLlmCallThroughAClientThatIsNotInterceptedPassesUntouched() {
    SampleApp app = SampleApp.springWebClient();
    ProviderRun[] runs = plainAndAgent(app, "raw-netty", "NonLlmRequestTest-raw-netty", r -> r);
    ProviderRun plain = runs[0];
    ProviderRun agent = runs[1];
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());
    assertThat(agent.app().stdout()).as("the chat was answered").contains("status: 200").contains("chatcmpl-");
    assertProviderSawTheSame(plain, agent, false);
    assertThat(agent.requests()).singleElement().satisfies(request -> assertThat(request.firstHeader("Helicone-Cache-Enabled"))
        .as("an unintercepted call keeps its Helicone headers: " + request).isEqualTo("true"));
    assertNothingExported(agent.app());
  }
}
