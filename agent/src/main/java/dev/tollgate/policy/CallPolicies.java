package dev.tollgate.policy;

import dev.tollgate.limit.RateLimitPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The policies that apply to one LLM call (admission, cache, retry, fallback), resolved from the configuration and that call's
 * control headers, plus what was wrong with those headers.
 *
 * <p>Why errors travel with the result: a bad control header never fails the call (it is
 * treated as absent), but the app deserves to learn why its header had no effect — the engine
 * records {@link #errors()} on the call's span ({@code tollgate.config.error}).
 */
public final class CallPolicies {
  private static final CallPolicies NONE = new CallPolicies(null, null, List.of(), List.of(), null, false);

  private final CacheSettings cache;
  private final RetrySettings retry;
  private final List<FallbackTarget> fallbacks;
  private final List<String> errors;
  private final RateLimitPolicy rateLimit;
  private final boolean admission;

  private CallPolicies(CacheSettings cache, RetrySettings retry, List<FallbackTarget> fallbacks, List<String> errors,
      RateLimitPolicy rateLimit, boolean admission) {
    this.cache = cache;
    this.retry = retry;
    this.fallbacks = fallbacks;
    this.errors = errors;
    this.rateLimit = rateLimit;
    this.admission = admission || rateLimit != null;
  }

  /** No policy, no error. */
  public static CallPolicies none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The cache policy, or null: no cache for this call. */
  public CacheSettings cache() {
    return cache;
  }

  /** The retry policy, or null: no retry. */
  public RetrySettings retry() {
    return retry;
  }

  /** Targets to try, in order, after the original request fails; empty for none. Unmodifiable. */
  public List<FallbackTarget> fallbacks() {
    return fallbacks;
  }

  /**
   * Problems with this call's control input, one sentence each, e.g.
   * {@code Retry-Num: 'lots' is not a whole number; ignored}. Never holds a credential.
   * Unmodifiable.
   */
  public List<String> errors() {
    return errors;
  }

  /** The call's own {@code RateLimit-Policy}, or null. */
  public RateLimitPolicy rateLimit() {
    return rateLimit;
  }

  /**
   * True when the call must be admitted before anything else: it has its own rate limit, or a
   * configured rate limit or blocking budget guards every call.
   */
  public boolean admission() {
    return admission;
  }

  /** True when an admission, cache, retry or fallback policy applies. */
  public boolean any() {
    return admission || cache != null || retry != null || !fallbacks.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CallPolicies)) {
      return false;
    }
    CallPolicies c = (CallPolicies) o;
    return Objects.equals(cache, c.cache) && Objects.equals(retry, c.retry) && fallbacks.equals(c.fallbacks)
        && errors.equals(c.errors) && Objects.equals(rateLimit, c.rateLimit) && admission == c.admission;
  }

  @Override
  public int hashCode() {
    return Objects.hash(cache, retry, fallbacks, errors, rateLimit, admission);
  }

  @Override
  public String toString() {
    return "CallPolicies{cache=" + cache + ", retry=" + retry + ", fallbacks=" + fallbacks
        + (rateLimit == null ? "" : ", rateLimit=" + rateLimit) + (admission ? ", admission" : "")
        + (errors.isEmpty() ? "" : ", errors=" + errors) + "}";
  }

  /** For the resolver, and for engine tests that need a given policy. */
  public static final class Builder {
    private CacheSettings cache;
    private RetrySettings retry;
    private final List<FallbackTarget> fallbacks = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private RateLimitPolicy rateLimit;
    private boolean admission;

    private Builder() {}

    /** The call's own {@code RateLimit-Policy}. */
    public Builder rateLimit(RateLimitPolicy rateLimit) {
      this.rateLimit = rateLimit;
      return this;
    }

    /** The call must be admitted (configured rate limits or blocking budgets). */
    public Builder admission(boolean admission) {
      this.admission = admission;
      return this;
    }

    public Builder cache(CacheSettings cache) {
      this.cache = cache;
      return this;
    }

    public Builder retry(RetrySettings retry) {
      this.retry = retry;
      return this;
    }

    /** Appends one target. */
    public Builder fallback(FallbackTarget target) {
      fallbacks.add(Objects.requireNonNull(target, "target"));
      return this;
    }

    /** Appends one error sentence. */
    public Builder error(String error) {
      errors.add(Objects.requireNonNull(error, "error"));
      return this;
    }

    public CallPolicies build() {
      if (cache == null && retry == null && fallbacks.isEmpty() && errors.isEmpty() && rateLimit == null
          && !admission) {
        return NONE;
      }
      return new CallPolicies(cache, retry, freeze(fallbacks), freeze(errors), rateLimit, admission);
    }

    private static <T> List<T> freeze(List<T> list) {
      return list.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }
  }
}
