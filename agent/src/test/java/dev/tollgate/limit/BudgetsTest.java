package dev.tollgate.limit;

import dev.tollgate.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BudgetsTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));

  private static Function<String, String> call(String user, String model) {
    Map<String, String> values = new java.util.HashMap<>();
    if (user != null) {
      values.put("user", user);
    }
    if (model != null) {
      values.put("model", model);
    }
    return values::get;
  }

  @Test
  void eachThresholdFiresOncePerDailyWindowAndANewDayStartsAtZero() {
    BudgetPolicy daily = BudgetPolicy.parse("daily", "10");
    Budgets budgets = new Budgets(List.of(daily), clock);
    assertThat(budgets.spend(call(null, null), 4.0)).isEmpty();
    List<Budgets.Crossing> crossed = budgets.spend(call(null, null), 4.5);
    assertThat(crossed).extracting(Budgets.Crossing::percent).containsExactly(50, 80);
    assertThat(crossed.get(1).spentUsd()).isEqualTo(8.5);
    assertThat(crossed.get(1).window()).isEqualTo("2026-11-26 (Z)");
    assertThat(budgets.spend(call(null, null), 0.1)).as("once per threshold").isEmpty();
    assertThat(budgets.spend(call(null, null), 2.0)).extracting(Budgets.Crossing::percent).containsExactly(100);
    assertThat(budgets.exhausted(call(null, null))).as("alert mode never blocks").isNull();

    clock.set(Instant.parse("2026-11-27T00:00:00Z"));
    assertThat(budgets.spent(daily, null)).isZero();
    assertThat(budgets.spend(call(null, null), 6.0)).extracting(Budgets.Crossing::percent).containsExactly(50);
  }

  @Test
  void aBlockingBudgetRefusesOnceSpentPerScopeValue() {
    BudgetPolicy perUser = BudgetPolicy.parse("per-user", "1;s=user;mode=block;alert=100");
    Budgets budgets = new Budgets(List.of(perUser), clock);
    budgets.spend(call("alice", null), 0.6);
    assertThat(budgets.exhausted(call("alice", null))).isNull();
    assertThat(budgets.spend(call("alice", null), 0.4)).extracting(Budgets.Crossing::scopeValue).containsExactly("alice");
    assertThat(budgets.exhausted(call("alice", null))).isEqualTo(perUser);
    assertThat(budgets.exhausted(call("bob", null))).isNull();
    assertThat(budgets.exhausted(call(null, null))).as("calls without a user share one ledger").isNull();
  }

  @Test
  void theCurrentWindowsLabelIsTheOneAlertsName() {
    BudgetPolicy daily = BudgetPolicy.parse("daily", "1;alert=100");
    BudgetPolicy weekly = BudgetPolicy.parse("weekly", "1;w=weekly;tz=Europe/Berlin");
    BudgetPolicy monthly = BudgetPolicy.parse("monthly", "1;w=monthly");
    BudgetPolicy rolling = BudgetPolicy.parse("burst", "1;w=90m");
    Budgets budgets = new Budgets(List.of(daily, weekly, monthly, rolling), clock);
    assertThat(budgets.windowLabel(daily)).isEqualTo("2026-11-26 (Z)")
        .isEqualTo(budgets.spend(call(null, null), 1.0).get(0).window());
    assertThat(budgets.windowLabel(weekly)).isEqualTo("week of 2026-11-23 (Europe/Berlin)");
    assertThat(budgets.windowLabel(monthly)).isEqualTo("2026-11 (Z)");
    assertThat(budgets.windowLabel(rolling)).isEqualTo("last 90m");
    clock.set(Instant.parse("2026-11-27T00:00:00Z"));
    assertThat(budgets.windowLabel(daily)).isEqualTo("2026-11-27 (Z)");
  }

  @Test
  void calendarWindowsFollowTheBudgetsZone() {
    BudgetPolicy berlinDay = BudgetPolicy.parse("d", "1;tz=Europe/Berlin");
    // 23:30 UTC on the 26th is already the 27th in Berlin
    assertThat(Budgets.windowStart(berlinDay, Instant.parse("2026-11-26T23:30:00Z").toEpochMilli()))
        .isEqualTo(ZonedDateTime.parse("2026-11-27T00:00+01:00[Europe/Berlin]"));
    BudgetPolicy week = BudgetPolicy.parse("w", "1;w=weekly");
    assertThat(Budgets.windowStart(week, Instant.parse("2026-11-26T10:00:00Z").toEpochMilli()).toLocalDate())
        .as("the Monday").hasToString("2026-11-23");
    BudgetPolicy month = BudgetPolicy.parse("m", "1;w=monthly;tz=America/New_York");
    ZonedDateTime start = Budgets.windowStart(month, Instant.parse("2026-03-01T03:00:00Z").toEpochMilli());
    assertThat(start.toLocalDate()).as("still February in New York").hasToString("2026-02-01");
    assertThat(Budgets.windowEnd(month, start).toLocalDate()).hasToString("2026-03-01");
    // a day with a DST change is 23 hours long
    BudgetPolicy nyDay = BudgetPolicy.parse("d", "1;tz=America/New_York");
    ZonedDateTime dstDay = Budgets.windowStart(nyDay, Instant.parse("2026-03-08T12:00:00Z").toEpochMilli());
    assertThat(Duration.between(dstDay, Budgets.windowEnd(nyDay, dstDay))).isEqualTo(Duration.ofHours(23));
  }

  @Test
  void aRollingWindowForgetsOldSpendAndReArmsItsThresholds() {
    BudgetPolicy hourly = BudgetPolicy.parse("burst", "1;w=1h;mode=block;alert=100");
    Budgets budgets = new Budgets(List.of(hourly), clock);
    assertThat(budgets.spend(call(null, null), 1.0)).hasSize(1);
    assertThat(budgets.exhausted(call(null, null))).isEqualTo(hourly);
    clock.advance(Duration.ofMinutes(62));
    assertThat(budgets.exhausted(call(null, null))).isNull();
    assertThat(budgets.spend(call(null, null), 0.5)).isEmpty();
    assertThat(budgets.spend(call(null, null), 0.5)).as("re-armed once the spend fell below it").hasSize(1);
  }

  @Test
  void modelScopeAndSeveralBudgetsAtOnce() {
    BudgetPolicy perModel = BudgetPolicy.parse("per-model", "2;s=model;mode=block");
    BudgetPolicy global = BudgetPolicy.parse("all", "3;mode=block");
    Budgets budgets = new Budgets(List.of(perModel, global), clock);
    budgets.spend(call(null, "gpt-4o"), 2.0);
    assertThat(budgets.exhausted(call(null, "gpt-4o"))).isEqualTo(perModel);
    assertThat(budgets.exhausted(call(null, "gpt-4o-mini"))).isNull();
    budgets.spend(call(null, "gpt-4o-mini"), 1.0);
    assertThat(budgets.exhausted(call(null, "gpt-4o-mini"))).isEqualTo(global);
    assertThat(budgets.spend(call(null, "x"), 0)).isEmpty();
    assertThat(budgets.spend(call(null, "x"), Double.POSITIVE_INFINITY)).isEmpty();
  }

  @Test
  void readingsGiveEachBudgetsCurrentWindowAndItsBiggestSpenders() {
    BudgetPolicy global = BudgetPolicy.parse("all", "10");
    BudgetPolicy perUser = BudgetPolicy.parse("per-user", "1;s=user");
    Budgets budgets = new Budgets(List.of(global, perUser), clock);
    assertThat(budgets.readings(2)).extracting(r -> r.policy().name() + "/" + r.scopeValue() + "=" + r.spentUsd())
        .as("a global budget before any call").containsExactly("all/null=0.0");
    budgets.spend(call("alice", null), 0.5);
    budgets.spend(call("bob", null), 0.7);
    budgets.spend(call("carol", null), 0.1);
    assertThat(budgets.readings(2)).extracting(r -> r.policy().name() + "/" + r.scopeValue() + "=" + r.spentUsd())
        .containsExactly("all/null=1.3", "per-user/bob=0.7", "per-user/alice=0.5");
    clock.set(Instant.parse("2026-11-27T00:00:01Z"));
    assertThat(budgets.readings(2)).extracting(r -> r.policy().name() + "/" + r.scopeValue() + "=" + r.spentUsd())
        .as("yesterday's ledgers are not today's").containsExactly("all/null=0.0");
  }
}
