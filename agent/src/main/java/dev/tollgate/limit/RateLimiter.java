package dev.tollgate.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The windows of every rate-limit policy, one per policy and segment value (one user, one
 * property value, or everyone).
 *
 * <p>A {@code request} policy reserves its unit when the call is admitted: the check and the
 * reservation are one step, so concurrent calls racing a limit never let more than the quota
 * through. A {@code cents} policy can only admit while the window's spend is below the quota
 * and {@linkplain #charge charge} the call's cost when it ends: calls already in flight when
 * the quota is reached may overshoot it by their own cost.
 *
 * <p>Windows nobody used for longer than their length are forgotten (at most
 * {@value #MAX_WINDOWS} are kept; the least recently used go first).
 */
public final class RateLimiter {
  static final long MAX_WINDOWS = 100_000;

  private final Ticker ticker;
  private final Cache<Key, SlidingWindow> windows;

  public RateLimiter(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.windows = Caffeine.newBuilder()
        .ticker(ticker)
        .maximumSize(MAX_WINDOWS)
        .expireAfter(new LifetimeExpiry<Key, SlidingWindow>((key, window) -> key.lifetimeNanos()))
        .build();
  }

  /**
   * Admits a call or refuses it. A {@code request} policy counts an admitted call at once.
   *
   * @param segmentValue the call's value of the policy's segment; null when the call has none
   *     (such calls share one window)
   */
  public Admission admit(RateLimitPolicy policy, String segmentValue) {
    SlidingWindow w = window(policy, segmentValue);
    long now = ticker.read();
    synchronized (w) {
      double used = w.sum(now);
      if (policy.unit() == RateLimitPolicy.Unit.REQUEST) {
        if (used + 1 > policy.quota()) {
          return new Admission(policy, false, 0, w.nanosUntilOldestLeaves(now));
        }
        w.add(now, 1);
        return new Admission(policy, true, (long) Math.max(0, policy.quota() - used - 1), 0);
      }
      if (used >= policy.quota()) {
        return new Admission(policy, false, 0, w.nanosUntilOldestLeaves(now));
      }
      return new Admission(policy, true, (long) Math.floor(policy.quota() - used), 0);
    }
  }

  /** Counts what an admitted call cost against a {@code cents} policy; ignored for {@code request} ones. */
  public void charge(RateLimitPolicy policy, String segmentValue, double usd) {
    if (policy.unit() != RateLimitPolicy.Unit.CENTS || !(usd > 0) || !Double.isFinite(usd)) {
      return;
    }
    SlidingWindow w = window(policy, segmentValue);
    long now = ticker.read();
    synchronized (w) {
      w.add(now, usd * 100.0);
    }
  }

  private SlidingWindow window(RateLimitPolicy policy, String segmentValue) {
    Key key = new Key(policy, segmentValue);
    return windows.get(key, k -> new SlidingWindow(TimeUnit.SECONDS.toNanos(policy.windowSeconds())));
  }

  /** A verdict for one call and one policy. */
  public static final class Admission {
    private final RateLimitPolicy policy;
    private final boolean allowed;
    private final long remaining;
    private final long retryAfterNanos;

    Admission(RateLimitPolicy policy, boolean allowed, long remaining, long retryAfterNanos) {
      this.policy = policy;
      this.allowed = allowed;
      this.remaining = remaining;
      this.retryAfterNanos = retryAfterNanos;
    }

    public RateLimitPolicy policy() {
      return policy;
    }

    public boolean allowed() {
      return allowed;
    }

    /** Units left in the window after this call (requests, or whole cents). */
    public long remaining() {
      return remaining;
    }

    /** For a refusal: how long until the oldest counted unit leaves the window. */
    public long retryAfterNanos() {
      return retryAfterNanos;
    }
  }

  private static final class Key {
    private final RateLimitPolicy policy;
    private final String segmentValue;

    Key(RateLimitPolicy policy, String segmentValue) {
      this.policy = policy;
      this.segmentValue = segmentValue;
    }

    long lifetimeNanos() {
      // one slot beyond the window: the window counts that long
      long window = TimeUnit.SECONDS.toNanos(policy.windowSeconds());
      return window + window / SlidingWindow.SLOTS + TimeUnit.SECONDS.toNanos(1);
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return policy.equals(k.policy) && Objects.equals(segmentValue, k.segmentValue);
    }

    @Override
    public int hashCode() {
      return 31 * policy.hashCode() + Objects.hashCode(segmentValue);
    }
  }
}
