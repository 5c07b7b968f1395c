package dev.tollgate.bench.suite;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * The loopback provider every variant calls: a JDK {@code HttpServer} that waits a fixed service time
 * and answers with the real recorded OpenAI bodies kept in the fake-provider sample app
 * ({@code chat-basic.json}, {@code chat-stream-include-usage.sse}). Streams send one SSE event per
 * {@code paceMicros}. Any other path answers a small non-LLM JSON after the same service time.
 *
 * <p>Why {@code sun.net.httpserver.nodelay}: without it the server's head and body writes meet
 * Nagle's algorithm and the client's delayed ACK, adding ~40 ms to some answers; the runner sets it
 * before the server starts.
 */
final class StubProvider implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] chat;
  private final List<byte[]> streamEvents;
  private final long serviceNanos;
  private final long paceNanos;

  StubProvider(Path recordings, long serviceMicros, long paceMicros) throws IOException {
    this.chat = Files.readAllBytes(recordings.resolve("chat-basic.json"));
    this.streamEvents = events(Files.readString(recordings.resolve("chat-stream-include-usage.sse")));
    this.serviceNanos = serviceMicros * 1000;
    this.paceNanos = paceMicros * 1000;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    this.executor = Executors.newFixedThreadPool(48, r -> {
      Thread t = new Thread(r, "stub-provider");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The OpenAI base URL, ending in /v1. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  int eventCount() {
    return streamEvents.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      LockSupport.parkNanos(serviceNanos);
      if (!path.endsWith("/chat/completions")) {
        send(exchange, "application/json", "{\"orders\":[{\"id\":\"o-1\",\"total\":12.5}]}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String request = new String(body, StandardCharsets.UTF_8);
      if (!request.replace(" ", "").contains("\"stream\":true")) {
        send(exchange, "application/json", chat);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (int i = 0; i < streamEvents.size(); i++) {
        if (i > 0) {
          LockSupport.parkNanos(paceNanos);
        }
        out.write(streamEvents.get(i));
        out.flush();
      }
    }
  }

  private static void send(HttpExchange exchange, String contentType, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("x-request-id", "req_bench");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** The recording split into whole SSE events (each with its blank line). */
  private static List<byte[]> events(String sse) {
    List<byte[]> events = new ArrayList<>();
    for (String event : sse.replace("\r\n", "\n").split("\n\n")) {
      if (!event.isBlank()) {
        events.add((event.strip() + "\n\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return events;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
