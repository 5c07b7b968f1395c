package example.langchain4j;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An ordinary application on LangChain4j (its default HTTP client: the JDK's
 * java.net.http.HttpClient), with an OpenAI and an Anthropic chat model. It knows nothing about
 * Tollgate: it only sends the Helicone headers a Helicone user already sends.
 *
 * <pre>
 * OPENAI_BASE_URL=... OPENAI_API_KEY=... ANTHROPIC_BASE_URL=... ANTHROPIC_API_KEY=... \
 *   java -cp target/langchain4j-app.jar:target/lib/* example.langchain4j.LangChain4jApp openai-chat
 * </pre>
 *
 * <p>Scenarios: openai-chat, openai-stream, anthropic-chat, anthropic-stream; anthropic-cache (the
 * same chat twice with Helicone-Cache-Enabled), openai-retry (Helicone-Retry-* headers),
 * openai-fallback / anthropic-fallback (an unavailable model with Helicone-Fallback-Model).
 * Stdout is a deterministic account of what LangChain4j parsed; timings go to stderr.
 */
public final class LangChain4jApp {
  private static final String QUESTION = "Answer in up to 3 words: Which ocean contains Bouvet Island?";

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "openai-chat";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Helicone-Property-Scenario", scenario);
    headers.put("Helicone-User-Id", "demo-user");
    headers.put("Helicone-Session-Id", "demo-session");
    if (scenario.endsWith("-cache")) {
      headers.put("Helicone-Cache-Enabled", "true");
    }
    if (scenario.endsWith("-retry")) {
      headers.put("Helicone-Retry-Enabled", "true");
      headers.put("Helicone-Retry-Num", "2");
      headers.put("Helicone-Retry-Factor", "2");
      headers.put("Helicone-Retry-Min-Timeout", "200");
      headers.put("Helicone-Retry-Max-Timeout", "2000");
    }
    if (scenario.equals("openai-fallback")) {
      headers.put("Helicone-Fallback-Model", "gpt-4o-mini");
      headers.put("Helicone-Fallback-OnCodes", "503");
    }
    if (scenario.equals("anthropic-fallback")) {
      headers.put("Helicone-Fallback-Model", "claude-sonnet-4-20250514");
      headers.put("Helicone-Fallback-OnCodes", "503");
    }
    // The gateway retries or falls back for us in the -retry / -fallback scenarios; LangChain4j's own
    // retries (maxRetries, 2 by default for the non-streaming models) would otherwise answer the 429/503 first.
    int sdkRetries = scenario.endsWith("-retry") || scenario.endsWith("-fallback") ? 0 : 2;
    String openAiBase = envOr("OPENAI_BASE_URL", "https://api.openai.com/v1");
    String openAiKey = envOr("OPENAI_API_KEY", "missing-key");
    // LangChain4j's Anthropic base URL includes /v1/
    String anthropicBase = envOr("ANTHROPIC_BASE_URL", "https://api.anthropic.com").replaceAll("/+$", "") + "/v1/";
    String anthropicKey = envOr("ANTHROPIC_API_KEY", "missing-key");

    switch (scenario) {
      case "openai-chat", "openai-retry" -> chat(OpenAiChatModel.builder().baseUrl(openAiBase).apiKey(openAiKey)
          .modelName("gpt-4o-mini").customHeaders(headers).maxRetries(sdkRetries).build(), 1);
      case "openai-stream" -> stream(OpenAiStreamingChatModel.builder().baseUrl(openAiBase).apiKey(openAiKey)
          .modelName("gpt-4o-mini").customHeaders(headers).build());
      case "openai-fallback" -> chat(OpenAiChatModel.builder().baseUrl(openAiBase).apiKey(openAiKey)
          .modelName("gpt-4o").customHeaders(headers).maxRetries(sdkRetries).build(), 1);
      case "anthropic-chat" -> chat(anthropicChat(anthropicBase, anthropicKey, headers, sdkRetries), 1);
      case "anthropic-fallback" -> chat(AnthropicChatModel.builder().baseUrl(anthropicBase).apiKey(anthropicKey)
          .modelName("claude-opus-4-20250514").maxTokens(100).customHeaders(headers).maxRetries(sdkRetries).build(), 1);
      case "anthropic-cache" -> chat(anthropicChat(anthropicBase, anthropicKey, headers, sdkRetries), 2);
      case "anthropic-stream" -> stream(AnthropicStreamingChatModel.builder().baseUrl(anthropicBase).apiKey(anthropicKey)
          .modelName("claude-sonnet-4-20250514").maxTokens(100).customHeaders(headers).build());
      default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
    }
    System.out.flush();
    System.exit(0);
  }

  private static ChatModel anthropicChat(String baseUrl, String key, Map<String, String> headers, int retries) {
    return AnthropicChatModel.builder().baseUrl(baseUrl).apiKey(key).modelName("claude-sonnet-4-20250514")
        .maxTokens(100).customHeaders(headers).maxRetries(retries).build();
  }

  static void chat(ChatModel model, int times) {
    for (int call = 1; call <= times; call++) {
      if (times > 1) {
        System.out.println("call " + call);
      }
      print(model.chat(dev.langchain4j.data.message.UserMessage.from(QUESTION)));
    }
  }

  static void stream(StreamingChatModel model) throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    long start = System.nanoTime();
    model.chat(QUESTION, new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String partial) {
        System.err.println("chunk-ms " + (System.nanoTime() - start) / 1_000_000);
        System.out.println("partial: " + partial);
      }

      @Override
      public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    });
    print(done.get(60, TimeUnit.SECONDS));
    System.out.println("stream: done");
  }

  private static void print(ChatResponse response) {
    System.out.println("id: " + response.id());
    System.out.println("model: " + response.modelName());
    System.out.println("text: " + response.aiMessage().text());
    System.out.println("finish_reason: " + response.finishReason());
    System.out.println("usage: " + response.tokenUsage().inputTokenCount() + " in / " + response.tokenUsage().outputTokenCount() + " out");
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
