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
    long millisPerUnit;
    switch (unit) {
      case "ms":
        millisPerUnit = 1L;
        break;
      case "s":
        millisPerUnit = 1_000L;
        break;
      case "m":
        millisPerUnit = 60_000L;
        break;
      case "h":
        millisPerUnit = 3_600_000L;
        break;
      case "d":
        millisPerUnit = 86_400_000L;
        break;
      default:
        throw new IllegalArgumentException("unknown unit in duration '" + text + "' (use ms, s, m, h or d)");
    }
    try {
      return Math.multiplyExact(n, millisPerUnit);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration too large: '" + text + "'");
    }
  }

  /** The shortest exact form {@link #parseMillis} reads back, e.g. {@code 6h}, {@code 90s}. */
  public static String format(long millis) {
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (millis != 0 && millis % sizes[i] == 0) {
        return millis / sizes[i] + units[i];
      }
    }
    return millis + "ms";
  }
}
