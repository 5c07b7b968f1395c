package dev.tollgate.report;

/**
 * Durations in milliseconds, counted in logarithmic buckets (each 5 % wider than the one
 * before, from 0.1 ms to about an hour), so p50/p95/p99 need a fixed 3 KB however many calls
 * were made. A percentile is the geometric middle of its bucket, clamped to the smallest and
 * largest value seen: at most about 2.5 % off; the largest value (and so a single value) is exact.
 *
 * <p>Not thread-safe: {@link ReportCollector} holds its lock.
 */
final class LatencyHistogram {
  private static final double SMALLEST_MILLIS = 0.1;
  private static final double GROWTH = 1.05;
  private static final double LOG_GROWTH = Math.log(GROWTH);
  static final int BUCKETS = 360; // 0.1 ms × 1.05^359 ≈ 4 million ms

  private final long[] counts = new long[BUCKETS];
  private long count;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  void add(double millis) {
    if (!(millis >= 0) || Double.isInfinite(millis)) {
      return;
    }
    counts[bucketOf(millis)]++;
    count++;
    min = Math.min(min, millis);
    max = Math.max(max, millis);
  }

  static int bucketOf(double millis) {
    if (millis <= SMALLEST_MILLIS) {
      return 0;
    }
    int i = (int) Math.floor(Math.log(millis / SMALLEST_MILLIS) / LOG_GROWTH);
    return Math.min(Math.max(i, 0), BUCKETS - 1);
  }

  void addAll(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    count += other.count;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
  }

  long count() {
    return count;
  }

  /** The nearest-rank percentile ({@code p} in 0..1), or NaN when nothing was counted. */
  double percentile(double p) {
    if (count == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(p * count));
    if (rank >= count) {
      return max;
    }
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        if (i == BUCKETS - 1) {
          return max; // the last bucket has no upper bound
        }
        double low = i == 0 ? 0 : SMALLEST_MILLIS * Math.pow(GROWTH, i);
        double high = SMALLEST_MILLIS * Math.pow(GROWTH, i + 1);
        double middle = i == 0 ? high / 2 : Math.sqrt(low * high);
        return Math.min(max, Math.max(min, middle));
      }
    }
    return max;
  }
}
