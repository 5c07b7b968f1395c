package dev.tollgate.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.internal.TollgateLog;
import dev.tollgate.limit.BudgetPolicy;
import dev.tollgate.limit.RateLimitPolicy;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.provider.HeaderLookup;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Turns the global configuration and one call's control headers into that call's
 * {@link CallPolicies}.
 *
 * <p>Rules where SPEC.md and Helicone leave room:
 * <ul>
 *   <li>Booleans: {@code true} switches on, {@code false} switches off; anything else is an
 *       error and counts as absent. An explicit {@code Cache-Enabled: false} /
 *       {@code Retry-Enabled: false} opts this call out of {@code tollgate.cache.enabled} /
 *       {@code tollgate.retry.enabled}.
 *   <li>Cache: read = enabled or {@code Cache-Read}; write = enabled or {@code Cache-Save}.
 *       TTL from {@code Cache-Control} ({@code s-maxage} before {@code max-age}; the
 *       {@code Helicone-/Tollgate-Cache-Control} header before the standard one), clamped to
 *       365 days, else {@code tollgate.cache.ttl}.
 *   <li>Retry: the {@code Retry-*} tuning headers don't switch retry on by themselves.
 *       {@code Retry-Num} 0..{@value RetrySettings#MAX_RETRIES} (0 = no retry),
 *       {@code Retry-Factor} a number of at least 1, timeouts 0..{@value #MAX_HEADER_DELAY_MILLIS}
 *       ms; a minimum above the maximum ignores the header(s) that caused it.
 *   <li>Fallbacks, in order: {@code Fallback-Model} (on {@code Fallback-OnCodes}, default
 *       {@code tollgate.fallback.on-codes}), then the {@code Fallbacks} entries (each on its
 *       {@code onCodes}, default {@code tollgate.fallback.on-codes}), then
 *       {@code tollgate.fallback.<requestModel>} (on {@code tollgate.fallback.on-codes}). A model
 *       target equal to the request's model or to an earlier model target is dropped. A
 *       {@code Fallbacks} header with any invalid entry is ignored as a whole. The original
 *       request is always tried first ({@code tollgate.fallback.index} 0).
 *   <li>Every present policy header is validated, even when its policy is off.
 * </ul>
 *
 * <p>Bad control input never breaks a call: the header is treated as absent, a sentence goes to
 * {@link CallPolicies#errors()}, and one warning per kind of problem is logged. Neither ever
 * repeats a {@code Fallbacks} value (its headers may hold API keys).
 */
public final class PolicyResolver {
  /** Largest {@code Retry-Min-Timeout} / {@code Retry-Max-Timeout}: 10 minutes. */
  public static final long MAX_HEADER_DELAY_MILLIS = 600_000;

  private final TollgateConfig config;
  private final Clock clock;
  private final RandomGenerator random;
  private final StatusCodes retryOnCodes;
  private final StatusCodes fallbackOnCodes;
  /** The retry policy of a call without retry headers, when the configuration enables one. */
  private final RetrySettings globalRetry;
  /** A configured rate limit or blocking budget: every call is admitted first. */
  private final boolean admitEveryCall;

  /** Production: the system UTC clock and thread-local randomness. */
  public PolicyResolver(TollgateConfig config) {
    this(config, Clock.systemUTC(), ThreadLocalRandomGenerator.INSTANCE);
  }

  /** For tests: the clock of {@code Retry-After} dates and the source of backoff jitter. */
  public PolicyResolver(TollgateConfig config, Clock clock, RandomGenerator random) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.retryOnCodes = StatusCodes.of(config.retryOnCodes());
    this.fallbackOnCodes = StatusCodes.of(config.fallbackOnCodes());
    this.globalRetry = config.retryEnabled() && config.retryMaxAttempts() > 0
        ? retrySettings(config.retryMaxAttempts(), config.retryFactor(), config.retryMinDelayMillis(),
            config.retryMaxDelayMillis())
        : null;
    this.admitEveryCall = !config.rateLimits().isEmpty() || BudgetPolicy.anyBlocks(config.budgets());
  }

  /**
   * The policies of one call.
   *
   * @param controls the call's parsed control headers (null = none)
   * @param requestHeaders all request headers, for the standard {@code Cache-Control} (null = none)
   * @param requestModel the model the request asks for, or null
   * @return never null; never throws
   */
  public CallPolicies resolve(ControlHeaders controls, HeaderLookup requestHeaders, String requestModel) {
    Map<String, String> h = controls == null ? Map.of() : controls.policyHeaders();
    if (h.isEmpty() && !config.cacheEnabled() && globalRetry == null && !admitEveryCall
        && (requestModel == null || !config.hasFallbackModels())) {
      return CallPolicies.none();
    }
    try {
      CallPolicies.Builder out = CallPolicies.builder();
      out.admission(admitEveryCall);
      out.rateLimit(rateLimit(h, out));
      out.cache(cache(h, requestHeaders, out));
      out.retry(h.isEmpty() ? globalRetry : retry(h, out));
      fallbacks(h, requestModel, out);
      return out.build();
    } catch (RuntimeException e) {
      // Not a header problem but our own: fail open. Only the class name: a message could quote input.
      TollgateLog.warnOnce("policy:internal", "could not resolve the gateway policies of a call ("
          + e.getClass().getName() + "); the call goes ahead without cache, retry or fallback");
      return CallPolicies.none();
    }
  }

  // ---------------------------------------------------------------- rate limit

  private static RateLimitPolicy rateLimit(Map<String, String> h, CallPolicies.Builder out) {
    String v = h.get("ratelimit-policy");
    if (v == null) {
      return null;
    }
    try {
      return RateLimitPolicy.parse("header", v);
    } catch (IllegalArgumentException e) {
      problem(out, "ratelimit-policy", "RateLimit-Policy: " + quoted(v) + ": " + e.getMessage() + "; ignored");
      return null;
    }
  }

  // ---------------------------------------------------------------- cache

  private CacheSettings cache(Map<String, String> h, HeaderLookup requestHeaders, CallPolicies.Builder out) {
    Boolean enabled = bool(h, "cache-enabled", "Cache-Enabled", out);
    Boolean save = bool(h, "cache-save", "Cache-Save", out);
    Boolean read = bool(h, "cache-read", "Cache-Read", out);
    Integer bucket = integer(h, "cache-bucket-max-size", "Cache-Bucket-Max-Size", 1, CacheSettings.MAX_BUCKET_SIZE, out);
    String seed = h.get("cache-seed");
    String ignore = h.get("cache-ignore-keys");
    boolean on = enabled != null ? enabled : config.cacheEnabled();
    boolean r = on || Boolean.TRUE.equals(read);
    boolean w = on || Boolean.TRUE.equals(save);
    if (!r && !w) {
      return null;
    }
    return CacheSettings.builder()
        .read(r)
        .write(w)
        .ttlMillis(ttl(h, requestHeaders, out))
        .seed(seed == null ? null : seed.trim())
        .bucketMaxSize(bucket == null ? 1 : bucket)
        .ignoreKeys(ignore == null ? List.of() : List.of(ignore.split(",")))
        .build();
  }

  private long ttl(Map<String, String> h, HeaderLookup requestHeaders, CallPolicies.Builder out) {
    String cc = h.get("cache-control");
    String name = "Cache-Control";
    if (cc == null && requestHeaders != null) {
      cc = requestHeaders.first("Cache-Control");
    }
    if (cc == null) {
      return config.cacheTtlMillis();
    }
    String sMaxAge = null;
    String maxAge = null;
    for (String part : cc.split(",")) {
      String d = part.trim();
      int eq = d.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String directive = d.substring(0, eq).trim();
      String value = d.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (directive.equalsIgnoreCase("s-maxage") && sMaxAge == null) {
        sMaxAge = value;
      } else if (directive.equalsIgnoreCase("max-age") && maxAge == null) {
        maxAge = value;
      }
    }
    for (String[] candidate : new String[][] {{"s-maxage", sMaxAge}, {"max-age", maxAge}}) {
      String v = candidate[1];
      if (v == null) {
        continue;
      }
      if (!v.isEmpty() && v.length() <= 30 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
        long maxSeconds = CacheSettings.MAX_TTL_MILLIS / 1000;
        return v.length() > 12 || Long.parseLong(v) > maxSeconds ? CacheSettings.MAX_TTL_MILLIS : Long.parseLong(v) * 1000;
      }
      problem(out, "cache-control", name + ": " + candidate[0] + " " + quoted(v)
          + " is not a whole number of seconds; ignored");
    }
    return config.cacheTtlMillis();
  }

  // ---------------------------------------------------------------- retry

  private RetrySettings retry(Map<String, String> h, CallPolicies.Builder out) {
    Boolean enabled = bool(h, "retry-enabled", "Retry-Enabled", out);
    Integer num = integer(h, "retry-num", "Retry-Num", 0, RetrySettings.MAX_RETRIES, out);
    Double factor = factor(h, out);
    Integer min = integer(h, "retry-min-timeout", "Retry-Min-Timeout", 0, (int) MAX_HEADER_DELAY_MILLIS, out);
    Integer max = integer(h, "retry-max-timeout", "Retry-Max-Timeout", 0, (int) MAX_HEADER_DELAY_MILLIS, out);
    long lo = min != null ? min : config.retryMinDelayMillis();
    long hi = max != null ? max : config.retryMaxDelayMillis();
    if (lo > hi) {
      if (min != null && max != null) {
        problem(out, "retry-timeouts", "Retry-Min-Timeout (" + lo + ") is above Retry-Max-Timeout (" + hi
            + "); both ignored");
      } else if (min != null) {
        problem(out, "retry-timeouts", "Retry-Min-Timeout: " + lo + " is above the maximum delay of " + hi
            + " ms; ignored");
      } else {
        problem(out, "retry-timeouts", "Retry-Max-Timeout: " + hi + " is below the minimum delay of " + lo
            + " ms; ignored");
      }
      lo = config.retryMinDelayMillis();
      hi = config.retryMaxDelayMillis();
    }
    boolean on = enabled != null ? enabled : config.retryEnabled();
    int retries = num != null ? num : config.retryMaxAttempts();
    if (!on || retries == 0) {
      return null;
    }
    return retrySettings(retries, factor != null ? factor : config.retryFactor(), lo, hi);
  }

  private RetrySettings retrySettings(int retries, double factor, long min, long max) {
    return RetrySettings.builder()
        .maxRetries(retries)
        .factor(factor)
        .delays(min, max)
        .onCodes(retryOnCodes)
        .clock(clock)
        .random(random)
        .build();
  }

  private static Double factor(Map<String, String> h, CallPolicies.Builder out) {
    String v = h.get("retry-factor");
    if (v == null) {
      return null;
    }
    String t = v.trim();
    if (!t.isEmpty() && t.length() <= 30 && t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
      try {
        double d = Double.parseDouble(t);
        if (d >= 1 && Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problem(out, "retry-factor", "Retry-Factor: " + quoted(v) + " is not a number of at least 1; ignored");
    return null;
  }

  // ---------------------------------------------------------------- fallback

  private void fallbacks(Map<String, String> h, String requestModel, CallPolicies.Builder out) {
    List<FallbackTarget> targets = new ArrayList<>();
    StatusCodes headerCodes = fallbackOnCodes;
    String onCodes = h.get("fallback-oncodes");
    if (onCodes != null) {
      try {
        StatusCodes parsed = StatusCodes.parse(onCodes);
        if (parsed.isEmpty()) {
          throw new IllegalArgumentException("empty");
        }
        headerCodes = parsed;
      } catch (IllegalArgumentException e) {
        problem(out, "fallback-oncodes", "Fallback-OnCodes: " + quoted(onCodes)
            + " is not a list of status codes such as 429,500,503; ignored");
      }
    }
    String model = h.get("fallback-model");
    if (model != null) {
      if (model.isBlank()) {
        problem(out, "fallback-model", "Fallback-Model: empty; ignored");
      } else {
        targets.add(FallbackTarget.model(model.trim(), headerCodes));
      }
    }
    String json = h.get("fallbacks");
    if (json != null) {
      targets.addAll(parseFallbacks(json, out));
    }
    for (String m : config.fallbackModels(requestModel)) {
      targets.add(FallbackTarget.model(m, fallbackOnCodes));
    }
    Set<String> models = new LinkedHashSet<>();
    if (requestModel != null) {
      models.add(requestModel);
    }
    for (FallbackTarget t : targets) {
      if (t.model() == null || models.add(t.model())) {
        out.fallback(t);
      }
    }
  }

  /** The targets of a {@code Fallbacks} header, or none (with one error) when any part is invalid. */
  private List<FallbackTarget> parseFallbacks(String json, CallPolicies.Builder out) {
    List<FallbackTarget> targets = new ArrayList<>();
    try (JsonParser p = PolicyJson.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return invalidFallbacks(out, "Fallbacks: expected a JSON array of objects; ignored");
      }
      int index = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        String where = "Fallbacks[" + index + "]";
        if (p.currentToken() != JsonToken.START_OBJECT) {
          return invalidFallbacks(out, where + ": expected an object; ignored");
        }
        URI url = null;
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        StatusCodes codes = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken t = p.nextToken();
          switch (field) {
            case "target-url":
              if (t != JsonToken.VALUE_STRING) {
                return invalidFallbacks(out, where + ": \"target-url\" must be a string; ignored");
              }
              try {
                url = new URI(p.getText().trim());
              } catch (URISyntaxException e) {
                return invalidFallbacks(out, where + ": \"target-url\" is not a valid URL; ignored");
              }
              break;
            case "headers":
              if (t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String name = p.currentName();
                  if (p.nextToken() != JsonToken.VALUE_STRING) {
                    return invalidFallbacks(out, where + ": the value of header \"" + FallbackTarget.printable(name)
                        + "\" must be a string; ignored");
                  }
                  headers.put(name, p.getText());
                }
              } else if (t != JsonToken.VALUE_NULL) {
                return invalidFallbacks(out, where + ": \"headers\" must be an object of strings; ignored");
              }
              break;
            case "onCodes":
              if (t == JsonToken.VALUE_NULL) {
                break;
              }
              codes = onCodes(p);
              if (codes == null) {
                return invalidFallbacks(out, where + ": \"onCodes\" must be an array of status codes (100..599)"
                    + " and {\"from\": n, \"to\": m} ranges; ignored");
              }
              break;
            case "bodyKeyOverride":
              if (t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String key = p.currentName();
                  p.nextToken();
                  overrides.put(key, PolicyJson.rawValue(p));
                }
              } else if (t != JsonToken.VALUE_NULL) {
                return invalidFallbacks(out, where + ": \"bodyKeyOverride\" must be an object; ignored");
              }
              break;
            default:
              p.skipChildren(); // forward compatible: unknown fields are skipped
          }
        }
        if (url == null) {
          return invalidFallbacks(out, where + ": \"target-url\" is missing; ignored");
        }
        try {
          targets.add(FallbackTarget.endpoint(url, headers, overrides, codes != null ? codes : fallbackOnCodes));
        } catch (IllegalArgumentException e) {
          // FallbackTarget's messages name header names and keys, never values
          return invalidFallbacks(out, where + ": " + e.getMessage() + "; ignored");
        }
        index++;
      }
      if (p.nextToken() != null) {
        return invalidFallbacks(out, "Fallbacks: unexpected content after the array; ignored");
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null || at.getColumnNr() < 0 ? "" : " (at character " + at.getColumnNr() + ")";
      return invalidFallbacks(out, "Fallbacks: not valid JSON" + where + "; ignored");
    } catch (IOException e) {
      return invalidFallbacks(out, "Fallbacks: not valid JSON; ignored");
    }
    return targets;
  }

  /**
   * The parser is on the value of {@code onCodes}; null when it is not a valid list (the
   * caller then abandons the whole header, so the parser may be left anywhere).
   */
  private static StatusCodes onCodes(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    StatusCodes codes = StatusCodes.none();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      try {
        if (p.currentToken() == JsonToken.START_OBJECT) {
          Integer from = null;
          Integer to = null;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            Integer v = PolicyJson.intValue(p);
            if ("from".equals(name)) {
              from = v;
            } else if ("to".equals(name)) {
              to = v;
            }
            p.skipChildren();
          }
          if (from == null || to == null) {
            return null;
          }
          codes = codes.union(StatusCodes.range(from, to));
        } else {
          Integer code = PolicyJson.intValue(p);
          if (code == null) {
            return null;
          }
          codes = codes.union(StatusCodes.of(code));
        }
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return codes;
  }

  private static List<FallbackTarget> invalidFallbacks(CallPolicies.Builder out, String message) {
    problem(out, "fallbacks", message);
    return List.of();
  }

  // ---------------------------------------------------------------- helpers

  private static Boolean bool(Map<String, String> h, String key, String name, CallPolicies.Builder out) {
    String v = h.get(key);
    if (v == null) {
      return null;
    }
    String t = v.trim();
    if (t.equals("true")) {
      return Boolean.TRUE;
    }
    if (t.equals("false")) {
      return Boolean.FALSE;
    }
    problem(out, key, name + ": " + quoted(v) + " is not true or false; ignored");
    return null;
  }

  private static Integer integer(Map<String, String> h, String key, String name, int min, int max,
      CallPolicies.Builder out) {
    String v = h.get(key);
    if (v == null) {
      return null;
    }
    String t = v.trim();
    int digits = t.startsWith("-") ? 1 : 0;
    boolean whole = t.length() > digits && t.length() <= digits + 18
        && t.substring(digits).chars().allMatch(c -> c >= '0' && c <= '9');
    if (!whole) {
      problem(out, key, name + ": " + quoted(v) + " is not a whole number; ignored");
      return null;
    }
    long n = Long.parseLong(t);
    if (n < min || n > max) {
      problem(out, key, name + ": " + quoted(v) + " is out of range " + min + ".." + max + "; ignored");
      return null;
    }
    return (int) n;
  }

  private static void problem(CallPolicies.Builder out, String kind, String message) {
    out.error(message);
    TollgateLog.warnOnce("policy:" + kind, "control header " + message);
  }

  /** A header value fit to show: quoted, control characters replaced, at most 64 characters. */
  private static String quoted(String v) {
    return "'" + FallbackTarget.printable(v) + "'";
  }
}
