package dev.tollgate.policy;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.provider.HeaderLookup;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The wait a provider asks for: {@code retry-after-ms} (OpenAI's, milliseconds) before the
 * standard {@code Retry-After} (seconds, or an HTTP date). Read by the retry policy and
 * recorded on spans.
 */
public final class RetryAfter {
  private RetryAfter() {}

  /** Milliseconds from now (a date in the past gives 0); -1 when the response asks for none we understand. */
  public static long millis(HeaderLookup headers, Clock clock) {
    String ms;
    String after;
    try {
      ms = headers.first("retry-after-ms");
      after = headers.first("Retry-After");
    } catch (RuntimeException e) {
      TollgateLog.warnOnce("retry-after-lookup", "could not read the response's Retry-After headers", e);
      return -1;
    }
    if (ms != null) {
      double v = decimal(ms);
      if (v >= 0) {
        return saturated(Math.ceil(v));
      }
      TollgateLog.debug("ignoring an unparsable retry-after-ms response header");
    }
    if (after != null) {
      double seconds = decimal(after);
      if (seconds >= 0) {
        return saturated(Math.ceil(seconds * 1000));
      }
      try {
        ZonedDateTime at = ZonedDateTime.parse(after.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, at.toInstant().toEpochMilli() - clock.millis());
      } catch (DateTimeException | ArithmeticException e) {
        TollgateLog.debug("ignoring an unparsable Retry-After response header");
      }
    }
    return -1;
  }

  private static long saturated(double millis) {
    return millis >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) millis;
  }

  /** A plain non-negative decimal ({@code 12}, {@code 1.5}); -1 for anything else. */
  private static double decimal(String text) {
    String s = text.trim();
    if (s.isEmpty() || s.length() > 30) {
      return -1;
    }
    boolean dot = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.' && !dot && i > 0 && i < s.length() - 1) {
        dot = true;
      } else if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Double.parseDouble(s);
  }
}
