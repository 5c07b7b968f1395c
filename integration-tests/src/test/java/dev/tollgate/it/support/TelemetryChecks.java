package dev.tollgate.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.data.Offset;

/** Assertions on what the agent exported for an LLM call (SPEC.md, "Telemetry"). Soft: one failure lists every mismatch. */
public final class TelemetryChecks {
  private TelemetryChecks() {}

  public static final String SCOPE = "dev.tollgate";
  public static final Set<String> CALL_METRICS = Set.of("gen_ai.client.token.usage", "gen_ai.client.operation.duration",
      "tollgate.client.cost", "tollgate.client.requests");
  public static final String TTFC_METRIC = "gen_ai.client.operation.time_to_first_chunk";

  /** Where and why the call was made: what the span must echo back. A negative port is not checked. */
  public record CallContext(String scenario, String runId, int serverPort) {}

  public static void assertLlmSpan(ReceivedSpan span, ExpectedCall call, CallContext ctx) {
    assertLlmSpan(span, call, ctx, true);
  }

  /**
   * @param fromProvider false for a call answered from the cache: its cost (0) and the rate-limit
   *     headers of the stored answer are the caller's to check
   */
  public static void assertLlmSpan(ReceivedSpan span, ExpectedCall call, CallContext ctx, boolean fromProvider) {
    SoftAssertions soft = new SoftAssertions();
    checkLlmSpan(soft, span, call, ctx, fromProvider);
    report(soft, "in the exported " + span);
  }

  /** One failure listing every mismatch, one line each, under a header naming what was checked. */
  private static void report(SoftAssertions soft, String what) {
    List<AssertionError> errors = soft.assertionErrorsCollected();
    if (!errors.isEmpty()) {
      throw new AssertionError(errors.size() + " mismatch(es) " + what + "\n" + errors.stream()
          .map(e -> "  - " + String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\n\\s*", " "))
          .collect(Collectors.joining("\n")));
    }
  }

  static void checkLlmSpan(SoftAssertions soft, ReceivedSpan span, ExpectedCall call, CallContext ctx) {
    checkLlmSpan(soft, span, call, ctx, true);
  }

  static void checkLlmSpan(SoftAssertions soft, ReceivedSpan span, ExpectedCall call, CallContext ctx, boolean fromProvider) {
    Attrs a = span.attrs();
    soft.assertThat(span.name()).as("span name").isEqualTo(call.spanName());
    soft.assertThat(span.kind()).as("span kind").isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    soft.assertThat(span.scopeName()).as("instrumentation scope").isEqualTo(SCOPE);

    soft.assertThat(a.str("gen_ai.operation.name")).as("gen_ai.operation.name").isEqualTo(call.operation());
    soft.assertThat(a.str("gen_ai.provider.name")).as("gen_ai.provider.name").isEqualTo(call.provider());
    soft.assertThat(a.str("gen_ai.request.model")).as("gen_ai.request.model").isEqualTo(call.requestModel());
    soft.assertThat(a.str("gen_ai.response.model")).as("gen_ai.response.model").isEqualTo(call.responseModel());
    if (call.responseId() != null) {
      soft.assertThat(a.str("gen_ai.response.id")).as("gen_ai.response.id").isEqualTo(call.responseId());
    }
    soft.assertThat(a.lng("gen_ai.usage.input_tokens")).as("gen_ai.usage.input_tokens").isEqualTo(call.inputTokens());
    if (call.outputTokens() != null) {
      soft.assertThat(a.lng("gen_ai.usage.output_tokens")).as("gen_ai.usage.output_tokens").isEqualTo(call.outputTokens());
    } else {
      soft.assertThat(a.lng("gen_ai.usage.output_tokens")).as("gen_ai.usage.output_tokens (none reported)")
          .isIn(null, 0L);
    }
    if (call.finishReasons() != null) {
      soft.assertThat(a.strings("gen_ai.response.finish_reasons")).as("gen_ai.response.finish_reasons")
          .isEqualTo(call.finishReasons());
    }
    if (call.stream()) {
      soft.assertThat(a.bool("gen_ai.request.stream")).as("gen_ai.request.stream").isTrue();
      Double ttfc = a.dbl("gen_ai.response.time_to_first_chunk");
      soft.assertThat(ttfc).as("gen_ai.response.time_to_first_chunk (seconds)").isNotNull();
      if (ttfc != null) {
        soft.assertThat(ttfc).as("time_to_first_chunk within the span").isGreaterThan(0.0)
            .isLessThanOrEqualTo(span.durationSeconds() + 1e-3);
      }
    } else {
      soft.assertThat(a.bool("gen_ai.request.stream")).as("gen_ai.request.stream on a non-streaming call")
          .isIn(null, false);
    }

    soft.assertThat(a.str("server.address")).as("server.address").isEqualTo("127.0.0.1");
    if (ctx.serverPort() >= 0) {
      soft.assertThat(a.lng("server.port")).as("server.port").isEqualTo((long) ctx.serverPort());
    }
    soft.assertThat(a.lng("http.response.status_code")).as("http.response.status_code").isEqualTo(200L);
    soft.assertThat(a.has("error.type")).as("error.type on a successful call").isFalse();
    soft.assertThat(a.str("user.id")).as("user.id (from Helicone-User-Id)").isEqualTo("demo-user");
    soft.assertThat(a.str("session.id")).as("session.id (from Helicone-Session-Id)").isEqualTo("demo-session");
    soft.assertThat(a.str("tollgate.property.scenario")).as("tollgate.property.scenario (from Helicone-Property-Scenario)")
        .isEqualTo(ctx.scenario());
    soft.assertThat(a.str(AppRunner.RUN_SPAN_ATTRIBUTE)).as(AppRunner.RUN_SPAN_ATTRIBUTE).isEqualTo(ctx.runId());
    if (!fromProvider) {
      return;
    }
    call.rateLimits().forEach((suffix, value) -> soft.assertThat(a.lng("tollgate.ratelimit." + suffix))
        .as("tollgate.ratelimit." + suffix).isEqualTo(value));

    PriceTable.Price price;
    try {
      price = PriceTable.bundled().lookup(call.priceModel());
    } catch (AssertionError e) {
      soft.fail(e.getMessage() + " (so tollgate.cost.usd = " + a.dbl("tollgate.cost.usd") + " cannot be checked)");
      return;
    }
    double cost = price.cost(call.inputTokens(), call.cachedInputTokens(), call.outputTokens() == null ? 0 : call.outputTokens());
    Double actualCost = a.dbl("tollgate.cost.usd");
    if (actualCost == null) {
      soft.fail("tollgate.cost.usd is missing; expected " + cost + " (priced by " + price + ")");
    } else {
      soft.assertThat(actualCost).as("tollgate.cost.usd (priced by " + price + ")").isCloseTo(cost, Offset.offset(1e-12));
    }
    soft.assertThat(a.str("tollgate.pricing.model")).as("tollgate.pricing.model").isEqualTo(price.key());
  }

  public static double expectedCost(ExpectedCall call) {
    PriceTable.Price price = PriceTable.bundled().lookup(call.priceModel());
    return price.cost(call.inputTokens(), call.cachedInputTokens(), call.outputTokens() == null ? 0 : call.outputTokens());
  }

  /** The metrics of one run: the latest export of each instrument (exports are cumulative). */
  public static Map<String, ReceivedMetric> latestByName(List<ReceivedMetric> metrics) {
    return metrics.stream().collect(Collectors.toMap(ReceivedMetric::name, Function.identity(),
        (a, b) -> b.sequence() >= a.sequence() ? b : a));
  }

  /** The metric names a run must export for these calls. */
  public static Set<String> expectedMetricNames(List<ExpectedCall> calls) {
    Set<String> names = new java.util.HashSet<>(CALL_METRICS);
    if (calls.stream().anyMatch(ExpectedCall::stream)) {
      names.add(TTFC_METRIC);
    }
    return names;
  }

  public static void assertLlmMetrics(List<ReceivedMetric> metrics, List<ExpectedCall> calls) {
    Map<String, ReceivedMetric> latest = latestByName(metrics);
    assertThat(latest.keySet()).as("metric names exported by the run: " + metrics).containsAll(expectedMetricNames(calls));
    SoftAssertions soft = new SoftAssertions();
    for (String name : expectedMetricNames(calls)) {
      ReceivedMetric metric = latest.get(name);
      soft.assertThat(metric.scopeName()).as("scope of " + name).isEqualTo(SCOPE);
    }

    ReceivedMetric requests = latest.get("tollgate.client.requests");
    soft.assertThat(requests.points().stream().mapToDouble(ReceivedMetric.Point::value).sum())
        .as("tollgate.client.requests total").isEqualTo((double) calls.size());
    Set<String> models = calls.stream().map(ExpectedCall::requestModel).collect(Collectors.toSet());
    Set<String> providers = calls.stream().map(ExpectedCall::provider).collect(Collectors.toSet());
    for (ReceivedMetric.Point p : requests.points()) {
      soft.assertThat(p.attrs().str("gen_ai.provider.name")).as("gen_ai.provider.name on " + requests).isIn(providers);
      soft.assertThat(p.attrs().str("gen_ai.request.model")).as("gen_ai.request.model on " + requests).isIn(models);
      soft.assertThat(p.attrs().lng("http.response.status_code")).as("http.response.status_code on " + requests).isEqualTo(200L);
    }

    ReceivedMetric duration = latest.get("gen_ai.client.operation.duration");
    soft.assertThat(duration.points().stream().mapToLong(ReceivedMetric.Point::count).sum())
        .as("gen_ai.client.operation.duration count").isEqualTo(calls.size());

    ReceivedMetric tokens = latest.get("gen_ai.client.token.usage");
    long input = calls.stream().mapToLong(ExpectedCall::inputTokens).sum();
    long output = calls.stream().mapToLong(c -> c.outputTokens() == null ? 0 : c.outputTokens()).sum();
    soft.assertThat(sumWhere(tokens, "input")).as("gen_ai.client.token.usage sum for gen_ai.token.type=input")
        .isEqualTo((double) input);
    if (output > 0) {
      soft.assertThat(sumWhere(tokens, "output")).as("gen_ai.client.token.usage sum for gen_ai.token.type=output")
          .isEqualTo((double) output);
    }

    ReceivedMetric cost = latest.get("tollgate.client.cost");
    try {
      double expected = calls.stream().mapToDouble(TelemetryChecks::expectedCost).sum();
      soft.assertThat(cost.points().stream().mapToDouble(ReceivedMetric.Point::value).sum())
          .as("tollgate.client.cost total").isCloseTo(expected, Offset.offset(1e-9));
    } catch (AssertionError e) {
      soft.fail(e.getMessage() + " (so " + cost + " cannot be checked)");
    }
    soft.assertThat(cost.metric().getUnit()).as("unit of tollgate.client.cost").isEqualTo("USD");
    report(soft, "in the exported metrics:\n    " + latest.values().stream().map(String::valueOf)
        .collect(Collectors.joining("\n    ")) + "\n");
  }

  private static double sumWhere(ReceivedMetric metric, String tokenType) {
    return metric.points().stream().filter(p -> tokenType.equals(p.attrs().str("gen_ai.token.type")))
        .mapToDouble(ReceivedMetric.Point::value).sum();
  }

  /** Spans ordered by start time. */
  public static List<ReceivedSpan> byStart(List<ReceivedSpan> spans) {
    List<ReceivedSpan> sorted = new ArrayList<>(spans);
    sorted.sort(Comparator.comparingLong(s -> s.span().getStartTimeUnixNano()));
    return sorted;
  }
}
