package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.SampleApp;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** {@code -Dtollgate.console=true}: one readable stderr line per call naming provider, model, status, tokens and cost. */
class ConsoleOutputTest extends ItBase {

  @Test
  void oneLinePerCall() {
    SampleApp app = SampleApp.openAiJava();
    ProviderRun[] runs = plainAndAgent(app, "chat", "ConsoleOutputTest", r -> r.sysProp("tollgate.console", "true"));
    ProviderRun plain = runs[0];
    ProviderRun console = runs[1];
    assertExitedCleanly(console.app());
    assertSameStdout(plain.app(), console.app());

    List<String> lines = console.app().stderr().lines().filter(l -> l.contains("gpt-4o-mini")).toList();
    assertThat(lines).as("stderr lines naming the model (one per call)\n" + console.app().describe()).hasSize(1);
    String line = lines.get(0);
    String lower = line.toLowerCase(Locale.ROOT);
    assertThat(lower).as("provider in: " + line).contains("openai");
    assertThat(line).as("status in: " + line).containsPattern("\\b200\\b");
    assertThat(line).as("input tokens (22) in: " + line).containsPattern("\\b22\\b");
    assertThat(line).as("output tokens (2) in: " + line).containsPattern("\\b2\\b");
    assertThat(lower).as("a cost in: " + line).containsPattern("\\$|usd");
    assertNoSecretLeaks(console.app());
  }
}
