package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.TelemetryChecks;
import dev.tollgate.it.support.TelemetryChecks.CallContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gateway headers with values that make no sense ({@code Helicone-Retry-Num: lots},
 * {@code Helicone-Cache-Bucket-Max-Size: 99}, {@code Helicone-Fallbacks: [not json}, beside a
 * valid {@code Helicone-Retry-Enabled: true}), the same call made twice: both calls go through
 * as if those headers were absent, the provider never sees them, each span names the problems in
 * {@code tollgate.config.error}, and stderr gets one {@code [tollgate] WARN} line per kind of
 * problem, not one per call.
 */
class BadControlInputTest extends PolicyItBase {
  /** Kind of problem → what its span entry and its WARN line must mention (lower case). */
  static final Map<String, String> PROBLEMS = Map.of(
      "Retry-Num: lots", "retry-num",
      "Cache-Bucket-Max-Size: 99", "cache-bucket-max-size",
      "Fallbacks: [not json", "fallbacks");

  static Stream<Arguments> apps() {
    return Stream.of(Arguments.of(SampleApp.openAiJava()), Arguments.of(SampleApp.jdkHttpClient()), Arguments.of(SampleApp.okHttp()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void badHeaderValuesAreIgnoredNamedAndLoggedOnce(SampleApp app) {
    ProviderRun[] runs = plainAndAgent(app, "bad-headers", "BadControlInputTest-" + app.label(), r -> r);
    ProviderRun plain = runs[0];
    ProviderRun agent = runs[1];
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());
    // two requests, as the app sent them, minus every Helicone- header (the bad ones included)
    assertProviderSawTheSame(plain, agent, true);

    List<ReceivedSpan> spans = awaitSpans(agent.app(), 2);
    assertThat(spans).as("one span per call").hasSize(2);
    String stderr = agent.app().stderr();
    allOf(
        () -> TelemetryChecks.assertLlmSpan(spans.get(0), ExpectedCall.CHAT, new CallContext("bad-headers", agent.app().runId(), agent.port())),
        () -> TelemetryChecks.assertLlmSpan(spans.get(1), ExpectedCall.CHAT, new CallContext("bad-headers", agent.app().runId(), agent.port())),
        () -> {
          SoftAssertions soft = new SoftAssertions();
          for (ReceivedSpan span : spans) {
            List<String> errors = span.attrs().strings("tollgate.config.error");
            soft.assertThat(errors).as("tollgate.config.error (string array) on " + span).isNotNull().isNotEmpty();
            String all = errors == null ? "" : String.join(" | ", errors).toLowerCase(Locale.ROOT);
            PROBLEMS.forEach((problem, mention) -> soft.assertThat(all).as("tollgate.config.error names " + problem + ": " + errors)
                .contains(mention));
            // Helicone-Retry-Enabled: true was valid: the call ran under a retry policy with the default count
            soft.assertThat(span.attrs().lng("tollgate.retry.count")).as("tollgate.retry.count (retry policy on, nothing to retry) " + span)
                .isEqualTo(0L);
          }
          report(soft, "in the spans' account of the bad headers");
        },
        () -> {
          SoftAssertions soft = new SoftAssertions();
          List<String> warns = stderr.lines().filter(l -> l.contains("[tollgate] WARN")).toList();
          PROBLEMS.forEach((problem, mention) -> soft.assertThat(warns.stream()
                  .filter(l -> l.toLowerCase(Locale.ROOT).contains(mention)).count())
              .as("[tollgate] WARN lines about " + problem + " (once per kind, though sent twice): " + warns).isEqualTo(1L));
          soft.assertThat(stderr).as("no stack trace on stderr").doesNotContain("\tat ");
          report(soft, "in stderr:\n" + stderr);
        },
        () -> assertNoSecretLeaks(agent.app()));
  }
}
