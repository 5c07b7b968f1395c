package dev.tollgate.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HealthRuleTest {

  @Test
  void readsBothRulesWithTheirDefaults() {
    HealthRule errors = HealthRule.parse(HealthRule.Kind.ERROR_RATE, "10%");
    assertThat(errors.threshold()).isEqualTo(0.1);
    assertThat(errors.windowMillis()).isEqualTo(300_000);
    assertThat(errors.minCalls()).isEqualTo(20);
    assertThat(errors.describe()).isEqualTo("error rate >= 10% over 5m");

    HealthRule latency = HealthRule.parse(HealthRule.Kind.LATENCY, "2500ms; w=1m; p=99; min=5");
    assertThat(latency.threshold()).isEqualTo(2500.0);
    assertThat(latency.windowMillis()).isEqualTo(60_000);
    assertThat(latency.percentile()).isEqualTo(99);
    assertThat(latency.minCalls()).isEqualTo(5);
    assertThat(latency.describe()).isEqualTo("p99 latency >= 2500ms over 1m");
    assertThat(HealthRule.parse(HealthRule.Kind.ERROR_RATE, "2.5;w=10m").describe())
        .isEqualTo("error rate >= 2.5% over 10m");
  }

  @Test
  void badRulesSayWhatIsWrong() {
    assertThatThrownBy(() -> HealthRule.parse(HealthRule.Kind.ERROR_RATE, "lots")).hasMessageContaining("not an error rate");
    assertThatThrownBy(() -> HealthRule.parse(HealthRule.Kind.ERROR_RATE, "150%")).hasMessageContaining("at most 100%");
    assertThatThrownBy(() -> HealthRule.parse(HealthRule.Kind.LATENCY, "fast")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> HealthRule.parse(HealthRule.Kind.LATENCY, "1s;w=5s")).hasMessageContaining("at least 10s");
    assertThatThrownBy(() -> HealthRule.parse(HealthRule.Kind.LATENCY, "1s;p=0")).hasMessageContaining("p must be");
    assertThatThrownBy(() -> HealthRule.parse(HealthRule.Kind.ERROR_RATE, "5%;p=95")).hasMessageContaining("latency rule only");
    assertThatThrownBy(() -> HealthRule.parse(HealthRule.Kind.ERROR_RATE, "5%;min=x")).hasMessageContaining("min must be");
    assertThatThrownBy(() -> HealthRule.parse(HealthRule.Kind.ERROR_RATE, "5%;window=1m")).hasMessageContaining("unknown key");
  }
}
