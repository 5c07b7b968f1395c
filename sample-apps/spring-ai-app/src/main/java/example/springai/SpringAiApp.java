package example.springai;

import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.CommandLineRunner;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.http.client.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.context.annotation.Bean;

/**
 * An ordinary Spring Boot 3.5 application on Spring AI 1.1 ({@code spring-ai-starter-model-openai}):
 * a {@link ChatClient} over the auto-configured OpenAI chat model, a plain call and a streaming
 * call. It knows nothing about Tollgate: it only sends the Helicone headers a Helicone user
 * already sends.
 *
 * <p>Which HTTP client carries the calls, with Boot's defaults: Spring AI 1.1's {@code OpenAiApi}
 * sends plain calls with Spring's {@code RestClient} and streams with {@code WebClient}, both built
 * from Boot's auto-configured builders. This starter brings {@code spring-webflux} but no HTTP
 * client library (no reactor-netty, Jetty or Apache HttpClient 5), so Boot detects the JDK's
 * {@code java.net.http.HttpClient} for both: {@code RestClient} over
 * {@code JdkClientHttpRequestFactory}, {@code WebClient} over {@code JdkClientHttpConnector}.
 * The app writes the builders Boot chose to stderr ({@code http-client: ...}); on a plain-http
 * base URL it asks Boot's JDK client for HTTP/1.1 (see {@link #http11OnPlainHttp}). Adding
 * reactor-netty to the class path (as {@code spring-boot-starter-webflux} does) would move both
 * to Reactor Netty.
 *
 * <pre>
 * OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=... \
 *   java -cp target/spring-ai-app.jar:target/lib/* example.springai.SpringAiApp chat
 * </pre>
 *
 * <p>Configuration is Spring's own ({@code application.properties}, overridable as usual):
 * {@code spring.ai.openai.base-url} from {@code OPENAI_BASE_URL}, {@code spring.ai.openai.api-key}
 * from {@code OPENAI_API_KEY}, model {@code gpt-4o-mini}; a non-web application that runs one
 * scenario from a {@link CommandLineRunner} and exits.
 *
 * <p>Scenarios: chat, stream; cache (the same chat twice with Helicone-Cache-Enabled); retry
 * (Helicone-Retry-* headers, Spring AI's own retry down to one attempt); properties (the
 * Helicone headers set once for every call by configuration,
 * {@code spring.ai.openai.chat.options.http-headers}, instead of per request). The other
 * scenarios pass the headers per request with {@link OpenAiChatOptions#getHttpHeaders() OpenAiChatOptions
 * httpHeaders}, Spring AI 1.1's supported way. Stdout is a deterministic account of what
 * Spring AI parsed; logs and timings go to stderr.
 */
@SpringBootApplication
public class SpringAiApp {
  static final String QUESTION = "Answer in up to 3 words: Which ocean contains Bouvet Island?";

  public static void main(String[] args) {
    String scenario = args.length > 0 ? args[0] : "chat";
    List<String> springArgs = new java.util.ArrayList<>(List.of(args));
    if (scenario.equals("retry")) {
      // The gateway retries for us; Spring AI's RetryTemplate (10 attempts by default) would
      // otherwise answer the 429 first.
      springArgs.add("--spring.ai.retry.max-attempts=1");
    }
    if (scenario.equals("properties")) {
      // the same headers as the other scenarios, for every call of the model, by configuration only
      controlHeaders(scenario).forEach((name, value) ->
          springArgs.add("--spring.ai.openai.chat.options.http-headers[" + name + "]=" + value));
    }
    SpringApplication app = new SpringApplication(SpringAiApp.class);
    System.exit(SpringApplication.exit(app.run(springArgs.toArray(String[]::new))));
  }

  /** What a Helicone user sends with every call: a property, the end user, the session. */
  static Map<String, String> controlHeaders(String scenario) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Helicone-Property-Scenario", scenario);
    headers.put("Helicone-User-Id", "demo-user");
    headers.put("Helicone-Session-Id", "demo-session");
    return headers;
  }

  /**
   * On a plain-http base URL only (a local server, a test's fake provider), RestClient's JDK client
   * speaks HTTP/1.1. Over http the JDK client offers an h2c upgrade with the first request, and
   * RestClient streams its JSON body without a length (chunked); Jetty-based servers (WireMock)
   * cancel that stream. Over https (api.openai.com) HTTP/2 is negotiated by ALPN and nothing
   * is changed. The customizer is Boot's own hook on the client it detected, which stays the JDK's.
   */
  @Bean
  ClientHttpRequestFactoryBuilderCustomizer<JdkClientHttpRequestFactoryBuilder> http11OnPlainHttp(
      @Value("${spring.ai.openai.base-url}") String baseUrl) {
    boolean plainHttp = baseUrl.startsWith("http:");
    return builder -> plainHttp ? builder.withHttpClientCustomizer(client -> client.version(HttpClient.Version.HTTP_1_1))
        : builder;
  }

  @Bean
  CommandLineRunner scenarios(ChatClient.Builder chatClientBuilder,
      ObjectProvider<ClientHttpRequestFactoryBuilder<?>> restClientFactory,
      ObjectProvider<ClientHttpConnectorBuilder<?>> webClientConnector) {
    return args -> {
      String scenario = args.length > 0 ? args[0] : "chat";
      System.err.println("http-client: RestClient over " + simpleName(restClientFactory.getIfAvailable())
          + ", WebClient over " + simpleName(webClientConnector.getIfAvailable()));
      ChatClient chat = chatClientBuilder.build();
      Map<String, String> headers = new LinkedHashMap<>();
      if (!scenario.equals("properties")) {
        headers.putAll(controlHeaders(scenario));
      }
      switch (scenario) {
        case "chat", "properties" -> call(chat, headers);
        case "stream" -> stream(chat, headers);
        case "cache" -> {
          headers.put("Helicone-Cache-Enabled", "true");
          for (int n = 1; n <= 2; n++) {
            System.out.println("call " + n);
            call(chat, headers);
          }
        }
        case "retry" -> {
          headers.put("Helicone-Retry-Enabled", "true");
          headers.put("Helicone-Retry-Num", "2");
          headers.put("Helicone-Retry-Factor", "2");
          headers.put("Helicone-Retry-Min-Timeout", "200");
          headers.put("Helicone-Retry-Max-Timeout", "2000");
          call(chat, headers);
        }
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
      }
      System.out.flush();
    };
  }

  private static OpenAiChatOptions withHeaders(Map<String, String> headers) {
    return OpenAiChatOptions.builder().httpHeaders(headers).build();
  }

  static void call(ChatClient chat, Map<String, String> headers) {
    ChatResponse response = chat.prompt().user(QUESTION).options(withHeaders(headers)).call().chatResponse();
    System.out.println("id: " + response.getMetadata().getId());
    System.out.println("model: " + response.getMetadata().getModel());
    System.out.println("text: " + response.getResult().getOutput().getText());
    System.out.println("finish_reason: " + response.getResult().getMetadata().getFinishReason());
    Usage usage = response.getMetadata().getUsage();
    System.out.println("usage: " + usage.getPromptTokens() + " in / " + usage.getCompletionTokens() + " out");
  }

  static void stream(ChatClient chat, Map<String, String> headers) {
    long start = System.nanoTime();
    List<String> parts = chat.prompt().user(QUESTION).options(withHeaders(headers)).stream().content()
        .doOnNext(part -> {
          System.err.println("chunk-ms " + (System.nanoTime() - start) / 1_000_000);
          System.out.println("partial: " + part);
        })
        .collectList().block(java.time.Duration.ofSeconds(60));
    System.out.println("text: " + String.join("", parts));
    System.out.println("stream: done");
  }

  private static String simpleName(Object o) {
    return o == null ? "(none)" : o.getClass().getSimpleName();
  }
}
