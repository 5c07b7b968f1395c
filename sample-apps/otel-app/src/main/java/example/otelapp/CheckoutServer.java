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
 * {@code GET /checkout} by making two chats; the first asks for retries the Helicone way.
 * Scenario {@code checkout}: both with {@link HttpClient} {@code send}; {@code checkout-okhttp}:
 * with OkHttp (on the class path from elsewhere), the first with {@code execute}, the second with
 * {@code enqueue}. {@code main} starts the server on a free port, sends itself one request with
 * {@link HttpURLConnection}, prints what came back and stops. It knows nothing about Tollgate.
 */
public final class CheckoutServer {
  private static final String[] RETRY = {"Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "2",
      "Helicone-Retry-Factor", "2", "Helicone-Retry-Min-Timeout", "200", "Helicone-Retry-Max-Timeout", "2000"};

  /** Two chats, the first retried; each answer's status and body. */
  interface Chats {
    String[] firstAndSecond(String baseUrl, String apiKey) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "checkout";
    String baseUrl = OtelSdkApp.envOr("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String apiKey = OtelSdkApp.envOr("OPENAI_API_KEY", "missing-key");
    Chats chats = switch (scenario) {
      case "checkout" -> jdkHttpClient();
      case "checkout-okhttp" -> new OkHttpChats();
      default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
    };
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/checkout", exchange -> {
      StringBuilder answer = new StringBuilder();
      int status = 200;
      try {
        String[] both = chats.firstAndSecond(baseUrl, apiKey);
        answer.append("first: ").append(both[0]).append('\n').append("second: ").append(both[1]).append('\n');
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

  private static Chats jdkHttpClient() {
    HttpClient http = HttpClient.newHttpClient();
    return (baseUrl, apiKey) -> {
      HttpResponse<String> first = http.send(OtelSdkApp.chat(baseUrl, apiKey, RETRY), BodyHandlers.ofString());
      HttpResponse<String> second = http.send(OtelSdkApp.chat(baseUrl, apiKey), BodyHandlers.ofString());
      return new String[] {first.statusCode() + "\n" + first.body(), second.statusCode() + "\n" + second.body()};
    };
  }

  /** OkHttp: {@code execute}, then {@code enqueue} (the answer arrives on OkHttp's dispatcher thread). */
  static final class OkHttpChats implements Chats {
    private final okhttp3.OkHttpClient http = new okhttp3.OkHttpClient();

    @Override
    public String[] firstAndSecond(String baseUrl, String apiKey) throws Exception {
      String first;
      try (okhttp3.Response r = http.newCall(request(baseUrl, apiKey, RETRY)).execute()) {
        first = r.code() + "\n" + r.body().string();
      }
      java.util.concurrent.CompletableFuture<String> second = new java.util.concurrent.CompletableFuture<>();
      http.newCall(request(baseUrl, apiKey)).enqueue(new okhttp3.Callback() {
        @Override
        public void onFailure(okhttp3.Call call, java.io.IOException e) {
          second.completeExceptionally(e);
        }

        @Override
        public void onResponse(okhttp3.Call call, okhttp3.Response response) throws java.io.IOException {
          try (response) {
            second.complete(response.code() + "\n" + response.body().string());
          }
        }
      });
      return new String[] {first, second.get(60, java.util.concurrent.TimeUnit.SECONDS)};
    }

    private static okhttp3.Request request(String baseUrl, String apiKey, String... headers) {
      okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(OtelSdkApp.trimSlash(baseUrl) + "/chat/completions")
          .header("Authorization", "Bearer " + apiKey);
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      return b.post(okhttp3.RequestBody.create(OtelSdkApp.CHAT, okhttp3.MediaType.get("application/json"))).build();
    }
  }
}
