package dev.tollgate.report;

import dev.tollgate.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportCollectorTest {
  private static final long T0 = 1_735_689_600_000L;
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String HOSTILE = "</script><img src=x onerror=alert(1)>";

  private final ManualClock clock = new ManualClock(T0);
  private final ReportCollector collector = new ReportCollector(clock);

  private JsonNode snapshot() throws Exception {
    return JSON.readTree(collector.snapshotJson("my-service", 300_000));
  }

  @Test
  void totalsTokensCacheAndFirstChunkAddUp() throws Exception {
    CallRecord a = Calls.call(T0, "gpt-4o-mini", "alice", 0.0000051, 300);
    a.cacheReadTokens = 4L;
    a.cacheStatus = "miss";
    CallRecord hit = Calls.call(T0 + 1_000, "gpt-4o-mini", "alice", 0.0, 2);
    hit.cacheStatus = "hit";
    hit.cacheSavedUsd = 0.0000051;
    CallRecord stream = Calls.call(T0 + 2_000, "gpt-4o", "bob", 0.0001, 900);
    stream.stream = true;
    stream.firstChunkNanos = stream.startNanos + 250_000_000L;
    CallRecord failed = Calls.call(T0 + 3_000, "gpt-4o", "bob", null, 50);
    failed.statusCode = 503;
    failed.errorType = "503";
    failed.inputTokens = null;
    failed.outputTokens = null;
    for (CallRecord r : List.of(a, hit, stream, failed)) {
      collector.record(r);
    }
    clock.advance(10_000);

    JsonNode s = snapshot();
    JsonNode t = s.get("totals");
    assertThat(t.get("requests").asLong()).isEqualTo(4);
    assertThat(t.get("errors").asLong()).isEqualTo(1);
    assertThat(t.get("priced").asLong()).isEqualTo(3);
    assertThat(t.get("cost").asDouble()).isCloseTo(0.0001051, within(1e-12));
    assertThat(t.get("inputTokens").asLong()).isEqualTo(60);
    assertThat(t.get("outputTokens").asLong()).isEqualTo(15);
    assertThat(t.get("cachedTokens").asLong()).isEqualTo(4);
    assertThat(t.get("cacheHits").asLong()).isEqualTo(1);
    assertThat(t.get("cacheMisses").asLong()).isEqualTo(1);
    assertThat(t.get("saved").asDouble()).isEqualTo(0.0000051);
    assertThat(t.get("latency").get("count").asLong()).isEqualTo(4);
    assertThat(t.get("firstChunk").get("count").asLong()).isEqualTo(1);
    assertThat(t.get("firstChunk").get("p50").asDouble()).isEqualTo(250.0);

    assertThat(s.get("service").asText()).isEqualTo("my-service");
    assertThat(s.get("generatedAt").asLong()).isEqualTo(T0 + 10_000);
    assertThat(s.get("startedAt").asLong()).isEqualTo(T0);
    JsonNode models = s.get("models");
    assertThat(models).hasSize(2);
    assertThat(models.get(0).get("key").asText()).isEqualTo("gpt-4o");
    assertThat(models.get(0).get("totals").get("errors").asLong()).isEqualTo(1);
    assertThat(models.get(0).get("totals").get("latency").get("p99").asDouble()).isCloseTo(900, within(900 * 0.025));
    assertThat(models.get(1).get("totals").has("firstChunk")).as("no stream of gpt-4o-mini").isFalse();
    assertThat(s.get("users").get(0).get("key").asText()).isEqualTo("bob");
    JsonNode series = s.get("series");
    assertThat(series).hasSize(1);
    assertThat(series.get(0).get("requests").asLong()).isEqualTo(4);
    assertThat(series.get(0).get("byModel").get("gpt-4o").asDouble()).isEqualTo(0.0001);
  }

  @Test
  void percentilesByModel() throws Exception {
    for (int ms = 1; ms <= 100; ms++) {
      collector.record(Calls.call(T0, "gpt-4o-mini", "u", 0.001, ms * 10L));
    }
    JsonNode latency = snapshot().get("models").get(0).get("totals").get("latency");
    assertThat(latency.get("p50").asDouble()).isCloseTo(500, within(500 * 0.025));
    assertThat(latency.get("p95").asDouble()).isCloseTo(950, within(950 * 0.025));
    assertThat(latency.get("p99").asDouble()).isCloseTo(990, within(990 * 0.025));
  }

  @Test
  void topUsersWithOtherAndBoundedMemory() throws Exception {
    for (int i = 0; i < 5_000; i++) {
      collector.record(Calls.call(T0, "gpt-4o-mini", "user-" + i, 0.001, 100));
    }
    for (int i = 0; i < 20; i++) {
      collector.record(Calls.call(T0, "gpt-4o", "whale", 0.5, 100));
    }
    assertThat(collector.usersKept()).isLessThanOrEqualTo(ReportCollector.USERS_KEPT);
    JsonNode users = snapshot().get("users");
    assertThat(users).hasSize(ReportCollector.SHOWN + 1);
    assertThat(users.get(0).get("key").asText()).isEqualTo("whale");
    assertThat(users.get(0).get("totals").get("cost").asDouble()).isCloseTo(10.0, within(1e-9));
    JsonNode other = users.get(ReportCollector.SHOWN);
    assertThat(other.get("other").asBoolean()).isTrue();
    long requests = 0;
    for (JsonNode u : users) {
      requests += u.get("totals").get("requests").asLong();
    }
    assertThat(requests).as("every call is in one row").isEqualTo(5_020);
  }

  @Test
  void manyModelsAndPropertyNamesStayBounded() throws Exception {
    for (int i = 0; i < 500; i++) {
      CallRecord r = Calls.call(T0, "model-" + i, null, 0.01, 100);
      r.properties.put("name-" + i, "v");
      r.properties.put("feature", "f-" + (i % 300));
      collector.record(r);
    }
    assertThat(collector.modelsKept()).isLessThanOrEqualTo(ReportCollector.MODELS_KEPT);
    assertThat(collector.propertyNamesKept()).isLessThanOrEqualTo(ReportCollector.PROPERTY_NAMES_KEPT);
    JsonNode s = snapshot();
    assertThat(s.get("propertyNamesIgnored").asLong()).isPositive();
    JsonNode feature = null;
    for (JsonNode p : s.get("properties")) {
      if (p.get("name").asText().equals("feature")) {
        feature = p;
      }
    }
    assertThat(feature).isNotNull();
    assertThat(feature.get("rows")).hasSize(ReportCollector.SHOWN + 1);
    assertThat(s.get("users").get(0).get("key").asText()).as("a call without a user").isEmpty();
  }

  @Test
  void aDayOfCallsEveryMinuteKeepsBoundedBuckets() {
    for (int i = 0; i < 3 * 24 * 60; i++) {
      clock.advance(60_000);
      collector.record(Calls.call(clock.millis(), "m", "u", 0.001, 100));
    }
    assertThat(collector.bucketsKept()).isLessThanOrEqualTo(24 * 60 + 1 + 30 * 24 + 1);
  }

  @Test
  void theMostExpensiveCallsAreKeptTenMostCostlyFirstWithoutContent() throws Exception {
    List<Double> costs = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      CallRecord r = Calls.call(T0 + i, "gpt-4o", "u" + i, i / 100.0, 100);
      r.inputMessages = "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"SECRET PROMPT\"}]}]";
      r.outputMessages = "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"SECRET ANSWER\"}]}]";
      r.captureInput = true;
      r.captureOutput = true;
      collector.record(r);
      costs.add(i / 100.0);
    }
    String json = collector.snapshotJson(null, 0);
    JsonNode expensive = JSON.readTree(json).get("mostExpensive");
    assertThat(expensive).hasSize(ReportCollector.MOST_EXPENSIVE_KEPT);
    assertThat(expensive.get(0).get("cost").asDouble()).isEqualTo(0.30);
    assertThat(expensive.get(0).get("user").asText()).isEqualTo("u30");
    assertThat(expensive.get(9).get("cost").asDouble()).isEqualTo(0.21);
    assertThat(json).doesNotContain("SECRET");
  }

  @Test
  void hostileNamesCannotCloseTheScriptElement() throws Exception {
    CallRecord r = Calls.call(T0, "gpt-4o-mini" + HOSTILE, HOSTILE, 0.01, 100);
    r.properties.put(HOSTILE, HOSTILE + "\u2028'\"&\\");
    collector.record(r);
    String json = collector.snapshotJson(HOSTILE, 0);

    assertThat(json).doesNotContain("<").doesNotContain(">").doesNotContain("&").doesNotContain("'")
        .doesNotContain("\u2028");
    assertThat(json).contains("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e");
    JsonNode s = JSON.readTree(json);
    assertThat(s.get("users").get(0).get("key").asText()).as("the value survives, escaped").isEqualTo(HOSTILE);
    assertThat(s.get("properties").get(0).get("rows").get(0).get("key").asText()).isEqualTo(HOSTILE + "\u2028'\"&\\");
    assertThat(s.get("service").asText()).isEqualTo(HOSTILE);
  }

  @Test
  void emptyCollectorIsValidJson() throws Exception {
    JsonNode s = JSON.readTree(collector.snapshotJson(null, 0));
    assertThat(s.get("totals").get("requests").asLong()).isZero();
    assertThat(s.get("series")).isEmpty();
    assertThat(s.get("models")).isEmpty();
    assertThat(s.get("service").isNull()).isTrue();
  }
}
