package dev.tollgate.policy;

import static dev.tollgate.policy.PolicyTestSupport.DAY;
import static dev.tollgate.policy.PolicyTestSupport.controls;
import static dev.tollgate.policy.PolicyTestSupport.lines;
import static dev.tollgate.policy.PolicyTestSupport.request;
import static dev.tollgate.policy.PolicyTestSupport.resolve;
import static dev.tollgate.policy.PolicyTestSupport.resolver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.internal.TollgateLogCapture;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.provider.HeaderLookup;
import org.junit.jupiter.api.Test;

/** Cache-* headers, Cache-Control and tollgate.cache.* into CacheSettings. */
class PolicyResolverCacheTest {
  @Test
  void enabledReadsAndWritesWithTheDefaults() {
    CallPolicies p = resolve(resolver(), "Helicone-Cache-Enabled", "true");
    assertThat(p.any()).isTrue();
    assertThat(p.cache()).isEqualTo(CacheSettings.builder().read(true).write(true).ttlMillis(7 * DAY).build());
    assertThat(p.cache().seed()).isNull();
    assertThat(p.cache().bucketMaxSize()).isEqualTo(1);
    assertThat(p.cache().ignoreKeys()).isEmpty();
    assertThat(p.errors()).isEmpty();
  }

  @Test
  void saveWritesOnlyAndReadReadsOnly() {
    CacheSettings save = resolve(resolver(), "Helicone-Cache-Save", "true").cache();
    assertThat(save.write()).isTrue();
    assertThat(save.read()).isFalse();
    CacheSettings read = resolve(resolver(), "Tollgate-Cache-Read", "true").cache();
    assertThat(read.read()).isTrue();
    assertThat(read.write()).isFalse();
    CacheSettings both = resolve(resolver(), "Helicone-Cache-Read", "true", "Helicone-Cache-Save", "true").cache();
    assertThat(both.read()).isTrue();
    assertThat(both.write()).isTrue();
    assertThat(resolve(resolver(), "Helicone-Cache-Read", "false").cache()).isNull();
  }

  @Test
  void theGlobalSwitchCachesEveryCallUnlessTheCallOptsOut() {
    PolicyResolver r = resolver("tollgate.cache.enabled", "true", "tollgate.cache.ttl", "2h");
    CallPolicies p = r.resolve(controls(), HeaderLookup.NONE, "m");
    assertThat(p.cache().read()).isTrue();
    assertThat(p.cache().write()).isTrue();
    assertThat(p.cache().ttlMillis()).isEqualTo(7_200_000);

    assertThat(resolve(r, "Helicone-Cache-Enabled", "false").cache()).isNull();
    CacheSettings writeOnly = resolve(r, "Helicone-Cache-Enabled", "false", "Helicone-Cache-Save", "true").cache();
    assertThat(writeOnly.read()).isFalse();
    assertThat(writeOnly.write()).isTrue();
  }

  @Test
  void onlyTheExactStringTrueSwitchesOn() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      for (String v : new String[] {"TRUE", "True", "yes", "1"}) {
        CallPolicies p = resolve(resolver(), "Helicone-Cache-Enabled", v);
        assertThat(p.cache()).as(v).isNull();
        assertThat(p.errors()).containsExactly("Cache-Enabled: '" + v + "' is not true or false; ignored");
      }
      assertThat(resolve(resolver(), "Helicone-Cache-Enabled", " true ").cache()).as("spaces are trimmed")
          .isNotNull();
      assertThat(lines(log.text(), "Cache-Enabled")).isEqualTo(1);
    }
  }

  @Test
  void ttlFromCacheControlPrefersSMaxAge() {
    PolicyResolver r = resolver();
    String[] on = {"Helicone-Cache-Enabled", "true"};
    assertThat(r.resolve(controls(on), request("Cache-Control", "max-age=60"), "m").cache().ttlMillis())
        .isEqualTo(60_000);
    assertThat(r.resolve(controls(on), request("cache-control", "max-age=60, s-maxage=10"), "m").cache().ttlMillis())
        .isEqualTo(10_000);
    assertThat(r.resolve(controls(on), request("Cache-Control", "public, S-MAXAGE=\"30\""), "m").cache().ttlMillis())
        .isEqualTo(30_000);
    assertThat(r.resolve(controls(on), request("Cache-Control", "no-cache"), "m").cache().ttlMillis())
        .isEqualTo(7 * DAY);
    assertThat(r.resolve(controls(on), request("Cache-Control", "max-age=0"), "m").cache().ttlMillis()).isZero();
  }

  @Test
  void ttlIsClampedTo365Days() {
    PolicyResolver r = resolver();
    ControlHeaders on = controls("Helicone-Cache-Enabled", "true");
    assertThat(r.resolve(on, request("Cache-Control", "max-age=31536001"), "m").cache().ttlMillis())
        .isEqualTo(365 * DAY);
    assertThat(r.resolve(on, request("Cache-Control", "max-age=99999999999999999999999"), "m").cache().ttlMillis())
        .isEqualTo(365 * DAY);
    assertThat(r.resolve(on, request("Cache-Control", "max-age=31536000"), "m").cache().ttlMillis())
        .isEqualTo(365 * DAY);
  }

  @Test
  void aPrefixedCacheControlWinsOverTheStandardOne() {
    CallPolicies p = resolver().resolve(controls("Helicone-Cache-Enabled", "true", "Helicone-Cache-Control",
        "max-age=5"), request("Cache-Control", "max-age=60"), "m");
    assertThat(p.cache().ttlMillis()).isEqualTo(5_000);
  }

  @Test
  void aBadMaxAgeIsReportedAndTheNextSourceUsed() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      PolicyResolver r = resolver("tollgate.cache.ttl", "1h");
      ControlHeaders on = controls("Helicone-Cache-Enabled", "true");
      CallPolicies p = r.resolve(on, request("Cache-Control", "s-maxage=soon, max-age=20"), "m");
      assertThat(p.cache().ttlMillis()).isEqualTo(20_000);
      assertThat(p.errors()).containsExactly("Cache-Control: s-maxage 'soon' is not a whole number of seconds; ignored");

      CallPolicies q = r.resolve(on, request("Cache-Control", "max-age=-1"), "m");
      assertThat(q.cache().ttlMillis()).isEqualTo(3_600_000);
      assertThat(q.errors()).hasSize(1);
      assertThat(lines(log.text(), "Cache-Control")).isEqualTo(1);
    }
  }

  @Test
  void cacheControlIsOnlyReadWhenACachePolicyApplies() {
    CallPolicies p = resolver().resolve(controls(), request("Cache-Control", "max-age=oops"), "m");
    assertThat(p.errors()).isEmpty();
  }

  @Test
  void seedBucketAndIgnoreKeys() {
    CacheSettings c = resolve(resolver(), "Helicone-Cache-Enabled", "true", "Helicone-Cache-Seed", " user-42 ",
        "Helicone-Cache-Bucket-Max-Size", "3", "Helicone-Cache-Ignore-Keys", "user, metadata ,, request_id").cache();
    assertThat(c.seed()).isEqualTo("user-42");
    assertThat(c.bucketMaxSize()).isEqualTo(3);
    assertThat(c.ignoreKeys()).containsExactly("user", "metadata", "request_id");
    assertThat(resolve(resolver(), "Helicone-Cache-Enabled", "true", "Helicone-Cache-Bucket-Max-Size", "20").cache()
        .bucketMaxSize()).isEqualTo(20);
  }

  @Test
  void aBucketSizeOutsideOneToTwentyIsIgnored() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      for (String v : new String[] {"99", "0", "-3", "many", "2.5", ""}) {
        CallPolicies p = resolve(resolver(), "Helicone-Cache-Enabled", "true", "Helicone-Cache-Bucket-Max-Size", v);
        assertThat(p.cache().bucketMaxSize()).as(v).isEqualTo(1);
        assertThat(p.errors()).as(v).hasSize(1);
        assertThat(p.errors().get(0)).startsWith("Cache-Bucket-Max-Size: '" + v + "' ").endsWith("; ignored");
      }
      assertThat(resolve(resolver(), "Helicone-Cache-Bucket-Max-Size", "99").errors())
          .containsExactly("Cache-Bucket-Max-Size: '99' is out of range 1..20; ignored");
      assertThat(lines(log.text(), "Cache-Bucket-Max-Size")).isEqualTo(1);
    }
  }
}
