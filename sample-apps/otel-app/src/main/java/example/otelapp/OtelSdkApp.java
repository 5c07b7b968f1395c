package example.otelapp;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;

/**
 * An application that traces itself: it sets up the OpenTelemetry SDK (autoconfigured from the
 * usual {@code otel.*} settings: OTLP http/protobuf to {@code otel.exporter.otlp.endpoint}) and
 * makes its LLM calls with {@link HttpClient} inside a span of its own, with baggage entries
 * {@code user.id} and {@code workflow}. It knows nothing about Tollgate.
 *
 * <p>Scenario {@code checkout}: one {@code send} and one {@code sendAsync} chat inside the span
 * {@code checkout}; {@code checkout-okhttp}: the same with OkHttp {@code execute} and {@code
 * enqueue} (OkHttp on the class path from elsewhere). {@code outside}: one chat with no span current. Each with the
 * suffix {@code -global} ({@code checkout-global}) registers the SDK as {@code GlobalOpenTelemetry}. stdout shows the status and
 * body of each answer; stderr says {@code app-trace-id <id>} and {@code app-span-id <id>}.
 */
public final class OtelSdkApp {
  static final String CHAT = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "checkout";
    String baseUrl = envOr("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String apiKey = envOr("OPENAI_API_KEY", "missing-key");
    // the app's own telemetry is traces only, over http/protobuf (the SDK's default is gRPC);
    // these are defaults: the otel.* system properties and environment still win
    // APP_OTLP_ENDPOINT / APP_SERVICE_NAME, when set, are the app's own and win over the shared
    // otel.* settings (so the app can export somewhere else than other code in the JVM)
    Map<String, String> own = new java.util.HashMap<>();
    if (System.getenv("APP_OTLP_ENDPOINT") != null) {
      own.put("otel.exporter.otlp.endpoint", System.getenv("APP_OTLP_ENDPOINT"));
    }
    if (System.getenv("APP_SERVICE_NAME") != null) {
      own.put("otel.service.name", System.getenv("APP_SERVICE_NAME"));
    }
    boolean global = scenario.endsWith("-global");
    if (global) {
      scenario = scenario.substring(0, scenario.length() - "-global".length());
    }
    io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder builder = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of("otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
        .addPropertiesCustomizer(config -> own)
        .disableShutdownHook();
    if (global) {
      builder.setResultAsGlobal(); // registered as GlobalOpenTelemetry, for code that looks there
    }
    OpenTelemetrySdk sdk = builder.build().getOpenTelemetrySdk();
    try {
      HttpClient http = HttpClient.newHttpClient();
      Tracer tracer = sdk.getTracer("example.otelapp");
      switch (scenario) {
        case "checkout", "checkout-okhttp" -> {
          Span checkout = tracer.spanBuilder("checkout").setSpanKind(SpanKind.SERVER).startSpan();
          Baggage baggage = Baggage.builder().put("user.id", "u-42").put("workflow", "checkout").build();
          try (Scope span = checkout.makeCurrent(); Scope bag = baggage.makeCurrent()) {
            if (scenario.equals("checkout-okhttp")) {
              String[] both = new CheckoutServer.OkHttpChats().firstAndSecond(baseUrl, apiKey);
              System.out.println("execute status: " + both[0]);
              System.out.println("enqueue status: " + both[1]);
            } else {
              print("send", http.send(chat(baseUrl, apiKey), BodyHandlers.ofString()));
              print("sendAsync", http.sendAsync(chat(baseUrl, apiKey), BodyHandlers.ofString()).join());
            }
          } finally {
            checkout.end();
          }
          System.err.println("app-trace-id " + checkout.getSpanContext().getTraceId());
          System.err.println("app-span-id " + checkout.getSpanContext().getSpanId());
        }
        case "outside" -> print("send", http.send(chat(baseUrl, apiKey), BodyHandlers.ofString()));
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
      }
    } finally {
      sdk.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  static HttpRequest chat(String baseUrl, String apiKey, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(trimSlash(baseUrl) + "/chat/completions"))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
  }

  static void print(String what, HttpResponse<String> response) {
    System.out.println(what + " status: " + response.statusCode());
    System.out.println(response.body());
  }

  static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
