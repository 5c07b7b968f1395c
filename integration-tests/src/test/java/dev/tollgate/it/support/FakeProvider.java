package dev.tollgate.it.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake OpenAI on a loopback port: WireMock serving the providers' real recorded answers.
 * One instance per app run, so its request journal is exactly what that run sent.
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: chat-basic; with {@code "stream": true} the
 *       include-usage stream; with a body mentioning "malformed JSON", a 200 whose JSON is broken
 *   <li>{@code POST /v1/embeddings}: embeddings-basic
 *   <li>{@code POST /v1/responses}: responses-basic; with {@code "stream": true} responses-stream
 *   <li>{@code POST /v1/messages} (Anthropic): messages-basic; with {@code "stream": true} messages-stream
 *   <li>{@code POST /v1beta/models/{model}:generateContent} or {@code /v1/...} (Gemini; google-genai 2.x calls v1): generate-content; and
 *       {@code :streamGenerateContent?alt=sse}: the recorded SSE stream
 *   <li>any method on {@code /health}: a small JSON 200 (not an LLM call)
 * </ul>
 *
 * <p>A test may put its own stubs in front of these ({@link #stubFor}, priority 1 wins over the
 * defaults' 5), e.g. a WireMock scenario that answers 429 once and then falls through to the
 * recording.
 */
public final class FakeProvider implements AutoCloseable {
  /** The answer of the malformed-JSON stub: a 200 whose body stops mid-string (with a non-ASCII character). */
  public static final byte[] MALFORMED_BODY =
      "{\"id\":\"chatcmpl-malformed\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Southern Oce\u00e5n \u2713"
          .getBytes(StandardCharsets.UTF_8);
  public static final String HEALTH_BODY = "{\"status\":\"ok\",\"checks\":[\"db\",\"cache\"]}";

  public static final String ANTHROPIC_PATH = "/v1/messages";
  public static final String GEMINI_GENERATE_PATH = "/v1(beta)?/models/[^/:]+:generateContent";
  public static final String GEMINI_STREAM_PATH = "/v1(beta)?/models/[^/:]+:streamGenerateContent";

  private final WireMockServer server;

  private FakeProvider() {
    server = new WireMockServer(wireMockConfig()
        .dynamicPort()
        .bindAddress("127.0.0.1")
        .containerThreads(16)
        .jettyAcceptors(1)
        .notifier(new ConsoleNotifier(false)));
    server.start();

    server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(5)
        .willReturn(recorded(Recording.CHAT)));
    server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
        .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
        .willReturn(recorded(Recording.CHAT_STREAM)));
    server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
        .withRequestBody(containing("malformed JSON"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withHeader("x-request-id", "req_malformed").withBody(MALFORMED_BODY)));
    server.stubFor(post(urlPathEqualTo("/v1/embeddings")).atPriority(5)
        .willReturn(recorded(Recording.EMBEDDINGS)));
    server.stubFor(post(urlPathEqualTo("/v1/responses")).atPriority(5)
        .willReturn(recorded(Recording.RESPONSES)));
    server.stubFor(post(urlPathEqualTo("/v1/responses")).atPriority(1)
        .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
        .willReturn(recorded(Recording.RESPONSES_STREAM)));
    // Anthropic Messages (the agent recognises /v1/messages on any host by the anthropic-version header)
    server.stubFor(post(urlPathEqualTo(ANTHROPIC_PATH)).atPriority(5)
        .willReturn(recorded(Recording.ANTHROPIC_MESSAGES)));
    server.stubFor(post(urlPathEqualTo(ANTHROPIC_PATH)).atPriority(2)
        .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
        .willReturn(recorded(Recording.ANTHROPIC_STREAM)));
    // Gemini API: the model and the streaming choice are in the path
    server.stubFor(post(urlPathMatching(GEMINI_GENERATE_PATH)).atPriority(5)
        .willReturn(recorded(Recording.GEMINI_GENERATE)));
    server.stubFor(post(urlPathMatching(GEMINI_STREAM_PATH)).atPriority(5)
        .withQueryParam("alt", equalTo("sse"))
        .willReturn(recorded(Recording.GEMINI_STREAM)));
    server.stubFor(any(urlPathEqualTo("/health")).atPriority(5)
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(HEALTH_BODY)));
  }

  public static FakeProvider start() {
    return new FakeProvider();
  }

  /** Adds a stub (give it {@code atPriority(1)} to win over the defaults). */
  public FakeProvider stubFor(MappingBuilder mapping) {
    server.stubFor(mapping);
    return this;
  }

  /** Every request received so far with the answer it got and when, oldest first. */
  public List<Served> served() {
    List<ServeEvent> newestFirst = new ArrayList<>(server.getAllServeEvents());
    Collections.reverse(newestFirst);
    return newestFirst.stream().map(e -> new Served(toRecorded(e.getRequest()),
        e.getResponse() == null ? 0 : e.getResponse().getStatus(),
        e.getResponse() == null || e.getResponse().getFault() == null ? null : e.getResponse().getFault().name(),
        e.getRequest().getLoggedDate().getTime())).toList();
  }

  public static ResponseDefinitionBuilder recorded(Recording recording) {
    List<HttpHeader> headers = new ArrayList<>();
    recording.headers().forEach((name, value) -> headers.add(new HttpHeader(name, value)));
    return aResponse().withStatus(recording.status()).withHeaders(new HttpHeaders(headers)).withBody(recording.body());
  }

  public int port() {
    return server.port();
  }

  /** What an app puts in OPENAI_BASE_URL. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.port() + "/v1";
  }

  /** Every request received so far, oldest first. */
  public List<RecordedRequest> requests() {
    List<ServeEvent> newestFirst = new ArrayList<>(server.getAllServeEvents());
    Collections.reverse(newestFirst);
    return newestFirst.stream().map(ServeEvent::getRequest).map(FakeProvider::toRecorded).toList();
  }

  private static RecordedRequest toRecorded(LoggedRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpHeader header : request.getHeaders().all()) {
      headers.put(header.key(), List.copyOf(header.values()));
    }
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody();
    return new RecordedRequest(request.getMethod().getName(), request.getUrl(), headers, body);
  }

  @Override
  public void close() {
    server.stop();
  }
}
