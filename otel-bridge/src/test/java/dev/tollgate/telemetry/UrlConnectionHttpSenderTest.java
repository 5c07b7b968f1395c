package dev.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UrlConnectionHttpSenderTest {
  private static final String SPAN_NAME = "chat gpt-4o-mini-sender-test";

  private HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private OtlpHttpSpanExporter exporter;

  private static final class Received {
    final String method;
    final String path;
    final Headers headers;
    final byte[] body;

    Received(String method, String path, Headers headers, byte[] body) {
      this.method = method;
      this.path = path;
      this.headers = headers;
      this.body = body;
    }
  }

  /** A collector on 127.0.0.1 answering the n-th request (1-based) with {@code status.applyAsInt(n)}. */
  private int startCollector(IntUnaryOperator status) throws IOException {
    AtomicInteger count = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
            exchange.getRequestHeaders(), in.readAllBytes()));
      }
      int code = status.applyAsInt(count.incrementAndGet());
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
    });
    server.start();
    return server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (exporter != null) {
      exporter.shutdown().join(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop(0);
    }
  }

  private static List<SpanData> oneSpan() {
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    try (SdkTracerProvider tracer = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
      Span span = tracer.get("test").spanBuilder(SPAN_NAME).startSpan();
      span.end();
      // before close: shutting the in-memory exporter down empties it
      List<SpanData> spans = memory.getFinishedSpanItems();
      assertThat(spans).hasSize(1);
      return spans;
    }
  }

  private static CompletableResultCode export(OtlpHttpSpanExporter exporter) {
    return exporter.export(oneSpan()).join(20, TimeUnit.SECONDS);
  }

  private static boolean contains(byte[] haystack, String needle) {
    return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
  }

  @Test
  void ourProviderIsTheOneRegistered() {
    List<String> providers = StreamSupport.stream(ServiceLoader.load(HttpSenderProvider.class).spliterator(), false)
        .map(p -> p.getClass().getName())
        .collect(Collectors.toList());

    assertThat(providers).containsExactly(UrlConnectionHttpSenderProvider.class.getName());
  }

  @Test
  void exportsProtobufWithTheConfiguredHeaders() throws IOException {
    int port = startCollector(n -> 200);
    exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
        .addHeader("x-tenant", "team-a")
        .addHeader("Authorization", "Basic dXNlcjpwdw==")
        .build();

    CompletableResultCode result = export(exporter);

    assertThat(result.isDone()).isTrue();
    assertThat(result.isSuccess()).isTrue();
    assertThat(received).hasSize(1);
    Received r = received.get(0);
    assertThat(r.method).isEqualTo("POST");
    assertThat(r.path).isEqualTo("/v1/traces");
    assertThat(r.headers.getFirst("Content-Type")).isEqualTo("application/x-protobuf");
    assertThat(r.headers.getFirst("x-tenant")).isEqualTo("team-a");
    assertThat(r.headers.getFirst("Authorization")).isEqualTo("Basic dXNlcjpwdw==");
    assertThat(r.headers.getFirst("Content-Encoding")).isNull();
    assertThat(r.headers.getFirst("Content-Length")).isEqualTo(Integer.toString(r.body.length));
    assertThat(contains(r.body, SPAN_NAME)).isTrue();
    // our sender's own thread did the work (no other sender is on the class path)
    assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains("tollgate-otlp-http");
  }

  @Test
  void gzipCompression() throws IOException {
    int port = startCollector(n -> 200);
    exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
        .setCompression("gzip")
        .build();

    CompletableResultCode result = export(exporter);

    assertThat(result.isSuccess()).isTrue();
    assertThat(received).hasSize(1);
    Received r = received.get(0);
    assertThat(r.headers.getFirst("Content-Encoding")).isEqualTo("gzip");
    assertThat(r.headers.getFirst("Content-Type")).isEqualTo("application/x-protobuf");
    byte[] plain;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body))) {
      plain = in.readAllBytes();
    }
    assertThat(contains(plain, SPAN_NAME)).isTrue();
  }

  @Test
  void retriesAUnavailableCollector() throws IOException {
    int port = startCollector(n -> n == 1 ? 503 : 200);
    exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
        .setRetryPolicy(RetryPolicy.builder()
            .setMaxAttempts(3)
            .setInitialBackoff(Duration.ofMillis(5))
            .setMaxBackoff(Duration.ofMillis(20))
            .build())
        .build();

    CompletableResultCode result = export(exporter);

    assertThat(result.isSuccess()).isTrue();
    assertThat(received).hasSize(2);
    assertThat(received.get(1).body).isEqualTo(received.get(0).body);
  }

  @Test
  void givesUpAfterMaxAttempts() throws IOException {
    int port = startCollector(n -> 503);
    exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
        .setRetryPolicy(RetryPolicy.builder()
            .setMaxAttempts(2)
            .setInitialBackoff(Duration.ofMillis(5))
            .setMaxBackoff(Duration.ofMillis(20))
            .build())
        .build();

    CompletableResultCode result = export(exporter);

    assertThat(result.isDone()).isTrue();
    assertThat(result.isSuccess()).isFalse();
    assertThat(received).hasSize(2);
  }

  @Test
  void noRetryWithoutAPolicyNorOnAClientError() throws IOException {
    int port = startCollector(n -> 503);
    exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
        .setRetryPolicy(null)
        .build();

    assertThat(export(exporter).isSuccess()).isFalse();
    assertThat(received).hasSize(1);
  }

  @Test
  void badRequestIsNotRetried() throws IOException {
    int port = startCollector(n -> 400);
    exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
        .setRetryPolicy(RetryPolicy.builder().setInitialBackoff(Duration.ofMillis(5)).build())
        .build();

    assertThat(export(exporter).isSuccess()).isFalse();
    assertThat(received).hasSize(1);
  }

  @Test
  void closedPortFailsTheExportWithoutHanging() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
        .setConnectTimeout(Duration.ofSeconds(2))
        .setTimeout(Duration.ofSeconds(2))
        .setRetryPolicy(null)
        .build();

    CompletableResultCode result = export(exporter);

    assertThat(result.isDone()).as("finished within the bound").isTrue();
    assertThat(result.isSuccess()).isFalse();
  }
}
