package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.SampleApp;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The gateway policies through plain HttpURLConnection and Spring's RestTemplate over it, with the checks of
 * {@link CachePolicyTest}, {@link RetryPolicyTest} and {@link FallbackPolicyTest}.
 */
class UrlConnectionPolicyTest extends PolicyItBase {

  @Test
  void repeatedChatIsServedFromTheCache() {
    CachePolicyTest.checkTwice(SampleApp.urlConnection(), "cache", ExpectedCall.CHAT,
        List.of(CachePolicyTest.MISS_LINE, CachePolicyTest.HIT_LINE));
  }

  @Test
  void restTemplateChatIsServedFromTheCache() {
    CachePolicyTest.checkTwice(SampleApp.urlConnection(), "resttemplate-cache", ExpectedCall.CHAT,
        List.of(CachePolicyTest.MISS_LINE, CachePolicyTest.HIT_LINE));
  }

  @Test
  void restTemplateRateLimitedOnceThenServed() {
    RetryPolicyTest.checkRetriedAfterOneSecond(SampleApp.urlConnection(), "resttemplate-retry");
  }

  @Test
  void repeatedStreamIsReplayedFromTheCache() {
    CachePolicyTest.checkTwice(SampleApp.urlConnection(), "cache-stream", ExpectedCall.CHAT_STREAM,
        List.of(CachePolicyTest.MISS_LINE, CachePolicyTest.HIT_LINE));
  }

  @Test
  void rateLimitedOnceThenServed() {
    RetryPolicyTest.checkRetriedAfterOneSecond(SampleApp.urlConnection(), "retry");
  }

  @Test
  void unavailableModelFallsBack() {
    FallbackPolicyTest.checkFellBack(SampleApp.urlConnection(), "fallback", UnaryOperator.identity(), "");
  }
}
