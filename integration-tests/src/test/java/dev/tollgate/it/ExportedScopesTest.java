package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.ReceivedMetric;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.TelemetryChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Everything a run exports is under the instrumentation scope {@code dev.tollgate} (SPEC.md,
 * "Telemetry"): in particular no telemetry of the relocated OpenTelemetry SDK itself, whose scope
 * names would leak the {@code dev.tollgate.shaded.} package to the user's backend.
 */
class ExportedScopesTest extends ItBase {

  @Test
  void everythingExportedIsUnderTheTollgateScope() {
    ProviderRun run = againstFakeProvider(AppRunner.launch(SampleApp.jdkHttpClient(), "chat").withAgent(true)
        .testName("ExportedScopesTest"));
    assertExitedCleanly(run.app());
    List<ReceivedSpan> spans = List.of(awaitOneSpan(run.app()));
    List<ReceivedMetric> metrics = awaitMetrics(run.app(), List.of(ExpectedCall.CHAT));
    assertThat(TelemetryChecks.latestByName(metrics).keySet()).as("the call's metrics arrived")
        .containsAll(TelemetryChecks.CALL_METRICS);

    assertThat(spans.stream().map(ReceivedSpan::scopeName).distinct().toList()).as("scopes of the exported spans")
        .containsOnly(TelemetryChecks.SCOPE);
    assertThat(metrics.stream().map(m -> m.scopeName() + " (" + m.name() + ")").distinct().toList())
        .as("scopes of the exported metrics").allMatch(s -> s.startsWith(TelemetryChecks.SCOPE + " ("));
  }
}
