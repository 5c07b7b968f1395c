package dev.tollgate.policy;

import static dev.tollgate.policy.PolicyTestSupport.controls;
import static dev.tollgate.policy.PolicyTestSupport.lines;
import static dev.tollgate.policy.PolicyTestSupport.resolve;
import static dev.tollgate.policy.PolicyTestSupport.resolver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.internal.TollgateLogCapture;
import dev.tollgate.provider.HeaderLookup;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Resolution as a whole: no policy, the issue's bad input, never throwing. */
class PolicyResolverTest {
  @Test
  void noHeadersAndDefaultConfigMeansNoPolicy() {
    CallPolicies p = resolver().resolve(controls(), HeaderLookup.NONE, "gpt-4o");
    assertThat(p).isSameAs(CallPolicies.none());
    assertThat(p.any()).isFalse();
    assertThat(p.cache()).isNull();
    assertThat(p.retry()).isNull();
    assertThat(p.fallbacks()).isEmpty();
    assertThat(p.errors()).isEmpty();
    assertThat(resolver().resolve(null, null, null)).isSameAs(CallPolicies.none());
  }

  @Test
  void headersThatAreNoPolicyOfOursChangeNothing() {
    CallPolicies p = resolve(resolver(), "Helicone-Property-Team", "a", "Helicone-Prompt-Id", "p1");
    assertThat(p.any()).isFalse();
    assertThat(p.errors()).isEmpty();
  }

  @Test
  void aRateLimitHeaderOrAConfiguredLimitMeansTheCallIsAdmittedFirst() {
    CallPolicies own = resolve(resolver(), "Helicone-RateLimit-Policy", "10;w=60;s=team");
    assertThat(own.admission()).isTrue();
    assertThat(own.rateLimit().text()).isEqualTo("10;w=60;u=request;s=team");
    assertThat(own.cache()).isNull();

    PolicyResolver configured = new PolicyResolver(TollgateConfig.of(Map.of("tollgate.ratelimit.all", "100;w=60")));
    assertThat(resolve(configured).admission()).isTrue();
    assertThat(resolve(configured).rateLimit()).isNull();
    PolicyResolver blocking = new PolicyResolver(TollgateConfig.of(Map.of("tollgate.budget.cap", "5;mode=block")));
    assertThat(resolve(blocking).admission()).isTrue();
    PolicyResolver alertOnly = new PolicyResolver(TollgateConfig.of(Map.of("tollgate.budget.cap", "5")));
    assertThat(resolve(alertOnly).any()).as("an alert-only budget refuses nothing").isFalse();

    CallPolicies bad = resolve(resolver(), "Tollgate-RateLimit-Policy", "10/min");
    assertThat(bad.admission()).isFalse();
    assertThat(bad.errors()).containsExactly(
        "RateLimit-Policy: '10/min': not a rate-limit policy such as 100;w=60;u=request;s=user; ignored");
  }


  @Test
  void theIssuesBadHeadersEachGiveAnErrorAndOneLogLinePerKind() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      PolicyResolver r = resolver();
      String[] headers = {"Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "lots",
          "Helicone-Fallbacks", "[{not json", "Helicone-Cache-Enabled", "true", "Helicone-Cache-Bucket-Max-Size", "99"};
      CallPolicies first = resolve(r, headers);
      CallPolicies second = resolve(r, headers);

      for (CallPolicies p : List.of(first, second)) {
        assertThat(p.errors()).hasSize(3).contains(
            "Retry-Num: 'lots' is not a whole number; ignored",
            "Cache-Bucket-Max-Size: '99' is out of range 1..20; ignored");
        assertThat(p.errors()).anySatisfy(e -> assertThat(e).startsWith("Fallbacks: not valid JSON"));
        // the call goes through as if those headers were absent
        assertThat(p.retry().maxRetries()).isEqualTo(3);
        assertThat(p.cache().bucketMaxSize()).isEqualTo(1);
        assertThat(p.fallbacks()).isEmpty();
      }
      String text = log.text();
      assertThat(lines(text, "Retry-Num")).isEqualTo(1);
      assertThat(lines(text, "Fallbacks")).isEqualTo(1);
      assertThat(lines(text, "Cache-Bucket-Max-Size")).isEqualTo(1);
      assertThat(text.lines().collect(Collectors.toList())).hasSize(3)
          .allSatisfy(l -> assertThat(l).startsWith("[tollgate] WARN control header "));
    }
  }

  @Test
  void errorsAloneAreNoPolicy() {
    CallPolicies p = resolve(resolver(), "Helicone-Retry-Num", "lots");
    assertThat(p.any()).isFalse();
    assertThat(p.errors()).hasSize(1);
  }

  @Test
  void aFailingHeaderLookupNeverBreaksTheCall() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      HeaderLookup broken = name -> {
        throw new IllegalStateException("sk-SECRET in a message");
      };
      CallPolicies p = resolver().resolve(controls("Helicone-Cache-Enabled", "true"), broken, "m");
      assertThat(p).isSameAs(CallPolicies.none());
      assertThat(log.text()).contains("IllegalStateException").doesNotContain("SECRET");
    }
  }

  @Test
  void tollgatePrefixWorksLikeHelicone() {
    CallPolicies p = resolve(resolver(), "tollgate-cache-enabled", "true", "TOLLGATE-RETRY-ENABLED", "true",
        "Tollgate-Fallback-Model", "m2");
    assertThat(p.cache()).isNotNull();
    assertThat(p.retry()).isNotNull();
    assertThat(p.fallbacks()).extracting(FallbackTarget::model).containsExactly("m2");
  }

  @Test
  void callPoliciesAreImmutable() {
    CallPolicies p = resolve(resolver(), "Helicone-Fallback-Model", "m2", "Helicone-Retry-Num", "x");
    assertThatThrownBy(() -> p.fallbacks().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> p.errors().add("e"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
