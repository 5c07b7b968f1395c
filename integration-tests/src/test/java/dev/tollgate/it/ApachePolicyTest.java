package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.SampleApp;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gateway policies through Apache HttpClient 5 classic and 4.5, and the HttpClient 5 async
 * client, with the same checks as {@link CachePolicyTest}, {@link RetryPolicyTest} and
 * {@link FallbackPolicyTest}.
 */
class ApachePolicyTest extends PolicyItBase {

  static Stream<SampleApp> apps() {
    return Stream.of(SampleApp.apache5(), SampleApp.apache4());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void repeatedChatIsServedFromTheCache(SampleApp app) {
    CachePolicyTest.checkTwice(app, "cache", ExpectedCall.CHAT,
        List.of(CachePolicyTest.MISS_LINE, CachePolicyTest.HIT_LINE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void repeatedStreamIsReplayedFromTheCache(SampleApp app) {
    CachePolicyTest.checkTwice(app, "cache-stream", ExpectedCall.CHAT_STREAM,
        List.of(CachePolicyTest.MISS_LINE, CachePolicyTest.HIT_LINE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void rateLimitedOnceThenServed(SampleApp app) {
    RetryPolicyTest.checkRetriedAfterOneSecond(app, "retry");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void unavailableModelFallsBack(SampleApp app) {
    FallbackPolicyTest.checkFellBack(app, "fallback", UnaryOperator.identity(), "");
  }

  @Test
  void asyncRepeatedChatIsServedFromTheCache() {
    CachePolicyTest.checkTwice(SampleApp.apache5(), "async-cache", ExpectedCall.CHAT,
        List.of(CachePolicyTest.MISS_LINE, CachePolicyTest.HIT_LINE));
  }

  /** The stream replayed to the app's streaming consumer (AbstractCharResponseConsumer) as the same SSE lines. */
  @Test
  void asyncRepeatedStreamIsReplayedFromTheCache() {
    CachePolicyTest.checkTwice(SampleApp.apache5(), "async-cache-stream", ExpectedCall.CHAT_STREAM,
        List.of(CachePolicyTest.MISS_LINE, CachePolicyTest.HIT_LINE));
  }

  /** The retry waits on a scheduler: /health calls through the same async client keep being answered meanwhile. */
  @Test
  void asyncRateLimitedOnceThenServedWithoutBlocking() {
    SampleApp app = SampleApp.apache5();
    PolicyRun agent = RetryPolicyTest.checkRetriedAfterOneSecond(app, "async-retry");
    RetryPolicyTest.checkWaitedWithoutBlocking(app, agent, "send-returned-ms");
  }

  @Test
  void asyncUnavailableModelFallsBack() {
    FallbackPolicyTest.checkFellBack(SampleApp.apache5(), "async-fallback", UnaryOperator.identity(), "");
  }
}
