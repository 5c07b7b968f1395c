package dev.tollgate.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimeSeriesTest {
  private static final long MINUTE = TimeSeries.MINUTE;
  private static final long HOUR = TimeSeries.HOUR;
  /** 2025-01-01T00:00:00Z, a whole hour. */
  private static final long T0 = 1_735_689_600_000L;

  private static CallFacts at(long t, String model, double cost, boolean error) {
    return new CallFacts(t, model, "openai", null, Map.of(), cost, 1, 1, 0, null, 0, 10, -1, error ? 500 : 200,
        error ? "500" : null);
  }

  @Test
  void callsOfTheLastDayArePerMinute() {
    TimeSeries s = new TimeSeries();
    long now = T0 + 10 * HOUR;
    s.add(at(now - 30_000, "gpt-4o-mini", 0.01, false), now);
    s.add(at(now - 20_000, "gpt-4o", 0.10, true), now);
    s.add(at(now - 5 * MINUTE, "gpt-4o-mini", 0.02, false), now);
    s.add(at(now - 23 * HOUR, "gpt-4o-mini", 0.04, false), now);

    List<TimeSeries.Bucket> buckets = s.buckets(now);
    assertThat(buckets).extracting(b -> b.width).containsOnly(MINUTE);
    assertThat(buckets).hasSize(3);
    TimeSeries.Bucket last = buckets.get(buckets.size() - 1);
    assertThat(last.start).isEqualTo(TimeSeries.floor(now - 30_000, MINUTE));
    assertThat(last.requests).isEqualTo(2);
    assertThat(last.errors).isEqualTo(1);
    assertThat(last.costUsd).isEqualTo(0.11, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(last.costByModel).containsOnlyKeys("gpt-4o-mini", "gpt-4o");
  }

  @Test
  void minutesOlderThanADayFoldIntoHoursAndHoursOlderThanThirtyDaysGo() {
    TimeSeries s = new TimeSeries();
    long now = T0;
    s.add(at(now + 1 * MINUTE, "m", 1, false), now + 2 * MINUTE);
    s.add(at(now + 2 * MINUTE, "m", 2, false), now + 2 * MINUTE);
    s.add(at(now + 59 * MINUTE, "m", 4, true), now + 59 * MINUTE);
    assertThat(s.minuteBuckets()).isEqualTo(3);

    List<TimeSeries.Bucket> dayLater = s.buckets(now + 25 * HOUR);
    assertThat(s.minuteBuckets()).isZero();
    assertThat(dayLater).hasSize(1);
    TimeSeries.Bucket hour = dayLater.get(0);
    assertThat(hour.width).isEqualTo(HOUR);
    assertThat(hour.start).isEqualTo(now);
    assertThat(hour.requests).isEqualTo(3);
    assertThat(hour.errors).isEqualTo(1);
    assertThat(hour.costUsd).isEqualTo(7.0);

    assertThat(s.buckets(now + 31 * 24 * HOUR)).isEmpty();
    assertThat(s.callsTooOld()).isEqualTo(3);
  }

  @Test
  void aBucketNamesAtMostEightModels() {
    TimeSeries s = new TimeSeries();
    for (int i = 0; i < 12; i++) {
      s.add(at(T0, "model-" + i, 1, false), T0);
    }
    TimeSeries.Bucket b = s.buckets(T0).get(0);
    assertThat(b.costByModel).hasSize(TimeSeries.MODELS_PER_BUCKET);
    assertThat(b.otherModelsCostUsd).isEqualTo(4.0);
    assertThat(b.costUsd).isEqualTo(12.0);
  }

  @Test
  void aCallEveryMinuteForFortyDaysKeepsAtMostADayOfMinutesAndThirtyDaysOfHours() {
    TimeSeries s = new TimeSeries();
    long now = T0;
    for (int i = 0; i < 40 * 24 * 60; i++) {
      now += MINUTE;
      s.add(at(now, "m", 0.001, false), now);
    }
    assertThat(s.minuteBuckets()).isLessThanOrEqualTo(24 * 60 + 1);
    assertThat(s.hourBuckets()).isLessThanOrEqualTo(30 * 24 + 1);
    long kept = s.buckets(now).stream().mapToLong(b -> b.requests).sum();
    assertThat(kept + s.callsTooOld()).as("no call lost or counted twice").isEqualTo(40 * 24 * 60);
  }

  @Test
  void aCallFromTheFutureCountsNow() {
    TimeSeries s = new TimeSeries();
    s.add(at(T0 + 3 * HOUR, "m", 1, false), T0);
    assertThat(s.buckets(T0).get(0).start).isEqualTo(T0);
  }
}
