package dev.tollgate.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The policies that apply to one LLM call, resolved from the configuration and that call's
 * control headers, plus what was wrong with those headers.
 *
 * <p>Why errors travel with the result: a bad control header never fails the call (it is
 * treated as absent), but the app deserves to learn why its header had no effect — the engine
 * records {@link #errors()} on the call's span ({@code tollgate.config.error}).
 */
public final class CallPolicies {
  private static final CallPolicies NONE = new CallPolicies(null, null, List.of(), List.of());

  private final CacheSettings cache;
  private final RetrySettings retry;
  private final List<FallbackTarget> fallbacks;
  private final List<String> errors;

  private CallPolicies(CacheSettings cache, RetrySettings retry, List<FallbackTarget> fallbacks, List<String> errors) {
    this.cache = cache;
    this.retry = retry;
    this.fallbacks = fallbacks;
    this.errors = errors;
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

  /** True when a cache, retry or fallback policy applies. */
  public boolean any() {
    return cache != null || retry != null || !fallbacks.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CallPolicies)) {
      return false;
    }
    CallPolicies c = (CallPolicies) o;
    return Objects.equals(cache, c.cache) && Objects.equals(retry, c.retry) && fallbacks.equals(c.fallbacks)
        && errors.equals(c.errors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cache, retry, fallbacks, errors);
  }

  @Override
  public String toString() {
    return "CallPolicies{cache=" + cache + ", retry=" + retry + ", fallbacks=" + fallbacks
        + (errors.isEmpty() ? "" : ", errors=" + errors) + "}";
  }

  /** For the resolver, and for engine tests that need a given policy. */
  public static final class Builder {
    private CacheSettings cache;
    private RetrySettings retry;
    private final List<FallbackTarget> fallbacks = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    private Builder() {}

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
      if (cache == null && retry == null && fallbacks.isEmpty() && errors.isEmpty()) {
        return NONE;
      }
      return new CallPolicies(cache, retry, freeze(fallbacks), freeze(errors));
    }

    private static <T> List<T> freeze(List<T> list) {
      return list.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }
  }
}
