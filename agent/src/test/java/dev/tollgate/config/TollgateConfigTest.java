package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.tollgate.internal.TollgateLogCapture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TollgateConfigTest {

  @Test
  void defaults() {
    TollgateConfig c = TollgateConfig.of(Map.of());

    assertThat(c.enabled()).isTrue();
    assertThat(c.endpoints()).isNull();
    assertThat(c.detectByPath()).isTrue();
    assertThat(c.properties()).isEmpty();
    assertThat(c.captureContent()).isFalse();
    assertThat(c.pricingFile()).isNull();
    assertThat(c.console()).isFalse();
    assertThat(c.shutdownTimeoutMillis()).isEqualTo(1_000);
  }

  @Test
  void readsEveryKeyFromTheMap() {
    TollgateConfig c = TollgateConfig.of(Map.of(
        "tollgate.enabled", "false",
        "tollgate.endpoints", " localhost:8089=openai ",
        "tollgate.detect-by-path", "false",
        "tollgate.capture-content", "true",
        "tollgate.pricing.file", "/etc/prices.json",
        "tollgate.console", "true",
        "tollgate.shutdown-timeout", "5s"));

    assertThat(c.enabled()).isFalse();
    assertThat(c.endpoints()).isEqualTo("localhost:8089=openai");
    assertThat(c.detectByPath()).isFalse();
    assertThat(c.captureContent()).isTrue();
    assertThat(c.pricingFile()).isEqualTo("/etc/prices.json");
    assertThat(c.console()).isTrue();
    assertThat(c.shutdownTimeoutMillis()).isEqualTo(5_000);
  }

  @Test
  void propagateIsOffByDefaultAndReadFromPropertyOrEnvironment() {
    assertThat(TollgateConfig.of(Map.of()).propagate()).isFalse();
    assertThat(TollgateConfig.of(Map.of("tollgate.propagate", "true")).propagate()).isTrue();
    assertThat(TollgateConfig.from(new Properties(), Map.of("TOLLGATE_PROPAGATE", "true")).propagate()).isTrue();
    Properties sys = new Properties();
    sys.setProperty("tollgate.propagate", "false");
    assertThat(TollgateConfig.from(sys, Map.of("TOLLGATE_PROPAGATE", "true")).propagate()).isFalse();
  }

  @Test
  void blankStringsAreUnset() {
    TollgateConfig c = TollgateConfig.of(Map.of("tollgate.endpoints", "  ", "tollgate.pricing.file", "",
        "tollgate.enabled", " "));

    assertThat(c.endpoints()).isNull();
    assertThat(c.pricingFile()).isNull();
    assertThat(c.enabled()).isTrue();
  }

  @Test
  void booleansAcceptAnyCaseAndSpaces() {
    TollgateConfig c = TollgateConfig.of(Map.of("tollgate.console", " TRUE ", "tollgate.enabled", "False"));

    assertThat(c.console()).isTrue();
    assertThat(c.enabled()).isFalse();
  }

  @Test
  void badBooleanFallsBackToTheDefaultWithOneWarning() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      TollgateConfig c = TollgateConfig.of(Map.of("tollgate.detect-by-path", "nope", "tollgate.console", "yes"));
      TollgateConfig again = TollgateConfig.of(Map.of("tollgate.detect-by-path", "nope"));

      assertThat(c.detectByPath()).isTrue();
      assertThat(c.console()).isFalse();
      assertThat(again.detectByPath()).isTrue();
      String text = log.text();
      assertThat(text).contains("WARN").contains("tollgate.detect-by-path=nope").contains("tollgate.console=yes");
      assertThat(occurrences(text, "tollgate.detect-by-path=nope")).isEqualTo(1);
      assertThat(occurrences(text, "tollgate.console=yes")).isEqualTo(1);
    }
  }

  @Test
  void badDurationFallsBackToTheDefaultWithAWarning() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      TollgateConfig c = TollgateConfig.of(Map.of("tollgate.shutdown-timeout", "soon"));

      assertThat(c.shutdownTimeoutMillis()).isEqualTo(1_000);
      assertThat(log.text()).contains("tollgate.shutdown-timeout=soon").contains("500ms");
    }
  }

  @Test
  void durationSetting() {
    assertThat(TollgateConfig.of(Map.of("tollgate.shutdown-timeout", "250ms")).shutdownTimeoutMillis())
        .isEqualTo(250);
    assertThat(TollgateConfig.of(Map.of("tollgate.shutdown-timeout", "2m")).shutdownTimeoutMillis())
        .isEqualTo(120_000);
  }

  @Test
  void customPropertiesKeepTheirNamesAndOrder() {
    LinkedHashMap<String, String> settings = new LinkedHashMap<>();
    settings.put("tollgate.properties.Environment", "prod");
    settings.put("tollgate.console", "true");
    settings.put("tollgate.properties.team", "search");
    settings.put("tollgate.propertiesX", "not a property");
    settings.put("other.properties.y", "not a property");

    TollgateConfig c = TollgateConfig.of(settings);

    assertThat(c.properties()).containsExactly(entry("Environment", "prod"), entry("team", "search"));
  }

  @Test
  void propertiesAreUnmodifiable() {
    TollgateConfig c = TollgateConfig.of(Map.of("tollgate.properties.a", "1"));
    assertThatThrownBy(() -> c.properties().put("b", "2"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void captureContentAlsoFromTheOtelGenAiKey() {
    assertThat(TollgateConfig.of(Map.of("otel.instrumentation.genai.capture-message-content", "true"))
        .captureContent()).isTrue();
    assertThat(TollgateConfig.of(Map.of("otel.instrumentation.genai.capture-message-content", " TRUE "))
        .captureContent()).isTrue();
    assertThat(TollgateConfig.of(Map.of("otel.instrumentation.genai.capture-message-content", "false"))
        .captureContent()).isFalse();
    assertThat(TollgateConfig.of(Map.of("tollgate.capture-content", "false",
        "otel.instrumentation.genai.capture-message-content", "true")).captureContent())
        .as("either key switches it on").isTrue();
  }

  @Test
  void envName() {
    assertThat(TollgateConfig.envName("tollgate.cache.enabled")).isEqualTo("TOLLGATE_CACHE_ENABLED");
    assertThat(TollgateConfig.envName("tollgate.detect-by-path")).isEqualTo("TOLLGATE_DETECT_BY_PATH");
    assertThat(TollgateConfig.envName("otel.instrumentation.genai.capture-message-content"))
        .isEqualTo("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT");
    assertThat(TollgateConfig.envName("tollgate.properties.")).isEqualTo("TOLLGATE_PROPERTIES_");
  }

  @Test
  void fromEnvironmentReadsSystemProperties() {
    String prop = "tollgate.properties.TollgateConfigTestName";
    String pricing = "tollgate.pricing.file";
    String previousPricing = System.getProperty(pricing);
    System.setProperty(prop, "v1");
    System.setProperty(pricing, "/tmp/tollgate-config-test.json");
    try {
      TollgateConfig c = TollgateConfig.fromEnvironment();

      assertThat(c.properties()).containsEntry("TollgateConfigTestName", "v1");
      assertThat(c.pricingFile()).isEqualTo("/tmp/tollgate-config-test.json");
    } finally {
      System.clearProperty(prop);
      if (previousPricing == null) {
        System.clearProperty(pricing);
      } else {
        System.setProperty(pricing, previousPricing);
      }
    }
  }

  @Test
  void namedRateLimitsAndBudgetsFromPropertiesAndEnvironmentBadOnesLoggedAndDropped() {
    java.util.Properties sys = new java.util.Properties();
    sys.setProperty("tollgate.ratelimit.per-user", "100;w=60;s=user");
    sys.setProperty("tollgate.ratelimit.broken", "100/min");
    sys.setProperty("tollgate.budget.team", "25;w=weekly;mode=block");
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      TollgateConfig c = TollgateConfig.from(sys, Map.of("TOLLGATE_BUDGET_TEAM", "1", "TOLLGATE_BUDGET_NIGHTLY", "3;w=1h",
          "TOLLGATE_RATELIMIT_", "1;w=60"));

      assertThat(c.rateLimits()).extracting(p -> p.name() + "=" + p.text()).containsExactly("per-user=100;w=60;u=request;s=user");
      assertThat(c.budgets()).extracting(b -> b.name() + ": " + b.describe())
          .containsExactly("nightly: $3.00 per rolling 1h, alert", "team: $25.00 weekly (Z), block");
      assertThat(log.text()).contains("ignoring tollgate.ratelimit.broken=100/min: not a rate-limit policy");
    }
    assertThat(TollgateConfig.of(Map.of("tollgate.budget.x", "2")).budgets()).hasSize(1);
    assertThat(TollgateConfig.of(Map.of()).rateLimits()).isEmpty();
  }

  @Test
  void policyDefaults() {
    TollgateConfig c = TollgateConfig.of(Map.of());

    assertThat(c.cacheEnabled()).isFalse();
    assertThat(c.cacheTtlMillis()).isEqualTo(7L * 86_400_000L);
    assertThat(c.cacheMaxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(c.retryEnabled()).isFalse();
    assertThat(c.retryMaxAttempts()).isEqualTo(3);
    assertThat(c.retryFactor()).isEqualTo(2.0);
    assertThat(c.retryMinDelayMillis()).isEqualTo(1_000);
    assertThat(c.retryMaxDelayMillis()).isEqualTo(10_000);
    assertThat(c.retryOnCodes()).containsExactly(429, 500, 502, 503, 504);
    assertThat(c.fallbackOnCodes()).containsExactly(429, 500, 502, 503, 504);
    assertThat(c.fallbackModels("gpt-4o")).isEmpty();
    assertThat(c.fallbackModels(null)).isEmpty();
    assertThat(c.hasFallbackModels()).isFalse();
  }

  @Test
  void readsEveryPolicyKey() {
    TollgateConfig c = TollgateConfig.of(Map.ofEntries(
        entry("tollgate.cache.enabled", "true"),
        entry("tollgate.cache.ttl", "1h"),
        entry("tollgate.cache.max-bytes", "16MB"),
        entry("tollgate.retry.enabled", "true"),
        entry("tollgate.retry.max-attempts", "5"),
        entry("tollgate.retry.factor", "1.5"),
        entry("tollgate.retry.min-delay", "200ms"),
        entry("tollgate.retry.max-delay", "30s"),
        entry("tollgate.retry.on-codes", "429, 503"),
        entry("tollgate.fallback.on-codes", "500-502,429"),
        entry("tollgate.fallback.gpt-4o", "gpt-4o-mini, gpt-3.5-turbo"),
        entry("tollgate.fallback.claude-3.5-sonnet", "claude-3-haiku")));

    assertThat(c.cacheEnabled()).isTrue();
    assertThat(c.cacheTtlMillis()).isEqualTo(3_600_000);
    assertThat(c.cacheMaxBytes()).isEqualTo(16L << 20);
    assertThat(c.retryEnabled()).isTrue();
    assertThat(c.retryMaxAttempts()).isEqualTo(5);
    assertThat(c.retryFactor()).isEqualTo(1.5);
    assertThat(c.retryMinDelayMillis()).isEqualTo(200);
    assertThat(c.retryMaxDelayMillis()).isEqualTo(30_000);
    assertThat(c.retryOnCodes()).containsExactly(429, 503);
    assertThat(c.fallbackOnCodes()).containsExactly(429, 500, 501, 502);
    assertThat(c.fallbackModels("gpt-4o")).containsExactly("gpt-4o-mini", "gpt-3.5-turbo");
    assertThat(c.fallbackModels("claude-3.5-sonnet")).containsExactly("claude-3-haiku");
    assertThat(c.fallbackModels("GPT-4O")).as("model names are exact").isEmpty();
    assertThat(c.fallbackModels("on-codes")).as("the on-codes key is not a model").isEmpty();
    assertThat(c.hasFallbackModels()).isTrue();
  }

  @Test
  void fallbackListsDropBlanksAndDuplicates() {
    TollgateConfig c = TollgateConfig.of(Map.of("tollgate.fallback.a", " b, ,c,b ", "tollgate.fallback.x", " , "));

    assertThat(c.fallbackModels("a")).containsExactly("b", "c");
    assertThat(c.fallbackModels("x")).isEmpty();
    assertThatThrownBy(() -> c.fallbackModels("a").add("d")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void sizes() {
    assertThat(TollgateConfig.parseBytes("123")).isEqualTo(123);
    assertThat(TollgateConfig.parseBytes("64KB")).isEqualTo(64 * 1024);
    assertThat(TollgateConfig.parseBytes("64MB")).isEqualTo(64L * 1024 * 1024);
    assertThat(TollgateConfig.parseBytes("1GB")).isEqualTo(1L << 30);
    assertThat(TollgateConfig.parseBytes(" 2 mb ")).isEqualTo(2L << 20);
    assertThat(TollgateConfig.parseBytes("10B")).isEqualTo(10);
    assertThat(TollgateConfig.parseBytes("3KiB")).isEqualTo(3 * 1024);
    for (String bad : new String[] {"", "MB", "-1", "1.5MB", "12TB", "99999999999999999GB"}) {
      assertThatThrownBy(() -> TollgateConfig.parseBytes(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void statusCodeLists() {
    assertThat(TollgateConfig.parseStatusCodes("429,500-502, 504")).containsExactly(429, 500, 501, 502, 504);
    assertThat(TollgateConfig.parseStatusCodes(" ")).isEmpty();
    for (String bad : new String[] {"42", "abc", "600", "503-500", "429;500"}) {
      assertThatThrownBy(() -> TollgateConfig.parseStatusCodes(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void badPolicyValuesFallBackToDefaultsWithOneWarningEach() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      Map<String, String> bad = Map.of(
          "tollgate.cache.max-bytes", "lots",
          "tollgate.cache.ttl", "forever",
          "tollgate.retry.max-attempts", "99",
          "tollgate.retry.factor", "0.5",
          "tollgate.retry.on-codes", "429,oops",
          "tollgate.fallback.on-codes", "700");
      TollgateConfig c = TollgateConfig.of(bad);
      TollgateConfig.of(bad);

      assertThat(c.cacheMaxBytes()).isEqualTo(64L << 20);
      assertThat(c.cacheTtlMillis()).isEqualTo(7L * 86_400_000L);
      assertThat(c.retryMaxAttempts()).isEqualTo(3);
      assertThat(c.retryFactor()).isEqualTo(2.0);
      assertThat(c.retryOnCodes()).containsExactly(429, 500, 502, 503, 504);
      assertThat(c.fallbackOnCodes()).containsExactly(429, 500, 502, 503, 504);
      String text = log.text();
      for (String shown : List.of("tollgate.cache.max-bytes=lots", "tollgate.cache.ttl=forever",
          "tollgate.retry.max-attempts=99", "tollgate.retry.factor=0.5", "tollgate.retry.on-codes=429,oops",
          "tollgate.fallback.on-codes=700")) {
        assertThat(occurrences(text, shown)).as(shown).isEqualTo(1);
      }
    }
  }

  @Test
  void cacheTtlIsClampedTo365Days() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      assertThat(TollgateConfig.of(Map.of("tollgate.cache.ttl", "400d")).cacheTtlMillis())
          .isEqualTo(365L * 86_400_000L);
      assertThat(log.text()).contains("365 days");
    }
  }

  @Test
  void minDelayAboveMaxDelayIsCappedWithAWarning() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      TollgateConfig c = TollgateConfig.of(Map.of("tollgate.retry.max-delay", "500ms"));

      assertThat(c.retryMinDelayMillis()).isEqualTo(500);
      assertThat(c.retryMaxDelayMillis()).isEqualTo(500);
      assertThat(log.text()).contains("tollgate.retry.min-delay").contains("500ms");
    }
  }

  @Test
  void zeroRetriesIsAllowed() {
    assertThat(TollgateConfig.of(Map.of("tollgate.retry.max-attempts", "0")).retryMaxAttempts()).isZero();
    assertThat(TollgateConfig.of(Map.of("tollgate.retry.max-attempts", "10")).retryMaxAttempts()).isEqualTo(10);
  }

  @Test
  void fallbackModelsFromSystemProperties() {
    String key = "tollgate.fallback.tollgate-config-test-model";
    System.setProperty(key, "m1,m2");
    try {
      assertThat(TollgateConfig.fromEnvironment().fallbackModels("tollgate-config-test-model"))
          .containsExactly("m1", "m2");
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void fallbackModelsFromTheEnvironmentMatchByTheEnvTwinOfTheModel() {
    Properties sys = new Properties();
    sys.setProperty("tollgate.fallback.gpt-4o", "from-property");
    Map<String, String> env = Map.of(
        "TOLLGATE_FALLBACK_GPT_4O", "from-env",
        "TOLLGATE_FALLBACK_CLAUDE_3_5_SONNET", "claude-3-haiku,claude-3-opus",
        "TOLLGATE_FALLBACK_ON_CODES", "503",
        "TOLLGATE_RETRY_ENABLED", "true");

    TollgateConfig c = TollgateConfig.from(sys, env);

    assertThat(c.fallbackModels("gpt-4o")).as("the system property wins").containsExactly("from-property");
    assertThat(c.fallbackModels("claude-3.5-sonnet")).containsExactly("claude-3-haiku", "claude-3-opus");
    assertThat(c.fallbackModels("on-codes")).isEmpty();
    assertThat(c.fallbackOnCodes()).containsExactly(503);
    assertThat(c.retryEnabled()).isTrue();
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
