package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.tollgate.internal.TollgateLogCapture;
import java.util.LinkedHashMap;
import java.util.Map;
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

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
