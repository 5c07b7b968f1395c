package dev.tollgate.instrumentation.urlconnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.instrumentation.SecondEndpoint;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.telemetry.OtelTelemetry;
import dev.tollgate.telemetry.OwnTraffic;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HttpURLConnection adapter wired by hand (no agent: {@link TollgateUrlConnections#wrap} is
 * called as the advice on {@code URL.openConnection} would). The integration tests run it under
 * {@code -javaagent:}.
 */
class TollgateHttpURLConnectionTest {
  private static final String CHAT = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-mini-2024-07-18\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":22,\"completion_tokens\":2}}";
  private static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}";
  private static final String[] SSE = {
      "data: {\"id\":\"c\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n",
      "data: {\"id\":\"c\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
      "data: {\"id\":\"c\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1}}\n\n",
      "data: [DONE]\n\n"};

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final List<String> receivedBodies = new CopyOnWriteArrayList<>();
  private final List<Map<String, List<String>>> receivedHeaders = new CopyOnWriteArrayList<>();
  /** Statuses to answer before the chat, in order (e.g. a 429 for the retry test). */
  private final List<Integer> failFirst = new CopyOnWriteArrayList<>();
  private final CountDownLatch releaseStream = new CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicBoolean streamTimedOut = new java.util.concurrent.atomic.AtomicBoolean();
  private HttpServer server;

  @BeforeEach
  void setUp() throws IOException, InterruptedException {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    Tollgate.install(new Gateway(TollgateConfig.of(Map.of()), () -> (r, p) -> r.costUsd = 0.5,
        () -> new OtelTelemetry(sdk)));
    Tollgate.gateway().warmUpAndWait(10_000); // calls then end synchronously: spans are there when a test looks
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/", this::answer);
    server.start();
  }

  private void answer(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    receivedBodies.add(body);
    receivedHeaders.add(Map.copyOf(ex.getRequestHeaders()));
    if (!failFirst.isEmpty()) {
      int status = failFirst.remove(0);
      byte[] b = "{\"error\":{\"message\":\"busy\"}}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("content-type", "application/json");
      ex.sendResponseHeaders(status, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
      return;
    }
    if (body.contains("\"stream\":true")) {
      ex.getResponseHeaders().add("content-type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(SSE[0].getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
          // the rest only once the client read the first event
          streamTimedOut.set(!releaseStream.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 1; i < SSE.length; i++) {
          out.write(SSE[i].getBytes(StandardCharsets.UTF_8));
        }
      }
      return;
    }
    byte[] b = (ex.getRequestURI().getPath().equals("/health") ? "ok" : CHAT).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("content-type", "application/json");
    ex.sendResponseHeaders(200, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    Tollgate.install(null);
  }

  private URL url(String path) throws IOException {
    return new URL("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** What the advice on URL.openConnection() does. */
  private static HttpURLConnection open(URL url) throws IOException {
    return (HttpURLConnection) TollgateUrlConnections.wrap(url.openConnection(), url, null);
  }

  private static HttpURLConnection post(URL url, String json, String... headers) throws IOException {
    HttpURLConnection c = open(url);
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.setRequestProperty("Authorization", "Bearer sk-test");
    for (int i = 0; i < headers.length; i += 2) {
      c.setRequestProperty(headers[i], headers[i + 1]);
    }
    try (OutputStream out = c.getOutputStream()) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    return c;
  }

  private static String read(InputStream in) throws IOException {
    try (InputStream s = in) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void onlyLlmPathsOfTheJdksOwnConnectionsAreWrapped() throws Exception {
    URL chat = url("/v1/chat/completions");
    assertThat(open(chat)).isInstanceOf(TollgateHttpURLConnection.class);
    java.net.URLConnection health = url("/health").openConnection();
    assertThat(TollgateUrlConnections.wrap(health, url("/health"), null)).isSameAs(health);
    java.net.URLConnection own = chat.openConnection();
    boolean was = OwnTraffic.begin();
    try {
      assertThat(TollgateUrlConnections.wrap(own, chat, null)).as("Tollgate's own OTLP traffic").isSameAs(own);
    } finally {
      OwnTraffic.end(was);
    }
    Tollgate.install(null);
    java.net.URLConnection off = chat.openConnection();
    assertThat(TollgateUrlConnections.wrap(off, chat, null)).isSameAs(off);
  }

  @Test
  void chatIsObservedAndControlHeadersAreNotSent() throws Exception {
    HttpURLConnection c = post(url("/v1/chat/completions"), REQUEST,
        "Helicone-Property-Feature", "unit", "X-Kept", "yes");

    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThat(c.getResponseMessage()).isEqualTo("OK");
    assertThat(c.getContentType()).isEqualTo("application/json");
    assertThat(c.getContentLengthLong()).isEqualTo(CHAT.length());
    // header iteration as Spring's SimpleClientHttpResponse does it
    List<String> names = new ArrayList<>();
    for (int i = 1; c.getHeaderFieldKey(i) != null; i++) {
      names.add(c.getHeaderFieldKey(i).toLowerCase());
    }
    assertThat(names).contains("content-type", "content-length");
    assertThat(c.getHeaderField(0)).startsWith("HTTP/1.1 200");
    assertThat(read(c.getInputStream())).isEqualTo(CHAT);

    assertThat(receivedBodies).containsExactly(REQUEST);
    assertThat(receivedHeaders.get(0)).containsKey("X-kept").doesNotContainKey("Helicone-property-feature");
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("chat gpt-4o-mini");
    assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(22L);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("tollgate.property.feature"))).isEqualTo("unit");
  }

  @Test
  void aStreamReachesTheAppEventByEvent() throws Exception {
    HttpURLConnection c = post(url("/v1/chat/completions"),
        REQUEST.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
      lines.add(r.readLine()); // the server holds the rest back until this first event was read
      releaseStream.countDown();
      for (String l; (l = r.readLine()) != null; ) {
        lines.add(l);
      }
    }
    assertThat(streamTimedOut).as("the first event reached the app before the stream ended").isFalse();
    assertThat(lines.get(0)).startsWith("data: {");
    assertThat(lines).contains("data: [DONE]");
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(1L);
    assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
        .containsExactly("stop");
  }

  @Test
  void theCacheAnswersTheSecondCallWithoutTheNetwork() throws Exception {
    String[] cache = {"Helicone-Cache-Enabled", "true"};
    HttpURLConnection first = post(url("/v1/chat/completions"), REQUEST, cache);
    assertThat(first.getHeaderField("Helicone-Cache")).isEqualTo("MISS");
    assertThat(read(first.getInputStream())).isEqualTo(CHAT);

    HttpURLConnection second = post(url("/v1/chat/completions"), REQUEST, cache);
    assertThat(second.getResponseCode()).isEqualTo(200);
    assertThat(second.getHeaderField("helicone-cache")).isEqualTo("HIT");
    assertThat(second.getHeaderFields()).containsKey("Helicone-Cache");
    assertThat(second.getContentType()).isEqualTo("application/json");
    assertThat(read(second.getInputStream())).isEqualTo(CHAT);
    assertThat(second.getErrorStream()).isNull();

    assertThat(receivedBodies).hasSize(1);
    assertThat(spans.getFinishedSpanItems()).hasSize(2);
    assertThat(spans.getFinishedSpanItems().get(1).getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
        .isEqualTo(22L);
  }

  @Test
  void aRateLimitedCallIsRetriedOnAFreshConnection() throws Exception {
    failFirst.add(429);
    HttpURLConnection c = post(url("/v1/chat/completions"), REQUEST, "Helicone-Retry-Enabled", "true",
        "Helicone-Retry-Num", "2", "Helicone-Retry-Min-Timeout", "10", "Helicone-Retry-Max-Timeout", "20");

    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThat(read(c.getInputStream())).isEqualTo(CHAT);
    assertThat(receivedBodies).containsExactly(REQUEST, REQUEST);
    assertThat(receivedHeaders.get(1)).containsKey("Authorization").doesNotContainKey("Helicone-retry-enabled");
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.longKey("tollgate.retry.count"))).isEqualTo(1L);
  }

  @Test
  void aFallbackModelIsSentWhenTheFirstIsUnavailable() throws Exception {
    failFirst.add(503);
    HttpURLConnection c = post(url("/v1/chat/completions"), REQUEST.replace("gpt-4o-mini", "gpt-4o"),
        "Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503");

    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThat(read(c.getInputStream())).isEqualTo(CHAT);
    assertThat(receivedBodies).hasSize(2);
    assertThat(receivedBodies.get(1)).contains("\"gpt-4o-mini\"");
  }

  @Test
  void anErrorStatusBehavesAsTheJdksAndEndsTheCall() throws Exception {
    failFirst.add(500);
    HttpURLConnection c = post(url("/v1/chat/completions"), REQUEST);

    assertThat(c.getResponseCode()).isEqualTo(500);
    assertThatThrownBy(c::getInputStream).isInstanceOf(IOException.class);
    assertThat(read(c.getErrorStream())).contains("busy");
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("500");
  }

  @Test
  void aConnectionFailureReachesTheAppAndEndsTheSpanWithTheError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    HttpURLConnection c = post(new URL("http://127.0.0.1:" + port + "/v1/chat/completions"), REQUEST);
    assertThatThrownBy(c::getResponseCode).isInstanceOf(java.net.ConnectException.class);
    assertThatThrownBy(c::getInputStream).isInstanceOf(java.net.ConnectException.class);
    assertThat(c.getHeaderField("content-type")).isNull();
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void writingAfterTheResponseIsRefusedAsByTheJdk() throws Exception {
    HttpURLConnection c = post(url("/v1/chat/completions"), REQUEST);
    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThatThrownBy(c::getOutputStream).isInstanceOf(java.net.ProtocolException.class);
    assertThatThrownBy(() -> c.setRequestProperty("X", "y")).isInstanceOf(IllegalStateException.class);
    c.disconnect();
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void anAnthropicPathWithoutItsHeaderOnAnUnknownHostGoesOutUnobserved() throws Exception {
    HttpURLConnection c = post(url("/v1/messages"), "{\"model\":\"x\"}");
    assertThat(c).as("wrapped tentatively: headers are not known at openConnection").isInstanceOf(TollgateHttpURLConnection.class);
    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThat(read(c.getInputStream())).isEqualTo(CHAT);
    assertThat(receivedBodies).containsExactly("{\"model\":\"x\"}");
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aGetWithoutBodyIsSentAsAGet() throws Exception {
    AtomicInteger before = new AtomicInteger(receivedBodies.size());
    HttpURLConnection c = open(url("/v1/chat/completions"));
    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThat(receivedBodies).hasSize(before.get() + 1);
    assertThat(c.getRequestMethod()).isEqualTo("GET");
  }

  @Test
  void fallbacksToAnotherEndpointSendItsOwnKeyAndNeverTheApps() throws Exception {
    try (SecondEndpoint second = new SecondEndpoint()) {
      failFirst.add(503);
      String target = second.origin();
      HttpURLConnection c = post(url("/v1/chat/completions"), REQUEST.replace("gpt-4o-mini", "gpt-4o"),
          "Helicone-Fallbacks", "[{\"target-url\": \"" + target + "\", \"headers\": {\"Authorization\": \"Bearer sk-second\"},"
              + " \"onCodes\": [503], \"bodyKeyOverride\": {\"model\": \"gpt-4o-mini\"}}]");

      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(c.getHeaderField("Tollgate-Fallback-Index")).isEqualTo("1");
      assertThat(read(c.getInputStream())).isEqualTo(CHAT);
      assertThat(c.getURL().getPort()).as("getURL() is where the answer came from").isEqualTo(second.port());
      assertThat(receivedHeaders.get(0).get("Authorization")).containsExactly("Bearer sk-test");
      assertThat(second.headers.get(0).get("Authorization")).containsExactly("Bearer sk-second");
      assertThat(second.headers.get(0).keySet()).noneMatch(k -> k.toLowerCase().startsWith("helicone-"));
      assertThat(second.bodies.get(0)).contains("\"model\":\"gpt-4o-mini\"");
    }
  }

  /**
   * https: the wrapper is an HttpsURLConnection, and the app's SSLSocketFactory reaches every real
   * connection (the server's self-signed certificate is trusted only by it), the retry's too.
   */
  @Test
  void httpsKeepsTheAppsTlsSettingsOnEveryAttempt(@TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path keystore = dir.resolve("ks.p12");
    Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "t", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1",
        "-ext", "san=ip:127.0.0.1", "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    keytool.getInputStream().readAllBytes();
    assertThat(keytool.waitFor()).isZero();
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
    kmf.init(ks, "changeit".toCharArray());
    javax.net.ssl.SSLContext serverTls = javax.net.ssl.SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    javax.net.ssl.SSLContext clientTls = javax.net.ssl.SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    com.sun.net.httpserver.HttpsServer tls = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    tls.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(serverTls));
    tls.createContext("/", this::answer);
    tls.start();
    try {
      failFirst.add(429);
      URL u = new URL("https://127.0.0.1:" + tls.getAddress().getPort() + "/v1/chat/completions");
      HttpURLConnection c = open(u);
      assertThat(c).isInstanceOf(TollgateHttpsURLConnection.class).isInstanceOf(javax.net.ssl.HttpsURLConnection.class);
      ((javax.net.ssl.HttpsURLConnection) c).setSSLSocketFactory(clientTls.getSocketFactory());
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      c.setRequestProperty("Helicone-Retry-Enabled", "true");
      c.setRequestProperty("Helicone-Retry-Min-Timeout", "10");
      c.setRequestProperty("Helicone-Retry-Max-Timeout", "20");
      try (OutputStream out = c.getOutputStream()) {
        out.write(REQUEST.getBytes(StandardCharsets.UTF_8));
      }

      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(((javax.net.ssl.HttpsURLConnection) c).getCipherSuite()).isNotBlank();
      assertThat(read(c.getInputStream())).isEqualTo(CHAT);
      assertThat(receivedBodies).containsExactly(REQUEST, REQUEST);
      SpanData span = spans.getFinishedSpanItems().get(0);
      assertThat(span.getAttributes().get(AttributeKey.longKey("tollgate.retry.count"))).isEqualTo(1L);
    } finally {
      tls.stop(0);
    }
  }
}
