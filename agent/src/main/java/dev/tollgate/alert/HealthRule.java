package dev.tollgate.alert;

import dev.tollgate.config.Durations;
import java.util.Locale;

/**
 * An error-rate or latency threshold over a sliding window, from
 * {@code tollgate.alerts.error-rate=10%;w=5m;min=20} or
 * {@code tollgate.alerts.latency=5s;w=5m;p=95;min=20}.
 *
 * <p>Error rate: the share of calls ending with an error ({@code error.type} set: a status
 * of 400 or more, or an exception) among the calls of the window. Latency: the {@code p}-th
 * percentile (default 95) of the calls' durations. Either is judged only once the window
 * holds {@code min} calls (default 20), so that one failed call out of two sets nothing off.
 */
public final class HealthRule {
  /** What a rule watches. */
  public enum Kind {
    ERROR_RATE("error_rate"), LATENCY("latency");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    /** {@code error_rate} or {@code latency}, as alerts name it. */
    public String text() {
      return text;
    }
  }

  private final Kind kind;
  private final double threshold;
  private final long windowMillis;
  private final int percentile;
  private final int minCalls;

  private HealthRule(Kind kind, double threshold, long windowMillis, int percentile, int minCalls) {
    this.kind = kind;
    this.threshold = threshold;
    this.windowMillis = windowMillis;
    this.percentile = percentile;
    this.minCalls = minCalls;
  }

  /** @throws IllegalArgumentException saying what is wrong */
  public static HealthRule parse(Kind kind, String text) {
    String[] parts = (text == null ? "" : text.trim()).split(";");
    double threshold;
    String first = parts[0].trim();
    try {
      if (kind == Kind.ERROR_RATE) {
        threshold = Double.parseDouble(first.endsWith("%") ? first.substring(0, first.length() - 1) : first) / 100.0;
        if (!(threshold > 0 && threshold <= 1)) {
          throw new IllegalArgumentException("the error rate must be above 0% and at most 100%");
        }
      } else {
        threshold = Durations.parseMillis(first);
        if (!(threshold > 0)) {
          throw new IllegalArgumentException("the latency must be above 0");
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + first + "' is not an error rate such as 10%");
    }
    long window = 300_000;
    int percentile = 95;
    int min = 20;
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim();
      int eq = part.indexOf('=');
      String key = eq < 0 ? part : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : part.substring(eq + 1).trim();
      switch (key) {
        case "w":
          window = Durations.parseMillis(value);
          if (window < 10_000) {
            throw new IllegalArgumentException("the window w must be at least 10s");
          }
          break;
        case "min":
          min = wholeNumber(value, 1, 1_000_000, "min");
          break;
        case "p":
          if (kind != Kind.LATENCY) {
            throw new IllegalArgumentException("p (a percentile) is for the latency rule only");
          }
          percentile = wholeNumber(value, 1, 100, "p");
          break;
        default:
          throw new IllegalArgumentException("unknown key '" + key + "' (use w, min"
              + (kind == Kind.LATENCY ? ", p" : "") + ")");
      }
    }
    return new HealthRule(kind, threshold, window, percentile, min);
  }

  private static int wholeNumber(String value, int min, int max, String key) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(key + " must be a whole number " + min + ".." + max);
  }

  public Kind kind() {
    return kind;
  }

  /** A share 0..1 for the error rate; milliseconds for the latency. */
  public double threshold() {
    return threshold;
  }

  public long windowMillis() {
    return windowMillis;
  }

  public int percentile() {
    return percentile;
  }

  public int minCalls() {
    return minCalls;
  }

  /** E.g. {@code error rate >= 10% over 5m} or {@code p95 latency >= 5s over 5m}. */
  public String describe() {
    return kind == Kind.ERROR_RATE
        ? String.format(Locale.ROOT, "error rate >= %s%% over %s", trim(threshold * 100), Durations.format(windowMillis))
        : "p" + percentile + " latency >= " + Durations.format((long) threshold) + " over " + Durations.format(windowMillis);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
