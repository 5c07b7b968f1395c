package dev.tollgate.alert;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Watches the error rate and latency of finished calls against the configured
 * {@link HealthRule}s and says when one is crossed; then that rule stays silent for one
 * window, so that a bad spell raises one alert per window, not one per call.
 *
 * <p>The last {@value #MAX_SAMPLES} calls of each window are kept (time, duration, error), so
 * a very busy window is judged on its latest calls. The error count is kept as calls come and
 * go: cheap on every call. The latency percentile sorts the durations: on every call while
 * few are kept, at most once a second beyond that.
 */
final class HealthWatch {
  static final int MAX_SAMPLES = 8192;
  private static final int EVALUATE_EVERY_CALL_UP_TO = 256;
  private static final long EVALUATION_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Ticker ticker;
  private final List<Watch> watches = new ArrayList<>(2);

  HealthWatch(List<HealthRule> rules, Ticker ticker) {
    this.ticker = ticker;
    for (HealthRule r : rules) {
      watches.add(new Watch(r));
    }
  }

  boolean isEmpty() {
    return watches.isEmpty();
  }

  /** A finished call; returns what it set off (usually nothing). */
  List<Firing> record(long durationNanos, boolean error) {
    if (watches.isEmpty()) {
      return List.of();
    }
    long now = ticker.read();
    List<Firing> fired = new ArrayList<>(0);
    for (Watch w : watches) {
      Firing f;
      synchronized (w) {
        f = w.record(now, durationNanos, error);
      }
      if (f != null) {
        fired.add(f);
      }
    }
    return fired;
  }

  /** A rule crossed: the value seen (a share 0..1, or milliseconds) over how many calls. */
  static final class Firing {
    final HealthRule rule;
    final double observed;
    final int calls;

    Firing(HealthRule rule, double observed, int calls) {
      this.rule = rule;
      this.observed = observed;
      this.calls = calls;
    }
  }

  /** One rule's samples. Guarded by its own monitor. */
  private static final class Watch {
    private final HealthRule rule;
    private final long windowNanos;
    // the samples of the window, oldest first, in a ring
    private final long[] at = new long[MAX_SAMPLES];
    private final long[] durations = new long[MAX_SAMPLES];
    private final boolean[] errors = new boolean[MAX_SAMPLES];
    private int head;
    private int size;
    private int errorCount;
    private long silentUntil = Long.MIN_VALUE;
    private boolean silenced;
    private long lastEvaluation;
    private boolean evaluated;

    Watch(HealthRule rule) {
      this.rule = rule;
      this.windowNanos = TimeUnit.MILLISECONDS.toNanos(rule.windowMillis());
    }

    Firing record(long now, long durationNanos, boolean error) {
      dropOlderThan(now - windowNanos);
      if (size == MAX_SAMPLES) {
        dropOldest();
      }
      int i = (head + size) % MAX_SAMPLES;
      at[i] = now;
      durations[i] = durationNanos;
      errors[i] = error;
      size++;
      if (error) {
        errorCount++;
      }
      if (silenced && now - silentUntil < 0) {
        return null;
      }
      silenced = false;
      if (size < rule.minCalls()) {
        return null;
      }
      double observed;
      if (rule.kind() == HealthRule.Kind.ERROR_RATE) {
        observed = errorCount / (double) size;
        if (observed < rule.threshold()) {
          return null;
        }
      } else {
        if (size > EVALUATE_EVERY_CALL_UP_TO && evaluated && now - lastEvaluation < EVALUATION_INTERVAL_NANOS) {
          return null;
        }
        evaluated = true;
        lastEvaluation = now;
        observed = percentileMillis();
        if (observed < rule.threshold()) {
          return null;
        }
      }
      silenced = true;
      silentUntil = now + windowNanos;
      return new Firing(rule, observed, size);
    }

    private double percentileMillis() {
      long[] sorted = new long[size];
      for (int k = 0; k < size; k++) {
        sorted[k] = durations[(head + k) % MAX_SAMPLES];
      }
      Arrays.sort(sorted);
      // nearest rank
      int rank = (int) Math.ceil(rule.percentile() / 100.0 * size);
      return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private void dropOlderThan(long oldest) {
      while (size > 0 && at[head] - oldest < 0) {
        dropOldest();
      }
    }

    private void dropOldest() {
      if (errors[head]) {
        errorCount--;
      }
      head = (head + 1) % MAX_SAMPLES;
      size--;
    }
  }
}
