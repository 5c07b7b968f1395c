package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.SampleApp;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plain OkHttp (execute, streamed body source, enqueue): with the 4.x jars it was built with, with
 * OkHttp 5.x jars instead, and loaded from a child class loader as in a fat jar.
 */
class OkHttpAppTest extends ItBase {

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("chat", ExpectedCall.CHAT),
        Arguments.of("stream", ExpectedCall.CHAT_STREAM),
        Arguments.of("async", ExpectedCall.CHAT));
  }

  @ParameterizedTest(name = "okhttp 4: {0}")
  @MethodSource("scenarios")
  void okhttp4(String scenario, ExpectedCall call) {
    checkLlmScenario(SampleApp.okHttp(), scenario, "OkHttpAppTest-" + scenario, call);
  }

  static Stream<Arguments> okhttp5Scenarios() {
    return Stream.of(
        Arguments.of("chat", ExpectedCall.CHAT),
        Arguments.of("stream", ExpectedCall.CHAT_STREAM));
  }

  @ParameterizedTest(name = "okhttp 5: {0}")
  @MethodSource("okhttp5Scenarios")
  void okhttp5(String scenario, ExpectedCall call) {
    checkLlmScenario(SampleApp.okHttp5(), scenario, "OkHttpAppTest-okhttp5-" + scenario, call);
    // and it really was OkHttp 5 on the wire
    org.assertj.core.api.Assertions.assertThat(baseline(SampleApp.okHttp5(), scenario).join().requests().get(0)
        .firstHeader("User-Agent")).startsWith("okhttp/5.");
  }

  /** OkHttp only in a child URLClassLoader (platform parent), as in a Spring Boot fat jar. */
  @Test
  void childClassLoader() {
    checkLlmScenario(SampleApp.okHttpChildLoader(), "chat", "OkHttpAppTest-childloader", ExpectedCall.CHAT);
  }
}
