package dev.tollgate.it.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** One HTTP request as a server received it: header names keep their case, values keep their order. */
public record RecordedRequest(String method, String url, Map<String, List<String>> headers, byte[] body) {

  public Optional<List<String>> header(String name) {
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue).findFirst();
  }

  public String firstHeader(String name) {
    return header(name).filter(v -> !v.isEmpty()).map(v -> v.get(0)).orElse(null);
  }

  /**
   * The API key the request carried, in its provider's header: {@code Authorization: Bearer <key>}
   * (OpenAI), {@code x-api-key} (Anthropic), {@code api-key} (Azure OpenAI) or {@code x-goog-api-key} (Gemini); "Bearer ..." as
   * sent when the Authorization header is not a bearer token; null when none.
   */
  public String credential() {
    String authorization = firstHeader("Authorization");
    if (authorization != null) {
      return authorization.startsWith("Bearer ") ? authorization.substring(7) : authorization;
    }
    String anthropic = firstHeader("x-api-key");
    if (anthropic != null) {
      return anthropic;
    }
    String azure = firstHeader("api-key");
    return azure != null ? azure : firstHeader("x-goog-api-key");
  }

  /** Header names starting with {@code Helicone-} or {@code Tollgate-}, any case. */
  public List<String> gatewayHeaderNames() {
    return headers.keySet().stream().filter(name -> {
      String lower = name.toLowerCase(Locale.ROOT);
      return lower.startsWith("helicone-") || lower.startsWith("tollgate-");
    }).toList();
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return method + " " + url + " " + headers + " body=" + body.length + " bytes";
  }
}
