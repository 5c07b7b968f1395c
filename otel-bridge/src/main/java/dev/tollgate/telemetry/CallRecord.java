package dev.tollgate.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything Tollgate learned about one logical LLM call, provider- and client-neutral.
 *
 * <p>Why plain fields: a record is filled by one call's pipeline (request codec, response
 * codec, pricing, policies) and handed to telemetry once, when the call ends. Fields that
 * stay {@code null} were not known and are not exported; a {@code null} cost means
 * "unpriced", never "free".
 *
 * <p>Writes happen from whichever thread the HTTP client delivers the response on; the
 * pipeline publishes the record to telemetry exactly once, after the last write.
 */
public final class CallRecord {
  // -- when
  /** {@link System#nanoTime()} at call start, for durations. */
  public long startNanos;
  /** Wall clock at call start, epoch nanoseconds, for the span start. */
  public long startEpochNanos;
  public long endNanos;
  /** nanoTime of the first response body bytes handed to the application, 0 if none. */
  public long firstChunkNanos;

  /**
   * The application's span that was current when the call started (read from the app's own,
   * unrelocated OpenTelemetry API), or null: the call's span becomes its child.
   */
  public ParentSpan parent;
  /**
   * The span id the call's span takes (16 hex digits), chosen at call start so the application's
   * HTTP client spans can name it as their parent before it exists; null: a random one.
   */
  public String presetSpanId;
  /**
   * The trace id the call's span takes (32 hex digits) when it has no {@link #parent}: chosen at
   * call start so a propagated {@code traceparent} can name the span before it exists; null: a
   * random one (or the parent's).
   */
  public String presetTraceId;

  // -- what (set at start: samplers and span names see them)
  public String operation;
  public String provider;
  public String requestModel;
  public String serverAddress;
  public int serverPort = -1;
  public String path;

  // -- request parameters
  public Boolean stream;
  public Double temperature;
  public Double topP;
  public Double topK;
  public Long maxTokens;
  public Long seed;
  public Double frequencyPenalty;
  public Double presencePenalty;
  public List<String> stopSequences;
  public Long choiceCount;
  public List<String> encodingFormats;
  public String requestServiceTier;

  // -- response
  public int statusCode = -1;
  public String responseModel;
  public String responseId;
  public List<String> finishReasons;
  public Long inputTokens;
  public Long outputTokens;
  public Long cacheReadTokens;
  public Long cacheCreationTokens;
  /**
   * Anthropic's split of {@link #cacheCreationTokens} by cache lifetime ({@code
   * usage.cache_creation.ephemeral_5m_input_tokens} / {@code ephemeral_1h_input_tokens}): the
   * two are written at different prices. Null when the provider does not report the split.
   */
  public Long cacheCreation5mTokens;
  public Long cacheCreation1hTokens;
  public Long reasoningTokens;
  public Long embeddingDimensions;
  public String responseServiceTier;
  public String systemFingerprint;
  /** {@code error.type}: the status code as a string, or an exception's class name. */
  public String errorType;

  // -- provider rate-limit headers
  public Long rateLimitRequests;
  public Long rateLimitRemainingRequests;
  public Long rateLimitTokens;
  public Long rateLimitRemainingTokens;
  /** The wait the provider asked for ({@code retry-after-ms} or {@code Retry-After}), milliseconds. */
  public Long retryAfterMillis;

  // -- who and why (headers and configuration)
  public String userId;
  public String sessionId;
  public String sessionPath;
  public String sessionName;
  /** Custom properties, names as given (lower-cased only on export). */
  public final Map<String, String> properties = new LinkedHashMap<>();

  // -- money
  public Double costUsd;
  public String pricingModel;

  // -- content capture: decided per call (tollgate.capture-content, Omit-Request/-Response)
  public boolean captureInput;
  public boolean captureOutput;

  // -- opt-in content (JSON strings following the GenAI semconv message schemas)
  public String inputMessages;
  public String outputMessages;
  public String systemInstructions;

  // -- gateway policies (null when the policy does not apply to this call)
  /** {@code hit}, {@code miss} or {@code bypass} under a cache policy. */
  public String cacheStatus;
  /** On a cache hit: what the cached call cost. */
  public Double cacheSavedUsd;
  /** Retries made under a retry policy (0 when none). */
  public Long retryCount;
  /** Which fallback served under a fallback policy (0 = the original request). */
  public Long fallbackIndex;
  /** {@code ratelimit:<policy>} or {@code budget:<name>} when the agent refused the call itself. */
  public String blockedBy;
  /** Bad control input (a malformed header) that was ignored. */
  public final List<String> configErrors = new ArrayList<>(0);
  /** Every attempt the call made, in order, when a retry or fallback policy applies. */
  public final List<Attempt> attempts = new ArrayList<>(0);

  /** One HTTP attempt of a logical call: exported as a span event. */
  public static final class Attempt {
    public final int number;
    public final long startEpochNanos;
    public final long delayMillis;
    public final String model;
    public final long fallbackIndex;
    public int statusCode = -1;
    public String errorType;

    public Attempt(int number, long startEpochNanos, long delayMillis, String model, long fallbackIndex) {
      this.number = number;
      this.startEpochNanos = startEpochNanos;
      this.delayMillis = delayMillis;
      this.model = model;
      this.fallbackIndex = fallbackIndex;
    }
  }

  /** Alerts this call set off (a budget threshold, an error-rate or latency threshold): span events. */
  public final List<Alert> alerts = new ArrayList<>(0);

  /**
   * Something an operator should hear about now. {@code kind} is {@code budget},
   * {@code error_rate} or {@code latency}; {@code attributes} hold the numbers (keys under
   * {@code tollgate.alert.}); {@code message} is one human sentence.
   */
  public static final class Alert {
    public final String kind;
    public final String name;
    public final String message;
    public final long epochNanos;
    public final Map<String, Object> attributes;

    /** @param attributes values are String, Long or Double; copied */
    public Alert(String kind, String name, String message, long epochNanos, Map<String, Object> attributes) {
      this.kind = kind;
      this.name = name;
      this.message = message;
      this.epochNanos = epochNanos;
      this.attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
  }

  /** Problems Tollgate met on this call (bad header, unparsable response, ...). */
  public final List<String> warnings = new ArrayList<>(0);

  public void warn(String warning) {
    if (warnings.size() < 16) {
      warnings.add(warning);
    }
  }

  /** Duration in seconds, or 0 before the call ended. */
  public double durationSeconds() {
    return endNanos == 0 ? 0 : (endNanos - startNanos) / 1e9;
  }

  /** Time to first chunk in seconds, or -1 when no chunk arrived. */
  public double timeToFirstChunkSeconds() {
    return firstChunkNanos == 0 ? -1 : (firstChunkNanos - startNanos) / 1e9;
  }

  /** The model name for a span: the requested model, else the one that answered. */
  public String spanModel() {
    return requestModel != null ? requestModel : responseModel;
  }

  /**
   * A span context copied out of the application's OpenTelemetry API as plain values: the
   * relocated SDK Tollgate exports with cannot share the app's classes.
   */
  public static final class ParentSpan {
    public final String traceId;
    public final String spanId;
    public final byte traceFlags;
    /** The W3C trace state's entries in the order the app's {@code TraceState.asMap()} gave them. */
    public final Map<String, String> traceState;
    public final boolean remote;

    public ParentSpan(String traceId, String spanId, byte traceFlags, Map<String, String> traceState, boolean remote) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.traceFlags = traceFlags;
      this.traceState = traceState == null ? Map.of() : traceState;
      this.remote = remote;
    }

    public boolean sampled() {
      return (traceFlags & 0x01) != 0;
    }
  }
}
