package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.SampleApp;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plain Apache HttpClient 5.6 (classic execute with a response handler, the entity's stream read
 * line by line, the async client with a whole-body and a streaming consumer) and 4.5 (execute, streamed entity), with and without the agent;
 * and their non-LLM requests, untouched.
 */
class ApacheHttpClientAppTest extends ItBase {

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of(SampleApp.apache5(), "chat", ExpectedCall.CHAT),
        Arguments.of(SampleApp.apache5(), "stream", ExpectedCall.CHAT_STREAM),
        Arguments.of(SampleApp.apache5(), "async", ExpectedCall.CHAT),
        Arguments.of(SampleApp.apache5(), "async-stream", ExpectedCall.CHAT_STREAM),
        Arguments.of(SampleApp.apache4(), "chat", ExpectedCall.CHAT),
        Arguments.of(SampleApp.apache4(), "stream", ExpectedCall.CHAT_STREAM));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("scenarios")
  void scenario(SampleApp app, String scenario, ExpectedCall call) {
    checkLlmScenario(app, scenario, "ApacheHttpClientAppTest-" + app.label() + "-" + scenario, call);
  }

  static Stream<SampleApp> apps() {
    return Stream.of(SampleApp.apache5(), SampleApp.apache4());
  }

  @ParameterizedTest(name = "{0}: non-llm")
  @MethodSource("apps")
  void nonLlmRequestsPassThroughUntouched(SampleApp app) {
    new NonLlmRequestTest().passesThroughUntouched(app);
  }
}
