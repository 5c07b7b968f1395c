package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.tollgate.telemetry.CallRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The few streaming-JSON moves every codec repeats.
 *
 * <p>Why a helper: providers send the same logical value in several shapes ({@code 1} or
 * {@code 1.0}, a string or an array of strings, {@code null}), and every reader must step over
 * whatever it does not want without allocating. One shared {@link JsonFactory} also means one
 * shared field-name symbol table, so known field names cost no String allocation per parse.
 *
 * <p>All readers are called with the parser positioned on a value token and leave it on the
 * last token of that value (so the caller's {@code nextToken()} moves past it).
 */
final class Json {
  private Json() {}

  /**
   * Shared, thread-safe. Field names are canonicalised (cached) but not {@code intern()}ed into
   * the JVM string pool; parse errors never quote the source (bodies may hold secrets); one
   * string value can't exceed the largest body we parse (8 MiB), so a hostile body can't make
   * the streaming parsers hold more.
   */
  static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(8 << 20).build())
      .build();

  static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
    return FACTORY.createParser(bytes, offset, length);
  }

  /**
   * A parser on {@code data}, positioned on its top-level object; null (the parser closed) when
   * the data is not an object. Errors propagate, the parser closed.
   */
  static JsonParser openObject(byte[] data, int length) throws IOException {
    JsonParser p = parser(data, 0, length);
    try {
      p.nextToken();
      if (enterObject(p)) {
        return p;
      }
    } catch (Throwable t) { // as try-with-resources would: close, then rethrow
      p.close();
      throw t;
    }
    p.close();
    return null;
  }

  /** Skips the current value: a no-op for scalars, the whole subtree for objects and arrays. */
  static void skip(JsonParser p) throws IOException {
    p.skipChildren();
  }

  /**
   * Moves to the first field of the object the parser is on. Returns false (having skipped the
   * value) when the current value is not an object, e.g. {@code null}.
   */
  static boolean enterObject(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.START_OBJECT) {
      return true;
    }
    p.skipChildren();
    return false;
  }

  /**
   * Advances to the next field of the current object and onto its value; returns the field
   * name, or null at the end of the object.
   */
  static String nextField(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.FIELD_NAME) {
      return null;
    }
    String name = p.currentName();
    p.nextToken();
    return name;
  }

  /** True when the current token starts an array; otherwise skips the value and returns false. */
  static boolean enterArray(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.START_ARRAY) {
      return true;
    }
    p.skipChildren();
    return false;
  }

  /** Advances to the next array element; false at the end of the array. */
  static boolean nextElement(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    return t != null && t != JsonToken.END_ARRAY;
  }

  /** A whole number, tolerating {@code 12.0}; null for null, non-numbers and out-of-range. */
  static Long longValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType nt = p.getNumberType();
      return nt == JsonParser.NumberType.BIG_INTEGER ? null : p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return Double.isFinite(d) && Math.abs(d) < 9.0e18 ? (long) d : null;
    }
    p.skipChildren();
    return null;
  }

  /** A number as a double, ints included; null for null and non-numbers. */
  static Double doubleValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return Double.isFinite(d) ? d : null;
    }
    p.skipChildren();
    return null;
  }

  /** A string (scalars as their text); null for null, objects and arrays. */
  static String stringValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t != null && t.isScalarValue() && t != JsonToken.VALUE_NULL) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /**
   * The current value as a whole number, or {@code keep} when it is not one: for fields where
   * the last usable value wins.
   */
  static Long longOr(JsonParser p, Long keep) throws IOException {
    Long v = longValue(p);
    return v != null ? v : keep;
  }

  /** The current value as a number, or {@code keep} when it is not one. */
  static Double doubleOr(JsonParser p, Double keep) throws IOException {
    Double v = doubleValue(p);
    return v != null ? v : keep;
  }

  /** The current value as {@link #stringValue} reads it, or {@code keep} when that is null. */
  static String stringOr(JsonParser p, String keep) throws IOException {
    String v = stringValue(p);
    return v != null ? v : keep;
  }

  /**
   * A JSON string only (unlike {@link #stringValue}, numbers and booleans are not text); null
   * for anything else, which is skipped.
   */
  static String textValue(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** A boolean; null for anything else. */
  static Boolean booleanValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE) {
      return Boolean.TRUE;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return Boolean.FALSE;
    }
    p.skipChildren();
    return null;
  }

  /**
   * A string or an array of strings (OpenAI's {@code stop}), as a list; null when absent or
   * empty. Non-string elements are skipped.
   */
  static List<String> stringOrStrings(JsonParser p, int maxElements) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      List<String> one = new ArrayList<>(1);
      one.add(p.getText());
      return one;
    }
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    List<String> out = new ArrayList<>(4);
    while (nextElement(p)) {
      if (p.currentToken() == JsonToken.VALUE_STRING && out.size() < maxElements) {
        out.add(p.getText());
      } else {
        p.skipChildren();
      }
    }
    return out.isEmpty() ? null : out;
  }

  /**
   * The current value as compact JSON text (for tool-call arguments that arrive as objects);
   * only used under content capture.
   */
  static String rawValue(JsonParser p) throws IOException {
    java.io.StringWriter w = new java.io.StringWriter(64);
    try (com.fasterxml.jackson.core.JsonGenerator g = FACTORY.createGenerator(w)) {
      g.copyCurrentStructure(p);
    }
    return w.toString();
  }

  /** True when {@code text} is exactly one JSON value (used to keep tool arguments structured). */
  static boolean isSingleValue(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Records a parse problem without leaking content: only the exception's class name goes into
   * the warning, never its message (Jackson messages can quote the body).
   */
  static void warn(CallRecord record, String codec, String what, Throwable t) {
    record.warn(codec + ": " + what + " (" + t.getClass().getSimpleName() + ")");
  }

  /** True when the bytes hold one whole JSON value (a cut body does not). */
  static boolean isCompleteValue(byte[] bytes, int length) {
    try (JsonParser p = parser(bytes, 0, length)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
