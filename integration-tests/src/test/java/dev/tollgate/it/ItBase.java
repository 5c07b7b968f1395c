package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.OtlpReceiver;
import dev.tollgate.it.support.ReceivedMetric;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.TelemetryChecks;
import dev.tollgate.it.support.TelemetryChecks.CallContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * The shared shape of the integration tests: run a sample app without the agent (the baseline) and
 * with it, each against its own {@link FakeProvider}, then compare what the app printed and what
 * the provider received, and check what reached the suite-wide {@link OtlpReceiver}.
 */
abstract class ItBase {
  static final OtlpReceiver OTLP = OtlpReceiver.shared();
  /** How long to wait for telemetry after the app exited (the agent flushes at shutdown). */
  static final Duration EXPORT_WAIT = Duration.ofSeconds(15);
  /** How long to watch for telemetry that must NOT come. */
  static final Duration QUIET_WAIT = Duration.ofSeconds(2);

  /**
   * Request headers that describe the connection or differ per run by design; not compared.
   * accept-encoding is HttpClient 5 async's own (its compression stage), and Tollgate asks for
   * identity when it stores the answer.
   */
  static final Set<String> TRANSPORT_HEADERS = Set.of("host", "authorization", "content-length", "transfer-encoding",
      "connection", "upgrade", "http2-settings", "keep-alive", "x-api-key", "api-key", "x-goog-api-key",
      "accept-encoding");

  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "it-launcher");
    t.setDaemon(true);
    return t;
  });
  private static final Map<String, CompletableFuture<ProviderRun>> BASELINES = new ConcurrentHashMap<>();

  /** An app run together with what its fake provider received. */
  record ProviderRun(AppRun app, List<RecordedRequest> requests, int port) {}

  /** Runs the app against a fresh fake provider of its own. */
  static ProviderRun againstFakeProvider(AppRunner launch) {
    try (FakeProvider provider = FakeProvider.start()) {
      AppRun run = launch.baseUrl(provider.baseUrl()).run();
      return new ProviderRun(run, provider.requests(), provider.port());
    }
  }

  static <T> CompletableFuture<T> inBackground(java.util.function.Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, POOL);
  }

  /** The app without the agent, run once per (app, scenario) and shared by every test that compares against it. */
  static CompletableFuture<ProviderRun> baseline(SampleApp app, String scenario) {
    return BASELINES.computeIfAbsent(app.label() + " " + scenario, key -> inBackground(() ->
        againstFakeProvider(AppRunner.launch(app, scenario).withAgent(false).testName("baseline-" + app.label() + "-" + scenario))));
  }

  /** The app with the agent (customised by {@code agentLaunch}), and the shared baseline. */
  static ProviderRun[] plainAndAgent(SampleApp app, String scenario, String testName, UnaryOperator<AppRunner> agentLaunch) {
    CompletableFuture<ProviderRun> plain = baseline(app, scenario);
    ProviderRun agent = againstFakeProvider(agentLaunch.apply(
        AppRunner.launch(app, scenario).withAgent(true).testName(testName)));
    ProviderRun base = plain.join();
    assertExitedCleanly(base.app());
    return new ProviderRun[] {base, agent};
  }

  /**
   * The full check of one LLM scenario: same stdout with and without the agent, the provider saw
   * the same requests minus the gateway headers, one span per call with every attribute, metrics,
   * and no API key anywhere.
   */
  static void checkLlmScenario(SampleApp app, String scenario, String testName, ExpectedCall call) {
    checkLlmScenario(app, scenario, testName, call, UnaryOperator.identity());
  }

  /** The same, with the agent's launch customised (e.g. a system property). */
  static void checkLlmScenario(SampleApp app, String scenario, String testName, ExpectedCall call,
      UnaryOperator<AppRunner> agentLaunch) {
    ProviderRun[] runs = plainAndAgent(app, scenario, testName, agentLaunch);
    ProviderRun plain = runs[0];
    ProviderRun agent = runs[1];
    assertExitedCleanly(agent.app());
    assertSameStdout(plain.app(), agent.app());
    assertProviderSawTheSame(plain, agent, true);

    ReceivedSpan span = awaitOneSpan(agent.app());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(span, call, new CallContext(scenario, agent.app().runId(), agent.port())),
        () -> TelemetryChecks.assertLlmMetrics(awaitMetrics(agent.app(), List.of(call)), List.of(call)),
        () -> assertNoSecretLeaks(agent.app()));
  }

  /** Runs every check and fails once with all their failures, so one run shows everything that is missing. */
  static void allOf(Runnable... checks) {
    List<String> failures = new java.util.ArrayList<>();
    for (Runnable check : checks) {
      try {
        check.run();
      } catch (AssertionError e) {
        failures.add(e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(String.join("\n\n", failures));
    }
  }

  static void assertExitedCleanly(AppRun run) {
    if (run.timedOut() || run.exitCode() != 0) {
      fail("the app did not exit cleanly " + run.describe());
    }
  }

  static void assertSameStdout(AppRun plain, AppRun agent) {
    assertThat(agent.stdout()).as("stdout with the agent must equal stdout without it\n" + agent.describe())
        .isEqualTo(plain.stdout());
    assertThat(agent.stdoutBytes()).as("stdout bytes").isEqualTo(plain.stdoutBytes());
  }

  /**
   * What the provider received with the agent equals what it received without it: the same
   * requests, bodies byte for byte, every header the app set except the gateway ones
   * ({@code Helicone-*} / {@code Tollgate-*}), which must not reach the provider at all.
   */
  static void assertProviderSawTheSame(ProviderRun plain, ProviderRun agent, boolean llmCalls) {
    assertThat(agent.requests()).as("requests received by the provider with the agent, vs without: " + plain.requests())
        .hasSameSizeAs(plain.requests());
    for (int i = 0; i < plain.requests().size(); i++) {
      RecordedRequest before = plain.requests().get(i);
      RecordedRequest after = agent.requests().get(i);
      assertThat(after.method() + " " + after.url()).as("request line #" + i).isEqualTo(before.method() + " " + before.url());
      assertThat(after.bodyText()).as("request body #" + i + " (as text)").isEqualTo(before.bodyText());
      assertThat(after.body()).as("request body #" + i + " byte for byte").isEqualTo(before.body());
      if (llmCalls) {
        assertThat(before.gatewayHeaderNames()).as("the app itself sends Helicone headers (harness sanity)")
            .isNotEmpty();
        assertThat(after.gatewayHeaderNames()).as("Helicone-/Tollgate- headers that reached the provider with the agent: " + after)
            .isEmpty();
        assertThat(after.credential()).as("the API key reaches the provider in its header").isEqualTo(agent.app().apiKey());
      }
      for (Map.Entry<String, List<String>> header : before.headers().entrySet()) {
        String lower = header.getKey().toLowerCase(Locale.ROOT);
        boolean gateway = lower.startsWith("helicone-") || lower.startsWith("tollgate-");
        if (!TRANSPORT_HEADERS.contains(lower) && !(llmCalls && gateway)) {
          assertThat(after.header(header.getKey()).orElse(null))
              .as("request header " + header.getKey() + " #" + i + " with the agent: " + after).isEqualTo(header.getValue());
        }
      }
    }
  }

  /** Waits for exactly one span of this run (and a moment more, to catch a duplicate). */
  static ReceivedSpan awaitOneSpan(AppRun run) {
    List<ReceivedSpan> spans = awaitSpans(run, 1);
    assertThat(spans).as("spans exported by run " + run.runId() + " (one per call)").hasSize(1);
    return spans.get(0);
  }

  static List<ReceivedSpan> awaitSpans(AppRun run, int count) {
    OTLP.awaitSpans(AppRunner.RUN_SPAN_ATTRIBUTE, run.runId(), count, EXPORT_WAIT);
    List<ReceivedSpan> spans = OTLP.await(() -> OTLP.spansWithAttribute(AppRunner.RUN_SPAN_ATTRIBUTE, run.runId()),
        list -> list.size() > count, Duration.ofMillis(300));
    if (spans.isEmpty()) {
      fail("no span carrying " + AppRunner.RUN_SPAN_ATTRIBUTE + "=" + run.runId() + " arrived within " + EXPORT_WAIT
          + " (the receiver has " + OTLP.spans().size() + " spans in all)\n" + run.describe());
    }
    return TelemetryChecks.byStart(spans);
  }

  /**
   * The run's metrics: waits for the first export of the run, then briefly for the rest of the
   * expected instruments (one shutdown flush normally brings them all at once).
   */
  static List<ReceivedMetric> awaitMetrics(AppRun run, List<ExpectedCall> calls) {
    Set<String> names = TelemetryChecks.expectedMetricNames(calls);
    java.util.function.Supplier<List<ReceivedMetric>> query =
        () -> OTLP.metricsWithResourceAttribute(AppRunner.RUN_RESOURCE_ATTRIBUTE, run.runId());
    OTLP.await(query, list -> !list.isEmpty(), EXPORT_WAIT);
    return OTLP.await(query,
        list -> list.stream().map(ReceivedMetric::name).collect(java.util.stream.Collectors.toSet()).containsAll(names),
        Duration.ofSeconds(2));
  }

  /** Nothing at all was exported for this run (after a quiet period). */
  static void assertNothingExported(AppRun run) {
    List<ReceivedSpan> spans = OTLP.await(() -> OTLP.spansWithAttribute(AppRunner.RUN_SPAN_ATTRIBUTE, run.runId()),
        list -> !list.isEmpty(), QUIET_WAIT);
    assertThat(spans).as("spans of run " + run.runId()).isEmpty();
    // (telemetry of the relocated SDK itself, if any, is ExportedScopesTest's business)
    assertThat(OTLP.metricsWithResourceAttribute(AppRunner.RUN_RESOURCE_ATTRIBUTE, run.runId()).stream()
        .filter(m -> TelemetryChecks.SCOPE.equals(m.scopeName())).flatMap(m -> m.points().stream()).toList())
        .as("points of " + TelemetryChecks.SCOPE + " metrics of run " + run.runId()).isEmpty();
  }

  /** The run's API key appears in no exported byte, nor in the app's stdout/stderr. */
  static void assertNoSecretLeaks(AppRun run) {
    String key = run.apiKey();
    String secretPart = key.substring("sk-test-SECRET-".length());
    for (String needle : List.of(key, secretPart)) {
      assertThat(OTLP.anyBodyContains(needle)).as("an OTLP export contains the API key (or its secret part) " + needle).isFalse();
      assertThat(run.stdout()).as("stdout under the agent").doesNotContain(needle);
      assertThat(run.stderr()).as("stderr under the agent").doesNotContain(needle);
    }
  }

  /** The {@code chunk-ms N} lines the streaming apps write to stderr, in order. */
  static List<Long> chunkMillis(AppRun run) {
    return run.stderr().lines().filter(l -> l.startsWith("chunk-ms ")).map(l -> Long.parseLong(l.substring(9).trim())).toList();
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
