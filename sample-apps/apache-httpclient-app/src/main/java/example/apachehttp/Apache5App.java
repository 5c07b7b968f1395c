package example.apachehttp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.AbstractCharResponseConsumer;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * An ordinary application calling an OpenAI-compatible API with Apache HttpClient 5 (classic,
 * and the async client for {@code async}) and hand-written JSON. It knows nothing about Tollgate.
 *
 * <pre>
 * OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_API_KEY=sk-... \
 *   java -cp target/apache-httpclient-app.jar:target/lib/* example.apachehttp.Apache5App chat
 * </pre>
 *
 * <p>Scenarios: chat, stream, async, non-llm; and the gateway policies a Helicone user switches on
 * with headers: cache, cache-stream, retry, fallback. The async client: async, async-stream (a
 * streaming consumer printing each line as it arrives, {@code chunk-ms} on stderr), async-cache,
 * async-cache-stream, async-retry (with /health checks while it waits, timings on stderr),
 * async-fallback. Stdout shows the status and the body exactly as received.
 */
public final class Apache5App {
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

  private final String baseUrl;
  private final String apiKey;
  private final String scenario;

  private Apache5App(String baseUrl, String apiKey, String scenario) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.scenario = scenario;
  }

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "chat";
    Apache5App app = new Apache5App(envOr("OPENAI_BASE_URL", "https://api.openai.com/v1"),
        envOr("OPENAI_API_KEY", "missing-key"), scenario);
    if (scenario.startsWith("async")) {
      try (CloseableHttpAsyncClient http = HttpAsyncClients.createDefault()) {
        http.start();
        switch (scenario) {
          case "async" -> app.async(http);
          case "async-cache" -> app.asyncTwice(http, "Helicone-Cache-Enabled", "true");
          case "async-stream" -> app.asyncStream(http, 1);
          case "async-cache-stream" -> app.asyncStream(http, 2, "Helicone-Cache-Enabled", "true");
          case "async-retry" -> app.asyncRetry(http);
          case "async-fallback" -> app.asyncChat(http, CHAT_GPT_4O, "Helicone-Fallback-Model", "gpt-4o-mini",
              "Helicone-Fallback-OnCodes", "503");
          default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
        }
      }
      return;
    }
    try (CloseableHttpClient http = HttpClients.createDefault()) {
      switch (scenario) {
        case "chat" -> app.chat(http, CHAT);
        case "stream" -> app.stream(http, 1);
        case "non-llm" -> app.nonLlm(http);
        case "cache" -> app.twice(http, "Helicone-Cache-Enabled", "true");
        case "cache-stream" -> app.stream(http, 2, "Helicone-Cache-Enabled", "true");
        case "retry" -> app.chat(http, CHAT, RETRY);
        case "fallback" -> app.chat(http, CHAT_GPT_4O, "Helicone-Fallback-Model", "gpt-4o-mini",
            "Helicone-Fallback-OnCodes", "503");
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
      }
    }
  }

  /** A POST to {@code <base>/<path>} with the headers a Helicone user already sends, and {@code extra} name/value pairs. */
  private HttpPost post(String path, String json, String... extra) {
    HttpPost post = new HttpPost(baseUrl + path);
    heliconeHeaders(post, extra);
    post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
    return post;
  }

  private void heliconeHeaders(HttpMessage request, String... extra) {
    request.setHeader("Authorization", "Bearer " + apiKey);
    request.setHeader("Helicone-Property-Scenario", scenario);
    request.setHeader("Helicone-User-Id", "demo-user");
    request.setHeader("Helicone-Session-Id", "demo-session");
    for (int i = 0; i < extra.length; i += 2) {
      request.setHeader(extra[i], extra[i + 1]);
    }
  }

  void chat(CloseableHttpClient http, String json, String... extra) throws IOException {
    String out = http.execute(post("/chat/completions", json, extra), Apache5App::describe);
    System.out.print(out);
  }

  /** The same chat twice, each answer with the cache verdict on the response. */
  void twice(CloseableHttpClient http, String... extra) throws IOException {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      String out = http.execute(post("/chat/completions", CHAT, extra), r -> cacheHeaders(r) + describe(r));
      System.out.print(out);
    }
  }

  /** The streamed chat, read line by line from the entity's stream as the events arrive. */
  void stream(CloseableHttpClient http, int times, String... extra) throws IOException {
    for (int call = 1; call <= times; call++) {
      if (times > 1) {
        System.out.println("call " + call);
      }
      try (CloseableHttpResponse response = http.execute(post("/chat/completions", CHAT_STREAM, extra))) {
        System.out.println("status: " + response.getCode());
        if (times > 1) {
          System.out.print(cacheHeaders(response));
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.getEntity().getContent(), StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
          System.out.println(line);
          System.out.flush();
        }
      }
      System.out.println("stream: done");
    }
  }

  /** An async POST to {@code <base>/chat/completions} with the Helicone headers and {@code extra} name/value pairs. */
  private SimpleHttpRequest asyncPost(String json, String... extra) {
    SimpleHttpRequest request = SimpleRequestBuilder.post(baseUrl + "/chat/completions")
        .setBody(json, ContentType.APPLICATION_JSON)
        .build();
    heliconeHeaders(request, extra);
    return request;
  }

  /** The async client (SimpleHttpRequest, whole body in memory). */
  void async(CloseableHttpAsyncClient http) throws Exception {
    SimpleHttpResponse response = http.execute(asyncPost(CHAT), null).get(60, TimeUnit.SECONDS);
    System.out.println("async: completed");
    System.out.print(describeAsync(response));
  }

  void asyncChat(CloseableHttpAsyncClient http, String json, String... extra) throws Exception {
    System.out.print(describeAsync(http.execute(asyncPost(json, extra), null).get(60, TimeUnit.SECONDS)));
  }

  /** The same chat twice through the async client, each answer with the cache verdict. */
  void asyncTwice(CloseableHttpAsyncClient http, String... extra) throws Exception {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      SimpleHttpResponse response = http.execute(asyncPost(CHAT, extra), null).get(60, TimeUnit.SECONDS);
      System.out.print(cacheHeaders(response) + describeAsync(response));
    }
  }

  /**
   * An async chat with retries. While it is in flight the main thread checks /health through the
   * same client, again and again: those answers must keep coming while the chat waits to retry.
   */
  void asyncRetry(CloseableHttpAsyncClient http) throws Exception {
    String health = baseUrl.replaceFirst("^(https?://[^/]+).*$", "$1") + "/health";
    http.execute(SimpleRequestBuilder.get(health).build(), null).get(10, TimeUnit.SECONDS); // a warm client
    long start = System.nanoTime();
    Future<SimpleHttpResponse> call = http.execute(asyncPost(CHAT, RETRY), null);
    System.err.println("send-returned-ms " + millisSince(start));
    List<Long> checks = new ArrayList<>();
    while (!call.isDone()) {
      long t = System.nanoTime();
      http.execute(SimpleRequestBuilder.get(health).build(), null).get(10, TimeUnit.SECONDS);
      checks.add(millisSince(t));
      Thread.sleep(50);
    }
    System.err.println("call-ms " + millisSince(start));
    System.err.println("health-checks-while-waiting " + checks.size() + " worst-ms "
        + checks.stream().mapToLong(x -> x).max().orElse(0));
    SimpleHttpResponse response = call.get();
    System.out.println("async: completed");
    System.out.print(describeAsync(response));
  }

  /** The streamed chat through the async client, printed line by line by a streaming consumer as it arrives. */
  void asyncStream(CloseableHttpAsyncClient http, int times, String... extra) throws Exception {
    for (int call = 1; call <= times; call++) {
      if (times > 1) {
        System.out.println("call " + call);
      }
      http.execute(SimpleRequestProducer.create(asyncPost(CHAT_STREAM, extra)), new LinePrinter(times > 1), null)
          .get(60, TimeUnit.SECONDS);
      System.out.println("stream: done");
    }
  }

  /**
   * A streaming response consumer as an app writes one: prints each line the moment it is
   * complete, and {@code chunk-ms <ms since the request>} on stderr for every {@code data:} line.
   */
  private static final class LinePrinter extends AbstractCharResponseConsumer<Void> {
    private final long start = System.nanoTime();
    private final boolean cacheLine;
    private final StringBuilder pending = new StringBuilder();

    LinePrinter(boolean cacheLine) {
      this.cacheLine = cacheLine;
    }

    @Override
    protected void start(HttpResponse response, ContentType contentType) {
      System.out.println("status: " + response.getCode());
      if (cacheLine) {
        System.out.print(cacheHeaders(response));
      }
    }

    @Override
    protected int capacityIncrement() {
      return Integer.MAX_VALUE;
    }

    @Override
    protected void data(CharBuffer data, boolean endOfStream) {
      pending.append(data);
      for (int nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
        String line = pending.substring(0, nl > 0 && pending.charAt(nl - 1) == '\r' ? nl - 1 : nl);
        pending.delete(0, nl + 1);
        System.out.println(line);
        System.out.flush();
        if (line.startsWith("data:")) {
          System.err.println("chunk-ms " + millisSince(start));
        }
      }
    }

    @Override
    protected Void buildResult() {
      if (pending.length() > 0) {
        System.out.println(pending);
      }
      return null;
    }

    @Override
    public void releaseResources() {
    }
  }

  /** Requests to the same server that are not LLM calls: a health check and a JSON POST beside the API. */
  void nonLlm(CloseableHttpClient http) throws IOException {
    String health = baseUrl.replaceFirst("^(https?://[^/]+).*$", "$1") + "/health";
    HttpUriRequestBase get = new HttpGet(health);
    get.setHeader("X-Demo-Check", "liveness");
    get.setHeader("Helicone-Property-Scenario", scenario);
    System.out.println("GET /health");
    System.out.print(http.execute(get, Apache5App::describe));
    HttpPost post = new HttpPost(health);
    post.setHeader("X-Demo-Check", "deep");
    post.setHeader("Helicone-Property-Scenario", scenario);
    post.setEntity(new StringEntity(NOT_LLM, ContentType.APPLICATION_JSON));
    System.out.println("POST /health");
    System.out.print(http.execute(post, Apache5App::describe));
  }

  private static String cacheHeaders(HttpMessage response) {
    return "cache: helicone=" + header(response, "Helicone-Cache") + " tollgate=" + header(response, "Tollgate-Cache") + "\n";
  }

  private static String header(HttpMessage message, String name) {
    Header h = message.getFirstHeader(name);
    return h == null ? "-" : h.getValue();
  }

  private static String describe(ClassicHttpResponse response) throws IOException {
    String body;
    try {
      body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
    } catch (org.apache.hc.core5.http.ParseException e) {
      throw new IOException(e);
    }
    return "status: " + response.getCode() + "\ncontent-type: " + header(response, "content-type") + "\n" + body + "\n";
  }

  private static String describeAsync(SimpleHttpResponse response) {
    return "status: " + response.getCode() + "\ncontent-type: " + header(response, "content-type") + "\n"
        + response.getBodyText() + "\n";
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
