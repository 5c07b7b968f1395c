package dev.tollgate.config;

import dev.tollgate.internal.TollgateLog;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
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

  private final boolean enabled;
  private final String endpoints;
  private final boolean detectByPath;
  private final Map<String, String> properties;
  private final boolean captureContent;
  private final String pricingFile;
  private final boolean console;
  private final long shutdownTimeoutMillis;

  private TollgateConfig(Function<String, String> source, Map<String, String> properties) {
    this.enabled = bool(source, "tollgate.enabled", true);
    this.endpoints = str(source, "tollgate.endpoints");
    this.detectByPath = bool(source, "tollgate.detect-by-path", true);
    this.properties = Collections.unmodifiableMap(properties);
    this.captureContent = bool(source, "tollgate.capture-content", false)
        || "true".equalsIgnoreCase(trim(source.apply("otel.instrumentation.genai.capture-message-content")));
    this.pricingFile = str(source, "tollgate.pricing.file");
    this.console = bool(source, "tollgate.console", false);
    this.shutdownTimeoutMillis = duration(source, "tollgate.shutdown-timeout", 1_000);
  }

  /** Reads the JVM's system properties and environment. */
  public static TollgateConfig fromEnvironment() {
    Properties sys = System.getProperties();
    Map<String, String> env = System.getenv();
    Function<String, String> source = key -> {
      String v = sys.getProperty(key);
      return v != null ? v : env.get(envName(key));
    };
    Map<String, String> props = new LinkedHashMap<>();
    String propPrefix = "tollgate.properties.";
    String envPrefix = envName(propPrefix);
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey().startsWith(envPrefix) && e.getKey().length() > envPrefix.length()) {
        props.put(e.getKey().substring(envPrefix.length()).toLowerCase(Locale.ROOT), e.getValue());
      }
    }
    for (String name : sys.stringPropertyNames()) {
      if (name.startsWith(propPrefix) && name.length() > propPrefix.length()) {
        props.put(name.substring(propPrefix.length()), sys.getProperty(name));
      }
    }
    return new TollgateConfig(source, props);
  }

  /** For tests: settings from a map of property names (no environment). */
  public static TollgateConfig of(Map<String, String> settings) {
    Map<String, String> props = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      if (k.startsWith("tollgate.properties.") && k.length() > "tollgate.properties.".length()) {
        props.put(k.substring("tollgate.properties.".length()), v);
      }
    });
    return new TollgateConfig(settings::get, props);
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
