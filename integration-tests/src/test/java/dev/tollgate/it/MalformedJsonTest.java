package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A 200 whose JSON body is broken reaches the app byte for byte; the call still gets its span. */
class MalformedJsonTest extends ItBase {

  static Stream<SampleApp> apps() {
    return Stream.of(SampleApp.jdkHttpClient(), SampleApp.okHttp());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void brokenBodyReachesTheAppUnchanged(SampleApp app) {
    ProviderRun[] runs = plainAndAgent(app, "raw", "MalformedJsonTest-" + app.label(), r -> r);
    ProviderRun plain = runs[0];
    ProviderRun agent = runs[1];
    assertExitedCleanly(agent.app());
    assertThat(indexOf(plain.app().stdoutBytes(), FakeProvider.MALFORMED_BODY))
        .as("the app prints the malformed body (harness sanity)").isNotNegative();
    assertSameStdout(plain.app(), agent.app());
    assertThat(indexOf(agent.app().stdoutBytes(), FakeProvider.MALFORMED_BODY))
        .as("the malformed body, byte for byte, in the app's output under the agent").isNotNegative();
    assertProviderSawTheSame(plain, agent, true);

    ReceivedSpan span = awaitOneSpan(agent.app());
    assertThat(span.name()).as(span.toString()).isEqualTo("chat gpt-4o-mini");
    assertThat(span.attrs().str("gen_ai.provider.name")).as(span.toString()).isEqualTo("openai");
    assertThat(span.attrs().lng("http.response.status_code")).as(span.toString()).isEqualTo(200L);
    assertThat(span.attrs().str(AppRunner.RUN_SPAN_ATTRIBUTE)).isEqualTo(agent.app().runId());
    assertNoSecretLeaks(agent.app());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
