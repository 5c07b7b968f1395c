package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.provider.HeaderLookup;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RetrySettingsTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static RetrySettings settings(long seed) {
    return RetrySettings.builder().clock(CLOCK).random(new SplittableRandom(seed)).build();
  }

  private static HeaderLookup headers(String... nameValues) {
    Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put(nameValues[i], nameValues[i + 1]);
    }
    return m::get;
  }

  @Test
  void defaultsAreThoseOfSpec() {
    RetrySettings r = RetrySettings.builder().build();
    assertThat(r.maxRetries()).isEqualTo(3);
    assertThat(r.factor()).isEqualTo(2.0);
    assertThat(r.minDelayMillis()).isEqualTo(1_000);
    assertThat(r.maxDelayMillis()).isEqualTo(10_000);
    assertThat(r.onCodes()).isEqualTo(StatusCodes.of(429, 500, 502, 503, 504));
  }

  @Test
  void backoffStaysWithinMinAndTheExponentialCapOverManyDraws() {
    RetrySettings r = settings(42);
    // caps for 1 s * 2^(n-1), at most 10 s
    long[] caps = {1_000, 2_000, 4_000, 8_000, 10_000, 10_000};
    for (int n = 1; n <= caps.length; n++) {
      long lowest = Long.MAX_VALUE;
      long highest = Long.MIN_VALUE;
      double sum = 0;
      int draws = 20_000;
      for (int i = 0; i < draws; i++) {
        long d = r.delayMillis(n, null);
        assertThat(d).isBetween(1_000L, caps[n - 1]);
        lowest = Math.min(lowest, d);
        highest = Math.max(highest, d);
        sum += d;
      }
      if (caps[n - 1] > 1_000) {
        long span = caps[n - 1] - 1_000;
        // full jitter: the draws cover the whole range, uniformly
        assertThat(lowest).as("retry %d lowest", n).isLessThan(1_000 + span / 50);
        assertThat(highest).as("retry %d highest", n).isGreaterThan(caps[n - 1] - span / 50);
        assertThat(sum / draws).as("retry %d mean", n).isCloseTo(1_000 + span / 2.0,
            org.assertj.core.data.Offset.offset(span * 0.03));
      } else {
        assertThat(lowest).isEqualTo(1_000);
        assertThat(highest).isEqualTo(1_000);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    RetrySettings a = settings(5);
    RetrySettings b = settings(5);
    for (int n = 1; n <= 5; n++) {
      assertThat(a.delayMillis(n, null)).isEqualTo(b.delayMillis(n, null));
    }
  }

  @Test
  void customFactorAndBounds() {
    RetrySettings r = RetrySettings.builder().factor(3).delays(100, 500).random(new SplittableRandom(1)).build();
    for (int i = 0; i < 1_000; i++) {
      assertThat(r.delayMillis(1, null)).isEqualTo(100);
      assertThat(r.delayMillis(2, null)).isBetween(100L, 300L);
      assertThat(r.delayMillis(3, null)).isBetween(100L, 500L);
      assertThat(r.delayMillis(30, null)).as("huge exponent").isBetween(100L, 500L);
      assertThat(r.delayMillis(0, null)).as("below 1 counts as 1").isEqualTo(100);
    }
    RetrySettings constant = RetrySettings.builder().factor(1).delays(250, 10_000).build();
    assertThat(constant.delayMillis(7, null)).isEqualTo(250);
    RetrySettings immediate = RetrySettings.builder().delays(0, 0).build();
    assertThat(immediate.delayMillis(3, null)).isZero();
  }

  @Test
  void retryAfterSecondsWins() {
    RetrySettings r = settings(1);
    assertThat(r.delayMillis(1, headers("Retry-After", "1"))).isEqualTo(1_000);
    assertThat(r.delayMillis(3, headers("retry-after", " 20 "))).isEqualTo(20_000);
    assertThat(r.delayMillis(1, headers("Retry-After", "0"))).as("even below the minimum").isZero();
    assertThat(r.delayMillis(1, headers("Retry-After", "1.5"))).isEqualTo(1_500);
  }

  @Test
  void retryAfterHttpDateIsMeasuredAgainstTheClock() {
    RetrySettings r = settings(1);
    assertThat(r.delayMillis(1, headers("Retry-After", "Sun, 01 Jun 2025 12:00:05 GMT"))).isEqualTo(5_000);
    assertThat(r.delayMillis(1, headers("Retry-After", "Sun, 01 Jun 2025 11:59:00 GMT"))).as("in the past").isZero();
    assertThat(r.delayMillis(1, headers("Retry-After", "Sun, 01 Jun 2025 13:00:00 GMT"))).as("capped")
        .isEqualTo(60_000);
  }

  @Test
  void retryAfterMsWinsOverRetryAfter() {
    RetrySettings r = settings(1);
    assertThat(r.delayMillis(1, headers("retry-after-ms", "1500", "Retry-After", "2"))).isEqualTo(1_500);
    assertThat(r.delayMillis(1, headers("retry-after-ms", "20"))).isEqualTo(20);
    assertThat(r.delayMillis(1, headers("retry-after-ms", "20.2"))).as("rounded up").isEqualTo(21);
    assertThat(r.delayMillis(1, headers("retry-after-ms", "nope", "Retry-After", "3"))).as("bad ms, good seconds")
        .isEqualTo(3_000);
  }

  @Test
  void theProviderDelayIsCappedAtSixtySeconds() {
    RetrySettings r = settings(1);
    assertThat(r.delayMillis(1, headers("Retry-After", "3600"))).isEqualTo(60_000);
    assertThat(r.delayMillis(1, headers("Retry-After", "99999999999999999999"))).isEqualTo(60_000);
    assertThat(r.delayMillis(1, headers("retry-after-ms", "600000"))).isEqualTo(60_000);
  }

  @Test
  void garbageRetryAfterFallsBackToTheBackoff() {
    for (String garbage : new String[] {"soon", "-5", "", "1e3", "Sunday", "12:00", ".5", "5."}) {
      RetrySettings r = settings(9);
      RetrySettings reference = settings(9);
      long d = r.delayMillis(2, headers("Retry-After", garbage, "retry-after-ms", garbage));
      assertThat(d).as(garbage).isEqualTo(reference.delayMillis(2, null)).isBetween(1_000L, 2_000L);
    }
    RetrySettings r = settings(9);
    assertThat(r.delayMillis(1, HeaderLookup.NONE)).as("no headers").isEqualTo(1_000);
  }

  @Test
  void aFailingHeaderLookupFallsBackToTheBackoff() {
    RetrySettings r = settings(3);
    HeaderLookup broken = name -> {
      throw new IllegalStateException("closed");
    };
    assertThat(r.delayMillis(1, broken)).isEqualTo(1_000);
  }

  @Test
  void retriableStatuses() {
    RetrySettings r = RetrySettings.builder().build();
    for (int s : new int[] {429, 500, 502, 503, 504}) {
      assertThat(r.retriesStatus(s)).as("%d", s).isTrue();
    }
    for (int s : new int[] {200, 400, 401, 404, 422, 501, 505, 0, -1, 1000}) {
      assertThat(r.retriesStatus(s)).as("%d", s).isFalse();
    }
    RetrySettings custom = RetrySettings.builder().onCodes(StatusCodes.parse("408, 520-529")).build();
    assertThat(custom.retriesStatus(408)).isTrue();
    assertThat(custom.retriesStatus(522)).isTrue();
    assertThat(custom.retriesStatus(429)).isFalse();
  }

  @Test
  void builderValidates() {
    assertThatThrownBy(() -> RetrySettings.builder().maxRetries(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetrySettings.builder().maxRetries(11)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetrySettings.builder().factor(0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetrySettings.builder().factor(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetrySettings.builder().factor(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetrySettings.builder().delays(-1, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetrySettings.builder().delays(6, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetrySettings.builder().onCodes(null)).isInstanceOf(NullPointerException.class);
    assertThat(RetrySettings.builder().maxRetries(10).build().maxRetries()).isEqualTo(10);
  }
}
