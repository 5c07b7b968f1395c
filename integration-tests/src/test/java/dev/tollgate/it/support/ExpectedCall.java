package dev.tollgate.it.support;

import java.util.List;
import java.util.Map;

/**
 * What the span of one LLM call must say, taken from the recording its stub serves (the values are
 * checked against the files by {@code RecordingsTest}).
 *
 * @param outputTokens null when the provider reports none (embeddings)
 * @param finishReasons null when not asserted (the Responses API has no finish_reason field)
 * @param rateLimits {@code tollgate.ratelimit.<suffix>} → value, from the stub's x-ratelimit-* headers
 */
public record ExpectedCall(
    String operation,
    String requestModel,
    String responseModel,
    String responseId,
    long inputTokens,
    Long outputTokens,
    long cachedInputTokens,
    List<String> finishReasons,
    boolean stream,
    Map<String, Long> rateLimits,
    Recording recording,
    String provider) {

  /** An OpenAI call. */
  public ExpectedCall(String operation, String requestModel, String responseModel, String responseId, long inputTokens,
      Long outputTokens, long cachedInputTokens, List<String> finishReasons, boolean stream, Map<String, Long> rateLimits,
      Recording recording) {
    this(operation, requestModel, responseModel, responseId, inputTokens, outputTokens, cachedInputTokens, finishReasons,
        stream, rateLimits, recording, "openai");
  }

  /** The key of the bundled price table that prices this call (Gemini's keys carry the {@code gemini/} prefix, Azure's {@code azure/}). */
  public String priceModel() {
    return switch (provider) {
      case "gcp.gemini" -> "gemini/" + responseModel;
      case "azure.ai.openai" -> "azure/" + responseModel;
      default -> responseModel;
    };
  }

  /** {@code {operation} {request model}}, or the response model when the request names none (an Azure deployment path). */
  public String spanName() {
    return operation + " " + (requestModel != null ? requestModel : responseModel);
  }

  /** The same answer reported under another {@code gen_ai.provider.name}. */
  public ExpectedCall withProvider(String providerName) {
    return new ExpectedCall(operation, requestModel, responseModel, responseId, inputTokens, outputTokens, cachedInputTokens,
        finishReasons, stream, rateLimits, recording, providerName);
  }

  /** The same answer to a request that asked for another model (a fallback served it). */
  public ExpectedCall withRequestModel(String model) {
    return new ExpectedCall(operation, model, responseModel, responseId, inputTokens, outputTokens, cachedInputTokens,
        finishReasons, stream, rateLimits, recording, provider);
  }

  private static Map<String, Long> rateLimits(long limitRequests, long remainingRequests, long limitTokens, long remainingTokens) {
    return Map.of("limit_requests", limitRequests, "remaining_requests", remainingRequests,
        "limit_tokens", limitTokens, "remaining_tokens", remainingTokens);
  }

  /** chat-basic.wiremock.yaml. */
  public static final ExpectedCall CHAT = new ExpectedCall("chat", "gpt-4o-mini", "gpt-4o-mini-2024-07-18",
      "chatcmpl-BpUinPP6uoKQ7wujISoeiCaI3hAIf", 22, 2L, 0, List.of("stop"), false,
      rateLimits(5000, 4999, 4000000, 3999983), Recording.CHAT);

  /** chat-stream-include-usage.wiremock.yaml. */
  public static final ExpectedCall CHAT_STREAM = new ExpectedCall("chat", "gpt-4o-mini", "gpt-4o-mini-2024-07-18",
      "chatcmpl-BuYt76LLPdlwJfNjE13YCfKt4dKQG", 22, 3L, 0, List.of("stop"), true,
      rateLimits(5000, 4999, 4000000, 3999982), Recording.CHAT_STREAM);

  /** embeddings-basic.wiremock.yaml: no id, no output tokens, no finish reason. */
  public static final ExpectedCall EMBEDDINGS = new ExpectedCall("embeddings", "text-embedding-3-small",
      "text-embedding-3-small", null, 4, null, 0, null, false,
      rateLimits(5000, 4999, 5000000, 4999994), Recording.EMBEDDINGS);

  /** responses-basic.vcr.yaml (Responses API, operation chat). */
  public static final ExpectedCall RESPONSES = new ExpectedCall("chat", "gpt-4o-mini", "gpt-4o-mini-2024-07-18",
      "resp_0f4faba17dcd0f1e0069e2f3e4907881909179832ba1237025", 22, 6L, 0, null, false,
      rateLimits(10000, 9999, 200000, 199958), Recording.RESPONSES);

  /** responses-stream.vcr.yaml: usage only in response.completed; the recording has no rate-limit headers. */
  public static final ExpectedCall RESPONSES_STREAM = new ExpectedCall("chat", "gpt-4o-mini", "gpt-4o-mini-2024-07-18",
      "resp_0415a3de5d3015560069e2f3f4b3088192949253e91aff1eb3", 22, 6L, 0, null, true, Map.of(),
      Recording.RESPONSES_STREAM);

  /** anthropic/messages-basic.vcr.yaml: input 13 (+ cache read 0 + cache creation 0), output 5. */
  public static final ExpectedCall ANTHROPIC_MESSAGES = new ExpectedCall("chat", "claude-sonnet-4-20250514",
      "claude-sonnet-4-20250514", "msg_0176GK1qFwwpVM59jDYiKPjN", 13, 5L, 0, List.of("end_turn"), false,
      rateLimits(1000, 999, 540000, 540000), Recording.ANTHROPIC_MESSAGES, "anthropic");

  /** anthropic/messages-stream.vcr.yaml: usage from message_start (input 10) and message_delta (output 11). */
  public static final ExpectedCall ANTHROPIC_STREAM = new ExpectedCall("chat", "claude-sonnet-4-20250514",
      "claude-sonnet-4-20250514", "msg_01AqjPamWtxvjFRhdM532SJo", 10, 11L, 0, List.of("end_turn"), true,
      rateLimits(1000, 999, 540000, 540000), Recording.ANTHROPIC_STREAM, "anthropic");

  /** gemini/generate-content.vertex.vcr.yaml: output = candidates 433 + thoughts 1477; no rate-limit headers. */
  public static final ExpectedCall GEMINI_GENERATE = new ExpectedCall("generate_content", "gemini-2.5-flash",
      "gemini-2.5-flash", "hizpaKmcH9qs698P85HHgAU", 8, 433L + 1477L, 0, List.of("STOP"), false, Map.of(),
      Recording.GEMINI_GENERATE, "gcp.gemini");

  /** gemini/stream-generate-content.vertex.vcr.yaml: usage in the last chunk, candidates 388 + thoughts 2193. */
  public static final ExpectedCall GEMINI_STREAM = new ExpectedCall("generate_content", "gemini-2.5-flash",
      "gemini-2.5-flash", "vizpaJGEDvXZnvgPisGa2A0", 8, 388L + 2193L, 0, List.of("STOP"), true, Map.of(),
      Recording.GEMINI_STREAM, "gcp.gemini");
}
