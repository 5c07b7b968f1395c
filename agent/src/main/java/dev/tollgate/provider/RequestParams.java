package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.telemetry.CallRecord;
import java.io.IOException;
import java.util.List;

/**
 * Request parameters whose meaning is the same in every wire format that has them, whatever the
 * format calls them ({@code top_p} / {@code topP}, {@code n} / {@code candidateCount}, ...).
 *
 * <p>Why per-parameter readers instead of one shared switch: which fields a format reads must
 * stay visible in its codec (each lists its own {@code case} labels), while what a value means
 * (and which values are dropped) is written once here. Each reader is called with the parser on
 * the field's value and leaves it on the value's last token, like the {@link Json} readers; a
 * value of the wrong type leaves the record as it was.
 */
final class RequestParams {
  private RequestParams() {}

  static final int MAX_STOP_SEQUENCES = 16;

  /**
   * A request body's top-level object, with the parser on it; null for an empty body, and (with
   * a warning) for a body that is not a JSON object. Errors while reading propagate, and the
   * parser is closed then.
   */
  static JsonParser openBody(byte[] body, CallRecord record, String codec) throws IOException {
    if (body == null || body.length == 0) {
      return null;
    }
    JsonParser p = Json.openObject(body, body.length);
    if (p == null) {
      record.warn(codec + ": request body is not a JSON object");
    }
    return p;
  }

  static void model(JsonParser p, CallRecord record) throws IOException {
    record.requestModel = Json.stringOr(p, record.requestModel);
  }

  /** Only {@code true} is recorded: an absent flag and {@code false} mean the same. */
  static void stream(JsonParser p, CallRecord record) throws IOException {
    if (Boolean.TRUE.equals(Json.booleanValue(p))) {
      record.stream = Boolean.TRUE;
    }
  }

  static void temperature(JsonParser p, CallRecord record) throws IOException {
    record.temperature = Json.doubleOr(p, record.temperature);
  }

  static void topP(JsonParser p, CallRecord record) throws IOException {
    record.topP = Json.doubleOr(p, record.topP);
  }

  static void topK(JsonParser p, CallRecord record) throws IOException {
    record.topK = Json.doubleOr(p, record.topK);
  }

  static void maxTokens(JsonParser p, CallRecord record) throws IOException {
    record.maxTokens = Json.longOr(p, record.maxTokens);
  }

  static void seed(JsonParser p, CallRecord record) throws IOException {
    record.seed = Json.longOr(p, record.seed);
  }

  static void frequencyPenalty(JsonParser p, CallRecord record) throws IOException {
    record.frequencyPenalty = Json.doubleOr(p, record.frequencyPenalty);
  }

  static void presencePenalty(JsonParser p, CallRecord record) throws IOException {
    record.presencePenalty = Json.doubleOr(p, record.presencePenalty);
  }

  /** A string or an array of strings, at most {@value #MAX_STOP_SEQUENCES} kept. */
  static void stopSequences(JsonParser p, CallRecord record) throws IOException {
    List<String> v = Json.stringOrStrings(p, MAX_STOP_SEQUENCES);
    if (v != null) {
      record.stopSequences = v;
    }
  }

  /** How many choices / candidates were asked for; the default, 1, is not recorded. */
  static void choiceCount(JsonParser p, CallRecord record) throws IOException {
    Long v = Json.longValue(p);
    if (v != null && v != 1L) {
      record.choiceCount = v;
    }
  }

  static void serviceTier(JsonParser p, CallRecord record) throws IOException {
    record.requestServiceTier = Json.stringOr(p, record.requestServiceTier);
  }

  /** The end user's id; one already on the record (e.g. from a header) wins. */
  static void user(JsonParser p, CallRecord record) throws IOException {
    String v = Json.stringValue(p);
    if (v != null && record.userId == null) {
      record.userId = v;
    }
  }
}
