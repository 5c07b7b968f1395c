package dev.tollgate.instrumentation.apache5;

import static dev.tollgate.instrumentation.ApacheTestServer.CHAT;
import static dev.tollgate.instrumentation.ApacheTestServer.REQUEST;
import static dev.tollgate.instrumentation.ApacheTestServer.SSE;
import static dev.tollgate.instrumentation.ApacheTestServer.STREAM_REQUEST;
import static dev.tollgate.instrumentation.ApacheTestServer.longAttr;
import static dev.tollgate.instrumentation.ApacheTestServer.strAttr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.instrumentation.ApacheTestServer;
import dev.tollgate.instrumentation.SecondEndpoint;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.CharBuffer;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.client5.http.async.methods.AbstractCharResponseConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HttpClient 5 async adapter wired by hand (no agent), with the gateway policies, against a local provider. */
class TollgateAsyncExecHandlerTest {
  private ApacheTestServer server;
  private CloseableHttpAsyncClient client;

  @BeforeEach
  void setUp() throws Exception {
    server = new ApacheTestServer();
    HttpAsyncClientBuilder builder = HttpAsyncClientBuilder.create();
    TollgateAsyncExecHandler.installOn(builder);
    client = builder.build();
    client.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    server.close();
  }

  private SimpleHttpRequest post(String url, String json, String... headers) {
    SimpleRequestBuilder b = SimpleRequestBuilder.post(url).setBody(json, ContentType.APPLICATION_JSON);
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  private SimpleHttpResponse send(String json, String... headers) throws Exception {
    return client.execute(post(server.url("/v1/chat/completions"), json, headers), null).get(10, TimeUnit.SECONDS);
  }

  /**
   * The finished spans once there are {@code n}: the app's future completes as its consumer sees
   * the end, a moment before the I/O thread ends the call.
   */
  private List<SpanData> finished(int n) throws InterruptedException {
    for (int i = 0; i < 500 && server.finished().size() < n; i++) {
      Thread.sleep(10);
    }
    return server.finished();
  }

  private static String header(HttpResponse response, String name) {
    return response.getFirstHeader(name) == null ? null : response.getFirstHeader(name).getValue();
  }

  /** A streaming consumer as an app writes one: text handed over piece by piece, collected here. */
  private static final class TextCollector extends AbstractCharResponseConsumer<String> {
    private final StringBuilder text = new StringBuilder();
    volatile HttpResponse head;

    @Override
    protected void start(HttpResponse response, ContentType contentType) {
      head = response;
    }

    @Override
    protected int capacityIncrement() {
      return Integer.MAX_VALUE;
    }

    @Override
    protected void data(CharBuffer data, boolean endOfStream) {
      text.append(data);
    }

    @Override
    protected String buildResult() {
      return text.toString();
    }

    @Override
    public void releaseResources() {}
  }

  private TextCollector stream(String... headers) throws Exception {
    TextCollector collector = new TextCollector();
    String text = client.execute(SimpleRequestProducer.create(post(server.url("/v1/chat/completions"), STREAM_REQUEST, headers)),
        collector, null).get(10, TimeUnit.SECONDS);
    assertThat(text).isEqualTo(SSE);
    return collector;
  }

  @Test
  void aRepeatedChatIsServedFromTheCacheWithoutANetworkCall() throws Exception {
    SimpleHttpResponse first = send(REQUEST, "Helicone-Cache-Enabled", "true");
    SimpleHttpResponse second = send(REQUEST, "Helicone-Cache-Enabled", "true");

    assertThat(first.getBodyText()).isEqualTo(CHAT);
    assertThat(second.getBodyText()).isEqualTo(CHAT);
    assertThat(second.getCode()).isEqualTo(200);
    assertThat(header(second, "content-type")).isEqualTo("application/json");
    assertThat(List.of(header(first, "Helicone-Cache"), header(second, "Helicone-Cache"))).containsExactly("MISS", "HIT");
    assertThat(header(second, "Tollgate-Cache")).isEqualTo("HIT");
    assertThat(server.bodies).as("requests that reached the provider").containsExactly(REQUEST);
    assertThat(server.headers.get(0)).doesNotContainKey("Helicone-cache-enabled");
    assertThat(finished(2)).hasSize(2);
    SpanData hit = finished(2).get(1);
    assertThat(strAttr(hit, "tollgate.cache.status")).isEqualTo("hit");
    assertThat(longAttr(hit, "gen_ai.usage.input_tokens")).isEqualTo(22L);
  }

  @Test
  void aRepeatedStreamIsReplayedToTheAppsStreamingConsumer() throws Exception {
    TextCollector miss = stream("Helicone-Cache-Enabled", "true");
    TextCollector hit = stream("Helicone-Cache-Enabled", "true");

    assertThat(header(miss.head, "Tollgate-Cache")).isEqualTo("MISS");
    assertThat(header(hit.head, "Tollgate-Cache")).isEqualTo("HIT");
    assertThat(header(hit.head, "content-type")).isEqualTo("text/event-stream");
    assertThat(server.bodies).hasSize(1);
    SpanData replayed = finished(2).get(1);
    assertThat(strAttr(replayed, "tollgate.cache.status")).isEqualTo("hit");
    assertThat(longAttr(replayed, "gen_ai.usage.output_tokens")).isEqualTo(2L);
    assertThat(strAttr(replayed, "error.type")).isNull();
  }

  @Test
  void aRateLimitIsRetriedAndTheAppSeesOnlyTheAnswer() throws Exception {
    server.failNext(429);
    SimpleHttpResponse response = send(REQUEST, "Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "2",
        "Helicone-Retry-Min-Timeout", "10", "Helicone-Retry-Max-Timeout", "50");

    assertThat(response.getCode()).isEqualTo(200);
    assertThat(response.getBodyText()).isEqualTo(CHAT);
    assertThat(server.bodies).containsExactly(REQUEST, REQUEST);
    assertThat(server.headers).allSatisfy(h -> assertThat(h).doesNotContainKey("Helicone-retry-enabled"));
    SpanData span = finished(1).get(0);
    assertThat(longAttr(span, "tollgate.retry.count")).isEqualTo(1L);
    assertThat(longAttr(span, "http.response.status_code")).isEqualTo(200L);
    assertThat(finished(1)).hasSize(1);
  }

  /** Without the client's own retry stage (it would retry the delivered 503 once more, as a call of its own). */
  @Test
  void whenRetriesRunOutTheLastAnswerIsDelivered() throws Exception {
    HttpAsyncClientBuilder builder = HttpAsyncClientBuilder.create().disableAutomaticRetries();
    TollgateAsyncExecHandler.installOn(builder);
    client.close();
    client = builder.build();
    client.start();
    server.failNext(503, 503, 503);
    SimpleHttpResponse response = send(REQUEST, "Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "2",
        "Helicone-Retry-Min-Timeout", "10", "Helicone-Retry-Max-Timeout", "50");

    assertThat(response.getCode()).isEqualTo(503);
    assertThat(server.bodies).hasSize(3);
    assertThat(longAttr(finished(1).get(0), "tollgate.retry.count")).isEqualTo(2L);
  }

  @Test
  void anUnavailableModelFallsBack() throws Exception {
    server.failNext(503);
    SimpleHttpResponse response = send(REQUEST.replace("gpt-4o-mini", "gpt-4o"),
        "Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503");

    assertThat(response.getBodyText()).isEqualTo(CHAT);
    assertThat(header(response, "Helicone-Fallback-Index")).isEqualTo("1");
    assertThat(server.bodies).containsExactly(REQUEST.replace("gpt-4o-mini", "gpt-4o"), REQUEST);
    assertThat(longAttr(finished(1).get(0), "tollgate.fallback.index")).isEqualTo(1L);
  }

  /** Fallbacks to another endpoint: a route of its own, its own key, never the app's. */
  @Test
  void fallbacksGoToAnotherEndpointWithItsOwnKey() throws Exception {
    try (SecondEndpoint second = new SecondEndpoint()) {
      server.failNext(503);
      String target = second.origin();
      SimpleHttpResponse response = send(REQUEST.replace("gpt-4o-mini", "gpt-4o"), "Authorization", "Bearer sk-first",
          "Helicone-Fallbacks", "[{\"target-url\": \"" + target + "\", \"headers\": {\"Authorization\": \"Bearer sk-second\"},"
              + " \"onCodes\": [503], \"bodyKeyOverride\": {\"model\": \"gpt-4o-mini\"}}]");

      assertThat(response.getCode()).isEqualTo(200);
      assertThat(response.getBodyText()).isEqualTo(CHAT);
      assertThat(header(response, "Tollgate-Fallback-Index")).isEqualTo("1");
      assertThat(server.headers.get(0).get("Authorization")).containsExactly("Bearer sk-first");
      assertThat(second.headers).hasSize(1);
      assertThat(second.headers.get(0).get("Authorization")).containsExactly("Bearer sk-second");
      assertThat(second.headers.get(0).get("Host")).containsExactly("127.0.0.1:" + second.port());
      assertThat(second.headers.get(0).keySet()).noneMatch(k -> k.toLowerCase().startsWith("helicone-"));
      assertThat(second.bodies.get(0)).contains("\"model\":\"gpt-4o-mini\"");
      assertThat(longAttr(finished(1).get(0), "tollgate.fallback.index")).isEqualTo(1L);

      // the client still works for the first endpoint: the leased connection went back where it belongs
      assertThat(send(REQUEST).getBodyText()).isEqualTo(CHAT);
      assertThat(server.bodies).hasSize(2);
    }
  }

  @Test
  void aConnectionFailureIsRetriedThenReachesTheApp() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    SimpleHttpRequest request = post("http://127.0.0.1:" + port + "/v1/chat/completions", REQUEST,
        "Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "1", "Helicone-Retry-Min-Timeout", "10",
        "Helicone-Retry-Max-Timeout", "20");
    assertThatThrownBy(() -> client.execute(request, null).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(java.net.ConnectException.class);
    SpanData span = finished(1).get(0);
    assertThat(strAttr(span, "error.type")).endsWith("ConnectException");
    assertThat(longAttr(span, "tollgate.retry.count")).isEqualTo(1L);
  }
}
