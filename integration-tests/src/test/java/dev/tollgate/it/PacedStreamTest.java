package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.PacedSseServer;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.Recording;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.TelemetryChecks;
import dev.tollgate.it.support.TelemetryChecks.CallContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A stream whose events the server sends ~300 ms apart reaches the app event by event under the
 * agent (the app's {@code chunk-ms} stderr lines keep the server's pacing), and the span's
 * time-to-first-chunk is the first event's, not the end of the stream's.
 */
class PacedStreamTest extends ItBase {
  private static final Duration PAUSE = Duration.ofMillis(300);

  static Stream<Arguments> apps() {
    return Stream.of(Arguments.of(SampleApp.jdkHttpClient(), "stream"), Arguments.of(SampleApp.okHttp(), "stream"),
        Arguments.of(SampleApp.apache5(), "async-stream"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("apps")
  void chunksArriveAsTheyAreSent(SampleApp app, String scenario) throws Exception {
    try (PacedSseServer server = new PacedSseServer(Recording.CHAT_STREAM, PAUSE)) {
      CompletableFuture<AppRun> plainRun = inBackground(() -> AppRunner.launch(app, scenario).withAgent(false)
          .testName("PacedStreamTest-plain-" + app.label() + "-" + scenario).baseUrl(server.baseUrl()).run());
      AppRun agent = AppRunner.launch(app, scenario).withAgent(true)
          .testName("PacedStreamTest-" + app.label() + "-" + scenario).baseUrl(server.baseUrl()).run();
      AppRun plain = plainRun.join();
      assertExitedCleanly(plain);
      assertExitedCleanly(agent);
      assertSameStdout(plain, agent);

      assertPaced(plain, server.eventCount(), "without the agent (harness sanity)");
      assertPaced(agent, server.eventCount(), "with the agent");

      ReceivedSpan span = awaitOneSpan(agent);
      double streamSeconds = (server.eventCount() - 1) * PAUSE.toMillis() / 1000.0;
      allOf(
          () -> TelemetryChecks.assertLlmSpan(span, ExpectedCall.CHAT_STREAM,
              new CallContext(scenario, agent.runId(), server.port())),
          () -> assertThat(span.durationSeconds()).as("the span lasts the whole stream: " + span)
              .isGreaterThanOrEqualTo(streamSeconds * 0.8),
          () -> assertThat(span.attrs().dbl("gen_ai.response.time_to_first_chunk"))
              .as("time to first chunk is the first event's, far before the stream's end: " + span)
              .isNotNull().isLessThan(span.durationSeconds() - streamSeconds * 0.5));
      assertNoSecretLeaks(agent);
    }
  }

  private static void assertPaced(AppRun run, int events, String which) {
    List<Long> millis = chunkMillis(run);
    assertThat(millis).as("chunk-ms lines " + which + "\n" + run.describe()).hasSize(events);
    long spread = millis.get(millis.size() - 1) - millis.get(0);
    long expected = (events - 1) * PAUSE.toMillis();
    assertThat(spread).as("ms between the first and last event reaching the app " + which + ": " + millis)
        .isGreaterThanOrEqualTo(expected * 7 / 10);
    long pacedGaps = 0;
    for (int i = 1; i < millis.size(); i++) {
      if (millis.get(i) - millis.get(i - 1) >= PAUSE.toMillis() / 2) {
        pacedGaps++;
      }
    }
    assertThat(pacedGaps).as("gaps of at least half the server's pause " + which + ": " + millis)
        .isGreaterThanOrEqualTo(events - 2L);
  }
}
