package dev.tollgate.provider;

import static dev.tollgate.provider.CodecAssertions.assertNoResponseFields;
import static dev.tollgate.provider.CodecAssertions.ok;
import static dev.tollgate.provider.CodecAssertions.records;
import static dev.tollgate.provider.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.telemetry.CallRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OpenAiEmbeddingsCodecTest {
  private final OpenAiEmbeddingsCodec codec = new OpenAiEmbeddingsCodec();

  @Test
  void floatVectors() {
    Wire.Exchange x = Wire.first("openai/embeddings-basic.wiremock.yaml");
    CallRecord req = new CallRecord();
    codec.readRequest("/v1/embeddings", x.requestBody(), req);
    assertThat(req.operation).isEqualTo("embeddings");
    assertThat(req.requestModel).isEqualTo("text-embedding-3-small");
    assertThat(req.encodingFormats).isNull();
    assertThat(req.embeddingDimensions).isNull();
    assertThat(req.warnings).isEmpty();

    CallRecord r = Feed.everyChunking(codec, ok(), x.responseBody(), false);
    assertThat(r.responseModel).isEqualTo("text-embedding-3-small");
    assertThat(r.inputTokens).isEqualTo(4L);
    assertThat(r.outputTokens).isNull();
    assertThat(r.embeddingDimensions).isEqualTo(1536L);
    assertThat(r.finishReasons).isNull();
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void base64Vectors() {
    Wire.Exchange x = Wire.first("openai/embeddings-base64.wiremock.yaml");
    CallRecord req = new CallRecord();
    codec.readRequest("/v1/embeddings", x.requestBody(), req);
    assertThat(req.encodingFormats).containsExactly("base64");

    CallRecord r = Feed.everyChunking(codec, ok(), x.responseBody(), false);
    assertThat(r.responseModel).isEqualTo("text-embedding-3-small");
    assertThat(r.inputTokens).isEqualTo(4L);
    assertThat(r.embeddingDimensions).isEqualTo(1536L);
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void base64WithPadding() {
    for (int dims : new int[] {1, 2, 3, 7, 256}) {
      ByteBuffer b = ByteBuffer.allocate(dims * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < dims; i++) {
        b.putFloat(i * 0.5f);
      }
      String body = "{\"data\":[{\"embedding\":\"" + Base64.getEncoder().encodeToString(b.array())
          + "\",\"index\":0}],\"model\":\"m\"}";
      CallRecord r = Feed.everyChunking(codec, ok(), utf8(body), false);
      assertThat(r.embeddingDimensions).as("%d dims", dims).isEqualTo((long) dims);
    }
  }

  @Test
  void base64WithoutPadding() {
    for (int dims : new int[] {1, 2, 3, 7, 256}) {
      ByteBuffer b = ByteBuffer.allocate(dims * 4).order(ByteOrder.LITTLE_ENDIAN);
      String unpadded = Base64.getEncoder().withoutPadding().encodeToString(b.array());
      String body = "{\"data\":[{\"embedding\":\"" + unpadded + "\",\"index\":0}],\"model\":\"m\"}";
      CallRecord r = Feed.everyChunking(codec, ok(), utf8(body), false);
      assertThat(r.embeddingDimensions).as("%d dims", dims).isEqualTo((long) dims);
    }
  }

  @Test
  void requestDimensionsThenResponseCount() {
    CallRecord r = new CallRecord();
    codec.readRequest("/v1/embeddings",
        utf8("{\"input\":[\"a\",\"b\"],\"model\":\"text-embedding-3-large\",\"dimensions\":3,\"encoding_format\":\"float\",\"user\":\"u\"}"), r);
    assertThat(r.embeddingDimensions).isEqualTo(3L);
    assertThat(r.encodingFormats).containsExactly("float");
    assertThat(r.userId).isEqualTo("u");

    ResponseObserver o = codec.newResponseObserver(r, false);
    byte[] body = utf8("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,-2,3e-3]},"
        + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[1,2,3,4,5]}],\"model\":\"text-embedding-3-large\","
        + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}");
    o.onBytes(body, 0, body.length);
    o.onEnd(true);
    assertThat(r.embeddingDimensions).as("first vector counts").isEqualTo(3L);
    assertThat(r.inputTokens).isEqualTo(2L);
  }

  @Test
  void manyVectorsBeyondTheJsonBufferBoundAreStreamedNotBuffered() {
    StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
    String vector = "0.0123456789,".repeat(1535) + "0.5";
    for (int i = 0; i < 700; i++) { // ~10 MiB, over the 8 MiB plain-body bound
      sb.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i)
          .append(",\"embedding\":[").append(vector).append("]}");
    }
    sb.append("],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":700,\"total_tokens\":700}}");
    byte[] body = utf8(sb.toString());
    assertThat(body.length).isGreaterThan(9 << 20);
    CallRecord r = Feed.run(codec, ok(), body, false, Feed.random(11), true);
    assertThat(r.embeddingDimensions).isEqualTo(1536L);
    assertThat(r.inputTokens).isEqualTo(700L);
    assertThat(r.responseModel).isEqualTo("text-embedding-3-small");
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void unknownFieldsAndNesting() {
    String body = "{\"meta\":{\"model\":\"no\",\"usage\":{\"prompt_tokens\":99}},\"data\":[{\"extra\":{\"embedding\":[1]},"
        + "\"embedding\":[1,2],\"index\":0}],\"usage\":{\"details\":{\"prompt_tokens\":98},\"prompt_tokens\":5.0},"
        + "\"model\":\"e\",\"tail\":[[[]]]}";
    CallRecord r = Feed.everyChunking(codec, ok(), utf8(body), false);
    assertThat(r.responseModel).isEqualTo("e");
    assertThat(r.inputTokens).isEqualTo(5L);
    assertThat(r.embeddingDimensions).isEqualTo(2L);
    assertThat(r.warnings).isEmpty();
  }

  @Test
  void errorAndBadBodies() {
    String error = "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}";
    CallRecord e = Feed.everyChunking(codec, records(400, false, false), utf8(error), false);
    assertNoResponseFields(e);
    assertThat(e.warnings).isEmpty();

    CallRecord unknownStatus = Feed.everyChunking(codec, records(-1, false, false), utf8(error), false);
    assertNoResponseFields(unknownStatus);

    CallRecord malformed = Feed.everyChunking(codec, ok(), utf8("{\"model\":\"e\",\"usage\":{\"prompt_tokens\":sk-1}}"), false);
    assertThat(malformed.responseModel).isEqualTo("e");
    assertThat(malformed.inputTokens).isNull();
    assertThat(malformed.warnings).singleElement().asString().contains("malformed").doesNotContain("sk-1");

    CallRecord empty = Feed.run(codec, ok(), new byte[0], false, Feed.WHOLE, true);
    assertNoResponseFields(empty);
    assertThat(empty.warnings).singleElement().asString().contains("empty");

    byte[] full = utf8("{\"data\":[{\"embedding\":[1,2,3]}],\"model\":\"e\",\"usage\":{\"prompt_tokens\":1}}");
    byte[] cut = java.util.Arrays.copyOf(full, 40);
    CallRecord truncated = Feed.run(codec, ok(), cut, false, Feed.ONE_BYTE, false);
    assertThat(truncated.embeddingDimensions).isEqualTo(3L);
    assertThat(truncated.responseModel).isNull();
    assertThat(truncated.warnings).singleElement().asString().contains("truncated");

    CallRecord gzip = Feed.run(codec, ok(), new byte[] {0x1f, (byte) 0x8b, 8, 0}, false, Feed.WHOLE, true);
    assertThat(gzip.warnings).singleElement().asString().contains("compressed");

    CallRecord notObject = Feed.everyChunking(codec, ok(), utf8("[1,2,3]"), false);
    assertNoResponseFields(notObject);

    CallRecord badRequest = new CallRecord();
    codec.readRequest("/v1/embeddings", utf8("{\"model\":"), badRequest);
    assertThat(badRequest.warnings).singleElement().asString().contains("unparsable request body");
  }
}
