package dev.tollgate.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimitPolicyTest {

  @Test
  void readsHeliconesSyntaxWithItsDefaults() {
    RateLimitPolicy p = RateLimitPolicy.parse("header", "1000;w=3600;u=cents;s=user");
    assertThat(p.quota()).isEqualTo(1000);
    assertThat(p.windowSeconds()).isEqualTo(3600);
    assertThat(p.unit()).isEqualTo(RateLimitPolicy.Unit.CENTS);
    assertThat(p.segment()).isEqualTo("user");
    assertThat(p.text()).isEqualTo("1000;w=3600;u=cents;s=user");

    RateLimitPolicy bare = RateLimitPolicy.parse("free-tier", " 10;w=60 ");
    assertThat(bare.unit()).as("request is the default unit").isEqualTo(RateLimitPolicy.Unit.REQUEST);
    assertThat(bare.segment()).as("no segment: one window for all").isNull();
    assertThat(bare.text()).isEqualTo("10;w=60;u=request");
    assertThat(bare.name()).isEqualTo("free-tier");

    assertThat(RateLimitPolicy.parse("p", "5;w=60;s=Feature").segment()).as("property names are case-insensitive")
        .isEqualTo("feature");
  }

  @Test
  void rejectsWhatHeliconeRejectsWithAPreciseMessage() {
    assertThatThrownBy(() -> RateLimitPolicy.parse("h", "10;w=59")).hasMessageContaining("60..");
    assertThatThrownBy(() -> RateLimitPolicy.parse("h", "0;w=60")).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> RateLimitPolicy.parse("h", "10;u=request;w=60"))
        .hasMessageContaining("not a rate-limit policy");
    assertThatThrownBy(() -> RateLimitPolicy.parse("h", "10;w=60;u=tokens")).hasMessageContaining("not a rate-limit policy");
    assertThatThrownBy(() -> RateLimitPolicy.parse("h", "")).hasMessageContaining("not a rate-limit policy");
    assertThatThrownBy(() -> RateLimitPolicy.parse("h", null)).hasMessageContaining("not a rate-limit policy");
    assertThatThrownBy(() -> RateLimitPolicy.parse("h", "99999999999999999;w=60")).hasMessageContaining("not a rate-limit policy");
  }
}
