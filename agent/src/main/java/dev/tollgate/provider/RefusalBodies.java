package dev.tollgate.provider;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The JSON error body of a 429 that Tollgate answers itself (rate limit, spent budget), in the
 * provider's own error format, so that the application's SDK raises the exception it raises
 * for the provider's own 429.
 */
public final class RefusalBodies {
  private RefusalBodies() {}

  public static byte[] tooManyRequests(WireFormat format, String message) {
    String m = new String(JsonStringEncoder.getInstance().quoteAsString(message));
    String json;
    switch (format) {
      case ANTHROPIC_MESSAGES:
        json = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"" + m + "\"}}";
        break;
      case GEMINI_GENERATE_CONTENT:
        json = "{\"error\":{\"code\":429,\"message\":\"" + m + "\",\"status\":\"RESOURCE_EXHAUSTED\"}}";
        break;
      default:
        json = "{\"error\":{\"message\":\"" + m
            + "\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
