package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.SampleApp;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway policies through Spring WebClient over Reactor Netty (scenario prefix "") and
 * RestClient over ReactorClientHttpRequestFactory ("restclient-"), with the same checks as
 * {@link CachePolicyTest}, {@link RetryPolicyTest} and {@link FallbackPolicyTest}.
 */
class SpringReactorPolicyTest extends PolicyItBase {
  private static final SampleApp APP = SampleApp.springWebClient();

  @ParameterizedTest(name = "{0}cache")
  @ValueSource(strings = {"", "restclient-"})
  void repeatedChatIsServedFromTheCache(String client) {
    CachePolicyTest.checkTwice(APP, client + "cache", ExpectedCall.CHAT,
        List.of(CachePolicyTest.MISS_LINE, CachePolicyTest.HIT_LINE));
  }

  @Test
  void repeatedStreamIsReplayedFromTheCache() {
    CachePolicyTest.checkTwice(APP, "cache-stream", ExpectedCall.CHAT_STREAM,
        List.of(CachePolicyTest.MISS_LINE, CachePolicyTest.HIT_LINE));
  }

  @ParameterizedTest(name = "{0}retry")
  @ValueSource(strings = {"", "restclient-"})
  void rateLimitedOnceThenServed(String client) {
    RetryPolicyTest.checkRetriedAfterOneSecond(APP, client + "retry");
  }

  @ParameterizedTest(name = "{0}fallback")
  @ValueSource(strings = {"", "restclient-"})
  void unavailableModelFallsBack(String client) {
    FallbackPolicyTest.checkFellBack(APP, client + "fallback", UnaryOperator.identity(), "");
  }

  @Test
  void fallbacksHeaderSwitchesEndpoint() {
    FallbackPolicyTest.checkFallbacksSwitchEndpoint(APP);
  }
}
