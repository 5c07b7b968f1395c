package dev.tollgate.instrumentation.apache5;

import static dev.tollgate.instrumentation.ApacheTestServer.CHAT;
import static dev.tollgate.instrumentation.ApacheTestServer.REQUEST;
import static dev.tollgate.instrumentation.ApacheTestServer.SSE;
import static dev.tollgate.instrumentation.ApacheTestServer.STREAM_REQUEST;
import static dev.tollgate.instrumentation.ApacheTestServer.longAttr;
import static dev.tollgate.instrumentation.ApacheTestServer.strAttr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.instrumentation.ApacheTestServer;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HttpClient 5 adapters wired by hand (no agent), against a local provider. */
class TollgateExecHandlerTest {
  private ApacheTestServer server;
  private CloseableHttpClient client;

  @BeforeEach
  void setUp() throws Exception {
    server = new ApacheTestServer();
    HttpClientBuilder builder = HttpClientBuilder.create();
    TollgateExecHandler.installOn(builder);
    TollgateExecHandler.installOn(builder); // a second build() of the same builder adds nothing
    client = builder.build();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    server.close();
  }

  private HttpPost post(String path, String json, String... headers) {
    HttpPost post = new HttpPost(server.url(path));
    post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
    for (int i = 0; i < headers.length; i += 2) {
      post.addHeader(headers[i], headers[i + 1]);
    }
    return post;
  }

  @Test
  void observesAChatAndStripsControlHeaders() throws Exception {
    String body = client.execute(post("/v1/chat/completions", REQUEST, "Helicone-Property-Feature", "unit", "X-Kept", "yes"),
        r -> EntityUtils.toString(r.getEntity()));

    assertThat(body).isEqualTo(CHAT);
    assertThat(server.bodies).containsExactly(REQUEST);
    assertThat(server.headers.get(0)).containsKey("X-kept").doesNotContainKey("Helicone-property-feature");
    SpanData span = server.finished().get(0);
    assertThat(span.getName()).isEqualTo("chat gpt-4o-mini");
    assertThat(longAttr(span, "gen_ai.usage.input_tokens")).isEqualTo(22L);
    assertThat(strAttr(span, "tollgate.property.feature")).isEqualTo("unit");
  }

  @Test
  void aStreamedBodyIsSeenAsTheAppReadsIt() throws Exception {
    try (CloseableHttpResponse response = client.execute(post("/v1/chat/completions", STREAM_REQUEST))) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(response.getEntity().getContent(), StandardCharsets.UTF_8));
      String text = reader.lines().collect(Collectors.joining("\n", "", "\n"));
      assertThat(text.replace("\n\n", "\n")).isEqualTo(SSE.replace("\n\n", "\n"));
    }
    SpanData span = server.finished().get(0);
    assertThat(longAttr(span, "gen_ai.usage.output_tokens")).isEqualTo(2L);
    assertThat(strAttr(span, "error.type")).isNull();
  }

  @Test
  void aNonLlmRequestIsUntouchedAndUnobserved() throws Exception {
    client.execute(post("/health", "{}", "Helicone-Property-Feature", "kept"), r -> EntityUtils.toString(r.getEntity()));

    assertThat(server.headers.get(0)).containsKey("Helicone-property-feature");
    assertThat(server.finished()).isEmpty();
  }

  @Test
  void aRateLimitIsRetriedAndTheAppSeesOnlyTheAnswer() throws Exception {
    server.failNext(429);
    int[] status = new int[1];
    String body = client.execute(post("/v1/chat/completions", REQUEST, "Helicone-Retry-Enabled", "true",
        "Helicone-Retry-Num", "2", "Helicone-Retry-Min-Timeout", "10", "Helicone-Retry-Max-Timeout", "50"), r -> {
          status[0] = r.getCode();
          return EntityUtils.toString(r.getEntity());
        });

    assertThat(status[0]).isEqualTo(200);
    assertThat(body).isEqualTo(CHAT);
    assertThat(server.bodies).containsExactly(REQUEST, REQUEST);
    assertThat(server.headers).allSatisfy(h -> assertThat(h).doesNotContainKey("Helicone-retry-enabled"));
    assertThat(longAttr(server.finished().get(0), "tollgate.retry.count")).isEqualTo(1L);
  }

  @Test
  void anUnavailableModelFallsBack() throws Exception {
    server.failNext(503);
    String body = client.execute(post("/v1/chat/completions", REQUEST.replace("gpt-4o-mini", "gpt-4o"),
        "Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503"), r -> EntityUtils.toString(r.getEntity()));

    assertThat(body).isEqualTo(CHAT);
    assertThat(server.bodies).containsExactly(REQUEST.replace("gpt-4o-mini", "gpt-4o"), REQUEST);
    assertThat(longAttr(server.finished().get(0), "tollgate.fallback.index")).isEqualTo(1L);
  }

  @Test
  void aRepeatedChatIsServedFromTheCache() throws Exception {
    String[] cache = new String[2];
    for (int i = 0; i < 2; i++) {
      int n = i;
      String body = client.execute(post("/v1/chat/completions", REQUEST, "Helicone-Cache-Enabled", "true"), r -> {
        cache[n] = r.getFirstHeader("Helicone-Cache").getValue();
        return EntityUtils.toString(r.getEntity());
      });
      assertThat(body).isEqualTo(CHAT);
    }

    assertThat(cache).containsExactly("MISS", "HIT");
    assertThat(server.bodies).hasSize(1);
    assertThat(server.finished()).hasSize(2);
    assertThat(strAttr(server.finished().get(1), "tollgate.cache.status")).isEqualTo("hit");
    assertThat(longAttr(server.finished().get(1), "gen_ai.usage.input_tokens")).isEqualTo(22L);
  }

  @Test
  void theAsyncClientIsObserved() throws Exception {
    HttpAsyncClientBuilder builder = HttpAsyncClientBuilder.create();
    TollgateAsyncExecHandler.installOn(builder);
    try (CloseableHttpAsyncClient async = builder.build()) {
      async.start();
      SimpleHttpRequest request = SimpleRequestBuilder.post(server.url("/v1/chat/completions"))
          .setBody(REQUEST, ContentType.APPLICATION_JSON)
          .addHeader("Helicone-Property-Feature", "async")
          .build();
      SimpleHttpResponse response = async.execute(request, null).get(10, TimeUnit.SECONDS);

      assertThat(response.getBodyText()).isEqualTo(CHAT);
    }
    assertThat(server.bodies).containsExactly(REQUEST);
    assertThat(server.headers.get(0)).doesNotContainKey("Helicone-property-feature");
    SpanData span = server.finished().get(0);
    assertThat(longAttr(span, "gen_ai.usage.input_tokens")).as(span.toString()).isEqualTo(22L);
    assertThat(strAttr(span, "tollgate.property.feature")).isEqualTo("async");
  }

  @Test
  void aConnectionFailureReachesTheAppAndEndsTheSpanWithTheError() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.execute(new HttpPost("http://127.0.0.1:" + port + "/v1/chat/completions") {{ setEntity(new StringEntity(REQUEST, ContentType.APPLICATION_JSON)); }}, r -> EntityUtils.toString(r.getEntity())))
        .isInstanceOf(java.net.ConnectException.class);
    assertThat(strAttr(server.finished().get(0), "error.type")).endsWith("ConnectException");
  }
}
