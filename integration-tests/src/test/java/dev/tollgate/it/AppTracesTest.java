package dev.tollgate.it;

import static dev.tollgate.it.support.PolicyStubs.firstChats;
import static dev.tollgate.it.support.PolicyStubs.rateLimited;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ItEnv;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tollgate's call spans inside the application's own traces. Two apps: one that sets up the
 * OpenTelemetry SDK itself and calls inside its own span (and baggage), and one with no
 * OpenTelemetry at all, run beside the OpenTelemetry Java agent 2.33.1, whose server span for an
 * incoming request is the parent. Both export to the test OTLP receiver, as Tollgate does, so
 * the whole trace can be read back.
 */
class AppTracesTest extends PolicyItBase {

  /** JDK HttpClient send + sendAsync; OkHttp execute + enqueue (the call starts on OkHttp's dispatcher thread). */
  static Stream<Arguments> sdkApps() {
    return Stream.of(Arguments.of(SampleApp.otelSdk(), "checkout", List.of("send status: 200", "sendAsync status: 200")),
        Arguments.of(SampleApp.otelSdkOkHttp(), "checkout-okhttp", List.of("execute status: 200", "enqueue status: 200")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("sdkApps")
  void theSdkAppsSpanIsTheParentOfEveryCallAndItsBaggageBecomesProperties(SampleApp app, String scenario, List<String> printed) {
    PolicyRun run = run(AppRunner.launch(app, scenario).withAgent(true)
        .testName("AppTracesTest-sdk-" + scenario).sysProp("tollgate.baggage.properties", "user.id,workflow"), noStubs());
    assertExitedCleanly(run.app());
    assertThat(run.app().stdout()).contains(printed);
    String traceId = stderrValue(run.app(), "app-trace-id");
    String spanId = stderrValue(run.app(), "app-span-id");

    List<ReceivedSpan> calls = awaitSpans(run.app(), 2);
    ReceivedSpan checkout = awaitRunSpan(run.app(), s -> s.name().equals("checkout"));
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(calls).as("Tollgate's call spans").hasSize(2);
    soft.assertThat(hex(checkout.span().getTraceId())).as("the app's own exported span").isEqualTo(traceId);
    soft.assertThat(hex(checkout.span().getSpanId())).isEqualTo(spanId);
    for (ReceivedSpan call : calls) {
      soft.assertThat(hex(call.span().getTraceId())).as("trace id of " + call).isEqualTo(traceId);
      soft.assertThat(hex(call.span().getParentSpanId())).as("parent of " + call).isEqualTo(spanId);
      soft.assertThat(call.attrs().str("tollgate.property.user.id")).as("baggage user.id on " + call).isEqualTo("u-42");
      soft.assertThat(call.attrs().str("tollgate.property.workflow")).as("baggage workflow on " + call).isEqualTo("checkout");
    }
    report(soft, "in the trace of the SDK app");
  }

  @Test
  void withTheSdkButNoCurrentSpanTheCallStartsATraceOfItsOwn() {
    PolicyRun run = run(AppRunner.launch(SampleApp.otelSdk(), "outside").withAgent(true)
        .testName("AppTracesTest-sdk-outside"), noStubs());
    assertExitedCleanly(run.app());

    ReceivedSpan call = awaitOneSpan(run.app());
    assertThat(call.span().getParentSpanId()).as("parent of " + call).isEqualTo(ByteString.EMPTY);
    assertThat(call.span().getTraceId()).isNotEqualTo(ByteString.EMPTY);
  }

  /**
   * The OpenTelemetry Java agent's server span for {@code GET /checkout} is the parent of both
   * call spans (the first retried after a 429), though the app itself has no OpenTelemetry API:
   * Tollgate reads the Java agent's own copy on the bootstrap class path. The Java agent's HTTP
   * client spans, one per attempt, are children of the call span they belong to, and the
   * {@code traceparent} the Java agent puts on each request names its attempt span.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("checkoutServers")
  void besideTheOpenTelemetryJavaAgentTheTraceIsOneTree(SampleApp app, String scenario) {
    JavaAgentRun run = checkoutBesideTheJavaAgent(app, scenario, "nested", launch -> launch);
    List<ReceivedSpan> calls = run.calls();
    List<ReceivedSpan> attempts = run.httpClientSpans();

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(attempts).as("the Java agent's HTTP client spans (one per attempt)").hasSize(3);
    if (calls.size() == 2 && attempts.size() == 3) {
      String first = hex(calls.get(0).span().getSpanId());
      String second = hex(calls.get(1).span().getSpanId());
      soft.assertThat(attempts.stream().map(a -> hex(a.span().getParentSpanId())).toList())
          .as("parents of the attempt spans, in start order (429 and retry under the first call, then the second call)")
          .containsExactly(first, first, second);
    }
    // version-traceid-parentid-flags; the Java agent sets the sampled (01) and, W3C level 2, the random (02) flag
    List<String> traceparents = run.policy().chatRequests().stream().map(r -> r.firstHeader("traceparent"))
        .map(t -> t == null || t.length() < 3 ? t : t.substring(0, t.length() - 3)).toList();
    soft.assertThat(traceparents).as("the traceparent the Java agent sent with each attempt, flags left out").containsExactlyElementsOf(
        attempts.stream().map(a -> "00-" + hex(a.span().getTraceId()) + "-" + hex(a.span().getSpanId())).toList());
    report(soft, "in the trace beside the OpenTelemetry Java agent:\n  " + run.shape());
  }

  /** {@code tollgate.otel.nest-http-spans=false}: the Java agent's HTTP client spans stay children of the server span. */
  @Test
  void withoutNestingTheJavaAgentsHttpSpansAreSiblingsOfTheCallSpans() {
    JavaAgentRun run = checkoutBesideTheJavaAgent(SampleApp.checkoutServer(), "checkout", "siblings",
        launch -> launch.sysProp("tollgate.otel.nest-http-spans", "false"));

    assertThat(run.httpClientSpans()).as("the Java agent's HTTP client spans\n  " + run.shape()).hasSize(3)
        .allSatisfy(a -> assertThat(a.span().getParentSpanId()).isEqualTo(run.server().span().getSpanId()));
  }

  /**
   * Micrometer Tracing (Spring Boot 3.5, its OpenTelemetry bridge, Boot's OTLP exporter): the
   * Boot server span for {@code GET /checkout} is the parent of the call span made in the handler.
   */
  @Test
  void underMicrometerTracingTheBootServerSpanIsTheParent() {
    PolicyRun run = run(AppRunner.launch(SampleApp.micrometer(), "checkout").withAgent(true)
        .testName("AppTracesTest-micrometer"), noStubs());
    assertExitedCleanly(run.app());
    assertThat(run.app().stdout()).contains("checkout status: 200", "chat: 200");
    String traceId = stderrValue(run.app(), "server-trace-id");
    String spanId = stderrValue(run.app(), "server-span-id");

    ReceivedSpan call = awaitOneSpan(run.app());
    List<ReceivedSpan> server = OTLP.await(() -> OTLP.spans().stream()
        .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER && hex(s.span().getTraceId()).equals(traceId)).toList(),
        l -> !l.isEmpty(), EXPORT_WAIT);
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(server).as("the Boot server span, exported by the app").hasSize(1);
    if (server.size() == 1) {
      soft.assertThat(hex(server.get(0).span().getSpanId())).as("the span current in the handler").isEqualTo(spanId);
      soft.assertThat(server.get(0).name()).as("the server observation's span").isEqualTo("http get /checkout");
      soft.assertThat(server.get(0).scopeName()).as("Boot's tracer, not Tollgate's").isEqualTo("org.springframework.boot");
    }
    soft.assertThat(hex(call.span().getTraceId())).as("trace id of " + call).isEqualTo(traceId);
    soft.assertThat(hex(call.span().getParentSpanId())).as("parent of " + call).isEqualTo(spanId);
    report(soft, "under Micrometer Tracing");
  }

  /** JDK HttpClient send + send; OkHttp execute + enqueue. */
  static Stream<Arguments> checkoutServers() {
    return Stream.of(Arguments.of(SampleApp.checkoutServer(), "checkout"),
        Arguments.of(SampleApp.checkoutServerOkHttp(), "checkout-okhttp"));
  }

  record JavaAgentRun(PolicyRun policy, ReceivedSpan server, List<ReceivedSpan> calls, List<ReceivedSpan> trace, String shape) {
    List<ReceivedSpan> httpClientSpans() {
      return trace.stream().filter(AppTracesTest::isJavaAgentHttpClientSpan)
          .sorted(java.util.Comparator.comparingLong(s -> s.span().getStartTimeUnixNano())).toList();
    }
  }

  /** The checkout server under both agents; checks what holds in every mode: the server span is the call spans' parent. */
  static JavaAgentRun checkoutBesideTheJavaAgent(SampleApp app, String scenario, String label,
      java.util.function.UnaryOperator<AppRunner> custom) {
    PolicyRun run = run(custom.apply(AppRunner.launch(app, scenario).withAgent(true)
        .otherJavaAgent(ItEnv.otelJavaAgent()).testName("AppTracesTest-javaagent-" + label + "-" + scenario)),
        firstChats(rateLimited(1)));
    assertExitedCleanly(run.app());
    assertThat(run.app().stdout()).contains("checkout status: 200", "first: 200", "second: 200");
    assertThat(run.chats().stream().map(s -> s.status()).toList()).as("the provider's answers").containsExactly(429, 200, 200);

    List<ReceivedSpan> calls = awaitSpans(run.app(), 2);
    ReceivedSpan server = awaitRunSpan(run.app(), s -> s.kind() == Span.SpanKind.SPAN_KIND_SERVER);
    OTLP.await(() -> runSpans(run.app()).stream().filter(AppTracesTest::isJavaAgentHttpClientSpan).toList(),
        l -> l.size() >= 3, EXPORT_WAIT);
    List<ReceivedSpan> trace = runSpans(run.app()).stream()
        .filter(s -> s.span().getTraceId().equals(server.span().getTraceId()))
        .sorted(java.util.Comparator.comparingLong(s -> s.span().getStartTimeUnixNano())).toList();
    String shape = trace.stream().map(s -> s.scopeName() + " " + s.kind() + " '" + s.name() + "' id="
        + hex(s.span().getSpanId()) + " parent=" + hex(s.span().getParentSpanId())).collect(Collectors.joining("\n  "));
    System.out.println("[AppTracesTest] " + label + " " + scenario + ": the trace beside the OpenTelemetry Java agent:\n  " + shape);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(server.name()).isEqualTo("GET /checkout");
    soft.assertThat(calls).as("Tollgate's call spans").hasSize(2);
    for (ReceivedSpan call : calls) {
      soft.assertThat(call.span().getTraceId()).as("trace id of " + call).isEqualTo(server.span().getTraceId());
      soft.assertThat(hex(call.span().getParentSpanId())).as("parent of " + call).isEqualTo(hex(server.span().getSpanId()));
    }
    soft.assertThat(calls.get(0).attrs().lng("tollgate.retry.count")).as("the first call was retried once").isEqualTo(1L);
    soft.assertThat(runSpans(run.app()).stream().filter(s -> !trace.contains(s)).map(ReceivedSpan::toString).toList())
        .as("spans of the run outside the checkout trace").isEmpty();
    report(soft, "in the trace beside the OpenTelemetry Java agent:\n  " + shape);
    return new JavaAgentRun(run, server, calls, trace, shape);
  }

  /** The Java agent's span for one POST to the provider (JDK HttpClient or OkHttp instrumentation). */
  static boolean isJavaAgentHttpClientSpan(ReceivedSpan s) {
    return s.kind() == Span.SpanKind.SPAN_KIND_CLIENT && s.scopeName().startsWith("io.opentelemetry.") && s.name().equals("POST");
  }

  /** Every span of the run (the app's or the Java agent's as well as Tollgate's), by the run's resource attribute. */
  static List<ReceivedSpan> runSpans(AppRun run) {
    return OTLP.spans().stream()
        .filter(s -> run.runId().equals(s.resourceAttrs().str(AppRunner.RUN_RESOURCE_ATTRIBUTE))).toList();
  }

  static ReceivedSpan awaitRunSpan(AppRun run, java.util.function.Predicate<ReceivedSpan> which) {
    List<ReceivedSpan> found = OTLP.await(() -> runSpans(run).stream().filter(which).toList(), l -> !l.isEmpty(), EXPORT_WAIT);
    assertThat(found).as("the app's own span in run " + run.runId() + ": " + runSpans(run) + "\n" + run.describe()).hasSize(1);
    return found.get(0);
  }

  static String stderrValue(AppRun run, String key) {
    return run.stderr().lines().filter(l -> l.startsWith(key + " ")).map(l -> l.substring(key.length() + 1).trim())
        .findFirst().orElseThrow(() -> new AssertionError(key + " not on the app's stderr\n" + run.describe()));
  }

  static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
