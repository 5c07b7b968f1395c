package example.okhttp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * An ordinary application calling an OpenAI-compatible API with plain OkHttp and hand-written
 * JSON. It knows nothing about Tollgate.
 *
 * <pre>
 * OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_API_KEY=sk-... \
 *   java -cp target/okhttp-app.jar:target/lib/* example.okhttp.OkHttpApp chat
 * </pre>
 *
 * <p>Scenarios: chat, stream, async, non-llm, raw; and the gateway policies a Helicone user
 * switches on with headers: cache, cache-stream, chat-twice (the same chat twice, no cache
 * header), retry, async-retry, fallback, chat-gpt-4o (a chat with gpt-4o, no header),
 * bad-headers. Stdout shows the status and the body exactly as received. {@code stream} also
 * writes {@code chunk-ms <ms since request start>} to stderr for every {@code data:} line, so a
 * test can see when each event arrived; other timings go to stderr too.
 */
public final class OkHttpApp {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String CHAT = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";
  private static final String CHAT_STREAM = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}],\
      "stream":true,"stream_options":{"include_usage":true}}""";
  private static final String CHAT_GPT_4O = """
      {"model":"gpt-4o","messages":[{"role":"user","content":"Answer in up to 3 words: Which ocean contains Bouvet Island?"}]}""";
  private static final String MALFORMED = """
      {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Reply with malformed JSON, please."}]}""";
  private static final String NOT_LLM = """
      {"check":"deep","model":"gpt-4o-mini","note":"a JSON body that only looks like an LLM request"}""";

  private final OkHttpClient http = new OkHttpClient();
  private final String baseUrl;
  private final String apiKey;
  private final String scenario;

  private OkHttpApp(String baseUrl, String apiKey, String scenario) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.scenario = scenario;
  }

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "chat";
    OkHttpApp app = new OkHttpApp(
        envOr("OPENAI_BASE_URL", "https://api.openai.com/v1"), envOr("OPENAI_API_KEY", "missing-key"), scenario);
    try {
      switch (scenario) {
        case "chat" -> app.chat();
        case "stream" -> app.stream();
        case "async" -> app.async();
        case "non-llm" -> app.nonLlm();
        case "raw" -> app.raw();
        case "cache" -> app.twice("Helicone-Cache-Enabled", "true");
        case "chat-twice" -> app.twice();
        case "cache-stream" -> app.cacheStream();
        case "retry" -> app.retry();
        case "async-retry" -> app.asyncRetry();
        case "fallback" -> app.fallback();
        case "chat-gpt-4o" -> app.chatGpt4o();
        case "bad-headers" -> app.badHeaders();
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
      }
    } finally {
      // OkHttp's dispatcher threads are not daemons: release them so the JVM can exit
      app.http.dispatcher().executorService().shutdown();
      app.http.connectionPool().evictAll();
    }
  }

  /** A POST to {@code <base>/<path>} with the headers a Helicone user already sends, and {@code extra} name/value pairs. */
  private Request post(String path, String json, String... extra) {
    Request.Builder builder = new Request.Builder()
        .url(baseUrl + path)
        .header("Authorization", "Bearer " + apiKey)
        .header("Helicone-Property-Scenario", scenario)
        .header("Helicone-User-Id", "demo-user")
        .header("Helicone-Session-Id", "demo-session");
    for (int i = 0; i < extra.length; i += 2) {
      builder.header(extra[i], extra[i + 1]);
    }
    return builder.post(RequestBody.create(json, JSON)).build();
  }

  /** The retry headers a Helicone user sends; delays in milliseconds. */
  private static final String[] RETRY = {"Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "2",
      "Helicone-Retry-Factor", "2", "Helicone-Retry-Min-Timeout", "200", "Helicone-Retry-Max-Timeout", "2000"};

  /** The same chat twice (with the given extra headers), each answer with the cache verdict on the response. */
  void twice(String... extra) throws IOException {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      try (Response response = http.newCall(post("/chat/completions", CHAT, extra)).execute()) {
        printCacheHeaders(response);
        print(response);
      }
    }
  }

  /** The streamed chat twice with the cache on. */
  void cacheStream() throws IOException {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      try (Response response = http.newCall(post("/chat/completions", CHAT_STREAM, "Helicone-Cache-Enabled", "true")).execute()) {
        System.out.println("status: " + response.code());
        printCacheHeaders(response);
        BufferedSource source = response.body().source();
        String line;
        while ((line = source.readUtf8Line()) != null) {
          System.out.println(line);
          System.out.flush();
        }
      }
      System.out.println("stream: done");
    }
  }

  void retry() throws IOException {
    long start = System.nanoTime();
    try (Response response = http.newCall(post("/chat/completions", CHAT, RETRY)).execute()) {
      System.err.println("call-ms " + millisSince(start));
      print(response);
    }
  }

  /**
   * An enqueued chat with retries. While it is in flight the main thread checks /health through
   * the same client (enqueued too), again and again: those answers must keep coming while the chat
   * waits to retry.
   */
  void asyncRetry() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<String> call = enqueue(post("/chat/completions", CHAT, RETRY));
    System.err.println("enqueue-returned-ms " + millisSince(start));
    Request health = new Request.Builder().url(HttpUrl.get(baseUrl).resolve("/health")).build();
    List<Long> checks = new ArrayList<>();
    while (!call.isDone()) {
      long t = System.nanoTime();
      enqueue(health).get();
      checks.add(millisSince(t));
      Thread.sleep(50);
    }
    System.err.println("call-ms " + millisSince(start));
    System.err.println("health-checks-while-waiting " + checks.size() + " worst-ms " + checks.stream().mapToLong(x -> x).max().orElse(0));
    String result = call.get();
    System.out.println("async: completed");
    System.out.println(result);
  }

  private CompletableFuture<String> enqueue(Request request) {
    CompletableFuture<String> done = new CompletableFuture<>();
    http.newCall(request).enqueue(new Callback() {
      @Override
      public void onResponse(Call call, Response response) {
        try (response) {
          done.complete("status: " + response.code() + "\n"
              + "content-type: " + response.header("content-type", "-") + "\n"
              + response.body().string());
        } catch (Throwable t) {
          done.completeExceptionally(t);
        }
      }

      @Override
      public void onFailure(Call call, IOException e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  void chatGpt4o() throws IOException {
    try (Response response = http.newCall(post("/chat/completions", CHAT_GPT_4O)).execute()) {
      print(response);
    }
  }

  /** gpt-4o, and gpt-4o-mini when gpt-4o is unavailable. */
  void fallback() throws IOException {
    try (Response response = http.newCall(post("/chat/completions", CHAT_GPT_4O,
        "Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503")).execute()) {
      print(response);
    }
  }

  /** Gateway headers with values that make no sense; sent twice. */
  void badHeaders() throws IOException {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      try (Response response = http.newCall(post("/chat/completions", CHAT, "Helicone-Retry-Enabled", "true",
          "Helicone-Retry-Num", "lots", "Helicone-Cache-Bucket-Max-Size", "99", "Helicone-Fallbacks", "[not json")).execute()) {
        print(response);
      }
    }
  }

  /** What the gateway said about the cache: Helicone's header and Tollgate's, "-" when absent. */
  private static void printCacheHeaders(Response response) {
    System.out.println("cache: helicone=" + response.header("Helicone-Cache", "-")
        + " tollgate=" + response.header("Tollgate-Cache", "-"));
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  void chat() throws IOException {
    try (Response response = http.newCall(post("/chat/completions", CHAT)).execute()) {
      print(response);
    }
  }

  void stream() throws IOException {
    long start = System.nanoTime();
    try (Response response = http.newCall(post("/chat/completions", CHAT_STREAM)).execute()) {
      System.out.println("status: " + response.code());
      BufferedSource source = response.body().source();
      String line;
      while ((line = source.readUtf8Line()) != null) {
        System.out.println(line);
        System.out.flush();
        if (line.startsWith("data:")) {
          System.err.println("chunk-ms " + (System.nanoTime() - start) / 1_000_000);
        }
      }
    }
    System.out.println("stream: done");
  }

  void async() throws Exception {
    String result = enqueue(post("/chat/completions", CHAT)).get();
    System.out.println("async: completed");
    System.out.println(result);
  }

  /** Requests to the same server that are not LLM calls: a health check and a JSON POST beside the API. */
  void nonLlm() throws IOException {
    HttpUrl health = HttpUrl.get(baseUrl).resolve("/health");
    Request get = new Request.Builder().url(health)
        .header("X-Demo-Check", "liveness")
        .header("Helicone-Property-Scenario", scenario)
        .build();
    System.out.println("GET /health");
    try (Response response = http.newCall(get).execute()) {
      print(response);
    }
    Request post = new Request.Builder().url(health)
        .header("X-Demo-Check", "deep")
        .header("Helicone-Property-Scenario", scenario)
        .post(RequestBody.create(NOT_LLM, JSON))
        .build();
    System.out.println("POST /health");
    try (Response response = http.newCall(post).execute()) {
      print(response);
    }
  }

  /** Prints the body byte for byte, whatever it holds (used with a provider that answers broken JSON). */
  void raw() throws IOException {
    try (Response response = http.newCall(post("/chat/completions", MALFORMED)).execute()) {
      byte[] body = response.body().bytes();
      System.out.println("status: " + response.code());
      System.out.println("bytes: " + body.length);
      System.out.write(body);
      System.out.println();
      System.out.flush();
    }
  }

  private static void print(Response response) throws IOException {
    System.out.println("status: " + response.code());
    System.out.println("content-type: " + response.header("content-type", "-"));
    System.out.println(response.body().string());
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
