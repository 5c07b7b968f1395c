package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.PolicyStubs;
import dev.tollgate.it.support.SampleApp;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring AI 1.1.2's ChatClient over its OpenAI model in a Spring Boot 3.5.7 application, with and
 * without the agent: plain calls go through Spring's RestClient, streams through WebClient, both
 * over the JDK HttpClient (what Boot picks when, as with this starter, no other client library is
 * on the class path).
 *
 * <p>The app exits as soon as its one call is done, seconds into a Boot start-up that competes
 * with the agent's warm-up (building the OpenTelemetry SDK) for the CPU. On a loaded machine
 * the warm-up was once still running when the default {@code tollgate.shutdown-timeout} (1 s) at
 * exit ran out, and the span was lost; these runs allow the exit 10 s, so what they prove is
 * what was observed, not how fast a starved JVM exports.
 */
class SpringAiAppTest extends SdkAppItBase {
  static final UnaryOperator<AppRunner> ALLOW_EXPORT_AT_EXIT = r -> r.sysProp("tollgate.shutdown-timeout", "10s");

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("chat", ExpectedCall.CHAT),
        Arguments.of("stream", ExpectedCall.CHAT_STREAM),
        // the Helicone headers set once by configuration (spring.ai.openai.chat.options.http-headers)
        Arguments.of("properties", ExpectedCall.CHAT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(String scenario, ExpectedCall call) {
    checkLlmScenario(SampleApp.springAi(), scenario, "SpringAiAppTest-" + scenario, call, ALLOW_EXPORT_AT_EXIT);
  }

  @Test
  void bootPicksTheJdkHttpClientForRestClientAndWebClient() {
    AppRun plain = baseline(SampleApp.springAi(), "chat").join().app();
    assertExitedCleanly(plain);
    assertThat(plain.stderr()).as("the client builders Boot auto-configured, as the app reports them\n" + plain.describe())
        .contains("http-client: RestClient over JdkClientHttpRequestFactoryBuilder, WebClient over JdkClientHttpConnectorBuilder");
  }

  @Test
  void repeatedChatIsServedFromTheCache() {
    checkCacheHit(SampleApp.springAi(), "cache", PolicyStubs.CHAT_PATH, ExpectedCall.CHAT, ALLOW_EXPORT_AT_EXIT);
  }

  @Test
  void chatRateLimitedOnceThenServed() {
    checkRetry(SampleApp.springAi(), "retry", PolicyStubs.CHAT_PATH, ExpectedCall.CHAT, rateLimited(PolicyStubs.RATE_LIMIT_BODY),
        ALLOW_EXPORT_AT_EXIT);
  }
}
