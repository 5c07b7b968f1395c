package example.otelapp;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;

/**
 * A small service with no OpenTelemetry in it (run it with only its own jar on the class path):
 * tracing, if any, comes from the OpenTelemetry Java agent. A JDK {@link HttpServer} answers
 * {@code GET /checkout} by making two chats with {@link HttpClient}; the first asks for retries
 * the Helicone way. {@code main} starts the server on a free port, sends itself one request with
 * {@link HttpURLConnection}, prints what came back and stops. It knows nothing about Tollgate.
 */
public final class CheckoutServer {
  private static final String[] RETRY = {"Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "2",
      "Helicone-Retry-Factor", "2", "Helicone-Retry-Min-Timeout", "200", "Helicone-Retry-Max-Timeout", "2000"};

  public static void main(String[] args) throws Exception {
    String baseUrl = OtelSdkApp.envOr("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String apiKey = OtelSdkApp.envOr("OPENAI_API_KEY", "missing-key");
    HttpClient http = HttpClient.newHttpClient();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/checkout", exchange -> {
      StringBuilder answer = new StringBuilder();
      int status = 200;
      try {
        HttpResponse<String> first = http.send(OtelSdkApp.chat(baseUrl, apiKey, RETRY), BodyHandlers.ofString());
        HttpResponse<String> second = http.send(OtelSdkApp.chat(baseUrl, apiKey), BodyHandlers.ofString());
        answer.append("first: ").append(first.statusCode()).append('\n').append(first.body()).append('\n')
            .append("second: ").append(second.statusCode()).append('\n').append(second.body()).append('\n');
      } catch (Exception e) {
        status = 502;
        answer.append("failed: ").append(e);
      }
      byte[] bytes = answer.toString().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/checkout");
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      System.out.println("checkout status: " + connection.getResponseCode());
      try (InputStream in = connection.getInputStream()) {
        System.out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      server.stop(0);
    }
  }
}
