package dev.tollgate.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The per-call controls an application sends as {@code Helicone-*} or {@code Tollgate-*}
 * request headers (SPEC.md), parsed once per LLM call.
 *
 * <p>Why both prefixes: an app written for Helicone moves over unchanged. Names are
 * case-insensitive; booleans switch on only for the exact string {@code true}, as in
 * Helicone. Headers this slice does not act on yet (cache, retry, fallback, rate limit) are
 * kept by name in {@link #policyHeaders()} for the policies that read them.
 */
public final class ControlHeaders {
  static final String HELICONE = "helicone-";
  static final String TOLLGATE = "tollgate-";

  private final Map<String, String> properties;
  private final String userId;
  private final String sessionId;
  private final String sessionPath;
  private final String sessionName;
  private final boolean omitRequest;
  private final boolean omitResponse;
  private final boolean usedHelicone;
  private final boolean any;
  private final Map<String, String> policyHeaders;

  private ControlHeaders(Builder b) {
    this.properties = b.properties == null ? Map.of() : Collections.unmodifiableMap(b.properties);
    this.userId = b.userId;
    this.sessionId = b.sessionId;
    this.sessionPath = b.sessionPath;
    this.sessionName = b.sessionName;
    this.omitRequest = b.omitRequest;
    this.omitResponse = b.omitResponse;
    this.usedHelicone = b.usedHelicone;
    this.any = b.any;
    this.policyHeaders = b.policyHeaders == null ? Map.of() : Collections.unmodifiableMap(b.policyHeaders);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True when the header name carries one of the control prefixes (any case). */
  public static boolean isControlHeader(String name) {
    return name.length() > TOLLGATE.length()
        && (name.regionMatches(true, 0, HELICONE, 0, HELICONE.length())
            || name.regionMatches(true, 0, TOLLGATE, 0, TOLLGATE.length()));
  }

  /** Custom properties, names as the header spelled them. */
  public Map<String, String> properties() {
    return properties;
  }

  public String userId() {
    return userId;
  }

  public String sessionId() {
    return sessionId;
  }

  public String sessionPath() {
    return sessionPath;
  }

  public String sessionName() {
    return sessionName;
  }

  public boolean omitRequest() {
    return omitRequest;
  }

  public boolean omitResponse() {
    return omitResponse;
  }

  /** The request used {@code Helicone-} headers (responses then also carry Helicone's names). */
  public boolean usedHelicone() {
    return usedHelicone;
  }

  /** The request carried at least one control header (they must be removed before sending). */
  public boolean any() {
    return any;
  }

  /** Other control headers by lower-case name without prefix, e.g. {@code cache-enabled}. */
  public Map<String, String> policyHeaders() {
    return policyHeaders;
  }

  /** Collects headers one by one, as each HTTP client lists them. */
  public static final class Builder {
    private Map<String, String> properties;
    private String userId;
    private String sessionId;
    private String sessionPath;
    private String sessionName;
    private boolean omitRequest;
    private boolean omitResponse;
    private boolean usedHelicone;
    private boolean any;
    private Map<String, String> policyHeaders;

    private Builder() {}

    /** Offers one request header; anything without a control prefix is ignored. */
    public Builder accept(String name, String value) {
      if (name == null || value == null || !isControlHeader(name)) {
        return this;
      }
      any = true;
      boolean helicone = name.regionMatches(true, 0, HELICONE, 0, HELICONE.length());
      usedHelicone |= helicone;
      String suffix = name.substring(helicone ? HELICONE.length() : TOLLGATE.length());
      String lower = suffix.toLowerCase(Locale.ROOT);
      if (lower.startsWith("property-")) {
        if (lower.length() == "property-".length()) {
          return this; // a property without a name: removed, not recorded
        }
        if (properties == null) {
          properties = new LinkedHashMap<>();
        }
        properties.put(suffix.substring("property-".length()), value);
        return this;
      }
      switch (lower) {
        case "user-id":
          userId = value;
          break;
        case "session-id":
          sessionId = value;
          break;
        case "session-path":
          sessionPath = value;
          break;
        case "session-name":
          sessionName = value;
          break;
        case "omit-request":
          omitRequest = "true".equals(value.trim());
          break;
        case "omit-response":
          omitResponse = "true".equals(value.trim());
          break;
        case "auth":
          // Helicone's own API key: removed with the others, never recorded.
          break;
        default:
          if (policyHeaders == null) {
            policyHeaders = new LinkedHashMap<>();
          }
          policyHeaders.put(lower, value);
      }
      return this;
    }

    public ControlHeaders build() {
      return new ControlHeaders(this);
    }
  }
}
