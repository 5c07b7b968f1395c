package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControlHeadersTest {

  @ParameterizedTest
  @ValueSource(strings = {"Helicone-", "helicone-", "HELICONE-", "Tollgate-", "tollgate-", "TOLLGATE-", "hElIcOnE-"})
  void bothPrefixesInAnyCase(String prefix) {
    ControlHeaders c = ControlHeaders.builder()
        .accept(prefix + "User-Id", "u-1")
        .accept(prefix + "Session-Id", "s-1")
        .build();

    assertThat(c.userId()).isEqualTo("u-1");
    assertThat(c.sessionId()).isEqualTo("s-1");
    assertThat(c.any()).isTrue();
    assertThat(c.usedHelicone()).isEqualTo(prefix.toLowerCase().startsWith("helicone"));
  }

  @Test
  void propertiesKeepTheHeadersSpellingOfTheName() {
    ControlHeaders c = ControlHeaders.builder()
        .accept("Helicone-Property-Environment", "prod")
        .accept("tollgate-property-TeamName", "search")
        .accept("TOLLGATE-PROPERTY-x_Y", "1")
        .build();

    assertThat(c.properties()).containsExactly(
        entry("Environment", "prod"), entry("TeamName", "search"), entry("x_Y", "1"));
    assertThat(c.policyHeaders()).isEmpty();
  }

  @Test
  void aPropertyWithoutANameIsRemovedButNotRecorded() {
    ControlHeaders c = ControlHeaders.builder().accept("Helicone-Property-", "orphan").build();

    assertThat(c.any()).as("still a control header, so it is stripped").isTrue();
    assertThat(c.properties()).isEmpty();
    assertThat(c.policyHeaders()).isEmpty();
  }

  @Test
  void userAndSessionHeaders() {
    ControlHeaders c = ControlHeaders.builder()
        .accept("Helicone-User-Id", "alice@example.com")
        .accept("helicone-session-id", "sess-42")
        .accept("Helicone-Session-Path", "/plan/step-1")
        .accept("HELICONE-SESSION-NAME", "Trip planner")
        .build();

    assertThat(c.userId()).isEqualTo("alice@example.com");
    assertThat(c.sessionId()).isEqualTo("sess-42");
    assertThat(c.sessionPath()).isEqualTo("/plan/step-1");
    assertThat(c.sessionName()).isEqualTo("Trip planner");
    assertThat(c.properties()).isEmpty();
    assertThat(c.policyHeaders()).isEmpty();
  }

  @Test
  void omitHeadersAreOnOnlyForTrue() {
    ControlHeaders on = ControlHeaders.builder()
        .accept("Helicone-Omit-Request", "true")
        .accept("Tollgate-Omit-Response", "true")
        .build();
    assertThat(on.omitRequest()).isTrue();
    assertThat(on.omitResponse()).isTrue();

    for (String v : new String[] {"TRUE", "True", "yes", "1", "false", "", "on", "truee"}) {
      ControlHeaders off = ControlHeaders.builder()
          .accept("Helicone-Omit-Request", v)
          .accept("Helicone-Omit-Response", v)
          .build();
      assertThat(off.omitRequest()).as("'%s'", v).isFalse();
      assertThat(off.omitResponse()).as("'%s'", v).isFalse();
    }
  }

  @Test
  void omitHeadersAreOffByDefault() {
    ControlHeaders c = ControlHeaders.builder().build();
    assertThat(c.omitRequest()).isFalse();
    assertThat(c.omitResponse()).isFalse();
    assertThat(c.any()).isFalse();
    assertThat(c.usedHelicone()).isFalse();
    assertThat(c.properties()).isEmpty();
    assertThat(c.policyHeaders()).isEmpty();
    assertThat(c.userId()).isNull();
    assertThat(c.sessionId()).isNull();
    assertThat(c.sessionPath()).isNull();
    assertThat(c.sessionName()).isNull();
  }

  @Test
  void heliconeAuthIsAControlHeaderButNeverRecorded() {
    ControlHeaders c = ControlHeaders.builder().accept("Helicone-Auth", "Bearer sk-helicone-secret").build();

    assertThat(ControlHeaders.isControlHeader("Helicone-Auth")).isTrue();
    assertThat(c.any()).as("it must be removed with the others").isTrue();
    assertThat(c.properties()).isEmpty();
    assertThat(c.policyHeaders()).isEmpty();
    assertThat(c.userId()).isNull();
  }

  @Test
  void otherControlsLandInPolicyHeadersByLowerCaseSuffix() {
    ControlHeaders c = ControlHeaders.builder()
        .accept("Helicone-Cache-Enabled", "true")
        .accept("Tollgate-Retry-Num", "3")
        .accept("HELICONE-Fallback-Model", "gpt-4o-mini")
        .accept("helicone-RateLimit-Policy", "1000;w=3600;u=request;s=user")
        .build();

    assertThat(c.policyHeaders()).containsExactly(
        entry("cache-enabled", "true"),
        entry("retry-num", "3"),
        entry("fallback-model", "gpt-4o-mini"),
        entry("ratelimit-policy", "1000;w=3600;u=request;s=user"));
    assertThat(c.properties()).isEmpty();
  }

  @Test
  void headersWithoutAControlPrefixAreIgnored() {
    ControlHeaders c = ControlHeaders.builder()
        .accept("Authorization", "Bearer sk-x")
        .accept("Content-Type", "application/json")
        .accept("X-Helicone-Property-Foo", "bar")
        .accept("Cache-Control", "max-age=60")
        .accept(null, "x")
        .accept("Helicone-User-Id", null)
        .build();

    assertThat(c.any()).isFalse();
    assertThat(c.properties()).isEmpty();
    assertThat(c.policyHeaders()).isEmpty();
    assertThat(c.userId()).isNull();
  }

  @Test
  void tollgateOnlyHeadersDoNotMarkHelicone() {
    ControlHeaders c = ControlHeaders.builder().accept("Tollgate-Property-A", "1").build();
    assertThat(c.any()).isTrue();
    assertThat(c.usedHelicone()).isFalse();

    ControlHeaders both = ControlHeaders.builder()
        .accept("Tollgate-Property-A", "1")
        .accept("helicone-property-b", "2")
        .build();
    assertThat(both.usedHelicone()).isTrue();
  }

  @Test
  void resultIsUnmodifiable() {
    ControlHeaders c = ControlHeaders.builder()
        .accept("Helicone-Property-A", "1")
        .accept("Helicone-Cache-Enabled", "true")
        .build();

    assertThatThrownBy(() -> c.properties().put("B", "2"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.policyHeaders().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void isControlHeaderEdgeCases() {
    assertThat(ControlHeaders.isControlHeader("Helicone-User-Id")).isTrue();
    assertThat(ControlHeaders.isControlHeader("tollgate-property-x")).isTrue();
    assertThat(ControlHeaders.isControlHeader("TOLLGATE-CACHE-ENABLED")).isTrue();
    assertThat(ControlHeaders.isControlHeader("Helicone-X")).isTrue();

    assertThat(ControlHeaders.isControlHeader("Helicone-")).as("prefix alone").isFalse();
    assertThat(ControlHeaders.isControlHeader("tollgate-")).as("prefix alone").isFalse();
    assertThat(ControlHeaders.isControlHeader("tollgate")).as("no dash").isFalse();
    assertThat(ControlHeaders.isControlHeader("TollgateUser-Id")).as("no dash").isFalse();
    assertThat(ControlHeaders.isControlHeader("X-Helicone-Foo")).isFalse();
    assertThat(ControlHeaders.isControlHeader("Helicone")).isFalse();
    assertThat(ControlHeaders.isControlHeader("")).isFalse();
    assertThat(ControlHeaders.isControlHeader("Authorization")).isFalse();
  }
}
