package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.SampleApp;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring 7.0 WebClient over Reactor Netty (chat through {@code retrieve().toEntity}, the SSE
 * stream through {@code toEntityFlux}/{@code bodyToFlux}) and RestClient over
 * {@code ReactorClientHttpRequestFactory} (chat, the stream read line by line from the body's
 * InputStream), with and without the agent: same stdout, same requests minus the gateway headers,
 * exactly one span per call with tokens and cost; a paced stream reaches the app event by event;
 * non-LLM requests through both pass untouched.
 */
class SpringWebClientAppTest extends ItBase {

  static Stream<Arguments> scenarios() {
    return Stream.of(
        Arguments.of("chat", ExpectedCall.CHAT),
        Arguments.of("stream", ExpectedCall.CHAT_STREAM),
        Arguments.of("restclient", ExpectedCall.CHAT),
        Arguments.of("restclient-stream", ExpectedCall.CHAT_STREAM));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(String scenario, ExpectedCall call) {
    checkLlmScenario(SampleApp.springWebClient(), scenario, "SpringWebClientAppTest-" + scenario, call);
  }

  @Test
  void nonLlmRequestsPassThroughUntouched() {
    new NonLlmRequestTest().passesThroughUntouched(SampleApp.springWebClient());
  }

  @Test
  void streamedEventsReachTheAppAsTheyAreSent() throws Exception {
    new PacedStreamTest().chunksArriveAsTheyAreSent(SampleApp.springWebClient(), "stream");
  }
}
