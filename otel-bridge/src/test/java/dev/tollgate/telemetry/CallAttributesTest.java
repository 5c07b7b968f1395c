package dev.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallAttributesTest {

  /** A record with every field set, as after a streamed, priced, rate-limited call. */
  static CallRecord full() {
    CallRecord r = new CallRecord();
    r.startNanos = 10_000L;
    r.startEpochNanos = 1_700_000_000_000_000_000L;
    r.firstChunkNanos = r.startNanos + 200_000_000L;
    r.endNanos = r.startNanos + 1_500_000_000L;
    r.operation = "chat";
    r.provider = "openai";
    r.requestModel = "gpt-4o-mini";
    r.serverAddress = "api.openai.com";
    r.serverPort = 443;
    r.path = "/v1/chat/completions";
    r.stream = true;
    r.temperature = 0.7;
    r.topP = 0.9;
    r.topK = 40.0;
    r.maxTokens = 256L;
    r.seed = 42L;
    r.frequencyPenalty = 0.1;
    r.presencePenalty = 0.2;
    r.stopSequences = List.of("END", "STOP");
    r.choiceCount = 2L;
    r.encodingFormats = List.of("float");
    r.requestServiceTier = "auto";
    r.statusCode = 200;
    r.responseModel = "gpt-4o-mini-2024-07-18";
    r.responseId = "chatcmpl-123";
    r.finishReasons = List.of("stop", "length");
    r.inputTokens = 120L;
    r.outputTokens = 30L;
    r.cacheReadTokens = 100L;
    r.cacheCreationTokens = 5L;
    r.cacheCreation5mTokens = 2L;
    r.cacheCreation1hTokens = 3L;
    r.reasoningTokens = 7L;
    r.embeddingDimensions = 1536L;
    r.responseServiceTier = "default";
    r.systemFingerprint = "fp_abc";
    r.rateLimitRequests = 10_000L;
    r.rateLimitRemainingRequests = 9_999L;
    r.rateLimitTokens = 30_000_000L;
    r.rateLimitRemainingTokens = 29_999_850L;
    r.userId = "alice";
    r.sessionId = "sess-1";
    r.sessionPath = "/plan/step-1";
    r.sessionName = "Trip planner";
    r.properties.put("Environment", "prod");
    r.properties.put("TEAM", "search");
    r.costUsd = 0.0000375;
    r.pricingModel = "gpt-4o-mini";
    r.inputMessages = "[{\"role\":\"user\"}]";
    r.outputMessages = "[{\"role\":\"assistant\"}]";
    r.systemInstructions = "[{\"type\":\"text\"}]";
    r.warn("something odd");
    return r;
  }

  static CallRecord minimal() {
    CallRecord r = new CallRecord();
    r.operation = "chat";
    r.provider = "openai";
    return r;
  }

  private static Map<String, Object> asMap(Attributes a) {
    Map<String, Object> m = new HashMap<>();
    a.forEach((k, v) -> m.put(k.getKey(), v));
    return m;
  }

  @Test
  void spanName() {
    CallRecord r = minimal();
    assertThat(CallAttributes.spanName(r)).isEqualTo("chat");

    r.responseModel = "gpt-4o-2024-08-06";
    assertThat(CallAttributes.spanName(r)).isEqualTo("chat gpt-4o-2024-08-06");

    r.requestModel = "gpt-4o";
    assertThat(CallAttributes.spanName(r)).as("the requested model wins").isEqualTo("chat gpt-4o");
  }

  @Test
  void startAttributes() {
    assertThat(asMap(CallAttributes.start(full()))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "gen_ai.operation.name", "chat",
        "gen_ai.provider.name", "openai",
        "gen_ai.request.model", "gpt-4o-mini",
        "server.address", "api.openai.com",
        "server.port", 443L));
  }

  @Test
  void startAttributesLeaveUnknownsOut() {
    CallRecord r = minimal();
    r.serverPort = 8080; // no address: no port either
    assertThat(asMap(CallAttributes.start(r))).containsOnlyKeys("gen_ai.operation.name", "gen_ai.provider.name");

    r.serverAddress = "localhost";
    r.serverPort = -1;
    assertThat(asMap(CallAttributes.start(r))).containsOnlyKeys("gen_ai.operation.name", "gen_ai.provider.name",
        "server.address");
  }

  @Test
  void endAttributesOfAFullRecord() {
    Map<String, Object> expected = new HashMap<>();
    expected.put("gen_ai.request.stream", true);
    expected.put("gen_ai.request.temperature", 0.7);
    expected.put("gen_ai.request.top_p", 0.9);
    expected.put("gen_ai.request.top_k", 40.0);
    expected.put("gen_ai.request.max_tokens", 256L);
    expected.put("gen_ai.request.seed", 42L);
    expected.put("gen_ai.request.frequency_penalty", 0.1);
    expected.put("gen_ai.request.presence_penalty", 0.2);
    expected.put("gen_ai.request.stop_sequences", List.of("END", "STOP"));
    expected.put("gen_ai.request.choice.count", 2L);
    expected.put("gen_ai.request.encoding_formats", List.of("float"));
    expected.put("openai.request.service_tier", "auto");
    expected.put("http.response.status_code", 200L);
    expected.put("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
    expected.put("gen_ai.response.id", "chatcmpl-123");
    expected.put("gen_ai.response.finish_reasons", List.of("stop", "length"));
    expected.put("gen_ai.usage.input_tokens", 120L);
    expected.put("gen_ai.usage.output_tokens", 30L);
    expected.put("gen_ai.usage.cache_read.input_tokens", 100L);
    expected.put("gen_ai.usage.cache_creation.input_tokens", 5L);
    expected.put("tollgate.usage.cache_creation.ephemeral_5m_input_tokens", 2L);
    expected.put("tollgate.usage.cache_creation.ephemeral_1h_input_tokens", 3L);
    expected.put("gen_ai.usage.reasoning.output_tokens", 7L);
    expected.put("gen_ai.embeddings.dimension.count", 1536L);
    expected.put("openai.response.service_tier", "default");
    expected.put("openai.response.system_fingerprint", "fp_abc");
    expected.put("gen_ai.response.time_to_first_chunk", 0.2);
    expected.put("tollgate.ratelimit.limit_requests", 10_000L);
    expected.put("tollgate.ratelimit.remaining_requests", 9_999L);
    expected.put("tollgate.ratelimit.limit_tokens", 30_000_000L);
    expected.put("tollgate.ratelimit.remaining_tokens", 29_999_850L);
    expected.put("user.id", "alice");
    expected.put("session.id", "sess-1");
    expected.put("tollgate.session.path", "/plan/step-1");
    expected.put("tollgate.session.name", "Trip planner");
    expected.put("tollgate.property.environment", "prod");
    expected.put("tollgate.property.team", "search");
    expected.put("tollgate.cost.usd", 0.0000375);
    expected.put("tollgate.pricing.model", "gpt-4o-mini");
    expected.put("gen_ai.input.messages", "[{\"role\":\"user\"}]");
    expected.put("gen_ai.output.messages", "[{\"role\":\"assistant\"}]");
    expected.put("gen_ai.system_instructions", "[{\"type\":\"text\"}]");
    expected.put("tollgate.warnings", List.of("something odd"));

    assertThat(asMap(CallAttributes.end(full()))).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void errorType() {
    CallRecord r = full();
    r.statusCode = 429;
    r.errorType = "429";
    Attributes a = CallAttributes.end(r);
    assertThat(a.get(AttributeKey.stringKey("error.type"))).isEqualTo("429");
    assertThat(a.get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(429L);
  }

  @Test
  void endAttributesOfAMinimalRecordAreEmpty() {
    assertThat(CallAttributes.end(minimal()).isEmpty()).isTrue();
  }

  @Test
  void choiceCountOnlyWhenNotOne() {
    CallRecord r = minimal();
    r.choiceCount = 1L;
    assertThat(CallAttributes.end(r).get(GenAiAttributes.REQUEST_CHOICE_COUNT)).isNull();
    r.choiceCount = 3L;
    assertThat(CallAttributes.end(r).get(GenAiAttributes.REQUEST_CHOICE_COUNT)).isEqualTo(3L);
  }

  @Test
  void streamOnlyWhenTrue() {
    CallRecord r = minimal();
    r.stream = false;
    assertThat(CallAttributes.end(r).get(GenAiAttributes.REQUEST_STREAM)).isNull();
    r.stream = true;
    assertThat(CallAttributes.end(r).get(GenAiAttributes.REQUEST_STREAM)).isTrue();
  }

  @Test
  void timeToFirstChunkOnlyForStreams() {
    CallRecord r = full();
    r.stream = null;
    assertThat(CallAttributes.end(r).get(GenAiAttributes.RESPONSE_TIME_TO_FIRST_CHUNK)).isNull();
    r.stream = false;
    assertThat(CallAttributes.end(r).get(GenAiAttributes.RESPONSE_TIME_TO_FIRST_CHUNK)).isNull();
    r.stream = true;
    r.firstChunkNanos = 0; // no chunk arrived
    assertThat(CallAttributes.end(r).get(GenAiAttributes.RESPONSE_TIME_TO_FIRST_CHUNK)).isNull();
  }

  @Test
  void zeroCostIsPresentAndNullCostAbsent() {
    CallRecord r = minimal();
    r.costUsd = 0.0;
    assertThat(CallAttributes.end(r).get(GenAiAttributes.COST_USD)).isEqualTo(0.0);

    r.costUsd = null;
    assertThat(CallAttributes.end(r).get(GenAiAttributes.COST_USD)).isNull();
  }

  @Test
  void emptyListsAreLeftOut() {
    CallRecord r = minimal();
    r.finishReasons = List.of();
    r.stopSequences = List.of();
    assertThat(CallAttributes.end(r).isEmpty()).isTrue();
  }

  @Test
  void metricBase() {
    assertThat(asMap(CallAttributes.metricBase(full()).build())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "gen_ai.operation.name", "chat",
        "gen_ai.provider.name", "openai",
        "gen_ai.request.model", "gpt-4o-mini",
        "gen_ai.response.model", "gpt-4o-mini-2024-07-18",
        "server.address", "api.openai.com",
        "server.port", 443L));
  }
}
