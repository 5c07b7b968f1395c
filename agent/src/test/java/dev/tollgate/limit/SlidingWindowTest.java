package dev.tollgate.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  @Test
  void anAmountCountsForAWindowAndAtMostOneSlotMore() {
    SlidingWindow w = new SlidingWindow(60 * S);
    long t0 = 1_000 * S + S / 2;
    w.add(t0, 2.5);
    assertThat(w.sum(t0)).isEqualTo(2.5);
    assertThat(w.sum(t0 + 60 * S - 1)).isEqualTo(2.5);
    assertThat(w.sum(t0 + 61 * S)).isZero();
  }

  @Test
  void slotsAreReusedAsTimeGoesRoundTheRing() {
    SlidingWindow w = new SlidingWindow(60 * S);
    for (int i = 0; i < 300; i++) {
      w.add(i * S, 1);
    }
    double sum = w.sum(299 * S);
    assertThat(sum).as("the last 60..61 seconds").isBetween(60.0, 61.0);
  }

  @Test
  void worksWithNegativeTickerReadings() {
    SlidingWindow w = new SlidingWindow(60 * S);
    w.add(-5 * S, 1);
    assertThat(w.sum(-4 * S)).isEqualTo(1);
    assertThat(w.nanosUntilOldestLeaves(-4 * S)).isBetween(59 * S, 61 * S);
  }

  @Test
  void nothingCountedNothingToWaitFor() {
    assertThat(new SlidingWindow(60 * S).nanosUntilOldestLeaves(0)).isZero();
    assertThatThrownBy(() -> new SlidingWindow(10)).isInstanceOf(IllegalArgumentException.class);
  }
}
