package dev.tollgate.pipeline;

import dev.tollgate.limit.Limits;
import dev.tollgate.limit.RateLimiter;
import dev.tollgate.provider.RefusalBodies;
import dev.tollgate.provider.WireFormat;
import dev.tollgate.policy.CachedResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The 429 the agent answers itself when a rate limit or a budget refuses a call, and the
 * {@code Tollgate-RateLimit-*} headers (with their {@code Helicone-} twins when the request
 * used Helicone headers) that tell the application where it stands.
 *
 * <p>A rate-limit refusal carries {@code retry-after} (whole seconds until a unit frees), as a
 * provider's own 429 does, so that SDKs that honour it wait the right time. A spent budget
 * will not free up within any retry an SDK would make: it says {@code x-should-retry: false},
 * the header the OpenAI and Anthropic SDKs obey.
 */
final class Refusals {
  private Refusals() {}

  static CachedResponse of(Limits.Verdict verdict, WireFormat format) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(6);
    headers.add(Map.entry("Content-Type", "application/json"));
    String message;
    String refusedBy = verdict.refusedBy();
    if (refusedBy.startsWith("ratelimit:")) {
      RateLimiter.Admission a = verdict.reported();
      long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(a.retryAfterNanos() + 999_999_999L));
      headers.add(Map.entry("retry-after", Long.toString(seconds)));
      message = "Tollgate rate limit reached: policy '" + a.policy().name() + "' (" + a.policy().text()
          + ") allows no more calls now; retry in " + seconds + " s";
    } else {
      headers.add(Map.entry("x-should-retry", "false"));
      message = "Tollgate budget '" + refusedBy.substring("budget:".length())
          + "' is spent for this window; calls are refused until it starts again";
    }
    return CachedResponse.of(429, headers, RefusalBodies.tooManyRequests(format, message), null);
  }

  /** The rate limit's headers, as Helicone sends them: limit, remaining, policy. */
  static void rateLimitHeaders(RateLimiter.Admission a, boolean usedHelicone, List<Map.Entry<String, String>> into) {
    String limit = Long.toString(a.policy().quota());
    String remaining = Long.toString(a.remaining());
    String policy = a.policy().text();
    into.add(Map.entry("Tollgate-RateLimit-Limit", limit));
    into.add(Map.entry("Tollgate-RateLimit-Remaining", remaining));
    into.add(Map.entry("Tollgate-RateLimit-Policy", policy));
    if (usedHelicone) {
      into.add(Map.entry("Helicone-RateLimit-Limit", limit));
      into.add(Map.entry("Helicone-RateLimit-Remaining", remaining));
      into.add(Map.entry("Helicone-RateLimit-Policy", policy));
    }
  }
}
