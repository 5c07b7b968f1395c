package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.SampleApp;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The official openai-java SDK (OkHttp 4 underneath), every scenario, with and without the agent. */
class OpenAiJavaAppTest extends ItBase {

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("chat", ExpectedCall.CHAT),
        Arguments.of("stream", ExpectedCall.CHAT_STREAM),
        Arguments.of("async", ExpectedCall.CHAT),
        Arguments.of("embeddings", ExpectedCall.EMBEDDINGS),
        Arguments.of("responses", ExpectedCall.RESPONSES),
        Arguments.of("responses-stream", ExpectedCall.RESPONSES_STREAM));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(String scenario, ExpectedCall call) {
    checkLlmScenario(SampleApp.openAiJava(), scenario, "OpenAiJavaAppTest-" + scenario, call);
  }
}
