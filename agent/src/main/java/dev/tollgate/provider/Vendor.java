package dev.tollgate.provider;

import java.util.List;
import java.util.Locale;

/**
 * A vendor is a table row: where it lives, which API family it speaks, the
 * {@code gen_ai.provider.name} it is reported as, and the price-table prefixes that
 * distinguish its prices from another vendor's for the same bare model name.
 */
public final class Vendor {
  /** The known vendors. Hosts ending in a {@code *.} pattern match by suffix. */
  public static final List<Vendor> KNOWN = List.of(
      new Vendor("openai", ApiFamily.OPENAI, List.of(), "api.openai.com"),
      new Vendor("anthropic", ApiFamily.ANTHROPIC, List.of(), "api.anthropic.com"),
      new Vendor("gcp.gemini", ApiFamily.GEMINI, List.of("gemini/"), "generativelanguage.googleapis.com"),
      new Vendor("azure.ai.openai", ApiFamily.OPENAI, List.of("azure/"), "*.openai.azure.com"),
      new Vendor("groq", ApiFamily.OPENAI, List.of("groq/"), "api.groq.com"),
      new Vendor("mistral_ai", ApiFamily.OPENAI, List.of("mistral/"), "api.mistral.ai"),
      new Vendor("deepseek", ApiFamily.OPENAI, List.of("deepseek/"), "api.deepseek.com"),
      new Vendor("x_ai", ApiFamily.OPENAI, List.of("xai/"), "api.x.ai"),
      new Vendor("openrouter", ApiFamily.OPENAI, List.of("openrouter/"), "openrouter.ai"),
      new Vendor("together_ai", ApiFamily.OPENAI, List.of("together_ai/"), "api.together.xyz"),
      new Vendor("fireworks_ai", ApiFamily.OPENAI, List.of("fireworks_ai/"), "api.fireworks.ai"),
      new Vendor("perplexity", ApiFamily.OPENAI, List.of("perplexity/"), "api.perplexity.ai"));

  private final String providerName;
  private final ApiFamily family;
  private final List<String> pricingPrefixes;
  private final String hostPattern;

  public Vendor(String providerName, ApiFamily family, List<String> pricingPrefixes, String hostPattern) {
    this.providerName = providerName;
    this.family = family;
    this.pricingPrefixes = List.copyOf(pricingPrefixes);
    this.hostPattern = hostPattern;
  }

  /**
   * The vendor for a provider name given in {@code tollgate.endpoints}: a known vendor by its
   * {@code gen_ai.provider.name} (or a short alias), else an OpenAI-compatible vendor of
   * that name (vLLM, Ollama, LM Studio, a LiteLLM proxy).
   */
  public static Vendor forName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Vendor v : KNOWN) {
      if (v.providerName.equals(n) || v.providerName.startsWith(n + "_") || v.providerName.startsWith(n + ".")
          || (n.equals("gemini") && v.family == ApiFamily.GEMINI) || (n.equals("azure") && v.providerName.startsWith("azure"))) {
        return v;
      }
    }
    return new Vendor(n, ApiFamily.OPENAI, List.of(n + "/"), null);
  }

  /** {@code gen_ai.provider.name}. */
  public String providerName() {
    return providerName;
  }

  public ApiFamily family() {
    return family;
  }

  public List<String> pricingPrefixes() {
    return pricingPrefixes;
  }

  /** Exact host, or {@code *.suffix}; null for vendors known only by configuration. */
  public String hostPattern() {
    return hostPattern;
  }

  @Override
  public String toString() {
    return providerName;
  }
}
