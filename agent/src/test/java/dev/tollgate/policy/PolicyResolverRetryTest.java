package dev.tollgate.policy;

import static dev.tollgate.policy.PolicyTestSupport.controls;
import static dev.tollgate.policy.PolicyTestSupport.lines;
import static dev.tollgate.policy.PolicyTestSupport.request;
import static dev.tollgate.policy.PolicyTestSupport.resolve;
import static dev.tollgate.policy.PolicyTestSupport.resolver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.internal.TollgateLogCapture;
import dev.tollgate.provider.HeaderLookup;
import org.junit.jupiter.api.Test;

/** Retry-* headers and tollgate.retry.* into RetrySettings. */
class PolicyResolverRetryTest {
  @Test
  void enabledUsesTheConfiguredDefaults() {
    PolicyResolver r = resolver("tollgate.retry.max-attempts", "4", "tollgate.retry.min-delay", "2s",
        "tollgate.retry.on-codes", "429,529");
    RetrySettings s = resolve(r, "Helicone-Retry-Enabled", "true").retry();
    assertThat(s.maxRetries()).isEqualTo(4);
    assertThat(s.factor()).isEqualTo(2.0);
    assertThat(s.minDelayMillis()).isEqualTo(2_000);
    assertThat(s.maxDelayMillis()).isEqualTo(10_000);
    assertThat(s.retriesStatus(529)).isTrue();
    assertThat(s.retriesStatus(500)).isFalse();
  }

  @Test
  void headersTuneTheRetry() {
    RetrySettings s = resolve(resolver(), "Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "5",
        "Helicone-Retry-Factor", "1.5", "Helicone-Retry-Min-Timeout", "100", "Helicone-Retry-Max-Timeout", "2000")
        .retry();
    assertThat(s.maxRetries()).isEqualTo(5);
    assertThat(s.factor()).isEqualTo(1.5);
    assertThat(s.minDelayMillis()).isEqualTo(100);
    assertThat(s.maxDelayMillis()).isEqualTo(2_000);
  }

  @Test
  void tuningHeadersAloneDoNotSwitchRetryOn() {
    CallPolicies p = resolve(resolver(), "Helicone-Retry-Num", "5");
    assertThat(p.retry()).isNull();
    assertThat(p.any()).isFalse();
  }

  @Test
  void theGlobalSwitchRetriesEveryCallUnlessTheCallOptsOut() {
    PolicyResolver r = resolver("tollgate.retry.enabled", "true");
    assertThat(r.resolve(controls(), HeaderLookup.NONE, null).retry().maxRetries()).isEqualTo(3);
    assertThat(resolve(r, "Helicone-Retry-Num", "1").retry().maxRetries()).isEqualTo(1);
    assertThat(resolve(r, "Helicone-Retry-Enabled", "false").retry()).isNull();
    assertThat(resolve(r, "Helicone-Retry-Num", "0").retry()).as("zero retries is no retry").isNull();
    assertThat(resolver("tollgate.retry.enabled", "true", "tollgate.retry.max-attempts", "0")
        .resolve(controls(), HeaderLookup.NONE, null).retry()).isNull();
  }

  @Test
  void retryNumLotsIsIgnoredWithOneWarning() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      PolicyResolver r = resolver();
      CallPolicies p = resolve(r, "Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "lots");
      CallPolicies again = resolve(r, "Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "many");

      assertThat(p.retry().maxRetries()).isEqualTo(3);
      assertThat(p.errors()).containsExactly("Retry-Num: 'lots' is not a whole number; ignored");
      assertThat(again.errors()).containsExactly("Retry-Num: 'many' is not a whole number; ignored");
      assertThat(lines(log.text(), "Retry-Num")).isEqualTo(1);
      assertThat(log.text()).contains("WARN").contains("'lots'");
    }
  }

  @Test
  void outOfRangeAndBadNumbers() {
    assertThat(resolve(resolver(), "Helicone-Retry-Enabled", "true", "Helicone-Retry-Num", "11").errors())
        .containsExactly("Retry-Num: '11' is out of range 0..10; ignored");
    CallPolicies p = resolve(resolver(), "Helicone-Retry-Enabled", "true", "Helicone-Retry-Factor", "0.5",
        "Helicone-Retry-Min-Timeout", "soon", "Helicone-Retry-Max-Timeout", "9999999");
    assertThat(p.retry().factor()).isEqualTo(2.0);
    assertThat(p.retry().minDelayMillis()).isEqualTo(1_000);
    assertThat(p.retry().maxDelayMillis()).isEqualTo(10_000);
    assertThat(p.errors()).containsExactly(
        "Retry-Factor: '0.5' is not a number of at least 1; ignored",
        "Retry-Min-Timeout: 'soon' is not a whole number; ignored",
        "Retry-Max-Timeout: '9999999' is out of range 0..600000; ignored");
    assertThat(resolve(resolver(), "Helicone-Retry-Factor", "NaN").errors()).hasSize(1);
    assertThat(resolve(resolver(), "Helicone-Retry-Factor", "1e9").errors()).hasSize(1);
  }

  @Test
  void aMinimumAboveTheMaximumIgnoresTheHeadersThatCausedIt() {
    CallPolicies both = resolve(resolver(), "Helicone-Retry-Enabled", "true", "Helicone-Retry-Min-Timeout", "5000",
        "Helicone-Retry-Max-Timeout", "500");
    assertThat(both.retry().minDelayMillis()).isEqualTo(1_000);
    assertThat(both.retry().maxDelayMillis()).isEqualTo(10_000);
    assertThat(both.errors()).containsExactly("Retry-Min-Timeout (5000) is above Retry-Max-Timeout (500); both ignored");

    CallPolicies min = resolve(resolver(), "Helicone-Retry-Enabled", "true", "Helicone-Retry-Min-Timeout", "20000");
    assertThat(min.retry().minDelayMillis()).isEqualTo(1_000);
    assertThat(min.errors()).containsExactly("Retry-Min-Timeout: 20000 is above the maximum delay of 10000 ms; ignored");

    CallPolicies max = resolve(resolver(), "Helicone-Retry-Enabled", "true", "Helicone-Retry-Max-Timeout", "10");
    assertThat(max.retry().maxDelayMillis()).isEqualTo(10_000);
    assertThat(max.errors()).containsExactly("Retry-Max-Timeout: 10 is below the minimum delay of 1000 ms; ignored");
  }

  @Test
  void theInjectedClockAndRandomReachTheRetrySettings() {
    RetrySettings a = resolve(resolver(), "Helicone-Retry-Enabled", "true").retry();
    RetrySettings b = resolve(resolver(), "Helicone-Retry-Enabled", "true").retry();
    for (int n = 1; n <= 4; n++) {
      assertThat(a.delayMillis(n, null)).isEqualTo(b.delayMillis(n, null));
    }
    assertThat(a.delayMillis(1, request("Retry-After", "Sun, 01 Jun 2025 12:00:07 GMT"))).isEqualTo(7_000);
  }
}
