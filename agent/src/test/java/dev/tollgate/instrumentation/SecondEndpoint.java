package dev.tollgate.instrumentation;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A second OpenAI-compatible endpoint for the {@code Fallbacks} tests: answers every request with
 * {@link ApacheTestServer#CHAT} and records what it received. It installs no gateway.
 */
public final class SecondEndpoint implements AutoCloseable {
  public final List<String> bodies = new CopyOnWriteArrayList<>();
  public final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  public SecondEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      headers.add(Map.copyOf(ex.getRequestHeaders()));
      byte[] b = ApacheTestServer.CHAT.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("content-type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Its origin, as a {@code Fallbacks} target-url. */
  public String origin() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
