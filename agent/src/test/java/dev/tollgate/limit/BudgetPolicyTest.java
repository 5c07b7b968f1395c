package dev.tollgate.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BudgetPolicyTest {

  @Test
  void anAmountAloneIsADailyGlobalAlertBudgetInUtc() {
    BudgetPolicy b = BudgetPolicy.parse("team", "25");
    assertThat(b.limitUsd()).isEqualTo(25.0);
    assertThat(b.period()).isEqualTo(BudgetPolicy.Period.DAILY);
    assertThat(b.zone()).isEqualTo(ZoneOffset.UTC);
    assertThat(b.scope()).isNull();
    assertThat(b.mode()).isEqualTo(BudgetPolicy.Mode.ALERT);
    assertThat(b.alertPercents()).containsExactly(50, 80, 100);
    assertThat(b.describe()).isEqualTo("$25.00 daily (Z), alert");
  }

  @Test
  void everyPartCanBeSet() {
    BudgetPolicy b = BudgetPolicy.parse("per-user", "0.50; w=monthly; s=User; mode=block; tz=Europe/Berlin; alert=90,75%");
    assertThat(b.limitUsd()).isEqualTo(0.5);
    assertThat(b.period()).isEqualTo(BudgetPolicy.Period.MONTHLY);
    assertThat(b.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(b.scope()).isEqualTo("user");
    assertThat(b.mode()).isEqualTo(BudgetPolicy.Mode.BLOCK);
    assertThat(b.alertPercents()).containsExactly(75, 90);

    BudgetPolicy rolling = BudgetPolicy.parse("burst", "5;w=6h;s=global;alert=");
    assertThat(rolling.period()).isEqualTo(BudgetPolicy.Period.ROLLING);
    assertThat(rolling.rollingMillis()).isEqualTo(6 * 3_600_000L);
    assertThat(rolling.scope()).isNull();
    assertThat(rolling.alertPercents()).isEmpty();
    assertThat(rolling.describe()).isEqualTo("$5.00 per rolling 6h, alert");
    assertThat(BudgetPolicy.parse("w", "1;w=weekly;s=model").describe()).isEqualTo("$1.00 weekly (Z) per model, alert");
  }

  @Test
  void badInputIsRefusedWithWhatIsWrong() {
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "lots")).hasMessageContaining("not an amount in USD");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "0")).hasMessageContaining("above 0");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "NaN")).hasMessageContaining("above 0");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "5;w=fortnightly")).hasMessageContaining("daily, weekly, monthly");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "5;w=30s")).hasMessageContaining("at least 1m");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "5;mode=stop")).hasMessageContaining("alert or block");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "5;tz=Mars/Olympus")).hasMessageContaining("time zone");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "5;alert=0")).hasMessageContaining("percentages");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "5;color=red")).hasMessageContaining("unknown key 'color'");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "5;block")).hasMessageContaining("not key=value");
    assertThatThrownBy(() -> BudgetPolicy.parse("b", "5;s=a b")).hasMessageContaining("property name");
    assertThatThrownBy(() -> BudgetPolicy.parse("a b", "5")).hasMessageContaining("budget name");
  }

  @Test
  void amountsReadWellBelowADollarToo() {
    assertThat(BudgetPolicy.usd(25)).isEqualTo("$25.00");
    assertThat(BudgetPolicy.usd(1234.5)).isEqualTo("$1234.50");
    assertThat(BudgetPolicy.usd(0.5)).isEqualTo("$0.5");
    assertThat(BudgetPolicy.usd(0.00125)).isEqualTo("$0.00125");
    assertThat(BudgetPolicy.usd(0.0000051234)).isEqualTo("$0.00000512");
    assertThat(BudgetPolicy.usd(0)).isEqualTo("$0.00");
    assertThat(BudgetPolicy.parse("tiny", "0.00001").describe()).isEqualTo("$0.00001 daily (Z), alert");
  }
}
