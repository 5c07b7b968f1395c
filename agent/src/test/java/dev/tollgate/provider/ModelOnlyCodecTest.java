package dev.tollgate.provider;

import static dev.tollgate.provider.CodecAssertions.assertNoResponseFields;
import static dev.tollgate.provider.CodecAssertions.okCapturing;
import static dev.tollgate.provider.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.telemetry.CallRecord;
import org.junit.jupiter.api.Test;

class ModelOnlyCodecTest {
  private final ModelOnlyCodec anthropic = new ModelOnlyCodec(ModelOnlyCodec.Format.ANTHROPIC_MESSAGES);
  private final ModelOnlyCodec gemini = new ModelOnlyCodec(ModelOnlyCodec.Format.GEMINI);

  @Test
  void anthropicRequest() {
    String body = "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":1024,\"stream\":true,\"temperature\":0.5,"
        + "\"top_p\":0.9,\"top_k\":40,\"stop_sequences\":[\"\\n\\nHuman:\"],"
        + "\"system\":[{\"type\":\"text\",\"text\":\"s\"}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    CallRecord r = new CallRecord();
    r.captureInput = true;
    anthropic.readRequest("/v1/messages", utf8(body), r);
    assertThat(r.operation).isEqualTo("chat");
    assertThat(r.requestModel).isEqualTo("claude-sonnet-4-20250514");
    assertThat(r.maxTokens).isEqualTo(1024L);
    assertThat(r.stream).isTrue();
    assertThat(r.temperature).isEqualTo(0.5);
    assertThat(r.topP).isEqualTo(0.9);
    assertThat(r.topK).isEqualTo(40.0);
    assertThat(r.stopSequences).containsExactly("\n\nHuman:");
    assertThat(r.inputMessages).as("model only").isNull();
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void geminiModelAndStreamFromPath() {
    CallRecord plain = new CallRecord();
    gemini.readRequest("/v1beta/models/gemini-2.5-flash:generateContent", utf8("{\"contents\":[]}"), plain);
    assertThat(plain.operation).isEqualTo("generate_content");
    assertThat(plain.requestModel).isEqualTo("gemini-2.5-flash");
    assertThat(plain.stream).isNull();

    CallRecord vertex = new CallRecord();
    gemini.readRequest("/v1beta1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        new byte[0], vertex);
    assertThat(vertex.requestModel).isEqualTo("gemini-2.5-flash");
    assertThat(vertex.stream).isTrue();

    CallRecord query = new CallRecord();
    gemini.readRequest("/v1/projects/p/locations/us/publishers/google/models/gemini-2.5-pro:generateContent?%24alt=json%3Benum-encoding%3Dint",
        null, query);
    assertThat(query.requestModel).isEqualTo("gemini-2.5-pro");
    assertThat(query.stream).isNull();

    CallRecord odd = new CallRecord();
    gemini.readRequest("/v1beta/models", null, odd);
    assertThat(odd.requestModel).isNull();
    gemini.readRequest(null, null, odd);
    assertThat(odd.warnings).isEmpty();
  }

  @Test
  void responsesRecordNothingButEndCleanly() {
    for (ModelOnlyCodec c : new ModelOnlyCodec[] {anthropic, gemini}) {
      CallRecord r = Feed.everyChunking(c, okCapturing(), utf8("{\"id\":\"msg_1\",\"model\":\"x\",\"usage\":{\"input_tokens\":3}}"), false);
      assertNoResponseFields(r);
      assertThat(r.warnings).isEmpty();
      CallRecord s = Feed.run(c, okCapturing(), utf8("event: message_start\ndata: {}\n\n"), true, Feed.ONE_BYTE, false);
      assertNoResponseFields(s);
    }
  }

  @Test
  void badRequestBodies() {
    CallRecord r = new CallRecord();
    anthropic.readRequest("/v1/messages", utf8("{\"model\":\"claude\",\"max_tokens\":"), r);
    assertThat(r.requestModel).isEqualTo("claude");
    assertThat(r.warnings).singleElement().asString().contains("unparsable");

    CallRecord notObject = new CallRecord();
    anthropic.readRequest("/v1/messages", utf8("\"x\""), notObject);
    assertThat(notObject.warnings).singleElement().asString().contains("not a JSON object");
    assertThat(new ModelOnlyCodec(null).format()).isEqualTo(ModelOnlyCodec.Format.ANTHROPIC_MESSAGES);
  }
}
