package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.internal.TollgateLogCapture;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointRecognizerTest {
  private static final HeaderLookup ANTHROPIC_VERSION =
      name -> name.equalsIgnoreCase("anthropic-version") ? "2023-06-01" : null;

  private final EndpointRecognizer defaults = new EndpointRecognizer(null, true);

  private static Endpoint recognize(EndpointRecognizer r, String host, String path) {
    return r.recognize(host, 443, path, HeaderLookup.NONE);
  }

  /** A concrete host for a host pattern ({@code *.openai.azure.com} → {@code x.openai.azure.com}). */
  private static String hostOf(Vendor v) {
    return v.hostPattern().startsWith("*.") ? "x" + v.hostPattern().substring(1) : v.hostPattern();
  }

  static Stream<Vendor> knownVendors() {
    return Vendor.KNOWN.stream();
  }

  @ParameterizedTest
  @MethodSource("knownVendors")
  void everyKnownHostRecognisesItsChatOperation(Vendor v) {
    String path;
    WireFormat expected;
    switch (v.family()) {
      case ANTHROPIC:
        path = "/v1/messages";
        expected = WireFormat.ANTHROPIC_MESSAGES;
        break;
      case GEMINI:
        path = "/v1beta/models/gemini-2.5-flash:generateContent";
        expected = WireFormat.GEMINI_GENERATE_CONTENT;
        break;
      default:
        path = "/v1/chat/completions";
        expected = WireFormat.OPENAI_CHAT;
    }
    // no anthropic-version header: a known host needs none
    Endpoint e = recognize(defaults, hostOf(v), path);

    assertThat(e).as("%s %s", hostOf(v), path).isNotNull();
    assertThat(e.vendor()).isSameAs(v);
    assertThat(e.vendor().providerName()).isEqualTo(v.providerName());
    assertThat(e.format()).isEqualTo(expected);
    assertThat(e.operation()).isEqualTo(expected == WireFormat.GEMINI_GENERATE_CONTENT ? "generate_content" : "chat");
    assertThat(e.observeOnly()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("knownVendors")
  void everyKnownHostLetsItsOtherPathsPass(Vendor v) {
    assertThat(recognize(defaults, hostOf(v), "/v1/models")).isNull();
    assertThat(recognize(defaults, hostOf(v), "/health")).isNull();
    assertThat(recognize(defaults, hostOf(v), "/")).isNull();
  }

  @Test
  void knownVendorsHaveTheSpecProviderNames() {
    assertThat(Vendor.KNOWN).extracting(Vendor::providerName).contains("openai", "anthropic", "gcp.gemini",
        "azure.ai.openai", "groq", "mistral_ai", "deepseek", "x_ai");
    assertThat(Vendor.KNOWN).extracting(Vendor::hostPattern).contains("api.openai.com", "api.anthropic.com",
        "generativelanguage.googleapis.com", "*.openai.azure.com", "api.groq.com", "api.mistral.ai",
        "api.deepseek.com", "api.x.ai", "openrouter.ai", "api.together.xyz", "api.fireworks.ai",
        "api.perplexity.ai");
  }

  static Stream<Arguments> operationsOnKnownHosts() {
    return Stream.of(
        Arguments.of("api.openai.com", "/v1/chat/completions", "openai", WireFormat.OPENAI_CHAT, "chat"),
        Arguments.of("api.openai.com", "/v1/completions", "openai", WireFormat.OPENAI_COMPLETIONS, "text_completion"),
        Arguments.of("api.openai.com", "/v1/responses", "openai", WireFormat.OPENAI_RESPONSES, "chat"),
        Arguments.of("api.openai.com", "/v1/embeddings", "openai", WireFormat.OPENAI_EMBEDDINGS, "embeddings"),
        Arguments.of("api.anthropic.com", "/v1/messages", "anthropic", WireFormat.ANTHROPIC_MESSAGES, "chat"),
        Arguments.of("generativelanguage.googleapis.com", "/v1beta/models/gemini-2.5-flash:generateContent",
            "gcp.gemini", WireFormat.GEMINI_GENERATE_CONTENT, "generate_content"),
        Arguments.of("generativelanguage.googleapis.com", "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
            "gcp.gemini", WireFormat.GEMINI_GENERATE_CONTENT, "generate_content"),
        Arguments.of("generativelanguage.googleapis.com", "/v1beta/openai/chat/completions",
            "gcp.gemini", WireFormat.OPENAI_CHAT, "chat"),
        // vendor prefixes before the operation
        Arguments.of("api.groq.com", "/openai/v1/chat/completions", "groq", WireFormat.OPENAI_CHAT, "chat"),
        Arguments.of("openrouter.ai", "/api/v1/chat/completions", "openrouter", WireFormat.OPENAI_CHAT, "chat"),
        Arguments.of("api.fireworks.ai", "/inference/v1/chat/completions", "fireworks_ai", WireFormat.OPENAI_CHAT,
            "chat"),
        Arguments.of("api.fireworks.ai", "/inference/v1/embeddings", "fireworks_ai", WireFormat.OPENAI_EMBEDDINGS,
            "embeddings"),
        // Azure: the query (?api-version=...) is not part of the path the adapters pass
        Arguments.of("x.openai.azure.com", "/openai/deployments/d/chat/completions", "azure.ai.openai",
            WireFormat.OPENAI_CHAT, "chat"),
        Arguments.of("my-resource.openai.azure.com", "/openai/deployments/emb/embeddings", "azure.ai.openai",
            WireFormat.OPENAI_EMBEDDINGS, "embeddings"),
        Arguments.of("api.mistral.ai", "/v1/chat/completions", "mistral_ai", WireFormat.OPENAI_CHAT, "chat"),
        Arguments.of("api.deepseek.com", "/chat/completions", "deepseek", WireFormat.OPENAI_CHAT, "chat"),
        Arguments.of("api.x.ai", "/v1/chat/completions", "x_ai", WireFormat.OPENAI_CHAT, "chat"),
        Arguments.of("api.together.xyz", "/v1/completions", "together_ai", WireFormat.OPENAI_COMPLETIONS,
            "text_completion"),
        Arguments.of("api.perplexity.ai", "/chat/completions", "perplexity", WireFormat.OPENAI_CHAT, "chat"));
  }

  @ParameterizedTest
  @MethodSource("operationsOnKnownHosts")
  void operationsOnKnownHosts(String host, String path, String provider, WireFormat format, String operation) {
    Endpoint e = recognize(defaults, host, path);

    assertThat(e).as("%s%s", host, path).isNotNull();
    assertThat(e.vendor().providerName()).isEqualTo(provider);
    assertThat(e.format()).isEqualTo(format);
    assertThat(e.operation()).isEqualTo(operation);
    assertThat(e.observeOnly()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/models", "/health", "/v1/messages/count_tokens", "/v1/messages/batches",
      "/v1/chat/completions/chatcmpl-123", "/openai/deployments/d/chat"})
  void nonOperationPathsOfKnownHostsPass(String path) {
    assertThat(recognize(defaults, "api.openai.com", path)).isNull();
    assertThat(recognize(defaults, "api.anthropic.com", path)).isNull();
    assertThat(recognize(defaults, "x.openai.azure.com", path)).isNull();
  }

  @Test
  void knownHostIsCaseInsensitive() {
    Endpoint e = recognize(defaults, "API.OpenAI.com", "/v1/chat/completions");
    assertThat(e).isNotNull();
    assertThat(e.vendor().providerName()).isEqualTo("openai");

    Endpoint azure = recognize(defaults, "My.OPENAI.Azure.COM", "/openai/deployments/d/chat/completions");
    assertThat(azure).isNotNull();
    assertThat(azure.vendor().providerName()).isEqualTo("azure.ai.openai");
  }

  @Test
  void azureSuffixNeedsADotBeforeIt() {
    // "evilopenai.azure.com" is not a subdomain of openai.azure.com
    Endpoint e = new EndpointRecognizer(null, false).recognize("evilopenai.azure.com", 443,
        "/openai/deployments/d/chat/completions", HeaderLookup.NONE);
    assertThat(e).isNull();
  }

  static Stream<Arguments> byPath() {
    return Stream.of(
        Arguments.of("/v1/chat/completions", "openai", WireFormat.OPENAI_CHAT, "chat"),
        Arguments.of("/v1/completions", "openai", WireFormat.OPENAI_COMPLETIONS, "text_completion"),
        Arguments.of("/v1/responses", "openai", WireFormat.OPENAI_RESPONSES, "chat"),
        Arguments.of("/v1/embeddings", "openai", WireFormat.OPENAI_EMBEDDINGS, "embeddings"),
        Arguments.of("/proxy/openai/v1/chat/completions", "openai", WireFormat.OPENAI_CHAT, "chat"),
        Arguments.of("/v1beta/models/gemini-2.5-flash:generateContent", "gcp.gemini",
            WireFormat.GEMINI_GENERATE_CONTENT, "generate_content"),
        Arguments.of("/v1beta/models/gemini-2.5-flash:streamGenerateContent", "gcp.gemini",
            WireFormat.GEMINI_GENERATE_CONTENT, "generate_content"));
  }

  @ParameterizedTest
  @MethodSource("byPath")
  void byPathOnAnyHost(String path, String provider, WireFormat format, String operation) {
    Endpoint e = defaults.recognize("localhost", 11434, path, HeaderLookup.NONE);

    assertThat(e).as(path).isNotNull();
    assertThat(e.vendor().providerName()).isEqualTo(provider);
    assertThat(e.format()).isEqualTo(format);
    assertThat(e.operation()).isEqualTo(operation);
    assertThat(e.observeOnly()).isFalse();
  }

  @Test
  void anthropicPathOnAnyHostNeedsTheVersionHeader() {
    assertThat(defaults.recognize("localhost", 8080, "/v1/messages", HeaderLookup.NONE)).isNull();

    Endpoint e = defaults.recognize("localhost", 8080, "/v1/messages", ANTHROPIC_VERSION);
    assertThat(e).isNotNull();
    assertThat(e.vendor().providerName()).isEqualTo("anthropic");
    assertThat(e.format()).isEqualTo(WireFormat.ANTHROPIC_MESSAGES);
    assertThat(e.operation()).isEqualTo("chat");
  }

  @Test
  void detectByPathOffKeepsKnownHostsOnly() {
    EndpointRecognizer off = new EndpointRecognizer(null, false);

    assertThat(off.recognize("localhost", 11434, "/v1/chat/completions", HeaderLookup.NONE)).isNull();
    assertThat(off.recognize("localhost", 11434, "/v1beta/models/g:generateContent", HeaderLookup.NONE)).isNull();
    assertThat(off.recognize("localhost", 8080, "/v1/messages", ANTHROPIC_VERSION)).isNull();

    Endpoint known = recognize(off, "api.openai.com", "/v1/chat/completions");
    assertThat(known).isNotNull();
    assertThat(known.vendor().providerName()).isEqualTo("openai");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/v1/chat", "/v1/chat/completion", "/v1/models", "/api/generate", "/v1/messages",
      "/v1/chat/completions/", "/v1beta/models/gemini-2.5-flash:countTokens", "/index.html"})
  void nonLlmRequestsOnOtherHostsPass(String path) {
    assertThat(defaults.recognize("example.com", 443, path, HeaderLookup.NONE)).as(path).isNull();
  }

  @Test
  void nullHostOrPathIsNotAnLlmCall() {
    assertThat(defaults.recognize(null, 443, "/v1/chat/completions", HeaderLookup.NONE)).isNull();
    assertThat(defaults.recognize("api.openai.com", 443, null, HeaderLookup.NONE)).isNull();
  }

  @Test
  void mappedHostAndPort() {
    EndpointRecognizer r = new EndpointRecognizer("localhost:8089=openai", false);

    Endpoint e = r.recognize("localhost", 8089, "/v1/chat/completions", HeaderLookup.NONE);
    assertThat(e).isNotNull();
    assertThat(e.vendor().providerName()).isEqualTo("openai");
    assertThat(e.format()).isEqualTo(WireFormat.OPENAI_CHAT);
    assertThat(e.observeOnly()).isFalse();
    // a mapped host is still only an LLM call on an operation path
    assertThat(r.recognize("localhost", 8089, "/v1/models", HeaderLookup.NONE)).isNull();
    // another port of the same host is not mapped (and by-path is off)
    assertThat(r.recognize("localhost", 8090, "/v1/chat/completions", HeaderLookup.NONE)).isNull();
  }

  @Test
  void mappedHostWithoutPortMatchesEveryPort() {
    EndpointRecognizer r = new EndpointRecognizer("llm.internal=anthropic", false);

    for (int port : new int[] {-1, 443, 8080}) {
      Endpoint e = r.recognize("llm.internal", port, "/v1/messages", HeaderLookup.NONE);
      assertThat(e).as("port %d", port).isNotNull();
      assertThat(e.vendor().providerName()).isEqualTo("anthropic");
      assertThat(e.format()).isEqualTo(WireFormat.ANTHROPIC_MESSAGES);
    }
  }

  @Test
  void mappedHostsAreCaseInsensitive() {
    EndpointRecognizer r = new EndpointRecognizer("LLM.Internal:8000=OpenAI", false);

    Endpoint e = r.recognize("llm.INTERNAL", 8000, "/v1/chat/completions", HeaderLookup.NONE);
    assertThat(e).isNotNull();
    assertThat(e.vendor().providerName()).isEqualTo("openai");
  }

  @Test
  void mappingsUseAliasesOfKnownVendors() {
    EndpointRecognizer r = new EndpointRecognizer("a=gemini, b=azure, c=mistral, d=x, e=together", false);

    assertThat(r.recognize("a", 1, "/v1beta/models/g:generateContent", HeaderLookup.NONE).vendor().providerName())
        .isEqualTo("gcp.gemini");
    assertThat(r.recognize("b", 1, "/v1/chat/completions", HeaderLookup.NONE).vendor().providerName())
        .isEqualTo("azure.ai.openai");
    assertThat(r.recognize("c", 1, "/v1/chat/completions", HeaderLookup.NONE).vendor().providerName())
        .isEqualTo("mistral_ai");
    assertThat(r.recognize("d", 1, "/v1/chat/completions", HeaderLookup.NONE).vendor().providerName())
        .isEqualTo("x_ai");
    assertThat(r.recognize("e", 1, "/v1/chat/completions", HeaderLookup.NONE).vendor().providerName())
        .isEqualTo("together_ai");
  }

  @Test
  void unknownProviderNameBecomesAnOpenAiCompatibleVendor() {
    EndpointRecognizer r = new EndpointRecognizer("gpu-box:8000=vllm", false);

    Endpoint e = r.recognize("gpu-box", 8000, "/v1/chat/completions", HeaderLookup.NONE);
    assertThat(e).isNotNull();
    assertThat(e.vendor().providerName()).isEqualTo("vllm");
    assertThat(e.vendor().family()).isEqualTo(ApiFamily.OPENAI);
    assertThat(e.vendor().pricingPrefixes()).containsExactly("vllm/");
    assertThat(e.format()).isEqualTo(WireFormat.OPENAI_CHAT);
    assertThat(r.recognize("gpu-box", 8000, "/v1/embeddings", HeaderLookup.NONE).format())
        .isEqualTo(WireFormat.OPENAI_EMBEDDINGS);
  }

  @Test
  void mappingWinsOverAKnownHost() {
    EndpointRecognizer r = new EndpointRecognizer("api.openai.com=vllm", true);

    assertThat(recognize(r, "api.openai.com", "/v1/chat/completions").vendor().providerName()).isEqualTo("vllm");
  }

  @Test
  void badMappingsAreSkippedWithAWarningAndTheOthersStillWork() {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      Map<String, Vendor> m = EndpointRecognizer.parseMappings(
          "nonsense, =openai, host-without-provider=, localhost:8089=openai,, other:9000 = anthropic ");

      assertThat(m).containsOnlyKeys("localhost:8089", "other:9000");
      assertThat(m.get("localhost:8089").providerName()).isEqualTo("openai");
      assertThat(m.get("other:9000").providerName()).isEqualTo("anthropic");
      assertThat(log.text())
          .contains("WARN")
          .contains("'nonsense'")
          .contains("'=openai'")
          .contains("'host-without-provider='")
          .contains("host[:port]=provider");
    }

    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      EndpointRecognizer r = new EndpointRecognizer("nonsense,localhost:8089=openai", false);
      assertThat(r.recognize("localhost", 8089, "/v1/chat/completions", HeaderLookup.NONE)).isNotNull();
      assertThat(log.text()).contains("nonsense");
    }
  }

  @Test
  void emptyMappingsAreNone() {
    assertThat(EndpointRecognizer.parseMappings(null)).isEmpty();
    assertThat(EndpointRecognizer.parseMappings("  ")).isEmpty();
  }

  @Test
  void heliconeGatewayIsObserveOnly() {
    EndpointRecognizer off = new EndpointRecognizer(null, false);
    for (EndpointRecognizer r : new EndpointRecognizer[] {defaults, off}) {
      Endpoint oai = r.recognize("oai.helicone.ai", 443, "/v1/chat/completions", HeaderLookup.NONE);
      assertThat(oai).isNotNull();
      assertThat(oai.observeOnly()).isTrue();
      assertThat(oai.vendor().providerName()).isEqualTo("openai");
      assertThat(oai.format()).isEqualTo(WireFormat.OPENAI_CHAT);

      Endpoint anthropic = r.recognize("Anthropic.Helicone.AI", 443, "/v1/messages", HeaderLookup.NONE);
      assertThat(anthropic).isNotNull();
      assertThat(anthropic.observeOnly()).isTrue();
      assertThat(anthropic.vendor().providerName()).isEqualTo("anthropic");

      assertThat(r.recognize("oai.helicone.ai", 443, "/v1/models", HeaderLookup.NONE)).isNull();
    }
  }

  @Test
  void endpointDescribesItself() {
    Endpoint e = new Endpoint(Vendor.forName("openai"), WireFormat.OPENAI_CHAT, true);
    assertThat(e.toString()).contains("openai").contains("OPENAI_CHAT").contains("observe only");
  }
}
