package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken configuration is logged once and ignored: a corrupt price file, a malformed
 * endpoint mapping and a non-boolean switch leave the application's call exactly as it was,
 * and the call is still observed and priced from the bundled table.
 */
class BadConfigurationTest extends ItBase {

  @Test
  void brokenSettingsAreLoggedOnceAndIgnored(@TempDir Path dir) throws IOException {
    Path prices = dir.resolve("prices.json");
    Files.writeString(prices, "{\"gpt-4o-mini\": {\"input_cost_per_token\": ", StandardCharsets.UTF_8);
    SampleApp app = SampleApp.openAiJava();
    ProviderRun[] runs = plainAndAgent(app, "chat", "BadConfigurationTest", r -> r
        .sysProp("tollgate.pricing.file", prices.toString())
        .sysProp("tollgate.endpoints", "this-is-not-a-mapping")
        .sysProp("tollgate.detect-by-path", "yes please"));
    assertExitedCleanly(runs[1].app());
    assertSameStdout(runs[0].app(), runs[1].app());

    String stderr = runs[1].app().stderr();
    assertThat(stderr.lines().filter(l -> l.contains(prices.toString()))).as(stderr).hasSize(1);
    assertThat(stderr.lines().filter(l -> l.contains("this-is-not-a-mapping"))).as(stderr).hasSize(1);
    assertThat(stderr.lines().filter(l -> l.contains("tollgate.detect-by-path"))).as(stderr).hasSize(1);
    assertThat(stderr).as("no stack traces").doesNotContain("\tat ");

    ReceivedSpan span = awaitSpans(runs[1].app(), 1).get(0);
    assertThat(span.attrs().str("tollgate.pricing.model")).as("priced from the bundled table")
        .isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(span.attrs().dbl("tollgate.cost.usd")).isPositive();
  }
}
