package dev.tollgate.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a request for a fallback: top-level keys of a JSON body, the model in a Gemini
 * path, or the deployment in an Azure OpenAI path.
 *
 * <p>Why splice bytes instead of re-serialising: only the replaced values change; every other
 * byte — key order, whitespace, number spelling, escapes — stays exactly as the application
 * (and its SDK) wrote it, so the provider sees the same request apart from the override, and we
 * never re-encode what we don't understand. The body is scanned once with jackson-core's
 * streaming parser to find the byte ranges of the top-level values.
 *
 * <p>Never throws: a body that is not one UTF-8 JSON object, or an override that is not one
 * JSON value, gives back the input unchanged (the same array).
 */
public final class BodyRewriter {
  private BodyRewriter() {}

  /** Replaces the top-level {@code "model"} (every occurrence), or inserts it first when absent. */
  public static byte[] withModel(byte[] jsonBody, String model) {
    if (model == null) {
      return jsonBody;
    }
    return withOverrides(jsonBody, Map.of("model", PolicyJson.quote(model)));
  }

  /**
   * Sets each top-level key to its raw JSON value text: replaces every occurrence of a key
   * present in the body; keys absent are inserted at the start of the object, in the map's
   * order.
   */
  public static byte[] withOverrides(byte[] jsonBody, Map<String, String> raw) {
    if (jsonBody == null || raw == null || raw.isEmpty()) {
      return jsonBody;
    }
    try {
      return splice(jsonBody, raw);
    } catch (Exception | StackOverflowError e) {
      return jsonBody;
    }
  }

  /**
   * {@code /v1beta/models/gemini-1.5-pro:generateContent?alt=sse} with model {@code gemini-2.0}
   * → {@code /v1beta/models/gemini-2.0:generateContent?alt=sse}. A model given as
   * {@code models/x} is taken as {@code x}. The path is returned unchanged when it has no
   * {@code /models/{model}:operation} segment or the model can't be a path segment (blank, or
   * holding {@code / ? # : %} or whitespace).
   */
  public static String geminiPathWithModel(String path, String model) {
    if (path == null || model == null) {
      return path;
    }
    String m = model.startsWith("models/") ? model.substring("models/".length()) : model;
    if (m.isEmpty()) {
      return path;
    }
    for (int i = 0; i < m.length(); i++) {
      char c = m.charAt(i);
      if (c <= ' ' || c == 0x7f || "/?#:%".indexOf(c) >= 0) {
        return path;
      }
    }
    int end = path.length();
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '?' || path.charAt(i) == '#') {
        end = i;
        break;
      }
    }
    int slash = path.lastIndexOf('/', end - 1);
    if (slash < 0) {
      return path;
    }
    int colon = path.indexOf(':', slash);
    if (colon < 0 || colon >= end || colon == slash + 1) {
      return path;
    }
    if (!path.regionMatches(slash - "/models".length(), "/models", 0, "/models".length())) {
      return path;
    }
    return path.substring(0, slash + 1) + m + path.substring(colon);
  }

  private static final String AZURE_DEPLOYMENTS = "/openai/deployments/";

  /**
   * {@code /openai/deployments/gpt-4o/chat/completions} with deployment {@code gpt-4o-mini} →
   * {@code /openai/deployments/gpt-4o-mini/chat/completions} (a query stays as it was). Azure
   * OpenAI serves the deployment named in the path whatever the body's {@code model} says, so a
   * fallback there must change the path. The same instance is returned when the path has no
   * {@code /openai/deployments/{d}/} segment or the deployment can't be a path segment.
   */
  public static String azureDeploymentPath(String path, String deployment) {
    if (path == null || deployment == null || !isPathSegment(deployment)) {
      return path;
    }
    int at = path.indexOf(AZURE_DEPLOYMENTS);
    if (at < 0) {
      return path;
    }
    int start = at + AZURE_DEPLOYMENTS.length();
    int end = path.indexOf('/', start);
    if (end <= start) {
      return path;
    }
    return path.substring(0, start) + deployment + path.substring(end);
  }

  private static boolean isPathSegment(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f || "/?#:%".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] splice(byte[] body, Map<String, String> raw) throws Exception {
    Map<String, byte[]> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (e.getKey() == null || e.getValue() == null || !PolicyJson.isSingleValue(e.getValue())) {
        return body;
      }
      values.put(e.getKey(), e.getValue().trim().getBytes(StandardCharsets.UTF_8));
    }
    int first = 0;
    while (first < body.length && isWhitespace(body[first])) {
      first++;
    }
    if (first == body.length || body[first] != '{') {
      return body; // not an object, or not UTF-8 (UTF-16/32 would start with a zero byte)
    }
    List<int[]> ranges = new ArrayList<>(); // {start, end} of values to replace
    List<byte[]> replacements = new ArrayList<>();
    boolean[] seen = new boolean[values.size()];
    List<String> keys = new ArrayList<>(values.keySet());
    int objectStart;
    boolean hasFields;
    try (JsonParser p = PolicyJson.FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return body;
      }
      objectStart = offset(p);
      if (objectStart != first) {
        return body;
      }
      JsonToken t = p.nextToken();
      hasFields = t == JsonToken.FIELD_NAME;
      while (t == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken valueToken = p.nextToken();
        int start = offset(p);
        if (!startsValue(body, start, valueToken)) {
          return body;
        }
        p.skipChildren();
        t = p.nextToken();
        if (t != JsonToken.FIELD_NAME && t != JsonToken.END_OBJECT) {
          return body;
        }
        int next = offset(p);
        int end = valueEnd(body, start, next);
        if (end < 0) {
          return body;
        }
        int k = keys.indexOf(name);
        if (k >= 0) {
          seen[k] = true;
          ranges.add(new int[] {start, end});
          replacements.add(values.get(name));
        }
      }
      if (t != JsonToken.END_OBJECT || body[offset(p)] != '}' || p.nextToken() != null) {
        return body;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
    out.write(body, 0, objectStart + 1);
    boolean needComma = false;
    for (int k = 0; k < keys.size(); k++) {
      if (seen[k]) {
        continue;
      }
      if (needComma) {
        out.write(',');
      }
      out.write(PolicyJson.quote(keys.get(k)).getBytes(StandardCharsets.UTF_8));
      out.write(':');
      out.write(values.get(keys.get(k)));
      needComma = true;
    }
    if (needComma && hasFields) {
      out.write(',');
    }
    int pos = objectStart + 1;
    for (int i = 0; i < ranges.size(); i++) {
      int[] r = ranges.get(i);
      out.write(body, pos, r[0] - pos);
      out.write(replacements.get(i));
      pos = r[1];
    }
    out.write(body, pos, body.length - pos);
    return out.toByteArray();
  }

  private static int offset(JsonParser p) {
    long o = p.currentTokenLocation().getByteOffset();
    if (o < 0 || o > Integer.MAX_VALUE) {
      throw new IllegalStateException("no byte offset");
    }
    return (int) o;
  }

  /** A sanity check that the parser's offset really points at this value's first byte. */
  private static boolean startsValue(byte[] body, int at, JsonToken token) {
    if (at >= body.length) {
      return false;
    }
    byte b = body[at];
    switch (token) {
      case START_OBJECT:
        return b == '{';
      case START_ARRAY:
        return b == '[';
      case VALUE_STRING:
        return b == '"';
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return b == '-' || (b >= '0' && b <= '9');
      case VALUE_TRUE:
        return b == 't';
      case VALUE_FALSE:
        return b == 'f';
      case VALUE_NULL:
        return b == 'n';
      default:
        return false;
    }
  }

  /**
   * The end (exclusive) of the value starting at {@code start}, found from the start of the
   * next token: back over whitespace, at most one comma, whitespace. Only those bytes may sit
   * between a value and the next field name or the closing brace.
   */
  private static int valueEnd(byte[] body, int start, int next) {
    int i = next;
    while (i > start && isWhitespace(body[i - 1])) {
      i--;
    }
    if (i > start && body[i - 1] == ',') {
      i--;
      while (i > start && isWhitespace(body[i - 1])) {
        i--;
      }
    }
    return i > start ? i : -1;
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
