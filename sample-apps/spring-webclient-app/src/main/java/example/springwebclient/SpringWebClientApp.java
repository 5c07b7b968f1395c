package example.springwebclient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * An ordinary application calling an OpenAI-compatible API with Spring's WebClient (its default
 * connector: Reactor Netty) and Spring's RestClient over {@code ReactorClientHttpRequestFactory},
 * with hand-written JSON. No Spring Boot; it knows nothing about Tollgate.
 *
 * <pre>
 * OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_API_KEY=sk-... \
 *   java -cp target/spring-webclient-app.jar:target/lib/* example.springwebclient.SpringWebClientApp chat
 * </pre>
 *
 * <p>Scenarios, WebClient: chat, stream (SSE through {@code bodyToFlux}), cache, cache-stream,
 * retry, fallback, fallbacks (to another endpoint); RestClient: restclient, restclient-stream
 * (the body's InputStream line by line), restclient-cache, restclient-retry, restclient-fallback;
 * non-llm (a GET through WebClient, a POST through RestClient); raw-netty (the chat through
 * Reactor Netty's own {@code HttpClient}, without Spring: a client path Tollgate does not
 * intercept). Stdout shows the status and the
 * body as received; the streams also write {@code chunk-ms <ms since request start>} to stderr
 * for every event.
 */
public final class SpringWebClientApp {
  static final String CHAT = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";
  static final String CHAT_STREAM = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}],\
      "stream":true,"stream_options":{"include_usage":true}}""";
  static final String CHAT_GPT_4O = """
      {"model":"gpt-4o","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";
  static final String NOT_LLM = """
      {"check":"deep","model":"gpt-4o-mini","note":"a JSON body that only looks like an LLM request"}""";
  /** The retry headers a Helicone user sends; delays in milliseconds. */
  static final String[] RETRY = {"Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "2",
      "Helicone-Retry-Factor", "2", "Helicone-Retry-Min-Timeout", "200", "Helicone-Retry-Max-Timeout", "2000"};
  static final String[] FALLBACK = {"Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503"};

  private final String baseUrl;
  private final String apiKey;
  private final String scenario;
  private final WebClient web;
  private final RestClient rest;

  private SpringWebClientApp(String baseUrl, String apiKey, String scenario) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.scenario = scenario;
    this.web = WebClient.builder().baseUrl(this.baseUrl).build();
    this.rest = RestClient.builder().requestFactory(new ReactorClientHttpRequestFactory()).baseUrl(this.baseUrl).build();
  }

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "chat";
    SpringWebClientApp app = new SpringWebClientApp(envOr("OPENAI_BASE_URL", "https://api.openai.com/v1"),
        envOr("OPENAI_API_KEY", "missing-key"), scenario);
    switch (scenario) {
      case "chat" -> app.webChat(1, CHAT);
      case "stream" -> app.webStream(1);
      case "cache" -> app.webChat(2, CHAT, "Helicone-Cache-Enabled", "true");
      case "cache-stream" -> app.webStream(2, "Helicone-Cache-Enabled", "true");
      case "retry" -> app.webChat(1, CHAT, RETRY);
      case "fallback" -> app.webChat(1, CHAT_GPT_4O, FALLBACK);
      case "fallbacks" -> app.webChat(1, CHAT_GPT_4O, "Helicone-Fallbacks", fallbacks());
      case "restclient" -> app.restChat(1, CHAT);
      case "restclient-stream" -> app.restStream();
      case "restclient-cache" -> app.restChat(2, CHAT, "Helicone-Cache-Enabled", "true");
      case "restclient-retry" -> app.restChat(1, CHAT, RETRY);
      case "restclient-fallback" -> app.restChat(1, CHAT_GPT_4O, FALLBACK);
      case "non-llm" -> app.nonLlm();
      case "raw-netty" -> app.rawNettyChat();
      default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
    }
  }

  private static String fallbacks() {
    String target = envOr("FALLBACK_TARGET_URL", "https://api.openai.com");
    String key = envOr("FALLBACK_API_KEY", "missing-fallback-key");
    return """
        [{"target-url":"%s","headers":{"Authorization":"Bearer %s"},"onCodes":[429,{"from":500,"to":599}],\
        "bodyKeyOverride":{"model":"gpt-4o-mini"}}]""".formatted(target, key);
  }

  /** The headers a Helicone user already sends, and {@code extra} name/value pairs. */
  private void heliconeHeaders(HttpHeaders headers, String... extra) {
    headers.setBearerAuth(apiKey);
    headers.set("Helicone-Property-Scenario", scenario);
    headers.set("Helicone-User-Id", "demo-user");
    headers.set("Helicone-Session-Id", "demo-session");
    for (int i = 0; i < extra.length; i += 2) {
      headers.set(extra[i], extra[i + 1]);
    }
  }

  /** The chat through Reactor Netty's own HttpClient, no Spring in between. */
  void rawNettyChat() {
    String[] answer = reactor.netty.http.client.HttpClient.create()
        .headers(h -> {
          h.set("Authorization", "Bearer " + apiKey);
          h.set("Content-Type", "application/json");
          h.set("Helicone-Property-Scenario", scenario);
          h.set("Helicone-Cache-Enabled", "true");
        })
        .post()
        .uri(baseUrl + "/chat/completions")
        .send(reactor.netty.ByteBufFlux.fromString(reactor.core.publisher.Mono.just(CHAT)))
        .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8)
            .defaultIfEmpty("")
            .map(text -> new String[] {Integer.toString(response.status().code()), text}))
        .block();
    System.out.println("status: " + answer[0]);
    System.out.println(answer[1]);
  }

  /** A chat through WebClient ({@code retrieve().toEntity}), {@code times} times. */
  void webChat(int times, String json, String... extra) {
    for (int call = 1; call <= times; call++) {
      if (times > 1) {
        System.out.println("call " + call);
      }
      ResponseEntity<String> response = web.post().uri("/chat/completions")
          .headers(h -> heliconeHeaders(h, extra))
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(json)
          .retrieve().toEntity(String.class).block();
      print(response, times > 1);
    }
  }

  /** The streamed chat through WebClient: the SSE events' data as {@code bodyToFlux} hands them over. */
  void webStream(int times, String... extra) {
    for (int call = 1; call <= times; call++) {
      if (times > 1) {
        System.out.println("call " + call);
      }
      long start = System.nanoTime();
      ResponseEntity<Flux<String>> response = web.post().uri("/chat/completions")
          .headers(h -> heliconeHeaders(h, extra))
          .contentType(MediaType.APPLICATION_JSON)
          .accept(MediaType.TEXT_EVENT_STREAM)
          .bodyValue(CHAT_STREAM)
          .retrieve().toEntityFlux(String.class).block();
      System.out.println("status: " + response.getStatusCode().value());
      if (times > 1) {
        System.out.println(cacheLine(response.getHeaders()));
      }
      response.getBody().doOnNext(data -> {
        System.err.println("chunk-ms " + (System.nanoTime() - start) / 1_000_000);
        System.out.println("data: " + data);
        System.out.flush();
      }).blockLast();
      System.out.println("stream: done");
    }
  }

  /** A chat through RestClient over Reactor Netty, {@code times} times. */
  void restChat(int times, String json, String... extra) {
    for (int call = 1; call <= times; call++) {
      if (times > 1) {
        System.out.println("call " + call);
      }
      ResponseEntity<String> response = rest.post().uri("/chat/completions")
          .headers(h -> heliconeHeaders(h, extra))
          .contentType(MediaType.APPLICATION_JSON)
          .body(json)
          .retrieve().toEntity(String.class);
      print(response, times > 1);
    }
  }

  /** The streamed chat through RestClient, the body's InputStream read line by line as the events arrive. */
  void restStream() {
    long start = System.nanoTime();
    rest.post().uri("/chat/completions")
        .headers(h -> heliconeHeaders(h))
        .contentType(MediaType.APPLICATION_JSON)
        .body(CHAT_STREAM)
        .exchange((request, response) -> {
          System.out.println("status: " + response.getStatusCode().value());
          BufferedReader reader = new BufferedReader(new InputStreamReader(response.getBody(), StandardCharsets.UTF_8));
          String line;
          while ((line = reader.readLine()) != null) {
            if (line.startsWith("data:")) {
              System.err.println("chunk-ms " + (System.nanoTime() - start) / 1_000_000);
            }
            System.out.println(line);
            System.out.flush();
          }
          return null;
        });
    System.out.println("stream: done");
  }

  /** Requests to the same server that are not LLM calls: a GET through WebClient, a JSON POST through RestClient. */
  void nonLlm() {
    String health = baseUrl.replaceFirst("^(https?://[^/]+).*$", "$1") + "/health";
    System.out.println("GET /health");
    print(web.get().uri(health).header("X-Demo-Check", "liveness").header("Helicone-Property-Scenario", scenario)
        .retrieve().toEntity(String.class).block(), false);
    System.out.println("POST /health");
    print(rest.post().uri(health).header("X-Demo-Check", "deep").header("Helicone-Property-Scenario", scenario)
        .contentType(MediaType.APPLICATION_JSON).body(NOT_LLM).retrieve().toEntity(String.class), false);
  }

  private static void print(ResponseEntity<String> response, boolean withCacheLine) {
    if (withCacheLine) {
      System.out.println(cacheLine(response.getHeaders()));
    }
    MediaType type = response.getHeaders().getContentType();
    System.out.println("status: " + response.getStatusCode().value());
    System.out.println("content-type: " + (type == null ? "-" : type.toString()));
    System.out.println(response.getBody() == null ? "" : response.getBody());
  }

  private static String cacheLine(HttpHeaders headers) {
    return "cache: helicone=" + orDash(headers.getFirst("Helicone-Cache")) + " tollgate=" + orDash(headers.getFirst("Tollgate-Cache"));
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
