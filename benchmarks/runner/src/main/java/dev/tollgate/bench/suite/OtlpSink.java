package dev.tollgate.bench.suite;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where both agents export (OTLP over HTTP/protobuf): accepts every POST with an empty
 * {@code Export*ServiceResponse}, so exporting costs what it costs against a real collector on
 * loopback, minus the collector's own work. Counts the requests so the report can show that spans
 * were really exported during the runs.
 */
final class OtlpSink implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "otlp-sink");
    t.setDaemon(true);
    return t;
  });
  private final LongAdder exports = new LongAdder();

  OtlpSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        exports.increment();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1);
      }
    });
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  long exports() {
    return exports.sum();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
