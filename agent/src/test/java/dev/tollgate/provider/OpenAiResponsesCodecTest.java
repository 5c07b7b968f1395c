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
import org.junit.jupiter.api.Test;

class OpenAiResponsesCodecTest {
  private final OpenAiResponsesCodec codec = new OpenAiResponsesCodec();

  private CallRecord request(byte[] body, boolean capture) {
    return CodecAssertions.request(codec, "/v1/responses", body, capture);
  }

  @Test
  void basic() {
    Wire.Exchange x = Wire.first("openai/responses-basic.vcr.yaml");
    CallRecord req = request(x.requestBody(), true);
    assertThat(req.operation).isEqualTo("chat");
    assertThat(req.requestModel).isEqualTo("gpt-4o-mini");
    assertThat(req.stream).as("stream:false is not recorded").isNull();
    assertJson(req.inputMessages, "[{'role':'user','parts':[{'type':'text','content':'Say this is a test'}]}]");
    assertJson(req.systemInstructions, "[{'type':'text','content':'You are a helpful assistant.'}]");
    assertThat(req.warnings).isEmpty();

    CallRecord noCapture = request(x.requestBody(), false);
    assertThat(noCapture.inputMessages).isNull();
    assertThat(noCapture.systemInstructions).isNull();

    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), false);
    assertThat(r.responseId).isEqualTo("resp_0f4faba17dcd0f1e0069e2f3e4907881909179832ba1237025");
    assertThat(r.responseModel).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.inputTokens).isEqualTo(22L);
    assertThat(r.outputTokens).isEqualTo(6L);
    assertThat(r.cacheReadTokens).isEqualTo(0L);
    assertThat(r.reasoningTokens).isEqualTo(0L);
    assertThat(r.responseServiceTier).isEqualTo("default");
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'This is a test.'}],'finish_reason':'stop'}]");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void stream() {
    Wire.Exchange x = Wire.first("openai/responses-stream.vcr.yaml");
    assertThat(x.eventStream()).isTrue();
    CallRecord req = request(x.requestBody(), false);
    assertThat(req.stream).isTrue();
    assertThat(req.requestServiceTier).isEqualTo("default");

    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), true);
    assertThat(r.responseId).isEqualTo("resp_0415a3de5d3015560069e2f3f4b3088192949253e91aff1eb3");
    assertThat(r.responseModel).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.inputTokens).isEqualTo(22L);
    assertThat(r.outputTokens).isEqualTo(6L);
    assertThat(r.cacheReadTokens).isEqualTo(0L);
    assertThat(r.reasoningTokens).isEqualTo(0L);
    assertThat(r.responseServiceTier).isEqualTo("default");
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'This is a test.'}],'finish_reason':'stop'}]");
    assertThat(r.warnings).isEmpty();

    CallRecord plain = Feed.everyChunking(codec, ok(), x.responseBody(), true);
    assertThat(plain.inputTokens).isEqualTo(22L);
    assertThat(plain.outputMessages).isNull();
  }

  @Test
  void streamWithoutEventNamesUsesTheTypeField() {
    Wire.Exchange x = Wire.first("openai/responses-stream.vcr.yaml");
    StringBuilder sb = new StringBuilder();
    for (String line : x.responseText().split("\n", -1)) {
      if (!line.startsWith("event:")) {
        sb.append(line).append('\n');
      }
    }
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(sb.toString()), true);
    assertThat(r.responseId).isEqualTo("resp_0415a3de5d3015560069e2f3f4b3088192949253e91aff1eb3");
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.outputTokens).isEqualTo(6L);
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void truncatedStreamKeepsIdModelAndCapturedDeltas() {
    Wire.Exchange x = Wire.first("openai/responses-stream.vcr.yaml");
    String all = x.responseText();
    byte[] cut = utf8(all.substring(0, all.indexOf("event: response.output_text.done")));
    for (Feed.Chunking c : Feed.ALL) {
      CallRecord r = Feed.run(codec, okCapturing(), cut, true, c, false);
      assertThat(r.responseId).isEqualTo("resp_0415a3de5d3015560069e2f3f4b3088192949253e91aff1eb3");
      assertThat(r.responseModel).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(r.finishReasons).isNull();
      assertThat(r.inputTokens).isNull();
      assertJson(r.outputMessages,
          "[{'role':'assistant','parts':[{'type':'text','content':'This is a test.'}],'finish_reason':'error'}]");
      assertThat(r.warnings).singleElement().asString().contains("truncated");
    }
  }

  @Test
  void reasoningTokens() {
    Wire.Exchange x = Wire.first("openai/responses-reasoning-tokens.vcr.yaml");
    CallRecord req = request(x.requestBody(), true);
    assertThat(req.requestModel).isEqualTo("gpt-5.4");
    assertThat(req.maxTokens).isEqualTo(300L);
    assertThat(json(req.inputMessages).get(0).get("role").asText()).isEqualTo("user");
    assertThat(json(req.inputMessages).get(0).get("parts").get(0).get("content").asText())
        .startsWith("\nWrite a bash script");
    assertThat(req.systemInstructions).isNull();

    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), false);
    assertThat(r.responseModel).isEqualTo("gpt-5.4-2026-03-05");
    assertThat(r.inputTokens).isEqualTo(44L);
    assertThat(r.outputTokens).isEqualTo(288L);
    assertThat(r.reasoningTokens).isEqualTo(9L);
    assertThat(r.finishReasons).containsExactly("stop");
    JsonNode parts = json(r.outputMessages).get(0).get("parts");
    assertThat(parts).hasSize(1).as("a reasoning item without summary adds no part");
    assertThat(parts.get(0).get("content").asText()).startsWith("```bash");
  }

  @Test
  void toolCallOutputIsFinishReasonToolCalls() {
    Wire.Exchange x = Wire.first("openai/responses-tool-call.vcr.yaml");
    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), false);
    assertThat(r.finishReasons).containsExactly("tool_calls");
    assertThat(r.inputTokens).isEqualTo(72L);
    assertJson(r.outputMessages, "[{'role':'assistant','parts':[{'type':'tool_call',"
        + "'id':'call_90uO5LcGP5vTBTCrjyhYtWsA','name':'get_current_weather',"
        + "'arguments':{'location':'Seattle, WA'}}],'finish_reason':'tool_calls'}]");
  }

  @Test
  void finishReasonFromStatus() {
    assertThat(OpenAiResponsesCodec.Observer.finishReason("completed", null, false)).isEqualTo("stop");
    assertThat(OpenAiResponsesCodec.Observer.finishReason("completed", null, true)).isEqualTo("tool_calls");
    assertThat(OpenAiResponsesCodec.Observer.finishReason("incomplete", "max_output_tokens", false)).isEqualTo("max_output_tokens");
    assertThat(OpenAiResponsesCodec.Observer.finishReason("incomplete", null, false)).isEqualTo("incomplete");
    assertThat(OpenAiResponsesCodec.Observer.finishReason("failed", null, false)).isEqualTo("error");
    assertThat(OpenAiResponsesCodec.Observer.finishReason("cancelled", null, false)).isEqualTo("cancelled");
    assertThat(OpenAiResponsesCodec.Observer.finishReason("in_progress", null, false)).isNull();
    assertThat(OpenAiResponsesCodec.Observer.finishReason(null, null, false)).isNull();
  }

  @Test
  void incompleteAndFailedStreams() {
    String incomplete = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-4o\",\"status\":\"in_progress\",\"usage\":null}}\n\n"
        + "event: response.incomplete\ndata: {\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-4o\","
        + "\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"output\":[],"
        + "\"usage\":{\"input_tokens\":5,\"output_tokens\":16.0,\"output_tokens_details\":{\"reasoning_tokens\":16}}}}\n\n";
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(incomplete), true);
    assertThat(r.finishReasons).containsExactly("max_output_tokens");
    assertThat(r.outputTokens).isEqualTo(16L);
    assertThat(r.reasoningTokens).isEqualTo(16L);

    String failed = "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":\"resp_2\",\"status\":\"failed\","
        + "\"error\":{\"code\":\"server_error\",\"message\":\"x\"},\"usage\":null}}\n\n"
        + "event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"secret\"}\n\n";
    CallRecord f = Feed.everyChunking(codec, ok(), utf8(failed), true);
    assertThat(f.responseId).isEqualTo("resp_2");
    assertThat(f.finishReasons).containsExactly("error");
    assertThat(f.warnings).singleElement().asString().contains("error").doesNotContain("secret");
  }

  @Test
  void richInput() {
    String body = "{\"model\":\"gpt-4.1\",\"instructions\":\"Be brief.\",\"input\":["
        + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Weather?\"},"
        + "{\"type\":\"input_image\",\"image_url\":\"https://x/y.png\"},{\"type\":\"input_image\",\"file_id\":\"file-9\"}]},"
        + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},"
        + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"sunny\"},"
        + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]},"
        + "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Sunny.\"}]}],"
        + "\"max_output_tokens\":50,\"temperature\":0.2,\"top_p\":0.9,\"user\":\"u-7\",\"stream\":true}";
    CallRecord r = request(utf8(body), true);
    assertThat(r.maxTokens).isEqualTo(50L);
    assertThat(r.temperature).isEqualTo(0.2);
    assertThat(r.topP).isEqualTo(0.9);
    assertThat(r.userId).isEqualTo("u-7");
    assertThat(r.stream).isTrue();
    assertJson(r.systemInstructions, "[{'type':'text','content':'Be brief.'}]");
    assertJson(r.inputMessages, "["
        + "{'role':'user','parts':[{'type':'text','content':'Weather?'},"
        + "{'type':'uri','modality':'image','uri':'https://x/y.png'},"
        + "{'type':'file_data','modality':'image','file_id':'file-9'}]},"
        + "{'role':'assistant','parts':[{'type':'tool_call','id':'call_1','name':'get_weather','arguments':{'city':'Paris'}}]},"
        + "{'role':'tool','parts':[{'type':'tool_call_response','id':'call_1','response':'sunny'}]},"
        + "{'role':'assistant','parts':[{'type':'text','content':'Sunny.'}]}]");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void reasoningSummaryIsAReasoningPart() {
    String body = "{\"id\":\"resp_3\",\"status\":\"completed\",\"output\":[{\"type\":\"reasoning\",\"summary\":["
        + "{\"type\":\"summary_text\",\"text\":\"Thinking about it.\"}]},{\"type\":\"web_search_call\",\"id\":\"ws_1\"},"
        + "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Done.\"}]}]}";
    CallRecord r = Feed.everyChunking(codec, okCapturing(), utf8(body), false);
    assertJson(r.outputMessages, "[{'role':'assistant','parts':[{'type':'reasoning','content':'Thinking about it.'},"
        + "{'type':'web_search_call'},{'type':'text','content':'Done.'}],'finish_reason':'stop'}]");
  }

  @Test
  void errorBodyIsNotParsed() {
    Wire.Exchange x = Wire.first("openai/responses-error-400-model-not-found.vcr.yaml");
    assertThat(x.status()).isEqualTo(400);
    CallRecord req = request(x.requestBody(), false);
    assertThat(req.requestModel).isEqualTo("this-model-does-not-exist");
    CallRecord r = Feed.everyChunking(codec, records(400, true, true), x.responseBody(), false);
    assertNoResponseFields(r);
    assertThat(r.warnings).isEmpty();
    CallRecord unknown = Feed.everyChunking(codec, records(-1, true, true), x.responseBody(), false);
    assertThat(unknown.finishReasons).isNull();
    assertThat(unknown.inputTokens).isNull();
    assertThat(unknown.responseId).isNull();
  }

  @Test
  void badInput() {
    CallRecord malformed = Feed.everyChunking(codec, ok(), utf8("{\"id\":\"resp_x\",\"status\":\"completed\",\"usage\":{"), false);
    assertThat(malformed.responseId).isEqualTo("resp_x");
    assertThat(malformed.finishReasons).isNull();
    assertThat(malformed.warnings).singleElement().asString().contains("malformed JSON");

    CallRecord empty = Feed.run(codec, ok(), new byte[0], false, Feed.WHOLE, true);
    assertNoResponseFields(empty);
    assertThat(empty.warnings).singleElement().asString().contains("empty");

    CallRecord badEvent = Feed.everyChunking(codec, ok(),
        utf8("event: response.completed\ndata: {\"response\":{\"id\":\n\n"
            + "event: response.output_text.delta\ndata: not even json\n\n"), true);
    assertThat(badEvent.responseId).isNull();
    assertThat(badEvent.warnings).singleElement().asString().contains("unparsable stream event");

    CallRecord badRequest = request(utf8("{\"model\":\"gpt\",\"input\":[{\"role\":"), true);
    assertThat(badRequest.requestModel).isEqualTo("gpt");
    assertThat(badRequest.inputMessages).isNull();
    assertThat(badRequest.warnings).singleElement().asString().contains("unparsable request body");
  }
}
