package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.CuttingSseServer;
import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.PolicyStubs;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.Recording;
import dev.tollgate.it.support.RecordedRequest;
import dev.tollgate.it.support.SampleApp;
import dev.tollgate.it.support.TelemetryChecks;
import dev.tollgate.it.support.TelemetryChecks.CallContext;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The response cache, end to end: a repeated request is answered in-process (no provider request
 * in WireMock's journal) with the first answer's status and bytes, plain and streamed, through
 * every client; entries never cross API keys, seeds, or expiry; only complete 2xx answers are kept.
 *
 * <p>The apps print, for every call, {@code cache: helicone=<Helicone-Cache> tollgate=<Tollgate-Cache>}
 * ("-" when absent); everything else they print must equal the baseline without the agent.
 */
class CachePolicyTest extends PolicyItBase {
  static final String CACHE_LINE = "cache: ";
  static final String MISS_LINE = "cache: helicone=MISS tollgate=MISS";
  static final String HIT_LINE = "cache: helicone=HIT tollgate=HIT";

  static Stream<Arguments> apps() {
    return Stream.of(Arguments.of(SampleApp.openAiJava()), Arguments.of(SampleApp.jdkHttpClient()), Arguments.of(SampleApp.okHttp()));
  }

  /** {@code Helicone-Cache-Enabled: true}, the same chat twice: the second never reaches the provider. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void repeatedChatIsServedFromTheCache(SampleApp app) {
    checkTwice(app, "cache", ExpectedCall.CHAT, List.of(MISS_LINE, HIT_LINE));
  }

  /** The same with a streamed chat: the hit replays the same SSE bytes, which the client parses as before. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("apps")
  void repeatedStreamIsReplayedFromTheCache(SampleApp app) {
    checkTwice(app, "cache-stream", ExpectedCall.CHAT_STREAM, List.of(MISS_LINE, HIT_LINE));
  }

  /** {@code -Dtollgate.cache.enabled=true} and no header: the same, for every call. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("propertyApps")
  void thePropertyCachesEveryCall(SampleApp app) {
    checkTwice(app, "chat-twice", ExpectedCall.CHAT, null, r -> r.sysProp("tollgate.cache.enabled", "true"), "-props");
  }

  static Stream<Arguments> propertyApps() {
    return Stream.of(Arguments.of(SampleApp.openAiJava()), Arguments.of(SampleApp.jdkHttpClient()));
  }

  static void checkTwice(SampleApp app, String scenario, ExpectedCall call, List<String> expectedCacheLines) {
    checkTwice(app, scenario, call, expectedCacheLines, r -> r, "");
  }

  /**
   * @param expectedCacheLines the two cache lines the app must print; null: only the Tollgate-Cache
   *     values are checked (MISS, HIT)
   */
  static void checkTwice(SampleApp app, String scenario, ExpectedCall call, List<String> expectedCacheLines,
      java.util.function.UnaryOperator<AppRunner> custom, String suffix) {
    String testName = "CachePolicyTest-" + scenario + suffix + "-" + app.label();
    baseline(app, scenario); // starts in the background
    PolicyRun agent = underAgent(app, scenario, testName, noStubs(), custom);
    ProviderRun plain = cleanBaseline(app, scenario);
    assertExitedCleanly(agent.app());

    String plainOut = plain.app().stdout();
    String agentOut = agent.app().stdout();
    assertThat(lines(plainOut, CACHE_LINE)).as("without the agent no cache header comes back (harness sanity)")
        .containsExactly("cache: helicone=- tollgate=-", "cache: helicone=- tollgate=-");
    assertThat(chatRequests(plain)).as("without the agent both calls reach the provider (harness sanity)").hasSize(2);

    List<String> cacheLines = lines(agentOut, CACHE_LINE);
    if (expectedCacheLines != null) {
      assertThat(cacheLines).as("the cache headers the app saw under the agent\n" + agent.app().describe())
          .isEqualTo(expectedCacheLines);
    } else {
      assertThat(cacheLines).as("the Tollgate-Cache header the app saw under the agent\n" + agent.app().describe())
          .hasSize(2)
          .satisfies(l -> assertThat(l.get(0)).endsWith(" tollgate=MISS"), l -> assertThat(l.get(1)).endsWith(" tollgate=HIT"));
    }
    assertThat(withoutLines(agentOut, CACHE_LINE)).as("everything else the app printed, vs without the agent\n" + agent.app().describe())
        .isEqualTo(withoutLines(plainOut, CACHE_LINE));
    List<String> answers = blocks(withoutLines(agentOut, CACHE_LINE), "call ");
    assertThat(answers).as("the two answers the app got").hasSize(2);
    assertThat(answers.get(1)).as("the second (cached) answer as the app parsed it equals the first").isEqualTo(answers.get(0));

    // the provider: one request, the app's first one
    assertThat(agent.chats()).as("chat requests that reached the provider under the agent: " + agent.served()).hasSize(1);
    assertForwarded("the one request", chatRequests(plain).get(0), agent.chatRequests().get(0), agent.app().apiKey());

    List<ReceivedSpan> spans = awaitSpans(agent.app(), 2);
    assertThat(spans).as("spans (one per call, the hit included)").hasSize(2);
    CallContext ctx = new CallContext(scenario, agent.app().runId(), agent.port());
    allOf(
        () -> TelemetryChecks.assertLlmSpan(spans.get(0), call, ctx),
        () -> assertThat(spans.get(0).attrs().str("tollgate.cache.status")).as("tollgate.cache.status of the first call " + spans.get(0))
            .isEqualTo("miss"),
        () -> TelemetryChecks.assertLlmSpan(spans.get(1), call, ctx, false),
        () -> {
          SoftAssertions hit = new SoftAssertions();
          checkCacheHit(hit, spans.get(1), call);
          report(hit, "on the cache hit");
        },
        () -> {
          SoftAssertions m = new SoftAssertions();
          checkCacheMetrics(m, awaitRunMetrics(agent.app()), Map.of("miss", 1, "hit", 1), TelemetryChecks.expectedCost(call));
          report(m, "in the metrics");
        },
        () -> assertNoSecretLeaks(agent.app()));
  }

  /** Tenant A, tenant B, tenant A: the same question with two API keys is two entries. */
  @Test
  void entriesAreNotSharedBetweenApiKeys() {
    SampleApp app = SampleApp.openAiJava();
    String keyB = "sk-test-SECRET-" + UUID.randomUUID();
    baseline(app, "cache-two-keys"); // starts in the background
    PolicyRun agent = underAgent(app, "cache-two-keys", "CachePolicyTest-two-keys", noStubs(),
        r -> r.env("OPENAI_API_KEY_2", keyB));
    ProviderRun plain = cleanBaseline(app, "cache-two-keys");
    assertExitedCleanly(agent.app());

    assertThat(lines(agent.app().stdout(), CACHE_LINE)).as("cache headers for A, B, A\n" + agent.app().describe())
        .containsExactly(MISS_LINE, MISS_LINE, HIT_LINE);
    assertThat(withoutLines(agent.app().stdout(), CACHE_LINE)).isEqualTo(withoutLines(plain.app().stdout(), CACHE_LINE));

    assertThat(agent.chats()).as("requests: tenant A's, tenant B's (A's second is a hit) " + agent.served()).hasSize(2);
    List<RecordedRequest> sent = chatRequests(plain);
    assertForwarded("tenant A's request", sent.get(0), agent.chatRequests().get(0), agent.app().apiKey());
    assertForwarded("tenant B's request", sent.get(1), agent.chatRequests().get(1), keyB);

    List<ReceivedSpan> spans = awaitSpans(agent.app(), 3);
    assertThat(spans).as("spans (one per call)").hasSize(3);
    allOf(
        () -> assertThat(spans.stream().map(s -> s.attrs().str("tollgate.cache.status")).toList())
            .as("tollgate.cache.status of A, B, A: " + spans).containsExactly("miss", "miss", "hit"),
        () -> {
          SoftAssertions hit = new SoftAssertions();
          checkCacheHit(hit, spans.get(2), ExpectedCall.CHAT);
          report(hit, "on tenant A's second call");
        },
        () -> assertNoSecretLeaks(agent.app()),
        () -> {
          String secretPart = keyB.substring("sk-test-SECRET-".length());
          assertThat(OTLP.anyBodyContains(keyB) || OTLP.anyBodyContains(secretPart)).as("tenant B's key in an export").isFalse();
          assertThat(agent.app().stdout() + agent.app().stderr()).as("tenant B's key in the app's output").doesNotContain(secretPart);
        });
  }

  /**
   * Seed, ignored keys, a bucket of two and a one-second max-age, one step at a time (the JDK
   * client; {@code Tollgate-} and lower-case header names on purpose in some steps).
   */
  @Test
  void finerControls() {
    SampleApp app = SampleApp.jdkHttpClient();
    PolicyRun agent = underAgent(app, "cache-controls", "CachePolicyTest-controls", noStubs());
    assertExitedCleanly(agent.app());
    // step -> Tollgate-Cache the app must see
    List<String[]> steps = List.of(
        new String[] {"seed-a", "MISS"}, new String[] {"seed-b", "MISS"}, new String[] {"seed-a-again", "HIT"},
        new String[] {"ignore-user-alice", "MISS"}, new String[] {"ignore-user-bob", "HIT"},
        new String[] {"bucket-1", "MISS"}, new String[] {"bucket-2", "MISS"}, new String[] {"bucket-3", "HIT"},
        new String[] {"ttl-first", "MISS"}, new String[] {"ttl-after-expiry", "MISS"}, new String[] {"ttl-again", "HIT"});
    List<String> out = lines(agent.app().stdout(), "step ");
    assertThat(out).as(agent.app().describe()).hasSize(steps.size());
    SoftAssertions soft = new SoftAssertions();
    for (int i = 0; i < steps.size(); i++) {
      soft.assertThat(out.get(i)).as("step " + steps.get(i)[0])
          .startsWith("step " + steps.get(i)[0] + ": status=200 ")
          .contains(" tollgate=" + steps.get(i)[1] + " ")
          .endsWith(" body-bytes=" + Recording.CHAT.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
    report(soft, "in the steps the app printed");

    long misses = steps.stream().filter(s -> s[1].equals("MISS")).count();
    assertThat(agent.chats()).as("one provider request per miss: " + agent.served()).hasSize((int) misses);
    agent.chatRequests().forEach(r -> assertThat(r.gatewayHeaderNames()).as("gateway headers reaching the provider: " + r).isEmpty());
    assertThat(agent.chatRequests().get(2).bodyText()).as("alice's request went out as the app wrote it").contains("\"user\":\"alice\"");

    List<ReceivedSpan> spans = awaitSpans(agent.app(), steps.size());
    assertThat(spans.stream().map(s -> s.attrs().str("tollgate.cache.status")).toList())
        .as("tollgate.cache.status per step: " + spans)
        .isEqualTo(steps.stream().map(s -> s[1].toLowerCase(java.util.Locale.ROOT)).toList());
    assertNoSecretLeaks(agent.app());
  }

  /** Read-only finds nothing and stores nothing; write-only stores without reading; then read-only hits. */
  @Test
  void readOnlyAndWriteOnly() {
    SampleApp app = SampleApp.jdkHttpClient();
    PolicyRun agent = underAgent(app, "cache-read-save", "CachePolicyTest-read-save", noStubs());
    assertExitedCleanly(agent.app());
    List<String> out = lines(agent.app().stdout(), "step ");
    assertThat(out).as(agent.app().describe()).hasSize(4);
    allOf(
        () -> assertThat(out.get(0)).as("read-only, empty cache").contains(" tollgate=MISS "),
        () -> assertThat(out.get(1)).as("read-only again: the first read stored nothing").contains(" tollgate=MISS "),
        () -> assertThat(out.get(3)).as("read-only after a write-only call").contains(" tollgate=HIT "),
        () -> assertThat(out).allSatisfy(l -> assertThat(l).contains("status=200")),
        () -> assertThat(agent.chats()).as("provider requests: the two reads of an empty cache and the write " + agent.served())
            .hasSize(3),
        () -> assertThat(awaitSpans(agent.app(), 4).stream().map(s -> s.attrs().str("tollgate.cache.status")).toList())
            .as("tollgate.cache.status per call").containsExactly("miss", "miss", "bypass", "hit"));
  }

  /** A 503 under a cache policy is passed on and not stored: the next identical call goes to the provider. */
  @Test
  void errorsAreNotStored() {
    SampleApp app = SampleApp.jdkHttpClient();
    PolicyRun agent = underAgent(app, "cache", "CachePolicyTest-error-not-stored",
        PolicyStubs.firstChats(PolicyStubs.unavailable()));
    assertExitedCleanly(agent.app());
    List<String> answers = blocks(agent.app().stdout(), "call ");
    allOf(
        () -> assertThat(answers.get(0)).as("the app sees the 503 as sent\n" + agent.app().describe())
            .contains("status: 503").contains(PolicyStubs.OVERLOADED_BODY),
        () -> assertThat(answers.get(1)).as("then the recorded answer").contains("status: 200").contains(Recording.CHAT.body()),
        () -> assertThat(lines(agent.app().stdout(), CACHE_LINE)).as("neither call was a hit")
            .noneMatch(l -> l.contains("HIT")),
        () -> assertThat(agent.chats()).as("both calls reached the provider " + agent.served()).hasSize(2),
        () -> assertThat(awaitSpans(agent.app(), 2).stream().map(s -> s.attrs().str("tollgate.cache.status")).toList())
            .containsExactly("miss", "miss"));
  }

  /**
   * A stream cut mid-way is never stored: the app sees the same failure as without the agent, and
   * the next identical call goes to the provider and gets the whole stream.
   */
  @Test
  void aStreamCutMidWayIsNotStored() throws Exception {
    SampleApp app = SampleApp.jdkHttpClient();
    AppRun plain;
    try (CuttingSseServer server = new CuttingSseServer(Recording.CHAT_STREAM, 3)) {
      plain = AppRunner.launch(app, "cache-stream").withAgent(false).testName("CachePolicyTest-cut-plain")
          .baseUrl(server.baseUrl()).run();
    }
    assertExitedCleanly(plain);
    assertThat(plain.stdout()).as("without the agent the first stream breaks (harness sanity)\n" + plain.describe())
        .contains("call 1 failed: ").contains("stream: done");

    try (CuttingSseServer server = new CuttingSseServer(Recording.CHAT_STREAM, 3)) {
      AppRun agent = AppRunner.launch(app, "cache-stream").withAgent(true).testName("CachePolicyTest-cut")
          .baseUrl(server.baseUrl()).run();
      assertExitedCleanly(agent);
      allOf(
          () -> assertThat(withoutLines(agent.stdout(), CACHE_LINE)).as("the app sees the cut and then the whole stream, as without the agent\n"
              + agent.describe()).isEqualTo(withoutLines(plain.stdout(), CACHE_LINE)),
          () -> assertThat(lines(agent.stdout(), CACHE_LINE)).as("the second call is not a hit").noneMatch(l -> l.contains("HIT")),
          () -> assertThat(server.requests()).as("both calls reached the provider").hasSize(2),
          () -> assertThat(awaitSpans(agent, 2).get(1).attrs().str("tollgate.cache.status"))
              .as("tollgate.cache.status of the second call").isEqualTo("miss"),
          () -> assertNoSecretLeaks(agent));
    }
  }
}
