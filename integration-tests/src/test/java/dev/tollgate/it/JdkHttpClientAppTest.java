package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.SampleApp;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Plain java.net.http.HttpClient (send, ofLines streaming, sendAsync), with and without the agent. */
class JdkHttpClientAppTest extends ItBase {

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("chat", ExpectedCall.CHAT),
        Arguments.of("stream", ExpectedCall.CHAT_STREAM),
        Arguments.of("async", ExpectedCall.CHAT),
        Arguments.of("embeddings", ExpectedCall.EMBEDDINGS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(String scenario, ExpectedCall call) {
    checkLlmScenario(SampleApp.jdkHttpClient(), scenario, "JdkHttpClientAppTest-" + scenario, call);
  }
}
