package dev.tollgate.policy;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One alternative to try when the call (or the previous alternative) fails with one of
 * {@link #onCodes()}: either another model at the same endpoint ({@code Fallback-Model},
 * {@code tollgate.fallback.<model>}) or another endpoint altogether ({@code Fallbacks}, with its
 * own headers and body overrides).
 *
 * <p>Why one class for both: the engine walks one ordered list and asks each target the same
 * questions; a model target is simply one with no URL, no headers and a {@code model} override.
 *
 * <p>{@link #toString()} never shows header values (they may carry API keys) nor the URL's
 * query (Gemini accepts {@code ?key=}).
 */
public final class FallbackTarget {
  private final String model;
  private final URI targetUrl;
  private final Map<String, String> headers;
  private final Map<String, String> bodyKeyOverride;
  private final StatusCodes onCodes;

  private FallbackTarget(String model, URI targetUrl, Map<String, String> headers,
      Map<String, String> bodyKeyOverride, StatusCodes onCodes) {
    this.model = model;
    this.targetUrl = targetUrl;
    this.headers = headers;
    this.bodyKeyOverride = bodyKeyOverride;
    this.onCodes = onCodes;
  }

  /**
   * The same request with the body's {@code model} replaced.
   *
   * @throws IllegalArgumentException when the model is blank
   */
  public static FallbackTarget model(String model, StatusCodes onCodes) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("a fallback model must not be blank");
    }
    return new FallbackTarget(model.trim(), null, Map.of(), Map.of(), Objects.requireNonNull(onCodes, "onCodes"));
  }

  /**
   * Another endpoint: the request goes to {@code targetUrl}, with {@code headers} added or
   * replacing the request's own (names compared case-insensitively by the engine) and the
   * body's top-level keys set from {@code bodyKeyOverride} (key → raw JSON value text).
   *
   * @throws IllegalArgumentException when the URL is not absolute http(s) with a host, a header
   *     name is not an HTTP token, a header value holds CR, LF or NUL, or an override is not one
   *     JSON value
   */
  public static FallbackTarget endpoint(URI targetUrl, Map<String, String> headers,
      Map<String, String> bodyKeyOverride, StatusCodes onCodes) {
    Objects.requireNonNull(targetUrl, "targetUrl");
    String scheme = targetUrl.getScheme();
    if (!targetUrl.isAbsolute() || targetUrl.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException("target URL must be an absolute http(s) URL with a host");
    }
    Map<String, String> h = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((name, value) -> {
        if (!isToken(name)) {
          throw new IllegalArgumentException("header name '" + printable(name) + "' is not a valid HTTP header name");
        }
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
          // never echo the value: it may be a credential
          throw new IllegalArgumentException("the value of header '" + name + "' is not a valid header value");
        }
        h.put(name, value);
      });
    }
    Map<String, String> o = new LinkedHashMap<>();
    if (bodyKeyOverride != null) {
      bodyKeyOverride.forEach((key, raw) -> {
        if (key == null || raw == null || !PolicyJson.isSingleValue(raw)) {
          throw new IllegalArgumentException("body override of key '" + printable(key) + "' is not one JSON value");
        }
        o.put(key, raw);
      });
    }
    return new FallbackTarget(null, targetUrl, unmodifiable(h), unmodifiable(o),
        Objects.requireNonNull(onCodes, "onCodes"));
  }

  /** The model to put in the body, for a model target; null for an endpoint target. */
  public String model() {
    return model;
  }

  /** Where to send the request, for an endpoint target; null for a model target. */
  public URI targetUrl() {
    return targetUrl;
  }

  /** Extra or replacement request headers, names as given; unmodifiable, may hold credentials. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Top-level JSON key → raw JSON value text to set in the body; unmodifiable. */
  public Map<String, String> bodyKeyOverride() {
    return bodyKeyOverride;
  }

  public StatusCodes onCodes() {
    return onCodes;
  }

  /** True when a failed attempt with this status moves on to this target. */
  public boolean triggeredBy(int status) {
    return onCodes.contains(status);
  }

  /**
   * True: a connection failure (no status at all) always moves on to the next target, as it
   * always is retryable, since the next target may well be reachable.
   */
  public boolean triggeredByConnectionFailure() {
    return true;
  }

  private static boolean isToken(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return s.length() > 64 ? sb.append("...").toString() : sb.toString();
  }

  private static Map<String, String> unmodifiable(Map<String, String> m) {
    return m.isEmpty() ? Map.of() : Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FallbackTarget)) {
      return false;
    }
    FallbackTarget t = (FallbackTarget) o;
    return Objects.equals(model, t.model) && Objects.equals(targetUrl, t.targetUrl) && headers.equals(t.headers)
        && bodyKeyOverride.equals(t.bodyKeyOverride) && onCodes.equals(t.onCodes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, targetUrl, headers, bodyKeyOverride, onCodes);
  }

  @Override
  public String toString() {
    if (model != null) {
      return "FallbackTarget{model=" + model + ", onCodes=" + onCodes + "}";
    }
    StringBuilder sb = new StringBuilder("FallbackTarget{url=").append(targetUrl.getScheme()).append("://")
        .append(targetUrl.getHost());
    if (targetUrl.getPort() >= 0) {
      sb.append(':').append(targetUrl.getPort());
    }
    if (targetUrl.getRawPath() != null) {
      sb.append(targetUrl.getRawPath());
    }
    if (!headers.isEmpty()) {
      sb.append(", headers=").append(headers.keySet());
    }
    if (!bodyKeyOverride.isEmpty()) {
      sb.append(", bodyKeyOverride=").append(bodyKeyOverride.keySet());
    }
    return sb.append(", onCodes=").append(onCodes).append('}').toString();
  }
}
