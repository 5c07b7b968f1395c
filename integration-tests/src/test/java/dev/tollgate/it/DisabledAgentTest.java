package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code -Dtollgate.enabled=false}: the agent installs nothing: same output, headers untouched, nothing exported. */
class DisabledAgentTest extends ItBase {

  static Stream<SampleApp> apps() {
    return Stream.of(SampleApp.openAiJava(), SampleApp.jdkHttpClient());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void installsNothing(SampleApp app) {
    ProviderRun[] runs = plainAndAgent(app, "chat", "DisabledAgentTest-" + app.label(),
        r -> r.sysProp("tollgate.enabled", "false"));
    ProviderRun plain = runs[0];
    ProviderRun disabled = runs[1];
    assertExitedCleanly(disabled.app());
    assertSameStdout(plain.app(), disabled.app());
    // nothing installed: the request goes out exactly as the app wrote it, Helicone headers included
    assertProviderSawTheSame(plain, disabled, false);
    for (RecordedRequest request : disabled.requests()) {
      assertThat(request.firstHeader("Helicone-User-Id")).as(request.toString()).isEqualTo("demo-user");
    }
    assertNothingExported(disabled.app());
  }
}
