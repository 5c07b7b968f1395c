package example.apachehttp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.http.Header;
import org.apache.http.HttpMessage;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/**
 * The same application on Apache HttpClient 4.5 ({@code HttpClients.createDefault()}). It knows
 * nothing about Tollgate. Scenarios: chat, stream, non-llm, cache, cache-stream, retry, fallback.
 */
public final class Apache4App {
  private final String baseUrl;
  private final String apiKey;
  private final String scenario;

  private Apache4App(String baseUrl, String apiKey, String scenario) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.scenario = scenario;
  }

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "chat";
    Apache4App app = new Apache4App(envOr("OPENAI_BASE_URL", "https://api.openai.com/v1"),
        envOr("OPENAI_API_KEY", "missing-key"), scenario);
    try (CloseableHttpClient http = HttpClients.createDefault()) {
      switch (scenario) {
        case "chat" -> app.chat(http, Apache5App.CHAT);
        case "stream" -> app.stream(http, 1);
        case "non-llm" -> app.nonLlm(http);
        case "cache" -> app.twice(http, "Helicone-Cache-Enabled", "true");
        case "cache-stream" -> app.stream(http, 2, "Helicone-Cache-Enabled", "true");
        case "retry" -> app.chat(http, Apache5App.CHAT, Apache5App.RETRY);
        case "fallback" -> app.chat(http, Apache5App.CHAT_GPT_4O, "Helicone-Fallback-Model", "gpt-4o-mini",
            "Helicone-Fallback-OnCodes", "503");
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
      }
    }
  }

  private HttpPost post(String path, String json, String... extra) {
    HttpPost post = new HttpPost(baseUrl + path);
    post.setHeader("Authorization", "Bearer " + apiKey);
    post.setHeader("Helicone-Property-Scenario", scenario);
    post.setHeader("Helicone-User-Id", "demo-user");
    post.setHeader("Helicone-Session-Id", "demo-session");
    for (int i = 0; i < extra.length; i += 2) {
      post.setHeader(extra[i], extra[i + 1]);
    }
    post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
    return post;
  }

  void chat(CloseableHttpClient http, String json, String... extra) throws IOException {
    try (CloseableHttpResponse response = http.execute(post("/chat/completions", json, extra))) {
      System.out.print(describe(response));
    }
  }

  void twice(CloseableHttpClient http, String... extra) throws IOException {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      try (CloseableHttpResponse response = http.execute(post("/chat/completions", Apache5App.CHAT, extra))) {
        System.out.print(cacheHeaders(response) + describe(response));
      }
    }
  }

  void stream(CloseableHttpClient http, int times, String... extra) throws IOException {
    for (int call = 1; call <= times; call++) {
      if (times > 1) {
        System.out.println("call " + call);
      }
      try (CloseableHttpResponse response = http.execute(post("/chat/completions", Apache5App.CHAT_STREAM, extra))) {
        System.out.println("status: " + response.getStatusLine().getStatusCode());
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

  void nonLlm(CloseableHttpClient http) throws IOException {
    String health = baseUrl.replaceFirst("^(https?://[^/]+).*$", "$1") + "/health";
    HttpGet get = new HttpGet(health);
    get.setHeader("X-Demo-Check", "liveness");
    get.setHeader("Helicone-Property-Scenario", scenario);
    System.out.println("GET /health");
    try (CloseableHttpResponse response = http.execute(get)) {
      System.out.print(describe(response));
    }
    HttpPost post = new HttpPost(health);
    post.setHeader("X-Demo-Check", "deep");
    post.setHeader("Helicone-Property-Scenario", scenario);
    post.setEntity(new StringEntity(Apache5App.NOT_LLM, ContentType.APPLICATION_JSON));
    System.out.println("POST /health");
    try (CloseableHttpResponse response = http.execute(post)) {
      System.out.print(describe(response));
    }
  }

  private static String cacheHeaders(HttpMessage response) {
    return "cache: helicone=" + header(response, "Helicone-Cache") + " tollgate=" + header(response, "Tollgate-Cache") + "\n";
  }

  private static String header(HttpMessage message, String name) {
    Header h = message.getFirstHeader(name);
    return h == null ? "-" : h.getValue();
  }

  private static String describe(HttpResponse response) throws IOException {
    String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
    return "status: " + response.getStatusLine().getStatusCode() + "\ncontent-type: " + header(response, "content-type")
        + "\n" + body + "\n";
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
