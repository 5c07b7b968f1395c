package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.Attrs;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.PolicyStubs;
import dev.tollgate.it.support.ReceivedMetric;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.Served;
import dev.tollgate.it.support.TelemetryChecks;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.data.Offset;

/**
 * What the gateway-policy tests share. The baseline of a policy scenario is the app WITHOUT the
 * agent against a provider that never fails ({@link ItBase#baseline}): what the app sees when
 * everything works. Under the agent the provider is told to fail ({@link PolicyStubs}); a policy
 * that works gives the app the baseline's answer anyway.
 */
abstract class PolicyItBase extends ItBase {
  static final String ATTEMPT_EVENT = "tollgate.attempt";

  /** An app run with what its fake provider received, answered and when. */
  record PolicyRun(AppRun app, List<Served> served, int port) {
    /** Only the chat-completions exchanges (an app may also call /health). */
    List<Served> chats() {
      return served.stream().filter(s -> s.path().equals(PolicyStubs.CHAT_PATH)).toList();
    }

    List<RecordedRequest> chatRequests() {
      return chats().stream().map(Served::request).toList();
    }
  }

  static PolicyRun run(AppRunner launch, Consumer<FakeProvider> stubs) {
    try (FakeProvider provider = FakeProvider.start()) {
      stubs.accept(provider);
      AppRun run = launch.baseUrl(provider.baseUrl()).run();
      return new PolicyRun(run, provider.served(), provider.port());
    }
  }

  /** The app under the agent, against a provider with {@code stubs} in front of the recordings. */
  static PolicyRun underAgent(SampleApp app, String scenario, String testName, Consumer<FakeProvider> stubs,
      UnaryOperator<AppRunner> custom) {
    return run(custom.apply(AppRunner.launch(app, scenario).withAgent(true).testName(testName)), stubs);
  }

  static PolicyRun underAgent(SampleApp app, String scenario, String testName, Consumer<FakeProvider> stubs) {
    return underAgent(app, scenario, testName, stubs, UnaryOperator.identity());
  }

  /** The baseline (no agent, nothing fails), checked to have run cleanly. */
  static ProviderRun cleanBaseline(SampleApp app, String scenario) {
    ProviderRun base = baseline(app, scenario).join();
    assertExitedCleanly(base.app());
    return base;
  }

  static List<RecordedRequest> chatRequests(ProviderRun run) {
    return run.requests().stream().filter(r -> r.url().startsWith(PolicyStubs.CHAT_PATH)).toList();
  }

  static Consumer<FakeProvider> noStubs() {
    return provider -> { };
  }

  /**
   * The provider received the request the app sent (as the baseline shows it) with
   * {@code expectedBody} as its body, no Helicone-/Tollgate- header, the given credential, and
   * every other header the app set.
   */
  static void assertForwarded(String what, RecordedRequest appSent, RecordedRequest got, String authorization,
      String expectedBody) {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(got.method() + " " + got.url()).as(what + ": request line").isEqualTo(appSent.method() + " " + appSent.url());
    soft.assertThat(got.bodyText()).as(what + ": body").isEqualTo(expectedBody);
    soft.assertThat(got.body()).as(what + ": body byte for byte").isEqualTo(expectedBody.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    soft.assertThat(got.gatewayHeaderNames()).as(what + ": Helicone-/Tollgate- headers that reached the provider: " + got).isEmpty();
    soft.assertThat(got.credential()).as(what + ": the API key in its header").isEqualTo(authorization);
    for (Map.Entry<String, List<String>> header : appSent.headers().entrySet()) {
      String lower = header.getKey().toLowerCase(Locale.ROOT);
      boolean gateway = lower.startsWith("helicone-") || lower.startsWith("tollgate-");
      if (!TRANSPORT_HEADERS.contains(lower) && !gateway) {
        soft.assertThat(got.header(header.getKey()).orElse(null)).as(what + ": header " + header.getKey() + " in " + got)
            .isEqualTo(header.getValue());
      }
    }
    List<AssertionError> errors = soft.assertionErrorsCollected();
    if (!errors.isEmpty()) {
      throw new AssertionError(errors.stream().map(e -> "  - " + e.getMessage().strip().replaceAll("\\s*\\n\\s*", " "))
          .collect(Collectors.joining("\n", errors.size() + " mismatch(es) in what the provider received\n", "")));
    }
  }

  static void assertForwarded(String what, RecordedRequest appSent, RecordedRequest got, String authorization) {
    assertForwarded(what, appSent, got, authorization, appSent.bodyText());
  }

  /** {@code body} with its one {@code "model":"from"} turned into {@code "model":"to"}; fails if there is not exactly one. */
  static String withModel(String body, String from, String to) {
    String needle = "\"model\":\"" + from + "\"";
    int at = body.indexOf(needle);
    assertThat(at).as("the app's body names model " + from + " once: " + body).isNotNegative();
    assertThat(body.indexOf(needle, at + 1)).as("only once: " + body).isNegative();
    return body.substring(0, at) + "\"model\":\"" + to + "\"" + body.substring(at + needle.length());
  }

  /** The lines of {@code text} that start with {@code prefix}. */
  static List<String> lines(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).toList();
  }

  /** {@code text} without its lines that start with {@code prefix}. */
  static String withoutLines(String text, String prefix) {
    return text.lines().filter(l -> !l.startsWith(prefix)).collect(Collectors.joining("\n", "", "\n"));
  }

  /** The blocks of stdout that follow each line starting with {@code marker} (the marker line excluded). */
  static List<String> blocks(String text, String marker) {
    List<String> blocks = new ArrayList<>();
    StringBuilder current = null;
    for (String line : text.lines().toList()) {
      if (line.startsWith(marker)) {
        if (current != null) {
          blocks.add(current.toString());
        }
        current = new StringBuilder();
      } else if (current != null) {
        current.append(line).append('\n');
      }
    }
    if (current != null) {
      blocks.add(current.toString());
    }
    return blocks;
  }

  /** {@code name N} lines the apps write to stderr, e.g. {@code call-ms 1234}; the first number after the name. */
  static Map<String, Long> stderrNumbers(AppRun run) {
    Map<String, Long> numbers = new HashMap<>();
    for (String line : run.stderr().lines().toList()) {
      String[] words = line.trim().split("\\s+");
      for (int i = 0; i + 1 < words.length; i += 2) {
        if (words[i + 1].matches("\\d+")) {
          numbers.putIfAbsent(words[i], Long.parseLong(words[i + 1]));
        }
      }
    }
    return numbers;
  }

  static List<Span.Event> attempts(ReceivedSpan span) {
    return span.span().getEventsList().stream().filter(e -> e.getName().equals(ATTEMPT_EVENT)).toList();
  }

  static Attrs attrs(Span.Event event) {
    return new Attrs(event.getAttributesList());
  }

  /** One expected {@code tollgate.attempt} event; a null status means the attempt failed without an answer. */
  record Attempt(int status, String model, long minDelayMs, long maxDelayMs) {
    static Attempt first(int status, String model) {
      return new Attempt(status, model, 0, 0);
    }

    static Attempt after(long minDelayMs, long maxDelayMs, int status, String model) {
      return new Attempt(status, model, minDelayMs, maxDelayMs);
    }
  }

  static final int NO_RESPONSE = -1;

  /** The span's attempt events, in order: number, status (or error.type), model tried, delay waited before it. */
  static void checkAttempts(SoftAssertions soft, ReceivedSpan span, List<Attempt> expected) {
    List<Span.Event> events = attempts(span);
    soft.assertThat(events).as("'" + ATTEMPT_EVENT + "' events of " + span).hasSize(expected.size());
    for (int i = 0; i < Math.min(events.size(), expected.size()); i++) {
      Attrs a = attrs(events.get(i));
      Attempt want = expected.get(i);
      String what = "attempt event #" + (i + 1) + " " + a + ": ";
      soft.assertThat(a.lng("tollgate.attempt.number")).as(what + "tollgate.attempt.number").isEqualTo(i + 1L);
      if (want.status() == NO_RESPONSE) {
        soft.assertThat(a.has("http.response.status_code")).as(what + "no http.response.status_code (no answer came)").isFalse();
        soft.assertThat(a.str("error.type")).as(what + "error.type").isNotBlank();
      } else {
        soft.assertThat(a.lng("http.response.status_code")).as(what + "http.response.status_code").isEqualTo((long) want.status());
        if (want.status() < 400) {
          soft.assertThat(a.has("error.type")).as(what + "no error.type on a success").isFalse();
        }
      }
      soft.assertThat(a.str("gen_ai.request.model")).as(what + "gen_ai.request.model (the model tried)").isEqualTo(want.model());
      Long delay = a.lng("tollgate.attempt.delay_ms");
      if (i == 0) {
        soft.assertThat(delay).as(what + "tollgate.attempt.delay_ms of the first attempt").isIn(null, 0L);
      } else if (want.minDelayMs() == 0 && delay == null) {
        // no wait before it (a fallback straight after the failure): the attribute may be left out
      } else {
        soft.assertThat(delay).as(what + "tollgate.attempt.delay_ms").isNotNull()
            .isBetween(want.minDelayMs(), want.maxDelayMs());
      }
    }
    if (!events.isEmpty()) {
      for (int i = 1; i < events.size(); i++) {
        soft.assertThat(events.get(i).getTimeUnixNano()).as("attempt events in time order")
            .isGreaterThanOrEqualTo(events.get(i - 1).getTimeUnixNano());
      }
    }
  }

  /** Throws one error listing every soft failure, under a header. */
  static void report(SoftAssertions soft, String what) {
    List<AssertionError> errors = soft.assertionErrorsCollected();
    if (!errors.isEmpty()) {
      throw new AssertionError(errors.size() + " mismatch(es) " + what + "\n" + errors.stream()
          .map(e -> "  - " + String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\n\\s*", " "))
          .collect(Collectors.joining("\n")));
    }
  }

  /** The gaps, in ms, between the arrivals of consecutive exchanges. */
  static List<Long> gapsMillis(List<Served> served) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < served.size(); i++) {
      gaps.add(served.get(i).receivedAtMillis() - served.get(i - 1).receivedAtMillis());
    }
    return gaps;
  }

  /** A cache hit's span: cost present and 0, what it saved equal to what the call costs, status hit. */
  static void checkCacheHit(SoftAssertions soft, ReceivedSpan hit, ExpectedCall call) {
    Attrs a = hit.attrs();
    soft.assertThat(a.str("tollgate.cache.status")).as("tollgate.cache.status of the hit " + hit).isEqualTo("hit");
    soft.assertThat(a.dbl("tollgate.cost.usd")).as("tollgate.cost.usd of the hit (present, 0) " + hit).isEqualTo(0.0);
    Double saved = a.dbl("tollgate.cache.saved_usd");
    double cost;
    try {
      cost = TelemetryChecks.expectedCost(call);
    } catch (AssertionError e) {
      soft.fail(e.getMessage());
      return;
    }
    soft.assertThat(saved).as("tollgate.cache.saved_usd of the hit (what the call costs: " + cost + ") " + hit)
        .isNotNull();
    if (saved != null) {
      soft.assertThat(saved).as("tollgate.cache.saved_usd").isCloseTo(cost, Offset.offset(1e-12));
    }
  }

  /**
   * The run's {@code tollgate.client.requests}: one count per logical call, split by cache status,
   * and {@code tollgate.client.cost}: only what the provider charged.
   */
  static void checkCacheMetrics(SoftAssertions soft, List<ReceivedMetric> metrics, Map<String, Integer> callsByCacheStatus,
      double expectedCost) {
    Map<String, ReceivedMetric> latest = TelemetryChecks.latestByName(metrics);
    ReceivedMetric requests = latest.get("tollgate.client.requests");
    soft.assertThat(requests).as("tollgate.client.requests exported: " + latest.keySet()).isNotNull();
    if (requests != null) {
      Map<String, Double> byStatus = new HashMap<>();
      requests.points().forEach(p -> byStatus.merge(String.valueOf(p.attrs().str("tollgate.cache.status")), p.value(), Double::sum));
      Map<String, Double> expected = new HashMap<>();
      callsByCacheStatus.forEach((k, v) -> expected.put(k, v.doubleValue()));
      soft.assertThat(byStatus).as("tollgate.client.requests by tollgate.cache.status: " + requests).isEqualTo(expected);
    }
    ReceivedMetric cost = latest.get("tollgate.client.cost");
    soft.assertThat(cost).as("tollgate.client.cost exported: " + latest.keySet()).isNotNull();
    if (cost != null) {
      soft.assertThat(cost.points().stream().mapToDouble(ReceivedMetric.Point::value).sum())
          .as("tollgate.client.cost total (hits cost nothing): " + cost).isCloseTo(expectedCost, Offset.offset(1e-9));
    }
  }

  /** Waits for the run's metrics (the first export, then briefly for the cost and request counters). */
  static List<ReceivedMetric> awaitRunMetrics(AppRun run) {
    return awaitMetrics(run, List.of());
  }
}
