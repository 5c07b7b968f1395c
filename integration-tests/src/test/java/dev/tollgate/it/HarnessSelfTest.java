package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.OtlpReceiver;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.Recording;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks the harness itself, without any app or agent: the expectation table and the OTLP receiver. */
class HarnessSelfTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> expectations() {
    return Stream.of(
        Arguments.of("chat", ExpectedCall.CHAT),
        Arguments.of("chat stream", ExpectedCall.CHAT_STREAM),
        Arguments.of("embeddings", ExpectedCall.EMBEDDINGS),
        Arguments.of("responses", ExpectedCall.RESPONSES),
        Arguments.of("responses stream", ExpectedCall.RESPONSES_STREAM));
  }

  /** The hand-written expectations agree with the recorded bodies and headers the stubs serve. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("expectations")
  void expectationsMatchTheRecordings(String name, ExpectedCall call) throws Exception {
    Recording rec = call.recording();
    assertThat(rec.status()).isEqualTo(200);
    JsonNode answer = lastJson(rec, call.stream());
    if (answer.has("response")) { // Responses API stream: response.completed carries the whole response
      answer = answer.get("response");
    }
    assertThat(answer.path("model").asText()).isEqualTo(call.responseModel());
    if (call.responseId() != null) {
      assertThat(answer.path("id").asText()).isEqualTo(call.responseId());
    }
    JsonNode usage = answer.path("usage");
    long input = usage.has("input_tokens") ? usage.path("input_tokens").asLong() : usage.path("prompt_tokens").asLong();
    assertThat(input).isEqualTo(call.inputTokens());
    if (call.outputTokens() != null) {
      long output = usage.has("output_tokens") ? usage.path("output_tokens").asLong() : usage.path("completion_tokens").asLong();
      assertThat(output).isEqualTo(call.outputTokens());
    } else {
      assertThat(usage.has("completion_tokens") || usage.has("output_tokens")).isFalse();
    }
    if (call.finishReasons() != null) {
      List<String> reasons = call.stream() ? streamFinishReasons(rec) : answer.path("choices").findValuesAsText("finish_reason");
      assertThat(reasons).isEqualTo(call.finishReasons());
    }
    call.rateLimits().forEach((suffix, value) -> {
      String header = "x-ratelimit-" + suffix.replace('_', '-'); // limit_requests -> x-ratelimit-limit-requests
      assertThat(rec.header(header)).as(header).isEqualTo(String.valueOf(value));
    });
    if (call.rateLimits().isEmpty()) {
      assertThat(rec.header("x-ratelimit-limit-requests")).isNull();
    }
  }

  private static JsonNode lastJson(Recording rec, boolean stream) throws Exception {
    if (!stream) {
      return JSON.readTree(rec.body());
    }
    JsonNode last = null;
    for (String line : rec.body().split("\n")) {
      if (line.startsWith("data: {")) {
        JsonNode event = JSON.readTree(line.substring(6));
        if (event.hasNonNull("usage") || event.path("response").hasNonNull("usage")) {
          last = event;
        }
      }
    }
    assertThat(last).as("an event with usage in " + rec.file()).isNotNull();
    return last;
  }

  private static List<String> streamFinishReasons(Recording rec) throws Exception {
    List<String> reasons = new java.util.ArrayList<>();
    for (String line : rec.body().split("\n")) {
      if (line.startsWith("data: {")) {
        for (JsonNode choice : JSON.readTree(line.substring(6)).path("choices")) {
          if (choice.hasNonNull("finish_reason")) {
            reasons.add(choice.get("finish_reason").asText());
          }
        }
      }
    }
    return reasons;
  }

  /** The receiver decodes gzip'd http/protobuf exports and answers 200. */
  @Test
  void otlpReceiverDecodesGzippedProtobuf() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ExportTraceServiceRequest export = ExportTraceServiceRequest.newBuilder()
          .addResourceSpans(ResourceSpans.newBuilder()
              .setResource(Resource.newBuilder().addAttributes(kv("service.name", "self-test")))
              .addScopeSpans(ScopeSpans.newBuilder()
                  .setScope(InstrumentationScope.newBuilder().setName("dev.tollgate"))
                  .addSpans(Span.newBuilder().setName("chat gpt-4o-mini").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                      .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
                      .addAttributes(kv("tollgate.property.test_run", "r1"))
                      .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.input_tokens")
                          .setValue(AnyValue.newBuilder().setIntValue(22))))))
          .build();
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
        export.writeTo(out);
      }
      HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(receiver.endpoint() + "/v1/traces"))
              .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "gzip")
              .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);

      List<ReceivedSpan> spans = receiver.awaitSpans("tollgate.property.test_run", "r1", 1, Duration.ofSeconds(5));
      assertThat(spans).hasSize(1);
      ReceivedSpan span = spans.get(0);
      assertThat(span.name()).isEqualTo("chat gpt-4o-mini");
      assertThat(span.scopeName()).isEqualTo("dev.tollgate");
      assertThat(span.attrs().lng("gen_ai.usage.input_tokens")).isEqualTo(22L);
      assertThat(span.resourceAttrs().str("service.name")).isEqualTo("self-test");
      assertThat(receiver.anyBodyContains("chat gpt-4o-mini")).isTrue();
      assertThat(receiver.anyBodyContains("sk-never-sent")).isFalse();
    }
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  @Test
  void recordingsDropFramingHeaders() {
    for (Recording rec : List.of(Recording.CHAT, Recording.RESPONSES, Recording.RESPONSES_STREAM)) {
      assertThat(rec.headers().keySet()).as(rec.file())
          .noneMatch(h -> Map.of("content-length", 1, "transfer-encoding", 1, "connection", 1).containsKey(h.toLowerCase()));
    }
  }
}
