package example.openaijava;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ChatModel;
import com.openai.models.ResponsesModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.embeddings.EmbeddingModel;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An ordinary application using the official openai-java SDK (OkHttp underneath). It knows nothing
 * about Tollgate: it only sends the Helicone headers a Helicone user already sends.
 *
 * <pre>
 * OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_API_KEY=sk-... \
 *   java -cp target/openai-java-app.jar:target/lib/* example.openaijava.OpenAiJavaApp chat
 * </pre>
 *
 * <p>Scenarios: chat, stream, async, embeddings, responses, responses-stream; and the gateway
 * policies a Helicone user switches on with headers: cache, cache-stream, cache-two-keys,
 * chat-twice (the same chat twice, no cache header), retry, async-retry, fallback, chat-gpt-4o
 * (a chat with gpt-4o, no header), bad-headers. Stdout is a deterministic account of what the SDK
 * parsed, so a run with and without an agent can be diffed; timings go to stderr.
 */
public final class OpenAiJavaApp {
  private static final String QUESTION = "Answer in up to 3 words: Which ocean contains Bouvet Island?";
  /** Scenarios that leave retries and fallbacks to the gateway (see {@link #main}). */
  private static final Set<String> GATEWAY_RETRIES =
      Set.of("retry", "async-retry", "fallback", "chat-gpt-4o", "limited", "three");

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "chat";
    String baseUrl = envOr("OPENAI_BASE_URL", "https://api.openai.com/v1");

    OpenAIClient client = client(baseUrl, envOr("OPENAI_API_KEY", "missing-key"), scenario);
    int exit = 0;
    try {
      switch (scenario) {
        case "chat" -> chat(client);
        case "stream" -> stream(client);
        case "async" -> async(client);
        case "embeddings" -> embeddings(client);
        case "responses" -> responses(client);
        case "responses-stream" -> responsesStream(client);
        case "cache" -> twice(client, question().putAdditionalHeader("Helicone-Cache-Enabled", "true").build());
        case "chat-twice" -> twice(client, question().build());
        case "cache-stream" -> cacheStream(client);
        case "cache-two-keys" -> cacheTwoKeys(client, baseUrl, scenario);
        case "retry" -> retry(client);
        case "async-retry" -> asyncRetry(client);
        case "fallback" -> fallback(client);
        case "chat-gpt-4o" -> chatGpt4o(client);
        case "bad-headers" -> badHeaders(client);
        case "limited" -> threeCalls(client, question().putAdditionalHeader("Helicone-RateLimit-Policy", "2;w=60").build());
        case "three" -> threeCalls(client, question().build());
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
      }
    } catch (OpenAIServiceException e) {
      // an error answer the SDK turned into an exception: say which, deterministically
      System.out.println("error: " + e.getClass().getSimpleName() + " status=" + e.statusCode()
          + " code=" + e.code().orElse("-"));
      exit = 1;
    } finally {
      client.close();
    }
    if (exit != 0) {
      System.exit(exit);
    }
  }

  private static OpenAIClient client(String baseUrl, String apiKey, String scenario) {
    OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder()
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .putHeader("Helicone-Property-Scenario", scenario)
        .putHeader("Helicone-User-Id", "demo-user")
        .putHeader("Helicone-Session-Id", "demo-session");
    if (GATEWAY_RETRIES.contains(scenario)) {
      // The gateway retries and falls back for us (Helicone-Retry-*/-Fallback-* headers). The SDK's
      // own retries (2 by default, on 408/409/429/5xx and connection errors) would otherwise sit in
      // front of the gateway's policy: they would multiply the attempts and answer a 503 with their
      // own retry of the same model before the gateway's fallback could switch models.
      builder.maxRetries(0);
    }
    return builder.build();
  }

  private static ChatCompletionCreateParams.Builder question() {
    return ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI).addUserMessage(QUESTION);
  }

  static void chat(OpenAIClient client) {
    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(question().build());
    System.out.println("status: " + raw.statusCode());
    print(raw.parse());
  }

  /** The same chat twice, each answer with the cache verdict the gateway put on the response. */
  static void twice(OpenAIClient client, ChatCompletionCreateParams params) {
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(params);
      System.out.println("status: " + raw.statusCode());
      printCacheHeaders(raw);
      print(raw.parse());
    }
  }

  static void cacheStream(OpenAIClient client) {
    ChatCompletionCreateParams params = question()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .putAdditionalHeader("Helicone-Cache-Enabled", "true")
        .build();
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw =
          client.chat().completions().withRawResponse().createStreaming(params);
      System.out.println("status: " + raw.statusCode());
      printCacheHeaders(raw);
      try (StreamResponse<ChatCompletionChunk> chunks = raw.parse()) {
        chunks.stream().forEach(OpenAiJavaApp::printChunk);
      }
      System.out.println("stream: done");
    }
  }

  /**
   * A service calling on behalf of two tenants, each with its own API key: tenant A, tenant B,
   * then tenant A again, the same question each time, cache on.
   */
  static void cacheTwoKeys(OpenAIClient tenantA, String baseUrl, String scenario) {
    OpenAIClient tenantB = client(baseUrl, envOr("OPENAI_API_KEY_2", "missing-key-2"), scenario);
    try {
      ChatCompletionCreateParams params = question().putAdditionalHeader("Helicone-Cache-Enabled", "true").build();
      OpenAIClient[] order = {tenantA, tenantB, tenantA};
      String[] names = {"A", "B", "A"};
      for (int i = 0; i < order.length; i++) {
        System.out.println("call " + (i + 1) + " tenant " + names[i]);
        HttpResponseFor<ChatCompletion> raw = order[i].chat().completions().withRawResponse().create(params);
        System.out.println("status: " + raw.statusCode());
        printCacheHeaders(raw);
        print(raw.parse());
      }
    } finally {
      tenantB.close();
    }
  }

  /** The retry headers a Helicone user sends; delays in milliseconds. */
  private static ChatCompletionCreateParams.Builder withRetryHeaders(ChatCompletionCreateParams.Builder params) {
    return params
        .putAdditionalHeader("Helicone-Retry-Enabled", "true")
        .putAdditionalHeader("Helicone-Retry-Num", "2")
        .putAdditionalHeader("Helicone-Retry-Factor", "2")
        .putAdditionalHeader("Helicone-Retry-Min-Timeout", "200")
        .putAdditionalHeader("Helicone-Retry-Max-Timeout", "2000");
  }

  static void retry(OpenAIClient client) {
    long start = System.nanoTime();
    HttpResponseFor<ChatCompletion> raw =
        client.chat().completions().withRawResponse().create(withRetryHeaders(question()).build());
    System.err.println("call-ms " + millisSince(start));
    System.out.println("status: " + raw.statusCode());
    print(raw.parse());
  }

  /** An async chat with retries; the main thread goes on with other work while the call is in flight. */
  static void asyncRetry(OpenAIClient client) throws InterruptedException {
    long start = System.nanoTime();
    CompletableFuture<ChatCompletion> call = client.async().chat().completions().create(withRetryHeaders(question()).build());
    System.err.println("create-returned-ms " + millisSince(start));
    int ticks = 0;
    while (!call.isDone()) {
      Thread.sleep(50); // other work
      ticks++;
    }
    System.err.println("call-ms " + millisSince(start));
    System.err.println("ticks-while-waiting " + ticks);
    ChatCompletion completion = call.join();
    System.out.println("async: completed");
    print(completion);
  }

  /** gpt-4o, and gpt-4o-mini when gpt-4o is unavailable. */
  static void fallback(OpenAIClient client) {
    ChatCompletionCreateParams params = question().model(ChatModel.GPT_4O)
        .putAdditionalHeader("Helicone-Fallback-Model", "gpt-4o-mini")
        .putAdditionalHeader("Helicone-Fallback-OnCodes", "503")
        .build();
    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(params);
    System.out.println("status: " + raw.statusCode());
    print(raw.parse());
  }

  /** The same chat three times, each with its outcome: the answer, or the SDK's exception for a refusal. */
  static void threeCalls(OpenAIClient client, ChatCompletionCreateParams params) {
    for (int call = 1; call <= 3; call++) {
      try {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(params);
        System.out.println("call " + call + ": status " + raw.statusCode() + ", rate limit remaining "
            + raw.headers().values("Helicone-RateLimit-Remaining") + ", " + raw.parse().id());
      } catch (OpenAIServiceException e) {
        System.out.println("call " + call + ": " + e.getClass().getSimpleName() + " status=" + e.statusCode()
            + " code=" + e.code().orElse("-") + ", rate limit remaining "
            + e.headers().values("Helicone-RateLimit-Remaining"));
      }
    }
  }

  static void chatGpt4o(OpenAIClient client) {
    HttpResponseFor<ChatCompletion> raw =
        client.chat().completions().withRawResponse().create(question().model(ChatModel.GPT_4O).build());
    System.out.println("status: " + raw.statusCode());
    print(raw.parse());
  }

  /** Gateway headers with values that make no sense; sent twice. */
  static void badHeaders(OpenAIClient client) {
    ChatCompletionCreateParams params = question()
        .putAdditionalHeader("Helicone-Retry-Enabled", "true")
        .putAdditionalHeader("Helicone-Retry-Num", "lots")
        .putAdditionalHeader("Helicone-Cache-Bucket-Max-Size", "99")
        .putAdditionalHeader("Helicone-Fallbacks", "[not json")
        .build();
    for (int call = 1; call <= 2; call++) {
      System.out.println("call " + call);
      HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(params);
      System.out.println("status: " + raw.statusCode());
      print(raw.parse());
    }
  }

  /** What the gateway said about the cache: Helicone's header and Tollgate's, "-" when absent. */
  private static void printCacheHeaders(com.openai.core.http.HttpResponse raw) {
    System.out.println("cache: helicone=" + firstHeader(raw, "Helicone-Cache") + " tollgate=" + firstHeader(raw, "Tollgate-Cache"));
  }

  private static String firstHeader(com.openai.core.http.HttpResponse raw, String name) {
    List<String> values = raw.headers().values(name);
    return values.isEmpty() ? "-" : values.get(0);
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  static void stream(OpenAIClient client) {
    ChatCompletionCreateParams params = question()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build();
    HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw =
        client.chat().completions().withRawResponse().createStreaming(params);
    System.out.println("status: " + raw.statusCode());
    try (StreamResponse<ChatCompletionChunk> chunks = raw.parse()) {
      chunks.stream().forEach(OpenAiJavaApp::printChunk);
    }
    System.out.println("stream: done");
  }

  private static void printChunk(ChatCompletionChunk chunk) {
    StringBuilder line = new StringBuilder("chunk: id=").append(chunk.id()).append(" model=").append(chunk.model());
    chunk.choices().forEach(choice -> {
      choice.delta().content().ifPresent(c -> line.append(" delta=\"").append(c).append('"'));
      choice.finishReason().ifPresent(f -> line.append(" finish_reason=").append(f.asString()));
    });
    chunk.usage().ifPresent(u -> line.append(" usage=").append(u.promptTokens()).append('/')
        .append(u.completionTokens()).append('/').append(u.totalTokens()));
    System.out.println(line);
    System.out.flush();
  }

  static void async(OpenAIClient client) {
    ChatCompletion completion = client.async().chat().completions().create(question().build()).join();
    System.out.println("async: completed");
    print(completion);
  }

  static void embeddings(OpenAIClient client) {
    EmbeddingCreateParams params = EmbeddingCreateParams.builder()
        .model(EmbeddingModel.TEXT_EMBEDDING_3_SMALL)
        .input("South Atlantic Ocean.")
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
        .build();
    HttpResponseFor<CreateEmbeddingResponse> raw = client.embeddings().withRawResponse().create(params);
    System.out.println("status: " + raw.statusCode());
    CreateEmbeddingResponse response = raw.parse();
    System.out.println("model: " + response.model());
    response.data().forEach(e -> {
      List<Float> v = e.embedding();
      System.out.println("embedding[" + e.index() + "]: dims=" + v.size() + " first=" + v.subList(0, Math.min(3, v.size()))
          + " sum=" + v.stream().mapToDouble(Float::doubleValue).sum());
    });
    System.out.println("usage: prompt=" + response.usage().promptTokens() + " total=" + response.usage().totalTokens());
  }

  private static ResponseCreateParams.Builder responsesRequest() {
    return ResponseCreateParams.builder()
        .model(ChatModel.GPT_4O_MINI)
        .instructions("You are a helpful assistant.")
        .input("Say this is a test");
  }

  static void responses(OpenAIClient client) {
    HttpResponseFor<Response> raw = client.responses().withRawResponse().create(responsesRequest().build());
    System.out.println("status: " + raw.statusCode());
    print(raw.parse());
  }

  static void responsesStream(OpenAIClient client) {
    HttpResponseFor<StreamResponse<ResponseStreamEvent>> raw =
        client.responses().withRawResponse().createStreaming(responsesRequest().build());
    System.out.println("status: " + raw.statusCode());
    try (StreamResponse<ResponseStreamEvent> events = raw.parse()) {
      events.stream().forEach(event -> {
        event.outputTextDelta().ifPresent(d -> System.out.println("delta: \"" + d.delta() + "\""));
        event.completed().ifPresent(c -> {
          System.out.println("completed:");
          print(c.response());
        });
        System.out.flush();
      });
    }
    System.out.println("stream: done");
  }

  private static void print(ChatCompletion completion) {
    System.out.println("id: " + completion.id());
    System.out.println("model: " + completion.model());
    completion.choices().forEach(choice -> System.out.println("choice[" + choice.index() + "]: finish_reason="
        + choice.finishReason().asString() + " content=\"" + choice.message().content().orElse("") + "\""));
    completion.usage().ifPresent(u -> System.out.println("usage: prompt=" + u.promptTokens()
        + " completion=" + u.completionTokens() + " total=" + u.totalTokens()));
  }

  private static void print(Response response) {
    System.out.println("id: " + response.id());
    System.out.println("model: " + modelName(response.model()));
    response.status().ifPresent(s -> System.out.println("response status: " + s.asString()));
    response.output().forEach(item -> item.message().ifPresent(m -> m.content().forEach(c ->
        c.outputText().ifPresent(t -> System.out.println("output_text: \"" + t.text() + "\"")))));
    response.usage().ifPresent(u -> System.out.println("usage: input=" + u.inputTokens()
        + " output=" + u.outputTokens() + " total=" + u.totalTokens()));
  }

  /** The SDK parses a response's model into one of three shapes; each prints as the model's name. */
  private static String modelName(ResponsesModel model) {
    if (model.isChat()) {
      return model.asChat().asString();
    }
    return model.isOnly() ? model.asOnly().asString() : model.asString();
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
