package example.jdkhttpclient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/**
 * An ordinary application calling an OpenAI-compatible API with nothing but
 * {@link java.net.http.HttpClient} and hand-written JSON. It knows nothing about Tollgate.
 *
 * <pre>
 * OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_API_KEY=sk-... \
 *   java -cp target/jdk-httpclient-app.jar example.jdkhttpclient.JdkHttpClientApp chat
 * </pre>
 *
 * <p>Scenarios: chat, stream, async, embeddings, non-llm, raw. Stdout shows the status and the
 * body exactly as received. {@code stream} also writes {@code chunk-ms <ms since request start>}
 * to stderr for every {@code data:} line, so a test can see when each event arrived.
 */
public final class JdkHttpClientApp {
  private static final String CHAT = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";
  private static final String CHAT_STREAM = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}],\
      "stream":true,"stream_options":{"include_usage":true}}""";
  private static final String EMBEDDINGS = """
      {"model":"text-embedding-3-small","input":["South Atlantic Ocean."]}""";
  private static final String MALFORMED = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Reply with malformed JSON, please."}]}""";
  private static final String NOT_LLM = """
      {"check":"deep","model":"gpt-4o-mini","note":"a JSON body that only looks like an LLM request"}""";

  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;
  private final String apiKey;
  private final String scenario;

  private JdkHttpClientApp(String baseUrl, String apiKey, String scenario) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.scenario = scenario;
  }

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "chat";
    JdkHttpClientApp app = new JdkHttpClientApp(
        envOr("OPENAI_BASE_URL", "https://api.openai.com/v1"), envOr("OPENAI_API_KEY", "missing-key"), scenario);
    switch (scenario) {
      case "chat" -> app.chat();
      case "stream" -> app.stream();
      case "async" -> app.async();
      case "embeddings" -> app.embeddings();
      case "non-llm" -> app.nonLlm();
      case "raw" -> app.raw();
      default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
    }
  }

  /** A POST to {@code <base>/<path>} with the headers a Helicone user already sends. */
  private HttpRequest.Builder post(String path, String json) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .header("Helicone-Property-Scenario", scenario)
        .header("Helicone-User-Id", "demo-user")
        .header("Helicone-Session-Id", "demo-session")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  void chat() throws Exception {
    print(http.send(post("/chat/completions", CHAT).build(), BodyHandlers.ofString()));
  }

  void stream() throws Exception {
    long start = System.nanoTime();
    HttpResponse<Stream<String>> response =
        http.send(post("/chat/completions", CHAT_STREAM).build(), BodyHandlers.ofLines());
    System.out.println("status: " + response.statusCode());
    try (Stream<String> lines = response.body()) {
      lines.forEach(line -> {
        System.out.println(line);
        System.out.flush();
        if (line.startsWith("data:")) {
          System.err.println("chunk-ms " + (System.nanoTime() - start) / 1_000_000);
        }
      });
    }
    System.out.println("stream: done");
  }

  void async() {
    HttpResponse<String> response =
        http.sendAsync(post("/chat/completions", CHAT).build(), BodyHandlers.ofString()).join();
    System.out.println("async: completed");
    print(response);
  }

  void embeddings() throws Exception {
    print(http.send(post("/embeddings", EMBEDDINGS).build(), BodyHandlers.ofString()));
  }

  /** Requests to the same server that are not LLM calls: a health check and a JSON POST beside the API. */
  void nonLlm() throws Exception {
    URI health = URI.create(baseUrl).resolve("/health");
    HttpRequest get = HttpRequest.newBuilder(health)
        .header("X-Demo-Check", "liveness")
        .header("Helicone-Property-Scenario", scenario)
        .GET()
        .build();
    System.out.println("GET /health");
    print(http.send(get, BodyHandlers.ofString()));
    HttpRequest post = HttpRequest.newBuilder(health)
        .header("X-Demo-Check", "deep")
        .header("Content-Type", "application/json")
        .header("Helicone-Property-Scenario", scenario)
        .POST(HttpRequest.BodyPublishers.ofString(NOT_LLM))
        .build();
    System.out.println("POST /health");
    print(http.send(post, BodyHandlers.ofString()));
  }

  /** Prints the body byte for byte, whatever it holds (used with a provider that answers broken JSON). */
  void raw() throws Exception {
    HttpResponse<byte[]> response = http.send(post("/chat/completions", MALFORMED).build(), BodyHandlers.ofByteArray());
    System.out.println("status: " + response.statusCode());
    System.out.println("bytes: " + response.body().length);
    System.out.write(response.body());
    System.out.println();
    System.out.flush();
  }

  private static void print(HttpResponse<String> response) {
    System.out.println("status: " + response.statusCode());
    System.out.println("content-type: " + response.headers().firstValue("content-type").orElse("-"));
    System.out.println("body-bytes: " + response.body().getBytes(StandardCharsets.UTF_8).length);
    System.out.println(response.body());
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
