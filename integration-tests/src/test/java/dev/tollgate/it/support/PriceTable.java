package dev.tollgate.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent's bundled price table (LiteLLM format), read independently of the agent so a test can
 * say what a call must cost. Look-up: the response model's key, else that model without its date suffix.
 */
public final class PriceTable {
  public record Price(String key, double inputPerToken, double outputPerToken, Double cacheReadPerToken) {
    /** Cached input tokens at the cache-read price (the input price when the table has none), the rest at the input price. */
    public double cost(long inputTokens, long cachedInputTokens, long outputTokens) {
      double cacheRead = cacheReadPerToken != null ? cacheReadPerToken : inputPerToken;
      return (inputTokens - cachedInputTokens) * inputPerToken + cachedInputTokens * cacheRead + outputTokens * outputPerToken;
    }
  }

  private static PriceTable bundled;
  private final JsonNode table;

  private PriceTable(JsonNode table) {
    this.table = table;
  }

  /** The table at {@link ItEnv#priceTable()}; an AssertionError naming the path when it is missing. */
  public static synchronized PriceTable bundled() {
    if (bundled == null) {
      Path path = ItEnv.priceTable();
      if (!Files.isRegularFile(path)) {
        throw new AssertionError("the agent's bundled price table does not exist yet: " + path);
      }
      try {
        bundled = new PriceTable(new ObjectMapper().readTree(path.toFile()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
    return bundled;
  }

  public Price lookup(String model) {
    Price price = exact(model);
    if (price == null) {
      price = exact(model.replaceFirst("-\\d{4}-\\d{2}-\\d{2}$", ""));
    }
    if (price == null) {
      throw new AssertionError("no price for " + model + " (nor without its date suffix) in " + ItEnv.priceTable());
    }
    return price;
  }

  private Price exact(String key) {
    JsonNode entry = table.get(key);
    if (entry == null || !entry.hasNonNull("input_cost_per_token")) {
      return null;
    }
    JsonNode cacheRead = entry.get("cache_read_input_token_cost");
    return new Price(key, entry.get("input_cost_per_token").asDouble(), entry.path("output_cost_per_token").asDouble(0),
        cacheRead != null && cacheRead.isNumber() ? cacheRead.asDouble() : null);
  }
}
