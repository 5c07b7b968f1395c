package dev.tollgate.config;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.limit.BudgetPolicy;
import dev.tollgate.limit.RateLimitPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Tollgate's settings, read once at start-up from system properties and their environment
 * twins (upper case, {@code .} and {@code -} become {@code _}); system properties win.
 *
 * <p>Why immutable and read once: per-call code must not touch {@code System.getProperty}
 * (synchronised, and slow in a hot loop). A bad value is logged once and replaced by the
 * default, so a typo never stops the application.
 */
public final class TollgateConfig {
  public static final String PREFIX = "tollgate.";

  /** {@code tollgate.fallback.<model>=m1,m2}: the models to try when {@code <model>} fails. */
  public static final String FALLBACK_PREFIX = "tollgate.fallback.";
  private static final String FALLBACK_ON_CODES = "tollgate.fallback.on-codes";

  /** Upper bound of {@code tollgate.retry.max-attempts} (and of the {@code Retry-Num} header). */
  public static final int MAX_RETRIES = 10;
  /** Upper bound of a cache entry's time to live (as in Helicone). */
  public static final long MAX_CACHE_TTL_MILLIS = 365L * 86_400_000L;

  /** {@code tollgate.ratelimit.<name>=quota;w=seconds;u=unit;s=segment}: a rate limit on every handled call. */
  public static final String RATELIMIT_PREFIX = "tollgate.ratelimit.";
  /** {@code tollgate.budget.<name>=USD;w=...;s=...;mode=...}: a spending budget. */
  public static final String BUDGET_PREFIX = "tollgate.budget.";
  private static final List<String> NAMED_PREFIXES = List.of(RATELIMIT_PREFIX, BUDGET_PREFIX);

  private static final SortedSet<Integer> DEFAULT_CODES =
      Collections.unmodifiableSortedSet(new TreeSet<>(List.of(429, 500, 502, 503, 504)));

  private final boolean enabled;
  private final String endpoints;
  private final boolean detectByPath;
  private final Map<String, String> properties;
  private final boolean captureContent;
  private final String pricingFile;
  private final boolean console;
  private final long shutdownTimeoutMillis;
  private final String reportFile;
  private final long reportIntervalMillis;

  private final boolean cacheEnabled;
  private final long cacheTtlMillis;
  private final long cacheMaxBytes;
  private final boolean retryEnabled;
  private final int retryMaxAttempts;
  private final double retryFactor;
  private final long retryMinDelayMillis;
  private final long retryMaxDelayMillis;
  private final SortedSet<Integer> retryOnCodes;
  private final SortedSet<Integer> fallbackOnCodes;
  /** Exact model name → fallback models (system properties, or the map given to {@link #of}). */
  private final Map<String, List<String>> fallbackModels;
  /** {@link #envName} of the model's key suffix → fallback models (environment twins). */
  private final Map<String, List<String>> fallbackModelsByEnvName;
  private final List<RateLimitPolicy> rateLimits;
  private final List<BudgetPolicy> budgets;
  private final String alertsWebhook;
  private final boolean alertsWebhookSlack;
  private final long alertsWebhookTimeoutMillis;
  private final String alertsErrorRate;
  private final String alertsLatency;
  private final String metricsAttributes;
  private final int metricsMaxValues;
  private final List<String> baggageProperties;
  private final boolean nestHttpSpans;
  private final boolean propagate;
  private final boolean otelUseGlobal;

  private TollgateConfig(Function<String, String> source, Map<String, String> properties,
      Map<String, String> fallbackByModel, Map<String, String> fallbackByEnvName, Map<String, String> named) {
    this.enabled = bool(source, "tollgate.enabled", true);
    this.endpoints = str(source, "tollgate.endpoints");
    this.detectByPath = bool(source, "tollgate.detect-by-path", true);
    this.properties = Collections.unmodifiableMap(properties);
    this.captureContent = bool(source, "tollgate.capture-content", false)
        || "true".equalsIgnoreCase(trim(source.apply("otel.instrumentation.genai.capture-message-content")));
    this.pricingFile = str(source, "tollgate.pricing.file");
    this.console = bool(source, "tollgate.console", false);
    this.shutdownTimeoutMillis = duration(source, "tollgate.shutdown-timeout", 1_000);
    this.reportFile = str(source, "tollgate.report");
    // a bare 0 (no unit) means "only at exit"
    this.reportIntervalMillis = "0".equals(str(source, "tollgate.report.interval"))
        ? 0 : duration(source, "tollgate.report.interval", 5L * 60_000L);

    this.cacheEnabled = bool(source, "tollgate.cache.enabled", false);
    long ttl = duration(source, "tollgate.cache.ttl", 7L * 86_400_000L);
    if (ttl > MAX_CACHE_TTL_MILLIS) {
      TollgateLog.warnOnce("config:tollgate.cache.ttl", "tollgate.cache.ttl=" + ttl
          + "ms is above 365 days; using 365 days");
      ttl = MAX_CACHE_TTL_MILLIS;
    }
    this.cacheTtlMillis = ttl;
    this.cacheMaxBytes = bytes(source, "tollgate.cache.max-bytes", 64L << 20);
    this.retryEnabled = bool(source, "tollgate.retry.enabled", false);
    this.retryMaxAttempts = (int) integer(source, "tollgate.retry.max-attempts", 3, 0, MAX_RETRIES);
    this.retryFactor = factor(source, "tollgate.retry.factor", 2.0);
    long min = duration(source, "tollgate.retry.min-delay", 1_000);
    long max = duration(source, "tollgate.retry.max-delay", 10_000);
    if (min > max) {
      TollgateLog.warnOnce("config:tollgate.retry.min-delay", "tollgate.retry.min-delay (" + min
          + "ms) is above tollgate.retry.max-delay (" + max + "ms); using " + max + "ms for both");
      min = max;
    }
    this.retryMinDelayMillis = min;
    this.retryMaxDelayMillis = max;
    this.retryOnCodes = codes(source, "tollgate.retry.on-codes");
    this.fallbackOnCodes = codes(source, FALLBACK_ON_CODES);
    this.fallbackModels = modelLists(fallbackByModel);
    this.fallbackModelsByEnvName = modelLists(fallbackByEnvName);
    this.alertsWebhook = str(source, "tollgate.alerts.webhook");
    String format = str(source, "tollgate.alerts.webhook-format");
    if (format != null && !format.equalsIgnoreCase("json") && !format.equalsIgnoreCase("slack")) {
      TollgateLog.warnOnce("config:tollgate.alerts.webhook-format", "ignoring tollgate.alerts.webhook-format="
          + format + ": expected json or slack; using json");
    }
    this.alertsWebhookSlack = "slack".equalsIgnoreCase(format);
    this.alertsWebhookTimeoutMillis = duration(source, "tollgate.alerts.webhook-timeout", 5_000);
    this.alertsErrorRate = str(source, "tollgate.alerts.error-rate");
    this.alertsLatency = str(source, "tollgate.alerts.latency");
    this.metricsAttributes = str(source, "tollgate.metrics.attributes");
    this.metricsMaxValues = (int) integer(source, "tollgate.metrics.max-values", 100, 1, 100_000);
    this.baggageProperties = names(str(source, "tollgate.baggage.properties"));
    this.nestHttpSpans = bool(source, "tollgate.otel.nest-http-spans", true);
    this.propagate = bool(source, "tollgate.propagate", false);
    this.otelUseGlobal = bool(source, "tollgate.otel.use-global", false);
    List<RateLimitPolicy> limits = new ArrayList<>();
    List<BudgetPolicy> budgetList = new ArrayList<>();
    new TreeMap<>(named).forEach((key, value) -> {
      try {
        if (key.startsWith(RATELIMIT_PREFIX)) {
          limits.add(RateLimitPolicy.parse(key.substring(RATELIMIT_PREFIX.length()), value));
        } else {
          budgetList.add(BudgetPolicy.parse(key.substring(BUDGET_PREFIX.length()), value));
        }
      } catch (IllegalArgumentException e) {
        TollgateLog.warnOnce("config:" + key, "ignoring " + key + "=" + value + ": " + e.getMessage());
      }
    });
    this.rateLimits = List.copyOf(limits);
    this.budgets = List.copyOf(budgetList);
  }

  /** A comma-separated list of names, blanks dropped; empty when unset. */
  private static List<String> names(String list) {
    if (list == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String name : list.split(",")) {
      if (!name.isBlank() && !out.contains(name.trim())) {
        out.add(name.trim());
      }
    }
    return List.copyOf(out);
  }

  /** Keys under a named-policy prefix, with something after it. */
  private static boolean isNamed(String key) {
    for (String prefix : NAMED_PREFIXES) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  /** Reads the JVM's system properties and environment. */
  public static TollgateConfig fromEnvironment() {
    return from(System.getProperties(), System.getenv());
  }

  /** Settings from these system properties and this environment (system properties win). */
  static TollgateConfig from(Properties sys, Map<String, String> env) {
    Function<String, String> source = key -> {
      String v = sys.getProperty(key);
      return v != null ? v : env.get(envName(key));
    };
    Map<String, String> props = new LinkedHashMap<>();
    String propPrefix = "tollgate.properties.";
    String envPrefix = envName(propPrefix);
    String envFallbackPrefix = envName(FALLBACK_PREFIX);
    String envFallbackOnCodes = envName(FALLBACK_ON_CODES);
    Map<String, String> fallbackByEnvName = new LinkedHashMap<>();
    Map<String, String> named = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      for (String prefix : NAMED_PREFIXES) {
        String envPrefixNamed = envName(prefix);
        if (e.getKey().startsWith(envPrefixNamed) && e.getKey().length() > envPrefixNamed.length()) {
          named.put(prefix + e.getKey().substring(envPrefixNamed.length()).toLowerCase(Locale.ROOT), e.getValue());
        }
      }
      if (e.getKey().startsWith(envPrefix) && e.getKey().length() > envPrefix.length()) {
        props.put(e.getKey().substring(envPrefix.length()).toLowerCase(Locale.ROOT), e.getValue());
      }
      if (e.getKey().startsWith(envFallbackPrefix) && e.getKey().length() > envFallbackPrefix.length()
          && !e.getKey().equals(envFallbackOnCodes)) {
        fallbackByEnvName.put(e.getKey().substring(envFallbackPrefix.length()), e.getValue());
      }
    }
    Map<String, String> fallbackByModel = new LinkedHashMap<>();
    for (String name : sys.stringPropertyNames()) {
      if (name.startsWith(propPrefix) && name.length() > propPrefix.length()) {
        props.put(name.substring(propPrefix.length()), sys.getProperty(name));
      }
      collectFallback(fallbackByModel, name, sys.getProperty(name));
      if (isNamed(name)) {
        named.put(name, sys.getProperty(name)); // the system property wins over its environment twin
      }
    }
    return new TollgateConfig(source, props, fallbackByModel, fallbackByEnvName, named);
  }

  /** For tests: settings from a map of property names (no environment). */
  public static TollgateConfig of(Map<String, String> settings) {
    Map<String, String> props = new LinkedHashMap<>();
    Map<String, String> fallbackByModel = new LinkedHashMap<>();
    Map<String, String> named = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      if (isNamed(k)) {
        named.put(k, v);
      }
      if (k.startsWith("tollgate.properties.") && k.length() > "tollgate.properties.".length()) {
        props.put(k.substring("tollgate.properties.".length()), v);
      }
      collectFallback(fallbackByModel, k, v);
    });
    return new TollgateConfig(settings::get, props, fallbackByModel, Map.of(), named);
  }

  private static void collectFallback(Map<String, String> into, String key, String value) {
    if (key.startsWith(FALLBACK_PREFIX) && key.length() > FALLBACK_PREFIX.length()
        && !key.equals(FALLBACK_ON_CODES)) {
      into.put(key.substring(FALLBACK_PREFIX.length()), value);
    }
  }

  /** {@code tollgate.cache.enabled} → {@code TOLLGATE_CACHE_ENABLED}. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public boolean enabled() {
    return enabled;
  }

  /** Raw {@code host[:port]=provider,...} mappings, or null. */
  public String endpoints() {
    return endpoints;
  }

  public boolean detectByPath() {
    return detectByPath;
  }

  /** Custom properties put on every call ({@code tollgate.properties.<Name>}). */
  public Map<String, String> properties() {
    return properties;
  }

  /**
   * {@code tollgate.baggage.properties}: the application's OpenTelemetry baggage entries that
   * become custom properties of each call (read at call start); empty when unset.
   */
  public List<String> baggageProperties() {
    return baggageProperties;
  }

  /**
   * {@code tollgate.otel.nest-http-spans} (default true): while an attempt runs, Tollgate's call
   * span is current in the application's OpenTelemetry context, so the application's HTTP client
   * spans (the OpenTelemetry Java agent's) are its children. Off: they stay children of the
   * application's span, siblings of Tollgate's.
   */
  public boolean nestHttpSpans() {
    return nestHttpSpans;
  }

  /**
   * {@code tollgate.propagate} (default false): every request Tollgate sends to a provider carries
   * a W3C {@code traceparent} naming Tollgate's call span (and the parent's {@code tracestate}),
   * unless the request already has a {@code traceparent}. Off: no header is added.
   */
  public boolean propagate() {
    return propagate;
  }

  /**
   * {@code tollgate.otel.use-global} (default false): call spans are emitted through the
   * application's {@code GlobalOpenTelemetry} (its exporter, resource and sampler) instead of
   * Tollgate's own SDK; metrics and alert log records stay on Tollgate's SDK. Without a usable
   * global (no API, or none registered) the spans go through Tollgate's SDK, with one warning.
   */
  public boolean otelUseGlobal() {
    return otelUseGlobal;
  }

  public boolean captureContent() {
    return captureContent;
  }

  public String pricingFile() {
    return pricingFile;
  }

  public boolean console() {
    return console;
  }

  /** How long JVM exit may wait for the last telemetry export. */
  public long shutdownTimeoutMillis() {
    return shutdownTimeoutMillis;
  }

  /** {@code tollgate.report}: the HTML report to write (at exit and every interval), or null. */
  public String reportFile() {
    return reportFile;
  }

  /** {@code tollgate.report.interval}: how often the report is rewritten; 0 = only at exit. */
  public long reportIntervalMillis() {
    return reportIntervalMillis;
  }

  /** {@code tollgate.cache.enabled}: cache every handled call (read and write). */
  public boolean cacheEnabled() {
    return cacheEnabled;
  }

  /** {@code tollgate.cache.ttl}: time to live of what a call writes, at most 365 days. */
  public long cacheTtlMillis() {
    return cacheTtlMillis;
  }

  /** {@code tollgate.cache.max-bytes}: the bound of the in-memory cache, in bytes. */
  public long cacheMaxBytes() {
    return cacheMaxBytes;
  }

  /** {@code tollgate.retry.enabled}: retry every handled call. */
  public boolean retryEnabled() {
    return retryEnabled;
  }

  /** {@code tollgate.retry.max-attempts}: retries after the first attempt (0..{@value #MAX_RETRIES}). */
  public int retryMaxAttempts() {
    return retryMaxAttempts;
  }

  /** {@code tollgate.retry.factor}: exponential backoff multiplier, at least 1. */
  public double retryFactor() {
    return retryFactor;
  }

  /** {@code tollgate.retry.min-delay}; never above {@link #retryMaxDelayMillis()}. */
  public long retryMinDelayMillis() {
    return retryMinDelayMillis;
  }

  /** {@code tollgate.retry.max-delay}. */
  public long retryMaxDelayMillis() {
    return retryMaxDelayMillis;
  }

  /** {@code tollgate.retry.on-codes}: sorted, unmodifiable. */
  public SortedSet<Integer> retryOnCodes() {
    return retryOnCodes;
  }

  /** {@code tollgate.fallback.on-codes}: sorted, unmodifiable. */
  public SortedSet<Integer> fallbackOnCodes() {
    return fallbackOnCodes;
  }

  /**
   * {@code tollgate.fallback.<model>}: the models to try, in order, when {@code model} fails;
   * empty when none (or when {@code model} is null). The system property for the exact model
   * name wins over its environment twin ({@code TOLLGATE_FALLBACK_GPT_4O} for {@code gpt-4o}).
   */
  public List<String> fallbackModels(String model) {
    if (model == null) {
      return List.of();
    }
    List<String> exact = fallbackModels.get(model);
    if (exact != null) {
      return exact;
    }
    if (fallbackModelsByEnvName.isEmpty()) {
      return List.of();
    }
    return fallbackModelsByEnvName.getOrDefault(envName(model), List.of());
  }

  /** {@code tollgate.ratelimit.<name>}, valid ones only, by name. Unmodifiable. */
  public List<RateLimitPolicy> rateLimits() {
    return rateLimits;
  }

  /** {@code tollgate.budget.<name>}, valid ones only, by name. Unmodifiable. */
  public List<BudgetPolicy> budgets() {
    return budgets;
  }

  /** {@code tollgate.alerts.webhook}: where alerts are POSTed, or null. */
  public String alertsWebhook() {
    return alertsWebhook;
  }

  /** {@code tollgate.alerts.webhook-format=slack}: post {@code {"text": ...}} instead of the full JSON. */
  public boolean alertsWebhookSlack() {
    return alertsWebhookSlack;
  }

  /** {@code tollgate.alerts.webhook-timeout}: connect and read timeout of each POST (default 5s). */
  public long alertsWebhookTimeoutMillis() {
    return alertsWebhookTimeoutMillis;
  }

  /** {@code tollgate.alerts.error-rate}, unparsed, or null. */
  public String alertsErrorRate() {
    return alertsErrorRate;
  }

  /** {@code tollgate.alerts.latency}, unparsed, or null. */
  public String alertsLatency() {
    return alertsLatency;
  }

  /** {@code tollgate.metrics.attributes}: call attributes added to metrics (comma list), or null. */
  public String metricsAttributes() {
    return metricsAttributes;
  }

  /** {@code tollgate.metrics.max-values}: distinct values kept per metric attribute (default 100). */
  public int metricsMaxValues() {
    return metricsMaxValues;
  }

  /** True when any {@code tollgate.fallback.<model>} is set (a cheap check before a lookup). */
  public boolean hasFallbackModels() {
    return !fallbackModels.isEmpty() || !fallbackModelsByEnvName.isEmpty();
  }

  private static String trim(String s) {
    return s == null ? null : s.trim();
  }

  private static String str(Function<String, String> source, String key) {
    String v = trim(source.apply(key));
    return v == null || v.isEmpty() ? null : v;
  }

  private static boolean bool(Function<String, String> source, String key, boolean dflt) {
    String v = str(source, key);
    if (v == null) {
      return dflt;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    TollgateLog.warnOnce("config:" + key, "ignoring " + key + "=" + v + ": expected true or false; using " + dflt);
    return dflt;
  }

  /** Comma lists of models; blank items and blank lists are dropped. */
  private static Map<String, List<String>> modelLists(Map<String, String> raw) {
    if (raw.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    raw.forEach((model, list) -> {
      List<String> models = new ArrayList<>();
      if (list != null) {
        for (String m : list.split(",")) {
          String t = m.trim();
          if (!t.isEmpty() && !models.contains(t)) {
            models.add(t);
          }
        }
      }
      if (!models.isEmpty()) {
        out.put(model, List.copyOf(models));
      }
    });
    return Collections.unmodifiableMap(out);
  }

  private static long integer(Function<String, String> source, String key, long dflt, long min, long max) {
    String v = str(source, key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    TollgateLog.warnOnce("config:" + key, "ignoring " + key + "=" + v + ": expected a whole number from "
        + min + " to " + max + "; using " + dflt);
    return dflt;
  }

  private static double factor(Function<String, String> source, String key, double dflt) {
    String v = str(source, key);
    if (v == null) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(v);
      if (d >= 1 && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    TollgateLog.warnOnce("config:" + key, "ignoring " + key + "=" + v + ": expected a number of at least 1; using "
        + dflt);
    return dflt;
  }

  private static SortedSet<Integer> codes(Function<String, String> source, String key) {
    String v = str(source, key);
    if (v == null) {
      return DEFAULT_CODES;
    }
    try {
      return parseStatusCodes(v);
    } catch (IllegalArgumentException e) {
      TollgateLog.warnOnce("config:" + key, "ignoring " + key + "=" + v + ": " + e.getMessage()
          + "; using " + DEFAULT_CODES);
      return DEFAULT_CODES;
    }
  }

  /** {@code 429, 500-504} → the codes; 100..599 only. An empty list is allowed (reacts to no status). */
  static SortedSet<Integer> parseStatusCodes(String text) {
    SortedSet<Integer> out = new TreeSet<>();
    for (String raw : text.split(",")) {
      String item = raw.trim();
      if (item.isEmpty()) {
        continue;
      }
      int dash = item.indexOf('-', 1);
      int from = statusCode(dash < 0 ? item : item.substring(0, dash).trim());
      int to = dash < 0 ? from : statusCode(item.substring(dash + 1).trim());
      if (from > to) {
        throw new IllegalArgumentException("'" + item + "' is an empty range");
      }
      for (int c = from; c <= to; c++) {
        out.add(c);
      }
    }
    return Collections.unmodifiableSortedSet(out);
  }

  private static int statusCode(String s) {
    if (s.length() == 3 && s.chars().allMatch(Character::isDigit)) {
      int c = Integer.parseInt(s);
      if (c >= 100 && c <= 599) {
        return c;
      }
    }
    throw new IllegalArgumentException("'" + s + "' is not a status code (100..599)");
  }

  private static long bytes(Function<String, String> source, String key, long dflt) {
    String v = str(source, key);
    if (v == null) {
      return dflt;
    }
    try {
      return parseBytes(v);
    } catch (IllegalArgumentException e) {
      TollgateLog.warnOnce("config:" + key, "ignoring " + key + "=" + v + ": " + e.getMessage()
          + "; using " + dflt + " bytes");
      return dflt;
    }
  }

  /**
   * {@code 123}, {@code 64KB}, {@code 64MB}, {@code 1GB} (binary multiples: 1KB = 1024 bytes;
   * units in any case, also {@code B}, {@code K}, {@code KiB}, ...; a space before the unit is
   * allowed).
   *
   * @throws IllegalArgumentException with a message naming the accepted forms
   */
  static long parseBytes(String text) {
    String s = text == null ? "" : text.trim();
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 18) {
      throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 65536, 64KB, 64MB, 1GB)");
    }
    long n = Long.parseLong(s.substring(0, i));
    int shift;
    switch (s.substring(i).trim().toUpperCase(Locale.ROOT)) {
      case "":
      case "B":
        shift = 0;
        break;
      case "K":
      case "KB":
      case "KIB":
        shift = 10;
        break;
      case "M":
      case "MB":
      case "MIB":
        shift = 20;
        break;
      case "G":
      case "GB":
      case "GIB":
        shift = 30;
        break;
      default:
        throw new IllegalArgumentException("unknown unit in size '" + text + "' (use B, KB, MB or GB)");
    }
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size too large: '" + text + "'");
    }
    return n << shift;
  }

  private static long duration(Function<String, String> source, String key, long dfltMillis) {
    String v = str(source, key);
    if (v == null) {
      return dfltMillis;
    }
    try {
      return Durations.parseMillis(v);
    } catch (IllegalArgumentException e) {
      TollgateLog.warnOnce("config:" + key, "ignoring " + key + "=" + v + ": " + e.getMessage()
          + "; using " + dfltMillis + "ms");
      return dfltMillis;
    }
  }
}
