package dev.tollgate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HealthWatchTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private final AtomicLong now = new AtomicLong(0);

  private HealthWatch watch(HealthRule... rules) {
    return new HealthWatch(List.of(rules), now::get);
  }

  @Test
  void theErrorRateFiresOnceItsMinimumOfCallsIsThereThenStaysSilentForAWindow() {
    HealthWatch w = watch(HealthRule.parse(HealthRule.Kind.ERROR_RATE, "50%;w=1m;min=4"));
    assertThat(w.record(10 * MS, true)).isEmpty();
    assertThat(w.record(10 * MS, true)).isEmpty();
    assertThat(w.record(10 * MS, false)).as("3 calls: below the minimum").isEmpty();
    List<HealthWatch.Firing> fired = w.record(10 * MS, false);
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).observed).isEqualTo(0.5);
    assertThat(fired.get(0).calls).isEqualTo(4);
    assertThat(w.record(10 * MS, true)).as("silent for the window").isEmpty();

    now.addAndGet(TimeUnit.SECONDS.toNanos(61));
    for (int i = 0; i < 3; i++) {
      assertThat(w.record(10 * MS, false)).isEmpty();
    }
    assertThat(w.record(10 * MS, false)).as("the old errors left the window").isEmpty();
    assertThat(w.record(10 * MS, true)).isEmpty();
    assertThat(w.record(10 * MS, true)).isEmpty();
    assertThat(w.record(10 * MS, true)).as("3 errors of 7").isEmpty();
    assertThat(w.record(10 * MS, true)).as("4 errors of 8").hasSize(1);
  }

  @Test
  void theLatencyPercentileFiresWhenTheSlowCallsReachIt() {
    HealthWatch w = watch(HealthRule.parse(HealthRule.Kind.LATENCY, "1s;w=1m;p=90;min=10"));
    for (int i = 0; i < 9; i++) {
      assertThat(w.record(100 * MS, false)).isEmpty();
    }
    assertThat(w.record(5_000 * MS, false)).as("p90 of ten calls, one slow: the 9th, 100 ms").isEmpty();
    List<HealthWatch.Firing> fired = w.record(1_500 * MS, false);
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).observed).as("p90 of 11: the 10th").isEqualTo(1_500.0);
  }

  @Test
  void bothRulesAreWatchedApart() {
    HealthWatch w = watch(HealthRule.parse(HealthRule.Kind.ERROR_RATE, "10%;min=1"),
        HealthRule.parse(HealthRule.Kind.LATENCY, "1s;min=1"));
    assertThat(w.record(2_000 * MS, true)).extracting(f -> f.rule.kind())
        .containsExactly(HealthRule.Kind.ERROR_RATE, HealthRule.Kind.LATENCY);
    assertThat(watch().isEmpty()).isTrue();
    assertThat(watch().record(1, true)).isEmpty();
  }
}
