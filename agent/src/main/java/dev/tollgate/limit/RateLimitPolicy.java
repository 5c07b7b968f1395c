package dev.tollgate.limit;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client-side rate limit in Helicone's syntax: {@code quota;w=seconds;u=request|cents;s=segment}.
 *
 * <p>{@code w} is at least 60 seconds, as Helicone requires; the unit defaults to
 * {@code request}; {@code s} is {@code user} (the call's {@code User-Id}), a custom property's
 * name, or absent for one window shared by every call. {@code cents} counts what the calls
 * cost (their priced cost, known when each call ends).
 */
public final class RateLimitPolicy {
  /** What a window counts. */
  public enum Unit {
    REQUEST, CENTS;

    String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Shortest window Helicone allows. */
  public static final long MIN_WINDOW_SECONDS = 60;
  /** Longest window: one year. */
  public static final long MAX_WINDOW_SECONDS = 365L * 86_400L;

  private static final Pattern SYNTAX =
      Pattern.compile("^(\\d{1,15});w=(\\d{1,15})(?:;u=(request|cents))?(?:;s=([\\w.-]+))?$");

  private final String name;
  private final long quota;
  private final long windowSeconds;
  private final Unit unit;
  private final String segment;

  private RateLimitPolicy(String name, long quota, long windowSeconds, Unit unit, String segment) {
    this.name = name;
    this.quota = quota;
    this.windowSeconds = windowSeconds;
    this.unit = unit;
    this.segment = segment;
  }

  /**
   * Parses one policy.
   *
   * @param name {@code header} for a call's {@code RateLimit-Policy}, else the configured name
   * @throws IllegalArgumentException saying what is wrong (without repeating the text)
   */
  public static RateLimitPolicy parse(String name, String text) {
    Objects.requireNonNull(name, "name");
    String s = text == null ? "" : text.trim().replace(" ", "");
    Matcher m = SYNTAX.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a rate-limit policy such as 100;w=60;u=request;s=user");
    }
    long quota = Long.parseLong(m.group(1));
    long window = Long.parseLong(m.group(2));
    if (quota < 1) {
      throw new IllegalArgumentException("the quota must be at least 1");
    }
    if (window < MIN_WINDOW_SECONDS || window > MAX_WINDOW_SECONDS) {
      throw new IllegalArgumentException("the window w must be " + MIN_WINDOW_SECONDS + ".."
          + MAX_WINDOW_SECONDS + " seconds");
    }
    Unit unit = m.group(3) == null ? Unit.REQUEST : Unit.valueOf(m.group(3).toUpperCase(Locale.ROOT));
    String segment = m.group(4) == null ? null : m.group(4).toLowerCase(Locale.ROOT);
    return new RateLimitPolicy(name, quota, window, unit, segment);
  }

  /** {@code header} for a call's own policy, else the name after {@code tollgate.ratelimit.}. */
  public String name() {
    return name;
  }

  public long quota() {
    return quota;
  }

  public long windowSeconds() {
    return windowSeconds;
  }

  public Unit unit() {
    return unit;
  }

  /** {@code user}, a property name (lower case), or null for one window shared by all calls. */
  public String segment() {
    return segment;
  }

  /** The policy in canonical form, as the {@code Tollgate-RateLimit-Policy} response header gives it. */
  public String text() {
    return quota + ";w=" + windowSeconds + ";u=" + unit.text() + (segment == null ? "" : ";s=" + segment);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RateLimitPolicy)) {
      return false;
    }
    RateLimitPolicy p = (RateLimitPolicy) o;
    return name.equals(p.name) && quota == p.quota && windowSeconds == p.windowSeconds && unit == p.unit
        && Objects.equals(segment, p.segment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, quota, windowSeconds, unit, segment);
  }

  @Override
  public String toString() {
    return name + "=" + text();
  }
}
