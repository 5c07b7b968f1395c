package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.SampleApp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * With the OTLP endpoint on a closed port, the app behaves exactly as without the agent: same
 * stdout, exit 0, no stack traces on stderr, and not noticeably slower than with a live exporter.
 */
class ExporterDownTest extends ItBase {
  /**
   * What a dead exporter may add to the app's wall time: 2 s, or half the live run's time on a
   * machine so loaded that one JVM run takes many seconds (both runs then jitter by seconds).
   * What this guards against is far larger: an exporter that waited out its 10 s timeout, or
   * retried, at exit.
   */
  private static final long MAX_EXTRA_MILLIS = 2000;

  @Test
  void deadExporterChangesNothingForTheApp() throws IOException {
    SampleApp app = SampleApp.jdkHttpClient();
    String deadEndpoint = "http://127.0.0.1:" + closedPort();
    CompletableFuture<ProviderRun> live = inBackground(() -> againstFakeProvider(
        AppRunner.launch(app, "chat").withAgent(true).testName("ExporterDownTest-live")
            .sysProp("tollgate.shutdown-timeout", "1s")));
    // the product's default exit budget, not the longer one the other tests get
    ProviderRun[] runs = plainAndAgent(app, "chat", "ExporterDownTest-dead",
        r -> r.otlpEndpoint(deadEndpoint).sysProp("tollgate.shutdown-timeout", "1s"));
    ProviderRun plain = runs[0];
    ProviderRun dead = runs[1];
    ProviderRun up = live.join();

    assertExitedCleanly(dead.app());
    assertSameStdout(plain.app(), dead.app());
    assertProviderSawTheSame(plain, dead, true);
    assertThat(dead.app().stderr().lines().filter(l -> l.startsWith("\tat ")).toList())
        .as("stack trace lines on the app's stderr with a dead exporter\n" + dead.app().describe()).isEmpty();

    assertExitedCleanly(up.app());
    assertThat(dead.app().wallMillis())
        .as("wall time with a dead exporter (" + dead.app().wallMillis() + " ms) vs a live one (" + up.app().wallMillis() + " ms)")
        .isLessThanOrEqualTo(up.app().wallMillis() + Math.max(MAX_EXTRA_MILLIS, up.app().wallMillis() / 2));
    assertNoSecretLeaks(dead.app());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
