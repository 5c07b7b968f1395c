package dev.tollgate.policy;

import static dev.tollgate.policy.PolicyTestSupport.controls;
import static dev.tollgate.policy.PolicyTestSupport.lines;
import static dev.tollgate.policy.PolicyTestSupport.resolve;
import static dev.tollgate.policy.PolicyTestSupport.resolver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.internal.TollgateLogCapture;
import dev.tollgate.provider.HeaderLookup;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fallback-Model, Fallback-OnCodes, Fallbacks and tollgate.fallback.* into FallbackTargets. */
class PolicyResolverFallbackTest {
  private static final String NOT_JSON = "(not valid JSON)";

  @Test
  void fallbackModelWithItsCodes() {
    CallPolicies p = resolve(resolver(), "Helicone-Fallback-Model", "gpt-4o-mini", "Helicone-Fallback-OnCodes",
        "429, 500-503");
    assertThat(p.any()).isTrue();
    assertThat(p.fallbacks()).hasSize(1);
    FallbackTarget t = p.fallbacks().get(0);
    assertThat(t.model()).isEqualTo("gpt-4o-mini");
    assertThat(t.targetUrl()).isNull();
    assertThat(t.triggeredBy(429)).isTrue();
    assertThat(t.triggeredBy(501)).isTrue();
    assertThat(t.triggeredBy(504)).isFalse();
  }

  @Test
  void fallbackModelDefaultsToTheConfiguredCodes() {
    FallbackTarget t = resolve(resolver("tollgate.fallback.on-codes", "503"), "Helicone-Fallback-Model", "m2")
        .fallbacks().get(0);
    assertThat(t.onCodes()).isEqualTo(StatusCodes.of(503));
    FallbackTarget d = resolve(resolver(), "Helicone-Fallback-Model", "m2").fallbacks().get(0);
    assertThat(d.onCodes()).isEqualTo(StatusCodes.DEFAULT);
  }

  @Test
  void badFallbackOnCodesAndEmptyModel() {
    CallPolicies p = resolve(resolver(), "Helicone-Fallback-Model", "m2", "Helicone-Fallback-OnCodes", "5xx");
    assertThat(p.fallbacks().get(0).onCodes()).isEqualTo(StatusCodes.DEFAULT);
    assertThat(p.errors()).containsExactly(
        "Fallback-OnCodes: '5xx' is not a list of status codes such as 429,500,503; ignored");
    assertThat(resolve(resolver(), "Helicone-Fallback-OnCodes", " , ").errors()).hasSize(1);
    CallPolicies blank = resolve(resolver(), "Helicone-Fallback-Model", "  ");
    assertThat(blank.fallbacks()).isEmpty();
    assertThat(blank.errors()).containsExactly("Fallback-Model: empty; ignored");
  }

  @Test
  void modelMappingFromTheConfiguration() {
    PolicyResolver r = resolver("tollgate.fallback.gpt-4o", "gpt-4o-mini,gpt-3.5-turbo",
        "tollgate.fallback.on-codes", "500-599");
    CallPolicies p = r.resolve(controls(), HeaderLookup.NONE, "gpt-4o");
    assertThat(p.fallbacks()).extracting(FallbackTarget::model).containsExactly("gpt-4o-mini", "gpt-3.5-turbo");
    assertThat(p.fallbacks()).allSatisfy(t -> {
      assertThat(t.triggeredBy(502)).isTrue();
      assertThat(t.triggeredBy(429)).isFalse();
    });
    assertThat(r.resolve(controls(), HeaderLookup.NONE, "claude-3-haiku").any()).isFalse();
    assertThat(r.resolve(controls(), HeaderLookup.NONE, null).any()).isFalse();
  }

  @Test
  void headerTargetsComeBeforePropertyTargetsAndModelsAreNotRepeated() {
    PolicyResolver r = resolver("tollgate.fallback.gpt-4o", "a,b");
    CallPolicies p = r.resolve(controls("Helicone-Fallback-Model", "x",
        "Helicone-Fallbacks", "[{\"target-url\":\"https://api.anthropic.com/v1/messages\"}]"), HeaderLookup.NONE,
        "gpt-4o");
    assertThat(p.fallbacks()).extracting(t -> t.model() != null ? t.model() : t.targetUrl().getHost())
        .containsExactly("x", "api.anthropic.com", "a", "b");

    CallPolicies dup = r.resolve(controls("Helicone-Fallback-Model", "b"), HeaderLookup.NONE, "gpt-4o");
    assertThat(dup.fallbacks()).extracting(FallbackTarget::model).containsExactly("b", "a");
    CallPolicies self = r.resolve(controls("Helicone-Fallback-Model", "gpt-4o"), HeaderLookup.NONE, "gpt-4o");
    assertThat(self.fallbacks()).extracting(FallbackTarget::model).containsExactly("a", "b");
  }

  @Test
  void fallbacksJsonInHeliconesFormat() {
    String json = "[{\"target-url\": \"https://api.anthropic.com/v1/messages\","
        + " \"headers\": {\"x-api-key\": \"sk-ant-123\", \"anthropic-version\": \"2023-06-01\"},"
        + " \"onCodes\": [429, {\"from\": 500, \"to\": 599}],"
        + " \"bodyKeyOverride\": {\"model\": \"claude-3-5-haiku-latest\", \"max_tokens\": 1024,"
        + " \"stop\": [\"\\n\"], \"metadata\": {\"a\": null}}},"
        + " {\"target-url\": \"http://localhost:8089/v1/chat/completions\", \"future-field\": {\"x\": [1]}}]";
    CallPolicies p = resolve(resolver(), "Helicone-Fallbacks", json);

    assertThat(p.errors()).isEmpty();
    assertThat(p.fallbacks()).hasSize(2);
    FallbackTarget a = p.fallbacks().get(0);
    assertThat(a.model()).isNull();
    assertThat(a.targetUrl()).isEqualTo(URI.create("https://api.anthropic.com/v1/messages"));
    assertThat(a.headers()).containsExactly(Map.entry("x-api-key", "sk-ant-123"),
        Map.entry("anthropic-version", "2023-06-01"));
    assertThat(a.bodyKeyOverride()).containsExactly(Map.entry("model", "\"claude-3-5-haiku-latest\""),
        Map.entry("max_tokens", "1024"), Map.entry("stop", "[\"\\n\"]"), Map.entry("metadata", "{\"a\":null}"));
    assertThat(a.triggeredBy(429)).isTrue();
    assertThat(a.triggeredBy(500)).isTrue();
    assertThat(a.triggeredBy(599)).isTrue();
    assertThat(a.triggeredBy(404)).isFalse();

    FallbackTarget b = p.fallbacks().get(1);
    assertThat(b.targetUrl().getPort()).isEqualTo(8089);
    assertThat(b.headers()).isEmpty();
    assertThat(b.onCodes()).as("default onCodes").isEqualTo(StatusCodes.DEFAULT);

    byte[] body = BodyRewriter.withOverrides("{\"model\":\"gpt-4o\",\"messages\":[]}".getBytes(), a.bodyKeyOverride());
    assertThat(new String(body)).isEqualTo(
        "{\"max_tokens\":1024,\"stop\":[\"\\n\"],\"metadata\":{\"a\":null},\"model\":\"claude-3-5-haiku-latest\",\"messages\":[]}");
  }

  @Test
  void nullsAndEmptyListsInFallbacks() {
    CallPolicies p = resolve(resolver(), "Helicone-Fallbacks",
        "[{\"target-url\":\"https://x.example/v1/chat/completions\",\"headers\":null,\"onCodes\":null,"
            + "\"bodyKeyOverride\":null}]");
    assertThat(p.errors()).isEmpty();
    assertThat(p.fallbacks().get(0).onCodes()).isEqualTo(StatusCodes.DEFAULT);
    CallPolicies empty = resolve(resolver(), "Helicone-Fallbacks", "[]");
    assertThat(empty.errors()).isEmpty();
    assertThat(empty.fallbacks()).isEmpty();
  }

  @Test
  void anInvalidFallbacksHeaderIsIgnoredAsAWholeAndOtherTargetsStay() {
    String secret = "sk-ant-SECRET-VALUE";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("[{\"target-url\": \"https://a.example/v1\", \"headers\": {\"x-api-key\": " + secret + "}}]",
        NOT_JSON);
    cases.put("[{\"target-url\": \"https://a.example/v1\"", NOT_JSON);
    cases.put("{\"target-url\": \"https://a.example/v1\"}", "Fallbacks: expected a JSON array of objects; ignored");
    cases.put("[\"https://a.example/v1\"]", "Fallbacks[0]: expected an object; ignored");
    cases.put("[{\"target-url\":\"https://ok.example/v1\"},{\"headers\":{\"x-api-key\":\"" + secret + "\"}}]",
        "Fallbacks[1]: \"target-url\" is missing; ignored");
    cases.put("[{\"target-url\": 42}]", "Fallbacks[0]: \"target-url\" must be a string; ignored");
    cases.put("[{\"target-url\": \"/v1/messages?key=" + secret + "\"}]",
        "Fallbacks[0]: target URL must be an absolute http(s) URL with a host; ignored");
    cases.put("[{\"target-url\": \"https://a b/\"}]", "Fallbacks[0]: \"target-url\" is not a valid URL; ignored");
    cases.put("[{\"target-url\": \"https://a.example\", \"headers\": {\"x-api-key\": 12}}]",
        "Fallbacks[0]: the value of header \"x-api-key\" must be a string; ignored");
    cases.put("[{\"target-url\": \"https://a.example\", \"headers\": [\"" + secret + "\"]}]",
        "Fallbacks[0]: \"headers\" must be an object of strings; ignored");
    cases.put("[{\"target-url\": \"https://a.example\", \"headers\": {\"x-api-key\": \"" + secret + "\\r\\nX: 1\"}}]",
        "Fallbacks[0]: the value of header 'x-api-key' is not a valid header value; ignored");
    String onCodesError = "Fallbacks[0]: \"onCodes\" must be an array of status codes (100..599) and"
        + " {\"from\": n, \"to\": m} ranges; ignored";
    for (String codes : new String[] {"\"429\"", "[\"429\"]", "[429.5]", "[700]", "[{\"from\": 500}]",
        "[{\"from\": 599, \"to\": 500}]", "[{\"from\": \"500\", \"to\": 599}]", "429"}) {
      cases.put("[{\"target-url\": \"https://a.example\", \"onCodes\": " + codes + "}]", onCodesError);
    }
    cases.put("[{\"target-url\": \"https://a.example\", \"bodyKeyOverride\": \"gpt-4o\"}]",
        "Fallbacks[0]: \"bodyKeyOverride\" must be an object; ignored");
    cases.put("[{\"target-url\": \"https://a.example\"}] []", "Fallbacks: unexpected content after the array; ignored");

    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      PolicyResolver r = resolver("tollgate.fallback.gpt-4o", "gpt-4o-mini");
      cases.forEach((json, error) -> {
        CallPolicies p = r.resolve(controls("Helicone-Fallbacks", json, "Helicone-Fallback-Model", "m2"),
            HeaderLookup.NONE, "gpt-4o");
        assertThat(p.errors()).as(json).hasSize(1);
        if (error.equals(NOT_JSON)) {
          assertThat(p.errors().get(0)).as(json).matches("Fallbacks: not valid JSON \\(at character \\d+\\); ignored");
        } else {
          assertThat(p.errors().get(0)).as(json).isEqualTo(error);
        }
        assertThat(p.fallbacks()).as(json).extracting(FallbackTarget::model).containsExactly("m2", "gpt-4o-mini");
        assertThat(p.toString()).doesNotContain("SECRET");
      });
      assertThat(lines(log.text(), "Fallbacks")).isEqualTo(1);
      assertThat(log.text()).doesNotContain("SECRET");
    }
  }
}
