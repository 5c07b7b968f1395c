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
import java.net.URI;
import org.junit.jupiter.api.Test;

class GeminiCodecTest {
  private final GeminiCodec codec = new GeminiCodec();

  private CallRecord request(Wire.Exchange x, boolean capture) {
    URI uri = URI.create(x.url());
    String path = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    return CodecAssertions.request(codec, path, x.requestBody(), capture);
  }

  @Test
  void geminiApiGzipBody() {
    Wire.Exchange x = Wire.first("gemini/generate-content.geminiapi.vcr.yaml");
    CallRecord req = request(x, true);
    assertThat(req.operation).isEqualTo("generate_content");
    assertThat(req.requestModel).isEqualTo("gemini-2.5-flash");
    assertThat(req.stream).isNull();
    assertJson(req.inputMessages, "[{'role':'user','parts':[{'type':'text','content':'What is ai?'}]}]");

    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), false);
    assertThat(r.finishReasons).containsExactly("STOP");
    assertThat(r.inputTokens).isNotNull().isPositive();
    assertThat(r.reasoningTokens).isNotNull();
    assertThat(r.outputTokens).isGreaterThan(r.reasoningTokens);
    assertThat(json(r.outputMessages).get(0).get("parts").get(0).get("content").asText())
        .startsWith("AI stands for **Artificial Intelligence**.");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void vertexPlain() {
    Wire.Exchange x = Wire.first("gemini/generate-content.vertex.vcr.yaml");
    CallRecord req = request(x, false);
    assertThat(req.requestModel).isEqualTo("gemini-2.5-flash");
    CallRecord r = Feed.everyChunking(codec, ok(), x.responseBody(), false);
    assertThat(r.responseId).isEqualTo("hizpaKmcH9qs698P85HHgAU");
    assertThat(r.responseModel).isEqualTo("gemini-2.5-flash");
    assertThat(r.finishReasons).containsExactly("STOP");
    assertThat(r.inputTokens).isEqualTo(8L);
    assertThat(r.outputTokens).as("candidates + thoughts = total - prompt").isEqualTo(433L + 1477L);
    assertThat(r.reasoningTokens).isEqualTo(1477L);
    assertThat(r.cacheReadTokens).isNull();
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void vertexStreamWithCrlf() {
    Wire.Exchange x = Wire.first("gemini/stream-generate-content.vertex.vcr.yaml");
    assertThat(x.responseText()).contains("\r\n\r\n");
    CallRecord req = request(x, false);
    assertThat(req.stream).isTrue();
    assertThat(req.requestModel).isEqualTo("gemini-2.5-flash");

    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), true);
    assertThat(r.responseId).isEqualTo("vizpaJGEDvXZnvgPisGa2A0");
    assertThat(r.responseModel).isEqualTo("gemini-2.5-flash");
    assertThat(r.finishReasons).containsExactly("STOP");
    assertThat(r.inputTokens).isEqualTo(8L);
    assertThat(r.outputTokens).isEqualTo(388L + 2193L);
    assertThat(r.reasoningTokens).isEqualTo(2193L);
    JsonNode out = json(r.outputMessages);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).get("role").asText()).isEqualTo("assistant");
    assertThat(out.get(0).get("parts")).hasSize(1);
    String text = out.get(0).get("parts").get(0).get("content").asText();
    assertThat(text).startsWith("When systems hum").endsWith("Makes complex software shine so bright.")
        .contains("Turning darkness into vibrant sight.");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void intEnumFunctionCalls() {
    Wire.Exchange x = Wire.first("gemini/generate-content-function-call.vertex-intenum.vcr.yaml");
    CallRecord req = request(x, false);
    assertThat(req.requestModel).isEqualTo("gemini-2.5-pro");
    CallRecord r = Feed.everyChunking(codec, okCapturing(), x.responseBody(), false);
    assertThat(r.finishReasons).containsExactly("STOP");
    assertThat(r.inputTokens).isEqualTo(74L);
    assertThat(r.outputTokens).isEqualTo(16L + 200L);
    assertJson(r.outputMessages, "[{'role':'assistant','parts':["
        + "{'type':'tool_call','name':'get_current_weather','arguments':{'location':'New Delhi'}},"
        + "{'type':'tool_call','name':'get_current_weather','arguments':{'location':'San Francisco'}}],"
        + "'finish_reason':'STOP'}]");
  }

  @Test
  void errorBody() {
    Wire.Exchange x = Wire.first("gemini/generate-content-error-400.vertex-intenum.vcr.yaml");
    CallRecord req = request(x, false);
    assertThat(req.temperature).isEqualTo(1000.0);
    CallRecord r = Feed.everyChunking(codec, records(400, true, true), x.responseBody(), false);
    assertNoResponseFields(r);
    assertThat(r.warnings).isEmpty();
    CallRecord unknown = Feed.everyChunking(codec, records(-1, true, true), x.responseBody(), false);
    assertNoResponseFields(unknown);
  }

  @Test
  void requestConfigBothSpellingsAndContent() {
    String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"},{\"inline_data\":{\"mime_type\":\"image/jpeg\",\"data\":\"/9j/\"}}]},"
        + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":1}}}]},"
        + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"f\",\"response\":{\"ok\":true}}},"
        + "{\"fileData\":{\"mimeType\":\"application/pdf\",\"fileUri\":\"gs://b/x.pdf\"}}]}],"
        + "\"system_instruction\":{\"parts\":[{\"text\":\"Be nice.\"}]},"
        + "\"generation_config\":{\"temperature\":0,\"top_p\":0.5,\"top_k\":3,\"max_output_tokens\":9,"
        + "\"stop_sequences\":[\"x\"],\"candidate_count\":2,\"seed\":5,\"presence_penalty\":0.1,\"frequency_penalty\":0.2}}";
    CallRecord r = new CallRecord();
    r.captureInput = true;
    codec.readRequest("/v1beta/models/gemini-2.0-flash:generateContent", utf8(body), r);
    assertThat(r.temperature).isEqualTo(0.0);
    assertThat(r.topP).isEqualTo(0.5);
    assertThat(r.topK).isEqualTo(3.0);
    assertThat(r.maxTokens).isEqualTo(9L);
    assertThat(r.stopSequences).containsExactly("x");
    assertThat(r.choiceCount).isEqualTo(2L);
    assertThat(r.seed).isEqualTo(5L);
    assertThat(r.presencePenalty).isEqualTo(0.1);
    assertThat(r.frequencyPenalty).isEqualTo(0.2);
    assertJson(r.systemInstructions, "[{'type':'text','content':'Be nice.'}]");
    assertJson(r.inputMessages, "["
        + "{'role':'user','parts':[{'type':'text','content':'hi'},{'type':'blob','modality':'image','mime_type':'image/jpeg','content':'/9j/'}]},"
        + "{'role':'assistant','parts':[{'type':'tool_call','name':'f','arguments':{'a':1}}]},"
        + "{'role':'user','parts':[{'type':'tool_call_response','name':'f','response':'{\\'ok\\':true}'},"
        + "{'type':'uri','modality':'file','mime_type':'application/pdf','uri':'gs://b/x.pdf'}]}]"
        .replace("\\'", "\\\""));
    assertThat(r.warnings).isEmpty();

    CallRecord camel = new CallRecord();
    codec.readRequest("/v1beta/models/m:generateContent",
        utf8("{\"generationConfig\":{\"topP\":0.25,\"maxOutputTokens\":3,\"candidateCount\":1,\"stopSequences\":\"s\"}}"), camel);
    assertThat(camel.topP).isEqualTo(0.25);
    assertThat(camel.maxTokens).isEqualTo(3L);
    assertThat(camel.choiceCount).isNull();
    assertThat(camel.stopSequences).containsExactly("s");
  }

  @Test
  void jsonArrayStreamAndThoughtsAndCandidates() {
    String body = "[{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Plan.\",\"thought\":true}]},\"index\":0},"
        + "{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"B\"}]},\"index\":1}],\"modelVersion\":\"g\",\"responseId\":\"r1\"},"
        + "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"A\"}]},\"finishReason\":\"STOP\",\"index\":0},"
        + "{\"content\":{\"parts\":[{\"text\":\"b\"}]},\"finishReason\":2,\"index\":1}],"
        + "\"usageMetadata\":{\"promptTokenCount\":10,\"cachedContentTokenCount\":4,\"toolUsePromptTokenCount\":2,"
        + "\"candidatesTokenCount\":3}}]";
    CallRecord r = Feed.everyChunking(codec, okCapturing(), utf8(body), false);
    assertThat(r.responseId).isEqualTo("r1");
    assertThat(r.responseModel).isEqualTo("g");
    assertThat(r.finishReasons).containsExactly("STOP", "MAX_TOKENS");
    assertThat(r.inputTokens).isEqualTo(12L);
    assertThat(r.cacheReadTokens).isEqualTo(4L);
    assertThat(r.outputTokens).isEqualTo(3L);
    assertThat(r.reasoningTokens).isNull();
    assertJson(r.outputMessages, "["
        + "{'role':'assistant','parts':[{'type':'reasoning','content':'Plan.'},{'type':'text','content':'A'}],'finish_reason':'STOP'},"
        + "{'role':'assistant','parts':[{'type':'text','content':'Bb'}],'finish_reason':'MAX_TOKENS'}]");
  }

  @Test
  void truncatedStreamAndBadInput() {
    Wire.Exchange x = Wire.first("gemini/stream-generate-content.vertex.vcr.yaml");
    String all = x.responseText();
    byte[] cut = utf8(all.substring(0, all.lastIndexOf("data: ") + 40));
    for (Feed.Chunking c : Feed.ALL) {
      CallRecord r = Feed.run(codec, okCapturing(), cut, true, c, false);
      assertThat(r.responseId).isEqualTo("vizpaJGEDvXZnvgPisGa2A0");
      assertThat(r.finishReasons).isNull();
      assertThat(r.inputTokens).isNull();
      assertThat(json(r.outputMessages).get(0).get("finish_reason").asText()).isEqualTo("error");
      assertThat(r.warnings).singleElement().asString().contains("truncated");
    }
    CallRecord oddTypes = Feed.everyChunking(codec, ok(), utf8("{\"responseId\":{\"usageMetadata\":{}},"
        + "\"modelVersion\":[\"x\"],\"candidates\":[{\"finishReason\":99999999999}],"
        + "\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":2}}"), false);
    assertThat(oddTypes.responseId).as("an object where a string belongs is skipped whole").isNull();
    assertThat(oddTypes.inputTokens).as("what follows it is still read").isEqualTo(5L);
    assertThat(oddTypes.finishReasons).containsExactly("99999999999");
    CallRecord malformed = Feed.everyChunking(codec, ok(), utf8("{\"modelVersion\":\"g\",\"usageMetadata\":{\"promptTokenCount\":"), false);
    assertThat(malformed.responseModel).isEqualTo("g");
    assertThat(malformed.warnings).singleElement().asString().contains("malformed JSON");

    CallRecord empty = Feed.run(codec, ok(), new byte[0], false, Feed.WHOLE, true);
    assertThat(empty.warnings).singleElement().asString().contains("empty");
  }
}
