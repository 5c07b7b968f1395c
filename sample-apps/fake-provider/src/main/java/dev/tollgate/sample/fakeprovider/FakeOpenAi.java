package dev.tollgate.sample.fakeprovider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for api.openai.com that answers with real recorded responses (see
 * resources/recordings/README.md): chat completions (plain and streamed, paced like a real
 * model), embeddings, and the Responses API. Everything under {@code /v1}.
 *
 * <p>Usage: {@code java -jar fake-provider.jar [port]} (default 8089). Streams send one SSE
 * event every {@code FAKE_PACE_MS} milliseconds (default 40).
 */
public final class FakeOpenAi {
  private FakeOpenAi() {}

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
    long paceMs = Long.parseLong(System.getenv().getOrDefault("FAKE_PACE_MS", "40"));
    HttpServer server = start(port, paceMs);
    System.out.println("fake OpenAI provider on http://localhost:" + server.getAddress().getPort() + "/v1");
  }

  public static HttpServer start(int port, long paceMs) throws IOException {
    Map<String, String> headers = parseFlatJson(resource("openai-headers.json"));
    String chat = resource("chat-basic.json");
    String chatStream = resource("chat-stream-include-usage.sse");
    String embeddings = resource("embeddings-basic.json");
    String responses = resource("responses-basic.json");
    String responsesStream = resource("responses-stream.sse");

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-provider");
      t.setDaemon(false);
      return t;
    }));
    server.createContext("/", exchange -> {
      try {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        boolean stream = body.replace(" ", "").contains("\"stream\":true");
        if (path.endsWith("/chat/completions")) {
          answer(exchange, headers, stream ? chatStream : chat, stream, paceMs);
        } else if (path.endsWith("/embeddings")) {
          answer(exchange, headers, embeddings, false, 0);
        } else if (path.endsWith("/responses")) {
          answer(exchange, headers, stream ? responsesStream : responses, stream, paceMs);
        } else if (path.endsWith("/health")) {
          send(exchange, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8));
        } else {
          send(exchange, 404, "application/json",
              "{\"error\":{\"message\":\"Unknown path\",\"type\":\"invalid_request_error\"}}".getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the client went away; nothing to do
      } finally {
        exchange.close();
      }
    });
    server.start();
    return server;
  }

  private static void answer(HttpExchange ex, Map<String, String> headers, String body, boolean stream, long paceMs)
      throws IOException {
    headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    if (!stream) {
      send(ex, 200, "application/json", body.getBytes(StandardCharsets.UTF_8));
      return;
    }
    ex.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      for (String event : body.split("(?<=\n\n)")) {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (paceMs > 0) {
          try {
            Thread.sleep(paceMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
    ex.getResponseHeaders().add("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = FakeOpenAi.class.getResourceAsStream("/recordings/" + name)) {
      if (in == null) {
        throw new IOException("missing recording " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** {"a": "b", ...} with string values only: enough for the recorded headers. */
  private static Map<String, String> parseFlatJson(String json) {
    Map<String, String> map = new LinkedHashMap<>();
    Matcher m = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    while (m.find()) {
      map.put(m.group(1), m.group(2));
    }
    return map;
  }
}
