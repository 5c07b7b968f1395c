package dev.tollgate.report;

import dev.tollgate.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.limit.BudgetPolicy;
import dev.tollgate.limit.Budgets;
import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's gateway panels: budget burn, refusals, alerts, provider rate-limit headroom. */
class GatewayPanelsTest {
  private static final long T0 = 1_735_689_600_000L; // 2025-01-01T00:00Z
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOSTILE = ReportCollectorTest.HOSTILE;

  private final ManualClock clock = new ManualClock(T0);
  private final ReportCollector collector = new ReportCollector(clock);

  private String rawSnapshot(List<BudgetBurn.Budget> budgets) {
    return collector.snapshotJson("svc", 0, budgets);
  }

  private JsonNode snapshot(List<BudgetBurn.Budget> budgets) throws Exception {
    return JSON.readTree(rawSnapshot(budgets));
  }

  private static java.util.function.Function<String, String> user(String user) {
    return name -> name.equals("user") ? user : null;
  }

  @Test
  void eachBudgetShowsItsWindowModeAndBiggestSpendersWithHostileScopeValuesEscaped() throws Exception {
    BudgetPolicy demo = BudgetPolicy.parse("demo", "0.000001;mode=block");
    BudgetPolicy perUser = BudgetPolicy.parse("per-user", "0.01;s=user");
    BudgetPolicy perModel = BudgetPolicy.parse("burst", "5;w=1h;s=model");
    Budgets budgets = new Budgets(List.of(demo, perUser, perModel), clock);
    budgets.spend(user(HOSTILE), 0.00002);
    budgets.spend(user("alice"), 0.002);
    for (int i = 0; i < 12; i++) {
      budgets.spend(user("user-" + i), 0.000001 * (i + 1));
    }
    budgets.spend(user(null), 0.0000005);

    List<BudgetBurn.Budget> read = BudgetBurn.read(budgets);
    String raw = rawSnapshot(read);
    JsonNode b = JSON.readTree(raw).get("budgets");

    assertThat(b).hasSize(3);
    JsonNode d = b.get(0);
    assertThat(d.get("name").asText()).isEqualTo("demo");
    assertThat(d.get("mode").asText()).isEqualTo("block");
    assertThat(d.get("window").asText()).isEqualTo("2025-01-01 (Z)");
    assertThat(d.get("amount").asDouble()).isEqualTo(0.000001);
    assertThat(d.get("scope").isNull()).isTrue();
    assertThat(d.get("spenders")).hasSize(1);
    assertThat(d.get("spenders").get(0).get("value").isNull()).as("the global budget's one row").isTrue();
    assertThat(d.get("spenders").get(0).get("spent").asDouble())
        .isCloseTo(0.00002 + 0.002 + 0.000078 + 0.0000005, within(1e-12));

    JsonNode u = b.get(1);
    assertThat(u.get("mode").asText()).isEqualTo("alert");
    assertThat(u.get("scope").asText()).isEqualTo("user");
    assertThat(u.get("more").asBoolean()).as("15 spenders, 10 shown").isTrue();
    assertThat(u.get("spenders")).hasSize(BudgetBurn.SPENDERS_SHOWN);
    assertThat(u.get("spenders").get(0).get("value").asText()).isEqualTo("alice");
    assertThat(u.get("spenders").get(1).get("value").asText()).as("the hostile user id, as data").isEqualTo(HOSTILE);
    assertThat(u.get("spenders").get(1).get("spent").asDouble()).isEqualTo(0.00002);
    assertThat(u.get("spenders").get(2).get("value").asText()).isEqualTo("user-11");

    JsonNode r = b.get(2);
    assertThat(r.get("window").asText()).isEqualTo("last 1h");
    assertThat(r.get("spenders")).as("calls without a model share one ledger").hasSize(1);
    assertThat(r.get("spenders").get(0).get("value").isNull()).isTrue();
    assertThat(r.get("more").asBoolean()).isFalse();

    assertThat(raw).as("no value can end the <script> element or start markup").doesNotContain(HOSTILE)
        .doesNotContain("<").doesNotContain(">")
        .contains("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e");
  }

  @Test
  void aScopedBudgetNobodySpentFromHasNoRowsAndAGlobalOneShowsZero() throws Exception {
    Budgets budgets = new Budgets(List.of(BudgetPolicy.parse("all", "2"), BudgetPolicy.parse("per-user", "1;s=user")),
        clock);
    JsonNode b = snapshot(BudgetBurn.read(budgets)).get("budgets");
    assertThat(b.get(0).get("spenders")).hasSize(1);
    assertThat(b.get(0).get("spenders").get(0).get("spent").asDouble()).isZero();
    assertThat(b.get(1).get("spenders")).isEmpty();
    assertThat(b.get(1).get("amount").asDouble()).isEqualTo(1.0);
  }

  @Test
  void withoutBudgetsTheFieldIsNull() throws Exception {
    assertThat(snapshot(null).get("budgets").isNull()).isTrue();
    assertThat(JSON.readTree(collector.snapshotJson("svc", 0)).get("budgets").isNull()).isTrue();
  }

  @Test
  void refusalsAreCountedPerReasonAndOverTime() throws Exception {
    String hostileReason = "ratelimit:" + HOSTILE;
    record(refused(T0, "budget:demo"));
    record(refused(T0 + 1_000, "budget:demo"));
    record(refused(T0 + 61_000, "ratelimit:header"));
    record(refused(T0 + 62_000, hostileReason));
    record(Calls.call(T0 + 63_000, "gpt-4o-mini", "alice", 0.00001, 300));
    clock.advance(120_000);

    String raw = rawSnapshot(null);
    JsonNode s = JSON.readTree(raw);
    JsonNode refusals = s.get("refusals");
    assertThat(refusals.get("total").asLong()).isEqualTo(4);
    JsonNode reasons = refusals.get("reasons");
    assertThat(reasons).hasSize(3);
    assertThat(reasons.get(0).get("reason").asText()).isEqualTo("budget:demo");
    assertThat(reasons.get(0).get("count").asLong()).isEqualTo(2);
    assertThat(reasons.get(0).get("first").asLong()).isEqualTo(T0);
    assertThat(reasons.get(0).get("last").asLong()).isEqualTo(T0 + 1_000);
    List<String> names = new ArrayList<>();
    reasons.forEach(n -> names.add(n.get("reason").asText()));
    assertThat(names).as("most first, ties by name").containsExactly("budget:demo", hostileReason, "ratelimit:header");
    assertThat(raw).doesNotContain(HOSTILE);

    JsonNode series = s.get("series");
    assertThat(series).hasSize(2);
    assertThat(series.get(0).get("refused").asLong()).isEqualTo(2);
    assertThat(series.get(1).get("refused").asLong()).isEqualTo(2);
    assertThat(series.get(1).get("requests").asLong()).isEqualTo(3);
    assertThat(series.get(1).get("errors").asLong()).as("a refusal is a 429: an error too").isEqualTo(2);
    assertThat(s.get("totals").get("errors").asLong()).isEqualTo(4);
  }

  @Test
  void refusalReasonsAreBounded() throws Exception {
    int reasons = GatewayActivity.REASONS_KEPT + 10;
    for (int i = 0; i < reasons; i++) {
      record(refused(T0, "ratelimit:p" + i));
    }
    JsonNode r = snapshot(null).get("refusals");
    assertThat(r.get("total").asLong()).isEqualTo(reasons);
    assertThat(r.get("reasons")).hasSize(GatewayActivity.REASONS_KEPT + 1);
    JsonNode other = r.get("reasons").get(GatewayActivity.REASONS_KEPT);
    assertThat(other.get("other").asBoolean()).isTrue();
    assertThat(other.get("count").asLong()).isEqualTo(10);
  }

  @Test
  void theLastTwentyAlertsNewestFirstWithHostileMessagesEscaped() throws Exception {
    for (int i = 0; i < 25; i++) {
      CallRecord r = Calls.call(T0 + i * 1_000L, "gpt-4o-mini", "alice", 0.00001, 300);
      r.alerts.add(new CallRecord.Alert("budget", "per-user", "budget 'per-user' reached " + i + "% for user "
          + HOSTILE, (T0 + i * 1_000L) * 1_000_000L, Map.of()));
      record(r);
    }
    String raw = rawSnapshot(null);
    JsonNode alerts = JSON.readTree(raw).get("alerts");
    assertThat(alerts.get("total").asLong()).isEqualTo(25);
    assertThat(alerts.get("last")).hasSize(GatewayActivity.ALERTS_KEPT);
    JsonNode newest = alerts.get("last").get(0);
    assertThat(newest.get("t").asLong()).isEqualTo(T0 + 24_000);
    assertThat(newest.get("kind").asText()).isEqualTo("budget");
    assertThat(newest.get("name").asText()).isEqualTo("per-user");
    assertThat(newest.get("message").asText()).isEqualTo("budget 'per-user' reached 24% for user " + HOSTILE);
    assertThat(alerts.get("last").get(19).get("message").asText()).startsWith("budget 'per-user' reached 5%");
    assertThat(raw).doesNotContain(HOSTILE).doesNotContain("'per-user'").contains("\\u0027per-user\\u0027");
  }

  @Test
  void aLongAlertMessageIsClipped() throws Exception {
    CallRecord r = Calls.call(T0, "gpt-4o-mini", "alice", 0.00001, 300);
    r.alerts.add(new CallRecord.Alert("budget", "per-user", "budget 'per-user' reached 100% for user " + "x".repeat(10_000),
        T0 * 1_000_000L, Map.of()));
    record(r);
    String message = snapshot(null).get("alerts").get("last").get(0).get("message").asText();
    assertThat(message).hasSize(CallFacts.ALERT_MESSAGE_KEPT).startsWith("budget 'per-user' reached 100%").endsWith("x\u2026");
  }

  @Test
  void headroomIsEachProviderAndModelsLastReportFromTheProvider() throws Exception {
    CallRecord first = Calls.call(T0, "gpt-4o-mini", "alice", 0.00001, 300);
    limits(first, 5000L, 4999L, 4_000_000L, 3_999_983L);
    CallRecord later = Calls.call(T0 + 1_000, "gpt-4o-mini", "alice", 0.00001, 300);
    limits(later, null, 4998L, null, null); // a response naming only the requests left
    CallRecord hit = Calls.call(T0 + 2_000, "gpt-4o-mini", "alice", 0.0, 2);
    hit.cacheStatus = "hit";
    limits(hit, 5000L, 1L, 4_000_000L, 1L); // a stored answer's old headers
    CallRecord refusedCall = refused(T0 + 3_000, "ratelimit:header");
    limits(refusedCall, 2L, 0L, null, null); // Tollgate's own answer, not the provider's
    CallRecord claude = Calls.call(T0 + 500, "claude-sonnet-4-5", "bob", 0.0001, 900);
    claude.provider = "anthropic";
    limits(claude, 50L, 49L, 30_000L, 29_000L);
    CallRecord none = Calls.call(T0 + 600, "gpt-4o", "bob", 0.0001, 900);
    for (CallRecord r : List.of(first, later, hit, refusedCall, claude, none)) {
      record(r);
    }
    JsonNode rows = snapshot(null).get("headroom").get("rows");
    assertThat(rows).as("gpt-4o reported no limits").hasSize(2);
    JsonNode anthropic = rows.get(0);
    assertThat(anthropic.get("provider").asText()).isEqualTo("anthropic");
    assertThat(anthropic.get("remainingTokens").asLong()).isEqualTo(29_000);
    JsonNode openai = rows.get(1);
    assertThat(openai.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(openai.get("t").asLong()).isEqualTo(T0 + 1_000);
    assertThat(openai.get("limitRequests").asLong()).isEqualTo(5000);
    assertThat(openai.get("remainingRequests").asLong()).isEqualTo(4998);
    assertThat(openai.get("limitTokens").asLong()).isEqualTo(4_000_000);
    assertThat(openai.get("remainingTokens").asLong()).as("kept from the earlier report").isEqualTo(3_999_983);
  }

  @Test
  void headroomKeepsTheMostRecentlyReportedPairs() throws Exception {
    int pairs = GatewayActivity.HEADROOM_KEPT + 5;
    for (int i = 0; i < pairs; i++) {
      CallRecord r = Calls.call(T0 + i, "model-" + i, "alice", 0.00001, 300);
      limits(r, 100L, 99L, null, null);
      record(r);
    }
    CallRecord again = Calls.call(T0 + pairs, "model-5", "alice", 0.00001, 300);
    limits(again, 100L, 98L, null, null);
    record(again); // model-5 is reported again: model-6 is now the one reported least recently
    CallRecord newcomer = Calls.call(T0 + pairs + 1, "model-new", "alice", 0.00001, 300);
    limits(newcomer, 100L, 99L, null, null);
    record(newcomer);

    assertThat(collector.headroomPairsKept()).isEqualTo(GatewayActivity.HEADROOM_KEPT);
    JsonNode h = snapshot(null).get("headroom");
    assertThat(h.get("dropped").asLong()).isEqualTo(6);
    List<String> models = new ArrayList<>();
    h.get("rows").forEach(r -> models.add(r.get("model").asText()));
    assertThat(models).contains("model-5", "model-new", "model-7").doesNotContain("model-0", "model-4", "model-6");
  }

  /** Records a call as it ends at its start time (the clock moves forward to it). */
  private void record(CallRecord r) {
    long t = r.startEpochNanos / 1_000_000L;
    if (t > clock.millis()) {
      clock.advance(t - clock.millis());
    }
    collector.record(r);
  }

  private static CallRecord refused(long epochMillis, String blockedBy) {
    CallRecord r = Calls.call(epochMillis, "gpt-4o-mini", "bob", 0.0, 1);
    r.statusCode = 429;
    r.errorType = "429";
    r.blockedBy = blockedBy;
    r.inputTokens = null;
    r.outputTokens = null;
    return r;
  }

  private static void limits(CallRecord r, Long limitRequests, Long remainingRequests, Long limitTokens,
      Long remainingTokens) {
    r.rateLimitRequests = limitRequests;
    r.rateLimitRemainingRequests = remainingRequests;
    r.rateLimitTokens = limitTokens;
    r.rateLimitRemainingTokens = remainingTokens;
  }
}
