package dev.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Without the OpenTelemetry Java agent (as here) the work runs as it is; beside it, AppTracesTest shows the effect. */
class JavaAgentSuppressionTest {
  @Test
  void withoutTheJavaAgentTheWorkRunsOnce() {
    AtomicInteger runs = new AtomicInteger();

    JavaAgentSuppression.run(runs::incrementAndGet);

    assertThat(JavaAgentSuppression.available()).isFalse();
    assertThat(runs).hasValue(1);
  }
}
