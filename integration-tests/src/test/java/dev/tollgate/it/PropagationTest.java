package dev.tollgate.it;

import static dev.tollgate.it.AppTracesTest.hex;
import static dev.tollgate.it.AppTracesTest.stderrValue;
import static dev.tollgate.it.support.PolicyStubs.firstChats;
import static dev.tollgate.it.support.PolicyStubs.rateLimited;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code tollgate.propagate=true}: the provider receives a W3C {@code traceparent} naming the
 * exported call span (its trace id and span id, byte for byte), on every attempt of a retried
 * call; under an application span the trace is the application's. By default no header is added.
 * The fake provider records what it received; the call spans come from the test OTLP receiver.
 */
class PropagationTest extends PolicyItBase {

  @Test
  void byDefaultNoTraceHeaderIsAdded() {
    PolicyRun run = underAgent(SampleApp.jdkHttpClient(), "retry", "PropagationTest-default", firstChats(rateLimited(1)));
    assertExitedCleanly(run.app());

    assertThat(run.chatRequests()).as("both attempts of the retried call").hasSize(2)
        .allSatisfy(r -> assertThat(r.header("traceparent")).as("traceparent in " + r).isEmpty())
        .allSatisfy(r -> assertThat(r.header("tracestate")).as("tracestate in " + r).isEmpty());
  }

  /** Apps with no OpenTelemetry at all: the call span is a root whose trace id Tollgate chose at call start. */
  static Stream<Arguments> plainApps() {
    return Stream.of(Arguments.of(SampleApp.jdkHttpClient()), Arguments.of(SampleApp.okHttp()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plainApps")
  void withoutAnApplicationSpanBothAttemptsNameTheCallSpanOfATraceOfItsOwn(SampleApp app) {
    PolicyRun run = underAgent(app, "retry", "PropagationTest-root-" + app.label(), firstChats(rateLimited(1)),
        launch -> launch.sysProp("tollgate.propagate", "true"));
    assertExitedCleanly(run.app());
    ReceivedSpan call = awaitOneSpan(run.app());

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(call.span().getParentSpanId()).as("the call span is a root").isEqualTo(ByteString.EMPTY);
    soft.assertThat(call.attrs().lng("tollgate.retry.count")).isEqualTo(1L);
    soft.assertThat(traceparents(run)).as("the traceparent of each attempt (429, then the retry)")
        .containsExactly(traceparentOf(call), traceparentOf(call));
    soft.assertThat(run.chatRequests()).allSatisfy(r -> assertThat(r.header("tracestate")).as("tracestate").isEmpty());
    report(soft, "traceparent without an application span, " + app.label());
  }

  /** The app's own SDK span is current: JDK HttpClient send + sendAsync; OkHttp execute + enqueue. */
  static Stream<Arguments> sdkApps() {
    return Stream.of(Arguments.of(SampleApp.otelSdk(), "checkout"), Arguments.of(SampleApp.otelSdkOkHttp(), "checkout-okhttp"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("sdkApps")
  void underAnApplicationSpanEachRequestNamesItsCallSpanInTheApplicationsTrace(SampleApp app, String scenario) {
    PolicyRun run = run(AppRunner.launch(app, scenario).withAgent(true).testName("PropagationTest-sdk-" + scenario)
        .sysProp("tollgate.propagate", "true").sysProp("tollgate.retry.enabled", "true"), firstChats(rateLimited(1)));
    assertExitedCleanly(run.app());
    String appTraceId = stderrValue(run.app(), "app-trace-id");
    String appSpanId = stderrValue(run.app(), "app-span-id");
    List<ReceivedSpan> calls = awaitSpans(run.app(), 2);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(calls).as("Tollgate's call spans").hasSize(2);
    for (ReceivedSpan call : calls) {
      soft.assertThat(hex(call.span().getTraceId())).as("trace id of " + call).isEqualTo(appTraceId);
      soft.assertThat(hex(call.span().getParentSpanId())).as("parent of " + call).isEqualTo(appSpanId);
    }
    ReceivedSpan retried = calls.stream().filter(c -> Long.valueOf(1L).equals(c.attrs().lng("tollgate.retry.count")))
        .findFirst().orElseThrow(() -> new AssertionError("no retried call among " + calls));
    ReceivedSpan other = calls.stream().filter(c -> c != retried).findFirst().orElseThrow();
    soft.assertThat(traceparents(run)).as("the traceparent of each request: the first call's 429 and retry, then the second call")
        .containsExactly(traceparentOf(retried), traceparentOf(retried), traceparentOf(other));
    report(soft, "traceparent under the application's span, " + scenario);
  }

  /**
   * Beside the OpenTelemetry Java agent, whose HTTP client instrumentation puts its own
   * {@code traceparent} (naming its attempt span, under Tollgate's call span) on each request:
   * that one reaches the provider, alone. JDK HttpClient and OkHttp.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.tollgate.it.AppTracesTest#checkoutServers")
  void besideTheOpenTelemetryJavaAgentItsTraceparentIsTheOneSent(SampleApp app, String scenario) {
    AppTracesTest.JavaAgentRun run = AppTracesTest.checkoutBesideTheJavaAgent(app, scenario, "propagate",
        launch -> launch.sysProp("tollgate.propagate", "true"));
    List<ReceivedSpan> attempts = run.httpClientSpans();

    // the Java agent's flags are sampled and (W3C level 2) random: left out
    assertThat(traceparents(run.policy()).stream().map(t -> t.length() < 3 ? t : t.substring(0, t.length() - 3)).toList())
        .as("the traceparent of each request\n  " + run.shape())
        .containsExactlyElementsOf(attempts.stream()
            .map(a -> "00-" + hex(a.span().getTraceId()) + "-" + hex(a.span().getSpanId())).toList());
  }

  private static List<String> traceparents(PolicyRun run) {
    return run.chatRequests().stream().map(r -> {
      List<String> values = r.header("traceparent").orElse(List.of());
      return values.size() == 1 ? values.get(0) : String.valueOf(values); // never two
    }).toList();
  }

  /** What the provider must have received for this exported span (sampled: Tollgate exported it). */
  private static String traceparentOf(ReceivedSpan call) {
    return "00-" + hex(call.span().getTraceId()) + "-" + hex(call.span().getSpanId()) + "-01";
  }
}
