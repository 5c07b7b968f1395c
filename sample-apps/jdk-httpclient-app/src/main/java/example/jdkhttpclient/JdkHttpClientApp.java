package example.jdkhttpclient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * <p>Scenarios: chat, stream, async, embeddings, non-llm, raw; and the gateway policies a Helicone
 * user switches on with headers: cache, cache-stream, cache-controls (seed, ignored keys, bucket,
 * max-age), cache-read-save, chat-twice (the same chat twice, no cache header), retry,
 * async-retry, fallback, fallbacks (to another endpoint), chat-gpt-4o (a chat with gpt-4o, no
 * header), bad-headers; azure-chat and azure-fallback (Azure OpenAI's deployment paths at
 * {@code AZURE_OPENAI_ENDPOINT}, key in {@code api-key}, no model in the body); unknown-paths
 * ({@code GET /models} and {@code POST /files} with Helicone headers, then a chat); team-day (a
 * small team's mixed day: several users, models, a stream, a cache hit, a question the provider
 * may refuse); team-limits (the same team under a per-user rate limit and whatever budgets the
 * run configures: each person asks again after a first answer). Stdout shows the status and the body exactly as received.
 * {@code stream} also writes {@code chunk-ms <ms since request start>} to stderr for every
 * {@code data:} line, so a test can see when each event arrived; other timings go to stderr too.
 */
public final class JdkHttpClientApp {
  private static final String CHAT = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";
  private static final String CHAT_STREAM = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}],\
      "stream":true,"stream_options":{"include_usage":true}}""";
  private static final String EMBEDDINGS = """
      {"model":"text-embedding-3-small","input":["South Atlantic Ocean."]}""";
  private static final String CHAT_GPT_4O = """
      {"model":"gpt-4o","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";
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
      case "cache" -> app.twice("Helicone-Cache-Enabled", "true");
      case "chat-twice" -> app.twice();
      case "cache-stream" -> app.cacheStream();
      case "cache-controls" -> app.cacheControls();
      case "cache-read-save" -> app.cacheReadSave();
      case "retry" -> app.retry();
      case "async-retry" -> app.asyncRetry();
      case "fallback" -> app.fallback();
      case "fallbacks" -> app.fallbacks();
      case "chat-gpt-4o" -> app.chatGpt4o();
      case "bad-headers" -> app.badHeaders();
      case "azure-chat" -> app.azure("gpt-4o-mini");
      case "azure-fallback" -> app.azure("gpt-4o", "Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503");
      case "unknown-paths" -> app.unknownPaths();
      case "team-day" -> app.teamDay();
      case "team-limits" -> app.teamLimits();
      default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
    }
  }

  /** A POST to {@code <base>/<path>} with the headers a Helicone user already sends, and {@code extra} name/value pairs. */
  private HttpRequest.Builder post(String path, String json, String... extra) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .header("Helicone-Property-Scenario", scenario)
        .header("Helicone-User-Id", "demo-user")
        .header("Helicone-Session-Id", "demo-session");
    for (int i = 0; i < extra.length; i += 2) {
      builder.header(extra[i], extra[i + 1]);
    }
    return builder.POST(HttpRequest.BodyPublishers.ofString(json));
  }

  /** The retry headers a Helicone user sends; delays in milliseconds. */
  private static final String[] RETRY = {"Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "2",
      "Helicone-Retry-Factor", "2", "Helicone-Retry-Min-Timeout", "200", "Helicone-Retry-Max-Timeout", "2000"};

  /** The same chat twice (with the given extra headers), each answer with the cache verdict on the response. */
  void twice(String... extra) throws Exception {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      HttpResponse<String> response = http.send(post("/chat/completions", CHAT, extra).build(), BodyHandlers.ofString());
      printCacheHeaders(response);
      print(response);
    }
  }

  /** The streamed chat twice with the cache on; a call whose stream breaks says so and the next one goes on. */
  void cacheStream() {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      try {
        HttpResponse<Stream<String>> response = http.send(
            post("/chat/completions", CHAT_STREAM, "Helicone-Cache-Enabled", "true").build(), BodyHandlers.ofLines());
        System.out.println("status: " + response.statusCode());
        printCacheHeaders(response);
        try (Stream<String> lines = response.body()) {
          lines.forEach(line -> {
            System.out.println(line);
            System.out.flush();
          });
        }
        System.out.println("stream: done");
      } catch (Exception e) {
        System.out.println("call " + call + " failed: " + e.getClass().getSimpleName());
      }
    }
  }

  /**
   * The finer cache controls, one step per line of output. Tollgate's own prefix and a lower-case
   * header name are used on purpose in a few steps.
   */
  void cacheControls() throws Exception {
    String withUser = """
        {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}],"user":"%s"}""";
    // a namespace per seed: a and b don't share, a again is served from a's entry
    cacheStep("seed-a", CHAT, "Tollgate-Cache-Enabled", "true", "Tollgate-Cache-Seed", "tenant-a");
    cacheStep("seed-b", CHAT, "Tollgate-Cache-Enabled", "true", "Tollgate-Cache-Seed", "tenant-b");
    cacheStep("seed-a-again", CHAT, "tollgate-cache-enabled", "true", "tollgate-cache-seed", "tenant-a");
    // a top-level key left out of the cache key: alice's answer serves bob
    cacheStep("ignore-user-alice", withUser.formatted("alice"), "Helicone-Cache-Enabled", "true",
        "Helicone-Cache-Ignore-Keys", "user");
    cacheStep("ignore-user-bob", withUser.formatted("bob"), "Helicone-Cache-Enabled", "true",
        "Helicone-Cache-Ignore-Keys", "user");
    // a bucket of two answers: both slots are filled before one is served
    for (int i = 1; i <= 3; i++) {
      cacheStep("bucket-" + i, CHAT, "Helicone-Cache-Enabled", "true", "Helicone-Cache-Seed", "bucket",
          "Helicone-Cache-Bucket-Max-Size", "2");
    }
    // an entry that lives one second
    String[] shortLived = {"Helicone-Cache-Enabled", "true", "Helicone-Cache-Seed", "ttl", "Cache-Control", "max-age=1"};
    cacheStep("ttl-first", CHAT, shortLived);
    Thread.sleep(2100);
    cacheStep("ttl-after-expiry", CHAT, shortLived);
    cacheStep("ttl-again", CHAT, shortLived);
  }

  /** Read-only and write-only cache policies. */
  void cacheReadSave() throws Exception {
    cacheStep("read-empty", CHAT, "Helicone-Cache-Read", "true");
    cacheStep("read-empty-again", CHAT, "Helicone-Cache-Read", "true");
    cacheStep("save", CHAT, "Helicone-Cache-Save", "true");
    cacheStep("read-saved", CHAT, "Helicone-Cache-Read", "true");
  }

  private void cacheStep(String name, String json, String... headers) throws Exception {
    HttpResponse<String> response = http.send(post("/chat/completions", json, headers).build(), BodyHandlers.ofString());
    System.out.println("step " + name + ": status=" + response.statusCode() + " "
        + cacheHeaders(response) + " body-bytes=" + response.body().getBytes(StandardCharsets.UTF_8).length);
  }

  void retry() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(post("/chat/completions", CHAT, RETRY).build(), BodyHandlers.ofString());
    System.err.println("call-ms " + millisSince(start));
    print(response);
  }

  /**
   * An async chat with retries. While it is in flight the main thread checks /health through the
   * same client, again and again: those answers must keep coming while the chat waits to retry.
   */
  void asyncRetry() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> call =
        http.sendAsync(post("/chat/completions", CHAT, RETRY).build(), BodyHandlers.ofString());
    System.err.println("send-returned-ms " + millisSince(start));
    HttpRequest health = HttpRequest.newBuilder(URI.create(baseUrl).resolve("/health")).GET().build();
    List<Long> checks = new ArrayList<>();
    while (!call.isDone()) {
      long t = System.nanoTime();
      http.send(health, BodyHandlers.ofString());
      checks.add(millisSince(t));
      Thread.sleep(50);
    }
    System.err.println("call-ms " + millisSince(start));
    System.err.println("health-checks-while-waiting " + checks.size() + " worst-ms " + checks.stream().mapToLong(x -> x).max().orElse(0));
    HttpResponse<String> response = call.join();
    System.out.println("async: completed");
    print(response);
  }

  void chatGpt4o() throws Exception {
    print(http.send(post("/chat/completions", CHAT_GPT_4O).build(), BodyHandlers.ofString()));
  }

  /** gpt-4o, and gpt-4o-mini when gpt-4o is unavailable. */
  void fallback() throws Exception {
    print(http.send(post("/chat/completions", CHAT_GPT_4O,
        "Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503").build(), BodyHandlers.ofString()));
  }

  /** gpt-4o here, and on a 429 or 5xx gpt-4o-mini at a second OpenAI-compatible endpoint with its own key. */
  void fallbacks() throws Exception {
    String target = envOr("FALLBACK_TARGET_URL", "https://api.openai.com");
    String key = envOr("FALLBACK_API_KEY", "missing-fallback-key");
    String fallbacks = """
        [{"target-url":"%s","headers":{"Authorization":"Bearer %s"},"onCodes":[429,{"from":500,"to":599}],        "bodyKeyOverride":{"model":"gpt-4o-mini"}}]""".formatted(target, key);
    print(http.send(post("/chat/completions", CHAT_GPT_4O, "Helicone-Fallbacks", fallbacks).build(), BodyHandlers.ofString()));
  }

  /** Azure OpenAI's REST shape: the deployment in the path, the api-version in the query, the key in api-key, no model in the body. */
  private static final String AZURE_CHAT = """
      {"messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";

  void azure(String deployment, String... extra) throws Exception {
    String endpoint = envOr("AZURE_OPENAI_ENDPOINT", "https://my-resource.openai.azure.com");
    HttpRequest.Builder builder = HttpRequest.newBuilder(
            URI.create(endpoint + "/openai/deployments/" + deployment + "/chat/completions?api-version=2024-10-21"))
        .header("api-key", apiKey)
        .header("Content-Type", "application/json")
        .header("Helicone-Property-Scenario", scenario)
        .header("Helicone-User-Id", "demo-user")
        .header("Helicone-Session-Id", "demo-session");
    for (int i = 0; i < extra.length; i += 2) {
      builder.header(extra[i], extra[i + 1]);
    }
    print(http.send(builder.POST(HttpRequest.BodyPublishers.ofString(AZURE_CHAT)).build(), BodyHandlers.ofString()));
  }

  /** Paths of the provider's API that are not LLM calls (listing models, uploading a file), with Helicone headers; then a chat. */
  void unknownPaths() throws Exception {
    HttpRequest models = HttpRequest.newBuilder(URI.create(baseUrl + "/models"))
        .header("Authorization", "Bearer " + apiKey)
        .header("Helicone-Property-Scenario", scenario)
        .header("Helicone-Cache-Enabled", "true")
        .header("Tollgate-User-Id", "demo-user")
        .GET()
        .build();
    System.out.println("GET /models");
    print(http.send(models, BodyHandlers.ofString()));
    System.out.println("POST /files");
    print(http.send(post("/files", "{\"purpose\":\"batch\",\"filename\":\"requests.jsonl\"}",
        "Helicone-Retry-Enabled", "true", "Helicone-Fallback-Model", "gpt-4o-mini").build(), BodyHandlers.ofString()));
    System.out.println("POST /chat/completions");
    chat();
  }

  /** Gateway headers with values that make no sense; sent twice. */
  void badHeaders() throws Exception {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      print(http.send(post("/chat/completions", CHAT, "Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "lots",
          "Helicone-Cache-Bucket-Max-Size", "99", "Helicone-Fallbacks", "[not json").build(), BodyHandlers.ofString()));
    }
  }

  /**
   * A few people's calls, each with its user id and a feature property: chats on two models, a
   * stream, embeddings, the same question twice with the cache on, and one more question whose
   * answer may be an error. The third user's id comes from {@code EXTRA_USER_ID} (default dave).
   */
  void teamDay() throws Exception {
    String extraUser = envOr("EXTRA_USER_ID", "dave");
    String heardIsland = CHAT.replace("Bouvet Island", "Heard Island");
    teamCall("alice", "search", "/chat/completions", CHAT);
    teamCall("bob", "summarize", "/chat/completions", CHAT_GPT_4O);
    HttpResponse<String> stream = http.send(asUser(post("/chat/completions", CHAT_STREAM), "alice", "search").build(),
        BodyHandlers.ofString());
    System.out.println("team-day alice search stream: status=" + stream.statusCode());
    teamCall(extraUser, "index", "/embeddings", EMBEDDINGS);
    teamCall("carol", "search", "/chat/completions", CHAT, "Helicone-Cache-Enabled", "true");
    teamCall("carol", "search", "/chat/completions", CHAT, "Helicone-Cache-Enabled", "true");
    teamCall("bob", "summarize", "/chat/completions", heardIsland);
  }

  /**
   * The team again, each person asking a second time after a first answer: alice under her own
   * {@code Helicone-RateLimit-Policy} of one call a minute, bob on gpt-4o, carol streaming, and
   * the {@code EXTRA_USER_ID} user embedding, then chatting twice. Which of the later calls go
   * through depends on the run's budgets; a refused call prints its 429 like any other status.
   */
  void teamLimits() throws Exception {
    String extraUser = envOr("EXTRA_USER_ID", "dave");
    String[] oneCallPerMinute = {"Helicone-RateLimit-Policy", "1;w=60;s=user"};
    teamCall("alice", "search", "/chat/completions", CHAT, oneCallPerMinute);
    teamCall("alice", "search", "/chat/completions", CHAT, oneCallPerMinute);
    teamCall("bob", "summarize", "/chat/completions", CHAT_GPT_4O);
    teamCall("bob", "summarize", "/chat/completions", CHAT_GPT_4O);
    HttpResponse<String> stream = http.send(asUser(post("/chat/completions", CHAT_STREAM), "carol", "search").build(),
        BodyHandlers.ofString());
    System.out.println("team-limits carol search stream: status=" + stream.statusCode());
    teamCall(extraUser, "index", "/embeddings", EMBEDDINGS);
    teamCall(extraUser, "index", "/chat/completions", CHAT);
    teamCall(extraUser, "index", "/chat/completions", CHAT);
    teamCall("carol", "search", "/chat/completions", CHAT.replace("Bouvet Island", "Heard Island"));
  }

  private void teamCall(String user, String feature, String path, String json, String... extra) throws Exception {
    HttpResponse<String> response = http.send(asUser(post(path, json, extra), user, feature).build(), BodyHandlers.ofString());
    System.out.println("team-day " + user + " " + feature + " " + path + ": status=" + response.statusCode() + " "
        + cacheHeaders(response));
  }

  private static HttpRequest.Builder asUser(HttpRequest.Builder builder, String user, String feature) {
    return builder.setHeader("Helicone-User-Id", user).setHeader("Helicone-Property-Feature", feature);
  }

  /** What the gateway said about the cache: Helicone's header and Tollgate's, "-" when absent. */
  private static String cacheHeaders(HttpResponse<?> response) {
    return "cache: helicone=" + response.headers().firstValue("Helicone-Cache").orElse("-")
        + " tollgate=" + response.headers().firstValue("Tollgate-Cache").orElse("-");
  }

  private static void printCacheHeaders(HttpResponse<?> response) {
    System.out.println(cacheHeaders(response));
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
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
