package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCodesTest {
  @Test
  void codesAndRanges() {
    StatusCodes c = StatusCodes.parse(" 429 , 500-503,, 599");
    assertThat(c.contains(429)).isTrue();
    assertThat(c.contains(500)).isTrue();
    assertThat(c.contains(502)).isTrue();
    assertThat(c.contains(503)).isTrue();
    assertThat(c.contains(504)).isFalse();
    assertThat(c.contains(599)).isTrue();
    assertThat(c.contains(-1)).isFalse();
    assertThat(c.contains(10_000)).isFalse();
    assertThat(c).hasToString("429,500-503,599");
    assertThat(c).isEqualTo(StatusCodes.of(429, 500, 501, 502, 503, 599));
    assertThat(StatusCodes.of(List.of(429, 500))).isEqualTo(StatusCodes.of(500, 429));
  }

  @Test
  void rangesClipToRealStatuses() {
    StatusCodes any = StatusCodes.range(0, 999);
    assertThat(any.contains(100)).isTrue();
    assertThat(any.contains(599)).isTrue();
    assertThat(StatusCodes.range(600, 700).isEmpty()).isTrue();
    assertThat(StatusCodes.range(500, 599).union(StatusCodes.of(429))).hasToString("429,500-599");
    assertThatThrownBy(() -> StatusCodes.range(500, 400)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badInputIsRejected() {
    for (String bad : new String[] {"abc", "42", "1000", "600", "429;500", "503-500", "5xx", "-500", null}) {
      assertThatThrownBy(() -> StatusCodes.parse(bad)).as(String.valueOf(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> StatusCodes.of(99)).isInstanceOf(IllegalArgumentException.class);
    assertThat(StatusCodes.parse("").isEmpty()).isTrue();
    assertThat(StatusCodes.DEFAULT).hasToString("429,500,502-504");
  }
}
