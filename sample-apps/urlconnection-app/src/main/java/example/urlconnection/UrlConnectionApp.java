package example.urlconnection;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestTemplate;

/**
 * An ordinary application calling an OpenAI-compatible API with nothing but
 * {@link java.net.HttpURLConnection} (as Spring's {@code RestTemplate} does by default) and
 * hand-written JSON. It knows nothing about Tollgate.
 *
 * <pre>
 * OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_API_KEY=sk-... \
 *   java -cp target/urlconnection-app.jar example.urlconnection.UrlConnectionApp chat
 * </pre>
 *
 * <p>Scenarios: chat, chat-linger (the chat, then 1.5 s of other work), stream, embeddings, non-llm, raw; and the gateway policies a Helicone user
 * switches on with headers: cache, cache-stream, retry, fallback. The resttemplate scenarios make the
 * chat through Spring's {@code new RestTemplate()} (whose default request factory is
 * HttpURLConnection): resttemplate, resttemplate-cache (twice, cache on), resttemplate-retry. Stdout shows the status and the
 * body exactly as received (the same lines as the jdk-httpclient-app). {@code stream} also writes
 * {@code chunk-ms <ms since request start>} to stderr for every {@code data:} line.
 */
public final class UrlConnectionApp {
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
  /** The retry headers a Helicone user sends; delays in milliseconds. */
  private static final String[] RETRY = {"Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "2",
      "Helicone-Retry-Factor", "2", "Helicone-Retry-Min-Timeout", "200", "Helicone-Retry-Max-Timeout", "2000"};

  private final String baseUrl;
  private final String apiKey;
  private final String scenario;

  private UrlConnectionApp(String baseUrl, String apiKey, String scenario) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.scenario = scenario;
  }

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "chat";
    UrlConnectionApp app = new UrlConnectionApp(
        envOr("OPENAI_BASE_URL", "https://api.openai.com/v1"), envOr("OPENAI_API_KEY", "missing-key"), scenario);
    switch (scenario) {
      case "chat" -> app.print(app.post("/chat/completions", CHAT));
      case "chat-linger" -> {
        app.print(app.post("/chat/completions", CHAT));
        Thread.sleep(1500); // an app that goes on with other work after its call
      }
      case "stream" -> app.stream();
      case "embeddings" -> app.print(app.post("/embeddings", EMBEDDINGS));
      case "non-llm" -> app.nonLlm();
      case "raw" -> app.raw();
      case "cache" -> app.cache();
      case "cache-stream" -> app.cacheStream();
      case "retry" -> app.retry();
      case "fallback" -> app.print(app.post("/chat/completions", CHAT_GPT_4O,
          "Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes", "503"));
      case "resttemplate" -> app.restTemplate(1);
      case "resttemplate-cache" -> app.restTemplate(2, "Helicone-Cache-Enabled", "true");
      case "resttemplate-retry" -> app.restTemplate(1, RETRY);
      default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
    }
  }

  /** A POST to {@code <base>/<path>} with the headers a Helicone user already sends, and {@code extra} name/value pairs. */
  private HttpURLConnection post(String path, String json, String... extra) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl + path).toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setConnectTimeout(10_000);
    c.setReadTimeout(60_000);
    c.setRequestProperty("Authorization", "Bearer " + apiKey);
    c.setRequestProperty("Content-Type", "application/json");
    c.setRequestProperty("Helicone-Property-Scenario", scenario);
    c.setRequestProperty("Helicone-User-Id", "demo-user");
    c.setRequestProperty("Helicone-Session-Id", "demo-session");
    for (int i = 0; i < extra.length; i += 2) {
      c.setRequestProperty(extra[i], extra[i + 1]);
    }
    try (OutputStream out = c.getOutputStream()) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    return c;
  }

  /** The chat through Spring's RestTemplate, {@code times} times, with {@code extra} headers. */
  void restTemplate(int times, String... extra) {
    RestTemplate rest = new RestTemplate();
    HttpHeaders headers = new HttpHeaders();
    headers.setBearerAuth(apiKey);
    headers.setContentType(MediaType.APPLICATION_JSON);
    headers.set("Helicone-Property-Scenario", scenario);
    headers.set("Helicone-User-Id", "demo-user");
    headers.set("Helicone-Session-Id", "demo-session");
    for (int i = 0; i < extra.length; i += 2) {
      headers.set(extra[i], extra[i + 1]);
    }
    for (int call = 1; call <= times; call++) {
      if (times > 1) {
        System.out.println("call " + call);
      }
      ResponseEntity<String> response =
          rest.postForEntity(baseUrl + "/chat/completions", new HttpEntity<>(CHAT, headers), String.class);
      if (times > 1) {
        System.out.println("cache: helicone=" + orDash(response.getHeaders().getFirst("Helicone-Cache"))
            + " tollgate=" + orDash(response.getHeaders().getFirst("Tollgate-Cache")));
      }
      String body = response.getBody() == null ? "" : response.getBody();
      MediaType type = response.getHeaders().getContentType();
      System.out.println("status: " + response.getStatusCode().value());
      System.out.println("content-type: " + (type == null ? "-" : type.toString()));
      System.out.println("body-bytes: " + body.getBytes(StandardCharsets.UTF_8).length);
      System.out.println(body);
    }
  }

  /** The same chat twice with the cache on, each answer with the cache verdict on the response. */
  void cache() throws IOException {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      HttpURLConnection c = post("/chat/completions", CHAT, "Helicone-Cache-Enabled", "true");
      System.out.println(cacheHeaders(c));
      print(c);
    }
  }

  /** The streamed chat twice with the cache on. */
  void cacheStream() {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      try {
        HttpURLConnection c = post("/chat/completions", CHAT_STREAM, "Helicone-Cache-Enabled", "true");
        System.out.println("status: " + c.getResponseCode());
        System.out.println(cacheHeaders(c));
        readLines(c, -1);
        System.out.println("stream: done");
      } catch (Exception e) {
        System.out.println("call " + call + " failed: " + e.getClass().getSimpleName());
      }
    }
  }

  void retry() throws IOException {
    long start = System.nanoTime();
    HttpURLConnection c = post("/chat/completions", CHAT, RETRY);
    int status = c.getResponseCode();
    System.err.println("call-ms " + (System.nanoTime() - start) / 1_000_000);
    print(c, status);
  }

  void stream() throws IOException {
    long start = System.nanoTime();
    HttpURLConnection c = post("/chat/completions", CHAT_STREAM);
    System.out.println("status: " + c.getResponseCode());
    readLines(c, start);
    System.out.println("stream: done");
  }

  /** Prints the SSE lines as they come; with {@code start >= 0} also when each data line arrived. */
  private static void readLines(HttpURLConnection c, long start) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        System.out.println(line);
        System.out.flush();
        if (start >= 0 && line.startsWith("data:")) {
          System.err.println("chunk-ms " + (System.nanoTime() - start) / 1_000_000);
        }
      }
    }
  }

  /** Requests to the same server that are not LLM calls: a health check and a JSON POST beside the API. */
  void nonLlm() throws IOException {
    URL health = URI.create(baseUrl).resolve("/health").toURL();
    HttpURLConnection get = (HttpURLConnection) health.openConnection();
    get.setRequestProperty("X-Demo-Check", "liveness");
    get.setRequestProperty("Helicone-Property-Scenario", scenario);
    System.out.println("GET /health");
    print(get);
    HttpURLConnection post = (HttpURLConnection) health.openConnection();
    post.setRequestMethod("POST");
    post.setDoOutput(true);
    post.setRequestProperty("X-Demo-Check", "deep");
    post.setRequestProperty("Content-Type", "application/json");
    post.setRequestProperty("Helicone-Property-Scenario", scenario);
    try (OutputStream out = post.getOutputStream()) {
      out.write(NOT_LLM.getBytes(StandardCharsets.UTF_8));
    }
    System.out.println("POST /health");
    print(post);
  }

  /** Prints the body byte for byte, whatever it holds (used with a provider that answers broken JSON). */
  void raw() throws IOException {
    HttpURLConnection c = post("/chat/completions", MALFORMED);
    System.out.println("status: " + c.getResponseCode());
    byte[] body = body(c, c.getResponseCode());
    System.out.println("bytes: " + body.length);
    System.out.write(body);
    System.out.println();
    System.out.flush();
  }

  private static String cacheHeaders(HttpURLConnection c) {
    return "cache: helicone=" + orDash(c.getHeaderField("Helicone-Cache"))
        + " tollgate=" + orDash(c.getHeaderField("Tollgate-Cache"));
  }

  private void print(HttpURLConnection c) throws IOException {
    print(c, c.getResponseCode());
  }

  private static void print(HttpURLConnection c, int status) throws IOException {
    byte[] body = body(c, status);
    System.out.println("status: " + status);
    System.out.println("content-type: " + orDash(c.getContentType()));
    System.out.println("body-bytes: " + body.length);
    System.out.println(new String(body, StandardCharsets.UTF_8));
  }

  /** The body: the input stream, or for an error status the error stream, as HttpURLConnection users read it. */
  private static byte[] body(HttpURLConnection c, int status) throws IOException {
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    if (in == null) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream s = in) {
      s.transferTo(out);
    }
    return out.toByteArray();
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
