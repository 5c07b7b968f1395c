package dev.tollgate.pricing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.tollgate.internal.TollgateLog;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An immutable map from price-table key to {@link ModelPrice}, read from LiteLLM's {@code
 * model_prices_and_context_window.json} format.
 *
 * <p>Why a streaming parser: the agent ships jackson-core only (no databind), and the file is
 * a few thousand entries of which we keep eight fields; everything else is skipped unread.
 *
 * <p>Which entries are kept: an entry is a top-level field whose value is an object, other
 * than {@code sample_spec} (the schema) and {@code fallback_generalizations} (routing rules).
 * It is kept when it has both {@code input_cost_per_token} and {@code output_cost_per_token},
 * or when its mode is {@code embedding} and it has an input price (embeddings produce no
 * output tokens; its output price is then 0). Entries without token prices (image, audio,
 * per-second, commitment-based pricing) are left out, so a call on such a model stays unpriced
 * instead of being priced at a guessed $0. A price that is not a finite non-negative number
 * (a number or a numeric string) is treated as absent. Unknown fields are skipped; when a key
 * appears twice, its last occurrence decides.
 */
public final class PriceTable {
  /** Where {@link #bundled()} reads from; written by {@link PriceTableGenerator}. */
  static final String BUNDLED_RESOURCE = "/dev/tollgate/pricing/model_prices.json";

  static final String SAMPLE_SPEC = "sample_spec";
  static final String FALLBACK_GENERALIZATIONS = "fallback_generalizations";

  // LiteLLM field names
  static final String PROVIDER = "litellm_provider";
  static final String MODE = "mode";
  static final String INPUT = "input_cost_per_token";
  static final String OUTPUT = "output_cost_per_token";
  static final String CACHE_READ = "cache_read_input_token_cost";
  static final String CACHE_CREATION = "cache_creation_input_token_cost";
  static final String CACHE_CREATION_1H = "cache_creation_input_token_cost_above_1hr";
  static final String REASONING = "output_cost_per_reasoning_token";

  /** The caller owns the stream it hands to {@link #parse}: we never close it. */
  static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

  private static final PriceTable EMPTY = new PriceTable(Map.of());

  private final Map<String, ModelPrice> prices;

  private PriceTable(Map<String, ModelPrice> prices) {
    this.prices = prices;
  }

  /**
   * Reads a price table in LiteLLM's format. The stream is read to its end and left open.
   *
   * @throws IOException when the stream cannot be read, is not JSON, or its top level is not
   *     an object
   */
  public static PriceTable parse(InputStream in) throws IOException {
    try (JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "a price table must be a JSON object of model entries");
      }
      Map<String, ModelPrice> prices = new HashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (value != JsonToken.START_OBJECT
            || SAMPLE_SPEC.equals(key)
            || FALLBACK_GENERALIZATIONS.equals(key)) {
          p.skipChildren();
          continue;
        }
        ModelPrice price = readEntry(key, p);
        if (price != null) {
          prices.put(key, price);
        } else {
          prices.remove(key);
        }
      }
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "unexpected content after the price table");
      }
      return prices.isEmpty() ? EMPTY : new PriceTable(prices);
    }
  }

  /** Reads one entry's object (the parser is on its START_OBJECT); null when it is not kept. */
  private static ModelPrice readEntry(String key, JsonParser p) throws IOException {
    String provider = null;
    String mode = null;
    Double input = null;
    Double output = null;
    Double cacheRead = null;
    Double cacheCreation = null;
    Double reasoning = null;
    Double cacheCreation1h = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case PROVIDER -> provider = string(p, value);
        case MODE -> mode = string(p, value);
        case INPUT -> input = price(p, value);
        case OUTPUT -> output = price(p, value);
        case CACHE_READ -> cacheRead = price(p, value);
        case CACHE_CREATION -> cacheCreation = price(p, value);
        case REASONING -> reasoning = price(p, value);
        case CACHE_CREATION_1H -> cacheCreation1h = price(p, value);
        default -> p.skipChildren();
      }
    }
    if (!usable(mode, input != null, output != null)) {
      return null;
    }
    if (output == null) {
      output = 0.0; // an embedding
    }
    return new ModelPrice(
        key, provider, mode, input, output, cacheRead, cacheCreation, reasoning, cacheCreation1h);
  }

  /**
   * Whether an entry with this mode and these prices is kept: it needs both token prices, or
   * an input price when it is an embedding (which produces no output tokens).
   */
  static boolean usable(String mode, boolean hasInput, boolean hasOutput) {
    return hasInput && (hasOutput || "embedding".equals(mode));
  }

  private static String string(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** A finite, non-negative number or numeric string; null for anything else. */
  private static Double price(JsonParser p, JsonToken value) throws IOException {
    double d;
    if (value == JsonToken.VALUE_NUMBER_FLOAT || value == JsonToken.VALUE_NUMBER_INT) {
      d = p.getDoubleValue();
    } else if (value == JsonToken.VALUE_STRING) {
      try {
        d = Double.parseDouble(p.getText().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    } else {
      p.skipChildren();
      return null;
    }
    return Double.isFinite(d) && d >= 0 ? d : null;
  }

  /**
   * The table bundled with Tollgate, read once on first use. Should the resource be missing or
   * unreadable (a broken build), this says so on stderr and returns an empty table: every call
   * is then unpriced, none fails.
   */
  public static PriceTable bundled() {
    return Bundled.TABLE;
  }

  private static final class Bundled {
    static final PriceTable TABLE = load();

    private static PriceTable load() {
      try (InputStream in = PriceTable.class.getResourceAsStream(BUNDLED_RESOURCE)) {
        if (in == null) {
          TollgateLog.warn("bundled price table " + BUNDLED_RESOURCE
              + " is missing from the agent jar; calls will be unpriced");
          return EMPTY;
        }
        return parse(in);
      } catch (IOException | RuntimeException e) {
        TollgateLog.warn("bundled price table " + BUNDLED_RESOURCE
            + " cannot be read; calls will be unpriced", e);
        return EMPTY;
      }
    }
  }

  /**
   * A table with this table's entries over {@code base}'s: a key in both takes this table's
   * entry whole (fields are not merged), keys only in one are kept.
   */
  public PriceTable layeredOver(PriceTable base) {
    if (base.prices.isEmpty()) {
      return this;
    }
    if (prices.isEmpty()) {
      return base;
    }
    Map<String, ModelPrice> layered = new HashMap<>(base.prices);
    layered.putAll(prices);
    return new PriceTable(layered);
  }

  /** The entry with exactly this key (case-sensitive), or null. */
  public ModelPrice find(String key) {
    return key == null ? null : prices.get(key);
  }

  /** The number of entries. */
  public int size() {
    return prices.size();
  }

  /** The keys, unmodifiable (for tests and diagnostics). */
  Set<String> keys() {
    return Collections.unmodifiableSet(prices.keySet());
  }

  @Override
  public String toString() {
    return "PriceTable[" + prices.size() + " models]";
  }
}
