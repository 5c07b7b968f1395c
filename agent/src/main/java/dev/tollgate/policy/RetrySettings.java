package dev.tollgate.policy;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.HeaderLookup;
import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How one call is retried: how many times, after which statuses, and how long to wait.
 *
 * <p>The delay before retry {@code n} (1-based) is, in whole milliseconds:
 * <pre>
 *   cap(n)   = min(maxDelay, minDelay * factor^(n-1))
 *   delay(n) = minDelay + R,   R uniform in [0, cap(n) - minDelay]   (both ends included)
 * </pre>
 * i.e. "full jitter" between the minimum and the exponential cap, so that many clients that
 * failed together don't come back together. {@code R} is drawn from the injected
 * {@link RandomGenerator}. When the provider answered with {@code retry-after-ms}
 * (milliseconds, OpenAI) or {@code Retry-After} (delta-seconds or an HTTP date, RFC 9110) that
 * value wins, even below {@code minDelay}, capped at {@value #MAX_RETRY_AFTER_MILLIS} ms; an
 * HTTP date is measured against the injected {@link Clock} and a date in the past means 0.
 * An unparsable value is ignored (the backoff applies).
 *
 * <p>Connection failures are always retryable; {@link #retriesStatus} decides for a status.
 */
public final class RetrySettings {
  /** A provider's {@code Retry-After} is obeyed up to this long (a blocked thread must wake). */
  public static final long MAX_RETRY_AFTER_MILLIS = 60_000;
  /** Upper bound of {@link #maxRetries()}. */
  public static final int MAX_RETRIES = TollgateConfig.MAX_RETRIES;

  private final int maxRetries;
  private final double factor;
  private final long minDelayMillis;
  private final long maxDelayMillis;
  private final StatusCodes onCodes;
  private final Clock clock;
  private final RandomGenerator random;

  private RetrySettings(Builder b) {
    this.maxRetries = b.maxRetries;
    this.factor = b.factor;
    this.minDelayMillis = b.minDelayMillis;
    this.maxDelayMillis = b.maxDelayMillis;
    this.onCodes = b.onCodes;
    this.clock = b.clock;
    this.random = b.random;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Retries after the first attempt (1..{@value #MAX_RETRIES}). */
  public int maxRetries() {
    return maxRetries;
  }

  public double factor() {
    return factor;
  }

  public long minDelayMillis() {
    return minDelayMillis;
  }

  public long maxDelayMillis() {
    return maxDelayMillis;
  }

  public StatusCodes onCodes() {
    return onCodes;
  }

  /** True when a response with this status is retried. */
  public boolean retriesStatus(int status) {
    return onCodes.contains(status);
  }

  /**
   * The delay before retry number {@code retryNumber} (1-based; smaller values count as 1)
   * after a response with these headers, or after a connection failure when
   * {@code responseHeaders} is null. Never negative; never throws.
   */
  public long delayMillis(int retryNumber, HeaderLookup responseHeaders) {
    if (responseHeaders != null) {
      long fromProvider = providerDelay(responseHeaders);
      if (fromProvider >= 0) {
        return fromProvider;
      }
    }
    return backoffMillis(Math.max(1, retryNumber));
  }

  private long backoffMillis(int n) {
    double exponential = minDelayMillis * Math.pow(factor, n - 1);
    long cap = exponential >= maxDelayMillis ? maxDelayMillis : (long) exponential;
    if (cap <= minDelayMillis) {
      return minDelayMillis;
    }
    return minDelayMillis + random.nextLong(cap - minDelayMillis + 1);
  }

  /** The provider's requested delay, capped; -1 when it gave none we understand. */
  private long providerDelay(HeaderLookup headers) {
    long millis = RetryAfter.millis(headers, clock);
    return millis < 0 ? -1 : Math.min(millis, MAX_RETRY_AFTER_MILLIS);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RetrySettings)) {
      return false;
    }
    RetrySettings r = (RetrySettings) o;
    return maxRetries == r.maxRetries && Double.compare(factor, r.factor) == 0
        && minDelayMillis == r.minDelayMillis && maxDelayMillis == r.maxDelayMillis
        && onCodes.equals(r.onCodes) && clock.equals(r.clock) && random.equals(r.random);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxRetries, factor, minDelayMillis, maxDelayMillis, onCodes);
  }

  @Override
  public String toString() {
    return "RetrySettings{maxRetries=" + maxRetries + ", factor=" + factor + ", minDelayMillis=" + minDelayMillis
        + ", maxDelayMillis=" + maxDelayMillis + ", onCodes=" + onCodes + "}";
  }

  /**
   * Defaults as SPEC.md's: 3 retries, factor 2, 1 s .. 10 s, on 429/500/502/503/504, the system
   * UTC clock and a thread-local random.
   */
  public static final class Builder {
    private int maxRetries = 3;
    private double factor = 2;
    private long minDelayMillis = 1_000;
    private long maxDelayMillis = 10_000;
    private StatusCodes onCodes = StatusCodes.DEFAULT;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = ThreadLocalRandomGenerator.INSTANCE;

    private Builder() {}

    /** @throws IllegalArgumentException outside 1..{@value RetrySettings#MAX_RETRIES} */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 1 || maxRetries > MAX_RETRIES) {
        throw new IllegalArgumentException("maxRetries must be 1.." + MAX_RETRIES + ": " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** @throws IllegalArgumentException unless a finite number of at least 1 */
    public Builder factor(double factor) {
      if (!(factor >= 1) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException("factor must be a finite number >= 1: " + factor);
      }
      this.factor = factor;
      return this;
    }

    /** Both bounds at once. @throws IllegalArgumentException unless {@code 0 <= min <= max} */
    public Builder delays(long minMillis, long maxMillis) {
      if (minMillis < 0 || minMillis > maxMillis) {
        throw new IllegalArgumentException("need 0 <= minDelay <= maxDelay: " + minMillis + ", " + maxMillis);
      }
      this.minDelayMillis = minMillis;
      this.maxDelayMillis = maxMillis;
      return this;
    }

    public Builder onCodes(StatusCodes onCodes) {
      this.onCodes = Objects.requireNonNull(onCodes, "onCodes");
      return this;
    }

    /** The clock an HTTP-date {@code Retry-After} is measured against. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The jitter's source; must be safe for concurrent use when the settings are shared. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public RetrySettings build() {
      return new RetrySettings(this);
    }
  }
}
