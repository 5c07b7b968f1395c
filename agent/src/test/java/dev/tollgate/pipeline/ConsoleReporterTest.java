package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.telemetry.CallRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleReporterTest {

  private static CallRecord priced() {
    CallRecord r = new CallRecord();
    r.provider = "openai";
    r.operation = "chat";
    r.requestModel = "gpt-4o-mini";
    r.responseModel = "gpt-4o-mini-2024-07-18";
    r.statusCode = 200;
    r.startNanos = 1_000_000_000L;
    r.endNanos = 1_250_000_000L;
    r.inputTokens = 120L;
    r.outputTokens = 30L;
    r.cacheReadTokens = 100L;
    r.costUsd = 0.0000375;
    r.userId = "alice";
    r.properties.put("Environment", "prod");
    r.properties.put("team", "search");
    return r;
  }

  @Test
  void namesProviderModelStatusTokensCostAndProperties() {
    String line = ConsoleReporter.format(priced());

    assertThat(line)
        .startsWith("[tollgate] ")
        .contains("openai")
        .contains("chat")
        .contains("gpt-4o-mini")
        .contains("(gpt-4o-mini-2024-07-18)")
        .contains("-> 200")
        .contains("in 250 ms")
        .contains("tokens 120 in / 30 out")
        .contains("(100 cached)")
        .contains("cost $0.00003750")
        .contains("user=alice")
        .contains("properties {Environment=prod, team=search}")
        .doesNotContain("unpriced")
        .doesNotContain("\n");
  }

  @Test
  void unpricedWhenNoCost() {
    CallRecord r = priced();
    r.costUsd = null;

    assertThat(ConsoleReporter.format(r)).contains("unpriced").doesNotContain("cost $");
  }

  @Test
  void zeroCostIsPricedNotUnpriced() {
    CallRecord r = priced();
    r.costUsd = 0.0;

    assertThat(ConsoleReporter.format(r)).contains("cost $0.00000000").doesNotContain("unpriced");
  }

  @Test
  void minimalRecord() {
    CallRecord r = new CallRecord();
    r.provider = "vllm";
    r.operation = "chat";

    String line = ConsoleReporter.format(r);

    assertThat(line)
        .contains("vllm chat ?")
        .contains("no response")
        .contains("unpriced")
        .doesNotContain("tokens")
        .doesNotContain("user=")
        .doesNotContain("properties");
  }

  @Test
  void streamsAndErrors() {
    CallRecord r = priced();
    r.stream = true;
    r.statusCode = 429;
    r.errorType = "429";
    assertThat(ConsoleReporter.format(r)).contains(" stream").contains("-> 429").doesNotContain("error=");

    CallRecord failed = priced();
    failed.statusCode = -1;
    failed.errorType = "java.io.IOException";
    assertThat(ConsoleReporter.format(failed)).contains("no response").contains("error=java.io.IOException");
  }

  @Test
  void sameResponseModelIsNotRepeated() {
    CallRecord r = priced();
    r.responseModel = r.requestModel;
    assertThat(ConsoleReporter.format(r)).doesNotContain("(gpt-4o-mini)");
  }

  @Test
  void embeddingsReportInputTokensOnly() {
    CallRecord r = priced();
    r.outputTokens = null;
    r.cacheReadTokens = null;
    assertThat(ConsoleReporter.format(r)).contains("tokens 120 in,").doesNotContain(" out").doesNotContain("cached");
  }

  @Test
  void reportPrintsOneLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new ConsoleReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8)).report(priced());

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).isEqualTo(ConsoleReporter.format(priced()) + System.lineSeparator());
  }
}
