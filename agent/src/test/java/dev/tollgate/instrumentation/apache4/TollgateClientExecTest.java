package dev.tollgate.instrumentation.apache4;

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
import java.util.stream.Collectors;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.execchain.ClientExecChain;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HttpClient 4 adapter wired by hand (the advice's wrap, in a builder subclass), against a local provider. */
class TollgateClientExecTest {
  private ApacheTestServer server;
  private CloseableHttpClient client;

  /** What the advice does to every HttpClientBuilder. */
  static final class WiredBuilder extends HttpClientBuilder {
    @Override
    protected ClientExecChain decorateProtocolExec(ClientExecChain protocolExec) {
      return (ClientExecChain) TollgateClientExec.wrap(super.decorateProtocolExec(protocolExec));
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    server = new ApacheTestServer();
    client = new WiredBuilder().build();
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
    String body;
    try (CloseableHttpResponse response = client.execute(post("/v1/chat/completions", REQUEST,
        "Helicone-Property-Feature", "unit", "X-Kept", "yes"))) {
      body = EntityUtils.toString(response.getEntity());
    }

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
  void closingTheResponseUnreadEndsTheCall() throws Exception {
    client.execute(post("/v1/chat/completions", REQUEST)).close();

    assertThat(server.finished()).hasSize(1);
  }

  @Test
  void aNonLlmRequestIsUntouchedAndUnobserved() throws Exception {
    try (CloseableHttpResponse response = client.execute(post("/health", "{}", "Helicone-Property-Feature", "kept"))) {
      EntityUtils.consume(response.getEntity());
    }

    assertThat(server.headers.get(0)).containsKey("Helicone-property-feature");
    assertThat(server.finished()).isEmpty();
  }

  @Test
  void aRateLimitIsRetriedAndTheAppSeesOnlyTheAnswer() throws Exception {
    server.failNext(429);
    try (CloseableHttpResponse response = client.execute(post("/v1/chat/completions", REQUEST, "Helicone-Retry-Enabled", "true",
        "Helicone-Retry-Num", "2", "Helicone-Retry-Min-Timeout", "10", "Helicone-Retry-Max-Timeout", "50"))) {
      assertThat(response.getStatusLine().getStatusCode()).isEqualTo(200);
      assertThat(EntityUtils.toString(response.getEntity())).isEqualTo(CHAT);
    }

    assertThat(server.bodies).containsExactly(REQUEST, REQUEST);
    assertThat(server.headers).allSatisfy(h -> assertThat(h).doesNotContainKey("Helicone-retry-enabled"));
    assertThat(longAttr(server.finished().get(0), "tollgate.retry.count")).isEqualTo(1L);
  }

  @Test
  void anUnavailableModelFallsBack() throws Exception {
    server.failNext(503);
    try (CloseableHttpResponse response = client.execute(post("/v1/chat/completions", REQUEST.replace("gpt-4o-mini", "gpt-4o"),
        "Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503"))) {
      assertThat(EntityUtils.toString(response.getEntity())).isEqualTo(CHAT);
    }

    assertThat(server.bodies).containsExactly(REQUEST.replace("gpt-4o-mini", "gpt-4o"), REQUEST);
    assertThat(longAttr(server.finished().get(0), "tollgate.fallback.index")).isEqualTo(1L);
  }

  @Test
  void aRepeatedChatIsServedFromTheCache() throws Exception {
    String[] cache = new String[2];
    for (int i = 0; i < 2; i++) {
      try (CloseableHttpResponse response = client.execute(post("/v1/chat/completions", REQUEST, "Helicone-Cache-Enabled", "true"))) {
        cache[i] = response.getFirstHeader("Helicone-Cache").getValue();
        assertThat(EntityUtils.toString(response.getEntity())).isEqualTo(CHAT);
      }
    }

    assertThat(cache).containsExactly("MISS", "HIT");
    assertThat(server.bodies).hasSize(1);
    assertThat(server.finished()).hasSize(2);
    assertThat(strAttr(server.finished().get(1), "tollgate.cache.status")).isEqualTo("hit");
  }

  @Test
  void aConnectionFailureReachesTheAppAndEndsTheSpanWithTheError() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.execute(new HttpPost("http://127.0.0.1:" + port + "/v1/chat/completions") {{ setEntity(new StringEntity(REQUEST, ContentType.APPLICATION_JSON)); }}))
        .isInstanceOf(java.net.ConnectException.class);
    assertThat(strAttr(server.finished().get(0), "error.type")).endsWith("ConnectException");
  }
}
