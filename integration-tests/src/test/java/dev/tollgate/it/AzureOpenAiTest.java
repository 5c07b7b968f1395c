package dev.tollgate.it;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.PolicyStubs;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.Recording;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.Served;
import dev.tollgate.it.support.TelemetryChecks;
import dev.tollgate.it.support.TelemetryChecks.CallContext;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Azure OpenAI's deployment paths ({@code /openai/deployments/{d}/chat/completions?api-version=...},
 * key in {@code api-key}, no model in the body) through the JDK HttpClient. The fake provider stands
 * in for {@code *.openai.azure.com}, mapped with {@code tollgate.endpoints=127.0.0.1:<port>=azure}
 * (a real Azure host is recognised by its name, EndpointRecognizerTest). The answer is the recorded
 * OpenAI chat: the model comes from the response, the provider is {@code azure.ai.openai}, and the
 * price is the {@code azure/} entry of the table (which differs from OpenAI's for gpt-4o-mini).
 */
class AzureOpenAiTest extends PolicyItBase {
  static final String DEPLOYMENT_PATH = "/openai/deployments/[^/]+/chat/completions";
  static final ExpectedCall AZURE_CHAT = ExpectedCall.CHAT.withRequestModel(null).withProvider("azure.ai.openai");

  /** Any deployment answers the recorded chat when the api-version is given. */
  static void azureDeployments(FakeProvider provider) {
    provider.stubFor(post(urlPathMatching(DEPLOYMENT_PATH)).atPriority(5)
        .withQueryParam("api-version", equalTo("2024-10-21"))
        .willReturn(FakeProvider.recorded(Recording.CHAT)));
  }

  static PolicyRun runAzure(String scenario, boolean agent, String testName, Consumer<FakeProvider> stubs) {
    try (FakeProvider provider = FakeProvider.start()) {
      azureDeployments(provider);
      stubs.accept(provider);
      AppRunner launch = AppRunner.launch(SampleApp.jdkHttpClient(), scenario).withAgent(agent).testName(testName)
          .baseUrl(provider.baseUrl())
          .env("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:" + provider.port());
      if (agent) {
        launch = launch.sysProp("tollgate.endpoints", "127.0.0.1:" + provider.port() + "=azure");
      }
      AppRun run = launch.run();
      return new PolicyRun(run, provider.served(), provider.port());
    }
  }

  static List<Served> deploymentCalls(PolicyRun run) {
    return run.served().stream().filter(s -> s.path().matches(DEPLOYMENT_PATH)).toList();
  }

  @Test
  void chatAtADeploymentPath() {
    var plainRun = inBackground(() -> runAzure("azure-chat", false, "baseline-AzureOpenAiTest-chat", p -> { }));
    PolicyRun agent = runAzure("azure-chat", true, "AzureOpenAiTest-chat", p -> { });
    PolicyRun plain = plainRun.join();
    assertExitedCleanly(plain.app());
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());
    assertThat(plain.app().stdout()).as("the baseline got the recorded answer").startsWith("status: 200\n");

    List<Served> served = deploymentCalls(agent);
    assertThat(served).as("requests under the agent: " + agent.served()).hasSize(1);
    assertForwarded("the deployment request", deploymentCalls(plain).get(0).request(), served.get(0).request(),
        agent.app().apiKey());

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(span, AZURE_CHAT, new CallContext("azure-chat", agent.app().runId(), agent.port())),
        () -> assertThat(span.attrs().str("tollgate.pricing.model")).as("priced by the Azure entry " + span)
            .isEqualTo("azure/gpt-4o-mini-2024-07-18"),
        () -> TelemetryChecks.assertLlmMetrics(awaitMetrics(agent.app(), List.of(AZURE_CHAT)), List.of(AZURE_CHAT)),
        () -> assertNoSecretLeaks(agent.app()));
  }

  /**
   * The deployment is in the path, and Azure serves the path's deployment whatever the body says:
   * Fallback-Model names the deployment to try, and only the path changes (the body has no model,
   * so none is added).
   */
  @Test
  void fallbackModelNamesTheDeploymentToTry() {
    Consumer<FakeProvider> gpt4oUnavailable = p -> p.stubFor(post(urlPathEqualTo("/openai/deployments/gpt-4o/chat/completions"))
        .atPriority(1).willReturn(PolicyStubs.unavailable()));
    var plainRun = inBackground(() -> runAzure("azure-fallback", false, "baseline-AzureOpenAiTest-fallback", p -> { }));
    PolicyRun agent = runAzure("azure-fallback", true, "AzureOpenAiTest-fallback", gpt4oUnavailable);
    PolicyRun plain = plainRun.join();
    assertExitedCleanly(plain.app());
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());

    List<Served> served = deploymentCalls(agent);
    assertThat(served.stream().map(Served::status).toList()).as("what the provider answered: " + agent.served())
        .containsExactly(503, 200);
    RecordedRequest sent = deploymentCalls(plain).get(0).request();
    assertThat(sent.url()).isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
    assertForwarded("the request to deployment gpt-4o", sent, served.get(0).request(), agent.app().apiKey());
    RecordedRequest fallback = new RecordedRequest(sent.method(),
        "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21", sent.headers(), sent.body());
    assertForwarded("the request to deployment gpt-4o-mini", fallback, served.get(1).request(), agent.app().apiKey());

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(span, AZURE_CHAT, new CallContext("azure-fallback", agent.app().runId(), agent.port())),
        () -> {
          SoftAssertions soft = new SoftAssertions();
          soft.assertThat(span.attrs().lng("tollgate.fallback.index")).as("tollgate.fallback.index").isEqualTo(1L);
          checkAttempts(soft, span, List.of(Attempt.first(503, null), Attempt.after(0, 1000, 200, "gpt-4o-mini")));
          report(soft, "in the fallback recorded on " + span);
        },
        () -> assertNoSecretLeaks(agent.app()));
  }
}
