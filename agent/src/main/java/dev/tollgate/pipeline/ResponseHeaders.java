package dev.tollgate.pipeline;

import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.CallRecord;

/** Reads provider response headers worth recording: today the rate-limit headers. */
final class ResponseHeaders {
  private ResponseHeaders() {}

  static void readRateLimits(HeaderLookup h, CallRecord r) {
    r.rateLimitRequests = number(h.first("x-ratelimit-limit-requests"));
    r.rateLimitRemainingRequests = number(h.first("x-ratelimit-remaining-requests"));
    r.rateLimitTokens = number(h.first("x-ratelimit-limit-tokens"));
    r.rateLimitRemainingTokens = number(h.first("x-ratelimit-remaining-tokens"));
    if (r.rateLimitRequests == null) {
      r.rateLimitRequests = number(h.first("anthropic-ratelimit-requests-limit"));
      r.rateLimitRemainingRequests = number(h.first("anthropic-ratelimit-requests-remaining"));
      r.rateLimitTokens = number(h.first("anthropic-ratelimit-tokens-limit"));
      r.rateLimitRemainingTokens = number(h.first("anthropic-ratelimit-tokens-remaining"));
    }
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
