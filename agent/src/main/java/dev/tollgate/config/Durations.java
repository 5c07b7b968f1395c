package dev.tollgate.config;

/** Parses the durations SPEC.md allows: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}. */
public final class Durations {
  private Durations() {}

  /**
   * Returns the duration in milliseconds.
   *
   * @throws IllegalArgumentException with a message naming the accepted forms
   */
  public static long parseMillis(String text) {
    String s = text == null ? "" : text.trim();
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 15) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 30s, 5m, 1h, 7d)");
    }
    long n = Long.parseLong(s.substring(0, i));
    String unit = s.substring(i).trim();
    switch (unit) {
      case "ms":
        return n;
      case "s":
        return n * 1_000L;
      case "m":
        return n * 60_000L;
      case "h":
        return n * 3_600_000L;
      case "d":
        return n * 86_400_000L;
      default:
        throw new IllegalArgumentException("unknown unit in duration '" + text + "' (use ms, s, m, h or d)");
    }
  }
}
