package dev.tollgate.limit;

/**
 * The sum of amounts added over the last window, kept in {@value #SLOTS} + 1 slots.
 *
 * <p>Why slots and not one timestamp per call: a window of a day with a cents unit may see
 * millions of calls; slots keep the memory per window fixed. The price is precision at the
 * edge, and it is paid on the safe side: an amount counts from when it is added until its
 * whole slot has left the window, that is for between {@code window} and
 * {@code window + window/SLOTS}. So within any span of {@code window} no more than the
 * quota ever passes, and a freed unit comes back at most {@code window/SLOTS} late.
 *
 * <p>Not thread-safe by itself: the owner synchronizes on it, so that a check and the add
 * that follows it are one step.
 */
final class SlidingWindow {
  static final int SLOTS = 60;

  private final long slotNanos;
  private final double[] amounts = new double[SLOTS + 1];
  private final long[] slotOf = new long[SLOTS + 1];

  SlidingWindow(long windowNanos) {
    if (windowNanos < SLOTS) {
      throw new IllegalArgumentException("window too short: " + windowNanos + " ns");
    }
    this.slotNanos = windowNanos / SLOTS;
    java.util.Arrays.fill(slotOf, Long.MIN_VALUE);
  }

  /** What was added within the window ending at {@code nowNanos}. */
  double sum(long nowNanos) {
    long current = Math.floorDiv(nowNanos, slotNanos);
    double total = 0;
    for (int i = 0; i < amounts.length; i++) {
      if (slotOf[i] != Long.MIN_VALUE && current - slotOf[i] <= SLOTS) {
        total += amounts[i];
      }
    }
    return total;
  }

  void add(long nowNanos, double amount) {
    long current = Math.floorDiv(nowNanos, slotNanos);
    int i = (int) Math.floorMod(current, (long) amounts.length);
    if (slotOf[i] != current) {
      slotOf[i] = current;
      amounts[i] = 0;
    }
    amounts[i] += amount;
  }

  /**
   * Nanoseconds from {@code nowNanos} until the oldest amount still counted leaves the window;
   * 0 when nothing is counted.
   */
  long nanosUntilOldestLeaves(long nowNanos) {
    long current = Math.floorDiv(nowNanos, slotNanos);
    long oldest = Long.MAX_VALUE;
    for (int i = 0; i < amounts.length; i++) {
      if (slotOf[i] != Long.MIN_VALUE && current - slotOf[i] <= SLOTS && amounts[i] > 0) {
        oldest = Math.min(oldest, slotOf[i]);
      }
    }
    if (oldest == Long.MAX_VALUE) {
      return 0;
    }
    return Math.max(0, (oldest + SLOTS + 1) * slotNanos - nowNanos);
  }
}
