package example.googlegenai;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.Candidate;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ordinary application using Google's official google-genai SDK against the Gemini API (the
 * SDK sends its requests through OkHttp 4). It knows nothing about Tollgate: it only sends the
 * Helicone headers a Helicone user already sends.
 *
 * <pre>
 * GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8089 GEMINI_API_KEY=... \
 *   java -cp target/google-genai-app.jar:target/lib/* example.googlegenai.GoogleGenAiApp generate
 * </pre>
 *
 * <p>Scenarios: generate, stream; cache (the same request twice with Helicone-Cache-Enabled),
 * retry (Helicone-Retry-* headers), fallback (asks for gemini-2.5-pro with Helicone-Fallback-Model:
 * gemini-2.5-flash; the model is in the path). Stdout is a deterministic account of what the SDK parsed.
 */
public final class GoogleGenAiApp {
  private static final String MODEL = "gemini-2.5-flash";
  private static final String UNAVAILABLE_MODEL = "gemini-2.5-pro";
  private static final String QUESTION = "Create a poem about Open Telemetry.";

  public static void main(String[] args) {
    String scenario = args.length > 0 ? args[0] : "generate";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Helicone-Property-Scenario", scenario);
    headers.put("Helicone-User-Id", "demo-user");
    headers.put("Helicone-Session-Id", "demo-session");
    if (scenario.equals("cache")) {
      headers.put("Helicone-Cache-Enabled", "true");
    }
    HttpOptions.Builder http = HttpOptions.builder()
        .baseUrl(envOr("GOOGLE_GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/"))
        .headers(headers);
    if (scenario.equals("retry")) {
      headers.put("Helicone-Retry-Enabled", "true");
      headers.put("Helicone-Retry-Num", "2");
      headers.put("Helicone-Retry-Factor", "2");
      headers.put("Helicone-Retry-Min-Timeout", "200");
      headers.put("Helicone-Retry-Max-Timeout", "2000");
    }
    if (scenario.equals("fallback")) {
      headers.put("Helicone-Fallback-Model", MODEL);
      headers.put("Helicone-Fallback-OnCodes", "503");
    }
    if (scenario.equals("retry") || scenario.equals("fallback")) {
      http.headers(headers);
      // The gateway retries or falls back for us; the SDK's own retry interceptor (on by default:
      // 408/429/5xx) would otherwise answer the 429/503 first. One attempt = no SDK retry.
      http.retryOptions(HttpRetryOptions.builder().attempts(1).build());
    }
    int exit = 0;
    try (Client client = Client.builder().apiKey(envOr("GEMINI_API_KEY", "missing-key")).httpOptions(http.build()).build()) {
      switch (scenario) {
        case "generate", "retry" -> print(client.models.generateContent(MODEL, QUESTION, null));
        case "fallback" -> print(client.models.generateContent(UNAVAILABLE_MODEL, QUESTION, null));
        case "cache" -> {
          for (int call = 1; call <= 2; call++) {
            System.out.println("call " + call);
            print(client.models.generateContent(MODEL, QUESTION, null));
          }
        }
        case "stream" -> stream(client);
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
      }
    } catch (ApiException e) {
      System.out.println("error: " + e.getClass().getSimpleName() + " status=" + e.code());
      exit = 1;
    }
    System.out.flush();
    System.exit(exit);
  }

  static void stream(Client client) {
    long start = System.nanoTime();
    try (ResponseStream<GenerateContentResponse> chunks = client.models.generateContentStream(MODEL, QUESTION, null)) {
      for (GenerateContentResponse chunk : chunks) {
        System.err.println("chunk-ms " + (System.nanoTime() - start) / 1_000_000);
        System.out.println("chunk: " + chunk.text());
        chunk.candidates().flatMap(c -> c.isEmpty() ? java.util.Optional.empty() : c.get(0).finishReason())
            .ifPresent(r -> System.out.println("finish_reason: " + r));
        chunk.usageMetadata().flatMap(GenerateContentResponseUsageMetadata::totalTokenCount)
            .ifPresent(t -> System.out.println("usage: " + usage(chunk.usageMetadata().get())));
      }
    }
    System.out.println("stream: done");
  }

  private static void print(GenerateContentResponse response) {
    System.out.println("response_id: " + response.responseId().orElse("-"));
    System.out.println("model_version: " + response.modelVersion().orElse("-"));
    System.out.println("text: " + response.text());
    Candidate first = response.candidates().orElseThrow().get(0);
    System.out.println("finish_reason: " + first.finishReason().map(Object::toString).orElse("-"));
    System.out.println("usage: " + response.usageMetadata().map(GoogleGenAiApp::usage).orElse("-"));
  }

  private static String usage(GenerateContentResponseUsageMetadata u) {
    return "prompt=" + u.promptTokenCount().orElse(0) + " candidates=" + u.candidatesTokenCount().orElse(0)
        + " thoughts=" + u.thoughtsTokenCount().orElse(0) + " total=" + u.totalTokenCount().orElse(0);
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
