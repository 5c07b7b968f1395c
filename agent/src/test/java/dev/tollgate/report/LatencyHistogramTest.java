package dev.tollgate.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void percentilesOfOneToAHundredMillisAreWithinTwoAndAHalfPercent() {
    LatencyHistogram h = new LatencyHistogram();
    for (int ms = 100; ms >= 1; ms--) {
      h.add(ms);
    }
    assertThat(h.count()).isEqualTo(100);
    assertThat(h.percentile(0.50)).isCloseTo(50, within(50 * 0.025));
    assertThat(h.percentile(0.95)).isCloseTo(95, within(95 * 0.025));
    assertThat(h.percentile(0.99)).isCloseTo(99, within(99 * 0.025));
    assertThat(h.percentile(1.0)).isEqualTo(100); // clamped to the largest value seen
  }

  @Test
  void aSingleValueIsExact() {
    LatencyHistogram h = new LatencyHistogram();
    h.add(322.0);
    assertThat(h.percentile(0.5)).isEqualTo(322.0);
    assertThat(h.percentile(0.99)).isEqualTo(322.0);
  }

  @Test
  void aSkewedDistributionPutsTheTailInP99Only() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < 980; i++) {
      h.add(200);
    }
    for (int i = 0; i < 20; i++) {
      h.add(9_000);
    }
    assertThat(h.percentile(0.50)).isCloseTo(200, within(5.0));
    assertThat(h.percentile(0.95)).isCloseTo(200, within(5.0));
    assertThat(h.percentile(0.99)).isCloseTo(9_000, within(9_000 * 0.025));
  }

  @Test
  void nothingCountedIsNaNAndBadValuesAreIgnored() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(h.percentile(0.5)).isNaN();
    h.add(-1);
    h.add(Double.NaN);
    h.add(Double.POSITIVE_INFINITY);
    assertThat(h.count()).isZero();
  }

  @Test
  void hugeAndTinyValuesLandInTheEndBuckets() {
    assertThat(LatencyHistogram.bucketOf(0.0)).isZero();
    assertThat(LatencyHistogram.bucketOf(1e12)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    LatencyHistogram h = new LatencyHistogram();
    h.add(0.01);
    h.add(5e9);
    assertThat(h.percentile(0.5)).isLessThanOrEqualTo(0.1); // the first bucket: up to 0.1 ms
    assertThat(h.percentile(1.0)).isEqualTo(5e9);
  }

  @Test
  void mergingAddsCountsAndRange() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    a.add(10);
    b.add(1_000);
    a.addAll(b);
    assertThat(a.count()).isEqualTo(2);
    assertThat(a.percentile(0.5)).isCloseTo(10, within(10 * 0.025));
    assertThat(a.percentile(1.0)).isEqualTo(1_000);
  }
}
