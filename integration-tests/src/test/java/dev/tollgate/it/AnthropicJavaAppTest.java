package dev.tollgate.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.Attrs;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.Recording;
import dev.tollgate.it.support.SampleApp;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The official anthropic-java SDK (OkHttp 4 underneath), with and without the agent. */
class AnthropicJavaAppTest extends SdkAppItBase {
  static final String PATH = FakeProvider.ANTHROPIC_PATH;

  @Test
  void messages() {
    checkLlmScenario(SampleApp.anthropicJava(), "messages", "AnthropicJavaAppTest-messages", ExpectedCall.ANTHROPIC_MESSAGES);
  }

  @Test
  void stream() {
    checkLlmScenario(SampleApp.anthropicJava(), "stream", "AnthropicJavaAppTest-stream", ExpectedCall.ANTHROPIC_STREAM);
  }

  @Test
  void repeatedMessageIsServedFromTheCache() {
    checkCacheHit(SampleApp.anthropicJava(), "cache", PATH, ExpectedCall.ANTHROPIC_MESSAGES);
  }

  @Test
  void rateLimitedOnceThenServed() {
    checkRetry(SampleApp.anthropicJava(), "retry", PATH, ExpectedCall.ANTHROPIC_MESSAGES, rateLimited(ANTHROPIC_RATE_LIMIT_BODY));
  }

  @Test
  void unavailableModelFallsBack() {
    checkFallback(SampleApp.anthropicJava(), "fallback", PATH, anthropicModelUnavailable("claude-opus-4-20250514"),
        ExpectedCall.ANTHROPIC_MESSAGES.withRequestModel("claude-opus-4-20250514"), "claude-sonnet-4-20250514",
        bodyModel("claude-opus-4-20250514", "claude-sonnet-4-20250514"));
  }

  /**
   * The recorded answer with cache writes split by lifetime (its {@code usage.cache_creation} object
   * has zeros; here 500 tokens for 5 minutes and 1000 for an hour): the span carries the split and
   * the cost charges each at its own price from the bundled table (claude-sonnet-4: $3.75/M and $6/M).
   */
  @Test
  void cacheWritesArePricedByLifetime() {
    Recording recorded = Recording.ANTHROPIC_MESSAGES;
    String body = recorded.body()
        .replace("\"cache_creation_input_tokens\": 0", "\"cache_creation_input_tokens\": 1500")
        .replace("\"ephemeral_5m_input_tokens\": 0", "\"ephemeral_5m_input_tokens\": 500")
        .replace("\"ephemeral_1h_input_tokens\": 0", "\"ephemeral_1h_input_tokens\": 1000");
    assertThat(body).as("the recording has the cache_creation split (harness sanity)").contains("\"ephemeral_1h_input_tokens\": 1000")
        .contains("\"cache_creation_input_tokens\": 1500");
    var split = aResponse().withStatus(200).withBody(body);
    recorded.headers().forEach(split::withHeader);
    PolicyRun agent = underAgent(SampleApp.anthropicJava(), "messages", "AnthropicJavaAppTest-cache-write-split",
        provider -> provider.stubFor(post(urlPathEqualTo(PATH)).atPriority(1).willReturn(split)));
    assertExitedCleanly(agent.app());
    assertThat(agent.app().stdout()).as("the SDK parsed the answer").contains("cache_creation=1500");

    ReceivedSpan span = awaitOneSpan(agent.app());
    Attrs a = span.attrs();
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(a.lng("gen_ai.usage.input_tokens")).as("input = 13 + 0 read + 1500 written").isEqualTo(1513L);
    soft.assertThat(a.lng("gen_ai.usage.cache_creation.input_tokens")).as("gen_ai.usage.cache_creation.input_tokens").isEqualTo(1500L);
    soft.assertThat(a.lng("tollgate.usage.cache_creation.ephemeral_5m_input_tokens")).as("5 m writes").isEqualTo(500L);
    soft.assertThat(a.lng("tollgate.usage.cache_creation.ephemeral_1h_input_tokens")).as("1 h writes").isEqualTo(1000L);
    soft.assertThat(a.str("tollgate.pricing.model")).as("tollgate.pricing.model").isEqualTo("claude-sonnet-4-20250514");
    soft.assertThat(a.dbl("tollgate.cost.usd")).as("tollgate.cost.usd")
        .isCloseTo(13 * 3e-06 + 500 * 3.75e-06 + 1000 * 6e-06 + 5 * 1.5e-05, Offset.offset(1e-12));
    report(soft, "in " + span);
  }
}
