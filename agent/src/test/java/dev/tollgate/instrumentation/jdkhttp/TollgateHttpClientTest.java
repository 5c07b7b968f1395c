package dev.tollgate.instrumentation.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.telemetry.OtelTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK HttpClient adapter wired by hand (no agent): the integration tests run the same
 * adapter under {@code -javaagent:}. Here the cases that a sample app can't easily produce.
 */
class TollgateHttpClientTest {
  private static final String CHAT = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-mini-2024-07-18\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":22,\"completion_tokens\":2}}";
  private static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final List<String> receivedBodies = new CopyOnWriteArrayList<>();
  private final List<Map<String, List<String>>> receivedHeaders = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private HttpClient client;

  @BeforeEach
  void setUp() throws IOException, InterruptedException {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    Tollgate.install(new Gateway(TollgateConfig.of(Map.of()), () -> (r, p) -> r.costUsd = 0.5,
        () -> new OtelTelemetry(sdk)));
    Tollgate.gateway().warmUpAndWait(10_000); // calls then end synchronously: spans are there when a test looks
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      receivedBodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      receivedHeaders.add(Map.copyOf(ex.getRequestHeaders()));
      byte[] b = CHAT.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("content-type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
    client = TollgateHttpClient.wrap(HttpClient.newHttpClient());
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    Tollgate.install(null);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void wrapsOnceAndOnlyWhenInstalled() {
    assertThat(client).isInstanceOf(TollgateHttpClient.class);
    assertThat(TollgateHttpClient.wrap(client)).isSameAs(client);
    Tollgate.install(null);
    HttpClient plain = HttpClient.newHttpClient();
    assertThat(TollgateHttpClient.wrap(plain)).isSameAs(plain);
  }

  @Test
  void sendObservesTheCallAndStripsControlHeaders() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/v1/chat/completions"))
        .header("Helicone-Property-Feature", "unit")
        .header("X-Kept", "yes")
        .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build();

    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.body()).isEqualTo(CHAT);
    assertThat(receivedBodies).containsExactly(REQUEST);
    assertThat(receivedHeaders.get(0)).containsKey("X-kept").doesNotContainKey("Helicone-property-feature");
    SpanData span = firstSpan();
    assertThat(span.getName()).isEqualTo("chat gpt-4o-mini");
    assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(22L);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("tollgate.property.feature"))).isEqualTo("unit");
  }

  @Test
  void sendAsyncWithAnAsynchronousBodyPublisherSendsTheWholeBodyWithoutBlocking() throws Exception {
    SubmissionPublisher<ByteBuffer> source = new SubmissionPublisher<>();
    HttpRequest request = HttpRequest.newBuilder(uri("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.fromPublisher(source)).build();

    CompletableFuture<HttpResponse<String>> future = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    assertThat(future).as("sendAsync returned before the body was even produced").isNotDone();
    byte[] bytes = REQUEST.getBytes(StandardCharsets.UTF_8);
    source.submit(ByteBuffer.wrap(bytes, 0, 10));
    source.submit(ByteBuffer.wrap(bytes, 10, bytes.length - 10));
    source.close();

    assertThat(future.get(10, TimeUnit.SECONDS).body()).isEqualTo(CHAT);
    assertThat(receivedBodies).containsExactly(REQUEST);
    SpanData span = firstSpan();
    assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("gpt-4o-mini");
  }

  @Test
  void aNonLlmRequestIsUntouchedAndUnobserved() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/health"))
        .header("Helicone-Property-Feature", "kept")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

    client.send(request, HttpResponse.BodyHandlers.discarding());

    assertThat(receivedHeaders.get(0)).containsKey("Helicone-property-feature");
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aConnectionFailureReachesTheAppAndEndsTheSpanWithTheError() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build();

    assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.net.ConnectException.class);
    SpanData span = firstSpan();
    assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("java.net.ConnectException");
  }

  /**
   * The first finished span. The application gets its response before the call's span is
   * recorded (the span takes no time from its wait), so the span may follow a moment later.
   */
  private SpanData firstSpan() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (spans.getFinishedSpanItems().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    return spans.getFinishedSpanItems().get(0);
  }
}
