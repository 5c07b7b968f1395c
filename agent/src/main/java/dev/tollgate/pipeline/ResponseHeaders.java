package dev.tollgate.pipeline;

import dev.tollgate.policy.RetryAfter;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.CallRecord;
import java.time.Clock;

/** Reads provider response headers worth recording: the rate-limit headers and the wait a 429 or 503 asks for. */
final class ResponseHeaders {
  private ResponseHeaders() {}

  static void readRateLimits(HeaderLookup h, CallRecord r) {
    // per field: a provider may send only some of them (Azure OpenAI sends the remaining
    // counts without the limits)
    r.rateLimitRequests = number(h, "x-ratelimit-limit-requests", "anthropic-ratelimit-requests-limit");
    r.rateLimitRemainingRequests =
        number(h, "x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-remaining");
    r.rateLimitTokens = number(h, "x-ratelimit-limit-tokens", "anthropic-ratelimit-tokens-limit");
    r.rateLimitRemainingTokens = number(h, "x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-remaining");
    long wait = RetryAfter.millis(h, Clock.systemUTC());
    r.retryAfterMillis = wait < 0 ? null : wait;
  }

  private static Long number(HeaderLookup h, String openAiName, String anthropicName) {
    Long n = number(h.first(openAiName));
    return n != null ? n : number(h.first(anthropicName));
  }

  /** A non-negative integer header value, or null when absent or not a number. */
  static Long number(String v) {
    if (v == null) {
      return null;
    }
    String s = v.trim();
    if (s.isEmpty() || s.length() > 18) {
      return null;
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
