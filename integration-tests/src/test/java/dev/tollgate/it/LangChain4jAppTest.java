package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.PolicyStubs;
import dev.tollgate.it.support.SampleApp;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** LangChain4j's OpenAI and Anthropic chat models (the JDK HttpClient underneath), with and without the agent. */
class LangChain4jAppTest extends SdkAppItBase {

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("openai-chat", ExpectedCall.CHAT),
        Arguments.of("openai-stream", ExpectedCall.CHAT_STREAM),
        Arguments.of("anthropic-chat", ExpectedCall.ANTHROPIC_MESSAGES),
        Arguments.of("anthropic-stream", ExpectedCall.ANTHROPIC_STREAM));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(String scenario, ExpectedCall call) {
    checkLlmScenario(SampleApp.langChain4j(), scenario, "LangChain4jAppTest-" + scenario, call);
  }

  @Test
  void repeatedAnthropicChatIsServedFromTheCache() {
    checkCacheHit(SampleApp.langChain4j(), "anthropic-cache", FakeProvider.ANTHROPIC_PATH, ExpectedCall.ANTHROPIC_MESSAGES);
  }

  @Test
  void openAiChatRateLimitedOnceThenServed() {
    checkRetry(SampleApp.langChain4j(), "openai-retry", PolicyStubs.CHAT_PATH, ExpectedCall.CHAT,
        rateLimited(PolicyStubs.RATE_LIMIT_BODY));
  }

  @Test
  void openAiUnavailableModelFallsBack() {
    checkFallback(SampleApp.langChain4j(), "openai-fallback", PolicyStubs.CHAT_PATH, PolicyStubs.model("gpt-4o", PolicyStubs.unavailable()),
        ExpectedCall.CHAT.withRequestModel("gpt-4o"), "gpt-4o-mini", bodyModel("gpt-4o", "gpt-4o-mini"));
  }

  @Test
  void anthropicUnavailableModelFallsBack() {
    checkFallback(SampleApp.langChain4j(), "anthropic-fallback", FakeProvider.ANTHROPIC_PATH,
        anthropicModelUnavailable("claude-opus-4-20250514"),
        ExpectedCall.ANTHROPIC_MESSAGES.withRequestModel("claude-opus-4-20250514"), "claude-sonnet-4-20250514",
        bodyModel("claude-opus-4-20250514", "claude-sonnet-4-20250514"));
  }
}
