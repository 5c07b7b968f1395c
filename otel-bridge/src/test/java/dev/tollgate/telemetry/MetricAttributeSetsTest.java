package dev.tollgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class MetricAttributeSetsTest {
  private static CallRecord call(String model, int status, String errorType) {
    CallRecord r = new CallRecord();
    r.operation = "chat";
    r.provider = "openai";
    r.requestModel = model;
    r.responseModel = model + "-2024-08-06";
    r.serverAddress = "api.openai.com";
    r.serverPort = 443;
    r.statusCode = status;
    r.errorType = errorType;
    return r;
  }

  @Test
  void callsWithTheSameValuesShareOneInstanceOfEachSet() {
    MetricAttributeSets sets = new MetricAttributeSets(MetricDimensions.none());
    MetricAttributeSets.Sets a = sets.of(call("gpt-4o", 200, null));
    MetricAttributeSets.Sets b = sets.of(call("gpt-4o", 200, null));
    assertThat(b).isSameAs(a);
    assertThat(a.base.get(GenAiAttributes.RESPONSE_MODEL)).isEqualTo("gpt-4o-2024-08-06");
    assertThat(a.base.get(GenAiAttributes.SERVER_PORT)).isEqualTo(443L);
    assertThat(a.inputTokens.get(GenAiAttributes.TOKEN_TYPE)).isEqualTo("input");
    assertThat(a.outputTokens.get(GenAiAttributes.TOKEN_TYPE)).isEqualTo("output");
    assertThat(a.duration).isSameAs(a.base);
    assertThat(a.requests.get(GenAiAttributes.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
    assertThat(a.requests.get(GenAiAttributes.RESPONSE_MODEL)).isNull();
    assertThat(a.limitTokens.get(GenAiAttributes.RATELIMIT_UNIT)).isEqualTo("tokens");
  }

  @Test
  void anyDifferingValueGivesItsOwnSets() {
    MetricAttributeSets sets = new MetricAttributeSets(MetricDimensions.none());
    MetricAttributeSets.Sets ok = sets.of(call("gpt-4o", 200, null));
    MetricAttributeSets.Sets failed = sets.of(call("gpt-4o", 429, "429"));
    MetricAttributeSets.Sets other = sets.of(call("gpt-4o-mini", 200, null));
    assertThat(failed).isNotSameAs(ok);
    assertThat(failed.duration.get(GenAiAttributes.ERROR_TYPE)).isEqualTo("429");
    assertThat(failed.base.get(GenAiAttributes.ERROR_TYPE)).isNull();
    assertThat(other.base.get(GenAiAttributes.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
    CallRecord hit = call("gpt-4o", 200, null);
    hit.cacheStatus = "hit";
    assertThat(sets.of(hit).requests.get(GenAiAttributes.CACHE_STATUS)).isEqualTo("hit");
    assertThat(sets.size()).isEqualTo(4);
  }

  @Test
  void configuredDimensionsAreSeparateCombinations() {
    MetricAttributeSets sets = new MetricAttributeSets(MetricDimensions.of("user.id", 10, new ArrayList<>()));
    CallRecord alice = call("gpt-4o", 200, null);
    alice.userId = "alice";
    CallRecord bob = call("gpt-4o", 200, null);
    bob.userId = "bob";
    assertThat(sets.of(alice).base.get(GenAiAttributes.USER_ID)).isEqualTo("alice");
    assertThat(sets.of(bob).requests.get(GenAiAttributes.USER_ID)).isEqualTo("bob");
    assertThat(sets.of(bob)).isNotSameAs(sets.of(alice));
  }

  @Test
  void anUnusualSpreadOfValuesIsBoundedByStartingAfresh() {
    MetricAttributeSets sets = new MetricAttributeSets(MetricDimensions.none());
    for (int i = 0; i < MetricAttributeSets.MAX_COMBINATIONS + 10; i++) {
      sets.of(call("model-" + i, 200, null));
    }
    assertThat(sets.size()).isLessThanOrEqualTo(MetricAttributeSets.MAX_COMBINATIONS);
    assertThat(sets.of(call("model-x", 200, null)).base.get(GenAiAttributes.REQUEST_MODEL)).isEqualTo("model-x");
  }
}
