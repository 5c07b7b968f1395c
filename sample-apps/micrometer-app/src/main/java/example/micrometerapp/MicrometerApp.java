package example.micrometerapp;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot web app traced by Micrometer Tracing over its OpenTelemetry bridge, as Boot sets
 * it up (spans exported over OTLP by Boot's exporter). {@code GET /checkout} makes one chat with
 * {@link HttpClient} while the server request's span is current. {@code main} starts the app on a
 * free port, sends itself one request with {@link HttpURLConnection}, prints what came back and
 * stops. stderr says {@code server-trace-id <id>} and {@code server-span-id <id>} (the span current
 * in the handler). It knows nothing about Tollgate.
 */
@SpringBootApplication
public class MicrometerApp {
  static final String CHAT = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";

  public static void main(String[] args) throws Exception {
    try (ServletWebServerApplicationContext context =
        (ServletWebServerApplicationContext) SpringApplication.run(MicrometerApp.class, args)) {
      URI uri = URI.create("http://127.0.0.1:" + context.getWebServer().getPort() + "/checkout");
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      System.out.println("checkout status: " + connection.getResponseCode());
      try (InputStream in = connection.getInputStream()) {
        System.out.println(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  @RestController
  static class CheckoutController {
    private final HttpClient http = HttpClient.newHttpClient();
    private final Tracer tracer;

    CheckoutController(Tracer tracer) {
      this.tracer = tracer;
    }

    @GetMapping("/checkout")
    String checkout() throws Exception {
      Span current = tracer.currentSpan();
      if (current != null) {
        System.err.println("server-trace-id " + current.context().traceId());
        System.err.println("server-span-id " + current.context().spanId());
      }
      String baseUrl = envOr("OPENAI_BASE_URL", "https://api.openai.com/v1");
      HttpRequest chat = HttpRequest.newBuilder(URI.create(trimSlash(baseUrl) + "/chat/completions"))
          .header("Authorization", "Bearer " + envOr("OPENAI_API_KEY", "missing-key"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(CHAT))
          .build();
      HttpResponse<String> answer = http.send(chat, HttpResponse.BodyHandlers.ofString());
      return "chat: " + answer.statusCode() + "\n" + answer.body();
    }
  }

  static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
