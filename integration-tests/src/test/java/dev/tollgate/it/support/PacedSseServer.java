package dev.tollgate.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A provider that streams slowly: {@code POST /v1/chat/completions} answers with the recorded
 * include-usage SSE stream, one event at a time, flushed, with a pause between events. Used to
 * check that a stream reaches the application chunk by chunk, not all at the end.
 */
public final class PacedSseServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "paced-sse");
    t.setDaemon(true);
    return t;
  });
  private final List<String> events;
  private final Duration pause;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  public PacedSseServer(Recording stream, Duration pause) throws IOException {
    this.events = stream.sseEvents();
    this.pause = pause;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/v1/chat/completions", exchange -> {
      try (exchange) {
        serve(exchange, stream.headers());
      } catch (IOException | InterruptedException e) {
        // the client went away; nothing to do
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  private void serve(HttpExchange exchange, Map<String, String> headers) throws IOException, InterruptedException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    requests.add(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
        Map.copyOf(exchange.getRequestHeaders()), body));
    headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    exchange.sendResponseHeaders(200, 0); // chunked: every flush below goes out as its own chunk
    OutputStream out = exchange.getResponseBody();
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        Thread.sleep(pause.toMillis());
      }
      out.write(events.get(i).getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  /** Number of SSE events (data lines) in one answer. */
  public int eventCount() {
    return events.size();
  }

  public Duration pause() {
    return pause;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
