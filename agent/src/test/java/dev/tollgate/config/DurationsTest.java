package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, 500",
      "30s, 30000",
      "5m, 300000",
      "1h, 3600000",
      "7d, 604800000",
      "0s, 0",
      "' 10s ', 10000",
      "10 s, 10000",
      "1ms, 1"})
  void parsesTheSpecUnits(String text, long millis) {
    assertThat(Durations.parseMillis(text)).isEqualTo(millis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "s", "ms", "-5s", "abc", "1234567890123456s"})
  void rejectsTextWithoutANumber(String text) {
    assertThatThrownBy(() -> Durations.parseMillis(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("500ms")
        .hasMessageContaining("7d");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Durations.parseMillis(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a duration");
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5x", "5sec", "1.5s", "5M", "2w", "10 minutes"})
  void rejectsUnknownUnitsNamingTheAcceptedOnes(String text) {
    assertThatThrownBy(() -> Durations.parseMillis(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("ms, s, m, h or d");
  }

  @ParameterizedTest
  @ValueSource(strings = {"999999999999999d", "200000000000000m", "9999999999999h"})
  void rejectsDurationsThatOverflowInsteadOfWrappingNegative(String text) {
    assertThatThrownBy(() -> Durations.parseMillis(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void largestDurationsThatFitStillParse() {
    assertThat(Durations.parseMillis("999999999999999s")).isEqualTo(999_999_999_999_999_000L);
    assertThat(Durations.parseMillis("106751991167d")).isEqualTo(106_751_991_167L * 86_400_000L);
  }
}
