package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plain java.net.HttpURLConnection, and Spring's RestTemplate over it, (getOutputStream, getResponseCode, getInputStream read whole
 * or line by line), with and without the agent: the same checks as the other client apps, and the
 * non-LLM and malformed-body cases of {@link NonLlmRequestTest} and {@link MalformedJsonTest}.
 */
class UrlConnectionAppTest extends ItBase {

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("chat", ExpectedCall.CHAT),
        Arguments.of("stream", ExpectedCall.CHAT_STREAM),
        Arguments.of("embeddings", ExpectedCall.EMBEDDINGS),
        Arguments.of("resttemplate", ExpectedCall.CHAT));
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

  /**
   * Tollgate's own OTLP export goes over HttpURLConnection too: it must work under the agent and
   * never be taken for an LLM call. Made hard on purpose: the traces endpoint is given a path that
   * ends in {@code /v1/chat/completions} (the receiver still takes it, by prefix), which the
   * recognizer would call an OpenAI chat; only the exporter's own-traffic marker keeps it out. The
   * app lingers after its call and batches go out every 100 ms, so a span made for the first export
   * would itself be exported before the JVM exits.
   */
  @Test
  void theOtlpExportWorksAndIsNeverObserved() {
    String traces = OTLP.endpoint() + "/v1/traces/v1/chat/completions";
    ProviderRun run = againstFakeProvider(AppRunner.launch(SampleApp.urlConnection(), "chat-linger").withAgent(true)
        .testName("UrlConnectionAppTest-otlp").sysProp("otel.exporter.otlp.traces.endpoint", traces)
        .sysProp("otel.bsp.schedule.delay", "100"));
    assertExitedCleanly(run.app());
    ReceivedSpan span = awaitOneSpan(run.app());
    assertThat(span.name()).isEqualTo("chat gpt-4o-mini");
    assertThat(awaitMetrics(run.app(), List.of(ExpectedCall.CHAT))).as("metrics exported after the span").isNotEmpty();
    String port = OTLP.endpoint().substring(OTLP.endpoint().lastIndexOf(':') + 1);
    List<ReceivedSpan> ofRun = OTLP.await(() -> OTLP.spans().stream()
        .filter(s -> run.app().runId().equals(s.resourceAttrs().str(AppRunner.RUN_RESOURCE_ATTRIBUTE))).toList(),
        l -> l.size() > 1, QUIET_WAIT);
    assertThat(ofRun).as("every span this run exported: the app's one chat, none for the export itself").hasSize(1);
    assertThat(ofRun).noneMatch(s -> Long.valueOf(port).equals(s.attrs().lng("server.port")));
    assertThat(run.app().stderr()).as("no Tollgate warning").doesNotContain("[tollgate] WARN");
  }
}
