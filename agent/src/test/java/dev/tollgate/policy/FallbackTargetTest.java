package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FallbackTargetTest {
  @Test
  void modelTarget() {
    FallbackTarget t = FallbackTarget.model(" gpt-4o-mini ", StatusCodes.of(503));
    assertThat(t.model()).isEqualTo("gpt-4o-mini");
    assertThat(t.targetUrl()).isNull();
    assertThat(t.headers()).isEmpty();
    assertThat(t.bodyKeyOverride()).isEmpty();
    assertThat(t.triggeredBy(503)).isTrue();
    assertThat(t.triggeredBy(500)).isFalse();
    assertThat(t.triggeredByConnectionFailure()).isTrue();
    assertThatThrownBy(() -> FallbackTarget.model(" ", StatusCodes.DEFAULT)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void endpointTargetNeverShowsHeaderValuesOrTheQuery() {
    FallbackTarget t = FallbackTarget.endpoint(
        URI.create("https://generativelanguage.googleapis.com:443/v1beta/models/g:generateContent?key=AIzaSECRET"),
        Map.of("x-goog-api-key", "AIzaSECRET2"), Map.of("model", "\"g\""), StatusCodes.DEFAULT);

    assertThat(t.headers()).containsEntry("x-goog-api-key", "AIzaSECRET2");
    assertThat(t.toString()).contains("generativelanguage.googleapis.com:443/v1beta/models/g:generateContent")
        .contains("x-goog-api-key").doesNotContain("SECRET").doesNotContain("key=");
    assertThatThrownBy(() -> t.headers().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void endpointTargetValidates() {
    URI ok = URI.create("https://api.anthropic.com/v1/messages");
    for (String bad : new String[] {"/relative", "ftp://host/x", "mailto:a@b", "https:///nohost"}) {
      assertThatThrownBy(() -> FallbackTarget.endpoint(URI.create(bad), Map.of(), Map.of(), StatusCodes.DEFAULT))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> FallbackTarget.endpoint(ok, Map.of("bad name", "v"), Map.of(), StatusCodes.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FallbackTarget.endpoint(ok, Map.of("x-api-key", "sk-ant-SECRET\r\nX-Evil: 1"), Map.of(),
        StatusCodes.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains("x-api-key").doesNotContain("SECRET"));
    assertThatThrownBy(() -> FallbackTarget.endpoint(ok, Map.of(), Map.of("model", "not json"), StatusCodes.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(FallbackTarget.endpoint(URI.create("HTTP://localhost:8089/v1/chat/completions"), null, null,
        StatusCodes.DEFAULT).targetUrl().getPort()).isEqualTo(8089);
  }
}
