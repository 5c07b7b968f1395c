package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.OtelTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bridge's thread-local rules: handled once across layers, never for our own clients. */
class TollgateTest {

  @AfterEach
  void uninstall() {
    Tollgate.install(null);
  }

  private static void installGateway() {
    Tollgate.install(new Gateway(TollgateConfig.of(Map.of()), () -> (r, p) -> { },
        () -> new OtelTelemetry(OpenTelemetry.noop())));
  }

  @Test
  void nothingIsRecognisedWhenNotInstalled() {
    assertThat(Tollgate.recognize("api.openai.com", 443, "/v1/chat/completions", HeaderLookup.NONE)).isNull();
  }

  @Test
  void aRequestInsideAHandledCallIsNotHandledAgain() {
    installGateway();
    assertThat(Tollgate.recognize("api.openai.com", 443, "/v1/chat/completions", HeaderLookup.NONE)).isNotNull();

    boolean outer = Tollgate.enterHandling();
    boolean inner = Tollgate.enterHandling(); // a second instrumented layer under the first
    assertThat(Tollgate.recognize("api.openai.com", 443, "/v1/chat/completions", HeaderLookup.NONE))
        .as("the inner layer passes the request through").isNull();
    Tollgate.exitHandling(inner);
    assertThat(Tollgate.recognize("api.openai.com", 443, "/v1/chat/completions", HeaderLookup.NONE))
        .as("still inside the outer call").isNull();
    Tollgate.exitHandling(outer);

    assertThat(Tollgate.recognize("api.openai.com", 443, "/v1/chat/completions", HeaderLookup.NONE))
        .as("the next call on this thread is handled").isNotNull();
  }

  @Test
  void handlingIsPerThread() throws Exception {
    installGateway();
    boolean was = Tollgate.enterHandling();
    try {
      Object[] seen = new Object[1];
      Thread other = new Thread(() ->
          seen[0] = Tollgate.recognize("api.openai.com", 443, "/v1/chat/completions", HeaderLookup.NONE));
      other.start();
      other.join();
      assertThat(seen[0]).isNotNull();
    } finally {
      Tollgate.exitHandling(was);
    }
  }

  @Test
  void suppressionIsScopedToTheRunnable() {
    assertThat(Tollgate.isSuppressed()).isFalse();
    boolean[] inside = new boolean[1];
    Tollgate.runSuppressed(() -> inside[0] = Tollgate.isSuppressed());
    assertThat(inside[0]).isTrue();
    assertThat(Tollgate.isSuppressed()).isFalse();
  }
}
