package dev.tollgate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.internal.TollgateLogCapture;
import dev.tollgate.limit.BudgetPolicy;
import dev.tollgate.limit.Budgets;
import dev.tollgate.telemetry.CallRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Alerts told every way, and a webhook (a real local HTTP server) that answers, fails or hangs. */
class AlertsTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
  private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  private String webhook(boolean hang) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (hang) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  private static List<Budgets.Crossing> crossEightyPercent(String spec, String user) {
    BudgetPolicy p = BudgetPolicy.parse("team", spec);
    Budgets budgets = new Budgets(List.of(p), CLOCK);
    return budgets.spend(name -> name.equals("user") ? user : null, 8.0);
  }

  private static CallRecord record() {
    CallRecord r = new CallRecord();
    r.provider = "openai";
    r.requestModel = "gpt-4o";
    return r;
  }

  @Test
  void aBudgetThresholdBecomesALogLineASpanEventAndAJsonPost() throws Exception {
    String url = webhook(false);
    Alerts alerts = Alerts.create(TollgateConfig.of(Map.of("tollgate.alerts.webhook", url)), () -> 0L, CLOCK);
    CallRecord r = record();
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      alerts.budgetsCrossed(crossEightyPercent("10;s=user;mode=block;alert=50,80", "alice"), r);
      assertThat(log.text()).contains("ALERT budget 'team' ($10.00 daily (Z) per user, block) reached 50%")
          .contains("reached 80%: $8.00 of $10.00 spent in 2026-11-26 (Z) for user alice");
    }
    assertThat(r.alerts).extracting(a -> a.kind + ":" + a.name).containsExactly("budget:team", "budget:team");
    CallRecord.Alert eighty = r.alerts.get(1);
    assertThat(eighty.attributes).containsEntry("tollgate.alert.threshold_percent", 80L)
        .containsEntry("tollgate.alert.spent_usd", 8.0).containsEntry("tollgate.alert.limit_usd", 10.0)
        .containsEntry("tollgate.alert.scope", "user").containsEntry("tollgate.alert.scope_value", "alice")
        .containsEntry("tollgate.alert.mode", "block");
    assertThat(eighty.epochNanos).isEqualTo(CLOCK.millis() * 1_000_000L);

    String first = received.poll(10, TimeUnit.SECONDS);
    String second = received.poll(10, TimeUnit.SECONDS);
    assertThat(first).startsWith("{\"source\":\"tollgate\",\"kind\":\"budget\",\"name\":\"team\"")
        .contains("\"threshold_percent\":50");
    assertThat(second).contains("\"time\":\"2026-11-26T12:00:00Z\"").contains("\"spent_usd\":8.0")
        .contains("\"scope_value\":\"alice\"").contains("\"model\":\"gpt-4o\"");
  }

  @Test
  void slackGetsOneTextField() throws Exception {
    String url = webhook(false);
    Alerts alerts = Alerts.create(TollgateConfig.of(Map.of("tollgate.alerts.webhook", url,
        "tollgate.alerts.webhook-format", "slack")), () -> 0L, CLOCK);
    alerts.budgetsCrossed(crossEightyPercent("10;alert=80", null), record());
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(
        "{\"text\":\":rotating_light: Tollgate: budget 'team' ($10.00 daily (Z), alert) reached 80%: "
            + "$8.00 of $10.00 spent in 2026-11-26 (Z)\"}");
  }

  @Test
  void aHangingWebhookNeverHoldsTheCallThatRaisedTheAlert() throws Exception {
    String url = webhook(true);
    Alerts alerts = Alerts.create(TollgateConfig.of(Map.of("tollgate.alerts.webhook", url,
        "tollgate.alerts.webhook-timeout", "30s")), () -> 0L, CLOCK);
    long start = System.nanoTime();
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      for (int i = 0; i < WebhookSender.QUEUE + 50; i++) {
        alerts.budgetsCrossed(crossEightyPercent("10;alert=80", null), record());
      }
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(received.poll(10, TimeUnit.SECONDS)).as("the first POST is hanging in the server").isNotNull();
      assertThat(log.text()).as("the queue filled up behind it").contains("alerts are dropped");
      assertThat(tookMillis).as("raising %d alerts took %d ms", WebhookSender.QUEUE + 50, tookMillis)
          .isLessThan(10_000);
    }
  }

  @Test
  void aWebhookThatFailsIsLoggedOnce() throws Exception {
    Alerts alerts = Alerts.create(TollgateConfig.of(Map.of("tollgate.alerts.webhook", "http://127.0.0.1:1/hook")),
        () -> 0L, CLOCK);
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      alerts.budgetsCrossed(crossEightyPercent("10;alert=50,80", null), record());
      alerts.drainAtExit(5_000);
      assertThat(log.text()).containsOnlyOnce("could not POST an alert to the webhook (ConnectException)");
    }
  }

  @Test
  void badSettingsAreLoggedAndLeftOut() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      Alerts alerts = Alerts.create(TollgateConfig.of(Map.of("tollgate.alerts.webhook", "ftp://x/secret-token",
          "tollgate.alerts.error-rate", "often", "tollgate.alerts.latency", "2s;w=1m;min=1")), () -> 0L, CLOCK);
      assertThat(log.text()).contains("ignoring tollgate.alerts.webhook: not an http(s) URL")
          .doesNotContain("secret-token").contains("ignoring tollgate.alerts.error-rate=often");
      CallRecord slow = record();
      slow.startNanos = 0;
      slow.endNanos = TimeUnit.SECONDS.toNanos(3);
      alerts.callFinished(slow);
      assertThat(slow.alerts).extracting(a -> a.message)
          .containsExactly("p95 latency 3000 ms over the last 1 calls crossed the threshold (p95 latency >= 2s over 1m)");
      CallRecord refused = record();
      refused.endNanos = TimeUnit.SECONDS.toNanos(30);
      refused.blockedBy = "budget:team";
      alerts.callFinished(refused);
      assertThat(refused.alerts).as("the agent's own refusals are not the provider's health").isEmpty();
    }
  }
}
