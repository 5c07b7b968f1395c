package dev.tollgate.it.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP http/protobuf receiver on a loopback port: {@code POST /v1/traces}, {@code /v1/metrics}
 * and {@code /v1/logs}, gzip or not, decoded with the real {@code opentelemetry-proto} classes and
 * answered 200 with an empty Export*ServiceResponse. Keeps every span (with resource and scope),
 * every metric, and every request body (decompressed) for secret scans. One instance serves the
 * whole suite; a test finds its own data by the run id its app was launched with.
 */
public final class OtlpReceiver implements AutoCloseable {
  private static OtlpReceiver shared;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "otlp-receiver");
    t.setDaemon(true);
    return t;
  });
  private final Object lock = new Object();
  private final List<ReceivedSpan> spans = new ArrayList<>();
  private final List<ReceivedMetric> metrics = new ArrayList<>();
  private final List<byte[]> bodies = new ArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  private final List<ReceivedLog> logs = new ArrayList<>();

  /** The suite-wide receiver, started on first use. */
  public static synchronized OtlpReceiver shared() {
    if (shared == null) {
      try {
        shared = new OtlpReceiver();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the OTLP receiver", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  public OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/v1/traces", exchange -> handle(exchange, this::onTraces, ExportTraceServiceResponse.getDefaultInstance()));
    server.createContext("/v1/metrics", exchange -> handle(exchange, this::onMetrics, ExportMetricsServiceResponse.getDefaultInstance()));
    server.createContext("/v1/logs", exchange -> handle(exchange, this::onLogs, ExportLogsServiceResponse.getDefaultInstance()));
    server.setExecutor(executor);
    server.start();
  }

  private interface Decoder {
    void decode(byte[] body) throws InvalidProtocolBufferException;
  }

  private void handle(HttpExchange exchange, Decoder decoder, MessageLite emptyResponse) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip")) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        }
      }
      synchronized (lock) {
        bodies.add(body);
      }
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-protobuf")) {
        exchange.sendResponseHeaders(415, -1); // this receiver speaks http/protobuf only
        return;
      }
      try {
        decoder.decode(body);
      } catch (InvalidProtocolBufferException e) {
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      byte[] answer = emptyResponse.toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        exchange.getResponseBody().write(answer);
      }
    }
  }

  private void onTraces(byte[] body) throws InvalidProtocolBufferException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
    synchronized (lock) {
      request.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> ss.getSpansList()
          .forEach(span -> spans.add(new ReceivedSpan(rs.getResource(), ss.getScope(), span)))));
      lock.notifyAll();
    }
  }

  private void onMetrics(byte[] body) throws InvalidProtocolBufferException {
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
    long seq = sequence.incrementAndGet();
    synchronized (lock) {
      request.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm -> sm.getMetricsList()
          .forEach(metric -> metrics.add(new ReceivedMetric(rm.getResource(), sm.getScope(), metric, seq)))));
      lock.notifyAll();
    }
  }

  private void onLogs(byte[] body) throws InvalidProtocolBufferException {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body);
    synchronized (lock) {
      request.getResourceLogsList().forEach(rl -> rl.getScopeLogsList().forEach(sl -> sl.getLogRecordsList()
          .forEach(log -> logs.add(new ReceivedLog(rl.getResource(), sl.getScope(), log)))));
      lock.notifyAll();
    }
  }

  /** What an app gets as {@code otel.exporter.otlp.endpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<ReceivedSpan> spans() {
    synchronized (lock) {
      return List.copyOf(spans);
    }
  }

  /** Spans with a string attribute {@code key} equal to {@code value}. */
  public List<ReceivedSpan> spansWithAttribute(String key, String value) {
    return spans().stream().filter(s -> value.equals(s.attrs().str(key))).toList();
  }

  /** Metrics whose resource has a string attribute {@code key} equal to {@code value}, in arrival order. */
  public List<ReceivedMetric> metricsWithResourceAttribute(String key, String value) {
    synchronized (lock) {
      return metrics.stream().filter(m -> value.equals(m.resourceAttrs().str(key))).toList();
    }
  }

  public long logRecordCount() {
    synchronized (lock) {
      return logs.size();
    }
  }

  /** Log records whose resource has a string attribute {@code key} equal to {@code value}, in arrival order. */
  public List<ReceivedLog> logsWithResourceAttribute(String key, String value) {
    synchronized (lock) {
      return logs.stream().filter(l -> value.equals(l.resourceAttrs().str(key))).toList();
    }
  }

  /** Every request body received so far (decompressed). */
  public List<byte[]> rawBodies() {
    synchronized (lock) {
      return List.copyOf(bodies);
    }
  }

  /** Whether any received byte sequence contains {@code needle} (UTF-8). */
  public boolean anyBodyContains(String needle) {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    return rawBodies().stream().anyMatch(b -> indexOf(b, n) >= 0);
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Waits until {@code query} returns a result accepted by {@code done}; returns the last result either way. */
  public <T> T await(Supplier<T> query, Predicate<T> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        T result = query.get();
        long left = deadline - System.nanoTime();
        if (done.test(result) || left <= 0) {
          return result;
        }
        try {
          lock.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return result;
        }
      }
    }
  }

  /** Waits for at least {@code count} spans carrying {@code key=value}, then returns all of them. */
  public List<ReceivedSpan> awaitSpans(String key, String value, int count, Duration timeout) {
    return await(() -> spansWithAttribute(key, value), list -> list.size() >= count, timeout);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
