package dev.tollgate.it;

import static dev.tollgate.it.AppTracesTest.hex;
import static dev.tollgate.it.AppTracesTest.stderrValue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code tollgate.otel.use-global=true}: Tollgate's call spans leave through the application's
 * own OpenTelemetry ({@code GlobalOpenTelemetry}), so they carry the application's resource and
 * reach wherever the application exports.
 */
class UseGlobalTracesTest extends PolicyItBase {
  private static final String APP_SERVICE = "otel-sdk-app-itself";

  /** JDK HttpClient send + sendAsync; OkHttp execute + enqueue. */
  static Stream<Arguments> sdkApps() {
    return Stream.of(Arguments.of(SampleApp.otelSdk(), "checkout-global"),
        Arguments.of(SampleApp.otelSdkOkHttp(), "checkout-okhttp-global"));
  }

  /**
   * The app registers its SDK as the global one and exports to the test receiver under a
   * service name of its own; Tollgate's own OTLP endpoint is a closed port. So a call span that
   * arrives came through the app's exporter, and it must say the app's service name.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("sdkApps")
  void theCallSpansLeaveThroughTheAppsOwnSdk(SampleApp app, String scenario) throws IOException {
    PolicyRun run = run(AppRunner.launch(app, scenario).withAgent(true).testName("UseGlobalTracesTest-" + scenario)
        .otlpEndpoint("http://127.0.0.1:" + closedPort()).env("APP_OTLP_ENDPOINT", OTLP.endpoint())
        .env("APP_SERVICE_NAME", APP_SERVICE).sysProp("tollgate.otel.use-global", "true"), noStubs());
    assertExitedCleanly(run.app());
    String traceId = stderrValue(run.app(), "app-trace-id");
    String spanId = stderrValue(run.app(), "app-span-id");

    List<ReceivedSpan> calls = awaitSpans(run.app(), 2);
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(calls).as("Tollgate's call spans").hasSize(2);
    for (ReceivedSpan call : calls) {
      soft.assertThat(call.resourceAttrs().str("service.name")).as("resource of " + call).isEqualTo(APP_SERVICE);
      soft.assertThat(call.scopeName()).isEqualTo("dev.tollgate");
      soft.assertThat(call.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
      soft.assertThat(call.name()).isEqualTo("chat gpt-4o-mini");
      soft.assertThat(hex(call.span().getTraceId())).as("trace id of " + call).isEqualTo(traceId);
      soft.assertThat(hex(call.span().getParentSpanId())).as("parent of " + call).isEqualTo(spanId);
      soft.assertThat(call.attrs().lng("gen_ai.usage.input_tokens")).as("usage on " + call).isNotNull();
      soft.assertThat(call.attrs().dbl("tollgate.cost.usd")).as("cost on " + call).isNotNull();
      soft.assertThat(call.span().getEndTimeUnixNano()).isGreaterThan(call.span().getStartTimeUnixNano());
    }
    soft.assertThat(run.app().stderr()).as("no fallback to Tollgate's own SDK").doesNotContain("use-global");
    report(soft, "through the app's own SDK");
  }

  /**
   * Beside the OpenTelemetry Java agent (the app has no OpenTelemetry API; the Java agent's own
   * copy is used): the call spans carry the Java agent's resource (its distro name, which
   * Tollgate's SDK never sets), the trace is still one tree, and the Java agent's HTTP client
   * spans nest under the call span the Java agent's SDK exported.
   */
  @Test
  void besideTheJavaAgentTheCallSpansLeaveThroughItsSdkAndTheTraceIsOneTree() {
    AppTracesTest.JavaAgentRun run = AppTracesTest.checkoutBesideTheJavaAgent(SampleApp.checkoutServer(), "checkout",
        "use-global", launch -> launch.sysProp("tollgate.otel.use-global", "true"));
    List<ReceivedSpan> calls = run.calls();
    List<ReceivedSpan> attempts = run.httpClientSpans();

    SoftAssertions soft = new SoftAssertions();
    for (ReceivedSpan call : calls) {
      soft.assertThat(call.resourceAttrs().str("telemetry.distro.name")).as("resource of " + call)
          .isEqualTo("opentelemetry-java-instrumentation");
    }
    soft.assertThat(attempts).as("the Java agent's HTTP client spans (one per attempt)").hasSize(3);
    if (calls.size() == 2 && attempts.size() == 3) {
      String first = hex(calls.get(0).span().getSpanId());
      String second = hex(calls.get(1).span().getSpanId());
      soft.assertThat(attempts.stream().map(a -> hex(a.span().getParentSpanId())).toList())
          .as("parents of the attempt spans, in start order").containsExactly(first, first, second);
    }
    soft.assertThat(run.policy().app().stderr()).as("no fallback to Tollgate's own SDK").doesNotContain("use-global");
    report(soft, "through the Java agent's SDK:\n  " + run.shape());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
