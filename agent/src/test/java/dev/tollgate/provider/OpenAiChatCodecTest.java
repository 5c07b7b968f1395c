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

class OpenAiChatCodecTest {
  private final OpenAiChatCodec codec = new OpenAiChatCodec();

  private CallRecord request(String path, byte[] body, boolean capture) {
    return CodecAssertions.request(codec, path, body, capture);
  }

  // ------------------------------------------------------------------ recorded exchanges

  @Test
  void basic() {
    Wire.Exchange x = Wire.first("openai/chat-basic.wiremock.yaml");
    CallRecord req = request("/v1/chat/completions", x.requestBody(), false);
    assertThat(req.operation).isEqualTo("chat");
    assertThat(req.requestModel).isEqualTo("gpt-4o-mini");
    assertThat(req.stream).isNull();
    assertThat(req.inputMessages).as("not captured unless asked").isNull();
    assertThat(req.warnings).isEmpty();

    CallRecord r = Feed.everyChunking(codec, ok(), x.responseBody(), x.eventStream());
    assertThat(r.responseId).isEqualTo("chatcmpl-BpUinPP6uoKQ7wujISoeiCaI3hAIf");
    assertThat(r.responseModel).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.inputTokens).isEqualTo(22L);
    assertThat(r.outputTokens).isEqualTo(2L);
    assertThat(r.cacheReadTokens).isEqualTo(0L);
    assertThat(r.reasoningTokens).isEqualTo(0L);
    assertThat(r.responseServiceTier).isEqualTo("default");
    assertThat(r.systemFingerprint).isEqualTo("fp_34a54ae93c");
    assertThat(r.outputMessages).as("not captured unless asked").isNull();
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void basicWithContentCapture() {
    Wire.Exchange x = Wire.first("openai/chat-basic.wiremock.yaml");
    CallRecord req = request("/v1/chat/completions", x.requestBody(), true);
    assertJson(req.inputMessages, "[{'role':'user','parts':[{'type':'text','content':"
        + "'Answer in up to 3 words: Which ocean contains Bouvet Island?'}]}]");

    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), false);
    assertJson(r.outputMessages, "[{'role':'assistant','parts':[{'type':'text','content':'Atlantic Ocean'}],"
        + "'finish_reason':'stop'}]");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void allParamsRequest() {
    Wire.Exchange x = Wire.first("openai/chat-all-params.wiremock.yaml");
    CallRecord r = request("/v1/chat/completions", x.requestBody(), false);
    assertThat(r.requestModel).isEqualTo("gpt-4o-mini");
    assertThat(r.frequencyPenalty).isEqualTo(0.0);
    assertThat(r.presencePenalty).isEqualTo(0.0);
    assertThat(r.maxTokens).isEqualTo(100L);
    assertThat(r.seed).isEqualTo(100L);
    assertThat(r.stopSequences).containsExactly("foo");
    assertThat(r.temperature).isEqualTo(1.0);
    assertThat(r.topP).isEqualTo(1.0);
    assertThat(r.choiceCount).isNull();
    assertThat(r.warnings).isEmpty();

    CallRecord res = Feed.everyChunking(codec, ok(), x.responseBody(), false);
    assertThat(res.outputTokens).isEqualTo(3L);
    assertThat(res.finishReasons).containsExactly("stop");
  }

  @Test
  void requestParamsInOtherShapes() {
    String body = "{\"stream\":false,\"n\":1,\"stop\":\"END\",\"max_tokens\":50.0,\"temperature\":0.7,"
        + "\"top_p\":0,\"seed\":12,\"service_tier\":\"flex\",\"user\":\"u-1\",\"model\":\"m\","
        + "\"extra\":{\"nested\":[1,{\"x\":[]}]},\"frequency_penalty\":null}";
    CallRecord r = request("/v1/chat/completions", utf8(body), false);
    assertThat(r.stream).as("only recorded when true").isNull();
    assertThat(r.choiceCount).as("only recorded when != 1").isNull();
    assertThat(r.stopSequences).containsExactly("END");
    assertThat(r.maxTokens).isEqualTo(50L);
    assertThat(r.temperature).isEqualTo(0.7);
    assertThat(r.topP).isEqualTo(0.0);
    assertThat(r.seed).isEqualTo(12L);
    assertThat(r.requestServiceTier).isEqualTo("flex");
    assertThat(r.userId).isEqualTo("u-1");
    assertThat(r.requestModel).isEqualTo("m");
    assertThat(r.frequencyPenalty).isNull();
    assertThat(r.warnings).isEmpty();

    CallRecord withHeaderUser = new CallRecord();
    withHeaderUser.userId = "from-header";
    codec.readRequest("/v1/chat/completions", utf8(body), withHeaderUser);
    assertThat(withHeaderUser.userId).as("a User-Id header wins").isEqualTo("from-header");

    CallRecord both = request("/v1/chat/completions",
        utf8("{\"max_completion_tokens\":10,\"max_tokens\":99,\"stream\":true,\"n\":3}"), false);
    assertThat(both.maxTokens).isEqualTo(10L);
    assertThat(both.stream).isTrue();
    assertThat(both.choiceCount).isEqualTo(3L);
  }

  @Test
  void multipleChoices() {
    Wire.Exchange x = Wire.first("openai/chat-multiple-choices.wiremock.yaml");
    assertThat(request("/v1/chat/completions", x.requestBody(), false).choiceCount).isEqualTo(2L);
    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), false);
    assertThat(r.finishReasons).containsExactly("stop", "stop");
    assertThat(r.outputTokens).isEqualTo(7L);
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'South Atlantic Ocean.'}],'finish_reason':'stop'},"
            + "{'role':'assistant','parts':[{'type':'text','content':'Atlantic Ocean.'}],'finish_reason':'stop'}]");
  }

  @Test
  void developerMessage() {
    Wire.Exchange x = Wire.first("openai/chat-developer-message.wiremock.yaml");
    CallRecord req = request("/v1/chat/completions", x.requestBody(), true);
    JsonNode input = json(req.inputMessages);
    assertThat(input.get(0).get("role").asText()).isEqualTo("developer");
    assertThat(input.get(0).get("parts").get(0).get("type").asText()).isEqualTo("text");
    assertThat(Feed.everyChunking(codec, ok(), x.responseBody(), false).finishReasons).containsExactly("stop");
  }

  @Test
  void toolCalls() {
    List<Wire.Exchange> xs = Wire.load("openai/chat-tool-calls.wiremock.yaml");
    Wire.Exchange call = xs.get(0);
    CallRecord req = request("/v1/chat/completions", call.requestBody(), true);
    assertJson(req.inputMessages, "["
        + "{'role':'system','parts':[{'type':'text','content':'You are a helpful assistant providing weather updates.'}]},"
        + "{'role':'user','parts':[{'type':'text','content':'What is the weather in New York City and London?'}]}]");

    CallRecord r = Feed.everyChunking(codec, okCapturing(), call.responseBody(), false);
    assertThat(r.finishReasons).containsExactly("tool_calls");
    assertThat(r.inputTokens).isEqualTo(67L);
    assertThat(r.outputTokens).isEqualTo(46L);
    assertThat(r.systemFingerprint).as("null in this recording").isNull();
    assertJson(r.outputMessages, "[{'role':'assistant','parts':["
        + "{'type':'tool_call','id':'call_o5VOIpOSlES8PT2Q4zkZilhv','name':'get_weather','arguments':{'location':'New York City'}},"
        + "{'type':'tool_call','id':'call_10UVNyROFOS9zyVhxmKRggfr','name':'get_weather','arguments':{'location':'London'}}],"
        + "'finish_reason':'tool_calls'}]");

    Wire.Exchange followUp = xs.get(1);
    CallRecord req2 = request("/v1/chat/completions", followUp.requestBody(), true);
    JsonNode in = json(req2.inputMessages);
    assertThat(in).hasSize(5);
    assertThat(in.get(2).get("role").asText()).isEqualTo("assistant");
    assertThat(in.get(2).get("parts").get(1).get("type").asText()).isEqualTo("tool_call");
    assertThat(in.get(2).get("parts").get(1).get("arguments").get("location").asText()).isEqualTo("London");
    assertJson(in.get(3).toString(), "{'role':'tool','parts':[{'type':'tool_call_response',"
        + "'id':'call_o5VOIpOSlES8PT2Q4zkZilhv','response':'25 degrees and sunny'}]}");
    CallRecord r2 = Feed.everyChunking(codec, ok(), followUp.responseBody(), false);
    assertThat(r2.finishReasons).containsExactly("stop");
    assertThat(r2.inputTokens).isEqualTo(99L);
  }

  @Test
  void stream() {
    Wire.Exchange x = Wire.first("openai/chat-stream.wiremock.yaml");
    assertThat(x.eventStream()).isTrue();
    assertThat(request("/v1/chat/completions", x.requestBody(), false).stream).isTrue();
    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), true);
    assertThat(r.responseId).isEqualTo("chatcmpl-BuYarH1A2li9SaCpSoQpbD7VYp9eq");
    assertThat(r.responseModel).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(r.responseServiceTier).isEqualTo("default");
    assertThat(r.systemFingerprint).isNull();
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.inputTokens).as("no include_usage").isNull();
    assertThat(r.outputTokens).isNull();
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'Atlantic Ocean.'}],'finish_reason':'stop'}]");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void streamWithoutCaptureKeepsNoContent() {
    Wire.Exchange x = Wire.first("openai/chat-stream.wiremock.yaml");
    CallRecord r = Feed.everyChunking(codec, ok(), x.responseBody(), true);
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.outputMessages).isNull();
  }

  @Test
  void streamIncludeUsage() {
    Wire.Exchange x = Wire.first("openai/chat-stream-include-usage.wiremock.yaml");
    CallRecord r = Feed.everyChunking(codec, ok(), x.responseBody(), true);
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.inputTokens).isEqualTo(22L);
    assertThat(r.outputTokens).isEqualTo(3L);
    assertThat(r.cacheReadTokens).isEqualTo(0L);
    assertThat(r.reasoningTokens).isEqualTo(0L);
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void streamMultipleChoicesInterleaved() {
    Wire.Exchange x = Wire.first("openai/chat-stream-multiple-choices.wiremock.yaml");
    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), true);
    assertThat(r.finishReasons).containsExactly("stop", "stop");
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'Atlantic Ocean.'}],'finish_reason':'stop'},"
            + "{'role':'assistant','parts':[{'type':'text','content':'South Atlantic Ocean.'}],'finish_reason':'stop'}]");
  }

  @Test
  void streamFinishReasonsAreInIndexOrderNotArrivalOrder() {
    String body = "data: {\"id\":\"c1\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"c1\",\"choices\":[{\"index\":1,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
        + "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"index\":0}]}\n\n"
        + "data: [DONE]\n\n";
    CallRecord r = Feed.everyChunking(codec, okCapturing(), utf8(body), true);
    assertThat(r.finishReasons).containsExactly("stop", "length");
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'a'}],'finish_reason':'stop'},"
            + "{'role':'assistant','parts':[{'type':'text','content':'b'}],'finish_reason':'length'}]");
  }

  @Test
  void streamToolCallsInEveryRecording() {
    List<Wire.Exchange> xs = Wire.load("openai/chat-stream-tool-calls.wiremock.yaml");
    assertThat(xs).hasSize(8);
    for (Wire.Exchange x : xs.subList(0, 7)) {
      CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), true);
      assertThat(r.finishReasons).containsExactly("tool_calls");
      JsonNode out = json(r.outputMessages);
      assertThat(out).hasSize(1);
      JsonNode parts = out.get(0).get("parts");
      assertThat(parts).hasSize(2);
      assertThat(parts.get(0).get("type").asText()).isEqualTo("tool_call");
      assertThat(parts.get(0).get("id").asText()).startsWith("call_");
      assertThat(parts.get(0).get("name").asText()).isEqualTo("get_weather");
      assertThat(parts.get(0).get("arguments").get("location").asText()).isEqualTo("New York City");
      assertThat(parts.get(1).get("arguments").get("location").asText()).isEqualTo("London");
      assertThat(r.warnings).isEmpty();
    }
    Wire.Exchange followUp = xs.get(7);
    CallRecord req = request("/v1/chat/completions", followUp.requestBody(), true);
    assertThat(json(req.inputMessages)).hasSize(5);
    CallRecord r = Feed.everyChunking(codec, okCapturing(), followUp.responseBody(), true);
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(json(r.outputMessages).get(0).get("parts").get(0).get("content").asText())
        .startsWith("The current weather is as follows:\n\n- **New York City**: 25 degrees and sunny");
  }

  @Test
  void promptCacheTokensFromGzipBodies() {
    List<Wire.Exchange> xs = Wire.load("openai/chat-prompt-cache-cached-tokens.vcr.yaml");
    assertThat(xs).hasSize(4);
    long[] cached = new long[4];
    for (int i = 0; i < 4; i++) {
      Wire.Exchange x = xs.get(i);
      assertThat(x.responseBody()[0]).as("recorded gzip").isEqualTo((byte) 0x1f);
      CallRecord r = Feed.everyChunking(codec, ok(), x.responseBody(), false);
      assertThat(r.responseModel).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(r.inputTokens).isGreaterThan(1000L);
      assertThat(r.finishReasons).containsExactly("stop");
      assertThat(r.warnings).isEmpty();
      cached[i] = r.cacheReadTokens;
    }
    assertThat(cached).containsExactly(0, 1024, 0, 0);
  }

  // ------------------------------------------------------------------ errors and bad input

  @Test
  void errorBodyIsNotParsed() {
    Wire.Exchange x = Wire.first("openai/chat-error-404-model-not-found.vcr.yaml");
    assertThat(x.status()).isEqualTo(404);
    CallRecord r = Feed.everyChunking(codec, records(404, true, true), x.responseBody(), false);
    assertNoResponseFields(r);
    assertThat(r.warnings).isEmpty();

    // even when the pipeline did not tell the status, an error body yields nothing wrong
    CallRecord unknown = Feed.everyChunking(codec, records(-1, false, false), x.responseBody(), false);
    assertNoResponseFields(unknown);
    assertThat(unknown.errorType).isNull();
  }

  @Test
  void errorEventInsideAStream() {
    String body = "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n"
        + "data: {\"error\":{\"message\":\"secret detail\",\"type\":\"server_error\"}}\n\n";
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(body), true);
    assertThat(r.responseId).isEqualTo("c");
    assertThat(r.warnings).hasSize(1);
    assertThat(r.warnings.get(0)).contains("error").doesNotContain("secret");
  }

  @Test
  void malformedJsonWarnsAndKeepsWhatWasRead() {
    String body = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-x\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":sk-secret}}";
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(body), false);
    assertThat(r.responseId).isEqualTo("chatcmpl-1");
    assertThat(r.responseModel).isEqualTo("gpt-x");
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.inputTokens).isNull();
    assertThat(r.warnings).singleElement().asString().contains("malformed JSON").doesNotContain("sk-secret");
  }

  @Test
  void notJsonAtAll() {
    CallRecord r = Feed.everyChunking(codec, ok(), utf8("<html>502 Bad Gateway</html>"), false);
    assertNoResponseFields(r);
    assertThat(r.warnings).singleElement().asString().contains("malformed JSON");

    CallRecord arr = Feed.everyChunking(codec, ok(), utf8("[1,2,3]"), false);
    assertNoResponseFields(arr);
  }

  @Test
  void malformedStreamEventIsSkippedOthersStillRead() {
    String body = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
        + "data: {not json\n\n"
        + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}\n\n"
        + "data: [DONE]\n\n";
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(body), true);
    assertThat(r.responseId).isEqualTo("c");
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.inputTokens).isEqualTo(5L);
    assertThat(r.warnings).singleElement().asString().contains("unparsable stream event");
  }

  @Test
  void truncatedStreamKeepsWhatWasSeen() {
    Wire.Exchange x = Wire.first("openai/chat-stream-include-usage.wiremock.yaml");
    String all = x.responseText();
    String cut = all.substring(0, all.indexOf("\" Ocean\"") + 4); // inside the 4th chunk
    for (Feed.Chunking c : Feed.ALL) {
      CallRecord r = Feed.run(codec, okCapturing(), utf8(cut), true, c, false);
      assertThat(r.responseId).isEqualTo("chatcmpl-BuYt76LLPdlwJfNjE13YCfKt4dKQG");
      assertThat(r.responseModel).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(r.finishReasons).isNull();
      assertThat(r.inputTokens).isNull();
      assertJson(r.outputMessages,
          "[{'role':'assistant','parts':[{'type':'text','content':'South Atlantic'}],'finish_reason':'error'}]");
      assertThat(r.warnings).singleElement().asString().contains("truncated");
    }
  }

  @Test
  void aWholeJsonBodyClosedBeforeEofIsNotTruncated() {
    // openai-java's Jackson stops reading at the end of the JSON value and closes the body
    Wire.Exchange x = Wire.first("openai/chat-basic.wiremock.yaml");
    for (Feed.Chunking c : Feed.ALL) {
      CallRecord r = Feed.run(codec, ok(), utf8(x.responseText()), false, c, false);
      assertThat(r.inputTokens).isEqualTo(22L);
      assertThat(r.warnings).isEmpty();
    }
    ResponseObserver o = codec.newResponseObserver(ok().get(), false);
    byte[] body = utf8(x.responseText());
    o.onBytes(body, 0, body.length);
    o.onEnd(false);
    assertThat(o.sawEnd()).as("the value was whole").isTrue();

    ResponseObserver cut = codec.newResponseObserver(ok().get(), false);
    cut.onBytes(body, 0, body.length / 2);
    cut.onEnd(false);
    assertThat(cut.sawEnd()).isFalse();
  }

  @Test
  void streamClosedByTheClientRightAfterDoneIsNotTruncated() {
    // openai-java stops reading at [DONE] and closes the body before the connection's end
    Wire.Exchange x = Wire.first("openai/chat-stream-include-usage.wiremock.yaml");
    for (Feed.Chunking c : Feed.ALL) {
      CallRecord r = Feed.run(codec, ok(), utf8(x.responseText()), true, c, false);
      assertThat(r.inputTokens).isEqualTo(22L);
      assertThat(r.finishReasons).containsExactly("stop");
      assertThat(r.warnings).isEmpty();
    }
  }

  @Test
  void streamEndingWithoutBlankLineIsTruncatedEvenIfTheClientSaysComplete() {
    String body = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{}}]}\n\n"
        + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
    CallRecord r = Feed.run(codec, ok(), utf8(body), true, Feed.WHOLE, true);
    assertThat(r.responseId).isEqualTo("c");
    assertThat(r.finishReasons).as("the last event was never terminated").isNull();
    assertThat(r.warnings).singleElement().asString().contains("truncated");
  }

  @Test
  void truncatedPlainBody() {
    Wire.Exchange x = Wire.first("openai/chat-basic.wiremock.yaml");
    String all = x.responseText();
    byte[] cut = utf8(all.substring(0, all.indexOf("\"usage\"")));
    CallRecord r = Feed.run(codec, ok(), cut, false, Feed.random(3), false);
    assertThat(r.responseId).isEqualTo("chatcmpl-BpUinPP6uoKQ7wujISoeiCaI3hAIf");
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.inputTokens).isNull();
    assertThat(r.warnings).singleElement().asString().contains("truncated");
  }

  @Test
  void unknownFieldsAndOddNumbersAreTolerated() {
    String body = "{\"weird\":{\"id\":\"not-this\",\"choices\":[{\"finish_reason\":\"nope\"}]},"
        + "\"id\":\"chatcmpl-2\",\"list\":[[1,2],[{\"model\":\"no\"}]],\"object\":\"chat.completion\","
        + "\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"a\",\"top_logprobs\":[]}]},"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\",\"annotations\":[{\"x\":1}],\"audio\":null},"
        + "\"index\":0,\"finish_reason\":\"stop\",\"new_field\":true}],"
        + "\"usage\":{\"prompt_tokens\":22.0,\"completion_tokens\":3,\"total_tokens\":25,"
        + "\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_tokens\":1.0e1},"
        + "\"completion_tokens_details\":null,\"future\":{\"a\":[1]}},"
        + "\"model\":\"gpt-4o\",\"system_fingerprint\":null,\"service_tier\":null}";
    CallRecord r = Feed.everyChunking(codec, okCapturing(), utf8(body), false);
    assertThat(r.responseId).isEqualTo("chatcmpl-2");
    assertThat(r.responseModel).isEqualTo("gpt-4o");
    assertThat(r.finishReasons).containsExactly("stop");
    assertThat(r.inputTokens).isEqualTo(22L);
    assertThat(r.outputTokens).isEqualTo(3L);
    assertThat(r.cacheReadTokens).isEqualTo(10L);
    assertThat(r.reasoningTokens).isNull();
    assertThat(r.systemFingerprint).isNull();
    assertThat(r.responseServiceTier).isNull();
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'hi'}],'finish_reason':'stop'}]");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void emptyBody() {
    CallRecord r = Feed.run(codec, ok(), new byte[0], false, Feed.WHOLE, true);
    assertNoResponseFields(r);
    assertThat(r.warnings).singleElement().asString().contains("empty");

    CallRecord stream = Feed.run(codec, ok(), new byte[0], true, Feed.WHOLE, true);
    assertNoResponseFields(stream);
    assertThat(stream.warnings).isEmpty();

    CallRecord req = request("/v1/chat/completions", new byte[0], true);
    assertThat(req.operation).isEqualTo("chat");
    assertThat(req.requestModel).isNull();
    assertThat(req.warnings).isEmpty();
  }

  @Test
  void hugeBodyOverTheBoundIsNotParsed() {
    StringBuilder sb = new StringBuilder(9 << 20);
    sb.append("{\"id\":\"big\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"");
    while (sb.length() < (9 << 20)) {
      sb.append("abcdefghijklmnopqrstuvwxyz0123456789");
    }
    sb.append("\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1}}");
    byte[] body = utf8(sb.toString());
    CallRecord r = Feed.run(codec, okCapturing(), body, false, Feed.random(5), true);
    assertNoResponseFields(r);
    assertThat(r.warnings).singleElement().asString().contains("over 8 MiB");
  }

  @Test
  void malformedRequestBodies() {
    CallRecord r = request("/v1/chat/completions", utf8("{\"model\":\"gpt-4o\",\"temperature\":0.5,\"messages\":[{\"role\""), true);
    assertThat(r.requestModel).isEqualTo("gpt-4o");
    assertThat(r.temperature).isEqualTo(0.5);
    assertThat(r.inputMessages).isNull();
    assertThat(r.warnings).singleElement().asString().contains("unparsable request body");

    CallRecord notObject = request("/v1/chat/completions", utf8("[\"model\"]"), false);
    assertThat(notObject.requestModel).isNull();
    assertThat(notObject.warnings).singleElement().asString().contains("not a JSON object");

    CallRecord wrongTypes = request("/v1/chat/completions",
        utf8("{\"model\":{\"x\":1},\"temperature\":\"hot\",\"max_tokens\":[1],\"stop\":{\"a\":1},\"messages\":\"hi\"}"), true);
    assertThat(wrongTypes.requestModel).isNull();
    assertThat(wrongTypes.temperature).isNull();
    assertThat(wrongTypes.maxTokens).isNull();
    assertThat(wrongTypes.stopSequences).isNull();
    assertThat(wrongTypes.warnings).isEmpty();

    CallRecord nullRecord = null;
    codec.readRequest("/v1/chat/completions", utf8("{}"), nullRecord); // must not throw
    codec.readRequest(null, null, new CallRecord());
  }

  @Test
  void richInputContent() {
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\",\"detail\":\"low\"}},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}},"
        + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklGRg==\",\"format\":\"wav\"}},"
        + "{\"type\":\"file\",\"file\":{\"file_id\":\"file-1\"}}],\"role\":\"user\",\"name\":\"ann\"},"
        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"f\",\"arguments\":\"{not json\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":[{\"type\":\"text\",\"text\":\"42\"}]}]}";
    CallRecord r = request("/v1/chat/completions", utf8(body), true);
    assertJson(r.inputMessages, "["
        + "{'role':'user','name':'ann','parts':[{'type':'text','content':'what is this?'},"
        + "{'type':'uri','modality':'image','uri':'https://example.com/a.png'},"
        + "{'type':'blob','modality':'image','mime_type':'image/png','content':'iVBORw0KGgo='},"
        + "{'type':'blob','modality':'audio','mime_type':'audio/wav','content':'UklGRg=='},"
        + "{'type':'file'}]},"
        + "{'role':'assistant','parts':[{'type':'tool_call','id':'call_1','name':'f','arguments':'{not json'}]},"
        + "{'role':'tool','parts':[{'type':'tool_call_response','id':'call_1','response':'42'}]}]");
  }

  // ------------------------------------------------------------------ legacy completions

  @Test
  void legacyCompletions() {
    CallRecord req = request("/v1/completions",
        utf8("{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[\"Say hi\",\"Say bye\"],\"max_tokens\":7,\"n\":2}"), true);
    assertThat(req.operation).isEqualTo("text_completion");
    assertThat(req.requestModel).isEqualTo("gpt-3.5-turbo-instruct");
    assertThat(req.maxTokens).isEqualTo(7L);
    assertThat(req.choiceCount).isEqualTo(2L);
    assertJson(req.inputMessages,
        "[{'role':'user','parts':[{'type':'text','content':'Say hi'},{'type':'text','content':'Say bye'}]}]");

    String body = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"model\":\"gpt-3.5-turbo-instruct\","
        + "\"choices\":[{\"text\":\"Hi!\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"},"
        + "{\"text\":\"Bye\",\"index\":1,\"logprobs\":null,\"finish_reason\":\"length\"}],"
        + "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3,\"total_tokens\":7}}";
    CallRecord r = Feed.everyChunking(codec, okCapturing(), utf8(body), false);
    assertThat(r.responseId).isEqualTo("cmpl-1");
    assertThat(r.finishReasons).containsExactly("stop", "length");
    assertThat(r.inputTokens).isEqualTo(4L);
    assertJson(r.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'Hi!'}],'finish_reason':'stop'},"
            + "{'role':'assistant','parts':[{'type':'text','content':'Bye'}],'finish_reason':'length'}]");

    String stream = "data: {\"id\":\"cmpl-2\",\"choices\":[{\"text\":\"He\",\"index\":0,\"finish_reason\":null}],\"model\":\"i\"}\n\n"
        + "data: {\"id\":\"cmpl-2\",\"choices\":[{\"text\":\"llo\",\"index\":0,\"finish_reason\":\"stop\"}],\"model\":\"i\"}\n\n"
        + "data: [DONE]\n\n";
    CallRecord s = Feed.everyChunking(codec, okCapturing(), utf8(stream), true);
    assertThat(s.finishReasons).containsExactly("stop");
    assertJson(s.outputMessages,
        "[{'role':'assistant','parts':[{'type':'text','content':'Hello'}],'finish_reason':'stop'}]");
  }

  @Test
  void operationFromPath() {
    assertThat(OpenAiChatCodec.isLegacyCompletions("/v1/completions")).isTrue();
    assertThat(OpenAiChatCodec.isLegacyCompletions("/openai/v1/completions?x=1")).isTrue();
    assertThat(OpenAiChatCodec.isLegacyCompletions("/v1/chat/completions")).isFalse();
    assertThat(OpenAiChatCodec.isLegacyCompletions("/openai/deployments/d/chat/completions?api-version=1")).isFalse();
    assertThat(OpenAiChatCodec.isLegacyCompletions(null)).isFalse();

    CallRecord preset = new CallRecord();
    preset.operation = "chat";
    codec.readRequest("/v1/completions", utf8("{}"), preset);
    assertThat(preset.operation).as("the pipeline's choice is kept").isEqualTo("chat");
  }

  @Test
  void observerIsFailOpenAfterEnd() {
    ResponseObserver o = codec.newResponseObserver(ok().get(), true);
    o.onEnd(true);
    o.onBytes(utf8("data: {}\n\n"), 0, 10);
    o.onEnd(false);
    o.onBytes(null, 0, 0);
    assertThat(o).isNotNull();
  }
}
