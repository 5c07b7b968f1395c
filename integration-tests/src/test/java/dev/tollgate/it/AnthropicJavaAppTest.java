package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.SampleApp;
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
}
