package dev.tollgate.pricing;

import java.util.Objects;

/**
 * The per-token prices of one price-table entry, in USD per token.
 *
 * <p>{@code inputPerToken} and {@code outputPerToken} are always known (see {@link PriceTable}
 * for which entries are kept). The optional prices are {@code null} when the table does
 * not give them; {@link #cost} then charges those tokens at the plain input or output price,
 * which is what the providers do for models without a separate rate (a 1-hour cache write
 * without its own price is charged at the 5-minute cache-write price).
 *
 * @param key the price-table key, e.g. {@code gpt-4o-mini} or {@code groq/llama-3.1-8b-instant}
 * @param litellmProvider LiteLLM's provider name ({@code litellm_provider}), or null
 * @param mode LiteLLM's mode ({@code chat}, {@code embedding}, ...), or null
 * @param inputPerToken {@code input_cost_per_token}
 * @param outputPerToken {@code output_cost_per_token}
 * @param cacheReadPerToken {@code cache_read_input_token_cost}, or null
 * @param cacheCreationPerToken {@code cache_creation_input_token_cost} (Anthropic: a 5-minute
 *     cache write), or null
 * @param reasoningPerToken {@code output_cost_per_reasoning_token}, or null
 * @param cacheCreation1hPerToken {@code cache_creation_input_token_cost_above_1hr} (Anthropic: a
 *     1-hour cache write), or null
 */
public record ModelPrice(
    String key,
    String litellmProvider,
    String mode,
    double inputPerToken,
    double outputPerToken,
    Double cacheReadPerToken,
    Double cacheCreationPerToken,
    Double reasoningPerToken,
    Double cacheCreation1hPerToken) {

  public ModelPrice {
    Objects.requireNonNull(key, "key");
  }

  /** An entry without a 1-hour cache-write price. */
  public ModelPrice(String key, String litellmProvider, String mode, double inputPerToken,
      double outputPerToken, Double cacheReadPerToken, Double cacheCreationPerToken,
      Double reasoningPerToken) {
    this(key, litellmProvider, mode, inputPerToken, outputPerToken, cacheReadPerToken,
        cacheCreationPerToken, reasoningPerToken, null);
  }

  /** {@link #cost(long, long, long, long, long, long)} with no 1-hour cache writes. */
  public double cost(
      long inputTokens, long outputTokens, long cacheReadTokens, long cacheCreationTokens,
      long reasoningTokens) {
    return cost(inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, 0, reasoningTokens);
  }

  /**
   * What a call with these token counts costs, in USD.
   *
   * <p>{@code inputTokens} includes the cached and cache-written tokens (as OpenAI's {@code
   * prompt_tokens} does), and {@code outputTokens} includes the reasoning tokens. Uncached
   * input is charged at the input price, cache reads and cache writes at their own prices
   * (else at the input price), output at the output price; when this entry has a reasoning
   * price, the reasoning tokens are charged at it and only the rest of the output at the output
   * price. Of the cache writes, {@code cacheCreation1hTokens} (a part of {@code
   * cacheCreationTokens}) are charged at the 1-hour price and the rest at the 5-minute one.
   * Differences that would be negative (inconsistent counts) are taken as 0.
   */
  public double cost(
      long inputTokens, long outputTokens, long cacheReadTokens, long cacheCreationTokens,
      long cacheCreation1hTokens, long reasoningTokens) {
    long cacheRead = Math.max(0, cacheReadTokens);
    long cacheCreation = Math.max(0, cacheCreationTokens);
    long cacheCreation1h = Math.min(cacheCreation, Math.max(0, cacheCreation1hTokens));
    long uncached = Math.max(0, inputTokens - cacheRead - cacheCreation);
    double write5m = cacheCreationPerToken != null ? cacheCreationPerToken : inputPerToken;
    double write1h = cacheCreation1hPerToken != null ? cacheCreation1hPerToken : write5m;
    double cost = uncached * inputPerToken
        + cacheRead * (cacheReadPerToken != null ? cacheReadPerToken : inputPerToken)
        + (cacheCreation - cacheCreation1h) * write5m
        + cacheCreation1h * write1h;
    long output = Math.max(0, outputTokens);
    if (reasoningPerToken != null) {
      long reasoning = Math.max(0, reasoningTokens);
      cost += Math.max(0, output - reasoning) * outputPerToken + reasoning * reasoningPerToken;
    } else {
      cost += output * outputPerToken;
    }
    return cost;
  }
}
