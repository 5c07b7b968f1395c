package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.ReceivedLog;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Client-side rate limits and blocking budgets through the real SDKs: the agent answers the
 * refused call itself (429, the provider's error format, no network call), and the SDK raises
 * the exception it raises for the provider's own 429. The SDKs' retries are off in these
 * scenarios (a refusal is reported, not retried).
 *
 * <p>The apps print one line per call: {@code call N: status 200, rate limit remaining [..], <id>}
 * or {@code call N: <SDK exception> status=429 ...}.
 */
class LimitsPolicyTest extends PolicyItBase {

  static Stream<Arguments> sdks() {
    return Stream.of(
        Arguments.of(SampleApp.openAiJava(), "RateLimitException status=429 code=rate_limit_exceeded"),
        Arguments.of(SampleApp.anthropicJava(), "RateLimitException status=429"));
  }

  /** {@code Helicone-RateLimit-Policy: 2;w=60}: two calls go, the third is refused by the agent. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sdks")
  void aCallsOwnRateLimitRefusesTheThirdCall(SampleApp app, String sdkException) {
    PolicyRun agent = underAgent(app, "limited", "LimitsPolicyTest-limited-" + app.label(), noStubs());
    assertExitedCleanly(agent.app());
    List<String> calls = lines(agent.app().stdout(), "call ");
    assertThat(calls).as(agent.app().describe()).hasSize(3);
    assertThat(calls.get(0)).startsWith("call 1: status 200, rate limit remaining [1], ");
    assertThat(calls.get(1)).startsWith("call 2: status 200, rate limit remaining [0], ");
    assertThat(calls.get(2)).isEqualTo("call 3: " + sdkException + ", rate limit remaining [0]");
    assertThat(agent.served()).as("the provider saw only the two admitted calls").hasSize(2);

    List<ReceivedSpan> spans = awaitSpans(agent.app(), 3);
    assertThat(spans).hasSize(3);
    assertThat(spans.get(0).attrs().str("tollgate.blocked_by")).isNull();
    ReceivedSpan refused = spans.get(2);
    assertThat(refused.attrs().str("tollgate.blocked_by")).isEqualTo("ratelimit:header");
    assertThat(refused.attrs().lng("http.response.status_code")).isEqualTo(429L);
    assertThat(refused.attrs().str("error.type")).isEqualTo("429");
    assertThat(refused.attrs().dbl("tollgate.cost.usd")).isEqualTo(0.0);
    assertNoSecretLeaks(agent.app());
  }

  /**
   * {@code tollgate.budget.demo} blocks once a tiny daily budget is spent: the first call spends
   * it (and sets off the 50 % and 100 % alerts: span events, log records, two webhook POSTs),
   * the next two are refused.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sdks")
  void aSpentBlockingBudgetRefusesCallsAndItsAlertsGoOut(SampleApp app, String sdkException) throws IOException {
    LinkedBlockingQueue<String> posts = new LinkedBlockingQueue<>();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/alerts", exchange -> {
      posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    webhook.start();
    try {
      String url = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts";
      PolicyRun agent = underAgent(app, "three", "LimitsPolicyTest-budget-" + app.label(), noStubs(),
          (AppRunner r) -> r.sysProp("tollgate.budget.demo", "0.000001;mode=block;alert=50,100")
              .sysProp("tollgate.alerts.webhook", url));
      assertExitedCleanly(agent.app());
      List<String> calls = lines(agent.app().stdout(), "call ");
      assertThat(calls).as(agent.app().describe()).hasSize(3);
      assertThat(calls.get(0)).startsWith("call 1: status 200, rate limit remaining [], ");
      assertThat(calls.get(1)).isEqualTo("call 2: " + sdkException + ", rate limit remaining []");
      assertThat(calls.get(2)).isEqualTo("call 3: " + sdkException + ", rate limit remaining []");
      assertThat(agent.served()).as("the provider saw only the first call").hasSize(1);
      assertThat(agent.app().stderr()).contains("ALERT budget 'demo'").contains("reached 100%");

      List<ReceivedSpan> spans = awaitSpans(agent.app(), 3);
      assertThat(spans.get(0).span().getEventsList()).filteredOn(e -> e.getName().equals("tollgate.alert"))
          .as("the first call crossed 50 % and 100 %").hasSize(2);
      assertThat(spans.get(1).attrs().str("tollgate.blocked_by")).isEqualTo("budget:demo");
      assertThat(spans.get(2).attrs().str("tollgate.blocked_by")).isEqualTo("budget:demo");

      List<ReceivedLog> logs = OTLP.await(() -> OTLP.logsWithResourceAttribute(AppRunner.RUN_RESOURCE_ATTRIBUTE,
          agent.app().runId()), l -> l.size() >= 2, EXPORT_WAIT);
      assertThat(logs).extracting(ReceivedLog::body).allSatisfy(b -> assertThat(b).startsWith("budget 'demo'"));
      assertThat(logs).extracting(l -> l.attrs().lng("tollgate.alert.threshold_percent")).containsExactlyInAnyOrder(50L, 100L);

      String first = posts.poll(10, TimeUnit.SECONDS);
      String second = posts.poll(10, TimeUnit.SECONDS);
      assertThat(List.of(String.valueOf(first), String.valueOf(second))).allSatisfy(p -> assertThat(p)
          .startsWith("{\"source\":\"tollgate\",\"kind\":\"budget\",\"name\":\"demo\""));
      assertNoSecretLeaks(agent.app());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      webhook.stop(0);
    }
  }
}
