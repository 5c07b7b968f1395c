package dev.tollgate.telemetry;

import static dev.tollgate.telemetry.GenAiAttributes.*;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What to record: from a {@link CallRecord} to span and metric attributes. Kept apart from
 * {@link OtelTelemetry} (how to record) so the semconv mapping is tested without an SDK.
 *
 * <p>Why a {@link Sink}: a call's end writes some forty attributes straight onto its span. Going
 * through an {@link Attributes} first would sort and copy them once more on every call, for
 * nothing (issue 6's profile); tests read the same mapping through a builder.
 */
public final class CallAttributes {
  private CallAttributes() {}

  /** Where attributes go: a span being ended, or a builder. */
  public interface Sink {
    <T> void put(AttributeKey<T> key, T value);
  }

  /** Writes into a span. */
  static Sink of(io.opentelemetry.api.trace.Span span) {
    return new Sink() {
      @Override
      public <T> void put(AttributeKey<T> key, T value) {
        span.setAttribute(key, value);
      }
    };
  }

  /** Writes into a builder. */
  static Sink of(AttributesBuilder builder) {
    return new Sink() {
      @Override
      public <T> void put(AttributeKey<T> key, T value) {
        builder.put(key, value);
      }
    };
  }

  /** Span name: {@code {operation} {model}}, or the operation alone when no model is known. */
  public static String spanName(CallRecord r) {
    String model = r.spanModel();
    return model == null ? r.operation : r.operation + " " + model;
  }

  /** Attributes known when the call starts (samplers see these). */
  public static Attributes start(CallRecord r) {
    AttributesBuilder b = Attributes.builder();
    put(b, OPERATION_NAME, r.operation);
    put(b, PROVIDER_NAME, r.provider);
    put(b, REQUEST_MODEL, r.requestModel);
    put(b, SERVER_ADDRESS, r.serverAddress);
    if (r.serverAddress != null && r.serverPort > 0) {
      b.put(SERVER_PORT, (long) r.serverPort);
    }
    return b.build();
  }

  /** Everything else, set when the call ends. */
  public static Attributes end(CallRecord r) {
    AttributesBuilder builder = Attributes.builder();
    end(r, of(builder));
    return builder.build();
  }

  /** Everything else, set when the call ends, written into {@code b}. */
  public static void end(CallRecord r, Sink b) {
    // request
    if (Boolean.TRUE.equals(r.stream)) {
      b.put(REQUEST_STREAM, true);
    }
    put(b, REQUEST_TEMPERATURE, r.temperature);
    put(b, REQUEST_TOP_P, r.topP);
    put(b, REQUEST_TOP_K, r.topK);
    put(b, REQUEST_MAX_TOKENS, r.maxTokens);
    put(b, REQUEST_SEED, r.seed);
    put(b, REQUEST_FREQUENCY_PENALTY, r.frequencyPenalty);
    put(b, REQUEST_PRESENCE_PENALTY, r.presencePenalty);
    putList(b, REQUEST_STOP_SEQUENCES, r.stopSequences);
    if (r.choiceCount != null && r.choiceCount != 1) {
      b.put(REQUEST_CHOICE_COUNT, r.choiceCount);
    }
    putList(b, REQUEST_ENCODING_FORMATS, r.encodingFormats);
    put(b, OPENAI_REQUEST_SERVICE_TIER, r.requestServiceTier);
    // response
    if (r.statusCode > 0) {
      b.put(HTTP_RESPONSE_STATUS_CODE, (long) r.statusCode);
    }
    put(b, RESPONSE_MODEL, r.responseModel);
    put(b, RESPONSE_ID, r.responseId);
    putList(b, RESPONSE_FINISH_REASONS, r.finishReasons);
    put(b, USAGE_INPUT_TOKENS, r.inputTokens);
    put(b, USAGE_OUTPUT_TOKENS, r.outputTokens);
    put(b, USAGE_CACHE_READ_INPUT_TOKENS, r.cacheReadTokens);
    put(b, USAGE_CACHE_CREATION_INPUT_TOKENS, r.cacheCreationTokens);
    put(b, USAGE_CACHE_CREATION_5M_INPUT_TOKENS, r.cacheCreation5mTokens);
    put(b, USAGE_CACHE_CREATION_1H_INPUT_TOKENS, r.cacheCreation1hTokens);
    put(b, USAGE_REASONING_OUTPUT_TOKENS, r.reasoningTokens);
    put(b, EMBEDDINGS_DIMENSION_COUNT, r.embeddingDimensions);
    put(b, OPENAI_RESPONSE_SERVICE_TIER, r.responseServiceTier);
    put(b, OPENAI_RESPONSE_SYSTEM_FINGERPRINT, r.systemFingerprint);
    if (Boolean.TRUE.equals(r.stream) && r.firstChunkNanos != 0) {
      b.put(RESPONSE_TIME_TO_FIRST_CHUNK, r.timeToFirstChunkSeconds());
    }
    put(b, ERROR_TYPE, r.errorType);
    // rate limits
    put(b, RATELIMIT_LIMIT_REQUESTS, r.rateLimitRequests);
    put(b, RATELIMIT_REMAINING_REQUESTS, r.rateLimitRemainingRequests);
    put(b, RATELIMIT_LIMIT_TOKENS, r.rateLimitTokens);
    put(b, RATELIMIT_REMAINING_TOKENS, r.rateLimitRemainingTokens);
    put(b, RATELIMIT_RETRY_AFTER_MS, r.retryAfterMillis);
    // who
    put(b, USER_ID, r.userId);
    put(b, SESSION_ID, r.sessionId);
    put(b, SESSION_PATH, r.sessionPath);
    put(b, SESSION_NAME, r.sessionName);
    for (Map.Entry<String, String> p : r.properties.entrySet()) {
      b.put(AttributeKey.stringKey(PROPERTY_PREFIX + p.getKey().toLowerCase(Locale.ROOT)), p.getValue());
    }
    // money
    put(b, COST_USD, r.costUsd);
    put(b, PRICING_MODEL, r.pricingModel);
    // content (only present when captured)
    put(b, INPUT_MESSAGES, r.inputMessages);
    put(b, OUTPUT_MESSAGES, r.outputMessages);
    put(b, SYSTEM_INSTRUCTIONS, r.systemInstructions);
    putList(b, WARNINGS, r.warnings);
    // policies
    put(b, CACHE_STATUS, r.cacheStatus);
    put(b, CACHE_SAVED_USD, r.cacheSavedUsd);
    put(b, RETRY_COUNT, r.retryCount);
    put(b, FALLBACK_INDEX, r.fallbackIndex);
    put(b, BLOCKED_BY, r.blockedBy);
    putList(b, CONFIG_ERROR, r.configErrors);
  }

  /** The attributes of one attempt's span event. */
  public static Attributes attempt(CallRecord.Attempt a) {
    AttributesBuilder b = Attributes.builder();
    b.put(ATTEMPT_NUMBER, (long) a.number);
    b.put(ATTEMPT_DELAY_MS, a.delayMillis);
    put(b, REQUEST_MODEL, a.model);
    b.put(FALLBACK_INDEX, a.fallbackIndex);
    if (a.statusCode > 0) {
      b.put(HTTP_RESPONSE_STATUS_CODE, (long) a.statusCode);
    }
    put(b, ERROR_TYPE, a.errorType);
    return b.build();
  }

  /** The attributes every GenAI metric point carries (semconv's common metric attributes). */
  public static AttributesBuilder metricBase(CallRecord r) {
    AttributesBuilder b = Attributes.builder();
    put(b, OPERATION_NAME, r.operation);
    put(b, PROVIDER_NAME, r.provider);
    put(b, REQUEST_MODEL, r.requestModel);
    put(b, RESPONSE_MODEL, r.responseModel);
    put(b, SERVER_ADDRESS, r.serverAddress);
    if (r.serverAddress != null && r.serverPort > 0) {
      b.put(SERVER_PORT, (long) r.serverPort);
    }
    return b;
  }

  /**
   * The attributes of {@code tollgate.client.requests}: who was asked (provider, requested
   * model) and how it went (status, error, cache status, the agent's own refusal).
   */
  public static AttributesBuilder requestsMetric(CallRecord r) {
    AttributesBuilder b = Attributes.builder()
        .put(PROVIDER_NAME, r.provider == null ? "unknown" : r.provider);
    put(b, REQUEST_MODEL, r.requestModel);
    if (r.statusCode > 0) {
      b.put(HTTP_RESPONSE_STATUS_CODE, (long) r.statusCode);
    }
    put(b, ERROR_TYPE, r.errorType);
    put(b, CACHE_STATUS, r.cacheStatus);
    put(b, BLOCKED_BY, r.blockedBy);
    return b;
  }

  private static <T> void put(AttributesBuilder b, AttributeKey<T> key, T value) {
    if (value != null) {
      b.put(key, value);
    }
  }

  private static <T> void put(Sink b, AttributeKey<T> key, T value) {
    if (value != null) {
      b.put(key, value);
    }
  }

  private static void putList(Sink b, AttributeKey<List<String>> key, List<String> value) {
    if (value != null && !value.isEmpty()) {
      b.put(key, value);
    }
  }

  /** An alert's attributes: kind, name, message and its numbers. */
  public static Attributes alert(CallRecord.Alert a) {
    AttributesBuilder b = Attributes.builder()
        .put(ALERT_KIND, a.kind)
        .put(ALERT_NAME, a.name)
        .put(ALERT_MESSAGE, a.message);
    for (Map.Entry<String, Object> e : a.attributes.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Long) {
        b.put(AttributeKey.longKey(e.getKey()), (Long) v);
      } else if (v instanceof Double) {
        b.put(AttributeKey.doubleKey(e.getKey()), (Double) v);
      } else if (v != null) {
        b.put(AttributeKey.stringKey(e.getKey()), v.toString());
      }
    }
    return b.build();
  }
}
