package dev.tollgate.provider;

import static dev.tollgate.provider.CodecAssertions.assertJson;
import static dev.tollgate.provider.CodecAssertions.assertNoResponseFields;
import static dev.tollgate.provider.CodecAssertions.json;
import static dev.tollgate.provider.CodecAssertions.ok;
import static dev.tollgate.provider.CodecAssertions.okCapturing;
import static dev.tollgate.provider.CodecAssertions.records;
import static dev.tollgate.provider.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.telemetry.CallRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicMessagesCodecTest {
  private final AnthropicMessagesCodec codec = new AnthropicMessagesCodec();

  private CallRecord request(byte[] body, boolean capture) {
    return CodecAssertions.request(codec, "/v1/messages", body, capture);
  }

  @Test
  void basic() {
    Wire.Exchange x = Wire.first("anthropic/messages-basic.vcr.yaml");
    CallRecord req = request(x.requestBody(), true);
    assertThat(req.operation).isEqualTo("chat");
    assertThat(req.requestModel).isEqualTo("claude-sonnet-4-20250514");
    assertThat(req.maxTokens).isEqualTo(100L);
    assertJson(req.inputMessages, "[{'role':'user','parts':[{'type':'text','content':'Say hello in one word.'}]}]");

    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), false);
    assertThat(r.responseId).isEqualTo("msg_0176GK1qFwwpVM59jDYiKPjN");
    assertThat(r.responseModel).isEqualTo("claude-sonnet-4-20250514");
    assertThat(r.finishReasons).containsExactly("end_turn");
    assertThat(r.inputTokens).isEqualTo(13L);
    assertThat(r.outputTokens).isEqualTo(5L);
    assertThat(r.cacheReadTokens).isEqualTo(0L);
    assertThat(r.cacheCreationTokens).isEqualTo(0L);
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'Hello!'}],'finish_reason':'end_turn'}]");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void allParams() {
    Wire.Exchange x = Wire.first("anthropic/messages-all-params.vcr.yaml");
    CallRecord req = request(x.requestBody(), false);
    assertThat(req.maxTokens).isEqualTo(50L);
    assertThat(req.stopSequences).containsExactly("STOP");
    assertThat(req.temperature).isEqualTo(0.7);
    assertThat(req.topK).isEqualTo(40.0);
    assertThat(req.topP).isEqualTo(0.9);
    assertThat(req.inputMessages).isNull();
    CallRecord r = Feed.everyChunking(codec, ok(), x.responseBody(), false);
    assertThat(r.inputTokens).isEqualTo(10L);
    assertThat(r.outputTokens).isEqualTo(18L);
  }

  @Test
  void cacheTokensCountIntoInputTokens() {
    List<Wire.Exchange> xs = Wire.load("anthropic/messages-cache-tokens.vcr.yaml");
    CallRecord write = Feed.everyChunking(codec, ok(), xs.get(0).responseBody(), false); // gzip
    assertThat(write.inputTokens).isEqualTo(4L + 1163L);
    assertThat(write.cacheCreationTokens).isEqualTo(1163L);
    assertThat(write.cacheReadTokens).isEqualTo(0L);
    assertThat(write.outputTokens).isEqualTo(187L);
    CallRecord read = Feed.everyChunking(codec, ok(), xs.get(1).responseBody(), false);
    assertThat(read.inputTokens).isEqualTo(4L + 1163L);
    assertThat(read.cacheReadTokens).isEqualTo(1163L);
    assertThat(read.cacheCreationTokens).isEqualTo(0L);
    assertThat(read.warnings).isEmpty();
  }

  /**
   * The recorded body's {@code usage.cache_creation} object (zeros in the recording) with a
   * 5-minute and a 1-hour write: both are kept apart, and their sum is the cache creation.
   */
  @Test
  void cacheWritesSplitByLifetime() {
    String recorded = Wire.first("anthropic/messages-basic.vcr.yaml").responseText();
    String body = replaceOnce(replaceOnce(replaceOnce(recorded,
        "\"cache_creation_input_tokens\": 0", "\"cache_creation_input_tokens\": 1500"),
        "\"ephemeral_5m_input_tokens\": 0", "\"ephemeral_5m_input_tokens\": 500"),
        "\"ephemeral_1h_input_tokens\": 0", "\"ephemeral_1h_input_tokens\": 1000");
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(body), false);
    assertThat(r.inputTokens).isEqualTo(13L + 1500L);
    assertThat(r.cacheCreationTokens).isEqualTo(1500L);
    assertThat(r.cacheCreation5mTokens).isEqualTo(500L);
    assertThat(r.cacheCreation1hTokens).isEqualTo(1000L);
    assertThat(r.warnings).isEmpty();
  }

  /** Only the split (no {@code cache_creation_input_tokens}): its sum stands in for the total. */
  @Test
  void cacheWritesSplitWithoutTheTotal() {
    String recorded = Wire.first("anthropic/messages-basic.vcr.yaml").responseText();
    String body = replaceOnce(replaceOnce(replaceOnce(recorded,
        "\"cache_creation_input_tokens\": 0,", ""),
        "\"ephemeral_5m_input_tokens\": 0", "\"ephemeral_5m_input_tokens\": 20"),
        "\"ephemeral_1h_input_tokens\": 0", "\"ephemeral_1h_input_tokens\": 30");
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(body), false);
    assertThat(r.inputTokens).isEqualTo(13L + 50L);
    assertThat(r.cacheCreationTokens).isEqualTo(50L);
    assertThat(r.cacheCreation5mTokens).isEqualTo(20L);
    assertThat(r.cacheCreation1hTokens).isEqualTo(30L);
  }

  /** The stream's message_start carries the split; message_delta repeats only the total. */
  @Test
  void streamCacheWritesSplitByLifetime() {
    String recorded = Wire.first("anthropic/messages-stream.vcr.yaml").responseText();
    String body = recorded.replace("\"cache_creation_input_tokens\":0", "\"cache_creation_input_tokens\":1500");
    body = replaceOnce(replaceOnce(body,
        "\"ephemeral_5m_input_tokens\":0", "\"ephemeral_5m_input_tokens\":500"),
        "\"ephemeral_1h_input_tokens\":0", "\"ephemeral_1h_input_tokens\":1000");
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(body), true);
    assertThat(r.inputTokens).isEqualTo(10L + 1500L);
    assertThat(r.cacheCreationTokens).isEqualTo(1500L);
    assertThat(r.cacheCreation5mTokens).isEqualTo(500L);
    assertThat(r.cacheCreation1hTokens).isEqualTo(1000L);
    assertThat(r.outputTokens).isEqualTo(11L);
    assertThat(r.warnings).isEmpty();
  }

  private static String replaceOnce(String text, String from, String to) {
    int at = text.indexOf(from);
    assertThat(at).as("'" + from + "' in the recording").isNotNegative();
    assertThat(text.indexOf(from, at + 1)).as("'" + from + "' once in the recording").isNegative();
    return text.substring(0, at) + to + text.substring(at + from.length());
  }

  @Test
  void stream() {
    Wire.Exchange x = Wire.first("anthropic/messages-stream.vcr.yaml");
    assertThat(request(x.requestBody(), false).stream).isTrue();
    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), true);
    assertThat(r.responseId).isEqualTo("msg_01AqjPamWtxvjFRhdM532SJo");
    assertThat(r.responseModel).isEqualTo("claude-sonnet-4-20250514");
    assertThat(r.finishReasons).containsExactly("end_turn");
    assertThat(r.inputTokens).isEqualTo(10L);
    assertThat(r.outputTokens).as("message_delta's cumulative count wins").isEqualTo(11L);
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'Hi! How are you doing today?'}],'finish_reason':'end_turn'}]");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void streamCacheTokensOlderUsageShape() {
    List<Wire.Exchange> xs = Wire.load("anthropic/messages-stream-cache-tokens.vcr.yaml");
    CallRecord write = Feed.everyChunking(codec, ok(), xs.get(0).responseBody(), true);
    assertThat(write.inputTokens).isEqualTo(4L + 1165L);
    assertThat(write.cacheCreationTokens).isEqualTo(1165L);
    assertThat(write.outputTokens).isEqualTo(201L);
    CallRecord read = Feed.everyChunking(codec, ok(), xs.get(1).responseBody(), true);
    assertThat(read.inputTokens).isEqualTo(4L + 1165L);
    assertThat(read.cacheReadTokens).isEqualTo(1165L);
    assertThat(read.outputTokens).isEqualTo(221L);
  }

  @Test
  void streamToolUse() {
    Wire.Exchange x = Wire.first("anthropic/messages-stream-tool-use.vcr.yaml");
    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), true);
    assertThat(r.finishReasons).containsExactly("tool_use");
    assertThat(r.inputTokens).isEqualTo(506L);
    assertThat(r.outputTokens).isEqualTo(153L);
    JsonNode parts = json(r.outputMessages).get(0).get("parts");
    assertThat(parts).hasSize(3);
    assertThat(parts.get(0).get("type").asText()).isEqualTo("text");
    assertThat(parts.get(1).get("type").asText()).isEqualTo("tool_call");
    assertThat(parts.get(1).get("id").asText()).isEqualTo("toolu_014x5X91kx3fvdhpLvwXZWE2");
    assertThat(parts.get(1).get("name").asText()).isEqualTo("get_weather");
    assertThat(parts.get(1).get("arguments").get("location").asText()).startsWith("San Francisco");
    assertThat(parts.get(2).get("name").asText()).isEqualTo("get_time");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void streamThinking() {
    Wire.Exchange x = Wire.first("anthropic/messages-stream-thinking.vcr.yaml");
    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), true);
    assertThat(r.finishReasons).containsExactly("end_turn");
    assertThat(r.outputTokens).isEqualTo(216L);
    JsonNode parts = json(r.outputMessages).get(0).get("parts");
    assertThat(parts.get(0).get("type").asText()).isEqualTo("reasoning");
    assertThat(parts.get(0).get("content").asText()).startsWith("Let me count the occurrences");
    assertThat(parts.get(1).get("type").asText()).isEqualTo("text");
  }

  @Test
  void plainThinkingAndToolUse() {
    CallRecord thinking = Feed.everyChunking(codec, okCapturing(),
        Wire.first("anthropic/messages-thinking.vcr.yaml").responseBody(), false);
    JsonNode parts = json(thinking.outputMessages).get(0).get("parts");
    assertThat(parts.get(0).get("type").asText()).isEqualTo("reasoning");
    assertThat(parts.get(1).get("content").asText()).endsWith("17 × 19 = 323.");

    Wire.Exchange tool = Wire.first("anthropic/messages-tool-use.vcr.yaml");
    CallRecord r = Feed.everyChunking(codec, okCapturing(), tool.responseBody(), false);
    assertThat(r.finishReasons).containsExactly("tool_use");
    assertJson(r.outputMessages, "[{'role':'assistant','parts':[{'type':'tool_call','id':'toolu_01UAcA2APHENDob6qJ8kmoaC',"
        + "'name':'get_weather','arguments':{'city':'San Francisco'}}],'finish_reason':'tool_use'}]");
  }

  @Test
  void richInput() {
    String body = "{\"model\":\"claude-opus-4\",\"max_tokens\":10,\"metadata\":{\"user_id\":\"u-9\"},"
        + "\"system\":[{\"type\":\"text\",\"text\":\"Be terse.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\","
        + "\"media_type\":\"image/png\",\"data\":\"iVBO\"}},{\"type\":\"text\",\"text\":\"what?\"}]},"
        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"look\",\"input\":{\"q\":[1,2]}}]},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"a cat\"},"
        + "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"data\":\"x\"}}]}]}";
    CallRecord r = request(utf8(body), true);
    assertThat(r.userId).isEqualTo("u-9");
    assertJson(r.systemInstructions, "[{'type':'text','content':'Be terse.'}]");
    assertJson(r.inputMessages, "["
        + "{'role':'user','parts':[{'type':'blob','modality':'image','mime_type':'image/png','content':'iVBO'},"
        + "{'type':'text','content':'what?'}]},"
        + "{'role':'assistant','parts':[{'type':'tool_call','id':'toolu_1','name':'look','arguments':{'q':[1,2]}}]},"
        + "{'role':'user','parts':[{'type':'tool_call_response','id':'toolu_1','response':'a cat'},{'type':'document'}]}]");

    CallRecord systemString = request(utf8("{\"system\":\"Hi.\",\"messages\":[]}"), true);
    assertJson(systemString.systemInstructions, "[{'type':'text','content':'Hi.'}]");
  }

  @Test
  void errors() {
    for (String file : List.of("anthropic/messages-error-404.vcr.yaml", "anthropic/messages-stream-error-404.vcr.yaml")) {
      Wire.Exchange x = Wire.first(file);
      assertThat(x.status()).isEqualTo(404);
      CallRecord r = Feed.everyChunking(codec, records(404, true, true), x.responseBody(), false);
      assertNoResponseFields(r);
      assertThat(r.warnings).isEmpty();
      CallRecord unknown = Feed.everyChunking(codec, records(-1, false, false), x.responseBody(), false);
      assertNoResponseFields(unknown);
    }
    String overloaded = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"c\","
        + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
        + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(overloaded), true);
    assertThat(r.responseId).isEqualTo("msg_1");
    assertThat(r.inputTokens).isEqualTo(3L);
    assertThat(r.warnings).singleElement().asString().contains("error");
  }

  @Test
  void truncatedStreamAndBadInput() {
    Wire.Exchange x = Wire.first("anthropic/messages-stream.vcr.yaml");
    String all = x.responseText();
    byte[] cut = utf8(all.substring(0, all.indexOf("event: message_delta") + 25));
    for (Feed.Chunking c : Feed.ALL) {
      CallRecord r = Feed.run(codec, okCapturing(), cut, true, c, false);
      assertThat(r.responseId).isEqualTo("msg_01AqjPamWtxvjFRhdM532SJo");
      assertThat(r.inputTokens).isEqualTo(10L);
      assertThat(r.outputTokens).as("provisional, from message_start").isEqualTo(1L);
      assertThat(r.finishReasons).isNull();
      assertJson(r.outputMessages,
          "[{'role':'assistant','parts':[{'type':'text','content':'Hi! How are you doing today?'}],'finish_reason':'error'}]");
      assertThat(r.warnings).singleElement().asString().contains("truncated");
    }
    CallRecord nameless = Feed.everyChunking(codec, ok(), utf8(x.responseText().replaceAll("(?m)^event: .*\\n", "")), true);
    assertThat(nameless.finishReasons).containsExactly("end_turn");
    assertThat(nameless.outputTokens).isEqualTo(11L);

    CallRecord malformed = Feed.everyChunking(codec, ok(), utf8("{\"id\":\"msg_2\",\"usage\":{\"input_tokens\":"), false);
    assertThat(malformed.responseId).isEqualTo("msg_2");
    assertThat(malformed.warnings).singleElement().asString().contains("malformed JSON");

    CallRecord badRequest = request(utf8("{\"model\":\"c\",\"messages\":[{\"role\":\"user\",\"content\":[{"), true);
    assertThat(badRequest.requestModel).isEqualTo("c");
    assertThat(badRequest.warnings).singleElement().asString().contains("unparsable request body");
  }
}
